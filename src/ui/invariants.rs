//! The invariant panel: green while every invariant of protocol.md §5 holds after every event,
//! red with the checker's explanation as soon as one does not.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::seconds;
use crate::sim::Violation;

#[derive(Properties, PartialEq, Clone)]
pub struct InvariantsProps {
    pub violations: Rc<Vec<Violation>>,
    /// The Paxos invariants (21–24) are the ones checked.
    #[prop_or_default]
    pub paxos: bool,
}

#[function_component(Invariants)]
pub fn invariants(p: &InvariantsProps) -> Html {
    if p.violations.is_empty() && p.paxos {
        return html! {
            <section class="panel invariants ok" aria-label="Invariants" data-violations="0">
                <p><span class="dot" aria-hidden="true">{ "✓" }</span>
                    { " Every safety invariant holds (checked after each event: at most one value \
                        chosen per slot, a chosen value never changes, learners learn only chosen \
                        values, promises never go backwards across crashes)" }</p>
            </section>
        };
    }
    if p.violations.is_empty() {
        return html! {
            <section class="panel invariants ok" aria-label="Invariants" data-violations="0">
                <p><span class="dot" aria-hidden="true">{ "✓" }</span>
                    { " Every safety invariant holds (checked after each event: one leader per epoch, \
                        one txn per zxid, commits need a quorum, prefix consistency, durability…)" }</p>
            </section>
        };
    }
    let items = p.violations.iter().take(5).map(|v| {
        let servers = v
            .servers
            .iter()
            .map(|s| format!("s{s}"))
            .collect::<Vec<_>>()
            .join(", ");
        html! {
            <li>
                <strong>{ format!("#{} {}", v.invariant.number(), v.invariant.name()) }</strong>
                { format!(" at t = {} (event {}), {}: ", seconds(v.at), v.event, servers) }
                { v.explanation.clone() }
            </li>
        }
    });
    html! {
        <section class="panel invariants broken" role="alert" aria-label="Invariants"
            data-violations={p.violations.len().to_string()}>
            <p><span class="dot" aria-hidden="true">{ "✕" }</span>
                { format!(" {} invariant violation{}:", p.violations.len(), if p.violations.len() == 1 { "" } else { "s" }) }</p>
            <ul>{ for items }</ul>
        </section>
    }
}
