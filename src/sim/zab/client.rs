//! A ZooKeeper client: org.apache.zookeeper.ClientCnxn (its SendThread) as a sans-IO state
//! machine, and the client wire (ConnectRequest / ConnectResponse, request and reply headers,
//! pings) it speaks with a server's ServerCnxn.
//!
//! A client has a list of servers and one TCP connection at a time. It opens a session with a
//! ConnectRequest (session 0) or resumes one (its id, and the last zxid it has seen); it pings
//! when idle (ClientCnxn's `readTimeout / 2` of idle send, about timeout / 3); and when its
//! connection is lost (closed, refused, or nothing heard for `readTimeout` = 2/3 of the
//! timeout) it fails the requests in flight with CONNECTIONLOSS and connects to the next
//! server in its list with the same session. A server that answers with timeout 0 says the
//! session expired (SESSIONEXPIRED). Requests are FIFO: one is on the wire at a time, the
//! others wait behind it, as the synchronous APIs (and zkCli) use a client.
//!
//! Like a server it never reads a clock or a random source: the engine steps it with one
//! `ClientInput` and the virtual time, and routes its `ClientOutput`s.

use super::message::CreateMode;
use crate::sim::data::{Code, SessionId};
use crate::sim::node::ClientId;
use crate::sim::tree::Stat;
use crate::sim::types::{Millis, Sid, Zxid};
use std::collections::VecDeque;
use std::fmt;

/// One client TCP connection to one server (a ClientCnxnSocket and the server's ServerCnxn).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ClientConn {
    pub client: ClientId,
    pub server: Sid,
    /// Unique per client: its connection attempts counted.
    pub serial: u32,
}

/// What a client asks of its server (the request types of ZooKeeper's OpCode this model has).
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum ClientOp {
    Create {
        path: String,
        data: String,
        mode: CreateMode,
    },
    SetData {
        path: String,
        data: String,
        version: i32,
    },
    Delete {
        path: String,
        version: i32,
    },
    /// `watch`: leave a one-shot data watch (if the znode exists).
    GetData {
        path: String,
        watch: bool,
    },
    /// `watch`: leave a one-shot child watch (if the znode exists).
    GetChildren {
        path: String,
        watch: bool,
    },
    /// `watch`: a data watch if it exists, an exist watch (fires at its creation) if not.
    Exists {
        path: String,
        watch: bool,
    },
    Sync {
        path: String,
    },
    /// closeSession: the session ends (a txn), and the client with it.
    CloseSession,
}

impl ClientOp {
    /// A write goes through the leader and takes a zxid; reads are answered locally.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            ClientOp::Create { .. }
                | ClientOp::SetData { .. }
                | ClientOp::Delete { .. }
                | ClientOp::CloseSession
        )
    }

    /// ZooKeeper's name for it (OpCode).
    pub fn name(&self) -> &'static str {
        match self {
            ClientOp::Create { .. } => "create",
            ClientOp::SetData { .. } => "setData",
            ClientOp::Delete { .. } => "delete",
            ClientOp::GetData { .. } => "getData",
            ClientOp::GetChildren { .. } => "getChildren",
            ClientOp::Exists { .. } => "exists",
            ClientOp::Sync { .. } => "sync",
            ClientOp::CloseSession => "closeSession",
        }
    }

    pub fn path(&self) -> Option<&str> {
        match self {
            ClientOp::Create { path, .. }
            | ClientOp::SetData { path, .. }
            | ClientOp::Delete { path, .. }
            | ClientOp::GetData { path, .. }
            | ClientOp::GetChildren { path, .. }
            | ClientOp::Exists { path, .. }
            | ClientOp::Sync { path } => Some(path),
            ClientOp::CloseSession => None,
        }
    }
}

impl ClientOp {
    /// Whether the read leaves a watch.
    pub fn watches(&self) -> bool {
        matches!(
            self,
            ClientOp::GetData { watch: true, .. }
                | ClientOp::GetChildren { watch: true, .. }
                | ClientOp::Exists { watch: true, .. }
        )
    }
}

/// A watch event's type (Watcher.Event.EventType).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum WatchKind {
    Created,
    Deleted,
    Changed,
    Child,
}

impl WatchKind {
    pub const ALL: [WatchKind; 4] = [
        WatchKind::Created,
        WatchKind::Deleted,
        WatchKind::Changed,
        WatchKind::Child,
    ];

