//! The trace as a ShiViz log (<https://bestchai.bitbucket.io/shiviz/>), to look at a run as a
//! space-time diagram with happened-before arrows: each event is two lines, its host and
//! vector clock (`s1 {"s1":3,"s2":1}`), then what happened. ShiViz parses it with
//!
//! ```text
//! (?<host>\S*) (?<clock>{.*})\n(?<event>.*)
//! ```
//!
//! Hosts are the actors (`s1`…, then client actors `c1`…) and `env` for a command that
//! targets no one server (`trace_export::command_actor`). Each host's own entry counts its
//! events; a delivery merges the clock its packet was sent with, so every arrow ShiViz draws
//! is a packet. A lost packet is an event of its sender ("lost: why"): the sender is the one
//! whose message it was. Clock keys come in a fixed order (servers by id, clients, `env`).

use super::node::Actor;
use super::trace::{TraceEvent, TraceWhat};
use super::trace_export::command_actor;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Where an event happens: an actor, or the environment (the person running the faults).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Host {
    Actor(Actor),
    Env,
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Actor(a) => write!(f, "{a}"),
            Host::Env => write!(f, "env"),
        }
    }
}

/// A vector clock: events seen per host (hosts never seen are absent, not 0).
pub type Clock = BTreeMap<Host, u64>;

/// One event with where it happened and its clock just after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamped<'a> {
    pub host: Host,
    pub clock: Clock,
    pub event: &'a TraceEvent,
}

/// The host an event happens on.
pub fn host_of(what: &TraceWhat) -> Host {
    match what {
        TraceWhat::Send { from, .. } | TraceWhat::Lost { from, .. } => Host::Actor(*from),
        TraceWhat::Deliver { to, .. } => Host::Actor(*to),
        TraceWhat::Timer { .. } | TraceWhat::ClientTimer { .. } => {
            Host::Actor(what.timer_actor().expect("a timer has an actor"))
        }
        TraceWhat::Command(cmd) => command_actor(cmd).map_or(Host::Env, Host::Actor),
    }
}

/// Every event stamped with its vector clock, in trace order. A delivery whose send the
/// events do not hold (a ring dropped it) is a local event.
pub fn stamp<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> Vec<Stamped<'a>> {
    let mut clocks: HashMap<Host, Clock> = HashMap::new();
    let mut sent: HashMap<u64, Clock> = HashMap::new();
    let mut out = Vec::new();
    for event in events {
        let host = host_of(&event.what);
        let clock = clocks.entry(host).or_default();
        match &event.what {
            TraceWhat::Deliver { id, .. } => {
                if let Some(at_send) = sent.remove(id) {
                    merge(clock, &at_send);
                }
            }
            TraceWhat::Lost { id, .. } => {
                sent.remove(id);
            }
            _ => {}
        }
        *clock.entry(host).or_default() += 1;
        if let TraceWhat::Send { id, .. } = &event.what {
            sent.insert(*id, clock.clone());
        }
        out.push(Stamped {
            host,
            clock: clock.clone(),
            event,
        });
    }
    out
}

/// `into` becomes the entry-wise maximum of both clocks.
fn merge(into: &mut Clock, other: &Clock) {
    for (h, n) in other {
        let mine = into.entry(*h).or_default();
        *mine = (*mine).max(*n);
    }
}

/// True if `a` has seen everything `b` has (entry-wise `a >= b`).
pub fn dominates(a: &Clock, b: &Clock) -> bool {
    b.iter().all(|(h, n)| a.get(h).copied().unwrap_or(0) >= *n)
}

/// The clock as ShiViz reads it: `{"s1":3,"s2":1}`, keys in host order.
pub fn clock_json(clock: &Clock) -> String {
    let entries: Vec<String> = clock.iter().map(|(h, n)| format!("\"{h}\":{n}")).collect();
    format!("{{{}}}", entries.join(","))
}

/// What happened, in one line.
pub fn describe(e: &TraceEvent) -> String {
    let text = match &e.what {
        TraceWhat::Send { to, label, .. } => format!("send {label} to {to}"),
        TraceWhat::Deliver { from, kind, .. } => format!("deliver {kind} from {from}"),
        TraceWhat::Lost { to, kind, why, .. } => format!("lost: {why} ({kind} to {to})"),
        TraceWhat::Timer { kind, .. } | TraceWhat::ClientTimer { kind, .. } => {
            format!("timer {kind}")
        }
        TraceWhat::Command(cmd) => format!("command {cmd}"),
    };
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("t={} {one_line}", e.at)
}

/// The ShiViz log of the events: two lines an event.
pub fn shiviz_log<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> String {
    let mut out = String::new();
    for s in stamp(events) {
        out.push_str(&format!(
            "{} {}\n{}\n",
            s.host,
            clock_json(&s.clock),
            describe(s.event)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::Command;

    fn at(seq: u64, what: TraceWhat) -> TraceEvent {
        TraceEvent {
            seq,
            at: seq * 10,
            what,
        }
    }

    fn send(id: u64, from: Actor, to: Actor) -> TraceWhat {
        TraceWhat::Send {
            id,
            from,
            to,
            kind: "PING",
            label: "PING".into(),
            zxid: None,
            deliver_at: 0,
        }
    }

    #[test]
    fn a_delivery_merges_the_clock_of_its_send() {
        let (s1, s2, c1) = (Actor::Server(1), Actor::Server(2), Actor::Client(1));
        let events = [
            at(0, TraceWhat::Command(Command::StartAll)),
            at(1, send(1, s1, s2)),
            at(2, send(2, c1, s2)),
            at(
                3,
                TraceWhat::Deliver {
                    id: 1,
                    from: s1,
                    to: s2,
                    kind: "PING",
                },
            ),
        ];
        let log = shiviz_log(&events);
        assert_eq!(
            log,
            "env {\"env\":1}\nt=0 command start all\n\
             s1 {\"s1\":1}\nt=10 send PING to s2\n\
             c1 {\"c1\":1}\nt=20 send PING to s2\n\
             s2 {\"s1\":1,\"s2\":1}\nt=30 deliver PING from s1\n"
        );
    }

    #[test]
    fn hosts_sort_servers_by_number_then_clients_then_env() {
        let mut clock = Clock::new();
        for h in [
            Host::Env,
            Host::Actor(Actor::Client(1)),
            Host::Actor(Actor::Server(10)),
            Host::Actor(Actor::Server(2)),
        ] {
            clock.insert(h, 1);
        }
        assert_eq!(clock_json(&clock), r#"{"s2":1,"s10":1,"c1":1,"env":1}"#);
    }
}
