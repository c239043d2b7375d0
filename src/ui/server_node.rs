//! One server on the ring: a compact node — a circle in its role's colour with the role's icon
//! on its rim, its sid, and (when the node is large enough on screen) its epoch and short zxid,
//! with its role or vote on a caption underneath. Everything else is in its tooltip, its
//! screen-reader label and the inspector. Re-renders only when its own state or size changes.

use yew::prelude::*;

use super::fmt::{f1, translate};
use super::layout::Sizes;
use super::roving::tabindex;
use crate::sim::view::{Mode, PaxosServerView};
use crate::sim::{ServerView, Sid};
use crate::view::card::{caption, icon_letter, paxos_role_word, short_zxid, zab_title};

#[derive(Properties, PartialEq, Clone)]
pub struct ServerNodeProps {
    pub view: ServerView,
    pub x: f64,
    pub y: f64,
    /// The node's radius.
    pub r: f64,
    pub sizes: Sizes,
    pub selected: bool,
    /// Holds the servers' one tab stop (the others are reached by the arrow keys: see Ring).
    pub tab_stop: bool,
    /// Clicked (the ring's servers handle Enter and Space for all).
    pub on_open: Callback<Sid>,
}

/// A crown of half-width `r` centred on (0, 0).
fn crown(r: f64) -> String {
    let p = |x: f64, y: f64| format!("{},{}", f1(x * r), f1(y * r));
    format!(
        "M{}L{}L{}L{}L{}L{}L{}Z",
        p(-0.62, 0.42),
        p(-0.72, -0.38),
        p(-0.3, 0.0),
        p(0.0, -0.52),
        p(0.3, 0.0),
        p(0.72, -0.38),
        p(0.62, 0.42)
    )
}

/// Where the role badge sits relative to the node's centre (on its rim, upper right).
pub fn badge_at(r: f64) -> (f64, f64) {
    (r * 0.72, -r * 0.72)
}

/// What a node shows under its sid: two short lines, each a main part and a tinted part.
struct Detail {
    first: (String, String),
    second: (String, String),
    /// Each line's meaning, for its tooltip.
    titles: (&'static str, &'static str),
}

fn zab_detail(v: &ServerView) -> Detail {
    let accepted = if v.accepted_epoch != v.epoch {
        format!("/{}", v.accepted_epoch)
    } else {
        String::new()
    };
    let (epoch, counter) = short_zxid(v.zxid);
    Detail {
        first: (format!("e{}", v.epoch), accepted),
        second: (epoch, format!(":{counter}")),
        titles: (
            "currentEpoch (/acceptedEpoch when they differ)",
            "last processed zxid: epoch:counter",
        ),
    }
}

fn paxos_detail(px: &PaxosServerView) -> Detail {
    Detail {
        first: (format!("p{}", px.promised), String::new()),
        second: (px.chosen.len().to_string(), " ✓".into()),
        titles: ("the highest ballot promised", "slots learned as chosen"),
    }
}

/// The screen-reader label and tooltip of a Paxos node.
fn paxos_title(v: &ServerView, px: &PaxosServerView) -> String {
    format!(
        "s{}, {}, {}, promised ballot {}, {} slots accepted, {} chosen",
        v.id,
        paxos_role_word(v),
        v.phase.as_str(),
        px.promised,
        px.accepted.len(),
        px.chosen.len()
    )
}

fn badge(v: &ServerView, r: f64, s: &Sizes) -> Html {
    let Some(br) = s.badge else { return html! {} };
    let (bx, by) = badge_at(r);
    html! {
        <g class="badge" transform={translate(bx, by)} aria-hidden="true">
            <circle r={f1(br)} />
            if v.mode == Mode::Leader {
                <path d={crown(br)} />
            } else {
                <text y={f1(br * 0.4)} font-size={f1(br * 1.15)}>{ icon_letter(v.mode) }</text>
            }
        </g>
    }
}

