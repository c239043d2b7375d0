//! The legend: roles, message kinds (by protocol stage), links.

use yew::prelude::*;

const KINDS: &[(&str, &[(&str, &str)])] = &[
    ("Election", &[("NOTIFICATION", "vote")]),
    (
        "Discovery",
        &[
            ("FOLLOWERINFO", "FOLLOWERINFO / OBSERVERINFO"),
            ("LEADERINFO", "LEADERINFO"),
            ("ACKEPOCH", "ACKEPOCH"),
        ],
    ),
    (
        "Sync",
        &[
            ("DIFF", "DIFF"),
            ("TRUNC", "TRUNC"),
            ("SNAP", "SNAP"),
            ("NEWLEADER", "NEWLEADER"),
            ("UPTODATE", "UPTODATE"),
        ],
    ),
    (
        "Broadcast",
        &[
            ("REQUEST", "REQUEST"),
            ("PROPOSAL", "PROPOSAL"),
            ("ACK", "ACK"),
            ("COMMIT", "COMMIT"),
            ("INFORM", "INFORM"),
            ("PING", "PING"),
        ],
    ),
];

const PAXOS_KINDS: &[(&str, &[(&str, &str)])] = &[
    (
        "Phase 1",
        &[
            ("PREPARE", "PREPARE (1a)"),
            ("PROMISE", "PROMISE (1b)"),
            ("NACK", "NACK"),
        ],
    ),
    (
        "Phase 2",
        &[
            ("ACCEPT", "ACCEPT (2a)"),
            ("ACCEPTED", "ACCEPTED (2b)"),
            ("CHOSEN", "CHOSEN"),
        ],
    ),
    (
        "Leader",
        &[
            ("HEARTBEAT", "HEARTBEAT / _ACK"),
            ("FORWARD", "FORWARD"),
            ("LEARN?", "LEARN?"),
        ],
    ),
];

#[derive(Properties, PartialEq, Clone)]
pub struct LegendProps {
    /// The message kinds of the Paxos modes instead of Zab's.
    #[prop_or_default]
    pub paxos: bool,
}

#[function_component(Legend)]
pub fn legend(p: &LegendProps) -> Html {
    let kinds = if p.paxos { PAXOS_KINDS } else { KINDS };
    let groups = kinds.iter().map(|(group, kinds)| {
        html! {
            <div class="legend-group">
                <span class="legend-title">{ *group }</span>
                { for kinds.iter().map(|(k, label)| html! {
                    <span class="legend-item">
                        <svg viewBox="-8 -8 16 16" width="12" height="12" aria-hidden="true">
                            <g class={classes!("msg", *k)}><circle r="7" /></g>
                        </svg>
                        { *label }
                    </span>
                }) }
            </div>
        }
    });
    let roles = [
        ("leader", "♛ leader"),
        ("follower", "F follower"),
        ("observer", if p.paxos { "O learner" } else { "O observer" }),
        (
            "looking",
            if p.paxos {
                "? proposing / no leader"
            } else {
                "? looking"
            },
        ),
        ("down", "× down"),
    ];
    html! {
        <section class="legend" aria-label={if p.paxos { "Paxos legend" } else { "Legend" }}>
            <div class="legend-group">
                <span class="legend-title">{ "Roles" }</span>
                { for roles.iter().map(|(m, label)| html! {
                    <span class={classes!("legend-item", "role", *m)}><span class="swatch" aria-hidden="true" />{ *label }</span>
                }) }
            </div>
            { for groups }
            <div class="legend-group">
                <span class="legend-title">{ "Nodes" }</span>
                if p.paxos {
                    <span class="legend-item">{ "p(round,sid): the highest ballot promised · N ✓: slots learned as chosen" }</span>
                } else {
                    <span class="legend-item">{ "e1: currentEpoch (e1/2: acceptedEpoch 2 not yet current)" }</span>
                    <span class="legend-item">{ "1:3: last processed zxid, epoch:counter in hex (srvr's 0x100000003)" }</span>
                }
                <span class="legend-item">{ "outer arc: the timeout that fires next" }</span>
            </div>
            <div class="legend-group">
                <span class="legend-title">{ "Links" }</span>
                <span class="legend-item"><svg viewBox="0 0 24 8" width="24" height="8" aria-hidden="true"><line class="wire" x1="0" y1="4" x2="24" y2="4" /></svg>{ "up" }</span>
                <span class="legend-item"><svg viewBox="0 0 24 8" width="24" height="8" aria-hidden="true"><line class="wire cut" x1="0" y1="4" x2="9" y2="4" /><line class="wire cut" x1="15" y1="4" x2="24" y2="4" /></svg>{ "cut (arrow: the one direction cut)" }</span>
                <span class="legend-item"><svg viewBox="-8 -8 16 16" width="12" height="12" aria-hidden="true"><path class="lost-x" d="M-6,-6L6,6M6,-6L-6,6" /></svg>{ "message lost" }</span>
            </div>
        </section>
    }
}
