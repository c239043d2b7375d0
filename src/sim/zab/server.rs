//! A ZooKeeper server as a sans-IO state machine (QuorumPeer). It is stepped by the world with
//! one `Input` at a time and the current virtual time, and answers with `Output`s: messages to
//! send, timers to arm, connections to close, and observations for the checker and the feed.
//! It never reads a clock, a random source or the network.
//!
//! The roles live in their own files: `election.rs` (LOOKING, Fast Leader Election),
//! `leader.rs` (LEADING: discovery, sync, broadcast, heartbeats), `learner.rs` (FOLLOWING and
//! OBSERVING). A `Server` is a `Core`, the state all roles share, and a `Role`: each role's
//! handlers borrow the core next to their own state and answer with a `Next`, which
//! `Server::apply` carries out, the one place where the role changes.

use super::config::{EnsembleConfig, Variant};
use super::election::Election;
use super::leader::Leader;
use super::leader::LeaderPhase;
use super::learner::{Learner, LearnerStage};
use super::message::{ConnId, Message, Notification, Packet, PeerState, Request, Vote};
use crate::sim::data::{DataTree, Disk, RequestId, Txn};
use crate::sim::net::Network;
use crate::sim::node::{self, TimerKinds};
use crate::sim::types::{Epoch, Millis, Sid, Zxid};
use std::collections::BTreeSet;
use std::rc::Rc;

/// What the world hands a server (the node contract's input, with Zab's message and timers).
pub type Input = node::Input<Message, TimerKind>;

/// What a server asks the world for.
pub type Output = node::Output<Message, TimerKind, Observation>;

/// The timers a server may arm. Arming one again replaces it; the world discards stale firings.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum TimerKind {
    /// FLE: no notification within the (doubling) wait; re-send the vote.
    ElectionWait,
    /// FLE: a quorum agrees; decide after finalizeWait of quiet.
    Finalize,
    /// The leader's loop, every tickTime / 2: pings, tick count, quorum check, phase deadlines.
    LeaderHalfTick,
    /// A learner's socket read timeout (initLimit while connecting/syncing, syncLimit after).
    LearnerRead,
    /// A learner re-sends FOLLOWERINFO while the leader is not accepting yet.
    LearnerConnect,
    /// The leader's session tracker: the next expiry bucket is due (SessionTrackerImpl.run).
    SessionExpiry,
}

impl TimerKinds for TimerKind {
    const ALL: &'static [TimerKind] = &[
        TimerKind::ElectionWait,
        TimerKind::Finalize,
        TimerKind::LeaderHalfTick,
        TimerKind::LearnerRead,
        TimerKind::LearnerConnect,
        TimerKind::SessionExpiry,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// ZooKeeper's names for the timeouts (the page's `data-countdown` says the same).
    fn name(self) -> &'static str {
        match self {
            TimerKind::ElectionWait => "notification-wait",
            TimerKind::Finalize => "finalizeWait",
            TimerKind::LeaderHalfTick => "leader-tick",
            TimerKind::LearnerRead => "read-timeout",
            TimerKind::LearnerConnect => "connect-retry",
            TimerKind::SessionExpiry => "session-expiry",
        }
    }
}

/// How a leader chose to bring a learner up to date.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum SyncMode {
    Diff,
    Trunc,
    Snap,
}

impl SyncMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Diff => "DIFF",
            SyncMode::Trunc => "TRUNC",
            SyncMode::Snap => "SNAP",
        }
    }
}

