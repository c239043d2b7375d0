//! Paxos on the wire (Lamport, "Paxos Made Simple"): ballots, values, and the messages of
//! phase 1 (PREPARE / PROMISE), phase 2 (ACCEPT / ACCEPTED), learning (CHOSEN) and the
//! distinguished leader's heartbeats.

use crate::sim::data::RequestId;
use crate::sim::types::Sid;
use std::fmt;
use std::rc::Rc;

/// A ballot `(round, sid)`, totally ordered: round first, then the proposer's id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Ballot {
    pub round: u64,
    pub sid: Sid,
}

impl Ballot {
    pub const ZERO: Ballot = Ballot { round: 0, sid: 0 };
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({},{})", self.round, self.sid)
    }
}

/// A log slot number (an instance of single-decree Paxos).
pub type Slot = u64;

/// What a slot decides: a client command, or a no-op that fills a gap on recovery.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum Value {
    Noop,
    Cmd { request: RequestId, data: Rc<str> },
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => f.write_str("no-op"),
            Value::Cmd { data, .. } => write!(f, "{data}"),
        }
    }
}

/// One accepted proposal an acceptor reports in its PROMISE.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub struct AcceptedEntry {
    pub slot: Slot,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, Hash)]
pub enum PaxosMsg {
    /// 1a: promise me `ballot` for every slot from `from_slot` on.
    Prepare { ballot: Ballot, from_slot: Slot },
    /// 1b: promised, with everything accepted at or after `from_slot`.
    Promise {
        ballot: Ballot,
        accepted: Rc<[AcceptedEntry]>,
    },
    /// 2a: accept `value` in `slot` under `ballot`.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// 2b.
    Accepted { ballot: Ballot, slot: Slot },
    /// Refused: the acceptor has promised a higher ballot.
    Nack { ballot: Ballot, promised: Ballot },
    /// A value was chosen (sent by the proposer that saw a quorum of ACCEPTED).
    Chosen { slot: Slot, value: Value },
    /// The distinguished leader is alive; `chosen_upto` is its first unchosen slot.
    Heartbeat { ballot: Ballot, chosen_upto: Slot },
    /// A follower's answer: the first slot it has not learned.
    HeartbeatAck { ballot: Ballot, learned_upto: Slot },
    /// A client command sent on to the leader.
    Forward { request: RequestId, data: Rc<str> },
    /// A learner that may have missed CHOSEN messages (it was down or cut off) asks for
    /// every chosen slot from `from_slot` on.
    LearnRequest { from_slot: Slot },
}

impl PaxosMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            PaxosMsg::Prepare { .. } => "PREPARE",
            PaxosMsg::Promise { .. } => "PROMISE",
            PaxosMsg::Accept { .. } => "ACCEPT",
            PaxosMsg::Accepted { .. } => "ACCEPTED",
            PaxosMsg::Nack { .. } => "NACK",
            PaxosMsg::Chosen { .. } => "CHOSEN",
            PaxosMsg::Heartbeat { .. } => "HEARTBEAT",
            PaxosMsg::HeartbeatAck { .. } => "HEARTBEAT_ACK",
            PaxosMsg::Forward { .. } => "FORWARD",
            PaxosMsg::LearnRequest { .. } => "LEARN?",
        }
    }
}

impl fmt::Display for PaxosMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        match self {
            PaxosMsg::Prepare { ballot, from_slot } => {
                write!(f, "{kind} {ballot} slot≥{from_slot}")
            }
            PaxosMsg::Promise { ballot, accepted } => {
                write!(f, "{kind} {ballot} ({} accepted)", accepted.len())
            }
            PaxosMsg::Accept {
                ballot,
                slot,
                value,
            } => write!(f, "{kind} {ballot} #{slot}={value}"),
            PaxosMsg::Accepted { ballot, slot } => write!(f, "{kind} {ballot} #{slot}"),
            PaxosMsg::Nack { promised, .. } => write!(f, "{kind} promised {promised}"),
            PaxosMsg::Chosen { slot, value } => write!(f, "{kind} #{slot}={value}"),
            PaxosMsg::Heartbeat {
                ballot,
                chosen_upto,
            } => write!(f, "{kind} {ballot} <{chosen_upto}"),
            PaxosMsg::HeartbeatAck { learned_upto, .. } => write!(f, "{kind} <{learned_upto}"),
            PaxosMsg::Forward { data, .. } => write!(f, "{kind} {data}"),
            PaxosMsg::LearnRequest { from_slot } => write!(f, "{kind} slot≥{from_slot}"),
        }
    }
}
