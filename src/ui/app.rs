//! The root component of the single-ensemble page: the page's state and reducer live natively
//! in `crate::view::page` (tested by `cargo test`); this component only adds what needs the
//! browser (the animation clock, the keyboard, the URL, the theme, the notices) and renders
//! the page's frame. Its children get data and callbacks.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::clock::FrameClock;
use super::controls::Control;
use super::keys::{self, Shortcut};
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, REDUCED_SPEED};
use super::theme::{
    apply_theme, bare_url, prefers_reduced_motion, remember_tour_ended, store_theme, stored_theme,
    tour_ended, Theme,
};
use super::timeline::{BranchItem, TimeBar};
use super::{
    ClientBox, ClientMenu, ClientPanel, Controls, Drawer, Feed, Help, InfoPanel, Inspector,
    Invariants, Legend, LinkMenu, LogGrid, MessageCard, Partition, Ring, ServerMenu, SideTabs,
    TourCard,
};
use crate::sim::world::Protocol;
use crate::sim::{Command, Sid};
use crate::view::driver::Tempo;
use crate::view::page::{Action, Menu, Page, Tab, TourStep, Transport};
use crate::view::tour::{Tour, FIRST_RUN};

/// What the page hears: a frame of the clock, or an action for the page's reducer.
pub enum Msg {
    Frame(f64),
    Visibility,
    Do(Action),
    Control(Control),
    DismissNotices,
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
    message: Callback<u64>,
    background: Callback<()>,
    close_menu: Callback<()>,
    close_help: Callback<()>,
    deselect: Callback<()>,
    tab: Callback<Tab>,
    tour: Callback<TourStep>,
    select: Callback<Sid>,
    pause_on_violation: Callback<bool>,
    client: Callback<Rc<str>>,
    select_client: Callback<Option<Rc<str>>>,
    preset: Callback<&'static str>,
    time: Callback<crate::view::action::TimeAction>,
    files: Callback<crate::view::files::FileAction>,
    diagram: Callback<crate::view::action::DiagramAction>,
    hover: Callback<Option<u64>>,
    open_diagram: Callback<bool>,
}

impl Callbacks {
    fn new(link: &yew::html::Scope<App>) -> Callbacks {
        Callbacks {
            send: link.callback(|m: Msg| m),
            command: link.callback(|c| Msg::Do(Action::Command(c))),
            menu_command: link.callback(|c| Msg::Do(Action::MenuCommand(c))),
            control: link.callback(Msg::Control),
            writes: link.callback(|r| Msg::Do(Action::Writes(r))),
            partition: link.callback(|g| Msg::Do(Action::Partition(g))),
            server: link.callback(|s| Msg::Do(Action::OpenServer(s))),
            link: link.callback(|(a, b)| Msg::Do(Action::OpenLink(a, b))),
            message: link.callback(|id| Msg::Do(Action::OpenMessage(id))),
            background: link.callback(|_| Msg::Do(Action::CloseMenu)),
            close_menu: link.callback(|_| Msg::Do(Action::CloseMenu)),
            close_help: link.callback(|_| Msg::Do(Action::Help(false))),
            deselect: link.callback(|_| Msg::Do(Action::Select(None))),
            tab: link.callback(|t| Msg::Do(Action::Tab(t))),
            tour: link.callback(|t| Msg::Do(Action::Tour(t))),
            select: link.callback(|s| Msg::Do(Action::Select(Some(s)))),
            pause_on_violation: link.callback(|on| Msg::Do(Action::PauseOnViolation(on))),
            client: link.callback(|n| Msg::Do(Action::OpenClient(n))),
            select_client: link.callback(|n| Msg::Do(Action::SelectClient(n))),
            preset: link.callback(|n| Msg::Do(Action::Preset(n))),
            time: link.callback(|a| Msg::Do(Action::Time(a))),
            files: link.callback(|a| Msg::Do(Action::Files(a))),
            diagram: link.callback(|a| Msg::Do(Action::Diagram(a))),
            open_diagram: link.callback(|open| {
                Msg::Do(Action::Diagram(crate::view::action::DiagramAction::Open(
                    open,
                )))
            }),
            hover: link.callback(|id| {
                Msg::Do(Action::Diagram(crate::view::action::DiagramAction::Hover(
                    id,
                )))
            }),
        }
    }
}

