//! The root component of the single-ensemble page: a small state (parameters, what is selected
//! and open) around the shared driver (`crate::view::driver`), the page's story and the frame
//! built from them (`crate::view::frame`). `update` is the reducer: one message, one update,
//! and the frame is rebuilt at most once in it. The children get data and callbacks.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::clock::FrameClock;
use super::controls::Control;
use super::keys::{self, Shortcut};
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, REDUCED_SPEED};
use super::theme::{apply_theme, prefers_reduced_motion, store_theme, stored_theme, Theme};
use super::{
    ClientBox, Controls, Feed, Help, Inspector, Invariants, Legend, LinkMenu, Partition, Ring,
    ServerMenu,
};
use crate::sim::narrate::Kind;
use crate::sim::world::Protocol;
use crate::sim::{Command, Sid, World};
use crate::view::driver::{Driver, STEADY_RATE};
use crate::view::feed::Story;
use crate::view::frame::{Frame, FrameInput};

/// Everything the page can be asked to do.
pub enum Msg {
    Frame(f64),
    Visibility,
    Key(Shortcut),
    Control(Control),
    /// A fault, a repair or a write (a link menu, the client box, the partition tool).
    Command(Command),
    /// The same from the server menu, which closes with it (one click, one update).
    MenuCommand(Command),
    /// Steady writes per virtual second (0: off).
    Writes(u32),
    /// Cut every link between the group and the others, both ways.
    Partition(Vec<Sid>),
    Select(Option<Sid>),
    OpenServer(Sid),
    OpenLink(Sid, Sid),
    CloseMenu,
    Help(bool),
    DismissNotices,
}

/// Which popover is open.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Menu {
    None,
    Server(Sid),
    Link(Sid, Sid),
}

/// The callbacks handed to the children, made once so that their props compare equal
/// between frames.
struct Callbacks {
    send: Callback<Msg>,
    command: Callback<Command>,
    menu_command: Callback<Command>,
    control: Callback<Control>,
    writes: Callback<u32>,
    partition: Callback<Vec<Sid>>,
    server: Callback<Sid>,
    link: Callback<(Sid, Sid)>,
    background: Callback<()>,
    close_menu: Callback<()>,
    close_help: Callback<()>,
    deselect: Callback<()>,
}

impl Callbacks {
    fn new(link: &yew::html::Scope<App>) -> Callbacks {
        Callbacks {
            send: link.callback(|m: Msg| m),
            command: link.callback(Msg::Command),
            menu_command: link.callback(Msg::MenuCommand),
            control: link.callback(Msg::Control),
            writes: link.callback(Msg::Writes),
            partition: link.callback(Msg::Partition),
            server: link.callback(Msg::OpenServer),
            link: link.callback(|(a, b)| Msg::OpenLink(a, b)),
            background: link.callback(|_| Msg::CloseMenu),
            close_menu: link.callback(|_| Msg::CloseMenu),
            close_help: link.callback(|_| Msg::Help(false)),
            deselect: link.callback(|_| Msg::Select(None)),
        }
    }
}

pub struct App {
    params: Params,
    driver: Driver<World>,
    story: Story,
    frame: Rc<Frame>,
    layout: Rc<Layout>,
    playing: bool,
    reduced: bool,
    selected: Option<Sid>,
    menu: Menu,
    help: bool,
    theme: Theme,
    notices: Vec<String>,
    status: Option<String>,
    /// Bumped by the `p` shortcut: the partition tool takes the focus.
    partition_focus: u32,
    clock: FrameClock,
    _keys: EventListener,
    cb: Callbacks,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn boot(params: &Params) -> World {
    let mut world = World::new(params.world_config());
    world.enable_feed();
    world
        .apply(Command::StartAll)
        .expect("StartAll on a fresh world");
    world
}

impl App {
    fn world(&self) -> &World {
        &self.driver.sim
    }

    fn server_count(&self) -> Sid {
        self.world().ensemble().server_count() as Sid
    }

    fn paxos(&self) -> bool {
        self.world().protocol() != Protocol::Zab
    }

