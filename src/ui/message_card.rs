//! The popover of one message, opened by clicking it (the page pauses so it can be read):
//! its kind, sender and receiver, everything it carries, when it was sent and when it arrives.

use yew::prelude::*;

use super::fmt::seconds_2;
use super::popover::{close_on_escape, place, use_popover_focus};
use crate::view::scene::MsgView;

#[derive(Properties, PartialEq, Clone)]
pub struct MessageCardProps {
    /// `None` once the message was delivered (or lost).
    pub message: Option<MsgView>,
    /// Where to open, in viewBox units.
    pub x: f64,
    pub y: f64,
    /// Virtual time, fractional.
    pub now: f64,
    pub on_close: Callback<()>,
}

#[function_component(MessageCard)]
pub fn message_card(p: &MessageCardProps) -> Html {
    let (root, close) = (use_node_ref(), use_node_ref());
    // A message is clicked, never focused: its card gives the focus back to whatever had it.
    use_popover_focus((), root.clone(), close.clone(), None);
    let onkeydown = close_on_escape(&p.on_close);
    let body = match &p.message {
        None => {
            html! { <p class="muted">{ "Delivered (or lost) meanwhile: play on, or pick another." }</p> }
        }
        Some(m) => {
            let state = if (m.deliver_at as f64) <= p.now {
                "arrived"
            } else {
                "in flight"
            };
            html! {
                <dl class="fields">
                    <dt>{ "from → to" }</dt><dd>{ format!("s{} → s{}", m.from, m.to) }</dd>
                    <dt>{ "carries" }</dt><dd class="mono">{ m.text.to_string() }</dd>
                    <dt>{ "sent" }</dt><dd>{ seconds_2(m.sent_at) }</dd>
                    <dt>{ "arrives" }</dt><dd>{ format!("{} ({state}, {} ms on the wire)", seconds_2(m.deliver_at), m.deliver_at - m.sent_at) }</dd>
                </dl>
            }
        }
    };
    let kind = p.message.as_ref().map_or("Message", |m| m.kind);
    html! {
        <div ref={root} class="popover message-card" role="dialog" aria-label={format!("{kind}: its fields")}
            style={place(p.x, p.y, 14.0)} {onkeydown}
            onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
            <div class="popover-head">
                <strong>{ kind }</strong>
                <button ref={close} class="close" aria-label="Close" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
            </div>
            { body }
        </div>
    }
}