/// Why a server gave up its role and went LOOKING: a typed fact the narration words (and
/// `Display` prints the way ZooKeeper's log would say it).
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum AbandonReason {
    /// Learner: no packet from its leader within `limit` ticks (Learner's socket timeout).
    LeaderSilent {
        leader: Sid,
        limit: TickLimit,
        ticks: u64,
        ms: Millis,
    },
    /// Learner: the connection to its leader closed (the leader's FIN or RST arrived).
    ConnectionClosed { leader: Sid },
    /// Learner: the leader refused every connect (it was not leading, so nothing listened
    /// on its quorum port): Learner.connectToLeader gave up after `tries` tries.
    ConnectRefused { leader: Sid, tries: u32 },
    /// Learner: LEADERINFO's epoch is below its acceptedEpoch ("Leaders epoch, e is less
    /// than accepted epoch").
    EpochRefused {
        leader_epoch: Epoch,
        accepted: Epoch,
    },
    /// Learner: a COMMIT for a txn it never logged (ZooKeeper exits the process here).
    CommitOfUnknownTxn { zxid: Zxid },
    /// Leader: a quorum did not reach the next step of discovery or sync within initLimit.
    InitLimitExpired { waiting_for: Awaited, ticks: u64 },
    /// Leader: its synced voters (itself included) are no longer a quorum (Leader.lead).
    QuorumLost { synced: Vec<Sid> },
}

/// Which of the two tick limits ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TickLimit {
    SyncLimit,
    InitLimit,
}

impl TickLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            TickLimit::SyncLimit => "syncLimit",
            TickLimit::InitLimit => "initLimit",
        }
    }
}

/// What a leader in discovery or sync was waiting for from a quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Awaited {
    FollowerInfo,
    AckEpoch,
    NewLeaderAck,
}

impl Awaited {
    pub fn as_str(self) -> &'static str {
        match self {
            Awaited::FollowerInfo => "FOLLOWERINFO from a quorum",
            Awaited::AckEpoch => "a quorum of ACKEPOCH",
            Awaited::NewLeaderAck => "a quorum of NEWLEADER ACKs",
        }
    }
}

impl AbandonReason {
    /// True when the reason is a broken or silent connection to the leader.
    pub fn lost_leader(&self) -> bool {
        matches!(
            self,
            AbandonReason::LeaderSilent { .. }
                | AbandonReason::ConnectionClosed { .. }
                | AbandonReason::ConnectRefused { .. }
        )
    }
}

impl std::fmt::Display for AbandonReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AbandonReason::LeaderSilent {
                leader, limit, ms, ..
            } => write!(
                f,
                "no packet from leader s{leader} within {} ({ms} ms)",
                limit.as_str()
            ),
            AbandonReason::ConnectionClosed { leader } => {
                write!(f, "connection to leader s{leader} closed")
            }
            AbandonReason::ConnectRefused { leader, tries } => {
                write!(f, "s{leader} refused {tries} connects: it is not leading")
            }
            AbandonReason::EpochRefused {
                leader_epoch,
                accepted,
            } => write!(
                f,
                "leader's epoch {leader_epoch} is less than our accepted epoch {accepted}"
            ),
            AbandonReason::CommitOfUnknownTxn { zxid } => {
                write!(f, "COMMIT {zxid} for a txn this server never logged")
            }
            AbandonReason::InitLimitExpired { waiting_for, ticks } => write!(
                f,
                "timed out after initLimit ({ticks} ticks) waiting for {}",
                waiting_for.as_str()
            ),
            AbandonReason::QuorumLost { synced } => {
                let list: Vec<String> = synced.iter().map(|s| format!("s{s}")).collect();
                write!(
                    f,
                    "not sufficient followers synced, only synced with {}",
                    list.join(", ")
                )
            }
        }
    }
}

/// What a role handler tells its server to do next. Only `Server::apply` changes the role, so
/// every transition between LOOKING, LEADING and FOLLOWING/OBSERVING happens in one place.
#[must_use]
#[derive(Clone, Debug)]
pub(crate) enum Next {
    /// Keep the current role.
    Stay,
    /// FLE decided on this server: lead.
    Lead,
    /// FLE decided on another server: follow it (observe it, for an observer).
    Learn(Sid),
    /// Give up the current role and go LOOKING.
    Look(AbandonReason),
}

