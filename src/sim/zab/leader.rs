//! LEADING: Leader.lead() and one LearnerHandler per learner, as a state machine.
//!
//! Discovery: collect FOLLOWERINFO from a quorum, pick newEpoch = max(acceptedEpoch) + 1,
//! send LEADERINFO, collect ACKEPOCH from a quorum, persist currentEpoch.
//! Synchronisation: DIFF / TRUNC / SNAP each learner, then NEWLEADER; a quorum of NEWLEADER
//! ACKs starts the leader serving, and each learner gets UPTODATE.
//! Broadcast: PROPOSAL / ACK / COMMIT in strict zxid order, INFORM to observers, PINGs every
//! half tick, and a step-down when the synced voters no longer make a quorum.

use super::config::Variant;
use super::message::{ConnId, Packet, Request, RequestOp, Touches};
use super::prep::{prep, LeaderView};
use super::server::{AbandonReason, Awaited, Core, Next, Observation, Output, SyncMode, TimerKind};
use super::sessions::SessionTracker;
use super::sync::{choose_sync, LeaderHistory};
use crate::sim::data::{RequestId, SessionId, Snapshot, Txn, TxnOp};
use crate::sim::types::{Epoch, Millis, Sid, Zxid};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum LeaderPhase {
    /// Collecting FOLLOWERINFO and ACKEPOCH.
    Discovery,
    /// newEpoch is established; syncing learners and waiting for NEWLEADER ACKs.
    Synchronization,
    /// Serving: proposing and committing.
    Broadcast,
}

impl LeaderPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaderPhase::Discovery => "DISCOVERY",
            LeaderPhase::Synchronization => "SYNCHRONIZATION",
            LeaderPhase::Broadcast => "BROADCAST",
        }
    }
}

/// Where one learner's handshake stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum HandlerStage {
    /// FOLLOWERINFO received; waiting for the leader to pick newEpoch.
    Connected,
    /// LEADERINFO sent; waiting for ACKEPOCH.
    EpochSent,
    /// ACKEPOCH received; waiting for a quorum of them.
    EpochAcked,
    /// Sync packets and NEWLEADER sent; new proposals are forwarded too.
    Syncing,
    /// NEWLEADER ACKed; waiting for the leader to start serving.
    NewLeaderAcked,
    /// UPTODATE sent: the learner serves.
    Serving,
}

/// LearnerHandler: the leader's view of one learner connection.
#[derive(Clone, Debug, Hash)]
pub struct LearnerHandler {
    pub conn: ConnId,
    pub observer: bool,
    pub stage: HandlerStage,
    pub accepted_epoch: Epoch,
    pub last_zxid: Zxid,
    /// tickOfNextAckDeadline: the learner is "synced" while tick <= this.
    pub deadline_tick: u64,
}

impl LearnerHandler {
    /// Forwarding learners receive new proposals / commits (startForwarding has run).
    pub fn forwarding(&self) -> bool {
        self.stage >= HandlerStage::Syncing
    }
}

#[derive(Clone, Debug, Hash)]
pub struct Leader {
    pub phase: LeaderPhase,
    /// When the current wait (epoch, epoch ACKs, NEWLEADER ACKs) gives up: initLimit ticks.
    pub phase_deadline: Millis,
    pub new_epoch: Option<Epoch>,
    /// The largest acceptedEpoch seen in FOLLOWERINFO / OBSERVERINFO, the leader's own included.
    pub max_accepted_epoch: Epoch,
    /// Voters connected during discovery (connectingFollowers).
    pub connecting: BTreeSet<Sid>,
    /// Voters whose ACKEPOCH counted (electingFollowers).
    pub epoch_acks: BTreeSet<Sid>,
    pub newleader_acks: BTreeSet<Sid>,
    /// (currentEpoch, lastZxid) when leading began: a learner ahead of it is refused.
    pub state_summary: (Epoch, Zxid),
    pub learners: BTreeMap<Sid, LearnerHandler>,
    /// Proposals not yet committed, with the voters that ACKed each (the leader included).
    pub outstanding: BTreeMap<Zxid, BTreeSet<Sid>>,
    pub last_proposed: Zxid,
    pub last_committed: Zxid,
    pub tick: u64,
    tick_skip: bool,
    /// The session tracker, built when the leader starts serving (createSessionTracker).
    pub tracker: SessionTracker,
    /// When the tracker's timer is armed for, if it is.
    expiry_armed: Option<Millis>,
    /// Syncs waiting for the proposals before them to commit: (last proposed, asker, request).
    pending_syncs: Vec<(Zxid, Sid, RequestId)>,
}

