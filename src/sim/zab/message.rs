//! The wire: FLE notifications and Zab quorum packets, with ZooKeeper's own names and fields.

use crate::sim::data::{RequestId, SessionId, Snapshot, Txn};
use crate::sim::types::{Epoch, Sid, Zxid};
use std::fmt;
use std::rc::Rc;

/// A peer's state as FLE notifications carry it (ZooKeeper's `ServerState`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum PeerState {
    Looking,
    Following,
    Leading,
    Observing,
}

impl PeerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerState::Looking => "LOOKING",
            PeerState::Following => "FOLLOWING",
            PeerState::Leading => "LEADING",
            PeerState::Observing => "OBSERVING",
        }
    }
}

/// A candidate in FLE: who should lead, and the (peerEpoch, zxid) that makes the case.
/// `leader == 0` is "nobody", an observer's initial vote (ZooKeeper uses Long.MIN_VALUE).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Vote {
    pub leader: Sid,
    pub zxid: Zxid,
    pub peer_epoch: Epoch,
}

impl fmt::Display for Vote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.leader == 0 {
            return write!(f, "(none)");
        }
        write!(f, "(s{}, {}, e{})", self.leader, self.zxid, self.peer_epoch)
    }
}

/// An FLE notification (FastLeaderElection.Notification). The sender is the envelope's `from`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Notification {
    pub vote: Vote,
    /// The sender's election round, ZooKeeper's `electionEpoch` / `logicalclock`.
    pub round: u64,
    pub state: PeerState,
}

/// One TCP connection between a learner and its leader. A packet on a connection that has
/// broken (a cut link, a crash, a close) is never delivered: Zab relies on FIFO, gap-free
/// streams, so a lost packet must mean a lost connection, never a hole in one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ConnId {
    pub learner: Sid,
    pub leader: Sid,
    /// Unique per learner: (its incarnation << 32) | attempt counter.
    pub serial: u64,
}

/// A client request a follower forwards to the leader (REQUEST), before it becomes a txn.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub struct Request {
    pub id: RequestId,
    /// The server the client is connected to: it answers the client once the txn commits.
    pub origin: Sid,
    pub op: RequestOp,
}

/// The version a delete or setData gives to match any version (ZooKeeper's -1).
pub const ANY_VERSION: i32 = -1;

/// How a znode is created (ZooKeeper's CreateMode, without containers and TTLs).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum CreateMode {
    Persistent,
    Ephemeral,
    /// The parent's cversion is added to the name as `%010d`.
    Sequential,
    EphemeralSequential,
}

impl CreateMode {
    pub fn is_ephemeral(self) -> bool {
        matches!(
            self,
            CreateMode::Ephemeral | CreateMode::EphemeralSequential
        )
    }

    pub fn is_sequential(self) -> bool {
        matches!(
            self,
            CreateMode::Sequential | CreateMode::EphemeralSequential
        )
    }
}

/// What a client asks for. The leader's PrepRequestProcessor (prep.rs) turns it into a `TxnOp`.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum RequestOp {
    /// The scenario's `write`: create the znode if absent, else setData with any version.
    Write {
        path: String,
        data: String,
    },
    /// `session` owns an ephemeral; 0 is a request outside any session.
    Create {
        path: String,
        data: String,
        mode: CreateMode,
        session: SessionId,
    },
    /// `version` must match the znode's, or be `ANY_VERSION`. `session`: the client's, which
    /// must be live (PrepRequestProcessor's checkSession); 0 is a request outside any session.
    Delete {
        path: String,
        version: i32,
        session: SessionId,
    },
    SetData {
        path: String,
        data: String,
        version: i32,
        session: SessionId,
    },
    /// Creates, deletes and setData applied all or none, in one txn.
    Multi(Vec<RequestOp>),
    /// The session id is chosen by the server the client connects to, as in ZooKeeper.
    OpenSession {
        session: SessionId,
        timeout_ms: u64,
    },
    CloseSession {
        session: SessionId,
    },
}

impl RequestOp {
    /// ZooKeeper's name for the request (its OpCode), as a REQUEST packet shows it.
    pub fn name(&self) -> &'static str {
        match self {
            RequestOp::Write { .. } => "write",
            RequestOp::Create { .. } => "create",
            RequestOp::Delete { .. } => "delete",
            RequestOp::SetData { .. } => "setData",
            RequestOp::Multi(_) => "multi",
            RequestOp::OpenSession { .. } => "createSession",
            RequestOp::CloseSession { .. } => "closeSession",
        }
    }
}

