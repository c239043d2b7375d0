//! What a server stores: transactions, the znode tree they build, and the durable disk
//! (txn log, latest snapshot, acceptedEpoch, currentEpoch) that survives a crash.

use super::chunked::ChunkedVec;
use super::types::{Epoch, Zxid};
use std::fmt;
use std::rc::Rc;

/// A client session id, as the leader assigns it.
pub type SessionId = u64;

/// A client request id, assigned by the world when a client submits something. It makes every
/// txn distinct, so two leaders issuing the same zxid for different requests are caught.
pub type RequestId = u64;

/// ZooKeeper's error vocabulary (KeeperException.Code), with its names and numbers: what an
/// error txn records and what a client is told.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum Code {
    Ok,
    RuntimeInconsistency,
    ConnectionLoss,
    BadArguments,
    NoNode,
    BadVersion,
    NoChildrenForEphemerals,
    NodeExists,
    NotEmpty,
    SessionExpired,
}

impl Code {
    pub const ALL: [Code; 10] = [
        Code::Ok,
        Code::RuntimeInconsistency,
        Code::ConnectionLoss,
        Code::BadArguments,
        Code::NoNode,
        Code::BadVersion,
        Code::NoChildrenForEphemerals,
        Code::NodeExists,
        Code::NotEmpty,
        Code::SessionExpired,
    ];

    /// Its number, as `Code.intValue()` gives it and an ErrorTxn logs it.
    pub fn number(self) -> i32 {
        match self {
            Code::Ok => 0,
            Code::RuntimeInconsistency => -2,
            Code::ConnectionLoss => -4,
            Code::BadArguments => -8,
            Code::NoNode => -101,
            Code::BadVersion => -103,
            Code::NoChildrenForEphemerals => -108,
            Code::NodeExists => -110,
            Code::NotEmpty => -111,
            Code::SessionExpired => -112,
        }
    }

    /// Its name in the Code enum (what `Display` prints).
    pub fn name(self) -> &'static str {
        match self {
            Code::Ok => "OK",
            Code::RuntimeInconsistency => "RUNTIMEINCONSISTENCY",
            Code::ConnectionLoss => "CONNECTIONLOSS",
            Code::BadArguments => "BADARGUMENTS",
            Code::NoNode => "NONODE",
            Code::BadVersion => "BADVERSION",
            Code::NoChildrenForEphemerals => "NOCHILDRENFOREPHEMERALS",
            Code::NodeExists => "NODEEXISTS",
            Code::NotEmpty => "NOTEMPTY",
            Code::SessionExpired => "SESSIONEXPIRED",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The change a transaction makes, as ZooKeeper logs it (CreateTxn, DeleteTxn, SetDataTxn,
/// MultiTxn, ErrorTxn, CreateSessionTxn, CloseSessionTxn): already decided by the leader's
/// PrepRequestProcessor, so applying it needs no choice and every server gets the same tree.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum TxnOp {
    CreateSession {
        session: SessionId,
        timeout_ms: u64,
    },
    /// Ends the session and deletes every ephemeral it owns, in this one txn.
    CloseSession {
        session: SessionId,
    },
    /// `path` is final (a sequential create's suffix is already added); `ephemeral_owner` is
    /// 0 for a persistent znode; `parent_cversion` is the parent's cversion after the create.
    Create {
        path: String,
        data: String,
        ephemeral_owner: SessionId,
        parent_cversion: i32,
    },
    Delete {
        path: String,
    },
    /// `version` is the znode's new data version.
    SetData {
        path: String,
        data: String,
        version: i32,
    },
    /// Applied all or none. A multi that failed at the leader is still logged as one, its ops
    /// up to the failing one as prepared, the failing one an `Error` with its code, the rest
    /// `Error(RUNTIMEINCONSISTENCY)`; any `Error` inside makes the whole multi change nothing
    /// (DataTree.processTxn turns the others into errors when it applies it).
    Multi(Vec<TxnOp>),
    /// A request that failed at the leader still takes a zxid in ZooKeeper (an error txn).
    /// `Code::Ok` marks a txn that only stands for a zxid (tests, fillers).
    Error {
        code: Code,
    },
}

impl TxnOp {
    /// True if this is a multi that failed (it changes nothing).
    pub fn is_failed_multi(&self) -> bool {
        matches!(self, TxnOp::Multi(ops) if ops.iter().any(|op| matches!(op, TxnOp::Error { .. })))
    }
}

/// A logged transaction: its zxid, the request it came from, and the change.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub struct Txn {
    pub zxid: Zxid,
    pub request: RequestId,
    pub op: TxnOp,
}

impl fmt::Display for TxnOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxnOp::CreateSession { session, .. } => write!(f, "createSession 0x{session:x}"),
            TxnOp::CloseSession { session } => write!(f, "closeSession 0x{session:x}"),
            TxnOp::Create {
                path,
                data,
                ephemeral_owner: 0,
                ..
            } => write!(f, "create {path} {data:?}"),
            TxnOp::Create {
                path,
                data,
                ephemeral_owner,
                ..
            } => write!(
                f,
                "create {path} {data:?} (ephemeral of 0x{ephemeral_owner:x})"
            ),
            TxnOp::Delete { path } => write!(f, "delete {path}"),
            TxnOp::SetData { path, data, .. } => write!(f, "setData {path} {data:?}"),
            TxnOp::Multi(ops) => {
                f.write_str("multi [")?;
                for (i, op) in ops.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{op}")?;
                }
                f.write_str("]")
            }
            TxnOp::Error { code } => write!(f, "error {code}"),
        }
    }
}

