//! The root component. It owns the world, the one requestAnimationFrame loop that advances
//! virtual time (real dt × speed, dt capped, stopped while paused or while the tab is hidden),
//! the keyboard shortcuts, and what the children draw. It re-renders only when virtual time
//! moved or something happened; the children re-render only when their own props changed.

use std::collections::VecDeque;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::clock::FrameClock;
use super::feed::FeedLine;
use super::inspector::{inspect, InspectorData};
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, REDUCED_SPEED};
use super::scene::Scene;
use super::{
    ClientBox, Controls, Feed, Help, Inspector, Invariants, Legend, LinkMenu, Partition, Ring,
    ServerMenu,
};
use crate::sim::narrate::{narrate, phase_banner, ClientTracker, FeedCursor, Kind, RequestState};
use crate::sim::world::Protocol;
use crate::sim::{Command, Millis, ServerView, Sid, Violation, World};

/// The word the banner shows for its stage (a Paxos ensemble has phases, not Zab's stages).
pub fn stage_word(stage: &'static str, paxos: bool) -> &'static str {
    match (stage, paxos) {
        ("broadcast", true) => "phase 2",
        ("electing", true) => "phase 1",
        (s, _) => s,
    }
}

/// The phase banner of a Paxos ensemble, from its servers' views.
pub fn paxos_banner(servers: &[ServerView], quorum: usize) -> crate::sim::narrate::Banner {
    use crate::sim::narrate::Banner;
    let up = servers.iter().filter(|v| v.mode != "down").count();
    if up == 0 {
        return Banner {
            stage: "down",
            text: "Every server is down: restart one to begin again".into(),
        };
    }
    let learned = servers
        .iter()
        .filter_map(|v| v.paxos.as_ref().map(|p| p.chosen.len()))
        .max()
        .unwrap_or(0);
    if let Some(l) = servers.iter().find(|v| v.mode == "leader") {
        let b = l
            .paxos
            .as_ref()
            .and_then(|p| p.proposing)
            .map_or(String::new(), |b| format!(" with ballot {b}"));
        return Banner {
            stage: "broadcast",
            text: format!(
                "s{} leads{b}: one phase 2 (ACCEPT / ACCEPTED) per command; {learned} slot{} chosen",
                l.id,
                if learned == 1 { "" } else { "s" }
            ),
        };
    }
    let preparing: Vec<String> = servers
        .iter()
        .filter(|v| v.phase == "PHASE 1")
        .filter_map(|v| {
            v.paxos
                .as_ref()
                .and_then(|p| p.proposing)
                .map(|b| format!("s{} {b}", v.id))
        })
        .collect();
    if preparing.is_empty() && servers.iter().any(|v| v.phase == "LEARNED") {
        return Banner {
            stage: "decided",
            text: format!("The decree is chosen and learned ({up} up)"),
        };
    }
    let text = if preparing.is_empty() {
        if up < quorum {
            format!("Only {up} up: a ballot needs {quorum} promises")
        } else {
            "No proposer yet: waiting for a timeout".into()
        }
    } else if preparing.len() > 1 {
        format!(
            "Duelling proposers ({}): each PREPARE may pre-empt the other",
            preparing.join(", ")
        )
    } else {
        format!("Phase 1: {} asks for {quorum} promises", preparing[0])
    };
    Banner {
        stage: "electing",
        text,
    }
}

/// A real frame longer than this (a debugger pause, a slow frame) advances virtual time as if it
/// had lasted this long.
/// Lines kept in the event feed.
const FEED_KEEP: usize = 400;
/// Real milliseconds between two updates of the text panels while the animation runs.
const PANEL_MS: f64 = 250.0;

/// Everything the page can be asked to do.
pub enum Msg {
    Frame(f64),
    Visibility,
    Key(Shortcut),
    TogglePlay,
    Step,
    /// Set the speed (virtual ms per real ms).
    Speed(f64),
    /// Multiply the speed.
    SpeedBy(f64),
    Reset,
    /// New parameters: a new world.
    Configure(Params),
    /// A fault or a repair from a menu, the partition tool or a shortcut.
    Command(Command),
    Write {
        at: Sid,
        path: String,
        data: String,
    },
    /// Steady writes per virtual second (0: off).
    AutoWrite(u32),
    /// Cut every link between `group` and the others, both ways.
    Partition(Vec<Sid>),
    Select(Option<Sid>),
    OpenServer(Sid),
    OpenLink(Sid, Sid),
    CloseMenu,
    Help(bool),
    Theme,
    DismissNotices,
}

/// A keyboard shortcut, decided while the key event is dispatched (so that it can be
/// prevented) and handled in `update`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shortcut {
    Play,
    Step,
    Faster,
    Slower,
    Reset,
    Select(Sid),
    SelectLeader,
    Prev,
    Next,
    Crash,
    Restart,
    Wipe,
    Isolate,
    WriteHere,
    HealAll,
    AutoWrite,
    Partition,
    Menu,
    Theme,
    Help,
    Escape,
}

