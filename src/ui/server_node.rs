//! One server on the ring: a card with its role (colour and icon), sid, epoch, last zxid, and
//! while LOOKING its vote and round. Re-renders only when its own state changes.

use yew::prelude::*;

use super::fmt::{f1, translate};
use crate::sim::view::PaxosServerView;
use crate::sim::{ServerView, Sid};
use crate::view::card::{icon_letter, paxos_role_word, phase_line, role_word, vote_lines};

#[derive(Properties, PartialEq, Clone)]
pub struct ServerNodeProps {
    pub view: ServerView,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub font: f64,
    pub selected: bool,
    /// Clicked, or Enter / Space while focused.
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

/// Where the badge sits relative to the card's centre, and its radius.
pub fn badge_geometry(w: f64, h: f64, font: f64) -> (f64, f64, f64) {
    let r = font * 0.8;
    let pad = font * 0.45;
    (-w / 2.0 + pad + r, -h / 2.0 + pad + r, r)
}

/// A value shortened to fit a card.
pub fn short(v: &str, max: usize) -> String {
    if v.chars().count() <= max {
        v.to_string()
    } else {
        let mut s: String = v.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A Paxos server's last few accepted slots, newest first: `#slot (ballot) value`, with ✓ when
/// it has learned that slot as chosen.
/// At most `max_chars` characters a line.
pub fn paxos_slot_lines(p: &PaxosServerView, rows: usize, max_chars: usize) -> Vec<(String, bool)> {
    p.accepted
        .iter()
        .rev()
        .take(rows)
        .map(|(slot, ballot, value)| {
            let chosen = p.chosen.iter().any(|(s, _)| s == slot);
            let head = format!("#{slot} {ballot} ");
            let tail = if chosen { " ✓" } else { "" };
            let room = max_chars
                .saturating_sub(head.chars().count() + tail.chars().count())
                .max(2);
            (format!("{head}{}{tail}", short(value, room)), chosen)
        })
        .collect()
}

/// The card of a server of a Paxos ensemble.
fn paxos_card(p: &ServerNodeProps, px: &PaxosServerView) -> Html {
    let v = &p.view;
    let sid = v.id;
    let f = p.font;
    let (bx, by, br) = badge_geometry(p.w, p.h, f);
    let left = -p.w / 2.0;
    let top = -p.h / 2.0;
    let pad = f * 0.45;
    let line = |i: f64| f1(top + pad + f * (1.02 + 1.16 * i));
    let text_x = f1(left + pad + 2.0 * br + f * 0.35);
    let right_x = f1(p.w / 2.0 - pad);
    let small = f1(f * 0.86);
    let onclick = {
        let cb = p.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(sid)
        })
    };
    let onkeydown = {
        let cb = p.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                cb.emit(sid);
            }
        })
    };
    // Characters that fit on a line of the card at the small font (about 0.6 em each).
    let fit = ((p.w - 2.0 * pad) / (f * 0.86 * 0.6)).floor().max(8.0) as usize;
    let slots = paxos_slot_lines(px, 2, fit);
    let chosen_count = px.chosen.len();
    let role = paxos_role_word(v);
    let label = format!(
        "s{sid}, {}, {}, promised ballot {}, {} slots accepted, {} chosen",
        role,
        v.phase.as_str(),
        px.promised,
        px.accepted.len(),
        chosen_count
    );
    html! {
        <g class={classes!("server", "paxos", v.mode.as_str(), p.selected.then_some("selected"), v.observer.then_some("is-observer"))}
            data-server={sid.to_string()} data-mode={v.mode.as_str()} data-promised={px.promised.to_string()}
            data-chosen={chosen_count.to_string()} data-accepted={px.accepted.len().to_string()}
            transform={translate(p.x, p.y)}
            role="button" tabindex="0" aria-label={label} aria-pressed={p.selected.to_string()}
            {onclick} {onkeydown}>
            <rect class="card" x={f1(left)} y={f1(top)} width={f1(p.w)} height={f1(p.h)}
                rx={f1(f * 0.6)} />
            <g class="badge" transform={translate(bx, by)}>
                <circle r={f1(br)} />
                if v.mode == crate::sim::view::Mode::Leader {
                    <path d={crown(br)} />
                } else {
                    <text y={f1(br * 0.36)} font-size={f1(f * 0.95)}>{ icon_letter(v.mode) }</text>
                }
            </g>
            <text class="sid" x={text_x} y={line(0.0)} font-size={f1(f * 1.1)}>{ format!("s{sid}") }</text>
            <text class="epoch" x={right_x} y={line(0.0)} font-size={small.clone()}>
                <title>{ "the highest ballot promised (on disk)" }</title>
                { format!("p{}", px.promised) }
            </text>
            <text class="role" x={f1(left + pad)} y={line(1.0)} font-size={f1(f * 0.9)}>
                { format!("{role} · {chosen_count}✓") }
            </text>
            if slots.is_empty() {
                <text class="phase" x={f1(left + pad)} y={line(2.0)} font-size={small.clone()}>{ "nothing accepted" }</text>
            }
            { for slots.into_iter().enumerate().map(|(i, (text, chosen))| html! {
                <text class={classes!("slot", chosen.then_some("chosen"))} x={f1(left + pad)}
                    y={line(2.0 + i as f64)} font-size={small.clone()}>{ text }</text>
            }) }
        </g>
    }
}

