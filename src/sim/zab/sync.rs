//! How a leader brings a learner up to date: DIFF, TRUNC or SNAP, by the rules of
//! LearnerHandler.syncFollower and queueCommittedProposals in ZooKeeper 3.8. A pure function,
//! so the choice can be tested as a table.

use super::config::Variant;
use super::server::SyncMode;
use crate::sim::chunked::ChunkedVec;
use crate::sim::data::Txn;
use crate::sim::types::Zxid;
use std::rc::Rc;

/// What the leader knows when it syncs a learner.
pub struct LeaderHistory<'a> {
    /// The leader's log, in zxid order (its whole history since its snapshot).
    pub log: &'a ChunkedVec<Rc<Txn>>,
    /// The leader's snapshot zxid: nothing below it is in `log`.
    pub snapshot_zxid: Zxid,
    /// The data tree's last processed zxid (`e << 32` once a leader of epoch e serves).
    pub last_processed: Zxid,
    /// The last committed txn; `log` entries above it are outstanding proposals.
    pub last_committed: Zxid,
    /// ZKDatabase.commitLogCount (500): how many committed txns are kept in memory.
    pub committed_log_max: usize,
    /// Beyond this many txns from the on-disk log, a SNAP is sent instead.
    pub txn_log_sync_limit: usize,
    pub variant: Variant,
}

/// The leader's decision for one learner.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct SyncPlan {
    pub mode: SyncMode,
    /// The zxid the DIFF / TRUNC packet carries (for SNAP, the snapshot's).
    pub zxid: Zxid,
    /// Committed txns to send as PROPOSAL + COMMIT pairs after the DIFF or TRUNC.
    pub txns: Vec<Rc<Txn>>,
    /// Where the learner stands once this is applied (startForwarding's lastSeenZxid).
    pub synced_to: Zxid,
}

/// syncFollower: choose how to sync a learner whose last zxid is `peer`.
pub fn choose_sync(peer: Zxid, h: &LeaderHistory) -> SyncPlan {
    let committed_end = h.log.partition_point(|t| t.zxid <= h.last_committed);
    let committed_start = committed_end.saturating_sub(h.committed_log_max);
    let committed_log = h.log.range(committed_start..committed_end);
    let (first, last) = (
        committed_log.clone().next(),
        committed_log.clone().next_back(),
    );
    let (min_committed, max_committed) = match (first, last) {
        (Some(first), Some(last)) => (first.zxid, last.zxid),
        _ => (h.last_processed, h.last_processed),
    };
    let peer_at_epoch_start = peer.is_epoch_start();

    if h.last_processed == peer {
        // Already in sync with us: an empty DIFF.
        return plan(SyncMode::Diff, peer, vec![], peer);
    }
    if peer > max_committed && !peer_at_epoch_start {
        // The learner has txns beyond our committed log: cut them off.
        if h.variant == Variant::DiffInsteadOfTrunc {
            return plan(SyncMode::Diff, max_committed, vec![], max_committed);
        }
        return plan(SyncMode::Trunc, max_committed, vec![], max_committed);
    }
    if min_committed <= peer && peer <= max_committed {
        if let Some(p) = queue_committed(committed_log, peer, max_committed, h.variant) {
            return p;
        }
    } else if peer < min_committed {
        // Older than the in-memory committed log: replay the on-disk log if it holds the
        // learner's zxid and the difference is small enough.
        if peer == h.snapshot_zxid && peer != Zxid::ZERO {
            // The learner stands exactly at our snapshot: everything we logged since follows.
            let txns: Vec<Rc<Txn>> = h.log.range(..committed_end).cloned().collect();
            let synced_to = txns.last().map_or(peer, |t| t.zxid);
            return plan(SyncMode::Diff, max_committed, txns, synced_to);
        }
        let start = h.log.partition_point(|t| t.zxid < peer);
        let holds_peer = h.log.get(start).is_some_and(|t| t.zxid == peer);
        let to_send = committed_end.saturating_sub(start);
        if holds_peer && to_send <= h.txn_log_sync_limit {
            if let Some(p) = queue_committed(
                h.log.range(start..committed_end),
                peer,
                max_committed,
                h.variant,
            ) {
                return p;
            }
        }
    }
    // Nothing else fits: send the whole tree.
    plan(SyncMode::Snap, h.last_processed, vec![], h.last_processed)
}

