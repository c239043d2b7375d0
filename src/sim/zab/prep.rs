//! What a client request becomes at the leader: ZooKeeper's PrepRequestProcessor
//! (org.apache.zookeeper.server.PrepRequestProcessor). A pure decision, so it can be tested as
//! a table. Every write takes its zxid before it is checked; a failing one becomes an error
//! txn that still goes through Zab (protocol.md §8).
//!
//! The leader decides against what the tree *will* be once its outstanding proposals apply:
//! `LeaderView` lays those proposals over the committed tree, as ZooKeeper's
//! outstandingChanges ChangeRecords do, so two creates of one path in flight give one
//! create and one NODEEXISTS, and sequential names never repeat.

use super::message::{CreateMode, RequestOp, ANY_VERSION};
use crate::sim::data::{Code, SessionId, Stat, Txn, TxnOp};
use crate::sim::tree::{split_path, validate_path, DataTree, BUILT_IN};
use crate::sim::types::Zxid;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The committed tree plus the changes of the proposals not yet applied (ChangeRecords).
pub struct LeaderView<'a> {
    tree: &'a DataTree,
    /// Path -> its stat once the outstanding proposals apply; `None`: deleted by one.
    changes: BTreeMap<String, Option<Stat>>,
    /// Session -> live once the outstanding proposals apply.
    sessions: BTreeMap<SessionId, bool>,
}

impl<'a> LeaderView<'a> {
    /// The view of a leader whose tree is `tree` and whose logged, unapplied proposals are
    /// `outstanding`, in zxid order.
    pub fn new<'t>(
        tree: &'a DataTree,
        outstanding: impl IntoIterator<Item = &'t Rc<Txn>>,
    ) -> LeaderView<'a> {
        let mut view = LeaderView {
            tree,
            changes: BTreeMap::new(),
            sessions: BTreeMap::new(),
        };
        for txn in outstanding {
            view.record(&txn.op, txn.zxid);
        }
        view
    }

    /// getRecordForPath: the znode's stat as it will be, if it will exist.
    fn stat(&self, path: &str) -> Option<Stat> {
        match self.changes.get(path) {
            Some(change) => *change,
            None => self.tree.stat(path),
        }
    }

    fn session_live(&self, session: SessionId) -> bool {
        match self.sessions.get(&session) {
            Some(live) => *live,
            None => self.tree.sessions.contains_key(&session),
        }
    }

    /// addChangeRecord: what a prepared txn will change, for the requests after it.
    fn record(&mut self, op: &TxnOp, zxid: Zxid) {
        match op {
            TxnOp::Create {
                path,
                ephemeral_owner,
                parent_cversion,
                ..
            } => {
                self.change_parent(path, |p| {
                    p.cversion = *parent_cversion;
                    p.pzxid = zxid;
                    p.num_children += 1;
                });
                let stat = Stat::created(zxid, *ephemeral_owner);
                self.changes.insert(path.clone(), Some(stat));
            }
            TxnOp::Delete { path } => self.record_delete(path, zxid),
            TxnOp::SetData { path, version, .. } => {
                if let Some(mut stat) = self.stat(path) {
                    stat.version = *version;
                    stat.mzxid = zxid;
                    self.changes.insert(path.clone(), Some(stat));
                }
            }
            TxnOp::Multi(_) if op.is_failed_multi() => {}
            TxnOp::Multi(ops) => ops.iter().for_each(|op| self.record(op, zxid)),
            TxnOp::CreateSession { session, .. } => {
                self.sessions.insert(*session, true);
            }
            TxnOp::CloseSession { session } => {
                self.sessions.insert(*session, false);
                for path in self.ephemerals_of(*session) {
                    self.record_delete(&path, zxid);
                }
            }
            TxnOp::Error { .. } => {}
        }
    }

    fn record_delete(&mut self, path: &str, zxid: Zxid) {
        self.change_parent(path, |p| {
            p.num_children -= 1;
            p.pzxid = zxid;
        });
        self.changes.insert(path.to_string(), None);
    }

    fn change_parent(&mut self, path: &str, change: impl FnOnce(&mut Stat)) {
        let (parent, _) = split_path(path);
        if let Some(mut stat) = self.stat(parent) {
            change(&mut stat);
            self.changes.insert(parent.to_string(), Some(stat));
        }
    }

    /// The session's ephemerals as they will be: the tree's, less those an outstanding
    /// proposal deletes, plus those one creates (the closeSession case of pRequest2Txn).
    fn ephemerals_of(&self, session: SessionId) -> Vec<String> {
        let mut paths: Vec<String> = self
            .tree
            .ephemerals_of(session)
            .filter(|p| !self.changes.contains_key(p.as_str()))
            .cloned()
            .collect();
        let pending = self.changes.iter().filter_map(|(path, stat)| match stat {
            Some(s) if s.ephemeral_owner == session => Some(path.clone()),
            _ => None,
        });
        paths.extend(pending);
        paths.sort();
        paths.dedup();
        paths
    }
}

