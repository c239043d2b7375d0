//! Browser tests: the engine and the app, compiled to wasm and run in headless Chromium.
//!
//!     CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web
//!
//! (scripts/test.sh runs this; .cargo/config.toml sets wasm-bindgen-test-runner as the runner.)
//! Natively this file compiles to nothing. It sits at the crate's tests/ root because
//! wasm-bindgen-test only finds tests at a crate root or in a `pub mod`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use zabscope::sim::{Command, World, WorldConfig};

wasm_bindgen_test_configure!(run_in_browser);

/// The trace hash of the reference run computed natively; tests/determinism.rs checks the same
/// value natively, so equal hashes here mean wasm and native simulate identically.
const NATIVE_TRACE_HASH: &str = include_str!("fixtures/trace_hash.txt");

/// The reference run: 3 voters, seed 42, 10 virtual seconds.
fn reference_hash() -> u64 {
    let mut world = World::new(WorldConfig::new(3, 0, 42));
    world.apply(Command::StartAll).unwrap();
    world.run_until(10_000);
    assert_eq!(
        world.now(),
        10_000,
        "run_until should stop at the requested time"
    );
    world.trace_hash()
}

#[wasm_bindgen_test]
fn engine_is_deterministic_in_wasm() {
    assert_eq!(reference_hash(), reference_hash());
}

#[wasm_bindgen_test]
fn trace_hash_equals_the_native_one() {
    let got = reference_hash();
    let expected: u64 = NATIVE_TRACE_HASH
        .trim()
        .parse()
        .expect("tests/fixtures/trace_hash.txt must hold one decimal u64");
    assert_ne!(
        expected, 0,
        "tests/fixtures/trace_hash.txt still holds the placeholder 0 (the wasm run gives {got})"
    );
    assert_eq!(
        got, expected,
        "wasm and native disagree on the trace hash of (3 voters, seed 42, 10 s)"
    );
}

/// The state hash (everything that decides the future, through the one FNV hasher with
/// `usize` widened to 64 bits) of the reference run agrees with the native one too.
#[wasm_bindgen_test]
fn state_hash_equals_the_native_one() {
    let mut world = World::new(WorldConfig::new(3, 0, 42));
    world.apply(Command::StartAll).unwrap();
    world.run_until(10_000);
    assert_eq!(
        world.state_hash_hex(),
        include_str!("fixtures/state_hash.txt").trim(),
        "wasm and native disagree on the state hash of (3 voters, seed 42, 10 s)"
    );
}

/// Every element matching `selector` under `root`, with the value of `attr`.
fn attrs(root: &web_sys::Element, selector: &str, attr: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|i| {
            let el: web_sys::Element = nodes.item(i).unwrap().dyn_into().unwrap();
            el.get_attribute(attr).unwrap_or_default()
        })
        .collect()
}

fn mount() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

