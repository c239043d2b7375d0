//! The side-by-side view (`?compare=1`): a ZooKeeper ensemble (FLE + Zab) on the left and a
//! Multi-Paxos ensemble on the right, of the same size and seed. Its state and reducer are
//! native (`crate::view::compare`: the main page's driver, frames and vocabulary); this
//! component adds the clock, the keys (the same keymap), the theme and the notices, and draws.

use std::rc::Rc;

use gloo_events::EventListener;
use yew::prelude::*;

use super::clock::FrameClock;
use super::controls::Control;
use super::keys::{self, Shortcut};
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, REDUCED_SPEED};
use super::theme::{apply_theme, prefers_reduced_motion, store_theme, stored_theme, Theme};
use super::{Controls, Inspector, Invariants, Legend, LinkMenu, Ring};
use crate::sim::world::Protocol;
use crate::sim::{Command, Sid};
use crate::view::action::DiagramAction;
use crate::view::compare::ComparePage;
use crate::view::driver::Tempo;
use crate::view::frame::Frame;
use crate::view::page::{Action, Transport};

pub enum CMsg {
    Frame(f64),
    Control(Control),
    /// A link clicked on one side: its menu opens on that side.
    Link(Protocol, Sid, Sid),
    Visibility,
    Do(Action),
    DismissNotices,
}

pub struct Compare {
    params: Params,
    page: ComparePage,
    layout: Rc<Layout>,
    reduced: bool,
    theme: Theme,
    notices: Vec<String>,
    clock: FrameClock,
    _keys: EventListener,
    on_server: Callback<Sid>,
    on_link_zab: Callback<(Sid, Sid)>,
    on_link_paxos: Callback<(Sid, Sid)>,
    on_background: Callback<()>,
    on_command: Callback<Command>,
    on_close: Callback<()>,
    /// The side whose link menu is open.
    menu_side: Protocol,
    on_control: Callback<Control>,
    on_diagram: Callback<DiagramAction>,
}

impl Compare {
    /// Lets the page's reducer act, then does what needs the browser.
    fn act(&mut self, action: Action) -> bool {
        let redraw = self.page.reduce(action);
        self.clock.set_playing(self.page.playing);
        if std::mem::take(&mut self.page.theme_asked) {
            self.theme = self.theme.next();
            store_theme(self.theme);
        }
        redraw
    }

    fn side(&self, protocol: Protocol, frame: &Frame) -> Html {
        let banner = &frame.banner;
        let (title, sub) = match protocol {
            Protocol::Zab => (
                "ZooKeeper: FLE + Zab",
                "election by votes, then a primary's ordered broadcast",
            ),
            _ => (
                "Multi-Paxos",
                "ballots, promises, and one agreement per slot",
            ),
        };
        html! {
            <section class="compare-side" aria-label={title}>
                <h2>{ title }<span class="sub">{ sub }</span></h2>
                <p class={classes!("banner", banner.stage)}>
                    <span class="stage">{ banner.stage_word(protocol != Protocol::Zab) }</span>
                    <span class="text">{ banner.text.clone() }</span>
                </p>
                <div class="stage-wrap">
                    <Ring layout={self.layout.clone()} scene={frame.scene.clone()} now={self.page.driver.vt()}
                        selected={Some(self.page.selected)} reduced={self.reduced} paused={!self.page.playing}
                        on_server={self.on_server.clone()}
                        on_link={if protocol == Protocol::Zab { self.on_link_zab.clone() } else { self.on_link_paxos.clone() }}
                        on_background={self.on_background.clone()}
                        protocol={AttrValue::Static(match protocol { Protocol::Zab => "zab", _ => "paxos" })} />
                    { self.link_menu(protocol, frame) }
                </div>
            </section>
        }
    }
}

impl Compare {
    /// The open link's menu, on the side it was clicked on: each direction cut or healed on
    /// both ensembles at once.
    fn link_menu(&self, side: Protocol, frame: &Frame) -> Html {
        let Some((a, b)) = self.page.link_menu.filter(|_| side == self.menu_side) else {
            return html! {};
        };
        let ((xa, ya), (xb, yb)) = (self.layout.at(a), self.layout.at(b));
        html! {
            <LinkMenu {a} {b} x={(xa + xb) / 2.0} y={(ya + yb) / 2.0}
                cut_ab={frame.scene.cuts.contains(&(a, b))} cut_ba={frame.scene.cuts.contains(&(b, a))}
                on_command={self.on_command.clone()} on_close={self.on_close.clone()} />
        }
    }

