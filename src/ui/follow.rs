//! A list that follows the newest entry at its end while the reader is there (a log: the
//! feed, the clients' answers), and stays put once the reader scrolls back.

use yew::prelude::*;

/// The list's ref, and its scroll handler: after every render the list is scrolled to its end
/// if the reader was at the end.
#[hook]
pub fn use_follow_end() -> (NodeRef, Callback<Event>) {
    let list = use_node_ref();
    let at_end = use_mut_ref(|| true);
    {
        let (list, at_end) = (list.clone(), at_end.clone());
        use_effect(move || {
            if let (true, Some(el)) = (*at_end.borrow(), list.cast::<web_sys::Element>()) {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onscroll = {
        let list = list.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                *at_end.borrow_mut() =
                    el.scroll_top() + el.client_height() >= el.scroll_height() - 8;
            }
        })
    };
    (list, onscroll)
}
