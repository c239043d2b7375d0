//! The side-by-side view (`?compare=1`): a ZooKeeper ensemble (FLE + Zab) on the left and a
//! Multi-Paxos ensemble on the right, of the same size and seed, driven by one
//! [`Comparison`]: one clock, one set of controls, every fault applied to both at once, and an
//! explanation panel of the differences as they show up.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::app::{apply_theme, paxos_banner, prefers_reduced_motion, stage_word, stored_theme};
use super::clock::FrameClock;
use super::layout::Layout;
use super::params::{Params, DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, REDUCED_SPEED};
use super::scene::Scene;
use super::{Invariants, Legend, Ring};
use crate::sim::compare::{Comparison, Explanation};
use crate::sim::narrate::{phase_banner, Banner};
use crate::sim::world::Protocol;
use crate::sim::{Command, Millis, Sid, Violation};

const PANEL_MS: f64 = 250.0;

pub enum CMsg {
    Frame(f64),
    Visibility,
    TogglePlay,
    SpeedBy(f64),
    Reset,
    Select(Sid),
    /// A fault or a repair, applied to both ensembles.
    Both(Command),
    /// A write at the selected server, on both.
    Write,
    /// A click on a link: cut it both ways on both sides, or heal it if it was cut.
    Link(Sid, Sid),
    Key(String),
    /// Steady writes on both (at each server in turn) on or off.
    ToggleWrites,
    DismissNotices,
}

pub struct Compare {
    params: Params,
    cmp: Comparison,
    vt: f64,
    speed: f64,
    playing: bool,
    reduced: bool,
    clock: FrameClock,
    _listeners: Vec<EventListener>,
    seen: (u64, u64),
    zab_scene: Rc<Scene>,
    paxos_scene: Rc<Scene>,
    layout: Rc<Layout>,
    zab_banner: Banner,
    paxos_banner: Banner,
    explanations: Rc<Vec<Explanation>>,
    zab_violations: Rc<Vec<Violation>>,
    paxos_violations: Rc<Vec<Violation>>,
    last_publish: f64,
    selected: Sid,
    /// The last action's outcome: (done on both, text).
    status: Option<(bool, String)>,
    notices: Vec<String>,
    writes: u64,
    next_write_at: Option<Millis>,
    on_server: Callback<Sid>,
    on_link: Callback<(Sid, Sid)>,
    on_background: Callback<()>,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn describe(cmd: &Command) -> String {
    match cmd {
        Command::Crash(s) => format!("Crashed s{s} on both sides"),
        Command::Restart(s) => format!("Restarted s{s} on both sides"),
        Command::Isolate(s) => format!("Cut s{s} off on both sides"),
        Command::Cut { from, to, .. } => format!("Cut s{from}–s{to} on both sides"),
        Command::Heal { from, to, .. } => format!("Healed s{from}–s{to} on both sides"),
        Command::HealAll => "Healed every link on both sides".into(),
        Command::Write {
            at: Some(at),
            path,
            data,
        } => format!("Wrote {path}={data} at s{at} on both sides"),
        _ => "Done on both sides".into(),
    }
}

impl Compare {
    fn boot(p: &Params) -> Comparison {
        let mut cmp = Comparison::new(p.voters, p.observers, p.seed);
        let _ = cmp.apply(Command::StartAll);
        cmp
    }

    fn reset(&mut self) {
        self.cmp = Compare::boot(&self.params);
        self.vt = 0.0;
        self.seen = (u64::MAX, u64::MAX);
        self.zab_scene = Rc::new(Scene::empty());
        self.paxos_scene = Rc::new(Scene::empty());
        self.layout = Rc::new(Layout::ring(self.n() as usize));
        self.next_write_at = (self.writes > 0).then(|| self.write_period());
        self.refresh(true);
        self.publish(None);
    }

    fn n(&self) -> Sid {
        self.cmp.zab.ensemble().server_count() as Sid
    }

    fn write_period(&self) -> Millis {
        (1000 / self.writes.max(1)).max(1)
    }

    fn advance(&mut self, target: f64) {
        while let Some(at) = self.next_write_at {
            if at as f64 > target || self.writes == 0 {
                break;
            }
            self.cmp.run_until(at);
            let k = at / self.write_period();
            let sid = (k % self.n() as u64) as Sid + 1;
            let _ = self.cmp.apply(Command::Write {
                at: Some(sid),
                path: format!("/k{}", k % 8),
                data: k.to_string(),
            });
            self.next_write_at = Some(at + self.write_period());
        }
        self.cmp.run_until(target.floor().max(0.0) as Millis);
        self.vt = target.max(self.cmp.now() as f64);
    }