impl LearnerHandler {
    /// LEADERINFO: offer the learner newEpoch.
    fn send_leader_info(&mut self, core: &mut Core, sid: Sid, epoch: Epoch) {
        self.stage = HandlerStage::EpochSent;
        core.send_packet(sid, self.conn, Packet::LeaderInfo { new_epoch: epoch });
    }

    /// syncFollower + startForwarding + NEWLEADER: bring the learner up to the leader's
    /// history (`last_committed` is the leader's), then forward what is still outstanding.
    fn sync(&mut self, core: &mut Core, sid: Sid, epoch: Epoch, last_committed: Zxid, tick: u64) {
        let history = LeaderHistory {
            log: &core.disk.log,
            snapshot_zxid: core.disk.snapshot.zxid,
            last_processed: core.tree.last_processed,
            last_committed,
            committed_log_max: core.cfg.committed_log_max,
            txn_log_sync_limit: core.cfg.txn_log_sync_limit,
            variant: core.cfg.variant,
        };
        let plan = choose_sync(self.last_zxid, &history);
        let outstanding: Vec<Rc<Txn>> = if self.observer {
            Vec::new()
        } else {
            let from = core.disk.index_after(plan.synced_to.max(last_committed));
            core.disk.log.range(from..).cloned().collect()
        };
        let op = sync_op(core, plan.mode, plan.zxid);
        core.observe(Observation::SyncChosen {
            learner: sid,
            mode: plan.mode,
            zxid: plan.zxid,
            txns: plan.txns.len(),
        });
        let conn = self.conn;
        core.send_packet(sid, conn, op);
        for txn in plan.txns {
            let zxid = txn.zxid;
            core.send_packet(sid, conn, Packet::Proposal { txn });
            core.send_packet(sid, conn, Packet::Commit { zxid });
        }
        for txn in outstanding {
            core.send_packet(sid, conn, Packet::Proposal { txn });
        }
        let zxid = Zxid::epoch_start(epoch);
        core.send_packet(sid, conn, Packet::NewLeader { zxid });
        self.stage = HandlerStage::Syncing;
        self.deadline_tick = tick + core.cfg.init_limit + core.cfg.sync_limit;
    }

    /// UPTODATE: the learner may serve.
    fn send_uptodate(&mut self, core: &mut Core, sid: Sid) {
        self.stage = HandlerStage::Serving;
        core.send_packet(sid, self.conn, Packet::UpToDate);
    }
}

impl Leader {
    /// Leader.lead: discovery starts with the leader itself connected.
    pub(crate) fn lead(core: &mut Core) -> Leader {
        let last = core.last_zxid();
        core.committed = core.disk.last_logged_zxid();
        let mut leader = Leader {
            phase: LeaderPhase::Discovery,
            phase_deadline: core.now + core.cfg.init_timeout_ms(),
            new_epoch: None,
            max_accepted_epoch: core.disk.accepted_epoch,
            connecting: BTreeSet::from([core.id]),
            epoch_acks: BTreeSet::new(),
            newleader_acks: BTreeSet::new(),
            state_summary: (core.disk.current_epoch, last),
            learners: BTreeMap::new(),
            outstanding: BTreeMap::new(),
            last_proposed: core.tree.last_processed,
            last_committed: core.tree.last_processed,
            tick: 0,
            tick_skip: false,
            tracker: SessionTracker::default(),
            expiry_armed: None,
            pending_syncs: Vec::new(),
        };
        core.set_timer(TimerKind::LeaderHalfTick, core.cfg.tick_ms / 2);
        leader.try_decide_epoch(core);
        leader
    }

    /// Stepping down: every learner's socket closes and the lead() loop stops.
    pub(crate) fn shut_down(&self, core: &mut Core) {
        let conns = self.learners.values().map(|h| Output::Close(h.conn));
        core.out.extend(conns);
        core.out
            .push(Output::CancelTimer(TimerKind::LeaderHalfTick));
    }

