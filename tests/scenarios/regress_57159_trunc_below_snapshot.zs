# Explorer seed 57159 (zab): a TRUNC below a learner's snapshot. s3 took a SNAP at
# 0x200000002 from s2 (persisted on arrival), lost s2 before NEWLEADER, and then followed s1,
# whose history stops at 0x200000001: s1 told it to TRUNC back to 0x200000001. Cutting the log
# alone left the snapshot (and so the tree) holding 0x200000002, a txn s1 never had, and the
# checker found two trees for one history (invariant 10). ZooKeeper retains older snapshots
# and their logs; the simulator now goes back to the snapshot history's prefix.
servers 3
observers 2
seed 57159
start all
run 20ms
heal all
run 400ms
session open at 1
run 1500ms
write at 3 /k0 v2
run 150ms
write at 4 /k0 v3
run 1500ms
session open at 5
run 3s
write at 4 /k0 v5
run 20ms
isolate 3
run 1850ms
heal 2 1
run 900ms
session open at 1
run 150ms
isolate 2
run 150ms
crash 4
run 150ms
restart 4
run 50ms
heal all
run 600ms
write at 2 /k0 v17
run 400ms
crash 2
run 900ms
write at 3 /k1 v19
run 3s
expect sync 3 TRUNC
expect no-violations
