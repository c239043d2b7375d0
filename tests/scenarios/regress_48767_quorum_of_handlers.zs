# Explorer seed 48767 (zab): the inv-11 bound must grant each learner what its LearnerHandler
# grants it. s4 leads epoch 2; s2 is isolated, the cut 4>1 silences s1, s3 is still
# connected; s5 restarts and connects (a fresh handler, synced for initLimit + syncLimit),
# then s3 is isolated too. s4 never has a connected quorum after the cut, yet its synced
# set (s4, s3 for syncLimit after its last packet, s5's fresh handler) stays a quorum until
# s3's deadline passes, and it steps down then (about 15.1 s). The checker used to count the
# loss from the cut and allow only syncLimit + 1 ticks; it now counts, per voter, the
# longest it may still count as synced.
servers 5
observers 0
seed 48767
start all
run 1950ms
crash 5
run 1050ms
write at 1 /k1 v4
run 150ms
restart 3
run 20ms
heal all
run 3s
write at 3 /k1 v7
run 3400ms
write at 2 /k1 v9
run 3400ms
write at 4 /k2 v11
run 20ms
write at 1 /k3 v12
run 50ms
isolate 2
run 70ms
cut 4>1
run 900ms
restart 5
run 50ms
isolate 3
run 1500ms
expect mode 4 follower
expect mode 5 leader
expect no-violations
