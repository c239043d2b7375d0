//! A server's client port: ZooKeeperServer.processConnectRequest (with the session
//! negotiation and the "has seen zxid" refusal), the ServerCnxn table, the learner's touch
//! table and revalidation (LearnerSessionTracker, Learner.validateSession), and the replies
//! FinalRequestProcessor sends once a request's txn is applied here. Reads are answered at
//! once from this server's own tree, so they may be stale; `sync` asks the leader first.

use super::client::{
    negotiate_timeout, ClientConn, ClientMsg, ClientOp, OpResult, OpValue, WatchKind, WatchSet,
};
use super::config::Variant;
use super::leader::LeaderPhase;
use super::learner::LearnerStage;
use super::message::{Packet, Request, RequestOp};
use super::server::{Core, Observation, Output, Role, Server};
use crate::sim::data::{Code, RequestId, SessionId, Txn, TxnOp};
use crate::sim::tree::{split_path, DataTree};
use crate::sim::types::Zxid;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// One client connection as the server holds it (a ServerCnxn).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Cnxn {
    /// 0 until the session is established on it.
    pub session: SessionId,
    pub timeout_ms: u64,
}

/// What a request waiting for its commit (or its sync) came from.
#[derive(Clone, Debug, Hash)]
enum Waiting {
    /// A new session's createSession: the ConnectResponse goes out when it is applied.
    Open { conn: ClientConn },
    Op {
        conn: ClientConn,
        xid: u32,
        op: ClientOp,
    },
}

#[derive(Clone, Debug, Hash, Default)]
pub struct ClientPort {
    pub cnxns: BTreeMap<ClientConn, Cnxn>,
    pending: BTreeMap<RequestId, Waiting>,
    /// Resumed sessions waiting for the leader's word: session -> the connection.
    revalidating: BTreeMap<SessionId, (ClientConn, u64)>,
    /// Sessions touched since the last PING reply, with their timeouts (touchTable).
    pub touched: BTreeMap<SessionId, u64>,
    /// Sessions opened by the scenario's `session open`: their implicit client keeps pinging
    /// this server, so it reports them touched in every PING reply.
    pub implicit: BTreeMap<SessionId, u64>,
    /// The watches its clients left here (WatchManager): path -> connections, data watches
    /// (getData, exists) and child watches (getChildren).
    data_watches: BTreeMap<String, BTreeSet<ClientConn>>,
    child_watches: BTreeMap<String, BTreeSet<ClientConn>>,
    minted_sessions: u64,
    minted_requests: u64,
}

impl Server {
    /// A client's packet on one of its connections.
    pub(super) fn on_client_msg(&mut self, conn: ClientConn, msg: ClientMsg) {
        match msg {
            ClientMsg::Connect {
                last_zxid,
                timeout_ms,
                session,
            } => self.on_connect(conn, last_zxid, timeout_ms, session),
            ClientMsg::Request { xid, op } => self.on_request_packet(conn, xid, op),
            ClientMsg::SetWatches { last_zxid, watches } if self.ready_cnxn(conn).is_some() => {
                self.core.set_watches(conn, last_zxid, &watches)
            }
            ClientMsg::Ping => {
                if let Some(c) = self.ready_cnxn(conn) {
                    self.touch(c.session, c.timeout_ms);
                    let zxid = self.last_processed();
                    self.send_to_client(conn, ClientMsg::PingReply { zxid });
                }
            }
            _ => {} // server-bound traffic only
        }
    }

    pub(super) fn on_client_closed(&mut self, conn: ClientConn) {
        self.core.clients.cnxns.remove(&conn);
        self.core.clients.drop_watches(conn);
    }

    /// The server runs its ZooKeeperServer (its client port answers) only while it serves.
    pub fn serves_clients(&self) -> bool {
        match &self.role {
            Role::Leading(l) => l.phase == LeaderPhase::Broadcast,
            Role::Learning(l) => l.stage == LearnerStage::Broadcast,
            Role::Looking(_) => false,
        }
    }

    fn ready_cnxn(&self, conn: ClientConn) -> Option<Cnxn> {
        self.core
            .clients
            .cnxns
            .get(&conn)
            .copied()
            .filter(|c| c.session != 0)
    }