/// Things a server reports about itself: the checker's evidence and the feed's sentences.
#[derive(Clone, Debug, Hash)]
pub enum Observation {
    ElectionStarted {
        round: u64,
        vote: Vote,
    },
    VoteChanged {
        round: u64,
        vote: Vote,
    },
    /// FLE ended: the new state, the vote, and the voters whose votes made the quorum.
    Decided {
        state: PeerState,
        vote: Vote,
        round: u64,
        supporters: Vec<Sid>,
    },
    AcceptedEpoch {
        epoch: Epoch,
    },
    CurrentEpoch {
        epoch: Epoch,
    },
    /// The leader picked newEpoch and a quorum has acknowledged it: it enters synchronisation.
    LeaderEstablished {
        epoch: Epoch,
    },
    /// A quorum acknowledged NEWLEADER: the leader starts serving.
    LeaderServing {
        epoch: Epoch,
        zxid: Zxid,
    },
    /// A learner's connect to its leader was refused (nothing listens on the leader's quorum
    /// port yet): Learner.connectToLeader tries again `retry_ms` later, try `next_try` of 5.
    ConnectRefused {
        leader: Sid,
        next_try: u32,
        retry_ms: Millis,
    },
    /// The leader opened a LearnerHandler for a learner's FOLLOWERINFO (OBSERVERINFO): until
    /// it ACKs NEWLEADER, that handler counts as synced for initLimit + syncLimit ticks.
    LearnerConnected {
        learner: Sid,
        observer: bool,
        accepted_epoch: Epoch,
    },
    SyncChosen {
        learner: Sid,
        mode: SyncMode,
        zxid: Zxid,
        txns: usize,
    },
    /// A txn reached this server's log (fsynced). `leader_epoch` is the epoch of the leader
    /// that sent it, `None` when the server is the leader itself.
    Logged {
        txn: Rc<Txn>,
        leader_epoch: Option<Epoch>,
        prev_last: Zxid,
    },
    /// The leader decided to commit `zxid`, on the ACKs of `acks`.
    LeaderCommitted {
        zxid: Zxid,
        acks: Vec<Sid>,
        prev_committed: Zxid,
    },
    /// A committed txn was applied to this server's tree; `digest` is the tree's digest after.
    Applied {
        txn: Rc<Txn>,
        prev: Zxid,
        digest: u64,
    },
    /// A learner finished synchronising: everything it logged up to `upto` is committed.
    Synced {
        leader: Sid,
        upto: Zxid,
    },
    Truncated {
        to: Zxid,
        removed: Vec<Rc<Txn>>,
    },
    SnapInstalled {
        zxid: Zxid,
    },
    /// The server left its role (leader step-down, learner giving up) and goes LOOKING.
    Abandoned {
        role: PeerState,
        reason: AbandonReason,
    },
    /// processConnectRequest refused a client that has seen a newer zxid than this server's
    /// last processed one ("Refusing session request for client … as it has seen zxid …").
    ClientRefused {
        client: crate::sim::node::ClientId,
        seen: Zxid,
        mine: Zxid,
    },
    /// processConnectRequest took a client's connection: `seen` is the last zxid the client
    /// has seen, `mine` this server's last processed zxid (never less, unless the broken
    /// variant accept-client-ahead runs).
    ClientAccepted {
        client: crate::sim::node::ClientId,
        seen: Zxid,
        mine: Zxid,
        resumed: bool,
    },
    /// The leader's tracker found a session silent past its timeout: a closeSession follows.
    SessionExpired {
        session: crate::sim::data::SessionId,
        timeout_ms: u64,
    },
    /// A client's request was answered (committed) or refused.
    ClientReply {
        request: u64,
        zxid: Option<Zxid>,
        note: &'static str,
    },
}