#[wasm_bindgen_test]
async fn app_renders_every_server_and_elects_a_leader() {
    // Run virtual time at 0.2 ms per real ms: the election takes about two seconds, and each
    // message stays on screen for a while.
    let window = web_sys::window().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?speed=0.2"))
        .unwrap();
    let root = mount();
    yew::Renderer::<zabscope::ui::App>::with_root(root.clone()).render();

    let mut modes = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..1000 {
        yew::platform::time::sleep(Duration::from_millis(20)).await;
        modes = attrs(&root, "[data-server]", "data-mode");
        kinds.extend(attrs(&root, "[data-kind]", "data-kind"));
        if modes.iter().any(|m| m == "leader")
            && root.query_selector(".banner.broadcast").unwrap().is_some()
        {
            break;
        }
    }
    assert_eq!(modes.len(), 5, "expected 5 servers, got modes {modes:?}");
    for m in &modes {
        assert!(
            ["leader", "follower", "observer", "looking", "down"].contains(&m.as_str()),
            "unexpected mode {m:?}"
        );
    }
    assert_eq!(
        modes.iter().filter(|m| *m == "leader").count(),
        1,
        "expected exactly one leader after 20 s, got {modes:?}"
    );
    // Links between every pair, named A-B with A < B.
    let links = attrs(&root, "[data-link]", "data-link");
    assert_eq!(links.len(), 10, "{links:?}");
    assert!(links.contains(&"1-2".to_string()) && links.contains(&"4-5".to_string()));
    // Messages were drawn on the way, labelled with their kind.
    assert!(kinds.contains("NOTIFICATION"), "{kinds:?}");
    assert!(
        kinds
            .iter()
            .any(|k| k == "FOLLOWERINFO" || k == "LEADERINFO" || k == "PING"),
        "{kinds:?}"
    );
    // The panels are there: banner, invariants (green), the feed, and the side tabs that
    // bring the inspector and the partition tool.
    assert_eq!(
        root.query_selector(".invariants")
            .unwrap()
            .unwrap()
            .get_attribute("data-violations")
            .as_deref(),
        Some("0")
    );
    assert!(
        root.query_selector(".feed .lines li").unwrap().is_some(),
        "the feed is empty"
    );
    for tab in ["feed", "inspector", "partition", "legend"] {
        let sel = format!("[role=\"tab\"][data-tab=\"{tab}\"]");
        assert!(root.query_selector(&sel).unwrap().is_some(), "no {tab} tab");
    }
    assert!(root.query_selector("#client-path").unwrap().is_some());
    // Every button has an accessible name.
    let buttons = root.query_selector_all("button").unwrap();
    for i in 0..buttons.length() {
        let b: web_sys::Element = buttons.item(i).unwrap().dyn_into().unwrap();
        let name = b.get_attribute("aria-label").unwrap_or_default()
            + &b.text_content().unwrap_or_default();
        assert!(
            !name.trim().is_empty(),
            "a button without a name: {}",
            b.outer_html()
        );
    }
}

