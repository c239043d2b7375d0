//! A run is its configuration plus its timestamped command log: exporting a world as a script
//! and replaying the script reaches the same state (state hash) and the same history (trace
//! hash), for random schedules of every command, single-event stepping included.

use zabscope::sim::scenario::export::script_of;
use zabscope::sim::scenario::parse::parse;
use zabscope::sim::scenario::run::run;
use zabscope::sim::world::Protocol;
use zabscope::sim::{Command, World, WorldConfig};

fn random_run(seed: u64) -> World {
    let mut rng = fastrand::Rng::with_seed(seed);
    let voters = [3, 5, 7][rng.usize(0..3)];
    let mut cfg = WorldConfig::new(voters, rng.usize(0..2), seed);
    cfg.protocol = [Protocol::Zab, Protocol::Zab, Protocol::Paxos][rng.usize(0..3)];
    let mut world = World::new(cfg);
    world.apply(Command::StartAll).unwrap();
    let n = world.ensemble().server_count() as u32;
    for step in 0..30 {
        if rng.bool() {
            world.run_until(world.now() + rng.u64(0..800));
        } else {
            // Single events leave the clock inside a millisecond's batch of events.
            for _ in 0..rng.usize(1..20) {
                world.step();
            }
        }
        let (a, b) = (rng.u32(1..=n), rng.u32(1..=n));
        let cmd = match rng.u32(0..9) {
            0 => Command::Crash(a),
            1 => Command::Restart(a),
            2 if a != b => Command::Cut {
                from: a,
                to: b,
                both: rng.bool(),
            },
            3 => Command::HealAll,
            4 => Command::Partition(vec![vec![a]]),
            5 => Command::Writes {
                per_second: rng.u32(1..30),
                at: None,
            },
            6 => Command::WritesOff,
            _ => Command::Write {
                at: None,
                path: format!("/k{}", step % 3),
                data: format!("v{step}"),
            },
        };
        let _ = world.apply(cmd); // refused commands are simply not in the log
    }
    world.run_until(world.now() + 2_000);
    world
}

#[test]
fn an_exported_run_replays_to_the_same_state() {
    for seed in 0..60 {
        let world = random_run(seed);
        let script = script_of(&world).expect("a default configuration exports");
        let text = script.to_string();
        let replayed = run(
            &parse(&text).expect("an export parses"),
            &mut std::io::sink(),
        )
        .unwrap_or_else(|e| panic!("seed {seed}: the replay failed: {e}\n{text}"));
        assert_eq!(replayed.world.now(), world.now(), "seed {seed}");
        assert_eq!(
            replayed.world.state_hash_hex(),
            world.state_hash_hex(),
            "seed {seed}: the replay reached another state\n{text}"
        );
        assert_eq!(replayed.trace_hash, world.trace_hash(), "seed {seed}");
    }
}
