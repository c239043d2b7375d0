//! Paxos's invariants, checked as the run goes (numbered after Zab's: 21 to 24):
//! 21. At most one value is chosen per slot.
//! 22. A chosen value never changes (no later ballot gets a different value chosen).
//! 23. Learners learn only chosen values.
//! 24. Promises never go backwards, across crashes too.
//! A value is chosen when a quorum of acceptors accepted it under the same ballot; the
//! checker computes that itself from the acceptors' durable writes.

use super::{record, Invariant, Violation};
use crate::sim::chunked::ChunkedMap;
use crate::sim::node::Monitor;
use crate::sim::paxos::message::{Ballot, Slot, Value};
use crate::sim::paxos::server::PaxosDisk;
use crate::sim::paxos::server::{PaxosConfig, PaxosObservation, PaxosServer};
use crate::sim::types::{Millis, Sid};
use crate::sim::zab::EnsembleConfig;
use std::collections::BTreeSet;
use std::rc::Rc;

#[derive(Clone)]
pub struct PaxosChecker {
    cfg: Rc<EnsembleConfig>,
    violations: Vec<Violation>,
    promised: Vec<Ballot>,
    /// Who accepted what in each (slot, ballot). Both maps grow with every slot: chunked, so
    /// the timeline's copies of the checker share them.
    accepts: ChunkedMap<(Slot, Ballot), (Value, BTreeSet<Sid>)>,
    /// What is chosen, and under which ballot it first was.
    chosen: ChunkedMap<Slot, (Value, Ballot)>,
}

impl PaxosChecker {
    pub fn new(cfg: Rc<EnsembleConfig>) -> PaxosChecker {
        let n = cfg.server_count();
        PaxosChecker {
            cfg,
            violations: Vec::new(),
            promised: vec![Ballot::ZERO; n],
            accepts: ChunkedMap::new(),
            chosen: ChunkedMap::new(),
        }
    }

    /// A digest of everything the checker remembers, in key order (`accepts` hashes as the
    /// sorted `Vec` of its entries it was hashed as when it was a hash map).
    pub fn state_digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::sim::data::Fnv::default();
        let accepts = &self.accepts;
        (accepts, &self.promised, &self.chosen, self.violations.len()).hash(&mut h);
        h.finish()
    }

    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn chosen(&self) -> &ChunkedMap<Slot, (Value, Ballot)> {
        &self.chosen
    }

    fn violate(
        &mut self,
        event: u64,
        at: Millis,
        invariant: Invariant,
        servers: Vec<Sid>,
        explanation: String,
    ) {
        record(
            &mut self.violations,
            event,
            at,
            invariant,
            servers,
            explanation,
        );
    }

    pub fn on_boot(&mut self, event: u64, at: Millis, sid: Sid, disk: &PaxosDisk) {
        let before = self.promised[sid as usize - 1];
        if disk.promised < before {
            let now = disk.promised;
            self.violate(event, at, Invariant::PromisesNeverGoBack, vec![sid], format!("s{sid} restarted having promised {now}, but it had promised {before} before the crash: a promise went backwards"));
        }
        self.promised[sid as usize - 1] = disk.promised.max(before);
    }

    pub fn on_wipe(&mut self, sid: Sid) {
        self.promised[sid as usize - 1] = Ballot::ZERO;
    }

    pub fn observe(&mut self, event: u64, at: Millis, sid: Sid, o: &PaxosObservation) {
        match o {
            PaxosObservation::Promised { ballot } => {
                let before = self.promised[sid as usize - 1];
                if *ballot < before {
                    self.violate(
                        event,
                        at,
                        Invariant::PromisesNeverGoBack,
                        vec![sid],
                        format!("s{sid} promised {ballot} after promising {before}"),
                    );
                }
                self.promised[sid as usize - 1] = before.max(*ballot);
            }
            PaxosObservation::Accepted {
                slot,
                ballot,
                value,
            } => self.on_accepted(event, at, sid, *slot, *ballot, value),
            PaxosObservation::Learned { slot, value } => {
                match self.chosen.get(slot) {
                    Some((v, _)) if v == value => {}
                    Some((v, _)) => {
                        let v = v.clone();
                        self.violate(event, at, Invariant::LearnOnlyChosen, vec![sid], format!("s{sid} learned {value} for slot {slot}, but {v} is the chosen value"));
                    }
                    None => self.violate(
                        event,
                        at,
                        Invariant::LearnOnlyChosen,
                        vec![sid],
                        format!("s{sid} learned {value} for slot {slot}, which no quorum accepted"),
                    ),
                }
            }
            _ => {}
        }
    }

    fn on_accepted(
        &mut self,
        event: u64,
        at: Millis,
        sid: Sid,
        slot: Slot,
        ballot: Ballot,
        value: &Value,
    ) {
        let entry =
            (self.accepts).get_or_insert_with((slot, ballot), || (value.clone(), BTreeSet::new()));
        if entry.0 != *value {
            let first = entry.0.clone();
            return self.violate(
                event,
                at,
                Invariant::OneValuePerSlot,
                vec![sid, ballot.sid],
                format!("ballot {ballot} proposed two values for slot {slot}: {first} and {value}"),
            );
        }
        entry.1.insert(sid);
        if !self.cfg.is_quorum(entry.1.iter()) {
            return;
        }
        match self.chosen.get(&slot) {
            None => {
                self.chosen.insert(slot, (value.clone(), ballot));
            }
            Some((v, _)) if v == value => {}
            Some((v, first)) => {
                let (v, first) = (v.clone(), *first);
                let acceptors: Vec<Sid> = entry.1.iter().copied().collect();
                self.violate(
                    event,
                    at,
                    Invariant::ChosenNeverChanges,
                    acceptors,
                    format!("slot {slot} had {v} chosen under ballot {first}, and now a quorum accepted {value} under {ballot}: a chosen value changed"),
                );
            }
        }
    }
}

impl Monitor<PaxosServer> for PaxosChecker {
    fn new(cfg: Rc<PaxosConfig>) -> PaxosChecker {
        PaxosChecker::new(Rc::new(cfg.ensemble.clone()))
    }

    fn on_boot(&mut self, event: u64, at: Millis, node: &PaxosServer) {
        PaxosChecker::on_boot(self, event, at, node.id, &node.disk)
    }

    /// A crash loses nothing an acceptor promised (its disk survives): nothing to forget.
    fn on_crash(&mut self, _sid: Sid) {}

    fn on_wipe(&mut self, sid: Sid) {
        PaxosChecker::on_wipe(self, sid)
    }

    fn observe(&mut self, event: u64, at: Millis, node: &PaxosServer, o: &PaxosObservation) {
        PaxosChecker::observe(self, event, at, node.id, o)
    }

    fn violations(&self) -> &[Violation] {
        PaxosChecker::violations(self)
    }

    fn state_digest(&self) -> u64 {
        PaxosChecker::state_digest(self)
    }
}
