//! `zabscope bench`: prints engine throughput figures (the measuring is the engine's,
//! `zabscope::sim::bench`).

use zabscope::sim::bench::steady_writes;

pub fn main(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "--timeline") {
        return super::bench_timeline::main(args);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let scale = if quick { 1 } else { 10 };
    println!("ZabScope engine benchmark (native, one core, invariant checker on)");
    let f = steady_writes(5, 2_000 * scale, 1);
    println!(
        "5 servers, steady writes: {:>10.0} delivered messages/s  ({} messages, {} events, {} txns in {:.2} s wall, {:.0} virtual ms)",
        f.delivered as f64 / f.seconds,
        f.delivered,
        f.events,
        f.commits,
        f.seconds,
        2_000.0 * scale as f64
    );
    println!("cost per delivered message:");
    for (servers, virtual_ms, every) in [
        (5, 1_000 * scale, 1),
        (25, 400 * scale, 2),
        (101, 100 * scale, 5),
    ] {
        let f = steady_writes(servers, virtual_ms, every);
        println!(
            "  {servers:>3} servers: {:>7.0} ns/message  ({:.0} messages/s; {} messages, {} txns, {:.2} s wall)",
            f.seconds * 1e9 / f.delivered.max(1) as f64,
            f.delivered as f64 / f.seconds,
            f.delivered,
            f.commits,
            f.seconds
        );
    }
    0
}