/// pRequest: the txn a request becomes with zxid `zxid`, recorded in `view` so a later request
/// sees it.
pub fn prep(view: &mut LeaderView, zxid: Zxid, op: &RequestOp) -> TxnOp {
    let txn = match op {
        RequestOp::OpenSession {
            session,
            timeout_ms,
        } => TxnOp::CreateSession {
            session: *session,
            timeout_ms: *timeout_ms,
        },
        RequestOp::CloseSession { session } => TxnOp::CloseSession { session: *session },
        RequestOp::Multi(ops) => prep_multi(view, zxid, ops),
        single => prep_one(view, single).unwrap_or_else(|code| TxnOp::Error { code }),
    };
    view.record(&txn, zxid);
    txn
}

/// A multi: every op against the view as the ops before it left it; after the first failure
/// the changes roll back and the remaining ops are not even tried.
fn prep_multi(view: &mut LeaderView, zxid: Zxid, ops: &[RequestOp]) -> TxnOp {
    let saved = (view.changes.clone(), view.sessions.clone());
    let mut failed = false;
    let mut txns = Vec::with_capacity(ops.len());
    for op in ops {
        if failed {
            txns.push(TxnOp::Error {
                code: Code::RuntimeInconsistency,
            });
            continue;
        }
        match prep_one(view, op) {
            Ok(txn) => {
                view.record(&txn, zxid);
                txns.push(txn);
            }
            Err(code) => {
                failed = true;
                txns.push(TxnOp::Error { code });
                (view.changes, view.sessions) = saved.clone();
            }
        }
    }
    TxnOp::Multi(txns)
}

/// One create, delete or setData, checked in PrepRequestProcessor's order.
fn prep_one(view: &LeaderView, op: &RequestOp) -> Result<TxnOp, Code> {
    match op {
        RequestOp::Write { path, data } => {
            validate_path(path)?;
            if view.stat(path).is_some() {
                set_data(view, path, data, ANY_VERSION)
            } else {
                create(view, path, data, CreateMode::Persistent, 0)
            }
        }
        RequestOp::Create {
            path,
            data,
            mode,
            session,
        } => create(view, path, data, *mode, *session),
        RequestOp::Delete {
            path,
            version,
            session,
        } => {
            check_session(view, *session)?;
            delete(view, path, *version)
        }
        RequestOp::SetData {
            path,
            data,
            version,
            session,
        } => {
            check_session(view, *session)?;
            set_data(view, path, data, *version)
        }
        // A multi holds creates, deletes and setData only.
        RequestOp::Multi(_) | RequestOp::OpenSession { .. } | RequestOp::CloseSession { .. } => {
            Err(Code::BadArguments)
        }
    }
}

/// checkSession: a request made in a session needs the session alive. Session 0 is a request
/// made outside any session (the scenario's `write`, before clients are actors).
fn check_session(view: &LeaderView, session: SessionId) -> Result<(), Code> {
    if session == 0 || view.session_live(session) {
        Ok(())
    } else {
        Err(Code::SessionExpired)
    }
}

