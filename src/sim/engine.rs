//! The engine: the servers of one protocol, the network, one event queue in virtual time, one
//! seeded RNG, the protocol's checker and the trace. Generic over the node contract
//! (`node.rs`): it knows nothing of Zab or Paxos. The only way in is `apply(Command)` and the
//! clock (`run_until`, `step`). The world (`world.rs`) picks the protocol and wraps an engine.

use super::check::Violation;
use super::command::Command;
use super::data::{fnv_hash, Fnv, SessionId};
use super::net::Network;
use super::node::{
    ConnId, Input, Label, Monitor, Node, NodeOutput, Output, Request, TimerKinds, Wire,
};
use super::tally::Tally;
use super::trace::{TraceEvent, TraceLog, TraceWhat};
use super::types::{Millis, Sid};
use super::zab::{EnsembleConfig, RequestOp};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

#[path = "engine_clients.rs"]
mod clients;
use crate::sim::node::{Actor, ClientConn, ClientId};
use crate::sim::zab::client::{ClientEvent, ClientTimer};
pub use clients::{
    ClientFlight, ClientMemory, ClientRecord, ClientSlot, ProgramSlot, ReadCheck, Resource,
    ResourceWrite, DEFAULT_CLIENT_TIMEOUT_MS,
};

/// A message on the wire, with everything the UI needs to animate it.
#[derive(Clone, Debug, Hash)]
pub struct InFlight<M> {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub msg: M,
    pub sent_at: Millis,
    pub deliver_at: Millis,
    generation: u32,
}

/// A message that died: on a cut link, on a dead connection, or at a crashed server.
#[derive(Clone, Debug)]
pub struct Lost<M> {
    pub message: InFlight<M>,
    pub lost_at: Millis,
    pub why: &'static str,
}

/// A message on the wire, of whichever protocol, as the page reads it.
#[derive(Clone, Copy, Debug)]
pub struct Flight<'a> {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub msg: &'a dyn Label,
    pub sent_at: Millis,
    pub deliver_at: Millis,
}

impl<'a, M: Wire> From<&'a InFlight<M>> for Flight<'a> {
    fn from(m: &'a InFlight<M>) -> Flight<'a> {
        Flight {
            id: m.id,
            from: m.from,
            to: m.to,
            msg: &m.msg,
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
        }
    }
}

/// A lost message, of whichever protocol, as the page reads it.
#[derive(Clone, Copy, Debug)]
pub struct Loss<'a> {
    pub message: Flight<'a>,
    pub lost_at: Millis,
    pub why: &'static str,
}

impl<'a, M: Wire> From<&'a Lost<M>> for Loss<'a> {
    fn from(l: &'a Lost<M>) -> Loss<'a> {
        Loss {
            message: Flight::from(&l.message),
            lost_at: l.lost_at,
            why: l.why,
        }
    }
}

/// One narrated happening, for the event feed.
#[derive(Clone, Debug)]
pub struct FeedEntry<O> {
    /// Counts every entry ever fed (the feed keeps only the latest ones): a reader that
    /// remembers the last `seq` it saw reads on from there.
    pub seq: u64,
    pub at: Millis,
    pub sid: Sid,
    pub what: O,
}

