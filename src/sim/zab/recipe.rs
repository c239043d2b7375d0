//! ZooKeeper recipes as client programs: the lock of ZooKeeper's "Recipes and Solutions"
//! page (Curator's InterProcessMutex), leader election among client processes built the
//! same way (Curator's LeaderLatch), and a configuration watch (read, watch, re-read on
//! every NodeDataChanged).
//!
//! A linear script cannot run a recipe: a recipe reacts to watch events and results. So a
//! `Program` is one more small sans-IO state machine beside its client's `ClientCnxn`: the
//! engine hands it every `ClientEvent` of its client and submits the `ClientOp`s it returns
//! through the same client (FIFO, one request on the wire at a time). It never reads a
//! clock or a random source; it is hashed into the state with its client.
//!
//! The lock (and election) program:
//! 1. create the parent PATH (persistent), tolerating NODEEXISTS;
//! 2. create `PATH/_c_<guid>-lock-` EPHEMERAL_SEQUENTIAL (`latch-` for an election);
//! 3. getChildren(PATH), sorted by sequence number: the lowest holds the lock (leads);
//! 4. otherwise exists(predecessor, watch): when the predecessor is deleted — or is already
//!    gone (NONODE at once) — go back to 3. Only the node just before one's own is watched,
//!    so a release wakes one waiter, not the herd.
//!
//! **Connection loss.** A create whose answer was lost (CONNECTIONLOSS) may have committed:
//! retrying blindly would leave an orphan node ahead of everyone, which never goes away
//! while the session lives. Curator's protected mode puts a GUID in the name (`_c_<guid>-`)
//! and, after a loss, lists the children to find its node by that GUID; this program does
//! the same, with a deterministic GUID (the client's name and actor id). Any other request lost to
//! CONNECTIONLOSS just re-checks (getChildren again), as Curator's lock loop does when its
//! watcher hears Disconnected. The holder keeps its belief across a connection loss — its
//! node lives as long as its session — and drops it only when told SESSIONEXPIRED.
//!
//! **The lesson.** A holder that stops (a GC pause) longer than its session timeout still
//! believes it holds the lock when it wakes, until it reconnects and is told its session
//! expired; meanwhile the next waiter got the lock. Only a fencing token — here its lock
//! node's czxid, which only grows from one holder to the next — lets the protected resource
//! refuse the stale holder's writes (`Resource` in the engine).

use super::client::{ClientEvent, ClientOp, OpResult, OpValue, WatchKind};
use super::message::CreateMode;
use crate::sim::data::Code;
use crate::sim::node::ClientId;
use crate::sim::types::Zxid;

/// Which recipe a client runs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum RecipeKind {
    Lock,
    Election,
    Config,
}

impl RecipeKind {
    pub const ALL: [RecipeKind; 3] = [RecipeKind::Lock, RecipeKind::Election, RecipeKind::Config];

    /// The scenario word (`client C run lock /lock`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecipeKind::Lock => "lock",
            RecipeKind::Election => "election",
            RecipeKind::Config => "config",
        }
    }

    pub fn parse(word: &str) -> Option<RecipeKind> {
        RecipeKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// The name a contender's node carries after its GUID (InterProcessMutex's `lock-`,
    /// LeaderLatch's `latch-`).
    fn node_name(self) -> &'static str {
        match self {
            RecipeKind::Election => "latch-",
            _ => "lock-",
        }
    }
}

/// What a client's program believes now: what the page shows (`data-holder`) and what
/// invariant 18 checks.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum Belief {
    /// "I hold the lock at this path" (its node is the lowest).
    Holds(String),
    /// "I lead" (its node is the lowest of the election's).
    Leads(String),
    /// The configuration value it last read at `path` (`None`: there is no such znode).
    Config { path: String, value: Option<String> },
}

impl Belief {
    pub fn path(&self) -> &str {
        match self {
            Belief::Holds(p) | Belief::Leads(p) => p,
            Belief::Config { path, .. } => path,
        }
    }