    fn refresh(&mut self, force: bool) {
        let seen = (
            self.cmp.zab.events_processed(),
            self.cmp.paxos.events_processed(),
        );
        if !force && seen == self.seen {
            return;
        }
        let loss_window = ((900.0 * self.speed) as Millis).max(1);
        if force || seen.0 != self.seen.0 {
            self.zab_scene = Rc::new(Scene::build(&self.cmp.zab, &self.zab_scene, loss_window));
        }
        if force || seen.1 != self.seen.1 {
            self.paxos_scene = Rc::new(Scene::build(
                &self.cmp.paxos,
                &self.paxos_scene,
                loss_window,
            ));
        }
        self.seen = seen;
        if self.cmp.zab.violations().len() != self.zab_violations.len() {
            self.zab_violations = Rc::new(self.cmp.zab.violations().to_vec());
        }
        if self.cmp.paxos.violations().len() != self.paxos_violations.len() {
            self.paxos_violations = Rc::new(self.cmp.paxos.violations().to_vec());
        }
    }

    fn publish(&mut self, now_real: Option<f64>) {
        if let Some(t) = now_real {
            if t - self.last_publish < PANEL_MS {
                return;
            }
            self.last_publish = t;
        }
        self.zab_banner = phase_banner(&self.cmp.zab);
        self.paxos_banner = paxos_banner(
            &self.paxos_scene.servers,
            self.cmp.paxos.ensemble().quorum(),
        );
        if self.cmp.explanations().len() != self.explanations.len() {
            self.explanations = Rc::new(self.cmp.explanations().to_vec());
        }
    }

    fn apply(&mut self, cmd: Command) {
        let text = describe(&cmd);
        let (a, b) = self.cmp.apply(cmd);
        self.status = Some(match (a, b) {
            (Ok(()), Ok(())) => (true, text),
            (Err(e), Ok(())) => (false, format!("Zab refused: {e}")),
            (Ok(()), Err(e)) => (false, format!("Paxos refused: {e}")),
            (Err(e), Err(_)) => (false, format!("Could not do that: {e}")),
        });
        self.refresh(true);
        self.publish(None);
    }