#[derive(Clone, Debug, Hash)]
enum EventKind<M, T> {
    Deliver(InFlight<M>),
    Timer {
        sid: Sid,
        kind: T,
        token: u64,
    },
    ConnClosed {
        to: Sid,
        conn: ConnId,
        refused: bool,
    },
    /// The next of the steady writes (`Command::Writes`), if they still run.
    SteadyWrite {
        generation: u64,
    },
    ClientDeliver(ClientFlight),
    ClientTimer {
        client: ClientId,
        kind: ClientTimer,
        token: u64,
    },
    ClientConnClosed {
        from: Actor,
        to: Actor,
        conn: ClientConn,
        refused: bool,
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
struct Event<M, T> {
    at: Millis,
    seq: u64,
    kind: EventKind<M, T>,
}

impl<M, T> PartialEq for Event<M, T> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<M, T> Eq for Event<M, T> {}
impl<M, T> PartialOrd for Event<M, T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<M, T> Ord for Event<M, T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// A server slot: a running process, or a disk waiting for a restart.
#[derive(Clone, Debug, Hash)]
enum Slot<N: Node> {
    Up(Box<N>),
    Down(N::Disk),
}

impl<N: Node> Slot<N> {
    fn is_up(&self) -> bool {
        matches!(self, Slot::Up(_))
    }

    fn node(&self) -> Option<&N> {
        match self {
            Slot::Up(n) => Some(n),
            Slot::Down(_) => None,
        }
    }
}

type Queue<N> = BinaryHeap<Reverse<Event<<N as Node>::Msg, <N as Node>::Timer>>>;

#[derive(Clone)]
pub struct Engine<N: Node> {
    ensemble: Rc<EnsembleConfig>,
    node_cfg: Rc<N::Config>,
    now: Millis,
    queue: Queue<N>,
    seq: u64,
    slots: Vec<Slot<N>>,
    /// Per server and timer kind: the token of the armed timer (a firing with an older token
    /// is stale) and when it is due (for countdown rings).
    timer_tokens: Vec<Vec<u64>>,
    timer_due: Vec<Vec<Option<Millis>>>,
    net: Network,
    rng: fastrand::Rng,
    next_message_id: u64,
    next_request_id: u64,
    /// Feed entries ever pushed.
    fed: u64,
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
    checker: N::Checker,
    trace_hash: u64,
    events: u64,
    delivered: u64,
    /// When each server last received a heartbeat: a delivery fact for the page's pulse
    /// (derived, never hashed, read by `last_ping`).
    last_ping: Vec<Option<Millis>>,
    recent_losses: VecDeque<Lost<N::Msg>>,
    feed: Option<VecDeque<FeedEntry<N::Observation>>>,
    /// The trace recorder, if on (derived, never hashed: `trace.rs`).
    trace: Option<Box<TraceLog>>,
    outputs: Vec<NodeOutput<N>>,
    /// Client actors, in creation order (client id = index + 1).
    clients: Vec<ClientSlot>,
    client_conns: BTreeMap<ClientConn, clients::ConnLife>,
    /// The last client events, for the page and tests (derived, never hashed).
    client_log: Vec<ClientRecord>,
    client_log_start: u64,
    /// Stamps of reads answered and on the wire, by flight id (observations, not state).
    read_checks: BTreeMap<u64, ReadCheck>,
    /// The stamp of the answer being delivered, for the client event it causes.
    read_check: Option<ReadCheck>,
    /// Client events for the narrated feed, numbered in the feed's sequence.
    client_feed: VecDeque<FeedEntry<ClientFact>>,
    /// The resources recipe locks protect, by lock path (fencing by token).
    resources: BTreeMap<String, Resource>,
}

/// A client event or a recipe step, as the feed tells it: whose, and what.
#[derive(Clone, Debug)]
pub struct ClientFact {
    pub name: String,
    pub what: ClientWhat,
}

#[derive(Clone, Debug)]
pub enum ClientWhat {
    Event(ClientEvent),
    /// A step of the recipe program the client runs on `path`.
    Recipe {
        kind: crate::sim::zab::recipe::RecipeKind,
        path: String,
        step: crate::sim::zab::recipe::RecipeStep,
    },
}

const RECENT_LOSSES: usize = 64;
const FEED_LENGTH: usize = 4000;

impl<N: Node> Engine<N> {
    /// An engine with every server down and an empty disk; `seed` and the latencies decide
    /// the network's randomness.
    pub fn new(
        ensemble: Rc<EnsembleConfig>,
        node_cfg: Rc<N::Config>,
        seed: u64,
        latency: (Millis, Millis),
    ) -> Engine<N> {
        let n = ensemble.server_count();
        let timers = N::Timer::ALL.len();
        Engine {
            slots: (0..n).map(|_| Slot::Down(N::Disk::default())).collect(),
            checker: N::Checker::new(node_cfg.clone()),
            node_cfg,
            net: Network::new(n, latency.0, latency.1),
            rng: fastrand::Rng::with_seed(seed),
            ensemble,
            now: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            timer_tokens: vec![vec![0; timers]; n],
            timer_due: vec![vec![None; timers]; n],
            next_message_id: 0,
            next_request_id: 0,
            fed: 0,
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
            trace: None,
            outputs: Vec::new(),
            clients: Vec::new(),
            client_conns: BTreeMap::new(),
            client_log: Vec::new(),
            client_log_start: 0,
            read_checks: BTreeMap::new(),
            read_check: None,
            client_feed: VecDeque::new(),
            resources: BTreeMap::new(),
        }
    }

    // ---- reading ----

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn ensemble(&self) -> &EnsembleConfig {
        &self.ensemble
    }

    pub fn node_config(&self) -> &N::Config {
        &self.node_cfg
    }

    pub fn net(&self) -> &Network {
        &self.net
    }

    /// A hash of every event processed so far: equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }

    /// The state hash: a digest of everything that decides the future of the run — servers
    /// and disks, the network, the event queue (in firing order), armed timers, the RNG,
    /// sessions, steady writes and the checker — and of nothing derived (feed, trace,
    /// command log). Two engines with equal state hashes run on identically.
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
        let mut events: Vec<_> = self.queue.iter().map(|Reverse(e)| e).collect();
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
        (&self.clients, &self.client_conns).hash(&mut h);
        // Left out while empty, so runs without recipe locks hash as they always did.
        if !self.resources.is_empty() {
            self.resources.hash(&mut h);
        }
        self.checker.state_digest().hash(&mut h);
        h.finish()
    }

    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// When a server's timer of this kind is due, if it is armed (what its countdown ring
    /// shows).
    pub fn timer(&self, sid: Sid, kind: N::Timer) -> Option<Millis> {
        self.timer_due.get(sid as usize - 1)?[kind.index()]
    }

    /// The timers a server has armed, soonest first.
    pub fn timers(&self, sid: Sid) -> Vec<(N::Timer, Millis)> {
        let mut armed: Vec<(N::Timer, Millis)> = N::Timer::ALL
            .iter()
            .filter_map(|k| self.timer(sid, *k).map(|at| (*k, at)))
            .collect();
        armed.sort_by_key(|(_, at)| *at);
        armed
    }

    /// The id the engine gave the last client request (each write, session open or close
    /// takes the next one).
    pub fn last_request_id(&self) -> u64 {
        self.next_request_id
    }

    pub fn messages_delivered(&self) -> u64 {
        self.delivered
    }

    /// When `sid` last received a heartbeat, if ever.
    pub fn last_ping(&self, sid: Sid) -> Option<Millis> {
        *self.last_ping.get(sid as usize - 1)?
    }

    pub fn checker(&self) -> &N::Checker {
        &self.checker
    }

    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }

