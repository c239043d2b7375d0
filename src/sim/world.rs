//! The world: every server, the network, one event queue in virtual time, one seeded RNG,
//! the invariant checker and the trace. The only way in is `apply(Command)` and the clock
//! (`run_until`, `step`); the only way out is `view()` and the trace.

use super::check::PaxosChecker;
use super::check::{Checker, Violation};
use super::data::{fnv_hash, Disk, Fnv, SessionId};
use super::net::Network;
use super::paxos::{PaxosConfig, PaxosDisk, PaxosMode, PaxosRole, PaxosServer, PaxosVariant};
use super::tally::Tally;
use super::types::{Millis, Sid, Zxid};
use super::zab::server::TIMER_KINDS;
use super::zab::{
    EnsembleConfig, Input, Message, Observation, Output, Request, RequestOp, Role, Server,
    TimerKind,
};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Everything that decides a run, apart from the commands applied to it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldConfig {
    pub ensemble: EnsembleConfig,
    /// ZooKeeper (FLE + Zab), or one of the Paxos modes to compare with.
    pub protocol: Protocol,
    /// Paxos: randomised back-off before a proposer retries.
    pub paxos_backoff: bool,
    pub paxos_variant: PaxosVariant,
    pub seed: u64,
    /// One-way network latency, uniformly drawn in `latency_min..=latency_max` ms.
    pub latency_min: Millis,
    pub latency_max: Millis,
}

impl WorldConfig {
    pub fn new(voters: usize, observers: usize, seed: u64) -> WorldConfig {
        WorldConfig {
            ensemble: EnsembleConfig::new(voters, observers),
            protocol: Protocol::Zab,
            paxos_backoff: true,
            paxos_variant: PaxosVariant::Correct,
            seed,
            latency_min: 10,
            latency_max: 30,
        }
    }
}

/// Which protocol the ensemble runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Zab,
    /// Multi-Paxos with a distinguished leader.
    Paxos,
    /// Classic single-decree Paxos with several proposers.
    PaxosSingle,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Zab => "zab",
            Protocol::Paxos => "paxos",
            Protocol::PaxosSingle => "paxos-single",
        }
    }

    pub fn parse(name: &str) -> Option<Protocol> {
        [Protocol::Zab, Protocol::Paxos, Protocol::PaxosSingle]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

pub use super::command::Command;

/// A message on the wire, with everything the UI needs to animate it.
#[derive(Clone, Debug, Hash)]
pub struct InFlight {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub msg: Message,
    pub sent_at: Millis,
    pub deliver_at: Millis,
    generation: u32,
}

/// A message that died: on a cut link, on a dead connection, or at a crashed server.
#[derive(Clone, Debug)]
pub struct Lost {
    pub message: InFlight,
    pub lost_at: Millis,
    pub why: &'static str,
}

#[derive(Clone, Debug, Hash)]
enum EventKind {
    Deliver(InFlight),
    Timer {
        sid: Sid,
        kind: TimerKind,
        token: u64,
    },
    ConnClosed {
        to: Sid,
        conn: super::zab::ConnId,
    },
    /// The next of the steady writes (`Command::Writes`), if they still run.
    SteadyWrite {
        generation: u64,
    },
}

/// Steady writes in progress.
#[derive(Clone, Debug, Hash)]
struct Steady {
    per_second: u32,
    at: Option<Sid>,
    since: Millis,
    written: u64,
}

#[derive(Clone, Debug)]
struct Event {
    at: Millis,
    seq: u64,
    kind: EventKind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Event) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Event) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Event) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// A server slot: a running process, or a disk waiting for a restart.
#[derive(Debug, Hash)]
enum Slot {
    Up(Box<Server>),
    Down(Disk),
    PaxosUp(Box<PaxosServer>),
    PaxosDown(PaxosDisk),
}

impl Slot {
    pub fn is_up(&self) -> bool {
        matches!(self, Slot::Up(_) | Slot::PaxosUp(_))
    }
}

/// One narrated happening, for the event feed.
#[derive(Clone, Debug)]
pub struct FeedEntry {
    /// Counts every entry ever fed (the feed keeps only the latest ones): a reader that
    /// remembers the last `seq` it saw reads on from there.
    pub seq: u64,
    pub at: Millis,
    pub sid: Sid,
    pub what: Observation,
}

