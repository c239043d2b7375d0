# The broken variant accept-client-ahead leaves out processConnectRequest's check: s1, behind
# at 0x100000001 (its leader link cut one way, as in client_refused_behind.zs), takes c1, which
# has seen 0x100000002. The checker's invariant 14 (a client's last-seen zxid never goes back)
# catches it the moment s1 accepts the connection.
servers 3
seed 5
sync-limit 40
variant accept-client-ahead

start all
until stable 10s
client c1 connect 2,1,3 timeout 4s
cut 3>1
create c1 /a v1
cut c1 2
run 5s
expect violation 14