    pub fn is_up(&self, sid: Sid) -> bool {
        self.slots.get(sid as usize - 1).is_some_and(|s| s.is_up())
    }

    /// The running server `sid`, if it is up.
    pub fn node(&self, sid: Sid) -> Option<&N> {
        self.slots.get(sid as usize - 1)?.node()
    }

    /// What `sid` has on disk (a running server's live disk, or a down server's).
    pub fn disk(&self, sid: Sid) -> &N::Disk {
        match &self.slots[sid as usize - 1] {
            Slot::Up(n) => n.disk(),
            Slot::Down(d) => d,
        }
    }

    /// Every server, `None` if down.
    pub fn nodes(&self) -> impl Iterator<Item = (Sid, Option<&N>)> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, s)| (i as Sid + 1, s.node()))
    }

    /// Messages on the wire now, oldest first.
    pub fn in_flight(&self) -> Vec<&InFlight<N::Msg>> {
        let mut v: Vec<&InFlight<N::Msg>> = self
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

    pub fn recent_losses(&self) -> impl DoubleEndedIterator<Item = &Lost<N::Msg>> {
        self.recent_losses.iter()
    }

    /// The shortest flight (sent to delivered) of the messages on the wire that are not
    /// heartbeats: the page's pacing asks after every event, so no list is built.
    pub fn busy_span(&self) -> Option<Millis> {
        (self.queue.iter())
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::Deliver(m)
                    if !m.msg.is_heartbeat() && self.net.survives(m.from, m.to, m.generation) =>
                {
                    Some(m.deliver_at - m.sent_at)
                }
                _ => None,
            })
            .min()
    }

    /// Messages on the wire now, oldest first, protocol-neutral.
    pub fn flights(&self) -> Vec<Flight<'_>> {
        self.in_flight().into_iter().map(Flight::from).collect()
    }

    /// The last few lost messages, oldest first, protocol-neutral.
    pub fn losses(&self) -> impl Iterator<Item = Loss<'_>> {
        self.recent_losses.iter().map(Loss::from)
    }

    /// Keep the last few thousand observations for a narrated feed (off by default: it costs).
    pub fn enable_feed(&mut self) {
        self.feed.get_or_insert_with(VecDeque::new);
    }

    /// Drops the feed's and the trace's entries, keeping their numbering (a checkpoint keeps
    /// no narration: a replay from it feeds and records on from the same `seq`).
    pub fn forget_feed(&mut self) {
        // New deques, not `clear`: a copy must not keep the room the original grew.
        if let Some(feed) = &mut self.feed {
            *feed = VecDeque::new();
        }
        self.client_feed = VecDeque::new();
        if let Some(trace) = &mut self.trace {
            trace.forget();
        }
    }

    pub fn feed(&self) -> impl DoubleEndedIterator<Item = &FeedEntry<N::Observation>> {
        self.feed.as_ref().map(|f| f.iter()).into_iter().flatten()
    }

    /// The feed entries with `seq >= from`, oldest first: a reader keeps the `seq` after the
    /// last entry it read as its cursor, and never loses its place when the bounded feed wraps
    /// (entries evicted before it read them are simply gone).
    pub fn feed_since(&self, from: u64) -> impl Iterator<Item = &FeedEntry<N::Observation>> {
        // Client events share the numbering, so the servers' entries may have gaps.
        let feed = self.feed.as_ref();
        let skip = feed.map_or(0, |f| f.partition_point(|e| e.seq < from));
        feed.map(|f| f.iter().skip(skip)).into_iter().flatten()
    }

    /// The client events of the feed with `seq >= from`, oldest first.
    pub fn client_feed_since(&self, from: u64) -> impl Iterator<Item = &FeedEntry<ClientFact>> {
        let skip = self.client_feed.partition_point(|e| e.seq < from);
        self.client_feed.iter().skip(skip)
    }

    /// The `seq` the next feed entry will get: a cursor that has read everything so far.
    pub fn feed_end(&self) -> u64 {
        self.fed + 1
    }

    /// Record the trace from now on (off by default): every event with `cap: None`, the
    /// latest `cap` events otherwise. Already on, it keeps what it has under the new cap.
    pub fn enable_trace(&mut self, cap: Option<usize>) {
        match &mut self.trace {
            Some(log) => log.set_cap(cap),
            None => self.trace = Some(Box::new(TraceLog::new(cap))),
        }
    }

    /// The recorded events kept, oldest first (none while the recorder is off).
    pub fn trace(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> {
        self.trace
            .as_deref()
            .map(|t| t.iter())
            .into_iter()
            .flatten()
    }

    /// How many events were ever recorded: a cursor past everything so far.
    pub fn trace_end(&self) -> u64 {
        self.trace.as_deref().map_or(0, |t| t.end())
    }

    /// The recorded events with `seq >= cursor`, oldest first.
    pub fn trace_since(&self, cursor: u64) -> impl Iterator<Item = &TraceEvent> {
        (self.trace.as_deref().map(|t| t.since(cursor)))
            .into_iter()
            .flatten()
    }

    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<Millis> {
        self.queue.peek().map(|Reverse(e)| e.at)
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

    /// The steady writes' rate per virtual second (0: none run).
    pub fn steady_rate(&self) -> u32 {
        self.steady.as_ref().map_or(0, |s| s.per_second)
    }

    pub fn open_sessions(&self) -> impl Iterator<Item = (SessionId, Sid)> + '_ {
        self.sessions.iter().map(|(k, v)| (*k, *v))
    }

    /// A leader serving now, if any (the protocol's highest-ranked one).
    pub fn serving_leader(&self) -> Option<Sid> {
        self.nodes()
            .filter_map(|(sid, n)| Some((n?.serving_rank()?, sid)))
            .max()
            .map(|(_, sid)| sid)
    }

    /// The leader every live server it can reach follows, if the protocol has settled.
    pub fn stable_leader(&self) -> Option<Sid> {
        let servers: Vec<Option<&N>> = self.slots.iter().map(|s| s.node()).collect();
        N::stable_leader(&self.node_cfg, &servers, &self.net, &self.checker)
    }

    /// Where a client without `at` connects: the serving leader, else the lowest live server.
    pub fn default_target(&self) -> Option<Sid> {
        self.serving_leader()
            .or_else(|| (1..=self.slots.len() as Sid).find(|sid| self.is_up(*sid)))
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
                let i = sid as usize - 1;
                if self.timer_tokens[i][kind.index()] == token {
                    self.mix(&[2, sid as u64, fnv_hash(&kind)]);
                    self.record(|| TraceWhat::Timer {
                        sid,
                        kind: kind.name(),
                    });
                    self.timer_due[i][kind.index()] = None;
                    self.step_server(sid, Input::Timer(kind));
                }
            }
            EventKind::ConnClosed { to, conn, refused } => {
                let closer = if conn.learner == to {
                    conn.leader
                } else {
                    conn.learner
                };
                if self.net.is_up(closer, to) {
                    self.mix(&[3, to as u64, conn.serial]);
                    self.step_server(to, Input::ConnClosed { conn, refused });
                }
            }
            EventKind::SteadyWrite { generation } => self.steady_write(generation),
            EventKind::ClientDeliver(m) => self.deliver_client(m),
            EventKind::ClientTimer {
                client,
                kind,
                token,
            } => self.client_timer(client, kind, token),
            EventKind::ClientConnClosed {
                from,
                to,
                conn,
                refused,
            } => self.client_conn_closed(from, to, conn, refused),
        }
        self.sample_checker();
        true
    }

    /// Apply a command now. An error says why it could not apply; the engine is unchanged then.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        let cmd = self.resolve_target(cmd)?;
        cmd.check_shape()?;
        self.check_command(&cmd)?;
        // A command stamped `now` comes after every event due at `now` (after single-event
        // stepping some may still wait): that is what makes a run replayable from its log.
        self.run_until(self.now);
        self.mix(&[4, fnv_hash(&cmd)]);
        self.commands.push((self.now, cmd.clone()));
        self.record(|| TraceWhat::Command(cmd.clone()));
        let all = 1..=self.slots.len() as Sid;
        match cmd {
            Command::StartAll => all.for_each(|sid| self.boot_if_down(sid)),
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
                for a in all.clone() {
                    for b in all.clone() {
                        self.net.heal(a, b);
                    }
                }
                self.heal_client_links();
            }
            Command::Isolate(sid) => {
                for other in all.filter(|o| *o != sid) {
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
            Command::SessionOpen { at } => self.open_session(at.expect("resolved")),
            Command::SessionClose { at } => self.close_session(at.expect("resolved")),
            client => self.apply_client(client),
        }
        self.sample_checker();
        Ok(())
    }

    /// A client request of any kind, submitted now at server `at`: the typed way in for the
    /// creates, deletes, setData and multis that no command says yet (clients as actors are
    /// a later increment). Unlike `apply`, it is not in the command log, so a run that uses
    /// it cannot be replayed from its log; it is mixed into the trace hash all the same.
    pub fn submit(&mut self, at: Sid, op: RequestOp) -> Result<(), String> {
        if !N::SESSIONS {
            return Err(
                "typed requests are a ZooKeeper feature: the Paxos modes take writes only".into(),
            );
        }
        if !(1..=self.slots.len() as Sid).contains(&at) || !self.is_up(at) {
            return Err(format!("server {at} is not up"));
        }
        self.run_until(self.now);
        self.mix(&[6, fnv_hash(&op)]);
        self.client_request(at, op);
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
            if self.is_up(sid) {
                Ok(())
            } else {
                Err(format!("server {sid} is down"))
            }
        };
        cmd.servers().into_iter().try_for_each(known)?;
        self.check_client_command(cmd)?;
        match cmd {
            Command::Crash(sid) => up(*sid),
            Command::SessionOpen { .. } | Command::SessionClose { .. } if !N::SESSIONS => Err(
                "sessions are a ZooKeeper feature: the Paxos modes take writes only".to_string(),
            ),
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

    // ---- internals ----

    /// The checker's periodic look at who is connected to whom.
    fn sample_checker(&mut self) {
        if !self.checker.wants_sample(self.now) {
            return;
        }
        let up: Vec<&N> = self.slots.iter().filter_map(|s| s.node()).collect();
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

    fn open_session(&mut self, at: Sid) {
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

    fn close_session(&mut self, at: Sid) {
        let session = self
            .sessions
            .iter()
            .find(|(_, s)| **s == at)
            .map(|(id, _)| *id)
            .expect("checked");
        self.sessions.remove(&session);
        self.client_request(at, RequestOp::CloseSession { session });
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
        let target = match at {
            Some(sid) => Some(sid).filter(|sid| self.is_up(*sid)),
            None => self.in_turn(n),
        };
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

    /// The `n`th steady write's server when it names none: each live server in turn, as the
    /// clients of a real ensemble are spread over its servers (a follower forwards its writes
    /// to the leader).
    fn in_turn(&self, n: u64) -> Option<Sid> {
        let count = self.slots.len() as u64;
        (0..count)
            .map(|k| ((n + k) % count) as Sid + 1)
            .find(|sid| self.is_up(*sid))
    }

    fn boot_if_down(&mut self, sid: Sid) {
        let slot = &mut self.slots[sid as usize - 1];
        let Slot::Down(disk) = slot else { return };
        let disk = std::mem::take(disk);
        let node = N::boot(sid, self.node_cfg.clone(), disk);
        self.checker.on_boot(self.events, self.now, &node);
        *slot = Slot::Up(Box::new(node));
        self.step_server(sid, Input::Start);
    }

    fn crash(&mut self, sid: Sid) {
        let i = sid as usize - 1;
        let down = Slot::Down(N::Disk::default());
        self.slots[i] = match std::mem::replace(&mut self.slots[i], down) {
            Slot::Up(node) => Slot::Down(node.into_disk()),
            down => {
                self.slots[i] = down;
                return;
            }
        };
        for token in self.timer_tokens[i].iter_mut() {
            *token += 1;
        }
        self.timer_due[i].iter_mut().for_each(|due| *due = None);
        self.checker.on_crash(sid);
        self.reset_client_conns(sid);
        // The dead process's OS resets its sockets: peers that can still hear it find out now.
        for other in (1..=self.slots.len() as Sid).filter(|o| *o != sid) {
            for conn in self.net.close_all_with(sid, other) {
                self.notify_closed(sid, other, conn, false);
            }
        }
    }

    fn wipe(&mut self, sid: Sid) {
        self.crash(sid);
        if let Slot::Down(disk) = &mut self.slots[sid as usize - 1] {
            *disk = N::wiped(disk);
        }
        self.checker.on_wipe(sid);
    }

    fn cut(&mut self, from: Sid, to: Sid) {
        let alive = self.net.link(from, to).generation;
        if !self.net.cut(from, to) {
            return;
        }
        // Everything in flight on the link dies with it; show it dying.
        let dying: Vec<InFlight<N::Msg>> = self
            .queue
            .iter()
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::Deliver(m) if m.from == from && m.to == to => Some(m.clone()),
                _ => None,
            })
            .collect();
        for m in dying {
            // One that an earlier cut of this link killed already died there.
            if m.generation == alive {
                self.trace_loss(&m, "link cut");
            }
            self.record_loss(m, "link cut");
        }
    }

    fn notify_closed(&mut self, closer: Sid, peer: Sid, conn: ConnId, refused: bool) {
        let (at, _) = self.net.schedule(closer, peer, self.now, &mut self.rng);
        self.push(
            at,
            EventKind::ConnClosed {
                to: peer,
                conn,
                refused,
            },
        );
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

    fn deliver(&mut self, m: InFlight<N::Msg>) {
        let why = if !self.is_up(m.to) {
            // Nothing listens on a dead process's port: its OS answers the connect with an RST.
            if let Some(conn) = m.msg.conn().filter(|_| m.msg.opens_conn()) {
                if self.net.is_up(m.to, m.from) && self.net.close_conn(conn) {
                    self.notify_closed(m.to, m.from, conn, true);
                }
            }
            "server down"
        } else if !self.net.survives(m.from, m.to, m.generation) {
            if let Some(conn) = m.msg.conn() {
                self.net.break_conn(conn);
            }
            // Already shown dying when the link was cut, unless it was sent into the cut.
            self.trace_loss(&m, "link cut");
            return;
        } else if m.msg.conn().is_some_and(|c| !self.net.conn_alive(c)) {
            "connection broken"
        } else {
            self.delivered += 1;
            if m.msg.is_heartbeat() {
                self.last_ping[m.to as usize - 1] = Some(self.now);
            }
            self.mix(&[1, m.from as u64, m.to as u64, fnv_hash(&m.msg)]);
            self.checker
                .on_deliver(self.events, self.now, m.from, m.to, &m.msg);
            self.record(|| TraceWhat::Deliver {
                id: m.id,
                from: Actor::Server(m.from),
                to: Actor::Server(m.to),
                kind: Wire::kind(&m.msg),
            });
            let (from, to) = (m.from, m.to);
            self.step_server(to, Input::Receive { from, msg: m.msg });
            return;
        };
        self.trace_loss(&m, why);
        self.record_loss(m, why);
    }

    /// Records a server packet's death in the trace, unless a cut of its link killed it
    /// before (every cut bumps the link's generation, and shows what it killed dying).
    fn trace_loss(&mut self, m: &InFlight<N::Msg>, why: &'static str) {
        if self.trace.is_none() || self.net.link(m.from, m.to).generation != m.generation {
            return;
        }
        self.record(|| TraceWhat::Lost {
            id: m.id,
            from: Actor::Server(m.from),
            to: Actor::Server(m.to),
            kind: Wire::kind(&m.msg),
            why,
        });
    }

    /// Adds an event to the trace if the recorder is on (`what` is only built then).
    #[inline]
    fn record(&mut self, what: impl FnOnce() -> TraceWhat) {
        if let Some(log) = self.trace.as_deref_mut() {
            log.push(self.now, what());
        }
    }

    fn record_loss(&mut self, message: InFlight<N::Msg>, why: &'static str) {
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
    fn step_server(&mut self, sid: Sid, input: Input<N::Msg, N::Timer>) {
        let mut outputs = std::mem::take(&mut self.outputs);
        if let Slot::Up(node) = &mut self.slots[sid as usize - 1] {
            node.step(self.now, input);
            node.take_outputs(&mut outputs);
        }
        for out in outputs.drain(..) {
            self.route(sid, out);
        }
        self.outputs = outputs;
    }

    fn route(&mut self, sid: Sid, out: NodeOutput<N>) {
        let i = sid as usize - 1;
        match out {
            Output::Send { to, msg } => self.send(sid, to, msg),
            Output::SetTimer { kind, at } => {
                self.timer_due[i][kind.index()] = Some(at);
                let token = &mut self.timer_tokens[i][kind.index()];
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
                self.timer_tokens[i][kind.index()] += 1;
                self.timer_due[i][kind.index()] = None;
            }
            Output::Close(conn) => self.close(sid, conn, false),
            Output::Refuse(conn) => self.close(sid, conn, true),
            Output::Observe(o) => self.observe(sid, o),
            Output::ToClient { conn, msg } => self.route_to_client(sid, conn, Some(msg)),
            Output::CloseClient(conn) => self.route_to_client(sid, conn, None),
        }
    }

    /// `sid` closes (or refuses) `conn`. Even a connection a cut already broke gets its FIN:
    /// the peer still holds the socket, and hears of the close if the link lets it through.
    fn close(&mut self, sid: Sid, conn: ConnId, refused: bool) {
        if self.net.close_conn(conn) {
            let peer = if conn.learner == sid {
                conn.leader
            } else {
                conn.learner
            };
            self.notify_closed(sid, peer, conn, refused);
        }
    }

    fn observe(&mut self, sid: Sid, o: N::Observation) {
        let node = self.slots[sid as usize - 1]
            .node()
            .expect("a down server observes nothing");
        self.checker.observe(self.events, self.now, node, &o);
        N::tally(&o, &mut self.tally);
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

    fn send(&mut self, from: Sid, to: Sid, msg: N::Msg) {
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
        if let Some(node) = self.slots[from as usize - 1].node() {
            self.checker.on_send(self.events, self.now, node, to, &msg);
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
        self.record(|| TraceWhat::Send {
            id: m.id,
            from: Actor::Server(from),
            to: Actor::Server(to),
            kind: Wire::kind(&m.msg),
            label: Wire::label(&m.msg),
            zxid: m.msg.zxid(),
            deliver_at,
        });
        self.push(deliver_at, EventKind::Deliver(m));
    }

    fn push(&mut self, at: Millis, kind: EventKind<N::Msg, N::Timer>) {
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
}
