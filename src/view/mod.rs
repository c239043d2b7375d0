//! What a page shows, computed natively from the engine and tested by `cargo test`: no browser
//! crate here. The page (src/ui) only renders a [`frame::Frame`] and sends intents.
//!
//! - `action`: what a person can do to a page (`Shortcut`, `Action`) and `Player`, what
//!   play, pause, step and speed mean on both pages.
//! - `driver`: virtual time, speed, steady writes and the panel throttle, for one world or a
//!   comparison of two (both pages use it).
//! - `grid`: the log grid, every server's log (or Paxos slots) side by side.
//! - `frame`: one `Frame` per change, from the world and the previous frame.
//! - `page`: the single-ensemble page's state and its reducer (`Page::reduce(Action)`).
//! - `compare`: the same for the side-by-side comparison (`ComparePage::reduce(Action)`).
//! - `clients`: the client actors, their wires, sessions and the results they saw (stale
//!   reads marked).
//! - `card`: the words on a server's node (role, phase, vote, short zxid, tooltip).
//! - `labels`: where message labels go so that none overlaps (shared labels, "ACK … ×4").
//! - `scene`: servers, messages in flight, losses, cuts, countdowns, PINGs.
//! - `banner`: the phase banner for every protocol.
//! - `info`: the info tab's figures (state hash, events, branches, checkpoints).
//! - `inspector`: the data for the one selected server.
//! - `requests`: the client requests the page follows, and their lines.
//! - `feed`: the page's feed, read from the world by sequence number.
//! - `presets`: one-click scenario scripts the page plays (recipes, a stale read).
//! - `tree`: the selected server's znode tree, against the leader's.
//! - `words`: what `srvr`, `cons` and `dump` would print for the selected server.
//! - `diagram`: the space-time diagram's flights and marks, one record per branch.
//! - `spacetime`: the diagram in pixels: window, zoom, filters, the keyboard's walk.
//! - `files`: the run as a script file (and its trace, as `zabscope run` writes it); a
//!   script file opened on the page, replayed to its end.
//! - `timeline`: the run's branches, checkpoints, seeks and forks (rewind anywhere).
//! - `tour`: cards that each ask for one action and move on when it is done (the first-run hint).
//!
//! src/sim never imports this module.

pub mod action;
pub mod banner;
pub mod card;
pub mod clients;
pub mod compare;
pub mod diagram;
pub mod driver;
pub mod feed;
pub mod files;
pub mod frame;
pub mod grid;
pub mod info;
pub mod inspector;
pub mod labels;
pub mod page;
pub mod presets;
pub mod requests;
pub mod scene;
pub mod spacetime;
pub mod tiles;
pub mod timeline;
pub mod tour;
pub mod tree;
pub mod words;

pub use driver::{Driver, Sim};
pub use frame::{Frame, FrameInput};
pub use page::{Action, Page, Shortcut, Transport};
