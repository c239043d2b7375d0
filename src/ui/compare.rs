//! The side-by-side view (`?compare=1`): a ZooKeeper ensemble (FLE + Zab) on the left and a
//! Multi-Paxos ensemble on the right, of the same size and seed, driven by one
//! [`Comparison`] through the same driver as the main page (one clock, one speed, the same
//! steady writes and panel throttle), with the same keymap; every fault applies to both at
//! once, and an explanation panel tells the differences as they show up.

use std::rc::Rc;

use gloo_events::EventListener;
use yew::prelude::*;

use super::clock::FrameClock;
use super::keys::{self, Shortcut};
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, REDUCED_SPEED};
use super::theme::{apply_theme, prefers_reduced_motion, store_theme, stored_theme, Theme};
use super::{Invariants, Legend, Ring};
use crate::sim::compare::{Comparison, Explanation};
use crate::sim::world::{Protocol, World};
use crate::sim::{Command, Sid};
use crate::view::driver::{Driver, Sim, STEADY_RATE};
use crate::view::frame::{Frame, FrameInput};

pub enum CMsg {
    Frame(f64),
    Visibility,
    /// A shortcut, or a button that does what a key does.
    Key(Shortcut),
    /// A fault or a repair, applied to both ensembles.
    Both(Command),
    /// A click on a link: cut it both ways on both sides, or heal it if it was cut.
    Link(Sid, Sid),
    DismissNotices,
}

pub struct Compare {
    params: Params,
    driver: Driver<Comparison>,
    zab: Rc<Frame>,
    paxos: Rc<Frame>,
    layout: Rc<Layout>,
    explanations: Rc<Vec<Explanation>>,
    playing: bool,
    reduced: bool,
    theme: Theme,
    selected: Sid,
    /// The last action's outcome: (done on both, text).
    status: Option<(bool, String)>,
    notices: Vec<String>,
    clock: FrameClock,
    _keys: EventListener,
    on_server: Callback<Sid>,
    on_link: Callback<(Sid, Sid)>,
    on_background: Callback<()>,
}

fn describe(cmd: &Command) -> String {
    match cmd {
        Command::Crash(s) => format!("Crashed s{s} on both sides"),
        Command::Restart(s) => format!("Restarted s{s} on both sides"),
        Command::Isolate(s) => format!("Cut s{s} off on both sides"),
        Command::Cut { from, to, .. } => format!("Cut s{from}–s{to} on both sides"),
        Command::Heal { from, to, .. } => format!("Healed s{from}–s{to} on both sides"),
        Command::HealAll => "Healed every link on both sides".into(),
        Command::Write { at, path, data } => format!("Wrote {path}={data} at s{at} on both sides"),
        _ => "Done on both sides".into(),
    }
}

fn boot(p: &Params) -> Comparison {
    let mut cmp = Comparison::new(p.voters, p.observers, p.seed);
    let _ = cmp.apply(Command::StartAll);
    cmp
}

/// The next frame of one side.
fn side_frame(world: &World, prev: &Frame, loss_window: crate::sim::Millis, panels: bool) -> Frame {
    let input = FrameInput {
        selected: None,
        loss_window,
        story: None,
        panels,
    };
    Frame::build(world, prev, &input)
}

impl Compare {
    fn reset(&mut self) {
        let speed = self.driver.speed();
        let rate = self.driver.writes.rate();
        self.driver = Driver::new(boot(&self.params), speed, rate);
        self.zab = Rc::new(Frame::empty());
        self.paxos = Rc::new(Frame::empty());
        self.layout = Rc::new(Layout::ring(self.n() as usize));
        self.refresh(true, None);
    }

    fn n(&self) -> Sid {
        self.driver.sim.server_count()
    }

    /// Builds both sides' next frames if either changed (or if `force`); the banners and
    /// explanations only when the throttle lets them.
    fn refresh(&mut self, force: bool, real: Option<f64>) {
        let changed = self.driver.take_change();
        let panels = self.driver.panels.due(real);
        if !(force || changed || panels) {
            return;
        }
        let window = self.driver.loss_window();
        let cmp = &self.driver.sim;
        self.zab = Rc::new(side_frame(&cmp.zab, &self.zab, window, panels));
        self.paxos = Rc::new(side_frame(&cmp.paxos, &self.paxos, window, panels));
        if panels && cmp.explanations().len() != self.explanations.len() {
            self.explanations = Rc::new(cmp.explanations().to_vec());
        }
    }

