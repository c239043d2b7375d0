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
