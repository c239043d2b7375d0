//! `Command`: everything a person, a script or the explorer can do to the world — every fault
//! and every client action — as one typed value. A run is its configuration plus a log of
//! commands stamped with virtual time; a scenario action *is* a command, printed and parsed
//! in the scenario language (`Display` here, the parse table in `scenario/commands.rs`).
//!
//! Adding a command: a variant here (the compiler then points at `Display`, `describe` and
//! the world's `apply`; the trace hash is derived), one row in `scenario/commands.rs`, one button.

use super::types::{Millis, Sid};
use super::zab::client::ClientOp;
use super::zab::recipe::RecipeKind;
use super::zab::CreateMode;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Boot the given servers (those already up are left alone).
    Start(Vec<Sid>),
    StartAll,
    /// Kill the process: volatile state is lost, the disk is kept; peers see the sockets close.
    Crash(Sid),
    /// Start a crashed server again from its disk.
    Restart(Sid),
    /// Stop the server if it runs, then erase its disk (txn log, snapshot, epochs).
    Wipe(Sid),
    /// Cut `from -> to`, and `to -> from` too if `both`.
    Cut {
        from: Sid,
        to: Sid,
        both: bool,
    },
    Heal {
        from: Sid,
        to: Sid,
        both: bool,
    },
    HealAll,
    /// Cut every link to and from a server.
    Isolate(Sid),
    /// Split the ensemble: every link between two different groups is cut both ways. The
    /// servers no group names form one more group. Undone by `HealAll`.
    Partition(Vec<Vec<Sid>>),
    /// Multiply the latency of every message to or from a server.
    Slow {
        sid: Sid,
        factor: u32,
    },
    /// A client connected to `at` writes `data` at `path` (create if absent, else setData).
    /// Without `at`: the serving leader, else the lowest server that is up.
    Write {
        at: Option<Sid>,
        path: String,
        data: String,
    },
    /// A client connects to `at` and opens a session (a createSession txn).
    SessionOpen {
        at: Option<Sid>,
    },
    /// The oldest session opened at `at` closes (a closeSession txn).
    SessionClose {
        at: Option<Sid>,
    },
    /// Steady writes: `per_second` writes each virtual second at `at` (or the default target
    /// of a write), paths and data drawn from the world's seeded RNG.
    Writes {
        per_second: u32,
        at: Option<Sid>,
    },
    /// Stop the steady writes.
    WritesOff,
    /// A client actor named `name` starts with its server list (tried in order) and asks for
    /// a session of `timeout` (10 s if absent).
    ClientConnect {
        name: String,
        servers: Vec<Sid>,
        timeout: Option<Millis>,
    },
    /// The client closes its session (closeSession).
    ClientClose(String),
    /// The client process dies silently: its session expires later.
    ClientCrash(String),
    /// The client stops (a GC pause): no pings, no reactions.
    ClientPause {
        name: String,
        ms: Millis,
    },
    /// Cut (or heal) the client's link to a server, both ways.
    ClientLink {
        name: String,
        sid: Sid,
        cut: bool,
    },
    /// The client asks its server for a read, a write or a sync.
    ClientRequest {
        name: String,
        op: ClientOp,
    },
    // New variants go last: the derived hash of a command is part of the trace hash, and
    // a variant's position is its discriminant.
    /// The client runs a recipe program on `path` (zab/recipe.rs): a lock, an election, a
    /// configuration watch.
    ClientRun {
        name: String,
        kind: RecipeKind,
        path: String,
    },
    /// The client's recipe lets go: it deletes its lock or election node (or stops watching).
    ClientRelease(String),
    /// The client, if it believes it holds the lock on `path`, writes to the resource the
    /// lock protects, with its fencing token.
    ClientUse {
        name: String,
        path: String,
    },
    /// The client's connect string changes to put `sid` first (ZooKeeper.updateServerList):
    /// it drops its connection and resumes its session there.
    ClientMove {
        name: String,
        sid: Sid,
    },
}

