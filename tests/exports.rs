//! The trace's exports on real runs: the JSON lines (one pinned example line per event class,
//! every line valid JSON with its keys in the documented order), the ShiViz log's clocks
//! (happened-before holds), and that recording the trace leaves the run as it was.
//!
//! The pinned lines are the first event of each class in `tests/fixtures/export_example.zs`,
//! in the order send, deliver, lost, timer, command. When a change of the format or of
//! behaviour is meant, regenerate them with
//! `ZABSCOPE_REWRITE=1 cargo test --release --test exports` and review the diff.

use std::collections::HashMap;
use std::path::Path;
use zabscope::sim::scenario::{parse::parse, run};
use zabscope::sim::shiviz::{self, dominates, Host};
use zabscope::sim::trace::TraceWhat;
use zabscope::sim::trace_export::{event_class, event_line};
use zabscope::sim::{jsonl, World};

const EXAMPLE: &str = "tests/fixtures/export_example.zs";
const FIXTURE: &str = "tests/fixtures/export_example.jsonl";
/// A run with client actors: client packets, client timers, client commands.
const WITH_CLIENTS: &str = "tests/scenarios/lock_paused_holder_fenced.zs";
const CLASSES: [&str; 5] = ["send", "deliver", "lost", "timer", "command"];

fn path(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs the script, with the trace recorder on (unbounded) if `traced`.
fn run_script(rel: &str, traced: bool) -> World {
    let src = std::fs::read_to_string(path(rel)).expect("readable");
    let script = parse(&src).expect("parses");
    let mut world = World::new(run::world_config(&script).expect("a config"));
    if traced {
        world.enable_trace(None);
    }
    run::execute(&mut world, &script, &mut std::io::sink()).expect("the script passes");
    world
}

/// The keys of an event class's line, in order.
fn keys(class: &str) -> &'static [&'static str] {
    match class {
        "send" => &[
            "seq",
            "t",
            "ev",
            "id",
            "from",
            "to",
            "kind",
            "label",
            "zxid",
            "deliver_at",
        ],
        "deliver" => &["seq", "t", "ev", "id", "from", "to", "kind"],
        "lost" => &["seq", "t", "ev", "id", "from", "to", "kind", "why"],
        "timer" => &["seq", "t", "ev", "on", "kind"],
        "command" => &["seq", "t", "ev", "on", "command"],
        other => panic!("no event class {other}"),
    }
}

#[test]
fn the_example_run_exports_its_pinned_lines() {
    let world = run_script(EXAMPLE, true);
    let mut now = String::new();
    for class in CLASSES {
        let first = world.trace().find(|e| event_class(&e.what) == class);
        let first = first.unwrap_or_else(|| panic!("the example run has a {class} event"));
        now.push_str(&event_line(first));
        now.push('\n');
    }
    let fixture = path(FIXTURE);
    if std::env::var_os("ZABSCOPE_REWRITE").is_some() {
        std::fs::write(&fixture, &now).expect("write the fixture");
        return;
    }
    let pinned = std::fs::read_to_string(&fixture).unwrap_or_default();
    assert_eq!(
        pinned, now,
        "the export changed (regenerate {FIXTURE} with ZABSCOPE_REWRITE=1 if that was meant)"
    );
}