    /// The scenario word.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Created => "created",
            WatchKind::Deleted => "deleted",
            WatchKind::Changed => "changed",
            WatchKind::Child => "child",
        }
    }

    /// ZooKeeper's name for it.
    pub fn event_type(self) -> &'static str {
        match self {
            WatchKind::Created => "NodeCreated",
            WatchKind::Deleted => "NodeDeleted",
            WatchKind::Changed => "NodeDataChanged",
            WatchKind::Child => "NodeChildrenChanged",
        }
    }
}

/// The watches a client holds, by kind (ZKWatchManager's dataWatches, existWatches,
/// childWatches).
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq)]
pub struct WatchSet {
    pub data: std::collections::BTreeSet<String>,
    pub exist: std::collections::BTreeSet<String>,
    pub child: std::collections::BTreeSet<String>,
}

impl WatchSet {
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.exist.is_empty() && self.child.is_empty()
    }

    /// ZKWatchManager.materialize: the watches an event fires, removed. False if none did.
    fn fire(&mut self, path: &str, kind: WatchKind) -> bool {
        let mut fired = false;
        if kind != WatchKind::Child {
            fired |= self.data.remove(path);
            fired |= self.exist.remove(path);
        }
        if matches!(kind, WatchKind::Child | WatchKind::Deleted) {
            fired |= self.child.remove(path);
        }
        fired
    }

    /// A read's reply leaves its watch (WatchRegistration.register).
    fn register(&mut self, op: &ClientOp, result: &OpResult) {
        match (op, result) {
            (ClientOp::GetData { path, watch: true }, Ok(_)) => {
                self.data.insert(path.clone());
            }
            (ClientOp::GetChildren { path, watch: true }, Ok(_)) => {
                self.child.insert(path.clone());
            }
            (ClientOp::Exists { path, watch: true }, Ok(OpValue::Exists(Some(_)))) => {
                self.data.insert(path.clone());
            }
            (ClientOp::Exists { path, watch: true }, Ok(OpValue::Exists(None))) => {
                self.exist.insert(path.clone());
            }
            _ => {}
        }
    }
}

/// What a successful request returns.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum OpValue {
    /// create: the name it created (with a sequential suffix).
    Created(String),
    /// setData, delete, sync, closeSession.
    Done,
    Data {
        data: String,
        stat: Stat,
    },
    Children(Vec<String>),
    /// exists: the stat, or `None` if there is no such znode (not an error).
    Exists(Option<Stat>),
}

/// A request's outcome: a value, or one of ZooKeeper's error codes.
pub type OpResult = Result<OpValue, Code>;

/// The client wire, both ways (ClientCnxn's packets and the server's replies).
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub enum ClientMsg {
    /// ConnectRequest: session 0 asks for a new session.
    Connect {
        last_zxid: Zxid,
        timeout_ms: u64,
        session: SessionId,
    },
    /// ConnectResponse: the negotiated timeout; 0 means the session has expired.
    Connected {
        session: SessionId,
        timeout_ms: u64,
    },
    Request {
        xid: u32,
        op: ClientOp,
    },
    /// The reply header's zxid is the server's last processed zxid when it answered.
    Reply {
        xid: u32,
        zxid: Zxid,
        result: OpResult,
    },
    Ping,
    PingReply {
        zxid: Zxid,
    },
    /// A watch fired (a WatcherEvent with xid -1).
    Notify {
        path: String,
        kind: WatchKind,
    },
    /// After a reconnect: re-register the watches, relative to the last zxid seen; the server
    /// fires at once those whose znode changed after it.
    SetWatches {
        last_zxid: Zxid,
        watches: WatchSet,
    },
}

