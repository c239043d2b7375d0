# The broken variant skip-fencing: the resource the lock protects accepts every write,
# whatever its fencing token. As in lock_paused_holder_fenced.zs, c1 holds /lock, pauses past
# its session's expiry, c2 takes the lock and writes; c1 wakes still believing it holds, and
# the write it was making when it stopped, with its old, lower token, is accepted over c2's:
# invariant 18.
servers 3
seed 5
variant skip-fencing

start all
until stable 10s
client c1 connect 1 timeout 2s
client c2 connect 2 timeout 2s
client c1 run lock /lock
run 1s
client c2 run lock /lock
run 1s
client c1 pause 5s
run 5s
expect holder /lock c1,c2
expect resource /lock c1 accepted
expect violation 18
