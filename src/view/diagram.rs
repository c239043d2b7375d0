//! What the space-time diagram draws, recorded as the run goes: every message as a flight
//! (sent, then delivered or lost), and marks on the lanes for what matters to a reader —
//! elections decided, epochs established, sync choices, commits, faults, the person's own
//! commands and invariant violations. Read from the world's trace recorder and its feed by
//! sequence number, like the story, so replaying a stretch already recorded (after a seek)
//! adds nothing, and playing on past the recorded edge adds exactly what is new.
//!
//! One `Record` per branch of the timeline (`Records`): a fork copies its parent's record up
//! to the moment it parted. Bounded: the oldest flights go first past `MAX_FLIGHTS`.

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use crate::sim::narrate::narrate;
use crate::sim::node::Actor;
use crate::sim::paxos::server::PaxosObservation;
use crate::sim::trace::{TraceEvent, TraceWhat};
use crate::sim::world::{Fact, FeedItem, World};
use crate::sim::zab::Observation;
use crate::sim::{Command, Millis, Sid, Zxid};

/// Flights kept per branch: at 7 servers under 20 writes/s, about a minute of virtual time.
pub const MAX_FLIGHTS: usize = 40_000;
/// Marks kept per branch.
pub const MAX_MARKS: usize = 8_000;
/// How many events the world's recorder keeps between two reads (a frame at a high speed
/// records a few thousand; a seek's replay many more, all of them already read).
pub const TRACE_CAP: usize = 50_000;

/// How a flight ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Delivered,
    Lost(&'static str),
}

/// One message: sent, and, once it ended, when and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: Actor,
    pub to: Actor,
    pub kind: &'static str,
    pub label: Rc<str>,
    pub zxid: Option<Zxid>,
    pub sent: Millis,
    /// When it is due, if nothing kills it first.
    pub due: Millis,
    pub end: Option<(Millis, End)>,
    /// The trace's sequence numbers of its send and its end (a fork keeps what came before).
    send_seq: u64,
    end_seq: u64,
}

impl Flight {
    /// When it stops being drawn as in flight: its end, else its due time.
    pub fn until(&self) -> Millis {
        self.end.map_or(self.due, |(t, _)| t)
    }
}

/// What a mark on a lane stands for; the filters and the jumps go by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkKind {
    /// An election started or was decided.
    Election,
    /// An epoch established (a band starts).
    Epoch,
    /// A sync choice (DIFF / TRUNC / SNAP), a truncation, a snapshot installed.
    Sync,
    /// A leader committed.
    Commit,
    /// A crash, restart, wipe, cut, heal, partition, a step-down.
    Fault,
    /// Another command of the person or a script (a write, a client action).
    You,
    /// An invariant broke.
    Violation,
}

impl MarkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Election => "election",
            MarkKind::Epoch => "epoch",
            MarkKind::Sync => "sync",
            MarkKind::Commit => "commit",
            MarkKind::Fault => "fault",
            MarkKind::You => "you",
            MarkKind::Violation => "violation",
        }
    }
}

/// Where a mark's sequence number comes from (the three are counted apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Trace(u64),
    Feed(u64),
    Violation(usize),
}

/// One mark on a lane (or across every lane: `lane: None`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at: Millis,
    pub lane: Option<Actor>,
    pub kind: MarkKind,
    /// A word or two drawn beside it ("LEADING", "SNAP", "crash").
    pub short: Rc<str>,
    /// The sentence a reader hears (the feed's own narration).
    pub text: Rc<str>,
    /// For an epoch mark, the epoch.
    pub epoch: Option<u64>,
    source: Source,
}

/// How far a record has read the world: the place a fork parts from its parent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    trace: u64,
    feed: u64,
    violations: usize,
}

impl Cursor {
    /// Everything the world has recorded so far.
    pub fn of(world: &World) -> Cursor {
        Cursor {
            trace: world.trace_end(),
            feed: world.feed_end(),
            violations: world.violations().len(),
        }
    }
}

