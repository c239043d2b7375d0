# A minority cut away from a Multi-Paxos ensemble chooses nothing. Servers 1 and 2 are cut
# from 3, 4 and 5. The majority side keeps (or elects) a leader and chooses new writes; the
# minority side's election timers fire, but its PREPAREs never reach a quorum, so its ballots
# climb without choosing anything. After the heal the highest ballot wins and everyone learns
# the same slots. Unlike a Zab leader, a Paxos leader on the minority side does not step
# down by itself: it simply cannot get anything chosen.
protocol paxos
servers 5
seed 11

start all
until stable 20s
write at 3 /a 1
run 1s
expect chosen 1 1

cut 1 3
cut 1 4
cut 1 5
cut 2 3
cut 2 4
cut 2 5
write at 1 /minority x
write at 2 /minority y
run 5s
status
expect chosen 1 1
expect chosen 2 1

write at 3 /majority 1
write at 4 /majority 2
run 3s
expect chosen 3 3
expect chosen 5 3

heal all
until stable 60s
run 3s
status
# The minority's two writes were forwarded to a leader they could not reach: lost, as a
# request is in any partition (a real client times out and retries). Nothing the minority
# did got chosen; everyone learned the majority's three slots.
expect chosen 1 3
expect chosen 2 3
expect chosen 3 3
expect no-violations