    pub(crate) fn on_packet(&mut self, core: &mut Core, from: Sid, conn: ConnId, packet: Packet) {
        match packet {
            Packet::FollowerInfo { accepted_epoch } => {
                return self.on_learner_info(core, from, conn, accepted_epoch, false)
            }
            Packet::ObserverInfo { accepted_epoch } => {
                return self.on_learner_info(core, from, conn, accepted_epoch, true)
            }
            _ => {}
        }
        let Some(h) = self.learners.get_mut(&from).filter(|h| h.conn == conn) else {
            return; // a stale connection: that handler is gone
        };
        // Any packet from the learner proves it alive. Until its NEWLEADER ACK the initial
        // deadline (initLimit + syncLimit) stands; after it, each packet resets the deadline to
        // tick + syncLimit (LearnerHandler.run's main loop).
        let deadline = self.tick + core.cfg.sync_limit;
        if h.stage >= HandlerStage::NewLeaderAcked {
            h.deadline_tick = deadline;
        } else {
            h.deadline_tick = h.deadline_tick.max(deadline);
        }
        match packet {
            Packet::AckEpoch {
                last_zxid,
                current_epoch,
            } => self.on_ack_epoch(core, from, last_zxid, current_epoch),
            Packet::Ack { zxid } => self.on_ack(core, from, zxid),
            Packet::Request { request } => self.on_request(core, request),
            // LearnerHandler's PING case: touch every session the learner reports.
            Packet::Ping { touches, .. } => {
                for (session, _) in touches.0 {
                    self.tracker.touch(session, core.now);
                }
            }
            Packet::Revalidate { session, .. } => {
                let valid = self.tracker.touch(session, core.now);
                let answer = Packet::RevalidateAnswer { session, valid };
                core.send_packet(from, conn, answer);
            }
            Packet::Sync { request } => self.on_sync(core, from, request),
            _ => {}
        }
    }

    fn on_learner_info(
        &mut self,
        core: &mut Core,
        from: Sid,
        conn: ConnId,
        accepted_epoch: Epoch,
        observer: bool,
    ) {
        let voter = core.cfg.is_voter(from) && !observer;
        let old = self.learners.get(&from).map(|h| h.conn);
        if old == Some(conn) {
            return; // a retried FOLLOWERINFO on a connection we already have
        }
        let handler = LearnerHandler {
            conn,
            observer: !voter,
            stage: HandlerStage::Connected,
            accepted_epoch,
            last_zxid: Zxid::ZERO,
            deadline_tick: self.tick + core.cfg.init_limit + core.cfg.sync_limit,
        };
        self.learners.insert(from, handler);
        self.max_accepted_epoch = self.max_accepted_epoch.max(accepted_epoch);
        if voter && self.phase == LeaderPhase::Discovery {
            self.connecting.insert(from);
        }
        core.observe(Observation::LearnerConnected {
            learner: from,
            observer: !voter,
            accepted_epoch,
        });
        if let Some(old) = old {
            core.out.push(Output::Close(old));
        }
        match self.new_epoch {
            Some(epoch) => self.handler(from).send_leader_info(core, from, epoch),
            None => self.try_decide_epoch(core),
        }
    }

    fn handler(&mut self, sid: Sid) -> &mut LearnerHandler {
        self.learners.get_mut(&sid).expect("handler exists")
    }

    /// getEpochToPropose: once a quorum of voters is connected, newEpoch = max accepted + 1.
    fn try_decide_epoch(&mut self, core: &mut Core) {
        if self.new_epoch.is_some() || !core.cfg.is_quorum(&self.connecting) {
            return;
        }
        let epoch = self.max_accepted_epoch + 1;
        self.new_epoch = Some(epoch);
        self.epoch_acks.insert(core.id);
        self.phase_deadline = core.now + core.cfg.init_timeout_ms();
        core.persist_accepted_epoch(epoch);
        for (sid, h) in self.learners.iter_mut() {
            if h.stage == HandlerStage::Connected {
                h.send_leader_info(core, *sid, epoch);
            }
        }
        self.try_establish(core);
    }