    /// A belief only one client may have at a time (a lock held, an election led).
    pub fn is_exclusive(&self) -> bool {
        matches!(self, Belief::Holds(_) | Belief::Leads(_))
    }
}

impl std::fmt::Display for Belief {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Belief::Holds(p) => write!(f, "holds {p}"),
            Belief::Leads(p) => write!(f, "leads {p}"),
            Belief::Config { path, value: None } => write!(f, "config {path} absent"),
            Belief::Config {
                path,
                value: Some(v),
            } => write!(f, "config {path} = {v:?}"),
        }
    }
}

/// Why a contender looks at the children again.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Recheck {
    /// Its predecessor's node was deleted (the watch fired).
    PredecessorDeleted,
    /// Its predecessor was already gone when it asked (exists said NONODE).
    PredecessorGone,
    /// The connection dropped: its view may be out of date (Curator re-checks on
    /// Disconnected).
    ConnectionLoss,
}

/// One step of a program, as a typed fact for the feed (narrate.rs words it).
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum RecipeStep {
    Started,
    /// Its contender node was created.
    Created {
        node: String,
    },
    /// After a lost create, the node was found by its GUID (the create had committed).
    Found {
        node: String,
    },
    /// After a lost create, no node carries its GUID: the create did not commit.
    NotFound,
    /// Its node is the lowest: it holds the lock (leads).
    Acquired {
        node: String,
    },
    /// It waits for the node just before its own.
    Watching {
        node: String,
        predecessor: String,
    },
    Rechecking(Recheck),
    /// It let go (released the lock, resigned, stopped watching).
    Released,
    /// Told SESSIONEXPIRED: what it believed is gone.
    Lost,
    /// Its session closed (`client C close`): its node went with it.
    SessionClosed,
    /// A configuration read: the value now (`None`: no such znode).
    ConfigValue(Option<String>),
    /// A request failed in a way the recipe cannot recover from.
    Failed(Code),
    /// It wrote to the resource its lock protects with its token; `accepted`: the resource
    /// took it (the token was at least `highest_before`, the highest it had accepted).
    Wrote {
        token: Zxid,
        highest_before: Zxid,
        accepted: bool,
    },
    /// Asked to use the resource, it believes it does not hold the lock: it leaves it alone.
    NotHolding,
    /// Asked to use the resource while its process is stopped: nothing happens.
    Paused,
}

/// What a program asks of the engine.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum RecipeOutput {
    /// A request, through its client.
    Op(ClientOp),
    /// A fact for the feed.
    Step(RecipeStep),
    /// It just took the lock: it writes to the protected resource with its token.
    Use { token: Zxid },
}

/// Where a lock or election contender is.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
enum Stage {
    Parent,
    Create,
    /// After a lost create: a sync, so the server it asks next has applied whatever the
    /// leader committed before, then a getChildren to look for its node by GUID.
    Sync,
    Find,
    /// Asking for its found node's czxid (its fencing token).
    Stat,
    List,
    Watch {
        predecessor: String,
    },
    Hold,
    /// Deleting its node.
    Release,
    /// The configuration watch: reading (getData) or waiting for the znode (exists).
    Read,
    AwaitNode,
    Done,
}

/// A recipe program.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub struct Program {
    pub kind: RecipeKind,
    pub path: String,
    /// Its client's name: the data of its node (who is waiting, for a person reading a tree).
    name: String,
    /// Curator's protected-mode GUID (a UUID there): its name and client id here, unique per
    /// client actor (a name connected again is a new actor, whose predecessor's session
    /// and nodes may still be alive) and readable on the page.
    guid: String,
    stage: Stage,
    /// Its contender node, once known, and that node's czxid (the fencing token).
    node: Option<String>,
    token: Zxid,
    /// The request whose answer it waits for (at most one: it issues the next from there).
    pending: Option<ClientOp>,
    belief: Option<Belief>,
    /// `release` was asked while a request was out: let go when it is answered.
    releasing: bool,
    /// The broken variant lock-no-recheck: take the lock when the predecessor goes, without
    /// listing the children again.
    no_recheck: bool,
    /// The last values a configuration watch has read, in order.
    pub seen: Vec<Option<String>>,
    out: Vec<RecipeOutput>,
}

