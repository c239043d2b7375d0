//! The scenario parser, and the printer that turns a `Script` back into canonical source.
//!
//! One command a line; `#` starts a comment anywhere on a line; blank lines are ignored;
//! keywords are lowercase. Configuration lines (`servers`, `seed`, `tick`, …) must come
//! before the first action. Errors name the line and say what was expected.
//!
//! The parser never panics, whatever the input (see the garbage test below).

use super::commands;
use super::commands::client_name;
pub use super::lex::parse_duration;
pub use super::lex::MAX_SERVERS;
use super::lex::{parse_data, quoted, tokens, unknown, znode_path, Args, Tok};
use super::{Line, ReadWant, Script, SessionWant, Stmt, UntilGoal};
use crate::sim::check::Invariant;
pub use crate::sim::command::format_duration;
use crate::sim::command::quote_data;
use crate::sim::data::Code;
use crate::sim::types::Zxid;
use crate::sim::zab::client::WatchKind;
use crate::sim::zab::config::Variant;
use std::fmt;

/// A script that does not parse: the 1-based line and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// The keywords of the statements that are not actions (those are in `commands::ACTIONS`).
const STATEMENTS: &[&str] = &[
    "servers",
    "observers",
    "seed",
    "tick",
    "latency",
    "init-limit",
    "sync-limit",
    "variant",
    "protocol",
    "backoff",
    "run",
    "until",
    "status",
    "expect",
];
const SYNC_MODES: &[&str] = &["DIFF", "TRUNC", "SNAP"];
const EXPECTATIONS: &[&str] = &[
    "leader",
    "sync",
    "chosen",
    "zxid",
    "mode",
    "epoch",
    "violation",
    "nodes",
    "node",
    "no-violations",
    "read",
    "children",
    "exists",
    "result",
    "created",
    "session",
    "watch",
    "holder",
    "config",
    "resource",
];
const MODES: &[&str] = &["leader", "follower", "observer", "looking", "down"];
/// Parse a whole script.
pub fn parse(src: &str) -> Result<Script, ScriptError> {
    let mut lines: Vec<Line> = Vec::new();
    let mut first_action: Option<usize> = None;
    for (i, raw) in src.lines().enumerate() {
        let number = i + 1;
        let text = super::lex::strip_comment(raw);
        let toks = tokens(text);
        if toks.is_empty() {
            continue;
        }
        let stmt = parse_stmt(text, &toks).map_err(|message| ScriptError {
            line: number,
            message,
        })?;
        if stmt.is_config() {
            if let Some(action) = first_action {
                return Err(ScriptError {
                    line: number,
                    message: format!("configuration must come before the first action (line {action}); move `{}` above it", stmt.keyword()),
                });
            }
            if let Some(earlier) = lines
                .iter()
                .find(|l| std::mem::discriminant(&l.stmt) == std::mem::discriminant(&stmt))
            {
                return Err(ScriptError {
                    line: number,
                    message: format!(
                        "`{}` is already set on line {}",
                        stmt.keyword(),
                        earlier.number
                    ),
                });
            }
        } else if first_action.is_none() {
            first_action = Some(number);
        }
        lines.push(Line { number, stmt });
    }
    Ok(Script { lines })
}

impl std::str::FromStr for Script {
    type Err = ScriptError;
    fn from_str(src: &str) -> Result<Script, ScriptError> {
        parse(src)
    }
}

impl Script {
    /// A script from statements, numbered 1, 2, … as its canonical text would number them.
    pub fn from_stmts(stmts: impl IntoIterator<Item = Stmt>) -> Script {
        Script {
            lines: stmts
                .into_iter()
                .enumerate()
                .map(|(i, stmt)| Line {
                    number: i + 1,
                    stmt,
                })
                .collect(),
        }
    }

    pub fn stmts(&self) -> impl Iterator<Item = &Stmt> {
        self.lines.iter().map(|l| &l.stmt)
    }
}

