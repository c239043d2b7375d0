//! The clients as the page draws them: each client actor (ClientCnxn) with its connection, its
//! session's remaining time on the leader's SessionTracker, its last-seen zxid, the packets on
//! its wire, and the results its application saw — each read marked stale when the znode it
//! saw was older than the serving leader's at the moment its server answered.

use std::rc::Rc;

use crate::sim::data::{Code, SessionId};
use crate::sim::engine::{ClientRecord, ReadCheck, ResourceWrite};
use crate::sim::narrate::value_words;
use crate::sim::node::Actor;
use crate::sim::world::World;
use crate::sim::zab::client::{ClientEvent, ClientOp};
use crate::sim::zab::recipe::Belief;
use crate::sim::zab::Role;
use crate::sim::{Millis, Sid, Zxid};

/// One client actor, as the ring draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    /// Its index among the clients drawn (placement), from 0.
    pub index: usize,
    pub name: Rc<str>,
    /// "connecting", "connected", "closed", "expired" or "crashed" (`data-state`).
    pub state: &'static str,
    /// Stopped (a GC pause): no pings, no reactions.
    pub paused: bool,
    /// The server it talks to (connected, or trying), if any.
    pub server: Option<Sid>,
    /// Connected (its session established on `server`).
    pub connected: bool,
    /// Its server list, in the order it tries them.
    pub servers: Rc<[Sid]>,
    pub session: SessionId,
    pub last_zxid: Zxid,
    /// When the serving leader's tracker will expire its session, and the timeout.
    pub expiry: Option<Expiry>,
    /// Servers whose link to it is cut (either way).
    pub cut: Vec<Sid>,
    /// What its recipe believes ("I hold /lock", "I lead", the config it read), if it runs one.
    pub belief: Option<Belief>,
}

impl ClientView {
    /// The lock it believes it holds or the election it believes it leads (`data-holder`).
    pub fn holds(&self) -> Option<&str> {
        self.belief
            .as_ref()
            .filter(|b| b.is_exclusive())
            .map(|b| b.path())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expiry {
    pub due: Millis,
    pub timeout: Millis,
    /// The leader has begun expiring it (or a closeSession is on its way).
    pub closing: bool,
}

/// A client packet on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientMsgView {
    pub id: u64,
    /// The client's index (see `ClientView::index`).
    pub client: usize,
    pub server: Sid,
    /// Towards the server (a request, a ping, a connect), else towards the client.
    pub up: bool,
    /// "REQUEST", "REPLY", "PING", "CONNECT", "CONNECTED", "WATCH", "SETWATCHES".
    pub kind: &'static str,
    pub label: Rc<str>,
    pub sent_at: Millis,
    pub deliver_at: Millis,
}

/// At most this many clients are drawn (the ring's corners hold them).
pub const MAX_DRAWN: usize = 8;

/// The clients to draw: the newest actor of each name, in order of first appearance, live ones
/// and those that ended alike (an expired client still shows what happened to it).
pub fn client_views(world: &World) -> Vec<ClientView> {
    let Some(engine) = world.zab() else {
        return Vec::new();
    };
    let tracker = leader_tracker(world);
    let n = world.ensemble().server_count() as Sid;
    let mut names: Vec<&str> = Vec::new();
    for c in engine.clients() {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    names
        .iter()
        .take(MAX_DRAWN)
        .enumerate()
        .filter_map(|(index, name)| {
            let slot = engine.client(name)?;
            let c = &slot.client;
            let me = Actor::Client(c.id);
            let expiry = tracker
                .and_then(|t| t.sessions.get(&c.session))
                .map(|t| Expiry {
                    due: t.expires_at,
                    timeout: t.timeout_ms,
                    closing: t.closing,
                });
            Some(ClientView {
                index,
                name: Rc::from(*name),
                state: slot.state_name(),
                paused: c.is_paused() && !slot.crashed,
                server: c.conn.map(|k| k.server).filter(|_| slot.is_live()),
                connected: c.server().is_some() && slot.is_live(),
                servers: c.servers.clone().into(),
                session: c.session,
                last_zxid: c.last_zxid,
                expiry: expiry.filter(|_| c.session != 0),
                cut: (1..=n)
                    .filter(|s| !world.net().is_up(me, *s) || !world.net().is_up(*s, me))
                    .collect(),
                belief: slot.belief().cloned(),
            })
        })
        .collect()
}

fn leader_tracker(world: &World) -> Option<&crate::sim::zab::sessions::SessionTracker> {
    let leader = world.serving_leader()?;
    match &world.server(leader)?.role {
        Role::Leading(l) => Some(&l.tracker),
        _ => None,
    }
}

/// The client packets on the wire, by id, between clients that are drawn.
pub fn client_messages(world: &World, clients: &[ClientView]) -> Vec<ClientMsgView> {
    let Some(engine) = world.zab() else {
        return Vec::new();
    };
    let index_of = |id| {
        let name = engine.clients().nth(id as usize - 1)?.name.as_str();
        clients.iter().find(|v| &*v.name == name).map(|v| v.index)
    };
    engine
        .client_flights()
        .into_iter()
        .filter_map(|m| {
            let client = index_of(m.conn.client)?;
            Some(ClientMsgView {
                id: m.id,
                client,
                server: m.conn.server,
                up: matches!(m.to, Actor::Server(_)),
                kind: m.msg.kind(),
                label: Rc::from(m.msg.to_string()),
                sent_at: m.sent_at,
                deliver_at: m.deliver_at,
            })
        })
        .collect()
}

/// One answer a client's application saw, for the client panel.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultLine {
    /// Its place in the run (stable, for keys).
    pub seq: u64,
    pub at: Millis,
    pub client: Rc<str>,
    pub server: Sid,
    /// "get /cfg", "create /lock/x-", …
    pub what: String,
    /// "\"v2\" · mzxid 0x100000005", "NODEEXISTS", …
    pub outcome: String,
    pub ok: bool,
    /// The reply's zxid (the server's last processed zxid when it answered).
    pub zxid: Zxid,
    /// For a read: how it compared with the serving leader's tree then.
    pub read: Option<ReadCheck>,
}

impl ResultLine {
    /// "stale", "fresh" or "" (not a read, or no leader to compare with): `data-stale`.
    pub fn staleness(&self) -> &'static str {
        match self.read {
            Some(r) if r.stale() => "stale",
            Some(_) => "fresh",
            None => "",
        }
    }