impl Program {
    pub fn new(
        kind: RecipeKind,
        path: &str,
        name: &str,
        client: ClientId,
        no_recheck: bool,
    ) -> Program {
        Program {
            kind,
            path: path.to_string(),
            name: name.to_string(),
            guid: format!("{name}.{client}"),
            stage: Stage::Done,
            node: None,
            token: Zxid::ZERO,
            pending: None,
            belief: None,
            releasing: false,
            no_recheck,
            seen: Vec::new(),
            out: Vec::new(),
        }
    }

    pub fn belief(&self) -> Option<&Belief> {
        self.belief.as_ref()
    }

    /// Its contender node, if it has one.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// Its fencing token: its node's czxid (zero before it has one).
    pub fn token(&self) -> Zxid {
        self.token
    }

    /// Still running (not released, not lost).
    pub fn is_running(&self) -> bool {
        self.stage != Stage::Done
    }

    pub fn take_outputs(&mut self) -> Vec<RecipeOutput> {
        std::mem::take(&mut self.out)
    }

    /// Begins: the lock and election create their parent first; the watch reads.
    pub fn start(&mut self) {
        self.step(RecipeStep::Started);
        match self.kind {
            RecipeKind::Config => self.read(),
            _ if self.path == "/" => self.create_node(),
            _ => {
                self.stage = Stage::Parent;
                let op = ClientOp::Create {
                    path: self.path.clone(),
                    data: String::new(),
                    mode: CreateMode::Persistent,
                };
                self.send(op);
            }
        }
    }

    /// `client C release`: delete its node (or stop watching). Without a request out it
    /// lets go at once; else when the answer comes.
    pub fn release(&mut self) {
        if !self.is_running() {
            return;
        }
        self.belief = None;
        self.releasing = true;
        if self.pending.is_none() {
            self.let_go();
        }
    }

    /// One event of its client.
    pub fn on_event(&mut self, e: &ClientEvent) {
        if !self.is_running() {
            return;
        }
        match e {
            ClientEvent::Expired { .. } => self.lost(RecipeStep::Lost),
            ClientEvent::Result {
                op: ClientOp::CloseSession,
                ..
            } => self.lost(RecipeStep::SessionClosed),
            ClientEvent::Result {
                op, zxid, result, ..
            } if self.pending.as_ref() == Some(op) => {
                self.pending = None;
                self.on_result(*zxid, result);
            }
            ClientEvent::Watch { path, kind, .. } => self.on_watch(path, *kind),
            ClientEvent::ConnectionLost { .. } if self.pending.is_none() => {
                self.on_connection_loss()
            }
            _ => {}
        }
    }

    fn on_result(&mut self, zxid: Zxid, result: &OpResult) {
        if result == &Err(Code::SessionExpired) {
            return self.lost(RecipeStep::Lost);
        }
        if self.releasing {
            return self.on_result_releasing(result);
        }
        match self.stage.clone() {
            Stage::Parent => self.on_parent(result),
            Stage::Create => self.on_created(zxid, result),
            Stage::Sync => self.on_synced(result),
            Stage::Find => self.on_found(result),
            Stage::Stat => self.on_stat(result),
            Stage::List => self.on_children(result),
            Stage::Watch { .. } => self.on_predecessor(result),
            Stage::Release => self.on_deleted(result),
            Stage::Read | Stage::AwaitNode => self.on_config(result),
            Stage::Hold | Stage::Done => {}
        }
    }

    fn on_parent(&mut self, result: &OpResult) {
        match result {
            Ok(_) | Err(Code::NodeExists) => self.create_node(),
            Err(Code::ConnectionLoss) => self.start_over_parent(),
            Err(code) => self.fail(*code),
        }
    }

    fn start_over_parent(&mut self) {
        let op = ClientOp::Create {
            path: self.path.clone(),
            data: String::new(),
            mode: CreateMode::Persistent,
        };
        self.send(op);
    }