impl ClientMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            ClientMsg::Connect { .. } => "CONNECT",
            ClientMsg::Connected { .. } => "CONNECTED",
            ClientMsg::Request { .. } => "REQUEST",
            ClientMsg::Reply { .. } => "REPLY",
            ClientMsg::Ping => "PING",
            ClientMsg::PingReply { .. } => "PING",
            ClientMsg::Notify { .. } => "WATCH",
            ClientMsg::SetWatches { .. } => "SETWATCHES",
        }
    }

    /// The zxid the packet carries: the client's last seen one (CONNECT, SETWATCHES) or the
    /// server's last processed one (a reply's header, a ping's answer).
    pub fn zxid(&self) -> Option<Zxid> {
        match self {
            ClientMsg::Connect { last_zxid, .. } | ClientMsg::SetWatches { last_zxid, .. } => {
                Some(*last_zxid)
            }
            ClientMsg::Reply { zxid, .. } | ClientMsg::PingReply { zxid } => Some(*zxid),
            ClientMsg::Connected { .. }
            | ClientMsg::Request { .. }
            | ClientMsg::Ping
            | ClientMsg::Notify { .. } => None,
        }
    }
}

impl fmt::Display for ClientMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientMsg::Connect {
                session: 0,
                last_zxid,
                ..
            } => write!(f, "CONNECT new {last_zxid}"),
            ClientMsg::Connect {
                session, last_zxid, ..
            } => write!(f, "CONNECT 0x{session:x} {last_zxid}"),
            ClientMsg::Connected { timeout_ms: 0, .. } => write!(f, "SESSIONEXPIRED"),
            ClientMsg::Connected { session, .. } => write!(f, "CONNECTED 0x{session:x}"),
            ClientMsg::Request { op, .. } => match op.path() {
                Some(p) => write!(f, "{} {p}", op.name()),
                None => f.write_str(op.name()),
            },
            ClientMsg::Reply {
                result: Err(code),
                zxid,
                ..
            } => write!(f, "{code} {zxid}"),
            ClientMsg::Reply { zxid, .. } => write!(f, "OK {zxid}"),
            ClientMsg::Ping | ClientMsg::PingReply { .. } => f.write_str("PING"),
            ClientMsg::Notify { path, kind } => write!(f, "{} {path}", kind.event_type()),
            ClientMsg::SetWatches { last_zxid, .. } => write!(f, "SETWATCHES {last_zxid}"),
        }
    }
}

/// Where a client stands (what `status` shows).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ClientState {
    Connecting,
    Connected,
    /// It closed its session (closeSession committed, or it gave up trying).
    Closed,
    /// A server told it its session expired.
    Expired,
}

impl ClientState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientState::Connecting => "connecting",
            ClientState::Connected => "connected",
            ClientState::Closed => "closed",
            ClientState::Expired => "expired",
        }
    }
}

/// A client's timers (the SendThread's select timeouts).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum ClientTimer {
    /// startConnect's random sleep before a reconnect is over: open the next socket.
    Reconnect,
    /// connectTimeout (timeout / number of servers) without a ConnectResponse.
    Connect,
    /// readTimeout (2/3 of the timeout) without hearing from the server.
    Read,
    /// Idle send for readTimeout / 2: send a ping.
    Ping,
    /// A pause (`client C pause`) ends.
    Resume,
}

impl ClientTimer {
    pub const ALL: [ClientTimer; 5] = [
        ClientTimer::Reconnect,
        ClientTimer::Connect,
        ClientTimer::Read,
        ClientTimer::Ping,
        ClientTimer::Resume,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// ClientCnxn's names for the timeouts (stable: the trace and its exports use them).
    pub fn name(self) -> &'static str {
        match self {
            ClientTimer::Reconnect => "reconnect-sleep",
            ClientTimer::Connect => "connect-timeout",
            ClientTimer::Read => "read-timeout",
            ClientTimer::Ping => "ping-interval",
            ClientTimer::Resume => "pause-over",
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub enum ClientInput {
    /// Begin: connect to the first server of the list.
    Start,
    /// The person or script asks for a request.
    Op(ClientOp),
    Receive {
        conn: ClientConn,
        msg: ClientMsg,
    },
    /// The server closed the connection, or its OS reset it (`refused`: nothing listened).
    Closed {
        conn: ClientConn,
        refused: bool,
    },
    Timer(ClientTimer),
    /// A stop-the-world pause until `until`: nothing is handled before then.
    Pause {
        until: Millis,
    },
    /// updateServerList with `sid` first: drop the connection (if any) and connect there next.
    Move(Sid),
}

/// Why a client gave up a connection (for the feed).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum LossReason {
    /// The server closed it (it went LOOKING, refused the client, or its session ended).
    Closed,
    /// Nothing listened on the server's client port (it is down).
    Refused,
    /// No ConnectResponse within connectTimeout.
    ConnectTimeout,
    /// Nothing heard within readTimeout.
    ReadTimeout,
    /// Its connect string changed (updateServerList): it moves to another server. (Last,
    /// so that the older reasons hash as before.)
    Moved,
}

impl LossReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LossReason::Closed => "the server closed the connection",
            LossReason::Moved => "it is moved to another server",
            LossReason::Refused => "connection refused",
            LossReason::ConnectTimeout => "no ConnectResponse within connectTimeout",
            LossReason::ReadTimeout => "nothing heard within readTimeout (2/3 of the timeout)",
        }
    }
}