/// One branch's flights and marks.
#[derive(Clone, Debug, Default)]
pub struct Record {
    flights: VecDeque<Flight>,
    /// Flights dropped from the front (positions in `open` count from the first ever kept).
    dropped: usize,
    /// Flights not ended yet, by message id: their position.
    open: HashMap<u64, usize>,
    marks: VecDeque<Mark>,
    read: Cursor,
    /// The longest flight seen: how far before a window an arrow into it may start.
    pub longest: Millis,
    /// The kinds of message seen, in order of first appearance (for the filters).
    pub kinds: Vec<&'static str>,
    /// Lanes for clients, in order of first appearance (by name).
    pub clients: Vec<Rc<str>>,
    /// Tells records apart (the diagram keeps drawn tiles per record).
    uid: Uid,
}

/// A number no other record has: a copy gets a new one, since the two may part.
#[derive(Debug)]
struct Uid(u64);

impl Default for Uid {
    fn default() -> Uid {
        thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(1) });
        Uid(NEXT.with(|n| n.replace(n.get() + 1)))
    }
}

impl Clone for Uid {
    fn clone(&self) -> Uid {
        Uid::default()
    }
}

impl Record {
    /// This record's own number.
    pub fn uid(&self) -> u64 {
        self.uid.0
    }

    pub fn flights(&self) -> &VecDeque<Flight> {
        &self.flights
    }

    pub fn marks(&self) -> &VecDeque<Mark> {
        &self.marks
    }

    /// The time of the last thing recorded.
    pub fn last_at(&self) -> Millis {
        let f = self.flights.back().map_or(0, |f| f.sent);
        let m = self.marks.back().map_or(0, |m| m.at);
        f.max(m)
    }

    /// Reads what the world recorded since the last read; what was read already (a replay
    /// after a seek) is skipped by its sequence number.
    pub fn read(&mut self, world: &World) {
        let from = self.read.trace;
        for e in world.trace_since(from) {
            self.trace_event(world, e);
        }
        self.read.trace = self.read.trace.max(world.trace_end());
        let cfg = world.ensemble();
        let from = self.read.feed;
        let items: Vec<FeedItem> = world.feed_since(from).collect();
        for item in items {
            if let Some(m) = feed_mark(&item, cfg) {
                self.push_mark(m);
            }
        }
        self.read.feed = self.read.feed.max(world.feed_end());
        let seen = self.read.violations;
        for (i, v) in world.violations().iter().enumerate().skip(seen) {
            let text = crate::sim::scenario::run::describe(v);
            let short: Rc<str> = Rc::from(format!("invariant {}", v.invariant.number()));
            let lanes: Vec<Option<Actor>> = if v.servers.is_empty() {
                vec![None]
            } else {
                v.servers.iter().map(|s| Some(Actor::Server(*s))).collect()
            };
            let text: Rc<str> = Rc::from(text);
            for lane in lanes {
                self.push_mark(Mark {
                    at: v.at,
                    lane,
                    kind: MarkKind::Violation,
                    short: short.clone(),
                    text: text.clone(),
                    epoch: None,
                    source: Source::Violation(i),
                });
            }
        }
        self.read.violations = self.read.violations.max(world.violations().len());
    }

