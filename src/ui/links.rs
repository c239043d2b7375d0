//! The links between every pair of servers. A healthy link is one thin line; a cut one is red
//! and dashed with a gap and a cross in the middle; a one-way cut shows its two lanes, the cut
//! one with an arrow in the direction that no longer gets through. One click handler for all
//! (event delegation), reading `data-link="A-B"`. The links are one tab stop, after the
//! servers': arrow keys move among them in order (1–2, 1–3, …), Enter or Space opens one's menu.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::f1;
use super::layout::Layout;
use super::roving::{self, item_of, tabindex};
use crate::sim::Sid;

#[derive(Properties, PartialEq, Clone)]
pub struct LinksProps {
    pub layout: Rc<Layout>,
    /// Directed cut links (from, to).
    pub cuts: Rc<Vec<(Sid, Sid)>>,
    pub on_link: Callback<(Sid, Sid)>,
}

fn seg(x0: f64, y0: f64, x1: f64, y1: f64, class: &'static str) -> Html {
    html! { <line class={class} x1={f1(x0)} y1={f1(y0)} x2={f1(x1)} y2={f1(y1)} /> }
}

/// A lane from `a` towards `b`, offset to the right of travel, with a gap in the middle.
fn cut_lane(l: &Layout, a: Sid, b: Sid, with_arrow: bool) -> Html {
    let (x0, y0) = l.along(a, b, 0.0);
    let (x1, y1) = l.along(a, b, 1.0);
    let g = 0.06;
    let (gx0, gy0) = l.along(a, b, 0.5 - g);
    let (gx1, gy1) = l.along(a, b, 0.5 + g);
    let arrow = with_arrow.then(|| {
        // A small arrowhead just past the gap, pointing from a to b.
        let (ax, ay) = l.along(a, b, 0.5 + g + 0.05);
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let s = 15.0;
        let tip = (ax + ux * s, ay + uy * s);
        let l1 = (ax - uy * s * 0.6, ay + ux * s * 0.6);
        let r1 = (ax + uy * s * 0.6, ay - ux * s * 0.6);
        html! {
            <path class="arrow" d={format!("M{},{}L{},{}L{},{}Z", f1(tip.0), f1(tip.1), f1(l1.0), f1(l1.1), f1(r1.0), f1(r1.1))} />
        }
    });
    html! {
        <>
            { seg(x0, y0, gx0, gy0, "wire cut") }
            { seg(gx1, gy1, x1, y1, "wire cut") }
            { for arrow }
        </>
    }
}

/// A link's state in words, for its label and tooltip.
fn state_words(a: Sid, b: Sid, ab: bool, ba: bool) -> String {
    match (ab, ba) {
        (false, false) => "up".into(),
        (true, true) => "cut both ways".into(),
        (true, false) => format!("s{a}→s{b} cut, s{b}→s{a} up"),
        (false, true) => format!("s{b}→s{a} cut, s{a}→s{b} up"),
    }
}

/// The two ends of a link named `A-B` (its `data-link`).
fn parse_link(name: &str) -> Option<(Sid, Sid)> {
    let (a, b) = name.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

#[function_component(Links)]
pub fn links(p: &LinksProps) -> Html {
    let l = &*p.layout;
    let n = l.pos.len() as Sid;
    let is_cut = |a: Sid, b: Sid| p.cuts.contains(&(a, b));
    let mut items = Vec::with_capacity((n * n) as usize / 2);
    let mut names = Vec::with_capacity(items.capacity());
    // The link that holds the links' one tab stop: the one focused last, else s1–s2.
    let focused = use_state_eq(|| None::<(Sid, Sid)>);
    let stop = focused.filter(|(_, b)| *b <= n).unwrap_or((1, 2));
    for a in 1..=n {
        for b in a + 1..=n {
            let (ab, ba) = (is_cut(a, b), is_cut(b, a));
            let name = format!("{a}-{b}");
            names.push(name.clone());
            let (x0, y0) = l.at(a);
            let (x1, y1) = l.at(b);
            let state = match (ab, ba) {
                (false, false) => "up",
                (true, true) => "both",
                (true, false) => "a-b",
                (false, true) => "b-a",
            };
            let body = match (ab, ba) {
                (false, false) => seg(x0, y0, x1, y1, "wire"),
                (true, true) => {
                    let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                    let g = 0.06;
                    html! {
                        <>
                            { seg(x0, y0, x0 + (x1 - x0) * (0.5 - g), y0 + (y1 - y0) * (0.5 - g), "wire cut") }
                            { seg(x0 + (x1 - x0) * (0.5 + g), y0 + (y1 - y0) * (0.5 + g), x1, y1, "wire cut") }
                            <path class="x" d={format!("M{},{}l12,12m0,-12l-12,12", f1(mx - 6.0), f1(my - 6.0))} />
                        </>
                    }
                }
                _ => {
                    let (cut_from, cut_to) = if ab { (a, b) } else { (b, a) };
                    let (ux0, uy0) = l.along(cut_to, cut_from, 0.0);
                    let (ux1, uy1) = l.along(cut_to, cut_from, 1.0);
                    html! {
                        <>
                            { seg(ux0, uy0, ux1, uy1, "wire lane") }
                            { cut_lane(l, cut_from, cut_to, true) }
                        </>
                    }
                }
            };
            let words = state_words(a, b, ab, ba);
            let hint = if state == "up" { " (click to cut)" } else { "" };
            let is_stop = (a, b) == stop;
            items.push(html! {
                <g key={name.clone()} class={classes!("link", (state != "up").then_some("is-cut"))}
                    data-link={name} data-cut={state} role="button" tabindex={tabindex(is_stop)}
                    aria-label={format!("link s{a}–s{b}: {words}")}>
                    <title>{ format!("link s{a}–s{b}: {words}{hint}") }</title>
                    <line class="hit" x1={f1(x0)} y1={f1(y0)} x2={f1(x1)} y2={f1(y1)} />
                    if is_stop {
                        // Hollows the hit line out into a dashed band on :focus-visible (CSS).
                        <line class="focus-gap" x1={f1(x0)} y1={f1(y0)} x2={f1(x1)} y2={f1(y1)} />
                    }
                    { body }
                </g>
            });
        }
    }
    let open = {
        let cb = p.on_link.clone();
        Callback::from(move |name: String| {
            if let Some(link) = parse_link(&name) {
                cb.emit(link);
            }
        })
    };
    let onkeydown = roving::keydown("data-link", names, open.clone());
    let onclick = Callback::from(move |e: MouseEvent| {
        if let Some((_, name)) = item_of(&e, "data-link") {
            e.stop_propagation();
            open.emit(name);
        }
    });
    let onfocusin = roving::focusin(
        "data-link",
        Callback::from(move |name: String| focused.set(parse_link(&name))),
    );
    html! { <g class="links" {onclick} {onkeydown} {onfocusin}>{ for items }</g> }
}
