//! The bottom drawer and its space-time diagram: one lane per server (then per client), an
//! arrow per message, marks on the lanes, epoch bands and the playhead, all computed by
//! view/spacetime.rs; this only draws it and turns pointer, wheel and keys into
//! `DiagramAction`s. Clicks and hovers are delegated to the SVG (one listener, not one per
//! arrow). A plain wheel scrolls the page (an embed never hijacks its host's scrolling);
//! Ctrl/⌘ + wheel zooms around the pointer, Shift + wheel pans.

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::fmt::f1;
use crate::sim::Millis;
use crate::view::action::{DiagramAction, Dir, JumpTo, TimeAction};
use crate::view::spacetime::{ArrowView, DiagramView, MarkView, AXIS, GUTTER};
use crate::view::tiles::Tile;

#[derive(Properties, PartialEq)]
pub struct DrawerProps {
    pub open: bool,
    pub view: Option<Rc<DiagramView>>,
    pub on: Callback<DiagramAction>,
    pub on_time: Callback<TimeAction>,
}

/// The virtual time under client x `cx` of an element whose box starts at `left`.
fn time_at(v: &DiagramView, cx: f64, left: f64) -> Millis {
    let plot = (v.width - GUTTER - 6.0).max(1.0);
    let frac = ((cx - left - GUTTER) / plot).clamp(0.0, 1.0);
    v.from + (frac * (v.to - v.from) as f64) as Millis
}

/// The `data-` attribute `name` of the element under an event, or of its parent.
fn data_of(e: &Event, name: &str) -> Option<String> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.get_attribute(name)
        .or_else(|| el.parent_element()?.get_attribute(name))
}

/// A listener that sends the action `f` makes of an event, when it makes one.
fn some<E: 'static>(
    on: &Callback<DiagramAction>,
    f: impl Fn(E) -> Option<DiagramAction> + 'static,
) -> Callback<E> {
    let on = on.clone();
    Callback::from(move |e| {
        if let Some(a) = f(e) {
            on.emit(a);
        }
    })
}

/// Measures the diagram's width and tells the page when it changes.
#[hook]
fn use_width(node: NodeRef, on: Callback<DiagramAction>) {
    use_effect_with(node, move |node| {
        let last = Rc::new(std::cell::Cell::new(0));
        let measure = {
            let node = node.clone();
            move || {
                if let Some(el) = node.cast::<web_sys::Element>() {
                    let w = el.client_width();
                    if w > 0 && w != last.get() {
                        last.set(w);
                        on.emit(DiagramAction::Width(w as f64));
                    }
                }
            }
        };
        measure();
        let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
        let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok();
        if let (Some(o), Some(el)) = (&observer, node.cast::<web_sys::Element>()) {
            o.observe(&el);
        }
        move || {
            if let Some(o) = observer {
                o.disconnect();
            }
            drop(closure);
        }
    });
}

/// Ctrl/⌘ + wheel zooms, Shift + wheel pans: a listener that may prevent the default (Yew's
/// own wheel listeners are passive). A plain wheel is left to the page.
#[hook]
fn use_wheel(node: NodeRef, view: Option<Rc<DiagramView>>, on: Callback<DiagramAction>) {
    // The listener lives across renders; it reads the latest view through this cell.
    let current = use_mut_ref(|| None);
    *current.borrow_mut() = view;
    let view = current;
    use_effect_with(node, move |node| {
        let listener = node.cast::<web_sys::Element>().map(|el| {
            let target = el.clone();
            let opts = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&target, "wheel", opts, move |e| {
                let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() else {
                    return;
                };
                let Some(v) = view.borrow().clone() else {
                    return;
                };
                if w.ctrl_key() || w.meta_key() {
                    w.prevent_default();
                    let left = el.get_bounding_client_rect().left();
                    let at = time_at(&v, w.client_x() as f64, left);
                    let factor = (-w.delta_y() * 0.002).exp();
                    on.emit(DiagramAction::Zoom(factor, Some(at)));
                } else if w.shift_key() {
                    w.prevent_default();
                    let delta = if w.delta_x() != 0.0 {
                        w.delta_x()
                    } else {
                        w.delta_y()
                    };
                    let ms = delta / v.width.max(1.0) * (v.to - v.from) as f64;
                    on.emit(DiagramAction::Pan(ms as i64));
                }
            })
        });
        move || drop(listener)
    });
}