/// The most steady writes a second a run may ask for.
pub const MAX_WRITES_PER_SECOND: u32 = 1000;

impl Command {
    /// The scenario keyword that starts the command's line.
    pub fn keyword(&self) -> &'static str {
        match self {
            Command::Start(_) | Command::StartAll => "start",
            Command::Crash(_) => "crash",
            Command::Restart(_) => "restart",
            Command::Wipe(_) => "wipe",
            Command::Cut { .. } => "cut",
            Command::Heal { .. } | Command::HealAll => "heal",
            Command::Isolate(_) => "isolate",
            Command::Partition(_) => "partition",
            Command::Slow { .. } => "slow",
            Command::Write { .. } => "write",
            Command::SessionOpen { .. } | Command::SessionClose { .. } => "session",
            Command::Writes { .. } | Command::WritesOff => "writes",
            Command::ClientConnect { .. }
            | Command::ClientClose(_)
            | Command::ClientCrash(_)
            | Command::ClientPause { .. }
            | Command::ClientRun { .. }
            | Command::ClientRelease(_)
            | Command::ClientUse { .. }
            | Command::ClientMove { .. } => "client",
            Command::ClientLink { cut: true, .. } => "cut",
            Command::ClientLink { .. } => "heal",
            Command::ClientRequest { op, .. } => op_keyword(op),
        }
    }

    /// What it did, for a person: the feed's "You …" lines and the page's feedback.
    pub fn describe(&self) -> String {
        let at = |at: &Option<Sid>| at.map_or("the leader".to_string(), |s| format!("s{s}"));
        match self {
            Command::Crash(s) => {
                format!("You crashed s{s}: its volatile state is gone, its disk is kept")
            }
            Command::Restart(s) => format!("You restarted s{s} from its disk"),
            Command::Wipe(s) => format!("You wiped s{s}'s disk (txn log, snapshot, epochs)"),
            Command::Isolate(s) => format!("You cut s{s} off from every other server"),
            Command::Cut {
                from,
                to,
                both: true,
            } => format!("You cut the link s{from}–s{to} both ways"),
            Command::Cut { from, to, .. } => format!("You cut s{from}→s{to} (one way)"),
            Command::Heal {
                from,
                to,
                both: true,
            } => format!("You healed the link s{from}–s{to}"),
            Command::Heal { from, to, .. } => format!("You healed s{from}→s{to}"),
            Command::HealAll => "You healed every link".into(),
            Command::Partition(groups) => {
                let groups: Vec<String> = groups.iter().map(|g| sid_list(g, ", ")).collect();
                format!(
                    "You split the ensemble into {} and the rest",
                    groups.join(" | ")
                )
            }
            Command::Write { at: a, path, data } => {
                format!("A client of {} writes {path} = {data:?}", at(a))
            }
            Command::SessionOpen { at: a } => format!("A client opens a session at {}", at(a)),
            Command::SessionClose { at: a } => {
                format!("A client closes its session at {}", at(a))
            }
            Command::Slow { sid, factor } => format!("You slowed s{sid}'s network by {factor}×"),
            Command::Start(_) | Command::StartAll => "You started the servers".into(),
            Command::Writes { per_second, at: a } => {
                format!("Clients of {} write {per_second} times a second", at(a))
            }
            Command::WritesOff => "The steady writes stop".into(),
            Command::ClientConnect { name, servers, .. } => {
                format!(
                    "Client {name} connects (servers {})",
                    sid_list(servers, ", ")
                )
            }
            Command::ClientClose(name) => format!("Client {name} closes its session"),
            Command::ClientCrash(name) => format!("Client {name}'s process dies"),
            Command::ClientMove { name, sid } => {
                format!("Client {name} is moved to s{sid} (a new connect string)")
            }
            Command::ClientPause { name, ms } => {
                format!("Client {name} stops for {}", format_duration(*ms))
            }
            Command::ClientRun { name, kind, path } => match kind {
                RecipeKind::Lock => format!("Client {name} asks for the lock {path}"),
                RecipeKind::Election => format!("Client {name} stands in the election {path}"),
                RecipeKind::Config => format!("Client {name} watches the configuration {path}"),
            },
            Command::ClientRelease(name) => format!("Client {name} lets go of its recipe"),
            Command::ClientUse { name, path } => {
                format!("Client {name} writes to the resource {path} protects")
            }
            Command::ClientLink { name, sid, cut } => format!(
                "You {} the link {name}–s{sid}",
                if *cut { "cut" } else { "healed" }
            ),
            Command::ClientRequest { name, op } => match op.path() {
                Some(path) => format!("Client {name} asks for {} {path}", op.name()),
                None => format!("Client {name} asks for {}", op.name()),
            },
        }
    }

    /// Checks that need no world: well-formed links, groups and rates.
    pub fn check_shape(&self) -> Result<(), String> {
        match self {
            Command::Cut { from, to, .. } | Command::Heal { from, to, .. } if from == to => Err(
                format!("a link joins two different servers, not {from} and {to}"),
            ),
            Command::Slow { factor, .. } if *factor == 0 || *factor > 100 => Err(format!(
                "slowness must be between 1 and 100, not {factor}"
            )),
            Command::Partition(groups) => check_groups(groups),
            Command::Writes { per_second, .. }
                if *per_second == 0 || *per_second > MAX_WRITES_PER_SECOND =>
            {
                Err(format!(
                    "steady writes run 1 to {MAX_WRITES_PER_SECOND} times a second, not {per_second} (`writes off` stops them)"
                ))
            }
            _ => Ok(()),
        }
    }

    /// Every server id the command names.
    pub fn servers(&self) -> Vec<Sid> {
        match self {
            Command::Start(s) => s.clone(),
            Command::Crash(s) | Command::Restart(s) | Command::Wipe(s) | Command::Isolate(s) => {
                vec![*s]
            }
            Command::Cut { from, to, .. } | Command::Heal { from, to, .. } => vec![*from, *to],
            Command::Partition(groups) => groups.iter().flatten().copied().collect(),
            Command::Slow { sid, .. } => vec![*sid],
            Command::Write { at, .. }
            | Command::SessionOpen { at }
            | Command::SessionClose { at }
            | Command::Writes { at, .. } => at.iter().copied().collect(),
            Command::ClientConnect { servers, .. } => servers.clone(),
            Command::ClientLink { sid, .. } | Command::ClientMove { sid, .. } => vec![*sid],
            Command::StartAll
            | Command::HealAll
            | Command::WritesOff
            | Command::ClientClose(_)
            | Command::ClientCrash(_)
            | Command::ClientPause { .. }
            | Command::ClientRun { .. }
            | Command::ClientRelease(_)
            | Command::ClientUse { .. }
            | Command::ClientRequest { .. } => vec![],
        }
    }

    /// The client a client command is about.
    pub fn client_name(&self) -> Option<&str> {
        match self {
            Command::ClientConnect { name, .. }
            | Command::ClientClose(name)
            | Command::ClientCrash(name)
            | Command::ClientPause { name, .. }
            | Command::ClientRun { name, .. }
            | Command::ClientRelease(name)
            | Command::ClientUse { name, .. }
            | Command::ClientMove { name, .. }
            | Command::ClientLink { name, .. }
            | Command::ClientRequest { name, .. } => Some(name),
            _ => None,
        }
    }

    /// A client command a script waits on until the client has its answer.
    pub fn holds_script(&self) -> bool {
        matches!(
            self,
            Command::ClientConnect { .. } | Command::ClientClose(_) | Command::ClientRequest { .. }
        )
    }
}

