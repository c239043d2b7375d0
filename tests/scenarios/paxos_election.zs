# Multi-Paxos elects a distinguished leader, then one phase 2 per command.
# Nobody has heard a leader, so after a randomised election timeout (syncLimit ticks plus up
# to as much again, drawn from the seeded RNG) a server starts phase 1 with ballot (1, sid):
# PREPARE to every acceptor, a quorum of PROMISEs, and it leads. Its heartbeats keep the
# others from competing. Each write then takes a single ACCEPT / ACCEPTED round and is learned
# everywhere (CHOSEN). Contrast with Zab: there is no synchronisation phase, the leader may
# propose right after phase 1.
protocol paxos
servers 5
seed 3

start all
until stable 20s
expect leader 2
expect mode 1 follower
expect mode 5 follower
status

write at 1 /a 1
write at 2 /b 2
write at 5 /c 3
run 1s
status
expect chosen 1 3
expect chosen 2 3
expect chosen 5 3
expect no-violations
