//! The engine's clients: client actors (zab::client, ClientCnxn) on their own TCP-like
//! connections to servers, stepped like servers from the one event queue, their packets on
//! the network's client links (cut and healed like server links, animated like any other
//! message). Only ZooKeeper has clients (`Node::SESSIONS`).

use super::*;
use crate::sim::data::Code;
use crate::sim::node::{Actor, BeliefOf, ClientConn, ClientId, ClientMsg, ResourceWriteFact};
use crate::sim::types::Zxid;
use crate::sim::zab::client::{
    Client, ClientEvent, ClientInput, ClientOp, ClientOutput, ClientState, ClientTimer, OpResult,
    OpValue,
};
use crate::sim::zab::recipe::{Belief, Program, RecipeKind, RecipeOutput, RecipeStep};
use crate::sim::zab::Variant;
use std::hash::Hasher;

/// A client packet on the wire, with what the page needs to animate it.
#[derive(Clone, Debug, Hash)]
pub struct ClientFlight {
    pub id: u64,
    pub from: Actor,
    pub to: Actor,
    pub conn: ClientConn,
    pub msg: ClientMsg,
    pub sent_at: Millis,
    pub deliver_at: Millis,
    pub(super) generation: u32,
}

/// How a read compared with the serving leader's committed tree at the moment its server
/// answered: a read is stale when the znode it saw is older than the leader's (or exists
/// on one side only). The engine stamps it (the client cannot know); it is an observation
/// for the page, never part of the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadCheck {
    pub leader: Sid,
    /// The znode's mzxid as the server answered (`None`: it had no such znode).
    pub read: Option<Zxid>,
    /// The leader's mzxid for it then (`None`: the leader has no such znode).
    pub leader_mzxid: Option<Zxid>,
}

impl ReadCheck {
    pub fn stale(&self) -> bool {
        match (self.read, self.leader_mzxid) {
            (Some(read), Some(leader)) => read < leader,
            (None, None) => false,
            _ => true,
        }
    }
}

/// One event of one client, as the page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientRecord {
    pub at: Millis,
    pub client: ClientId,
    pub event: ClientEvent,
    /// For the answer to a getData or exists: how it compared with the leader's tree.
    pub read: Option<ReadCheck>,
}

/// One client connection's life: the link generations it opened under (a cut since kills
/// it), and whether an end closed it.
#[derive(Clone, Copy, Debug, Hash)]
pub(super) struct ConnLife {
    generations: (u32, u32),
    closed: bool,
}

/// What a script remembers of a client's answers (the `expect read/children/...` lines).
#[derive(Clone, Debug, Default, Hash)]
pub struct ClientMemory {
    pub data: BTreeMap<String, OpResult>,
    pub children: BTreeMap<String, OpResult>,
    pub exists: BTreeMap<String, OpResult>,
    /// The last write's (create, set, delete, close) outcome, and the last name created.
    pub last_write: Option<OpResult>,
    pub last_created: Option<String>,
    /// Results received so far (a command waits for the next one).
    pub results: u64,
    /// Watch events received, per path, in order.
    pub watch_events: BTreeMap<String, Vec<crate::sim::zab::client::WatchKind>>,
}

/// A client actor and what the engine keeps beside it.
#[derive(Clone, Debug, Hash)]
pub struct ClientSlot {
    pub name: String,
    pub client: Client,
    /// The process died (`client C crash`): nothing runs, the session expires by itself.
    pub crashed: bool,
    pub memory: ClientMemory,
    tokens: [u64; 5],
    /// The recipe program it runs, if any (`client C run ...`).
    pub program: ProgramSlot,
}

/// A client's recipe program, if it runs one. Hashed only when present, so a run without
/// recipes keeps the state hash it had before programs existed.
#[derive(Clone, Debug, Default)]
pub struct ProgramSlot(pub Option<Box<Program>>);

impl std::hash::Hash for ProgramSlot {
    fn hash<H: Hasher>(&self, h: &mut H) {
        if let Some(p) = &self.0 {
            p.hash(h);
        }
    }
}

