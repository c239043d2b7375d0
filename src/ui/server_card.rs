//! One server: its id, mode, epochs and last zxid.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct ServerCardProps {
    pub id: u32,
    /// "leader" | "follower" | "observer" | "looking" | "down"
    pub mode: &'static str,
    /// Zab phase: ELECTION, DISCOVERY, SYNCHRONIZATION, BROADCAST (or DOWN).
    pub phase: &'static str,
    /// currentEpoch
    pub epoch: u64,
    pub accepted_epoch: u64,
    /// The last zxid, formatted (`0x100000003`).
    pub zxid: AttrValue,
    /// The leader this server follows or leads under, if any.
    pub leader: Option<u32>,
}

#[function_component(ServerCard)]
pub fn server_card(p: &ServerCardProps) -> Html {
    let leader = match (p.mode, p.leader) {
        ("leader", _) => html! {},
        (_, Some(l)) => html! { <span class="leader-ref">{ format!("→ s{l}") }</span> },
        _ => html! {},
    };
    html! {
        <li class={classes!("server", p.mode)} data-server={p.id.to_string()} data-mode={p.mode}>
            <div class="server-head">
                <span class="sid">{ format!("s{}", p.id) }</span>
                <span class="mode">{ p.mode }</span>
                { leader }
            </div>
            <dl>
                <dt>{ "phase" }</dt>
                <dd class="phase">{ p.phase.to_lowercase() }</dd>
                <dt>{ "epoch" }</dt>
                <dd class="epoch" title="currentEpoch / acceptedEpoch">
                    { p.epoch }
                    if p.accepted_epoch != p.epoch {
                        <span class="accepted">{ format!(" (accepted {})", p.accepted_epoch) }</span>
                    }
                </dd>
                <dt>{ "zxid" }</dt>
                <dd class="zxid">{ p.zxid.clone() }</dd>
            </dl>
        </li>
    }
}
