//! `zabscope bench`: engine throughput figures (a benchmark that prints, not a timed test).
//!
//! 1. Delivered messages per second of wall time for a 5-server ensemble under steady writes,
//!    with the invariant checker on (as the page and the tests run it).
//! 2. Wall-clock cost per delivered message at 5, 25 and 101 servers.

use super::world::{Command, World, WorldConfig};
use std::time::Instant;

pub struct Figures {
    pub delivered: u64,
    pub events: u64,
    pub seconds: f64,
    pub commits: u64,
}

/// Runs `servers` voters for `virtual_ms` of steady writes (one write every `write_every_ms`
/// at a rotating server) and measures the wall time spent.
pub fn steady_writes(servers: usize, virtual_ms: u64, write_every_ms: u64) -> Figures {
    let mut world = World::new(WorldConfig::new(servers, 0, 42));
    world.apply(Command::StartAll).expect("start");
    let mut t = 0;
    while world.stable_leader().is_none() && t < 60_000 {
        t += 50;
        world.run_until(t);
    }
    let leader_zxid_before = world.max_logged_zxid();
    let (delivered0, events0) = (world.messages_delivered(), world.events_processed());
    let start = Instant::now();
    let end = world.now() + virtual_ms;
    let mut next_write = world.now();
    let mut at = 1;
    while world.now() < end {
        let _ = world.apply(Command::Write {
            at: Some(at),
            path: format!("/bench/{}", at),
            data: "x".into(),
        });
        at = at % servers as u32 + 1;
        next_write += write_every_ms;
        world.run_until(next_write);
    }
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        world.violations().is_empty(),
        "the benchmark run broke an invariant: {:?}",
        world.violations()[0]
    );
    Figures {
        delivered: world.messages_delivered() - delivered0,
        events: world.events_processed() - events0,
        seconds,
        commits: world
            .max_logged_zxid()
            .counter()
            .saturating_sub(leader_zxid_before.counter()),
    }
}