impl Stmt {
    /// Configuration statements must come before the first action.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            Stmt::Servers(_)
                | Stmt::Observers(_)
                | Stmt::Seed(_)
                | Stmt::Tick(_)
                | Stmt::Latency(..)
                | Stmt::InitLimit(_)
                | Stmt::SyncLimit(_)
                | Stmt::Variant(_)
                | Stmt::Protocol(_)
                | Stmt::Backoff(_)
        )
    }

    /// The command word that starts the statement's line.
    pub fn keyword(&self) -> &'static str {
        match self {
            Stmt::Servers(_) => "servers",
            Stmt::Observers(_) => "observers",
            Stmt::Seed(_) => "seed",
            Stmt::Tick(_) => "tick",
            Stmt::Latency(..) => "latency",
            Stmt::InitLimit(_) => "init-limit",
            Stmt::SyncLimit(_) => "sync-limit",
            Stmt::Variant(_) => "variant",
            Stmt::Protocol(_) => "protocol",
            Stmt::Backoff(_) => "backoff",
            Stmt::Act(cmd) => cmd.keyword(),
            Stmt::Run(_) => "run",
            Stmt::Until(..) => "until",
            Stmt::Status => "status",
            Stmt::ExpectLeader(_)
            | Stmt::ExpectZxid(..)
            | Stmt::ExpectMode(..)
            | Stmt::ExpectEpoch(..)
            | Stmt::ExpectSync(..)
            | Stmt::ExpectChosen(..)
            | Stmt::ExpectNodes(..)
            | Stmt::ExpectNode(..)
            | Stmt::ExpectViolation(_)
            | Stmt::ExpectNoViolations
            | Stmt::ExpectRead(..)
            | Stmt::ExpectChildren(..)
            | Stmt::ExpectExists(..)
            | Stmt::ExpectResult(..)
            | Stmt::ExpectCreated(..)
            | Stmt::ExpectSession(..)
            | Stmt::ExpectWatch(..)
            | Stmt::ExpectHolder(..)
            | Stmt::ExpectConfig(..)
            | Stmt::ExpectResource(..) => "expect",
        }
    }
}

// ---- printing ----

/// Canonical source text. It parses back to the same statement, with one exception the
/// parser cannot produce: `write` data that contains `#`, a line break, or leading or
/// trailing whitespace.
impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stmt::Servers(n) => write!(f, "servers {n}"),
            Stmt::Observers(n) => write!(f, "observers {n}"),
            Stmt::Seed(s) => write!(f, "seed {s}"),
            Stmt::Tick(ms) => write!(f, "tick {}", format_duration(*ms)),
            Stmt::Latency(a, b) => {
                write!(f, "latency {} {}", format_duration(*a), format_duration(*b))
            }
            Stmt::InitLimit(n) => write!(f, "init-limit {n}"),
            Stmt::SyncLimit(n) => write!(f, "sync-limit {n}"),
            Stmt::Variant(name) => write!(f, "variant {name}"),
            Stmt::Protocol(name) => write!(f, "protocol {name}"),
            Stmt::Backoff(on) => write!(f, "backoff {}", if *on { "on" } else { "off" }),
            Stmt::Act(cmd) => write!(f, "{cmd}"),
            Stmt::Run(ms) => write!(f, "run {}", format_duration(*ms)),
            Stmt::Until(goal, timeout) => {
                let goal = match goal {
                    UntilGoal::Leader => "leader",
                    UntilGoal::Stable => "stable",
                };
                write!(f, "until {goal}")?;
                match timeout {
                    Some(t) => write!(f, " {}", format_duration(*t)),
                    None => Ok(()),
                }
            }
            Stmt::Status => write!(f, "status"),
            Stmt::ExpectLeader(sid) => write!(f, "expect leader {sid}"),
            Stmt::ExpectZxid(sid, zxid) => write!(f, "expect zxid {sid} {zxid}"),
            Stmt::ExpectMode(sid, mode) => write!(f, "expect mode {sid} {mode}"),
            Stmt::ExpectEpoch(sid, epoch) => write!(f, "expect epoch {sid} {epoch}"),
            Stmt::ExpectSync(sid, mode) => write!(f, "expect sync {sid} {mode}"),
            Stmt::ExpectChosen(sid, n) => write!(f, "expect chosen {sid} {n}"),
            Stmt::ExpectNodes(sid, n) => write!(f, "expect nodes {sid} {n}"),
            Stmt::ExpectNode(sid, path, Some(data)) => write!(f, "expect node {sid} {path} {data}"),
            Stmt::ExpectNode(sid, path, None) => write!(f, "expect node {sid} {path} absent"),
            Stmt::ExpectViolation(n) => write!(f, "expect violation {}", n.number()),
            Stmt::ExpectNoViolations => write!(f, "expect no-violations"),
            Stmt::ExpectRead(c, path, ReadWant::Data(d)) => {
                write!(f, "expect read {c} {path} {}", quote_data(d))
            }
            Stmt::ExpectRead(c, path, ReadWant::Absent) => {
                write!(f, "expect read {c} {path} absent")
            }
            Stmt::ExpectRead(c, path, ReadWant::Error(code)) => {
                write!(f, "expect read {c} {path} error {code}")
            }
            Stmt::ExpectChildren(c, path, names) if names.is_empty() => {
                write!(f, "expect children {c} {path} \"\"")
            }
            Stmt::ExpectChildren(c, path, names) => {
                write!(f, "expect children {c} {path} {}", names.join(","))
            }
            Stmt::ExpectExists(c, path, yes) => {
                write!(
                    f,
                    "expect exists {c} {path} {}",
                    if *yes { "yes" } else { "no" }
                )
            }
            Stmt::ExpectResult(c, None) => write!(f, "expect result {c} ok"),
            Stmt::ExpectResult(c, Some(code)) => write!(f, "expect result {c} {code}"),
            Stmt::ExpectCreated(c, path) => write!(f, "expect created {c} {path}"),
            Stmt::ExpectSession(c, want) => write!(f, "expect session {c} {}", want.as_str()),
            Stmt::ExpectWatch(c, path, n, kind) => {
                write!(f, "expect watch {c} {path} {n}")?;
                match kind {
                    Some(k) => write!(f, " {}", k.as_str()),
                    None => Ok(()),
                }
            }
            Stmt::ExpectHolder(path, names) if names.is_empty() => {
                write!(f, "expect holder {path} none")
            }
            Stmt::ExpectHolder(path, names) => {
                write!(f, "expect holder {path} {}", names.join(","))
            }
            Stmt::ExpectResource(path, c, accepted) => write!(
                f,
                "expect resource {path} {c} {}",
                if *accepted { "accepted" } else { "rejected" }
            ),
            Stmt::ExpectConfig(c, None) => write!(f, "expect config {c} absent"),
            Stmt::ExpectConfig(c, Some(v)) => write!(f, "expect config {c} {}", quote_data(v)),
        }
    }
}

