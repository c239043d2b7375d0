//! The headless CLI: run scenario scripts, explore random fault schedules, benchmark.
//!
//! Exit codes: 0 success; 1 a script ran and failed (an expectation, a timeout, a rejected
//! command, an unexpected invariant violation); 2 usage errors, scripts that do not parse and
//! exports that cannot be written; 3 is unused.

mod bench;
mod bench_timeline;
mod explore;
mod exports;
mod run_args;

use std::process::ExitCode;
use zabscope::sim::scenario::{parse, run};
use zabscope::sim::{Command, World, WorldConfig};

const USAGE: &str = "\
usage:
  zabscope run FILE [--feed] [--hash] [--trace P] [--shiviz P]
                               run a scenario script (flags in any order); `status`
                               lines go to stdout, errors to stderr as FILE:LINE:
                               message; --feed also prints the narrated event feed to
                               stderr as it happens; --hash prints `state-hash HEX`
                               (16 hex digits) as the last line; --trace writes the
                               run's trace to P as JSON lines, --shiviz as a ShiViz
                               log (both also when the script fails)
  zabscope hash [--servers N] [--observers K] [--seed S] [--until MS] [--state]
                               start every server, run to MS (virtual time), print the
                               trace hash in decimal, or with --state the state hash in
                               16 hex digits (defaults: 3 servers, 0 observers, seed 1,
                               10000 ms)
  zabscope explore [--seeds A..B] [--variant NAME]
                               random fault schedules with the invariant checker on;
                               prints each failing seed with a script that replays it
  zabscope bench [--quick]     engine throughput: delivered messages/s, cost per message
  zabscope bench --timeline [--quick]
                               the page's past: memory, checkpoints and seeks to random
                               moments of a 10- and a 60-minute run (2 and 6 with --quick)
  zabscope help                this text

exit codes: 0 ok, 1 the script failed, 2 bad usage, a script that does not parse or an
export that cannot be written";

fn usage(problem: Option<&str>) -> ExitCode {
    if let Some(p) = problem {
        eprintln!("zabscope: {p}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(sub) = args.first() else {
        return usage(None);
    };
    let rest = &args[1..];
    match sub.as_str() {
        "run" => match run_args::parse(rest) {
            Ok(args) => run_file(&args),
            Err(problem) => usage(Some(&problem)),
        },
        "hash" => hash(rest),
        "explore" => ExitCode::from(explore::main(rest) as u8),
        "bench" => ExitCode::from(bench::main(rest) as u8),
        "help" | "-h" | "--help" => usage(None),
        other => usage(Some(&format!("unknown subcommand `{other}`"))),
    }
}

fn run_file(args: &run_args::RunArgs) -> ExitCode {
    let file = &args.file;
    let src = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("zabscope: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let script = match parse::parse(&src) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{file}:{}: {}", e.line, e.message);
            return ExitCode::from(2);
        }
    };
    let mut world = match run::world_config(&script) {
        Ok(cfg) => World::new(cfg),
        Err(e) => {
            eprintln!("{file}:{}: {}", e.line, e.message);
            return ExitCode::from(1);
        }
    };
    if args.wants_trace() {
        world.enable_trace(None);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = if args.feed {
        run_with_feed(&mut world, &script, &mut out)
    } else {
        run::execute(&mut world, &script, &mut out).map(|_| ())
    };
    let code = match result {
        Ok(()) => {
            if args.hash {
                println!("state-hash {}", world.state_hash_hex());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{file}:{}: {}", e.line, e.message);
            ExitCode::from(1)
        }
    };
    match exports::write_exports(&world, args) {
        Ok(()) => code,
        Err(e) => {
            eprintln!("zabscope: {e}");
            ExitCode::from(2)
        }
    }
}

fn hash(args: &[String]) -> ExitCode {
    let (mut servers, mut observers, mut seed, mut until) = (3usize, 0usize, 1u64, 10_000u64);
    let state = args.iter().any(|a| a == "--state");
    let args: Vec<String> = args.iter().filter(|a| *a != "--state").cloned().collect();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let Some(value) = args.get(i + 1) else {
            return usage(Some(&format!("`{flag}` needs a value")));
        };
        let bad = || usage(Some(&format!("`{flag} {value}`: not a valid value")));
        match flag {
            "--servers" => match value.parse() {
                Ok(n) if (1..=parse::MAX_SERVERS).contains(&n) => servers = n,
                _ => return bad(),
            },
            "--observers" => match value.parse() {
                Ok(n) if n < parse::MAX_SERVERS => observers = n,
                _ => return bad(),
            },
            "--seed" => match value.parse() {
                Ok(s) => seed = s,
                Err(_) => return bad(),
            },
            "--until" => match parse::parse_duration(value, true) {
                Ok(ms) => until = ms,
                Err(_) => return bad(),
            },
            _ => return usage(Some(&format!("`hash` does not know `{flag}`"))),
        }
        i += 2;
    }
    if servers + observers > parse::MAX_SERVERS {
        return usage(Some("at most 255 servers, voters and observers together"));
    }
    let mut world = World::new(WorldConfig::new(servers, observers, seed));
    if let Err(e) = world.apply(Command::StartAll) {
        eprintln!("zabscope: {e}");
        return ExitCode::from(1);
    }
    world.run_until(until);
    if state {
        println!("{}", world.state_hash_hex());
    } else {
        println!("{}", world.trace_hash());
    }
    ExitCode::SUCCESS
}

/// Runs a script on `world` printing every narrated feed entry to stderr as
/// `t=MS sN: sentence`.
fn run_with_feed(
    world: &mut World,
    script: &zabscope::sim::scenario::Script,
    out: &mut dyn std::io::Write,
) -> Result<(), run::RunError> {
    world.enable_feed();
    let mut cursor = world.feed_end();
    let cfg = world.ensemble().clone();
    let mut print = |w: &World| {
        for e in w.feed_since(cursor) {
            let n = zabscope::sim::narrate::narrate(e, &cfg);
            eprintln!("t={:>7} {}: {}", e.at, e.who(), n.text);
        }
        cursor = w.feed_end();
    };
    run::execute_tapped(world, script, out, 50, &mut print)?;
    Ok(())
}