/// What a client reports: the script's results and the checker's evidence.
#[derive(Clone, Debug, Hash, PartialEq)]
pub enum ClientEvent {
    Connecting {
        server: Sid,
    },
    Connected {
        server: Sid,
        session: SessionId,
        timeout_ms: u64,
        /// A new session (not a resumed one).
        new: bool,
    },
    ConnectionLost {
        server: Sid,
        why: LossReason,
    },
    /// A request went on the wire.
    Requested {
        op: ClientOp,
        server: Sid,
    },
    /// A request's outcome, as the application sees it. `zxid` is the reply's (0 if none).
    Result {
        op: ClientOp,
        server: Sid,
        zxid: Zxid,
        result: OpResult,
    },
    /// The client's last-seen zxid changed.
    LastZxid {
        prev: Zxid,
        now: Zxid,
        server: Sid,
    },
    Expired {
        server: Sid,
    },
    /// A watch event arrived; `registered`: the client held a watch it fires (else the
    /// server fired a watch twice, or one never set).
    Watch {
        path: String,
        kind: WatchKind,
        server: Sid,
        registered: bool,
    },
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum ClientOutput {
    Send {
        conn: ClientConn,
        msg: ClientMsg,
    },
    /// The client closes its socket (the server sees the FIN).
    Close(ClientConn),
    SetTimer {
        kind: ClientTimer,
        at: Millis,
    },
    /// As `SetTimer`, plus a random delay in `0..=jitter` the engine draws.
    SetTimerJittered {
        kind: ClientTimer,
        at: Millis,
        jitter: Millis,
    },
    CancelTimer(ClientTimer),
    Event(ClientEvent),
}

/// startConnect sleeps up to a second before every connect but the first.
const RECONNECT_JITTER_MS: Millis = 1000;
/// StaticHostProvider.next(1000): a second's spin once every server of the list was tried.
const SPIN_DELAY_MS: Millis = 1000;

#[derive(Clone, Debug, Hash)]
pub struct Client {
    pub id: ClientId,
    pub servers: Vec<Sid>,
    /// The index in `servers` of the server to try next.
    next: usize,
    /// Connects tried since the last one that succeeded.
    tries: usize,
    pub requested_timeout_ms: u64,
    /// The negotiated timeout, once a server answered.
    pub timeout_ms: u64,
    pub session: SessionId,
    pub last_zxid: Zxid,
    pub state: ClientState,
    /// The open socket, if any, and whether its ConnectResponse came.
    pub conn: Option<ClientConn>,
    ready: bool,
    serial: u32,
    xid: u32,
    /// The request on the wire, and the ones waiting behind it.
    in_flight: Option<(u32, ClientOp)>,
    waiting: VecDeque<ClientOp>,
    pub watches: WatchSet,
    last_send: Millis,
    last_heard: Millis,
    paused_until: Option<Millis>,
    inbox: Vec<ClientInput>,
    now: Millis,
    out: Vec<ClientOutput>,
}

impl Client {
    pub fn new(id: ClientId, servers: Vec<Sid>, requested_timeout_ms: u64) -> Client {
        Client {
            id,
            servers,
            next: 0,
            tries: 0,
            requested_timeout_ms,
            timeout_ms: 0,
            session: 0,
            last_zxid: Zxid::ZERO,
            state: ClientState::Connecting,
            conn: None,
            ready: false,
            serial: 0,
            xid: 0,
            in_flight: None,
            waiting: VecDeque::new(),
            watches: WatchSet::default(),
            last_send: 0,
            last_heard: 0,
            paused_until: None,
            inbox: Vec::new(),
            now: 0,
            out: Vec::new(),
        }
    }