/// One statement a line, in order (line numbers and comments are not kept).
impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lines
            .iter()
            .try_for_each(|l| writeln!(f, "{}", l.stmt))
    }
}

// ---- parsing ----

fn parse_stmt(text: &str, toks: &[Tok<'_>]) -> Result<Stmt, String> {
    let keyword = toks[0].text;
    let rest = &toks[1..];
    let args = |cmd: &'static str, example: &'static str| Args::new(cmd, example, rest);
    let stmt = match keyword {
        "servers" => {
            let mut a = args("servers", "servers 5");
            let n: usize = a.number("a number of voting servers from 1 to 255")?;
            if !(1..=MAX_SERVERS).contains(&n) {
                return Err(format!(
                    "`servers` must be between 1 and {MAX_SERVERS}, not {n}"
                ));
            }
            a.end()?;
            Stmt::Servers(n)
        }
        "observers" => {
            let mut a = args("observers", "observers 1");
            let n: usize = a.number("a number of observers")?;
            if n >= MAX_SERVERS {
                return Err(format!("`observers` must be below {MAX_SERVERS}, not {n}"));
            }
            a.end()?;
            Stmt::Observers(n)
        }
        "seed" => {
            let mut a = args("seed", "seed 7");
            let s = a.number("a whole number from 0 to 18446744073709551615")?;
            a.end()?;
            Stmt::Seed(s)
        }
        "tick" => {
            let mut a = args("tick", "tick 200ms");
            let ms = a.duration("a tick length", true)?;
            if ms == 0 {
                return Err("`tick` must be at least 1ms".to_string());
            }
            a.end()?;
            Stmt::Tick(ms)
        }
        "latency" => {
            let mut a = args("latency", "latency 10ms 30ms");
            let min = a.duration("a minimum and a maximum one-way latency", true)?;
            let max = a.duration("a minimum and a maximum one-way latency", true)?;
            if min > max {
                return Err(format!(
                    "`latency` takes the minimum first: {} is more than {}",
                    format_duration(min),
                    format_duration(max)
                ));
            }
            a.end()?;
            Stmt::Latency(min, max)
        }
        "init-limit" | "sync-limit" => {
            let init = keyword == "init-limit";
            let mut a = if init {
                args("init-limit", "init-limit 10")
            } else {
                args("sync-limit", "sync-limit 5")
            };
            let n: u64 = a.number("a number of ticks")?;
            if n == 0 || n > 1_000_000 {
                return Err(format!(
                    "`{keyword}` must be between 1 and 1000000 ticks, not {n}"
                ));
            }
            a.end()?;
            if init {
                Stmt::InitLimit(n)
            } else {
                Stmt::SyncLimit(n)
            }
        }
        "variant" => {
            let mut a = args("variant", "variant commit-without-quorum");
            let names: Vec<&str> = std::iter::once(Variant::Correct)
                .chain(Variant::ALL_BROKEN)
                .map(|v| v.name())
                .chain(
                    crate::sim::paxos::PaxosVariant::ALL_BROKEN
                        .iter()
                        .map(|v| v.name()),
                )
                .collect();
            let name = a.next().ok_or_else(|| {
                format!(
                    "`variant` needs a protocol variant: one of {}",
                    names.join(", ")
                )
            })?;
            if !names.contains(&name) {
                return Err(unknown("variant", name, &names));
            }
            a.end()?;
            Stmt::Variant(name.to_string())
        }
        "protocol" => {
            let mut a = args("protocol", "protocol paxos");
            let names = ["zab", "paxos", "paxos-single"];
            let name = a.need("zab, paxos or paxos-single")?;
            if !names.contains(&name) {
                return Err(unknown("protocol", name, &names));
            }
            a.end()?;
            Stmt::Protocol(name.to_string())
        }
        "backoff" => {
            let mut a = args("backoff", "backoff off");
            let on = match a.need("on or off")? {
                "on" => true,
                "off" => false,
                other => return Err(format!("`backoff` takes on or off, not {}", quoted(other))),
            };
            a.end()?;
            Stmt::Backoff(on)
        }
        "run" => {
            let mut a = args("run", "run 3s");
            let ms = a.duration("a duration", false)?;
            a.end()?;
            Stmt::Run(ms)
        }
        "until" => {
            let mut a = args("until", "until stable 10s");
            let goal = match a.need("a goal, `leader` or `stable`")? {
                "leader" => UntilGoal::Leader,
                "stable" => UntilGoal::Stable,
                other => return Err(unknown("goal for `until`", other, &["leader", "stable"])),
            };
            let timeout = match a.peek() {
                Some(_) => Some(a.duration("a timeout", false)?),
                None => None,
            };
            a.end()?;
            Stmt::Until(goal, timeout)
        }
        "status" => {
            args("status", "status").end()?;
            Stmt::Status
        }
        "expect" => parse_expect(text, rest)?,
        other => match commands::parse_action(text, toks) {
            Some(action) => Stmt::Act(action?),
            None => return Err(unknown("command", other, &keywords())),
        },
    };
    Ok(stmt)
}

/// Every keyword that may start a line: the statements here and the command table's.
fn keywords() -> Vec<&'static str> {
    let mut all = STATEMENTS.to_vec();
    all.extend(commands::ACTIONS.iter().map(|r| r.keyword));
    all
}

