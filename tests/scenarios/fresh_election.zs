# Fresh election: three servers with empty logs all start LOOKING and vote for themselves.
# FLE orders votes by (peerEpoch, zxid, sid); with every epoch and zxid at 0 the highest
# sid wins, so server 3 leads. Discovery makes epoch 1 (max acceptedEpoch 0, plus 1); the
# leader reports 0x100000000 (epoch 1, counter 0) once it serves, while the followers,
# which have applied no txn yet, still report 0x0 (protocol.md §2, "What srvr reports").
servers 3
seed 1

start all
until stable 10s
status

expect leader 3
expect mode 3 leader
expect mode 1 follower
expect mode 2 follower
expect zxid 3 0x100000000
expect zxid 1 0x0
expect zxid 2 0x0
expect epoch 1 1
expect epoch 2 1
expect epoch 3 1
expect no-violations
