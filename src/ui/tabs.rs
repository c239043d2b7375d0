//! The side column's tabs (WAI-ARIA tabs pattern): one tab stop for the row, arrow keys, Home
//! and End move between tabs and show them; the panel below holds the tab on show.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::view::action::{roving_step, Tab};

#[derive(Properties, PartialEq, Clone)]
pub struct SideTabsProps {
    pub tab: Tab,
    pub on_tab: Callback<Tab>,
    /// The content of the tab on show.
    pub children: Html,
}

/// The tab an arrow key, Home or End moves to from `at`.
fn moved(at: Tab, key: &str) -> Option<Tab> {
    let i = Tab::ALL.iter().position(|t| *t == at)?;
    roving_step(i, Tab::ALL.len(), key).map(|j| Tab::ALL[j])
}

fn focus_tab(t: Tab) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("tab-{}", t.hook())));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

#[function_component(SideTabs)]
pub fn side_tabs(p: &SideTabsProps) -> Html {
    let tabs = Tab::ALL.iter().map(|&t| {
        let on = t == p.tab;
        let onclick = p.on_tab.reform(move |_: MouseEvent| t);
        let onkeydown = {
            let cb = p.on_tab.clone();
            Callback::from(move |e: KeyboardEvent| {
                if let Some(next) = moved(t, &e.key()) {
                    e.prevent_default();
                    e.stop_propagation();
                    cb.emit(next);
                    focus_tab(next);
                }
            })
        };
        html! {
            <button id={format!("tab-{}", t.hook())} class={classes!("tab", on.then_some("on"))}
                role="tab" aria-selected={on.to_string()} aria-controls="side-panel"
                tabindex={if on { "0" } else { "-1" }} data-tab={t.hook()} {onclick} {onkeydown}>
                { t.label() }
            </button>
        }
    });
    html! {
        <div class="side-tabs">
            <div class="tab-row" role="tablist" aria-label="Details">{ for tabs }</div>
            <div id="side-panel" class="tab-panel" role="tabpanel" data-tab={p.tab.hook()}
                aria-labelledby={format!("tab-{}", p.tab.hook())}>
                { p.children.clone() }
            </div>
        </div>
    }
}
