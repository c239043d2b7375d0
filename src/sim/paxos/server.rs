//! A Paxos server: acceptor, proposer and learner in one process, as a sans-IO state machine
//! stepped by the same world, network and faults as the ZooKeeper servers. The roles live in
//! `acceptor.rs`, `proposer.rs` and `learner.rs`.
//!
//! Two modes (protocol.md §7):
//! - Multi-Paxos: a distinguished leader runs phase 1 once for every open slot, then one
//!   phase 2 per command; heartbeats keep followers from competing; a new leader re-proposes
//!   what it finds accepted and fills gaps with no-ops.
//! - Single-decree: one slot, several proposers, no leader. Duelling proposers can pre-empt
//!   each other forever; randomised back-off makes it unlikely.

use super::message::{Ballot, PaxosMsg, Slot, Value};
use super::proposer::Proposer;
use crate::sim::check::PaxosChecker;
use crate::sim::chunked::ChunkedMap;
use crate::sim::data::RequestId;
use crate::sim::net::Network;
use crate::sim::node::{self, Node, NodeOutput, TimerKinds, Wire};
use crate::sim::tally::Tally;
use crate::sim::types::{Millis, Sid};
use crate::sim::zab::{EnsembleConfig, RequestOp};
use std::collections::VecDeque;
use std::rc::Rc;

/// What the world hands a Paxos server.
pub type PaxosInput = node::Input<PaxosMsg, PaxosTimer>;
/// What a Paxos server asks the world for.
pub type PaxosOutput = node::Output<PaxosMsg, PaxosTimer, PaxosObservation>;

/// The timers a Paxos server may arm.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum PaxosTimer {
    /// No heartbeat from a leader for a while (randomised): try to lead. Single-decree: ask
    /// what is chosen.
    Election,
    /// A phase that has not reached a quorum in time is retried (randomised back-off).
    Retry,
    /// The leader's heartbeat, every tickTime / 2.
    Heartbeat,
}

impl TimerKinds for PaxosTimer {
    const ALL: &'static [PaxosTimer] = &[
        PaxosTimer::Election,
        PaxosTimer::Retry,
        PaxosTimer::Heartbeat,
    ];

    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            PaxosTimer::Election => "election-timeout",
            PaxosTimer::Retry => "retry",
            PaxosTimer::Heartbeat => "heartbeat",
        }
    }
}

/// Things a Paxos server reports about itself: the checker's evidence and the feed's
/// sentences.
#[derive(Clone, Debug, Hash)]
pub enum PaxosObservation {
    /// Acceptor: promised `ballot` (durable).
    Promised { ballot: Ballot },
    /// Acceptor: accepted `value` for `slot` under `ballot` (durable).
    Accepted {
        slot: Slot,
        ballot: Ballot,
        value: Value,
    },
    /// Proposer: a quorum accepted `value` for `slot` under `ballot`.
    Chosen {
        slot: Slot,
        ballot: Ballot,
        value: Value,
        acks: Vec<Sid>,
    },
    /// Learner: learned that `value` is chosen for `slot`.
    Learned { slot: Slot, value: Value },
    /// Proposer: phase 1 started with `ballot`.
    Preparing { ballot: Ballot },
    /// Proposer: a quorum promised `ballot`; it may propose (re-proposing open slots).
    Leading {
        ballot: Ballot,
        reproposed: usize,
        noops: usize,
    },
    /// Proposer: pre-empted by a higher ballot.
    Preempted { ballot: Ballot, by: Ballot },
    /// A client's request was refused.
    Refused {
        request: RequestId,
        note: &'static str,
    },
}

impl Wire for PaxosMsg {
    fn kind(&self) -> &'static str {
        PaxosMsg::kind(self)
    }

    fn is_heartbeat(&self) -> bool {
        matches!(self, PaxosMsg::Heartbeat { .. })
    }
}

/// Which Paxos the ensemble runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum PaxosMode {
    Multi,
    SingleDecree,
}

/// Paxos's broken variants, to prove its checker is not blind.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub enum PaxosVariant {
    #[default]
    Correct,
    /// An acceptor forgets its promise when it restarts.
    ForgetPromiseOnRestart,
    /// A proposer ignores the values reported in the promises and proposes its own.
    IgnorePromisedValues,
}

impl PaxosVariant {
    pub const ALL_BROKEN: [PaxosVariant; 2] = [
        PaxosVariant::ForgetPromiseOnRestart,
        PaxosVariant::IgnorePromisedValues,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PaxosVariant::Correct => "correct",
            PaxosVariant::ForgetPromiseOnRestart => "forget-promise",
            PaxosVariant::IgnorePromisedValues => "ignore-promised-values",
        }
    }

    pub fn parse(name: &str) -> Option<PaxosVariant> {
        std::iter::once(PaxosVariant::Correct)
            .chain(PaxosVariant::ALL_BROKEN)
            .find(|v| v.name() == name)
    }
}