    /// Why a stale read is stale, in words.
    pub fn stale_words(&self) -> Option<String> {
        let r = self.read.filter(|r| r.stale())?;
        Some(match (r.read, r.leader_mzxid) {
            (Some(_), Some(l)) => format!("stale: leader s{} has mzxid {l}", r.leader),
            (None, Some(l)) => format!("stale: leader s{} has it (mzxid {l})", r.leader),
            _ => format!("stale: leader s{} has deleted it", r.leader),
        })
    }
}

/// A resource a lock protects, fenced by token (the holder's lock node's czxid).
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceView {
    pub path: String,
    /// The highest token it accepted.
    pub highest: Zxid,
    /// Its last writes, newest last: who, with which token, accepted or refused.
    pub writes: Vec<ResourceWrite>,
}

/// The resources the recipes' locks protect.
pub fn resource_views(world: &World) -> Vec<ResourceView> {
    let Some(engine) = world.zab() else {
        return Vec::new();
    };
    engine
        .resources()
        .map(|(path, r)| ResourceView {
            path: path.clone(),
            highest: r.highest,
            writes: r.writes.iter().rev().take(4).rev().cloned().collect(),
        })
        .collect()
}

/// How many results the panel lists.
pub const RESULTS_SHOWN: usize = 12;

/// The last results of every client (or of `only`), oldest first.
pub fn result_lines(world: &World, only: Option<&str>) -> Vec<ResultLine> {
    let Some(engine) = world.zab() else {
        return Vec::new();
    };
    let names: Vec<&str> = engine.clients().map(|c| c.name.as_str()).collect();
    let log = engine.client_log();
    let mut lines: Vec<ResultLine> = log
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, r)| {
            let name = *names.get(r.client as usize - 1)?;
            if only.is_some_and(|o| o != name) {
                return None;
            }
            result_line(engine.client_log_start() + i as u64, name, r)
        })
        .take(RESULTS_SHOWN)
        .collect();
    lines.reverse();
    lines
}

fn result_line(seq: u64, name: &str, r: &ClientRecord) -> Option<ResultLine> {
    let ClientEvent::Result {
        op,
        server,
        zxid,
        result,
    } = &r.event
    else {
        return None;
    };
    let (outcome, ok) = match result {
        Ok(v) => (value_words(v), true),
        Err(code) => (code.to_string(), *code == Code::Ok),
    };
    Some(ResultLine {
        seq,
        at: r.at,
        client: Rc::from(name),
        server: *server,
        what: op_words(op),
        outcome,
        ok,
        zxid: *zxid,
        read: r.read,
    })
}

