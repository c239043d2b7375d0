# Configuration watch: every watcher notified once per change, then re-registers
# Three processes read /cfg with a watch. Each change fires every watch once
# (NodeDataChanged); each watcher reads the new value and leaves a new watch, ready for the
# next change. A watch is one-shot: without the re-read, the second change would go unseen.
servers 3
seed 21

start all
until stable 10s
client admin connect 1
create admin /cfg v1
client c1 connect 1
client c2 connect 2
client c3 connect 3
client c1 run config /cfg
client c2 run config /cfg
client c3 run config /cfg
run 1s
set admin /cfg v2
run 1s
expect watch c2 /cfg 1 changed
expect config c2 v2
set admin /cfg v3
run 1s
expect watch c3 /cfg 2 changed
expect config c3 v3
expect no-violations