    fn on_ack_epoch(
        &mut self,
        core: &mut Core,
        from: Sid,
        last_zxid: Zxid,
        current_epoch: Option<Epoch>,
    ) {
        let h = self.learners.get_mut(&from).expect("checked by caller");
        if h.stage != HandlerStage::EpochSent {
            return;
        }
        h.last_zxid = last_zxid;
        h.stage = HandlerStage::EpochAcked;
        if self.phase != LeaderPhase::Discovery {
            let epoch = self.new_epoch.expect("syncing implies an epoch");
            return h.sync(core, from, epoch, self.last_committed, self.tick);
        }
        if let Some(ce) = current_epoch {
            if (ce, last_zxid) > self.state_summary {
                // "Follower is ahead of the leader": refuse it; FLE should not have let this happen.
                core.out.push(Output::Close(h.conn));
                self.learners.remove(&from);
                return;
            }
            if !h.observer {
                self.epoch_acks.insert(from);
            }
        }
        self.try_establish(core);
    }

    /// A quorum acknowledged newEpoch: persist currentEpoch and start syncing everyone.
    fn try_establish(&mut self, core: &mut Core) {
        if self.phase != LeaderPhase::Discovery || !core.cfg.is_quorum(&self.epoch_acks) {
            return;
        }
        let epoch = self.new_epoch.expect("acks imply an epoch");
        self.phase = LeaderPhase::Synchronization;
        self.phase_deadline = core.now + core.cfg.init_timeout_ms();
        self.newleader_acks.insert(core.id);
        core.persist_current_epoch(epoch);
        core.observe(Observation::LeaderEstablished { epoch });
        for (sid, h) in self.learners.iter_mut() {
            if h.stage == HandlerStage::EpochAcked {
                h.sync(core, *sid, epoch, self.last_committed, self.tick);
            }
        }
        self.try_start_serving(core);
    }

    fn on_ack(&mut self, core: &mut Core, from: Sid, zxid: Zxid) {
        let newleader_zxid = self.new_epoch.map(Zxid::epoch_start);
        let h = self.learners.get_mut(&from).expect("checked by caller");
        if h.stage == HandlerStage::Syncing && Some(zxid) == newleader_zxid {
            h.stage = HandlerStage::NewLeaderAcked;
            // "now that the ack has been processed expect the syncLimit" (LearnerHandler.run):
            // the socket timeout drops to syncLimit ticks.
            h.deadline_tick = self.tick + core.cfg.sync_limit;
            if !h.observer {
                self.newleader_acks.insert(from);
            }
            if self.phase == LeaderPhase::Broadcast {
                h.send_uptodate(core, from);
            } else {
                self.try_start_serving(core);
            }
        } else if !h.observer && h.stage >= HandlerStage::Syncing {
            if let Some(acks) = self.outstanding.get_mut(&zxid) {
                acks.insert(from);
                self.try_commit(core);
            }
        }
    }

    /// A quorum ACKed NEWLEADER: start serving, tell every acked learner UPTODATE.
    fn try_start_serving(&mut self, core: &mut Core) {
        if self.phase != LeaderPhase::Synchronization || !core.cfg.is_quorum(&self.newleader_acks) {
            return;
        }
        let epoch = self.new_epoch.expect("serving implies an epoch");
        self.phase = LeaderPhase::Broadcast;
        let start = Zxid::epoch_start(epoch);
        self.last_proposed = start;
        // startZkServer: the tree's last processed zxid becomes e << 32, and the vote's epoch e.
        core.tree.last_processed = core.tree.last_processed.max(start);
        core.current_vote.0.peer_epoch = epoch;
        core.observe(Observation::LeaderServing {
            epoch,
            zxid: core.tree.last_processed,
        });
        // Every session of the database restarts its full timeout under the new leader.
        self.tracker = SessionTracker::new(core.cfg.tick_ms, core.now, &core.tree.sessions);
        self.arm_expiry(core);
        for (sid, h) in self.learners.iter_mut() {
            if h.stage == HandlerStage::NewLeaderAcked {
                h.send_uptodate(core, *sid);
            }
        }
    }