    fn create_node(&mut self) {
        self.stage = Stage::Create;
        let op = ClientOp::Create {
            path: format!("{}/{}", self.dir(), self.prefix()),
            data: self.name.clone(),
            mode: CreateMode::EphemeralSequential,
        };
        self.send(op);
    }

    /// The create reply's zxid is the create txn's: the node's czxid, its fencing token.
    fn on_created(&mut self, zxid: Zxid, result: &OpResult) {
        match result {
            Ok(OpValue::Created(node)) => {
                self.node = Some(node.clone());
                self.token = zxid;
                self.step(RecipeStep::Created { node: node.clone() });
                self.list();
            }
            // It may have committed: look for the GUID before creating again.
            Err(Code::ConnectionLoss) => self.find(),
            // The parent went away meanwhile: make it again.
            Err(Code::NoNode) => self.start(),
            Err(code) => self.fail(*code),
            Ok(_) => {}
        }
    }

    /// The lost create's fate is known to the leader, not necessarily to the server the
    /// client reconnected to (it only has to be as recent as the last zxid the client saw,
    /// and the client never saw the create's): sync first, as a read after `sync` sees what
    /// was committed before it. (A create still on its way to the leader through the old
    /// server can commit after the sync: then the node is not found, a second one is made,
    /// and the first stays an orphan until the session ends — Curator's window too.)
    fn find(&mut self) {
        self.stage = Stage::Sync;
        self.send(ClientOp::Sync {
            path: self.path.clone(),
        });
    }

    fn on_synced(&mut self, result: &OpResult) {
        match result {
            Ok(_) => {
                self.stage = Stage::Find;
                self.send(ClientOp::GetChildren {
                    path: self.path.clone(),
                    watch: false,
                });
            }
            Err(Code::ConnectionLoss) => self.find(),
            Err(code) => self.fail(*code),
        }
    }

    fn on_found(&mut self, result: &OpResult) {
        match result {
            Ok(OpValue::Children(children)) => {
                let prefix = self.prefix();
                match children.iter().find(|c| c.starts_with(&prefix)) {
                    Some(child) => {
                        let node = format!("{}/{child}", self.dir());
                        self.step(RecipeStep::Found { node: node.clone() });
                        self.node = Some(node.clone());
                        self.stage = Stage::Stat;
                        self.send(ClientOp::Exists {
                            path: node,
                            watch: false,
                        });
                    }
                    None => {
                        self.step(RecipeStep::NotFound);
                        self.create_node();
                    }
                }
            }
            Err(Code::ConnectionLoss) => self.find(),
            Err(Code::NoNode) => self.start(),
            Err(code) => self.fail(*code),
            Ok(_) => {}
        }
    }

    fn on_stat(&mut self, result: &OpResult) {
        match result {
            Ok(OpValue::Exists(Some(stat))) => {
                self.token = stat.czxid;
                self.list();
            }
            // Gone already (it cannot be while the session lives): start again.
            Ok(_) => self.create_node(),
            Err(Code::ConnectionLoss) => self.find(),
            Err(code) => self.fail(*code),
        }
    }

    fn list(&mut self) {
        self.stage = Stage::List;
        self.send(ClientOp::GetChildren {
            path: self.path.clone(),
            watch: false,
        });
    }

    fn on_children(&mut self, result: &OpResult) {
        match result {
            Ok(OpValue::Children(children)) => self.decide(children),
            Err(Code::ConnectionLoss) => self.list(),
            Err(code) => self.fail(*code),
            Ok(_) => {}
        }
    }

    /// The lowest contender (by sequence number, as Curator sorts them) holds; the others
    /// watch the one just before their own.
    fn decide(&mut self, children: &[String]) {
        let node = self.node.clone().expect("listed after its node is known");
        let mine = node.rsplit('/').next().unwrap_or("").to_string();
        let mut contenders: Vec<&String> = (children.iter())
            .filter(|c| c.starts_with("_c_") && c.contains(self.kind.node_name()))
            .collect();
        contenders.sort_by_key(|c| sequence(c));
        match contenders.iter().position(|c| **c == mine) {
            Some(0) => self.acquire(),
            Some(i) => {
                let predecessor = format!("{}/{}", self.dir(), contenders[i - 1]);
                self.watch(predecessor);
            }
            // Its node is gone (it cannot be while the session lives): contend again.
            None => self.create_node(),
        }
    }

