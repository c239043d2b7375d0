# A leader that loses its quorum steps down (protocol.md §3, invariant 11). The leader
# PINGs every learner each half tick; a learner it has not heard from for syncLimit ticks no
# longer counts as synced. At each tick the leader checks that it and its synced voters still
# form a quorum; cut off from both followers it fails that check after about syncLimit + 1
# ticks (5 + 1 ticks of 200ms = 1.2s) and goes LOOKING. Its followers, hearing no PING for
# syncLimit ticks, give up on it too and elect server 2 for epoch 2.
servers 3
seed 2
tick 200ms
sync-limit 5

start all
until stable 10s
expect leader 3

# Isolated right as it starts serving. In ZooKeeper each LearnerHandler sets its socket
# read timeout to syncLimit * tickTime as soon as it has the learner's NEWLEADER ACK, so a
# learner silent since then is dropped after syncLimit ticks, whatever it last sent.
isolate 3
run 1500ms
status
expect mode 3 looking
expect epoch 3 1

until stable 10s
status
expect leader 2
expect mode 1 follower
expect epoch 1 2
expect epoch 2 2
expect mode 3 looking
expect no-violations
