//! `zabscope explore --seeds A..B`: random fault schedules with the invariant checker on.
//!
//! Each seed picks an ensemble and a schedule of crashes, restarts, wipes (of a minority),
//! cuts (one way and both), heals, isolations and writes, aimed partly at whoever leads right
//! now, because that is where the protocol is fragile. After the faults it heals everything,
//! restarts everyone and demands a stable leader that commits a final write everywhere.
//! A failing seed prints the seed and a script that replays it, shrunk by dropping every
//! action the failure does not need.

use super::paxos::PaxosVariant;
use super::scenario::run::{apply_and_hold, run, world_config, ApplyError};
use super::scenario::{Script, Stmt, UntilGoal};
use super::tally::Tally;
use super::types::{Millis, Sid};
use super::world::Protocol;
use super::world::{Command, World};
use super::zab::client::ClientOp;
use super::zab::recipe::RecipeKind;
use super::zab::{CreateMode, Role, Variant};
use std::collections::BTreeSet;

/// How long the healed ensemble gets to settle: FLE's re-send timeout backs off to 60 s.
const SETTLE: Millis = 180_000;

#[derive(Clone, Debug)]
pub struct Failure {
    pub seed: u64,
    pub what: String,
    /// A script that replays the failure, ending with the expectation that it shows.
    pub replay: Script,
}

/// Which protocol, and which variant of it, a seed explores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flavor {
    Zab(Variant),
    Paxos(Protocol, PaxosVariant),
}

impl Flavor {
    fn is_paxos(self) -> bool {
        matches!(self, Flavor::Paxos(..))
    }

    fn single_decree(self) -> bool {
        self == Flavor::Paxos(Protocol::PaxosSingle, PaxosVariant::Correct)
            || matches!(self, Flavor::Paxos(Protocol::PaxosSingle, _))
    }

    /// The configuration lines that select this flavor.
    fn stmts(self) -> Vec<Stmt> {
        match self {
            Flavor::Zab(Variant::Correct) => vec![],
            Flavor::Zab(v) => vec![Stmt::Variant(v.name().to_string())],
            Flavor::Paxos(p, v) => {
                let mut out = vec![Stmt::Protocol(p.name().to_string())];
                if v != PaxosVariant::Correct {
                    out.push(Stmt::Variant(v.name().to_string()));
                }
                out
            }
        }
    }
}

/// Explores one seed of ZooKeeper. `None` if every invariant held and the ensemble recovered.
pub fn explore_seed(seed: u64, variant: Variant) -> Option<Failure> {
    explore(seed, Flavor::Zab(variant))
}

/// What one seed showed.
#[derive(Clone, Debug)]
pub enum Outcome {
    Passed,
    /// A liveness gap real ZooKeeper 3.8 has too (see `epoch_gap`): not counted as a failure.
    KnownGap(String),
    Failed(Failure),
}

pub const KNOWN_GAP: &str = "known ZooKeeper liveness gap: ";

/// Explores one seed of any flavor. `None` if every invariant held and the ensemble
/// recovered (or stopped short only where real ZooKeeper does too).
pub fn explore(seed: u64, flavor: Flavor) -> Option<Failure> {
    match explore_outcome(seed, flavor) {
        Outcome::Failed(f) => Some(f),
        _ => None,
    }
}

pub fn explore_outcome(seed: u64, flavor: Flavor) -> Outcome {
    explore_with_stats(seed, flavor).0
}

/// One seed's outcome and what its schedule exercised.
pub fn explore_with_stats(seed: u64, flavor: Flavor) -> (Outcome, Stats) {
    let (stmts, failure, world) = generate(seed, flavor);
    let stats = Stats::of(&world);
    let outcome = match explore_failure(seed, stmts, failure) {
        None => Outcome::Passed,
        Some(f) if f.what.starts_with(KNOWN_GAP) => {
            Outcome::KnownGap(f.what[KNOWN_GAP.len()..].to_string())
        }
        Some(f) => Outcome::Failed(f),
    };
    (outcome, stats)
}