    /// processConnectRequest.
    fn on_connect(&mut self, conn: ClientConn, last_zxid: Zxid, requested: u64, session: u64) {
        if !self.serves_clients() {
            // "ZooKeeperServer not running": the connection is closed at once.
            return self.core.out.push(Output::CloseClient(conn));
        }
        let mine = self.last_processed();
        if last_zxid > mine && self.cfg.variant != Variant::AcceptClientAhead {
            self.observe(Observation::ClientRefused {
                client: conn.client,
                seen: last_zxid,
                mine,
            });
            return self.core.out.push(Output::CloseClient(conn));
        }
        self.observe(Observation::ClientAccepted {
            client: conn.client,
            seen: last_zxid,
            mine,
            resumed: session != 0,
        });
        let timeout_ms = negotiate_timeout(requested, self.cfg.tick_ms);
        if session == 0 {
            return self.open_session(conn, timeout_ms);
        }
        self.core.clients.cnxns.insert(
            conn,
            Cnxn {
                session: 0,
                timeout_ms,
            },
        );
        match &mut self.role {
            Role::Leading(l) => {
                let valid = l.tracker.touch(session, self.core.now);
                self.core
                    .finish_revalidate(conn, session, timeout_ms, valid);
            }
            Role::Learning(l) => {
                let (leader, lconn) = (l.leader, l.conn);
                self.core
                    .clients
                    .revalidating
                    .insert(session, (conn, timeout_ms));
                let packet = Packet::Revalidate {
                    session,
                    timeout_ms,
                };
                self.core.send_packet(leader, lconn, packet);
            }
            Role::Looking(_) => unreachable!("serves clients"),
        }
    }

    /// A new session: its id from this server (top byte its sid, then a counter, as
    /// SessionTrackerImpl.initializeNextSessionId), and a createSession through Zab.
    fn open_session(&mut self, conn: ClientConn, timeout_ms: u64) {
        let session = self.core.mint_session();
        self.core.clients.cnxns.insert(
            conn,
            Cnxn {
                session: 0,
                timeout_ms,
            },
        );
        let id = self.core.mint_request();
        self.core.clients.pending.insert(id, Waiting::Open { conn });
        let op = RequestOp::OpenSession {
            session,
            timeout_ms,
        };
        self.submit(id, op);
    }

    fn on_request_packet(&mut self, conn: ClientConn, xid: u32, op: ClientOp) {
        let Some(c) = self.ready_cnxn(conn) else {
            return;
        };
        self.touch(c.session, c.timeout_ms);
        let request = match &op {
            ClientOp::Create { path, data, mode } => RequestOp::Create {
                path: path.clone(),
                data: data.clone(),
                mode: *mode,
                session: c.session,
            },
            ClientOp::SetData {
                path,
                data,
                version,
            } => RequestOp::SetData {
                path: path.clone(),
                data: data.clone(),
                version: *version,
                session: c.session,
            },
            ClientOp::Delete { path, version } => RequestOp::Delete {
                path: path.clone(),
                version: *version,
                session: c.session,
            },
            ClientOp::CloseSession => RequestOp::CloseSession { session: c.session },
            ClientOp::Sync { .. } => return self.sync(conn, xid, op),
            read => {
                let result = read_tree(&self.core, read);
                if read.watches() {
                    self.core.clients.add_watch(conn, read, &result);
                }
                let zxid = self.last_processed();
                return self.send_to_client(conn, ClientMsg::Reply { xid, zxid, result });
            }
        };
        let id = self.core.mint_request();
        self.core
            .clients
            .pending
            .insert(id, Waiting::Op { conn, xid, op });
        self.submit(id, request);
    }

    /// sync: the leader answers once everything it proposed before is committed; its SYNC
    /// follows those COMMITs on the same connection, so the reply sees them applied here.
    fn sync(&mut self, conn: ClientConn, xid: u32, op: ClientOp) {
        let id = self.core.mint_request();
        self.core
            .clients
            .pending
            .insert(id, Waiting::Op { conn, xid, op });
        match &mut self.role {
            Role::Leading(l) => {
                let me = self.core.id;
                l.on_sync(&mut self.core, me, id)
            }
            Role::Learning(l) => {
                let (leader, lconn) = (l.leader, l.conn);
                self.core
                    .send_packet(leader, lconn, Packet::Sync { request: id });
            }
            Role::Looking(_) => {}
        }
    }

    fn submit(&mut self, id: RequestId, op: RequestOp) {
        let origin = self.core.id;
        self.on_client(Request { id, origin, op });
    }