#[wasm_bindgen_test]
async fn ring_draws_servers_links_cuts_and_messages() {
    use std::rc::Rc;
    use yew::Callback;
    use zabscope::ui::layout::Layout;
    use zabscope::ui::{Ring, RingProps};
    use zabscope::view::scene::Scene;

    let mut world = World::new(WorldConfig::new(3, 1, 7));
    world.apply(Command::StartAll).unwrap();
    world.run_until(3_000);
    world
        .apply(Command::Cut {
            from: 1,
            to: 2,
            both: false,
        })
        .unwrap();
    world
        .apply(Command::Cut {
            from: 3,
            to: 4,
            both: true,
        })
        .unwrap();
    // Stop where messages are on the wire.
    while world.in_flight().is_empty() {
        world.step();
    }
    let scene = Scene::build(&world, &Scene::empty(), 1000);
    let props = RingProps {
        layout: Rc::new(Layout::ring(4)),
        scene: Rc::new(scene.clone()),
        now: world.now() as f64,
        selected: Some(2),
        reduced: false,
        paused: true,
        on_server: Callback::noop(),
        on_link: Callback::noop(),
        on_message: Callback::noop(),
        hot: None,
        on_hover: Callback::noop(),
        alarm: Default::default(),
        on_client: Default::default(),
        selected_client: None,
        on_background: Callback::noop(),
        protocol: "zab".into(),
    };
    let root = mount();
    yew::Renderer::<Ring>::with_root_and_props(root.clone(), props).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;

    let servers = attrs(&root, "[data-server]", "data-server");
    assert_eq!(servers, ["1", "2", "3", "4"]);
    let modes = attrs(&root, "[data-server]", "data-mode");
    assert_eq!(
        modes.iter().filter(|m| *m == "observer").count(),
        1,
        "{modes:?}"
    );
    assert_eq!(
        modes.iter().filter(|m| *m == "leader").count(),
        1,
        "{modes:?}"
    );
    let zxids = attrs(&root, "[data-server]", "data-zxid");
    assert!(zxids.iter().all(|z| z.starts_with("0x")), "{zxids:?}");
    assert_eq!(
        attrs(&root, "[data-link]", "data-link"),
        ["1-2", "1-3", "1-4", "2-3", "2-4", "3-4"]
    );
    let cuts = attrs(&root, "[data-link]", "data-cut");
    assert_eq!(cuts, ["a-b", "up", "up", "up", "up", "both"]);
    // A one-way cut shows an arrow; both ways, a cross.
    assert!(root
        .query_selector("[data-link=\"1-2\"] .arrow")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("[data-link=\"3-4\"] .x")
        .unwrap()
        .is_some());
    let kinds = attrs(&root, "[data-kind]", "data-kind");
    assert_eq!(kinds.len(), scene.messages.len());
    assert!(!kinds.is_empty());
    // The selected server says so.
    assert!(root
        .query_selector("[data-server=\"2\"].selected")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn a_paxos_ring_shows_promises_and_chosen_slots() {
    use std::rc::Rc;
    use yew::Callback;
    use zabscope::sim::world::Protocol;
    use zabscope::ui::layout::Layout;
    use zabscope::ui::{Ring, RingProps};
    use zabscope::view::scene::Scene;

    let mut cfg = WorldConfig::new(3, 0, 7);
    cfg.protocol = Protocol::Paxos;
    let mut world = World::new(cfg);
    world.apply(Command::StartAll).unwrap();
    world.run_until(5_000);
    let leader = world.serving_leader().expect("a Paxos leader within 5 s");
    world
        .apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "1".into(),
        })
        .unwrap();
    world.run_until(6_000);
    assert!(
        !world.paxos_chosen().is_empty(),
        "the write should be chosen"
    );
    let scene = Scene::build(&world, &Scene::empty(), 1000);
    let props = RingProps {
        layout: Rc::new(Layout::ring(3)),
        scene: Rc::new(scene),
        now: world.now() as f64,
        selected: None,
        reduced: false,
        paused: true,
        on_server: Callback::noop(),
        on_link: Callback::noop(),
        on_message: Callback::noop(),
        hot: None,
        on_hover: Callback::noop(),
        alarm: Default::default(),
        on_client: Default::default(),
        selected_client: None,
        on_background: Callback::noop(),
        protocol: "paxos".into(),
    };
    let root = mount();
    yew::Renderer::<Ring>::with_root_and_props(root.clone(), props).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    assert!(root
        .query_selector("[data-protocol=\"paxos\"]")
        .unwrap()
        .is_some());
    let promised = attrs(&root, "[data-server]", "data-promised");
    assert_eq!(promised.len(), 3);
    assert!(promised.iter().all(|b| b.starts_with('(')), "{promised:?}");
    let leader_card = root
        .query_selector(&format!("[data-server=\"{leader}\"]"))
        .unwrap()
        .unwrap();
    assert_eq!(
        leader_card.get_attribute("data-mode").as_deref(),
        Some("leader")
    );
    // The leader learned the write: its node counts one chosen slot.
    assert_eq!(
        leader_card.get_attribute("data-chosen").as_deref(),
        Some("1")
    );
}

#[wasm_bindgen_test]
fn protocol_and_compare_parameters() {
    use zabscope::sim::world::Protocol;
    use zabscope::ui::Params;
    let (p, problems) = Params::from_query("?protocol=paxos-single&compare=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((p.protocol, p.compare), (Protocol::PaxosSingle, true));
    assert_eq!(p.to_query(), "?protocol=paxos-single&compare=1");
    let (p, problems) = Params::from_query("?protocol=raft");
    assert_eq!(p.protocol, Protocol::Zab);
    assert!(
        problems[0].contains("protocol=raft") && problems[0].contains("zab, paxos, paxos-single"),
        "{problems:?}"
    );
}

#[wasm_bindgen_test]
fn url_parameters_report_bad_values_and_round_trip() {
    use zabscope::ui::Params;
    let (p, problems) =
        Params::from_query("?servers=99&observers=2&seed=42&speed=fast&tick=100&x=1");
    assert_eq!(p.voters, 5, "a bad value falls back to the default");
    assert_eq!((p.observers, p.seed, p.tick_ms), (2, 42, 100));
    assert_eq!(p.speed, None);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].contains("servers=99") && problems[0].contains("from 1 to 25"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("speed=fast") && problems[1].contains("0.002"),
        "{problems:?}"
    );
    assert!(
        problems[2].contains("Unknown parameter `x`"),
        "{problems:?}"
    );
    let (p, problems) = Params::from_query("?servers=7&speed=0.25&embed=1&writes=20");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(p.to_query(), "?servers=7&speed=0.25&writes=20&embed=1");
    assert_eq!(Params::from_query(&p.to_query()).0, p);
}

