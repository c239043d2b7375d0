//! The event feed: what happens, in plain language (the lines `crate::view::feed` keeps),
//! filterable by kind. Newest last, like a log, and kept scrolled to the newest while the
//! reader is there: a new line then moves nothing on screen (prepending would shift every
//! line below it, a layout shift on every event).

use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use super::fmt::secs_compact;
use crate::sim::narrate::Kind;
use crate::view::feed::FeedLine;

#[derive(Properties, PartialEq, Clone)]
pub struct FeedProps {
    pub lines: Rc<VecDeque<FeedLine>>,
    /// The Paxos modes name the kinds in Paxos's words.
    #[prop_or_default]
    pub paxos: bool,
}

/// Lines drawn at most (the newest that pass the filter).
const SHOWN: usize = 80;

fn bit(k: Kind) -> u16 {
    1 << (k as u16)
}

fn label(k: Kind, paxos: bool) -> &'static str {
    match (k, paxos) {
        (Kind::Election, true) => "phase 1",
        (Kind::Epoch, true) => "promises",
        (Kind::Commit, true) => "chosen",
        (Kind::Log, true) => "accept & learn",
        _ => zab_label(k),
    }
}

fn zab_label(k: Kind) -> &'static str {
    match k {
        Kind::Election => "election",
        Kind::Epoch => "epochs",
        Kind::Sync => "sync",
        Kind::Commit => "commits",
        Kind::Log => "log & apply",
        Kind::Client => "clients",
        Kind::Fault => "faults",
        Kind::You => "you",
    }
}

#[function_component(Feed)]
pub fn feed(p: &FeedProps) -> Html {
    let shown = use_state(|| {
        Kind::ALL
            .iter()
            .filter(|k| k.shown_by_default())
            .fold(0u16, |m, k| m | bit(*k))
    });
    // Paxos has no synchronisation phase: that chip would never light.
    let kinds = Kind::ALL.iter().filter(|k| !(p.paxos && **k == Kind::Sync));
    let chips = kinds.map(|k| {
        let on = *shown & bit(*k) != 0;
        let onclick = {
            let shown = shown.clone();
            let k = *k;
            Callback::from(move |_: MouseEvent| shown.set(*shown ^ bit(k)))
        };
        html! {
            <button class={classes!("chip", k.as_str(), on.then_some("on"))} aria-pressed={on.to_string()}
                {onclick}>{ label(*k, p.paxos) }</button>
        }
    });
    let mut newest: Vec<&FeedLine> = p
        .lines
        .iter()
        .rev()
        .filter(|l| *shown & bit(l.kind) != 0)
        .take(SHOWN)
        .collect();
    newest.reverse();
    // The list follows the run while the reader is at the newest line.
    let (list, onscroll) = super::follow::use_follow_end();
    let lines = newest.into_iter().map(|l| {
        html! {
            <li key={l.seq} class={l.kind.as_str()}>
                <time>{ secs_compact(l.at) }</time>
                <span class="text">{ AttrValue::from(l.text.clone()) }</span>
            </li>
        }
    });
    html! {
        <section class="panel feed" aria-label="Event feed">
            <div class="panel-head">
                <h2>{ "What happens" }</h2>
            </div>
            <div class="chips" role="group" aria-label="Show these kinds of events">{ for chips }</div>
            // It scrolls: a tab stop of its own lets the keyboard scroll it too.
            <ol class="lines" ref={list} {onscroll} tabindex="0" aria-label="Events, newest last">{ for lines }</ol>
        </section>
    }
}
