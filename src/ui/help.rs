//! The help overlay (`?`): the keyboard shortcuts, and what the picture means.

use yew::prelude::*;

use super::keys::KEYMAP;

#[derive(Properties, PartialEq, Clone)]
pub struct HelpProps {
    pub open: bool,
    pub on_close: Callback<()>,
}

#[function_component(Help)]
pub fn help(p: &HelpProps) -> Html {
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with(p.open, move |open| {
            if *open {
                if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    if !p.open {
        return html! {};
    }
    // A row with nothing shown is the second half of the row above ("+ / −").
    let rows = KEYMAP.iter().filter(|k| !k.shown.is_empty()).map(|k| {
        html! { <tr><th scope="row"><kbd>{ k.shown }</kbd></th><td>{ k.what }</td></tr> }
    });
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay" onclick={close.clone()}>
            <div class="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <div class="panel-head">
                    <h2 id="help-title">{ "ZabScope: keys and pictures" }</h2>
                    <button ref={close_ref} class="close" aria-label="Close the help" onclick={close}>{ "×" }</button>
                </div>
                <div class="help-cols">
                    <table class="keys"><tbody>{ for rows }</tbody></table>
                    <div class="help-text">
                        <p>{ "Each card is a ZooKeeper server: its role (colour and icon: ♛ leader, F follower, O observer, ? looking, × down), its id, its currentEpoch (e2; /3 when acceptedEpoch is ahead) and the last zxid it processed. A LOOKING server shows its vote (sid, epoch, round, and @zxid)." }</p>
                        <p>{ "The ring around the icon counts down the timeout it will act on next; every packet from the leader refills a follower's ring (that is the heartbeat), and a leader's ring drains when too few followers answer." }</p>
                        <p>{ "Dots are messages in flight, coloured by kind, moving in virtual time. Click a server to crash, restart, wipe, isolate or write; click a link to cut or heal each direction. A cross shows a message lost on a cut link or at a dead server." }</p>
                        <p>{ "Without a mouse: Tab reaches the servers, then the links (each group is one stop); the arrow keys, Home and End move among them, Enter or space opens the menu, Esc closes it and puts the focus back. There the arrows move the focus: → steps only from elsewhere." }</p>
                        <p>{ "URL parameters: servers (1–15), observers (0–5), seed, speed, tick, latency, jitter, writes (steady writes per virtual second), variant (a deliberately broken protocol: commit-without-quorum, diff-instead-of-trunc, forget-accepted-epoch, ack-newleader-before-logging), embed=1, theme=dark|light." }</p>
                    </div>
                </div>
            </div>
        </div>
    }
}
