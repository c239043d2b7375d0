//! Every message in flight, moved along its link by virtual time:
//! position = (now - sent_at) / (deliver_at - sent_at). Messages that died burst where they
//! died. This is the one layer that re-renders on every frame; each element is keyed by its
//! message id, so a frame only rewrites `transform` attributes.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::{f1, style_translate};
use super::layout::{Layout, Sizes, VIEW};
use crate::view::labels::{place, Dot, Placed};
use crate::view::scene::{LossView, MsgView};

#[derive(Properties, PartialEq, Clone)]
pub struct MessagesProps {
    pub layout: Rc<Layout>,
    pub messages: Rc<Vec<MsgView>>,
    pub losses: Rc<Vec<LossView>>,
    /// Virtual time, fractional.
    pub now: f64,
    /// A click on a message (its id): the page shows its fields.
    #[prop_or_default]
    pub on_message: Callback<u64>,
    /// prefers-reduced-motion: messages stay put near their sender instead of travelling.
    pub reduced: bool,
    pub sizes: Sizes,
}

/// Above this many messages in flight only the dots are drawn; below the lower mark the labels
/// come back (two marks, so that they do not flicker around one).
const LABELS_OFF_ABOVE: usize = 48;
const LABELS_ON_BELOW: usize = 36;

/// A label the placer gave a message.
fn label(p: &Placed) -> Html {
    html! {
        <text x={f1(p.dx)} y={f1(p.dy)} text-anchor={p.anchor.as_str()}>{ p.text.clone() }</text>
    }
}

#[function_component(Messages)]
pub fn messages(p: &MessagesProps) -> Html {
    let l = &*p.layout;
    let shown = use_mut_ref(|| true);
    let labels = {
        let mut on = shown.borrow_mut();
        let count = p.messages.len();
        *on = if *on {
            count <= LABELS_OFF_ABOVE
        } else {
            count < LABELS_ON_BELOW
        };
        *on && p.sizes.label.is_some()
    };
    let dot = f1(p.sizes.dot);
    let font = p.sizes.label.unwrap_or(0.0);
    let n = l.pos.len() as u32;
    let shown: Vec<(&MsgView, f64, (f64, f64))> = p
        .messages
        .iter()
        .filter(|m| m.from <= n && m.to <= n)
        .map(|m| {
            let t = if p.reduced {
                0.3
            } else {
                let span = m.deliver_at.saturating_sub(m.sent_at).max(1) as f64;
                ((p.now - m.sent_at as f64) / span).clamp(0.0, 1.0)
            };
            (m, t, l.between(m.from, m.to, t))
        })
        .collect();
    let placed = if labels {
        // A heartbeat says nothing its colour does not (the legend names it): no label.
        let dots: Vec<Dot> = shown
            .iter()
            .filter(|(m, ..)| m.kind != "PING")
            .map(|(m, t, at)| Dot {
                text: &m.label,
                at: *at,
                normal: l.normal(m.from, m.to),
                progress: *t,
            })
            .collect();
        let mut placed = place(&dots, p.sizes.dot, font, (0.0, 0.0, VIEW, VIEW)).into_iter();
        shown
            .iter()
            .map(|(m, ..)| {
                if m.kind == "PING" {
                    None
                } else {
                    placed.next().flatten()
                }
            })
            .collect()
    } else {
        vec![None; shown.len()]
    };
    let msgs = shown.iter().zip(placed).map(|((m, _, (x, y)), placed)| {
        let id = m.id;
        let onclick = p.on_message.reform(move |e: MouseEvent| {
            e.stop_propagation();
            id
        });
        html! {
            <g key={m.id} class={classes!("msg", m.kind)} data-kind={m.kind} data-msg={m.id.to_string()}
                style={style_translate(*x, *y)} {onclick}>
                <title>{ AttrValue::from(m.label.clone()) }</title>
                <circle r={dot.clone()} />
                { for placed.as_ref().map(label) }
            </g>
        }
    });
    // The links carrying something other than heartbeats, once each: drawn under the dots so
    // that traffic stands out from the mesh (which fades at 15 servers and more).
    let mut busy: Vec<(u32, u32)> = shown
        .iter()
        .filter(|(m, ..)| m.kind != "PING")
        .map(|(m, ..)| (m.from.min(m.to), m.from.max(m.to)))
        .collect();
    busy.sort_unstable();
    busy.dedup();
    let busy = busy.into_iter().map(|(a, b)| {
        let ((x0, y0), (x1, y1)) = (l.at(a), l.at(b));
        html! {
            <line key={format!("{a}-{b}")} class="busy-wire" x1={f1(x0)} y1={f1(y0)} x2={f1(x1)} y2={f1(y1)} />
        }
    });
    let losses = p.losses.iter().filter(|m| m.from <= n && m.to <= n).map(|m| {
        let (x, y) = l.between(m.from, m.to, m.at);
        html! {
            <g key={m.id} class={classes!("lost", m.kind)} data-lost={m.kind} style={style_translate(x, y)}>
                <circle class="burst" r="9" />
                <path class="x" d="M-6,-6L6,6M6,-6L-6,6" />
            </g>
        }
    });
    let font = p.sizes.label.map(f1);
    html! {
        <>
            <g class="busy-wires">{ for busy }</g>
            <g class="messages" font-size={font}>{ for msgs }</g>
            <g class="losses">{ for losses }</g>
        </>
    }
}