    fn apply(&mut self, cmd: Command) {
        let text = describe(&cmd);
        let (a, b) = self.driver.sim.apply(cmd);
        self.status = Some(match (a, b) {
            (Ok(()), Ok(())) => (true, text),
            (Err(e), Ok(())) => (false, format!("Zab refused: {e}")),
            (Ok(()), Err(e)) => (false, format!("Paxos refused: {e}")),
            (Err(e), Err(_)) => (false, format!("Could not do that: {e}")),
        });
        self.refresh(true, None);
    }

    fn on_shortcut(&mut self, k: Shortcut) -> bool {
        let (s, n) = (self.selected, self.n());
        match k {
            Shortcut::Play => {
                self.playing = !self.playing;
                self.clock.set_playing(self.playing);
            }
            Shortcut::Step => {
                self.playing = false;
                self.clock.cancel();
                self.driver.step();
                self.refresh(true, None);
            }
            Shortcut::Faster => {
                self.driver.set_speed(self.driver.speed() * 1.5);
            }
            Shortcut::Slower => {
                self.driver.set_speed(self.driver.speed() / 1.5);
            }
            Shortcut::Reset => {
                self.reset();
                self.status = None;
            }
            Shortcut::Select(v) if v >= 1 && v <= n => self.selected = v,
            Shortcut::Prev => self.selected = if s <= 1 { n } else { s - 1 },
            Shortcut::Next => self.selected = if s >= n { 1 } else { s + 1 },
            Shortcut::Crash => self.apply(Command::Crash(s)),
            Shortcut::Restart => self.apply(Command::Restart(s)),
            Shortcut::Isolate => self.apply(Command::Isolate(s)),
            Shortcut::HealAll => self.apply(Command::HealAll),
            Shortcut::WriteHere => {
                let t = self.driver.sim.now();
                self.apply(Command::Write {
                    at: s,
                    path: format!("/s{s}"),
                    data: format!("t{t}"),
                });
            }
            Shortcut::AutoWrite => {
                let on = self.driver.writes.rate() > 0;
                self.driver.set_writes(if on { 0 } else { STEADY_RATE });
            }
            Shortcut::Theme => {
                self.theme = self.theme.next();
                store_theme(self.theme);
            }
            // Not on this page (the keymap does not send them here).
            _ => return false,
        }
        true
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
                    <Ring layout={self.layout.clone()} scene={frame.scene.clone()} now={self.driver.vt()}
                        selected={Some(self.selected)} reduced={self.reduced} paused={!self.playing}
                        on_server={self.on_server.clone()} on_link={self.on_link.clone()}
                        on_background={self.on_background.clone()}
                        protocol={AttrValue::Static(match protocol { Protocol::Zab => "zab", _ => "paxos" })} />
                </div>
            </section>
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
        let mut c = Compare {
            driver: Driver::new(boot(&params), speed, params.writes),
            params,
            zab: Rc::new(Frame::empty()),
            paxos: Rc::new(Frame::empty()),
            layout: Rc::new(Layout::ring(1)),
            explanations: Rc::new(Vec::new()),
            playing: true,
            reduced,
            theme,
            selected: 1,
            status: None,
            notices,
            clock: FrameClock::new(
                link.callback(CMsg::Frame),
                link.callback(|_| CMsg::Visibility),
            ),
            _keys: keys::listen(true, link.callback(CMsg::Key)),
            on_server: link.callback(|s| CMsg::Key(Shortcut::Select(s))),
            on_link: link.callback(|(a, b)| CMsg::Link(a, b)),
            on_background: Callback::noop(),
        };
        c.reset();
        c.clock.request(c.playing);
        c
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: CMsg) -> bool {
        match msg {
            CMsg::Frame(ts) => {
                let Some(dt) = self.clock.frame(ts, self.playing) else {
                    return false;
                };
                self.driver.play(dt);
                self.refresh(false, Some(ts));
                true
            }
            CMsg::Visibility => {
                self.clock.visibility_changed(self.playing);
                false
            }
            CMsg::Key(k) => self.on_shortcut(k),
            CMsg::Both(cmd) => {
                self.apply(cmd);
                true
            }
            CMsg::Link(a, b) => {
                let cut = self.zab.scene.cuts.contains(&(a, b))
                    || self.paxos.scene.cuts.contains(&(a, b));
                let (from, to) = (a.min(b), a.max(b));
                self.apply(if cut {
                    Command::Heal {
                        from,
                        to,
                        both: true,
                    }
                } else {
                    Command::Cut {
                        from,
                        to,
                        both: true,
                    }
                });
                true
            }
            CMsg::DismissNotices => {
                self.notices.clear();
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let s = self.selected;
        let writes = self.driver.writes.rate();
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
        let servers = (1..=self.n()).map(|sid| {
            html! {
                <button class={classes!("pick", (sid == s).then_some("on"))} aria-pressed={(sid == s).to_string()}
                    onclick={link.callback(move |_| CMsg::Key(Shortcut::Select(sid)))}>{ format!("s{sid}") }</button>
            }
        });
        let explanations = self.explanations.iter().rev().map(|e| {
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
                    <span class="clock" title="virtual time (one clock for both)">{ format!("t = {}", super::fmt::seconds_2(self.driver.vt() as u64)) }</span>
                    <a class="compare-link" href={single}>{ "One ensemble" }</a>
                </header>
                { for notices }
                <div class="controls compare-controls" role="toolbar" aria-label="Controls for both ensembles">
                    <div class="group">
                        <button class="play" onclick={link.callback(|_| CMsg::Key(Shortcut::Play))}
                            aria-label={if self.playing { "Pause" } else { "Play" }}>
                            { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                        </button>
                        <button onclick={link.callback(|_| CMsg::Key(Shortcut::Slower))} aria-label="Slower">{ "−" }</button>
                        <span class="speed-value">{ format!("{}×", super::fmt::speed(self.driver.speed())) }</span>
                        <button onclick={link.callback(|_| CMsg::Key(Shortcut::Faster))} aria-label="Faster">{ "+" }</button>
                        <button class="reset" onclick={link.callback(|_| CMsg::Key(Shortcut::Reset))} aria-label="Reset">{ "↺ Reset" }</button>
                    </div>
                    <div class="group shared" role="group" aria-label="Server (on both sides)">
                        <span>{ "Server" }</span>
                        { for servers }
                    </div>
                    <div class="group shared" role="group" aria-label="Faults on both sides">
                        <button class="both crash" onclick={link.callback(move |_| CMsg::Both(Command::Crash(s)))}>{ format!("Crash s{s}") }</button>
                        <button class="both restart" onclick={link.callback(move |_| CMsg::Both(Command::Restart(s)))}>{ format!("Restart s{s}") }</button>
                        <button class="both isolate" onclick={link.callback(move |_| CMsg::Both(Command::Isolate(s)))}>{ format!("Isolate s{s}") }</button>
                        <button class="both write" onclick={link.callback(|_| CMsg::Key(Shortcut::WriteHere))}>{ format!("Write at s{s}") }</button>
                        <button class="both heal" onclick={link.callback(|_| CMsg::Both(Command::HealAll))}>{ "Heal all" }</button>
                        <button class="both steady" aria-pressed={(writes > 0).to_string()}
                            title="Steady writes at each server in turn, on both sides"
                            onclick={link.callback(|_| CMsg::Key(Shortcut::AutoWrite))}>
                            { if writes > 0 { format!("Steady writes: {writes}/s ✓") } else { "Steady writes".to_string() } }
                        </button>
                    </div>
                </div>
                <p class={classes!("status", self.status.as_ref().is_some_and(|s| s.0).then_some("ok"))} role="status">
                    { self.status.as_ref().map(|s| s.1.clone()).unwrap_or_default() }
                </p>
                <p class="compare-hint muted">{ "Every action applies to both ensembles at the same virtual time. Click a server (either side) to pick it; click a link to cut or heal it on both sides." }</p>
                <main class="compare-rings">
                    { self.side(Protocol::Zab, &self.zab) }
                    { self.side(Protocol::Paxos, &self.paxos) }
                </main>
                <div class="compare-panels">
                    <section class="panel explanations" aria-label="Explanations">
                        <h2>{ "What differs, as it happens" }</h2>
                        <p class="intro">
                            { "A common misconception: ZooKeeper does not run Paxos. Its leader election is Fast Leader Election (servers vote for the most up-to-date server), and its replication is Zab, an atomic broadcast in which one primary orders state updates. Multi-Paxos, on the right, agrees on each log slot separately under ballots. Both are safe under crashes and cuts; they differ in how a new leader recovers and when it may propose." }
                        </p>
                        if self.explanations.is_empty() {
                            <p class="muted">{ "Nothing to compare yet: the explanations appear as the runs show each difference." }</p>
                        } else {
                            <ol class="explanation-list" reversed=true>{ for explanations }</ol>
                        }
                    </section>
                    <div class="compare-checks">
                        <div class="check-side"><h3>{ "Zab invariants" }</h3><Invariants violations={self.zab.violations.clone()} /></div>
                        <div class="check-side"><h3>{ "Paxos invariants" }</h3><Invariants violations={self.paxos.violations.clone()} paxos=true /></div>
                        <Legend />
                        <Legend paxos=true />
                    </div>
                </div>
            </div>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.clock.cancel();
    }
}