pub struct World {
    pub cfg: WorldConfig,
    ensemble: Rc<EnsembleConfig>,
    now: Millis,
    queue: BinaryHeap<Reverse<Event>>,
    seq: u64,
    slots: Vec<Slot>,
    timer_tokens: Vec<[u64; TIMER_KINDS]>,
    pub net: Network,
    rng: fastrand::Rng,
    next_message_id: u64,
    next_request_id: u64,
    /// Feed entries ever pushed.
    fed: u64,
    /// When each server's armed timers are due, by timer kind (for countdown rings).
    timer_due: Vec<[Option<Millis>; TIMER_KINDS]>,
    next_session: u64,
    /// Steady writes, if they run (`Command::Writes`); a new command bumps the generation so
    /// the old schedule's pending event does nothing.
    steady: Option<Steady>,
    steady_generation: u64,
    /// Every command applied, stamped with its virtual time.
    commands: Vec<(Millis, Command)>,
    /// Which protocol branches the run took (for the explorer's coverage report).
    tally: Tally,
    /// Open client sessions and the server each client is connected to.
    sessions: BTreeMap<SessionId, Sid>,
    checker: Checker,
    paxos: Option<Rc<PaxosConfig>>,
    paxos_checker: PaxosChecker,
    /// What `disk()` shows for a Paxos server (which has no Zab disk).
    no_disk: Disk,
    trace_hash: u64,
    events: u64,
    delivered: u64,
    /// When each server last received a PING: a delivery fact for the page's heartbeat pulse
    /// (derived, never hashed, read by `last_ping`).
    last_ping: Vec<Option<Millis>>,
    recent_losses: VecDeque<Lost>,
    feed: Option<VecDeque<FeedEntry>>,
    outputs: Vec<Output>,
}

const RECENT_LOSSES: usize = 64;
const FEED_LENGTH: usize = 4000;

impl World {
    pub fn new(cfg: WorldConfig) -> World {
        let ensemble = Rc::new(cfg.ensemble.clone());
        let n = ensemble.server_count();
        let paxos = match cfg.protocol {
            Protocol::Zab => None,
            mode => Some(Rc::new(PaxosConfig {
                ensemble: cfg.ensemble.clone(),
                mode: if mode == Protocol::Paxos {
                    PaxosMode::Multi
                } else {
                    PaxosMode::SingleDecree
                },
                backoff: cfg.paxos_backoff,
                variant: cfg.paxos_variant,
            })),
        };
        let empty = |_| {
            if paxos.is_some() {
                Slot::PaxosDown(PaxosDisk::default())
            } else {
                Slot::Down(Disk::default())
            }
        };
        World {
            slots: (0..n).map(empty).collect(),
            paxos_checker: PaxosChecker::new(ensemble.clone()),
            paxos,
            no_disk: Disk::default(),
            net: Network::new(n, cfg.latency_min, cfg.latency_max),
            rng: fastrand::Rng::with_seed(cfg.seed),
            checker: Checker::new(ensemble.clone()),
            ensemble,
            cfg,
            now: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            timer_tokens: vec![[0; TIMER_KINDS]; n],
            next_message_id: 0,
            next_request_id: 0,
            fed: 0,
            timer_due: vec![[None; TIMER_KINDS]; n],
            next_session: 0,
            steady: None,
            steady_generation: 0,
            commands: Vec::new(),
            tally: Tally::default(),
            sessions: BTreeMap::new(),
            trace_hash: 0xcbf2_9ce4_8422_2325,
            events: 0,
            delivered: 0,
            last_ping: vec![None; n],
            recent_losses: VecDeque::new(),
            feed: None,
            outputs: Vec::new(),
        }
    }

    // ---- reading ----

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn ensemble(&self) -> &EnsembleConfig {
        &self.ensemble
    }

    /// A hash of every event processed so far: equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }

    /// The state hash: a digest of everything that decides the future of the run — servers
    /// and disks, the network, the event queue (in firing order), armed timers, the RNG,
    /// sessions, steady writes and both checkers — and of nothing derived (feed, trace,
    /// command log). Two worlds with equal state hashes run on identically.
    pub fn state_hash(&self) -> u64 {
        let mut h = Fnv::default();
        (
            self.now,
            self.seq,
            &self.slots,
            &self.timer_tokens,
            &self.timer_due,
        )
            .hash(&mut h);
        let mut events: Vec<&Event> = self.queue.iter().map(|Reverse(e)| e).collect();
        events.sort_unstable_by_key(|e| (e.at, e.seq));
        for e in events {
            (e.at, e.seq, &e.kind).hash(&mut h);
        }
        (
            &self.net,
            self.rng.get_seed(),
            self.next_message_id,
            self.next_request_id,
        )
            .hash(&mut h);
        (
            self.next_session,
            &self.sessions,
            &self.steady,
            self.steady_generation,
        )
            .hash(&mut h);
        (
            self.checker.state_digest(),
            self.paxos_checker.state_digest(),
        )
            .hash(&mut h);
        h.finish()
    }

