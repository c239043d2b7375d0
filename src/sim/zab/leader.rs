//! LEADING: Leader.lead() and one LearnerHandler per learner, as a state machine.
//!
//! Discovery: collect FOLLOWERINFO from a quorum, pick newEpoch = max(acceptedEpoch) + 1,
//! send LEADERINFO, collect ACKEPOCH from a quorum, persist currentEpoch.
//! Synchronisation: DIFF / TRUNC / SNAP each learner, then NEWLEADER; a quorum of NEWLEADER
//! ACKs starts the leader serving, and each learner gets UPTODATE.
//! Broadcast: PROPOSAL / ACK / COMMIT in strict zxid order, INFORM to observers, PINGs every
//! half tick, and a step-down when the synced voters no longer make a quorum.

use super::config::Variant;
use super::message::{prep_request, ConnId, Packet, Request};
use super::server::{AbandonReason, Awaited, Observation, Role, Server, TimerKind};
use super::sync::{choose_sync, LeaderHistory};
use crate::sim::data::{Snapshot, Txn, TxnOp};
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
}

impl Server {
    fn leading(&mut self) -> &mut Leader {
        match &mut self.role {
            Role::Leading(l) => l,
            _ => unreachable!("leader state used outside LEADING"),
        }
    }

    pub(crate) fn become_leader(&mut self) {
        let last = self.last_zxid();
        self.committed = self.disk.last_logged_zxid();
        self.role = Role::Leading(Box::new(Leader {
            phase: LeaderPhase::Discovery,
            phase_deadline: self.now + self.cfg.init_timeout_ms(),
            new_epoch: None,
            max_accepted_epoch: self.disk.accepted_epoch,
            connecting: BTreeSet::from([self.id]),
            epoch_acks: BTreeSet::new(),
            newleader_acks: BTreeSet::new(),
            state_summary: (self.disk.current_epoch, last),
            learners: BTreeMap::new(),
            outstanding: BTreeMap::new(),
            last_proposed: self.tree.last_processed,
            last_committed: self.tree.last_processed,
            tick: 0,
            tick_skip: false,
        }));
        let half = self.cfg.tick_ms / 2;
        self.set_timer(TimerKind::LeaderHalfTick, half);
        self.try_decide_epoch();
    }

    pub(crate) fn leader_on_packet(&mut self, from: Sid, conn: ConnId, packet: Packet) {
        match packet {
            Packet::FollowerInfo { accepted_epoch } => {
                return self.on_learner_info(from, conn, accepted_epoch, false)
            }
            Packet::ObserverInfo { accepted_epoch } => {
                return self.on_learner_info(from, conn, accepted_epoch, true)
            }
            _ => {}
        }
        let sync_limit = self.cfg.sync_limit;
        let l = self.leading();
        let tick = l.tick;
        let Some(h) = l.learners.get_mut(&from).filter(|h| h.conn == conn) else {
            return; // a stale connection: that handler is gone
        };
        // Any packet from the learner proves it alive. Until its NEWLEADER ACK the initial
        // deadline (initLimit + syncLimit) stands; after it, each packet resets the deadline to
        // tick + syncLimit (LearnerHandler.run's main loop).
        if h.stage >= HandlerStage::NewLeaderAcked {
            h.deadline_tick = tick + sync_limit;
        } else {
            h.deadline_tick = h.deadline_tick.max(tick + sync_limit);
        }
        match packet {
            Packet::AckEpoch {
                last_zxid,
                current_epoch,
            } => self.on_ack_epoch(from, last_zxid, current_epoch),
            Packet::Ack { zxid } => self.on_ack(from, zxid),
            Packet::Request { request } => self.leader_on_request(request),
            _ => {} // PING replies only refresh the deadline
        }
    }

