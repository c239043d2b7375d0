//! The scenario runner: builds the world from the configuration lines, applies the actions
//! in virtual time, checks the expectations, and never lets the invariant checker's findings
//! go unreported.

use super::step::{Next, Stepper};
use super::{Script, Stmt, UntilGoal};
use crate::sim::check::Violation;
use crate::sim::paxos::PaxosVariant;
use crate::sim::scenario::parse::format_duration;
use crate::sim::types::{Millis, Sid};
use crate::sim::view::{status_json, View};
use crate::sim::world::{Protocol, World, WorldConfig};
use crate::sim::zab::config::Variant;
use std::fmt;

/// How long `until` waits when the script gives no timeout (virtual time).
pub const DEFAULT_UNTIL_TIMEOUT: Millis = 60_000;
/// `until` checks its goal every this many milliseconds of virtual time.
pub const UNTIL_STEP: Millis = 10;

/// A script that failed while running: the line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RunError {}

/// What a successful run leaves behind.
pub struct RunReport {
    pub world: World,
    /// The world's trace hash at the end: equal scripts give equal hashes.
    pub trace_hash: u64,
    /// Everything the invariant checker found (empty unless the script expected violations).
    pub violations: Vec<Violation>,
    /// Virtual time at the end.
    pub now: Millis,
    /// How many `expect` lines held.
    pub expectations: usize,
}

/// The world's configuration as the script's configuration lines set it.
pub fn world_config(script: &Script) -> Result<WorldConfig, RunError> {
    let mut voters = (3usize, None);
    let mut observers = (0usize, None);
    let mut seed = 1;
    let mut tick = None;
    let mut latency = None;
    let mut init_limit = None;
    let mut sync_limit = None;
    let mut variant = (Variant::Correct.name().to_string(), 0);
    let mut protocol = Protocol::Zab;
    let mut backoff = true;
    let mut first_action = None;
    for line in &script.lines {
        let err = |message: String| RunError {
            line: line.number,
            message,
        };
        if !line.stmt.is_config() {
            first_action.get_or_insert(line.number);
            continue;
        }
        if let Some(action) = first_action {
            return Err(err(format!(
                "configuration must come before the first action (line {action})"
            )));
        }
        match &line.stmt {
            Stmt::Servers(n) => voters = (*n, Some(line.number)),
            Stmt::Observers(n) => observers = (*n, Some(line.number)),
            Stmt::Seed(s) => seed = *s,
            Stmt::Tick(ms) if *ms == 0 => return Err(err("`tick` must be at least 1ms".into())),
            Stmt::Tick(ms) => tick = Some(*ms),
            Stmt::Latency(a, b) if a > b => {
                return Err(err("`latency` takes the minimum first".into()))
            }
            Stmt::Latency(a, b) => latency = Some((*a, *b)),
            Stmt::InitLimit(n) => init_limit = Some(*n),
            Stmt::SyncLimit(n) => sync_limit = Some(*n),
            Stmt::Variant(name) => variant = (name.clone(), line.number),
            Stmt::Protocol(name) => {
                protocol = Protocol::parse(name)
                    .ok_or_else(|| err(format!("unknown protocol `{name}`")))?;
            }
            Stmt::Backoff(on) => backoff = *on,
            _ => unreachable!("is_config"),
        }
    }
    let total = voters.0 + observers.0;
    if voters.0 == 0 || total > super::parse::MAX_SERVERS {
        let line = observers.1.or(voters.1).unwrap_or(0);
        return Err(RunError {
            line,
            message: format!(
                "an ensemble has 1 to {} servers, voters and observers together, not {total}",
                super::parse::MAX_SERVERS
            ),
        });
    }
    let mut cfg = WorldConfig::new(voters.0, observers.0, seed);
    if let Some(t) = tick {
        cfg.ensemble.tick_ms = t;
    }
    if let Some((a, b)) = latency {
        cfg.latency_min = a;
        cfg.latency_max = b;
    }
    if let Some(n) = init_limit {
        cfg.ensemble.init_limit = n;
    }
    if let Some(n) = sync_limit {
        cfg.ensemble.sync_limit = n;
    }
    cfg.protocol = protocol;
    cfg.paxos_backoff = backoff;
    let (name, line) = variant;
    let wrong = |kind: &str| RunError {
        line,
        message: format!(
            "`variant {name}` is not a {kind} variant: the script runs `protocol {}`",
            protocol.name()
        ),
    };
    if protocol == Protocol::Zab {
        cfg.ensemble.variant = Variant::parse(&name).ok_or_else(|| wrong("ZooKeeper"))?;
    } else {
        cfg.paxos_variant = PaxosVariant::parse(&name).ok_or_else(|| wrong("Paxos"))?;
    }
    Ok(cfg)
}