/// pRequest2TxnCreate.
fn create(
    view: &LeaderView,
    path: &str,
    data: &str,
    mode: CreateMode,
    session: SessionId,
) -> Result<TxnOp, Code> {
    check_session(view, session)?;
    if mode.is_ephemeral() && session == 0 {
        return Err(Code::BadArguments); // an ephemeral needs an owner
    }
    // A sequential create may end in '/' (the suffix completes the name).
    let checked = if mode.is_sequential() {
        format!("{path}0")
    } else {
        path.to_string()
    };
    validate_path(&checked)?;
    let (parent, _) = split_path(&checked);
    let parent_stat = view.stat(parent).ok_or(Code::NoNode)?;
    let path = if mode.is_sequential() {
        format!("{path}{:010}", parent_stat.cversion)
    } else {
        path.to_string()
    };
    if view.stat(&path).is_some() {
        return Err(Code::NodeExists);
    }
    if parent_stat.ephemeral_owner != 0 {
        return Err(Code::NoChildrenForEphemerals);
    }
    Ok(TxnOp::Create {
        path,
        data: data.to_string(),
        ephemeral_owner: if mode.is_ephemeral() { session } else { 0 },
        parent_cversion: parent_stat.cversion + 1,
    })
}

/// The delete case of pRequest2Txn. The root and ZooKeeper's own znodes cannot be deleted
/// (getParentPathAndValidate's isSpecialPath).
fn delete(view: &LeaderView, path: &str, version: i32) -> Result<TxnOp, Code> {
    validate_path(path)?;
    if path == "/" || BUILT_IN.contains(&path) {
        return Err(Code::BadArguments);
    }
    let (parent, _) = split_path(path);
    view.stat(parent).ok_or(Code::NoNode)?;
    let stat = view.stat(path).ok_or(Code::NoNode)?;
    check_and_inc_version(stat.version, version)?;
    if stat.num_children > 0 {
        return Err(Code::NotEmpty);
    }
    Ok(TxnOp::Delete {
        path: path.to_string(),
    })
}

/// The setData case of pRequest2Txn.
fn set_data(view: &LeaderView, path: &str, data: &str, version: i32) -> Result<TxnOp, Code> {
    validate_path(path)?;
    let stat = view.stat(path).ok_or(Code::NoNode)?;
    Ok(TxnOp::SetData {
        path: path.to_string(),
        data: data.to_string(),
        version: check_and_inc_version(stat.version, version)?,
    })
}

