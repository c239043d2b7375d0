//! The invariant checkers (protocol.md §5 for Zab, §7 for Paxos), evaluated after every event.
//! Each builds its own view of the truth from what crosses the wire and what servers report,
//! and records every breach as a `Violation`: the event, the invariant, the servers involved
//! and a plain-language explanation. A checker that can never fail proves nothing: each one
//! is proven by the broken variants it must catch (`zab::Variant`, `paxos::PaxosVariant`).

pub mod paxos;
pub mod zab;

pub use paxos::PaxosChecker;
pub use zab::Checker;

use super::types::{Millis, Sid};
use std::fmt;

/// Every invariant a checker evaluates, numbered as in protocol.md §5 (Zab) and §7 (Paxos,
/// from 21). Only these can be expected by a script (`expect violation N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    OneLeaderPerEpoch,
    EpochsNeverGoBack,
    OneTxnPerZxid,
    LogsIncreasing,
    CommitNeedsQuorum,
    ApplyInOrder,
    PrefixConsistency,
    Durability,
    ProposalsFromCurrentLeader,
    EqualHistoriesEqualTrees,
    LeaderStepsDown,
    ObserversNeverCount,
    EphemeralsOfLiveSessions,
    LastZxidNeverGoesBack,
    ReadsNeverGoBack,
    SyncThenRead,
    ExpiryLeavesNoEphemerals,
    OneLockHolder,
    OneValuePerSlot,
    ChosenNeverChanges,
    LearnOnlyChosen,
    PromisesNeverGoBack,
}

impl Invariant {
    pub const ALL: [Invariant; 22] = [
        Invariant::OneLeaderPerEpoch,
        Invariant::EpochsNeverGoBack,
        Invariant::OneTxnPerZxid,
        Invariant::LogsIncreasing,
        Invariant::CommitNeedsQuorum,
        Invariant::ApplyInOrder,
        Invariant::PrefixConsistency,
        Invariant::Durability,
        Invariant::ProposalsFromCurrentLeader,
        Invariant::EqualHistoriesEqualTrees,
        Invariant::LeaderStepsDown,
        Invariant::ObserversNeverCount,
        Invariant::EphemeralsOfLiveSessions,
        Invariant::LastZxidNeverGoesBack,
        Invariant::ReadsNeverGoBack,
        Invariant::SyncThenRead,
        Invariant::ExpiryLeavesNoEphemerals,
        Invariant::OneLockHolder,
        Invariant::OneValuePerSlot,
        Invariant::ChosenNeverChanges,
        Invariant::LearnOnlyChosen,
        Invariant::PromisesNeverGoBack,
    ];

    /// Its number in protocol.md.
    pub fn number(self) -> u8 {
        use Invariant::*;
        match self {
            OneLeaderPerEpoch => 1,
            EpochsNeverGoBack => 2,
            OneTxnPerZxid => 3,
            LogsIncreasing => 4,
            CommitNeedsQuorum => 5,
            ApplyInOrder => 6,
            PrefixConsistency => 7,
            Durability => 8,
            ProposalsFromCurrentLeader => 9,
            EqualHistoriesEqualTrees => 10,
            LeaderStepsDown => 11,
            ObserversNeverCount => 12,
            EphemeralsOfLiveSessions => 13,
            LastZxidNeverGoesBack => 14,
            ReadsNeverGoBack => 15,
            SyncThenRead => 16,
            ExpiryLeavesNoEphemerals => 17,
            OneLockHolder => 18,
            OneValuePerSlot => 21,
            ChosenNeverChanges => 22,
            LearnOnlyChosen => 23,
            PromisesNeverGoBack => 24,
        }
    }

