//! The invariant checker is only worth something if it catches real mistakes: each broken
//! variant of the protocol (zab::config::Variant) must trip it, and the same schedule with the
//! correct protocol must not.

use zabscope::sim::explore::explore_seed;
use zabscope::sim::scenario::{
    parse::parse,
    run::{execute, run, world_config},
};
use zabscope::sim::zab::{Role, Variant};
use zabscope::sim::{Command, World, WorldConfig};

/// Runs a script (with `variant NAME` spliced in after the first line) and returns the
/// invariants the checker flagged.
fn flagged(script: &str, variant: Variant) -> Vec<u8> {
    let text = script.replacen("\n", &format!("\nvariant {}\n", variant.name()), 1);
    let script = parse(&text).expect("test script parses");
    let mut world = World::new(world_config(&script).unwrap());
    // The runner refuses unexpected violations; what matters here is what the checker saw.
    if let Err(e) = execute(&mut world, &script, &mut std::io::sink()) {
        assert!(
            e.message.contains("invariant checker found"),
            "the script failed for another reason: {e}"
        );
    }
    numbers(&world)
}

/// The numbers of the invariants the checker flagged so far.
fn numbers(world: &World) -> Vec<u8> {
    world
        .violations()
        .iter()
        .map(|v| v.invariant.number())
        .collect()
}

const WRITE_AFTER_ELECTION: &str = "servers 3
seed 4
start all
until stable 10s
write at 1 /a one
run 1s
";

#[test]
fn commit_without_quorum_is_caught() {
    assert!(flagged(WRITE_AFTER_ELECTION, Variant::Correct).is_empty());
    let found = flagged(WRITE_AFTER_ELECTION, Variant::CommitWithoutQuorum);
    assert!(
        found.contains(&5),
        "expected invariant 5 (commit needs a quorum), got {found:?}"
    );
}

/// An old leader logs a txn no one else has, a new leader takes over before writing anything
/// in its own epoch, and the old leader comes back: TRUNC is due (ZOOKEEPER-1154's setting).
const OLD_LEADER_RETURNS: &str = "servers 3
seed 2
start all
until stable 10s
write at 3 /a one
write at 3 /b two
run 1s
isolate 3
write at 3 /lost x
run 300ms
crash 3
heal all
until leader 20s
restart 3
until stable 30s
run 1s
";

#[test]
fn diff_where_trunc_is_due_is_caught() {
    assert!(flagged(OLD_LEADER_RETURNS, Variant::Correct).is_empty());
    let found = flagged(OLD_LEADER_RETURNS, Variant::DiffInsteadOfTrunc);
    assert!(
        found.contains(&7),
        "expected invariant 7 (prefix consistency), got {found:?}"
    );
}

/// A started world of three voters running `variant`.
fn started(seed: u64, variant: Variant) -> World {
    let mut cfg = WorldConfig::new(3, 0, seed);
    cfg.ensemble.variant = variant;
    let mut world = World::new(cfg);
    world.apply(Command::StartAll).unwrap();
    world
}

#[test]
fn forgetting_accepted_epoch_is_caught() {
    // Step until a follower has accepted a new epoch it has not yet made current (between
    // LEADERINFO and NEWLEADER), crash it there, restart it.
    for variant in [Variant::Correct, Variant::ForgetAcceptedEpoch] {
        let mut world = started(9, variant);
        let caught_in_between = loop {
            assert!(
                world.step(),
                "the ensemble went quiet before any follower accepted an epoch"
            );
            let pending = world.servers().find_map(|(sid, s)| {
                let s = s?;
                (matches!(s.role, Role::Learning(_))
                    && s.disk.accepted_epoch > s.disk.current_epoch)
                    .then_some(sid)
            });
            if let Some(sid) = pending {
                break sid;
            }
        };
        world.apply(Command::Crash(caught_in_between)).unwrap();
        world.apply(Command::Restart(caught_in_between)).unwrap();
        world.run_until(world.now() + 5_000);
        let found = numbers(&world);
        match variant {
            Variant::Correct => assert!(
                found.is_empty(),
                "the correct protocol was flagged: {:?}",
                world.violations()
            ),
            _ => assert!(
                found.contains(&2),
                "expected invariant 2 (epochs never go backwards), got {found:?}"
            ),
        }
    }
}

/// A leader cut off from both followers must notice within syncLimit + 1 ticks.
const LEADER_CUT_OFF: &str = "servers 3
seed 2
start all
until stable 10s
isolate 3
run 3s
";