    /// A write reaches the leader (from its own client or forwarded as REQUEST).
    pub(crate) fn on_request(&mut self, core: &mut Core, request: Rc<Request>) {
        let own = request.origin == core.id;
        if self.phase != LeaderPhase::Broadcast {
            if own {
                core.observe(Observation::ClientReply {
                    request: request.id,
                    zxid: None,
                    note: "not serving yet",
                });
            }
            return;
        }
        if own {
            core.pending_clients.insert(request.id);
        }
        // PrepRequestProcessor: createSession starts tracking, closeSession marks closing.
        match request.op {
            RequestOp::OpenSession {
                session,
                timeout_ms,
            } => {
                self.tracker.add(session, timeout_ms, core.now);
                self.arm_expiry(core);
            }
            RequestOp::CloseSession { session } => self.tracker.set_closing(session),
            _ => {}
        }
        let zxid = self.last_proposed.next();
        self.last_proposed = zxid;
        let txn = Rc::new(Txn {
            zxid,
            request: request.id,
            op: prep_txn(core, zxid, &request),
        });
        core.log_txn(txn.clone(), None);
        self.outstanding.insert(zxid, BTreeSet::from([core.id]));
        for (sid, h) in &self.learners {
            if !h.observer && h.forwarding() {
                let txn = txn.clone();
                core.send_packet(*sid, h.conn, Packet::Proposal { txn });
            }
        }
        self.try_commit(core);
    }

    /// Commit, in strict zxid order, every outstanding proposal that has a quorum of ACKs.
    fn try_commit(&mut self, core: &mut Core) {
        while let Some(entry) = self.outstanding.first_entry() {
            let acks = entry.get();
            let enough = if core.cfg.variant == Variant::CommitWithoutQuorum {
                !acks.is_empty()
            } else {
                core.cfg.is_quorum(acks)
            };
            if !enough {
                return;
            }
            let (zxid, acks) = entry.remove_entry();
            let prev_committed = self.last_committed;
            self.last_committed = zxid;
            core.observe(Observation::LeaderCommitted {
                zxid,
                acks: acks.into_iter().collect(),
                prev_committed,
            });
            core.apply_committed_upto(zxid);
            self.announce_commit(core, zxid);
            self.forget_closed_session(core, zxid);
            self.answer_syncs(core);
        }
    }

    /// removeSession once a closeSession is applied.
    fn forget_closed_session(&mut self, core: &Core, zxid: Zxid) {
        let txn = &core.disk.log[core.disk.index_after(zxid) - 1];
        if let TxnOp::CloseSession { session } = txn.op {
            self.tracker.remove(session);
        }
    }

    /// Leader.processSync: answered at once if nothing is outstanding, else once the last
    /// proposal before it commits (its SYNC follows the COMMITs on the learner's connection).
    pub(crate) fn on_sync(&mut self, core: &mut Core, from: Sid, request: RequestId) {
        self.pending_syncs.push((self.last_proposed, from, request));
        self.answer_syncs(core);
    }

    fn answer_syncs(&mut self, core: &mut Core) {
        let committed = self.last_committed;
        let (due, waiting) = std::mem::take(&mut self.pending_syncs)
            .into_iter()
            .partition(|(z, _, _)| *z <= committed || self.outstanding.is_empty());
        self.pending_syncs = waiting;
        for (_, sid, request) in due {
            if sid == core.id {
                core.finish_sync(request);
            } else if let Some(h) = self.learners.get(&sid) {
                core.send_packet(sid, h.conn, Packet::Sync { request });
            }
        }
    }

    /// Arm the tracker's timer for its next bucket if it is not armed as early already.
    fn arm_expiry(&mut self, core: &mut Core) {
        let Some(next) = self.tracker.next_expiry() else {
            return;
        };
        if self.expiry_armed.is_some_and(|at| at <= next) {
            return;
        }
        self.expiry_armed = Some(next);
        core.out.push(Output::SetTimer {
            kind: TimerKind::SessionExpiry,
            at: next.max(core.now),
        });
    }

    /// SessionTrackerImpl.run: every session of a due bucket expires, by a closeSession
    /// through Zab like any request (ZooKeeperServer.expire).
    pub(crate) fn on_expiry_timer(&mut self, core: &mut Core) {
        self.expiry_armed = None;
        if self.phase == LeaderPhase::Broadcast {
            for (session, timeout_ms) in self.tracker.expire_due(core.now) {
                core.observe(Observation::SessionExpired {
                    session,
                    timeout_ms,
                });
                let request = Request {
                    id: core.mint_request(),
                    origin: 0,
                    op: RequestOp::CloseSession { session },
                };
                self.on_request(core, Rc::new(request));
            }
        }
        self.arm_expiry(core);
    }