pub use super::tree::{DataTree, Stat, Znode};

/// FNV-1a: tiny, portable (same result natively and in wasm), good enough for digests and the
/// trace hash, which only need to tell histories apart.
pub fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The project's one hasher: FNV-1a, word by word for integers (one multiply a word, which
/// keeps the per-event trace hash cheap) and byte by byte for strings. `usize` is widened
/// to 64 bits, so wasm32 and native hash alike; never `DefaultHasher`, never HashMap order.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(FNV_PRIME);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64)
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64)
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(FNV_PRIME);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64)
    }
    fn write_i32(&mut self, n: i32) {
        self.write_u64(n as u32 as u64)
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64)
    }
}

/// The `Fnv` hash of anything hashable.
pub fn fnv_hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Fnv::default();
    value.hash(&mut h);
    std::hash::Hasher::finish(&h)
}

/// A snapshot: the tree as of `zxid`. ZooKeeper's snapshots are fuzzy; ours are exact, which
/// changes nothing the protocol can observe.
#[derive(Clone, Debug, Hash)]
pub struct Snapshot {
    pub zxid: Zxid,
    pub tree: DataTree,
    /// The txns the tree was built from. ZooKeeper's snapshot holds only the tree; the
    /// simulator keeps the list beside it so the checker can tell which history a server
    /// holds after a SNAP (nothing in the protocol reads it).
    pub history: Rc<[Rc<Txn>]>,
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot {
            zxid: Zxid::ZERO,
            tree: DataTree::default(),
            history: Rc::from(Vec::new()),
        }
    }
}

impl Disk {
    /// Every txn this server's state stands on: its snapshot's history, then its log.
    pub fn history(&self) -> impl Iterator<Item = &Rc<Txn>> {
        self.snapshot.history.iter().chain(self.log.iter())
    }
}

/// Everything that survives a crash. A restart rebuilds the server from this alone.
#[derive(Clone, Default, Debug, Hash)]
pub struct Disk {
    /// Txns after the snapshot, in zxid order, committed or not: ZooKeeper logs a proposal
    /// (and fsyncs it) before ACKing it, long before it knows whether it commits. Chunked,
    /// so the timeline's copies of the world share it (it hashes as a `Vec` would).
    pub log: ChunkedVec<Rc<Txn>>,
    pub snapshot: Rc<Snapshot>,
    pub accepted_epoch: Epoch,
    pub current_epoch: Epoch,
    /// How many times this server has started from this disk; makes connection ids unique.
    pub incarnation: u64,
}

impl Disk {
    /// The greatest zxid this server has logged (or the snapshot's, with an empty log).
    pub fn last_logged_zxid(&self) -> Zxid {
        self.log.last().map_or(self.snapshot.zxid, |t| t.zxid)
    }

    /// Index of the first log entry with a zxid above `zxid`.
    pub fn index_after(&self, zxid: Zxid) -> usize {
        self.log.partition_point(|t| t.zxid <= zxid)
    }