/// Explores `seeds` on `threads` threads (each seed is independent and deterministic): the
/// outcomes come back in seed order, the same whatever the thread count.
pub fn explore_range(
    seeds: std::ops::Range<u64>,
    flavor: Flavor,
    threads: usize,
) -> Vec<(u64, Outcome, Stats)> {
    let threads = threads.max(1) as u64;
    let start = seeds.start;
    let mut all: Vec<(u64, Outcome, Stats)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let seeds = seeds.clone();
                scope.spawn(move || {
                    seeds
                        .filter(|s| (s - start) % threads == t)
                        .map(|seed| {
                            let (o, st) = explore_with_stats(seed, flavor);
                            (seed, o, st)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("an explorer thread panicked"))
            .collect()
    });
    all.sort_by_key(|(seed, ..)| *seed);
    all
}

/// What one seed's schedule did: its faults (from the world's command log) and the protocol
/// branches it took (the world's tally).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub faults: FaultMix,
    pub branches: Tally,
}

impl Stats {
    fn of(world: &World) -> Stats {
        let mut faults = FaultMix::default();
        for (_, cmd) in world.command_log() {
            faults.count(cmd);
        }
        Stats {
            faults,
            branches: *world.tally(),
        }
    }
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.faults += o.faults;
        self.branches += o.branches;
    }
}

/// How many of each fault and client action a schedule applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultMix {
    pub crashes: u64,
    pub restarts: u64,
    pub wipes: u64,
    pub cuts_one_way: u64,
    pub cuts_both_ways: u64,
    pub isolations: u64,
    pub partitions: u64,
    pub slow: u64,
    pub heals: u64,
    pub writes: u64,
    pub sessions: u64,
    pub recipes: u64,
}

impl FaultMix {
    fn count(&mut self, cmd: &Command) {
        match cmd {
            Command::Crash(_) => self.crashes += 1,
            Command::Restart(_) | Command::Start(_) => self.restarts += 1,
            Command::Wipe(_) => self.wipes += 1,
            Command::Cut { both: false, .. } => self.cuts_one_way += 1,
            Command::Cut { both: true, .. } => self.cuts_both_ways += 1,
            Command::Isolate(_) => self.isolations += 1,
            Command::Partition(_) => self.partitions += 1,
            Command::Slow { .. } => self.slow += 1,
            Command::Heal { .. } | Command::HealAll => self.heals += 1,
            Command::Write { .. } | Command::Writes { .. } => self.writes += 1,
            Command::SessionOpen { .. } | Command::SessionClose { .. } => self.sessions += 1,
            Command::ClientConnect { .. }
            | Command::ClientClose(_)
            | Command::ClientCrash(_)
            | Command::ClientPause { .. }
            | Command::ClientLink { .. }
            | Command::ClientMove { .. }
            | Command::ClientRequest { .. } => self.sessions += 1,
            Command::ClientRun { .. } | Command::ClientRelease(_) | Command::ClientUse { .. } => {
                self.recipes += 1
            }
            Command::StartAll | Command::WritesOff => {}
        }
    }

