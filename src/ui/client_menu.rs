//! The popover of a client: crash its process, close its session, pause it (a GC pause longer
//! than its session timeout: the classic expiry), move it to another server (a new connect
//! string), or cut its link to its server (it moves on to the next server of its list) and
//! heal what is cut.

use yew::prelude::*;

use super::popover::{close_on_escape, place, use_popover_focus};
use crate::sim::Command;
use crate::view::clients::ClientView;

#[derive(Properties, PartialEq, Clone)]
pub struct ClientMenuProps {
    pub client: ClientView,
    /// How many servers there are (where it may move to).
    pub n: crate::sim::Sid,
    /// The client's centre in viewBox units, and its radius.
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// A command from this menu (the page closes the menu with it).
    pub on_command: Callback<Command>,
    pub on_close: Callback<()>,
}

/// How long `Pause` stops a client: past its session timeout, so the leader expires it.
pub fn pause_ms(c: &ClientView) -> u64 {
    c.expiry.map_or(10_000, |e| e.timeout) + 2_000
}

#[function_component(ClientMenu)]
pub fn client_menu(p: &ClientMenuProps) -> Html {
    let c = &p.client;
    let name = c.name.to_string();
    let (root, first) = (use_node_ref(), use_node_ref());
    use_popover_focus(
        name.clone(),
        root.clone(),
        first.clone(),
        Some(format!("[data-client=\"{name}\"]")),
    );
    let cmd = |command: Command| {
        let send = p.on_command.clone();
        Callback::from(move |_: MouseEvent| send.emit(command.clone()))
    };
    let live = matches!(c.state, "connecting" | "connected");
    let link = |sid, cut| Command::ClientLink {
        name: name.clone(),
        sid,
        cut,
    };
    let heals = c.cut.iter().map(|&sid| {
        html! { <button onclick={cmd(link(sid, false))}>{ format!("Heal link to s{sid}") }</button> }
    });
    let pause = pause_ms(c);
    // Where "Move" sends it: the next server after its own, changeable.
    let here = c.server.unwrap_or(0);
    let target = use_state(|| here % p.n.max(1) + 1);
    let to = if *target == here || *target > p.n {
        here % p.n.max(1) + 1
    } else {
        *target
    };
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            if let Ok(s) = super::client_box::value_of(&e).parse() {
                target.set(s);
            }
        })
    };
    let targets = (1..=p.n).filter(|s| *s != here).map(|s| {
        html! { <option value={s.to_string()} selected={s == to}>{ format!("s{s}") }</option> }
    });
    let move_cmd = Command::ClientMove {
        name: name.clone(),
        sid: to,
    };
    let onkeydown = close_on_escape(&p.on_close);
    html! {
        <div ref={root} class="popover client-menu" role="dialog" aria-label={format!("Client {name}")}
            style={place(p.x, p.y, p.r + 8.0)} {onkeydown}
            onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
            <div class="popover-head">
                <strong>{ name.clone() }</strong>
                <span class={classes!("mode-tag", c.state)}>{ c.state }</span>
                <button class="close" aria-label="Close" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
            </div>
            if live {
                <div class="actions">
                    <button ref={first.clone()} class="danger" onclick={cmd(Command::ClientCrash(name.clone()))}
                        title="The process dies: its session lives on until the leader expires it">{ "Crash" }</button>
                    <button onclick={cmd(Command::ClientClose(name.clone()))}
                        title="closeSession: its ephemerals go at once">{ "Close session" }</button>
                    <button onclick={cmd(Command::ClientPause { name: name.clone(), ms: pause })}
                        title="A GC pause longer than its session timeout">{ format!("Pause {} s", pause / 1000) }</button>
                    if let Some(sid) = c.server.filter(|s| !c.cut.contains(s)) {
                        <button class="danger" onclick={cmd(link(sid, true))}
                            title="It loses the connection and tries the next server of its list">{ format!("Cut link to s{sid}") }</button>
                    }
                    { for heals }
                </div>
                if p.n > 1 {
                    <div class="link-pick">
                        <label for="client-move-to">{ "Move to" }</label>
                        <select id="client-move-to" onchange={on_target}>{ for targets }</select>
                        <button onclick={cmd(move_cmd)}
                            title="A new connect string (updateServerList): it resumes its session there">{ "Move" }</button>
                    </div>
                }
            } else {
                <p class="popover-note">{ format!("{name} is {}: connect it again from the Clients tab.", c.state) }</p>
            }
        </div>
    }
}
