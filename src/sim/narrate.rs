//! Plain language for the feed: one sentence per `FeedItem`, and the cursor that reads the
//! world's feed by sequence number. Pure Rust and read-only: it looks at `FeedItem`s and at a
//! `World`, never changes them. (The page's banner and client requests are in `crate::view`.)

use super::data::{Txn, TxnOp};
use super::engine::{ClientFact, ClientWhat};
use super::paxos::server::PaxosObservation;
use super::types::Sid;
use super::world::{Fact, FeedItem, World};
use super::zab::client::{ClientEvent, OpValue};
use super::zab::learner::CONNECT_TRIES;
use super::zab::recipe::{Recheck, RecipeKind, RecipeStep};
use super::zab::{AbandonReason, EnsembleConfig, Observation, PeerState, SyncMode, Vote};
use std::fmt::Write;

/// What a sentence is about; the feed filters on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Fast Leader Election: rounds, votes, decisions.
    Election,
    /// Discovery: acceptedEpoch / currentEpoch, an epoch established, serving.
    Epoch,
    /// Synchronisation: DIFF / TRUNC / SNAP, a learner up to date.
    Sync,
    /// Proposals and commits (the leader's side of a write).
    Commit,
    /// Each server logging and applying txns (verbose).
    Log,
    /// Client requests answered or refused.
    Client,
    /// Step-downs and lost leaders.
    Fault,
    /// What the person at the page did (crash, cut, write...).
    You,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Election,
        Kind::Epoch,
        Kind::Sync,
        Kind::Commit,
        Kind::Log,
        Kind::Client,
        Kind::Fault,
        Kind::You,
    ];

    /// A short tag, also used as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Election => "election",
            Kind::Epoch => "epoch",
            Kind::Sync => "sync",
            Kind::Commit => "commit",
            Kind::Log => "log",
            Kind::Client => "client",
            Kind::Fault => "fault",
            Kind::You => "you",
        }
    }

    /// Shown by default; the per-server log/apply lines are many and off until asked for.
    pub fn shown_by_default(self) -> bool {
        self != Kind::Log
    }
}

/// One sentence of the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Narration {
    pub kind: Kind,
    pub text: String,
}

fn sids(list: &[Sid]) -> String {
    let mut s = String::new();
    for (i, sid) in list.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "s{sid}");
    }
    s
}

fn op_summary(txn: &Txn) -> String {
    op_words(&txn.op)
}

/// A txn's op in words: what it creates, deletes or sets, and what failed.
fn op_words(op: &TxnOp) -> String {
    match op {
        TxnOp::Create {
            path,
            data,
            ephemeral_owner: 0,
            ..
        } => format!("create {path} = {data:?}"),
        TxnOp::Create {
            path,
            data,
            ephemeral_owner,
            ..
        } => format!("create {path} = {data:?} (ephemeral of 0x{ephemeral_owner:x})"),
        TxnOp::SetData { path, data, .. } => format!("setData {path} = {data:?}"),
        TxnOp::Multi(ops) if op.is_failed_multi() => {
            let code = ops.iter().find_map(|op| match op {
                TxnOp::Error { code } => Some(*code),
                _ => None,
            });
            format!(
                "failed multi ({} ops): error {}",
                ops.len(),
                code.expect("failed")
            )
        }
        TxnOp::Multi(ops) => {
            let ops: Vec<String> = ops.iter().map(op_words).collect();
            format!("multi [{}]", ops.join("; "))
        }
        op => op.to_string(),
    }
}

fn vote_text(v: &Vote) -> String {
    v.to_string()
}

/// Turns one observation into a sentence. `cfg` gives the ensemble's size and limits.
pub fn narrate(e: FeedItem, cfg: &EnsembleConfig) -> Narration {
    let (kind, text) = match e.what {
        Fact::Zab(o) => zab(e.sid, o, cfg),
        Fact::Paxos(o) => paxos(e.sid, o, cfg),
        Fact::Client(c) => (Kind::Client, client_fact(c)),
    };
    Narration { kind, text }
}

fn client_fact(c: &ClientFact) -> String {
    match &c.what {
        ClientWhat::Event(e) => client(&c.name, e),
        ClientWhat::Recipe { kind, path, step } => recipe(&c.name, *kind, path, step),
    }
}

