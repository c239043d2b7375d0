# "Did my create happen?" inside the lock recipe. c1 asks s1 to create its lock node; s1
# forwards it, the leader commits it, and then c1's link to s1 is cut before the answer comes
# back: c1 gets CONNECTIONLOSS for a create that did commit. Creating again blindly would
# leave the first node, c1's own, as an orphan ahead of it — c1 would wait on itself until
# its session ended. Like Curator's protected mode, the node's name carries a GUID
# (`_c_<guid>-lock-`): once reconnected to s2, c1 syncs (so s2 has applied everything the
# leader committed), lists /lock, finds its node by the GUID, reads its czxid (its fencing
# token) and takes the lock with it. One node, one holder.
servers 3
seed 14

start all
until stable 10s
client c2 connect 2
create c2 /lock
client c1 connect 1,2 timeout 4s
client c1 run lock /lock
run 150ms
cut c1 1
run 6s
expect holder /lock c1
expect session c1 live
ls c2 /lock
expect children c2 /lock _c_c1.2-lock-0000000000
expect no-violations
