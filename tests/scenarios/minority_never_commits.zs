# A minority never commits. Five servers elect server 5 and commit /a everywhere. Then the
# network splits {1,2} from {3,4,5}. A client of server 1 writes: server 1 forwards the
# REQUEST to its leader, but the link is cut, and neither 1 nor 2 can form a quorum (3 of 5
# voters) to elect a leader of their own: after syncLimit ticks without a PING they go
# LOOKING and stay there, their zxid frozen. The majority side keeps its leader (it still
# has a quorum: itself, 3 and 4) and commits more writes. When the network heals, 1 and 2
# rejoin the same leader and catch up; the minority write was never committed anywhere.
servers 5
seed 11

start all
until stable 10s
expect leader 5
write /a 1
run 1s
expect zxid 1 0x100000001
expect zxid 5 0x100000001

cut 1 3
cut 1 4
cut 1 5
cut 2 3
cut 2 4
cut 2 5
write at 1 /minority x
run 3s
status
expect mode 1 looking
expect mode 2 looking
expect zxid 1 0x100000001
expect zxid 2 0x100000001
expect leader 5

write at 5 /b 2
write at 3 /c 3
run 1s
status
expect zxid 1 0x100000001
expect zxid 2 0x100000001
expect zxid 3 0x100000003
expect zxid 4 0x100000003
expect zxid 5 0x100000003
run 10s
expect zxid 1 0x100000001
expect mode 1 looking

heal all
# A server LOOKING for a long time re-sends its vote ever more rarely (the notification
# timeout doubles, up to 60s): rejoining can take tens of seconds of virtual time.
until stable 60s
run 1s
status
expect leader 5
expect epoch 1 1
expect zxid 1 0x100000003
expect zxid 2 0x100000003
expect zxid 5 0x100000003
expect no-violations