/// A recipe step in plain words: what the program did and why.
fn recipe(name: &str, kind: RecipeKind, path: &str, step: &RecipeStep) -> String {
    let holds = match kind {
        RecipeKind::Election => "leads",
        _ => "holds",
    };
    match step {
        RecipeStep::Started => match kind {
            RecipeKind::Lock => format!("{name} asks for the lock {path}: it will create an ephemeral-sequential node under it"),
            RecipeKind::Election => format!("{name} stands in the election {path}: the lowest ephemeral-sequential node under it leads"),
            RecipeKind::Config => format!("{name} reads the configuration {path} and leaves a watch on it"),
        },
        RecipeStep::Created { node } => format!("{name} created its node {node}; it lists {path} to see whether it is the lowest"),
        RecipeStep::Found { node } => format!("{name}'s create was lost with its connection, but had committed: it found its node {node} by the GUID in its name"),
        RecipeStep::NotFound => format!("{name}'s lost create had not committed (no child of {path} carries its GUID): it creates again"),
        RecipeStep::Acquired { node } => format!("{name} now {holds} {path} (its node {node} is the lowest)"),
        RecipeStep::Watching { node, predecessor } => format!("{name} watches {predecessor}, the node just before its own ({node})"),
        RecipeStep::Rechecking(Recheck::PredecessorDeleted) => format!("{name}'s predecessor under {path} is gone: it lists the children again (the predecessor may have been a waiter, not the holder)"),
        RecipeStep::Rechecking(Recheck::PredecessorGone) => format!("{name}'s predecessor under {path} was already gone: it lists the children again"),
        RecipeStep::Rechecking(Recheck::ConnectionLoss) => format!("{name} lost its connection while waiting for {path}: it will list the children again once reconnected"),
        RecipeStep::Released => match kind {
            RecipeKind::Config => format!("{name} stops watching {path}"),
            _ => format!("{name} lets go of {path}: it deletes its node, which wakes the next in line"),
        },
        RecipeStep::Lost => format!("{name} learns its session expired: it no longer {holds} {path}, and its node is gone"),
        RecipeStep::SessionClosed => format!("{name} closed its session: its node under {path} went with it"),
        RecipeStep::ConfigValue(Some(v)) => format!("{name} reads {path} = {v:?} and watches it again"),
        RecipeStep::ConfigValue(None) => format!("{name} finds no {path}: it watches for its creation"),
        RecipeStep::Failed(code) => format!("{name}'s {} recipe on {path} gives up: {code}", kind.as_str()),
        RecipeStep::Wrote { token, accepted: true, .. } => format!("{name} writes to the resource {path} protects, with fencing token {token} (its node's czxid): accepted"),
        RecipeStep::Wrote { token, highest_before, .. } => format!("{name} writes to the resource {path} protects with token {token}, but the resource has accepted {highest_before} from a later holder: rejected (fencing). {name}'s belief that it holds {path} is stale: its session must have expired while it could not hear"),
        RecipeStep::NotHolding => format!("{name} does not believe it {holds} {path}: it leaves the resource alone"),
        RecipeStep::Paused => format!("{name} is stopped (paused): it does nothing until it wakes"),
    }
}

fn client(name: &str, e: &ClientEvent) -> String {
    match e {
        ClientEvent::Connecting { server } => format!("{name} connects to s{server}"),
        ClientEvent::Connected {
            server,
            session,
            timeout_ms,
            new: true,
        } => format!("{name} is connected to s{server} with new session 0x{session:x} ({timeout_ms} ms timeout)"),
        ClientEvent::Connected {
            server, session, ..
        } => format!("{name} resumes session 0x{session:x} at s{server}"),
        ClientEvent::ConnectionLost { server, why } => {
            format!("{name} loses its connection to s{server}: {}", why.as_str())
        }
        ClientEvent::Requested { op, server } => match op.path() {
            Some(path) => format!("{name} sends {} {path} to s{server}", op.name()),
            None => format!("{name} sends {} to s{server}", op.name()),
        },
        ClientEvent::Result { op, result, zxid, .. } => {
            let what = match op.path() {
                Some(path) => format!("{} {path}", op.name()),
                None => op.name().to_string(),
            };
            match result {
                Ok(v) => format!("{name}'s {what} → {} (zxid {zxid})", value_words(v)),
                Err(code) => format!("{name}'s {what} → {code}"),
            }
        }
        ClientEvent::LastZxid { prev, now, .. } => {
            format!("{name}'s last-seen zxid moves from {prev} to {now}")
        }
        ClientEvent::Expired { server } => {
            format!("{name} is told by s{server} that its session expired")
        }
        ClientEvent::Watch {
            path, kind, server, ..
        } => format!("{name}'s watch fires: {} {path} (from s{server})", kind.event_type()),
    }
}

