//! The learner: records values once they are chosen. Every server learns, observers too.

use super::message::{PaxosMsg, Slot, Value};
use super::server::PaxosServer;
use super::server::{PaxosObservation, PaxosTimer};
use crate::sim::types::Sid;

impl PaxosServer {
    pub(crate) fn learn(&mut self, slot: Slot, value: Value) {
        if self.chosen.contains_key(&slot) {
            return;
        }
        self.chosen.insert(slot, value.clone());
        self.observe(PaxosObservation::Learned { slot, value });
    }
}

impl PaxosServer {
    /// Single-decree Paxos has no leader to bring a learner up to date: a learner that has not
    /// learned the decree asks everyone, now and every syncLimit ticks until it knows.
    pub(crate) fn ask_what_is_chosen(&mut self) {
        if self.chosen.contains_key(&0) {
            return;
        }
        let others: Vec<Sid> = self.cfg.ensemble.all().filter(|s| *s != self.id).collect();
        for s in others {
            self.send(s, PaxosMsg::LearnRequest { from_slot: 0 });
        }
        let after = self.cfg.ensemble.sync_timeout_ms();
        self.timer(PaxosTimer::Election, after, 0);
    }

    /// Asking is not always enough: a value can be chosen (a quorum accepted it) while nobody
    /// knows, if its proposer died before it counted the ACCEPTEDs (explorer seeds 32073 and
    /// 87441 of paxos-single waited forever). As Lamport suggests, a learner then finds out by
    /// running a proposal: an acceptor that has accepted something but still learned nothing
    /// one whole asking interval later starts phase 1 itself; the promises hand it the value
    /// of the highest accepted ballot, which it re-proposes (nothing new is ever proposed
    /// this way, so if the quorum accepted nothing it stops there).
    pub(crate) fn probe_if_undecided(&mut self) {
        let undecided = !self.chosen.contains_key(&0)
            && self.proposer.is_none()
            && self.disk.accepted.contains_key(&0);
        if undecided && self.undecided_at_last_ask {
            self.start_phase1();
        }
        self.undecided_at_last_ask = undecided;
    }

    pub(crate) fn on_learn_request(&mut self, from: Sid, from_slot: Slot) {
        let known: Vec<(Slot, Value)> = self
            .chosen
            .range(from_slot..)
            .take(32)
            .map(|(s, v)| (*s, v.clone()))
            .collect();
        for (slot, value) in known {
            self.send(from, PaxosMsg::Chosen { slot, value });
        }
    }
}
