# Sessions are txns too (protocol.md §2-§3). Opening a session is a createSession txn and
# closing it a closeSession txn, each taking a zxid through Zab like any write. So "open a
# session, create 3 znodes, close it" in epoch 1 advances every server by 5: from
# 0x100000000 to 0x100000005.
servers 3
seed 8

start all
until stable 10s
expect leader 3
expect zxid 3 0x100000000

session open
run 500ms
expect zxid 1 0x100000001
write /app x
write /app/a 1
write at 1 /app/b 2
run 500ms
expect zxid 2 0x100000004
session close
run 1s
status
expect zxid 1 0x100000005
expect zxid 2 0x100000005
expect zxid 3 0x100000005
expect no-violations