    /// The transport controls, the same component as the main page's (its compact form).
    fn controls(&self) -> Html {
        let p = &self.page;
        html! {
            <Controls playing={p.playing} speed={p.driver.speed()} pacing={p.driver.pacing}
                tempo={if p.playing { p.driver.tempo() } else { Tempo::AsSet }} params={self.params.clone()}
                embed=true theme={self.theme} on_control={self.on_control.clone()} />
        }
    }
}

impl Component for Compare {
    type Message = CMsg;
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
        let (v, o, seed) = (params.voters, params.observers, params.seed);
        let mut page = ComparePage::new(v, o, seed, speed, params.writes);
        page.driver.pacing = params.pace;
        let mut clock = FrameClock::new(
            link.callback(CMsg::Frame),
            link.callback(|_| CMsg::Visibility),
        );
        clock.request(page.playing);
        Compare {
            layout: Rc::new(Layout::ring(page.server_count() as usize)),
            page,
            params,
            reduced,
            theme,
            notices,
            clock,
            _keys: keys::listen(true, link.callback(|k| CMsg::Do(Action::Key(k)))),
            on_server: link.callback(|s| CMsg::Do(Action::Select(Some(s)))),
            on_link_zab: link.callback(|(a, b)| CMsg::Link(Protocol::Zab, a, b)),
            on_link_paxos: link.callback(|(a, b)| CMsg::Link(Protocol::Paxos, a, b)),
            on_background: link.callback(|_| CMsg::Do(Action::CloseMenu)),
            on_command: link.callback(|c| CMsg::Do(Action::Command(c))),
            on_close: link.callback(|_| CMsg::Do(Action::CloseMenu)),
            menu_side: Protocol::Zab,
            on_control: link.callback(CMsg::Control),
            on_diagram: link.callback(|a| CMsg::Do(Action::Diagram(a))),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: CMsg) -> bool {
        match msg {
            CMsg::Frame(ts) => match self.clock.frame(ts, self.page.playing) {
                Some(dt) => self.page.reduce(Action::Play(Transport::Tick {
                    real_ms: dt,
                    at: ts,
                })),
                None => false,
            },
            CMsg::Visibility => {
                self.clock.visibility_changed(self.page.playing);
                false
            }
            CMsg::Do(action) => self.act(action),
            CMsg::Link(side, a, b) => {
                self.menu_side = side;
                self.act(Action::OpenLink(a, b))
            }
            CMsg::Control(c) => match c {
                Control::TogglePlay => self.act(Action::Play(Transport::TogglePlay)),
                Control::Step => self.act(Action::Play(Transport::Step)),
                Control::Speed(v) => self.act(Action::Play(Transport::Speed(v))),
                Control::Pace(on) => self.act(Action::Play(Transport::Pace(on))),
                Control::Reset => self.act(Action::Reset),
                Control::Theme => self.act(Action::Key(Shortcut::Theme)),
                // The comparison has no settings form: its URL sets the ensemble.
                Control::Configure(_) => false,
            },
            CMsg::DismissNotices => {
                self.notices.clear();
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let p = &self.page;
        let s = p.selected;
        let writes = p.driver.writes_rate();
        let open = p.diagram.open;
        let hashes = (!p.playing).then(|| {
            let h = |w: &crate::sim::World| AttrValue::from(w.state_hash_hex());
            (h(&p.driver.sim.zab), h(&p.driver.sim.paxos))
        });
        let single = {
            let mut p = self.params.clone();
            p.compare = false;
            format!("./{}", p.to_query())
        };
        let notices = (!self.notices.is_empty()).then(|| {
            html! {
                <div class="notices" role="alert">
                    <ul>{ for self.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    <button class="dismiss" onclick={link.callback(|_| CMsg::DismissNotices)}
                        aria-label="Dismiss these messages">{ "OK" }</button>
                </div>
            }
        });
        let servers = (1..=p.server_count()).map(|sid| {
            html! {
                <button class={classes!("pick", (sid == s).then_some("on"))} aria-pressed={(sid == s).to_string()}
                    onclick={link.callback(move |_| CMsg::Do(Action::Key(Shortcut::Select(sid))))}>{ format!("s{sid}") }</button>
            }
        });
        let explanations = p.explanations.iter().rev().map(|e| {
            html! {
                <li class="explanation">
                    <h3>{ e.point.title() }<span class="at">{ format!(" t = {}", super::fmt::seconds_2(e.at)) }</span></h3>
                    <p>{ e.text.clone() }</p>
                </li>
            }
        });
        html! {
            <div class="app compare">
                <header class="bar">
                    <h1>{ "ZabScope" }</h1>
                    <span class="sub">{ "Zab and Multi-Paxos side by side, under the same faults" }</span>
                    <span class="spacer" />
                    <span class="clock" title="virtual time (one clock for both)">{ format!("t = {}", super::fmt::seconds_2(p.driver.vt() as u64)) }</span>
                    <a class="compare-link" href={single}>{ "One ensemble" }</a>
                </header>
                <section class="controls-region" aria-label="Controls for both ensembles">
                { for notices }
                <div class="controls compare-controls" role="toolbar" aria-label="Controls for both ensembles">
                    <div class="group">
                        { self.controls() }
                        <button class="reset" onclick={link.callback(|_| CMsg::Do(Action::Key(Shortcut::Reset)))} aria-label="Reset">{ "↺ Reset" }</button>
                    </div>
                    <div class="group shared" role="group" aria-label="Server (on both sides)">
                        <span>{ "Server" }</span>
                        { for servers }
                    </div>
                    <div class="group shared" role="group" aria-label="Faults on both sides">
                        <button class="both crash" onclick={link.callback(move |_| CMsg::Do(Action::Command(Command::Crash(s))))}>{ format!("Crash s{s}") }</button>
                        <button class="both restart" onclick={link.callback(move |_| CMsg::Do(Action::Command(Command::Restart(s))))}>{ format!("Restart s{s}") }</button>
                        <button class="both isolate" onclick={link.callback(move |_| CMsg::Do(Action::Command(Command::Isolate(s))))}>{ format!("Isolate s{s}") }</button>
                        <button class="both write" onclick={link.callback(|_| CMsg::Do(Action::Key(Shortcut::WriteHere)))}>{ format!("Write at s{s}") }</button>
                        <button class="both heal" onclick={link.callback(|_| CMsg::Do(Action::Command(Command::HealAll)))}>{ "Heal all" }</button>
                        <button class="both steady" aria-pressed={(writes > 0).to_string()}
                            title="Steady writes at each server in turn, on both sides"
                            onclick={link.callback(|_| CMsg::Do(Action::Key(Shortcut::AutoWrite)))}>
                            { if writes > 0 { format!("Steady writes: {writes}/s ✓") } else { "Steady writes".to_string() } }
                        </button>
                    </div>
                </div>
                <p class={classes!("status", p.status.as_ref().is_some_and(|s| s.0).then_some("ok"))} role="status">
                    { p.status.as_ref().map(|s| s.1.clone()).unwrap_or_default() }
                </p>
                <p class="compare-hint muted">{ "Every action applies to both ensembles at the same virtual time. Click a server (either side) to pick it and see both inspectors; click a link to cut or heal it, one way or both, on both sides." }</p>
                </section>
                <main class="compare-rings">
                    { self.side(Protocol::Zab, &p.zab) }
                    { self.side(Protocol::Paxos, &p.paxos) }
                </main>
                <p class="compare-diagram-toggle">
                    <button class="diagram-toggle" onclick={self.on_diagram.reform(move |_| DiagramAction::Open(!open))}
                        aria-expanded={open.to_string()} aria-controls="diagram-drawer"
                        title="Every message of both ensembles on a lane per server, in time">{ "Diagram" }</button>
                </p>
                <super::CompareDrawer {open} views={p.diagrams.clone()} hashes={hashes}
                    on={self.on_diagram.clone()} />
                <div class="compare-panels">
                    <section class="panel explanations" aria-label="Explanations">
                        <h2>{ "What differs, as it happens" }</h2>
                        <p class="intro">
                            { "A common misconception: ZooKeeper does not run Paxos. Its leader election is Fast Leader Election (servers vote for the most up-to-date server), and its replication is Zab, an atomic broadcast in which one primary orders state updates. Multi-Paxos, on the right, agrees on each log slot separately under ballots. Both are safe under crashes and cuts; they differ in how a new leader recovers and when it may propose." }
                        </p>
                        if p.explanations.is_empty() {
                            <p class="muted">{ "Nothing to compare yet: the explanations appear as the runs show each difference." }</p>
                        } else {
                            <ol class="explanation-list" reversed=true>{ for explanations }</ol>
                        }
                    </section>
                    <div class="compare-inspectors">
                        <Inspector data={p.zab.inspector.clone()} />
                        <Inspector data={p.paxos.inspector.clone()} />
                    </div>
                    <section class="compare-checks" aria-label="Invariants and legends">
                        <div class="check-side"><h3>{ "Zab invariants" }</h3><Invariants violations={p.zab.violations.clone()} /></div>
                        <div class="check-side"><h3>{ "Paxos invariants" }</h3><Invariants violations={p.paxos.violations.clone()} paxos=true /></div>
                        <Legend />
                        <Legend paxos=true />
                    </section>
                </div>
            </div>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.clock.cancel();
    }
}
