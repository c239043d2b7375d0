# A wiped server rejoins and catches up. Server 1 loses its whole disk (txn log, snapshot,
# acceptedEpoch, currentEpoch) and restarts empty: its vote (epoch 0, zxid 0x0) loses to
# everyone, and FOLLOWING notifications from the running ensemble tell it who leads. In
# synchronisation its peerZxid 0x0 is below the leader's committed log, so the leader sends
# the history it cannot DIFF from memory as a SNAP (`expect sync 1 SNAP`) and the follower ends on the leader's zxid, with the leader's epoch.
servers 3
seed 6

start all
until stable 10s
expect leader 3
write /a 1
write /b 2
write /c 3
run 1s
expect zxid 1 0x100000003

wipe 1
run 500ms
expect mode 1 down
expect zxid 1 0x0
expect epoch 1 0
restart 1
until stable 20s
run 1s
status
expect leader 3
expect mode 1 follower
expect epoch 1 1
expect sync 1 SNAP
expect zxid 1 0x100000003
expect zxid 2 0x100000003
expect zxid 3 0x100000003

write /d 4
run 1s
expect zxid 1 0x100000004
expect zxid 3 0x100000004
expect no-violations
