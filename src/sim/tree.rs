//! The znode tree and session table a server builds by applying committed txns in order:
//! ZooKeeper's org.apache.zookeeper.server.DataTree (with DataNode and StatPersisted).
//!
//! Applying needs no decisions: the leader's PrepRequestProcessor (zab/prep.rs) already checked
//! every request and logged the outcome (a failure as an error txn), so a txn that reaches here
//! always applies, and equal histories give equal trees.

use super::data::{fnv1a, Code, Fnv, SessionId, Txn, TxnOp};
use super::types::Zxid;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// ZooKeeper's own znodes, present in every fresh tree (DataTree's constructor).
pub const BUILT_IN: [&str; 3] = ["/zookeeper", "/zookeeper/quota", "/zookeeper/config"];

/// A znode's stat (StatPersisted, plus numChildren as `Stat` reports it). Times are left out:
/// the txns carry no wall-clock time in the simulator.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq, Hash)]
pub struct Stat {
    /// The zxid that created it.
    pub czxid: Zxid,
    /// The zxid that last set its data.
    pub mzxid: Zxid,
    /// The zxid that last created or deleted one of its children.
    pub pzxid: Zxid,
    /// Data version: +1 per setData.
    pub version: i32,
    /// Child version: +1 per child created (never per child deleted), and the counter the
    /// sequential suffix is taken from.
    pub cversion: i32,
    /// The session owning an ephemeral znode; 0 for a persistent one.
    pub ephemeral_owner: SessionId,
    pub num_children: i32,
}

impl Stat {
    pub(crate) fn created(zxid: Zxid, ephemeral_owner: SessionId) -> Stat {
        Stat {
            czxid: zxid,
            mzxid: zxid,
            pzxid: zxid,
            ephemeral_owner,
            ..Stat::default()
        }
    }
}

/// One znode (DataNode): its data, its stat, and its children's names.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct Znode {
    pub data: String,
    pub stat: Stat,
    pub children: BTreeSet<String>,
}

/// The in-memory znode tree and session table, built by applying committed txns in order.
/// `digest` is an order-independent sum of per-znode and per-session hashes, updated as
/// each txn applies, so equal histories give equal digests (invariant 10) and comparing two
/// trees is O(1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataTree {
    /// Every znode by full path; the root is "/".
    nodes: BTreeMap<String, Znode>,
    /// Each session's ephemeral znodes (DataTree.ephemerals).
    ephemerals: BTreeMap<SessionId, BTreeSet<String>>,
    /// Every live session and its negotiated timeout (DataTree.sessionsWithTimeouts).
    pub sessions: BTreeMap<SessionId, u64>,
    pub last_processed: Zxid,
    pub digest: u64,
}

/// A tree hashes as its digest and last processed zxid: the digest already stands for the
/// whole content, so hashing a tree (in a SNAP, in a server) stays O(1).
impl Hash for DataTree {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.digest.hash(state);
        self.last_processed.hash(state);
    }
}

/// A fresh tree: the root and ZooKeeper's built-in znodes, all at zxid 0. The root's cversion
/// stays 0 (DataTree adds /zookeeper without counting it, protocol.md §8).
impl Default for DataTree {
    fn default() -> DataTree {
        let mut tree = DataTree {
            nodes: BTreeMap::new(),
            ephemerals: BTreeMap::new(),
            sessions: BTreeMap::new(),
            last_processed: Zxid::ZERO,
            digest: 0,
        };
        tree.insert("/", Znode::default());
        for path in BUILT_IN {
            tree.insert(path, Znode::default());
            tree.link_child(path);
        }
        tree
    }
}

/// The parent of a valid absolute path other than "/", and the child's name in it.
pub fn split_path(path: &str) -> (&str, &str) {
    let slash = path.rfind('/').unwrap_or(0);
    let parent = if slash == 0 { "/" } else { &path[..slash] };
    (parent, &path[slash + 1..])
}