#[function_component(ServerNode)]
pub fn server_node(p: &ServerNodeProps) -> Html {
    if let Some(px) = &p.view.paxos {
        return paxos_card(p, px);
    }
    let v = &p.view;
    let sid = v.id;
    let f = p.font;
    let (bx, by, br) = badge_geometry(p.w, p.h, f);
    let left = -p.w / 2.0;
    let top = -p.h / 2.0;
    let pad = f * 0.45;
    let line = |i: f64| f1(top + pad + f * (1.02 + 1.16 * i));
    let text_x = f1(left + pad + 2.0 * br + f * 0.35);
    let right_x = f1(p.w / 2.0 - pad);

    let onclick = {
        let cb = p.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(sid)
        })
    };
    let onkeydown = {
        let cb = p.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                cb.emit(sid);
            }
        })
    };

    let vote_line = vote_lines(v);
    let label = {
        let mut s = format!(
            "s{sid}, {}, epoch {}, zxid {}",
            role_word(v),
            v.epoch,
            v.zxid
        );
        if let Some((a, b)) = &vote_line {
            s.push_str(&format!(", {a} {b}"));
        }
        if v.observer && v.mode != crate::sim::view::Mode::Observer {
            s.push_str(" (an observer)");
        }
        s
    };
    let zxid = v.zxid.to_string();
    let small = f1(f * 0.86);

    html! {
        <g class={classes!("server", v.mode.as_str(), p.selected.then_some("selected"), v.observer.then_some("is-observer"))}
            data-server={sid.to_string()} data-mode={v.mode.as_str()} data-zxid={zxid.clone()}
            data-epoch={v.epoch.to_string()}
            transform={translate(p.x, p.y)}
            role="button" tabindex="0" aria-label={label} aria-pressed={p.selected.to_string()}
            {onclick} {onkeydown}>
            <rect class="card" x={f1(left)} y={f1(top)} width={f1(p.w)} height={f1(p.h)}
                rx={f1(f * 0.6)} />
            <g class="badge" transform={translate(bx, by)}>
                <circle r={f1(br)} />
                if v.mode == crate::sim::view::Mode::Leader {
                    <path d={crown(br)} />
                } else {
                    <text y={f1(br * 0.36)} font-size={f1(f * 0.95)}>{ icon_letter(v.mode) }</text>
                }
            </g>
            <text class="sid" x={text_x.clone()} y={line(0.0)} font-size={f1(f * 1.1)}>{ format!("s{sid}") }</text>
            <text class="epoch" x={right_x.clone()} y={line(0.0)} font-size={small.clone()}>
                { format!("e{}", v.epoch) }
                if v.accepted_epoch != v.epoch {
                    <tspan class="accepted">{ format!("/{}", v.accepted_epoch) }</tspan>
                }
            </text>
            <text class="zxid" x={f1(left + pad)} y={line(1.0)} font-size={f1(f * 0.95)}>{ zxid }</text>
            if let Some((a, b)) = vote_line {
                <text class="vote" x={f1(left + pad)} y={line(2.0)} font-size={small.clone()}>{ a }</text>
                <text class="vote" x={f1(left + pad)} y={line(3.0)} font-size={small}>{ b }</text>
            } else {
                <text class="role" x={f1(left + pad)} y={line(2.0)} font-size={small.clone()}>{ role_word(v) }</text>
                <text class="phase" x={f1(left + pad)} y={line(3.0)} font-size={small}>{ phase_line(v) }</text>
            }
        </g>
    }
}
