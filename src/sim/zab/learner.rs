//! FOLLOWING and OBSERVING: Learner.java, Follower.java and Observer.java as a state machine.
//!
//! Connect to the elected leader (FOLLOWERINFO / OBSERVERINFO), accept its epoch (LEADERINFO ->
//! ACKEPOCH), take the sync it chose (DIFF / TRUNC / SNAP, then PROPOSAL + COMMIT pairs), log
//! and fsync all of it and persist currentEpoch before ACKing NEWLEADER (the fixes of
//! ZOOKEEPER-3911 and -4643), start serving on UPTODATE; then log + ACK proposals, apply
//! commits in order, answer PINGs, forward client writes as REQUEST.

use super::config::Variant;
use super::message::{ConnId, Packet, Request};
use super::server::{
    AbandonReason, Observation, Output, Role, Server, SyncMode, TickLimit, TimerKind,
};
use crate::sim::data::Txn;
use crate::sim::types::{Epoch, Millis, Sid, Zxid};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum LearnerStage {
    /// FOLLOWERINFO sent (and re-sent) until LEADERINFO arrives.
    Connecting,
    /// ACKEPOCH sent: receiving the sync.
    Syncing,
    /// NEWLEADER ACKed: waiting for UPTODATE.
    NewLeaderAcked,
    /// UPTODATE received: serving.
    Broadcast,
}

impl LearnerStage {
    pub fn phase_name(self) -> &'static str {
        match self {
            LearnerStage::Connecting => "DISCOVERY",
            LearnerStage::Syncing | LearnerStage::NewLeaderAcked => "SYNCHRONIZATION",
            LearnerStage::Broadcast => "BROADCAST",
        }
    }
}

/// What a learner gathers during synchronisation before it persists it at NEWLEADER.
#[derive(Clone, Debug, Default, Hash)]
pub struct SyncBuffer {
    pub mode: Option<SyncMode>,
    /// PROPOSALs received during sync, not yet logged (packetsNotCommitted).
    pub proposals: Vec<Rc<Txn>>,
    /// The greatest zxid the leader COMMITted during sync (packetsCommitted).
    pub committed: Zxid,
    /// Where the sync op left this learner's log agreeing with the leader's committed history:
    /// the reported zxid for DIFF, the TRUNC point, the snapshot's zxid.
    pub base: Zxid,
}

#[derive(Clone, Debug, Hash)]
pub struct Learner {
    pub leader: Sid,
    pub conn: ConnId,
    pub observer: bool,
    pub stage: LearnerStage,
    pub last_heard: Millis,
    pub new_epoch: Epoch,
    /// The zxid reported in ACKEPOCH: the leader syncs from it.
    pub reported_zxid: Zxid,
    pub sync: SyncBuffer,
}

impl Server {
    fn learner(&mut self) -> &mut Learner {
        match &mut self.role {
            Role::Learning(l) => l,
            _ => unreachable!("learner state used outside FOLLOWING/OBSERVING"),
        }
    }

    pub(crate) fn become_learner(&mut self, leader: Sid) {
        let conn = self.next_conn(leader);
        let observer = !self.is_voter();
        self.role = Role::Learning(Box::new(Learner {
            leader,
            conn,
            observer,
            stage: LearnerStage::Connecting,
            last_heard: self.now,
            new_epoch: 0,
            reported_zxid: Zxid::ZERO,
            sync: SyncBuffer::default(),
        }));
        self.send_learner_info();
        let (init, tick) = (self.cfg.init_timeout_ms(), self.cfg.tick_ms);
        self.set_timer(TimerKind::LearnerRead, init);
        self.set_timer(TimerKind::LearnerConnect, tick);
    }

    fn send_learner_info(&mut self) {
        let accepted_epoch = self.disk.accepted_epoch;
        let l = self.learner();
        let packet = if l.observer {
            Packet::ObserverInfo { accepted_epoch }
        } else {
            Packet::FollowerInfo { accepted_epoch }
        };
        let (leader, conn) = (l.leader, l.conn);
        self.send_packet(leader, conn, packet);
    }

