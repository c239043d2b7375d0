//! ZabScope: a deterministic simulation of a ZooKeeper ensemble (Fast Leader Election + Zab),
//! and the browser app that animates it.
//!
//! `sim` is the engine: pure Rust, no browser crates, stepped in virtual time.
//! `view` is what a page shows, built natively from the engine (tested by `cargo test`).
//! `ui` (wasm only) is the Yew app that sends it commands and draws its view.

pub mod sim;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;