/// The scenario keyword of a client request.
pub fn op_keyword(op: &ClientOp) -> &'static str {
    match op {
        ClientOp::Create { .. } => "create",
        ClientOp::SetData { .. } => "set",
        ClientOp::Delete { .. } => "delete",
        ClientOp::GetData { .. } => "get",
        ClientOp::GetChildren { .. } => "ls",
        ClientOp::Exists { .. } => "exists",
        ClientOp::Sync { .. } => "sync",
        ClientOp::CloseSession => "client",
    }
}

/// DATA as a script writes it: one bare word when it can be, else quoted, with backslash
/// escapes for a quote, a backslash and a line break. The words `absent`, `error`, `yes`, `no` are quoted (they are keywords).
pub fn quote_data(data: &str) -> String {
    let bare = !data.is_empty()
        && !matches!(data, "absent" | "error" | "yes" | "no")
        && data
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\\' | '#'));
    if bare {
        return data.to_string();
    }
    let mut out = String::from("\"");
    for c in data.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn client_op_line(f: &mut fmt::Formatter<'_>, name: &str, op: &ClientOp) -> fmt::Result {
    let kw = op_keyword(op);
    match op {
        ClientOp::Create { path, data, mode } => {
            write!(f, "{kw} {name}")?;
            if mode.is_ephemeral() {
                write!(f, " -e")?;
            }
            if mode.is_sequential() {
                write!(f, " -s")?;
            }
            write!(f, " {path}")?;
            if !data.is_empty() {
                write!(f, " {}", quote_data(data))?;
            }
            Ok(())
        }
        ClientOp::SetData {
            path,
            data,
            version,
        } => {
            write!(f, "{kw} {name} {path} {}", quote_data(data))?;
            if *version != -1 {
                write!(f, " {version}")?;
            }
            Ok(())
        }
        ClientOp::Delete { path, version } => {
            write!(f, "{kw} {name} {path}")?;
            if *version != -1 {
                write!(f, " {version}")?;
            }
            Ok(())
        }
        ClientOp::GetData { path, watch }
        | ClientOp::GetChildren { path, watch }
        | ClientOp::Exists { path, watch } => {
            write!(
                f,
                "{kw} {name} {path}{}",
                if *watch { " watch" } else { "" }
            )
        }
        ClientOp::Sync { path } => write!(f, "{kw} {name} {path}"),
        ClientOp::CloseSession => write!(f, "client {name} close"),
    }
}

/// The create mode `-e` and `-s` give.
pub fn create_mode(ephemeral: bool, sequential: bool) -> CreateMode {
    match (ephemeral, sequential) {
        (false, false) => CreateMode::Persistent,
        (true, false) => CreateMode::Ephemeral,
        (false, true) => CreateMode::Sequential,
        (true, true) => CreateMode::EphemeralSequential,
    }
}

fn check_groups(groups: &[Vec<Sid>]) -> Result<(), String> {
    if groups.iter().any(|g| g.is_empty()) {
        return Err("a partition group names at least one server".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for sid in groups.iter().flatten() {
        if !seen.insert(*sid) {
            return Err(format!("s{sid} is in two groups of the partition"));
        }
    }
    Ok(())
}

fn sid_list(sids: &[Sid], sep: &str) -> String {
    let parts: Vec<String> = sids.iter().map(|s| s.to_string()).collect();
    parts.join(sep)
}

/// A duration as the scenario parser reads it back: `2m`, `3s`, `1500ms`.
pub fn format_duration(ms: Millis) -> String {
    if ms > 0 && ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms > 0 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn at_clause(at: &Option<Sid>) -> String {
    match at {
        Some(sid) => format!(" at {sid}"),
        None => String::new(),
    }
}

/// The command in the scenario language; it parses back to itself (`write` data that holds
/// `#`, a line break, or leading or trailing whitespace excepted: the parser cannot take it).
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::StartAll => write!(f, "start all"),
            Command::Start(ids) => write!(f, "start {}", sid_list(ids, " ")),
            Command::Crash(sid) => write!(f, "crash {sid}"),
            Command::Restart(sid) => write!(f, "restart {sid}"),
            Command::Wipe(sid) => write!(f, "wipe {sid}"),
            Command::Cut {
                from,
                to,
                both: true,
            } => write!(f, "cut {from} {to}"),
            Command::Cut { from, to, .. } => write!(f, "cut {from}>{to}"),
            Command::Heal {
                from,
                to,
                both: true,
            } => write!(f, "heal {from} {to}"),
            Command::Heal { from, to, .. } => write!(f, "heal {from}>{to}"),
            Command::HealAll => write!(f, "heal all"),
            Command::Isolate(sid) => write!(f, "isolate {sid}"),
            Command::Partition(groups) => {
                let groups: Vec<String> = groups.iter().map(|g| sid_list(g, ",")).collect();
                write!(f, "partition {}", groups.join("|"))
            }
            Command::Slow { sid, factor } => write!(f, "slow {sid} {factor}"),
            Command::SessionOpen { at } => write!(f, "session open{}", at_clause(at)),
            Command::SessionClose { at } => write!(f, "session close{}", at_clause(at)),
            Command::Write { at, path, data } => {
                write!(f, "write{} {path} {data}", at_clause(at))
            }
            Command::Writes { per_second, at } => {
                write!(f, "writes {per_second}{}", at_clause(at))
            }
            Command::WritesOff => write!(f, "writes off"),
            Command::ClientConnect {
                name,
                servers,
                timeout,
            } => {
                write!(f, "client {name} connect {}", sid_list(servers, ","))?;
                match timeout {
                    Some(t) => write!(f, " timeout {}", format_duration(*t)),
                    None => Ok(()),
                }
            }
            Command::ClientClose(name) => write!(f, "client {name} close"),
            Command::ClientCrash(name) => write!(f, "client {name} crash"),
            Command::ClientPause { name, ms } => {
                write!(f, "client {name} pause {}", format_duration(*ms))
            }
            Command::ClientRun { name, kind, path } => {
                write!(f, "client {name} run {} {path}", kind.as_str())
            }
            Command::ClientRelease(name) => write!(f, "client {name} release"),
            Command::ClientUse { name, path } => write!(f, "client {name} use {path}"),
            Command::ClientMove { name, sid } => write!(f, "client {name} move {sid}"),
            Command::ClientLink { name, sid, cut } => {
                write!(f, "{} {name} {sid}", if *cut { "cut" } else { "heal" })
            }
            Command::ClientRequest { name, op } => client_op_line(f, name, op),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked_without_a_world() {
        let partition = |g: Vec<Vec<Sid>>| Command::Partition(g).check_shape();
        assert!(partition(vec![vec![1, 2], vec![3]]).is_ok());
        assert!(partition(vec![vec![1, 2], vec![2, 3]])
            .unwrap_err()
            .contains("two groups"));
        assert!(partition(vec![vec![]]).is_err());
        let cut = Command::Cut {
            from: 2,
            to: 2,
            both: true,
        };
        assert!(cut.check_shape().is_err());
        let writes = |n| Command::Writes {
            per_second: n,
            at: None,
        };
        assert!(writes(0).check_shape().is_err());
        assert!(writes(20).check_shape().is_ok());
    }

    #[test]
    fn different_commands_hash_differently() {
        let all = [
            Command::Crash(1),
            Command::Restart(1),
            Command::Partition(vec![vec![1], vec![2]]),
            Command::Partition(vec![vec![1, 2]]),
            Command::Writes {
                per_second: 5,
                at: None,
            },
            Command::WritesOff,
            Command::HealAll,
        ];
        let codes: std::collections::BTreeSet<u64> =
            all.iter().map(crate::sim::data::fnv_hash).collect();
        assert_eq!(codes.len(), all.len());
    }
}
