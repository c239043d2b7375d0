//! `zabscope explore`: its arguments and its report. The exploring is the engine's
//! (`zabscope::sim::explore`).

use std::time::Instant;
use zabscope::sim::explore::{explore_range, Flavor, Outcome, Stats, KNOWN_GAP};
use zabscope::sim::paxos::PaxosVariant;
use zabscope::sim::world::Protocol;
use zabscope::sim::zab::Variant;

/// Parses `A..B` (B exclusive) or a single seed.
fn parse_seeds(text: &str) -> Option<std::ops::Range<u64>> {
    match text.split_once("..") {
        Some((a, b)) => Some(a.parse().ok()?..b.parse().ok()?),
        None => text.parse::<u64>().ok().map(|s| s..s + 1),
    }
}

pub fn main(args: &[String]) -> i32 {
    let mut seeds = 0..100;
    let mut variant_name = Variant::Correct.name().to_string();
    let mut protocol = Protocol::Zab;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seeds" => match it.next().and_then(|s| parse_seeds(s)) {
                Some(r) => seeds = r,
                None => {
                    eprintln!("zabscope explore: --seeds takes A..B (B exclusive) or one seed, like --seeds 0..500");
                    return 2;
                }
            },
            "--variant" => match it.next() {
                Some(v) => variant_name = v.clone(),
                None => {
                    eprintln!("zabscope explore: --variant needs a name");
                    return 2;
                }
            },
            "--protocol" => match it.next().and_then(|s| Protocol::parse(s)) {
                Some(p) => protocol = p,
                None => {
                    eprintln!("zabscope explore: --protocol takes zab, paxos or paxos-single");
                    return 2;
                }
            },
            "--threads" => match it.next().and_then(|s| s.parse::<usize>().ok()) {
                Some(n) if (1..=256).contains(&n) => threads = n,
                _ => {
                    eprintln!("zabscope explore: --threads takes a number from 1 to 256");
                    return 2;
                }
            },
            other => {
                eprintln!("zabscope explore: unknown argument `{other}`; usage: zabscope explore --seeds A..B [--protocol zab|paxos|paxos-single] [--variant NAME] [--threads N]");
                return 2;
            }
        }
    }
    let flavor = match protocol {
        Protocol::Zab => Variant::parse(&variant_name).map(Flavor::Zab),
        p => PaxosVariant::parse(&variant_name).map(|v| Flavor::Paxos(p, v)),
    };
    let Some(flavor) = flavor else {
        let names: Vec<&str> = match protocol {
            Protocol::Zab => std::iter::once(Variant::Correct)
                .chain(Variant::ALL_BROKEN)
                .map(|v| v.name())
                .collect(),
            _ => std::iter::once(PaxosVariant::Correct)
                .chain(PaxosVariant::ALL_BROKEN)
                .map(|v| v.name())
                .collect(),
        };
        eprintln!(
            "zabscope explore: with --protocol {}, --variant takes one of {}",
            protocol.name(),
            names.join(", ")
        );
        return 2;
    };
    let started = Instant::now();
    let mut explored = 0u64;
    let mut failures = 0;
    let mut gaps = 0;
    let mut stats = Stats::default();
    // Chunks of seeds run in parallel; each chunk is reported in seed order, so the output
    // is the same whatever the thread count (and stops after the chunk with a third failure).
    const CHUNK: u64 = 2_000;
    let mut next = seeds.start;
    'chunks: while next < seeds.end {
        let chunk = next..(next + CHUNK).min(seeds.end);
        next = chunk.end;
        for (seed, outcome, s) in explore_range(chunk, flavor, threads) {
            explored += 1;
            stats += s;
            match outcome {
                Outcome::Passed => {}
                Outcome::KnownGap(why) => {
                    gaps += 1;
                    println!("seed {seed}: {KNOWN_GAP}{why}");
                }
                Outcome::Failed(f) => {
                    failures += 1;
                    println!("seed {} FAILED: {}", f.seed, f.what);
                    println!(
                        "replay with `zabscope run FILE`, FILE containing:\n{}",
                        f.replay
                    );
                    if failures >= 3 {
                        println!("(stopping after 3 failing seeds)");
                        break 'chunks;
                    }
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "explored {explored} seeds ({}, {} variant): {failures} failed, {gaps} stopped at a known ZooKeeper liveness gap",
        protocol.name(),
        variant_name
    );
    println!(
        "{:.0} seeds/s on {threads} thread(s) ({secs:.1} s)",
        explored as f64 / secs.max(1e-9)
    );
    print_table("faults and client actions applied", &stats.faults.rows());
    print_table("protocol branches taken", &stats.branches.rows());
    if failures > 0 {
        1
    } else {
        0
    }
}

fn print_table(title: &str, rows: &[(&str, u64)]) {
    println!("{title}:");
    for (name, n) in rows {
        println!("  {name:<38} {n:>10}");
    }
}
