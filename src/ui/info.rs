//! The info tab: the run's figures (view/info.rs) and the page's wasm memory, read here
//! because only the browser knows it. Wasm memory never shrinks, so the figure is also the
//! peak so far.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::view::info::Info;
use crate::view::spacetime::secs;

#[derive(Properties, PartialEq)]
pub struct InfoProps {
    pub info: Option<Rc<Info>>,
}

/// Bytes of wasm memory the page holds.
fn wasm_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

fn mib(bytes: f64) -> String {
    let tenths = (bytes / 104_857.6).round() as u64;
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

#[function_component(InfoPanel)]
pub fn info_panel(p: &InfoProps) -> Html {
    let Some(i) = &p.info else {
        return html! {};
    };
    let bytes = wasm_bytes();
    let row = |term: &str, value: String| {
        html! { <><dt>{ term.to_string() }</dt><dd>{ value }</dd></> }
    };
    html! {
        <section class="panel info" aria-label="About this run">
            <dl>
                { row("State hash", i.state_hash.clone()) }
                { row("Virtual time", format!("{} of {}", secs(i.now, 3), secs(i.edge, 3))) }
                { row("Events processed", i.events.to_string()) }
                { row("Commands given", i.commands.to_string()) }
                { row("Branches", i.branches.to_string()) }
                { row("Checkpoints kept", i.checkpoints.to_string()) }
                { row("Events the last seek replayed", i.last_replayed.to_string()) }
                { row("Diagram: messages, marks kept", format!("{}, {}", i.flights, i.marks)) }
                <dt>{ "Wasm memory (also the peak)" }</dt>
                <dd data-wasm-bytes={bytes.to_string()}>{ mib(bytes) }</dd>
            </dl>
        </section>
    }
}
