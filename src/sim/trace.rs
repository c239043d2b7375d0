//! The trace recorder: a typed stream of what happened in a run, message by message — every
//! packet sent (servers' and clients'), delivered or lost, every timer that fired and every
//! command applied — for the space-time diagram and the exports (`trace_export.rs`). In the
//! manner of etcd raft's `state_trace.go`: facts as data, written once where they happen.
//!
//! It is derived data, like the feed: off by default (one branch per event when off), never
//! hashed, never read back by the engine, so a run with the recorder on has the same trace
//! hash and state hash as one without. Bounded on request: a ring that keeps the latest
//! events, read by a cursor that counts every event ever recorded (as the feed is read).

use super::command::Command;
use super::node::{Actor, ClientId};
use super::types::{Millis, Sid, Zxid};
use std::collections::VecDeque;

/// One recorded happening.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// Counts every event ever recorded from 0 (a ring that dropped old ones keeps counting).
    pub seq: u64,
    pub at: Millis,
    pub what: TraceWhat,
}

/// What happened. Message ids come from one counter for server and client packets alike, so
/// an id names one packet of the run; a client packet is the one with a client at an end.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceWhat {
    /// A packet put on the wire, due at `deliver_at` (if nothing kills it first).
    Send {
        id: u64,
        from: Actor,
        to: Actor,
        kind: &'static str,
        /// What the ring draws beside it (`Wire::label`, a client packet's `Display`).
        label: String,
        zxid: Option<Zxid>,
        deliver_at: Millis,
    },
    /// The packet reached a live process.
    Deliver {
        id: u64,
        from: Actor,
        to: Actor,
        kind: &'static str,
    },
    /// The packet died: on a cut link, on a broken connection, or at a dead process. Each
    /// packet is lost at most once, where it first died.
    Lost {
        id: u64,
        from: Actor,
        to: Actor,
        kind: &'static str,
        why: &'static str,
    },
    /// A server's timer fired (stale firings of re-armed or cancelled timers are not events).
    Timer { sid: Sid, kind: &'static str },
    /// A client's timer fired.
    ClientTimer {
        client: ClientId,
        kind: &'static str,
    },
    /// A command applied, as the command log has it (targets resolved).
    Command(Command),
}

impl TraceWhat {
    /// The packet's id, for the message events.
    pub fn message_id(&self) -> Option<u64> {
        match self {
            TraceWhat::Send { id, .. }
            | TraceWhat::Deliver { id, .. }
            | TraceWhat::Lost { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The actor a timer fired on (a command's actor is the exports' convention, not a fact).
    pub fn timer_actor(&self) -> Option<Actor> {
        match self {
            TraceWhat::Timer { sid, .. } => Some(Actor::Server(*sid)),
            TraceWhat::ClientTimer { client, .. } => Some(Actor::Client(*client)),
            _ => None,
        }
    }

    /// A message event of a client packet (one end is a client actor).
    pub fn is_client_packet(&self) -> bool {
        match self {
            TraceWhat::Send { from, to, .. }
            | TraceWhat::Deliver { from, to, .. }
            | TraceWhat::Lost { from, to, .. } => {
                matches!(from, Actor::Client(_)) || matches!(to, Actor::Client(_))
            }
            _ => false,
        }
    }
}

/// The recorded events: all of them, or the latest `cap`.
#[derive(Clone, Debug)]
pub struct TraceLog {
    cap: Option<usize>,
    events: VecDeque<TraceEvent>,
    /// Events ever recorded: the `seq` the next one gets.
    recorded: u64,
}

impl TraceLog {
    pub fn new(cap: Option<usize>) -> TraceLog {
        TraceLog {
            cap,
            events: VecDeque::new(),
            recorded: 0,
        }
    }

    /// Keeps the latest `cap` events from now on (`None`: every one), dropping the oldest
    /// beyond it at once.
    pub fn set_cap(&mut self, cap: Option<usize>) {
        self.cap = cap;
        self.trim();
    }

    pub fn push(&mut self, at: Millis, what: TraceWhat) {
        self.events.push_back(TraceEvent {
            seq: self.recorded,
            at,
            what,
        });
        self.recorded += 1;
        self.trim();
    }

    /// Drops every event kept but keeps counting: a copy of the world to replay from (a
    /// checkpoint) records the same sequence numbers as the run it was copied from.
    pub fn forget(&mut self) {
        // A new deque, not `clear`: a copy must not keep the room the original grew.
        self.events = VecDeque::new();
    }

    fn trim(&mut self) {
        if let Some(cap) = self.cap {
            while self.events.len() > cap {
                self.events.pop_front();
            }
        }
    }

    /// The events kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + '_ {
        self.events.iter()
    }

    /// Events ever recorded: a cursor past everything so far.
    pub fn end(&self) -> u64 {
        self.recorded
    }

    /// The events kept with `seq >= cursor`, oldest first (those dropped before a reader got
    /// to them are gone; the reader's cursor stays valid).
    pub fn since(&self, cursor: u64) -> impl Iterator<Item = &TraceEvent> + '_ {
        let first = self.recorded - self.events.len() as u64;
        let skip = cursor.saturating_sub(first).min(self.events.len() as u64);
        self.events.iter().skip(skip as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(n: u32) -> TraceWhat {
        TraceWhat::Timer {
            sid: n,
            kind: "tick",
        }
    }

    #[test]
    fn an_unbounded_log_keeps_everything_in_order() {
        let mut log = TraceLog::new(None);
        (1..=5).for_each(|n| log.push(n as Millis * 10, timer(n)));
        let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [0, 1, 2, 3, 4]);
        assert_eq!(log.end(), 5);
        assert_eq!(log.since(3).map(|e| e.at).collect::<Vec<_>>(), [40, 50]);
        assert_eq!(log.since(5).count(), 0);
    }

    #[test]
    fn a_ring_keeps_the_latest_and_its_cursor_keeps_counting() {
        let mut log = TraceLog::new(Some(3));
        (1..=7).for_each(|n| log.push(n as Millis, timer(n)));
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 5, 6]);
        assert_eq!(log.end(), 7);
        // A reader at 2 lost 2 and 3 to the ring: it reads on from what is left.
        assert_eq!(log.since(2).map(|e| e.seq).collect::<Vec<_>>(), [4, 5, 6]);
        assert_eq!(log.since(6).map(|e| e.seq).collect::<Vec<_>>(), [6]);
        log.set_cap(Some(1));
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [6]);
    }
}