/// The shortcut a key event stands for; `None` for keys typed into form fields.
pub fn shortcut(e: &web_sys::KeyboardEvent) -> Option<Shortcut> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    if key == "Escape" {
        return Some(Shortcut::Escape);
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
            )
        })
        .unwrap_or(false);
    // Space and Enter activate a focused button: leave them to it.
    if typing && (key == " " || key == "Enter") {
        return None;
    }
    let field = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        .unwrap_or(false);
    if field {
        return None;
    }
    Some(match key.as_str() {
        " " | "k" => Shortcut::Play,
        "n" | "ArrowRight" => Shortcut::Step,
        "+" | "=" => Shortcut::Faster,
        "-" | "_" => Shortcut::Slower,
        "r" => Shortcut::Reset,
        "0" => Shortcut::Select(10),
        d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
            Shortcut::Select((d.as_bytes()[0] - b'0') as Sid)
        }
        "l" => Shortcut::SelectLeader,
        "[" => Shortcut::Prev,
        "]" => Shortcut::Next,
        "c" => Shortcut::Crash,
        "s" => Shortcut::Restart,
        "x" => Shortcut::Wipe,
        "i" => Shortcut::Isolate,
        "w" => Shortcut::WriteHere,
        "h" => Shortcut::HealAll,
        "a" => Shortcut::AutoWrite,
        "p" => Shortcut::Partition,
        "m" | "Enter" => Shortcut::Menu,
        "t" => Shortcut::Theme,
        "?" => Shortcut::Help,
        _ => return None,
    })
}

/// The colour theme: the system's, or forced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Theme {
    Auto,
    Dark,
    Light,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
    fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Dark,
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Auto,
        }
    }
    fn parse(s: &str) -> Theme {
        match s {
            "dark" => Theme::Dark,
            "light" => Theme::Light,
            _ => Theme::Auto,
        }
    }
}

/// Which popover is open.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Menu {
    None,
    Server(Sid),
    Link(Sid, Sid),
}

/// One client request as the client box shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestLine {
    pub id: u64,
    pub what: String,
    pub status: String,
    /// "pending" | "proposed" | "committed" | "answered" | "refused" | "stuck"
    pub state: &'static str,
}

pub struct App {
    params: Params,
    world: World,
    /// Virtual time, fractional (the world's clock is whole ms).
    vt: f64,
    speed: f64,
    playing: bool,
    reduced: bool,
    embed: bool,
    clock: FrameClock,
    _listeners: Vec<EventListener>,
    seen_events: u64,
    scene: Rc<Scene>,
    layout: Rc<Layout>,
    banner: AttrValue,
    banner_stage: &'static str,
    feed: Rc<VecDeque<FeedLine>>,
    /// The feed as last published to the panel.
    shown_feed: Rc<VecDeque<FeedLine>>,
    last_publish: f64,
    feed_seq: u64,
    cursor: FeedCursor,
    tracker: ClientTracker,
    requests: Rc<Vec<RequestLine>>,
    inspector: Option<Rc<InspectorData>>,
    violations: Rc<Vec<Violation>>,
    selected: Option<Sid>,
    menu: Menu,
    help: bool,
    theme: Theme,
    notices: Vec<String>,
    status: Option<String>,
    writes: u32,
    next_write_at: Option<Millis>,
    auto_writes: u64,
    partition_focus: u32,
    // Callbacks made once, so that children's props compare equal between frames.
    send: Callback<Msg>,
    on_server: Callback<Sid>,
    on_link: Callback<(Sid, Sid)>,
    on_background: Callback<()>,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

pub(crate) fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

pub(crate) fn stored_theme() -> Theme {
    let from_url = window().location().search().ok().and_then(|q| {
        q.trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("theme=").map(str::to_string))
    });
    let stored = || {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item("zabscope-theme").ok().flatten())
    };
    Theme::parse(&from_url.or_else(stored).unwrap_or_default())
}

