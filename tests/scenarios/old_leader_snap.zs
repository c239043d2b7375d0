# An old leader's uncommitted txn is discarded by a SNAP (compare old_leader_truncated.zs).
# Server 3 leads epoch 1 and commits /a (0x100000001). Cut off from both followers, it
# still logs a client's /lost as 0x100000002, but it cannot get a quorum for it. The
# followers elect server 2 for epoch 2 (same epoch and zxid, higher sid), which commits
# /b and /c (0x200000001, 0x200000002); server 3 steps down, /lost still in its log.
# Server 3 crashes, the network heals, it restarts with /lost. Its zxid 0x100000002 lies
# inside the new leader's committed log but is not in its history. The leader walks its
# committed log (LearnerHandler.queueCommittedProposals): the greatest zxid below the
# learner's is 0x100000001, but the next one, 0x200000001, is from another epoch, and a
# TRUNC may not cross an epoch boundary, so the leader sends a SNAP: the whole tree at
# 0x200000002. /lost is gone either way; every server ends on the same zxid, and the
# checker would flag a divergent history.
servers 3
seed 5

start all
until stable 10s
expect leader 3
write /a 1
run 1s
expect zxid 1 0x100000001
expect zxid 3 0x100000001

isolate 3
write at 3 /lost x
run 3s
status
expect leader 2
expect mode 3 looking
expect epoch 2 2
# Stepping down, server 3 fast-forwards its tree over its whole log, as ZooKeeper's
# ZKDatabase.fastForwardDataBase does: it reports (and votes with) the uncommitted /lost.
expect zxid 3 0x100000002

write at 2 /b 2
write at 2 /c 3
run 1s
expect zxid 1 0x200000002
expect zxid 2 0x200000002

crash 3
heal all
restart 3
until stable 20s
run 1s
status
expect leader 2
expect mode 3 follower
expect epoch 3 2
expect sync 3 SNAP
expect zxid 3 0x200000002
expect zxid 1 0x200000002
expect zxid 2 0x200000002
expect no-violations
