# A failed write still takes a zxid (protocol.md §8, measured on ZooKeeper 3.8). The leader's
# PrepRequestProcessor gives a request its zxid before it checks it; a create under a missing
# parent fails with NONODE, and the failure is logged as an error txn that goes through Zab
# like any other: every server's zxid moves on, and no server's tree changes. `srvr` counts
# the root, /zookeeper, /zookeeper/quota and /zookeeper/config, plus one (the root sits twice
# in ZooKeeper's DataTree map), so a fresh server reports 5 nodes.
servers 3
seed 1

start all
until stable 10s
expect leader 3
expect nodes 1 5
expect nodes 3 5

# /a does not exist: creating /a/b is an error txn NONODE at 0x100000001.
write /a/b x
run 500ms
expect zxid 1 0x100000001
expect zxid 2 0x100000001
expect zxid 3 0x100000001
expect nodes 1 5
expect node 1 /a/b absent
expect node 2 /a absent

# A trailing slash is not a path: BADARGUMENTS, another error txn, another zxid.
write at 1 /a/ x
run 500ms
expect zxid 2 0x100000002
expect nodes 2 5

# Once /a exists, /a/b can be created: each create is one more node on every server.
write /a 1
write at 2 /a/b 2
run 500ms
expect zxid 1 0x100000004
expect nodes 1 7
expect nodes 2 7
expect nodes 3 7
expect node 3 /a/b 2

# A write to an existing znode is a setData: a zxid, but no new node.
write at 1 /a 3
run 500ms
status
expect zxid 3 0x100000005
expect nodes 1 7
expect node 1 /a 3
expect node 2 /a 3
expect no-violations