    /// A new world from the parameters, at the same speed.
    fn reset_world(&mut self) {
        let speed = self.driver.speed();
        self.driver = Driver::new(boot(&self.params), speed, self.params.writes);
        self.layout = Rc::new(Layout::ring(self.server_count() as usize));
        self.frame = Rc::new(Frame::empty());
        self.story = Story::new();
        self.menu = Menu::None;
        let n = self.server_count();
        if self.selected.is_some_and(|s| s > n) {
            self.selected = None;
        }
        let p = &self.params;
        let observers = if p.observers > 0 {
            format!(" + {} observers", p.observers)
        } else {
            String::new()
        };
        let text = format!(
            "A new ensemble: {} voters{observers}, seed {}, tickTime {} ms, latency {}–{} ms",
            p.voters,
            p.seed,
            p.tick_ms,
            p.latency,
            p.latency + p.jitter
        );
        self.story.push(0, Kind::You, text);
        self.refresh(true, None);
    }

    /// Builds the next frame if the world changed (or if `force`). The text panels follow
    /// only when the driver's throttle lets them at real time `real` (`None`: at once).
    fn refresh(&mut self, force: bool, real: Option<f64>) {
        let changed = self.driver.take_change();
        let panels = self.driver.panels.due(real);
        if !(force || changed || panels) {
            return;
        }
        self.story.read(&self.driver.sim);
        let input = FrameInput {
            selected: self.selected,
            loss_window: self.driver.loss_window(),
            story: Some(&self.story),
            panels,
        };
        self.frame = Rc::new(Frame::build(&self.driver.sim, &self.frame, &input));
    }

    fn apply(&mut self, cmd: Command) {
        self.status = match self.story.apply(&mut self.driver.sim, cmd) {
            Ok(()) => None,
            Err(e) => Some(format!("Could not do that: {e}")),
        };
        self.refresh(true, None);
    }

    fn partition(&mut self, group: Vec<Sid>) {
        let n = self.server_count();
        if group.is_empty() || group.len() as Sid >= n {
            self.status = Some("Pick some servers, not all of them, to split from the rest".into());
            return;
        }
        for &a in &group {
            for b in (1..=n).filter(|b| !group.contains(b)) {
                let _ = self.driver.sim.apply(Command::Cut {
                    from: a,
                    to: b,
                    both: true,
                });
            }
        }
        let names: Vec<String> = group.iter().map(|s| format!("s{s}")).collect();
        let now = self.world().now();
        let text = format!("You split {} from the rest", names.join(", "));
        self.story.push(now, Kind::You, text);
        self.status = None;
        self.refresh(true, None);
    }

    fn set_writes(&mut self, rate: u32) {
        self.driver.set_writes(rate);
        self.params.writes = rate;
        self.update_url();
        let text = if rate > 0 {
            format!("Steady writes on: {rate} per virtual second, at each server in turn")
        } else {
            "Steady writes off".into()
        };
        let now = self.world().now();
        self.story.push(now, Kind::You, text);
        self.refresh(true, None);
    }

    fn select(&mut self, s: Option<Sid>) {
        self.selected = s;
        if let Menu::Server(m) = self.menu {
            if Some(m) != s {
                self.menu = Menu::None;
            }
        }
        self.refresh(true, None);
    }

