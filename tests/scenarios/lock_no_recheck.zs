# The broken variant lock-no-recheck: a lock waiter takes the lock as soon as the node it
# watches goes, without listing the children again. c1 holds /lock, c2 watches c1's node, c3
# watches c2's. c2 gives up waiting (`release` deletes its node): c3's watch fires and,
# not checking whether c2 was the holder, c3 believes it holds /lock while c1 still does,
# both with live sessions: invariant 18. The real recipe lists /lock again, finds c1's node
# before its own and watches that one instead.
servers 3
seed 2
variant lock-no-recheck

start all
until stable 10s
client c1 connect 1
client c2 connect 2
client c3 connect 3
client c1 run lock /lock
run 500ms
client c2 run lock /lock
run 500ms
client c3 run lock /lock
run 500ms
expect holder /lock c1
client c2 release
run 500ms
expect holder /lock c1,c3
expect violation 18