    pub(crate) fn learner_on_packet(&mut self, packet: Packet) {
        let now = self.now;
        let l = self.learner();
        l.last_heard = now;
        let stage = l.stage;
        match (stage, packet) {
            (_, Packet::Ping { zxid }) => self.reply(Packet::Ping { zxid }),
            (LearnerStage::Connecting, Packet::LeaderInfo { new_epoch }) => {
                self.on_leader_info(new_epoch)
            }
            (LearnerStage::Syncing, packet) => self.on_sync_packet(packet),
            (LearnerStage::NewLeaderAcked, Packet::UpToDate) => self.on_uptodate(),
            (LearnerStage::NewLeaderAcked | LearnerStage::Broadcast, Packet::Proposal { txn }) => {
                self.on_proposal(txn)
            }
            (LearnerStage::NewLeaderAcked, Packet::Commit { zxid }) => {
                let s = &mut self.learner().sync;
                s.committed = s.committed.max(zxid);
            }
            (LearnerStage::Broadcast, Packet::Commit { zxid }) => self.on_commit(zxid),
            (LearnerStage::NewLeaderAcked | LearnerStage::Broadcast, Packet::Inform { txn }) => {
                self.on_inform(txn)
            }
            _ => {}
        }
    }

    fn reply(&mut self, packet: Packet) {
        let l = self.learner();
        let (leader, conn) = (l.leader, l.conn);
        self.send_packet(leader, conn, packet);
    }

    /// registerWithLeader: accept the leader's epoch, or refuse a stale one.
    fn on_leader_info(&mut self, new_epoch: Epoch) {
        let accepted = self.disk.accepted_epoch;
        let current_epoch = if new_epoch > accepted {
            let current = self.disk.current_epoch;
            self.persist_accepted_epoch(new_epoch);
            Some(current)
        } else if new_epoch == accepted {
            None
        } else {
            return self.abandon(AbandonReason::EpochRefused {
                leader_epoch: new_epoch,
                accepted,
            });
        };
        let last_zxid = self.last_zxid();
        let l = self.learner();
        l.stage = LearnerStage::Syncing;
        l.new_epoch = new_epoch;
        l.reported_zxid = last_zxid;
        self.out
            .push(Output::CancelTimer(TimerKind::LearnerConnect));
        self.reply(Packet::AckEpoch {
            last_zxid,
            current_epoch,
        });
    }

    /// syncWithLeader, before NEWLEADER.
    fn on_sync_packet(&mut self, packet: Packet) {
        match packet {
            Packet::Diff { .. } => {
                let l = self.learner();
                l.sync.mode = Some(SyncMode::Diff);
                l.sync.base = l.reported_zxid;
                self.last_sync = Some(SyncMode::Diff);
            }
            Packet::Trunc { zxid } => {
                self.learner().sync.mode = Some(SyncMode::Trunc);
                self.last_sync = Some(SyncMode::Trunc);
                // truncateLog: cut the log on disk, then reload the tree from disk.
                let removed = self.disk.truncate_after(zxid);
                self.tree = self.disk.replay();
                self.learner().sync.base = zxid;
                self.observe(Observation::Truncated { to: zxid, removed });
            }
            Packet::Snap { snapshot } => {
                // The snapshot replaces the tree, and goes to disk at once with the old txn log
                // discarded. ZooKeeper 3.8 writes it only at NEWLEADER: a sync abandoned in
                // between leaves its in-memory tree on the leader's snapshot and its disk on
                // the old log, a dirty log that a later restart replays (ZOOKEEPER-1549's kind
                // of inconsistency). Persisting on arrival is the safe reading of the same step.
                self.tree = snapshot.tree.clone();
                self.last_sync = Some(SyncMode::Snap);
                self.disk.snapshot = snapshot.clone();
                self.disk.log.clear();
                self.committed = snapshot.zxid;
                self.observe(Observation::SnapInstalled {
                    zxid: snapshot.zxid,
                });
                let s = &mut self.learner().sync;
                s.mode = Some(SyncMode::Snap);
                s.base = snapshot.zxid;
            }
            Packet::Proposal { txn } => self.learner().sync.proposals.push(txn),
            Packet::Commit { zxid } => {
                let s = &mut self.learner().sync;
                s.committed = s.committed.max(zxid);
            }
            Packet::NewLeader { zxid } => self.on_new_leader(zxid),
            _ => {}
        }
    }

    /// NEWLEADER: make the sync durable, persist currentEpoch, then ACK. Order matters: ACKing
    /// before the txns are on disk lost committed txns in ZOOKEEPER-3911.
    fn on_new_leader(&mut self, zxid: Zxid) {
        let buggy = self.cfg.variant == Variant::AckNewLeaderBeforeLogging;
        let l = self.learner();
        l.stage = LearnerStage::NewLeaderAcked;
        let epoch = l.new_epoch;
        let observer = l.observer;
        if buggy {
            // The bug: ACK first; the txns reach the disk only at UPTODATE.
            self.reply(Packet::Ack { zxid });
            self.persist_current_epoch(epoch);
            return;
        }
        let unacked = self.persist_sync();
        self.persist_current_epoch(epoch);
        self.reply(Packet::Ack { zxid });
        if !observer {
            for z in unacked {
                self.reply(Packet::Ack { zxid: z });
            }
        }
    }

