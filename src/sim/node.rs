//! The node contract: what every protocol's server meets to run under the engine
//! (`engine.rs`), its network, its faults and its checker hook. A node is a sans-IO state
//! machine in the manner of stateright's `Actor`: the engine steps it with one `Input` at a
//! time and the current virtual time, and it answers with `Output`s, effects as data (send,
//! arm a timer, close a connection, report an observation). It never reads a clock, a random
//! source or the network.
//!
//! Each protocol brings its own message, timer, observation and disk types, its own checker
//! (`Monitor`) and its own idea of a leader. ZooKeeper (`zab::Server`) and Paxos
//! (`paxos::PaxosServer`) implement it; tests/echo.rs proves a third protocol needs nothing
//! more.

use super::check::Violation;
use super::net::Network;
use super::tally::Tally;
use super::types::{Millis, Sid, Zxid};
pub use super::zab::client::{ClientConn, ClientMsg};
pub use super::zab::message::{ConnId, Request};
use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::rc::Rc;

/// A client of the ensemble (the data model gives clients their own connections).
pub type ClientId = u32;

/// Anything that sends and receives on the virtual network: a server or a client. Links are
/// kept per ordered pair of actors.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Actor {
    Server(Sid),
    Client(ClientId),
}

impl From<Sid> for Actor {
    fn from(sid: Sid) -> Actor {
        Actor::Server(sid)
    }
}

impl Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::Server(sid) => write!(f, "s{sid}"),
            Actor::Client(id) => write!(f, "c{id}"),
        }
    }
}

/// What the engine hands a node.
#[derive(Clone, Debug, Hash)]
pub enum Input<M, T> {
    /// The process starts (first boot or restart): it loads its disk.
    Start,
    Receive {
        from: Sid,
        msg: M,
    },
    Timer(T),
    /// The other end closed this connection, or it broke in a way TCP reports at once
    /// (the peer's process died and its OS reset the socket). `refused`: it never opened,
    /// nothing listened where it was opened (the RST that answers a SYN: ECONNREFUSED).
    ConnClosed {
        conn: ConnId,
        refused: bool,
    },
    /// A client connected to this server submits a request.
    Client(Request),
    /// A packet from a client actor on one of its connections (ZooKeeper's client port).
    FromClient {
        conn: ClientConn,
        msg: ClientMsg,
    },
    /// A client closed its connection (or its process died and its OS reset the socket).
    ClientClosed {
        conn: ClientConn,
    },
}

/// What a node asks the engine for.
#[derive(Clone, Debug, Hash)]
pub enum Output<M, T, O> {
    Send {
        to: Sid,
        msg: M,
    },
    /// Arm a timer (arming one again replaces it; the engine discards stale firings).
    SetTimer {
        kind: T,
        at: Millis,
    },
    /// Arm a timer at `at` plus a random delay in `0..=jitter` drawn by the engine's seeded
    /// RNG (nodes never draw randomness themselves).
    SetTimerJittered {
        kind: T,
        at: Millis,
        jitter: Millis,
    },
    CancelTimer(T),
    Close(ConnId),
    /// Refuse a connection this node never accepted: nothing listens where it was opened.
    Refuse(ConnId),
    Observe(O),
    /// A packet to a client on its connection.
    ToClient {
        conn: ClientConn,
        msg: ClientMsg,
    },
    /// Close a client's connection (the server shuts its client port, or ends the session).
    CloseClient(ClientConn),
}

/// A protocol's message on the wire.
pub trait Wire: Clone + Debug + Hash + Display {
    /// The packet's name, as the protocol calls it ("PROPOSAL", "PREPARE").
    fn kind(&self) -> &'static str;
    /// The connection it travels on, if the protocol runs over per-pair connections whose
    /// loss must be noticed (Zab's learner-leader sockets); `None` for datagram-like traffic.
    fn conn(&self) -> Option<ConnId> {
        None
    }
    /// The packet that opens its connection (the model sends the first packet with the SYN):
    /// if it reaches a server that is down, that server's OS refuses the connect.
    fn opens_conn(&self) -> bool {
        false
    }
    /// A heartbeat: the page pulses the receiver when one arrives.
    fn is_heartbeat(&self) -> bool {
        false
    }
    /// The short label drawn beside the message in flight (its `Display` unless shorter
    /// words read better).
    fn label(&self) -> String {
        self.to_string()
    }
    /// The zxid the packet carries, if its protocol has zxids and it carries one (the
    /// trace's exports show it beside the label).
    fn zxid(&self) -> Option<Zxid> {
        None
    }
}

/// A message of any protocol, as the page reads it (object-safe: `Flight` holds one).
pub trait Label: Debug {
    fn kind(&self) -> &'static str;
    /// The short label (`Wire::label`).
    fn label(&self) -> String;
    /// Everything it says (`Display`).
    fn text(&self) -> String;
}

impl<M: Wire> Label for M {
    fn kind(&self) -> &'static str {
        Wire::kind(self)
    }
    fn label(&self) -> String {
        Wire::label(self)
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

/// A protocol's timer kinds: a small closed set, so the engine keeps one slot per kind.
pub trait TimerKinds: Copy + Eq + Ord + Hash + Debug + 'static {
    const ALL: &'static [Self];
    fn index(self) -> usize;
    /// The timeout's name, stable across versions (the trace and its exports use it).
    fn name(self) -> &'static str;
}

