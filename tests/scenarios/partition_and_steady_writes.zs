# `partition` splits the ensemble in one command: every link between the groups is cut both
# ways (unlisted servers form one more group), and `heal all` undoes it. `writes N` keeps
# clients writing N times a virtual second (paths and data from the run's seed), so a long
# run stays a short script.
servers 5
seed 11
start all
until stable 10s
writes 20
run 2s
# The leader (s5 with this seed) ends up with s4 on the minority side: it loses its quorum
# and steps down within syncLimit + 1 ticks; s1..s3 elect a leader of their own and keep
# committing the steady writes.
partition 1,2,3|4,5
run 4s
expect mode 4 looking
expect mode 5 looking
expect leader 3
status
heal all
until stable 20s
writes off
run 2s
expect no-violations
status
