//! Every scenario's trace hash, pinned: a refactor that changes no behaviour leaves each one
//! as it was. When a change of behaviour is meant, regenerate the file on purpose with
//! `ZABSCOPE_REWRITE=1 cargo test --release --test trace_fixtures` and review the diff (the
//! scenarios' own `expect` lines say whether the new behaviour is right).

use std::path::Path;
use zabscope::sim::scenario::{parse::parse, run::run};

const FIXTURE: &str = "tests/fixtures/scenario_trace_hashes.txt";

fn current() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "zs"))
        .collect();
    files.sort();
    let mut out = String::new();
    for path in files {
        let src = std::fs::read_to_string(&path).expect("readable");
        let script = parse(&src).expect("every scenario parses");
        let report = run(&script, &mut std::io::sink()).expect("every scenario passes");
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("{name} {:016x}\n", report.trace_hash));
    }
    out
}

#[test]
fn every_scenario_keeps_its_trace_hash() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let now = current();
    if std::env::var_os("ZABSCOPE_REWRITE").is_some() {
        std::fs::write(&path, &now).expect("write the fixture");
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_default();
    if pinned != now {
        let diff: Vec<String> = now
            .lines()
            .filter(|l| !pinned.lines().any(|p| p == *l))
            .map(|l| format!("  now {l}"))
            .collect();
        panic!(
            "scenario trace hashes changed (regenerate {FIXTURE} with ZABSCOPE_REWRITE=1 if that was meant):\n{}",
            diff.join("\n")
        );
    }
}
