//! The tour card (the first-run hint): what to try next, in the side column — never over the
//! ring or the controls, never modal. It moves on when the person does what it asks.

use yew::prelude::*;

use crate::view::action::TourStep;
use crate::view::tour::Tour;

#[derive(Properties, PartialEq, Clone)]
pub struct TourCardProps {
    pub tour: Tour,
    pub on_step: Callback<TourStep>,
}

#[function_component(TourCard)]
pub fn tour_card(p: &TourCardProps) -> Html {
    let (at, of) = p.tour.progress();
    let end = html! {
        <button class="close" onclick={p.on_step.reform(|_| TourStep::End)}
            aria-label="End the tour" title="End the tour (it stays off in this browser)">{ "×" }</button>
    };
    let body = match p.tour.step() {
        Some(step) => html! {
            <>
                <div class="panel-head">
                    <span class="tour-count">{ format!("Try this · {} of {of}", at + 1) }</span>
                    { end }
                </div>
                <p class="tour-title">{ step.title }</p>
                <p class="tour-text">{ step.text }</p>
                <button class="tour-next" onclick={p.on_step.reform(|_| TourStep::Next)}>
                    { if at + 1 < of { "Skip this step" } else { "Skip" } }
                </button>
            </>
        },
        None => html! {
            <>
                <div class="panel-head">
                    <span class="tour-count">{ "Tour done" }</span>
                    { end }
                </div>
                <p class="tour-text">
                    { "That is ZooKeeper riding out faults. Press ? for every key; the Legend tab names every colour." }
                </p>
            </>
        },
    };
    html! {
        <section class="panel tour" aria-label="Tour" aria-live="polite" data-tour-step={at.to_string()}>
            { body }
        </section>
    }
}