/// The resource a recipe lock protects (a storage service outside ZooKeeper): it accepts a
/// holder's write only if its fencing token (its lock node's czxid) is at least the highest
/// it has accepted, so a holder whose session expired behind its back is refused.
#[derive(Clone, Debug, Default, Hash)]
pub struct Resource {
    pub highest: crate::sim::types::Zxid,
    /// The last writes, oldest first.
    pub writes: VecDeque<ResourceWrite>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct ResourceWrite {
    pub at: Millis,
    pub client: String,
    pub token: crate::sim::types::Zxid,
    pub accepted: bool,
}

const RESOURCE_WRITES: usize = 32;

impl ClientSlot {
    /// "connecting", "connected", "closed", "expired" or "crashed" (`status`).
    pub fn state_name(&self) -> &'static str {
        if self.crashed {
            "crashed"
        } else {
            self.client.state.as_str()
        }
    }

    /// What its recipe program believes (`holds /lock`, `leads /election`, a config value).
    /// A process that died believes nothing; a paused one still believes what it did, which
    /// may be stale (its session may have expired meanwhile).
    pub fn belief(&self) -> Option<&Belief> {
        if self.crashed
            || !matches!(
                self.client.state,
                ClientState::Connecting | ClientState::Connected
            )
        {
            return None;
        }
        self.program.0.as_deref()?.belief()
    }

    /// The recipe program, if it runs (or ran) one.
    pub fn program(&self) -> Option<&Program> {
        self.program.0.as_deref()
    }

    /// Its lock program believes it holds its lock.
    fn holds_lock(&self) -> bool {
        matches!(self.belief(), Some(Belief::Holds(_)))
    }

    fn runs_program(&self) -> bool {
        self.program().is_some_and(|p| p.is_running())
    }

    /// Alive and not done: a second `connect` of it is an error.
    pub fn is_live(&self) -> bool {
        !self.crashed
            && matches!(
                self.client.state,
                ClientState::Connecting | ClientState::Connected
            )
    }
}

impl<N: Node> Engine<N> {
    /// Every client, in creation order.
    pub fn clients(&self) -> impl Iterator<Item = &ClientSlot> {
        self.clients.iter()
    }

