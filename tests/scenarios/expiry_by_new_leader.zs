# A new leader restarts every session's full timeout when it takes over, and then expires
# the silent ones itself (protocol.md §8: SessionTrackerImpl is built from the database's
# sessions, each touched at once). c1's process dies just after it created /lock/a; then the
# leader s3 crashes before the session expired. s2 wins the next election and counts the
# session's 4 s from when it starts serving: the ephemeral survives the election and is
# deleted by s2's closeSession a full timeout later.
servers 3
seed 7

start all
until stable 10s
expect leader 3
client c1 connect 1 timeout 4s
create c1 /lock
create c1 -e /lock/a mine
client c1 crash
run 2s
crash 3
until stable 10s
expect leader 2
expect node 1 /lock/a mine
expect session c1 live
# More than 4 s after c1's death, but less than 4 s after s2 took over: still there.
run 2500ms
expect node 2 /lock/a mine
run 2s
expect node 1 /lock/a absent
expect node 2 /lock/a absent
expect session c1 expired
status
expect no-violations
