//! A group of the ring's items that is one tab stop (WAI-ARIA "roving tabindex"): the servers,
//! the links. The group's element holds one keydown and one focusin handler for all its items
//! (event delegation), each item named by a data attribute (`data-server="3"`, `data-link="1-2"`).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::view::action::roving_step;

/// The item an event came from (the nearest element with `attr`), and its `attr` value.
pub fn item_of(e: &Event, attr: &str) -> Option<(web_sys::Element, String)> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let item = target.closest(&format!("[{attr}]")).ok()??;
    let name = item.get_attribute(attr)?;
    Some((item, name))
}

/// Focuses an item: the element itself when it has a tabindex, else the first element in it
/// that has one (a server's button is inside the element that carries its `data-server`).
pub fn focus_item(item: &web_sys::Element) {
    let el = match item.has_attribute("tabindex") {
        true => Some(item.clone()),
        false => item.query_selector("[tabindex]").ok().flatten(),
    };
    if let Some(el) = el {
        focus(&el);
    }
}

/// Focuses an element, HTML or SVG.
pub fn focus(el: &web_sys::Element) {
    if let Some(svg) = el.dyn_ref::<web_sys::SvgElement>() {
        let _ = svg.focus();
    } else if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = html.focus();
    }
}

/// The group's keydown handler: an arrow key, Home or End on an item moves the focus to its
/// neighbour among `names` (the items' `attr` values, in order); Enter or Space activates the
/// item (a click does the same). Either key goes no further: the page's own shortcuts for
/// them (→ steps, space plays, Enter opens the selected server's menu) are not meant here.
pub fn keydown(
    attr: &'static str,
    names: Vec<String>,
    on_activate: Callback<String>,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let Some((item, name)) = item_of(&e, attr) else {
            return;
        };
        let key = e.key();
        if key == "Enter" || key == " " {
            e.prevent_default();
            e.stop_propagation();
            on_activate.emit(name);
            return;
        }
        let Some(i) = names.iter().position(|n| *n == name) else {
            return;
        };
        let Some(j) = roving_step(i, names.len(), &key) else {
            return;
        };
        e.prevent_default();
        e.stop_propagation();
        // Among its siblings only: the comparison page has two rings with the same names.
        let selector = format!("[{attr}=\"{}\"]", names[j]);
        if let Some(next) = item
            .parent_element()
            .and_then(|group| group.query_selector(&selector).ok().flatten())
        {
            focus_item(&next);
        }
    })
}

/// The group's focusin handler: tells which item got the focus (by keys, a click or a menu
/// giving it back), so that the group's tab stop moves there.
pub fn focusin(attr: &'static str, on_focus: Callback<String>) -> Callback<FocusEvent> {
    Callback::from(move |e: FocusEvent| {
        if let Some((_, name)) = item_of(&e, attr) {
            on_focus.emit(name);
        }
    })
}

/// The `tabindex` of an item: the group's one tab stop, or reachable by the arrow keys only.
pub fn tabindex(is_stop: bool) -> &'static str {
    if is_stop {
        "0"
    } else {
        "-1"
    }
}