fn parse_expect(text: &str, rest: &[Tok<'_>]) -> Result<Stmt, String> {
    let Some(kind) = rest.first() else {
        return Err(format!(
            "`expect` needs something to check: one of {}",
            EXPECTATIONS.join(", ")
        ));
    };
    let rest = &rest[1..];
    let args = |cmd: &'static str, example: &'static str| Args::new(cmd, example, rest);
    let stmt = match kind.text {
        "leader" => {
            let mut a = args("expect leader", "expect leader 3");
            let sid = a.id()?;
            a.end()?;
            Stmt::ExpectLeader(sid)
        }
        "zxid" => {
            let mut a = args("expect zxid", "expect zxid 2 0x100000002");
            let sid = a.id()?;
            let tok = a.need("a server id and a hex zxid")?;
            let zxid: Zxid = tok.parse()?;
            a.end()?;
            Stmt::ExpectZxid(sid, zxid)
        }
        "mode" => {
            let mut a = args("expect mode", "expect mode 3 looking");
            let sid = a.id()?;
            let mode = a.need("a server id and a mode")?;
            if !MODES.contains(&mode) {
                return Err(unknown("mode", mode, MODES));
            }
            a.end()?;
            Stmt::ExpectMode(sid, mode.to_string())
        }
        "epoch" => {
            let mut a = args("expect epoch", "expect epoch 1 2");
            let sid = a.id()?;
            let epoch: u64 = a.number("a server id and an epoch")?;
            a.end()?;
            Stmt::ExpectEpoch(sid, epoch)
        }
        "sync" => {
            let mut a = args("expect sync", "expect sync 1 SNAP");
            let sid = a.id()?;
            let mode = a.need("a server id and DIFF, TRUNC or SNAP")?;
            if !SYNC_MODES.contains(&mode) {
                return Err(unknown("sync mode", mode, SYNC_MODES));
            }
            a.end()?;
            Stmt::ExpectSync(sid, mode.to_string())
        }
        "chosen" => {
            let mut a = args("expect chosen", "expect chosen 1 3");
            let sid = a.id()?;
            let n: u64 = a.number("a server id and a number of slots")?;
            a.end()?;
            Stmt::ExpectChosen(sid, n)
        }
        "nodes" => {
            let mut a = args("expect nodes", "expect nodes 1 5");
            let sid = a.id()?;
            let n: usize = a.number("a server id and a node count (5 for a fresh server)")?;
            a.end()?;
            Stmt::ExpectNodes(sid, n)
        }
        "node" => {
            let mut a = args("expect node", "expect node 1 /a hello");
            let sid = a.id()?;
            let path = znode_path(
                a.need("a server id, a path, and its data or `absent`")?,
                "like `expect node 1 /a hello` or `expect node 1 /a absent`",
            )?;
            let data = a.rest_of_line(text).ok_or_else(|| {
                format!("`expect node` needs the data after the path, or `absent`, like `expect node {sid} {path} hello`")
            })?;
            let data = (data != "absent").then(|| data.to_string());
            Stmt::ExpectNode(sid, path.to_string(), data)
        }
        "violation" => {
            let mut a = args("expect violation", "expect violation 5");
            let checked = || {
                let nums: Vec<String> = Invariant::ALL
                    .iter()
                    .map(|i| i.number().to_string())
                    .collect();
                nums.join(", ")
            };
            let tok = a.need("the number of a checked invariant")?;
            let n = tok.parse::<u8>().ok().and_then(Invariant::from_number).ok_or_else(|| {
                format!("the checker evaluates invariants {} (protocol.md §5 and §7), not {} (like `expect violation 5`)", checked(), quoted(tok))
            })?;
            a.end()?;
            Stmt::ExpectViolation(n)
        }
        "no-violations" => {
            args("expect no-violations", "expect no-violations").end()?;
            Stmt::ExpectNoViolations
        }
        "read" | "children" | "exists" | "result" | "created" | "session" | "watch" | "config" => {
            parse_client_expect(kind.text, rest)?
        }
        "resource" => {
            let mut a = args("expect resource", "expect resource /lock c1 rejected");
            let usage = "`expect resource` is written like `expect resource /lock c1 rejected`";
            let path = znode_path(a.need("a lock path")?, usage)?.to_string();
            let client = client_name(a.need("a client name")?)?;
            let accepted = match a.need("`accepted` or `rejected`")? {
                "accepted" => true,
                "rejected" => false,
                other => return Err(unknown("outcome", other, &["accepted", "rejected"])),
            };
            a.end()?;
            Stmt::ExpectResource(path, client, accepted)
        }
        "holder" => {
            let mut a = args("expect holder", "expect holder /lock c1");
            let usage = "`expect holder` is written like `expect holder /lock c1` or `expect holder /lock none`";
            let path = znode_path(a.need("a path")?, usage)?.to_string();
            let names = match a.need("the holder's name, or `none`")? {
                "none" => Vec::new(),
                list => list
                    .split(',')
                    .map(client_name)
                    .collect::<Result<Vec<String>, String>>()?,
            };
            a.end()?;
            Stmt::ExpectHolder(path, names)
        }
        other => return Err(unknown("expectation", other, EXPECTATIONS)),
    };
    Ok(stmt)
}

/// The expectations about a client's answers and session.
fn parse_client_expect(kind: &str, rest: &[Tok<'_>]) -> Result<Stmt, String> {
    let (cmd, example) = match kind {
        "read" => ("expect read", "expect read c1 /a hello"),
        "children" => ("expect children", "expect children c1 / a,b,zookeeper"),
        "exists" => ("expect exists", "expect exists c1 /a yes"),
        "result" => ("expect result", "expect result c1 NODEEXISTS"),
        "created" => ("expect created", "expect created c1 /lock/n-0000000000"),
        "watch" => ("expect watch", "expect watch c1 /cfg 1 changed"),
        "config" => ("expect config", "expect config c1 v2"),
        _ => ("expect session", "expect session c1 expired"),
    };
    let mut a = Args::new(cmd, example, rest);
    let client = client_name(a.need("a client name")?)?;
    let path = |a: &mut Args<'_, '_>| -> Result<String, String> {
        let usage = format!("`{cmd}` is written like `{example}`");
        Ok(znode_path(a.need("a client name and a path")?, &usage)?.to_string())
    };
    let stmt = match kind {
        "read" => {
            let p = path(&mut a)?;
            let want = match a.need("the data, `absent` or `error NAME`")? {
                "absent" => ReadWant::Absent,
                "error" => ReadWant::Error(code(a.need("an error name, like NONODE")?)?),
                tok => ReadWant::Data(parse_data(tok)?),
            };
            Stmt::ExpectRead(client, p, want)
        }
        "children" => {
            let p = path(&mut a)?;
            let list = parse_data(a.need("the children's names, like a,b,c")?)?;
            let names = list
                .split(',')
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect();
            Stmt::ExpectChildren(client, p, names)
        }
        "exists" => {
            let p = path(&mut a)?;
            let yes = match a.need("`yes` or `no`")? {
                "yes" => true,
                "no" => false,
                other => return Err(unknown("answer", other, &["yes", "no"])),
            };
            Stmt::ExpectExists(client, p, yes)
        }
        "result" => match a.need("`ok` or an error name")? {
            "ok" => Stmt::ExpectResult(client, None),
            name => Stmt::ExpectResult(client, Some(code(name)?)),
        },
        "created" => Stmt::ExpectCreated(client, path(&mut a)?),
        "config" => match a.need("the value, or `absent`")? {
            "absent" => Stmt::ExpectConfig(client, None),
            tok => Stmt::ExpectConfig(client, Some(parse_data(tok)?)),
        },
        "watch" => {
            let p = path(&mut a)?;
            let n = a.number("a number of watch events")?;
            let kind = match a.next() {
                None => None,
                Some(word) => Some(
                    (WatchKind::ALL.into_iter().find(|k| k.as_str() == word)).ok_or_else(|| {
                        unknown(
                            "watch event",
                            word,
                            &["created", "deleted", "changed", "child"],
                        )
                    })?,
                ),
            };
            Stmt::ExpectWatch(client, p, n, kind)
        }
        _ => {
            let want = match a.need("`live`, `expired` or `closed`")? {
                "live" => SessionWant::Live,
                "expired" => SessionWant::Expired,
                "closed" => SessionWant::Closed,
                other => {
                    return Err(unknown(
                        "session state",
                        other,
                        &["live", "expired", "closed"],
                    ))
                }
            };
            Stmt::ExpectSession(client, want)
        }
    };
    a.end()?;
    Ok(stmt)
}

/// An error name of ZooKeeper's vocabulary (KeeperException.Code).
fn code(name: &str) -> Result<Code, String> {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
    Code::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .ok_or_else(|| unknown("error name", name, &names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::Command;

    fn err(src: &str) -> String {
        parse(src).expect_err("should not parse").to_string()
    }

    fn one(src: &str) -> Stmt {
        let s = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(s.lines.len(), 1, "{src:?}");
        s.lines[0].stmt.clone()
    }

    #[test]
    fn parses_every_command() {
        let src = "\
# a header
servers 5          # five voters
observers 1
seed 42
tick 200
latency 5ms 1s
init-limit 10
sync-limit 5
variant commit-without-quorum

start all
start 1, 2 3,4
run 3s
run 400ms
run 1.5s
run 2m
until leader
until stable 10s
crash 3
restart 3
wipe 1
cut 1 2
cut 1>2
cut 1 > 2
heal 2>1
heal 1 2
heal all
isolate 4
slow 2 5
session open
session close at 2
write /a hello world
write at 2 /a/b  spaced   data  # comment
status
expect leader 3
expect zxid 2 0x100000002
expect mode 3 looking
expect epoch 1 2
expect sync 3 TRUNC
expect chosen 2 4
expect nodes 1 6
expect node 2 /a/b hello  world
expect node 3 /gone absent
expect violation 12
expect no-violations
";
        let s = parse(src).unwrap();
        use Stmt::*;
        let want = vec![
            Servers(5),
            Observers(1),
            Seed(42),
            Tick(200),
            Latency(5, 1000),
            InitLimit(10),
            SyncLimit(5),
            Variant("commit-without-quorum".into()),
            Act(Command::StartAll),
            Act(Command::Start(vec![1, 2, 3, 4])),
            Run(3000),
            Run(400),
            Run(1500),
            Run(120_000),
            Until(UntilGoal::Leader, None),
            Until(UntilGoal::Stable, Some(10_000)),
            Act(Command::Crash(3)),
            Act(Command::Restart(3)),
            Act(Command::Wipe(1)),
            Act(Command::Cut {
                from: 1,
                to: 2,
                both: true,
            }),
            Act(Command::Cut {
                from: 1,
                to: 2,
                both: false,
            }),
            Act(Command::Cut {
                from: 1,
                to: 2,
                both: false,
            }),
            Act(Command::Heal {
                from: 2,
                to: 1,
                both: false,
            }),
            Act(Command::Heal {
                from: 1,
                to: 2,
                both: true,
            }),
            Act(Command::HealAll),
            Act(Command::Isolate(4)),
            Act(Command::Slow { sid: 2, factor: 5 }),
            Act(Command::SessionOpen { at: None }),
            Act(Command::SessionClose { at: Some(2) }),
            Act(Command::Write {
                at: None,
                path: "/a".into(),
                data: "hello world".into(),
            }),
            Act(Command::Write {
                at: Some(2),
                path: "/a/b".into(),
                data: "spaced   data".into(),
            }),
            Status,
            ExpectLeader(3),
            ExpectZxid(2, Zxid(0x1_0000_0002)),
            ExpectMode(3, "looking".into()),
            ExpectEpoch(1, 2),
            ExpectSync(3, "TRUNC".into()),
            ExpectChosen(2, 4),
            ExpectNodes(1, 6),
            ExpectNode(2, "/a/b".into(), Some("hello  world".into())),
            ExpectNode(3, "/gone".into(), None),
            ExpectViolation(Invariant::ObserversNeverCount),
            ExpectNoViolations,
        ];
        assert_eq!(s.stmts().cloned().collect::<Vec<_>>(), want);
        assert_eq!(s.lines[0].number, 2);
        assert_eq!(s.lines[8].number, 11);
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        assert_eq!(
            err("servers 3\nstart all\n\ncrash\n"),
            "line 4: `crash` needs a server id, like `crash 3`"
        );
        assert_eq!(
            err("start all\ncrsh 2"),
            "line 2: unknown command `crsh` (did you mean `crash`?)"
        );
        assert!(
            err("run 3").contains("line 1: `3` needs a unit: write `3s`"),
            "{}",
            err("run 3")
        );
        assert!(err("start all\nservers 5")
            .contains("line 2: configuration must come before the first action (line 1)"));
        assert!(
            err("variant nope").contains("correct, commit-without-quorum"),
            "{}",
            err("variant nope")
        );
        assert!(err("write at 2 a hello").contains("starts with `/`"));
        assert!(err("write /a").contains("needs data"));
        assert!(err("write /a   # only a comment").contains("needs data"));
        assert!(err("expect violation 19").contains("not `19`"));
        assert!(
            err("expect violation 20").contains("1, 2, 3"),
            "20 is no invariant"
        );
        assert_eq!(
            one("expect violation 18"),
            Stmt::ExpectViolation(crate::sim::check::Invariant::OneLockHolder)
        );
        assert!(err("expect nodes 1").contains("`expect nodes 1 5`"));
        assert!(err("expect node 1 a x").contains("starts with `/`"));
        assert!(err("expect node 1 /a").contains("or `absent`"));
        assert!(err("expect zxid 1 100").contains("0x100000002"));
        assert!(err("expect mode 1 leadr").contains("did you mean `leader`"));
        assert!(err("latency 30ms 10ms").contains("minimum first"));
        assert!(err("servers 0").contains("between 1 and 255"));
        assert!(err("servers 3\nservers 4").contains("already set on line 1"));
        assert!(err("crash 0").contains("not a server id"));
        assert!(err("crash 3 4").contains("unexpected `4`"));
        assert!(err("cut 1").contains("two server ids"));
        assert!(err("cut 1>").contains("two server ids"));
        assert!(err("cut 1 2 3").contains("two server ids"));
        assert!(err("cut 2<1").contains("`cut 1>2`"));
        assert!(err("heal").contains("`heal all`"));
        assert!(err("run 1.0005s").contains("whole number of milliseconds"));
        assert!(err("run 3h").contains("unknown unit"));
        assert!(err("until stabel").contains("did you mean `stable`"));
        assert!(err("until stable 10").contains("needs a unit"));
        assert!(err("session").contains("`open` or `close`"));
        assert!(err("start").contains("`start all`"));
        assert!(err("Crash 1").contains("did you mean `crash`"));
        assert!(err("expect").contains("no-violations"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3s", false), Ok(3000));
        assert_eq!(parse_duration("1.5s", false), Ok(1500));
        assert_eq!(parse_duration("0.25m", false), Ok(15_000));
        assert_eq!(parse_duration("200", true), Ok(200));
        assert!(parse_duration("200", false).is_err());
        assert!(parse_duration(".5s", false).is_err());
        assert!(parse_duration("5.s", false).is_err());
        assert!(parse_duration("1.2.3s", false).is_err());
        assert!(parse_duration("99999999999999999999s", false).is_err());
        assert!(parse_duration("25h", false).is_err());
        for ms in [0, 1, 999, 1000, 1500, 60_000, 90_000, 3_600_000] {
            assert_eq!(parse_duration(&format_duration(ms), false), Ok(ms));
        }
    }

    #[test]
    fn canonical_text_round_trips() {
        let src = "servers 5 # c\nobservers 2\nseed 18446744073709551615\ntick 1s\nlatency 0 90s\ninit-limit 3\nsync-limit 2\n\
                   variant correct\nstart 3,1\nstart all\nrun 61500ms\nuntil leader 2m\nuntil stable\ncut 4 > 5\nheal 1 2\n\
                   heal all\nsession open at 1\nsession close\nwrite /x   a b   c\nwrite at 3 /y/z ü日本\nslow 1 100\n\
                   expect zxid 1 0x0\nexpect nodes 2 5\nexpect node 1 /a/b  two words\nexpect node 3 /c absent\nexpect mode 2 down\nexpect no-violations\nexpect violation 1\nwipe 2\nisolate 1\nstatus\n";
        let first = parse(src).unwrap();
        let text = first.to_string();
        let second = parse(&text).unwrap();
        assert_eq!(
            first.stmts().collect::<Vec<_>>(),
            second.stmts().collect::<Vec<_>>()
        );
        assert_eq!(second, Script::from_stmts(first.stmts().cloned()));
        assert_eq!(second.to_string(), text);
        for line in &first.lines {
            assert_eq!(one(&line.stmt.to_string()), line.stmt, "{}", line.stmt);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(7);
        let words = [
            "servers",
            "observers",
            "seed",
            "tick",
            "latency",
            "init-limit",
            "sync-limit",
            "variant",
            "start",
            "run",
            "until",
            "crash",
            "restart",
            "wipe",
            "cut",
            "heal",
            "isolate",
            "slow",
            "session",
            "write",
            "status",
            "expect",
            "leader",
            "stable",
            "zxid",
            "mode",
            "epoch",
            "violation",
            "no-violations",
            "at",
            "all",
            "open",
            "close",
            "0",
            "1",
            "3",
            "255",
            "256",
            "-1",
            "1.5s",
            "3s",
            "2m",
            "400ms",
            "0x100000002",
            "0x",
            "/a",
            "/",
            ">",
            "1>2",
            "<",
            ",",
            "1,2",
            "#",
            "é",
            "日本",
            "\u{200b}",
            "\u{a0}",
            "\t",
            "ms",
            ".",
            "..",
            "1.",
            "99999999999999999999999",
        ];
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..rng.usize(0..7) {
                match rng.u8(0..4) {
                    0 => line.extend((0..rng.usize(0..6)).map(|_| rng.char(..))),
                    1 => line.push_str(&String::from_utf8_lossy(
                        &(0..rng.usize(0..8)).map(|_| rng.u8(..)).collect::<Vec<_>>(),
                    )),
                    _ => line.push_str(words[rng.usize(0..words.len())]),
                }
                line.push(if rng.bool() { ' ' } else { '\u{3000}' });
            }
            let _ = parse(&line);
            let _ = parse(&format!("start all\n{line}\n{line}"));
            if let Ok(s) = parse(&line) {
                // Whatever parses prints back to something that parses to the same thing.
                for l in &s.lines {
                    let text = l.stmt.to_string();
                    assert_eq!(
                        parse(&text).map(|p| p.lines[0].stmt.clone()),
                        Ok(l.stmt.clone()),
                        "{line:?} -> {text:?}"
                    );
                }
            }
        }
    }
}
