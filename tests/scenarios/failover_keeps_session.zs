# A client whose server dies moves to the next one in its list with the same session
# (protocol.md §8): no txn, its ephemeral intact. c1 opens its session at s1 (createSession,
# 0x100000001) and creates the ephemeral /me (0x100000002). s1 crashes: its OS resets c1's
# socket, c1 sleeps up to a second (ClientCnxn.startConnect) and connects to s2, which asks
# the leader to revalidate the session (REVALIDATE): still live. No new createSession, the
# zxid stays at 0x100000002, and /me is still there. (A request in flight when a connection
# drops reports CONNECTIONLOSS and may still commit: tests/clients.rs.)
servers 3
seed 2

start all
until stable 10s
client c1 connect 1,2,3 timeout 4s
create c1 -e /me up
expect created c1 /me
crash 1
run 2s
status
expect zxid 2 0x100000002
expect session c1 live
get c1 /me
expect read c1 /me up
expect node 3 /me up
# The ephemeral still belongs to the first session.
exists c1 /me
expect exists c1 /me yes
expect no-violations