    fn watch(&mut self, predecessor: String) {
        let node = self.node.clone().unwrap_or_default();
        self.step(RecipeStep::Watching {
            node,
            predecessor: predecessor.clone(),
        });
        self.stage = Stage::Watch {
            predecessor: predecessor.clone(),
        };
        self.send(ClientOp::Exists {
            path: predecessor,
            watch: true,
        });
    }

    fn on_predecessor(&mut self, result: &OpResult) {
        match result {
            // It is there: wait for its deletion.
            Ok(OpValue::Exists(Some(_))) => {}
            Ok(_) => self.predecessor_gone(Recheck::PredecessorGone),
            Err(Code::ConnectionLoss) => self.recheck(Recheck::ConnectionLoss),
            Err(code) => self.fail(*code),
        }
    }

    fn on_watch(&mut self, path: &str, kind: WatchKind) {
        match &self.stage {
            Stage::Watch { predecessor } if predecessor == path && self.pending.is_none() => {
                if kind == WatchKind::Deleted {
                    self.predecessor_gone(Recheck::PredecessorDeleted);
                } else {
                    self.recheck(Recheck::PredecessorDeleted);
                }
            }
            Stage::Read | Stage::AwaitNode if path == self.path && self.pending.is_none() => {
                self.read()
            }
            _ => {}
        }
    }

    /// The predecessor left. The recipe lists the children again: the predecessor may have
    /// been a waiter that gave up, not the holder. The broken variant takes the lock at once.
    fn predecessor_gone(&mut self, why: Recheck) {
        if self.no_recheck {
            return self.acquire();
        }
        self.recheck(why);
    }

    fn recheck(&mut self, why: Recheck) {
        self.step(RecipeStep::Rechecking(why));
        self.list();
    }

    fn on_connection_loss(&mut self) {
        if let Stage::Watch { .. } = self.stage {
            self.recheck(Recheck::ConnectionLoss);
        }
    }

    fn acquire(&mut self) {
        let node = self.node.clone().unwrap_or_default();
        self.stage = Stage::Hold;
        self.belief = Some(match self.kind {
            RecipeKind::Election => Belief::Leads(self.path.clone()),
            _ => Belief::Holds(self.path.clone()),
        });
        self.step(RecipeStep::Acquired { node });
        if self.kind == RecipeKind::Lock {
            self.out.push(RecipeOutput::Use { token: self.token });
        }
    }

    /// Release asked: delete its node if it has one (if a create's answer was lost, find it
    /// first).
    fn let_go(&mut self) {
        self.step(RecipeStep::Released);
        match (self.kind, self.node.clone()) {
            (RecipeKind::Config, _) | (_, None) => self.stage = Stage::Done,
            (_, Some(node)) => {
                self.stage = Stage::Release;
                self.send(ClientOp::Delete {
                    path: node,
                    version: -1,
                });
            }
        }
    }

    /// An answer came while a release waits for it.
    fn on_result_releasing(&mut self, result: &OpResult) {
        match (&self.stage, result) {
            (Stage::Release, _) => self.on_deleted(result),
            (Stage::Create, Ok(OpValue::Created(node))) => {
                self.node = Some(node.clone());
                self.let_go();
            }
            (Stage::Create | Stage::Sync | Stage::Find, Err(Code::ConnectionLoss)) => self.find(),
            (Stage::Sync, Ok(_)) => self.on_synced(result),
            (Stage::Find, Ok(OpValue::Children(children))) => {
                let prefix = self.prefix();
                if let Some(child) = children.iter().find(|c| c.starts_with(&prefix)) {
                    self.node = Some(format!("{}/{child}", self.dir()));
                }
                self.let_go();
            }
            _ => self.let_go(),
        }
    }

