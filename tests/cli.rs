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
