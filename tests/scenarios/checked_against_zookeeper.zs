# The same run, step for step, as one made with Debian's ZooKeeper 3.8.0 (three servers on
# loopback, tickTime 2000; `srvr` read after each step). Every `expect` below is what the real
# servers reported:
#   fresh start      s1 follower 0x0, s2 follower 0x0, s3 leader 0x100000000
#   zkCli session: create /a, /b, /c, close     all three at 0x100000005
#   kill -9 the leader (s3)    s2 leader 0x200000000 within a second, s1 follower 0x100000005
#   restart s3       "Getting a diff from the leader 0x100000005"; s3 follower 0x100000005
servers 3
seed 21

start all
until stable 10s
expect mode 1 follower
expect mode 2 follower
expect mode 3 leader
expect zxid 1 0x0
expect zxid 2 0x0
expect zxid 3 0x100000000

session open at 1
write at 1 /a 1
write at 1 /b 2
write at 1 /c 3
session close at 1
run 1s
expect zxid 1 0x100000005
expect zxid 2 0x100000005
expect zxid 3 0x100000005

crash 3
# The followers see the leader's sockets close at once and elect again.
run 1s
expect leader 2
expect zxid 2 0x200000000
expect zxid 1 0x100000005
expect epoch 1 2

restart 3
until stable 10s
expect mode 3 follower
expect sync 3 DIFF
expect zxid 3 0x100000005
expect no-violations
