//! Every `tests/scenarios/*.zs` script must parse and run: the scripts carry their own
//! `expect` lines, and a violation the script does not expect fails it too.

use std::path::{Path, PathBuf};
use zabscope::sim::scenario::{parse::parse, run::run};

fn scripts() -> Vec<PathBuf> {
    scripts_in("tests/scenarios")
}

fn scripts_in(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "zs"))
        .collect();
    files.sort();
    files
}

/// Parse and run one script: `Err("FILE:LINE: message")` plus the status lines it printed.
fn check(path: &Path) -> Result<(), String> {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let src = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let script =
        parse(&src).map_err(|e| format!("{name}:{}: {} (parse error)", e.line, e.message))?;
    let mut out = Vec::new();
    run(&script, &mut out).map(|_| ()).map_err(|e| {
        let status = String::from_utf8_lossy(&out);
        let status = if status.is_empty() {
            String::new()
        } else {
            format!("\n  status lines before it:\n{status}")
        };
        format!("{name}:{}: {}{status}", e.line, e.message)
    })
}

#[test]
fn every_scenario_script_passes() {
    let files = scripts();
    assert!(
        files.len() >= 8,
        "expected the scenario scripts in tests/scenarios, found {files:?}"
    );
    let mut failures = Vec::new();
    for path in &files {
        match check(path) {
            Ok(()) => eprintln!(
                "ok    {}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
            Err(e) => {
                eprintln!("FAIL  {e}");
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario scripts failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn every_scenario_starts_with_a_comment_and_round_trips() {
    for path in scripts() {
        let src = std::fs::read_to_string(&path).expect("readable");
        let name = path.display();
        assert!(
            src.starts_with('#'),
            "{name}: start with comment lines saying what the scenario shows"
        );
        let Ok(script) = parse(&src) else { continue }; // reported by the other test
        let canonical = script.to_string();
        let again = parse(&canonical)
            .unwrap_or_else(|e| panic!("{name}: canonical text does not parse: {e}\n{canonical}"));
        assert_eq!(
            script.stmts().collect::<Vec<_>>(),
            again.stmts().collect::<Vec<_>>(),
            "{name}"
        );
    }
}

/// The page's one-click presets: each a valid script that passes, its first line a comment
/// that titles it.
#[test]
fn every_preset_passes_and_has_a_title() {
    let presets = scripts_in("tests/scenarios/presets");
    let names: Vec<String> = (presets.iter())
        .map(|p| {
            p.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for want in ["config", "election", "lock", "registry", "stale_read"] {
        assert!(
            names.iter().any(|n| n == want),
            "no preset {want}.zs: {names:?}"
        );
    }
    for path in &presets {
        let src = std::fs::read_to_string(path).expect("readable");
        let title = src.lines().next().unwrap_or("");
        assert!(
            title.starts_with("# ") && title.len() > 4,
            "{}: the first line is the preset's title, as a comment",
            path.display()
        );
        check(path).unwrap_or_else(|e| panic!("preset {e}"));
    }
}

#[test]
fn runs_are_deterministic() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/leader_crash.zs"),
    )
    .expect("readable");
    let script = parse(&src).expect("parses");
    let hash = || {
        run(&script, &mut std::io::sink())
            .map(|r| r.trace_hash)
            .map_err(|e| e.to_string())
    };
    assert_eq!(hash(), hash());
}
