//! The control bar: play / pause, step, speed (log scale), reset, and the ensemble's settings
//! (seed, servers, observers, tickTime, latency, jitter), which start a new world when changed.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::fmt;
use super::params::{Params, MAX_OBSERVERS, MAX_SPEED, MAX_VOTERS, MIN_SPEED};
use super::theme::Theme;
use crate::sim::world::Protocol;
use crate::view::driver::Tempo;

#[derive(Properties, PartialEq, Clone)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: f64,
    /// Pacing on, and how the last frame played.
    pub pacing: bool,
    pub tempo: Tempo,
    pub params: Params,
    /// Only the essential controls.
    pub embed: bool,
    pub theme: Theme,
    pub on_control: Callback<Control>,
}

/// What the control bar asks the page to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    TogglePlay,
    Step,
    /// Virtual ms per real ms.
    Speed(f64),
    Pace(bool),
    Reset,
    /// New settings: a new world.
    Configure(Params),
    Theme,
}

/// Slider position (0..=1000) for a speed, on a log scale.
fn slider_of(speed: f64) -> u32 {
    let span = js_sys::Math::log(MAX_SPEED / MIN_SPEED);
    ((js_sys::Math::log(speed / MIN_SPEED) / span) * 1000.0)
        .round()
        .clamp(0.0, 1000.0) as u32
}

fn speed_of(slider: f64) -> f64 {
    MIN_SPEED * js_sys::Math::pow(MAX_SPEED / MIN_SPEED, slider / 1000.0)
}

fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// A setting's element id, its label and its tooltip.
type Named = (&'static str, &'static str, &'static str);

/// A whole-number setting within `(min, max)` that restarts the world when changed.
fn number(
    (id, label, title): Named,
    value: u64,
    (min, max): (u64, u64),
    p: &ControlsProps,
    set: fn(&mut Params, u64),
) -> Html {
    let onchange = {
        let send = p.on_control.clone();
        let params = p.params.clone();
        Callback::from(move |e: Event| {
            let raw = input_value(&e);
            if let Ok(v) = raw.trim().parse::<u64>() {
                let mut next = params.clone();
                set(&mut next, v.clamp(min, max));
                send.emit(Control::Configure(next));
            }
        })
    };
    html! {
        <label class="field" for={id} title={title}>
            <span>{ label }</span>
            <input {id} type="number" inputmode="numeric" min={min.to_string()} max={max.to_string()}
                value={value.to_string()} {onchange} />
        </label>
    }
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let send = &p.on_control;
    let play = html! {
        <button class="play" onclick={send.reform(|_| Control::TogglePlay)} aria-pressed={(!p.playing).to_string()}
            aria-label={if p.playing { "Pause" } else { "Play" }} title="Play / pause (space)">
            <span class="icon" aria-hidden="true">{ if p.playing { "❚❚" } else { "▶" } }</span>
            <span class="word">{ if p.playing { " Pause" } else { " Play" } }</span>
        </button>
    };
    let step = html! {
        <button class="step" onclick={send.reform(|_| Control::Step)} aria-label="Step to the next event"
            title="Step to the next narrated event (n or →; . steps one engine event)">
            <span class="word">{ "Step " }</span><span class="icon" aria-hidden="true">{ "▸" }</span>
        </button>
    };
    let oninput = send.reform(|e: InputEvent| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| js_sys::parse_float(&i.value()))
            .unwrap_or(500.0);
        Control::Speed(speed_of(v))
    });
    let speed = html! {
        <label class="speed" for="speed" title="Virtual milliseconds per real millisecond (+ and − keys)">
            <span>{ "Speed" }</span>
            <input id="speed" type="range" min="0" max="1000" step="1"
                value={slider_of(p.speed).to_string()} {oninput}
                aria-valuetext={format!("{}× (virtual ms per real ms)", fmt::speed(p.speed))} />
            <output for="speed" class="speed-value">{ format!("{}×", fmt::speed(p.speed)) }</output>
        </label>
    };
    let pacing = p.pacing;
    let tempo = match (pacing, p.tempo) {
        (false, _) | (true, Tempo::AsSet) => "",
        (true, Tempo::Slowed) => "slowed for messages",
        // Short enough for its fixed box (12em): a longer one was cut off mid-word.
        (true, Tempo::FastForward) => "8× faster: heartbeats",
    };
    let pace = html! {
        <span class="pace">
            <button class={classes!("pace-toggle", pacing.then_some("on"))} aria-pressed={pacing.to_string()}
                onclick={send.reform(move |_| Control::Pace(!pacing))}
                title="Pacing: slow down so every message can be followed, speed through stretches of heartbeats">
                { "Pace" }</button>
            <output class="tempo" aria-live="off">{ tempo }</output>
        </span>
    };
    if p.embed {
        return html! { <div class="controls" role="toolbar" aria-label="Simulation controls">{ play }{ step }{ speed }{ pace }</div> };
    }
    let pr = &p.params;
    let new_seed = {
        let send = send.clone();
        let params = pr.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = params.clone();
            next.seed = (js_sys::Math::random() * 1_000_000.0) as u64;
            send.emit(Control::Configure(next))
        })
    };
    let on_protocol = {
        let send = send.clone();
        let params = pr.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
                .unwrap_or_default();
            if let Some(proto) = Protocol::parse(&v) {
                let mut next = params.clone();
                next.protocol = proto;
                send.emit(Control::Configure(next));
            }
        })
    };
    let protocols = [
        (Protocol::Zab, "ZooKeeper (FLE + Zab)"),
        (Protocol::Paxos, "Multi-Paxos"),
        (Protocol::PaxosSingle, "Single-decree Paxos"),
    ];
    let compare_href = {
        let mut q = pr.clone();
        q.compare = true;
        q.protocol = Protocol::Zab;
        q.observers = 0;
        format!("./{}", q.to_query())
    };
    html! {
        <div class="controls" role="toolbar" aria-label="Simulation controls">
            <div class="group">
                { play }{ step }
                <button class="reset" onclick={send.reform(|_| Control::Reset)} aria-label="Reset"
                    title="Start again with the same settings (r)">{ "↺ Reset" }</button>
                { speed }{ pace }
            </div>
            <details class="group settings">
                <summary>{ "Ensemble settings" }</summary>
                <div class="fields">
                    <label class="field" for="protocol" title="Which protocol the ensemble runs">
                        <span>{ "Protocol" }</span>
                        <select id="protocol" onchange={on_protocol}>
                            { for protocols.iter().map(|(proto, label)| html! {
                                <option value={proto.name()} selected={pr.protocol == *proto}>{ *label }</option>
                            }) }
                        </select>
                    </label>
                    { number(("seed", "Seed", "The random seed: the same seed gives the same run"), pr.seed, (0, u64::MAX), p, |p, v| p.seed = v) }
                    <button class="dice" onclick={new_seed} aria-label="New random seed" title="New random seed">
                        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                            <rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="none" stroke="currentColor" stroke-width="1.5" />
                            <circle cx="5" cy="5" r="1.3" fill="currentColor" />
                            <circle cx="8" cy="8" r="1.3" fill="currentColor" />
                            <circle cx="11" cy="11" r="1.3" fill="currentColor" />
                        </svg>
                    </button>
                    { number(("servers", "Servers", "Voting servers (participants), 1 to 25"), pr.voters as u64, (1, MAX_VOTERS as u64), p, |p, v| p.voters = v as usize) }
                    { number(("observers", "Observers", "Observers: they learn commits but never vote"), pr.observers as u64, (0, MAX_OBSERVERS as u64), p, |p, v| p.observers = v as usize) }
                    { number(("tick", "tickTime ms", "ZooKeeper's tickTime (initLimit 10 and syncLimit 5 ticks)"), pr.tick_ms, (20, 5000), p, |p, v| p.tick_ms = v) }
                    { number(("latency", "Latency ms", "Smallest one-way network latency"), pr.latency, (1, 1000), p, |p, v| p.latency = v) }
                    { number(("jitter", "Jitter ms", "Extra random latency, 0 to this"), pr.jitter, (0, 1000), p, |p, v| p.jitter = v) }
                </div>
            </details>
            <a class="compare-link" href={compare_href}
                title="Zab and Multi-Paxos side by side, under the same faults">{ "⇆ Compare with Paxos" }</a>
            <button class="theme" onclick={send.reform(|_| Control::Theme)}
                aria-label={format!("Colour theme: {} (click to change)", p.theme.name())} title="Theme (t)">
                { match p.theme { Theme::Auto => "◐ Auto", Theme::Dark => "☾ Dark", Theme::Light => "☀ Light" } }
            </button>
        </div>
    }
}
