//! The client box: write PATH DATA at a chosen server, and follow each write: forwarded,
//! proposed, ACKed, committed, answered — or stuck for want of a leader or a quorum. Steady
//! writes can be switched on here too.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::{Command, Sid};
use crate::view::driver::STEADY_RATE;
use crate::view::requests::RequestLine;

#[derive(Properties, PartialEq, Clone)]
pub struct ClientBoxProps {
    pub n: Sid,
    pub selected: Option<Sid>,
    pub leader: Option<Sid>,
    pub requests: Rc<Vec<RequestLine>>,
    /// Steady writes per virtual second (0: off).
    pub writes: u32,
    /// A write from the form.
    pub on_command: Callback<Command>,
    /// A new steady-write rate (0: off).
    pub on_writes: Callback<u32>,
}

/// The value of the input or select an event came from.
pub(crate) fn value_of(e: &Event) -> String {
    let t = e.target();
    if let Some(i) = t
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        return i.value();
    }
    t.and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A path as typed, made absolute ("config" → "/config").
pub(crate) fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// "v7" → "v8": the next value for the next write.
fn bump(data: &str) -> String {
    let digits = data.len() - data.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, num) = data.split_at(data.len() - digits);
    match num.parse::<u64>() {
        Ok(n) => format!("{head}{}", n + 1),
        Err(_) => format!("{data}1"),
    }
}

#[function_component(ClientBox)]
pub fn client_box(p: &ClientBoxProps) -> Html {
    // The server chosen here; "auto" follows the selection, else the leader.
    let at = use_state(|| None::<Sid>);
    let path = use_state(|| "/config".to_string());
    let data = use_state(|| "v1".to_string());
    let target = at
        .filter(|s| *s <= p.n)
        .or(p.selected)
        .or(p.leader)
        .unwrap_or(1)
        .min(p.n.max(1));

    let onsubmit = {
        let send = p.on_command.clone();
        let path = path.clone();
        let data = data.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let pth = absolute(&path);
            send.emit(Command::Write {
                at: Some(target),
                path: pth,
                data: (*data).clone(),
            });
            data.set(bump(&data));
        })
    };
    let on_at = {
        let at = at.clone();
        Callback::from(move |e: Event| at.set(value_of(&e).parse().ok()))
    };
    let on_path = {
        let path = path.clone();
        Callback::from(move |e: InputEvent| path.set(value_of(&e)))
    };
    let on_data = {
        let data = data.clone();
        Callback::from(move |e: InputEvent| data.set(value_of(&e)))
    };
    let on_auto = {
        let send = p.on_writes.clone();
        let on = p.writes > 0;
        Callback::from(move |_: Event| send.emit(if on { 0 } else { STEADY_RATE }))
    };
    let options = (1..=p.n).map(|s| {
        let note = if Some(s) == p.leader { " (leader)" } else { "" };
        html! { <option value={s.to_string()} selected={s == target}>{ format!("s{s}{note}") }</option> }
    });
    let lines = p.requests.iter().map(|r| {
        html! {
            <li key={r.id} class={classes!("req", r.state.as_str())}>
                <span class="what">{ format!("#{} {}", r.id, r.what) }</span>
                <span class="state">{ r.status.clone() }</span>
            </li>
        }
    });
    html! {
        <fieldset class="tool client">
            <legend title="A write from an anonymous client at the chosen server; the Clients tab has clients with sessions">{ "Quick write" }</legend>
            <form class="write" {onsubmit}>
                <label for="client-at">{ "at" }</label>
                <select id="client-at" onchange={on_at}>{ for options }</select>
                <label for="client-path">{ "path" }</label>
                <input id="client-path" type="text" value={(*path).clone()} oninput={on_path}
                    spellcheck="false" autocomplete="off" />
                <label for="client-data">{ "data" }</label>
                <input id="client-data" type="text" value={(*data).clone()} oninput={on_data}
                    spellcheck="false" autocomplete="off" />
                <button type="submit" class="primary">{ "Write" }</button>
            </form>
            <label class="auto" for="auto-writes" title="a">
                <input id="auto-writes" type="checkbox" checked={p.writes > 0} onchange={on_auto} />
                { if p.writes > 0 { format!("Steady writes: {} per virtual second", p.writes) } else { "Steady writes".to_string() } }
            </label>
            if !p.requests.is_empty() {
                <ol class="requests" aria-label="Recent writes">{ for lines }</ol>
            }
        </fieldset>
    }
}
