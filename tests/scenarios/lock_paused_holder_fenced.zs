# The lock's classic lesson (Kleppmann's "How to do distributed locking"): a holder that stops
# for longer than its session timeout — a GC pause — still believes it holds the lock when it
# wakes. c1 holds /lock, c2 waits on c1's node. c1 pauses for 5 s: it sends no pings, so the
# leader expires its session after about 2 s (a closeSession txn) and c1's lock node goes
# with it; c2's watch fires, it lists /lock, finds its node the lowest and takes the lock,
# writing to the protected resource with its token (its node's czxid). Both now believe they
# hold /lock — not a violation of invariant 18: c1's session is dead, its belief stale.
# When c1 wakes it finishes the write the pause interrupted, with its old, lower token: the
# resource has accepted c2's higher one, so it refuses c1 (fencing); so it does again when c1
# tries once more. Only when c1 reconnects is it told SESSIONEXPIRED, and its belief goes.
servers 3
seed 5

start all
until stable 10s
client c1 connect 1 timeout 2s
client c2 connect 2 timeout 2s
client c1 run lock /lock
run 1s
expect holder /lock c1
client c2 run lock /lock
run 1s
expect holder /lock c1
client c1 pause 5s
run 4s
# c1's session expired at the leader; c2 took the lock; c1, stopped, still believes.
expect session c1 expired
expect holder /lock c1,c2
expect resource /lock c2 accepted
run 1s
# c1 is awake and has not yet heard it expired: the write it was making is refused, and so
# is the next one.
expect resource /lock c1 rejected
expect holder /lock c1,c2
client c1 use /lock
expect resource /lock c1 rejected
run 3s
expect holder /lock c2
client c2 use /lock
expect resource /lock c2 accepted
expect no-violations