    /// Curator's guaranteed delete: retried after a connection loss; NONODE means done.
    fn on_deleted(&mut self, result: &OpResult) {
        match result {
            Err(Code::ConnectionLoss) => {
                let node = self.node.clone().unwrap_or_default();
                self.send(ClientOp::Delete {
                    path: node,
                    version: -1,
                });
            }
            _ => {
                self.node = None;
                self.stage = Stage::Done;
            }
        }
    }

    // ---- the configuration watch ----

    fn read(&mut self) {
        self.stage = Stage::Read;
        self.send(ClientOp::GetData {
            path: self.path.clone(),
            watch: true,
        });
    }

    fn on_config(&mut self, result: &OpResult) {
        match (&self.stage, result) {
            (_, Ok(OpValue::Data { data, .. })) => self.config_value(Some(data.clone())),
            // No such znode: watch for its creation.
            (Stage::Read, Err(Code::NoNode)) => {
                self.stage = Stage::AwaitNode;
                self.send(ClientOp::Exists {
                    path: self.path.clone(),
                    watch: true,
                });
            }
            (Stage::AwaitNode, Ok(OpValue::Exists(None))) => self.config_value(None),
            // It appeared between the two requests.
            (Stage::AwaitNode, Ok(OpValue::Exists(Some(_)))) => self.read(),
            (_, Err(Code::ConnectionLoss)) => self.read(),
            (_, Err(code)) => self.fail(*code),
            _ => {}
        }
    }

    fn config_value(&mut self, value: Option<String>) {
        // The last few are enough for a person (and keep the hashed state small).
        if self.seen.len() == SEEN_KEPT {
            self.seen.remove(0);
        }
        self.seen.push(value.clone());
        self.belief = Some(Belief::Config {
            path: self.path.clone(),
            value: value.clone(),
        });
        self.step(RecipeStep::ConfigValue(value));
    }

    // ---- common ----

    /// The session is over (`why`: expired or closed): so is every belief and the node.
    fn lost(&mut self, why: RecipeStep) {
        let held = self.belief.is_some();
        self.belief = None;
        self.stage = Stage::Done;
        self.pending = None;
        if held || self.node.is_some() {
            self.step(why);
        }
        self.node = None;
    }

    fn fail(&mut self, code: Code) {
        self.belief = None;
        self.stage = Stage::Done;
        self.step(RecipeStep::Failed(code));
    }

    /// The path its contender nodes go under ("" for the root).
    fn dir(&self) -> &str {
        self.path.trim_end_matches('/')
    }

    /// Protected mode's prefix: `_c_<guid>-lock-`.
    fn prefix(&self) -> String {
        format!("_c_{}-{}", self.guid, self.kind.node_name())
    }

    fn send(&mut self, op: ClientOp) {
        self.pending = Some(op.clone());
        self.out.push(RecipeOutput::Op(op));
    }

    fn step(&mut self, s: RecipeStep) {
        self.out.push(RecipeOutput::Step(s));
    }
}

const SEEN_KEPT: usize = 16;

