//! The proposer: phase 1 (PREPARE, collect PROMISEs), phase 2 (ACCEPT, collect ACCEPTED),
//! and, in Multi-Paxos, the distinguished leader that does phase 1 once for all open slots,
//! keeps followers quiet with heartbeats, and is pre-empted by any higher ballot.

use super::message::{AcceptedEntry, Ballot, PaxosMsg, Slot, Value};
use super::server::{PaxosMode, PaxosServer, PaxosVariant};
use super::server::{PaxosObservation, PaxosOutput as Output, PaxosTimer};
use crate::sim::data::RequestId;
use crate::sim::types::Sid;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A proposer's state for one ballot.
#[derive(Clone, Debug, Hash)]
pub struct Proposer {
    pub ballot: Ballot,
    /// Phase 1 covers every slot from here on.
    pub from_slot: Slot,
    pub promises: BTreeMap<Sid, Rc<[AcceptedEntry]>>,
    /// A quorum promised: phase 2 may run.
    pub leading: bool,
    pub next_slot: Slot,
    /// Phase-2 proposals waiting for a quorum of ACCEPTED.
    pub proposals: BTreeMap<Slot, (Value, BTreeSet<Sid>)>,
}

impl PaxosServer {
    fn election_timeout(&self) -> u64 {
        self.cfg.ensemble.sync_timeout_ms()
    }

    fn backoff(&self) -> u64 {
        if self.cfg.backoff {
            self.cfg.ensemble.sync_timeout_ms()
        } else {
            0
        }
    }

    pub(crate) fn arm_election_timer(&mut self) {
        if self.cfg.mode == PaxosMode::Multi {
            let (after, jitter) = (self.election_timeout(), self.backoff());
            self.timer(PaxosTimer::Election, after, jitter);
        }
    }

    /// Multi-Paxos: no word from a leader for a whole timeout: try to lead.
    pub(crate) fn on_election_timer(&mut self) {
        if self.proposer.is_some() {
            return;
        }
        let quiet = self.now.saturating_sub(self.last_heard) >= self.election_timeout();
        if self.leader.is_none() || quiet {
            self.leader = None;
            self.start_phase1();
        } else {
            let (after, jitter) = (
                self.last_heard + self.election_timeout() - self.now,
                self.backoff(),
            );
            self.timer(PaxosTimer::Election, after, jitter);
        }
    }

    /// Phase 1a with a ballot above anything seen.
    pub(crate) fn start_phase1(&mut self) {
        let ballot = self.next_ballot();
        self.max_seen = ballot;
        let from_slot = if self.cfg.mode == PaxosMode::SingleDecree {
            0
        } else {
            self.learned_upto()
        };
        self.proposer = Some(Proposer {
            ballot,
            from_slot,
            promises: BTreeMap::new(),
            leading: false,
            next_slot: from_slot,
            proposals: BTreeMap::new(),
        });
        self.observe(PaxosObservation::Preparing { ballot });
        let (after, jitter) = (self.cfg.ensemble.init_timeout_ms(), self.backoff());
        self.timer(PaxosTimer::Retry, after, jitter);
        self.send_to_acceptors(PaxosMsg::Prepare { ballot, from_slot });
    }

    pub(crate) fn on_promise(&mut self, from: Sid, ballot: Ballot, accepted: &Rc<[AcceptedEntry]>) {
        let cfg = self.cfg.clone();
        let Some(p) = self
            .proposer
            .as_mut()
            .filter(|p| p.ballot == ballot && !p.leading)
        else {
            return;
        };
        p.promises.insert(from, accepted.clone());
        if cfg.ensemble.is_quorum(p.promises.keys()) {
            self.become_leading();
        }
    }