    /// The server it is connected to (session established), if any.
    pub fn server(&self) -> Option<Sid> {
        self.conn.filter(|_| self.ready).map(|c| c.server)
    }

    /// The request on the wire (its xid and op), if one is.
    pub fn in_flight(&self) -> Option<&(u32, ClientOp)> {
        self.in_flight.as_ref()
    }

    /// True while a request of its is unanswered.
    pub fn busy(&self) -> bool {
        self.in_flight.is_some() || !self.waiting.is_empty()
    }

    pub fn is_paused(&self) -> bool {
        self.paused_until.is_some_and(|t| self.now < t)
    }

    pub fn take_outputs(&mut self, into: &mut Vec<ClientOutput>) {
        into.append(&mut self.out);
    }

    /// The single entry point: one input at `now`.
    pub fn step(&mut self, now: Millis, input: ClientInput) {
        self.now = now;
        if let ClientInput::Pause { until } = input {
            self.paused_until = Some(until.max(self.paused_until.unwrap_or(0)));
            let at = self.paused_until.expect("set");
            return self.out.push(ClientOutput::SetTimer {
                kind: ClientTimer::Resume,
                at,
            });
        }
        if self.is_paused() {
            // A stopped process reacts to nothing; what arrived meanwhile waits in its buffers.
            return self.inbox.push(input);
        }
        if let ClientInput::Timer(ClientTimer::Resume) = input {
            return self.resume();
        }
        self.handle(input);
    }

    fn resume(&mut self) {
        self.paused_until = None;
        for input in std::mem::take(&mut self.inbox) {
            self.handle(input);
        }
        // The timers that fired during the pause were handled above; re-arm the live ones.
        if self.ready {
            self.arm_read_and_ping();
        }
    }

    fn handle(&mut self, input: ClientInput) {
        if matches!(self.state, ClientState::Closed | ClientState::Expired) {
            if let ClientInput::Op(op) = input {
                self.finish(op, 0, Zxid::ZERO, Err(self.dead_code()));
            }
            return;
        }
        match input {
            ClientInput::Start => self.connect(),
            ClientInput::Op(op) => {
                self.waiting.push_back(op);
                self.send_next();
            }
            ClientInput::Receive { conn, msg } if Some(conn) == self.conn => {
                self.last_heard = self.now;
                self.on_msg(conn, msg);
            }
            ClientInput::Closed { conn, refused } if Some(conn) == self.conn => {
                let why = if refused {
                    LossReason::Refused
                } else {
                    LossReason::Closed
                };
                self.lose(why);
            }
            ClientInput::Timer(kind) => self.on_timer(kind),
            ClientInput::Move(sid) => self.move_to(sid),
            _ => {} // a stale connection's packet or close
        }
    }

    fn dead_code(&self) -> Code {
        if self.state == ClientState::Expired {
            Code::SessionExpired
        } else {
            Code::ConnectionLoss
        }
    }

    /// startConnect + primeConnection: open a socket to the next server and send the
    /// ConnectRequest with the session (0 for a new one) and the last zxid seen.
    fn connect(&mut self) {
        let server = self.servers[self.next % self.servers.len()];
        self.next = (self.next + 1) % self.servers.len();
        self.tries += 1;
        self.serial += 1;
        let conn = ClientConn {
            client: self.id,
            server,
            serial: self.serial,
        };
        self.conn = Some(conn);
        self.ready = false;
        self.state = ClientState::Connecting;
        self.event(ClientEvent::Connecting { server });
        let msg = ClientMsg::Connect {
            last_zxid: self.last_zxid,
            timeout_ms: self.requested_timeout_ms,
            session: self.session,
        };
        self.send(conn, msg);
        let timeout = if self.timeout_ms > 0 {
            self.timeout_ms
        } else {
            self.requested_timeout_ms
        };
        let at = self.now + timeout / self.servers.len() as u64;
        self.set_timer(ClientTimer::Connect, at);
    }