/// The server's current role and the volatile state that goes with it.
#[derive(Clone, Debug, Hash)]
pub enum Role {
    Looking(Election),
    Leading(Box<Leader>),
    /// Following or observing; `Learner::observer` tells which.
    Learning(Box<Learner>),
}

/// The state every role shares: identity, configuration, disk and tree, the election's
/// round and vote, and the outputs being gathered (raft-rs's RaftCore). Role handlers borrow it
/// next to their own state, so neither has to reach into the other through `Server`.
#[derive(Clone, Debug, Hash)]
pub struct Core {
    pub id: Sid,
    pub cfg: Rc<EnsembleConfig>,
    pub disk: Disk,
    /// The in-memory data tree (volatile: rebuilt from disk on restart).
    pub tree: DataTree,
    /// FLE's logicalclock: the election round. Volatile, as in ZooKeeper.
    pub round: u64,
    /// The vote this server settled on (ZooKeeper's currentVote), with its round.
    pub current_vote: (Vote, u64),
    /// Everything this server logged up to here is known to be committed.
    pub committed: Zxid,
    /// How a leader last brought this server up to date (volatile, for the view and tests).
    pub last_sync: Option<SyncMode>,
    /// Requests from this server's own clients awaiting their commit.
    pub pending_clients: BTreeSet<RequestId>,
    /// The client port: connections, sessions touched, requests waiting for their commit.
    pub clients: super::serve::ClientPort,
    /// Counter for learner connection ids.
    conn_attempts: u64,
    pub(crate) now: Millis,
    pub(crate) out: Vec<Output>,
}

/// A running ZooKeeper server: the shared core and the current role. Dropping it is a crash:
/// only `disk` survives. It derefs to its `Core` (as raft-rs's Raft does to RaftCore), so
/// readers say `server.disk`, `server.tree`, `server.id`.
#[derive(Clone, Debug, Hash)]
pub struct Server {
    pub(super) core: Core,
    pub role: Role,
}

impl std::ops::Deref for Server {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Core {
        &mut self.core
    }
}

impl Server {
    /// Boots a server from its disk: replays the log into the tree (committed or not).
    pub fn boot(id: Sid, cfg: Rc<EnsembleConfig>, mut disk: Disk) -> Server {
        disk.incarnation += 1;
        if cfg.variant == Variant::ForgetAcceptedEpoch {
            disk.accepted_epoch = disk.current_epoch;
        }
        let tree = disk.replay();
        let vote = Vote {
            leader: 0,
            zxid: Zxid::ZERO,
            peer_epoch: 0,
        };
        Server {
            core: Core {
                id,
                cfg,
                disk,
                tree,
                round: 0,
                current_vote: (vote, 0),
                committed: Zxid::ZERO,
                last_sync: None,
                pending_clients: BTreeSet::new(),
                clients: Default::default(),
                conn_attempts: 0,
                now: 0,
                out: Vec::new(),
            },
            role: Role::Looking(Election::idle()),
        }
    }

    /// The single entry point: handle one input at `now`; outputs accumulate in `outputs()`.
    pub fn step(&mut self, now: Millis, input: Input) {
        self.now = now;
        match input {
            Input::Start => self.start_election(),
            Input::Receive {
                from,
                msg: Message::Notification(n),
            } => self.on_notification(from, n),
            Input::Receive {
                from,
                msg: Message::Quorum { conn, packet },
            } => self.on_packet(from, conn, packet),
            Input::Timer(kind) => self.on_timer(kind),
            Input::ConnClosed { conn, refused } => self.on_conn_closed(conn, refused),
            Input::Client(request) => {
                self.core.note_implicit(&request.op);
                self.on_client(request)
            }
            Input::FromClient { conn, msg } => self.on_client_msg(conn, msg),
            Input::ClientClosed { conn } => self.on_client_closed(conn),
        }
    }

    /// Hands the accumulated outputs to the world (etcd raft's Ready).
    pub fn take_outputs(&mut self, into: &mut Vec<Output>) {
        into.append(&mut self.out);
    }

