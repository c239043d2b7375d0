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

#[wasm_bindgen_test]
async fn app_renders_every_server_and_elects_a_leader() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<zabscope::ui::App>::with_root(root.clone()).render();

    // The test page has no URL parameters: the default is 5 voters. Virtual time runs at 1x, so
    // an election should finish within a few real seconds.
    let mut modes = Vec::new();
    for _ in 0..100 {
        yew::platform::time::sleep(Duration::from_millis(100)).await;
        let nodes = root.query_selector_all("[data-server]").unwrap();
        modes = (0..nodes.length())
            .map(|i| {
                let el: web_sys::Element = nodes.item(i).unwrap().dyn_into().unwrap();
                el.get_attribute("data-mode").unwrap_or_default()
            })
            .collect();
        if modes.iter().any(|m| m == "leader") {
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
        "expected exactly one leader after 10 s, got {modes:?}"
    );
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