pub(crate) fn apply_theme(theme: Theme) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = match theme {
            Theme::Auto => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.name()),
        };
    }
}

/// A sentence for what the person at the page did.
fn describe(cmd: &Command) -> String {
    cmd.describe()
}

impl App {
    fn boot(params: &Params) -> World {
        let mut world = World::new(params.world_config());
        world.enable_feed();
        world
            .apply(Command::StartAll)
            .expect("StartAll on a fresh world");
        world
    }

    fn reset_world(&mut self) {
        self.world = App::boot(&self.params);
        self.vt = 0.0;
        self.seen_events = u64::MAX;
        self.scene = Rc::new(Scene::empty());
        self.layout = Rc::new(Layout::ring(self.world.ensemble().server_count()));
        self.cursor = FeedCursor::new();
        self.tracker = ClientTracker::new();
        self.auto_writes = 0;
        self.next_write_at = self.write_period();
        self.menu = Menu::None;
        let n = self.world.ensemble().server_count() as Sid;
        if self.selected.is_some_and(|s| s > n) {
            self.selected = None;
        }
        self.feed = Rc::new(VecDeque::new());
        self.violations = Rc::new(Vec::new());
        self.push_line(
            0,
            Kind::You,
            format!(
                "A new ensemble: {} voters{}, seed {}, tickTime {} ms, latency {}–{} ms",
                self.params.voters,
                if self.params.observers > 0 {
                    format!(" + {} observers", self.params.observers)
                } else {
                    String::new()
                },
                self.params.seed,
                self.params.tick_ms,
                self.params.latency,
                self.params.latency + self.params.jitter
            ),
        );
        self.refresh(true);
        self.publish(None);
    }

    fn write_period(&self) -> Option<Millis> {
        (self.writes > 0).then(|| (1000 / self.writes as u64).max(1))
    }

    fn push_line(&mut self, at: Millis, kind: Kind, text: String) {
        self.feed_seq += 1;
        let feed = Rc::make_mut(&mut self.feed);
        if feed.len() == FEED_KEEP {
            // The per-server log/apply lines are many and hidden by default: they go first,
            // so that the rest of the story stays longer.
            match feed.iter().position(|l| l.kind == Kind::Log) {
                Some(i) => {
                    feed.remove(i);
                }
                None => {
                    feed.pop_front();
                }
            }
        }
        feed.push_back(FeedLine {
            seq: self.feed_seq,
            at,
            kind,
            text: AttrValue::from(text),
        });
    }

    /// Runs the world up to virtual time `target`, with the steady writes due on the way.
    fn advance(&mut self, target: f64) {
        while let (Some(at), Some(period)) = (self.next_write_at, self.write_period()) {
            if at as f64 > target {
                break;
            }
            self.world.run_until(at);
            self.auto_write();
            self.next_write_at = Some(at + period);
        }
        self.world.run_until(target.floor().max(0.0) as Millis);
        self.vt = target.max(self.world.now() as f64);
    }

    /// One steady write, at the servers in turn (those up), so followers forward some.
    fn auto_write(&mut self) {
        let n = self.world.ensemble().server_count() as u64;
        for k in 0..n {
            let at = ((self.auto_writes + k) % n) as Sid + 1;
            if !self.world.is_up(at) {
                continue;
            }
            self.auto_writes += 1;
            let cmd = Command::Write {
                at: Some(at),
                path: format!("/auto/k{}", self.auto_writes % 8),
                data: self.auto_writes.to_string(),
            };
            if self.world.apply(cmd).is_ok() {
                self.tracker
                    .submitted(at, String::new(), self.world.now(), false);
            }
            return;
        }
    }