#[test]
fn a_leader_that_never_checks_its_quorum_is_caught() {
    assert!(flagged(LEADER_CUT_OFF, Variant::Correct).is_empty());
    let found = flagged(LEADER_CUT_OFF, Variant::SkipQuorumCheck);
    assert!(
        found.contains(&11),
        "expected invariant 11 (leader without quorum steps down), got {found:?}"
    );
}

/// Followers that keep a closed session's ephemerals: their trees differ from the leader's
/// after the same history (inv 10) and hold ephemerals of a dead session (inv 13).
#[test]
fn keeping_expired_ephemerals_is_caught() {
    use zabscope::sim::zab::{CreateMode, RequestOp};
    for variant in [Variant::Correct, Variant::KeepExpiredEphemerals] {
        let mut world = started(4, variant);
        world.run_until(10_000);
        world.apply(Command::SessionOpen { at: Some(1) }).unwrap();
        world.run_until(world.now() + 500);
        let (session, _) = world.open_sessions().next().expect("a session");
        let create = RequestOp::Create {
            path: "/lock".into(),
            data: "me".into(),
            mode: CreateMode::Ephemeral,
            session,
        };
        world.submit(1, create).unwrap();
        world.run_until(world.now() + 500);
        world.apply(Command::SessionClose { at: Some(1) }).unwrap();
        world.run_until(world.now() + 1_000);
        let found = numbers(&world);
        match variant {
            Variant::Correct => assert!(found.is_empty(), "{:?}", world.violations()),
            _ => assert!(
                found.contains(&13) && found.contains(&10),
                "expected invariants 13 (ephemerals of live sessions) and 10 (equal trees), got {found:?}"
            ),
        }
    }
}

/// A lock waiter whose predecessor was a waiter that gave up: the real recipe lists the
/// children again and goes on waiting; lock-no-recheck takes the lock beside the holder (18).
const WAITER_GIVES_UP: &str = "servers 3
seed 2
start all
until stable 10s
client c1 connect 1
client c2 connect 2
client c3 connect 3
client c1 run lock /lock
run 500ms
client c2 run lock /lock
run 500ms
client c3 run lock /lock
run 500ms
client c2 release
run 1s
";

#[test]
fn a_lock_waiter_that_never_rechecks_is_caught() {
    assert!(flagged(WAITER_GIVES_UP, Variant::Correct).is_empty());
    let found = flagged(WAITER_GIVES_UP, Variant::LockNoRecheck);
    assert!(
        found.contains(&18),
        "expected invariant 18 (no two live holders of a lock), got {found:?}"
    );
}

/// A holder paused past its session's expiry writes when it wakes: the fenced resource
/// refuses its stale token; skip-fencing accepts it (18).
const PAUSED_HOLDER_WRITES: &str = "servers 3
seed 5
start all
until stable 10s
client c1 connect 1 timeout 2s
client c2 connect 2 timeout 2s
client c1 run lock /lock
run 1s
client c2 run lock /lock
run 1s
client c1 pause 5s
run 5s
client c1 use /lock
run 3s
";

#[test]
fn a_resource_without_fencing_is_caught() {
    assert!(flagged(PAUSED_HOLDER_WRITES, Variant::Correct).is_empty());
    let found = flagged(PAUSED_HOLDER_WRITES, Variant::SkipFencing);
    assert!(
        found.contains(&18),
        "expected invariant 18 (a stale token accepted), got {found:?}"
    );
}

/// Every broken variant is caught by random exploration too, and the printed replay script
/// reproduces the failure on its own.
#[test]
fn exploration_catches_every_broken_variant() {
    for variant in Variant::EXPLORABLE {
        // A server behind a client that fails over to it is a narrow window: about one
        // schedule in two thousand opens it for accept-client-ahead.
        let limit = if variant == Variant::AcceptClientAhead {
            5000
        } else {
            1000
        };
        let failure = (0..limit).find_map(|seed| {
            explore_seed(seed, variant).filter(|f| f.what.starts_with("invariant"))
        });
        let failure = failure.unwrap_or_else(|| {
            panic!(
                "no seed in 0..{limit} tripped the checker for {}",
                variant.name()
            )
        });
        let replay = parse(&failure.replay.to_string()).expect("the replay parses");
        let report = run(&replay, &mut std::io::sink());
        assert!(
            report.is_ok(),
            "the replay of seed {} ({}) does not reproduce: {:?}\n{}",
            failure.seed,
            variant.name(),
            report.err(),
            failure.replay
        );
    }
}
