//! The clients, outside the ring in the view's corners: each a small rounded square with its
//! name and last-seen zxid, its connection drawn as a wire to its server (dashed while it
//! connects, red where a cut stops it), and around it its session's remaining time on the
//! leader's tracker (a ring that every ping refills, and that runs out when its session
//! expires). Click or Enter on one opens its menu.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::{f1, translate};
use super::layout::{Layout, Sizes, MIN_PX};
use crate::sim::zab::recipe::Belief;
use crate::view::card::short_zxid;
use crate::view::clients::ClientView;

#[derive(Properties, PartialEq, Clone)]
pub struct ClientNodesProps {
    pub layout: Rc<Layout>,
    pub clients: Rc<Vec<ClientView>>,
    pub sizes: Sizes,
    /// The client picked in the panel or menu.
    #[prop_or_default]
    pub selected: Option<Rc<str>>,
    pub on_client: Callback<Rc<str>>,
}

/// A client's state in words, for its label and tooltip.
fn words(c: &ClientView) -> String {
    let at = match (c.server, c.connected) {
        (Some(s), true) => format!("connected to s{s}"),
        (Some(s), false) => format!("connecting to s{s}"),
        (None, _) => c.state.to_string(),
    };
    let paused = if c.paused { ", paused" } else { "" };
    let belief = c
        .belief
        .as_ref()
        .map_or(String::new(), |b| format!(", believes it {b}"));
    let session = if c.session == 0 {
        String::new()
    } else {
        format!(", session 0x{:x}", c.session)
    };
    format!(
        "{}, a client: {at}{paused}{session}, last zxid {}{belief}",
        c.name, c.last_zxid
    )
}

fn wire(l: &Layout, c: &ClientView, sid: crate::sim::Sid, class: &'static str) -> Html {
    let (x0, y0) = l.client_at(c.index);
    let (x1, y1) = l.at(sid);
    html! {
        <line class={classes!("client-wire", class)} data-link={format!("{}-{sid}", c.name)}
            x1={f1(x0)} y1={f1(y0)} x2={f1(x1)} y2={f1(y1)} />
    }
}

fn node(p: &ClientNodesProps, c: &ClientView) -> Html {
    let l = &*p.layout;
    let (x, y) = l.client_at(c.index);
    let r = l.client_r();
    let name_size = (MIN_PX / p.sizes.scale).max(r * 0.62);
    let caption = MIN_PX / p.sizes.scale;
    let (epoch, counter) = short_zxid(c.last_zxid);
    // The caption goes towards the middle of the view, where there is room.
    let below = y < 500.0;
    // Near the view's side the words run inwards from the node's edge, never off the view.
    let (tx, anchor) = if x < 200.0 {
        (-r, "start")
    } else if x > 800.0 {
        (r, "end")
    } else {
        (0.0, "middle")
    };
    let cy = if below {
        r + caption * 1.05
    } else {
        -r - caption * 0.45
    };
    let name = c.name.clone();
    let onclick = p.on_client.reform(move |e: MouseEvent| {
        e.stop_propagation();
        name.clone()
    });
    let name = c.name.clone();
    let open = p.on_client.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            open.emit(name.clone());
        }
    });
    let selected = p.selected.as_deref() == Some(&*c.name);
    // As a server's node: the button is the body and its name, named by the label (which
    // starts with the name); the caption is outside it and aria-hidden.
    html! {
        <g key={&*c.name} class={classes!("client-node", c.state, c.paused.then_some("paused"), selected.then_some("selected"))}
            transform={translate(x, y)} data-client={c.name.to_string()} data-state={c.state}
            data-holder={c.holds().map(str::to_string)} data-paused={c.paused.then_some("true")} role="none">
            <title>{ words(c) }</title>
            <g class="node" role="button" tabindex="0" aria-label={words(c)} {onclick} {onkeydown}>
                <rect class="body" x={f1(-r)} y={f1(-r)} width={f1(2.0 * r)} height={f1(2.0 * r)} rx={f1(r * 0.3)} />
                <text class="name" y={f1(name_size * 0.36)} font-size={f1(name_size)}>{ c.name.to_string() }</text>
            </g>
            if c.state == "crashed" {
                <path class="x" d={format!("M{a},{a}L{b},{b}M{b},{a}L{a},{b}", a = f1(-r * 0.7), b = f1(r * 0.7))} />
            }
            <text class="caption" x={f1(tx)} y={f1(cy)} font-size={f1(caption)} text-anchor={anchor} aria-hidden="true">
                { if c.paused { "paused ".to_string() } else if c.connected { String::new() } else { format!("{} ", c.state) } }
                <tspan class="zxid">{ format!("{epoch}:{counter}") }</tspan>
            </text>
            if let Some(b) = &c.belief {
                <text class={classes!("belief", b.is_exclusive().then_some("holder"))} x={f1(tx)} text-anchor={anchor}
                    y={f1(cy + if below { caption * 1.15 } else { -caption * 1.15 })}
                    font-size={f1(caption)} aria-hidden="true">{ belief_words(b) }</text>
            }
            if c.holds().is_some() {
                <g class="holder-mark" transform={translate(r * 0.8, -r * 0.8)} aria-hidden="true">
                    <circle r={f1(caption * 0.75)} />
                    <path d={lock_icon(caption * 0.75)} />
                </g>
            }
        </g>
    }
}

