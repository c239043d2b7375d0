//! ZooKeeper's protocols: Fast Leader Election and Zab, one file per role.

pub mod client;
pub mod config;
pub mod election;
pub mod leader;
pub mod learner;
pub mod message;
pub mod prep;
pub mod recipe;
pub mod serve;
pub mod server;
pub mod sessions;
pub mod sync;

pub use config::{EnsembleConfig, Variant};
pub use message::{
    ConnId, CreateMode, Message, Packet, PeerState, Request, RequestOp, Vote, ANY_VERSION,
};
pub use server::{
    AbandonReason, Awaited, Core, Input, Observation, Output, Role, Server, SyncMode, TickLimit,
    TimerKind,
};
