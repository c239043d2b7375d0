//! `zabscope bench --timeline`: the page's past, measured. Plays the page's own reducer (the
//! frames, the story, the timeline's checkpoints, the diagram's records) at 7 servers under
//! 20 steady writes a second for 10 and then 60 virtual minutes, and prints the process's
//! peak memory, the checkpoints kept, and seeks to random moments: how long each took and how
//! many events its replay processed. Figures, never a pass or a fail.

use std::time::Instant;

use zabscope::sim::{Millis, WorldConfig};
use zabscope::view::page::{Action, Page, TimeAction, Transport};

/// Virtual ms per real ms: one frame of 1/60 s moves 2 virtual seconds.
const SPEED: f64 = 120.0;
const FRAME_MS: f64 = 1000.0 / 60.0;

/// The process's peak and current resident memory, in MiB (Linux's /proc; `None` elsewhere).
fn memory_mib() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// Plays `page` until its virtual clock reaches `until`; returns the wall seconds it took.
fn play_to(page: &mut Page, until: Millis) -> f64 {
    let start = Instant::now();
    let mut at = 0.0;
    while page.world().now() < until {
        at += FRAME_MS;
        page.reduce(Action::Play(Transport::Tick {
            real_ms: FRAME_MS,
            at,
        }));
    }
    start.elapsed().as_secs_f64()
}

/// A small deterministic generator, so every run seeks to the same moments.
fn moments(edge: Millis, n: usize) -> Vec<Millis> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % edge
        })
        .collect()
}

fn report(page: &mut Page, minutes: u64, wall: f64) {
    let edge = page.world().now();
    let (peak, rss) = memory_mib().unwrap_or((f64::NAN, f64::NAN));
    println!(
        "{minutes:>3} virtual min: played in {wall:.1} s wall; peak memory {peak:.1} MiB (now {rss:.1}); {} checkpoints; {} events processed",
        page.timeline.checkpoints(),
        page.world().events_processed(),
    );
    // What one checkpoint holds: ten copies of the world as a checkpoint takes it.
    let before = memory_mib().map_or(0.0, |m| m.1);
    let copies: Vec<_> = (0..10).map(|_| page.world().checkpoint()).collect();
    let after = memory_mib().map_or(0.0, |m| m.1);
    drop(copies);
    println!(
        "      one checkpoint's world: about {:.2} MiB",
        (after - before) / 10.0
    );
    let mut seeks: Vec<(f64, u64)> = Vec::new();
    for t in moments(edge, 20) {
        let start = Instant::now();
        page.reduce(Action::Time(TimeAction::Seek(t)));
        seeks.push((
            start.elapsed().as_secs_f64() * 1e3,
            page.timeline.last_replayed(),
        ));
    }
    page.reduce(Action::Time(TimeAction::Live));
    seeks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let replayed: Vec<u64> = seeks.iter().map(|s| s.1).collect();
    println!(
        "      20 seeks to random moments: median {:.1} ms, max {:.1} ms; events replayed: median {}, max {}",
        seeks[seeks.len() / 2].0,
        seeks.last().unwrap().0,
        {
            let mut r = replayed.clone();
            r.sort_unstable();
            r[r.len() / 2]
        },
        replayed.iter().max().unwrap()
    );
}

pub fn main(args: &[String]) -> i32 {
    let quick = args.iter().any(|a| a == "--quick");
    let (first, second) = if quick { (2, 6) } else { (10, 60) };
    println!(
        "ZabScope timeline benchmark (native, the page's reducer: 7 servers, 20 writes/s, the diagram's records on)"
    );
    let mut page = Page::new(WorldConfig::new(7, 0, 1), SPEED, 20);
    page.driver.pacing = false;
    let wall = play_to(&mut page, first * 60_000);
    report(&mut page, first, wall);
    let wall = wall + play_to(&mut page, second * 60_000);
    report(&mut page, second, wall);
    0
}