    /// (name, count) rows, for a report.
    pub fn rows(&self) -> [(&'static str, u64); 12] {
        [
            ("crashes", self.crashes),
            ("restarts", self.restarts),
            ("disk wipes", self.wipes),
            ("cuts one way", self.cuts_one_way),
            ("cuts both ways", self.cuts_both_ways),
            ("isolations", self.isolations),
            ("partitions", self.partitions),
            ("slow servers", self.slow),
            ("heals", self.heals),
            ("writes", self.writes),
            ("sessions opened or closed", self.sessions),
            ("recipe runs, releases and uses", self.recipes),
        ]
    }
}

impl std::ops::AddAssign for FaultMix {
    fn add_assign(&mut self, o: FaultMix) {
        self.crashes += o.crashes;
        self.restarts += o.restarts;
        self.wipes += o.wipes;
        self.cuts_one_way += o.cuts_one_way;
        self.cuts_both_ways += o.cuts_both_ways;
        self.isolations += o.isolations;
        self.partitions += o.partitions;
        self.slow += o.slow;
        self.heals += o.heals;
        self.writes += o.writes;
        self.sessions += o.sessions;
        self.recipes += o.recipes;
    }
}

fn explore_failure(seed: u64, stmts: Vec<Stmt>, failure: Option<String>) -> Option<Failure> {
    let what = failure?;
    // Only safety failures are shrunk: dropping actions from a liveness failure tends to keep
    // it failing for a different, trivial reason (nothing proposed, say).
    let script = Script::from_stmts(stmts);
    let replay = if what.starts_with("invariant") {
        shrink(script)
    } else {
        script
    };
    Some(Failure { seed, what, replay })
}

/// Builds and runs one random schedule; returns its statements, what went wrong if anything,
/// and the world at the end.
fn generate(seed: u64, flavor: Flavor) -> (Vec<Stmt>, Option<String>, World) {
    let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
    let voters = [3, 3, 5, 5, 5, 7][rng.usize(0..6)];
    let observers = [0, 0, 1, 2][rng.usize(0..4)];
    let mut stmts = vec![
        Stmt::Servers(voters),
        Stmt::Observers(observers),
        Stmt::Seed(seed),
    ];
    stmts.extend(flavor.stmts());
    stmts.push(Stmt::Act(Command::StartAll));
    let mut world = World::new(
        world_config(&Script::from_stmts(stmts.clone())).expect("generated config is valid"),
    );
    world.apply(Command::StartAll).expect("start");
    let mut faults = Faults::default();
    let contenders = contenders(seed, flavor, &world);
    for step in 0..rng.usize(10..40) {
        let pause = [20, 50, 150, 400, 900, 1500, 3000][rng.usize(0..7)];
        stmts.push(Stmt::Run(pause));
        world.run_until(world.now() + pause);
        if let Some(v) = world.violations().first() {
            let what = describe(v);
            return (with_expectation(stmts, v.invariant), Some(what), world);
        }
        faults.update(&world);
        let cmds = match step {
            1 => contenders.clone(),
            _ => pick_action(&mut rng, &world, &faults, step, flavor)
                .into_iter()
                .collect(),
        };
        for cmd in cmds {
            match apply_and_hold(&mut world, &cmd, &mut |_| {}) {
                Ok(()) => {
                    faults.note(&cmd);
                    stmts.push(Stmt::Act(cmd));
                }
                Err(ApplyError::Refused(_)) => {}
                // A client that cannot reach any server of its list for a minute: the schedule
                // stops here, a pass (its replay would stop at the same line).
                Err(ApplyError::Stuck(_)) => {
                    stmts.push(Stmt::Act(cmd));
                    return (stmts, None, world);
                }
            }
        }
    }
    // Heal and restart everything; a correct ensemble must settle and commit again.
    stmts.push(Stmt::Act(Command::HealAll));
    world.apply(Command::HealAll).expect("heal");
    let n = world.ensemble().server_count() as Sid;
    let down: Vec<Sid> = (1..=n).filter(|s| !world.is_up(*s)).collect();
    if !down.is_empty() {
        stmts.push(Stmt::Act(Command::Start(down.clone())));
        world.apply(Command::Start(down)).expect("start");
    }
    // Let broken connections time out before asking for stability: an ensemble can look
    // settled for a moment while its sockets are dead.
    let settle_first = 3 * world.ensemble().init_timeout_ms();
    stmts.push(Stmt::Run(settle_first));
    world.run_until(world.now() + settle_first);
    if flavor.single_decree() && world.paxos_chosen().is_empty() {
        // Single-decree Paxos only moves when someone proposes.
        let write = Command::Write {
            at: Some(1),
            path: "/explore/decree".into(),
            data: "final".into(),
        };
        world.apply(write.clone()).expect("server 1 is up");
        stmts.push(Stmt::Act(write));
    }
    let deadline = world.now() + SETTLE;
    while world.stable_leader().is_none() && world.now() < deadline && world.violations().is_empty()
    {
        world.run_until(world.now() + super::scenario::run::UNTIL_STEP);
    }
    stmts.push(Stmt::Until(UntilGoal::Stable, Some(SETTLE)));
    if let Some(v) = world.violations().first() {
        let what = describe(v);
        return (with_expectation(stmts, v.invariant), Some(what), world);
    }
    let Some(leader) = world.stable_leader() else {
        if let Some(why) = epoch_gap(&world) {
            return (stmts, Some(format!("{KNOWN_GAP}{why}")), world);
        }
        return (
            stmts,
            Some(format!(
                "liveness: no stable leader {} s after healing every fault",
                SETTLE / 1000
            )),
            world,
        );
    };
    if !flavor.single_decree() {
        let write = Command::Write {
            at: Some(leader),
            path: "/explore/final".into(),
            data: "done".into(),
        };
        world.apply(write.clone()).expect("leader is up");
        stmts.push(Stmt::Act(write));
    }
    // The write must reach every server, through whatever re-elections are still due.
    let start = world.now();
    while !converged(&world) && world.now() < start + SETTLE && world.violations().is_empty() {
        world.run_until(world.now() + super::scenario::run::UNTIL_STEP);
    }
    stmts.push(Stmt::Run(world.now() - start));
    if let Some(v) = world.violations().first() {
        let what = describe(v);
        return (with_expectation(stmts, v.invariant), Some(what), world);
    }
    if !converged(&world) {
        let zxids: Vec<String> = if world.protocol() == Protocol::Zab {
            let states: BTreeSet<_> = world
                .servers()
                .filter_map(|(_, s)| s.map(|s| s.disk.last_logged_zxid()))
                .collect();
            states.iter().map(|z| z.to_string()).collect()
        } else {
            world
                .view()
                .servers
                .iter()
                .map(|s| {
                    format!(
                        "s{}: {} learned",
                        s.id,
                        s.paxos.as_ref().map_or(0, |p| p.chosen.len())
                    )
                })
                .collect()
        };
        return (
            stmts,
            Some(format!(
                "liveness: the final write did not reach every server within {} s (last logged {})",
                SETTLE / 1000,
                zxids.join(", ")
            )),
            world,
        );
    }
    stmts.push(Stmt::ExpectNoViolations);
    (stmts, None, world)
}

/// Every server is up, synced with one stable leader, and holds the same history (the leader
/// shows e << 32 as its zxid, so compare the last logged txn and the tree's digest).
fn converged(world: &World) -> bool {
    if world.protocol() != Protocol::Zab {
        return paxos_converged(world);
    }
    let states: BTreeSet<_> = world
        .servers()
        .map(|(_, s)| s.map(|s| (s.disk.last_logged_zxid(), s.tree.digest)))
        .collect();
    world.stable_leader().is_some() && states.len() == 1 && !states.contains(&None)
}

/// Servers that accepted a higher epoch from a leader that never got established cannot join
/// a leader of a lower epoch: its LEADERINFO is refused ("Leaders epoch, e is less than
/// accepted epoch") and FLE sends them straight back to it. Real ZooKeeper 3.8 does the same;
/// they rejoin at the next election. Returns a description if that is all that is wrong.
fn epoch_gap(world: &World) -> Option<String> {
    let leader = world.serving_leader()?;
    let Role::Leading(l) = &world.server(leader)?.role else {
        return None;
    };
    let epoch = l.new_epoch?;
    let mut following = 1;
    let mut stuck = Vec::new();
    for (sid, s) in world.servers().filter(|(sid, _)| *sid != leader) {
        let Some(s) = s else { continue };
        match &s.role {
            Role::Learning(f)
                if f.leader == leader
                    && f.stage == super::zab::learner::LearnerStage::Broadcast =>
            {
                following += usize::from(s.is_voter())
            }
            _ if s.disk.accepted_epoch > epoch => {
                stuck.push(format!("s{sid} (acceptedEpoch {})", s.disk.accepted_epoch))
            }
            _ => return None,
        }
    }
    let quorum = following >= world.ensemble().quorum();
    (quorum && !stuck.is_empty()).then(|| {
        format!(
            "s{leader} leads epoch {epoch} with a quorum; {} cannot join until the next election",
            stuck.join(", ")
        )
    })
}

/// Every Paxos server is up and has learned exactly what the checker says is chosen.
fn paxos_converged(world: &World) -> bool {
    let chosen = world.paxos_chosen();
    let n = world.ensemble().server_count() as Sid;
    world.stable_leader().is_some()
        && (1..=n).all(|sid| {
            world.paxos_server(sid).is_some_and(|s| {
                s.chosen.len() == chosen.len()
                    && s.chosen
                        .iter()
                        .all(|(slot, v)| chosen.get(slot).is_some_and(|(c, _)| c == v))
            })
        })
}

fn with_expectation(mut stmts: Vec<Stmt>, invariant: super::check::Invariant) -> Vec<Stmt> {
    stmts.push(Stmt::ExpectViolation(invariant));
    stmts
}

fn describe(v: &super::check::Violation) -> String {
    v.to_string()
}

/// Half the ZooKeeper seeds start two or three clients contending for one lock (or one
/// election) early, so the faults that follow hit holders and waiters: crashed holders whose
/// sessions expire, waiters that leave, paused holders, leader crashes under them. Drawn
/// from its own generator, so the rest of the schedule is drawn as before.
fn contenders(seed: u64, flavor: Flavor, world: &World) -> Vec<Command> {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x7ec1_be5a_0c0f_fee5);
    if flavor.is_paxos() || rng.bool() {
        return Vec::new();
    }
    let n = world.ensemble().server_count() as Sid;
    let (kind, path) = if rng.u32(0..4) == 0 {
        (RecipeKind::Election, "/leader")
    } else {
        (RecipeKind::Lock, "/lock")
    };
    let mut cmds = Vec::new();
    for c in 1..=rng.u32(2..=3) {
        let name = format!("c{c}");
        let mut servers: Vec<Sid> = (1..=n).collect();
        rng.shuffle(&mut servers);
        servers.truncate(rng.usize(1..=servers.len()));
        cmds.push(Command::ClientConnect {
            name: name.clone(),
            servers,
            timeout: Some(rng.u64(2..=20) * world.ensemble().tick_ms),
        });
        cmds.push(Command::ClientRun {
            name,
            kind,
            path: path.into(),
        });
    }
    cmds
}

