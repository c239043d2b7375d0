//! The scenario language: one command a line, `#` comments. The same scripts drive the CLI,
//! the tests, presets, shareable links and the explorer's replays.
//!
//! ```text
//! servers 5          # config lines come before the first action
//! seed 7
//! start all
//! until stable 10s
//! crash 5
//! cut 1>2            # one way; `cut 1 2` cuts both ways
//! write at 2 /a hello
//! status
//! expect leader 4
//! ```

pub mod commands;
pub mod expect_client;
pub mod export;
pub mod lex;
pub mod parse;
pub mod run;
pub mod step;

use crate::sim::command::Command;
use crate::sim::data::Code;
use crate::sim::types::{Millis, Sid, Zxid};

/// A parsed script: statements with the line each came from.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Script {
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// 1-based line number in the source.
    pub number: usize,
    pub stmt: Stmt,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UntilGoal {
    /// Some leader is serving (BROADCAST).
    Leader,
    /// One leader in BROADCAST and every live server that can reach it follows it, synced.
    Stable,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    // configuration (before the first action)
    Servers(usize),
    Observers(usize),
    Seed(u64),
    Tick(Millis),
    Latency(Millis, Millis),
    InitLimit(u64),
    SyncLimit(u64),
    /// A deliberately broken protocol variant, by name (zab::config::Variant, or
    /// paxos::PaxosVariant with a Paxos protocol).
    Variant(String),
    /// Which protocol the ensemble runs: zab (the default), paxos or paxos-single.
    Protocol(String),
    /// Paxos: randomised back-off before a proposer retries (on by default).
    Backoff(bool),
    // actions
    /// A fault or client action: the command the world applies.
    Act(Command),
    Run(Millis),
    Until(UntilGoal, Option<Millis>),
    Status,
    // expectations
    ExpectLeader(Sid),
    ExpectZxid(Sid, Zxid),
    ExpectMode(Sid, String),
    ExpectEpoch(Sid, u64),
    /// How the server was last brought up to date by a leader: DIFF, TRUNC or SNAP.
    ExpectSync(Sid, String),
    /// Paxos: the server has learned this many chosen slots.
    ExpectChosen(Sid, u64),
    /// The server's node count, as `srvr` reports it (znodes + 1: 5 when fresh).
    ExpectNodes(Sid, usize),
    /// The server's tree holds the znode with this data (`None`: it holds no such znode,
    /// written `absent`).
    ExpectNode(Sid, String, Option<String>),
    /// The checker must have found a violation of this invariant (for broken variants).
    ExpectViolation(crate::sim::check::Invariant),
    /// The checker must have found nothing so far.
    ExpectNoViolations,
    /// Client C's last getData of PATH.
    ExpectRead(String, String, ReadWant),
    /// Client C's last getChildren of PATH: the children's names.
    ExpectChildren(String, String, Vec<String>),
    /// Client C's last exists of PATH.
    ExpectExists(String, String, bool),
    /// Client C's last write: `None` is ok, else the error.
    ExpectResult(String, Option<Code>),
    /// The name client C's last create made.
    ExpectCreated(String, String),
    /// Client C's session, as the ensemble sees it.
    ExpectSession(String, SessionWant),
    /// How many watch events client C received for PATH (of one kind, if given).
    ExpectWatch(
        String,
        String,
        usize,
        Option<crate::sim::zab::client::WatchKind>,
    ),
    /// Exactly these clients believe they hold the recipe lock (or lead the election) at
    /// PATH; none if the list is empty (`expect holder PATH none`).
    ExpectHolder(String, Vec<String>),
    /// Client C's configuration watch last read this value (`None`: no such znode).
    ExpectConfig(String, Option<String>),
    /// Client C's last write to the resource the lock at PATH protects was accepted (`true`)
    /// or refused for its stale fencing token (`false`).
    ExpectResource(String, String, bool),
}

/// What `expect read` wants.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadWant {
    Data(String),
    /// NONODE.
    Absent,
    Error(Code),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionWant {
    Live,
    Expired,
    Closed,
}

impl SessionWant {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionWant::Live => "live",
            SessionWant::Expired => "expired",
            SessionWant::Closed => "closed",
        }
    }
}