/// Run a script in a world built from its configuration lines. `status` lines are written
/// to `out`.
pub fn run(script: &Script, out: &mut dyn std::io::Write) -> Result<RunReport, RunError> {
    let mut world = World::new(world_config(script)?);
    let expectations = execute(&mut world, script, out)?;
    Ok(RunReport {
        trace_hash: world.trace_hash(),
        violations: world.violations().to_vec(),
        now: world.now(),
        expectations,
        world,
    })
}

/// Run a script's actions and expectations on a world the caller built (with
/// `world_config(script)`, say, and the feed enabled); configuration lines are skipped.
/// Returns how many expectations held.
pub fn execute(
    world: &mut World,
    script: &Script,
    out: &mut dyn std::io::Write,
) -> Result<usize, RunError> {
    execute_tapped(world, script, out, Millis::MAX, &mut |_| {})
}

/// `execute`, handing the world to `tap` after every line and at least every `every` ms of
/// virtual time (to print the narrated feed as it grows, say: `zabscope run --feed`).
pub fn execute_tapped(
    world: &mut World,
    script: &Script,
    out: &mut dyn std::io::Write,
    every: Millis,
    tap: &mut dyn FnMut(&World),
) -> Result<usize, RunError> {
    let mut stepper = Stepper::new(script.clone());
    loop {
        let next = stepper.poll(world);
        for line in stepper.take_output() {
            writeln!(out, "{line}").map_err(|e| RunError {
                line: stepper.line_number(),
                message: format!("cannot write the status: {e}"),
            })?;
        }
        tap(world);
        match next? {
            Next::Done => break,
            Next::RunTo(end) => loop {
                world.run_until(world.now().saturating_add(every).min(end));
                tap(world);
                if world.now() >= end {
                    break;
                }
            },
        }
    }
    Ok(stepper.expectations())
}

/// Checks an expectation line against the world (`None`: the line is not an expectation).
pub(super) fn expectation(world: &World, stmt: &Stmt) -> Option<Result<(), String>> {
    Some(match stmt {
        Stmt::ExpectViolation(_) | Stmt::ExpectNoViolations | Stmt::ExpectLeader(_) => {
            expect(world, stmt)
        }
        Stmt::ExpectZxid(sid, _)
        | Stmt::ExpectMode(sid, _)
        | Stmt::ExpectEpoch(sid, _)
        | Stmt::ExpectSync(sid, _)
        | Stmt::ExpectChosen(sid, _)
        | Stmt::ExpectNodes(sid, _)
        | Stmt::ExpectNode(sid, ..) => known(world, *sid).and_then(|_| expect(world, stmt)),
        Stmt::ExpectRead(..)
        | Stmt::ExpectChildren(..)
        | Stmt::ExpectExists(..)
        | Stmt::ExpectResult(..)
        | Stmt::ExpectCreated(..)
        | Stmt::ExpectSession(..)
        | Stmt::ExpectWatch(..)
        | Stmt::ExpectHolder(..)
        | Stmt::ExpectConfig(..)
        | Stmt::ExpectResource(..) => super::expect_client::expect_client(world, stmt),
        _ => return None,
    })
}