impl DataTree {
    pub fn get(&self, path: &str) -> Option<&Znode> {
        self.nodes.get(path)
    }

    pub fn stat(&self, path: &str) -> Option<Stat> {
        self.nodes.get(path).map(|n| n.stat)
    }

    /// How many znodes there are, the root and ZooKeeper's own included.
    pub fn znodes(&self) -> usize {
        self.nodes.len()
    }

    /// What `srvr` reports as "Node count": the znodes plus one, since ZooKeeper's DataTree
    /// map holds the root twice (as "" and as "/"). 5 for a fresh tree.
    pub fn node_count(&self) -> usize {
        self.nodes.len() + 1
    }

    /// The ephemeral znodes a session owns.
    pub fn ephemerals_of(&self, session: SessionId) -> impl Iterator<Item = &String> {
        self.ephemerals.get(&session).into_iter().flatten()
    }

    /// Every session that owns at least one ephemeral znode.
    pub fn ephemeral_owners(&self) -> impl Iterator<Item = SessionId> + '_ {
        self.ephemerals.keys().copied()
    }

    pub fn apply(&mut self, txn: &Txn) {
        self.apply_as(txn, true);
    }

    /// Applies a txn; with `delete_ephemerals` false a closeSession leaves the session's
    /// ephemerals behind (the broken variant `keep-expired-ephemerals`, never the real thing).
    pub fn apply_as(&mut self, txn: &Txn, delete_ephemerals: bool) {
        self.apply_op(&txn.op, txn.zxid, delete_ephemerals);
        self.last_processed = self.last_processed.max(txn.zxid);
    }

    fn apply_op(&mut self, op: &TxnOp, zxid: Zxid, delete_ephemerals: bool) {
        match op {
            TxnOp::CreateSession {
                session,
                timeout_ms,
            } => {
                if self.sessions.insert(*session, *timeout_ms).is_none() {
                    self.digest = self.digest.wrapping_add(session_hash(*session));
                }
            }
            TxnOp::CloseSession { session } => {
                if self.sessions.remove(session).is_some() {
                    self.digest = self.digest.wrapping_sub(session_hash(*session));
                }
                if delete_ephemerals {
                    self.kill_session(*session, zxid);
                }
            }
            TxnOp::Create {
                path,
                data,
                ephemeral_owner,
                parent_cversion,
            } => self.create(path, data, *ephemeral_owner, *parent_cversion, zxid),
            TxnOp::Delete { path } => self.delete(path, zxid),
            TxnOp::SetData {
                path,
                data,
                version,
            } => self.set_data(path, data, *version, zxid),
            TxnOp::Multi(_) if op.is_failed_multi() => {}
            TxnOp::Multi(ops) => {
                for op in ops {
                    self.apply_op(op, zxid, delete_ephemerals);
                }
            }
            TxnOp::Error { .. } => {}
        }
    }

    /// DataTree.createNode. The parent's cversion comes from the txn (the leader's decision).
    fn create(&mut self, path: &str, data: &str, owner: SessionId, cversion: i32, zxid: Zxid) {
        let (parent, _) = split_path(path);
        if !self.nodes.contains_key(parent) || self.nodes.contains_key(path) {
            return; // the leader's checks rule this out; a replay may meet it, as in ZooKeeper
        }
        self.update(parent, |p| {
            if cversion > p.stat.cversion {
                p.stat.cversion = cversion;
                p.stat.pzxid = zxid;
            }
        });
        let node = Znode {
            data: data.to_string(),
            stat: Stat::created(zxid, owner),
            children: BTreeSet::new(),
        };
        self.insert(path, node);
        self.link_child(path);
        if owner != 0 {
            self.ephemerals
                .entry(owner)
                .or_default()
                .insert(path.to_string());
        }
    }

    /// DataTree.deleteNode: the parent's pzxid moves, its cversion does not.
    fn delete(&mut self, path: &str, zxid: Zxid) {
        let Some(node) = self.remove(path) else {
            return;
        };
        let (parent, name) = split_path(path);
        self.update(parent, |p| {
            p.children.remove(name);
            p.stat.num_children = p.children.len() as i32;
            p.stat.pzxid = p.stat.pzxid.max(zxid);
        });
        let owner = node.stat.ephemeral_owner;
        if let Some(paths) = self.ephemerals.get_mut(&owner) {
            paths.remove(path);
            if paths.is_empty() {
                self.ephemerals.remove(&owner);
            }
        }
    }

    fn set_data(&mut self, path: &str, data: &str, version: i32, zxid: Zxid) {
        self.update(path, |n| {
            n.data = data.to_string();
            n.stat.version = version;
            n.stat.mzxid = zxid;
        });
    }

    /// DataTree.killSession: every ephemeral of the session goes, in the one closeSession txn.
    fn kill_session(&mut self, session: SessionId, zxid: Zxid) {
        let paths = self.ephemerals.remove(&session).unwrap_or_default();
        for path in paths {
            self.delete(&path, zxid);
        }
    }

    // ---- the only places that touch `nodes`, so the digest always follows ----

    fn insert(&mut self, path: &str, node: Znode) {
        self.digest = self.digest.wrapping_add(node_hash(path, &node));
        self.nodes.insert(path.to_string(), node);
    }

    fn remove(&mut self, path: &str) -> Option<Znode> {
        let node = self.nodes.remove(path)?;
        self.digest = self.digest.wrapping_sub(node_hash(path, &node));
        Some(node)
    }

    fn update(&mut self, path: &str, change: impl FnOnce(&mut Znode)) {
        let Some(node) = self.nodes.get_mut(path) else {
            return;
        };
        let before = node_hash(path, node);
        change(node);
        let after = node_hash(path, node);
        self.digest = self.digest.wrapping_sub(before).wrapping_add(after);
    }

    /// Adds a new znode to its parent's children.
    fn link_child(&mut self, path: &str) {
        let (parent, name) = split_path(path);
        self.update(parent, |p| {
            p.children.insert(name.to_string());
            p.stat.num_children = p.children.len() as i32;
        });
    }
}