    /// Writes what the sync delivered to disk. Returns the zxids not committed in the sync,
    /// which the leader still waits to hear ACKs for.
    fn persist_sync(&mut self) -> Vec<Zxid> {
        let sync = std::mem::take(&mut self.learner().sync);
        let epoch = self.learner().new_epoch;
        let mut unacked = Vec::new();
        for txn in &sync.proposals {
            if txn.zxid > self.disk.last_logged_zxid() {
                self.log_txn(txn.clone(), Some(epoch));
            }
            if txn.zxid > sync.committed {
                unacked.push(txn.zxid);
            }
        }
        // Keep what the leader committed during the sync for UPTODATE.
        self.learner().sync = SyncBuffer {
            committed: sync.committed,
            mode: sync.mode,
            base: sync.base,
            ..SyncBuffer::default()
        };
        unacked
    }

    /// UPTODATE: apply what the sync committed and start serving.
    fn on_uptodate(&mut self) {
        if self.cfg.variant == Variant::AckNewLeaderBeforeLogging {
            self.persist_sync();
        }
        let l = self.learner();
        l.stage = LearnerStage::Broadcast;
        let (leader, epoch, committed, base) =
            (l.leader, l.new_epoch, l.sync.committed, l.sync.base);
        // Everything at or below the sync point is in the leader's committed history.
        let upto = committed.max(base).min(self.disk.last_logged_zxid());
        self.apply_committed_upto(upto);
        self.current_vote.0.peer_epoch = epoch;
        self.observe(Observation::Synced { leader, upto });
        let wait = self.cfg.sync_timeout_ms();
        self.set_timer(TimerKind::LearnerRead, wait);
    }

    /// Follower: log (fsync) the proposal, then ACK it.
    fn on_proposal(&mut self, txn: Rc<Txn>) {
        let l = self.learner();
        if l.observer {
            return;
        }
        let epoch = l.new_epoch;
        let zxid = txn.zxid;
        if zxid > self.disk.last_logged_zxid() {
            self.log_txn(txn, Some(epoch));
        }
        self.reply(Packet::Ack { zxid });
    }

    fn on_commit(&mut self, zxid: Zxid) {
        if !self.disk.holds(zxid) {
            // ZooKeeper exits the process here ("Committing zxid but next pending txn is ...").
            return self.abandon(AbandonReason::CommitOfUnknownTxn { zxid });
        }
        self.apply_committed_upto(zxid);
    }

    /// Observer: INFORM carries the committed txn itself.
    fn on_inform(&mut self, txn: Rc<Txn>) {
        let zxid = txn.zxid;
        let epoch = self.learner().new_epoch;
        if zxid > self.disk.last_logged_zxid() {
            self.log_txn(txn, Some(epoch));
        }
        if self.learner().stage == LearnerStage::Broadcast {
            self.apply_committed_upto(zxid);
        } else {
            let s = &mut self.learner().sync;
            s.committed = s.committed.max(zxid);
        }
    }

    pub(crate) fn learner_on_timer(&mut self, kind: TimerKind) {
        let now = self.now;
        let (init, sync, tick) = (
            self.cfg.init_timeout_ms(),
            self.cfg.sync_timeout_ms(),
            self.cfg.tick_ms,
        );
        let l = self.learner();
        match kind {
            TimerKind::LearnerConnect if l.stage == LearnerStage::Connecting => {
                self.send_learner_info();
                self.set_timer(TimerKind::LearnerConnect, tick);
            }
            TimerKind::LearnerRead => {
                let (limit, which) = if l.stage == LearnerStage::Broadcast {
                    (sync, TickLimit::SyncLimit)
                } else {
                    (init, TickLimit::InitLimit)
                };
                let due = l.last_heard + limit;
                if now < due {
                    self.out.push(Output::SetTimer { kind, at: due });
                    return;
                }
                let leader = l.leader;
                let ticks = match which {
                    TickLimit::SyncLimit => self.cfg.sync_limit,
                    TickLimit::InitLimit => self.cfg.init_limit,
                };
                self.abandon(AbandonReason::LeaderSilent {
                    leader,
                    limit: which,
                    ticks,
                    ms: limit,
                });
            }
            _ => {}
        }
    }

    pub(crate) fn learner_on_client(&mut self, request: Request) {
        if self.learner().stage != LearnerStage::Broadcast {
            return self.observe(Observation::ClientReply {
                request: request.id,
                zxid: None,
                note: "not serving: still syncing",
            });
        }
        self.pending_clients.insert(request.id);
        self.reply(Packet::Request {
            request: Rc::new(request),
        });
    }
}
