//! The ensemble as a ring, in SVG that scales to its container (a square viewBox): links
//! underneath, the servers' cards, then the messages travelling between the cards' edges (above
//! every card, so none is hidden), then the countdown rings.

use std::rc::Rc;

use yew::prelude::*;

use super::clients::{ClientNodes, ClientWires, SessionRings};
use super::layout::{Layout, Sizes, VIEW};
use super::roving;
use super::{Links, Messages, ServerNode, Timers};
use crate::sim::Sid;
use crate::view::scene::Scene;

#[derive(Properties, PartialEq, Clone)]
pub struct RingProps {
    pub layout: Rc<Layout>,
    pub scene: Rc<Scene>,
    pub now: f64,
    pub selected: Option<Sid>,
    pub reduced: bool,
    pub paused: bool,
    pub on_server: Callback<Sid>,
    pub on_link: Callback<(Sid, Sid)>,
    /// A click on a message in flight.
    #[prop_or_default]
    pub on_message: Callback<u64>,
    /// The message highlighted (hovered here or on the space-time diagram).
    #[prop_or_default]
    pub hot: Option<u64>,
    /// The pointer entered (`Some`) or left (`None`) a message.
    #[prop_or_default]
    pub on_hover: Callback<Option<u64>>,
    /// A click on the empty background.
    pub on_background: Callback<()>,
    /// Servers an invariant violation names: ringed in red.
    #[prop_or_default]
    pub alarm: Rc<Vec<Sid>>,
    /// A click (or Enter) on a client.
    #[prop_or_default]
    pub on_client: Callback<Rc<str>>,
    #[prop_or_default]
    pub selected_client: Option<Rc<str>>,
    /// The protocol's name (a stable hook: `data-protocol`).
    #[prop_or(AttrValue::Static("zab"))]
    pub protocol: AttrValue,
}

/// Pixels per user unit of the ring as it is on screen, kept up to date by a ResizeObserver
/// (the ring changes size with the window, an embed's frame, a drawer opening).
#[hook]
fn use_scale(ring: NodeRef) -> f64 {
    let scale = use_state_eq(|| 0.45);
    {
        let scale = scale.clone();
        use_effect_with(ring, move |ring| {
            let measure = {
                let ring = ring.clone();
                move || {
                    if let Some(el) = ring.cast::<web_sys::Element>() {
                        let side = el.client_width().min(el.client_height());
                        if side > 0 {
                            // Rounded, so that sub-pixel jitter does not re-render every node.
                            scale.set((side as f64 / VIEW * 200.0).round() / 200.0);
                        }
                    }
                }
            };
            measure();
            let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
            let observer =
                web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(closure.as_ref()))
                    .ok();
            if let (Some(o), Some(el)) = (&observer, ring.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(closure);
            }
        });
    }
    *scale
}

/// The server that holds the servers' one tab stop: the one focused last, else the selected
/// one, else s1; and the callback that tells it which one got the focus. Selecting a server (a
/// click, a digit, `[` or `]`) hands it the stop.
#[hook]
fn use_server_stop(selected: Option<Sid>, n: usize) -> (Sid, Callback<String>) {
    let focused = use_state_eq(|| None::<Sid>);
    {
        let focused = focused.clone();
        use_effect_with(selected, move |_| focused.set(None));
    }
    let valid = |s: &Sid| (1..=n as Sid).contains(s);
    let stop = focused
        .filter(valid)
        .or(selected.filter(valid))
        .unwrap_or(1);
    let on_focus = Callback::from(move |name: String| {
        if let Ok(s) = name.parse() {
            focused.set(Some(s));
        }
    });
    (stop, on_focus)
}

#[function_component(Ring)]
pub fn ring(p: &RingProps) -> Html {
    let l = &p.layout;
    let node = use_node_ref();
    let sizes = Sizes::new(l, use_scale(node.clone()));
    let n = p.scene.servers.len();
    let (stop, on_focus) = use_server_stop(p.selected, l.pos.len());
    let servers = p
        .scene
        .servers
        .iter()
        .filter(|v| (v.id as usize) <= l.pos.len())
        .map(|v| {
            let (x, y) = l.at(v.id);
            html! {
                <ServerNode key={v.id} view={v.clone()} {x} {y} r={l.r} {sizes}
                    selected={p.selected == Some(v.id)} tab_stop={v.id == stop} on_open={p.on_server.clone()} />
            }
        });
    let names = (1..=l.pos.len()).map(|s| s.to_string()).collect();
    let open = {
        let cb = p.on_server.clone();
        Callback::from(move |name: String| {
            if let Ok(s) = name.parse() {
                cb.emit(s);
            }
        })
    };
    let server_keys = roving::keydown("data-server", names, open);
    let server_focus = roving::focusin("data-server", on_focus);
    let onclick = {
        let cb = p.on_background.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let view_box = format!("0 0 {} {}", VIEW as u32, VIEW as u32);
    // Four stacked SVGs with the same viewBox, so that what moves every frame (messages,
    // countdowns) is painted apart from what changes only on events (links, cards). The cards
    // come first in the document, so that Tab reaches the servers before the links; CSS
    // z-index paints the links underneath.
    html! {
        <div ref={node} class={classes!("ring", p.paused.then_some("paused"), p.reduced.then_some("reduced"), (n >= 15).then_some("many"))}
            role="group" data-protocol={p.protocol.clone()}
            aria-label={format!("The ensemble: {n} servers on a ring, with the messages between them")}
            {onclick}>
            <svg class="layer cards" viewBox={view_box.clone()} preserveAspectRatio="xMidYMid meet">
                <g class="servers" onkeydown={server_keys} onfocusin={server_focus}>{ for servers }</g>
                <ClientNodes layout={l.clone()} clients={p.scene.clients.clone()} {sizes}
                    selected={p.selected_client.clone()} on_client={p.on_client.clone()} />
            </svg>
            <svg class="layer links-layer" viewBox={view_box.clone()} preserveAspectRatio="xMidYMid meet">
                <Links layout={l.clone()} cuts={p.scene.cuts.clone()} on_link={p.on_link.clone()} />
                <ClientWires layout={l.clone()} clients={p.scene.clients.clone()} />
            </svg>
            <svg class="layer moving" viewBox={view_box.clone()} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
                <Messages layout={l.clone()} messages={p.scene.messages.clone()}
                    losses={p.scene.losses.clone()} clients={p.scene.client_msgs.clone()} now={p.now} reduced={p.reduced}
                    on_message={p.on_message.clone()} hot={p.hot} on_hover={p.on_hover.clone()} {sizes} />
            </svg>
            <svg class="layer moving" viewBox={view_box} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
                <Timers layout={l.clone()} timers={p.scene.timers.clone()} pings={p.scene.pings.clone()}
                    now={p.now} reduced={p.reduced} {sizes} alarm={p.alarm.clone()} />
                <SessionRings layout={l.clone()} clients={p.scene.clients.clone()} now={p.now} {sizes} />
            </svg>
        </div>
    }
}
