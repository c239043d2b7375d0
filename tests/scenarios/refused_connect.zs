# A follower that decides before its leader has its connect refused, and is synced by SNAP.
# FLE ends on each server finalizeWait (200 ms) after the last vote it heard, so s1 decides
# at 225 ms, 28 ms before s3 does. Its FOLLOWERINFO reaches s3 while s3 is still LOOKING:
# only a Leader binds the quorum port, so nothing listens and the connect is refused.
# Learner.connectToLeader sleeps 100 ms (leaderConnectDelayDuringRetryMs) and tries again on
# a new socket, up to 5 tries. Meanwhile s2 connected at once, and s3 + s2 are a quorum:
# s3 serves epoch 1 at 351 ms, standing on 0x100000000. s1's ACKEPOCH arrives after that,
# with 0x0, and a leader with no txn log to diff from sends the whole tree: SNAP, so s1
# reports 0x100000000 while s2, synced by an empty DIFF in time, still reports 0x0.
# Real ZooKeeper shows both outcomes; on a slow start (its leader binds ~100 ms after the
# election and serves ~200 ms later) the retry is in time and every follower gets a DIFF.
servers 3
seed 12

start all
until stable 10s
status

expect leader 3
expect sync 2 DIFF
expect zxid 2 0x0
expect sync 1 SNAP
expect zxid 1 0x100000000
expect epoch 1 1
expect no-violations
