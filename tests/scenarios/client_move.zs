# A client moved to another server (ZooKeeper.updateServerList with a new connect string)
# drops its connection and resumes its session there: no txn, its ephemeral intact, and the
# new server is at least as recent as the last zxid it saw. c1 opens its session at s1
# (0x100000001) and creates the ephemeral /me (0x100000002); moved to s3 it reconnects
# after the usual startConnect sleep (up to a second) with the same session.
servers 3
seed 2

start all
until stable 10s
client c1 connect 1,2,3 timeout 4s
create c1 -e /me up
expect created c1 /me
client c1 move 3
run 2s
status
expect zxid 3 0x100000002
expect session c1 live
get c1 /me
expect read c1 /me up
expect no-violations
