# Explorer seed 31860 (zab): a leader keeps counting a learner that crashed mid-sync, for as
# long as ZooKeeper's LearnerHandler does. A handler starts with tickOfNextAckDeadline =
# tick + initLimit + syncLimit and only drops to syncLimit once the learner ACKs NEWLEADER;
# Leader.lead() counts every handler that is alive and within its deadline as synced. Here
# s3 restarts, connects to s2 and crashes before it is synced while s2 is isolated, so its
# FIN never reaches s2: s2 keeps a quorum on paper (itself + s3's handler) until that
# handler's initial deadline runs out, about initLimit + syncLimit ticks after it opened,
# and only then steps down. The checker used to allow syncLimit + 1 ticks here (it only
# knew of syncing learners that were still up) and reported invariant 11 at 1350 ms.
servers 3
seed 31860
start all
run 1450ms
write at 3 /k1 v2
run 420ms
crash 3
run 1500ms
write at 2 /k3 v5
run 150ms
restart 3
run 150ms
isolate 2
run 50ms
crash 3
run 400ms
# The cut heals, but the connections it broke stay dead: s1 gives up on s2 after syncLimit
# (5 ticks) of silence, at about 4.65 s, and s2 still counts s3's handler.
heal all
run 1000ms
expect mode 1 looking
expect mode 2 leader
# s3's handler (re)started its sync at about 3.63 s: initLimit + syncLimit = 15 ticks = 3 s
# later s2 no longer has a quorum of synced voters and goes LOOKING.
run 1400ms
expect mode 2 leader
run 200ms
expect mode 2 looking
expect no-violations
restart 3
until stable 10s
expect no-violations