/// A request's value in words (the feed, and the page's list of answers).
pub fn value_words(v: &OpValue) -> String {
    match v {
        OpValue::Created(p) => format!("created {p}"),
        OpValue::Done => "ok".to_string(),
        OpValue::Data { data, stat } => format!("{data:?} (mzxid {})", stat.mzxid),
        OpValue::Children(c) => format!("[{}]", c.join(", ")),
        OpValue::Exists(Some(s)) => format!("exists (mzxid {})", s.mzxid),
        OpValue::Exists(None) => "does not exist".to_string(),
    }
}

fn zab(s: Sid, o: &Observation, cfg: &EnsembleConfig) -> (Kind, String) {
    let voters = cfg.voters.len();
    match o {
        Observation::ElectionStarted { round, vote } => {
            (
                Kind::Election,
                if vote.leader == s {
                    format!(
                        "s{s} is LOOKING (round {round}) and votes for itself {}",
                        vote_text(vote)
                    )
                } else {
                    format!("s{s} is LOOKING for the leader (round {round}); as an observer it has no vote")
                },
            )
        }
        Observation::VoteChanged { round, vote } => (
            Kind::Election,
            format!(
                "s{s} now votes for s{} {} in round {round}: a better (epoch, zxid, sid)",
                vote.leader,
                vote_text(vote)
            ),
        ),
        Observation::Decided {
            state,
            vote,
            round,
            supporters,
        } => {
            let backed = if supporters.is_empty() {
                String::new()
            } else {
                let counted = supporters.iter().filter(|x| cfg.is_voter(**x)).count();
                format!(", backed by {} ({counted} of {voters})", sids(supporters))
            };
            let what = match state {
                PeerState::Leading => {
                    format!("s{s} wins the election (round {round}) and will lead{backed}")
                }
                PeerState::Following => {
                    format!("s{s} will follow s{} (round {round}){backed}", vote.leader)
                }
                PeerState::Observing => format!("s{s} will observe leader s{}", vote.leader),
                PeerState::Looking => format!("s{s} keeps looking"),
            };
            (Kind::Election, what)
        }
        Observation::AcceptedEpoch { epoch } => (
            Kind::Epoch,
            format!("s{s} accepts epoch {epoch} (acceptedEpoch = {epoch}, on disk)"),
        ),
        Observation::CurrentEpoch { epoch } => (
            Kind::Epoch,
            format!("s{s} moves to epoch {epoch} (currentEpoch = {epoch}, on disk)"),
        ),
        Observation::LeaderEstablished { epoch } => (
            Kind::Epoch,
            format!(
                "s{s} established epoch {epoch}: a quorum sent ACKEPOCH; now it syncs its followers"
            ),
        ),
        Observation::LeaderServing { epoch, zxid } => (
            Kind::Sync,
            format!("s{s} serves epoch {epoch} from {zxid}: a quorum ACKed NEWLEADER"),
        ),
        Observation::ConnectRefused {
            leader,
            next_try,
            retry_ms,
        } => (
            Kind::Epoch,
            format!(
                "s{s}'s connect to s{leader} is refused: nothing listens on s{leader}'s quorum port (it is not leading, not yet or no longer); s{s} tries again in {retry_ms} ms (try {next_try} of {CONNECT_TRIES})"
            ),
        ),
        Observation::LearnerConnected {
            learner,
            observer,
            accepted_epoch,
        } => (
            Kind::Epoch,
            format!(
                "s{s} takes s{learner}'s connection: {} with acceptedEpoch {accepted_epoch}",
                if *observer {
                    "OBSERVERINFO"
                } else {
                    "FOLLOWERINFO"
                }
            ),
        ),
        Observation::SyncChosen {
            learner,
            mode,
            zxid,
            txns,
        } => {
            let more = match txns {
                0 => String::new(),
                1 => ", then 1 txn".to_string(),
                n => format!(", then {n} txns"),
            };
            let text = match mode {
                SyncMode::Diff if *txns == 0 => {
                    format!("s{s} syncs s{learner} by an empty DIFF: it already has {zxid}")
                }
                SyncMode::Diff => format!("s{s} syncs s{learner} by DIFF from {zxid}{more}"),
                SyncMode::Trunc => format!(
                    "s{s} tells s{learner} to TRUNC its log back to {zxid} (it holds txns the leader never committed){more}"
                ),
                SyncMode::Snap => {
                    format!("s{s} sends s{learner} a SNAP: its whole tree as of {zxid}{more}")
                }
            };
            (Kind::Sync, text)
        }
        Observation::Logged {
            txn, leader_epoch, ..
        } => match leader_epoch {
            None => (
                Kind::Commit,
                format!("s{s} proposes {}: {}", txn.zxid, op_summary(txn)),
            ),
            Some(_) => (Kind::Log, format!("s{s} logs {} to disk (fsync)", txn.zxid)),
        },
        Observation::LeaderCommitted { zxid, acks, .. } => (
            Kind::Commit,
            format!(
                "{zxid} committed: {} of {voters} ACKs ({})",
                acks.iter().filter(|x| cfg.is_voter(**x)).count(),
                sids(acks)
            ),
        ),
        Observation::Applied { txn, .. } => (
            Kind::Log,
            format!("s{s} applies {} ({})", txn.zxid, op_summary(txn)),
        ),
        Observation::Synced { leader, upto } => (
            Kind::Sync,
            format!("s{s} is in sync with leader s{leader} (committed up to {upto}) and serves"),
        ),
        Observation::Truncated { to, removed } => {
            let zxids: Vec<String> = removed.iter().map(|t| t.zxid.to_string()).collect();
            let text = match removed.len() {
                0 => format!("s{s} truncates its log to {to}"),
                n => format!(
                    "s{s} truncates its log to {to}, dropping {n} uncommitted txn{} ({})",
                    if n == 1 { "" } else { "s" },
                    zxids.join(", ")
                ),
            };
            (Kind::Sync, text)
        }
        Observation::SnapInstalled { zxid } => (
            Kind::Sync,
            format!("s{s} replaces its tree with the leader's snapshot at {zxid}"),
        ),
        Observation::Abandoned { role, reason } => (Kind::Fault, abandoned(s, *role, reason, cfg)),
        Observation::ClientReply {
            request,
            zxid,
            note,
        } => (
            Kind::Client,
            match zxid {
                Some(z) if *request >= 1 << 63 => format!("s{s} answers its client: committed as {z}"),
                Some(z) => format!("s{s} answers its client: request #{request} committed as {z}"),
                None => format!("s{s} refuses request #{request}: {note}"),
            },
        ),
        Observation::ClientRefused { client, seen, mine } => (
            Kind::Client,
            format!("s{s} refuses client c{client}: it has seen zxid {seen}, our last is {mine}"),
        ),
        Observation::ClientAccepted {
            client,
            seen,
            mine,
            resumed,
        } => (
            Kind::Client,
            format!(
                "s{s} takes client c{client}'s connection ({}; it has seen {seen}, s{s} is at {mine})",
                if *resumed { "it resumes its session" } else { "a new session" }
            ),
        ),
        Observation::SessionExpired {
            session,
            timeout_ms,
        } => (
            Kind::Client,
            format!("s{s} expires session 0x{session:x}: silent for its {timeout_ms} ms timeout"),
        ),
    }
}

