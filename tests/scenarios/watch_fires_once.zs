# Watches are one-shot (protocol.md §3, §8): c1 reads /cfg with a watch on s1; c2's first
# setData fires it once (NodeDataChanged, when s1 applies the txn), its second fires nothing:
# c1 must read again, with a new watch, to hear of the next change. After s1 crashes, c1
# moves to s2 and re-registers its watch with setWatches, carrying the last zxid it saw;
# a change it missed while it was away fires at once on s2.
servers 3
seed 11

start all
until stable 10s
client c2 connect 3
create c2 /cfg v1
client c1 connect 1,2 timeout 4s
get c1 /cfg watch
set c2 /cfg v2
run 200ms
expect watch c1 /cfg 1 changed
set c2 /cfg v3
run 200ms
expect watch c1 /cfg 1
# Read again with a new watch, then lose s1.
get c1 /cfg watch
expect read c1 /cfg v3
crash 1
set c2 /cfg v4
run 3s
expect session c1 live
# The change to v4 came while c1 was between servers: s2 fires the watch at setWatches.
expect watch c1 /cfg 2 changed
get c1 /cfg
expect read c1 /cfg v4
# A child watch on the root, and an exists watch on a znode that does not exist yet.
ls c1 / watch
exists c1 /new watch
expect exists c1 /new no
create c2 /new x
run 200ms
expect watch c1 / 1 child
expect watch c1 /new 1 created
expect no-violations
