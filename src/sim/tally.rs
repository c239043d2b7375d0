//! Counts of the protocol branches a run took (sync modes, election outcomes, refused epochs,
//! step-downs, truncated proposals, Paxos pre-emptions…), kept by the world from the
//! observations its servers report. The explorer adds them up over seeds to show what its
//! schedules exercised; nothing in the simulation reads them.

use super::zab::{AbandonReason, Observation, PeerState, SyncMode};
use std::ops::AddAssign;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub sync_diff: u64,
    pub sync_trunc: u64,
    pub sync_snap: u64,
    /// Elections that ended LEADING, FOLLOWING, OBSERVING.
    pub decided_leading: u64,
    pub decided_following: u64,
    pub decided_observing: u64,
    /// Epochs established (discovery done).
    pub epochs_established: u64,
    /// Learners that refused a leader's epoch (below their acceptedEpoch).
    pub epochs_refused: u64,
    /// Leaders that stepped down for want of a synced quorum.
    pub quorum_lost: u64,
    /// Learners that gave up on a silent leader, or lost its connection.
    pub leader_lost: u64,
    /// Leaders that gave up discovery or sync after initLimit.
    pub init_limit_expired: u64,
    /// TRUNCs that removed txns, and how many txns they removed.
    pub truncations: u64,
    pub truncated_txns: u64,
    pub commits: u64,
    pub paxos_preempted: u64,
    pub paxos_chosen: u64,
    /// Client connections a server took, and those it refused (the client had seen more).
    pub clients_accepted: u64,
    pub clients_refused: u64,
    /// Sessions the leader's tracker expired.
    pub sessions_expired: u64,
}

impl Tally {
    /// Counts what a ZooKeeper observation shows (Paxos counts its own, in `PaxosServer`).
    pub fn observe_zab(&mut self, o: &Observation) {
        match o {
            Observation::SyncChosen { mode, .. } => match mode {
                SyncMode::Diff => self.sync_diff += 1,
                SyncMode::Trunc => self.sync_trunc += 1,
                SyncMode::Snap => self.sync_snap += 1,
            },
            Observation::Decided { state, .. } => match state {
                PeerState::Leading => self.decided_leading += 1,
                PeerState::Following => self.decided_following += 1,
                PeerState::Observing => self.decided_observing += 1,
                PeerState::Looking => {}
            },
            Observation::LeaderEstablished { .. } => self.epochs_established += 1,
            Observation::Abandoned { reason, .. } => match reason {
                AbandonReason::EpochRefused { .. } => self.epochs_refused += 1,
                AbandonReason::QuorumLost { .. } => self.quorum_lost += 1,
                AbandonReason::InitLimitExpired { .. } => self.init_limit_expired += 1,
                r if r.lost_leader() => self.leader_lost += 1,
                _ => {}
            },
            Observation::Truncated { removed, .. } if !removed.is_empty() => {
                self.truncations += 1;
                self.truncated_txns += removed.len() as u64;
            }
            Observation::LeaderCommitted { .. } => self.commits += 1,
            Observation::ClientAccepted { .. } => self.clients_accepted += 1,
            Observation::ClientRefused { .. } => self.clients_refused += 1,
            Observation::SessionExpired { .. } => self.sessions_expired += 1,
            _ => {}
        }
    }

    /// (name, count) rows, for a report.
    pub fn rows(&self) -> [(&'static str, u64); 19] {
        [
            ("sync by DIFF", self.sync_diff),
            ("sync by TRUNC", self.sync_trunc),
            ("sync by SNAP", self.sync_snap),
            ("elections won (LEADING)", self.decided_leading),
            ("elections ended FOLLOWING", self.decided_following),
            ("elections ended OBSERVING", self.decided_observing),
            ("epochs established", self.epochs_established),
            ("epochs refused by a learner", self.epochs_refused),
            ("leaders stepping down (quorum lost)", self.quorum_lost),
            ("learners losing their leader", self.leader_lost),
            ("leaders timing out (initLimit)", self.init_limit_expired),
            ("TRUNCs that removed txns", self.truncations),
            ("txns removed by TRUNC", self.truncated_txns),
            ("commits", self.commits),
            ("Paxos ballots pre-empted", self.paxos_preempted),
            ("Paxos values chosen", self.paxos_chosen),
            ("client connections taken", self.clients_accepted),
            ("clients refused (seen a newer zxid)", self.clients_refused),
            ("sessions expired", self.sessions_expired),
        ]
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.sync_diff += o.sync_diff;
        self.sync_trunc += o.sync_trunc;
        self.sync_snap += o.sync_snap;
        self.decided_leading += o.decided_leading;
        self.decided_following += o.decided_following;
        self.decided_observing += o.decided_observing;
        self.epochs_established += o.epochs_established;
        self.epochs_refused += o.epochs_refused;
        self.quorum_lost += o.quorum_lost;
        self.leader_lost += o.leader_lost;
        self.init_limit_expired += o.init_limit_expired;
        self.truncations += o.truncations;
        self.truncated_txns += o.truncated_txns;
        self.commits += o.commits;
        self.paxos_preempted += o.paxos_preempted;
        self.paxos_chosen += o.paxos_chosen;
        self.clients_accepted += o.clients_accepted;
        self.clients_refused += o.clients_refused;
        self.sessions_expired += o.sessions_expired;
    }
}