/// One violation in a sentence (its `Display`: invariant, event, time, servers, explanation).
pub fn describe(v: &Violation) -> String {
    v.to_string()
}

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn known(world: &World, sid: Sid) -> Result<(), String> {
    let n = world.ensemble().server_count() as Sid;
    if (1..=n).contains(&sid) {
        Ok(())
    } else {
        Err(format!(
            "there is no server {sid}: servers are numbered 1 to {n}"
        ))
    }
}

/// Why an action did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// The world refused the command (it is unchanged).
    Refused(String),
    /// A client command never got its answer within `CLIENT_HOLD_TIMEOUT`.
    Stuck(String),
}

/// Applies an action as a script does: a client command holds until the client has its
/// answer (the explorer runs its schedules the same way, so their replays match).
pub fn apply_and_hold(
    world: &mut World,
    cmd: &crate::sim::command::Command,
    tap: &mut dyn FnMut(&World),
) -> Result<(), ApplyError> {
    let held = cmd.holds_script().then(|| cmd.client_name()).flatten();
    let before = held.map(|name| client_results(world, name));
    world.apply(cmd.clone()).map_err(ApplyError::Refused)?;
    if let (Some(name), Some(before)) = (held, before) {
        hold(world, cmd, name, before, tap).map_err(ApplyError::Stuck)?;
    }
    Ok(())
}

/// How many results client `name` has had so far.
pub(super) fn client_results(world: &World, name: &str) -> u64 {
    (world.zab())
        .and_then(|e| e.client(name))
        .map_or(0, |c| c.memory.results)
}

/// How long a client command holds the script at most (virtual time).
pub const CLIENT_HOLD_TIMEOUT: Millis = 60_000;

/// A client command holds the script until the client has its answer (`connect`: until it
/// is connected or its session is over), virtual time running on meanwhile.
fn hold(
    world: &mut World,
    cmd: &crate::sim::command::Command,
    name: &str,
    before: u64,
    tap: &mut dyn FnMut(&World),
) -> Result<(), String> {
    let deadline = world.now().saturating_add(CLIENT_HOLD_TIMEOUT);
    while !held_done(world, cmd, name, before, deadline)? {
        world.run_until(world.now().saturating_add(UNTIL_STEP).min(deadline));
        tap(world);
    }
    Ok(())
}

/// Whether a held client command is answered (`Err` once `deadline` passed without).
pub(super) fn held_done(
    world: &World,
    cmd: &crate::sim::command::Command,
    name: &str,
    before: u64,
    deadline: Millis,
) -> Result<bool, String> {
    use crate::sim::command::Command;
    let Some(c) = world.zab().and_then(|e| e.client(name)) else {
        return Ok(true);
    };
    let done = match cmd {
        Command::ClientConnect { .. } => !c.is_live() || c.client.server().is_some(),
        _ => c.crashed || c.memory.results > before,
    };
    if !done && world.now() >= deadline {
        return Err(format!(
            "client {name} has no answer after {} (state {})",
            format_duration(CLIENT_HOLD_TIMEOUT),
            c.state_name()
        ));
    }
    Ok(done)
}

/// Whether `until`'s goal is reached (`Err` once `deadline` passed without).
pub(super) fn goal_reached(
    world: &World,
    goal: UntilGoal,
    timeout: Millis,
    deadline: Millis,
) -> Result<bool, String> {
    let reached = match goal {
        UntilGoal::Leader => world.serving_leader().is_some(),
        UntilGoal::Stable => world.stable_leader().is_some(),
    };
    if !reached && world.now() >= deadline {
        let what = match goal {
            UntilGoal::Leader => "no serving leader",
            UntilGoal::Stable => "no stable leader",
        };
        return Err(format!(
            "{what} within {}; status: {}",
            format_duration(timeout),
            status_json(&world.view())
        ));
    }
    Ok(reached)
}

