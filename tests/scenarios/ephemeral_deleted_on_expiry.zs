# An ephemeral znode lives as long as its session (protocol.md §3, §8). c1 creates /e and its
# process dies silently: no closeSession, its sockets just close. The session lives on for its
# timeout (2 s): /e stays on every server. Then the leader's session tracker, whose expiry
# buckets are tickTime apart, expires the session with a closeSession txn through Zab
# (0x100000003), and each server deletes /e when it applies that txn: on every server, and
# not before.
servers 3
seed 3

start all
until stable 10s
client c1 connect 1 timeout 2s
create c1 -e /e x
expect result c1 ok
expect zxid 1 0x100000002
client c1 crash
run 1s
expect node 1 /e x
expect node 2 /e x
expect node 3 /e x
expect session c1 live
# Last heard at about t=600 (its create, reported in s1's next PING reply), timeout 2 s,
# rounded up to the next 200 ms bucket: expired at t=2600.
run 1300ms
expect zxid 1 0x100000003
expect node 1 /e absent
expect node 2 /e absent
expect node 3 /e absent
expect nodes 2 5
expect session c1 expired
status
expect no-violations
