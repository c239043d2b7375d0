//! The invariant panel: green while every invariant of protocol.md §5 holds after every event,
//! red with the checker's explanation as soon as one does not.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::seconds;
use crate::sim::{Sid, Violation};

#[derive(Properties, PartialEq, Clone)]
pub struct InvariantsProps {
    pub violations: Rc<Vec<Violation>>,
    /// The Paxos invariants (21–24) are the ones checked.
    #[prop_or_default]
    pub paxos: bool,
    /// Selects a server a violation names (the main page; the comparison has none).
    #[prop_or_default]
    pub on_select: Option<Callback<Sid>>,
    /// Whether the run pauses when one first breaks, and how to change that (the main page).
    #[prop_or_default]
    pub pause: Option<(bool, Callback<bool>)>,
}

/// "Pause when one breaks", on the main page.
fn pause_toggle(p: &InvariantsProps) -> Html {
    let Some((on, cb)) = p.pause.clone() else {
        return html! {};
    };
    html! {
        <label class="pause-on" title="Stop the run at the first violation, so its moment can be read">
            <input type="checkbox" checked={on} onchange={cb.reform(move |_| !on)} />
            { " pause when one breaks" }
        </label>
    }
}

/// A violation's servers, each a button that selects it (when the page can).
fn server_links(p: &InvariantsProps, servers: &[Sid]) -> Html {
    let Some(select) = &p.on_select else {
        let names: Vec<String> = servers.iter().map(|s| format!("s{s}")).collect();
        return html! { { names.join(", ") } };
    };
    html! {
        { for servers.iter().map(|&s| html! {
            <button class="sid-link" onclick={select.reform(move |_| s)}
                aria-label={format!("Select s{s}")}>{ format!("s{s}") }</button>
        }) }
    }
}

#[function_component(Invariants)]
pub fn invariants(p: &InvariantsProps) -> Html {
    if p.violations.is_empty() && p.paxos {
        return html! {
            <section class="panel invariants ok" aria-label="Paxos invariants" data-violations="0">
                <p><span class="dot" aria-hidden="true">{ "✓" }</span>
                    { " Every safety invariant holds (checked after each event: at most one value \
                        chosen per slot, a chosen value never changes, learners learn only chosen \
                        values, promises never go backwards across crashes)" }</p>
                { pause_toggle(p) }
            </section>
        };
    }
    if p.violations.is_empty() {
        return html! {
            <section class="panel invariants ok" aria-label="Invariants" data-violations="0">
                <p><span class="dot" aria-hidden="true">{ "✓" }</span>
                    { " Every safety invariant holds (checked after each event: one leader per epoch, \
                        one txn per zxid, commits need a quorum, prefix consistency, durability…)" }</p>
                { pause_toggle(p) }
            </section>
        };
    }
    let items = p.violations.iter().take(5).map(|v| {
        html! {
            <li>
                <strong>{ format!("#{} {}", v.invariant.number(), v.invariant.name()) }</strong>
                { format!(" at t = {} (event {}), ", seconds(v.at), v.event) }
                { server_links(p, &v.servers) }{ ": " }
                { v.explanation.clone() }
            </li>
        }
    });
    html! {
        <section class="panel invariants broken" role="alert"
            aria-label={if p.paxos { "Paxos invariants" } else { "Invariants" }}
            data-violations={p.violations.len().to_string()}>
            <p><span class="dot" aria-hidden="true">{ "✕" }</span>
                { format!(" {} invariant violation{}:", p.violations.len(), if p.violations.len() == 1 { "" } else { "s" }) }</p>
            <ul>{ for items }</ul>
            { pause_toggle(p) }
        </section>
    }
}