#[test]
fn every_line_is_json_with_its_keys_in_order() {
    let mut classes = std::collections::BTreeSet::new();
    for rel in [EXAMPLE, WITH_CLIENTS] {
        let world = run_script(rel, true);
        let text = jsonl(world.trace());
        assert!(text.ends_with('\n'));
        for (n, line) in text.lines().enumerate() {
            let json: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{rel}:{n}: {e}: {line}"));
            let class = json["ev"].as_str().expect("ev is a string");
            classes.insert(class.to_string());
            let want = keys(class);
            let object = json.as_object().expect("an object");
            assert_eq!(object.len(), want.len(), "{line}");
            assert_eq!(json["seq"], n as u64, "seq counts from 0: {line}");
            // Each key after the one before it: the line's order is the documented one.
            let mut from = 0;
            for key in want {
                let needle = format!("\"{key}\":");
                let at = line[from..].find(&needle);
                let at = at.unwrap_or_else(|| panic!("`{key}` out of order in {line}"));
                from += at + needle.len();
            }
            if let Some(z) = json.get("zxid").and_then(|z| z.as_str()) {
                assert!(z.starts_with("0x") && z == z.to_lowercase(), "{line}");
            }
        }
    }
    assert_eq!(classes.len(), CLASSES.len(), "every class shows");
}

#[test]
fn recording_the_trace_changes_nothing() {
    for rel in [EXAMPLE, WITH_CLIENTS, "tests/scenarios/leader_crash.zs"] {
        let (plain, traced) = (run_script(rel, false), run_script(rel, true));
        assert_eq!(plain.state_hash_hex(), traced.state_hash_hex(), "{rel}");
        assert_eq!(plain.trace_hash(), traced.trace_hash(), "{rel}");
        assert!(traced.trace().count() > 100, "{rel} recorded");
    }
}

#[test]
fn shiviz_clocks_respect_happened_before() {
    for rel in [EXAMPLE, WITH_CLIENTS] {
        let world = run_script(rel, true);
        let stamped = shiviz::stamp(world.trace());
        let mut sent = HashMap::new();
        let mut last: HashMap<Host, &shiviz::Clock> = HashMap::new();
        let mut delivers = 0;
        for s in &stamped {
            let own = s.clock[&s.host];
            let before = last.get(&s.host).map_or(0, |c| c[&s.host]);
            assert_eq!(own, before + 1, "{rel}: one tick a host event");
            if let Some(prev) = last.get(&s.host) {
                assert!(dominates(&s.clock, prev), "{rel}: clocks only grow");
            }
            match &s.event.what {
                TraceWhat::Send { id, .. } => {
                    sent.insert(*id, &s.clock);
                }
                TraceWhat::Deliver { id, .. } => {
                    assert!(dominates(&s.clock, sent[id]), "{rel}: after its send");
                    delivers += 1;
                }
                _ => {}
            }
            last.insert(s.host, &s.clock);
        }
        assert!(delivers > 50, "{rel}: deliveries seen");
    }
}

#[test]
fn the_shiviz_log_matches_the_parser_regex() {
    let world = run_script(WITH_CLIENTS, true);
    let log = shiviz::shiviz_log(world.trace());
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2 * world.trace().count());
    let mut hosts = std::collections::BTreeSet::new();
    for pair in lines.chunks(2) {
        // (?<host>\S*) (?<clock>{.*})\n(?<event>.*)
        let (host, clock) = pair[0].split_once(' ').expect("host, a space, the clock");
        assert!(!host.is_empty() && !host.contains(char::is_whitespace));
        assert!(
            clock.starts_with('{') && clock.ends_with('}'),
            "{}",
            pair[0]
        );
        assert!(clock.contains(&format!("\"{host}\":")), "{}", pair[0]);
        let json: serde_json::Value = serde_json::from_str(clock).expect("the clock is JSON");
        assert!(json.as_object().is_some_and(|o| !o.is_empty()));
        assert!(pair[1].starts_with("t="), "{}", pair[1]);
        hosts.insert(host.to_string());
    }
    assert!(hosts.contains("s1") && hosts.contains("c1"), "{hosts:?}");
}

#[test]
fn the_readme_shows_the_pinned_lines() {
    let readme = std::fs::read_to_string(path("README.md")).expect("README.md");
    let pinned = std::fs::read_to_string(path(FIXTURE)).expect("the fixture");
    assert!(
        readme.contains(&pinned),
        "README.md's Exports section shows {FIXTURE}: copy it in again"
    );
    assert!(readme.contains(r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)"));
}
