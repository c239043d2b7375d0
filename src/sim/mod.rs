//! The engine: a deterministic ZooKeeper ensemble in virtual time. Pure Rust, no browser
//! crates: it runs the same natively (tests, CLI, benchmarks) and in wasm (the page).

pub mod bench;
pub mod check;
pub mod chunked;
pub mod command;
pub mod compare;
pub mod data;
pub mod engine;
pub mod explore;
pub mod narrate;
pub mod net;
pub mod node;
pub mod paxos;
pub mod scenario;
pub mod shiviz;
pub mod tally;
pub mod trace;
pub mod trace_export;
pub mod tree;
pub mod types;
pub mod view;
pub mod world;
pub mod zab;

pub use check::Violation;
pub use shiviz::shiviz_log;
pub use trace_export::{event_line, jsonl, write_jsonl};
pub use types::{Epoch, Millis, Sid, Zxid};
pub use view::{ServerView, View};
pub use world::{Command, World, WorldConfig};
