//! The acceptor: promises (phase 1b) and accepts (phase 2b), both durable before it answers.

use super::message::{AcceptedEntry, Ballot, PaxosMsg, Slot, Value};
use super::server::PaxosObservation;
use super::server::PaxosServer;
use crate::sim::types::Sid;
use std::rc::Rc;

impl PaxosServer {
    /// 1a -> 1b: promise a ballot at least as high as any promised before (re-promising the
    /// same ballot is harmless: its proposer asks twice only when a message was lost).
    pub(crate) fn on_prepare(&mut self, from: Sid, ballot: Ballot, from_slot: Slot) {
        if !self.is_acceptor() {
            return;
        }
        if let Err(promised) = self.promise_at_least(ballot) {
            return self.reply(from, PaxosMsg::Nack { ballot, promised });
        }
        let accepted: Rc<[AcceptedEntry]> = self
            .disk
            .accepted
            .range(from_slot..)
            .map(|(slot, (b, v))| AcceptedEntry {
                slot: *slot,
                ballot: *b,
                value: v.clone(),
            })
            .collect();
        self.reply(from, PaxosMsg::Promise { ballot, accepted });
    }

    /// 2a -> 2b: accept unless a higher ballot was promised.
    pub(crate) fn on_accept(&mut self, from: Sid, ballot: Ballot, slot: Slot, value: Value) {
        if !self.is_acceptor() {
            return;
        }
        if let Err(promised) = self.promise_at_least(ballot) {
            return self.reply(from, PaxosMsg::Nack { ballot, promised });
        }
        self.disk.accepted.insert(slot, (ballot, value.clone()));
        self.observe(PaxosObservation::Accepted {
            slot,
            ballot,
            value,
        });
        // An ACCEPT from a leader is as good as a heartbeat.
        if from != self.id && self.cfg.mode == super::server::PaxosMode::Multi {
            self.follow(ballot.sid);
        }
        self.reply(from, PaxosMsg::Accepted { ballot, slot });
    }

    /// Raises the durable promise to `ballot` if it is higher; refuses (with the promise it
    /// holds) a ballot below it.
    fn promise_at_least(&mut self, ballot: Ballot) -> Result<(), Ballot> {
        self.max_seen = self.max_seen.max(ballot);
        if ballot < self.disk.promised {
            return Err(self.disk.promised);
        }
        if ballot > self.disk.promised {
            self.disk.promised = ballot;
            self.observe(PaxosObservation::Promised { ballot });
        }
        Ok(())
    }

    /// Answers go to the sender; a server's answer to itself is handled at once.
    pub(crate) fn reply(&mut self, to: Sid, m: PaxosMsg) {
        if to == self.id {
            self.deliver_to_self(m);
        } else {
            self.send(to, m);
        }
    }

    fn deliver_to_self(&mut self, m: PaxosMsg) {
        match m {
            PaxosMsg::Promise { ballot, accepted } => self.on_promise(self.id, ballot, &accepted),
            PaxosMsg::Accepted { ballot, slot } => self.on_accepted(self.id, ballot, slot),
            PaxosMsg::Nack { ballot, promised } => self.on_nack(ballot, promised),
            _ => {}
        }
    }
}