    /// COMMIT to forwarding followers, INFORM (with the txn) to observers.
    fn announce_commit(&self, core: &mut Core, zxid: Zxid) {
        let idx = core.disk.index_after(zxid) - 1;
        let txn = core.disk.log[idx].clone();
        for (sid, h) in &self.learners {
            if !h.forwarding() {
                continue;
            }
            let packet = if h.observer {
                Packet::Inform { txn: txn.clone() }
            } else {
                Packet::Commit { zxid }
            };
            core.send_packet(*sid, h.conn, packet);
        }
    }

    /// The lead() loop, every tickTime / 2.
    pub(crate) fn on_half_tick(&mut self, core: &mut Core) -> Next {
        if !self.tick_skip {
            self.tick += 1;
        }
        let full_tick = !self.tick_skip;
        self.tick_skip = !self.tick_skip;
        match self.phase {
            LeaderPhase::Discovery | LeaderPhase::Synchronization
                if core.now >= self.phase_deadline =>
            {
                return Next::Look(AbandonReason::InitLimitExpired {
                    waiting_for: self.awaited(),
                    ticks: core.cfg.init_limit,
                });
            }
            LeaderPhase::Broadcast if full_tick => {
                let synced = self.synced_voters(core.id);
                let skip = core.cfg.variant == Variant::SkipQuorumCheck;
                if !core.cfg.is_quorum(&synced) && !skip {
                    return Next::Look(AbandonReason::QuorumLost { synced });
                }
            }
            _ => {}
        }
        self.drop_dead_learners(core);
        if self.phase == LeaderPhase::Broadcast {
            self.ping(core);
            // The implicit clients of `session open` at the leader keep pinging it.
            let implicit: Vec<SessionId> = core.clients.implicit.keys().copied().collect();
            for session in implicit {
                self.tracker.touch(session, core.now);
            }
        }
        core.set_timer(TimerKind::LeaderHalfTick, core.cfg.tick_ms / 2);
        Next::Stay
    }

    /// What discovery or sync is still waiting for from a quorum.
    fn awaited(&self) -> Awaited {
        if self.new_epoch.is_none() {
            Awaited::FollowerInfo
        } else if self.phase == LeaderPhase::Discovery {
            Awaited::AckEpoch
        } else {
            Awaited::NewLeaderAck
        }
    }

    /// The voters synced now (the leader itself included), sorted.
    fn synced_voters(&self, me: Sid) -> Vec<Sid> {
        let mut synced: Vec<Sid> = self
            .learners
            .iter()
            .filter(|(_, h)| !h.observer && self.tick <= h.deadline_tick)
            .map(|(s, _)| *s)
            .collect();
        synced.push(me);
        synced.sort_unstable();
        synced
    }

    /// PING every learner. LearnerHandler.ping sends nothing before the handler's sending
    /// thread runs, which starts once NEWLEADER is queued.
    fn ping(&self, core: &mut Core) {
        let zxid = self.last_proposed;
        for (sid, h) in &self.learners {
            if h.stage >= HandlerStage::Syncing {
                let touches = Touches::default();
                core.send_packet(*sid, h.conn, Packet::Ping { zxid, touches });
            }
        }
    }

    /// A learner silent past its deadline has its socket time out: the handler ends.
    fn drop_dead_learners(&mut self, core: &mut Core) {
        let tick = self.tick;
        self.learners.retain(|_, h| {
            let alive = tick <= h.deadline_tick;
            if !alive {
                core.out.push(Output::Close(h.conn));
            }
            alive
        });
    }

    pub(crate) fn on_conn_closed(&mut self, conn: ConnId) {
        self.learners.retain(|_, h| h.conn != conn);
    }
}

/// The packet that opens a sync. SNAP carries the leader's tree and the history it holds.
fn sync_op(core: &Core, mode: SyncMode, zxid: Zxid) -> Packet {
    match mode {
        SyncMode::Diff => Packet::Diff { zxid },
        SyncMode::Trunc => Packet::Trunc { zxid },
        SyncMode::Snap => {
            let zxid = core.tree.last_processed;
            let history = core.disk.history().take_while(|t| t.zxid <= zxid);
            let snapshot = Snapshot {
                zxid,
                tree: core.tree.clone(),
                history: history.cloned().collect(),
            };
            Packet::Snap {
                snapshot: Rc::new(snapshot),
            }
        }
    }
}

