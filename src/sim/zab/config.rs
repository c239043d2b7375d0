//! Ensemble configuration: who votes, the timing knobs of zoo.cfg, and the deliberately
//! broken variants the invariant checker must catch.

use crate::sim::types::{quorum_size, Millis, Sid};

/// Protocol bugs that can be switched on to prove the checker is not blind. Each one is a
/// real mistake, most of them a real ZooKeeper bug (protocol.md §6).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub enum Variant {
    /// The real protocol.
    #[default]
    Correct,
    /// The leader commits a proposal on its own ACK alone, without waiting for a quorum.
    CommitWithoutQuorum,
    /// Synchronisation sends DIFF where TRUNC is due, so a learner keeps txns the leader
    /// never had (ZOOKEEPER-1154's consequence).
    DiffInsteadOfTrunc,
    /// A restarted server forgets acceptedEpoch and reloads it as currentEpoch (why
    /// acceptedEpoch exists: ZOOKEEPER-335).
    ForgetAcceptedEpoch,
    /// A learner ACKs NEWLEADER before logging what the sync sent (ZOOKEEPER-3911).
    AckNewLeaderBeforeLogging,
    /// The leader never checks that its synced voters still make a quorum (Leader.lead's
    /// syncedAckSet check left out): cut off, it goes on leading a minority.
    SkipQuorumCheck,
    /// Followers and observers (not the leader) apply a closeSession without deleting the
    /// session's ephemerals: their trees keep znodes whose owner is gone (invariants 10, 13).
    KeepExpiredEphemerals,
    /// A server accepts a client whose last-seen zxid is ahead of its own last processed
    /// zxid (processConnectRequest's check left out): the client can read the past (14, 15).
    AcceptClientAhead,
    /// The lock recipe's waiter takes the lock as soon as its predecessor's node goes,
    /// without listing the children again: when the predecessor was a waiter that gave up
    /// (crashed, expired, released) rather than the holder, two clients hold (18).
    LockNoRecheck,
    /// The resource a lock protects accepts every write, whatever its fencing token: a
    /// holder paused past its session's expiry overwrites its successor's work (18).
    SkipFencing,
}

impl Variant {
    pub const ALL_BROKEN: [Variant; 9] = [
        Variant::CommitWithoutQuorum,
        Variant::DiffInsteadOfTrunc,
        Variant::ForgetAcceptedEpoch,
        Variant::AckNewLeaderBeforeLogging,
        Variant::SkipQuorumCheck,
        Variant::KeepExpiredEphemerals,
        Variant::AcceptClientAhead,
        Variant::LockNoRecheck,
        Variant::SkipFencing,
    ];

    /// The broken variants random exploration can reach: all of them, now that its
    /// schedules have clients with ephemerals, failovers, expiring sessions and recipes.
    pub const EXPLORABLE: [Variant; 9] = Variant::ALL_BROKEN;

    pub fn name(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::CommitWithoutQuorum => "commit-without-quorum",
            Variant::DiffInsteadOfTrunc => "diff-instead-of-trunc",
            Variant::ForgetAcceptedEpoch => "forget-accepted-epoch",
            Variant::AckNewLeaderBeforeLogging => "ack-newleader-before-logging",
            Variant::SkipQuorumCheck => "skip-quorum-check",
            Variant::KeepExpiredEphemerals => "keep-expired-ephemerals",
            Variant::AcceptClientAhead => "accept-client-ahead",
            Variant::LockNoRecheck => "lock-no-recheck",
            Variant::SkipFencing => "skip-fencing",
        }
    }

    pub fn parse(name: &str) -> Option<Variant> {
        std::iter::once(Variant::Correct)
            .chain(Variant::ALL_BROKEN)
            .find(|v| v.name() == name)
    }
}

/// The zoo.cfg of the simulated ensemble, shared by every server.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct EnsembleConfig {
    /// Participants, sorted.
    pub voters: Vec<Sid>,
    /// Observers, sorted; never counted in any quorum.
    pub observers: Vec<Sid>,
    /// ZooKeeper's default is 2000 ms; the simulator defaults to 200 ms for pace.
    pub tick_ms: Millis,
    pub init_limit: u64,
    pub sync_limit: u64,
    /// FLE's finalizeWait, and its first notification timeout (both 200 ms in ZooKeeper).
    pub finalize_wait_ms: Millis,
    /// FLE's maxNotificationInterval: the cap of the doubling re-send timeout.
    pub max_notification_interval_ms: Millis,
    /// ZKDatabase.commitLogCount: how many committed txns the leader keeps in memory for DIFFs.
    pub committed_log_max: usize,
    /// How many txns from the on-disk log a DIFF may carry before SNAP is cheaper
    /// (ZooKeeper derives this from snapshotSizeFactor and the snapshot's size).
    pub txn_log_sync_limit: usize,
    pub variant: Variant,
}

impl EnsembleConfig {
    pub fn new(voters: usize, observers: usize) -> EnsembleConfig {
        let voters_n = voters as Sid;
        EnsembleConfig {
            voters: (1..=voters_n).collect(),
            observers: (voters_n + 1..=voters_n + observers as Sid).collect(),
            tick_ms: 200,
            init_limit: 10,
            sync_limit: 5,
            finalize_wait_ms: 200,
            max_notification_interval_ms: 60_000,
            committed_log_max: 500,
            txn_log_sync_limit: 1000,
            variant: Variant::Correct,
        }
    }

    pub fn is_voter(&self, sid: Sid) -> bool {
        self.voters.binary_search(&sid).is_ok()
    }

    pub fn is_observer(&self, sid: Sid) -> bool {
        self.observers.binary_search(&sid).is_ok()
    }

    /// Every server, voters then observers.
    pub fn all(&self) -> impl Iterator<Item = Sid> + '_ {
        self.voters.iter().chain(self.observers.iter()).copied()
    }

    pub fn server_count(&self) -> usize {
        self.voters.len() + self.observers.len()
    }

    pub fn quorum(&self) -> usize {
        quorum_size(self.voters.len())
    }

    /// True if the voters among `sids` form a strict majority of the voters.
    pub fn is_quorum<'a>(&self, sids: impl IntoIterator<Item = &'a Sid>) -> bool {
        sids.into_iter().filter(|s| self.is_voter(**s)).count() >= self.quorum()
    }

    pub fn sync_timeout_ms(&self) -> Millis {
        self.sync_limit * self.tick_ms
    }

    pub fn init_timeout_ms(&self) -> Millis {
        self.init_limit * self.tick_ms
    }
}
