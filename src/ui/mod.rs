//! The browser app (compiled only for wasm32). It drives a [`crate::sim::World`] in virtual time
//! and draws its `View`; it never reaches into a server. One component per file.
//!
//! This is the minimal live page: the servers' mode, epoch and zxid, updating as the simulation
//! runs, with play/pause. URL parameters: `servers` (voters, 1..=9, default 5), `observers`
//! (0..=4, default 0), `seed` (default 1), `speed` (virtual ms per real ms, default 1).

mod app;
mod panic;
mod params;
mod server_card;

pub use app::App;
pub use panic::{install_panic_hook, show_panic};
pub use params::Params;
pub use server_card::ServerCard;