    fn on_learner_info(&mut self, from: Sid, conn: ConnId, accepted_epoch: Epoch, observer: bool) {
        let voter = self.cfg.is_voter(from) && !observer;
        let deadline_tick = self.leading().tick + self.cfg.init_limit + self.cfg.sync_limit;
        let l = self.leading();
        let old = l.learners.get(&from).map(|h| h.conn);
        if old == Some(conn) {
            return; // a retried FOLLOWERINFO on a connection we already have
        }
        l.learners.insert(
            from,
            LearnerHandler {
                conn,
                observer: !voter,
                stage: HandlerStage::Connected,
                accepted_epoch,
                last_zxid: Zxid::ZERO,
                deadline_tick,
            },
        );
        l.max_accepted_epoch = l.max_accepted_epoch.max(accepted_epoch);
        if voter && l.phase == LeaderPhase::Discovery {
            l.connecting.insert(from);
        }
        self.observe(Observation::LearnerConnected {
            learner: from,
            observer: !voter,
            accepted_epoch,
        });
        if let Some(old) = old {
            self.out.push(super::server::Output::Close(old));
        }
        match self.leading().new_epoch {
            Some(epoch) => self.send_leader_info(from, epoch),
            None => self.try_decide_epoch(),
        }
    }

    /// getEpochToPropose: once a quorum of voters is connected, newEpoch = max accepted + 1.
    fn try_decide_epoch(&mut self) {
        let cfg = self.cfg.clone();
        let me = self.id;
        let l = self.leading();
        if l.new_epoch.is_some() || !cfg.is_quorum(&l.connecting) {
            return;
        }
        let epoch = l.max_accepted_epoch + 1;
        l.new_epoch = Some(epoch);
        l.epoch_acks.insert(me);
        let waiting: Vec<Sid> = l
            .learners
            .iter()
            .filter(|(_, h)| h.stage == HandlerStage::Connected)
            .map(|(s, _)| *s)
            .collect();
        self.leading().phase_deadline = self.now + cfg.init_timeout_ms();
        self.persist_accepted_epoch(epoch);
        for sid in waiting {
            self.send_leader_info(sid, epoch);
        }
        self.try_establish();
    }

    fn send_leader_info(&mut self, to: Sid, epoch: Epoch) {
        let h = self
            .leading()
            .learners
            .get_mut(&to)
            .expect("handler exists");
        h.stage = HandlerStage::EpochSent;
        let conn = h.conn;
        self.send_packet(to, conn, Packet::LeaderInfo { new_epoch: epoch });
    }

    fn on_ack_epoch(&mut self, from: Sid, last_zxid: Zxid, current_epoch: Option<Epoch>) {
        let l = self.leading();
        let summary = l.state_summary;
        let phase = l.phase;
        let h = l.learners.get_mut(&from).expect("checked by caller");
        if h.stage != HandlerStage::EpochSent {
            return;
        }
        h.last_zxid = last_zxid;
        h.stage = HandlerStage::EpochAcked;
        let counted_voter = !h.observer;
        if phase == LeaderPhase::Discovery {
            if let Some(ce) = current_epoch {
                if (ce, last_zxid) > summary {
                    // "Follower is ahead of the leader": refuse it; FLE should not have let this happen.
                    let conn = h.conn;
                    l.learners.remove(&from);
                    self.out.push(super::server::Output::Close(conn));
                    return;
                }
                if counted_voter {
                    self.leading().epoch_acks.insert(from);
                }
            }
            self.try_establish();
        } else {
            self.sync_learner(from);
        }
    }

    /// A quorum acknowledged newEpoch: persist currentEpoch and start syncing everyone.
    fn try_establish(&mut self) {
        let cfg = self.cfg.clone();
        let (me, now) = (self.id, self.now);
        let l = self.leading();
        if l.phase != LeaderPhase::Discovery || !cfg.is_quorum(&l.epoch_acks) {
            return;
        }
        let epoch = l.new_epoch.expect("acks imply an epoch");
        l.phase = LeaderPhase::Synchronization;
        l.phase_deadline = now + cfg.init_timeout_ms();
        l.newleader_acks.insert(me);
        let ready: Vec<Sid> = l
            .learners
            .iter()
            .filter(|(_, h)| h.stage == HandlerStage::EpochAcked)
            .map(|(s, _)| *s)
            .collect();
        self.persist_current_epoch(epoch);
        self.observe(Observation::LeaderEstablished { epoch });
        for sid in ready {
            self.sync_learner(sid);
        }
        self.try_start_serving();
    }