    /// A quorum promised. Every open slot a promise reported gets the value of the highest
    /// ballot accepted there (a value may already be chosen: re-proposing it is the only safe
    /// choice); gaps get no-ops; then new commands may follow at once.
    fn become_leading(&mut self) {
        let ignore = self.cfg.variant == PaxosVariant::IgnorePromisedValues;
        let single = self.cfg.mode == PaxosMode::SingleDecree;
        let p = self.proposer.as_mut().expect("checked");
        p.leading = true;
        let ballot = p.ballot;
        let mut highest: BTreeMap<Slot, (Ballot, Value)> = BTreeMap::new();
        for entry in p.promises.values().flat_map(|a| a.iter()) {
            let better = highest
                .get(&entry.slot)
                .is_none_or(|(b, _)| entry.ballot > *b);
            if better && !ignore {
                highest.insert(entry.slot, (entry.ballot, entry.value.clone()));
            }
        }
        let from = p.from_slot;
        let last = highest
            .keys()
            .next_back()
            .copied()
            .map_or(from, |s| s + 1)
            .max(from);
        let (mut reproposed, mut noops) = (0, 0);
        let mut accepts = Vec::new();
        for slot in from..last {
            if self.chosen.contains_key(&slot) {
                continue;
            }
            let value = match highest.remove(&slot) {
                Some((_, v)) => {
                    reproposed += 1;
                    v
                }
                None => {
                    noops += 1;
                    Value::Noop
                }
            };
            accepts.push((slot, value));
        }
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        p.next_slot = last;
        if !single {
            self.leader = Some(self.id);
        }
        self.observe(PaxosObservation::Leading {
            ballot,
            reproposed,
            noops,
        });
        for (slot, value) in accepts {
            self.send_accept(slot, value);
        }
        if single {
            // Single-decree: slot 0 carries the promised value, or our own.
            if self
                .proposer
                .as_ref()
                .is_some_and(|p| p.proposals.is_empty())
                && !self.chosen.contains_key(&0)
            {
                if let Some((request, data)) = self.pending.front().cloned() {
                    self.proposer.as_mut().expect("checked").next_slot = 1;
                    self.send_accept(0, Value::Cmd { request, data });
                }
            }
            if self
                .proposer
                .as_ref()
                .is_some_and(|p| p.proposals.is_empty())
            {
                // A probe that found nothing accepted has nothing to propose: done.
                self.proposer = None;
                self.out.push(Output::CancelTimer(PaxosTimer::Retry));
            }
            return;
        }
        let queued: Vec<(RequestId, Rc<str>)> = self.pending.drain(..).collect();
        for (request, data) in queued {
            self.propose(Value::Cmd { request, data });
        }
        if self.proposer.is_none() {
            return; // pre-empted already
        }
        // From now on the retry timer re-sends whatever is still open, every initLimit.
        let after = self.cfg.ensemble.init_timeout_ms();
        self.timer(PaxosTimer::Retry, after, 0);
        self.on_heartbeat_timer();
    }

    fn propose(&mut self, value: Value) {
        let Some(p) = self.proposer.as_mut().filter(|p| p.leading) else {
            // Pre-empted while proposing (even by our own acceptor): keep the command for
            // whoever leads next.
            if let Value::Cmd { request, data } = value {
                self.pending.push_back((request, data));
            }
            return;
        };
        let slot = p.next_slot;
        p.next_slot += 1;
        self.send_accept(slot, value);
    }

    fn send_accept(&mut self, slot: Slot, value: Value) {
        let Some(p) = self.proposer.as_mut().filter(|p| p.leading) else {
            return;
        };
        let ballot = p.ballot;
        p.proposals.insert(slot, (value.clone(), BTreeSet::new()));
        self.send_to_acceptors(PaxosMsg::Accept {
            ballot,
            slot,
            value,
        });
    }

    pub(crate) fn on_accepted(&mut self, from: Sid, ballot: Ballot, slot: Slot) {
        let cfg = self.cfg.clone();
        let Some(p) = self
            .proposer
            .as_mut()
            .filter(|p| p.ballot == ballot && p.leading)
        else {
            return;
        };
        let Some((_, acks)) = p.proposals.get_mut(&slot) else {
            return;
        };
        acks.insert(from);
        if !cfg.ensemble.is_quorum(acks.iter()) {
            return;
        }
        let (value, acks) = p.proposals.remove(&slot).expect("present");
        self.observe(PaxosObservation::Chosen {
            slot,
            ballot,
            value: value.clone(),
            acks: acks.into_iter().collect(),
        });
        self.send_to_everyone(PaxosMsg::Chosen { slot, value });
        if cfg.mode == PaxosMode::SingleDecree {
            self.proposer = None;
            self.out.push(Output::CancelTimer(PaxosTimer::Retry));
        }
    }

    /// Pre-empted: a higher ballot exists. Step back and, after a (randomised) back-off, let
    /// the election or retry timer decide whether to try again.
    pub(crate) fn on_nack(&mut self, ballot: Ballot, promised: Ballot) {
        self.max_seen = self.max_seen.max(promised);
        if self.proposer.as_ref().is_none_or(|p| p.ballot != ballot) {
            return;
        }
        self.proposer = None;
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        self.observe(PaxosObservation::Preempted {
            ballot,
            by: promised,
        });
        self.out.push(Output::CancelTimer(PaxosTimer::Heartbeat));
        match self.cfg.mode {
            PaxosMode::Multi => {
                self.last_heard = self.now;
                self.arm_election_timer();
            }
            PaxosMode::SingleDecree => {
                let (after, jitter) = (self.cfg.ensemble.tick_ms, self.backoff());
                self.timer(PaxosTimer::Retry, after, jitter);
            }
        }
    }