    /// Rebuilds what the children draw if the world changed (or if `force`).
    fn refresh(&mut self, force: bool) {
        let events = self.world.events_processed();
        if !force && events == self.seen_events {
            return;
        }
        self.seen_events = events;
        let loss_window = ((900.0 * self.speed) as Millis).max(1);
        self.scene = Rc::new(Scene::build(&self.world, &self.scene, loss_window));
        let cfg = self.world.ensemble().clone();
        let new: Vec<(Millis, Kind, String, bool)> = {
            let entries = self.cursor.read_new(&self.world);
            entries
                .into_iter()
                .map(|e| {
                    let changed = self.tracker.observe(e, &cfg);
                    let n = narrate(e, &cfg);
                    (e.at, n.kind, n.text, changed)
                })
                .collect()
        };
        for (at, kind, text, _) in new {
            self.push_line(at, kind, text);
        }
        if self.world.violations().len() != self.violations.len() {
            self.violations = Rc::new(self.world.violations().to_vec());
        }
    }

    /// Updates the text panels (banner, feed, inspector, client requests) from the world. While
    /// the animation runs this happens at most every `PANEL_MS` of real time (`now_real`), so
    /// that text is laid out and painted a few times a second rather than on every frame;
    /// `None` publishes at once (after a click, a step, a key).
    fn publish(&mut self, now_real: Option<f64>) {
        if let Some(t) = now_real {
            if t - self.last_publish < PANEL_MS {
                return;
            }
            self.last_publish = t;
        }
        let banner = if self.paxos() {
            paxos_banner(&self.scene.servers, self.world.ensemble().quorum())
        } else {
            phase_banner(&self.world)
        };
        self.banner_stage = banner.stage;
        if *self.banner != *banner.text {
            self.banner = AttrValue::from(banner.text);
        }
        if !Rc::ptr_eq(&self.shown_feed, &self.feed) {
            self.shown_feed = self.feed.clone();
        }
        let requests = self.request_lines();
        if requests != *self.requests {
            self.requests = Rc::new(requests);
        }
        if let Some(sid) = self.selected {
            let data = inspect(&self.world, sid);
            if self.inspector.as_deref() != Some(&data) {
                self.inspector = Some(Rc::new(data));
            }
        } else {
            self.inspector = None;
        }
    }

    fn paxos(&self) -> bool {
        self.world.protocol() != Protocol::Zab
    }

    /// A Paxos client request: chosen (and where), or still waiting.
    fn paxos_request_line(&self, r: &crate::sim::narrate::ClientRequest) -> RequestLine {
        let now = self.world.now();
        let chosen = self.world.paxos_chosen().iter().find(|(_, (v, _))| {
            matches!(v, crate::sim::paxos::Value::Cmd { request, .. } if *request == r.id)
        });
        let (state, status) = match (&r.state, chosen) {
            (RequestState::Refused { note }, _) => ("refused", format!("refused: {note}")),
            (_, Some((slot, (_, ballot)))) => (
                "committed",
                format!("chosen in slot #{slot} under ballot {ballot}"),
            ),
            (_, None) => {
                let waited = now.saturating_sub(r.submitted);
                let leader = self
                    .scene
                    .servers
                    .iter()
                    .find(|v| v.id == r.at)
                    .and_then(|v| v.leader);
                let st = if waited > 2000 { "stuck" } else { "pending" };
                match leader {
                    Some(l) if l != r.at => {
                        (st, format!("forwarded to leader s{l}; waiting {waited} ms"))
                    }
                    Some(_) => (st, format!("at the leader; waiting {waited} ms")),
                    None => (
                        st,
                        format!("queued at s{}: no leader yet; waiting {waited} ms", r.at),
                    ),
                }
            }
        };
        RequestLine {
            id: r.id,
            what: r.what.clone(),
            status,
            state,
        }
    }

