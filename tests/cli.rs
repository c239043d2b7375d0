//! The headless CLI as a user meets it: exit codes, where output goes, and what a bad script
//! or a failed expectation says.

use std::process::{Command, Output};

fn zabscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zabscope"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn script(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("zabscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn run_prints_one_status_line_per_status_command() {
    let out = zabscope(&["run", "tests/scenarios/fresh_election.zs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout.lines().next().expect("a status line");
    let json: serde_json::Value = serde_json::from_str(line).expect("status is JSON");
    assert!(line.starts_with("{\"t\": "), "t comes first: {line}");
    assert_eq!(json["servers"]["3"]["mode"], "leader");
    assert_eq!(json["servers"]["3"]["zxid"], "0x100000000");
    assert_eq!(json["servers"]["1"]["leader"], 3);
    assert_eq!(json["servers"]["1"]["accepted_epoch"], 1);
}

#[test]
fn a_failed_expectation_exits_non_zero_with_the_line() {
    let path = script(
        "fails.zs",
        "servers 3\nstart all\nuntil stable 10s\nexpect leader 1\n",
    );
    let out = zabscope(&["run", &path]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{path}:4:")),
        "names the line: {stderr}"
    );
    assert!(stderr.contains("expected leader 1"), "{stderr}");
}

#[test]
fn a_bad_script_is_refused_with_the_line_and_what_was_expected() {
    let path = script("bad.zs", "servers 3\nstart all\ncrash\n");
    let out = zabscope(&["run", &path]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(":3:") && stderr.contains("crash 3"),
        "{stderr}"
    );
    let out = zabscope(&["run", "/no/such/file.zs"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explore_reports_seeds_and_exits_zero_when_all_hold() {
    let out = zabscope(&["explore", "--seeds", "0..20"]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("explored 20 seeds (zab, correct variant): 0 failed"));
    let out = zabscope(&[
        "explore",
        "--seeds",
        "0..50",
        "--variant",
        "commit-without-quorum",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken variant fails the exploration"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("FAILED: invariant 5") && stdout.contains("expect violation 5"),
        "prints a replay: {stdout}"
    );
}

#[test]
fn hash_is_deterministic() {
    let a = zabscope(&["hash", "--servers", "3", "--seed", "42", "--until", "10000"]);
    let b = zabscope(&["hash", "--servers", "3", "--seed", "42", "--until", "10000"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(
        String::from_utf8(a.stdout).unwrap().trim(),
        include_str!("fixtures/trace_hash.txt").trim()
    );
}

#[test]
fn run_writes_the_exports_with_flags_in_any_order() {
    let dir = std::env::temp_dir().join(format!("zabscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (trace, shiviz) = (dir.join("run.jsonl"), dir.join("run.shiviz"));
    let (t, s) = (trace.to_str().unwrap(), shiviz.to_str().unwrap());
    let out = zabscope(&[
        "run",
        "--trace",
        t,
        "tests/fixtures/export_example.zs",
        "--hash",
        "--shiviz",
        s,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jsonl = std::fs::read_to_string(&trace).expect("--trace wrote its file");
    let first = jsonl.lines().next().expect("a first event");
    assert!(first.starts_with("{\"seq\":0,\"t\":"), "{first}");
    let log = std::fs::read_to_string(&shiviz).expect("--shiviz wrote its file");
    assert_eq!(log.lines().count(), 2 * jsonl.lines().count());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().expect("a last line");
    let hex = last.strip_prefix("state-hash ").expect("state-hash HEX");
    assert!(
        hex.len() == 16 && hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
        "{last}"
    );
    // The recorder changes nothing: the hash is the one of a run without exports.
    let plain = zabscope(&["run", "--hash", "tests/fixtures/export_example.zs"]);
    assert_eq!(String::from_utf8(plain.stdout).unwrap(), stdout);
}

#[test]
fn run_names_a_flag_it_does_not_know() {
    let out = zabscope(&["run", "tests/fixtures/export_example.zs", "--shivz", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("`--shivz`"), "{stderr}");
}