    /// touchSession: the leader touches its tracker, a learner its touch table for the next
    /// PING reply.
    fn touch(&mut self, session: SessionId, timeout_ms: u64) {
        match &mut self.role {
            Role::Leading(l) => {
                l.tracker.touch(session, self.core.now);
            }
            _ => {
                self.core.clients.touched.insert(session, timeout_ms);
            }
        }
    }

    fn send_to_client(&mut self, conn: ClientConn, msg: ClientMsg) {
        self.core.out.push(Output::ToClient { conn, msg });
    }
}

/// getData, getChildren, exists against this server's tree, as it stands.
fn read_tree(core: &Core, op: &ClientOp) -> OpResult {
    let tree = &core.tree;
    match op {
        ClientOp::GetData { path, .. } => tree
            .get(path)
            .map(|n| OpValue::Data {
                data: n.data.clone(),
                stat: n.stat,
            })
            .ok_or(Code::NoNode),
        ClientOp::GetChildren { path, .. } => tree
            .get(path)
            .map(|n| OpValue::Children(n.children.iter().cloned().collect()))
            .ok_or(Code::NoNode),
        ClientOp::Exists { path, .. } => Ok(OpValue::Exists(tree.stat(path))),
        _ => Err(Code::BadArguments),
    }
}

/// What the client is told once its write's txn is applied (FinalRequestProcessor).
fn txn_result(op: &TxnOp) -> OpResult {
    match op {
        TxnOp::Create { path, .. } => Ok(OpValue::Created(path.clone())),
        TxnOp::Error { code } => Err(*code),
        _ => Ok(OpValue::Done),
    }
}

impl Core {
    pub(crate) fn mint_session(&mut self) -> SessionId {
        self.clients.minted_sessions += 1;
        ((self.id as u64) << 56)
            | ((self.disk.incarnation & 0xffff) << 32)
            | self.clients.minted_sessions
    }

    /// Request ids a server gives its clients' requests (the engine's own count from 1).
    pub(crate) fn mint_request(&mut self) -> RequestId {
        self.clients.minted_requests += 1;
        (1 << 63)
            | ((self.id as u64) << 48)
            | ((self.disk.incarnation & 0xffff) << 32)
            | self.clients.minted_requests
    }

    /// The watch events a txn will trigger, read off the tree before it applies (a
    /// closeSession's ephemerals are gone after).
    pub(crate) fn watch_events(&self, op: &TxnOp) -> Vec<(String, WatchKind)> {
        if self.clients.data_watches.is_empty() && self.clients.child_watches.is_empty() {
            return Vec::new();
        }
        let mut events = Vec::new();
        txn_events(&self.tree, op, &mut events);
        events
    }

    /// WatchManager.triggerWatch, in zxid order as each txn applies: one notification per
    /// connection and event, and the watches it fired are gone.
    pub(crate) fn fire_watches(&mut self, events: Vec<(String, WatchKind)>) {
        for (path, kind) in events {
            let mut conns = BTreeSet::new();
            let port = &mut self.clients;
            if kind != WatchKind::Child {
                conns.extend(port.data_watches.remove(&path).unwrap_or_default());
            }
            if matches!(kind, WatchKind::Child | WatchKind::Deleted) {
                conns.extend(port.child_watches.remove(&path).unwrap_or_default());
            }
            for conn in conns.into_iter().filter(|c| port.cnxns.contains_key(c)) {
                let msg = ClientMsg::Notify {
                    path: path.clone(),
                    kind,
                };
                self.out.push(Output::ToClient { conn, msg });
            }
        }
    }

    /// DataTree.setWatches: a watch whose znode changed after `last_zxid` fires at once; the
    /// others are registered again.
    fn set_watches(&mut self, conn: ClientConn, last_zxid: Zxid, w: &WatchSet) {
        let mut fire = Vec::new();
        for path in &w.data {
            match self.tree.stat(path) {
                None => fire.push((path.clone(), WatchKind::Deleted)),
                Some(s) if s.mzxid > last_zxid => fire.push((path.clone(), WatchKind::Changed)),
                Some(_) => self.clients.watch(true, path, conn),
            }
        }
        for path in &w.exist {
            match self.tree.stat(path) {
                Some(_) => fire.push((path.clone(), WatchKind::Created)),
                None => self.clients.watch(true, path, conn),
            }
        }
        for path in &w.child {
            match self.tree.stat(path) {
                None => fire.push((path.clone(), WatchKind::Deleted)),
                Some(s) if s.pzxid > last_zxid => fire.push((path.clone(), WatchKind::Child)),
                Some(_) => self.clients.watch(false, path, conn),
            }
        }
        for (path, kind) in fire {
            self.out.push(Output::ToClient {
                conn,
                msg: ClientMsg::Notify { path, kind },
            });
        }
    }