/// Quorum packets (Leader.java's packet types), learner <-> leader on one connection.
#[derive(Clone, Debug, Hash)]
pub enum Packet {
    FollowerInfo {
        accepted_epoch: Epoch,
    },
    ObserverInfo {
        accepted_epoch: Epoch,
    },
    LeaderInfo {
        new_epoch: Epoch,
    },
    /// `current_epoch: None` is ZooKeeper's -1: "already accepted this epoch", not counted.
    AckEpoch {
        last_zxid: Zxid,
        current_epoch: Option<Epoch>,
    },
    Diff {
        zxid: Zxid,
    },
    Trunc {
        zxid: Zxid,
    },
    Snap {
        snapshot: Rc<Snapshot>,
    },
    NewLeader {
        zxid: Zxid,
    },
    UpToDate,
    Proposal {
        txn: Rc<Txn>,
    },
    Ack {
        zxid: Zxid,
    },
    Commit {
        zxid: Zxid,
    },
    Inform {
        txn: Rc<Txn>,
    },
    /// The leader's ping, and a learner's reply carrying the sessions its clients touched
    /// since the last one (LearnerSessionTracker's touch table, as LearnerHandler reads it).
    Ping {
        zxid: Zxid,
        touches: Touches,
    },
    Request {
        request: Rc<Request>,
    },
    /// A learner asks whether a session a client resumes on it is still alive (Learner
    /// .validateSession); the leader answers with the same packet type and `valid`.
    Revalidate {
        session: SessionId,
        timeout_ms: u64,
    },
    RevalidateAnswer {
        session: SessionId,
        valid: bool,
    },
    /// A client's sync, forwarded to the leader, and the leader's answer once everything it
    /// proposed before has committed (Leader.processSync, Learner's SYNC case).
    Sync {
        request: RequestId,
    },
}

/// The sessions a learner reports as touched in a PING reply, with their timeouts. Hashes to
/// nothing when empty, so runs without sessions keep their trace hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touches(pub Vec<(SessionId, u64)>);

impl std::hash::Hash for Touches {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        if !self.0.is_empty() {
            self.0.hash(state);
        }
    }
}

impl Packet {
    /// ZooKeeper's name for the packet type, as the UI labels and colours it.
    pub fn kind(&self) -> &'static str {
        match self {
            Packet::FollowerInfo { .. } => "FOLLOWERINFO",
            Packet::ObserverInfo { .. } => "OBSERVERINFO",
            Packet::LeaderInfo { .. } => "LEADERINFO",
            Packet::AckEpoch { .. } => "ACKEPOCH",
            Packet::Diff { .. } => "DIFF",
            Packet::Trunc { .. } => "TRUNC",
            Packet::Snap { .. } => "SNAP",
            Packet::NewLeader { .. } => "NEWLEADER",
            Packet::UpToDate => "UPTODATE",
            Packet::Proposal { .. } => "PROPOSAL",
            Packet::Ack { .. } => "ACK",
            Packet::Commit { .. } => "COMMIT",
            Packet::Inform { .. } => "INFORM",
            Packet::Ping { .. } => "PING",
            Packet::Request { .. } => "REQUEST",
            Packet::Revalidate { .. } | Packet::RevalidateAnswer { .. } => "REVALIDATE",
            Packet::Sync { .. } => "SYNC",
        }
    }
}

/// Everything that travels between servers.
#[derive(Clone, Debug, Hash)]
pub enum Message {
    /// Leader election traffic (QuorumCnxManager's connections, which reconnect by themselves).
    Notification(Notification),
    /// Zab traffic on one learner-leader connection.
    Quorum { conn: ConnId, packet: Packet },
}

impl Message {
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Notification(_) => "NOTIFICATION",
            Message::Quorum { packet, .. } => packet.kind(),
        }
    }

    pub fn conn(&self) -> Option<ConnId> {
        match self {
            Message::Quorum { conn, .. } => Some(*conn),
            Message::Notification(_) => None,
        }
    }
}