fn leaders(view: &View) -> String {
    let leaders: Vec<String> = view
        .servers
        .iter()
        .filter(|s| s.mode == crate::sim::view::Mode::Leader)
        .map(|s| {
            if crate::sim::view::is_serving(s.phase) {
                format!("s{}", s.id)
            } else {
                format!("s{} ({})", s.id, s.phase)
            }
        })
        .collect();
    format!("[{}]", leaders.join(", "))
}

/// `expect node`: what server `sid`'s tree holds at `path`.
fn expect_node(world: &World, sid: Sid, path: &str, want: Option<&str>) -> Result<(), String> {
    let Some(server) = world.server(sid) else {
        return Err(format!(
            "expected server {sid}'s tree to be read, but it is not a running ZooKeeper server"
        ));
    };
    let held = server.tree.get(path).map(|n| n.data.as_str());
    if held == want {
        return Ok(());
    }
    let say = |d: Option<&str>| d.map_or("no such znode".to_string(), |d| format!("{d:?}"));
    Err(format!(
        "expected server {sid} to hold {path} = {}, but it holds {}",
        say(want),
        say(held)
    ))
}

fn expect(world: &World, stmt: &Stmt) -> Result<(), String> {
    let view = world.view();
    let status = || status_json(&view);
    let server = |sid: Sid| &view.servers[sid as usize - 1];
    match stmt {
        Stmt::ExpectLeader(sid) => {
            known(world, *sid)?;
            // Exactly one leader is serving, and it is `sid`.
            let serving: Vec<Sid> = view
                .servers
                .iter()
                .filter(|s| {
                    s.mode == crate::sim::view::Mode::Leader
                        && crate::sim::view::is_serving(s.phase)
                })
                .map(|s| s.id)
                .collect();
            if serving != [*sid] {
                return Err(format!(
                    "expected leader {sid}, but the leaders are {} (status: {})",
                    leaders(&view),
                    status()
                ));
            }
        }
        Stmt::ExpectZxid(sid, zxid) => {
            let s = server(*sid);
            if s.zxid != *zxid {
                return Err(format!(
                    "expected server {sid} at zxid {zxid}, but it is at {} (status: {})",
                    s.zxid,
                    status()
                ));
            }
        }
        Stmt::ExpectMode(sid, mode) => {
            let s = server(*sid);
            if s.mode.as_str() != mode {
                return Err(format!(
                    "expected server {sid} to be {mode}, but it is {} (status: {})",
                    s.mode,
                    status()
                ));
            }
        }
        Stmt::ExpectEpoch(sid, epoch) => {
            let s = server(*sid);
            if s.epoch != *epoch {
                return Err(format!(
                    "expected server {sid} in epoch {epoch} (currentEpoch), but it is in epoch {} (status: {})",
                    s.epoch,
                    status()
                ));
            }
        }
        Stmt::ExpectSync(sid, mode) => {
            let s = server(*sid);
            if s.last_sync != Some(mode.as_str()) {
                let was = s.last_sync.unwrap_or("never synced");
                return Err(format!("expected server {sid} to have been synced by {mode}, but it was {was} (status: {})", status()));
            }
        }
        Stmt::ExpectChosen(sid, n) => {
            let learned = s_learned(&view, *sid);
            if learned != Some(*n as usize) {
                let was = learned.map_or("it is not a Paxos server".to_string(), |l| {
                    format!("it learned {l}")
                });
                return Err(format!("expected server {sid} to have learned {n} chosen slots, but {was} (status: {})", status()));
            }
        }
        Stmt::ExpectNodes(sid, n) => {
            let nodes = server(*sid).tree.map(|t| t.nodes);
            if nodes != Some(*n) {
                let was = nodes.map_or("it is not a running ZooKeeper server".to_string(), |c| {
                    format!("it reports {c}")
                });
                return Err(format!(
                    "expected server {sid} to report a node count of {n}, but {was} (status: {})",
                    status()
                ));
            }
        }
        Stmt::ExpectNode(sid, path, data) => expect_node(world, *sid, path, data.as_deref())?,
        Stmt::ExpectViolation(n) => {
            let found = world.violations();
            if !found.iter().any(|v| v.invariant == *n) {
                let others = if found.is_empty() {
                    "it found none".to_string()
                } else {
                    let mut kinds: Vec<_> = found.iter().map(|v| v.invariant).collect();
                    kinds.sort_unstable();
                    kinds.dedup();
                    let kinds: Vec<String> = kinds.iter().map(|i| i.to_string()).collect();
                    format!("it found only {}", kinds.join(", "))
                };
                return Err(format!("expected a violation of {n}, but {others}"));
            }
        }
        Stmt::ExpectNoViolations => {
            if let Some(first) = world.violations().first() {
                return Err(format!(
                    "expected no violations, but the checker found {}; the first: {}",
                    plural(world.violations().len(), "violation"),
                    describe(first)
                ));
            }
        }
        other => return Err(format!("`{other}` is not an expectation")),
    }
    Ok(())
}

