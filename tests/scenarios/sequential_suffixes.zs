# Sequential names (protocol.md §8): the path as given plus the parent's cversion as a
# 10-digit, zero-padded number. cversion counts successful child creates of any kind, never
# deletes or failed creates, so after n-0000000000..n-0000000002 are deleted the next one is
# still n-0000000003; a failed create (NODEEXISTS) takes a zxid but no number.
servers 3
seed 4

start all
until stable 10s
client c1 connect 2
create c1 /lock
create c1 -s /lock/n-
expect created c1 /lock/n-0000000000
create c1 -e -s /lock/n-
expect created c1 /lock/n-0000000001
create c1 /lock/plain
create c1 /lock/plain
expect result c1 NODEEXISTS
create c1 -s /lock/n-
expect created c1 /lock/n-0000000003
delete c1 /lock/n-0000000000
delete c1 /lock/n-0000000001
delete c1 /lock/n-0000000003
create c1 -s /lock/n-
expect created c1 /lock/n-0000000004
ls c1 /lock
expect children c1 /lock n-0000000004,plain
# createSession, 6 creates (one failed), 3 deletes, one more create: 0x10000000b.
expect zxid 2 0x10000000b
expect no-violations
