//! Every message in flight, moved along its link by virtual time:
//! position = (now - sent_at) / (deliver_at - sent_at). Messages that died burst where they
//! died. This is the one layer that re-renders on every frame; each element is keyed by its
//! message id, so a frame only rewrites `transform` attributes.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::{f1, style_translate};
use super::layout::{Layout, Sizes, VIEW};
use crate::view::clients::ClientMsgView;
use crate::view::labels::{place, Dot, Placed};
use crate::view::scene::{LossView, MsgView};

#[derive(Properties, PartialEq, Clone)]
pub struct MessagesProps {
    pub layout: Rc<Layout>,
    pub messages: Rc<Vec<MsgView>>,
    pub losses: Rc<Vec<LossView>>,
    /// Client packets on the wire.
    #[prop_or_default]
    pub clients: Rc<Vec<ClientMsgView>>,
    /// Virtual time, fractional.
    pub now: f64,
    /// A click on a message (its id): the page shows its fields.
    #[prop_or_default]
    pub on_message: Callback<u64>,
    /// The message highlighted (hovered here or on the space-time diagram).
    #[prop_or_default]
    pub hot: Option<u64>,
    /// The pointer entered (`Some`) or left (`None`) a message.
    #[prop_or_default]
    pub on_hover: Callback<Option<u64>>,
    /// prefers-reduced-motion: messages stay put near their sender instead of travelling.
    pub reduced: bool,
    pub sizes: Sizes,
}

/// Above this many messages in flight only the dots are drawn; below the lower mark the labels
/// come back (two marks, so that they do not flicker around one).
const LABELS_OFF_ABOVE: usize = 48;
const LABELS_ON_BELOW: usize = 36;

/// A packet drawn this frame: a server's message or a client's.
struct Shown<'a> {
    id: u64,
    kind: &'static str,
    label: &'a Rc<str>,
    at: (f64, f64),
    normal: (f64, f64),
    t: f64,
    client: bool,
}

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
        let count = p.messages.len() + p.clients.len();
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
    let progress = |sent_at: u64, deliver_at: u64| {
        if p.reduced {
            0.3
        } else {
            let span = deliver_at.saturating_sub(sent_at).max(1) as f64;
            ((p.now - sent_at as f64) / span).clamp(0.0, 1.0)
        }
    };
    let mut shown: Vec<Shown> = p
        .messages
        .iter()
        .filter(|m| m.from <= n && m.to <= n)
        .map(|m| {
            let t = progress(m.sent_at, m.deliver_at);
            Shown {
                id: m.id,
                kind: m.kind,
                label: &m.label,
                at: l.between(m.from, m.to, t),
                normal: l.normal(m.from, m.to),
                t,
                client: false,
            }
        })
        .collect();
    shown.extend(p.clients.iter().filter(|m| m.server <= n).map(|m| {
        let t = progress(m.sent_at, m.deliver_at);
        Shown {
            id: m.id,
            kind: m.kind,
            label: &m.label,
            at: l.client_between(m.client, m.server, m.up, t),
            normal: l.client_normal(m.client, m.server, m.up),
            t,
            client: true,
        }
    }));
    // A heartbeat says nothing its colour does not (the legend names it): no label.
    let quiet = |m: &Shown| m.kind == "PING";
    let placed = if labels {
        let dots: Vec<Dot> = shown
            .iter()
            .filter(|m| !quiet(m))
            .map(|m| Dot {
                text: m.label,
                at: m.at,
                normal: m.normal,
                progress: m.t,
            })
            .collect();
        let mut placed = place(&dots, p.sizes.dot, font, (0.0, 0.0, VIEW, VIEW)).into_iter();
        shown
            .iter()
            .map(|m| {
                if quiet(m) {
                    None
                } else {
                    placed.next().flatten()
                }
            })
            .collect()
    } else {
        vec![None; shown.len()]
    };
    let msgs = shown.iter().zip(placed).map(|(m, placed)| {
        let id = m.id;
        let (x, y) = m.at;
        if m.client {
            // A client's packet: a square, so it reads apart from the servers' traffic.
            let side = f1(p.sizes.dot * 1.7);
            let half = f1(-p.sizes.dot * 0.85);
            return html! {
                <g key={m.id} class={classes!("msg", "client-msg", m.kind)} data-kind={m.kind}
                    data-client-msg={m.id.to_string()} style={style_translate(x, y)}>
                    <title>{ AttrValue::from(m.label.clone()) }</title>
                    <rect x={half.clone()} y={half} width={side.clone()} height={side} rx="2" />
                    { for placed.as_ref().map(label) }
                </g>
            };
        }
        let onclick = p.on_message.reform(move |e: MouseEvent| {
            e.stop_propagation();
            id
        });
        let onmouseenter = p.on_hover.reform(move |_| Some(id));
        let onmouseleave = p.on_hover.reform(|_| None);
        let hot = (p.hot == Some(id)).then_some("hot");
        html! {
            <g key={m.id} class={classes!("msg", m.kind, hot)} data-kind={m.kind} data-msg={m.id.to_string()}
                style={style_translate(x, y)} {onclick} {onmouseenter} {onmouseleave}>
                <title>{ AttrValue::from(m.label.clone()) }</title>
                <circle r={dot.clone()} />
                { for placed.as_ref().map(label) }
            </g>
        }
    });
    // The links carrying something other than heartbeats, once each: drawn under the dots so
    // that traffic stands out from the mesh (which fades at 15 servers and more).
    let mut busy: Vec<(u32, u32)> = p
        .messages
        .iter()
        .filter(|m| m.from <= n && m.to <= n && m.kind != "PING")
        .map(|m| (m.from.min(m.to), m.from.max(m.to)))
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