    /// The state hash as people see it: 16 lowercase hex digits.
    pub fn state_hash_hex(&self) -> String {
        format!("{:016x}", self.state_hash())
    }

    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// When a server's timer of this kind is due, if it is armed (what its countdown ring
    /// shows).
    pub fn timer(&self, sid: Sid, kind: TimerKind) -> Option<Millis> {
        self.timer_due.get(sid as usize - 1)?[kind.index()]
    }

    /// The timers a server has armed, soonest first.
    pub fn timers(&self, sid: Sid) -> Vec<(TimerKind, Millis)> {
        let mut armed: Vec<(TimerKind, Millis)> = TimerKind::ALL
            .iter()
            .filter_map(|k| self.timer(sid, *k).map(|at| (*k, at)))
            .collect();
        armed.sort_by_key(|(_, at)| *at);
        armed
    }

    /// The id the world gave the last client request (each write, session open or close
    /// takes the next one).
    pub fn last_request_id(&self) -> u64 {
        self.next_request_id
    }

    pub fn messages_delivered(&self) -> u64 {
        self.delivered
    }

    /// When `sid` last received a PING, if ever.
    pub fn last_ping(&self, sid: Sid) -> Option<Millis> {
        *self.last_ping.get(sid as usize - 1)?
    }

    pub fn violations(&self) -> &[Violation] {
        match self.paxos {
            None => self.checker.violations(),
            Some(_) => self.paxos_checker.violations(),
        }
    }

    pub fn protocol(&self) -> Protocol {
        self.cfg.protocol
    }

    pub fn paxos_server(&self, sid: Sid) -> Option<&PaxosServer> {
        match self.slots.get(sid as usize - 1)? {
            Slot::PaxosUp(s) => Some(s),
            _ => None,
        }
    }

    pub fn paxos_disk(&self, sid: Sid) -> Option<&PaxosDisk> {
        match self.slots.get(sid as usize - 1)? {
            Slot::PaxosUp(s) => Some(&s.disk),
            Slot::PaxosDown(d) => Some(d),
            _ => None,
        }
    }

    /// Paxos: what the checker computed as chosen, per slot.
    pub fn paxos_chosen(
        &self,
    ) -> &BTreeMap<super::paxos::Slot, (super::paxos::Value, super::paxos::Ballot)> {
        self.paxos_checker.chosen()
    }

    pub fn is_up(&self, sid: Sid) -> bool {
        self.slots.get(sid as usize - 1).is_some_and(|s| s.is_up())
    }

    pub fn server(&self, sid: Sid) -> Option<&Server> {
        match self.slots.get(sid as usize - 1)? {
            Slot::Up(s) => Some(s),
            _ => None,
        }
    }

    pub fn disk(&self, sid: Sid) -> &Disk {
        match &self.slots[sid as usize - 1] {
            Slot::Up(s) => &s.disk,
            Slot::Down(d) => d,
            _ => &self.no_disk,
        }
    }

    pub fn servers(&self) -> impl Iterator<Item = (Sid, Option<&Server>)> {
        self.slots.iter().enumerate().map(|(i, s)| {
            (
                i as Sid + 1,
                match s {
                    Slot::Up(s) => Some(&**s),
                    _ => None,
                },
            )
        })
    }