#[function_component(Drawer)]
pub fn drawer(p: &DrawerProps) -> Html {
    if !p.open {
        return html! {};
    }
    let close = p.on.reform(|_| DiagramAction::Open(false));
    html! {
        <section id="diagram-drawer" class="drawer" aria-label="Space-time diagram">
            <div class="drawer-bar">
                <h2>{ "Space-time diagram" }</h2>
                { jumps(&p.on_time) }
                if let Some(v) = &p.view {
                    { tools(v, &p.on) }
                }
                <button class="drawer-close" onclick={close} aria-label="Close the space-time diagram">{ "×" }</button>
            </div>
            if let Some(v) = &p.view {
                <Diagram view={v.clone()} on={p.on.clone()} />
            }
        </section>
    }
}

/// Back and forward one happening, and to the previous / next moment of each kind.
fn jumps(on_time: &Callback<TimeAction>) -> Html {
    let step = |dir| on_time.reform(move |_| TimeAction::Step(dir));
    let jump = |what: JumpTo| {
        let back = on_time.reform(move |_| TimeAction::Jump(what, Dir::Back));
        let fwd = on_time.reform(move |_| TimeAction::Jump(what, Dir::Forward));
        html! {
            <span class="jump">
                <button onclick={back} aria-label={format!("Previous {}", what.label())}>{ "◂" }</button>
                <span aria-hidden="true">{ what.label() }</span>
                <button onclick={fwd} aria-label={format!("Next {}", what.label())}>{ "▸" }</button>
            </span>
        }
    };
    html! {
        <span class="jumps" role="group" aria-label="Move through the run">
            <span class="jump">
                <button onclick={step(Dir::Back)} aria-label="Previous event">{ "◂" }</button>
                <span aria-hidden="true">{ "event" }</span>
                <button onclick={step(Dir::Forward)} aria-label="Next event">{ "▸" }</button>
            </span>
            { for JumpTo::ALL.iter().map(|w| jump(*w)) }
        </span>
    }
}

/// Zoom, follow, and the message kinds shown.
fn tools(v: &DiagramView, on: &Callback<DiagramAction>) -> Html {
    let zoom = |f: f64| on.reform(move |_| DiagramAction::Zoom(f, None));
    let follow = on.reform(|_| DiagramAction::Follow);
    let kinds = v.kinds.iter().map(|(kind, shown)| {
        let kind: &'static str = kind;
        let toggle = on.reform(move |_| DiagramAction::Filter(kind));
        html! {
            <label class={classes!("kind", kind)}>
                <input type="checkbox" checked={*shown} onchange={toggle} />
                <span class="swatch" aria-hidden="true" />{ kind }
            </label>
        }
    });
    html! {
        <span class="diagram-tools">
            <button onclick={zoom(1.0 / 1.5)} aria-label="Zoom out" title="Zoom out (−, or Ctrl + wheel)">{ "−" }</button>
            <button onclick={zoom(1.5)} aria-label="Zoom in" title="Zoom in (+, or Ctrl + wheel)">{ "+" }</button>
            <button class="follow" onclick={follow} aria-pressed={v.following.to_string()} aria-label="Follow the playhead"
                title="Keep the playhead in view">{ "Follow" }</button>
            <details class="kinds">
                <summary>{ "Messages shown" }</summary>
                <div class="kind-list">{ for kinds }</div>
            </details>
            <span class="count" aria-hidden="true">
                { count(v) }
            </span>
        </span>
    }
}

/// "8,283 in view, 412 not drawn": what the window holds and what it left out.
fn count(v: &DiagramView) -> String {
    let mut s = format!("{} in view", v.in_range);
    if v.cut_short > 0 {
        s.push_str(&format!(", {} not drawn", v.cut_short));
    }
    s
}