    fn on_msg(&mut self, conn: ClientConn, msg: ClientMsg) {
        match msg {
            ClientMsg::Connected { timeout_ms: 0, .. } => self.expired(conn.server),
            ClientMsg::Connected {
                session,
                timeout_ms,
            } if !self.ready => self.on_connected(conn.server, session, timeout_ms),
            ClientMsg::Reply { xid, zxid, result } => self.on_reply(conn.server, xid, zxid, result),
            ClientMsg::Notify { path, kind } if self.ready => {
                let registered = self.watches.fire(&path, kind);
                self.event(ClientEvent::Watch {
                    path,
                    kind,
                    server: conn.server,
                    registered,
                });
            }
            _ => {} // ping replies only prove the server alive
        }
    }

    /// onConnected: readTimeout and connectTimeout follow the negotiated timeout.
    fn on_connected(&mut self, server: Sid, session: SessionId, timeout_ms: u64) {
        let new = self.session == 0;
        self.session = session;
        self.timeout_ms = timeout_ms;
        self.ready = true;
        self.tries = 0;
        self.state = ClientState::Connected;
        self.out
            .push(ClientOutput::CancelTimer(ClientTimer::Connect));
        self.event(ClientEvent::Connected {
            server,
            session,
            timeout_ms,
            new,
        });
        self.arm_read_and_ping();
        if !self.watches.is_empty() {
            let msg = ClientMsg::SetWatches {
                last_zxid: self.last_zxid,
                watches: self.watches.clone(),
            };
            self.send(self.conn.expect("ready"), msg);
        }
        self.send_next();
    }

    fn on_reply(&mut self, server: Sid, xid: u32, zxid: Zxid, result: OpResult) {
        let Some((sent, op)) = self.in_flight.take() else {
            return;
        };
        if sent != xid {
            self.in_flight = Some((sent, op));
            return;
        }
        // ClientCnxn.readResponse: `if (replyHdr.getZxid() > 0) lastZxid = replyHdr.getZxid()`.
        if zxid > Zxid::ZERO && zxid != self.last_zxid {
            let prev = self.last_zxid;
            self.last_zxid = zxid;
            self.event(ClientEvent::LastZxid {
                prev,
                now: zxid,
                server,
            });
        }
        self.watches.register(&op, &result);
        // ZooKeeper.close: the handle is closed whatever the answer.
        let closed = op == ClientOp::CloseSession;
        self.finish(op, server, zxid, result);
        if closed {
            self.state = ClientState::Closed;
            self.drop_conn();
            self.fail_waiting(Code::ConnectionLoss);
            return;
        }
        self.send_next();
    }

    fn on_timer(&mut self, kind: ClientTimer) {
        match kind {
            ClientTimer::Reconnect if self.conn.is_none() => self.connect(),
            ClientTimer::Connect if self.conn.is_some() && !self.ready => {
                self.lose(LossReason::ConnectTimeout)
            }
            ClientTimer::Read if self.ready => {
                let due = self.last_heard + self.read_timeout();
                if self.now >= due {
                    self.lose(LossReason::ReadTimeout);
                } else {
                    self.set_timer(ClientTimer::Read, due);
                }
            }
            ClientTimer::Ping if self.ready => {
                let due = self.last_send + self.read_timeout() / 2;
                if self.now >= due {
                    let conn = self.conn.expect("ready");
                    self.send(conn, ClientMsg::Ping);
                    let at = self.now + self.read_timeout() / 2;
                    self.set_timer(ClientTimer::Ping, at);
                } else {
                    self.set_timer(ClientTimer::Ping, due);
                }
            }
            _ => {}
        }
    }

    /// Whether a closeSession is in flight or waiting.
    fn closing(&self) -> bool {
        let in_flight = self.in_flight.as_ref().map(|(_, op)| op);
        (in_flight.into_iter().chain(&self.waiting)).any(|op| *op == ClientOp::CloseSession)
    }

    fn read_timeout(&self) -> Millis {
        self.timeout_ms * 2 / 3
    }

    fn arm_read_and_ping(&mut self) {
        let read = self.last_heard.max(self.now) + self.read_timeout();
        self.set_timer(ClientTimer::Read, read);
        let ping = self.last_send + self.read_timeout() / 2;
        self.set_timer(ClientTimer::Ping, ping.max(self.now));
    }