/// The belief in a few characters under the client.
fn belief_words(b: &Belief) -> String {
    match b {
        Belief::Holds(p) => format!("holds {p}"),
        Belief::Leads(p) => format!("leads {p}"),
        Belief::Config { value: Some(v), .. } => format!("cfg {}", short(v)),
        Belief::Config { value: None, .. } => "cfg absent".to_string(),
    }
}

fn short(v: &str) -> String {
    if v.chars().count() <= 8 {
        v.to_string()
    } else {
        format!("{}…", v.chars().take(7).collect::<String>())
    }
}

/// A padlock of half-size `s`, centred on (0, 0).
fn lock_icon(s: f64) -> String {
    let p = |x: f64, y: f64| format!("{},{}", f1(x * s), f1(y * s));
    format!(
        "M{}L{}L{}L{}ZM{}L{}A{},{} 0 0 1 {}L{}",
        p(-0.5, -0.05),
        p(0.5, -0.05),
        p(0.5, 0.55),
        p(-0.5, 0.55),
        p(-0.3, -0.05),
        p(-0.3, -0.3),
        f1(0.3 * s),
        f1(0.3 * s),
        p(0.3, -0.3),
        p(0.3, -0.05)
    )
}

#[function_component(ClientNodes)]
pub fn client_nodes(p: &ClientNodesProps) -> Html {
    html! { <g class="clients">{ for p.clients.iter().map(|c| node(p, c)) }</g> }
}

#[derive(Properties, PartialEq, Clone)]
pub struct ClientWiresProps {
    pub layout: Rc<Layout>,
    pub clients: Rc<Vec<ClientView>>,
}

/// The clients' connections, drawn with the links under every node.
#[function_component(ClientWires)]
pub fn client_wires(p: &ClientWiresProps) -> Html {
    let l = &*p.layout;
    let n = l.pos.len() as crate::sim::Sid;
    let wires = p.clients.iter().map(|c| {
        let live = c.server.filter(|s| *s <= n && !c.cut.contains(s));
        let cuts = c
            .cut
            .iter()
            .filter(|s| **s <= n)
            .map(|s| wire(l, c, *s, "cut"));
        html! {
            <g key={&*c.name} class="client-wires">
                { for live.map(|s| wire(l, c, s, if c.connected { "up" } else { "connecting" })) }
                { for cuts }
            </g>
        }
    });
    html! { <g class="client-links">{ for wires }</g> }
}

#[derive(Properties, PartialEq, Clone)]
pub struct SessionRingsProps {
    pub layout: Rc<Layout>,
    pub clients: Rc<Vec<ClientView>>,
    pub now: f64,
    pub sizes: Sizes,
}

/// Each session's time left before the leader expires it, as a ring around its client.
#[function_component(SessionRings)]
pub fn session_rings(p: &SessionRingsProps) -> Html {
    let l = &*p.layout;
    let r = l.client_r() * 1.414 + (4.0 / p.sizes.scale).max(5.0);
    let circumference = 2.0 * std::f64::consts::PI * r;
    let rings = p.clients.iter().filter_map(|c| {
        let e = c.expiry?;
        let left = ((e.due as f64 - p.now) / e.timeout.max(1) as f64).clamp(0.0, 1.0);
        let (x, y) = l.client_at(c.index);
        Some(html! {
            <g key={&*c.name} transform={translate(x, y)} data-session={c.name.to_string()}>
                <circle class={classes!("session-ring", (left < 0.3 || e.closing).then_some("low"))} r={f1(r)}
                    stroke-dasharray={format!("{} 999", (circumference * left).round() as u32)} />
            </g>
        })
    });
    html! { <g class="session-rings">{ for rings }</g> }
}