    fn on_notification(&mut self, from: Sid, n: Notification) {
        let state = self.peer_state();
        match &mut self.role {
            Role::Looking(e) => {
                let next = e.on_notification(&mut self.core, from, n);
                self.apply(next);
            }
            // A settled server answers anyone still looking with its final vote.
            _ if n.state == PeerState::Looking => {
                let (vote, round) = self.core.current_vote;
                let answer = Notification { vote, round, state };
                self.core.send(from, Message::Notification(answer));
            }
            _ => {}
        }
    }

    fn on_packet(&mut self, from: Sid, conn: ConnId, packet: Packet) {
        match &mut self.role {
            Role::Leading(l) => l.on_packet(&mut self.core, from, conn, packet),
            Role::Learning(l) if l.conn == conn => {
                let next = l.on_packet(&mut self.core, packet);
                self.apply(next);
            }
            // A learner connecting to a server that is not leading: nothing listens on its
            // quorum port (only Leader's constructor binds it), so the connect is refused.
            _ if conn.leader == self.core.id
                && matches!(
                    packet,
                    Packet::FollowerInfo { .. } | Packet::ObserverInfo { .. }
                ) =>
            {
                self.out.push(Output::Refuse(conn))
            }
            // A packet for a connection this server no longer has: the socket is gone.
            _ => {}
        }
    }

    fn on_timer(&mut self, kind: TimerKind) {
        match (kind, &mut self.role) {
            (TimerKind::ElectionWait | TimerKind::Finalize, Role::Looking(e)) => {
                let next = e.on_timer(&mut self.core, kind);
                self.apply(next);
            }
            (TimerKind::LeaderHalfTick, Role::Leading(l)) => {
                let next = l.on_half_tick(&mut self.core);
                self.apply(next);
            }
            (TimerKind::SessionExpiry, Role::Leading(l)) => l.on_expiry_timer(&mut self.core),
            (TimerKind::LearnerRead | TimerKind::LearnerConnect, Role::Learning(l)) => {
                let next = l.on_timer(&mut self.core, kind);
                self.apply(next);
            }
            _ => {}
        }
    }

    fn on_conn_closed(&mut self, conn: ConnId, refused: bool) {
        match &mut self.role {
            Role::Leading(l) => l.on_conn_closed(conn),
            Role::Learning(l) if l.conn == conn => {
                let next = l.on_conn_closed(&mut self.core, refused);
                self.apply(next);
            }
            _ => {}
        }
    }

    pub(super) fn on_client(&mut self, request: Request) {
        match &mut self.role {
            Role::Leading(l) => l.on_request(&mut self.core, Rc::new(request)),
            Role::Learning(l) => l.on_client(&mut self.core, request),
            Role::Looking(_) => self.observe(Observation::ClientReply {
                request: request.id,
                zxid: None,
                note: "not serving: the server is LOOKING",
            }),
        }
    }

    pub fn peer_state(&self) -> PeerState {
        match &self.role {
            Role::Looking(_) => PeerState::Looking,
            Role::Leading(_) => PeerState::Leading,
            Role::Learning(l) if l.observer => PeerState::Observing,
            Role::Learning(_) => PeerState::Following,
        }
    }

    pub fn leader(&self) -> Option<Sid> {
        match &self.role {
            Role::Looking(_) => None,
            Role::Leading(_) => Some(self.id),
            Role::Learning(l) => Some(l.leader),
        }
    }

    /// Carries out a role handler's decision: the one place where the role changes.
    fn apply(&mut self, next: Next) {
        match next {
            Next::Stay => {}
            Next::Lead => self.become_leader(),
            Next::Learn(leader) => self.become_learner(leader),
            Next::Look(reason) => self.abandon(reason),
        }
    }

    /// LEADING: discovery begins.
    pub(super) fn become_leader(&mut self) {
        self.role = Role::Leading(Box::new(Leader::lead(&mut self.core)));
    }

