//! The world: the one place that knows which protocols exist. It picks one from the
//! configuration and runs it in an `Engine` (the servers, the network, one event queue in
//! virtual time, one seeded RNG, the protocol's checker and the trace). The only way in is
//! `apply(Command)` and the clock (`run_until`, `step`); the way out is what it reads back,
//! protocol-neutral (`Flight`, `FeedItem`) or typed per protocol (`zab()`, `paxos()`).

use super::check::Violation;
use super::chunked::ChunkedMap;
use super::data::{Disk, SessionId};
use super::engine::{Engine, FeedEntry};
pub use super::engine::{Flight, Loss};
use super::net::Network;
use super::paxos::server::PaxosObservation;
use super::paxos::{Ballot, PaxosConfig, PaxosDisk, PaxosMode, PaxosServer, PaxosVariant};
use super::tally::Tally;
use super::trace::TraceEvent;
use super::types::{Millis, Sid, Zxid};
use super::zab::{EnsembleConfig, Observation, Server, TimerKind};
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

/// The engine of the protocol that runs.
#[derive(Clone)]
enum Run {
    Zab(Box<Engine<Server>>),
    Paxos(Box<Engine<PaxosServer>>),
}

/// Runs `$body` on the engine, whichever protocol it runs: the one match on the protocol.
macro_rules! each {
    ($run:expr, $e:ident => $body:expr) => {
        match $run {
            Run::Zab($e) => $body,
            Run::Paxos($e) => $body,
        }
    };
}

/// An observation of whichever protocol runs.
#[derive(Clone, Copy, Debug)]
pub enum Fact<'a> {
    Zab(&'a Observation),
    Paxos(&'a PaxosObservation),
    /// A client actor's event (ZooKeeper only).
    Client(&'a super::engine::ClientFact),
}

impl FeedItem<'_> {
    /// Who it happened to, as the feed prints it: `s3`, or a client's name.
    pub fn who(&self) -> String {
        match self.what {
            Fact::Client(c) => c.name.clone(),
            _ => format!("s{}", self.sid),
        }
    }
}

/// The servers' and the clients' feed entries merged in feed order.
fn merged<'a>(
    servers: impl Iterator<Item = FeedItem<'a>>,
    clients: impl Iterator<Item = FeedItem<'a>>,
) -> std::vec::IntoIter<FeedItem<'a>> {
    let mut all: Vec<FeedItem<'a>> = servers.chain(clients).collect();
    all.sort_by_key(|e| e.seq);
    all.into_iter()
}

/// One narrated happening, for the event feed.
#[derive(Clone, Copy, Debug)]
pub struct FeedItem<'a> {
    /// Counts every entry ever fed: a reader keeps the `seq` after the last one it read.
    pub seq: u64,
    pub at: Millis,
    pub sid: Sid,
    pub what: Fact<'a>,
}

impl<'a> FeedItem<'a> {
    fn of<O>(e: &'a FeedEntry<O>, what: fn(&'a O) -> Fact<'a>) -> FeedItem<'a> {
        FeedItem {
            seq: e.seq,
            at: e.at,
            sid: e.sid,
            what: what(&e.what),
        }
    }
}

/// Either of two iterators (what the protocol-neutral readers return).
enum Either<A, B> {
    A(A),
    B(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Either<A, B> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            Either::A(a) => a.next(),
            Either::B(b) => b.next(),
        }
    }
}

impl<T, A, B> DoubleEndedIterator for Either<A, B>
where
    A: DoubleEndedIterator<Item = T>,
    B: DoubleEndedIterator<Item = T>,
{
    fn next_back(&mut self) -> Option<T> {
        match self {
            Either::A(a) => a.next_back(),
            Either::B(b) => b.next_back(),
        }
    }
}

