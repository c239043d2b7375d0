# The lock recipe (ZooKeeper's "Recipes and Solutions", Curator's InterProcessMutex): each
# contender creates an EPHEMERAL_SEQUENTIAL node under /lock, the lowest holds, and every
# other one watches only the node just before its own, so a release wakes one waiter, not
# the herd. c1 holds; c2 watches c1's node, c3 watches c2's. When c1's process dies its
# session expires (2 s later, a closeSession txn), its node goes with it, c2's watch fires and
# c2 takes the lock. Then the leader crashes while c2 holds: c2 fails over to another server
# with the same session, so its node stays and it keeps the lock; the new leader restarts
# every session's timeout. When c2 dies too, the new leader expires it and c3 takes over.
# Invariant 18 is checked all along: never two holders with live sessions.
servers 3
seed 12

start all
until stable 10s
client c1 connect 1,2,3 timeout 2s
client c2 connect 2,3,1 timeout 2s
client c3 connect 3,1,2 timeout 2s
client c1 run lock /lock
run 1s
client c2 run lock /lock
run 1s
client c3 run lock /lock
run 1s
expect holder /lock c1
client c1 crash
run 1s
# c1's session is not expired yet: its node still holds the lock for a dead process.
expect holder /lock none
expect session c1 live
run 3s
expect session c1 expired
expect holder /lock c2
# The leader crashes under c2's feet.
crash 3
until stable 10s
run 2s
expect session c2 live
expect holder /lock c2
client c2 crash
run 5s
expect session c2 expired
expect holder /lock c3
restart 3
until stable 10s
expect holder /lock c3
expect no-violations