    /// syncFollower + startForwarding + NEWLEADER for one learner.
    fn sync_learner(&mut self, sid: Sid) {
        let l = match &self.role {
            Role::Leading(l) => l,
            _ => return,
        };
        let h = &l.learners[&sid];
        let history = LeaderHistory {
            log: &self.disk.log,
            snapshot_zxid: self.disk.snapshot.zxid,
            last_processed: self.tree.last_processed,
            last_committed: l.last_committed,
            committed_log_max: self.cfg.committed_log_max,
            txn_log_sync_limit: self.cfg.txn_log_sync_limit,
            variant: self.cfg.variant,
        };
        let plan = choose_sync(h.last_zxid, &history);
        let (conn, observer) = (h.conn, h.observer);
        let epoch = l.new_epoch.expect("syncing implies an epoch");
        let outstanding: Vec<Rc<Txn>> = if observer {
            Vec::new()
        } else {
            let from = self.disk.index_after(plan.synced_to.max(l.last_committed));
            self.disk.log[from..].to_vec()
        };
        let op = match plan.mode {
            super::server::SyncMode::Diff => Packet::Diff { zxid: plan.zxid },
            super::server::SyncMode::Trunc => Packet::Trunc { zxid: plan.zxid },
            super::server::SyncMode::Snap => Packet::Snap {
                snapshot: Rc::new(Snapshot {
                    zxid: self.tree.last_processed,
                    tree: self.tree.clone(),
                    history: self
                        .disk
                        .history()
                        .take_while(|t| t.zxid <= self.tree.last_processed)
                        .cloned()
                        .collect(),
                }),
            },
        };
        self.observe(Observation::SyncChosen {
            learner: sid,
            mode: plan.mode,
            zxid: plan.zxid,
            txns: plan.txns.len(),
        });
        self.send_packet(sid, conn, op);
        for txn in plan.txns {
            let zxid = txn.zxid;
            self.send_packet(sid, conn, Packet::Proposal { txn });
            self.send_packet(sid, conn, Packet::Commit { zxid });
        }
        for txn in outstanding {
            self.send_packet(sid, conn, Packet::Proposal { txn });
        }
        self.send_packet(
            sid,
            conn,
            Packet::NewLeader {
                zxid: Zxid::epoch_start(epoch),
            },
        );
        let deadline = self.leading().tick + self.cfg.init_limit + self.cfg.sync_limit;
        let h = self.leading().learners.get_mut(&sid).expect("still there");
        h.stage = HandlerStage::Syncing;
        h.deadline_tick = deadline;
    }

    fn on_ack(&mut self, from: Sid, zxid: Zxid) {
        let sync_limit = self.cfg.sync_limit;
        let l = self.leading();
        let h = &l.learners[&from];
        let newleader_zxid = l.new_epoch.map(Zxid::epoch_start);
        if h.stage == HandlerStage::Syncing && Some(zxid) == newleader_zxid {
            let observer = h.observer;
            let h = l.learners.get_mut(&from).expect("present");
            h.stage = HandlerStage::NewLeaderAcked;
            // "now that the ack has been processed expect the syncLimit" (LearnerHandler.run):
            // the socket timeout drops to syncLimit ticks.
            h.deadline_tick = l.tick + sync_limit;
            if !observer {
                l.newleader_acks.insert(from);
            }
            if l.phase == LeaderPhase::Broadcast {
                self.send_uptodate(from);
            } else {
                self.try_start_serving();
            }
        } else if !h.observer && h.stage >= HandlerStage::Syncing {
            if let Some(acks) = l.outstanding.get_mut(&zxid) {
                acks.insert(from);
                self.try_commit();
            }
        }
    }

