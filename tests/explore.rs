//! Random fault schedules with the checker on: the correct protocol never breaks an invariant
//! and always recovers once the faults heal. CI explores `EXPLORE_SEEDS` seeds (default 1000).

use zabscope::sim::explore::{explore, explore_seed, Flavor};
use zabscope::sim::paxos::PaxosVariant;
use zabscope::sim::world::Protocol;
use zabscope::sim::zab::Variant;

#[test]
fn random_fault_schedules_break_no_invariant() {
    let seeds: u64 = std::env::var("EXPLORE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let failures: Vec<_> = (0..seeds)
        .filter_map(|seed| explore_seed(seed, Variant::Correct))
        .collect();
    for f in failures.iter().take(3) {
        eprintln!("seed {} failed: {}\nreplay:\n{}", f.seed, f.what, f.replay);
    }
    assert!(
        failures.is_empty(),
        "{} of {seeds} seeds failed",
        failures.len()
    );
    println!("explored {seeds} seeds: no violation, every ensemble recovered");
}

#[test]
fn random_fault_schedules_break_no_paxos_invariant() {
    let seeds: u64 = std::env::var("EXPLORE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    for protocol in [Protocol::Paxos, Protocol::PaxosSingle] {
        let failures: Vec<_> = (0..seeds)
            .filter_map(|seed| explore(seed, Flavor::Paxos(protocol, PaxosVariant::Correct)))
            .collect();
        for f in failures.iter().take(3) {
            eprintln!(
                "{} seed {} failed: {}\nreplay:\n{}",
                protocol.name(),
                f.seed,
                f.what,
                f.replay
            );
        }
        assert!(
            failures.is_empty(),
            "{}: {} of {seeds} seeds failed",
            protocol.name(),
            failures.len()
        );
        println!(
            "explored {seeds} {} seeds: no violation, every ensemble recovered",
            protocol.name()
        );
    }
}
