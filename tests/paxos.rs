//! The Paxos modes: competing proposers really compete, broken variants are caught, and the
//! same faults never break Paxos's invariants.

use zabscope::sim::explore::{explore, Flavor};
use zabscope::sim::paxos::server::PaxosObservation;
use zabscope::sim::paxos::{Ballot, PaxosVariant};
use zabscope::sim::scenario::{
    parse::parse,
    run::{execute, run, world_config},
};
use zabscope::sim::world::Fact;
use zabscope::sim::world::Protocol;
use zabscope::sim::World;

#[test]
fn ballots_order_by_round_then_proposer() {
    let b = |round, sid| Ballot { round, sid };
    assert!(
        b(2, 1) > b(1, 5),
        "a higher round wins whatever the proposer"
    );
    assert!(
        b(1, 5) > b(1, 3),
        "within a round the higher proposer id wins"
    );
    assert!(b(1, 1) > Ballot::ZERO);
    assert_eq!(b(3, 2).to_string(), "(3,2)");
}

#[test]
fn duelling_proposers_preempt_each_other_and_one_value_is_chosen() {
    let script = parse(include_str!("scenarios/paxos_duel.zs")).unwrap();
    let mut world = World::new(world_config(&script).unwrap());
    world.enable_feed();
    execute(&mut world, &script, &mut std::io::sink()).expect("the duel scenario passes");
    let preempted = world
        .feed()
        .filter(|e| matches!(e.what, Fact::Paxos(PaxosObservation::Preempted { .. })))
        .count();
    let preparing = world
        .feed()
        .filter(|e| matches!(e.what, Fact::Paxos(PaxosObservation::Preparing { .. })))
        .count();
    assert!(
        preempted >= 1,
        "no proposer was ever pre-empted: this is no duel"
    );
    assert!(
        preparing >= 3,
        "three proposers each ran phase 1 at least once, saw {preparing}"
    );
    assert_eq!(world.paxos_chosen().len(), 1, "exactly one decree");
}

#[test]
fn exploration_catches_every_broken_paxos_variant() {
    for protocol in [Protocol::Paxos, Protocol::PaxosSingle] {
        for variant in PaxosVariant::ALL_BROKEN {
            let failure = (0..300).find_map(|seed| {
                explore(seed, Flavor::Paxos(protocol, variant))
                    .filter(|f| f.what.starts_with("invariant"))
            });
            let failure = failure.unwrap_or_else(|| {
                panic!(
                    "no seed in 0..300 tripped the checker for {} / {}",
                    protocol.name(),
                    variant.name()
                )
            });
            let replay = parse(&failure.replay.to_string()).expect("the replay parses");
            assert!(
                run(&replay, &mut std::io::sink()).is_ok(),
                "the replay of seed {} does not reproduce:\n{}",
                failure.seed,
                failure.replay
            );
        }
    }
}

#[test]
fn a_proposer_that_ignores_promised_values_changes_a_chosen_value() {
    // Slot 0 is chosen under the first leader (s2, with s3) while s1 hears nothing of it; the
    // leader crashes and s3 restarts, so nobody alive has *learned* slot 0. The next leader's
    // phase 1 covers slot 0 and must re-propose the value s3 reports as accepted; the broken
    // variant ignores it and lets the next write take slot 0.
    let script = "protocol paxos
servers 3
seed 3
start all
until stable 20s
expect leader 2
cut 2>1
write at 2 /a 1
run 1s
expect chosen 3 1
expect chosen 1 0
crash 2
crash 3
restart 3
heal all
run 5s
write at 1 /b 2
run 3s
";
    let flagged = |variant: &str| {
        let text = script.replacen("\n", &format!("\nvariant {variant}\n"), 1);
        let script = parse(&text).unwrap();
        let mut world = World::new(world_config(&script).unwrap());
        let _ = execute(&mut world, &script, &mut std::io::sink());
        world
            .violations()
            .iter()
            .map(|v| v.invariant.number())
            .collect::<Vec<_>>()
    };
    assert!(
        flagged("correct").is_empty(),
        "the correct protocol was flagged"
    );
    let found = flagged("ignore-promised-values");
    assert!(
        found.contains(&22),
        "expected invariant 22 (a chosen value never changes), got {found:?}"
    );
}