    /// A quorum ACKed NEWLEADER: start serving, tell every acked learner UPTODATE.
    fn try_start_serving(&mut self) {
        let cfg = self.cfg.clone();
        let l = self.leading();
        if l.phase != LeaderPhase::Synchronization || !cfg.is_quorum(&l.newleader_acks) {
            return;
        }
        let epoch = l.new_epoch.expect("serving implies an epoch");
        l.phase = LeaderPhase::Broadcast;
        let start = Zxid::epoch_start(epoch);
        l.last_proposed = start;
        let acked: Vec<Sid> = l
            .learners
            .iter()
            .filter(|(_, h)| h.stage == HandlerStage::NewLeaderAcked)
            .map(|(s, _)| *s)
            .collect();
        // startZkServer: the tree's last processed zxid becomes e << 32, and the vote's epoch e.
        self.tree.last_processed = self.tree.last_processed.max(start);
        self.current_vote.0.peer_epoch = epoch;
        let zxid = self.tree.last_processed;
        self.observe(Observation::LeaderServing { epoch, zxid });
        for sid in acked {
            self.send_uptodate(sid);
        }
    }

    fn send_uptodate(&mut self, sid: Sid) {
        let h = self.leading().learners.get_mut(&sid).expect("present");
        h.stage = HandlerStage::Serving;
        let conn = h.conn;
        self.send_packet(sid, conn, Packet::UpToDate);
    }

    /// A write reaches the leader (from its own client or forwarded as REQUEST).
    pub(crate) fn leader_on_request(&mut self, request: Rc<Request>) {
        if self.leading().phase != LeaderPhase::Broadcast {
            if request.origin == self.id {
                self.observe(Observation::ClientReply {
                    request: request.id,
                    zxid: None,
                    note: "not serving yet",
                });
            }
            return;
        }
        if request.origin == self.id {
            self.pending_clients.insert(request.id);
        }
        let me = self.id;
        let l = self.leading();
        let zxid = l.last_proposed.next();
        l.last_proposed = zxid;
        let pending_creates =
            pending_creates(&self.disk.log[self.disk.index_after(self.tree.last_processed)..]);
        let tree = &self.tree;
        let op = prep_request(&request, |path| {
            tree.nodes.contains_key(path) || pending_creates.contains(path)
        });
        let txn = Rc::new(Txn {
            zxid,
            request: request.id,
            op,
        });
        self.log_txn(txn.clone(), None);
        let l = self.leading();
        l.outstanding.insert(zxid, BTreeSet::from([me]));
        let targets: Vec<(Sid, ConnId)> = l
            .learners
            .iter()
            .filter(|(_, h)| !h.observer && h.forwarding())
            .map(|(s, h)| (*s, h.conn))
            .collect();
        for (sid, conn) in targets {
            self.send_packet(sid, conn, Packet::Proposal { txn: txn.clone() });
        }
        self.try_commit();
    }

    /// Commit, in strict zxid order, every outstanding proposal that has a quorum of ACKs.
    fn try_commit(&mut self) {
        let cfg = self.cfg.clone();
        loop {
            let l = self.leading();
            let Some((&zxid, acks)) = l.outstanding.iter().next() else {
                return;
            };
            let enough = if cfg.variant == Variant::CommitWithoutQuorum {
                !acks.is_empty()
            } else {
                cfg.is_quorum(acks)
            };
            if !enough {
                return;
            }
            let acks: Vec<Sid> = acks.iter().copied().collect();
            l.outstanding.remove(&zxid);
            let prev_committed = l.last_committed;
            l.last_committed = zxid;
            self.observe(Observation::LeaderCommitted {
                zxid,
                acks,
                prev_committed,
            });
            self.apply_committed_upto(zxid);
            self.announce_commit(zxid);
        }
    }