fn paxos(s: Sid, o: &PaxosObservation, cfg: &EnsembleConfig) -> (Kind, String) {
    let voters = cfg.voters.len();
    match o {
        PaxosObservation::Preparing { ballot } => (Kind::Election, format!("s{s} starts phase 1 with ballot {ballot}: PREPARE to every acceptor")),
        PaxosObservation::Promised { ballot } => (Kind::Epoch, format!("s{s} promises ballot {ballot} (on disk): nothing lower will be accepted")),
        PaxosObservation::Leading { ballot, reproposed, noops } => (
            Kind::Election,
            format!("s{s} has a quorum of promises for {ballot}: it leads, re-proposing {reproposed} open slot(s) and filling {noops} gap(s) with no-ops"),
        ),
        PaxosObservation::Preempted { ballot, by } => (Kind::Fault, format!("s{s}'s ballot {ballot} was pre-empted by {by}: it backs off")),
        PaxosObservation::Accepted { slot, ballot, value } => (Kind::Log, format!("s{s} accepts {value} for slot {slot} under {ballot}")),
        PaxosObservation::Chosen { slot, value, acks, .. } => {
            (Kind::Commit, format!("slot {slot} chose {value}: {} of {voters} acceptors accepted it", acks.len()))
        }
        PaxosObservation::Learned { slot, value } => (Kind::Log, format!("s{s} learns slot {slot} = {value}")),
        PaxosObservation::Refused { request, note } => (Kind::Client, format!("s{s} refuses request #{request}: {note}")),
    }
}