    /// Messages on the wire now, oldest first.
    pub fn in_flight(&self) -> Vec<&InFlight> {
        let mut v: Vec<&InFlight> = self
            .queue
            .iter()
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::Deliver(m) if self.net.survives(m.from, m.to, m.generation) => Some(m),
                _ => None,
            })
            .collect();
        v.sort_by_key(|m| m.id);
        v
    }

    pub fn recent_losses(&self) -> impl Iterator<Item = &Lost> {
        self.recent_losses.iter()
    }

    /// Keep the last few hundred observations for a narrated feed (off by default: it costs).
    pub fn enable_feed(&mut self) {
        self.feed.get_or_insert_with(VecDeque::new);
    }

    pub fn feed(&self) -> impl DoubleEndedIterator<Item = &FeedEntry> {
        self.feed.as_ref().map(|f| f.iter()).into_iter().flatten()
    }

    /// The feed entries with `seq >= from`, oldest first: a reader keeps the `seq` after the
    /// last entry it read as its cursor, and never loses its place when the bounded feed wraps
    /// (entries evicted before it read them are simply gone).
    pub fn feed_since(&self, from: u64) -> impl Iterator<Item = &FeedEntry> {
        let feed = self.feed.as_ref();
        let first = feed.and_then(|f| f.front()).map_or(0, |e| e.seq);
        let skip = from.saturating_sub(first) as usize;
        feed.map(|f| f.iter().skip(skip)).into_iter().flatten()
    }

    /// The `seq` the next feed entry will get: a cursor that has read everything so far.
    pub fn feed_end(&self) -> u64 {
        self.fed + 1
    }

    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<Millis> {
        self.queue.peek().map(|Reverse(e)| e.at)
    }

    // ---- driving ----

    /// Process every event due up to `t`, then stand at `t`.
    pub fn run_until(&mut self, t: Millis) {
        while self.queue.peek().is_some_and(|Reverse(e)| e.at <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Process the next event, wherever it is in time. False if nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some(Reverse(event)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(event.at);
        self.events += 1;
        match event.kind {
            EventKind::Deliver(m) => self.deliver(m),
            EventKind::Timer { sid, kind, token } => {
                if self.timer_tokens[sid as usize - 1][kind.index()] == token {
                    self.mix(&[2, sid as u64, fnv_hash(&kind)]);
                    self.timer_due[sid as usize - 1][kind.index()] = None;
                    self.step_server(sid, Input::Timer(kind));
                }
            }
            EventKind::ConnClosed { to, conn } => {
                let closer = if conn.learner == to {
                    conn.leader
                } else {
                    conn.learner
                };
                if self.net.is_up(closer, to) {
                    self.mix(&[3, to as u64, conn.serial]);
                    self.step_server(to, Input::ConnClosed { conn });
                }
            }
            EventKind::SteadyWrite { generation } => self.steady_write(generation),
        }
        self.sample_checker();
        true
    }

    /// Apply a command now. An error says why it could not apply; the world is unchanged then.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        let cmd = self.resolve_target(cmd)?;
        cmd.check_shape()?;
        self.check_command(&cmd)?;
        // A command stamped `now` comes after every event due at `now` (after single-event
        // stepping some may still wait): that is what makes a run replayable from its log.
        self.run_until(self.now);
        self.mix(&[4, fnv_hash(&cmd)]);
        self.commands.push((self.now, cmd.clone()));
        match cmd {
            Command::StartAll => {
                let all: Vec<Sid> = self.ensemble.all().collect();
                for sid in all {
                    self.boot_if_down(sid);
                }
            }
            Command::Start(sids) => sids.into_iter().for_each(|sid| self.boot_if_down(sid)),
            Command::Restart(sid) => self.boot_if_down(sid),
            Command::Crash(sid) => self.crash(sid),
            Command::Wipe(sid) => self.wipe(sid),
            Command::Cut { from, to, both } => {
                self.cut(from, to);
                if both {
                    self.cut(to, from);
                }
            }
            Command::Heal { from, to, both } => {
                self.net.heal(from, to);
                if both {
                    self.net.heal(to, from);
                }
            }
            Command::HealAll => {
                for a in 1..=self.slots.len() as Sid {
                    for b in 1..=self.slots.len() as Sid {
                        self.net.heal(a, b);
                    }
                }
            }
            Command::Isolate(sid) => {
                for other in (1..=self.slots.len() as Sid).filter(|o| *o != sid) {
                    self.cut(sid, other);
                    self.cut(other, sid);
                }
            }
            Command::Partition(groups) => self.partition(&groups),
            Command::Slow { sid, factor } => self.net.set_slowness(sid, factor),
            Command::Write { at, path, data } => {
                let at = at.expect("resolved");
                self.client_request(at, RequestOp::Write { path, data })
            }
            Command::Writes { per_second, at } => self.start_steady_writes(per_second, at),
            Command::WritesOff => {
                self.steady = None;
                self.steady_generation += 1;
            }
            Command::SessionOpen { at } => {
                let at = at.expect("resolved");
                self.next_session += 1;
                let session = ((at as u64) << 56) | self.next_session;
                self.sessions.insert(session, at);
                let timeout_ms = 10 * self.ensemble.tick_ms;
                self.client_request(
                    at,
                    RequestOp::OpenSession {
                        session,
                        timeout_ms,
                    },
                );
            }
            Command::SessionClose { at } => {
                let at = at.expect("resolved");
                let session = self
                    .sessions
                    .iter()
                    .find(|(_, s)| **s == at)
                    .map(|(id, _)| *id)
                    .expect("checked");
                self.sessions.remove(&session);
                self.client_request(at, RequestOp::CloseSession { session });
            }
        }
        self.sample_checker();
        Ok(())
    }

    fn check_command(&self, cmd: &Command) -> Result<(), String> {
        let n = self.slots.len() as Sid;
        let known = |sid: Sid| {
            if (1..=n).contains(&sid) {
                Ok(())
            } else {
                Err(format!(
                    "there is no server {sid}: servers are numbered 1 to {n}"
                ))
            }
        };
        let up = |sid: Sid| -> Result<(), String> {
            known(sid)?;
            if self.slots[sid as usize - 1].is_up() {
                Ok(())
            } else {
                Err(format!("server {sid} is down"))
            }
        };
        cmd.servers().into_iter().try_for_each(known)?;
        match cmd {
            Command::Crash(sid) => up(*sid),
            Command::SessionOpen { .. } | Command::SessionClose { .. } if self.paxos.is_some() => {
                Err(
                    "sessions are a ZooKeeper feature: the Paxos modes take writes only"
                        .to_string(),
                )
            }
            Command::Write { at: Some(at), .. } | Command::SessionOpen { at: Some(at) } => up(*at),
            Command::SessionClose { at: Some(at) } => {
                up(*at)?;
                if !self.sessions.values().any(|s| s == at) {
                    return Err(format!("no open session at server {at}"));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Where a client without `at` connects: the serving leader, else the lowest live server.
    pub fn default_target(&self) -> Option<Sid> {
        self.serving_leader()
            .or_else(|| (1..=self.slots.len() as Sid).find(|sid| self.is_up(*sid)))
    }

    /// A write or session command without `at` goes to the default target (steady writes
    /// pick theirs at every write).
    fn resolve_target(&self, cmd: Command) -> Result<Command, String> {
        let target = || {
            self.default_target()
                .ok_or_else(|| "no server is up to take the request".to_string())
        };
        Ok(match cmd {
            Command::Write {
                at: None,
                path,
                data,
            } => Command::Write {
                at: Some(target()?),
                path,
                data,
            },
            Command::SessionOpen { at: None } => Command::SessionOpen {
                at: Some(target()?),
            },
            Command::SessionClose { at: None } => Command::SessionClose {
                at: Some(target()?),
            },
            other => other,
        })
    }

    /// Which protocol branches the run took so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Every command applied so far, with the virtual time it was applied at: with the
    /// configuration, this is the whole run.
    pub fn command_log(&self) -> &[(Millis, Command)] {
        &self.commands
    }

    // ---- internals ----

    /// The checker's periodic look at who is connected to whom (invariant 11).
    fn sample_checker(&mut self) {
        if !self.checker.wants_sample(self.now) {
            return;
        }
        let up: Vec<&Server> = self
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Up(server) => Some(&**server),
                _ => None,
            })
            .collect();
        self.checker.sample(self.events, self.now, &up, &self.net);
    }

    fn partition(&mut self, groups: &[Vec<Sid>]) {
        let n = self.slots.len() as Sid;
        let group_of = |sid: Sid| groups.iter().position(|g| g.contains(&sid));
        for a in 1..=n {
            for b in (1..=n).filter(|b| *b != a) {
                if group_of(a) != group_of(b) {
                    self.cut(a, b);
                }
            }
        }
    }

    fn start_steady_writes(&mut self, per_second: u32, at: Option<Sid>) {
        self.steady_generation += 1;
        self.steady = Some(Steady {
            per_second,
            at,
            since: self.now,
            written: 0,
        });
        self.schedule_steady_write();
    }

    fn schedule_steady_write(&mut self) {
        let Some(s) = &self.steady else { return };
        let due = s.since + (s.written + 1) * 1000 / s.per_second as u64;
        let generation = self.steady_generation;
        self.push(due.max(self.now), EventKind::SteadyWrite { generation });
    }

    /// One of the steady writes: a key among eight and a counter as its value.
    fn steady_write(&mut self, generation: u64) {
        if generation != self.steady_generation {
            return;
        }
        let Some(s) = &mut self.steady else { return };
        s.written += 1;
        let (n, at) = (s.written, s.at);
        let target = at
            .filter(|sid| self.is_up(*sid))
            .or_else(|| at.is_none().then(|| self.default_target()).flatten());
        if let Some(at) = target {
            let path = format!("/k{}", self.rng.u32(0..8));
            let cmd = Command::Write {
                at: Some(at),
                path: path.clone(),
                data: format!("w{n}"),
            };
            self.mix(&[5, fnv_hash(&cmd)]);
            self.client_request(
                at,
                RequestOp::Write {
                    path,
                    data: format!("w{n}"),
                },
            );
        }
        self.schedule_steady_write();
    }

    fn boot_if_down(&mut self, sid: Sid) {
        let slot = &mut self.slots[sid as usize - 1];
        match slot {
            Slot::Down(disk) => {
                let disk = std::mem::take(disk);
                let server = Server::boot(sid, self.ensemble.clone(), disk);
                self.checker.on_boot(self.events, self.now, &server);
                self.slots[sid as usize - 1] = Slot::Up(Box::new(server));
            }
            Slot::PaxosDown(disk) => {
                let disk = std::mem::take(disk);
                let cfg = self
                    .paxos
                    .clone()
                    .expect("a Paxos slot implies a Paxos config");
                let server = PaxosServer::boot(sid, cfg, disk);
                self.paxos_checker
                    .on_boot(self.events, self.now, sid, &server.disk);
                self.slots[sid as usize - 1] = Slot::PaxosUp(Box::new(server));
            }
            _ => return,
        }
        self.step_server(sid, Input::Start);
    }

    fn crash(&mut self, sid: Sid) {
        let i = sid as usize - 1;
        if !self.slots[i].is_up() {
            return;
        }
        self.slots[i] = match std::mem::replace(&mut self.slots[i], Slot::Down(Disk::default())) {
            Slot::Up(server) => Slot::Down(server.disk),
            Slot::PaxosUp(server) => Slot::PaxosDown(server.disk),
            down => down,
        };
        for token in self.timer_tokens[i].iter_mut() {
            *token += 1;
        }
        self.timer_due[i] = [None; TIMER_KINDS];
        self.checker.on_crash(sid);
        // The dead process's OS resets its sockets: peers that can still hear it find out now.
        for other in (1..=self.slots.len() as Sid).filter(|o| *o != sid) {
            for conn in self.net.close_all_with(sid, other) {
                self.notify_closed(sid, other, conn);
            }
        }
    }

    fn wipe(&mut self, sid: Sid) {
        self.crash(sid);
        match &mut self.slots[sid as usize - 1] {
            Slot::Down(disk) => {
                *disk = Disk {
                    incarnation: disk.incarnation,
                    ..Disk::default()
                }
            }
            Slot::PaxosDown(disk) => *disk = PaxosDisk::default(),
            _ => {}
        }
        self.checker.on_wipe(sid);
        self.paxos_checker.on_wipe(sid);
    }

    fn cut(&mut self, from: Sid, to: Sid) {
        if !self.net.cut(from, to) {
            return;
        }
        // Everything in flight on the link dies with it; show it dying.
        let dying: Vec<InFlight> = self
            .queue
            .iter()
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::Deliver(m) if m.from == from && m.to == to => Some(m.clone()),
                _ => None,
            })
            .collect();
        for m in dying {
            self.record_loss(m, "link cut");
        }
    }

    fn notify_closed(&mut self, closer: Sid, peer: Sid, conn: super::zab::ConnId) {
        let (at, _) = self.net.schedule(closer, peer, self.now, &mut self.rng);
        self.push(at, EventKind::ConnClosed { to: peer, conn });
    }

    fn client_request(&mut self, at: Sid, op: RequestOp) {
        self.next_request_id += 1;
        let request = Request {
            id: self.next_request_id,
            origin: at,
            op,
        };
        self.step_server(at, Input::Client(request));
    }

    fn deliver(&mut self, m: InFlight) {
        let why = if !self.slots[m.to as usize - 1].is_up() {
            Some("server down")
        } else if !self.net.survives(m.from, m.to, m.generation) {
            if let Some(conn) = m.msg.conn() {
                self.net.break_conn(conn);
            }
            None // already shown dying when the link was cut
        } else if m.msg.conn().is_some_and(|c| !self.net.conn_alive(c)) {
            Some("connection broken")
        } else {
            self.delivered += 1;
            if m.msg.kind() == "PING" {
                self.last_ping[m.to as usize - 1] = Some(self.now);
            }
            self.mix(&[1, m.from as u64, m.to as u64, fnv_hash(&m.msg)]);
            self.checker
                .on_deliver(self.events, self.now, m.from, m.to, &m.msg);
            self.step_server(
                m.to,
                Input::Receive {
                    from: m.from,
                    msg: m.msg,
                },
            );
            return;
        };
        if let Some(why) = why {
            self.record_loss(m, why);
        }
    }

    fn record_loss(&mut self, message: InFlight, why: &'static str) {
        if self.recent_losses.len() == RECENT_LOSSES {
            self.recent_losses.pop_front();
        }
        self.recent_losses.push_back(Lost {
            message,
            lost_at: self.now,
            why,
        });
    }

    /// Step one server and route what it asks for.
    fn step_server(&mut self, sid: Sid, input: Input) {
        let mut outputs = std::mem::take(&mut self.outputs);
        match &mut self.slots[sid as usize - 1] {
            Slot::Up(server) => {
                server.step(self.now, input);
                server.take_outputs(&mut outputs);
            }
            Slot::PaxosUp(server) => {
                server.step(self.now, input);
                server.take_outputs(&mut outputs);
            }
            _ => {}
        }
        for out in outputs.drain(..) {
            self.route(sid, out);
        }
        self.outputs = outputs;
    }

    fn route(&mut self, sid: Sid, out: Output) {
        match out {
            Output::Send { to, msg } => self.send(sid, to, msg),
            Output::SetTimer { kind, at } => {
                self.timer_due[sid as usize - 1][kind.index()] = Some(at);
                let token = &mut self.timer_tokens[sid as usize - 1][kind.index()];
                *token += 1;
                let token = *token;
                self.push(at, EventKind::Timer { sid, kind, token });
            }
            Output::SetTimerJittered { kind, at, jitter } => {
                let at = at
                    + if jitter == 0 {
                        0
                    } else {
                        self.rng.u64(0..=jitter)
                    };
                self.route(sid, Output::SetTimer { kind, at });
            }
            Output::CancelTimer(kind) => {
                self.timer_tokens[sid as usize - 1][kind.index()] += 1;
                self.timer_due[sid as usize - 1][kind.index()] = None;
            }
            Output::Close(conn) => {
                // Even a connection a cut already broke gets its FIN: the peer still holds
                // the socket, and hears of the close if the link lets it through.
                if self.net.close_conn(conn) {
                    let peer = if conn.learner == sid {
                        conn.leader
                    } else {
                        conn.learner
                    };
                    self.notify_closed(sid, peer, conn);
                }
            }
            Output::Observe(o) => {
                match &self.slots[sid as usize - 1] {
                    Slot::Up(server) => self.checker.observe(self.events, self.now, server, &o),
                    Slot::PaxosUp(_) => self.paxos_checker.observe(self.events, self.now, sid, &o),
                    _ => unreachable!("a down server observes nothing"),
                }
                self.tally.observe(&o);
                if let Some(feed) = &mut self.feed {
                    if feed.len() == FEED_LENGTH {
                        feed.pop_front();
                    }
                    self.fed += 1;
                    feed.push_back(FeedEntry {
                        seq: self.fed,
                        at: self.now,
                        sid,
                        what: o,
                    });
                }
            }
        }
    }

    fn send(&mut self, from: Sid, to: Sid, msg: Message) {
        if let Some(conn) = msg.conn() {
            self.net.note_conn(conn);
            if !self.net.is_up(from, to) {
                // Writing into a cut link: the data never arrives, so the connection is as good
                // as dead (TCP would give up on it); never let a later packet arrive after a hole.
                self.net.break_conn(conn);
            }
            if !self.net.conn_alive(conn) {
                return; // writing to a socket that is gone
            }
        }
        if let (
            Message::Quorum {
                packet: super::zab::Packet::Ack { zxid },
                ..
            },
            Slot::Up(server),
        ) = (&msg, &self.slots[from as usize - 1])
        {
            self.checker
                .on_ack_sent(self.events, self.now, server, *zxid);
        }
        let (deliver_at, generation) = self.net.schedule(from, to, self.now, &mut self.rng);
        self.next_message_id += 1;
        let m = InFlight {
            id: self.next_message_id,
            from,
            to,
            msg,
            sent_at: self.now,
            deliver_at,
            generation,
        };
        self.push(deliver_at, EventKind::Deliver(m));
    }

    fn push(&mut self, at: Millis, kind: EventKind) {
        self.seq += 1;
        self.queue.push(Reverse(Event {
            at,
            seq: self.seq,
            kind,
        }));
    }

    fn mix(&mut self, words: &[u64]) {
        let mut h = self.trace_hash ^ self.now;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        for w in words {
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.trace_hash = h;
    }

    // ---- status ----

    /// The leader in BROADCAST that every live server it can reach follows, if there is one.
    pub fn stable_leader(&self) -> Option<Sid> {
        if self.paxos.is_some() {
            return self.paxos_stable_leader();
        }
        let leaders: Vec<Sid> = self
            .servers()
            .filter_map(|(sid, s)| match s.map(|s| &s.role) {
                Some(Role::Leading(l)) if l.phase == super::zab::leader::LeaderPhase::Broadcast => {
                    Some(sid)
                }
                _ => None,
            })
            .collect();
        let [leader] = leaders[..] else { return None };
        let all_follow = self.servers().filter(|(sid, _)| *sid != leader).all(|(sid, s)| {
            let Some(s) = s else { return true };
            let reachable = self.net.is_up(sid, leader) && self.net.is_up(leader, sid);
            !reachable || matches!(&s.role, Role::Learning(l) if l.leader == leader && l.stage == super::zab::learner::LearnerStage::Broadcast)
        });
        all_follow.then_some(leader)
    }

    /// A leader serving in BROADCAST, if any (the one with the newest epoch).
    pub fn serving_leader(&self) -> Option<Sid> {
        if self.paxos.is_some() {
            return self
                .paxos_servers()
                .filter(|(_, s)| s.role() == PaxosRole::Leader)
                .map(|(sid, s)| (s.proposer.as_ref().map(|p| p.ballot), sid))
                .max()
                .map(|(_, sid)| sid);
        }
        self.servers()
            .filter_map(|(sid, s)| match s.map(|s| &s.role) {
                Some(Role::Leading(l)) if l.phase == super::zab::leader::LeaderPhase::Broadcast => {
                    Some((l.new_epoch, sid))
                }
                _ => None,
            })
            .max()
            .map(|(_, sid)| sid)
    }

    /// The Paxos servers that are up.
    pub fn paxos_servers(&self) -> impl Iterator<Item = (Sid, &PaxosServer)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| match s {
            Slot::PaxosUp(p) => Some((i as Sid + 1, &**p)),
            _ => None,
        })
    }

    /// Multi-Paxos: one leader that every live server it can reach follows. Single-decree:
    /// the decree is chosen and every live server has learned it; the proposer it came from.
    fn paxos_stable_leader(&self) -> Option<Sid> {
        if self.cfg.protocol == Protocol::PaxosSingle {
            let (_, ballot) = self.paxos_chosen().get(&0)?;
            let all_learned = self.paxos_servers().all(|(_, s)| s.chosen.contains_key(&0));
            return all_learned.then_some(ballot.sid);
        }
        let leaders: Vec<Sid> = self
            .paxos_servers()
            .filter(|(_, s)| s.role() == PaxosRole::Leader)
            .map(|(sid, _)| sid)
            .collect();
        let [leader] = leaders[..] else { return None };
        let all_follow = self
            .paxos_servers()
            .filter(|(sid, _)| *sid != leader)
            .all(|(sid, s)| {
                let reachable = self.net.is_up(sid, leader) && self.net.is_up(leader, sid);
                !reachable || (s.leader == Some(leader) && s.role() == PaxosRole::Follower)
            });
        all_follow.then_some(leader)
    }

    pub fn view(&self) -> super::view::View {
        super::view::View::of(self)
    }

    pub fn open_sessions(&self) -> impl Iterator<Item = (SessionId, Sid)> + '_ {
        self.sessions.iter().map(|(k, v)| (*k, *v))
    }

    /// The greatest zxid any server has logged (for scripts and the explorer).
    pub fn max_logged_zxid(&self) -> Zxid {
        (1..=self.slots.len() as Sid)
            .map(|s| self.disk(s).last_logged_zxid())
            .max()
            .unwrap_or_default()
    }
}
