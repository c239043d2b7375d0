//! FOLLOWING and OBSERVING: Learner.java, Follower.java and Observer.java as a state machine.
//!
//! Connect to the elected leader (FOLLOWERINFO / OBSERVERINFO), accept its epoch (LEADERINFO ->
//! ACKEPOCH), take the sync it chose (DIFF / TRUNC / SNAP, then PROPOSAL + COMMIT pairs), log
//! and fsync all of it and persist currentEpoch before ACKing NEWLEADER (the fixes of
//! ZOOKEEPER-3911 and -4643), start serving on UPTODATE; then log + ACK proposals, apply
//! commits in order, answer PINGs, forward client writes as REQUEST.

use super::config::Variant;
use super::message::{ConnId, Packet, Request, Touches};
use super::server::{
    AbandonReason, Core, Next, Observation, Output, SyncMode, TickLimit, TimerKind,
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

impl Learner {
    /// Learner.connectToLeader: open a connection to `leader` and register with it.
    pub(crate) fn connect(core: &mut Core, leader: Sid) -> Learner {
        let learner = Learner {
            leader,
            conn: core.next_conn(leader),
            observer: !core.is_voter(),
            stage: LearnerStage::Connecting,
            last_heard: core.now,
            new_epoch: 0,
            reported_zxid: Zxid::ZERO,
            sync: SyncBuffer::default(),
            connect_tries: 1,
            connect_started: core.now,
        };
        learner.send_learner_info(core);
        core.set_timer(TimerKind::LearnerRead, core.cfg.init_timeout_ms());
        learner
    }

    /// Giving up the role: the socket closes and both timers stop.
    pub(crate) fn shut_down(&self, core: &mut Core) {
        core.out.push(Output::Close(self.conn));
        core.out.push(Output::CancelTimer(TimerKind::LearnerRead));
        core.out
            .push(Output::CancelTimer(TimerKind::LearnerConnect));
    }

    /// Our connection to the leader ended. A refused connect is retried; a connection the
    /// leader had accepted and then closed (even before LEADERINFO) ends following at once:
    /// registerWithLeader's read fails and followLeader gives up (Follower.followLeader).
    pub(crate) fn on_conn_closed(&mut self, core: &mut Core, refused: bool) -> Next {
        if refused && self.stage == LearnerStage::Connecting {
            return self.on_refused(core);
        }
        Next::Look(AbandonReason::ConnectionClosed {
            leader: self.leader,
        })
    }

    /// The leader refused the connection (it is not leading yet, so nothing listens on its
    /// quorum port): try again 100 ms later on a new socket, up to 5 tries and within
    /// initLimit, then give up and go LOOKING (Learner.connectToLeader).
    fn on_refused(&mut self, core: &mut Core) -> Next {
        let remaining =
            (self.connect_started + core.cfg.init_timeout_ms()).saturating_sub(core.now);
        if self.connect_tries >= CONNECT_TRIES || remaining <= CONNECT_RETRY_MS {
            return Next::Look(AbandonReason::ConnectRefused {
                leader: self.leader,
                tries: self.connect_tries,
            });
        }
        core.set_timer(TimerKind::LearnerConnect, CONNECT_RETRY_MS);
        core.observe(Observation::ConnectRefused {
            leader: self.leader,
            next_try: self.connect_tries + 1,
            retry_ms: CONNECT_RETRY_MS,
        });
        Next::Stay
    }

    /// A new socket, a new connect. The read timeout (initLimit) counts from this attempt:
    /// createSocket sets it on each new socket, and reads start once it is connected.
    fn reconnect(&mut self, core: &mut Core) {
        self.conn = core.next_conn(self.leader);
        self.connect_tries += 1;
        self.last_heard = core.now;
        self.send_learner_info(core);
    }

    fn send_learner_info(&self, core: &mut Core) {
        let accepted_epoch = core.disk.accepted_epoch;
        let packet = if self.observer {
            Packet::ObserverInfo { accepted_epoch }
        } else {
            Packet::FollowerInfo { accepted_epoch }
        };
        self.reply(core, packet);
    }

    pub(crate) fn on_packet(&mut self, core: &mut Core, packet: Packet) -> Next {
        self.last_heard = core.now;
        match (self.stage, packet) {
            // syncWithLeader has no case for PING: a learner answers them once it serves.
            (LearnerStage::Broadcast, Packet::Ping { zxid, .. }) => {
                let touches = Touches(core.take_touches());
                self.reply(core, Packet::Ping { zxid, touches })
            }
            (LearnerStage::Broadcast, Packet::RevalidateAnswer { session, valid }) => {
                core.on_revalidated(session, valid)
            }
            (LearnerStage::Broadcast, Packet::Sync { request }) => core.finish_sync(request),
            (LearnerStage::Connecting, Packet::LeaderInfo { new_epoch }) => {
                return self.on_leader_info(core, new_epoch)
            }
            (LearnerStage::Syncing, packet) => self.on_sync_packet(core, packet),
            (LearnerStage::NewLeaderAcked, Packet::UpToDate) => self.on_uptodate(core),
            // Still in syncWithLeader: proposals wait in packetsNotLogged until UPTODATE.
            (LearnerStage::NewLeaderAcked, Packet::Proposal { txn }) => {
                self.sync.proposals.push(txn)
            }
            (LearnerStage::Broadcast, Packet::Proposal { txn }) => self.on_proposal(core, txn),
            (LearnerStage::NewLeaderAcked, Packet::Commit { zxid }) => {
                self.sync.committed = self.sync.committed.max(zxid);
            }
            (LearnerStage::Broadcast, Packet::Commit { zxid }) => {
                return self.on_commit(core, zxid)
            }
            (LearnerStage::NewLeaderAcked | LearnerStage::Broadcast, Packet::Inform { txn }) => {
                self.on_inform(core, txn)
            }
            _ => {}
        }
        Next::Stay
    }

    /// Sends a packet to the leader on our connection.
    fn reply(&self, core: &mut Core, packet: Packet) {
        core.send_packet(self.leader, self.conn, packet);
    }

    /// registerWithLeader: accept the leader's epoch, or refuse a stale one.
    fn on_leader_info(&mut self, core: &mut Core, new_epoch: Epoch) -> Next {
        let accepted = core.disk.accepted_epoch;
        let current_epoch = if new_epoch > accepted {
            let current = core.disk.current_epoch;
            core.persist_accepted_epoch(new_epoch);
            Some(current)
        } else if new_epoch == accepted {
            None
        } else {
            return Next::Look(AbandonReason::EpochRefused {
                leader_epoch: new_epoch,
                accepted,
            });
        };
        let last_zxid = core.last_zxid();
        self.stage = LearnerStage::Syncing;
        self.new_epoch = new_epoch;
        self.reported_zxid = last_zxid;
        core.out
            .push(Output::CancelTimer(TimerKind::LearnerConnect));
        self.reply(
            core,
            Packet::AckEpoch {
                last_zxid,
                current_epoch,
            },
        );
        Next::Stay
    }

    /// syncWithLeader, before NEWLEADER.
    fn on_sync_packet(&mut self, core: &mut Core, packet: Packet) {
        match packet {
            Packet::Diff { .. } => {
                self.sync.mode = Some(SyncMode::Diff);
                self.sync.base = self.reported_zxid;
                core.last_sync = Some(SyncMode::Diff);
            }
            Packet::Trunc { zxid } => {
                self.sync.mode = Some(SyncMode::Trunc);
                core.last_sync = Some(SyncMode::Trunc);
                // truncateLog: cut the log on disk, then reload the tree from disk.
                let removed = core.disk.truncate_after(zxid);
                core.tree = core.disk.replay();
                self.sync.base = zxid;
                core.observe(Observation::Truncated { to: zxid, removed });
            }
            Packet::Snap { snapshot } => {
                // The snapshot replaces the tree, and goes to disk at once with the old txn log
                // discarded. ZooKeeper 3.8 writes it only at NEWLEADER: a sync abandoned in
                // between leaves its in-memory tree on the leader's snapshot and its disk on
                // the old log, a dirty log that a later restart replays (ZOOKEEPER-1549's kind
                // of inconsistency). Persisting on arrival is the safe reading of the same step.
                core.tree = snapshot.tree.clone();
                core.last_sync = Some(SyncMode::Snap);
                core.disk.snapshot = snapshot.clone();
                core.disk.log.clear();
                core.committed = snapshot.zxid;
                core.observe(Observation::SnapInstalled {
                    zxid: snapshot.zxid,
                });
                self.sync.mode = Some(SyncMode::Snap);
                self.sync.base = snapshot.zxid;
            }
            Packet::Proposal { txn } => self.sync.proposals.push(txn),
            Packet::Commit { zxid } => {
                self.sync.committed = self.sync.committed.max(zxid);
            }
            Packet::NewLeader { zxid } => self.on_new_leader(core, zxid),
            _ => {}
        }
    }

    /// NEWLEADER: make the sync durable (every buffered proposal logged and fsynced, committed
    /// or not), persist currentEpoch, then ACK. Order matters: ACKing before the txns are on
    /// disk lost committed txns (ZOOKEEPER-3911); persisting currentEpoch before them let a
    /// crash truncate committed txns (ZOOKEEPER-4643, -4785). This is 3.8.5+'s order; the
    /// ACKs of the txns logged here wait until UPTODATE.
    fn on_new_leader(&mut self, core: &mut Core, zxid: Zxid) {
        self.stage = LearnerStage::NewLeaderAcked;
        if core.cfg.variant == Variant::AckNewLeaderBeforeLogging {
            // The bug: ACK first; the txns reach the disk only at UPTODATE.
            self.reply(core, Packet::Ack { zxid });
            core.persist_current_epoch(self.new_epoch);
            return;
        }
        let logged = self.log_buffered(core);
        self.sync.to_ack = self.requests_to_ack(logged);
        core.persist_current_epoch(self.new_epoch);
        self.reply(core, Packet::Ack { zxid });
    }

    /// requestsToAck: the proposals still in packetsNotCommitted at NEWLEADER. After a DIFF
    /// every proposal stays there, committed or not, and each is ACKed. After a SNAP or TRUNC
    /// (snapshotNeeded) a COMMIT during the sync applies its proposal at once and takes it out
    /// (NEWLEADER's snapshot makes it durable), so only the uncommitted ones are ACKed.
    fn requests_to_ack(&self, logged: Vec<Zxid>) -> Vec<Zxid> {
        if self.sync.mode == Some(SyncMode::Diff) {
            return logged;
        }
        let committed = self.sync.committed;
        logged.into_iter().filter(|z| *z > committed).collect()
    }

    /// Logs (fsyncs) every proposal buffered during the sync; returns their zxids.
    fn log_buffered(&mut self, core: &mut Core) -> Vec<Zxid> {
        let buffered = std::mem::take(&mut self.sync.proposals);
        let mut zxids = Vec::with_capacity(buffered.len());
        for txn in buffered {
            zxids.push(txn.zxid);
            self.log_new(core, txn);
        }
        zxids
    }

    /// Logs a txn from the leader unless the log already holds it.
    fn log_new(&self, core: &mut Core, txn: Rc<Txn>) {
        if txn.zxid > core.disk.last_logged_zxid() {
            core.log_txn(txn, Some(self.new_epoch));
        }
    }

    /// Everything at or below the sync point is in the leader's committed history.
    fn apply_sync_point(&self, core: &mut Core) -> Zxid {
        let s = &self.sync;
        let upto = s.committed.max(s.base).min(core.disk.last_logged_zxid());
        core.learner_apply_committed_upto(upto);
        upto
    }

    /// UPTODATE: start serving. An ACK of `e << 32` first (the leader ignores it: it had the
    /// NEWLEADER ACK), then a follower ACKs every txn it logged at NEWLEADER, logs and ACKs
    /// the proposals that came after it, and applies what the leader committed.
    fn on_uptodate(&mut self, core: &mut Core) {
        self.stage = LearnerStage::Broadcast;
        let zxid = Zxid::epoch_start(self.new_epoch);
        self.reply(core, Packet::Ack { zxid });
        let mut to_ack = std::mem::take(&mut self.sync.to_ack);
        to_ack.extend(self.log_buffered(core));
        if !self.observer {
            for zxid in to_ack {
                self.reply(core, Packet::Ack { zxid });
            }
        }
        let upto = self.apply_sync_point(core);
        core.current_vote.0.peer_epoch = self.new_epoch;
        core.observe(Observation::Synced {
            leader: self.leader,
            upto,
        });
        core.set_timer(TimerKind::LearnerRead, core.cfg.sync_timeout_ms());
    }

    /// Follower: log (fsync) the proposal, then ACK it.
    fn on_proposal(&self, core: &mut Core, txn: Rc<Txn>) {
        if self.observer {
            return;
        }
        let zxid = txn.zxid;
        self.log_new(core, txn);
        self.reply(core, Packet::Ack { zxid });
    }

    fn on_commit(&self, core: &mut Core, zxid: Zxid) -> Next {
        if !core.disk.holds(zxid) {
            // ZooKeeper exits the process here ("Committing zxid but next pending txn is ...").
            return Next::Look(AbandonReason::CommitOfUnknownTxn { zxid });
        }
        core.learner_apply_committed_upto(zxid);
        Next::Stay
    }

    /// Observer: INFORM carries the committed txn itself.
    fn on_inform(&mut self, core: &mut Core, txn: Rc<Txn>) {
        let zxid = txn.zxid;
        self.log_new(core, txn);
        if self.stage == LearnerStage::Broadcast {
            core.learner_apply_committed_upto(zxid);
        } else {
            self.sync.committed = self.sync.committed.max(zxid);
        }
    }

    pub(crate) fn on_timer(&mut self, core: &mut Core, kind: TimerKind) -> Next {
        match kind {
            TimerKind::LearnerConnect if self.stage == LearnerStage::Connecting => {
                self.reconnect(core);
                Next::Stay
            }
            TimerKind::LearnerRead => self.on_read_timeout(core),
            _ => Next::Stay,
        }
    }

    /// The socket read timeout: initLimit until the learner serves, syncLimit after.
    fn on_read_timeout(&mut self, core: &mut Core) -> Next {
        let c = &core.cfg;
        let (limit, which, ticks) = if self.stage == LearnerStage::Broadcast {
            (c.sync_timeout_ms(), TickLimit::SyncLimit, c.sync_limit)
        } else {
            (c.init_timeout_ms(), TickLimit::InitLimit, c.init_limit)
        };
        let due = self.last_heard + limit;
        if core.now < due {
            core.out.push(Output::SetTimer {
                kind: TimerKind::LearnerRead,
                at: due,
            });
            return Next::Stay;
        }
        Next::Look(AbandonReason::LeaderSilent {
            leader: self.leader,
            limit: which,
            ticks,
            ms: limit,
        })
    }

    pub(crate) fn on_client(&self, core: &mut Core, request: Request) {
        if self.stage != LearnerStage::Broadcast {
            return core.observe(Observation::ClientReply {
                request: request.id,
                zxid: None,
                note: "not serving: still syncing",
            });
        }
        core.pending_clients.insert(request.id);
        self.reply(
            core,
            Packet::Request {
                request: Rc::new(request),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    //! The learner's side of 3.8.5+'s handshake, step by step (Learner.connectToLeader and
    //! syncWithLeader), driven through the sans-IO interface.
    use super::*;
    use crate::sim::data::{Disk, TxnOp};
    use crate::sim::zab::{EnsembleConfig, Input, Message, PeerState, Role, Server};

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
                ephemeral_owner: 0,
                parent_cversion: counter as i32,
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
            let closed = Input::ConnClosed {
                conn: refused,
                refused: true,
            };
            s.step(now, closed);
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
        receive(
            &mut s,
            24,
            Packet::Ping {
                zxid: Zxid::ZERO,
                touches: Default::default(),
            },
        );
        assert!(sent(&mut s).is_empty(), "a syncing learner answers no PING");
        let newleader = Zxid::epoch_start(1);
        receive(&mut s, 30, Packet::NewLeader { zxid: newleader });
        // Both txns are on disk before the NEWLEADER ACK, which goes out alone.
        assert_eq!(s.disk.last_logged_zxid(), txn(2).zxid);
        assert_eq!(s.disk.current_epoch, 1);
        assert!(matches!(sent(&mut s)[..], [Packet::Ack { zxid }] if zxid == newleader));
        receive(
            &mut s,
            31,
            Packet::Ping {
                zxid: Zxid::ZERO,
                touches: Default::default(),
            },
        );
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
        receive(
            &mut s,
            41,
            Packet::Ping {
                zxid: Zxid::ZERO,
                touches: Default::default(),
            },
        );
        assert!(
            matches!(sent(&mut s)[..], [Packet::Ping { .. }]),
            "serving: PINGs answered"
        );
    }

    fn acks_at_uptodate(s: &mut Server, now: Millis) -> Vec<Zxid> {
        receive(s, now, Packet::UpToDate);
        sent(s)
            .into_iter()
            .map(|p| match p {
                Packet::Ack { zxid } => zxid,
                other => panic!("expected only ACKs, got {other:?}"),
            })
            .collect()
    }

    /// After TRUNC (or SNAP) a COMMIT during the sync applies its proposal at once and takes
    /// it out of packetsNotCommitted, so only the still uncommitted proposal is ACKed after
    /// UPTODATE (3.8.6's requestsToAck); a DIFF ACKs every proposal (the test above).
    #[test]
    fn after_trunc_only_uncommitted_sync_proposals_are_acked() {
        let mut s = learner();
        sent(&mut s);
        receive(&mut s, 10, Packet::LeaderInfo { new_epoch: 1 });
        receive(&mut s, 20, Packet::Trunc { zxid: Zxid::ZERO });
        receive(&mut s, 21, Packet::Proposal { txn: txn(1) });
        receive(&mut s, 22, Packet::Commit { zxid: txn(1).zxid });
        receive(&mut s, 23, Packet::Proposal { txn: txn(2) });
        let newleader = Zxid::epoch_start(1);
        receive(&mut s, 30, Packet::NewLeader { zxid: newleader });
        sent(&mut s);
        assert_eq!(acks_at_uptodate(&mut s, 40), vec![newleader, txn(2).zxid]);
        assert_eq!(s.disk.last_logged_zxid(), txn(2).zxid, "both are durable");
    }

    /// A connection the leader accepted and then closed, before LEADERINFO even, is not a
    /// refused connect: registerWithLeader's read fails and the learner goes LOOKING at once.
    #[test]
    fn a_closed_connection_is_not_retried() {
        let mut s = learner();
        sent(&mut s);
        let conn = conn(&s);
        s.step(
            30,
            Input::ConnClosed {
                conn,
                refused: false,
            },
        );
        assert_eq!(s.peer_state(), PeerState::Looking);
    }
}