    /// FinalRequestProcessor, for a txn just applied here: answer the client that asked for
    /// it, and end the connections of a session that closed.
    pub(crate) fn answer_committed(&mut self, txn: &Txn) {
        if let Some(waiting) = self.clients.pending.remove(&txn.request) {
            match waiting {
                Waiting::Open { conn } => self.session_created(conn, &txn.op),
                Waiting::Op { conn, xid, .. } => {
                    let result = txn_result(&txn.op);
                    self.reply(conn, xid, result);
                }
            }
        }
        if let TxnOp::CloseSession { session } = txn.op {
            self.clients.touched.remove(&session);
            self.clients.implicit.remove(&session);
            let ended: Vec<ClientConn> = (self.clients.cnxns.iter())
                .filter(|(_, c)| c.session == session)
                .map(|(conn, _)| *conn)
                .collect();
            for conn in ended {
                self.clients.cnxns.remove(&conn);
                self.clients.drop_watches(conn);
                self.out.push(Output::CloseClient(conn));
            }
        }
    }

    fn session_created(&mut self, conn: ClientConn, op: &TxnOp) {
        let TxnOp::CreateSession {
            session,
            timeout_ms,
        } = *op
        else {
            return;
        };
        if let Some(c) = self.clients.cnxns.get_mut(&conn) {
            c.session = session;
            let msg = ClientMsg::Connected {
                session,
                timeout_ms,
            };
            self.out.push(Output::ToClient { conn, msg });
        }
    }

    /// The leader's answer to a revalidation: resume the session, or say it expired (a
    /// ConnectResponse with timeout 0) and close the connection.
    pub(crate) fn finish_revalidate(
        &mut self,
        conn: ClientConn,
        session: SessionId,
        timeout_ms: u64,
        valid: bool,
    ) {
        if !self.clients.cnxns.contains_key(&conn) {
            return;
        }
        if valid {
            self.clients.cnxns.insert(
                conn,
                Cnxn {
                    session,
                    timeout_ms,
                },
            );
            let msg = ClientMsg::Connected {
                session,
                timeout_ms,
            };
            self.out.push(Output::ToClient { conn, msg });
        } else {
            self.clients.cnxns.remove(&conn);
            let msg = ClientMsg::Connected {
                session,
                timeout_ms: 0,
            };
            self.out.push(Output::ToClient { conn, msg });
            self.out.push(Output::CloseClient(conn));
        }
    }

    /// A learner: the leader's REVALIDATE answer arrived.
    pub(crate) fn on_revalidated(&mut self, session: SessionId, valid: bool) {
        if let Some((conn, timeout_ms)) = self.clients.revalidating.remove(&session) {
            self.finish_revalidate(conn, session, timeout_ms, valid);
        }
    }

    /// The leader's SYNC for a request of ours arrived (or, on the leader, its turn came).
    pub(crate) fn finish_sync(&mut self, request: RequestId) {
        if let Some(Waiting::Op { conn, xid, .. }) = self.clients.pending.remove(&request) {
            self.reply(conn, xid, Ok(OpValue::Done));
        }
    }

    fn reply(&mut self, conn: ClientConn, xid: u32, result: OpResult) {
        if !self.clients.cnxns.contains_key(&conn) {
            return; // the client left: the txn committed all the same
        }
        let zxid = self.tree.last_processed;
        let msg = ClientMsg::Reply { xid, zxid, result };
        self.out.push(Output::ToClient { conn, msg });
    }

    /// The sessions a learner reports in its PING reply: its clients' touches since the
    /// last one, and the implicit clients of `session open`.
    pub(crate) fn take_touches(&mut self) -> Vec<(SessionId, u64)> {
        let mut touched = std::mem::take(&mut self.clients.touched);
        touched.extend(self.clients.implicit.iter().map(|(s, t)| (*s, *t)));
        touched.into_iter().collect()
    }

    /// ZooKeeperServer.shutdown: every client connection closes and what waited is dropped
    /// (the clients see CONNECTIONLOSS and move on). Implicit clients stay.
    pub(crate) fn close_client_port(&mut self) {
        let conns = std::mem::take(&mut self.clients.cnxns);
        self.out.extend(conns.into_keys().map(Output::CloseClient));
        self.clients.data_watches.clear();
        self.clients.child_watches.clear();
        self.clients.pending.clear();
        self.clients.revalidating.clear();
        self.clients.touched.clear();
    }