/// How many chosen slots a Paxos server has learned.
fn s_learned(view: &View, sid: Sid) -> Option<usize> {
    view.servers
        .get(sid as usize - 1)?
        .paxos
        .as_ref()
        .map(|p| p.chosen.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::parse::parse;

    fn run_src(src: &str) -> (Result<RunReport, RunError>, String) {
        let mut out = Vec::new();
        let r = run(&parse(src).unwrap(), &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn config_lines_reach_the_world() {
        let s =
            parse("servers 5\nobservers 2\nseed 9\ntick 100\nlatency 1ms 2ms\ninit-limit 7\nsync-limit 3\nvariant diff-instead-of-trunc\n")
                .unwrap();
        let cfg = world_config(&s).unwrap();
        assert_eq!(cfg.ensemble.voters, vec![1, 2, 3, 4, 5]);
        assert_eq!(cfg.ensemble.observers, vec![6, 7]);
        assert_eq!(
            (
                cfg.seed,
                cfg.ensemble.tick_ms,
                cfg.latency_min,
                cfg.latency_max
            ),
            (9, 100, 1, 2)
        );
        assert_eq!((cfg.ensemble.init_limit, cfg.ensemble.sync_limit), (7, 3));
        assert_eq!(cfg.ensemble.variant, Variant::DiffInsteadOfTrunc);
        assert!(world_config(&parse("servers 200\nobservers 100").unwrap()).is_err());
    }

    #[test]
    fn errors_name_their_line() {
        let (r, _) = run_src("start all\nrun 1s\ncrash 9\n");
        let e = r.err().unwrap();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("no server 9"), "{e}");
        let (r, _) = run_src("start 1\nuntil stable 2s\n");
        let e = r.err().unwrap();
        assert_eq!(e.line, 2);
        assert!(
            e.message
                .starts_with("no stable leader within 2s; status: {"),
            "{e}"
        );
        let (r, _) = run_src("start all\nexpect mode 4 leader\n");
        assert!(r.err().unwrap().message.contains("no server 4"));
        let (r, _) = run_src("start all\nsession close\n");
        assert!(r.err().unwrap().message.contains("no open session"));
        let (r, _) = run_src("start all\nexpect violation 3\n");
        assert!(r.err().unwrap().message.contains("it found none"));
    }

    #[test]
    fn status_goes_to_out() {
        let (r, out) = run_src("start all\nstatus\nrun 10ms\nstatus\n");
        let report = r.unwrap();
        assert_eq!(out.lines().count(), 2);
        assert!(
            out.starts_with("{\"servers\":{") || out.starts_with("{\"t\":"),
            "{out}"
        );
        assert_eq!(report.now, 10);
        assert_eq!(report.trace_hash, report.world.trace_hash());
    }
}
