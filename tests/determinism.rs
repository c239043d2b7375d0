//! Same seed and same commands, same run: the trace hash proves it, natively here and in wasm
//! (tests/web.rs compares against the same fixture).

use zabscope::sim::scenario::{parse::parse, run::run};
use zabscope::sim::{Command, World, WorldConfig};

/// The reference run shared with tests/web.rs: 3 voters, seed 42, 10 virtual seconds.
fn reference_hash() -> u64 {
    let mut world = World::new(WorldConfig::new(3, 0, 42));
    world.apply(Command::StartAll).unwrap();
    world.run_until(10_000);
    world.trace_hash()
}

#[test]
fn the_wasm_fixture_holds_the_native_hash() {
    let fixture: u64 = include_str!("fixtures/trace_hash.txt")
        .trim()
        .parse()
        .expect("a decimal hash");
    assert_eq!(
        reference_hash(),
        fixture,
        "the engine's trace changed: update tests/fixtures/trace_hash.txt if that was meant"
    );
}

fn hash_of(script: &str) -> u64 {
    run(&parse(script).unwrap(), &mut std::io::sink())
        .unwrap()
        .trace_hash
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let script = include_str!("scenarios/leader_crash.zs");
    let a = hash_of(script);
    assert_eq!(a, hash_of(script), "two runs of one script differ");
    let reseeded = script.replace("seed ", "seed 1").replacen(
        "servers",
        "seed 12345\nservers",
        usize::from(!script.contains("seed ")),
    );
    assert_ne!(
        a,
        hash_of(&reseeded),
        "a different seed gave the same trace"
    );
}

/// The state hash digests what decides the future and nothing derived: the same run gives
/// the same hash, the feed (a derived reading) does not change it, a different seed does,
/// and so does any command; a rejected command does not.
#[test]
fn state_hash_follows_the_state_only() {
    let run = |feed: bool, seed: u64| {
        let mut world = World::new(WorldConfig::new(5, 1, seed));
        if feed {
            world.enable_feed();
        }
        world.apply(Command::StartAll).unwrap();
        world.run_until(4_000);
        world
    };
    let (a, b) = (run(false, 9), run(true, 9));
    assert_eq!(
        a.state_hash(),
        b.state_hash(),
        "the feed changed the state hash"
    );
    assert_ne!(
        a.state_hash(),
        run(false, 10).state_hash(),
        "a seed made no difference"
    );
    let mut c = run(false, 9);
    let before = c.state_hash_hex();
    assert_eq!(before.len(), 16);
    assert!(c.apply(Command::Crash(42)).is_err());
    assert_eq!(
        c.state_hash_hex(),
        before,
        "a rejected command changed the state"
    );
    c.apply(Command::Crash(2)).unwrap();
    assert_ne!(
        c.state_hash_hex(),
        before,
        "a crash left the state hash alone"
    );
}

/// The state hash of the reference run, pinned natively (tests/web.rs can compare wasm's).
#[test]
fn the_state_hash_fixture_holds() {
    let mut world = World::new(WorldConfig::new(3, 0, 42));
    world.apply(Command::StartAll).unwrap();
    world.run_until(10_000);
    assert_eq!(
        world.state_hash_hex(),
        include_str!("fixtures/state_hash.txt").trim(),
        "the engine's state changed: update tests/fixtures/state_hash.txt if that was meant"
    );
}