#[derive(Clone)]
pub struct World {
    pub cfg: WorldConfig,
    run: Run,
    /// What `disk()` shows for a Paxos server (which has no Zab disk).
    no_disk: Disk,
    /// What `paxos_chosen()` shows for ZooKeeper.
    none_chosen: ChunkedMap<super::paxos::Slot, (super::paxos::Value, Ballot)>,
}

impl World {
    pub fn new(cfg: WorldConfig) -> World {
        let ensemble = Rc::new(cfg.ensemble.clone());
        let latency = (cfg.latency_min, cfg.latency_max);
        let run = match cfg.protocol {
            Protocol::Zab => Run::Zab(Box::new(Engine::new(
                ensemble.clone(),
                ensemble,
                cfg.seed,
                latency,
            ))),
            mode => {
                let paxos = Rc::new(PaxosConfig {
                    ensemble: cfg.ensemble.clone(),
                    mode: if mode == Protocol::Paxos {
                        PaxosMode::Multi
                    } else {
                        PaxosMode::SingleDecree
                    },
                    backoff: cfg.paxos_backoff,
                    variant: cfg.paxos_variant,
                });
                Run::Paxos(Box::new(Engine::new(ensemble, paxos, cfg.seed, latency)))
            }
        };
        World {
            cfg,
            run,
            no_disk: Disk::default(),
            none_chosen: ChunkedMap::new(),
        }
    }

    /// The ZooKeeper engine, if the world runs ZooKeeper.
    pub fn zab(&self) -> Option<&Engine<Server>> {
        match &self.run {
            Run::Zab(e) => Some(e),
            Run::Paxos(_) => None,
        }
    }

    /// The Paxos engine, if the world runs one of the Paxos modes.
    pub fn paxos(&self) -> Option<&Engine<PaxosServer>> {
        match &self.run {
            Run::Paxos(e) => Some(e),
            Run::Zab(_) => None,
        }
    }

    // ---- reading, whatever the protocol ----

    pub fn protocol(&self) -> Protocol {
        self.cfg.protocol
    }

    pub fn now(&self) -> Millis {
        each!(&self.run, e => e.now())
    }

    pub fn ensemble(&self) -> &EnsembleConfig {
        each!(&self.run, e => e.ensemble())
    }

    pub fn net(&self) -> &Network {
        each!(&self.run, e => e.net())
    }