    /// Phase 1 or 2 stalled (lost messages, no quorum reachable): try again, higher.
    pub(crate) fn on_retry_timer(&mut self) {
        let single = self.cfg.mode == PaxosMode::SingleDecree;
        if single && self.chosen.contains_key(&0) {
            self.proposer = None;
            return;
        }
        match &self.proposer {
            Some(p) if p.leading && !single => {
                // A leader re-sends what is still open; a lost message must not stall a slot.
                let open: Vec<(Slot, Value)> = p
                    .proposals
                    .iter()
                    .map(|(s, (v, _))| (*s, v.clone()))
                    .collect();
                let ballot = p.ballot;
                for (slot, value) in open {
                    self.send_to_acceptors(PaxosMsg::Accept {
                        ballot,
                        slot,
                        value,
                    });
                }
                let after = self.cfg.ensemble.init_timeout_ms();
                self.timer(PaxosTimer::Retry, after, 0);
            }
            Some(_) => self.start_phase1(),
            None if single && !self.pending.is_empty() => self.start_phase1(),
            None => {}
        }
    }

    pub(crate) fn on_heartbeat_timer(&mut self) {
        let Some(p) = self.proposer.as_ref().filter(|p| p.leading) else {
            return;
        };
        let ballot = p.ballot;
        let chosen_upto = self.learned_upto();
        let others: Vec<Sid> = self.cfg.ensemble.all().filter(|s| *s != self.id).collect();
        for s in others {
            self.send(
                s,
                PaxosMsg::Heartbeat {
                    ballot,
                    chosen_upto,
                },
            );
        }
        let after = self.cfg.ensemble.tick_ms / 2;
        self.timer(PaxosTimer::Heartbeat, after, 0);
    }

    pub(crate) fn on_heartbeat(&mut self, from: Sid, ballot: Ballot, _chosen_upto: Slot) {
        if ballot < self.max_seen && ballot < self.disk.promised {
            return; // a stale leader: it will learn from the NACKs to its next ACCEPT
        }
        self.max_seen = self.max_seen.max(ballot);
        self.follow(from);
        let learned_upto = self.learned_upto();
        self.send(
            from,
            PaxosMsg::HeartbeatAck {
                ballot,
                learned_upto,
            },
        );
    }

    /// Follow `leader`: a proposer with a lower ballot gives way; queued commands go to it.
    pub(crate) fn follow(&mut self, leader: Sid) {
        self.last_heard = self.now;
        if self
            .proposer
            .as_ref()
            .is_some_and(|p| p.ballot < self.max_seen)
        {
            self.proposer = None;
            self.out.push(Output::CancelTimer(PaxosTimer::Heartbeat));
            self.out.push(Output::CancelTimer(PaxosTimer::Retry));
        }
        if self.leader != Some(leader) {
            self.leader = Some(leader);
            self.arm_election_timer();
        }
        while let Some((request, data)) = self.pending.pop_front() {
            self.send(leader, PaxosMsg::Forward { request, data });
        }
    }

    /// The leader helps a follower that missed CHOSEN messages catch up.
    pub(crate) fn on_heartbeat_ack(&mut self, from: Sid, ballot: Ballot, learned_upto: Slot) {
        if !self
            .proposer
            .as_ref()
            .is_some_and(|p| p.leading && p.ballot == ballot)
        {
            return;
        }
        let missing: Vec<(Slot, Value)> = self
            .chosen
            .range(learned_upto..)
            .take(32)
            .map(|(s, v)| (*s, v.clone()))
            .collect();
        for (slot, value) in missing {
            self.send(from, PaxosMsg::Chosen { slot, value });
        }
    }

    /// A client command reaches this server (or is forwarded to it).
    pub(crate) fn on_client(&mut self, request: RequestId, data: Rc<str>) {
        match self.cfg.mode {
            PaxosMode::Multi => {
                if self.proposer.as_ref().is_some_and(|p| p.leading) {
                    self.propose(Value::Cmd { request, data });
                } else if let Some(leader) = self.leader.filter(|l| *l != self.id) {
                    self.send(leader, PaxosMsg::Forward { request, data });
                } else {
                    self.pending.push_back((request, data));
                }
            }
            PaxosMode::SingleDecree => {
                if self.chosen.contains_key(&0) {
                    return self.observe(PaxosObservation::Refused {
                        request,
                        note: "the single decree is already chosen",
                    });
                }
                self.pending.push_back((request, data));
                if self.proposer.is_none() {
                    self.start_phase1();
                }
            }
        }
    }
}
