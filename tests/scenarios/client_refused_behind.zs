# A server refuses a client that has seen a newer zxid than its own (protocol.md §8;
# ZooKeeperServer.processConnectRequest: "Refusing session request for client ... as it has
# seen zxid ..."). The cut 3>1 kills s1's connection to its leader s3 one way: s1 gets no
# more PROPOSALs or COMMITs, but keeps FOLLOWING, and keeps its client port open, until its
# read timeout (syncLimit, 40 ticks here) runs out. c1 writes through s2 and has seen
# 0x100000002; when its link to s2 is cut, it moves on to s1, which is still at 0x100000001
# and refuses it, then to s3, where it resumes its session: no new createSession, the ensemble
# stays at 0x100000002.
servers 3
seed 5
sync-limit 40

start all
until stable 10s
client c1 connect 2,1,3 timeout 4s
cut 3>1
create c1 /a v1
expect result c1 ok
cut c1 2
# c1 hears nothing from s2 for its readTimeout (2/3 of 4 s), sleeps up to a second (ClientCnxn
# .startConnect), tries s1 (refused), then s3.
run 5s
expect zxid 1 0x100000001
expect zxid 3 0x100000002
expect session c1 live
get c1 /a
expect read c1 /a v1
status
heal all
run 10s
expect no-violations
