# Explorer seed 87441 (paxos-single): the same orphaned decree as seed 32073 on 7 servers,
# after cuts, crashes and restarts of the proposer; fixed the same way (see
# regress_32073_paxos_single_orphaned_decree.zs).
servers 7
observers 0
seed 87441
protocol paxos-single
start all
run 150ms
cut 4 2
run 400ms
crash 7
run 20ms
write at 1 /k0 v2
run 50ms
crash 1
run 1500ms
heal 5 1
run 150ms
restart 1
run 400ms
cut 1>6
run 900ms
restart 7
run 900ms
heal all
run 150ms
crash 1
run 1500ms
crash 2
run 900ms
restart 2
run 1500ms
restart 1
run 400ms
crash 7
heal all
start 7
run 6s
until stable 3m

expect chosen 1 1
expect chosen 7 1
expect no-violations
