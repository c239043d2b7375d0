# Explorer seed 32073 (paxos-single): a value can be chosen while nobody knows it.
# s1 proposes /k3=v8 at ballot (2,1), every acceptor accepts it (so it is chosen), and s1
# crashes before it counts the ACCEPTEDs; its client's request dies with it. Learners asked
# each other forever (nobody had learned anything) and no proposer was left to finish.
# Now an acceptor that accepted a value and still knows of no decree one asking round
# later runs phase 1 itself (Lamport's way for a learner to find out), re-proposes the
# highest accepted value, and everyone learns v8.
servers 5
observers 2
seed 32073
protocol paxos-single
start all
run 20ms
write at 5 /k3 v0
run 20ms
crash 5
run 400ms
isolate 7
run 400ms
heal all
run 3s
isolate 1
run 3s
heal all
run 3s
heal all
run 1500ms
restart 5
run 1500ms
write at 1 /k3 v8
run 50ms
crash 1
heal all
start 1
run 6s
until stable 3m

expect chosen 2 1
expect chosen 7 1
expect no-violations