fn abandoned(s: Sid, role: PeerState, reason: &AbandonReason, cfg: &EnsembleConfig) -> String {
    match reason {
        AbandonReason::LeaderSilent {
            leader,
            limit,
            ticks,
            ..
        } => format!(
            "s{s} heard nothing from leader s{leader} for {ticks} ticks ({}) and goes LOOKING",
            limit.as_str()
        ),
        AbandonReason::QuorumLost { synced } if synced.len() <= 1 => format!(
            "s{s} lost contact with a quorum (no follower is synced any more; {} of {} voters needed) and steps down",
            cfg.quorum(),
            cfg.voters.len()
        ),
        AbandonReason::QuorumLost { synced } => {
            let others: Vec<Sid> = synced.iter().copied().filter(|x| *x != s).collect();
            format!(
                "s{s} lost contact with a quorum (still synced with {}; {} of {} voters needed) and steps down",
                sids(&others),
                cfg.quorum(),
                cfg.voters.len()
            )
        }
        AbandonReason::ConnectionClosed { leader } => {
            format!("s{s} lost its connection to s{leader} and goes LOOKING")
        }
        AbandonReason::EpochRefused {
            leader_epoch,
            accepted,
        } => format!(
            "s{s} refuses the leader's epoch {leader_epoch}: it already accepted epoch {accepted}, so it goes LOOKING"
        ),
        other => format!("s{s} stops {} and goes LOOKING: {other}", role.as_str()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the feed incrementally.

/// Remembers how far the world's feed has been read, by sequence number: the world keeps only
/// its latest few thousand entries, and a reader that fell further behind than that simply
/// misses the oldest (it never loses its place).
#[derive(Clone, Debug, Default)]
pub struct FeedCursor {
    next: u64,
}

impl FeedCursor {
    /// At most this many new entries are returned at once (the older rest are skipped).
    pub const MAX_BATCH: usize = 1000;

    pub fn new() -> FeedCursor {
        FeedCursor::default()
    }

    /// A cursor past everything the world has fed so far.
    pub fn at_end(world: &World) -> FeedCursor {
        FeedCursor {
            next: world.feed_end(),
        }
    }

    /// The entries added since the last call, oldest first.
    pub fn read_new<'a>(&mut self, world: &'a World) -> Vec<FeedItem<'a>> {
        let end = world.feed_end();
        let from = self.next.max(end.saturating_sub(Self::MAX_BATCH as u64));
        self.next = end;
        world.feed_since(from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, World, WorldConfig};

    fn world(voters: usize, seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(voters, 0, seed));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        w
    }

    /// The lock recipe, narrated step by step from a real run: the waiter says which node
    /// it watches and why, the next holder says why it holds.
    #[test]
    fn recipe_steps_are_told_in_plain_words() {
        let script = crate::sim::scenario::parse::parse(
            "servers 3\nseed 3\nstart all\nuntil stable 10s\nclient c1 connect 1\nclient c2 connect 2\nclient c1 run lock /lock\nrun 500ms\nclient c2 run lock /lock\nrun 500ms\nclient c1 release\nrun 500ms\n",
        )
        .expect("parses");
        let mut w = World::new(crate::sim::scenario::run::world_config(&script).unwrap());
        w.enable_feed();
        crate::sim::scenario::run::execute(&mut w, &script, &mut std::io::sink()).unwrap();
        let cfg = w.ensemble().clone();
        let text: Vec<String> = w.feed().map(|e| narrate(e, &cfg).text).collect();
        let said = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(said(
            "c2 watches /lock/_c_c1.1-lock-0000000000, the node just before its own"
        ));
        assert!(said(
            "c1 now holds /lock (its node /lock/_c_c1.1-lock-0000000000 is the lowest)"
        ));
        assert!(said("c1 lets go of /lock"));
        assert!(said(
            "c2 now holds /lock (its node /lock/_c_c2.2-lock-0000000001 is the lowest)"
        ));
    }

    #[test]
    fn an_election_and_a_commit_read_as_sentences() {
        let mut w = world(5, 1);
        w.run_until(3_000);
        let leader = w.stable_leader().expect("a leader after 3 s");
        w.apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "x".into(),
        })
        .unwrap();
        w.run_until(4_000);
        let cfg = w.ensemble().clone();
        let lines: Vec<Narration> = w.feed().map(|e| narrate(e, &cfg)).collect();
        assert!(lines.iter().any(|n| n.kind == Kind::Election
            && n.text.contains("is LOOKING (round 1) and votes for itself")));
        assert!(lines
            .iter()
            .any(|n| n.text == format!("s{leader} wins the election (round 1) and will lead, backed by s1, s2, s3, s4, s5 (5 of 5)")
                || n.text.starts_with(&format!("s{leader} wins the election"))));
        let commit = lines
            .iter()
            .find(|n| n.kind == Kind::Commit && n.text.contains("committed:"))
            .expect("a commit sentence");
        assert!(
            commit.text.starts_with("0x100000001 committed: "),
            "{}",
            commit.text
        );
        assert!(commit.text.contains(" of 5 ACKs ("), "{}", commit.text);
        assert!(lines
            .iter()
            .any(|n| n.text == format!("s{leader} proposes 0x100000001: create /a = \"x\"")));
    }

    #[test]
    fn a_lost_leader_reads_as_a_step_down() {
        let mut w = world(3, 2);
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        w.apply(Command::Isolate(leader)).unwrap();
        w.run_until(6_000);
        let cfg = w.ensemble().clone();
        let lines: Vec<String> = w.feed().map(|e| narrate(e, &cfg).text).collect();
        assert!(
            lines
                .iter()
                .any(|t| t.starts_with(&format!("s{leader} lost contact with a quorum"))),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(|t| t.contains(&format!(
                "heard nothing from leader s{leader} for 5 ticks (syncLimit)"
            ))),
            "{lines:#?}"
        );
    }

    #[test]
    fn the_cursor_returns_each_entry_once_even_when_the_feed_is_full() {
        let mut w = world(5, 3);
        let mut cursor = FeedCursor::new();
        let mut seen = 0usize;
        let mut t = 0;
        let mut writes = 0;
        // Enough writes to overflow the world's 4000-entry feed several times.
        while t < 40_000 {
            t += 50;
            if t > 3_000 {
                if let Some(l) = w.serving_leader() {
                    writes += 1;
                    w.apply(Command::Write {
                        at: Some(l),
                        path: format!("/k{}", writes % 7),
                        data: "v".into(),
                    })
                    .unwrap();
                }
            }
            w.run_until(t);
            let batch = cursor.read_new(&w);
            seen += batch.len();
            // The newest entry is always part of what has been read.
            if let (Some(a), Some(b)) = (batch.last(), w.feed().last()) {
                assert_eq!(a.seq, b.seq);
            }
            // Oldest first, no entry twice, none skipped within a batch.
            assert!(batch.windows(2).all(|p| p[1].seq == p[0].seq + 1));
        }
        assert!(cursor.read_new(&w).is_empty());
        assert!(seen > 4000, "only {seen} entries");
        // Each write is logged by 5 servers and applied by 5: at least 10 entries per write.
        assert!(seen >= writes * 10, "{seen} entries for {writes} writes");
    }
}
