//! What the outside world may read: a snapshot of every server and message in flight, built
//! from the world without reaching into it from the UI, plus the `status` JSON of the CLI.

use super::paxos::{Ballot, PaxosDisk, PaxosMode, PaxosRole, PaxosServer, Slot};
use super::types::{Epoch, Millis, Sid, Zxid};
use super::world::World;
use super::zab::leader::LeaderPhase;
use super::zab::learner::LearnerStage;
use super::zab::{Role, Server, Vote};
use serde_json::json;

/// A server's mode, as `srvr` names it (plus DOWN in the simulator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Leader,
    Follower,
    Observer,
    Looking,
    Down,
}

impl Mode {
    /// The word `status`, the page's CSS and `data-mode` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Leader => "leader",
            Mode::Follower => "follower",
            Mode::Observer => "observer",
            Mode::Looking => "looking",
            Mode::Down => "down",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a server stands in its protocol: Zab's phases, or a Paxos server's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Election,
    Discovery,
    Synchronization,
    Broadcast,
    Down,
    /// Paxos: running phase 1 with its own ballot.
    Prepare,
    /// Paxos: a leader past phase 1, proposing.
    Propose,
    /// Paxos: an observer, learning only.
    Learning,
    /// Paxos: following a known leader.
    Following,
    /// Single-decree Paxos: the decree is learned.
    Learned,
    /// Paxos: no leader known yet.
    Waiting,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Election => "ELECTION",
            Phase::Discovery => "DISCOVERY",
            Phase::Synchronization => "SYNCHRONIZATION",
            Phase::Broadcast => "BROADCAST",
            Phase::Down => "DOWN",
            Phase::Prepare => "PHASE 1",
            Phase::Propose => "PHASE 2",
            Phase::Learning => "LEARNING",
            Phase::Following => "FOLLOWING",
            Phase::Learned => "LEARNED",
            Phase::Waiting => "WAITING",
        }
    }

    /// Serving: a Zab leader or learner in BROADCAST, a Paxos leader proposing.
    pub fn is_serving(self) -> bool {
        matches!(self, Phase::Broadcast | Phase::Propose)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerView {
    pub id: Sid,
    pub observer: bool,
    pub mode: Mode,
    pub phase: Phase,
    /// What `srvr` reports as Zxid: the last processed zxid.
    pub zxid: Zxid,
    pub last_logged: Zxid,
    /// currentEpoch.
    pub epoch: Epoch,
    pub accepted_epoch: Epoch,
    pub leader: Option<Sid>,
    /// The vote it proposes while LOOKING, its settled vote otherwise.
    pub vote: Option<Vote>,
    pub round: u64,
    pub log_len: usize,
    /// How a leader last brought this server up to date: "DIFF", "TRUNC" or "SNAP".
    pub last_sync: Option<&'static str>,
    /// Set for the servers of a Paxos ensemble.
    pub paxos: Option<PaxosServerView>,
    /// A running ZooKeeper server's tree: `srvr`'s Node count and the digest.
    pub tree: Option<TreeSummary>,
}

/// What a running server's tree amounts to, in two numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeSummary {
    /// What `srvr` reports as "Node count" (znodes + 1; 5 when fresh).
    pub nodes: usize,
    pub digest: u64,
}

/// What a Paxos server shows: its promise, what it accepted, what it learned.
#[derive(Clone, Debug, PartialEq)]
pub struct PaxosServerView {
    /// The highest ballot promised (durable).
    pub promised: Ballot,
    /// The ballot it proposes with, if it is a proposer right now.
    pub proposing: Option<Ballot>,
    /// Accepted (ballot, value) per slot (durable).
    pub accepted: Vec<(Slot, Ballot, String)>,
    /// Learned (chosen) values per slot.
    pub chosen: Vec<(Slot, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub kind: &'static str,
    pub label: String,
    pub sent_at: Millis,
    pub deliver_at: Millis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub now: Millis,
    pub servers: Vec<ServerView>,
    pub messages: Vec<MessageView>,
    /// Directed links that are cut, as (from, to).
    pub cut_links: Vec<(Sid, Sid)>,
    pub violations: usize,
    /// The client actors, in creation order.
    pub clients: Vec<ClientView>,
}

/// A client as `status` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub name: String,
    /// connecting, connected, closed, expired or crashed.
    pub state: &'static str,
    /// While connected.
    pub server: Option<Sid>,
    /// 0 before it has one.
    pub session: u64,
    pub last_zxid: crate::sim::types::Zxid,
    /// What its recipe program believes (`holds /lock`, ...), if it runs one.
    pub belief: Option<crate::sim::zab::recipe::Belief>,
}