#[derive(Properties, PartialEq)]
struct DiagramProps {
    view: Rc<DiagramView>,
    on: Callback<DiagramAction>,
    /// In the comparison: the side's protocol and, while paused, its state hash.
    #[prop_or_default]
    protocol: Option<AttrValue>,
    #[prop_or_default]
    hash: Option<AttrValue>,
    /// The element's id (the comparison draws two).
    #[prop_or(AttrValue::Static("diagram"))]
    id: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct CompareDrawerProps {
    pub open: bool,
    /// Zab's diagram and Multi-Paxos's, under one window and one playhead.
    pub views: Option<[Rc<DiagramView>; 2]>,
    /// Each side's state hash, while paused.
    pub hashes: Option<(AttrValue, AttrValue)>,
    pub on: Callback<DiagramAction>,
}

/// The comparison's drawer: one diagram per ensemble, one set of controls.
#[function_component(CompareDrawer)]
pub fn compare_drawer(p: &CompareDrawerProps) -> Html {
    let (true, Some(views)) = (p.open, &p.views) else {
        return html! {};
    };
    let close = p.on.reform(|_| DiagramAction::Open(false));
    let side = |i: usize, protocol: &'static str, title: &'static str| {
        let hash = p
            .hashes
            .as_ref()
            .map(|h| if i == 0 { h.0.clone() } else { h.1.clone() });
        html! {
            <div class="compare-diagram">
                <h3>{ title }</h3>
                <Diagram view={views[i].clone()} on={p.on.clone()}
                    protocol={Some(AttrValue::Static(protocol))} {hash}
                    id={AttrValue::from(format!("diagram-{protocol}"))} />
            </div>
        }
    };
    html! {
        <section id="diagram-drawer" class="drawer" aria-label="Space-time diagrams">
            <div class="drawer-bar">
                <h2>{ "Space-time diagrams" }</h2>
                { tools(&views[0], &p.on) }
                <button class="drawer-close" onclick={close} aria-label="Close the space-time diagrams">{ "×" }</button>
            </div>
            { side(0, "zab", "Zab") }
            { side(1, "paxos", "Multi-Paxos") }
        </section>
    }
}

#[function_component(Diagram)]
fn diagram(p: &DiagramProps) -> Html {
    let node = use_node_ref();
    use_width(node.clone(), p.on.clone());
    use_wheel(node.clone(), Some(p.view.clone()), p.on.clone());
    let v = &*p.view;
    let onkeydown = some(&p.on, |e: KeyboardEvent| {
        let pan = |sign: i64| DiagramAction::Pan(sign * 400);
        let a = match (e.key().as_str(), e.shift_key()) {
            ("ArrowRight", false) => DiagramAction::Walk(Dir::Forward),
            ("ArrowLeft", false) => DiagramAction::Walk(Dir::Back),
            ("ArrowRight", true) => pan(1),
            ("ArrowLeft", true) => pan(-1),
            ("Enter", _) => DiagramAction::Enter,
            ("+" | "=", _) => DiagramAction::Zoom(1.5, None),
            ("-" | "_", _) => DiagramAction::Zoom(1.0 / 1.5, None),
            ("f", _) => DiagramAction::Follow,
            _ => return None,
        };
        // Arrows would scroll, and the page's own shortcuts must not act on these keys.
        e.prevent_default();
        e.stop_propagation();
        Some(a)
    });
    let onclick = some(&p.on, |e: MouseEvent| {
        let at = data_of(&e, "data-jump")?.parse().ok()?;
        let id = data_of(&e, "data-msg-id").and_then(|s| s.parse().ok());
        Some(DiagramAction::Go(at, id))
    });
    let onmouseover = {
        let hover = v.hover;
        some(&p.on, move |e: MouseEvent| {
            let id = data_of(&e, "data-msg-id").and_then(|s| s.parse().ok());
            (id != hover && id.is_some()).then_some(DiagramAction::Hover(id))
        })
    };
    let onmouseleave = p.on.reform(|_| DiagramAction::Hover(None));
    let (w, h) = (v.width, v.height);
    let lanes_bottom = h - AXIS;
    let clip = format!("{}-clip", p.id);
    html! {
        <div id={p.id.clone()} class="diagram" data-timeline="" ref={node} tabindex="0" role="group"
            data-protocol={p.protocol.clone()} data-state-hash={p.hash.clone()}
            aria-roledescription="space-time diagram"
            aria-label="Space-time diagram: Left and Right move from event to event, Enter goes there, + and − zoom, Shift + arrows pan"
            {onkeydown}>
            <svg width={f1(w)} height={f1(h)} viewBox={format!("0 0 {} {}", f1(w), f1(h))}
                {onclick} {onmouseover} {onmouseleave} aria-hidden="true">
                <g class="bands">
                    { for v.bands.iter().map(|b| html! {
                        <g class={classes!("band", b.odd.then_some("odd"))}>
                            <rect x={f1(b.x0)} y="0" width={f1((b.x1 - b.x0).max(0.0))} height={f1(lanes_bottom)} />
                            if b.x1 - b.x0 > 50.0 {
                                <text x={f1(b.x0 + 3.0)} y={f1(lanes_bottom - 3.0)}>{ format!("epoch {}", b.epoch) }</text>
                            }
                        </g>
                    }) }
                </g>
                <g class="lanes">
                    { for v.lanes.iter().map(|l| html! {
                        <g data-lane={l.key.to_string()}>
                            <line x1={f1(GUTTER)} x2={f1(w - 6.0)} y1={f1(l.y)} y2={f1(l.y)} />
                            <text x="4" y={f1(l.y + 4.0)}>{ l.name.to_string() }</text>
                        </g>
                    }) }
                </g>
                <g class="axis">
                    { for v.ticks.iter().map(|(x, t)| html! {
                        <g>
                            <line x1={f1(*x)} x2={f1(*x)} y1="0" y2={f1(lanes_bottom)} />
                            <text x={f1(*x)} y={f1(h - 5.0)} text-anchor="middle">{ t.to_string() }</text>
                        </g>
                    }) }
                </g>
                <defs>
                    <clipPath id={clip.clone()}>
                        <rect x={f1(GUTTER)} y="0" width={f1((w - GUTTER - 6.0).max(0.0))} height={f1(h)} />
                    </clipPath>
                </defs>
                <g class="arrows" clip-path={format!("url(#{clip})")}>
                    { for v.tiles.iter().map(|(x, t)| html! {
                        <g key={t.0.index} transform={format!("translate({})", f1(*x))}>
                            <TileArrows tile={t.clone()} />
                        </g>
                    }) }
                </g>
                <g class="marks">
                    { for v.tiles.iter().filter(|(_, t)| !t.0.marks.is_empty()).map(|(x, t)| html! {
                        <g key={t.0.index} transform={format!("translate({})", f1(*x))}>
                            <TileMarks tile={t.clone()} lane_h={v.lane_h} bottom={lanes_bottom} />
                        </g>
                    }) }
                </g>
                <line class="playhead" x1={f1(v.playhead)} x2={f1(v.playhead)} y1="0" y2={f1(lanes_bottom)} />
            </svg>
            <p class="sr" aria-live="polite">{ v.said.as_deref().unwrap_or("") }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TileProps {
    /// Equal only to itself: a kept tile is not drawn again.
    tile: Tile,
}

#[function_component(TileArrows)]
fn tile_arrows(p: &TileProps) -> Html {
    p.tile.0.arrows.iter().map(arrow).collect()
}

#[derive(Properties, PartialEq)]
struct TileMarksProps {
    tile: Tile,
    lane_h: f64,
    bottom: f64,
}

#[function_component(TileMarks)]
fn tile_marks(p: &TileMarksProps) -> Html {
    (p.tile.0.marks.iter())
        .map(|m| mark(m, p.lane_h, p.bottom))
        .collect()
}

fn arrow(a: &ArrowView) -> Html {
    let mut d = String::with_capacity(48);
    d.push('M');
    super::fmt::push_1(&mut d, a.x0);
    d.push(' ');
    super::fmt::push_1(&mut d, a.y0);
    d.push('L');
    super::fmt::push_1(&mut d, a.x1);
    d.push(' ');
    super::fmt::push_1(&mut d, a.y1);
    let class = classes!(
        "arrow",
        a.kind,
        a.lost.then_some("lost"),
        a.open.then_some("open"),
        a.future.then_some("future"),
        a.hot.then_some("hot"),
        a.focused.then_some("focused"),
    );
    let end = if a.lost {
        let (x, y) = (a.x1, a.y1);
        html! { <path class="burst" d={format!("M{} {}l6 6m0-6l-6 6", f1(x - 3.0), f1(y - 3.0))} /> }
    } else if a.open {
        html! {}
    } else {
        html! { <circle class="head" cx={f1(a.x1)} cy={f1(a.y1)} r="1.8" /> }
    };
    html! {
        <g key={a.id} class={class} data-msg-id={a.id.to_string()} data-jump={a.jump.to_string()}>
            <path d={d} />
            { end }
            if let Some(l) = &a.label {
                <text x={f1((a.x0 + a.x1) / 2.0)} y={f1((a.y0 + a.y1) / 2.0 - 3.0)} text-anchor="middle">{ l.to_string() }</text>
            }
            if let Some(words) = &a.words {
                <title>{ words.to_string() }</title>
            }
        </g>
    }
}

fn mark(m: &MarkView, lane_h: f64, bottom: f64) -> Html {
    let class = classes!(
        "mark",
        m.kind.as_str(),
        m.future.then_some("future"),
        m.focused.then_some("focused")
    );
    let shape = match m.y {
        Some(y) => html! {
            <rect x={f1(m.x - 3.5)} y={f1(y - 3.5)} width="7" height="7" rx="1.5" />
        },
        None => html! { <line x1={f1(m.x)} x2={f1(m.x)} y1="0" y2={f1(bottom)} /> },
    };
    let word_y = m.y.map_or(9.0, |y| y - lane_h * 0.32);
    html! {
        <g class={class} data-jump={m.at.to_string()}>
            { shape }
            if m.show_word {
                <text x={f1(m.x + 5.0)} y={f1(word_y)}>{ m.short.to_string() }</text>
            }
            <title>{ m.text.to_string() }</title>
        </g>
    }
}
