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
    /// Connecting to the leader (refused connects are retried, 5 tries 100 ms apart) and,
    /// once connected, FOLLOWERINFO sent once; waiting for LEADERINFO.
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
    /// Txns logged at NEWLEADER whose ACKs go out after UPTODATE (requestsToAck).
    pub to_ack: Vec<Zxid>,
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
    /// Learner.connectToLeader: connection attempts so far, and when the first one started.
    pub connect_tries: u32,
    pub connect_started: Millis,
}

/// Learner.connectToLeader gives up after this many refused connects…
pub const CONNECT_TRIES: u32 = 5;
/// …made this far apart (zookeeper.leaderConnectDelayDuringRetryMs).
pub const CONNECT_RETRY_MS: Millis = 100;

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
            connect_tries: 1,
            connect_started: self.now,
        }));
        self.send_learner_info();
        let init = self.cfg.init_timeout_ms();
        self.set_timer(TimerKind::LearnerRead, init);
    }

    /// The leader refused the connection (it is not leading yet, so nothing listens on its
    /// quorum port): try again 100 ms later on a new socket, up to 5 tries and within
    /// initLimit, then give up and go LOOKING (Learner.connectToLeader).
    pub(crate) fn learner_on_refused(&mut self) {
        let (now, init) = (self.now, self.cfg.init_timeout_ms());
        let l = self.learner();
        let remaining = (l.connect_started + init).saturating_sub(now);
        if l.connect_tries >= CONNECT_TRIES || remaining <= CONNECT_RETRY_MS {
            let (leader, tries) = (l.leader, l.connect_tries);
            return self.abandon(AbandonReason::ConnectRefused { leader, tries });
        }
        self.set_timer(TimerKind::LearnerConnect, CONNECT_RETRY_MS);
    }

    fn reconnect(&mut self) {
        let leader = self.learner().leader;
        let conn = self.next_conn(leader);
        let l = self.learner();
        l.conn = conn;
        l.connect_tries += 1;
        self.send_learner_info();
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
            // syncWithLeader has no case for PING: a learner answers them once it serves.
            (LearnerStage::Broadcast, Packet::Ping { zxid }) => self.reply(Packet::Ping { zxid }),
            (LearnerStage::Connecting, Packet::LeaderInfo { new_epoch }) => {
                self.on_leader_info(new_epoch)
            }
            (LearnerStage::Syncing, packet) => self.on_sync_packet(packet),
            (LearnerStage::NewLeaderAcked, Packet::UpToDate) => self.on_uptodate(),
            // Still in syncWithLeader: proposals wait in packetsNotLogged until UPTODATE.
            (LearnerStage::NewLeaderAcked, Packet::Proposal { txn }) => {
                self.learner().sync.proposals.push(txn)
            }
            (LearnerStage::Broadcast, Packet::Proposal { txn }) => self.on_proposal(txn),
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

    /// NEWLEADER: make the sync durable (every buffered proposal logged and fsynced, committed
    /// or not), persist currentEpoch, then ACK. Order matters: ACKing before the txns are on
    /// disk lost committed txns (ZOOKEEPER-3911); persisting currentEpoch before them let a
    /// crash truncate committed txns (ZOOKEEPER-4643, -4785). This is 3.8.5+'s order; the
    /// ACKs of the txns logged here wait until UPTODATE.
    fn on_new_leader(&mut self, zxid: Zxid) {
        let buggy = self.cfg.variant == Variant::AckNewLeaderBeforeLogging;
        let l = self.learner();
        l.stage = LearnerStage::NewLeaderAcked;
        let epoch = l.new_epoch;
        if buggy {
            // The bug: ACK first; the txns reach the disk only at UPTODATE.
            self.reply(Packet::Ack { zxid });
            self.persist_current_epoch(epoch);
            return;
        }
        let logged = self.log_buffered();
        self.learner().sync.to_ack = logged;
        self.persist_current_epoch(epoch);
        self.reply(Packet::Ack { zxid });
    }

    /// Logs (fsyncs) every proposal buffered during the sync; returns their zxids.
    fn log_buffered(&mut self) -> Vec<Zxid> {
        let epoch = self.learner().new_epoch;
        let buffered = std::mem::take(&mut self.learner().sync.proposals);
        let mut zxids = Vec::with_capacity(buffered.len());
        for txn in buffered {
            zxids.push(txn.zxid);
            if txn.zxid > self.disk.last_logged_zxid() {
                self.log_txn(txn, Some(epoch));
            }
        }
        zxids
    }

    /// Everything at or below the sync point is in the leader's committed history.
    fn apply_sync_point(&mut self) -> Zxid {
        let s = &self.learner().sync;
        let upto = s.committed.max(s.base).min(self.disk.last_logged_zxid());
        self.apply_committed_upto(upto);
        upto
    }

    /// UPTODATE: start serving. An ACK of `e << 32` first (the leader ignores it: it had the
    /// NEWLEADER ACK), then a follower ACKs every txn it logged at NEWLEADER, logs and ACKs
    /// the proposals that came after it, and applies what the leader committed.
    fn on_uptodate(&mut self) {
        let l = self.learner();
        l.stage = LearnerStage::Broadcast;
        let (leader, epoch, observer) = (l.leader, l.new_epoch, l.observer);
        self.reply(Packet::Ack {
            zxid: Zxid::epoch_start(epoch),
        });
        let mut to_ack = std::mem::take(&mut self.learner().sync.to_ack);
        to_ack.extend(self.log_buffered());
        if !observer {
            for zxid in to_ack {
                self.reply(Packet::Ack { zxid });
            }
        }
        let upto = self.apply_sync_point();
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
        let (init, sync) = (self.cfg.init_timeout_ms(), self.cfg.sync_timeout_ms());
        let l = self.learner();
        match kind {
            TimerKind::LearnerConnect if l.stage == LearnerStage::Connecting => self.reconnect(),
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

#[cfg(test)]
mod tests {
    //! The learner's side of 3.8.5+'s handshake, step by step (Learner.connectToLeader and
    //! syncWithLeader), driven through the sans-IO interface.
    use super::*;
    use crate::sim::data::{Disk, TxnOp};
    use crate::sim::zab::{EnsembleConfig, Input, Message, PeerState};

    const LEADER: Sid = 3;

    fn learner() -> Server {
        let mut s = Server::boot(1, Rc::new(EnsembleConfig::new(3, 0)), Disk::default());
        s.become_learner(LEADER);
        s
    }

    fn conn(s: &Server) -> ConnId {
        match &s.role {
            Role::Learning(l) => l.conn,
            _ => panic!("not learning: {:?}", s.peer_state()),
        }
    }

    /// The packets the server sent since the last call.
    fn sent(s: &mut Server) -> Vec<Packet> {
        let mut out = Vec::new();
        s.take_outputs(&mut out);
        out.into_iter()
            .filter_map(|o| match o {
                Output::Send {
                    msg: Message::Quorum { packet, .. },
                    ..
                } => Some(packet),
                _ => None,
            })
            .collect()
    }

    fn receive(s: &mut Server, now: Millis, packet: Packet) {
        let conn = conn(s);
        let msg = Message::Quorum { conn, packet };
        s.step(now, Input::Receive { from: LEADER, msg });
    }

    fn txn(counter: u64) -> Rc<Txn> {
        Rc::new(Txn {
            zxid: Zxid((1 << 32) | counter),
            request: counter,
            op: TxnOp::Create {
                path: format!("/t{counter}"),
                data: "x".into(),
            },
        })
    }

    #[test]
    fn a_refused_connect_is_retried_five_times_100ms_apart_then_given_up() {
        let mut s = learner();
        assert!(matches!(sent(&mut s)[..], [Packet::FollowerInfo { .. }]));
        let mut now = 0;
        for attempt in 1..=5 {
            now += 20;
            let refused = conn(&s);
            s.step(now, Input::ConnClosed { conn: refused });
            if attempt == 5 {
                break;
            }
            let mut out = Vec::new();
            s.take_outputs(&mut out);
            let retry = out.iter().find_map(|o| match o {
                Output::SetTimer {
                    kind: TimerKind::LearnerConnect,
                    at,
                } => Some(*at),
                _ => None,
            });
            assert_eq!(retry, Some(now + CONNECT_RETRY_MS), "attempt {attempt}");
            now += CONNECT_RETRY_MS;
            s.step(now, Input::Timer(TimerKind::LearnerConnect));
            assert_ne!(conn(&s), refused, "a retry is a new connection");
            assert!(matches!(sent(&mut s)[..], [Packet::FollowerInfo { .. }]));
        }
        assert_eq!(s.peer_state(), PeerState::Looking);
    }

    #[test]
    fn pings_go_unanswered_until_uptodate_and_sync_acks_follow_it() {
        let mut s = learner();
        sent(&mut s);
        receive(&mut s, 10, Packet::LeaderInfo { new_epoch: 1 });
        assert!(matches!(sent(&mut s)[..], [Packet::AckEpoch { .. }]));
        receive(&mut s, 20, Packet::Diff { zxid: Zxid::ZERO });
        receive(&mut s, 21, Packet::Proposal { txn: txn(1) });
        receive(&mut s, 22, Packet::Commit { zxid: txn(1).zxid });
        receive(&mut s, 23, Packet::Proposal { txn: txn(2) });
        receive(&mut s, 24, Packet::Ping { zxid: Zxid::ZERO });
        assert!(sent(&mut s).is_empty(), "a syncing learner answers no PING");
        let newleader = Zxid::epoch_start(1);
        receive(&mut s, 30, Packet::NewLeader { zxid: newleader });
        // Both txns are on disk before the NEWLEADER ACK, which goes out alone.
        assert_eq!(s.disk.last_logged_zxid(), txn(2).zxid);
        assert_eq!(s.disk.current_epoch, 1);
        assert!(matches!(sent(&mut s)[..], [Packet::Ack { zxid }] if zxid == newleader));
        receive(&mut s, 31, Packet::Ping { zxid: Zxid::ZERO });
        receive(&mut s, 32, Packet::Proposal { txn: txn(3) });
        assert!(
            sent(&mut s).is_empty(),
            "still in syncWithLeader until UPTODATE"
        );
        receive(&mut s, 40, Packet::UpToDate);
        let acks: Vec<Zxid> = sent(&mut s)
            .into_iter()
            .map(|p| match p {
                Packet::Ack { zxid } => zxid,
                other => panic!("expected only ACKs, got {other:?}"),
            })
            .collect();
        assert_eq!(
            acks,
            vec![newleader, txn(1).zxid, txn(2).zxid, txn(3).zxid],
            "ACK e<<32 first, then the txns logged at NEWLEADER, then the later proposal"
        );
        assert_eq!(
            s.last_processed(),
            txn(1).zxid,
            "only the committed txn is applied"
        );
        receive(&mut s, 41, Packet::Ping { zxid: Zxid::ZERO });
        assert!(
            matches!(sent(&mut s)[..], [Packet::Ping { .. }]),
            "serving: PINGs answered"
        );
    }
}
