//! The time bar under the ring: a scrubber over the whole run ("Time"), a Live button, and the
//! branch list. Every move is an intent (`TimeAction`); what it means lives in
//! view/timeline.rs and view/page.rs, natively tested.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::Millis;
use crate::view::action::TimeAction;
use crate::view::timeline::seconds;

/// One branch as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchItem {
    pub id: u32,
    pub name: String,
    pub active: bool,
}

#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    /// Virtual ms at the playhead.
    pub now: Millis,
    /// The active branch's live edge.
    pub edge: Millis,
    /// The page shows a moment before the edge.
    pub past: bool,
    pub branches: Rc<Vec<BranchItem>>,
    pub on_time: Callback<TimeAction>,
    /// The space-time diagram's drawer is open.
    pub diagram: bool,
    pub on_diagram: Callback<bool>,
}

#[function_component(TimeBar)]
pub fn time_bar(p: &TimeBarProps) -> Html {
    let seek = p.on_time.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        TimeAction::Seek(input.value().parse::<f64>().unwrap_or(0.0) as Millis)
    });
    let live = p.on_time.reform(|_| TimeAction::Live);
    let toggle = {
        let open = p.diagram;
        p.on_diagram.reform(move |_| !open)
    };
    let back = {
        let now = p.now;
        p.on_time
            .reform(move |_| TimeAction::Seek(now.saturating_sub(1000)))
    };
    let where_ = if p.past {
        format!("{} of {}", seconds(p.now), seconds(p.edge))
    } else {
        format!("live, {}", seconds(p.now))
    };
    let branches = (p.branches.len() > 1).then(|| {
        html! {
            <ul class="branches" aria-label="Branches">
                { for p.branches.iter().map(|b| branch(b, &p.on_time)) }
            </ul>
        }
    });
    html! {
        <section class={classes!("timebar", p.past.then_some("past"))} aria-label="Timeline">
            <button class="time-back" onclick={back}
                title="Back one virtual second (pauses)">{ "Back 1 s" }</button>
            <input type="range" class="scrubber" aria-label="Time" min="0" max={p.edge.max(1).to_string()}
                step="10" value={p.now.min(p.edge).to_string()} oninput={seek}
                aria-valuetext={where_.clone()} />
            <span class="time-where" aria-hidden="true">{ where_ }</span>
            <button class={classes!("live", (!p.past).then_some("on"))} onclick={live}
                aria-pressed={(!p.past).to_string()} title="Back to the live edge, playing">{ "Live" }</button>
            <button class="diagram-toggle" onclick={toggle} aria-expanded={p.diagram.to_string()}
                aria-controls="diagram-drawer" title="Every message on a lane per server, in time">{ "Diagram" }</button>
            { for branches }
        </section>
    }
}

fn branch(b: &BranchItem, on_time: &Callback<TimeAction>) -> Html {
    let id = b.id;
    let switch = on_time.reform(move |_| TimeAction::Branch(id));
    let delete = on_time.reform(move |_| TimeAction::Delete(id));
    html! {
        <li data-branch={id.to_string()} aria-current={b.active.then_some("true")}>
            <button class="branch" onclick={switch} title="Show this branch at its live edge">
                { format!("{id}: {}", b.name) }
            </button>
            if !b.active {
                <button class="branch-delete" onclick={delete}
                    aria-label={format!("Delete branch {id}")}>{ "×" }</button>
            }
        </li>
    }
}
