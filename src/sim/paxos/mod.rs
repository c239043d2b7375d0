//! Paxos, on the same world, network, faults and checker as ZooKeeper, to compare with Zab
//! (protocol.md §7): Multi-Paxos with a distinguished leader, and classic single-decree Paxos
//! with several proposers.

pub mod acceptor;

pub mod learner;
pub mod message;
pub mod proposer;
pub mod server;

pub use message::{Ballot, PaxosMsg, Slot, Value};
pub use server::{PaxosConfig, PaxosDisk, PaxosMode, PaxosRole, PaxosServer, PaxosVariant};
