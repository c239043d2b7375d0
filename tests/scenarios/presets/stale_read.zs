# Stale read: a follower falls behind, and sync fixes it
# Reads are served by the connected server from its own tree, so they can be stale; `sync`
# goes through the leader, and a read after it sees every write committed before it
# (protocol.md §8). s1 lags: it is slowed 30x (every packet to or from it takes 300-900 ms),
# so it applies a commit long after s2 and s3. c1 reads at s1, c2 writes at s2: c1's read
# right after still shows the old value. After `sync`, c1 reads the new one.
servers 3
seed 6
sync-limit 20

start all
until stable 10s
client c2 connect 2
create c2 /cfg old
client c1 connect 1 timeout 4s
get c1 /cfg
expect read c1 /cfg old
slow 1 30
set c2 /cfg new
expect result c2 ok
# s2 and s3 have applied it; s1 has not yet.
expect node 2 /cfg new
expect node 1 /cfg old
get c1 /cfg
expect read c1 /cfg old
sync c1 /cfg
get c1 /cfg
expect read c1 /cfg new
expect no-violations