    /// The connection is gone: what was in flight gets CONNECTIONLOSS (it may still commit),
    /// and the next server of the list is tried with the same session.
    fn lose(&mut self, why: LossReason) {
        let Some(conn) = self.conn else { return };
        self.event(ClientEvent::ConnectionLost {
            server: conn.server,
            why,
        });
        self.drop_conn();
        self.state = ClientState::Connecting;
        let closing = self.closing();
        self.fail_waiting(Code::ConnectionLoss);
        if closing {
            // close() gave up on its closeSession: the handle is closed all the same, and the
            // session expires by itself.
            self.state = ClientState::Closed;
            return;
        }
        let spin = if self.tries >= self.servers.len() {
            self.tries = 0;
            SPIN_DELAY_MS
        } else {
            0
        };
        self.out.push(ClientOutput::SetTimerJittered {
            kind: ClientTimer::Reconnect,
            at: self.now + spin,
            jitter: RECONNECT_JITTER_MS - 1,
        });
    }

    /// updateServerList: the new list puts `sid` first; a connected client drops its
    /// connection to move there (its requests in flight get CONNECTIONLOSS, as on any loss),
    /// one still connecting tries it next.
    fn move_to(&mut self, sid: Sid) {
        if !self.servers.contains(&sid) {
            self.servers.insert(0, sid);
        }
        self.next = self
            .servers
            .iter()
            .position(|s| *s == sid)
            .expect("in the list");
        self.tries = 0;
        if self.conn.is_some_and(|c| c.server != sid) {
            self.lose(LossReason::Moved);
        }
    }

    /// A server said the session expired: the client is done (a new ZooKeeper handle is
    /// needed, as in the Java API).
    fn expired(&mut self, server: Sid) {
        self.state = ClientState::Expired;
        self.event(ClientEvent::Expired { server });
        self.drop_conn();
        self.fail_waiting(Code::SessionExpired);
    }

    fn drop_conn(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.out.push(ClientOutput::Close(conn));
        }
        self.ready = false;
        for kind in [ClientTimer::Connect, ClientTimer::Read, ClientTimer::Ping] {
            self.out.push(ClientOutput::CancelTimer(kind));
        }
    }

    fn fail_waiting(&mut self, code: Code) {
        let failed = self.in_flight.take().map(|(_, op)| op);
        for op in failed.into_iter().chain(std::mem::take(&mut self.waiting)) {
            self.finish(op, 0, Zxid::ZERO, Err(code));
        }
    }

    /// FIFO: the next waiting request goes out once the one before it has its answer.
    fn send_next(&mut self) {
        if self.in_flight.is_some() || !self.ready {
            return;
        }
        let Some(op) = self.waiting.pop_front() else {
            return;
        };
        self.xid += 1;
        let xid = self.xid;
        self.in_flight = Some((xid, op.clone()));
        let conn = self.conn.expect("ready");
        self.event(ClientEvent::Requested {
            op: op.clone(),
            server: conn.server,
        });
        self.send(conn, ClientMsg::Request { xid, op });
    }

    fn finish(&mut self, op: ClientOp, server: Sid, zxid: Zxid, result: OpResult) {
        self.event(ClientEvent::Result {
            op,
            server,
            zxid,
            result,
        });
    }

    fn send(&mut self, conn: ClientConn, msg: ClientMsg) {
        self.last_send = self.now;
        self.out.push(ClientOutput::Send { conn, msg });
    }

    fn set_timer(&mut self, kind: ClientTimer, at: Millis) {
        self.out.push(ClientOutput::SetTimer { kind, at });
    }

    fn event(&mut self, e: ClientEvent) {
        self.out.push(ClientOutput::Event(e));
    }
}

/// The timeout a server grants (ZooKeeperServer.processConnectRequest): the requested one
/// clamped into [minSessionTimeout, maxSessionTimeout] = [2, 20] × tickTime.
pub fn negotiate_timeout(requested: u64, tick_ms: Millis) -> u64 {
    requested.clamp(2 * tick_ms, 20 * tick_ms)
}

#[cfg(test)]
mod tests {
    //! ClientCnxn's timing, driven through the sans-IO interface.
    use super::*;

    fn outputs(c: &mut Client) -> Vec<ClientOutput> {
        let mut v = Vec::new();
        c.take_outputs(&mut v);
        v
    }

    fn connected(timeout_ms: u64) -> (Client, ClientConn) {
        let mut c = Client::new(1, vec![2, 3], 10_000);
        c.step(0, ClientInput::Start);
        let conn = c.conn.expect("a socket");
        outputs(&mut c);
        let msg = ClientMsg::Connected {
            session: 0x2000001,
            timeout_ms,
        };
        c.step(50, ClientInput::Receive { conn, msg });
        (c, conn)
    }