    fn trace_event(&mut self, world: &World, e: &TraceEvent) {
        match &e.what {
            TraceWhat::Send {
                id,
                from,
                to,
                kind,
                label,
                zxid,
                deliver_at,
            } => {
                self.lane_for(world, *from);
                self.lane_for(world, *to);
                if !self.kinds.contains(kind) {
                    self.kinds.push(kind);
                }
                self.longest = self.longest.max(deliver_at.saturating_sub(e.at));
                self.open.insert(*id, self.dropped + self.flights.len());
                self.flights.push_back(Flight {
                    id: *id,
                    from: *from,
                    to: *to,
                    kind,
                    label: Rc::from(label.as_str()),
                    zxid: *zxid,
                    sent: e.at,
                    due: *deliver_at,
                    end: None,
                    send_seq: e.seq,
                    end_seq: u64::MAX,
                });
                self.trim();
            }
            TraceWhat::Deliver { id, .. } => self.end(*id, e, End::Delivered),
            TraceWhat::Lost { id, why, .. } => self.end(*id, e, End::Lost(why)),
            TraceWhat::Command(cmd) => self.push_mark(command_mark(cmd, e)),
            TraceWhat::Timer { .. } | TraceWhat::ClientTimer { .. } => {}
        }
    }

    fn end(&mut self, id: u64, e: &TraceEvent, how: End) {
        let Some(pos) = self.open.remove(&id) else {
            return;
        };
        if let Some(f) = pos
            .checked_sub(self.dropped)
            .and_then(|i| self.flights.get_mut(i))
        {
            f.end = Some((e.at, how));
            f.end_seq = e.seq;
            self.longest = self.longest.max(e.at.saturating_sub(f.sent));
        }
    }

    fn trim(&mut self) {
        while self.flights.len() > MAX_FLIGHTS {
            if let Some(f) = self.flights.pop_front() {
                self.open.remove(&f.id);
            }
            self.dropped += 1;
        }
    }

    /// Keeps the marks in time order (one read may see a violation after later feed marks):
    /// the diagram finds a window's marks by bisection.
    fn push_mark(&mut self, m: Mark) {
        if self.marks.len() == MAX_MARKS {
            self.marks.pop_front();
        }
        let at = self.marks.partition_point(|k| k.at <= m.at);
        self.marks.insert(at, m);
    }

    /// A client at an end of a packet gets a lane (by name: a client that reconnects as a
    /// new actor keeps its lane).
    fn lane_for(&mut self, world: &World, a: Actor) {
        if let Some(name) = client_name(world, a) {
            if !self.clients.iter().any(|c| **c == *name) {
                self.clients.push(name);
            }
        }
    }

    /// This record as it stood at `at` (a fork's starting point): what was read before it,
    /// flights that ended after it open again.
    pub fn upto(&self, at: Cursor) -> Record {
        let mut r = Record {
            dropped: self.dropped,
            read: at,
            kinds: self.kinds.clone(),
            clients: self.clients.clone(),
            longest: self.longest,
            ..Record::default()
        };
        for f in self.flights.iter().take_while(|f| f.send_seq < at.trace) {
            let mut f = f.clone();
            if f.end_seq >= at.trace {
                f.end = None;
                f.end_seq = u64::MAX;
                r.open.insert(f.id, r.dropped + r.flights.len());
            }
            r.flights.push_back(f);
        }
        r.marks = (self.marks.iter())
            .filter(|m| match m.source {
                Source::Trace(s) => s < at.trace,
                Source::Feed(s) => s < at.feed,
                Source::Violation(i) => i < at.violations,
            })
            .cloned()
            .collect();
        r
    }
}

/// The lane name of a client actor (`None` for a server).
pub fn client_name(world: &World, a: Actor) -> Option<Rc<str>> {
    let Actor::Client(id) = a else {
        return None;
    };
    let engine = world.zab()?;
    let slot = engine.clients().nth((id as usize).checked_sub(1)?)?;
    Some(Rc::from(slot.name.as_str()))
}

