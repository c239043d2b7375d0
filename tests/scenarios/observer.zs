# Observers replicate but never vote. Server 4 is an observer: it follows the leader with
# OBSERVERINFO, receives committed txns as INFORM, and is never counted in an ACK or an
# election quorum (invariant 12). Writes commit with the voters' quorum and reach it.
# With two of the three voters crashed there is no quorum: the leader steps down, and a
# write goes nowhere even though two processes (a voter and the observer) are up. The
# observer never leads. When a voter comes back, the voters elect again (server 3: same
# epoch and zxid as server 1, higher sid) and the observer rejoins, still an observer.
servers 3
observers 1
seed 4

start all
until stable 10s
status
expect leader 3
expect mode 4 observer

write /a 1
write at 4 /b 2
run 1s
status
expect zxid 3 0x100000002
expect zxid 4 0x100000002
expect zxid 1 0x100000002

crash 1
crash 2
run 3s
status
expect mode 3 looking
expect mode 4 looking
write at 3 /nope x
write at 4 /nope y
run 10s
status
expect zxid 3 0x100000002
expect zxid 4 0x100000002
expect mode 4 looking

restart 1
until stable
run 1s
status
expect leader 3
expect mode 4 observer
expect epoch 3 2
write /c 3
run 1s
expect zxid 4 0x200000001
expect zxid 1 0x200000001
expect no-violations