    /// A hash of every event processed so far: equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        each!(&self.run, e => e.trace_hash())
    }

    /// The state hash (see `Engine::state_hash`): two worlds with equal state hashes run on
    /// identically.
    pub fn state_hash(&self) -> u64 {
        each!(&self.run, e => e.state_hash())
    }

    /// The state hash as people see it: 16 lowercase hex digits.
    pub fn state_hash_hex(&self) -> String {
        format!("{:016x}", self.state_hash())
    }

    pub fn events_processed(&self) -> u64 {
        each!(&self.run, e => e.events_processed())
    }

    /// The id the world gave the last client request (each write, session open or close
    /// takes the next one).
    pub fn last_request_id(&self) -> u64 {
        each!(&self.run, e => e.last_request_id())
    }

    pub fn messages_delivered(&self) -> u64 {
        each!(&self.run, e => e.messages_delivered())
    }

    /// When `sid` last received a heartbeat (PING, HEARTBEAT), if ever.
    pub fn last_ping(&self, sid: Sid) -> Option<Millis> {
        each!(&self.run, e => e.last_ping(sid))
    }

    pub fn violations(&self) -> &[Violation] {
        each!(&self.run, e => e.violations())
    }

    pub fn is_up(&self, sid: Sid) -> bool {
        each!(&self.run, e => e.is_up(sid))
    }

    /// The shortest flight of the messages on the wire other than heartbeats (for pacing).
    pub fn busy_span(&self) -> Option<Millis> {
        each!(&self.run, e => e.busy_span())
    }

    /// Messages on the wire now, oldest first.
    pub fn in_flight(&self) -> Vec<Flight<'_>> {
        each!(&self.run, e => e.flights())
    }

    /// The last few messages lost, oldest first.
    pub fn recent_losses(&self) -> impl Iterator<Item = Loss<'_>> {
        match &self.run {
            Run::Zab(e) => Either::A(e.losses()),
            Run::Paxos(e) => Either::B(e.losses()),
        }
    }

    /// Keep the last few thousand observations for a narrated feed (off by default: it costs).
    pub fn enable_feed(&mut self) {
        each!(&mut self.run, e => e.enable_feed())
    }

    /// A copy to go back to: the whole state, without the narrated feed's entries nor the
    /// trace's (both keep counting). What grows with every txn (the txn logs, the checker's
    /// histories) is chunked (`chunked.rs`): a copy shares all but the newest few hundred
    /// entries of each, so it costs O(chunks), not a pointer per logged txn.
    pub fn checkpoint(&self) -> World {
        let mut copy = self.clone();
        each!(&mut copy.run, e => e.forget_feed());
        copy
    }

    pub fn feed(&self) -> impl DoubleEndedIterator<Item = FeedItem<'_>> {
        match &self.run {
            Run::Zab(e) => Either::A(merged(
                e.feed().map(|f| FeedItem::of(f, Fact::Zab)),
                e.client_feed_since(0)
                    .map(|f| FeedItem::of(f, Fact::Client)),
            )),
            Run::Paxos(e) => Either::B(e.feed().map(|f| FeedItem::of(f, Fact::Paxos))),
        }
    }

    /// The feed entries with `seq >= from`, oldest first (see `Engine::feed_since`).
    pub fn feed_since(&self, from: u64) -> impl Iterator<Item = FeedItem<'_>> {
        match &self.run {
            Run::Zab(e) => Either::A(merged(
                e.feed_since(from).map(|f| FeedItem::of(f, Fact::Zab)),
                e.client_feed_since(from)
                    .map(|f| FeedItem::of(f, Fact::Client)),
            )),
            Run::Paxos(e) => Either::B(e.feed_since(from).map(|f| FeedItem::of(f, Fact::Paxos))),
        }
    }

    /// The `seq` the next feed entry will get: a cursor that has read everything so far.
    pub fn feed_end(&self) -> u64 {
        each!(&self.run, e => e.feed_end())
    }

    /// Record the trace from now on: every event (`None`) or the latest `cap` (see
    /// `Engine::enable_trace`; derived, never hashed).
    pub fn enable_trace(&mut self, cap: Option<usize>) {
        each!(&mut self.run, e => e.enable_trace(cap))
    }

    /// The recorded events kept, oldest first.
    pub fn trace(&self) -> impl Iterator<Item = &TraceEvent> {
        match &self.run {
            Run::Zab(e) => Either::A(e.trace()),
            Run::Paxos(e) => Either::B(e.trace()),
        }
    }

    /// How many events were ever recorded: a cursor past everything so far.
    pub fn trace_end(&self) -> u64 {
        each!(&self.run, e => e.trace_end())
    }

    /// The recorded events with `seq >= cursor`, oldest first.
    pub fn trace_since(&self, cursor: u64) -> impl Iterator<Item = &TraceEvent> {
        match &self.run {
            Run::Zab(e) => Either::A(e.trace_since(cursor)),
            Run::Paxos(e) => Either::B(e.trace_since(cursor)),
        }
    }

    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<Millis> {
        each!(&self.run, e => e.next_event_at())
    }

    /// Which protocol branches the run took so far.
    pub fn tally(&self) -> &Tally {
        each!(&self.run, e => e.tally())
    }

    /// Every command applied so far, with the virtual time it was applied at: with the
    /// configuration, this is the whole run.
    pub fn command_log(&self) -> &[(Millis, Command)] {
        each!(&self.run, e => e.command_log())
    }

    /// The steady writes' rate per virtual second (0: none run).
    pub fn steady_rate(&self) -> u32 {
        each!(&self.run, e => e.steady_rate())
    }

    pub fn open_sessions(&self) -> impl Iterator<Item = (SessionId, Sid)> + '_ {
        match &self.run {
            Run::Zab(e) => Either::A(e.open_sessions()),
            Run::Paxos(e) => Either::B(e.open_sessions()),
        }
    }

    /// A leader serving now, if any: ZooKeeper's leader in BROADCAST with the newest epoch, the
    /// Paxos leader with the highest ballot.
    pub fn serving_leader(&self) -> Option<Sid> {
        each!(&self.run, e => e.serving_leader())
    }

    /// The leader every live server it can reach follows, if the protocol has settled.
    pub fn stable_leader(&self) -> Option<Sid> {
        each!(&self.run, e => e.stable_leader())
    }

    /// Where a client without `at` connects: the serving leader, else the lowest live server.
    pub fn default_target(&self) -> Option<Sid> {
        each!(&self.run, e => e.default_target())
    }

    pub fn view(&self) -> super::view::View {
        super::view::View::of(self)
    }

    // ---- driving ----

    /// Process every event due up to `t`, then stand at `t`.
    pub fn run_until(&mut self, t: Millis) {
        each!(&mut self.run, e => e.run_until(t))
    }

    /// Process the next event, wherever it is in time. False if nothing is scheduled.
    pub fn step(&mut self) -> bool {
        each!(&mut self.run, e => e.step())
    }

    /// Apply a command now. An error says why it could not apply; the world is unchanged then.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        each!(&mut self.run, e => e.apply(cmd))
    }

    // ---- ZooKeeper ----

    /// Submits a typed client request at server `at` now (`Engine::submit`: not a command,
    /// not in the command log). ZooKeeper only.
    pub fn submit(&mut self, at: Sid, op: super::zab::RequestOp) -> Result<(), String> {
        each!(&mut self.run, e => e.submit(at, op))
    }

    pub fn server(&self, sid: Sid) -> Option<&Server> {
        self.zab()?.node(sid)
    }

    /// Every ZooKeeper server, `None` if down (all `None` in the Paxos modes).
    pub fn servers(&self) -> impl Iterator<Item = (Sid, Option<&Server>)> {
        let n = self.ensemble().server_count() as Sid;
        (1..=n).map(|sid| (sid, self.server(sid)))
    }

    /// A ZooKeeper server's disk (an empty one in the Paxos modes).
    pub fn disk(&self, sid: Sid) -> &Disk {
        self.zab().map_or(&self.no_disk, |e| e.disk(sid))
    }

    /// When a ZooKeeper server's timer of this kind is due, if it is armed.
    pub fn timer(&self, sid: Sid, kind: TimerKind) -> Option<Millis> {
        self.zab()?.timer(sid, kind)
    }

    /// The timers a ZooKeeper server has armed, soonest first.
    pub fn timers(&self, sid: Sid) -> Vec<(TimerKind, Millis)> {
        self.zab().map(|e| e.timers(sid)).unwrap_or_default()
    }

    /// The greatest zxid any server has logged (for scripts and the explorer).
    pub fn max_logged_zxid(&self) -> Zxid {
        let n = self.ensemble().server_count() as Sid;
        (1..=n)
            .map(|s| self.disk(s).last_logged_zxid())
            .max()
            .unwrap_or_default()
    }

    // ---- Paxos ----

    pub fn paxos_server(&self, sid: Sid) -> Option<&PaxosServer> {
        self.paxos()?.node(sid)
    }

    pub fn paxos_disk(&self, sid: Sid) -> Option<&PaxosDisk> {
        Some(self.paxos()?.disk(sid))
    }

    /// Paxos: what the checker computed as chosen, per slot (empty for ZooKeeper).
    pub fn paxos_chosen(&self) -> &ChunkedMap<super::paxos::Slot, (super::paxos::Value, Ballot)> {
        self.paxos()
            .map_or(&self.none_chosen, |e| e.checker().chosen())
    }
}
