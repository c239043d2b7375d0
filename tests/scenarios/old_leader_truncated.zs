# An old leader's uncommitted txn is truncated and never reappears.
# Server 3 leads epoch 1 and commits /a (0x100000001). Then it is cut off from both
# followers; a client write reaches it anyway, so it logs /lost as 0x100000002 and proposes
# it, but no follower hears the proposal: no quorum, no commit. After syncLimit ticks with no
# PING the followers go LOOKING and elect server 2 (same epoch and zxid, higher sid) for
# epoch 2; server 3, without a quorum, steps down, still holding /lost in its log.
# Server 3 then crashes, the network heals and it restarts from its disk, /lost included.
# Its last zxid 0x100000002 is beyond the new leader's committed log (which ends at
# 0x100000001), so synchronisation sends TRUNC 0x100000001: /lost is cut from its log.
# Every server then ends on the same zxid, and /lost is never committed anywhere (the
# checker would flag a divergent history). old_leader_snap.zs shows the same story when
# epoch 2 has already committed txns: then ZooKeeper sends a SNAP instead (a TRUNC may not
# cross an epoch boundary).
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
expect zxid 1 0x100000001

crash 3
heal all
restart 3
until stable 20s
run 1s
status
expect leader 2
expect mode 3 follower
expect epoch 3 2
# Truncated back to the last committed txn of epoch 1.
expect sync 3 TRUNC
expect zxid 3 0x100000001
expect zxid 1 0x100000001

write at 2 /b 2
write at 3 /c 3
run 1s
status
expect zxid 1 0x200000002
expect zxid 2 0x200000002
expect zxid 3 0x200000002
expect no-violations
