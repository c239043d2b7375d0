# The configuration watch: every process reads /cfg with a watch and, each time the watch
# fires (NodeDataChanged), reads again with a new watch — watches are one-shot, so a watcher
# that did not re-register would miss the next change. Three watchers on three servers; c0
# writes v2 then v3: each watcher is notified exactly once per change and re-reads the new
# value. A watcher that starts before /app/cfg exists waits with an exists watch for its
# creation (NodeCreated), then reads it.
servers 3
seed 21

start all
until stable 10s
client c0 connect 1
create c0 /cfg v1
client c1 connect 1
client c2 connect 2
client c3 connect 3
client c1 run config /cfg
client c2 run config /cfg
client c3 run config /cfg
run 500ms
expect config c1 v1
expect config c2 v1
expect config c3 v1
set c0 /cfg v2
run 500ms
expect watch c1 /cfg 1 changed
expect watch c2 /cfg 1 changed
expect watch c3 /cfg 1 changed
expect config c1 v2
expect config c3 v2
set c0 /cfg v3
run 500ms
expect watch c1 /cfg 2 changed
expect watch c2 /cfg 2 changed
expect watch c3 /cfg 2 changed
expect config c2 v3
# A watcher of a znode that does not exist yet.
client c4 connect 2
client c4 run config /app
run 500ms
expect config c4 absent
create c0 /app on
run 500ms
expect watch c4 /app 1 created
expect config c4 on
status
expect no-violations