fn command_mark(cmd: &Command, e: &TraceEvent) -> Mark {
    let fault = matches!(
        cmd,
        Command::Crash(_)
            | Command::Restart(_)
            | Command::Wipe(_)
            | Command::Isolate(_)
            | Command::Cut { .. }
            | Command::Heal { .. }
            | Command::HealAll
            | Command::Partition(_)
            | Command::Slow { .. }
            | Command::ClientCrash(_)
    );
    let servers = cmd.servers();
    // A command about one server (or a cut's sender) goes on its lane; others span them all.
    let lane = match cmd {
        Command::Cut { from, .. } | Command::Heal { from, .. } => Some(Actor::Server(*from)),
        _ if servers.len() == 1 => Some(Actor::Server(servers[0])),
        _ => None,
    };
    Mark {
        at: e.at,
        lane,
        kind: if fault {
            MarkKind::Fault
        } else {
            MarkKind::You
        },
        short: Rc::from(cmd.keyword()),
        text: Rc::from(cmd.describe()),
        epoch: None,
        source: Source::Trace(e.seq),
    }
}

/// The mark a feed entry makes, for the entries a reader of the diagram looks for.
fn feed_mark(e: &FeedItem, cfg: &crate::sim::zab::EnsembleConfig) -> Option<Mark> {
    let (kind, short, epoch): (MarkKind, String, Option<u64>) = match e.what {
        Fact::Zab(o) => match o {
            Observation::Decided { state, .. } => (MarkKind::Election, state.as_str().into(), None),
            Observation::LeaderEstablished { epoch } => {
                (MarkKind::Epoch, format!("epoch {epoch}"), Some(*epoch))
            }
            Observation::SyncChosen { mode, .. } => (MarkKind::Sync, mode.as_str().into(), None),
            Observation::Truncated { to, .. } => (MarkKind::Sync, format!("TRUNC {to}"), None),
            Observation::SnapInstalled { .. } => (MarkKind::Sync, "SNAP".into(), None),
            Observation::LeaderCommitted { zxid, .. } => {
                (MarkKind::Commit, format!("commit {zxid}"), None)
            }
            Observation::Abandoned { role, .. } => {
                (MarkKind::Fault, format!("{} ends", role.as_str()), None)
            }
            _ => return None,
        },
        Fact::Paxos(o) => match o {
            PaxosObservation::Leading { ballot, .. } => {
                (MarkKind::Election, format!("leads {ballot}"), None)
            }
            PaxosObservation::Chosen { slot, .. } => {
                (MarkKind::Commit, format!("chosen #{slot}"), None)
            }
            PaxosObservation::Preempted { .. } => (MarkKind::Fault, "pre-empted".into(), None),
            _ => return None,
        },
        Fact::Client(_) => return None,
    };
    Some(Mark {
        at: e.at,
        lane: Some(Actor::Server(e.sid)),
        kind,
        short: Rc::from(short),
        text: Rc::from(narrate(*e, cfg).text),
        epoch,
        source: Source::Feed(e.seq),
    })
}

/// The records of every branch; one is read into (the branch on show).
#[derive(Clone, Debug, Default)]
pub struct Records {
    by_branch: Vec<(u32, Record)>,
}

impl Records {
    /// The record of branch `id` (empty if it has none yet).
    pub fn get(&self, id: u32) -> Option<&Record> {
        self.by_branch
            .iter()
            .find(|(b, _)| *b == id)
            .map(|(_, r)| r)
    }

    /// Reads the world into branch `id`'s record.
    pub fn read(&mut self, id: u32, world: &World) {
        let i = match self.by_branch.iter().position(|(b, _)| *b == id) {
            Some(i) => i,
            None => {
                self.by_branch.push((id, Record::default()));
                self.by_branch.len() - 1
            }
        };
        self.by_branch[i].1.read(world);
    }

    /// Branch `child` forked from `parent` where the parent's world stood at `at`.
    pub fn fork(&mut self, parent: u32, child: u32, at: Cursor) {
        let r = self.get(parent).map(|p| p.upto(at)).unwrap_or_default();
        self.by_branch.retain(|(b, _)| *b != child);
        self.by_branch.push((child, r));
    }

    /// Forgets the branches `keep` does not name.
    pub fn retain(&mut self, keep: &[u32]) {
        self.by_branch.retain(|(b, _)| keep.contains(b));
    }
}

