# A stop-the-world pause longer than the session timeout (a GC pause): c1 sends no pings, so
# the leader expires its session after 2 s (a closeSession txn, 0x100000003) and /e goes with
# it. When c1 wakes at t≈5.6 s it has heard nothing for its readTimeout, reconnects to s2 with
# its old session, and is told SESSIONEXPIRED (a ConnectResponse with timeout 0, no txn);
# the read it was asked for fails with SESSIONEXPIRED. A new handle (`connect` again) gets a
# new session.
servers 3
seed 9

start all
until stable 10s
client c1 connect 2 timeout 2s
create c1 -e /e x
client c1 pause 5s
run 6s
expect node 2 /e absent
expect zxid 2 0x100000003
get c1 /e
expect read c1 /e error SESSIONEXPIRED
expect session c1 expired
expect zxid 2 0x100000003
client c1 connect 1,2
create c1 -e /e y
expect result c1 ok
expect session c1 live
status
expect no-violations