    /// True if this server's history holds exactly `zxid` (or `zxid` is its snapshot point).
    pub fn holds(&self, zxid: Zxid) -> bool {
        zxid == self.snapshot.zxid || self.log.binary_search_by_key(&zxid, |t| t.zxid).is_ok()
    }

    /// TRUNC: drop every logged txn above `zxid`. Returns what was removed (for the checker).
    ///
    /// A TRUNC can reach below the latest snapshot: a learner that took a SNAP (persisted on
    /// arrival, see learner.rs) from a leader whose sync it then lost may be told by the next
    /// leader to go back before that snapshot's zxid. ZooKeeper keeps older snapshots and the
    /// logs behind them (snapRetainCount); the simulator models that retention by rebuilding
    /// the snapshot from the prefix of its history at or below `zxid` (explorer seed 57159:
    /// without it the learner kept a txn the new leader never had).
    pub fn truncate_after(&mut self, zxid: Zxid) -> Vec<Rc<Txn>> {
        let keep = self.index_after(zxid);
        let mut removed = self.log.split_off(keep);
        if zxid < self.snapshot.zxid {
            let history = &self.snapshot.history;
            let cut = history.partition_point(|t| t.zxid <= zxid);
            let mut tree = DataTree::default();
            for txn in &history[..cut] {
                tree.apply(txn);
            }
            let mut above: Vec<Rc<Txn>> = history[cut..].to_vec();
            above.append(&mut removed);
            removed = above;
            self.snapshot = Rc::new(Snapshot {
                zxid: history[..cut].last().map_or(Zxid::ZERO, |t| t.zxid),
                tree,
                history: Rc::from(history[..cut].to_vec()),
            });
        }
        removed
    }

    /// The tree a restart rebuilds: the snapshot plus every logged txn replayed, committed or
    /// not, exactly as ZooKeeper's FileTxnSnapLog.restore does.
    pub fn replay(&self) -> DataTree {
        let mut tree = self.snapshot.tree.clone();
        for txn in &self.log {
            tree.apply(txn);
        }
        tree
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(zxid: u64, path: &str) -> Rc<Txn> {
        Rc::new(Txn {
            zxid: Zxid(zxid),
            request: zxid,
            op: TxnOp::Create {
                path: path.into(),
                data: "x".into(),
                ephemeral_owner: 0,
                parent_cversion: zxid as i32,
            },
        })
    }

    #[test]
    fn a_trunc_below_the_snapshot_goes_back_to_the_history_prefix() {
        let history: Vec<Rc<Txn>> = (1..=3).map(|z| txn(z, &format!("/n{z}"))).collect();
        let mut tree = DataTree::default();
        history.iter().for_each(|t| tree.apply(t));
        let mut disk = Disk {
            snapshot: Rc::new(Snapshot {
                zxid: Zxid(3),
                tree,
                history: Rc::from(history.clone()),
            }),
            log: vec![txn(4, "/n4")].into(),
            ..Disk::default()
        };
        let removed = disk.truncate_after(Zxid(1));
        let zxids: Vec<u64> = removed.iter().map(|t| t.zxid.0).collect();
        assert_eq!(zxids, vec![2, 3, 4]);
        assert_eq!(disk.last_logged_zxid(), Zxid(1));
        let mut want = DataTree::default();
        want.apply(&history[0]);
        assert_eq!(disk.replay(), want);
        // Above the snapshot, only the log is cut.
        let mut disk2 = disk.clone();
        disk2.log.push(txn(2, "/m"));
        assert_eq!(disk2.truncate_after(Zxid(1)).len(), 1);
        assert_eq!(disk2.snapshot.zxid, Zxid(1));
    }

    #[test]
    fn truncate_and_replay() {
        let mut disk = Disk::default();
        for z in 1..=4 {
            disk.log.push(txn(z, &format!("/n{z}")));
        }
        let removed = disk.truncate_after(Zxid(2));
        assert_eq!(removed.len(), 2);
        assert_eq!(disk.last_logged_zxid(), Zxid(2));
        assert!(disk.holds(Zxid(2)) && !disk.holds(Zxid(3)));
        let tree = disk.replay();
        assert_eq!(tree.node_count(), 5 + 2);
        assert_eq!(tree.last_processed, Zxid(2));
    }
}
