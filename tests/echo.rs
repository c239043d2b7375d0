//! A toy third protocol, to prove the node contract (src/sim/node.rs) is protocol-agnostic:
//! echo servers ping each other on a timer and answer every PING with a PONG. It runs under
//! the engine (commands, faults, virtual time, determinism), its own checker through the
//! checker hook, and the view layer's wire projections — with no line of Zab or Paxos.

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;
use zabscope::sim::check::Violation;
use zabscope::sim::engine::Engine;
use zabscope::sim::net::Network;
use zabscope::sim::node::{Input, Monitor, Node, NodeOutput, Output, TimerKinds, Wire};
use zabscope::sim::tally::Tally;
use zabscope::sim::zab::EnsembleConfig;
use zabscope::sim::{Command, Millis, Sid};
use zabscope::view::scene;

#[derive(Clone, Debug, Hash)]
enum EchoMsg {
    Ping { n: u64 },
    Pong { n: u64 },
}

impl fmt::Display for EchoMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EchoMsg::Ping { n } => write!(f, "PING {n}"),
            EchoMsg::Pong { n } => write!(f, "PONG {n}"),
        }
    }
}

impl Wire for EchoMsg {
    fn kind(&self) -> &'static str {
        match self {
            EchoMsg::Ping { .. } => "PING",
            EchoMsg::Pong { .. } => "PONG",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
enum EchoTimer {
    Tick,
}

impl TimerKinds for EchoTimer {
    const ALL: &'static [EchoTimer] = &[EchoTimer::Tick];
    fn index(self) -> usize {
        0
    }
    fn name(self) -> &'static str {
        "tick"
    }
}

#[derive(Clone, Debug, Hash)]
enum EchoObservation {
    Echoed { from: Sid, n: u64 },
}

/// What survives a crash: how many PONGs this server ever got.
#[derive(Clone, Debug, Default, Hash)]
struct EchoDisk {
    pongs: u64,
}

#[derive(Debug)]
struct EchoConfig {
    servers: Sid,
    period: Millis,
    /// A broken variant: answer PING n with PONG n + 1.
    off_by_one: bool,
}

#[derive(Clone, Debug, Hash)]
struct Echo {
    id: Sid,
    disk: EchoDisk,
    next: u64,
    period: Millis,
    servers: Sid,
    off_by_one: bool,
    out: Vec<NodeOutput<Echo>>,
}

impl Echo {
    fn arm(&mut self, now: Millis) {
        self.out.push(Output::SetTimerJittered {
            kind: EchoTimer::Tick,
            at: now + self.period,
            jitter: 20,
        });
    }
}

impl Node for Echo {
    type Msg = EchoMsg;
    type Timer = EchoTimer;
    type Observation = EchoObservation;
    type Disk = EchoDisk;
    type Config = EchoConfig;
    type Checker = EchoChecker;
    const SESSIONS: bool = false;

    fn boot(sid: Sid, cfg: Rc<EchoConfig>, disk: EchoDisk) -> Echo {
        Echo {
            id: sid,
            disk,
            next: 0,
            period: cfg.period,
            servers: cfg.servers,
            off_by_one: cfg.off_by_one,
            out: Vec::new(),
        }
    }

    fn step(&mut self, now: Millis, input: Input<EchoMsg, EchoTimer>) {
        match input {
            Input::Start => self.arm(now),
            Input::Timer(EchoTimer::Tick) => {
                self.next += 1;
                for to in (1..=self.servers).filter(|s| *s != self.id) {
                    let msg = EchoMsg::Ping { n: self.next };
                    self.out.push(Output::Send { to, msg });
                }
                self.arm(now);
            }
            Input::Receive {
                from,
                msg: EchoMsg::Ping { n },
            } => {
                let n = n + self.off_by_one as u64;
                let msg = EchoMsg::Pong { n };
                self.out.push(Output::Send { to: from, msg });
            }
            Input::Receive {
                from,
                msg: EchoMsg::Pong { n },
            } => {
                self.disk.pongs += 1;
                let o = EchoObservation::Echoed { from, n };
                self.out.push(Output::Observe(o));
            }
            Input::ConnClosed { .. }
            | Input::Client(_)
            | Input::FromClient { .. }
            | Input::ClientClosed { .. } => {}
        }
    }

    fn take_outputs(&mut self, into: &mut Vec<NodeOutput<Echo>>) {
        into.append(&mut self.out);
    }

    fn disk(&self) -> &EchoDisk {
        &self.disk
    }

    fn into_disk(self) -> EchoDisk {
        self.disk
    }

    fn serving_rank(&self) -> Option<(u64, u64)> {
        None // nobody leads
    }

    fn stable_leader(
        _: &EchoConfig,
        _: &[Option<&Echo>],
        _: &Network,
        _: &EchoChecker,
    ) -> Option<Sid> {
        None
    }