    fn timers(out: &[ClientOutput]) -> Vec<(ClientTimer, Millis)> {
        out.iter()
            .filter_map(|o| match o {
                ClientOutput::SetTimer { kind, at } => Some((*kind, *at)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_connect_request_carries_the_session_and_last_zxid_and_times_out_per_server() {
        let mut c = Client::new(1, vec![2, 3], 4_000);
        c.step(0, ClientInput::Start);
        let out = outputs(&mut c);
        assert!(out.iter().any(|o| matches!(o, ClientOutput::Send {
            msg: ClientMsg::Connect { session: 0, timeout_ms: 4_000, .. }, conn
        } if conn.server == 2)));
        // connectTimeout = sessionTimeout / number of servers.
        assert!(timers(&out).contains(&(ClientTimer::Connect, 2_000)));
    }

    #[test]
    fn an_idle_client_pings_every_third_of_its_timeout_and_gives_up_after_two_thirds() {
        let (mut c, conn) = connected(3_000);
        let out = outputs(&mut c);
        assert!(timers(&out).contains(&(ClientTimer::Read, 2_050)));
        assert!(timers(&out).contains(&(ClientTimer::Ping, 1_000)));
        c.step(1_000, ClientInput::Timer(ClientTimer::Ping));
        let out = outputs(&mut c);
        assert!(out.iter().any(|o| matches!(
            o,
            ClientOutput::Send {
                msg: ClientMsg::Ping,
                ..
            }
        )));
        // Nothing heard since t=50: at readTimeout the connection is lost, the next server
        // is tried after startConnect's random sleep.
        c.step(2_050, ClientInput::Timer(ClientTimer::Read));
        let out = outputs(&mut c);
        assert!(out.contains(&ClientOutput::Close(conn)));
        assert!(out.iter().any(|o| matches!(
            o,
            ClientOutput::SetTimerJittered {
                kind: ClientTimer::Reconnect,
                ..
            }
        )));
        assert_eq!(c.state, ClientState::Connecting);
        c.step(2_500, ClientInput::Timer(ClientTimer::Reconnect));
        assert_eq!(c.conn.map(|c| c.server), Some(3));
        let out = outputs(&mut c);
        assert!(out.iter().any(|o| matches!(
            o,
            ClientOutput::Send {
                msg: ClientMsg::Connect {
                    session: 0x2000001,
                    ..
                },
                ..
            }
        )));
    }

    #[test]
    fn a_request_in_flight_on_a_lost_connection_is_connectionloss() {
        let (mut c, conn) = connected(3_000);
        c.step(60, ClientInput::Op(ClientOp::Sync { path: "/".into() }));
        outputs(&mut c);
        c.step(
            70,
            ClientInput::Closed {
                conn,
                refused: false,
            },
        );
        let out = outputs(&mut c);
        assert!(out.iter().any(|o| matches!(
            o,
            ClientOutput::Event(ClientEvent::Result {
                result: Err(Code::ConnectionLoss),
                ..
            })
        )));
    }

    #[test]
    fn a_paused_client_reacts_to_nothing_until_it_resumes() {
        let (mut c, conn) = connected(3_000);
        outputs(&mut c);
        c.step(100, ClientInput::Pause { until: 5_000 });
        outputs(&mut c);
        c.step(1_000, ClientInput::Timer(ClientTimer::Ping));
        c.step(
            2_700,
            ClientInput::Closed {
                conn,
                refused: false,
            },
        );
        assert!(outputs(&mut c).is_empty(), "no pings, no reactions");
        c.step(5_000, ClientInput::Timer(ClientTimer::Resume));
        let out = outputs(&mut c);
        assert!(out.contains(&ClientOutput::Close(conn)) || c.conn != Some(conn));
        assert_eq!(c.state, ClientState::Connecting);
    }

    #[test]
    fn timeouts_are_negotiated_into_2_to_20_ticks() {
        assert_eq!(negotiate_timeout(10_000, 200), 4_000);
        assert_eq!(negotiate_timeout(100, 200), 400);
        assert_eq!(negotiate_timeout(1_000, 200), 1_000);
    }
}