    /// The clients that believe they hold the recipe lock at `path` (or lead the election
    /// there), in creation order: more than one only while a holder's belief is stale (or
    /// a broken variant runs). What the page shows as `data-holder`.
    pub fn holders<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a ClientSlot> + 'a {
        self.clients.iter().filter(move |c| {
            c.belief()
                .is_some_and(|b| b.is_exclusive() && b.path() == path)
        })
    }

    /// The newest client by that name.
    pub fn client(&self, name: &str) -> Option<&ClientSlot> {
        self.clients.iter().rev().find(|c| c.name == name)
    }

    fn client_id(&self, name: &str) -> Option<ClientId> {
        let i = self.clients.iter().rposition(|c| c.name == name)?;
        Some(i as ClientId + 1)
    }

    /// Client packets on the wire now, oldest first.
    pub fn client_flights(&self) -> Vec<&ClientFlight> {
        let mut v: Vec<&ClientFlight> = (self.queue.iter())
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::ClientDeliver(m) if self.net.survives(m.from, m.to, m.generation) => {
                    Some(m)
                }
                _ => None,
            })
            .collect();
        v.sort_by_key(|m| m.id);
        v
    }

    /// Checks a client command against the world (names, liveness, servers).
    pub(super) fn check_client_command(&self, cmd: &Command) -> Result<(), String> {
        let Some(name) = cmd.client_name() else {
            return Ok(());
        };
        if !N::SESSIONS {
            return Err(
                "clients are a ZooKeeper feature: the Paxos modes take writes only".to_string(),
            );
        }
        let live = self.client(name).is_some_and(|c| c.is_live());
        match cmd {
            Command::ClientConnect { .. } if live => {
                Err(format!("client {name} is already connected or connecting"))
            }
            Command::ClientConnect { .. } => Ok(()),
            _ if self.client(name).is_none() => Err(format!(
                "there is no client {name}: `client {name} connect IDS` first"
            )),
            Command::ClientCrash(_)
            | Command::ClientPause { .. }
            | Command::ClientMove { .. }
            | Command::ClientRun { .. }
            | Command::ClientRelease(_)
            | Command::ClientUse { .. }
                if self.client(name).is_some_and(|c| c.crashed) =>
            {
                Err(format!("client {name} has crashed"))
            }
            Command::ClientRun { .. } => self.check_run(name),
            Command::ClientRelease(_) if !self.client(name).is_some_and(|c| c.runs_program()) => {
                Err(format!("client {name} runs no recipe to release"))
            }
            Command::ClientUse { path, .. } => {
                let lock = (self.client(name).and_then(|c| c.program()))
                    .filter(|p| p.kind == RecipeKind::Lock && p.path == *path);
                match lock {
                    Some(_) => Ok(()),
                    None => Err(format!(
                        "client {name} runs no lock on {path}: `client {name} run lock {path}` first"
                    )),
                }
            }
            _ => Ok(()),
        }
    }

    fn check_run(&self, name: &str) -> Result<(), String> {
        let c = self.client(name).expect("checked");
        if !c.is_live() {
            return Err(format!("client {name} has no session to run a recipe in"));
        }
        match c.program().filter(|p| p.is_running()) {
            Some(p) => Err(format!(
                "client {name} already runs {} on {} (`client {name} release` first)",
                p.kind.as_str(),
                p.path
            )),
            None => Ok(()),
        }
    }

    /// Applies a client command (already checked).
    pub(super) fn apply_client(&mut self, cmd: Command) {
        match cmd {
            Command::ClientConnect {
                name,
                servers,
                timeout,
            } => self.new_client(name, servers, timeout),
            Command::ClientClose(name) => self.client_op(&name, ClientOp::CloseSession),
            Command::ClientRequest { name, op } => self.client_op(&name, op),
            Command::ClientMove { name, sid } => {
                let id = self.client_id(&name).expect("checked");
                self.step_client(id, ClientInput::Move(sid));
            }
            Command::ClientPause { name, ms } => {
                let until = self.now + ms;
                let id = self.client_id(&name).expect("checked");
                self.step_client(id, ClientInput::Pause { until });
            }
            Command::ClientCrash(name) => {
                self.crash_client(&name);
                let id = self.client_id(&name).expect("checked");
                self.report_belief(id);
            }
            Command::ClientRun { name, kind, path } => {
                let id = self.client_id(&name).expect("checked");
                let no_recheck = self.ensemble.variant == Variant::LockNoRecheck;
                let mut program = Program::new(kind, &path, &name, id, no_recheck);
                program.start();
                self.clients[id as usize - 1].program = ProgramSlot(Some(Box::new(program)));
                self.flush_program(id);
            }
            Command::ClientRelease(name) => {
                let id = self.client_id(&name).expect("checked");
                if let Some(p) = self.clients[id as usize - 1].program.0.as_mut() {
                    p.release();
                }
                self.flush_program(id);
            }
            Command::ClientUse { name, .. } => {
                let id = self.client_id(&name).expect("checked");
                self.use_resource(id);
            }
            Command::ClientLink { name, sid, cut } => {
                let client = Actor::Client(self.client_id(&name).expect("checked"));
                let server = Actor::Server(sid);
                if cut {
                    self.cut_actors(client, server);
                    self.cut_actors(server, client);
                } else {
                    self.net.heal(client, server);
                    self.net.heal(server, client);
                }
            }
            _ => unreachable!("not a client command"),
        }
    }

    fn new_client(&mut self, name: String, servers: Vec<Sid>, timeout: Option<Millis>) {
        let Actor::Client(id) = self.net.add_client() else {
            unreachable!("a client actor")
        };
        let timeout = timeout.unwrap_or(DEFAULT_CLIENT_TIMEOUT_MS);
        self.clients.push(ClientSlot {
            name,
            client: Client::new(id, servers, timeout),
            crashed: false,
            memory: ClientMemory::default(),
            tokens: [0; 5],
            program: ProgramSlot::default(),
        });
        self.step_client(id, ClientInput::Start);
    }

    fn client_op(&mut self, name: &str, op: ClientOp) {
        let id = self.client_id(name).expect("checked");
        if self.clients[id as usize - 1].crashed {
            // A dead process answers nothing; the script is told at once.
            let memory = &mut self.clients[id as usize - 1].memory;
            remember(memory, &op, &Err(Code::ConnectionLoss));
            return;
        }
        self.step_client(id, ClientInput::Op(op));
    }

    /// The client process dies: its OS closes its sockets (the server sees them close; the
    /// session lives on until it expires).
    fn crash_client(&mut self, name: &str) {
        let id = self.client_id(name).expect("checked");
        let slot = &mut self.clients[id as usize - 1];
        slot.crashed = true;
        slot.tokens.iter_mut().for_each(|t| *t += 1);
        let conns: Vec<ClientConn> = (self.client_conns.iter())
            .filter(|(c, l)| c.client == id && !l.closed)
            .map(|(c, _)| *c)
            .collect();
        for conn in conns {
            self.close_client_conn(Actor::Client(id), conn, false);
        }
    }

    /// Whether the client `name` still waits for the answer to what it was last asked.
    pub fn client_waiting(&self, name: &str, since_results: u64) -> bool {
        let Some(c) = self.client(name) else {
            return false;
        };
        !c.crashed && c.memory.results == since_results
    }

    /// A server crashed: its OS resets every client connection it had.
    pub(super) fn reset_client_conns(&mut self, sid: Sid) {
        let conns: Vec<ClientConn> = (self.client_conns.iter())
            .filter(|(c, l)| c.server == sid && !l.closed)
            .map(|(c, _)| *c)
            .collect();
        for conn in conns {
            self.close_client_conn(Actor::Server(sid), conn, false);
        }
    }

    /// Heals every client link (`heal all`).
    pub(super) fn heal_client_links(&mut self) {
        for id in 1..=self.clients.len() as ClientId {
            for sid in 1..=self.slots.len() as Sid {
                self.net.heal(Actor::Client(id), Actor::Server(sid));
                self.net.heal(Actor::Server(sid), Actor::Client(id));
            }
        }
    }

    /// Everything in flight on the link dies with it, and every connection across it.
    fn cut_actors(&mut self, from: Actor, to: Actor) {
        let alive = self.net.link(from, to).generation;
        if self.net.cut(from, to) && self.trace.is_some() {
            self.trace_client_cut(from, to, alive);
        }
    }

    /// The trace's record of the client packets a cut kills (the queue still holds them;
    /// they are dropped when due). Sorted by id: the queue's order is a heap's.
    fn trace_client_cut(&mut self, from: Actor, to: Actor, alive: u32) {
        let mut dying: Vec<(u64, &'static str)> = (self.queue.iter())
            .filter_map(|Reverse(e)| match &e.kind {
                EventKind::ClientDeliver(m)
                    if m.from == from && m.to == to && m.generation == alive =>
                {
                    Some((m.id, m.msg.kind()))
                }
                _ => None,
            })
            .collect();
        dying.sort_unstable();
        for (id, kind) in dying {
            self.record(|| TraceWhat::Lost {
                id,
                from,
                to,
                kind,
                why: "link cut",
            });
        }
    }

    /// Records a client packet's death in the trace, unless a cut killed it before.
    fn trace_client_loss(&mut self, m: &ClientFlight, why: &'static str) {
        if self.trace.is_none() || self.net.link(m.from, m.to).generation != m.generation {
            return;
        }
        self.record(|| TraceWhat::Lost {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: m.msg.kind(),
            why,
        });
    }

    fn conn_alive(&self, conn: &ClientConn) -> bool {
        let Some(life) = self.client_conns.get(conn) else {
            return false;
        };
        !life.closed && life.generations == self.generations(conn)
    }

    fn generations(&self, conn: &ClientConn) -> (u32, u32) {
        let (c, s) = (Actor::Client(conn.client), Actor::Server(conn.server));
        (
            self.net.link(c, s).generation,
            self.net.link(s, c).generation,
        )
    }

    /// `closer` closes `conn` (FIN, or the RST of a dead process): the other end hears of it
    /// if the link lets it through.
    fn close_client_conn(&mut self, closer: Actor, conn: ClientConn, refused: bool) {
        let Some(life) = self.client_conns.get_mut(&conn) else {
            return;
        };
        if life.closed {
            return;
        }
        life.closed = true;
        let peer = if closer == Actor::Client(conn.client) {
            Actor::Server(conn.server)
        } else {
            Actor::Client(conn.client)
        };
        let (at, _) = self.net.schedule(closer, peer, self.now, &mut self.rng);
        self.push(
            at,
            EventKind::ClientConnClosed {
                from: closer,
                to: peer,
                conn,
                refused,
            },
        );
    }

    pub(super) fn step_client(&mut self, id: ClientId, input: ClientInput) {
        let i = id as usize - 1;
        if self.clients[i].crashed {
            return;
        }
        let mut outputs = Vec::new();
        let client = &mut self.clients[i].client;
        client.step(self.now, input);
        client.take_outputs(&mut outputs);
        for out in outputs {
            self.route_client(id, out);
        }
        self.flush_program(id);
    }

    /// Carries out what the client's recipe program asked for since the last time: its
    /// requests go through its client (after the client's own outputs are routed, so the
    /// program never overtakes the client), its steps go to the feed, and a change of its
    /// belief goes to the checker.
    fn flush_program(&mut self, id: ClientId) {
        let i = id as usize - 1;
        let Some(program) = self.clients[i].program.0.as_mut() else {
            return;
        };
        let outputs = program.take_outputs();
        if outputs.is_empty() {
            return;
        }
        let (kind, path) = (program.kind, program.path.clone());
        for out in outputs {
            match out {
                RecipeOutput::Op(op) => self.step_client(id, ClientInput::Op(op)),
                RecipeOutput::Step(step) => self.feed_recipe(id, kind, &path, step),
                RecipeOutput::Use { .. } => self.use_resource(id),
            }
        }
        self.report_belief(id);
    }

    /// Tells the checker what the client believes now (it keeps the last and compares).
    fn report_belief(&mut self, id: ClientId) {
        let slot = &self.clients[id as usize - 1];
        let who = BeliefOf {
            client: id,
            name: &slot.name,
            session: slot.client.session,
        };
        self.checker
            .on_belief(self.events, self.now, &who, slot.belief());
    }

    /// A lock holder writes to the resource its lock protects, with its node's czxid as
    /// the fencing token; the resource refuses a token lower than one it accepted. A client
    /// that is paused does nothing, and one that believes it does not hold writes nothing.
    fn use_resource(&mut self, id: ClientId) {
        let slot = &self.clients[id as usize - 1];
        let Some(program) = slot.program() else {
            return;
        };
        let (kind, path, token) = (program.kind, program.path.clone(), program.token());
        if slot.client.is_paused() {
            return self.feed_recipe(id, kind, &path, RecipeStep::Paused);
        }
        if slot.belief() != Some(&Belief::Holds(path.clone())) {
            return self.feed_recipe(id, kind, &path, RecipeStep::NotHolding);
        }
        let name = slot.name.clone();
        let skip_fencing = self.ensemble.variant == Variant::SkipFencing;
        let resource = self.resources.entry(path.clone()).or_default();
        let highest_before = resource.highest;
        let accepted = skip_fencing || token >= highest_before;
        if accepted {
            resource.highest = resource.highest.max(token);
        }
        if resource.writes.len() == RESOURCE_WRITES {
            resource.writes.pop_front();
        }
        resource.writes.push_back(ResourceWrite {
            at: self.now,
            client: name,
            token,
            accepted,
        });
        let fact = ResourceWriteFact {
            client: id,
            name: self.clients[id as usize - 1].name.clone(),
            path: path.clone(),
            token,
            highest_before,
            accepted,
        };
        self.checker.on_resource_write(self.events, self.now, &fact);
        let step = RecipeStep::Wrote {
            token,
            highest_before,
            accepted,
        };
        self.feed_recipe(id, kind, &path, step);
    }

    /// The resource a recipe lock at `path` protects, if anyone wrote to it.
    pub fn resource(&self, path: &str) -> Option<&Resource> {
        self.resources.get(path)
    }

    /// Every protected resource, by its lock's path.
    pub fn resources(&self) -> impl Iterator<Item = (&String, &Resource)> {
        self.resources.iter()
    }

    fn feed_recipe(&mut self, id: ClientId, kind: RecipeKind, path: &str, step: RecipeStep) {
        let name = self.clients[id as usize - 1].name.clone();
        let what = ClientWhat::Recipe {
            kind,
            path: path.to_string(),
            step,
        };
        self.push_client_fact(name, what);
    }

    fn push_client_fact(&mut self, name: String, what: ClientWhat) {
        if self.feed.is_none() {
            return;
        }
        if self.client_feed.len() == FEED_LENGTH {
            self.client_feed.pop_front();
        }
        self.fed += 1;
        self.client_feed.push_back(FeedEntry {
            seq: self.fed,
            at: self.now,
            sid: 0,
            what: ClientFact { name, what },
        });
    }

    fn route_client(&mut self, id: ClientId, out: ClientOutput) {
        let i = id as usize - 1;
        match out {
            ClientOutput::Send { conn, msg } => {
                if matches!(msg, ClientMsg::Connect { .. }) {
                    let generations = self.generations(&conn);
                    self.client_conns.insert(
                        conn,
                        ConnLife {
                            generations,
                            closed: false,
                        },
                    );
                }
                let _ = self.send_client_packet(
                    Actor::Client(id),
                    Actor::Server(conn.server),
                    conn,
                    msg,
                );
            }
            ClientOutput::Close(conn) => self.close_client_conn(Actor::Client(id), conn, false),
            ClientOutput::SetTimer { kind, at } => {
                let token = &mut self.clients[i].tokens[kind.index()];
                *token += 1;
                let token = *token;
                self.push(
                    at,
                    EventKind::ClientTimer {
                        client: id,
                        kind,
                        token,
                    },
                );
            }
            ClientOutput::SetTimerJittered { kind, at, jitter } => {
                let at = at + self.rng.u64(0..=jitter);
                self.route_client(id, ClientOutput::SetTimer { kind, at });
            }
            ClientOutput::CancelTimer(kind) => self.clients[i].tokens[kind.index()] += 1,
            ClientOutput::Event(e) => self.client_event(id, e),
        }
    }

    fn client_event(&mut self, id: ClientId, e: ClientEvent) {
        self.mix(&[8, id as u64, fnv_hash(&e)]);
        let read = match &e {
            ClientEvent::Result { .. } => self.read_check.take(),
            _ => None,
        };
        let memory = &mut self.clients[id as usize - 1].memory;
        match &e {
            ClientEvent::Result { op, result, .. } => remember(memory, op, result),
            ClientEvent::Watch { path, kind, .. } => memory
                .watch_events
                .entry(path.clone())
                .or_default()
                .push(*kind),
            _ => {}
        }
        self.checker.on_client(self.events, self.now, id, &e);
        if self.feed.is_some() {
            let name = self.clients[id as usize - 1].name.clone();
            self.push_client_fact(name, ClientWhat::Event(e.clone()));
        }
        if let Some(p) = self.clients[id as usize - 1].program.0.as_mut() {
            p.on_event(&e);
        }
        self.client_log.push(ClientRecord {
            at: self.now,
            client: id,
            event: e,
            read,
        });
        if self.client_log.len() > CLIENT_LOG {
            self.client_log.drain(..CLIENT_LOG / 2);
            self.client_log_start += (CLIENT_LOG / 2) as u64;
        }
    }

    /// Routes a server's client output.
    pub(super) fn route_to_client(&mut self, sid: Sid, conn: ClientConn, msg: Option<ClientMsg>) {
        match msg {
            Some(msg) => {
                let check = self.check_read(conn, &msg);
                let id = self.send_client_packet(
                    Actor::Server(sid),
                    Actor::Client(conn.client),
                    conn,
                    msg,
                );
                if let (Some(id), Some(check)) = (id, check) {
                    if self.read_checks.len() >= READ_CHECKS {
                        self.read_checks.pop_first();
                    }
                    self.read_checks.insert(id, check);
                }
            }
            None => self.close_client_conn(Actor::Server(sid), conn, false),
        }
    }

    /// The stamp for a server's answer to a getData or exists (what it saw beside what the
    /// serving leader has now), if `msg` is one and a leader serves.
    fn check_read(&self, conn: ClientConn, msg: &ClientMsg) -> Option<ReadCheck> {
        let ClientMsg::Reply { xid, result, .. } = msg else {
            return None;
        };
        let client = &self.clients.get(conn.client as usize - 1)?.client;
        let (sent, op) = client.in_flight()?;
        let path = match op {
            ClientOp::GetData { path, .. } | ClientOp::Exists { path, .. } if sent == xid => path,
            _ => return None,
        };
        let read = match result {
            Ok(OpValue::Data { stat, .. }) | Ok(OpValue::Exists(Some(stat))) => Some(stat.mzxid),
            Ok(OpValue::Exists(None)) | Err(Code::NoNode) => None,
            _ => return None,
        };
        let leader = self.serving_leader()?;
        let leader_mzxid = self.slots[leader as usize - 1].node()?.znode_mzxid(path);
        Some(ReadCheck {
            leader,
            read,
            leader_mzxid,
        })
    }

    /// Puts a packet on the wire; its flight's id, if it went out.
    fn send_client_packet(
        &mut self,
        from: Actor,
        to: Actor,
        conn: ClientConn,
        msg: ClientMsg,
    ) -> Option<u64> {
        if !self.net.is_up(from, to) || !self.conn_alive(&conn) {
            return None; // writing into a cut link or a socket that is gone
        }
        let (deliver_at, generation) = self.net.schedule(from, to, self.now, &mut self.rng);
        self.next_message_id += 1;
        let m = ClientFlight {
            id: self.next_message_id,
            from,
            to,
            conn,
            msg,
            sent_at: self.now,
            deliver_at,
            generation,
        };
        self.record(|| TraceWhat::Send {
            id: m.id,
            from,
            to,
            kind: m.msg.kind(),
            label: m.msg.to_string(),
            zxid: m.msg.zxid(),
            deliver_at,
        });
        self.push(deliver_at, EventKind::ClientDeliver(m));
        Some(self.next_message_id)
    }

    /// A packet sent before its connection closed still arrives (the FIN follows the data);
    /// one whose link was cut since it opened does not.
    pub(super) fn deliver_client(&mut self, m: ClientFlight) {
        let unbroken = (self.client_conns.get(&m.conn))
            .is_some_and(|l| l.generations == self.generations(&m.conn));
        if !self.net.survives(m.from, m.to, m.generation) || !unbroken {
            let why = if self.net.is_up(m.from, m.to) {
                "connection broken"
            } else {
                "link cut"
            };
            return self.trace_client_loss(&m, why);
        }
        self.mix(&[9, fnv_hash(&m.conn), fnv_hash(&m.msg)]);
        if self.trace.is_some() {
            self.trace_client_arrival(&m);
        }
        match m.to {
            Actor::Server(sid) if !self.is_up(sid) => {
                // Nothing listens on a dead server's client port: its OS answers with an RST.
                if matches!(m.msg, ClientMsg::Connect { .. }) {
                    self.close_client_conn(m.to, m.conn, true);
                }
            }
            Actor::Server(sid) => {
                let input = Input::FromClient {
                    conn: m.conn,
                    msg: m.msg,
                };
                self.step_server(sid, input);
            }
            Actor::Client(id) => {
                self.read_check = self.read_checks.remove(&m.id);
                let input = ClientInput::Receive {
                    conn: m.conn,
                    msg: m.msg,
                };
                self.step_client(id, input);
                self.read_check = None;
            }
        }
    }

    /// A client packet that got through: delivered, or lost at a dead process.
    fn trace_client_arrival(&mut self, m: &ClientFlight) {
        let dead = match m.to {
            Actor::Server(sid) => (!self.is_up(sid)).then_some("server down"),
            Actor::Client(id) => self.clients[id as usize - 1]
                .crashed
                .then_some("client down"),
        };
        match dead {
            Some(why) => self.trace_client_loss(m, why),
            None => self.record(|| TraceWhat::Deliver {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: m.msg.kind(),
            }),
        }
    }

    pub(super) fn client_conn_closed(
        &mut self,
        from: Actor,
        to: Actor,
        conn: ClientConn,
        refused: bool,
    ) {
        if !self.net.is_up(from, to) {
            return;
        }
        self.mix(&[10, fnv_hash(&conn)]);
        match to {
            Actor::Server(sid) => self.step_server(sid, Input::ClientClosed { conn }),
            Actor::Client(id) => self.step_client(id, ClientInput::Closed { conn, refused }),
        }
    }

    pub(super) fn client_timer(&mut self, id: ClientId, kind: ClientTimer, token: u64) {
        if self.clients[id as usize - 1].tokens[kind.index()] != token {
            return;
        }
        self.mix(&[11, id as u64, kind.index() as u64]);
        self.record(|| TraceWhat::ClientTimer {
            client: id,
            kind: kind.name(),
        });
        self.step_client(id, ClientInput::Timer(kind));
        let slot = &self.clients[id as usize - 1];
        if kind == ClientTimer::Resume && !slot.client.is_paused() && slot.holds_lock() {
            // The pause caught it in the middle of its work on the protected resource: on
            // waking it finishes that write, still believing it holds the lock.
            self.use_resource(id);
        }
    }

    /// The last client events (results, connects, losses), oldest first.
    pub fn client_log(&self) -> &[ClientRecord] {
        &self.client_log
    }

    /// How many records were dropped from the front of `client_log` (the first one's number).
    pub fn client_log_start(&self) -> u64 {
        self.client_log_start
    }
}

/// `connect` without `timeout` asks for 10 s (negotiated into [2, 20] × tickTime).
pub const DEFAULT_CLIENT_TIMEOUT_MS: Millis = 10_000;
const CLIENT_LOG: usize = 4000;
/// Read stamps kept for answers still on the wire (a lost one's stamp is dropped in time).
const READ_CHECKS: usize = 256;

/// Keeps a result where the script's expectations look for it.
fn remember(memory: &mut ClientMemory, op: &ClientOp, result: &OpResult) {
    memory.results += 1;
    let path = op.path().unwrap_or("").to_string();
    match op {
        ClientOp::GetData { .. } => {
            memory.data.insert(path, result.clone());
        }
        ClientOp::GetChildren { .. } => {
            memory.children.insert(path, result.clone());
        }
        ClientOp::Exists { .. } => {
            memory.exists.insert(path, result.clone());
        }
        ClientOp::Sync { .. } => {}
        _ => {
            memory.last_write = Some(result.clone());
            if let Ok(OpValue::Created(name)) = result {
                memory.last_created = Some(name.clone());
            }
        }
    }
}