    /// The invariant numbered `n`, if a checker evaluates one by that number.
    pub fn from_number(n: u8) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.number() == n)
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        use Invariant::*;
        match self {
            OneLeaderPerEpoch => "one leader per epoch",
            EpochsNeverGoBack => "epochs never go backwards",
            OneTxnPerZxid => "one txn per zxid",
            LogsIncreasing => "logs strictly increasing",
            CommitNeedsQuorum => "commit needs a quorum, in order",
            ApplyInOrder => "apply in zxid order",
            PrefixConsistency => "prefix consistency",
            Durability => "durability of committed txns",
            ProposalsFromCurrentLeader => "proposals only from the current epoch's leader",
            EqualHistoriesEqualTrees => "equal histories, equal trees",
            LeaderStepsDown => "leader without quorum steps down",
            ObserversNeverCount => "observers never count",
            EphemeralsOfLiveSessions => "ephemerals belong to live sessions",
            LastZxidNeverGoesBack => "a client's last-seen zxid never goes back",
            ReadsNeverGoBack => "a client never reads older than it has seen",
            SyncThenRead => "sync, then read, sees what was committed before",
            ExpiryLeavesNoEphemerals => "an applied expiry leaves no ephemerals",
            OneLockHolder => "no two live holders of a lock",
            OneValuePerSlot => "one value per slot (Paxos)",
            ChosenNeverChanges => "a chosen value never changes (Paxos)",
            LearnOnlyChosen => "learners learn only chosen values (Paxos)",
            PromisesNeverGoBack => "promises never go backwards (Paxos)",
        }
    }

    /// What it means, in one line.
    pub fn meaning(self) -> &'static str {
        use Invariant::*;
        match self {
            OneLeaderPerEpoch => "at most one leader per epoch reaches synchronisation or broadcast",
            EpochsNeverGoBack => "acceptedEpoch >= currentEpoch on every server, and neither ever decreases, across crashes too",
            OneTxnPerZxid => "no two different txns share a zxid in any logs",
            LogsIncreasing => "every txn log is strictly increasing by zxid",
            CommitNeedsQuorum => "a leader commits a zxid only after a quorum of fsynced ACKs and after every smaller zxid",
            ApplyInOrder => "every server applies commits in zxid order",
            PrefixConsistency => "the committed prefixes of any two servers agree position by position",
            Durability => "a committed txn is in every later established leader's history; no TRUNC or SNAP removes it",
            ProposalsFromCurrentLeader => "a follower in broadcast accepts a PROPOSAL only from the leader of its currentEpoch",
            EqualHistoriesEqualTrees => "equal committed prefixes give equal znode trees",
            LeaderStepsDown => "a leader that lost its synced quorum steps down within about syncLimit + 1 ticks",
            ObserversNeverCount => "observers never appear in an ACK or vote quorum",
            EphemeralsOfLiveSessions => "every ephemeral znode's owner session is live in the tree's session table; ephemerals have no children",
            LastZxidNeverGoesBack => "the zxid in the replies a client gets never decreases, across failovers too",
            ReadsNeverGoBack => "a client's read of a path never returns a version older than one it has already read or written",
            SyncThenRead => "a read after a sync returns every write to its path committed before the sync was sent",
            ExpiryLeavesNoEphemerals => "once a server applied a session's closeSession, its tree never holds that session's ephemerals again",
            OneLockHolder => "no two clients whose sessions are both live in the committed state believe they hold the same recipe lock (or lead the same election); a lock's resource never accepts a fencing token lower than one it accepted (a paused holder whose session expired is stale, not a violation)",
            OneValuePerSlot => "at most one value is chosen per slot",
            ChosenNeverChanges => "no later ballot gets a different value chosen in a slot",
            LearnOnlyChosen => "learners learn only chosen values",
            PromisesNeverGoBack => "an acceptor's promise never goes backwards, across crashes too",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant {} ({})", self.number(), self.name())
    }
}

/// One breach of an invariant, found after event number `event`.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The index of the event after which it was found (1-based; commands count as the
    /// event they follow).
    pub event: u64,
    pub at: Millis,
    pub invariant: Invariant,
    pub servers: Vec<Sid>,
    pub explanation: String,
}

/// The one way a violation is written, for the CLI, the explorer and the page alike:
/// `invariant 7 (prefix consistency) at event 12, t=340 ms, servers s1, s2: …` (no servers
/// part when it names none).
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let servers: Vec<String> = self.servers.iter().map(|s| format!("s{s}")).collect();
        write!(
            f,
            "{} at event {}, t={} ms",
            self.invariant, self.event, self.at
        )?;
        // A violation about clients (invariant 18) may involve no server in particular.
        if !servers.is_empty() {
            write!(f, ", servers {}", servers.join(", "))?;
        }
        write!(f, ": {}", self.explanation)
    }
}

/// A checker keeps the first hundred violations: after that, the run is broken anyway.
const MAX_VIOLATIONS: usize = 100;

/// Records a violation (shared by the Zab and Paxos checkers).
pub fn record(
    list: &mut Vec<Violation>,
    event: u64,
    at: Millis,
    invariant: Invariant,
    servers: Vec<Sid>,
    explanation: String,
) {
    if list.len() < MAX_VIOLATIONS {
        list.push(Violation {
            event,
            at,
            invariant,
            servers,
            explanation,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        for i in Invariant::ALL {
            assert_eq!(Invariant::from_number(i.number()), Some(i));
            assert!(!i.name().is_empty() && !i.meaning().is_empty());
        }
        assert_eq!(Invariant::from_number(18), Some(Invariant::OneLockHolder));
    }
}