/// Settings shared by every Paxos server of an ensemble.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct PaxosConfig {
    pub ensemble: EnsembleConfig,
    pub mode: PaxosMode,
    /// Randomised back-off before a proposer retries (off: a fixed delay, so duels can last).
    pub backoff: bool,
    pub variant: PaxosVariant,
}

/// What an acceptor keeps across a crash: its promise and what it accepted, per slot
/// (chunked, so the timeline's copies of the world share it; it hashes as a `BTreeMap`).
#[derive(Clone, Debug, Default, Hash)]
pub struct PaxosDisk {
    pub promised: Ballot,
    pub accepted: ChunkedMap<Slot, (Ballot, Value)>,
}

/// How the server sees itself, for the view and the status line.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum PaxosRole {
    /// Knows (or waits for) a leader; a pure acceptor and learner.
    Follower,
    /// Running phase 1 with its own ballot.
    Candidate,
    /// Phase 1 done: it may propose.
    Leader,
}

#[derive(Clone, Debug, Hash)]
pub struct PaxosServer {
    pub id: Sid,
    pub cfg: Rc<PaxosConfig>,
    pub disk: PaxosDisk,
    /// Learned (chosen) values per slot. Volatile: a restart learns them again.
    pub chosen: ChunkedMap<Slot, Value>,
    /// The highest ballot seen anywhere, so a new ballot outbids it.
    pub max_seen: Ballot,
    /// The leader this server follows (Multi-Paxos), and when it last heard from it.
    pub leader: Option<Sid>,
    pub last_heard: Millis,
    pub proposer: Option<Proposer>,
    /// Client commands waiting for a leader to take them.
    pub pending: VecDeque<(RequestId, Rc<str>)>,
    /// Single-decree: at the last asking round this acceptor had accepted a value and
    /// learned none (see `probe_if_undecided`).
    pub(crate) undecided_at_last_ask: bool,
    pub(crate) now: Millis,
    pub(crate) out: Vec<PaxosOutput>,
}

impl PaxosServer {
    pub fn boot(id: Sid, cfg: Rc<PaxosConfig>, mut disk: PaxosDisk) -> PaxosServer {
        if cfg.variant == PaxosVariant::ForgetPromiseOnRestart {
            disk.promised = Ballot::ZERO;
        }
        PaxosServer {
            id,
            max_seen: disk.promised,
            cfg,
            disk,
            chosen: ChunkedMap::new(),
            leader: None,
            last_heard: 0,
            proposer: None,
            pending: VecDeque::new(),
            undecided_at_last_ask: false,
            now: 0,
            out: Vec::new(),
        }
    }

    pub fn step(&mut self, now: Millis, input: PaxosInput) {
        self.now = now;
        match input {
            PaxosInput::Start => {
                self.arm_election_timer();
                if self.cfg.mode == PaxosMode::SingleDecree {
                    self.ask_what_is_chosen();
                }
            }
            PaxosInput::Receive { from, msg } => self.on_message(from, msg),
            PaxosInput::Timer(kind) => self.on_timer(kind),
            PaxosInput::Client(request) => match request.op {
                RequestOp::Write { path, data } => {
                    self.on_client(request.id, format!("{path}={data}").into())
                }
                _ => self.observe(PaxosObservation::Refused {
                    request: request.id,
                    note: "Paxos mode takes writes only",
                }),
            },
            PaxosInput::ConnClosed { .. }
            | PaxosInput::FromClient { .. }
            | PaxosInput::ClientClosed { .. } => {}
        }
    }

    pub fn take_outputs(&mut self, into: &mut Vec<PaxosOutput>) {
        into.append(&mut self.out);
    }

    fn on_message(&mut self, from: Sid, m: PaxosMsg) {
        match m {
            PaxosMsg::Prepare { ballot, from_slot } => self.on_prepare(from, ballot, from_slot),
            PaxosMsg::Accept {
                ballot,
                slot,
                value,
            } => self.on_accept(from, ballot, slot, value),
            PaxosMsg::Promise { ballot, accepted } => self.on_promise(from, ballot, &accepted),
            PaxosMsg::Accepted { ballot, slot } => self.on_accepted(from, ballot, slot),
            PaxosMsg::Nack { ballot, promised } => self.on_nack(ballot, promised),
            PaxosMsg::Chosen { slot, value } => self.learn(slot, value),
            PaxosMsg::Heartbeat {
                ballot,
                chosen_upto,
            } => self.on_heartbeat(from, ballot, chosen_upto),
            PaxosMsg::HeartbeatAck {
                ballot,
                learned_upto,
            } => self.on_heartbeat_ack(from, ballot, learned_upto),
            PaxosMsg::Forward { request, data } => self.on_client(request, data),
            PaxosMsg::LearnRequest { from_slot } => self.on_learn_request(from, from_slot),
        }
    }

