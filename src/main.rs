//! `zabscope-web`: the browser entry point, built by Trunk (see index.html and Trunk.toml).
//!
//! On wasm32 it installs a panic hook that shows any panic in the page (never a blank page), then
//! mounts the Yew app (`zabscope::ui::App`) into `<main id="app">`. Natively it only says where the
//! app is, so that a plain `cargo build` of the whole package works.

#[cfg(target_arch = "wasm32")]
fn main() {
    zabscope::ui::install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<zabscope::ui::Root>::with_root(root).render(),
        None => yew::Renderer::<zabscope::ui::Root>::new().render(),
    };
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("zabscope-web is the browser build: run scripts/serve.sh");
}
