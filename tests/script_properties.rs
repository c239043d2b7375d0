//! Properties of the scenario language over thousands of generated scripts (seeded, so a
//! failure names its case): every script the printer emits parses back to the same script,
//! and every script that parses runs to its end without a panic (it may fail an expectation
//! or be refused a command; it may not crash the engine).

use zabscope::sim::check::Invariant;
use zabscope::sim::scenario::parse::parse;
use zabscope::sim::scenario::run::{execute, world_config};
use zabscope::sim::scenario::{Script, Stmt, UntilGoal};
use zabscope::sim::types::Zxid;
use zabscope::sim::Command;
use zabscope::sim::World;

struct Gen(fastrand::Rng);

impl Gen {
    fn sid(&mut self) -> u32 {
        self.0.u32(1..=8)
    }

    fn at(&mut self) -> Option<u32> {
        self.0.bool().then(|| self.sid())
    }

    fn ms(&mut self) -> u64 {
        [0, 1, 20, 150, 999, 1000, 1500, 60_000][self.0.usize(0..8)]
    }

    fn word(&mut self) -> String {
        let words = [
            "a",
            "hello",
            "x-1",
            "v2",
            "ünï",
            "0x1",
            "with space",
            "tab\there",
        ];
        words[self.0.usize(0..words.len())].to_string()
    }

    fn path(&mut self) -> String {
        format!("/{}", ["a", "k1", "lock/n-", "a/b"][self.0.usize(0..4)])
    }

    fn command(&mut self) -> Command {
        let (a, b) = (self.sid(), self.sid());
        let b = if a == b { a % 8 + 1 } else { b };
        match self.0.u32(0..15) {
            0 => Command::StartAll,
            1 => Command::Start((0..self.0.usize(1..4)).map(|_| self.sid()).collect()),
            2 => Command::Crash(a),
            3 => Command::Restart(a),
            4 => Command::Wipe(a),
            5 => Command::Cut {
                from: a,
                to: b,
                both: self.0.bool(),
            },
            6 => Command::Heal {
                from: a,
                to: b,
                both: self.0.bool(),
            },
            7 => Command::HealAll,
            8 => Command::Isolate(a),
            9 => Command::Partition(if self.0.bool() {
                vec![vec![a]]
            } else {
                vec![vec![a], vec![b]]
            }),
            10 => Command::Slow {
                sid: a,
                factor: self.0.u32(1..=100),
            },
            11 => Command::Write {
                at: self.at(),
                path: self.path(),
                data: self.word(),
            },
            12 => Command::SessionOpen { at: self.at() },
            13 => Command::Writes {
                per_second: self.0.u32(1..=50),
                at: self.at(),
            },
            _ => Command::WritesOff,
        }
    }

    fn stmt(&mut self) -> Stmt {
        let sid = self.sid();
        match self.0.u32(0..12) {
            0..=5 => Stmt::Act(self.command()),
            6 => Stmt::Run(self.ms()),
            7 => Stmt::Until(
                if self.0.bool() {
                    UntilGoal::Leader
                } else {
                    UntilGoal::Stable
                },
                self.0.bool().then_some(2_000),
            ),
            8 => Stmt::Status,
            9 => Stmt::ExpectZxid(sid, Zxid(self.0.u64(0..1 << 34))),
            10 => Stmt::ExpectViolation(Invariant::ALL[self.0.usize(0..Invariant::ALL.len())]),
            _ => Stmt::ExpectMode(sid, "follower".into()),
        }
    }

    fn script(&mut self) -> Script {
        let mut stmts = vec![Stmt::Servers(self.0.usize(1..=7))];
        if self.0.bool() {
            stmts.push(Stmt::Observers(self.0.usize(0..=2)));
        }
        stmts.push(Stmt::Seed(self.0.u64(..)));
        if self.0.bool() {
            stmts.push(Stmt::Protocol(
                ["zab", "paxos", "paxos-single"][self.0.usize(0..3)].into(),
            ));
        }
        if self.0.u32(0..4) > 0 {
            stmts.push(Stmt::Act(Command::StartAll));
        }
        for _ in 0..self.0.usize(0..25) {
            stmts.push(self.stmt());
        }
        Script::from_stmts(stmts)
    }
}

/// `write` data is the rest of the line: whitespace inside it is kept, but a tab prints as a
/// tab and parses back the same, so every generated word round-trips.
#[test]
fn printed_scripts_parse_back_to_themselves() {
    for case in 0..3_000 {
        let script = Gen(fastrand::Rng::with_seed(case)).script();
        let text = script.to_string();
        let back = parse(&text).unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let want: Vec<&Stmt> = script.stmts().collect();
        let got: Vec<&Stmt> = back.stmts().collect();
        assert_eq!(got, want, "case {case} did not round-trip:\n{text}");
    }
}

#[test]
fn every_accepted_script_runs_to_its_end_without_a_panic() {
    let mut ran = 0;
    for case in 0..400 {
        let script = Gen(fastrand::Rng::with_seed(1_000_000 + case)).script();
        let text = script.to_string();
        let Ok(parsed) = parse(&text) else { continue };
        let Ok(cfg) = world_config(&parsed) else {
            continue;
        };
        // Every line runs, whatever the ones before it did: a refused command or an
        // expectation that does not hold is an error for that line only; a panic fails the
        // test with the case number and the script.
        let outcome = std::panic::catch_unwind(|| {
            let mut world = World::new(cfg);
            for line in parsed.lines.iter().filter(|l| !l.stmt.is_config()) {
                let one = Script::from_stmts([line.stmt.clone()]);
                let _ = execute(&mut world, &one, &mut std::io::sink());
            }
            world.now()
        });
        assert!(outcome.is_ok(), "case {case} panicked:\n{text}");
        ran += 1;
    }
    assert!(ran > 300, "only {ran} generated scripts parsed");
}