    /// COMMIT to forwarding followers, INFORM (with the txn) to observers.
    fn announce_commit(&mut self, zxid: Zxid) {
        let idx = self.disk.index_after(zxid) - 1;
        let txn = self.disk.log[idx].clone();
        let targets: Vec<(Sid, ConnId, bool)> = self
            .leading()
            .learners
            .iter()
            .filter(|(_, h)| h.forwarding())
            .map(|(s, h)| (*s, h.conn, h.observer))
            .collect();
        for (sid, conn, observer) in targets {
            let packet = if observer {
                Packet::Inform { txn: txn.clone() }
            } else {
                Packet::Commit { zxid }
            };
            self.send_packet(sid, conn, packet);
        }
    }

    /// The lead() loop, every tickTime / 2.
    pub(crate) fn leader_on_half_tick(&mut self) {
        let cfg = self.cfg.clone();
        let now = self.now;
        let l = self.leading();
        if !l.tick_skip {
            l.tick += 1;
        }
        let full_tick = !l.tick_skip;
        l.tick_skip = !l.tick_skip;
        match l.phase {
            LeaderPhase::Discovery | LeaderPhase::Synchronization if now >= l.phase_deadline => {
                let waiting_for = if l.new_epoch.is_none() {
                    Awaited::FollowerInfo
                } else if l.phase == LeaderPhase::Discovery {
                    Awaited::AckEpoch
                } else {
                    Awaited::NewLeaderAck
                };
                return self.abandon(AbandonReason::InitLimitExpired {
                    waiting_for,
                    ticks: cfg.init_limit,
                });
            }
            LeaderPhase::Broadcast if full_tick => {
                let tick = l.tick;
                let mut synced: Vec<Sid> = l
                    .learners
                    .iter()
                    .filter(|(_, h)| !h.observer && tick <= h.deadline_tick)
                    .map(|(s, _)| *s)
                    .collect();
                synced.push(self.id);
                synced.sort_unstable();
                let skip = cfg.variant == Variant::SkipQuorumCheck;
                if !cfg.is_quorum(&synced) && !skip {
                    return self.abandon(AbandonReason::QuorumLost { synced });
                }
            }
            _ => {}
        }
        self.drop_dead_learners();
        if self.leading().phase == LeaderPhase::Broadcast {
            let l = self.leading();
            let zxid = l.last_proposed;
            // LearnerHandler.ping sends nothing before the handler's sending thread runs,
            // which starts once NEWLEADER is queued.
            let targets: Vec<(Sid, ConnId)> = l
                .learners
                .iter()
                .filter(|(_, h)| h.stage >= HandlerStage::Syncing)
                .map(|(s, h)| (*s, h.conn))
                .collect();
            for (sid, conn) in targets {
                self.send_packet(sid, conn, Packet::Ping { zxid });
            }
        }
        self.set_timer(TimerKind::LeaderHalfTick, cfg.tick_ms / 2);
    }

    /// A learner silent past its deadline has its socket time out: the handler ends.
    fn drop_dead_learners(&mut self) {
        let l = self.leading();
        let tick = l.tick;
        let dead: Vec<(Sid, ConnId)> = l
            .learners
            .iter()
            .filter(|(_, h)| tick > h.deadline_tick)
            .map(|(s, h)| (*s, h.conn))
            .collect();
        for (sid, conn) in dead {
            self.leading().learners.remove(&sid);
            self.out.push(super::server::Output::Close(conn));
        }
    }

    pub(crate) fn leader_on_conn_closed(&mut self, conn: ConnId) {
        let l = self.leading();
        l.learners.retain(|_, h| h.conn != conn);
    }
}

/// Paths created by proposals not yet applied, so a second write to one becomes a setData.
fn pending_creates(outstanding: &[Rc<Txn>]) -> BTreeSet<String> {
    outstanding
        .iter()
        .filter_map(|t| match &t.op {
            TxnOp::Create { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect()
}
