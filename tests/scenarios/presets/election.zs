# Leader election among client processes: the lowest ephemeral-sequential node leads
# Four candidates under /election; a leads. When a's process dies, no one leads until its
# session expires; then b, whose node came next, leads. b closes its session: c leads at once.
servers 5
seed 8

start all
until stable 10s
client a connect 1 timeout 2s
client b connect 2 timeout 2s
client c connect 3 timeout 2s
client d connect 4 timeout 2s
client a run election /election
run 500ms
client b run election /election
run 500ms
client c run election /election
run 500ms
client d run election /election
run 1s
expect holder /election a
client a crash
run 4s
expect holder /election b
client b close
run 1s
expect holder /election c
expect no-violations