/// checkAndIncVersion: -1 matches any version; the next version skips -1 when it wraps
/// (ZOOKEEPER-4743), since -1 means "any".
fn check_and_inc_version(current: i32, expected: i32) -> Result<i32, Code> {
    if expected != ANY_VERSION && expected != current {
        return Err(Code::BadVersion);
    }
    match current.wrapping_add(1) {
        ANY_VERSION => Ok(0),
        next => Ok(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::zab::message::CreateMode::*;

    const S: SessionId = 0x1_0000_0000_0001;
    const DEAD: SessionId = 0x1_0000_0000_0002;

    fn create(path: &str, mode: CreateMode) -> RequestOp {
        RequestOp::Create {
            path: path.into(),
            data: "d".into(),
            mode,
            session: S,
        }
    }

    fn delete(path: &str, version: i32) -> RequestOp {
        RequestOp::Delete {
            path: path.into(),
            version,
            session: S,
        }
    }

    fn set(path: &str, version: i32) -> RequestOp {
        RequestOp::SetData {
            path: path.into(),
            data: "new".into(),
            version,
            session: S,
        }
    }

    fn write(path: &str) -> RequestOp {
        RequestOp::Write {
            path: path.into(),
            data: "w".into(),
        }
    }

    /// The tree the table runs against: a live session S, /p (persistent, version 1, one child
    /// /p/c), /lock (three children created and deleted: cversion 3), /e (ephemeral of S).
    fn tree() -> DataTree {
        let mut tree = DataTree::default();
        let ops = [
            RequestOp::OpenSession {
                session: S,
                timeout_ms: 2000,
            },
            create("/p", Persistent),
            set("/p", 0),
            create("/p/c", Persistent),
            create("/lock", Persistent),
            create("/lock/n-", EphemeralSequential),
            create("/lock/n-", EphemeralSequential),
            create("/lock/n-", EphemeralSequential),
            delete("/lock/n-0000000000", -1),
            delete("/lock/n-0000000001", -1),
            delete("/lock/n-0000000002", -1),
            create("/e", Ephemeral),
        ];
        for (i, op) in ops.iter().enumerate() {
            let zxid = Zxid(i as u64 + 1);
            let op = prep(&mut LeaderView::new(&tree, &[]), zxid, op);
            assert!(!matches!(op, TxnOp::Error { .. }), "setting up: {op}");
            tree.apply(&Txn {
                zxid,
                request: 0,
                op,
            });
        }
        tree
    }

    /// Every check of PrepRequestProcessor, as a table: request -> logged txn.
    #[test]
    fn prep_table() {
        let tree = tree();
        let err = |code| TxnOp::Error { code };
        let created = |path: &str, owner, parent_cversion| TxnOp::Create {
            path: path.into(),
            data: "d".into(),
            ephemeral_owner: owner,
            parent_cversion,
        };
        let dead = RequestOp::Create {
            path: "/x".into(),
            data: "d".into(),
            mode: Ephemeral,
            session: DEAD,
        };
        let rows: Vec<(RequestOp, TxnOp, &str)> = vec![
            (
                create("/x", Persistent),
                created("/x", 0, 4),
                "a new top-level znode: root cversion 3 -> 4",
            ),
            (
                create("/x", Ephemeral),
                created("/x", S, 4),
                "an ephemeral is owned by its session",
            ),
            (
                create("/a/b", Persistent),
                err(Code::NoNode),
                "missing parent",
            ),
            (
                create("/p", Persistent),
                err(Code::NodeExists),
                "already there",
            ),
            (
                create("/e/child", Persistent),
                err(Code::NoChildrenForEphemerals),
                "under an ephemeral",
            ),
            (
                create("/lock/n-", Sequential),
                created("/lock/n-0000000003", 0, 4),
                "after three creates and three deletes: n-3",
            ),
            (
                create("/lock/", EphemeralSequential),
                created("/lock/0000000003", S, 4),
                "a sequential name may end in /",
            ),
            (
                create("bad", Persistent),
                err(Code::BadArguments),
                "not an absolute path",
            ),
            (
                create("/", Persistent),
                err(Code::NodeExists),
                "the root exists",
            ),
            (dead, err(Code::SessionExpired), "a closed session"),
            (
                RequestOp::Delete {
                    path: "/p/c".into(),
                    version: -1,
                    session: DEAD,
                },
                err(Code::SessionExpired),
                "a delete in a closed session (checkSession comes first)",
            ),
            (
                RequestOp::SetData {
                    path: "/nope".into(),
                    data: "v".into(),
                    version: -1,
                    session: DEAD,
                },
                err(Code::SessionExpired),
                "a setData in a closed session, even of a missing znode",
            ),
            (
                delete("/p/c", -1),
                TxnOp::Delete {
                    path: "/p/c".into(),
                },
                "any version",
            ),
            (
                delete("/p/c", 0),
                TxnOp::Delete {
                    path: "/p/c".into(),
                },
                "the right version",
            ),
            (
                delete("/p/c", 5),
                err(Code::BadVersion),
                "the wrong version",
            ),
            (
                delete("/p", -1),
                err(Code::NotEmpty),
                "a znode with children",
            ),
            (delete("/nope", -1), err(Code::NoNode), "no such znode"),
            (delete("/nope/x", -1), err(Code::NoNode), "no such parent"),
            (
                delete("/zookeeper", -1),
                err(Code::BadArguments),
                "ZooKeeper's own znode",
            ),
            (
                set("/p", 1),
                TxnOp::SetData {
                    path: "/p".into(),
                    data: "new".into(),
                    version: 2,
                },
                "version 1 -> 2",
            ),
            (
                set("/p", -1),
                TxnOp::SetData {
                    path: "/p".into(),
                    data: "new".into(),
                    version: 2,
                },
                "any version",
            ),
            (set("/p", 0), err(Code::BadVersion), "a stale version"),
            (
                set("/nope", -1),
                err(Code::NoNode),
                "setData needs the znode",
            ),
            (
                write("/p"),
                TxnOp::SetData {
                    path: "/p".into(),
                    data: "w".into(),
                    version: 2,
                },
                "write to an existing znode: setData(-1)",
            ),
            (
                write("/w"),
                TxnOp::Create {
                    path: "/w".into(),
                    data: "w".into(),
                    ephemeral_owner: 0,
                    parent_cversion: 4,
                },
                "write to a new znode: create",
            ),
            (
                write("/a/b"),
                err(Code::NoNode),
                "write under a missing parent: NONODE, as ZooKeeper's create",
            ),
        ];
        for (request, want, why) in rows {
            let got = prep(&mut LeaderView::new(&tree, &[]), Zxid(100), &request);
            assert_eq!(got, want, "{why}");
        }
    }

    #[test]
    fn outstanding_proposals_count() {
        let tree = tree();
        let pending = |op: TxnOp, z: u64| {
            Rc::new(Txn {
                zxid: Zxid(z),
                request: z,
                op,
            })
        };
        let first = prep(
            &mut LeaderView::new(&tree, &[]),
            Zxid(50),
            &create("/q", Persistent),
        );
        let outstanding = [pending(first, 50)];
        let mut view = LeaderView::new(&tree, &outstanding);
        assert_eq!(
            prep(&mut view, Zxid(51), &create("/q", Persistent)),
            TxnOp::Error {
                code: Code::NodeExists
            },
            "a create still in flight counts"
        );
        let seq = prep(&mut view, Zxid(52), &create("/n-", Sequential));
        assert!(
            matches!(seq, TxnOp::Create { ref path, .. } if path == "/n-0000000004"),
            "{seq}"
        );
        // A closeSession in flight takes the session's ephemerals with it.
        let close = pending(TxnOp::CloseSession { session: S }, 53);
        let mut view = LeaderView::new(&tree, &[close]);
        let outside_the_session = RequestOp::Create {
            path: "/e".into(),
            data: "d".into(),
            mode: Persistent,
            session: 0,
        };
        let recreated = prep(&mut view, Zxid(54), &outside_the_session);
        assert!(matches!(recreated, TxnOp::Create { .. }), "{recreated}");
        assert_eq!(
            prep(&mut view, Zxid(55), &create("/f", Ephemeral)),
            TxnOp::Error {
                code: Code::SessionExpired
            }
        );
    }

    #[test]
    fn a_failed_multi_is_all_or_none() {
        let tree = tree();
        let mut view = LeaderView::new(&tree, &[]);
        let ops = vec![
            create("/m1", Persistent),
            create("/p", Persistent),
            create("/m2", Persistent),
        ];
        let got = prep(&mut view, Zxid(60), &RequestOp::Multi(ops));
        let TxnOp::Multi(txns) = &got else {
            panic!("{got}")
        };
        assert!(
            matches!(txns[0], TxnOp::Create { .. }),
            "logged as prepared"
        );
        assert_eq!(
            txns[1],
            TxnOp::Error {
                code: Code::NodeExists
            }
        );
        assert_eq!(
            txns[2],
            TxnOp::Error {
                code: Code::RuntimeInconsistency
            }
        );
        assert!(view.stat("/m1").is_none(), "rolled back");
        let ok = vec![
            create("/m1", Persistent),
            create("/m1/c", Persistent),
            delete("/m1/c", -1),
        ];
        let got = prep(&mut view, Zxid(61), &RequestOp::Multi(ok));
        assert!(!got.is_failed_multi(), "{got}");
        assert!(view.stat("/m1").is_some() && view.stat("/m1/c").is_none());
    }
}