/// The lanes, top to bottom: every server, then the clients seen.
pub fn lanes(world: &World, record: Option<&Record>) -> Vec<Actor> {
    let n = world.ensemble().server_count() as Sid;
    let mut out: Vec<Actor> = (1..=n).map(Actor::Server).collect();
    if let (Some(r), Some(engine)) = (record, world.zab()) {
        for name in &r.clients {
            // The newest actor of that name (ids count from 1 in order of creation).
            let id = engine
                .clients()
                .enumerate()
                .filter(|(_, c)| *c.name == **name)
                .last();
            if let Some((i, _)) = id {
                out.push(Actor::Client(i as u32 + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::WorldConfig;

    fn world(seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(3, 0, seed));
        w.enable_feed();
        w.enable_trace(Some(TRACE_CAP));
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn flights_pair_sends_with_their_ends_and_marks_tell_the_election() {
        let mut w = world(5);
        let mut r = Record::default();
        for t in (100..=6_000).step_by(100) {
            w.run_until(t);
            r.read(&w);
        }
        assert!(r.flights().len() > 20);
        assert!(r.kinds.contains(&"NOTIFICATION"));
        let ended = r.flights().iter().filter(|f| f.end.is_some()).count();
        assert!(
            ended + 10 > r.flights().len(),
            "nearly every message arrived"
        );
        assert!(r.flights().iter().all(|f| f.until() >= f.sent));
        let leading = r.marks().iter().filter(|m| &*m.short == "LEADING").count();
        assert_eq!(leading, 1, "one leader elected");
        assert!(r.marks().iter().any(|m| m.kind == MarkKind::Epoch));
        // Read again with nothing new: nothing doubles.
        let before = (r.flights().len(), r.marks().len());
        r.read(&w);
        assert_eq!(before, (r.flights().len(), r.marks().len()));
    }

    #[test]
    fn a_crash_is_a_fault_mark_and_its_messages_end_lost() {
        let mut w = world(5);
        w.run_until(4_000);
        let leader = w.serving_leader().unwrap();
        w.apply(Command::Crash(leader)).unwrap();
        w.run_until(6_000);
        let mut r = Record::default();
        r.read(&w);
        let crash = r
            .marks()
            .iter()
            .find(|m| m.kind == MarkKind::Fault)
            .unwrap();
        assert_eq!((crash.at, crash.lane), (4_000, Some(Actor::Server(leader))));
        assert_eq!(&*crash.short, "crash");
        assert!(r
            .flights()
            .iter()
            .any(|f| matches!(f.end, Some((_, End::Lost(_))))));
    }

    #[test]
    fn a_replay_of_what_was_read_adds_nothing_and_a_fork_keeps_the_prefix() {
        let mut w = world(7);
        let mut r = Record::default();
        w.run_until(2_000);
        r.read(&w);
        let copy = w.checkpoint();
        let at = Cursor::of(&w);
        w.run_until(5_000);
        r.read(&w);
        let full = r.flights().len();
        // The copy replays 2..5 s: the same events, already read.
        let mut again = copy.clone();
        again.run_until(5_000);
        r.read(&again);
        assert_eq!(r.flights().len(), full);
        // A record of the fork at 2 s has exactly the flights sent before it.
        let before = r.flights().iter().filter(|f| f.send_seq < at.trace).count();
        let forked = r.upto(at);
        assert_eq!(forked.flights().len(), before);
        assert!(forked.flights().len() < full);
        let straight = {
            let mut s = Record::default();
            let mut w2 = world(7);
            w2.run_until(2_000);
            s.read(&w2);
            s
        };
        let ids = |r: &Record| {
            r.flights()
                .iter()
                .map(|f| (f.id, f.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&forked),
            ids(&straight),
            "the same as a record made up to 2 s"
        );
    }
}