    fn tally(_: &EchoObservation, _: &mut Tally) {}
}

/// The echo's checker: every PONG n that arrives answers a PING n that was sent the other
/// way. It also counts the hooks it was shown.
#[derive(Clone, Default)]
struct EchoChecker {
    pings: BTreeSet<(Sid, Sid, u64)>,
    boots: u32,
    crashes: u32,
    wipes: u32,
    sent: u32,
    delivered: u32,
    echoed: u32,
    broken: Vec<String>,
}

impl Monitor<Echo> for EchoChecker {
    fn new(_: Rc<EchoConfig>) -> EchoChecker {
        EchoChecker::default()
    }
    fn on_boot(&mut self, _: u64, _: Millis, _: &Echo) {
        self.boots += 1;
    }
    fn on_crash(&mut self, _: Sid) {
        self.crashes += 1;
    }
    fn on_wipe(&mut self, _: Sid) {
        self.wipes += 1;
    }
    fn on_send(&mut self, _: u64, _: Millis, node: &Echo, to: Sid, msg: &EchoMsg) {
        self.sent += 1;
        if let EchoMsg::Ping { n } = msg {
            self.pings.insert((node.id, to, *n));
        }
    }
    fn on_deliver(&mut self, _: u64, at: Millis, from: Sid, to: Sid, msg: &EchoMsg) {
        self.delivered += 1;
        if let EchoMsg::Pong { n } = msg {
            if !self.pings.contains(&(to, from, *n)) {
                self.broken
                    .push(format!("at {at} ms s{from} answered PING {n} it never got"));
            }
        }
    }
    fn observe(&mut self, _: u64, _: Millis, _: &Echo, _: &EchoObservation) {
        self.echoed += 1;
    }
    fn violations(&self) -> &[Violation] {
        &[]
    }
    fn state_digest(&self) -> u64 {
        self.pings.len() as u64
    }
}

fn engine(seed: u64, off_by_one: bool) -> Engine<Echo> {
    let cfg = EchoConfig {
        servers: 3,
        period: 200,
        off_by_one,
    };
    let ensemble = Rc::new(EnsembleConfig::new(3, 0));
    let mut e = Engine::new(ensemble, Rc::new(cfg), seed, (10, 30));
    e.enable_feed();
    e.apply(Command::StartAll).unwrap();
    e
}

#[test]
fn echo_servers_run_under_the_engine_and_its_checker_hook() {
    let mut e = engine(7, false);
    e.run_until(2_000);
    let c = e.checker();
    assert_eq!(c.boots, 3);
    assert!(
        c.sent > 50 && c.delivered > 50,
        "{} sent, {} delivered",
        c.sent,
        c.delivered
    );
    assert!(c.broken.is_empty(), "{:?}", c.broken);
    // Every delivered PONG became an observation, in the feed too.
    assert_eq!(c.echoed as usize, e.feed().count());
    assert!(e.disk(1).pongs > 0);
    assert_eq!(e.serving_leader(), None);
    // Sessions are refused by a protocol without them, the engine untouched.
    let before = e.state_hash();
    assert!(e.apply(Command::SessionOpen { at: Some(1) }).is_err());
    assert_eq!(e.state_hash(), before);
}

#[test]
fn faults_apply_to_a_protocol_the_engine_never_heard_of() {
    let mut e = engine(8, false);
    e.run_until(1_000);
    e.apply(Command::Crash(2)).unwrap();
    let pongs_at_crash = e.disk(2).pongs;
    assert!(pongs_at_crash > 0);
    e.run_until(2_000);
    assert!(e.node(2).is_none());
    assert!(e
        .losses()
        .any(|l| l.why == "server down" && l.message.to == 2));
    // Restarted from its disk: what it persisted survived the crash.
    e.apply(Command::Restart(2)).unwrap();
    assert_eq!(e.checker().boots, 4);
    assert_eq!(e.disk(2).pongs, pongs_at_crash);
    e.run_until(3_000);
    assert!(e.disk(2).pongs > pongs_at_crash);
    // A wipe empties the disk; the checker hears of the crash and the wipe.
    e.apply(Command::Wipe(3)).unwrap();
    assert_eq!(e.disk(3).pongs, 0);
    assert_eq!((e.checker().crashes, e.checker().wipes), (2, 1));
    assert!(e.checker().broken.is_empty());
}

#[test]
fn the_view_draws_its_wire() {
    let mut e = engine(9, false);
    e.run_until(1_000);
    while e.flights().is_empty() {
        e.step();
    }
    let drawn = scene::messages(e.flights(), &[]);
    assert_eq!(drawn.len(), e.flights().len());
    for m in &drawn {
        assert!(m.kind == "PING" || m.kind == "PONG", "{m:?}");
        assert!(m.label.starts_with(m.kind), "{m:?}");
        assert!(m.sent_at <= e.now() && e.now() <= m.deliver_at);
    }
    e.apply(Command::Cut {
        from: 1,
        to: 3,
        both: false,
    })
    .unwrap();
    assert_eq!(scene::cuts(e.net(), 3), vec![(1, 3)]);
    e.run_until(2_000);
    let lost = scene::losses(e.losses(), e.now(), 5_000);
    assert!(lost.iter().all(|l| (0.0..=1.0).contains(&l.at)));
    // Nothing travels 1 -> 3 any more.
    assert!(e.flights().iter().all(|m| (m.from, m.to) != (1, 3)));
}

#[test]
fn same_seed_same_run() {
    let run = |seed| {
        let mut e = engine(seed, false);
        e.run_until(1_500);
        e.apply(Command::Isolate(1)).unwrap();
        e.run_until(3_000);
        (e.trace_hash(), e.state_hash(), e.events_processed())
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11).0, run(12).0);
}

#[test]
fn the_checker_hook_catches_a_broken_echo() {
    let mut e = engine(7, true);
    e.run_until(1_000);
    let broken = &e.checker().broken;
    assert!(!broken.is_empty());
    assert!(broken[0].contains("answered PING"), "{}", broken[0]);
}