/// A server of some protocol, as the engine runs it. Dropping it is a crash: only its
/// `Disk` survives.
pub trait Node: Clone + Hash + Debug + Sized {
    type Msg: Wire;
    type Timer: TimerKinds;
    type Observation: Clone + Debug + Hash;
    /// What survives a crash.
    type Disk: Clone + Default + Hash + Debug;
    /// Settings shared by every server of the ensemble.
    type Config: Debug;
    /// The protocol's invariant checker.
    type Checker: Monitor<Self> + Clone;
    /// Whether the protocol has client sessions (ZooKeeper does; the Paxos modes do not).
    const SESSIONS: bool;

    fn boot(sid: Sid, cfg: Rc<Self::Config>, disk: Self::Disk) -> Self;
    fn step(&mut self, now: Millis, input: Input<Self::Msg, Self::Timer>);
    fn take_outputs(&mut self, into: &mut Vec<NodeOutput<Self>>);
    fn disk(&self) -> &Self::Disk;
    fn into_disk(self) -> Self::Disk;
    /// The disk after it was wiped (what a protocol keeps even then, like an incarnation).
    fn wiped(disk: &Self::Disk) -> Self::Disk {
        let _ = disk;
        Self::Disk::default()
    }
    /// Some rank if this server leads and serves now; the highest rank is the serving leader.
    fn serving_rank(&self) -> Option<(u64, u64)>;
    /// The leader everyone it can reach follows, if there is one (the protocol's own notion
    /// of "settled"), given every server (`None` if down) and the network.
    fn stable_leader(
        cfg: &Self::Config,
        servers: &[Option<&Self>],
        net: &Network,
        checker: &Self::Checker,
    ) -> Option<Sid>;
    /// Counts the protocol branches an observation shows (the explorer's coverage report).
    fn tally(o: &Self::Observation, tally: &mut Tally);
    /// The znode at `path` as this server's tree has it now: `Some(mzxid)`, or `None` if it
    /// has no such znode (protocols without a tree: `None`). The engine asks the serving
    /// leader when a read is answered, to tell a stale read.
    fn znode_mzxid(&self, path: &str) -> Option<crate::sim::types::Zxid> {
        let _ = path;
        None
    }
}

/// The outputs a node produces.
pub type NodeOutput<N> = Output<<N as Node>::Msg, <N as Node>::Timer, <N as Node>::Observation>;
/// The inputs a node takes.
pub type NodeInput<N> = Input<<N as Node>::Msg, <N as Node>::Timer>;

/// Whose belief the checker is told of: the client actor, its name and its session.
#[derive(Clone, Copy, Debug)]
pub struct BeliefOf<'a> {
    pub client: ClientId,
    pub name: &'a str,
    pub session: crate::sim::data::SessionId,
}

/// A write to a recipe lock's protected resource, as the checker sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceWriteFact {
    pub client: ClientId,
    pub name: String,
    pub path: String,
    pub token: crate::sim::types::Zxid,
    /// The highest token the resource had accepted before this write.
    pub highest_before: crate::sim::types::Zxid,
    pub accepted: bool,
}

/// The checker hook: the engine shows a protocol's checker every fact it needs, at the moment
/// it happens (`event` is the number of the event being processed).
pub trait Monitor<N: Node> {
    fn new(cfg: Rc<N::Config>) -> Self;
    fn on_boot(&mut self, event: u64, at: Millis, node: &N);
    fn on_crash(&mut self, sid: Sid);
    fn on_wipe(&mut self, sid: Sid);
    fn on_send(&mut self, _event: u64, _at: Millis, _node: &N, _to: Sid, _msg: &N::Msg) {}
    fn on_deliver(&mut self, _event: u64, _at: Millis, _from: Sid, _to: Sid, _msg: &N::Msg) {}
    fn observe(&mut self, event: u64, at: Millis, node: &N, o: &N::Observation);
    /// What a client actor reported (its results, its last-seen zxid).
    fn on_client(
        &mut self,
        _event: u64,
        _at: Millis,
        _client: ClientId,
        _e: &super::zab::client::ClientEvent,
    ) {
    }
    /// A client's recipe belief changed (`None`: it believes nothing, or its process died).
    fn on_belief(
        &mut self,
        _event: u64,
        _at: Millis,
        _client: &BeliefOf<'_>,
        _belief: Option<&super::zab::recipe::Belief>,
    ) {
    }
    /// A lock holder wrote to the resource its lock protects, with its fencing token.
    fn on_resource_write(&mut self, _event: u64, _at: Millis, _write: &ResourceWriteFact) {}
    /// Whether it wants a periodic look at who is up and connected (`sample`).
    fn wants_sample(&self, _at: Millis) -> bool {
        false
    }
    fn sample(&mut self, _event: u64, _at: Millis, _up: &[&N], _net: &Network) {}
    fn violations(&self) -> &[Violation];
    /// A digest of the checker's state (part of the state hash).
    fn state_digest(&self) -> u64;
}
