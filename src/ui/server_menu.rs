//! The popover of a server: crash / restart / wipe disk / isolate / write here, and a way to the
//! link menu of any of its links (so links are reachable from the keyboard too).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::popover::{close_on_escape, place, use_popover_focus};
use crate::sim::{Command, ServerView, Sid};

#[derive(Properties, PartialEq, Clone)]
pub struct ServerMenuProps {
    pub view: ServerView,
    pub n: Sid,
    /// The server's centre in viewBox units.
    pub x: f64,
    pub y: f64,
    pub card_h: f64,
    /// A fault, a repair or a write from this menu (the page closes the menu with it).
    pub on_command: Callback<Command>,
    /// Open the menu of the link to a peer.
    pub on_link: Callback<(Sid, Sid)>,
    pub on_close: Callback<()>,
}

#[function_component(ServerMenu)]
pub fn server_menu(p: &ServerMenuProps) -> Html {
    let v = &p.view;
    let sid = v.id;
    let (root, first) = (use_node_ref(), use_node_ref());
    use_popover_focus(
        sid,
        root.clone(),
        first.clone(),
        Some(format!("[data-server=\"{sid}\"]")),
    );
    let chosen = use_state(|| if sid == 1 { 2 } else { 1 });
    // The peer picked for the link menu (never the server itself, nor one that is gone).
    let peer_of = |c: Sid| {
        if c == sid || c > p.n {
            if sid == 1 {
                2
            } else {
                1
            }
        } else {
            c
        }
    };
    let peer = peer_of(*chosen);
    let cmd = |c: Command| {
        let send = p.on_command.clone();
        Callback::from(move |_: MouseEvent| send.emit(c.clone()))
    };
    let down = v.mode == crate::sim::view::Mode::Down;
    let write = {
        let send = p.on_command.clone();
        Callback::from(move |_: MouseEvent| {
            let t = js_sys::Date::now() as u64 % 100_000;
            send.emit(Command::Write {
                at: Some(sid),
                path: format!("/s{sid}"),
                data: format!("w{t}"),
            });
        })
    };
    let on_peer = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                if let Ok(v) = s.value().parse::<Sid>() {
                    chosen.set(v);
                }
            }
        })
    };
    let open_link = {
        let send = p.on_link.clone();
        Callback::from(move |_: MouseEvent| send.emit((sid, peer)))
    };
    let onkeydown = close_on_escape(&p.on_close);
    let peers = (1..=p.n).filter(|s| *s != sid).map(|s| {
        html! { <option value={s.to_string()} selected={s == peer}>{ format!("s{s}") }</option> }
    });
    html! {
        <div ref={root} class="popover server-menu" role="dialog" aria-label={format!("Server s{sid}")}
            style={place(p.x, p.y, p.card_h / 2.0 + 6.0)} {onkeydown}
            onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
            <div class="popover-head">
                <strong>{ format!("s{sid}") }</strong>
                <span class={classes!("mode-tag", v.mode.as_str())}>{ v.mode.as_str() }</span>
                <button class="close" aria-label="Close" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
            </div>
            <div class="actions">
                if down {
                    <button ref={first.clone()} onclick={cmd(Command::Restart(sid))} title="s (restart)">{ "Restart" }</button>
                } else {
                    <button ref={first.clone()} class="danger" onclick={cmd(Command::Crash(sid))} title="c (crash)">{ "Crash" }</button>
                }
                <button class="danger" onclick={cmd(Command::Wipe(sid))} title="x (wipe)">{ "Wipe disk" }</button>
                <button onclick={cmd(Command::Isolate(sid))} title="i (isolate)">{ "Isolate" }</button>
                <button onclick={write} disabled={down} title="w (write here)">{ "Write here" }</button>
            </div>
            if p.n > 1 {
                <div class="link-pick">
                    <label for="menu-peer">{ "Link to" }</label>
                    <select id="menu-peer" onchange={on_peer}>{ for peers }</select>
                    <button onclick={open_link}>{ "Cut / heal…" }</button>
                </div>
            }
        </div>
    }
}