/// What has been broken so far, so the schedule stays within what Zab promises to survive:
/// at most a minority of voters down or freshly wiped at any time.
#[derive(Clone, Default)]
struct Faults {
    /// Wiped servers that have not yet synced back (their disk no longer holds what it did).
    wiped: BTreeSet<Sid>,
}

impl Faults {
    fn update(&mut self, world: &World) {
        self.wiped
            .retain(|sid| match world.server(*sid).map(|s| &s.role) {
                Some(Role::Learning(l)) => l.stage != super::zab::learner::LearnerStage::Broadcast,
                Some(Role::Leading(_)) => false,
                _ => true,
            });
    }

    fn note(&mut self, cmd: &Command) {
        if let Command::Wipe(sid) = cmd {
            self.wiped.insert(*sid);
        }
    }

    /// Voters that are down or wiped-and-unsynced.
    fn failed_voters(&self, world: &World) -> usize {
        let cfg = world.ensemble();
        cfg.voters
            .iter()
            .filter(|s| !world.is_up(**s) || self.wiped.contains(s))
            .count()
    }

    /// Voters that are down, wiped-and-unsynced, or on a cut link (either end, either way).
    /// A wipe is amnesia, outside Zab's crash-recovery model, so it is only safe within the
    /// fault budget counted this strictly: the wiped server plus every impaired voter must
    /// stay a minority, or the servers that remember its promises may all be out of reach
    /// (explorer seeds 39629 and 47443 wiped a disk while another voter was cut off).
    fn impaired_voters(&self, world: &World) -> BTreeSet<Sid> {
        let cfg = world.ensemble();
        let n = cfg.server_count() as Sid;
        let on_cut = |v: Sid| {
            (1..=n).any(|o| o != v && !(world.net().is_up(v, o) && world.net().is_up(o, v)))
        };
        cfg.voters
            .iter()
            .copied()
            .filter(|&v| !world.is_up(v) || self.wiped.contains(&v) || on_cut(v))
            .collect()
    }