/// A contender node's sequence number: its 10-digit suffix (Curator sorts by it, not by the
/// whole name, whose GUID prefix is random).
fn sequence(name: &str) -> u64 {
    let digits = name.len().saturating_sub(10);
    name[digits..].parse().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::tree::Stat;

    fn ops(p: &mut Program) -> Vec<ClientOp> {
        (p.take_outputs().into_iter())
            .filter_map(|o| match o {
                RecipeOutput::Op(op) => Some(op),
                _ => None,
            })
            .collect()
    }

    fn answer(p: &mut Program, op: ClientOp, zxid: u64, result: OpResult) {
        p.on_event(&ClientEvent::Result {
            op,
            server: 1,
            zxid: Zxid(zxid),
            result,
        });
    }

    /// Runs a lock program to the point where its node `/lock/<name>` exists.
    fn contender(node: &str) -> Program {
        let mut p = Program::new(RecipeKind::Lock, "/lock", "c2", 2, false);
        p.start();
        let parent = ops(&mut p).remove(0);
        answer(&mut p, parent, 3, Err(Code::NodeExists));
        let create = ops(&mut p).remove(0);
        answer(
            &mut p,
            create,
            7,
            Ok(OpValue::Created(format!("/lock/{node}"))),
        );
        p
    }

    #[test]
    fn the_lowest_holds_and_the_others_watch_their_predecessor() {
        let mut p = contender("_c_c2.2-lock-0000000002");
        let list = ops(&mut p).remove(0);
        assert!(matches!(list, ClientOp::GetChildren { .. }));
        let children = vec![
            "_c_9.1-lock-0000000001".to_string(),
            "_c_c2.2-lock-0000000002".to_string(),
            "_c_1.1-lock-0000000000".to_string(),
        ];
        answer(&mut p, list, 8, Ok(OpValue::Children(children)));
        let watch = ops(&mut p).remove(0);
        assert_eq!(
            watch,
            ClientOp::Exists {
                path: "/lock/_c_9.1-lock-0000000001".into(),
                watch: true
            }
        );
        assert_eq!(p.belief(), None);
        answer(&mut p, watch, 8, Ok(OpValue::Exists(None)));
        // Gone already: list again, and now it is the lowest.
        let list = ops(&mut p).remove(0);
        let children = vec!["_c_c2.2-lock-0000000002".to_string()];
        answer(&mut p, list, 9, Ok(OpValue::Children(children)));
        assert_eq!(p.belief(), Some(&Belief::Holds("/lock".into())));
        assert_eq!(p.token(), Zxid(7), "the create's zxid is the node's czxid");
    }

    #[test]
    fn a_lost_create_is_found_by_its_guid_not_made_twice() {
        let mut p = Program::new(RecipeKind::Lock, "/lock", "c2", 2, false);
        p.start();
        let parent = ops(&mut p).remove(0);
        answer(&mut p, parent, 3, Ok(OpValue::Created("/lock".into())));
        let create = ops(&mut p).remove(0);
        answer(&mut p, create, 0, Err(Code::ConnectionLoss));
        let sync = ops(&mut p).remove(0);
        assert!(matches!(sync, ClientOp::Sync { .. }), "{sync:?}");
        answer(&mut p, sync, 9, Ok(OpValue::Done));
        let find = ops(&mut p).remove(0);
        assert!(matches!(find, ClientOp::GetChildren { .. }));
        let children = vec!["_c_c2.2-lock-0000000004".to_string()];
        answer(&mut p, find, 9, Ok(OpValue::Children(children)));
        assert_eq!(p.node(), Some("/lock/_c_c2.2-lock-0000000004"));
        let stat = ops(&mut p).remove(0);
        let s = Stat {
            czxid: Zxid(5),
            ..Stat::default()
        };
        answer(&mut p, stat, 9, Ok(OpValue::Exists(Some(s))));
        assert_eq!(p.token(), Zxid(5));
        assert!(matches!(ops(&mut p)[0], ClientOp::GetChildren { .. }));
    }

    #[test]
    fn session_expiry_drops_the_belief() {
        let mut p = contender("_c_c2.2-lock-0000000000");
        let list = ops(&mut p).remove(0);
        let children = vec!["_c_c2.2-lock-0000000000".to_string()];
        answer(&mut p, list, 8, Ok(OpValue::Children(children)));
        assert!(p.belief().is_some());
        p.on_event(&ClientEvent::ConnectionLost {
            server: 1,
            why: super::super::client::LossReason::ReadTimeout,
        });
        assert!(
            p.belief().is_some(),
            "a connection loss is not the end of a session"
        );
        p.on_event(&ClientEvent::Expired { server: 2 });
        assert_eq!(p.belief(), None);
        assert!(!p.is_running());
    }

    #[test]
    fn sequence_numbers_sort_past_the_guid() {
        assert_eq!(sequence("_c_9.1-lock-0000000012"), 12);
        assert!(sequence("_c_1.1-lock-0000000003") < sequence("_c_0.1-lock-0000000010"));
    }
}