/// The error a path is refused with before anything else is looked at (PathUtils.validatePath):
/// absolute, no empty, "." or ".." component, no trailing slash.
pub fn validate_path(path: &str) -> Result<(), Code> {
    let valid = path == "/"
        || (path.starts_with('/')
            && !path.ends_with('/')
            && path[1..]
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\0')));
    if valid {
        Ok(())
    } else {
        Err(Code::BadArguments)
    }
}

fn session_hash(session: SessionId) -> u64 {
    fnv1a(&session.to_le_bytes(), 0x5e55_1011)
}

/// A znode's share of the digest: its path, data and stat (DigestCalculator hashes the same).
fn node_hash(path: &str, node: &Znode) -> u64 {
    let mut h = Fnv(0x2d0d_e000);
    path.hash(&mut h);
    node.data.hash(&mut h);
    node.stat.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(zxid: u64, op: TxnOp) -> Txn {
        Txn {
            zxid: Zxid(zxid),
            request: zxid,
            op,
        }
    }

    fn create(path: &str, owner: SessionId, parent_cversion: i32) -> TxnOp {
        TxnOp::Create {
            path: path.into(),
            data: "x".into(),
            ephemeral_owner: owner,
            parent_cversion,
        }
    }

    #[test]
    fn a_fresh_tree_holds_zookeepers_own_znodes() {
        let tree = DataTree::default();
        assert_eq!(tree.node_count(), 5, "srvr's Node count of a fresh server");
        assert!(tree.get("/zookeeper/config").is_some());
        assert_eq!(
            tree.stat("/").unwrap().cversion,
            0,
            "/zookeeper is not counted"
        );
        assert_eq!(tree.stat("/").unwrap().num_children, 1);
    }

    #[test]
    fn creates_deletes_and_set_data_keep_the_stats() {
        let mut tree = DataTree::default();
        tree.apply(&txn(1, create("/a", 0, 1)));
        tree.apply(&txn(2, create("/a/b", 0, 1)));
        assert_eq!(tree.node_count(), 7);
        let a = tree.stat("/a").unwrap();
        assert_eq!(
            (a.czxid, a.pzxid, a.cversion, a.num_children),
            (Zxid(1), Zxid(2), 1, 1)
        );
        tree.apply(&txn(
            3,
            TxnOp::SetData {
                path: "/a".into(),
                data: "y".into(),
                version: 1,
            },
        ));
        let a = tree.get("/a").unwrap();
        assert_eq!(
            (a.data.as_str(), a.stat.version, a.stat.mzxid),
            ("y", 1, Zxid(3))
        );
        tree.apply(&txn(
            4,
            TxnOp::Delete {
                path: "/a/b".into(),
            },
        ));
        let a = tree.stat("/a").unwrap();
        assert_eq!((a.cversion, a.pzxid, a.num_children), (1, Zxid(4), 0));
        assert_eq!(tree.node_count(), 6);
    }

    #[test]
    fn close_session_deletes_its_ephemerals_in_one_txn() {
        let mut tree = DataTree::default();
        tree.apply(&txn(
            1,
            TxnOp::CreateSession {
                session: 7,
                timeout_ms: 2000,
            },
        ));
        tree.apply(&txn(2, create("/e1", 7, 1)));
        tree.apply(&txn(3, create("/e2", 7, 2)));
        tree.apply(&txn(4, create("/p", 0, 3)));
        assert_eq!(tree.ephemerals_of(7).count(), 2);
        let mut kept = tree.clone();
        tree.apply(&txn(5, TxnOp::CloseSession { session: 7 }));
        assert_eq!(tree.node_count(), 6);
        assert_eq!(tree.ephemerals_of(7).count(), 0);
        assert!(tree.sessions.is_empty());
        kept.apply_as(&txn(5, TxnOp::CloseSession { session: 7 }), false);
        assert_ne!(
            kept.digest, tree.digest,
            "the broken variant shows in the digest"
        );
    }

    #[test]
    fn a_failed_multi_changes_nothing() {
        let mut tree = DataTree::default();
        let before = tree.clone();
        let failed = TxnOp::Multi(vec![
            create("/a", 0, 1),
            TxnOp::Error {
                code: Code::NodeExists,
            },
        ]);
        tree.apply(&txn(1, failed));
        assert_eq!((tree.digest, tree.node_count()), (before.digest, 5));
        tree.apply(&txn(
            2,
            TxnOp::Multi(vec![create("/a", 0, 1), create("/b", 0, 2)]),
        ));
        assert_eq!(tree.node_count(), 7);
    }

    #[test]
    fn digest_depends_on_content_not_order_of_distinct_nodes() {
        let mut a = DataTree::default();
        let mut b = DataTree::default();
        a.apply(&txn(1, create("/a", 0, 1)));
        a.apply(&txn(2, TxnOp::Delete { path: "/a".into() }));
        assert_ne!(
            a.digest,
            DataTree::default().digest,
            "the root's pzxid moved"
        );
        b.apply(&txn(1, create("/a", 0, 1)));
        b.apply(&txn(2, TxnOp::Delete { path: "/a".into() }));
        assert_eq!(a, b);
        assert_eq!(a.digest, b.digest);
    }

    #[test]
    fn paths_are_validated() {
        for ok in ["/", "/a", "/a/b-", "/lock/n-"] {
            assert_eq!(validate_path(ok), Ok(()), "{ok}");
        }
        for bad in ["", "a", "/a/", "//a", "/a/./b", "/a/.."] {
            assert_eq!(validate_path(bad), Err(Code::BadArguments), "{bad}");
        }
        assert_eq!(split_path("/a"), ("/", "a"));
        assert_eq!(split_path("/a/b"), ("/a", "b"));
    }
}