    /// The implicit client of a `session open` submitted here.
    pub(crate) fn note_implicit(&mut self, op: &RequestOp) {
        match op {
            RequestOp::OpenSession {
                session,
                timeout_ms,
            } => {
                self.clients.implicit.insert(*session, *timeout_ms);
            }
            RequestOp::CloseSession { session } => {
                self.clients.implicit.remove(session);
            }
            _ => {}
        }
    }
}

/// Which of a server's watch tables a watch sits in (WatchManager's dataWatches or
/// childWatches): getData and exists leave a data watch, getChildren a child watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WatchTable {
    Data,
    Child,
}

impl ClientPort {
    /// Every watch registered here (read-only, for the page): path, table and connection, by
    /// path, data watches before child watches of the same path.
    pub fn watches(&self) -> impl Iterator<Item = (&str, WatchTable, ClientConn)> + '_ {
        let data = self.data_watches.iter().flat_map(|(p, conns)| {
            conns
                .iter()
                .map(move |c| (p.as_str(), WatchTable::Data, *c))
        });
        let child = self.child_watches.iter().flat_map(|(p, conns)| {
            conns
                .iter()
                .map(move |c| (p.as_str(), WatchTable::Child, *c))
        });
        data.chain(child)
    }

    /// The watches registered on one path (read-only, for the page).
    pub fn watches_on<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = (WatchTable, ClientConn)> + 'a {
        let data = self.data_watches.get(path).into_iter().flatten();
        let child = self.child_watches.get(path).into_iter().flatten();
        data.map(|c| (WatchTable::Data, *c))
            .chain(child.map(|c| (WatchTable::Child, *c)))
    }

    /// Requests waiting here for their commit or their sync (srvr's Outstanding).
    pub fn outstanding(&self) -> usize {
        self.pending.len()
    }

    /// The requests of one connection waiting for their commit or sync (cons' queued).
    pub fn queued(&self, conn: ClientConn) -> usize {
        (self.pending.values())
            .filter(|w| match w {
                Waiting::Open { conn: c } | Waiting::Op { conn: c, .. } => *c == conn,
            })
            .count()
    }
}

impl ClientPort {
    fn watch(&mut self, data: bool, path: &str, conn: ClientConn) {
        let table = if data {
            &mut self.data_watches
        } else {
            &mut self.child_watches
        };
        table.entry(path.to_string()).or_default().insert(conn);
    }

    /// A read with `watch` leaves one (DataTree.getData / statNode / getChildren): getData
    /// and getChildren only on a znode that exists, exists either way.
    fn add_watch(&mut self, conn: ClientConn, op: &ClientOp, result: &OpResult) {
        match (op, result) {
            (ClientOp::GetData { path, .. }, Ok(_)) | (ClientOp::Exists { path, .. }, _) => {
                self.watch(true, path, conn)
            }
            (ClientOp::GetChildren { path, .. }, Ok(_)) => self.watch(false, path, conn),
            _ => {}
        }
    }

    fn drop_watches(&mut self, conn: ClientConn) {
        for table in [&mut self.data_watches, &mut self.child_watches] {
            table.retain(|_, conns| {
                conns.remove(&conn);
                !conns.is_empty()
            });
        }
    }
}

/// The events a txn triggers (DataTree.createNode / deleteNode / setData / killSession).
fn txn_events(tree: &DataTree, op: &TxnOp, out: &mut Vec<(String, WatchKind)>) {
    let parent = |path: &str| split_path(path).0.to_string();
    match op {
        TxnOp::Create { path, .. } => {
            out.push((path.clone(), WatchKind::Created));
            out.push((parent(path), WatchKind::Child));
        }
        TxnOp::Delete { path } => {
            out.push((path.clone(), WatchKind::Deleted));
            out.push((parent(path), WatchKind::Child));
        }
        TxnOp::SetData { path, .. } => out.push((path.clone(), WatchKind::Changed)),
        TxnOp::CloseSession { session } => {
            for path in tree.ephemerals_of(*session) {
                out.push((path.clone(), WatchKind::Deleted));
                out.push((parent(path), WatchKind::Child));
            }
        }
        TxnOp::Multi(ops) if !op.is_failed_multi() => {
            ops.iter().for_each(|op| txn_events(tree, op, out))
        }
        _ => {}
    }
}