/// An op as zkCli would be typed: "get /a", "create -e -s /lock/x-".
pub fn op_words(op: &ClientOp) -> String {
    use crate::sim::zab::message::CreateMode;
    match op {
        ClientOp::Create { path, mode, .. } => {
            let flags = match mode {
                CreateMode::Persistent => "",
                CreateMode::Ephemeral => "-e ",
                CreateMode::Sequential => "-s ",
                CreateMode::EphemeralSequential => "-e -s ",
            };
            format!("create {flags}{path}")
        }
        ClientOp::SetData { path, .. } => format!("set {path}"),
        ClientOp::Delete { path, .. } => format!("delete {path}"),
        ClientOp::GetData { path, watch } => format!("get {}{path}", watch_flag(*watch)),
        ClientOp::GetChildren { path, watch } => format!("ls {}{path}", watch_flag(*watch)),
        ClientOp::Exists { path, watch } => format!("stat {}{path}", watch_flag(*watch)),
        ClientOp::Sync { path } => format!("sync {path}"),
        ClientOp::CloseSession => "close".to_string(),
    }
}

fn watch_flag(watch: bool) -> &'static str {
    if watch {
        "-w "
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{parse::parse, run::execute};
    use crate::sim::WorldConfig;

    fn run(src: &str) -> World {
        let script = parse(src).expect("a valid script");
        let mut w = World::new(crate::sim::scenario::run::world_config(&script).unwrap());
        execute(&mut w, &script, &mut Vec::new()).expect("the script runs");
        w
    }

    #[test]
    fn a_read_from_a_lagging_follower_is_marked_stale_and_one_after_sync_is_not() {
        let src = std::fs::read_to_string("tests/scenarios/stale_read_and_sync.zs").unwrap();
        let w = run(&src);
        let reads: Vec<ResultLine> = result_lines(&w, Some("c1"))
            .into_iter()
            .filter(|l| l.what == "get /cfg")
            .collect();
        assert_eq!(reads.len(), 3, "{reads:?}");
        let marks: Vec<&str> = reads.iter().map(|l| l.staleness()).collect();
        assert_eq!(marks, ["fresh", "stale", "fresh"], "{reads:?}");
        assert!(reads[1].stale_words().unwrap().contains("has mzxid"));
        assert!(reads[1].outcome.starts_with("\"old\""), "{:?}", reads[1]);
        assert!(reads[2].outcome.starts_with("\"new\""), "{:?}", reads[2]);
    }

    #[test]
    fn clients_are_drawn_with_their_server_session_and_expiry() {
        let w = run("servers 3\nseed 4\nstart all\nuntil stable 10s\nclient c1 connect 2,3 timeout 3s\ncreate c1 -e /a x\nclient c2 connect 1\nclient c2 crash\nrun 1s\n");
        let views = client_views(&w);
        assert_eq!(views.len(), 2);
        let (c1, c2) = (&views[0], &views[1]);
        assert_eq!(
            (&*c1.name, c1.state, c1.server, c1.connected),
            ("c1", "connected", Some(2), true)
        );
        assert_ne!(c1.session, 0);
        let e = c1.expiry.expect("the leader tracks c1's session");
        assert_eq!(e.timeout, 3000, "negotiated within [2, 20] ticks");
        assert!(e.due > w.now() && e.due <= w.now() + 3000 + 200, "{e:?}");
        assert_eq!(
            (c2.state, c2.server, c2.connected),
            ("crashed", None, false)
        );
        // c2's session lives on until it expires.
        assert!(c2.expiry.is_some());
        assert!(c1.last_zxid > Zxid::ZERO);
    }

    #[test]
    fn client_packets_are_on_their_wire_both_ways() {
        let mut w = World::new(WorldConfig::new(3, 0, 2));
        w.apply(crate::sim::Command::StartAll).unwrap();
        w.run_until(4000);
        w.apply(crate::sim::Command::ClientConnect {
            name: "c1".into(),
            servers: vec![1],
            timeout: None,
        })
        .unwrap();
        w.run_until(w.now() + 1);
        let views = client_views(&w);
        let msgs = client_messages(&w, &views);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(
            (msgs[0].kind, msgs[0].server, msgs[0].up),
            ("CONNECT", 1, true)
        );
        let mut seen_down = false;
        for _ in 0..200 {
            w.run_until(w.now() + 1);
            let m = client_messages(&w, &client_views(&w));
            seen_down |= m.iter().any(|m| !m.up && m.kind == "CONNECTED");
        }
        assert!(seen_down);
    }
}