fn client_views(world: &World) -> Vec<ClientView> {
    let Some(engine) = world.zab() else {
        return Vec::new();
    };
    // A name connected again is a new client actor: the newest one stands for the name.
    let all: Vec<_> = engine.clients().collect();
    (all.iter().enumerate())
        .filter(|(i, c)| !all[i + 1..].iter().any(|later| later.name == c.name))
        .map(|(_, c)| ClientView {
            name: c.name.clone(),
            state: c.state_name(),
            server: c.client.server().filter(|_| !c.crashed),
            session: c.client.session,
            last_zxid: c.client.last_zxid,
            belief: c.belief().cloned(),
        })
        .collect()
}

impl View {
    pub fn of(world: &World) -> View {
        let servers = server_views(world);
        let messages = world
            .in_flight()
            .into_iter()
            .map(|m| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: m.msg.kind(),
                label: m.msg.text(),
                sent_at: m.sent_at,
                deliver_at: m.deliver_at,
            })
            .collect();
        let n = servers.len() as Sid;
        let cut_links = (1..=n)
            .flat_map(|a| (1..=n).map(move |b| (a, b)))
            .filter(|(a, b)| a != b && !world.net().is_up(*a, *b))
            .collect();
        View {
            now: world.now(),
            servers,
            messages,
            cut_links,
            violations: world.violations().len(),
            clients: client_views(world),
        }
    }
}

/// Only the servers' part of the view, for callers that build their own message list (the page
/// keeps each in-flight message's label from frame to frame instead of formatting it again).
pub fn server_views(world: &World) -> Vec<ServerView> {
    world
        .servers()
        .map(|(sid, s)| match s {
            Some(s) => server_view(s),
            None => server_view_of(world, sid),
        })
        .collect()
}

/// The view of one server (the page's inspector needs one, not all N).
pub fn server_view_of(world: &World, sid: Sid) -> ServerView {
    match (
        world.server(sid),
        world.paxos_server(sid),
        world.paxos_disk(sid),
    ) {
        (Some(s), _, _) => server_view(s),
        (None, Some(p), _) => paxos_view(world, p),
        (None, None, Some(disk)) => paxos_down_view(world, sid, disk),
        (None, None, None) => down_view(world, sid),
    }
}

fn server_view(s: &Server) -> ServerView {
    let (mode, phase, vote) = match &s.role {
        Role::Looking(e) => (Mode::Looking, Phase::Election, Some(e.proposal)),
        Role::Leading(l) => (
            Mode::Leader,
            match l.phase {
                LeaderPhase::Discovery => Phase::Discovery,
                LeaderPhase::Synchronization => Phase::Synchronization,
                LeaderPhase::Broadcast => Phase::Broadcast,
            },
            Some(s.current_vote.0),
        ),
        Role::Learning(l) => (
            if l.observer {
                Mode::Observer
            } else {
                Mode::Follower
            },
            match l.stage {
                LearnerStage::Connecting => Phase::Discovery,
                LearnerStage::Syncing | LearnerStage::NewLeaderAcked => Phase::Synchronization,
                LearnerStage::Broadcast => Phase::Broadcast,
            },
            Some(s.current_vote.0),
        ),
    };
    ServerView {
        id: s.id,
        observer: !s.is_voter(),
        mode,
        phase,
        zxid: s.last_processed(),
        last_logged: s.disk.last_logged_zxid(),
        epoch: s.disk.current_epoch,
        accepted_epoch: s.disk.accepted_epoch,
        leader: s.leader(),
        vote,
        round: s.round,
        log_len: s.disk.log.len(),
        last_sync: s.last_sync.map(|m| m.as_str()),
        paxos: None,
        tree: Some(TreeSummary {
            nodes: s.tree.node_count(),
            digest: s.tree.digest,
        }),
    }
}

fn down_view(world: &World, sid: Sid) -> ServerView {
    let disk = world.disk(sid);
    ServerView {
        id: sid,
        observer: world.ensemble().is_observer(sid),
        mode: Mode::Down,
        phase: Phase::Down,
        zxid: disk.last_logged_zxid(),
        last_logged: disk.last_logged_zxid(),
        epoch: disk.current_epoch,
        accepted_epoch: disk.accepted_epoch,
        leader: None,
        vote: None,
        round: 0,
        log_len: disk.log.len(),
        last_sync: None,
        paxos: None,
        tree: None,
    }
}