    fn request_lines(&self) -> Vec<RequestLine> {
        if self.paxos() {
            return self
                .tracker
                .requests
                .iter()
                .rev()
                .map(|r| self.paxos_request_line(r))
                .collect();
        }
        let now = self.world.now();
        let quorum = self.world.ensemble().quorum();
        self.tracker
            .requests
            .iter()
            .rev()
            .map(|r| {
                let (state, status) = match &r.state {
                    RequestState::Pending => {
                        let waited = now.saturating_sub(r.submitted);
                        let leader = self.world.server(r.at).and_then(|s| s.leader());
                        match leader {
                            Some(l) if l != r.at => (
                                if waited > 1000 { "stuck" } else { "pending" },
                                format!(
                                    "forwarded to leader s{l} as REQUEST; waiting {} ms",
                                    waited
                                ),
                            ),
                            Some(_) => ("pending", format!("at the leader; waiting {} ms", waited)),
                            None => (
                                "stuck",
                                format!("s{} has no leader: waiting {} ms", r.at, waited),
                            ),
                        }
                    }
                    RequestState::Proposed { zxid, leader } => {
                        let acks = self.world.server(*leader).and_then(|s| match &s.role {
                            crate::sim::zab::Role::Leading(l) => {
                                l.outstanding.get(zxid).map(|a| a.len())
                            }
                            _ => None,
                        });
                        match acks {
                            Some(a) => (
                                if now.saturating_sub(r.updated) > 1000 {
                                    "stuck"
                                } else {
                                    "proposed"
                                },
                                format!(
                                    "proposed by s{leader} as {zxid}: {a} of {quorum} ACKs needed"
                                ),
                            ),
                            None => (
                                "stuck",
                                format!("proposed as {zxid}, but leader s{leader} is gone"),
                            ),
                        }
                    }
                    RequestState::Committed { zxid, acks, voters } => (
                        "committed",
                        format!(
                            "{zxid} committed ({acks} of {voters} ACKs); s{} will answer",
                            r.at
                        ),
                    ),
                    RequestState::Answered { zxid } => (
                        "answered",
                        format!("committed as {zxid}; s{} answered its client", r.at),
                    ),
                    RequestState::Refused { note } => ("refused", format!("refused: {note}")),
                };
                RequestLine {
                    id: r.id,
                    what: r.what.clone(),
                    status,
                    state,
                }
            })
            .collect()
    }

    fn apply(&mut self, cmd: Command) {
        let text = describe(&cmd);
        let client = matches!(
            cmd,
            Command::Write { .. } | Command::SessionOpen { .. } | Command::SessionClose { .. }
        );
        let what = match &cmd {
            Command::Write { path, data, .. } => format!("{path} = {data:?}"),
            _ => String::new(),
        };
        let at = match &cmd {
            Command::Write { at, .. } => at.unwrap_or(0),
            _ => 0,
        };
        match self.world.apply(cmd) {
            Ok(()) => {
                if client {
                    self.tracker.submitted(at, what, self.world.now(), true);
                }
                self.status = None;
                let now = self.world.now();
                self.push_line(now, Kind::You, text);
            }
            Err(e) => self.status = Some(format!("Could not do that: {e}")),
        }
        self.refresh(true);
        self.publish(None);
    }

    fn server_count(&self) -> Sid {
        self.world.ensemble().server_count() as Sid
    }

