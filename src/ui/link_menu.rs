//! The popover of a link: cut or heal each direction, or both.

use yew::prelude::*;

use super::popover::{close_on_escape, place, use_popover_focus};
use crate::sim::{Command, Sid};

#[derive(Properties, PartialEq, Clone)]
pub struct LinkMenuProps {
    /// a < b
    pub a: Sid,
    pub b: Sid,
    /// The link's midpoint in viewBox units.
    pub x: f64,
    pub y: f64,
    pub cut_ab: bool,
    pub cut_ba: bool,
    pub on_command: Callback<Command>,
    pub on_close: Callback<()>,
}

#[function_component(LinkMenu)]
pub fn link_menu(p: &LinkMenuProps) -> Html {
    let (a, b) = (p.a, p.b);
    let (root, first) = (use_node_ref(), use_node_ref());
    use_popover_focus(
        (a, b),
        root.clone(),
        first.clone(),
        Some(format!("[data-link=\"{a}-{b}\"]")),
    );
    let cmd = |c: Command| {
        let send = p.on_command.clone();
        Callback::from(move |_: MouseEvent| send.emit(c.clone()))
    };
    let dir = |from: Sid, to: Sid, cut: bool, node: Option<NodeRef>| {
        let (label, c) = if cut {
            (
                format!("Heal s{from}→s{to}"),
                Command::Heal {
                    from,
                    to,
                    both: false,
                },
            )
        } else {
            (
                format!("Cut s{from}→s{to}"),
                Command::Cut {
                    from,
                    to,
                    both: false,
                },
            )
        };
        html! {
            <button ref={node.unwrap_or_default()} class={classes!((!cut).then_some("danger"))} onclick={cmd(c)}>{ label }</button>
        }
    };
    let onkeydown = close_on_escape(&p.on_close);
    let state = match (p.cut_ab, p.cut_ba) {
        (false, false) => "up both ways".to_string(),
        (true, true) => "cut both ways".to_string(),
        (true, false) => format!("s{a}→s{b} cut, s{b}→s{a} up"),
        (false, true) => format!("s{b}→s{a} cut, s{a}→s{b} up"),
    };
    html! {
        <div ref={root} class="popover link-menu" role="dialog" aria-label={format!("Link s{a}–s{b}")}
            style={place(p.x, p.y, 14.0)} {onkeydown}
            onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
            <div class="popover-head">
                <strong>{ format!("s{a} – s{b}") }</strong>
                <span class="link-state">{ state }</span>
                <button class="close" aria-label="Close" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
            </div>
            <div class="actions">
                { dir(a, b, p.cut_ab, Some(first.clone())) }
                { dir(b, a, p.cut_ba, None) }
                if p.cut_ab || p.cut_ba {
                    <button onclick={cmd(Command::Heal { from: a, to: b, both: true })}>{ "Heal both" }</button>
                }
                if !(p.cut_ab && p.cut_ba) {
                    <button class="danger" onclick={cmd(Command::Cut { from: a, to: b, both: true })}>{ "Cut both" }</button>
                }
            </div>
        </div>
    }
}