fn paxos_view(world: &World, p: &PaxosServer) -> ServerView {
    let observer = world.ensemble().is_observer(p.id);
    let (mode, phase) = match p.role() {
        PaxosRole::Leader => (Mode::Leader, Phase::Propose),
        PaxosRole::Candidate => (Mode::Looking, Phase::Prepare),
        PaxosRole::Follower if observer => (Mode::Observer, Phase::Learning),
        PaxosRole::Follower if p.leader.is_some() => (Mode::Follower, Phase::Following),
        // Single-decree Paxos has no leader: once the decree is learned, the server is done.
        PaxosRole::Follower
            if p.cfg.mode == PaxosMode::SingleDecree && p.chosen.contains_key(&0) =>
        {
            (Mode::Follower, Phase::Learned)
        }
        PaxosRole::Follower => (Mode::Looking, Phase::Waiting),
    };
    let mut v = blank(p.id, observer, mode, phase);
    v.leader = p.leader;
    v.paxos = Some(PaxosServerView {
        promised: p.disk.promised,
        proposing: p.proposer.as_ref().map(|pr| pr.ballot),
        accepted: accepted_list(&p.disk),
        chosen: p.chosen.iter().map(|(s, v)| (*s, v.to_string())).collect(),
    });
    v
}

fn paxos_down_view(world: &World, sid: Sid, disk: &PaxosDisk) -> ServerView {
    let mut v = blank(
        sid,
        world.ensemble().is_observer(sid),
        Mode::Down,
        Phase::Down,
    );
    v.paxos = Some(PaxosServerView {
        promised: disk.promised,
        proposing: None,
        accepted: accepted_list(disk),
        chosen: Vec::new(),
    });
    v
}

fn accepted_list(disk: &PaxosDisk) -> Vec<(Slot, Ballot, String)> {
    disk.accepted
        .iter()
        .map(|(s, (b, v))| (*s, *b, v.to_string()))
        .collect()
}

fn blank(id: Sid, observer: bool, mode: Mode, phase: Phase) -> ServerView {
    ServerView {
        id,
        observer,
        mode,
        phase,
        zxid: Zxid::ZERO,
        last_logged: Zxid::ZERO,
        epoch: 0,
        accepted_epoch: 0,
        leader: None,
        vote: None,
        round: 0,
        log_len: 0,
        last_sync: None,
        paxos: None,
        tree: None,
    }
}

/// True if the leader is serving (used by callers that only have a view).
pub fn is_serving(phase: Phase) -> bool {
    phase.is_serving()
}

/// The CLI's `status` line: `{"t": ms, "servers": {"1": {"mode", "zxid", "epoch",
/// "accepted_epoch", "leader"}, …}}`.
pub fn status_json(view: &View) -> String {
    // Written by hand so that "t" comes first and servers stay in numeric order (a JSON map
    // would sort "10" before "2").
    let servers: Vec<String> = view
        .servers
        .iter()
        .map(|s| {
            let leader = s.leader.map_or("null".to_string(), |l| l.to_string());
            if let Some(p) = &s.paxos {
                // Paxos servers: the same shape, with the ballot promised and the number of
                // slots learned in place of Zab's zxid and epochs.
                return format!(
                    "\"{}\": {{\"mode\": {}, \"ballot\": \"{}\", \"chosen\": {}, \"leader\": {}}}",
                    s.id,
                    json!(s.mode.as_str()),
                    p.promised,
                    p.chosen.len(),
                    leader
                );
            }
            // A running server adds its tree: srvr's node count and the digest.
            let tree = s.tree.map_or(String::new(), |t| {
                format!(", \"nodes\": {}, \"digest\": \"{:016x}\"", t.nodes, t.digest)
            });
            format!(
                "\"{}\": {{\"mode\": {}, \"zxid\": \"{}\", \"epoch\": {}, \"accepted_epoch\": {}, \"leader\": {}{tree}}}",
                s.id,
                json!(s.mode.as_str()),
                s.zxid,
                s.epoch,
                s.accepted_epoch,
                leader
            )
        })
        .collect();
    // Clients follow the servers, in creation order (left out when there are none, so the
    // scripts of before clients print as they did).
    let clients = if view.clients.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = view.clients.iter().map(client_json).collect();
        format!(", \"clients\": {{{}}}", list.join(", "))
    };
    format!(
        "{{\"t\": {}, \"servers\": {{{}}}{clients}}}",
        view.now,
        servers.join(", ")
    )
}

fn client_json(c: &ClientView) -> String {
    let server = c
        .server
        .map_or(String::new(), |s| format!(", \"server\": {s}"));
    let session = if c.session == 0 {
        String::new()
    } else {
        format!(", \"session\": \"0x{:x}\"", c.session)
    };
    // Only a client running a recipe says what it believes (older scripts print as before).
    let belief = c.belief.as_ref().map_or(String::new(), |b| {
        format!(", \"belief\": {}", json!(b.to_string().as_str()))
    });
    format!(
        "{}: {{\"state\": {}{server}{session}, \"last_zxid\": \"{}\"{belief}}}",
        json!(c.name.as_str()),
        json!(c.state),
        c.last_zxid
    )
}