    /// Wiping `sid` now keeps the wiped plus impaired voters a minority.
    fn can_wipe(&self, world: &World, sid: Sid) -> bool {
        let minority = (world.ensemble().voters.len() - 1) / 2;
        let mut impaired = self.impaired_voters(world);
        impaired.insert(sid);
        impaired.len() <= minority
    }
}

fn pick_action(
    rng: &mut fastrand::Rng,
    world: &World,
    faults: &Faults,
    step: usize,
    flavor: Flavor,
) -> Option<Command> {
    let cfg = world.ensemble();
    let n = cfg.server_count() as Sid;
    let minority = (cfg.voters.len() - 1) / 2;
    let any = rng.u32(1..=n);
    let other = rng.u32(1..=n);
    let up: Vec<Sid> = (1..=n).filter(|s| world.is_up(*s)).collect();
    let down: Vec<Sid> = (1..=n).filter(|s| !world.is_up(*s)).collect();
    let leader = world.serving_leader();
    let target = if rng.bool() {
        leader.unwrap_or(any)
    } else {
        any
    };
    // A wiped disk forgets its epoch promises: until it has synced back, it is a failure that
    // can do harm, so nothing else may fail meanwhile, and it may only come back into an
    // ensemble that has an established leader to follow.
    let wiping = !faults.wiped.is_empty();
    let stable = world.stable_leader().is_some();
    let can_fail =
        |sid: Sid| !wiping && (!cfg.is_voter(sid) || faults.failed_voters(world) < minority);
    let restartable: Vec<Sid> = down
        .iter()
        .copied()
        .filter(|s| !faults.wiped.contains(s) || stable)
        .collect();
    Some(match rng.u32(0..20) {
        0..=2 if world.is_up(target) && can_fail(target) => Command::Crash(target),
        3..=4 if !restartable.is_empty() => {
            Command::Restart(restartable[rng.usize(0..restartable.len())])
        }
        // Paxos acceptors that forget their promises break Paxos too: no wipes there.
        5 if stable
            && !flavor.is_paxos()
            && world.is_up(target)
            && Some(target) != leader
            && can_fail(target)
            && faults.can_wipe(world, target) =>
        {
            Command::Wipe(target)
        }
        6..=7 if any != target && !wiping => Command::Cut {
            from: target,
            to: any,
            both: rng.bool(),
        },
        8 if any != other && !wiping => Command::Cut {
            from: any,
            to: other,
            both: rng.bool(),
        },
        9 if !wiping => Command::Isolate(target),
        10..=11 => Command::HealAll,
        12 if any != other => Command::Heal {
            from: any,
            to: other,
            both: true,
        },
        13 if !up.is_empty() && !flavor.is_paxos() => Command::SessionOpen {
            at: Some(up[rng.usize(0..up.len())]),
        },
        14..=16 if !flavor.is_paxos() => client_action(rng, world, n),
        _ if !up.is_empty() => {
            let at = if rng.bool() {
                leader.filter(|l| world.is_up(*l)).unwrap_or(up[0])
            } else {
                up[rng.usize(0..up.len())]
            };
            Command::Write {
                at: Some(at),
                path: format!("/k{}", rng.u32(0..4)),
                data: format!("v{step}"),
            }
        }
        _ => return None,
    })
}

