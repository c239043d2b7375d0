//! What the ring's popovers (server menu, link menu, message card) share: where one opens,
//! Escape closing it, and the focus going in when it opens and back out when it closes.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::layout::VIEW;
use super::roving::{focus, focus_item};

/// A popover's keydown handler: Escape closes it (and goes no further).
pub fn close_on_escape(close: &Callback<()>) -> Callback<KeyboardEvent> {
    let close = close.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            close.emit(());
        }
    })
}

/// `left/top` in percent of the (square) stage, placed beside the card, inside the stage.
pub fn place(x: f64, y: f64, dy: f64) -> String {
    let left = (x / VIEW * 100.0).clamp(2.0, 98.0) as u32;
    let (top, anchor) = if y < VIEW * 0.55 {
        (((y + dy) / VIEW * 100.0) as u32, "translate(-50%, 0)")
    } else {
        (((y - dy) / VIEW * 100.0) as u32, "translate(-50%, -100%)")
    };
    format!("left:{left}%;top:{top}%;transform:{anchor}")
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The element focused now, unless that is nothing or the page itself.
fn focused_element(doc: &web_sys::Document) -> Option<web_sys::Element> {
    let body: Option<web_sys::Element> = doc.body().map(JsCast::unchecked_into);
    doc.active_element().filter(|a| Some(a) != body.as_ref())
}

/// Focuses `first` when the popover (`root`) opens, or opens anew for other `deps`. When it
/// closes (Escape, its close button, one of its commands), gives the focus back to where it was
/// opened from: the element focused then, or, when that was the page itself (a shortcut key),
/// the element `subject` selects (the server or link the popover is about). Only if the focus
/// is still in the popover or was dropped with it: a click elsewhere keeps its own.
#[hook]
pub fn use_popover_focus<D>(deps: D, root: NodeRef, first: NodeRef, subject: Option<String>)
where
    D: PartialEq + 'static,
{
    use_effect_with(deps, move |_| {
        let doc = document();
        let opener = doc.as_ref().and_then(focused_element);
        let popover = root.cast::<web_sys::Element>();
        if let Some(el) = first.cast::<web_sys::Element>() {
            focus(&el);
        }
        move || {
            let Some(doc) = doc else { return };
            let now = focused_element(&doc);
            let dropped = now.as_ref().is_none_or(|a| {
                popover
                    .as_ref()
                    .is_some_and(|p| p.contains(Some(a.unchecked_ref())))
            });
            let back = opener
                .filter(|o| o.is_connected())
                .or_else(|| subject.and_then(|s| doc.query_selector(&s).ok().flatten()));
            if let (true, Some(el)) = (dropped, back) {
                focus_item(&el);
            }
        }
    });
}