    /// FOLLOWING or OBSERVING `leader`: connect to it.
    pub(super) fn become_learner(&mut self, leader: Sid) {
        self.role = Role::Learning(Box::new(Learner::connect(&mut self.core, leader)));
    }

    /// LOOKING: a new round of Fast Leader Election.
    fn start_election(&mut self) {
        self.role = Role::Looking(Election::start(&mut self.core));
    }

    /// Leave the current role and go back to LOOKING, closing its connections.
    fn abandon(&mut self, reason: AbandonReason) {
        let role = self.peer_state();
        match &self.role {
            Role::Leading(l) => l.shut_down(&mut self.core),
            Role::Learning(l) => l.shut_down(&mut self.core),
            Role::Looking(_) => {}
        }
        self.observe(Observation::Abandoned { role, reason });
        self.fast_forward_tree();
        self.pending_clients.clear();
        self.close_client_port();
        self.start_election();
    }
}

/// The helpers every role uses: outputs, persistence, the log and the tree.
impl Core {
    pub(crate) fn send(&mut self, to: Sid, msg: Message) {
        self.out.push(Output::Send { to, msg });
    }

    pub(crate) fn send_packet(&mut self, to: Sid, conn: ConnId, packet: Packet) {
        self.out.push(Output::Send {
            to,
            msg: Message::Quorum { conn, packet },
        });
    }

    pub(crate) fn set_timer(&mut self, kind: TimerKind, after: Millis) {
        self.out.push(Output::SetTimer {
            kind,
            at: self.now + after,
        });
    }

    pub(crate) fn observe(&mut self, o: Observation) {
        self.out.push(Output::Observe(o));
    }

    pub fn is_voter(&self) -> bool {
        self.cfg.is_voter(self.id)
    }

    /// The zxid this server stands on in FLE votes, ACKEPOCH and sync: ZooKeeper's
    /// getLastLoggedZxid, which is the data tree's last processed zxid. After a restart that
    /// is the last logged txn (all replayed); a leader that started serving epoch e reports
    /// at least e << 32.
    pub fn last_zxid(&self) -> Zxid {
        self.disk.last_logged_zxid().max(self.tree.last_processed)
    }

    /// What `srvr` reports as Zxid: the last processed zxid.
    pub fn last_processed(&self) -> Zxid {
        self.tree.last_processed
    }

    pub(crate) fn persist_accepted_epoch(&mut self, epoch: Epoch) {
        self.disk.accepted_epoch = epoch;
        self.observe(Observation::AcceptedEpoch { epoch });
    }

    pub(crate) fn persist_current_epoch(&mut self, epoch: Epoch) {
        self.disk.current_epoch = epoch;
        self.observe(Observation::CurrentEpoch { epoch });
    }

    /// Appends a txn to the log (and, in the model, fsyncs it at once).
    pub(crate) fn log_txn(&mut self, txn: Rc<Txn>, leader_epoch: Option<Epoch>) {
        let prev_last = self.disk.last_logged_zxid();
        self.disk.log.push(txn.clone());
        self.observe(Observation::Logged {
            txn,
            leader_epoch,
            prev_last,
        });
    }

    /// Applies every logged txn above what the tree has processed, up to `zxid`, in order,
    /// and marks them committed.
    pub(crate) fn apply_committed_upto(&mut self, zxid: Zxid) {
        self.apply_upto(zxid, true);
    }

    /// A learner's apply: as the leader's, except under the broken variant
    /// keep-expired-ephemerals.
    pub(crate) fn learner_apply_committed_upto(&mut self, zxid: Zxid) {
        let delete_ephemerals = self.cfg.variant != Variant::KeepExpiredEphemerals;
        self.apply_upto(zxid, delete_ephemerals);
    }

