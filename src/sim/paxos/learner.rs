//! The learner: records values once they are chosen. Every server learns, observers too.

use super::message::{Slot, Value};
use super::server::PaxosServer;
use crate::sim::zab::server::Observation;

impl PaxosServer {
    pub(crate) fn learn(&mut self, slot: Slot, value: Value) {
        if self.chosen.contains_key(&slot) {
            return;
        }
        self.chosen.insert(slot, value.clone());
        self.observe(Observation::PaxosLearned { slot, value });
    }
}