/// The ring drawn around a node focused from the keyboard (CSS shows it on :focus-visible only):
/// dashed and outside the card, beyond the countdown ring (6 px out, see Timers), so that it
/// never reads as the selection, which thickens the card's own stroke.
fn focus_ring(r: f64, s: &Sizes) -> Html {
    let px = 1.0 / s.scale;
    html! {
        <circle class="focus-ring" r={f1(r + (6.0 * px).max(8.0) + 8.0 * px)} stroke-width={f1(3.0 * px)}
            stroke-dasharray={format!("{} {}", f1(8.0 * px), f1(5.0 * px))} />
    }
}

fn detail_lines(d: Detail, s: &Sizes) -> Html {
    let Some(f) = s.detail else { return html! {} };
    let (a, b) = (s.sid * 0.05 + f * 0.95, s.sid * 0.05 + f * 2.05);
    html! {
        <g class="detail" aria-hidden="true">
            <text class="epoch" y={f1(a)} font-size={f1(f)}>
                <title>{ d.titles.0 }</title>
                { d.first.0 }<tspan class="accepted">{ d.first.1 }</tspan>
            </text>
            <text class="zxid" y={f1(b)} font-size={f1(f)}>
                <title>{ d.titles.1 }</title>
                <tspan class="zx-epoch">{ d.second.0 }</tspan>{ d.second.1 }
            </text>
        </g>
    }
}

#[function_component(ServerNode)]
pub fn server_node(p: &ServerNodeProps) -> Html {
    let v = &p.view;
    let sid = v.id;
    let s = &p.sizes;
    let (label, detail, data_zxid) = match &v.paxos {
        Some(px) => (paxos_title(v, px), paxos_detail(px), None),
        None => (zab_title(v), zab_detail(v), Some(v.zxid.to_string())),
    };
    let paxos = v.paxos.as_ref();
    let onclick = p.on_open.reform(move |e: MouseEvent| {
        e.stop_propagation();
        sid
    });
    // The sid sits above the centre when the detail lines are drawn, at the centre otherwise.
    let sid_y = match s.detail {
        Some(_) => -s.sid * 0.12,
        None => s.sid * 0.36,
    };
    let caption_line = s.caption.map(|f| {
        html! {
            <text class="role" y={f1(p.r + f * 1.15)} font-size={f1(f)} aria-hidden="true">{ caption(v) }</text>
        }
    });
    // The button is the card and its sid, named by the label (which starts with the sid, as a
    // speech user would say it). The short texts around it (epoch, zxid, icon, caption) are
    // outside it and aria-hidden: the label says them in full.
    html! {
        <g class={classes!("server", paxos.map(|_| "paxos"), v.mode.as_str(), p.selected.then_some("selected"), v.observer.then_some("is-observer"))}
            data-server={sid.to_string()} data-mode={v.mode.as_str()} data-zxid={data_zxid}
            data-epoch={paxos.is_none().then(|| v.epoch.to_string())}
            data-promised={paxos.map(|px| px.promised.to_string())}
            data-chosen={paxos.map(|px| px.chosen.len().to_string())}
            data-accepted={paxos.map(|px| px.accepted.len().to_string())}
            transform={translate(p.x, p.y)} role="none" {onclick}>
            // The tooltip, for the whole node; out of the button, whose visible text is its sid.
            <title>{ label.clone() }</title>
            <g class="node" role="button" tabindex={tabindex(p.tab_stop)} aria-label={label.replace('\n', "; ")}
                aria-pressed={p.selected.to_string()}>
                { focus_ring(p.r, s) }
                <circle class="card" r={f1(p.r)} />
                <text class="sid" y={f1(sid_y)} font-size={f1(s.sid)}>{ format!("s{sid}") }</text>
            </g>
            { detail_lines(detail, s) }
            { badge(v, p.r, s) }
            { for caption_line }
        </g>
    }
}
