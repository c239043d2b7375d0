# Leader election among client processes (Curator's LeaderLatch; the election recipe of
# ZooKeeper's "Recipes and Solutions"): each candidate creates an EPHEMERAL_SEQUENTIAL node
# under /election and the lowest leads; each of the others watches the node just before its
# own. When the leading process closes its session its node goes at once (closeSession) and
# the next candidate leads; when a leader's process dies, its node lasts until the session
# expires, and only then does the next one lead. A candidate that resigns (`release`) hands
# nothing over: it only leaves the line.
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
run 500ms
expect holder /election a
status
# c, a waiter, resigns: d now watches b's node; a still leads.
client c release
run 1s
expect holder /election a
# The leader closes its session: b leads at once.
client a close
run 500ms
expect holder /election b
# b's process dies: no leader until its session expires, then d.
client b crash
run 1s
expect holder /election none
run 3s
expect holder /election d
expect no-violations