impl crate::sim::node::Wire for Message {
    fn kind(&self) -> &'static str {
        Message::kind(self)
    }

    fn conn(&self) -> Option<ConnId> {
        Message::conn(self)
    }

    /// FOLLOWERINFO / OBSERVERINFO is the first packet a learner writes on a new socket.
    fn opens_conn(&self) -> bool {
        matches!(
            self,
            Message::Quorum {
                packet: Packet::FollowerInfo { .. } | Packet::ObserverInfo { .. },
                ..
            }
        )
    }

    fn is_heartbeat(&self) -> bool {
        matches!(
            self,
            Message::Quorum {
                packet: Packet::Ping { .. },
                ..
            }
        )
    }

    /// A vote shows only whom it is for and its round (or the sender's settled state), and
    /// a PING only its kind.
    fn label(&self) -> String {
        match self {
            Message::Notification(n) => {
                let who = if n.vote.leader == 0 {
                    "none".to_string()
                } else {
                    format!("s{}", n.vote.leader)
                };
                match n.state {
                    PeerState::Looking => format!("VOTE {who} r{}", n.round),
                    settled => format!("VOTE {who} ({})", settled.as_str()),
                }
            }
            _ if self.is_heartbeat() => "PING".to_string(),
            _ => self.to_string(),
        }
    }

    /// A vote's zxid, and the zxid a quorum packet carries (FOLLOWERINFO and LEADERINFO carry
    /// their epoch as `e << 32`, as ZooKeeper writes it).
    fn zxid(&self) -> Option<Zxid> {
        match self {
            Message::Notification(n) => Some(n.vote.zxid),
            Message::Quorum { packet, .. } => packet.zxid(),
        }
    }
}

impl Packet {
    /// The zxid in the packet's header, if it has one that means something.
    pub fn zxid(&self) -> Option<Zxid> {
        match self {
            Packet::FollowerInfo { accepted_epoch } | Packet::ObserverInfo { accepted_epoch } => {
                Some(Zxid::epoch_start(*accepted_epoch))
            }
            Packet::LeaderInfo { new_epoch } => Some(Zxid::epoch_start(*new_epoch)),
            Packet::AckEpoch { last_zxid, .. } => Some(*last_zxid),
            Packet::Diff { zxid }
            | Packet::Trunc { zxid }
            | Packet::NewLeader { zxid }
            | Packet::Ack { zxid }
            | Packet::Commit { zxid }
            | Packet::Ping { zxid, .. } => Some(*zxid),
            Packet::Snap { snapshot } => Some(snapshot.zxid),
            Packet::Proposal { txn } | Packet::Inform { txn } => Some(txn.zxid),
            Packet::UpToDate
            | Packet::Request { .. }
            | Packet::Revalidate { .. }
            | Packet::RevalidateAnswer { .. }
            | Packet::Sync { .. } => None,
        }
    }
}

impl fmt::Display for Message {
    /// The short label the UI draws on a message in flight.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Notification(n) => write!(f, "VOTE {} r{}", n.vote, n.round),
            Message::Quorum { packet, .. } => fmt::Display::fmt(packet, f),
        }
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        match self {
            Packet::FollowerInfo { accepted_epoch } | Packet::ObserverInfo { accepted_epoch } => {
                write!(f, "{kind} {}", Zxid::epoch_start(*accepted_epoch))
            }
            Packet::LeaderInfo { new_epoch } => {
                write!(f, "{kind} {}", Zxid::epoch_start(*new_epoch))
            }
            Packet::AckEpoch {
                last_zxid,
                current_epoch,
            } => match current_epoch {
                Some(e) => write!(f, "{kind} {last_zxid} e{e}"),
                None => write!(f, "{kind} {last_zxid} e-1"),
            },
            Packet::Diff { zxid } | Packet::Trunc { zxid } | Packet::NewLeader { zxid } => {
                write!(f, "{kind} {zxid}")
            }
            Packet::Snap { snapshot } => write!(f, "{kind} {}", snapshot.zxid),
            Packet::UpToDate => f.write_str(kind),
            Packet::Proposal { txn } | Packet::Inform { txn } => write!(f, "{kind} {}", txn.zxid),
            Packet::Ack { zxid } | Packet::Commit { zxid } | Packet::Ping { zxid, .. } => {
                write!(f, "{kind} {zxid}")
            }
            Packet::Revalidate { session, .. } => write!(f, "{kind} 0x{session:x}"),
            Packet::RevalidateAnswer { session, valid } => {
                write!(
                    f,
                    "{kind} 0x{session:x} {}",
                    if *valid { "valid" } else { "expired" }
                )
            }
            Packet::Sync { .. } => f.write_str(kind),
            Packet::Request { request } => match &request.op {
                RequestOp::Write { path, .. } => write!(f, "{kind} {path}"),
                RequestOp::Create { path, .. }
                | RequestOp::Delete { path, .. }
                | RequestOp::SetData { path, .. } => {
                    write!(f, "{kind} {} {path}", request.op.name())
                }
                op => write!(f, "{kind} {}", op.name()),
            },
        }
    }
}
