# Lock: ephemeral-sequential nodes, each waiter watching its predecessor; a crashed holder, then a paused one fenced off
# c1, c2 and c3 ask for /lock: c1's node is the lowest, so it holds; c2 watches c1's node,
# c3 watches c2's. c1's process dies: its session expires 2 s later, its node goes, and c2
# takes the lock — never two holders with live sessions. Then c2 stops (a GC pause) past its
# session timeout: c3 takes the lock while c2, asleep, still believes it holds. When c2 wakes
# its write to the protected resource carries its old token (its node's czxid) and is refused.
servers 3
seed 5

start all
until stable 10s
client c1 connect 1 timeout 2s
client c2 connect 2 timeout 2s
client c3 connect 3 timeout 2s
client c1 run lock /lock
run 500ms
client c2 run lock /lock
run 500ms
client c3 run lock /lock
run 1s
expect holder /lock c1
client c1 crash
run 4s
expect holder /lock c2
client c2 pause 5s
run 5s
expect holder /lock c2,c3
expect resource /lock c2 rejected
run 3s
expect holder /lock c3
expect no-violations