    fn on_shortcut(&mut self, ctx: &Context<Self>, k: Shortcut) -> bool {
        let sel = self.selected;
        let n = self.server_count();
        let link = ctx.link();
        match k {
            Shortcut::Play => link.send_message(Msg::TogglePlay),
            Shortcut::Step => link.send_message(Msg::Step),
            Shortcut::Faster => link.send_message(Msg::SpeedBy(1.5)),
            Shortcut::Slower => link.send_message(Msg::SpeedBy(1.0 / 1.5)),
            Shortcut::Reset => link.send_message(Msg::Reset),
            Shortcut::Select(s) if s >= 1 && s <= n => link.send_message(Msg::Select(Some(s))),
            Shortcut::Select(_) => return false,
            Shortcut::SelectLeader => {
                let l = self.world.serving_leader().or_else(|| {
                    self.scene
                        .servers
                        .iter()
                        .find(|v| v.mode == "leader")
                        .map(|v| v.id)
                });
                link.send_message(Msg::Select(l));
            }
            Shortcut::Prev => {
                let s = sel.map_or(n, |s| if s <= 1 { n } else { s - 1 });
                link.send_message(Msg::Select(Some(s)));
            }
            Shortcut::Next => {
                let s = sel.map_or(1, |s| if s >= n { 1 } else { s + 1 });
                link.send_message(Msg::Select(Some(s)));
            }
            Shortcut::Crash
            | Shortcut::Restart
            | Shortcut::Wipe
            | Shortcut::Isolate
            | Shortcut::WriteHere => {
                let Some(s) = sel else {
                    self.status = Some(
                        "Select a server first (keys 1–9, [ and ], or l for the leader)".into(),
                    );
                    return true;
                };
                let msg = match k {
                    Shortcut::Crash => Msg::Command(Command::Crash(s)),
                    Shortcut::Restart => Msg::Command(Command::Restart(s)),
                    Shortcut::Wipe => Msg::Command(Command::Wipe(s)),
                    Shortcut::Isolate => Msg::Command(Command::Isolate(s)),
                    _ => Msg::Write {
                        at: s,
                        path: format!("/s{s}"),
                        data: format!("t{}", self.world.now()),
                    },
                };
                link.send_message(msg);
            }
            Shortcut::HealAll => link.send_message(Msg::Command(Command::HealAll)),
            Shortcut::AutoWrite => {
                let rate = if self.writes > 0 { 0 } else { 10 };
                link.send_message(Msg::AutoWrite(rate));
            }
            Shortcut::Partition => {
                self.partition_focus += 1;
                return true;
            }
            Shortcut::Menu => match sel {
                Some(s) => link.send_message(Msg::OpenServer(s)),
                None => return false,
            },
            Shortcut::Theme => link.send_message(Msg::Theme),
            Shortcut::Help => link.send_message(Msg::Help(!self.help)),
            Shortcut::Escape => {
                if self.help {
                    self.help = false;
                } else if self.menu != Menu::None {
                    self.menu = Menu::None;
                } else {
                    self.selected = None;
                    self.inspector = None;
                }
                return true;
            }
        }
        false
    }

    fn set_speed(&mut self, s: f64) {
        self.speed = s.clamp(MIN_SPEED, MAX_SPEED);
        self.params.speed = Some(self.speed);
        self.update_url();
    }