    fn side(&self, protocol: Protocol, scene: &Rc<Scene>, banner: &Banner) -> Html {
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
                    <span class="stage">{ stage_word(banner.stage, protocol != Protocol::Zab) }</span>
                    <span class="text">{ banner.text.clone() }</span>
                </p>
                <div class="stage-wrap">
                    <Ring layout={self.layout.clone()} scene={scene.clone()} now={self.vt}
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
        let doc = window().document().expect("a document");
        let mut listeners = Vec::new();
        {
            let link = ctx.link().clone();
            listeners.push(EventListener::new(&doc, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let field = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| {
                        matches!(
                            el.tag_name().as_str(),
                            "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
                        )
                    });
                if !field && !e.ctrl_key() && !e.meta_key() && !e.alt_key() {
                    link.send_message(CMsg::Key(e.key()));
                }
            }));
        }
        let theme = stored_theme();
        apply_theme(theme);
        let writes = params.writes as u64;
        let mut c = Compare {
            cmp: Compare::boot(&params),
            params,
            vt: 0.0,
            speed,
            playing: true,
            reduced,
            clock: FrameClock::new(
                ctx.link().callback(CMsg::Frame),
                ctx.link().callback(|_| CMsg::Visibility),
            ),
            _listeners: listeners,
            seen: (u64::MAX, u64::MAX),
            zab_scene: Rc::new(Scene::empty()),
            paxos_scene: Rc::new(Scene::empty()),
            layout: Rc::new(Layout::ring(1)),
            zab_banner: Banner {
                stage: "electing",
                text: String::new(),
            },
            paxos_banner: Banner {
                stage: "electing",
                text: String::new(),
            },
            explanations: Rc::new(Vec::new()),
            zab_violations: Rc::new(Vec::new()),
            paxos_violations: Rc::new(Vec::new()),
            last_publish: f64::MIN,
            selected: 1,
            status: None,
            notices,
            writes,
            next_write_at: None,
            on_server: ctx.link().callback(CMsg::Select),
            on_link: ctx.link().callback(|(a, b)| CMsg::Link(a, b)),
            on_background: Callback::noop(),
        };
        c.reset();
        c.clock.request(c.playing);
        c
    }

    fn update(&mut self, ctx: &Context<Self>, msg: CMsg) -> bool {
        match msg {
            CMsg::Frame(ts) => {
                let Some(dt) = self.clock.frame(ts, self.playing) else {
                    return false;
                };
                self.advance(self.vt + dt * self.speed);
                self.refresh(false);
                self.publish(Some(ts));
                true
            }
            CMsg::Visibility => {
                self.clock.visibility_changed(self.playing);
                false
            }
            CMsg::TogglePlay => {
                self.playing = !self.playing;
                self.clock.set_playing(self.playing);
                true
            }
            CMsg::SpeedBy(f) => {
                self.speed = (self.speed * f).clamp(MIN_SPEED, MAX_SPEED);
                true
            }
            CMsg::Reset => {
                self.reset();
                self.status = None;
                true
            }
            CMsg::Select(s) => {
                self.selected = s;
                true
            }
            CMsg::Both(cmd) => {
                self.apply(cmd);
                true
            }
            CMsg::Write => {
                let s = self.selected;
                let t = self.cmp.now();
                self.apply(Command::Write {
                    at: Some(s),
                    path: format!("/s{s}"),
                    data: format!("t{t}"),
                });
                true
            }
            CMsg::Link(a, b) => {
                let cut = self.zab_scene.cuts.contains(&(a, b))
                    || self.paxos_scene.cuts.contains(&(a, b));
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
            CMsg::Key(k) => {
                let s = self.selected;
                let link = ctx.link();
                match k.as_str() {
                    " " | "k" => link.send_message(CMsg::TogglePlay),
                    "+" | "=" => link.send_message(CMsg::SpeedBy(1.5)),
                    "-" => link.send_message(CMsg::SpeedBy(1.0 / 1.5)),
                    "c" => link.send_message(CMsg::Both(Command::Crash(s))),
                    "s" => link.send_message(CMsg::Both(Command::Restart(s))),
                    "i" => link.send_message(CMsg::Both(Command::Isolate(s))),
                    "h" => link.send_message(CMsg::Both(Command::HealAll)),
                    "w" => link.send_message(CMsg::Write),
                    d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
                        let v = match d.as_bytes()[0] - b'0' {
                            0 => 10,
                            v => v as Sid,
                        };
                        if v <= self.n() {
                            link.send_message(CMsg::Select(v));
                        }
                    }
                    _ => {}
                }
                false
            }
            CMsg::ToggleWrites => {
                self.writes = if self.writes > 0 { 0 } else { 10 };
                self.next_write_at =
                    (self.writes > 0).then(|| self.cmp.now() + self.write_period());
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
                    onclick={link.callback(move |_| CMsg::Select(sid))}>{ format!("s{sid}") }</button>
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
                    <span class="clock" title="virtual time (one clock for both)">{ format!("t = {}", super::fmt::seconds_2(self.vt as u64)) }</span>
                    <a class="compare-link" href={single}>{ "One ensemble" }</a>
                </header>
                { for notices }
                <div class="controls compare-controls" role="toolbar" aria-label="Controls for both ensembles">
                    <div class="group">
                        <button class="play" onclick={link.callback(|_| CMsg::TogglePlay)}
                            aria-label={if self.playing { "Pause" } else { "Play" }}>
                            { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                        </button>
                        <button onclick={link.callback(|_| CMsg::SpeedBy(1.0 / 1.5))} aria-label="Slower">{ "−" }</button>
                        <span class="speed-value">{ format!("{}×", super::fmt::speed(self.speed)) }</span>
                        <button onclick={link.callback(|_| CMsg::SpeedBy(1.5))} aria-label="Faster">{ "+" }</button>
                        <button class="reset" onclick={link.callback(|_| CMsg::Reset)} aria-label="Reset">{ "↺ Reset" }</button>
                    </div>
                    <div class="group shared" role="group" aria-label="Server (on both sides)">
                        <span>{ "Server" }</span>
                        { for servers }
                    </div>
                    <div class="group shared" role="group" aria-label="Faults on both sides">
                        <button class="both crash" onclick={link.callback(move |_| CMsg::Both(Command::Crash(s)))}>{ format!("Crash s{s}") }</button>
                        <button class="both restart" onclick={link.callback(move |_| CMsg::Both(Command::Restart(s)))}>{ format!("Restart s{s}") }</button>
                        <button class="both isolate" onclick={link.callback(move |_| CMsg::Both(Command::Isolate(s)))}>{ format!("Isolate s{s}") }</button>
                        <button class="both write" onclick={link.callback(|_| CMsg::Write)}>{ format!("Write at s{s}") }</button>
                        <button class="both heal" onclick={link.callback(|_| CMsg::Both(Command::HealAll))}>{ "Heal all" }</button>
                        <button class="both steady" aria-pressed={(self.writes > 0).to_string()}
                            title="Steady writes at each server in turn, on both sides"
                            onclick={link.callback(|_| CMsg::ToggleWrites)}>
                            { if self.writes > 0 { format!("Steady writes: {}/s ✓", self.writes) } else { "Steady writes".to_string() } }
                        </button>
                    </div>
                </div>
                <p class={classes!("status", self.status.as_ref().is_some_and(|s| s.0).then_some("ok"))} role="status">
                    { self.status.as_ref().map(|s| s.1.clone()).unwrap_or_default() }
                </p>
                <p class="compare-hint muted">{ "Every action applies to both ensembles at the same virtual time. Click a server (either side) to pick it; click a link to cut or heal it on both sides." }</p>
                <main class="compare-rings">
                    { self.side(Protocol::Zab, &self.zab_scene, &self.zab_banner) }
                    { self.side(Protocol::Paxos, &self.paxos_scene, &self.paxos_banner) }
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
                        <div class="check-side"><h3>{ "Zab invariants" }</h3><Invariants violations={self.zab_violations.clone()} /></div>
                        <div class="check-side"><h3>{ "Paxos invariants" }</h3><Invariants violations={self.paxos_violations.clone()} paxos=true /></div>
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

/// The page's root: the side-by-side view with `compare=1`, the single ensemble otherwise.
#[function_component(Root)]
pub fn root() -> Html {
    let compare = use_memo((), |_| Params::from_location().0.compare);
    if *compare {
        html! { <Compare /> }
    } else {
        html! { <super::App /> }
    }
}