fn plan(mode: SyncMode, zxid: Zxid, txns: Vec<Rc<Txn>>, synced_to: Zxid) -> SyncPlan {
    SyncPlan {
        mode,
        zxid,
        txns,
        synced_to,
    }
}

/// queueCommittedProposals: walk the leader's committed history from the learner's zxid.
/// DIFF if the learner's zxid is in it; TRUNC to the greatest earlier zxid if the learner has a
/// txn the leader lacks (unless that crosses an epoch: then `None`, meaning SNAP).
fn queue_committed<'a>(
    entries: impl Iterator<Item = &'a Rc<Txn>>,
    peer: Zxid,
    last_committed: Zxid,
    variant: Variant,
) -> Option<SyncPlan> {
    let peer_at_epoch_start = peer.is_epoch_start();
    let mut op: Option<(SyncMode, Zxid)> = None;
    let mut previous = Zxid::ZERO;
    let mut queued = peer;
    let mut txns = Vec::new();
    for txn in entries {
        if txn.zxid < peer {
            previous = txn.zxid;
            continue;
        }
        if op.is_none() {
            if txn.zxid == peer {
                op = Some((SyncMode::Diff, last_committed));
                continue;
            }
            if peer_at_epoch_start {
                op = Some((SyncMode::Diff, last_committed));
            } else {
                // txn.zxid > peer: the learner holds something we never had.
                if txn.zxid.epoch() != peer.epoch() {
                    return None; // "Cannot send TRUNC to peer: peer zxid is from different epoch"
                }
                op = Some(if variant == Variant::DiffInsteadOfTrunc {
                    (SyncMode::Diff, last_committed)
                } else {
                    (SyncMode::Trunc, previous)
                });
            }
        }
        if txn.zxid <= queued {
            continue;
        }
        txns.push(txn.clone());
        queued = txn.zxid;
    }
    if op.is_none() && peer_at_epoch_start {
        op = Some((SyncMode::Diff, last_committed));
    }
    op.map(|(mode, zxid)| plan(mode, zxid, txns, queued))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::data::{Code, TxnOp};

    fn log(zxids: &[u64]) -> ChunkedVec<Rc<Txn>> {
        zxids
            .iter()
            .map(|z| {
                Rc::new(Txn {
                    zxid: Zxid(*z),
                    request: *z,
                    op: TxnOp::Error { code: Code::Ok },
                })
            })
            .collect()
    }

    fn history(
        log: &ChunkedVec<Rc<Txn>>,
        last_processed: u64,
        last_committed: u64,
    ) -> LeaderHistory<'_> {
        LeaderHistory {
            log,
            snapshot_zxid: Zxid::ZERO,
            last_processed: Zxid(last_processed),
            last_committed: Zxid(last_committed),
            committed_log_max: 500,
            txn_log_sync_limit: 1000,
            variant: Variant::Correct,
        }
    }

    fn zx(plan: &SyncPlan) -> Vec<u64> {
        plan.txns.iter().map(|t| t.zxid.0).collect()
    }

    /// The DIFF / TRUNC / SNAP choice, as a table: (leader log, learner zxid) -> decision.
    #[test]
    fn sync_choice_table() {
        let e1 = |c: u64| 0x1_0000_0000 + c;
        let e2 = |c: u64| 0x2_0000_0000 + c;
        let leader_log = log(&[e1(1), e1(2), e1(3), e2(1), e2(2)]);
        let h = history(&leader_log, e2(2), e2(2));
        struct Row {
            peer: u64,
            mode: SyncMode,
            zxid: u64,
            sent: Vec<u64>,
            why: &'static str,
        }
        let rows = [
            Row {
                peer: e2(2),
                mode: SyncMode::Diff,
                zxid: e2(2),
                sent: vec![],
                why: "in sync: empty DIFF",
            },
            Row {
                peer: e1(3),
                mode: SyncMode::Diff,
                zxid: e2(2),
                sent: vec![e2(1), e2(2)],
                why: "behind, in history: DIFF + pairs",
            },
            Row {
                peer: e1(1),
                mode: SyncMode::Diff,
                zxid: e2(2),
                sent: vec![e1(2), e1(3), e2(1), e2(2)],
                why: "further behind",
            },
            Row {
                peer: e2(5),
                mode: SyncMode::Trunc,
                zxid: e2(2),
                sent: vec![],
                why: "ahead of the committed log: TRUNC to its end",
            },
            Row {
                peer: e1(2),
                mode: SyncMode::Diff,
                zxid: e2(2),
                sent: vec![e1(3), e2(1), e2(2)],
                why: "behind across an epoch",
            },
            Row {
                peer: 0,
                mode: SyncMode::Snap,
                zxid: e2(2),
                sent: vec![],
                why: "empty disk, log does not reach back: SNAP",
            },
        ];
        for r in rows {
            let p = choose_sync(Zxid(r.peer), &h);
            assert_eq!(
                (p.mode, p.zxid.0, zx(&p)),
                (r.mode, r.zxid, r.sent),
                "{} (peer {:x})",
                r.why,
                r.peer
            );
        }
    }

    #[test]
    fn learner_with_a_txn_the_leader_lacks_is_truncated_within_an_epoch() {
        // Leader: 1.1 1.2 2.1; learner logged 1.3 (never committed) after 1.2.
        let leader_log = log(&[0x100000001, 0x100000002, 0x100000004]);
        let h = history(&leader_log, 0x100000004, 0x100000004);
        let p = choose_sync(Zxid(0x100000003), &h);
        assert_eq!(p.mode, SyncMode::Trunc);
        assert_eq!(
            p.zxid,
            Zxid(0x100000002),
            "TRUNC to the greatest zxid below the learner's"
        );
        assert_eq!(zx(&p), vec![0x100000004]);
    }

    #[test]
    fn truncation_across_an_epoch_boundary_falls_back_to_snap() {
        // Learner logged 1.3, which the leader lacks; the leader's next txn is in epoch 2.
        let leader_log = log(&[0x100000001, 0x100000002, 0x200000001]);
        let h = history(&leader_log, 0x200000001, 0x200000001);
        let p = choose_sync(Zxid(0x100000003), &h);
        assert_eq!(p.mode, SyncMode::Snap);
        assert_eq!(p.zxid, Zxid(0x200000001));
    }

    #[test]
    fn a_learner_at_an_epoch_start_gets_a_diff() {
        // An old leader that served epoch 2 without txns reports 0x200000000: not a txn the
        // leader has, but a clean cut between epochs, so no TRUNC is needed.
        let leader_log = log(&[0x100000001, 0x100000002, 0x300000001]);
        let h = history(&leader_log, 0x300000001, 0x300000001);
        let p = choose_sync(Zxid(0x200000000), &h);
        assert_eq!(p.mode, SyncMode::Diff);
        assert_eq!(zx(&p), vec![0x300000001]);
        // Below the whole committed log, with no such zxid on disk: ZooKeeper sends a SNAP.
        let first_two = log(&[0x100000001, 0x100000002]);
        let h = history(&first_two, 0x300000000, 0x100000002);
        assert_eq!(choose_sync(Zxid(0x100000000), &h).mode, SyncMode::Snap);
    }

    #[test]
    fn older_than_the_committed_log_uses_the_disk_log_or_snap() {
        let leader_log = log(&(1..=20).map(|c| 0x100000000 + c).collect::<Vec<_>>());
        let mut h = history(&leader_log, 0x100000014, 0x100000014);
        h.committed_log_max = 5; // in memory: 0x...10 ..= 0x...14
        let p = choose_sync(Zxid(0x100000003), &h);
        assert_eq!(
            p.mode,
            SyncMode::Diff,
            "small difference: replayed from the txn log"
        );
        assert_eq!(p.txns.len(), 17);
        h.txn_log_sync_limit = 10;
        assert_eq!(
            choose_sync(Zxid(0x100000003), &h).mode,
            SyncMode::Snap,
            "too much to replay: SNAP"
        );
    }

    #[test]
    fn the_broken_variant_sends_diff_where_trunc_is_due() {
        let leader_log = log(&[0x100000001, 0x100000002]);
        let mut h = history(&leader_log, 0x100000002, 0x100000002);
        h.variant = Variant::DiffInsteadOfTrunc;
        assert_eq!(choose_sync(Zxid(0x100000005), &h).mode, SyncMode::Diff);
    }
}