    fn set_speed(&mut self, s: f64) {
        self.params.speed = Some(self.driver.set_speed(s));
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

    fn toggle_play(&mut self) {
        self.playing = !self.playing;
        self.clock.set_playing(self.playing);
    }

    fn step(&mut self) {
        if self.playing {
            self.playing = false;
            self.clock.cancel();
        }
        self.driver.step();
        self.refresh(true, None);
    }

    fn control(&mut self, c: Control) -> bool {
        match c {
            Control::TogglePlay => self.toggle_play(),
            Control::Step => self.step(),
            Control::Speed(s) => self.set_speed(s),
            Control::Reset => {
                self.reset_world();
                self.status = None;
            }
            Control::Configure(p) => {
                self.params = p;
                self.update_url();
                self.reset_world();
            }
            Control::Theme => {
                self.theme = self.theme.next();
                store_theme(self.theme);
            }
        }
        true
    }

    /// The selected server, or a hint to select one.
    fn target(&mut self) -> Option<Sid> {
        if self.selected.is_none() {
            self.status =
                Some("Select a server first (keys 1–9, [ and ], or l for the leader)".into());
        }
        self.selected
    }

    fn on_shortcut(&mut self, k: Shortcut) -> bool {
        let n = self.server_count();
        let sel = self.selected;
        match k {
            Shortcut::Play => self.control(Control::TogglePlay),
            Shortcut::Step => self.control(Control::Step),
            Shortcut::Faster => self.control(Control::Speed(self.driver.speed() * 1.5)),
            Shortcut::Slower => self.control(Control::Speed(self.driver.speed() / 1.5)),
            Shortcut::Reset => self.control(Control::Reset),
            Shortcut::Theme => self.control(Control::Theme),
            Shortcut::Select(s) if s >= 1 && s <= n => self.reduce(Msg::Select(Some(s))),
            Shortcut::Select(_) => false,
            Shortcut::SelectLeader => {
                let l = self.world().serving_leader().or_else(|| {
                    self.frame
                        .scene
                        .servers
                        .iter()
                        .find(|v| v.mode == "leader")
                        .map(|v| v.id)
                });
                self.reduce(Msg::Select(l))
            }
            Shortcut::Prev => {
                let s = sel.map_or(n, |s| if s <= 1 { n } else { s - 1 });
                self.reduce(Msg::Select(Some(s)))
            }
            Shortcut::Next => {
                let s = sel.map_or(1, |s| if s >= n { 1 } else { s + 1 });
                self.reduce(Msg::Select(Some(s)))
            }
            Shortcut::Crash | Shortcut::Restart | Shortcut::Wipe | Shortcut::Isolate => {
                let Some(s) = self.target() else { return true };
                let cmd = match k {
                    Shortcut::Crash => Command::Crash(s),
                    Shortcut::Restart => Command::Restart(s),
                    Shortcut::Wipe => Command::Wipe(s),
                    _ => Command::Isolate(s),
                };
                self.reduce(Msg::Command(cmd))
            }
            Shortcut::WriteHere => {
                let Some(s) = self.target() else { return true };
                let data = format!("t{}", self.world().now());
                self.reduce(Msg::Command(Command::Write {
                    at: s,
                    path: format!("/s{s}"),
                    data,
                }))
            }
            Shortcut::HealAll => self.reduce(Msg::Command(Command::HealAll)),
            Shortcut::AutoWrite => {
                let rate = if self.driver.writes.rate() > 0 {
                    0
                } else {
                    STEADY_RATE
                };
                self.reduce(Msg::Writes(rate))
            }
            Shortcut::Partition => {
                self.partition_focus += 1;
                true
            }
            Shortcut::Menu => match sel {
                Some(s) => self.reduce(Msg::OpenServer(s)),
                None => false,
            },
            Shortcut::Help => self.reduce(Msg::Help(!self.help)),
            Shortcut::Escape => {
                if self.help {
                    self.help = false;
                } else if self.menu != Menu::None {
                    self.menu = Menu::None;
                } else {
                    self.select(None);
                }
                true
            }
        }
    }

    /// The reducer: applies one message; true if the page must be drawn again.
    fn reduce(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let Some(dt) = self.clock.frame(ts, self.playing) else {
                    return false;
                };
                self.driver.play(dt);
                self.refresh(false, Some(ts));
                true
            }
            Msg::Visibility => {
                self.clock.visibility_changed(self.playing);
                false
            }
            Msg::Key(k) => self.on_shortcut(k),
            Msg::Control(c) => self.control(c),
            Msg::Command(cmd) => {
                self.apply(cmd);
                true
            }
            Msg::MenuCommand(cmd) => {
                self.menu = Menu::None;
                self.apply(cmd);
                true
            }
            Msg::Writes(rate) => {
                self.set_writes(rate);
                true
            }
            Msg::Partition(group) => {
                self.partition(group);
                true
            }
            Msg::Select(s) => {
                self.select(s);
                true
            }
            Msg::OpenServer(s) => {
                self.menu = Menu::Server(s);
                self.select(Some(s));
                true
            }
            Msg::OpenLink(a, b) => {
                self.menu = Menu::Link(a.min(b), a.max(b));
                true
            }
            Msg::CloseMenu => std::mem::replace(&mut self.menu, Menu::None) != Menu::None,
            Msg::Help(open) => {
                self.help = open;
                true
            }
            Msg::DismissNotices => {
                self.notices.clear();
                true
            }
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
        let theme = stored_theme();
        apply_theme(theme);
        let link = ctx.link();
        let mut app = App {
            driver: Driver::new(boot(&params), speed, params.writes),
            params,
            story: Story::new(),
            frame: Rc::new(Frame::empty()),
            layout: Rc::new(Layout::ring(1)),
            playing: true,
            reduced,
            selected: None,
            menu: Menu::None,
            help: false,
            theme,
            notices,
            status: None,
            partition_focus: 0,
            clock: FrameClock::new(
                link.callback(Msg::Frame),
                link.callback(|_| Msg::Visibility),
            ),
            _keys: keys::listen(false, link.callback(Msg::Key)),
            cb: Callbacks::new(link),
        };
        app.reset_world();
        app.clock.request(app.playing);
        app
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        self.reduce(msg)
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let f = &*self.frame;
        let ring = html! {
            <Ring layout={self.layout.clone()} scene={f.scene.clone()} now={self.driver.vt()}
                selected={self.selected} reduced={self.reduced} paused={!self.playing}
                on_server={self.cb.server.clone()} on_link={self.cb.link.clone()}
                on_background={self.cb.background.clone()}
                protocol={AttrValue::Static(self.world().protocol().name())} />
        };
        let menu = match self.menu {
            Menu::None => html! {},
            Menu::Server(s) => match f.scene.servers.get(s as usize - 1) {
                Some(v) => {
                    let (x, y) = self.layout.at(s);
                    html! {
                        <ServerMenu key={s} view={v.clone()} n={self.server_count()} {x} {y}
                            card_h={self.layout.h} on_command={self.cb.menu_command.clone()}
                            on_link={self.cb.link.clone()} on_close={self.cb.close_menu.clone()} />
                    }
                }
                None => html! {},
            },
            Menu::Link(a, b) => {
                let (xa, ya) = self.layout.at(a);
                let (xb, yb) = self.layout.at(b);
                html! {
                    <LinkMenu {a} {b} x={(xa + xb) / 2.0} y={(ya + yb) / 2.0}
                        cut_ab={f.scene.cuts.contains(&(a, b))}
                        cut_ba={f.scene.cuts.contains(&(b, a))}
                        on_command={self.cb.command.clone()} on_close={self.cb.close_menu.clone()} />
                }
            }
        };
        let banner = html! {
            <p class={classes!("banner", f.banner.stage)}>
                // Screen readers hear the phase when it changes, not every new zxid.
                <span class="stage" aria-live="polite">{ f.banner.stage_word(self.paxos()) }</span>
                <span class="text">{ f.banner.text.clone() }</span>
            </p>
        };
        let clock = html! {
            <span class="clock" title="virtual time">{ format!("t = {}", super::fmt::seconds_2(self.driver.vt() as u64)) }</span>
        };
        let notices = (!self.notices.is_empty()).then(|| {
            html! {
                <div class="notices" role="alert">
                    <ul>{ for self.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    <button class="dismiss" onclick={self.cb.send.reform(|_| Msg::DismissNotices)}
                        aria-label="Dismiss these messages">{ "OK" }</button>
                </div>
            }
        });
        let status = html! {
            <p class="status" role="status">{ self.status.clone().unwrap_or_default() }</p>
        };
        let controls = html! {
            <Controls playing={self.playing} speed={self.driver.speed()} params={self.params.clone()}
                embed={self.params.embed} theme={self.theme} on_control={self.cb.control.clone()} />
        };
        if self.params.embed {
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
                            { if self.world().protocol() == Protocol::Paxos { "Multi-Paxos mode" } else { "single-decree Paxos mode" } }
                        </span>
                    }
                    if self.params.variant != crate::sim::zab::Variant::Correct {
                        <span class="variant-tag" title="A deliberately broken protocol: watch the invariant panel">
                            { format!("broken on purpose: {}", self.params.variant.name()) }
                        </span>
                    }
                    <span class="spacer" />
                    { clock }
                    <button class="help-button" onclick={self.cb.send.reform(|_| Msg::Help(true))}
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
                                selected={self.selected.filter(|s| self.world().is_up(*s))}
                                leader={self.world().serving_leader()} requests={f.requests.clone()}
                                writes={self.driver.writes.rate()} on_command={self.cb.command.clone()}
                                on_writes={self.cb.writes.clone()} />
                            <Partition n={self.server_count()} focus={self.partition_focus}
                                any_cut={!f.scene.cuts.is_empty()} on_partition={self.cb.partition.clone()}
                                on_command={self.cb.command.clone()} />
                        </div>
                    </section>
                    <aside class="side-col">
                        <Invariants violations={f.violations.clone()} paxos={self.paxos()} />
                        <Inspector data={f.inspector.clone()} on_close={self.cb.deselect.clone()} />
                        <Feed lines={f.feed.clone()} />
                    </aside>
                </main>
                <Help open={self.help} on_close={self.cb.close_help.clone()} />
            </div>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.clock.cancel();
    }
}
