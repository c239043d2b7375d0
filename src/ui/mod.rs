//! The browser app (compiled only for wasm32). It renders the frames `crate::view` builds from
//! the world and sends intents (commands, controls) back; it never reads a server directly.
//! One component per file, whose props are data and callbacks; `clock`, `fmt`, `keys`,
//! `layout`, `params` and `theme` are plain helpers.
//!
//! URL parameters: `servers` (voters, 1..=15, default 5), `observers` (0..=5), `seed`,
//! `speed` (virtual ms per real ms), `tick`, `latency`, `jitter` (ms), `writes` (steady writes
//! per virtual second), `embed=1` (only the ring and the essential controls), `theme`,
//! `protocol=zab|paxos|paxos-single`, `compare=1` (Zab and Multi-Paxos side by side).

mod app;
mod client_box;
mod client_menu;
mod client_panel;
mod clients;
mod clock;
mod compare;
mod controls;
mod feed;
mod files;
pub mod fmt;
mod follow;
mod help;
mod info;
mod inspector;
mod invariants;
pub mod keys;
pub mod layout;
mod legend;
mod link_menu;
mod links;
mod log_grid;
mod message_card;
mod messages;
mod panic;
pub mod params;
mod partition;
mod popover;
mod ring;
mod root;
mod roving;
mod server_menu;
mod server_node;
mod spacetime;
mod svg_export;
mod tabs;
pub mod theme;
mod timeline;
mod timers;
mod tour;

pub use app::App;
pub use client_box::ClientBox;
pub use client_menu::ClientMenu;
pub use client_panel::ClientPanel;
pub use compare::Compare;
pub use controls::{Control, Controls};
pub use feed::Feed;
pub use files::RunFiles;
pub use help::Help;
pub use info::InfoPanel;
pub use inspector::Inspector;
pub use invariants::Invariants;
pub use legend::Legend;
pub use link_menu::LinkMenu;
pub use links::Links;
pub use log_grid::LogGrid;
pub use message_card::MessageCard;
pub use messages::Messages;
pub use panic::{install_panic_hook, show_panic};
pub use params::Params;
pub use partition::Partition;
pub use ring::{Ring, RingProps};
pub use root::Root;
pub use server_menu::ServerMenu;
pub use server_node::ServerNode;
pub use spacetime::{CompareDrawer, Drawer};
pub use tabs::SideTabs;
pub use theme::Theme;
pub use timers::Timers;
pub use tour::TourCard;