    fn update_url(&self) {
        let q = self.params.to_query();
        let url = if q.is_empty() {
            window().location().pathname().unwrap_or_default()
        } else {
            q
        };
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (params, notices) = Params::from_location();
        let reduced = prefers_reduced_motion();
        let speed = params.speed.unwrap_or(if reduced {
            REDUCED_SPEED
        } else {
            DEFAULT_SPEED
        });
        let doc = window().document().expect("a document");
        let mut listeners = Vec::new();
        {
            let link = ctx.link().clone();
            listeners.push(EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if let Some(k) = shortcut(e) {
                        // Space would scroll the page, arrows move the focus: not here.
                        e.prevent_default();
                        link.send_message(Msg::Key(k));
                    }
                },
            ));
        }
        let theme = stored_theme();
        apply_theme(theme);
        let embed = params.embed;
        let writes = params.writes;
        let mut app = App {
            world: App::boot(&params),
            params,
            vt: 0.0,
            speed,
            playing: true,
            reduced,
            embed,
            clock: FrameClock::new(
                ctx.link().callback(Msg::Frame),
                ctx.link().callback(|_| Msg::Visibility),
            ),
            _listeners: listeners,
            seen_events: u64::MAX,
            scene: Rc::new(Scene::empty()),
            layout: Rc::new(Layout::ring(1)),
            banner: AttrValue::default(),
            banner_stage: "electing",
            feed: Rc::new(VecDeque::new()),
            shown_feed: Rc::new(VecDeque::new()),
            last_publish: f64::MIN,
            feed_seq: 0,
            cursor: FeedCursor::new(),
            tracker: ClientTracker::new(),
            requests: Rc::new(Vec::new()),
            inspector: None,
            violations: Rc::new(Vec::new()),
            selected: None,
            menu: Menu::None,
            help: false,
            theme,
            notices,
            status: None,
            writes,
            next_write_at: None,
            auto_writes: 0,
            partition_focus: 0,
            send: ctx.link().callback(|m: Msg| m),
            on_server: ctx.link().callback(Msg::OpenServer),
            on_link: ctx.link().callback(|(a, b)| Msg::OpenLink(a, b)),
            on_background: ctx.link().callback(|_| Msg::CloseMenu),
        };
        app.reset_world();
        app.clock.request(app.playing);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let Some(dt) = self.clock.frame(ts, self.playing) else {
                    return false;
                };
                self.advance(self.vt + dt * self.speed);
                self.refresh(false);
                self.publish(Some(ts));
                true
            }
            Msg::Visibility => {
                self.clock.visibility_changed(self.playing);
                false
            }
            Msg::Key(k) => self.on_shortcut(ctx, k),
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.clock.set_playing(self.playing);
                true
            }
            Msg::Step => {
                if self.playing {
                    self.playing = false;
                    self.clock.cancel();
                }
                // The next event, then stand exactly at its time.
                if let Some(at) = self.world.next_event_at() {
                    let at = at.max(self.vt.ceil() as Millis);
                    self.advance(at as f64);
                }
                self.refresh(true);
                self.publish(None);
                true
            }
            Msg::Speed(s) => {
                self.set_speed(s);
                true
            }
            Msg::SpeedBy(f) => {
                self.set_speed(self.speed * f);
                true
            }
            Msg::Reset => {
                self.reset_world();
                self.status = None;
                true
            }
            Msg::Configure(p) => {
                self.writes = p.writes;
                self.params = p;
                self.update_url();
                self.reset_world();
                true
            }
            Msg::Command(cmd) => {
                self.apply(cmd);
                true
            }
            Msg::Write { at, path, data } => {
                self.apply(Command::Write {
                    at: Some(at),
                    path,
                    data,
                });
                true
            }
            Msg::AutoWrite(rate) => {
                self.writes = rate;
                self.params.writes = rate;
                self.next_write_at = self.write_period().map(|p| self.world.now() + p);
                self.update_url();
                let now = self.world.now();
                self.push_line(
                    now,
                    Kind::You,
                    if rate > 0 {
                        format!(
                            "Steady writes on: {rate} per virtual second, at each server in turn"
                        )
                    } else {
                        "Steady writes off".into()
                    },
                );
                true
            }
            Msg::Partition(group) => {
                let n = self.server_count();
                if group.is_empty() || group.len() as Sid >= n {
                    self.status =
                        Some("Pick some servers, not all of them, to split from the rest".into());
                    return true;
                }
                // One engine command: the run's log says `partition 1,2`, not a dozen cuts.
                let _ = self.world.apply(Command::Partition(vec![group.clone()]));
                let names: Vec<String> = group.iter().map(|s| format!("s{s}")).collect();
                let now = self.world.now();
                self.push_line(
                    now,
                    Kind::You,
                    format!("You split {} from the rest", names.join(", ")),
                );
                self.status = None;
                self.refresh(true);
                self.publish(None);
                true
            }
            Msg::Select(s) => {
                self.selected = s;
                if let Menu::Server(m) = self.menu {
                    if Some(m) != s {
                        self.menu = Menu::None;
                    }
                }
                self.refresh(true);
                self.publish(None);
                true
            }
            Msg::OpenServer(s) => {
                self.selected = Some(s);
                self.menu = Menu::Server(s);
                self.refresh(true);
                self.publish(None);
                true
            }
            Msg::OpenLink(a, b) => {
                self.menu = Menu::Link(a.min(b), a.max(b));
                true
            }
            Msg::CloseMenu => {
                let was = self.menu != Menu::None;
                self.menu = Menu::None;
                was
            }
            Msg::Help(open) => {
                self.help = open;
                true
            }
            Msg::Theme => {
                self.theme = self.theme.next();
                apply_theme(self.theme);
                if let Ok(Some(s)) = window().local_storage() {
                    let _ = s.set_item("zabscope-theme", self.theme.name());
                }
                true
            }
            Msg::DismissNotices => {
                self.notices.clear();
                true
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let ring = html! {
            <Ring layout={self.layout.clone()} scene={self.scene.clone()} now={self.vt}
                selected={self.selected} reduced={self.reduced} paused={!self.playing}
                on_server={self.on_server.clone()} on_link={self.on_link.clone()}
                on_background={self.on_background.clone()}
                protocol={AttrValue::Static(self.world.protocol().name())} />
        };
        let menu = match self.menu {
            Menu::None => html! {},
            Menu::Server(s) => match self.scene.servers.get(s as usize - 1) {
                Some(v) => {
                    let (x, y) = self.layout.at(s);
                    html! {
                        <ServerMenu key={s} view={v.clone()} n={self.server_count()} {x} {y}
                            card_h={self.layout.h} send={self.send.clone()} />
                    }
                }
                None => html! {},
            },
            Menu::Link(a, b) => {
                let (xa, ya) = self.layout.at(a);
                let (xb, yb) = self.layout.at(b);
                html! {
                    <LinkMenu {a} {b} x={(xa + xb) / 2.0} y={(ya + yb) / 2.0}
                        cut_ab={self.scene.cuts.contains(&(a, b))}
                        cut_ba={self.scene.cuts.contains(&(b, a))}
                        send={self.send.clone()} />
                }
            }
        };
        let banner = html! {
            <p class={classes!("banner", self.banner_stage)}>
                // Screen readers hear the phase when it changes, not every new zxid.
                <span class="stage" aria-live="polite">{ stage_word(self.banner_stage, self.paxos()) }</span>
                <span class="text">{ self.banner.clone() }</span>
            </p>
        };
        let clock = html! {
            <span class="clock" title="virtual time">{ format!("t = {}", super::fmt::seconds_2(self.vt as u64)) }</span>
        };
        let notices = (!self.notices.is_empty()).then(|| {
            html! {
                <div class="notices" role="alert">
                    <ul>{ for self.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    <button class="dismiss" onclick={self.send.reform(|_| Msg::DismissNotices)}
                        aria-label="Dismiss these messages">{ "OK" }</button>
                </div>
            }
        });
        let status = html! {
            <p class="status" role="status">{ self.status.clone().unwrap_or_default() }</p>
        };
        let controls = html! {
            <Controls playing={self.playing} speed={self.speed} params={self.params.clone()}
                embed={self.embed} theme={self.theme} send={self.send.clone()} />
        };
        if self.embed {
            let full = {
                let mut p = self.params.clone();
                p.embed = false;
                format!("./{}", p.to_query())
            };
            return html! {
                <div class="app embed">
                    { for notices }
                    <div class="topline">{ banner }{ clock }</div>
                    <div class="stage-wrap">{ ring }{ menu }</div>
                    <div class="embed-bar">
                        { controls }
                        <a class="open-full" href={full} target="_blank" rel="noopener">{ "Open in ZabScope ↗" }</a>
                    </div>
                    { status }
                </div>
            };
        }
        html! {
            <div class="app">
                <header class="bar">
                    <h1>{ "ZabScope" }</h1>
                    <span class="sub">{ "ZooKeeper's leader election and Zab, simulated" }</span>
                    if self.paxos() {
                        <span class="variant-tag protocol-tag" title="ZooKeeper itself does not run Paxos: this is the comparison protocol">
                            { if self.world.protocol() == Protocol::Paxos { "Multi-Paxos mode" } else { "single-decree Paxos mode" } }
                        </span>
                    }
                    if self.params.variant != crate::sim::zab::Variant::Correct {
                        <span class="variant-tag" title="A deliberately broken protocol: watch the invariant panel">
                            { format!("broken on purpose: {}", self.params.variant.name()) }
                        </span>
                    }
                    <span class="spacer" />
                    { clock }
                    <button class="help-button" onclick={self.send.reform(|_| Msg::Help(true))}
                        aria-label="Keyboard shortcuts and help" title="Help (?)">{ "?" }</button>
                </header>
                { for notices }
                { controls }
                <main class="layout">
                    <section class="stage-col" aria-label="The ensemble">
                        { banner }
                        <div class="stage-wrap">{ ring }{ menu }</div>
                        { status }
                        <Legend paxos={self.paxos()} />
                        <div class="tools">
                            <ClientBox n={self.server_count()}
                                selected={self.selected.filter(|s| self.world.is_up(*s))}
                                leader={self.world.serving_leader()} requests={self.requests.clone()}
                                writes={self.writes} send={self.send.clone()} />
                            <Partition n={self.server_count()} focus={self.partition_focus}
                                any_cut={!self.scene.cuts.is_empty()} send={self.send.clone()} />
                        </div>
                    </section>
                    <aside class="side-col">
                        <Invariants violations={self.violations.clone()} paxos={self.paxos()} />
                        <Inspector data={self.inspector.clone()} send={self.send.clone()} />
                        <Feed lines={self.shown_feed.clone()} />
                    </aside>
                </main>
                <Help open={self.help} send={self.send.clone()} />
            </div>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.clock.cancel();
    }
}