/// Something one of three clients does: connect (again, once its session is over), write,
/// read, sync, die, lose a link, or run a recipe (a lock, an election) on a shared path. Ephemerals and sequential names come and go with the
/// sessions, so expiry, failover and the read invariants (14-17) are all exercised.
fn client_action(rng: &mut fastrand::Rng, world: &World, n: Sid) -> Command {
    let name = format!("c{}", rng.u32(1..=3));
    let live = (world.zab())
        .and_then(|e| e.client(&name))
        .is_some_and(|c| c.is_live());
    if !live {
        let mut servers: Vec<Sid> = (1..=n).collect();
        rng.shuffle(&mut servers);
        servers.truncate(rng.usize(1..=servers.len()));
        let timeout = Some(rng.u64(2..=20) * world.ensemble().tick_ms);
        return Command::ClientConnect {
            name,
            servers,
            timeout,
        };
    }
    let idle = (world.zab())
        .and_then(|e| e.client(&name))
        .is_some_and(|c| !c.program().is_some_and(|p| p.is_running()));
    if idle && rng.u32(0..3) == 0 {
        // Most clients contend for the one lock (or the election) soon after connecting.
        return recipe_run(rng, name);
    }
    let path = format!("/k{}", rng.u32(0..4));
    let op = match rng.u32(0..16) {
        12..=15 => return recipe_action(rng, name),
        0 => return Command::ClientCrash(name),
        1 => {
            let sid = rng.u32(1..=n);
            return Command::ClientLink {
                name,
                sid,
                cut: true,
            };
        }
        2..=3 => ClientOp::Create {
            path: format!("{path}{}", if rng.bool() { "e" } else { "s-" }),
            data: name.clone(),
            mode: if rng.bool() {
                CreateMode::Ephemeral
            } else {
                CreateMode::EphemeralSequential
            },
        },
        4..=5 => ClientOp::SetData {
            path,
            data: name.clone(),
            version: -1,
        },
        6 => ClientOp::Create {
            path,
            data: name.clone(),
            mode: CreateMode::Persistent,
        },
        7 => ClientOp::Sync { path },
        8 => ClientOp::Exists {
            path,
            watch: rng.bool(),
        },
        9 => ClientOp::GetChildren {
            path: "/".into(),
            watch: rng.bool(),
        },
        _ => ClientOp::GetData {
            path,
            watch: rng.bool(),
        },
    };
    Command::ClientRequest { name, op }
}