pub struct App {
    params: Params,
    page: Page,
    /// The speed as last seen, to tell when it changed.
    speed: f64,
    layout: Rc<Layout>,
    reduced: bool,
    theme: Theme,
    notices: Vec<String>,
    clock: FrameClock,
    _keys: EventListener,
    cb: Callbacks,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

/// Every server an invariant violation names, once each.
fn alarm(violations: &[crate::sim::Violation]) -> Rc<Vec<Sid>> {
    let mut servers: Vec<Sid> = violations
        .iter()
        .flat_map(|v| v.servers.iter().copied())
        .collect();
    servers.sort_unstable();
    servers.dedup();
    Rc::new(servers)
}

impl App {
    fn paxos(&self) -> bool {
        self.page.frame.protocol != Protocol::Zab
    }

    /// What the side column's tab on show holds.
    fn tab_panel(&self) -> Html {
        let (p, f) = (&self.page, &*self.page.frame);
        match p.tab {
            Tab::Feed => html! { <Feed lines={f.feed.clone()} paxos={self.paxos()} /> },
            Tab::Clients => html! {
                <ClientPanel n={p.server_count()} clients={f.scene.clients.clone()}
                    results={f.results.clone()} selected={p.client.clone()} zab={!self.paxos()}
                    on_command={self.cb.command.clone()} on_select={self.cb.select_client.clone()}
                    preset={p.script.as_ref().map(|s| (s.preset.name, s.outcome.clone()))}
                    on_preset={self.cb.preset.clone()} resources={f.resources.clone()} />
            },
            Tab::Inspector => html! {
                <Inspector data={f.inspector.clone()} on_close={Some(self.cb.deselect.clone())} />
            },
            Tab::Partition => html! {
                <div class="tools">
                    <Partition n={p.server_count()} focus={p.partition_focus}
                        any_cut={!f.scene.cuts.is_empty()} on_partition={self.cb.partition.clone()}
                        on_command={self.cb.command.clone()} />
                </div>
            },
            Tab::Legend => html! { <Legend paxos={self.paxos()} /> },
            Tab::Info => html! { <InfoPanel info={f.info.clone()} /> },
        }
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

    fn control(&mut self, c: Control) -> bool {
        match c {
            Control::TogglePlay => self.act(Action::Play(Transport::TogglePlay)),
            Control::Step => self.act(Action::Play(Transport::Step)),
            Control::Speed(s) => self.act(Action::Play(Transport::Speed(s))),
            Control::Pace(on) => {
                self.params.pace = on;
                self.update_url();
                self.act(Action::Play(Transport::Pace(on)))
            }
            Control::Reset => self.act(Action::Reset),
            Control::Configure(p) => {
                self.page.configure(p.world_config(), p.writes);
                self.params = p;
                self.update_url();
                self.after();
                true
            }
            Control::Theme => self.act(Action::Key(Shortcut::Theme)),
        }
    }

    /// Lets the page's reducer act, then does what needs the browser.
    fn act(&mut self, action: Action) -> bool {
        let redraw = self.page.reduce(action);
        self.after();
        redraw
    }

    /// Brings the browser in line with the page: the clock, the layout, the URL, the theme.
    fn after(&mut self) {
        self.clock.set_playing(self.page.playing);
        let n = self.page.server_count() as usize;
        if self.layout.pos.len() != n {
            self.layout = Rc::new(Layout::ring(n));
        }
        // A link reproduces the page: a new speed or rate goes into the URL (an untouched
        // speed stays out of it, so the default follows the motion preference).
        let (speed, writes) = (self.page.driver.speed(), self.page.driver.writes_rate());
        if speed != std::mem::replace(&mut self.speed, speed) {
            self.params.speed = Some(speed);
            self.update_url();
        }
        if self.params.writes != writes {
            self.params.writes = writes;
            self.update_url();
        }
        // A preset playing is part of the run a link reproduces.
        let scenario = self.page.script.as_ref().map(|s| s.preset.name);
        if self.params.scenario != scenario {
            self.params.scenario = scenario;
            self.update_url();
        }
        if std::mem::take(&mut self.page.theme_asked) {
            self.theme = self.theme.next();
            store_theme(self.theme);
        }
        if std::mem::take(&mut self.page.tour_closed) {
            remember_tour_ended();
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
        let mut page = Page::new(params.world_config(), speed, params.writes);
        page.driver.pacing = params.pace;
        // The first-run hint: by itself only on a bare URL (a shared link means someone
        // already knows what to show), never in an embed; `tour=` overrides both ways.
        let tour = !params.embed && params.tour.unwrap_or_else(|| bare_url() && !tour_ended());
        page.tour = tour.then(|| Tour::new(FIRST_RUN));
        if let Some(name) = params.scenario {
            page.reduce(Action::Preset(name));
        }
        let mut clock = FrameClock::new(
            link.callback(Msg::Frame),
            link.callback(|_| Msg::Visibility),
        );
        clock.request(page.playing);
        App {
            layout: Rc::new(Layout::ring(page.server_count() as usize)),
            speed: page.driver.speed(),
            page,
            params,
            reduced,
            theme,
            notices,
            clock,
            _keys: keys::listen(false, link.callback(|k| Msg::Do(Action::Key(k)))),
            cb: Callbacks::new(link),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => match self.clock.frame(ts, self.page.playing) {
                Some(dt) => self.page.reduce(Action::Play(Transport::Tick {
                    real_ms: dt,
                    at: ts,
                })),
                None => false,
            },
            Msg::Visibility => {
                self.clock.visibility_changed(self.page.playing);
                false
            }
            Msg::Do(action) => self.act(action),
            Msg::Control(c) => self.control(c),
            Msg::DismissNotices => {
                self.notices.clear();
                true
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let f = &*self.page.frame;
        let p = &self.page;
        let ring = html! {
            <Ring layout={self.layout.clone()} scene={f.scene.clone()} now={p.driver.vt()}
                selected={p.selected} reduced={self.reduced} paused={!p.playing}
                on_server={self.cb.server.clone()} on_link={self.cb.link.clone()}
                on_message={self.cb.message.clone()}
                hot={p.diagram.hover} on_hover={self.cb.hover.clone()}
                on_background={self.cb.background.clone()}
                on_client={self.cb.client.clone()} selected_client={p.client.clone()}
                alarm={alarm(&f.violations)}
                protocol={AttrValue::Static(f.protocol.name())} />
        };
        let menu = match p.menu {
            Menu::None => html! {},
            Menu::Server(s) => match f.scene.servers.get(s as usize - 1) {
                Some(v) => {
                    let (x, y) = self.layout.at(s);
                    html! {
                        <ServerMenu key={s} view={v.clone()} n={p.server_count()} {x} {y}
                            card_h={2.0 * self.layout.r} on_command={self.cb.menu_command.clone()}
                            on_link={self.cb.link.clone()} on_close={self.cb.close_menu.clone()} />
                    }
                }
                None => html! {},
            },
            Menu::Message(id) => {
                let m = f.scene.messages.iter().find(|m| m.id == id);
                let (x, y) = m.map_or((500.0, 500.0), |m| self.layout.between(m.from, m.to, 0.5));
                html! {
                    <MessageCard message={m.cloned()} {x} {y} now={p.driver.vt()}
                        on_close={self.cb.close_menu.clone()} />
                }
            }
            Menu::Client(i) => match f.scene.clients.get(i) {
                Some(c) => {
                    let (x, y) = self.layout.client_at(i);
                    html! {
                        <ClientMenu key={format!("client-{i}")} client={c.clone()} n={p.server_count()} {x} {y} r={self.layout.client_r()}
                            on_command={self.cb.menu_command.clone()} on_close={self.cb.close_menu.clone()} />
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
            <span class="clock" title="virtual time">{ format!("t = {}", super::fmt::seconds_2(p.driver.vt() as u64)) }</span>
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
            <p class="status" role="status">{ p.status.clone().unwrap_or_default() }</p>
        };
        let controls = html! {
            <Controls playing={p.playing} speed={p.driver.speed()} pacing={p.driver.pacing}
                tempo={if p.playing { p.driver.tempo() } else { Tempo::AsSet }} params={self.params.clone()}
                embed={self.params.embed} theme={self.theme} on_control={self.cb.control.clone()} />
        };
        if self.params.embed {
            let full = {
                let mut p = self.params.clone();
                p.embed = false;
                format!("./{}", p.to_query())
            };
            return html! {
                <main class="app embed" aria-label="ZabScope, embedded">
                    <h1 class="sr">{ "ZabScope" }</h1>
                    { for notices }
                    <div class="topline">{ banner }{ clock }</div>
                    <div class="stage-wrap">{ ring }{ menu }</div>
                    <div class="embed-bar">
                        { controls }
                        <a class="open-full" href={full} target="_blank" rel="noopener" aria-label="Open in ZabScope"
                            title="Open this run in the full page"><span class="word">{ "Open in ZabScope " }</span>{ "↗" }</a>
                    </div>
                    { status }
                </main>
            };
        }
        let tl = &p.timeline;
        let branches: Vec<BranchItem> = (tl.branches().iter())
            .map(|b| BranchItem {
                id: b.id,
                name: b.name.clone(),
                active: b.id == tl.active().id,
            })
            .collect();
        let timebar = html! {
            <TimeBar now={p.world().now()} edge={tl.edge().max(p.world().now())} past={tl.in_past()}
                branches={Rc::new(branches)} on_time={self.cb.time.clone()}
                diagram={p.diagram.open} on_diagram={self.cb.open_diagram.clone()} />
        };
        // Hooks for tests: the playhead's virtual ms, and its state hash whenever paused.
        let hash = (!p.playing).then(|| p.world().state_hash_hex());
        html! {
            <div class={classes!("app", p.diagram.open.then_some("drawer-open"))} data-t={p.world().now().to_string()} data-state-hash={hash}>
                <header class="bar">
                    <h1>{ "ZabScope" }</h1>
                    <span class="sub">{ if self.paxos() { "Paxos, simulated on the same network and faults, to compare with ZooKeeper's Zab" } else { "ZooKeeper's leader election and Zab, simulated" } }</span>
                    if self.paxos() {
                        <span class="variant-tag protocol-tag" title="ZooKeeper itself does not run Paxos: this is the comparison protocol">
                            { if f.protocol == Protocol::Paxos { "Multi-Paxos mode" } else { "single-decree Paxos mode" } }
                        </span>
                    }
                    if self.params.variant != crate::sim::zab::Variant::Correct {
                        <span class="variant-tag" title="A deliberately broken protocol: watch the invariant panel">
                            { format!("broken on purpose: {}", self.params.variant.name()) }
                        </span>
                    }
                    <span class="spacer" />
                    <super::RunFiles on_files={self.cb.files.clone()} download={p.download.clone()} />
                    { clock }
                    <button class="help-button" onclick={self.cb.send.reform(|_| Msg::Do(Action::Help(true)))}
                        aria-label="Keyboard shortcuts and help" title="Help (?)">{ "?" }</button>
                </header>
                <section class="controls-region" aria-label="Controls">
                    { for notices }
                    { controls }
                </section>
                <main class="layout">
                    <section class="stage-col" aria-label="The ensemble">
                        { banner }
                        <div class="stage-room"><div class="stage-wrap">{ ring }{ menu }</div></div>
                        { timebar }
                        { status }
                        <LogGrid grid={f.grid.clone()} />
                    </section>
                    <aside class="side-col">
                        if let Some(t) = &p.tour {
                            <TourCard tour={t.clone()} on_step={self.cb.tour.clone()} />
                        }
                        <Invariants violations={f.violations.clone()} paxos={self.paxos()}
                            on_select={Some(self.cb.select.clone())}
                            pause={Some((p.pause_on_violation, self.cb.pause_on_violation.clone()))} />
                        <ClientBox n={p.server_count()}
                                selected={p.selected.filter(|s| f.scene.servers.get(*s as usize - 1).is_some_and(|v| v.mode != crate::sim::view::Mode::Down))}
                                leader={f.leader} requests={f.requests.clone()}
                                writes={p.driver.writes_rate()} on_command={self.cb.command.clone()}
                                on_writes={self.cb.writes.clone()} />
                        <SideTabs tab={p.tab} on_tab={self.cb.tab.clone()}>
                            { self.tab_panel() }
                        </SideTabs>
                    </aside>
                </main>
                <Drawer open={p.diagram.open} view={f.diagram.clone()} on={self.cb.diagram.clone()}
                    on_time={self.cb.time.clone()} />
                <Help open={p.help} on_close={self.cb.close_help.clone()} />
            </div>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.clock.cancel();
    }
}