    fn on_timer(&mut self, kind: PaxosTimer) {
        match kind {
            PaxosTimer::Election if self.cfg.mode == PaxosMode::SingleDecree => {
                self.probe_if_undecided();
                self.ask_what_is_chosen()
            }
            PaxosTimer::Election => self.on_election_timer(),
            PaxosTimer::Retry => self.on_retry_timer(),
            PaxosTimer::Heartbeat => self.on_heartbeat_timer(),
        }
    }

    // ---- shared helpers ----

    pub(crate) fn send(&mut self, to: Sid, m: PaxosMsg) {
        self.out.push(PaxosOutput::Send { to, msg: m });
    }

    /// Sends to every acceptor (the voters); the server's own copy is handled at once.
    pub(crate) fn send_to_acceptors(&mut self, m: PaxosMsg) {
        let voters = self.cfg.ensemble.voters.clone();
        for v in voters {
            if v == self.id {
                self.on_message(v, m.clone());
            } else {
                self.send(v, m.clone());
            }
        }
    }

    /// Sends to every server (learners include observers).
    pub(crate) fn send_to_everyone(&mut self, m: PaxosMsg) {
        let all: Vec<Sid> = self.cfg.ensemble.all().collect();
        for s in all {
            if s == self.id {
                self.on_message(s, m.clone());
            } else {
                self.send(s, m.clone());
            }
        }
    }

    pub(crate) fn observe(&mut self, o: PaxosObservation) {
        self.out.push(PaxosOutput::Observe(o));
    }

    pub(crate) fn timer(&mut self, kind: PaxosTimer, after: Millis, jitter: Millis) {
        self.out.push(PaxosOutput::SetTimerJittered {
            kind,
            at: self.now + after,
            jitter,
        });
    }

    pub fn is_acceptor(&self) -> bool {
        self.cfg.ensemble.is_voter(self.id)
    }

    pub fn role(&self) -> PaxosRole {
        match &self.proposer {
            Some(p) if p.leading => PaxosRole::Leader,
            Some(_) => PaxosRole::Candidate,
            None => PaxosRole::Follower,
        }
    }

    /// The first slot this server has not learned.
    pub fn learned_upto(&self) -> Slot {
        let mut s = 0;
        while self.chosen.contains_key(&s) {
            s += 1;
        }
        s
    }

    pub(crate) fn next_ballot(&self) -> Ballot {
        Ballot {
            round: self.max_seen.round.max(self.disk.promised.round) + 1,
            sid: self.id,
        }
    }
}

impl Node for PaxosServer {
    type Msg = PaxosMsg;
    type Timer = PaxosTimer;
    type Observation = PaxosObservation;
    type Disk = PaxosDisk;
    type Config = PaxosConfig;
    type Checker = PaxosChecker;
    const SESSIONS: bool = false;

    fn boot(sid: Sid, cfg: Rc<PaxosConfig>, disk: PaxosDisk) -> PaxosServer {
        PaxosServer::boot(sid, cfg, disk)
    }

    fn step(&mut self, now: Millis, input: PaxosInput) {
        PaxosServer::step(self, now, input)
    }

    fn take_outputs(&mut self, into: &mut Vec<NodeOutput<Self>>) {
        PaxosServer::take_outputs(self, into)
    }

    fn disk(&self) -> &PaxosDisk {
        &self.disk
    }

    fn into_disk(self) -> PaxosDisk {
        self.disk
    }

    fn serving_rank(&self) -> Option<(u64, u64)> {
        let ballot = self.proposer.as_ref().map(|p| p.ballot)?;
        (self.role() == PaxosRole::Leader).then_some((ballot.round, ballot.sid as u64))
    }

    /// Multi-Paxos: one leader that every live server it can reach follows. Single-decree:
    /// the decree is chosen and every live server has learned it; the proposer it came from.
    fn stable_leader(
        cfg: &PaxosConfig,
        servers: &[Option<&PaxosServer>],
        net: &Network,
        checker: &PaxosChecker,
    ) -> Option<Sid> {
        let up = || servers.iter().flatten();
        if cfg.mode == PaxosMode::SingleDecree {
            let (_, ballot) = checker.chosen().get(&0)?;
            let all_learned = up().all(|s| s.chosen.contains_key(&0));
            return all_learned.then_some(ballot.sid);
        }
        let leaders: Vec<Sid> = up()
            .filter(|s| s.role() == PaxosRole::Leader)
            .map(|s| s.id)
            .collect();
        let [leader] = leaders[..] else { return None };
        let all_follow = up().filter(|s| s.id != leader).all(|s| {
            let reachable = net.is_up(s.id, leader) && net.is_up(leader, s.id);
            !reachable || (s.leader == Some(leader) && s.role() == PaxosRole::Follower)
        });
        all_follow.then_some(leader)
    }

    fn tally(o: &PaxosObservation, tally: &mut Tally) {
        match o {
            PaxosObservation::Preempted { .. } => tally.paxos_preempted += 1,
            PaxosObservation::Chosen { .. } => tally.paxos_chosen += 1,
            _ => {}
        }
    }
}
