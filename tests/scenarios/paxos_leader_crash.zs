# The Multi-Paxos leader crashes; a follower's election timer fires, it runs phase 1 with a
# higher ballot for every slot it has not learned, re-proposes whatever the promises report
# as accepted (keeping chosen values chosen), and carries on. Writes keep their slots; the
# new leader's ballot is higher than the old one's.
protocol paxos
servers 5
seed 3

start all
until stable 20s
expect leader 2
write at 1 /a 1
write at 3 /b 2
run 1s
expect chosen 1 2

crash 2
run 200ms
until stable 30s
status
expect mode 2 down
write at 1 /c 3
run 1s
status
expect chosen 1 3
expect chosen 3 3
expect chosen 4 3

# The old leader comes back as a follower and learns what it missed.
restart 2
run 3s
expect mode 2 follower
expect chosen 2 3
expect no-violations
