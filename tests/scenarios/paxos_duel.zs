# Classic single-decree Paxos with competing proposers. Three clients ask three different
# servers to decide three different values at the same moment, on a slow network (100-200 ms)
# so that the proposers' phases interleave: a PREPARE with a higher ballot pre-empts the
# proposers before it (NACK), and they back off for a random while before retrying higher.
# Without back-off, proposers that keep pre-empting each other can go on for ever (the
# livelock a distinguished leader avoids); with it, one proposer gets through both phases,
# every later proposer finds that value in the PROMISEs and proposes it again, and exactly
# one value is chosen and learned everywhere (tests/paxos.rs checks the pre-emptions happen).
protocol paxos-single
servers 5
seed 8
latency 100 200

start all
write at 1 /decree one
write at 3 /decree three
write at 5 /decree five
until stable 60s
status
expect chosen 1 1
expect chosen 2 1
expect chosen 3 1
expect chosen 4 1
expect chosen 5 1
expect no-violations