#[wasm_bindgen_test]
fn numbers_are_formatted_without_floats() {
    use zabscope::ui::fmt;
    assert_eq!(fmt::f1(12.34), "12.3");
    assert_eq!(fmt::f1(-0.06), "-0.1");
    assert_eq!(fmt::f1(3.0), "3");
    assert_eq!(fmt::translate(1.25, 2.0), "translate(1.3 2)");
    assert_eq!(fmt::speed(0.05), "0.05");
    assert_eq!(fmt::speed(0.0031), "0.0031");
    assert_eq!(fmt::speed(1.5), "1.5");
    assert_eq!(fmt::speed(12.4), "12");
    assert_eq!(fmt::unit(0.5), "0.50");
    assert_eq!(fmt::seconds(12_345), "12.345 s");
}

#[wasm_bindgen_test]
fn panic_banner_shows_the_message() {
    let doc = web_sys::window().unwrap().document().unwrap();
    zabscope::ui::show_panic("boom at tests/web.rs");
    let banner = doc.get_element_by_id("error-banner").expect("a banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner
        .text_content()
        .unwrap()
        .contains("boom at tests/web.rs"));
    // A second panic reuses the banner.
    zabscope::ui::show_panic("again");
    assert_eq!(doc.query_selector_all("#error-banner").unwrap().length(), 1);
    banner.remove();
}

#[wasm_bindgen_test]
fn one_keymap_serves_both_pages_and_the_help() {
    use zabscope::ui::keys::{lookup, Shortcut, KEYMAP};
    assert_eq!(lookup("0", false), Some(Shortcut::Select(10)));
    assert_eq!(lookup("3", true), Some(Shortcut::Select(3)));
    assert_eq!(lookup(" ", true), Some(Shortcut::Play));
    assert_eq!(lookup("_", false), Some(Shortcut::Slower));
    // The comparison has no wipe, menus or partition tool: those keys do nothing there.
    assert_eq!(lookup("x", false), Some(Shortcut::Wipe));
    assert_eq!(lookup("x", true), None);
    assert_eq!(lookup("m", true), None);
    assert_eq!(lookup("q", false), None);
    // No key is bound twice.
    let mut keys: Vec<&str> = KEYMAP.iter().flat_map(|k| k.keys.iter().copied()).collect();
    let n = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), n);
}

/// Rewinding in wasm reaches the state a straight run reaches (the same check as the native
/// timeline tests, on a run of about half a minute: this stage is a debug build).
#[wasm_bindgen_test]
fn a_seek_in_wasm_equals_a_straight_run_by_state_hash() {
    use zabscope::view::page::{Action, Page, TimeAction, Transport};
    let cfg = WorldConfig::new(3, 0, 9);
    let mut page = Page::new(cfg.clone(), 20.0, 10);
    page.driver.pacing = false;
    let mut at = 0.0;
    let mut tick = |page: &mut Page| {
        at += 1000.0 / 60.0;
        page.reduce(Action::Play(Transport::Tick {
            real_ms: 1000.0 / 60.0,
            at,
        }));
    };
    while page.world().now() < 10_000 {
        tick(&mut page);
    }
    page.reduce(Action::Command(Command::Crash(2)));
    while page.world().now() < 30_000 {
        tick(&mut page);
    }
    let log = page.world().command_log().to_vec();
    for t in [4_321, 10_000, 21_000] {
        page.reduce(Action::Time(TimeAction::Seek(t)));
        let mut straight = World::new(cfg.clone());
        for (when, cmd) in log.iter().take_while(|(when, _)| *when <= t) {
            straight.run_until(*when);
            straight.apply(cmd.clone()).unwrap();
        }
        straight.run_until(t);
        assert_eq!(page.world().now(), t);
        assert_eq!(
            page.world().state_hash_hex(),
            straight.state_hash_hex(),
            "at {t} ms"
        );
    }
}