/// A recipe move: contend for the shared lock or election, let go, use the lock's resource,
/// or pause (a GC pause, sometimes past the session timeout: the stale-holder lesson). A
/// move the client cannot make (it runs no recipe, or one already) is refused and skipped.
fn recipe_action(rng: &mut fastrand::Rng, name: String) -> Command {
    match rng.u32(0..8) {
        0..=3 => recipe_run(rng, name),
        4 => Command::ClientRelease(name),
        5 => Command::ClientUse {
            name,
            path: "/lock".into(),
        },
        _ => Command::ClientPause {
            name,
            ms: [300, 1000, 3000, 6000][rng.usize(0..4)],
        },
    }
}

fn recipe_run(rng: &mut fastrand::Rng, name: String) -> Command {
    let (kind, path) = if rng.u32(0..4) == 0 {
        (RecipeKind::Election, "/leader")
    } else {
        (RecipeKind::Lock, "/lock")
    };
    Command::ClientRun {
        name,
        kind,
        path: path.into(),
    }
}

/// True if the script fails the same way when replayed (its last line is the expectation).
fn reproduces(script: &Script) -> bool {
    match script.lines.last().map(|l| &l.stmt) {
        Some(Stmt::ExpectViolation(_)) => run(script, &mut std::io::sink()).is_ok(),
        // A liveness failure replays as a failing `until stable` or final expectation.
        _ => run(script, &mut std::io::sink()).is_err(),
    }
}

/// Drop every action the failure does not need (one at a time, a few passes), merging the
/// pauses around it, as long as the replay still fails the same way.
fn shrink(script: Script) -> Script {
    let mut stmts: Vec<Stmt> = script.stmts().cloned().collect();
    if !reproduces(&Script::from_stmts(stmts.clone())) {
        return Script::from_stmts(stmts); // should not happen: determinism; keep it whole
    }
    for _ in 0..3 {
        let mut changed = false;
        let mut i = 0;
        while i < stmts.len() {
            // Only actions whose removal cannot add a fault: dropping a restart or a heal could
            // push the schedule past what Zab promises to survive.
            let removable = matches!(
                stmts[i],
                Stmt::Act(
                    Command::Crash(_)
                        | Command::Wipe(_)
                        | Command::Cut { .. }
                        | Command::Isolate(_)
                        | Command::Partition(_)
                        | Command::SessionOpen { .. }
                        | Command::Write { .. }
                )
            );
            if removable {
                let mut candidate = stmts.clone();
                candidate.remove(i);
                merge_runs(&mut candidate);
                if reproduces(&Script::from_stmts(candidate.clone())) {
                    stmts = candidate;
                    changed = true;
                    continue;
                }
            }
            i += 1;
        }
        if !changed {
            break;
        }
    }
    Script::from_stmts(stmts)
}

fn merge_runs(stmts: &mut Vec<Stmt>) {
    let mut merged: Vec<Stmt> = Vec::with_capacity(stmts.len());
    for s in stmts.drain(..) {
        match (merged.last_mut(), &s) {
            (Some(Stmt::Run(a)), Stmt::Run(b)) => *a += b,
            _ => merged.push(s),
        }
    }
    *stmts = merged;
}