/// PrepRequestProcessor: the txn a request becomes against the tree and the proposals logged
/// but not yet applied (ZooKeeper's outstandingChanges).
fn prep_txn(core: &Core, zxid: Zxid, request: &Request) -> TxnOp {
    let unapplied = core.disk.index_after(core.tree.last_processed);
    let outstanding = core.disk.log.range(unapplied..);
    prep(
        &mut LeaderView::new(&core.tree, outstanding),
        zxid,
        &request.op,
    )
}

#[cfg(test)]
mod tests {
    //! The leader's side of the handshake (Leader.lead, LearnerHandler.run / ping), driven
    //! through the sans-IO interface.
    use super::*;
    use crate::sim::data::Disk;
    use crate::sim::zab::{EnsembleConfig, Input, Message, Server};

    const ME: Sid = 3;

    fn conn(learner: Sid) -> ConnId {
        ConnId {
            learner,
            leader: ME,
            serial: 1,
        }
    }

    fn receive(s: &mut Server, now: Millis, from: Sid, packet: Packet) {
        let msg = Message::Quorum {
            conn: conn(from),
            packet,
        };
        s.step(now, Input::Receive { from, msg });
    }

    /// (to, packet) for every packet sent since the last call.
    fn sent(s: &mut Server) -> Vec<(Sid, Packet)> {
        let mut out = Vec::new();
        s.take_outputs(&mut out);
        out.into_iter()
            .filter_map(|o| match o {
                Output::Send {
                    to,
                    msg: Message::Quorum { packet, .. },
                } => Some((to, packet)),
                _ => None,
            })
            .collect()
    }

    fn pinged(s: &mut Server, now: Millis) -> Vec<Sid> {
        s.step(now, Input::Timer(TimerKind::LeaderHalfTick));
        sent(s)
            .into_iter()
            .filter(|(_, p)| matches!(p, Packet::Ping { .. }))
            .map(|(to, _)| to)
            .collect()
    }

    /// LearnerHandler.ping does nothing until the handler's sending thread runs, and that
    /// starts once NEWLEADER is queued: a learner still in discovery is not pinged, even by a
    /// leader that already serves; and the lead() loop pings nobody before it serves.
    #[test]
    fn no_ping_before_newleader_is_queued() {
        let mut s = Server::boot(ME, Rc::new(EnsembleConfig::new(3, 0)), Disk::default());
        s.become_leader();
        receive(&mut s, 10, 1, Packet::FollowerInfo { accepted_epoch: 0 });
        receive(&mut s, 11, 2, Packet::FollowerInfo { accepted_epoch: 0 });
        let epoch = Zxid::epoch_start(1);
        let last_zxid = Zxid::ZERO;
        let ack_epoch = Packet::AckEpoch {
            last_zxid,
            current_epoch: Some(0),
        };
        receive(&mut s, 30, 1, ack_epoch.clone());
        let to_s1: Vec<&'static str> = sent(&mut s)
            .into_iter()
            .filter(|(to, _)| *to == 1)
            .map(|(_, p)| p.kind())
            .collect();
        assert_eq!(to_s1, ["LEADERINFO", "DIFF", "NEWLEADER"]);
        assert!(pinged(&mut s, 100).is_empty(), "not serving yet: no PING");
        receive(&mut s, 110, 1, Packet::Ack { zxid: epoch });
        assert_eq!(s.peer_state(), crate::sim::zab::PeerState::Leading);
        assert!(sent(&mut s)
            .iter()
            .any(|(to, p)| *to == 1 && p.kind() == "UPTODATE"));
        assert_eq!(pinged(&mut s, 200), [1], "s2 has only had LEADERINFO");
        receive(&mut s, 210, 2, ack_epoch);
        let to_s2: Vec<&'static str> = sent(&mut s).iter().map(|(_, p)| p.kind()).collect();
        assert_eq!(
            to_s2,
            ["SNAP", "NEWLEADER"],
            "late: the leader serves e<<32"
        );
        assert_eq!(
            pinged(&mut s, 300),
            [1, 2],
            "NEWLEADER queued: s2 is pinged too"
        );
    }
}
