# Leader crash: five servers elect server 5 (highest sid, all logs empty). Three writes
# commit everywhere, so servers 1-4 hold the same history (epoch 1, zxid 0x100000003).
# When the leader dies the survivors vote again; FLE compares (currentEpoch, lastZxid, sid)
# and, with epoch and zxid tied, the highest surviving sid wins: server 4. Its new epoch is
# 2, and a committed txn is never lost: the next write is 0x200000001 on every survivor.
servers 5
seed 3

start all
until stable 10s
expect leader 5
write /a 1
write /b 2
write /c 3
run 1s
expect zxid 1 0x100000003
expect zxid 4 0x100000003
expect zxid 5 0x100000003

crash 5
until stable 20s
status
expect leader 4
expect mode 5 down
expect epoch 1 2
expect epoch 4 2
expect zxid 4 0x200000000
expect zxid 1 0x100000003

write /d 4
run 1s
status
expect zxid 1 0x200000001
expect zxid 2 0x200000001
expect zxid 3 0x200000001
expect zxid 4 0x200000001
expect no-violations