    fn apply_upto(&mut self, zxid: Zxid, delete_ephemerals: bool) {
        let start = self.disk.index_after(self.tree.last_processed);
        let end = self.disk.index_after(zxid);
        for i in start..end {
            let txn = self.disk.log[i].clone();
            let prev = self.tree.last_processed;
            let events = self.watch_events(&txn.op);
            self.tree.apply_as(&txn, delete_ephemerals);
            self.fire_watches(events);
            if self.pending_clients.remove(&txn.request) {
                self.observe(Observation::ClientReply {
                    request: txn.request,
                    zxid: Some(txn.zxid),
                    note: "committed",
                });
            }
            self.answer_committed(&txn);
            self.observe(Observation::Applied {
                digest: self.tree.digest,
                prev,
                txn,
            });
        }
        self.committed = self.committed.max(zxid.min(self.disk.last_logged_zxid()));
    }

    /// ZooKeeperServer.shutdown fast-forwards the tree over the whole log, committed or not,
    /// so the next vote stands on the last logged zxid (as after a restart).
    fn fast_forward_tree(&mut self) {
        let start = self.disk.index_after(self.tree.last_processed);
        for txn in self.disk.log.range(start..) {
            self.tree.apply(txn);
        }
    }

    pub(crate) fn next_conn(&mut self, leader: Sid) -> ConnId {
        self.conn_attempts += 1;
        ConnId {
            learner: self.id,
            leader,
            serial: (self.disk.incarnation << 32) | self.conn_attempts,
        }
    }
}

impl node::Node for Server {
    type Msg = Message;
    type Timer = TimerKind;
    type Observation = Observation;
    type Disk = Disk;
    type Config = EnsembleConfig;
    type Checker = crate::sim::check::Checker;
    const SESSIONS: bool = true;

    fn boot(sid: Sid, cfg: Rc<EnsembleConfig>, disk: Disk) -> Server {
        Server::boot(sid, cfg, disk)
    }

    fn step(&mut self, now: Millis, input: Input) {
        Server::step(self, now, input)
    }

    fn take_outputs(&mut self, into: &mut Vec<Output>) {
        Server::take_outputs(self, into)
    }

    fn disk(&self) -> &Disk {
        &self.disk
    }

    fn into_disk(self) -> Disk {
        self.core.disk
    }

    /// A wiped server keeps counting its incarnations (connection serials stay unique).
    fn wiped(disk: &Disk) -> Disk {
        Disk {
            incarnation: disk.incarnation,
            ..Disk::default()
        }
    }

    fn znode_mzxid(&self, path: &str) -> Option<Zxid> {
        self.tree.stat(path).map(|s| s.mzxid)
    }

    /// A leader in BROADCAST serves; the newest epoch wins.
    fn serving_rank(&self) -> Option<(u64, u64)> {
        match &self.role {
            Role::Leading(l) if l.phase == LeaderPhase::Broadcast => Some((l.new_epoch?, 0)),
            _ => None,
        }
    }

    /// The leader in BROADCAST that every live server it can reach follows, if there is one.
    fn stable_leader(
        _cfg: &EnsembleConfig,
        servers: &[Option<&Server>],
        net: &Network,
        _checker: &crate::sim::check::Checker,
    ) -> Option<Sid> {
        let up = || servers.iter().flatten();
        let leaders: Vec<Sid> = up()
            .filter(|s| s.serving_rank().is_some())
            .map(|s| s.id)
            .collect();
        let [leader] = leaders[..] else { return None };
        up().filter(|s| s.id != leader)
            .all(|s| {
                let reachable = net.is_up(s.id, leader) && net.is_up(leader, s.id);
                !reachable
                    || matches!(&s.role, Role::Learning(l)
                    if l.leader == leader && l.stage == LearnerStage::Broadcast)
            })
            .then_some(leader)
    }

    fn tally(o: &Observation, tally: &mut crate::sim::tally::Tally) {
        tally.observe_zab(o)
    }
}
