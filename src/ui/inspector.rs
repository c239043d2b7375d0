//! The inspector of the selected server: what is on its disk (txn log with committed vs proposed
//! entries, epochs, snapshot) apart from what a crash loses (role, Zab phase, round and votes
//! received, a leader's learners and outstanding proposals, a learner's stage).

use std::rc::Rc;

use yew::prelude::*;

use super::app::Msg;
use crate::sim::paxos::{Ballot, Slot};
use crate::sim::world::{Protocol, World};
use crate::sim::zab::leader::HandlerStage;
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::{Role, Vote};
use crate::sim::{Epoch, Millis, Sid, Zxid};

/// Log entries shown (the newest).
const LOG_ROWS: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub zxid: Zxid,
    pub op: String,
    /// `None` when the server is down: what it knew was committed went with its memory.
    pub committed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VoteRow {
    pub from: Sid,
    pub vote: Vote,
    pub round: u64,
    pub state: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LearnerRow {
    pub sid: Sid,
    pub observer: bool,
    pub stage: &'static str,
    pub last_zxid: Zxid,
    /// Ticks until the leader gives up on it.
    pub ticks_left: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RoleData {
    Down,
    Looking {
        proposal: Vote,
        finalizing: bool,
        wait_ms: Millis,
        received: Vec<VoteRow>,
        settled: Vec<VoteRow>,
    },
    Leading {
        phase: &'static str,
        new_epoch: Option<Epoch>,
        tick: u64,
        learners: Vec<LearnerRow>,
        outstanding: Vec<(Zxid, Vec<Sid>)>,
        quorum: usize,
        last_committed: Zxid,
    },
    Learning {
        leader: Sid,
        observer: bool,
        stage: &'static str,
        new_epoch: Epoch,
        heard_ago: Millis,
        sync: Option<&'static str>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct InspectorData {
    pub sid: Sid,
    pub observer: bool,
    pub mode: &'static str,
    pub phase: &'static str,
    // Durable.
    pub accepted_epoch: Epoch,
    pub current_epoch: Epoch,
    pub snapshot: Zxid,
    pub log_len: usize,
    pub log: Vec<LogRow>,
    // Volatile.
    pub round: u64,
    pub last_processed: Zxid,
    pub committed: Zxid,
    pub znodes: usize,
    pub sessions: usize,
    pub role: RoleData,
    /// Set for a server of a Paxos ensemble (then the Zab fields above are empty).
    pub paxos: Option<PaxosData>,
}

/// What the inspector shows of a Paxos server.
#[derive(Clone, Debug, PartialEq)]
pub struct PaxosData {
    pub single: bool,
    // Durable.
    pub promised: Ballot,
    /// (slot, ballot, value, chosen as far as this server learned), newest first.
    pub accepted: Vec<(Slot, Ballot, String, bool)>,
    pub accepted_len: usize,
    // Volatile.
    pub chosen: Vec<(Slot, String)>,
    pub chosen_len: usize,
    pub leader: Option<Sid>,
    pub max_seen: Ballot,
    pub heard_ago: Option<Millis>,
    pub pending: usize,
    pub proposer: Option<ProposerData>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProposerData {
    pub ballot: Ballot,
    pub from_slot: Slot,
    pub promises: Vec<Sid>,
    pub leading: bool,
    pub next_slot: Slot,
    /// Open phase-2 proposals: slot, value, ACCEPTED from.
    pub proposals: Vec<(Slot, String, Vec<Sid>)>,
    pub quorum: usize,
}

/// Reads what the inspector shows of Paxos server `sid`.
fn inspect_paxos(
    world: &World,
    sid: Sid,
    mode: &'static str,
    phase: &'static str,
) -> InspectorData {
    let cfg = world.ensemble();
    let up = world.paxos_server(sid);
    let disk = world.paxos_disk(sid);
    let chosen_map = up.map(|s| &s.chosen);
    let accepted_len = disk.map_or(0, |d| d.accepted.len());
    let accepted = disk
        .map(|d| {
            d.accepted
                .iter()
                .rev()
                .take(LOG_ROWS)
                .map(|(slot, (b, v))| {
                    (
                        *slot,
                        *b,
                        v.to_string(),
                        chosen_map.is_some_and(|c| c.contains_key(slot)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let paxos = PaxosData {
        single: world.protocol() == Protocol::PaxosSingle,
        promised: disk.map_or(Ballot::ZERO, |d| d.promised),
        accepted,
        accepted_len,
        chosen: up.map_or(Vec::new(), |s| {
            s.chosen
                .iter()
                .rev()
                .take(LOG_ROWS)
                .map(|(k, v)| (*k, v.to_string()))
                .collect()
        }),
        chosen_len: up.map_or(0, |s| s.chosen.len()),
        leader: up.and_then(|s| s.leader),
        max_seen: up.map_or(Ballot::ZERO, |s| s.max_seen),
        heard_ago: up
            .filter(|s| s.leader.is_some())
            .map(|s| world.now().saturating_sub(s.last_heard)),
        pending: up.map_or(0, |s| s.pending.len()),
        proposer: up.and_then(|s| s.proposer.as_ref()).map(|pr| ProposerData {
            ballot: pr.ballot,
            from_slot: pr.from_slot,
            promises: pr.promises.keys().copied().collect(),
            leading: pr.leading,
            next_slot: pr.next_slot,
            proposals: pr
                .proposals
                .iter()
                .map(|(k, (v, acks))| (*k, v.to_string(), acks.iter().copied().collect()))
                .collect(),
            quorum: cfg.quorum(),
        }),
    };
    InspectorData {
        sid,
        observer: cfg.is_observer(sid),
        mode,
        phase,
        accepted_epoch: 0,
        current_epoch: 0,
        snapshot: Zxid::ZERO,
        log_len: 0,
        log: Vec::new(),
        round: 0,
        last_processed: Zxid::ZERO,
        committed: Zxid::ZERO,
        znodes: 0,
        sessions: 0,
        role: RoleData::Down,
        paxos: Some(paxos),
    }
}

fn paxos_html(d: &InspectorData, x: &PaxosData) -> Html {
    let accepted_rows = x.accepted.iter().map(|(slot, b, v, chosen)| {
        html! {
            <tr key={*slot} class={if *chosen { "committed" } else { "proposed" }}>
                <td class="mono">{ format!("#{slot}") }</td>
                <td class="mono">{ b.to_string() }</td>
                <td class="op">{ v.clone() }</td>
                <td>{ if *chosen { "chosen ✓" } else if d.mode == "down" { "accepted" } else { "accepted, not learned" } }</td>
            </tr>
        }
    });
    let older = x.accepted_len.saturating_sub(x.accepted.len());
    let proposer = match &x.proposer {
        None => html! { <p class="muted">{ "not proposing" }</p> },
        Some(pr) => html! {
            <>
                <dl class="kv">
                    <dt>{ "ballot" }</dt><dd class="mono">{ pr.ballot.to_string() }</dd>
                    <dt>{ "phase" }</dt><dd>{ if pr.leading { "2: a quorum promised, proposing values".to_string() } else { format!("1: PREPARE for slots ≥ {}, {} of {} promises", pr.from_slot, pr.promises.len(), pr.quorum) } }</dd>
                    <dt>{ "promises from" }</dt><dd>{ if pr.promises.is_empty() { "none yet".to_string() } else { sids(&pr.promises) } }</dd>
                    <dt>{ "next slot" }</dt><dd class="mono">{ format!("#{}", pr.next_slot) }</dd>
                </dl>
                <h4>{ format!("Open proposals ({})", pr.proposals.len()) }</h4>
                if pr.proposals.is_empty() {
                    <p class="muted">{ "none: everything proposed is chosen" }</p>
                } else {
                    <ul class="outstanding">
                        { for pr.proposals.iter().map(|(slot, v, acks)| html! {
                            <li key={*slot}>
                                <span class="mono">{ format!("#{slot} = {v}") }</span>
                                { format!(" — ACCEPTED {} of {} needed: {}", acks.len(), pr.quorum, sids(acks)) }
                            </li>
                        }) }
                    </ul>
                }
            </>
        },
    };
    html! {
        <>
            <div class="durable">
                <h3>{ "Durable — on disk, survives a crash" }</h3>
                <dl class="kv">
                    <dt>{ "promised ballot" }</dt><dd class="mono promised">{ x.promised.to_string() }</dd>
                </dl>
                <h4>{ format!("Accepted per slot ({}{})", x.accepted_len, if older > 0 { format!(", newest {}", x.accepted.len()) } else { String::new() }) }</h4>
                if x.accepted.is_empty() {
                    <p class="muted">{ "nothing accepted" }</p>
                } else {
                    <table class="log">
                        <thead><tr><th>{ "slot" }</th><th>{ "ballot" }</th><th>{ "value" }</th><th>{ "status" }</th></tr></thead>
                        <tbody>{ for accepted_rows }</tbody>
                    </table>
                }
            </div>
            <div class="volatile">
                <h3>{ "Volatile — in memory, lost on a crash" }</h3>
                if d.mode == "down" {
                    <p class="lost-note">{ "Down: what it learned, whom it follows and its proposer state are gone. It restarts with its promise and accepted values from disk." }</p>
                } else {
                    <dl class="kv">
                        <dt>{ "follows" }</dt><dd>{ x.leader.map_or(if x.single { "nobody (no leader in single-decree Paxos)".to_string() } else { "no leader known".to_string() }, |l| format!("s{l}")) }</dd>
                        if let Some(ago) = x.heard_ago {
                            <dt>{ "last heard" }</dt><dd>{ format!("{ago} ms ago") }</dd>
                        }
                        <dt>{ "highest ballot seen" }</dt><dd class="mono">{ x.max_seen.to_string() }</dd>
                        <dt>{ "queued commands" }</dt><dd>{ x.pending }</dd>
                    </dl>
                    <h4>{ format!("Learned (chosen) slots ({})", x.chosen_len) }</h4>
                    if x.chosen.is_empty() {
                        <p class="muted">{ "none yet" }</p>
                    } else {
                        <ul class="chosen-list">
                            { for x.chosen.iter().map(|(slot, v)| html! {
                                <li key={*slot} class="mono">{ format!("#{slot} = {v} ✓") }</li>
                            }) }
                        </ul>
                    }
                    <h4>{ "Proposer" }</h4>
                    { proposer }
                }
            </div>
        </>
    }
}

fn handler_stage(s: HandlerStage) -> &'static str {
    match s {
        HandlerStage::Connected => "connected",
        HandlerStage::EpochSent => "LEADERINFO sent",
        HandlerStage::EpochAcked => "ACKEPOCH in",
        HandlerStage::Syncing => "syncing",
        HandlerStage::NewLeaderAcked => "NEWLEADER ACKed",
        HandlerStage::Serving => "serving",
    }
}

fn learner_stage(s: LearnerStage) -> &'static str {
    match s {
        LearnerStage::Connecting => "connecting (FOLLOWERINFO)",
        LearnerStage::Syncing => "syncing",
        LearnerStage::NewLeaderAcked => "NEWLEADER ACKed, waiting for UPTODATE",
        LearnerStage::Broadcast => "serving",
    }
}

/// Reads what the inspector shows of `sid`, without changing anything.
pub fn inspect(world: &World, sid: Sid) -> InspectorData {
    let disk = world.disk(sid);
    let server = world.server(sid);
    let cfg = world.ensemble();
    let committed_upto = server.map(|s| s.committed.max(s.tree.last_processed));
    let start = disk.log.len().saturating_sub(LOG_ROWS);
    let log = disk.log[start..]
        .iter()
        .rev()
        .map(|t| LogRow {
            zxid: t.zxid,
            op: t.op.to_string(),
            committed: committed_upto.map(|c| t.zxid <= c),
        })
        .collect();
    let view = crate::sim::view::server_views(world)
        .into_iter()
        .nth(sid as usize - 1);
    let (mode, phase) = view
        .as_ref()
        .map_or(("down", "DOWN"), |v| (v.mode, v.phase));
    if world.protocol() != Protocol::Zab {
        return inspect_paxos(world, sid, mode, phase);
    }
    let now = world.now();
    let role = match server.map(|s| &s.role) {
        None => RoleData::Down,
        Some(Role::Looking(e)) => {
            let rows =
                |m: &std::collections::BTreeMap<Sid, crate::sim::zab::election::Recorded>| {
                    m.iter()
                        .map(|(from, r)| VoteRow {
                            from: *from,
                            vote: r.vote,
                            round: r.round,
                            state: r.state.as_str(),
                        })
                        .collect()
                };
            RoleData::Looking {
                proposal: e.proposal,
                finalizing: e.finalizing,
                wait_ms: e.wait_ms,
                received: rows(&e.received),
                settled: rows(&e.out_of_election),
            }
        }
        Some(Role::Leading(l)) => RoleData::Leading {
            phase: l.phase.as_str(),
            new_epoch: l.new_epoch,
            tick: l.tick,
            learners: l
                .learners
                .iter()
                .map(|(s, h)| LearnerRow {
                    sid: *s,
                    observer: h.observer,
                    stage: handler_stage(h.stage),
                    last_zxid: h.last_zxid,
                    ticks_left: h.deadline_tick as i64 - l.tick as i64,
                })
                .collect(),
            outstanding: l
                .outstanding
                .iter()
                .map(|(z, acks)| (*z, acks.iter().copied().collect()))
                .collect(),
            quorum: cfg.quorum(),
            last_committed: l.last_committed,
        },
        Some(Role::Learning(l)) => RoleData::Learning {
            leader: l.leader,
            observer: l.observer,
            stage: learner_stage(l.stage),
            new_epoch: l.new_epoch,
            heard_ago: now.saturating_sub(l.last_heard),
            sync: l.sync.mode.map(|m| m.as_str()),
        },
    };
    InspectorData {
        sid,
        observer: cfg.is_observer(sid),
        mode,
        phase,
        accepted_epoch: disk.accepted_epoch,
        current_epoch: disk.current_epoch,
        snapshot: disk.snapshot.zxid,
        log_len: disk.log.len(),
        log,
        round: server.map_or(0, |s| s.round),
        last_processed: server.map_or(Zxid::ZERO, |s| s.tree.last_processed),
        committed: server.map_or(Zxid::ZERO, |s| s.committed),
        znodes: server.map_or(0, |s| s.tree.nodes.len()),
        sessions: server.map_or(0, |s| s.tree.sessions.len()),
        role,
        paxos: None,
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    pub data: Option<Rc<InspectorData>>,
    pub send: Callback<Msg>,
}

fn sids(list: &[Sid]) -> String {
    list.iter()
        .map(|s| format!("s{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn role_html(d: &InspectorData) -> Html {
    match &d.role {
        RoleData::Down => html! {
            <p class="lost-note">{ "Down: its role, round, votes, connections and in-memory tree are gone. It restarts from the disk above." }</p>
        },
        RoleData::Looking {
            proposal,
            finalizing,
            wait_ms,
            received,
            settled,
        } => {
            let rows = |rows: &Vec<VoteRow>| {
                rows.iter()
                    .map(|r| {
                        let agrees = r.vote == *proposal;
                        html! {
                            <tr key={r.from} class={classes!(agrees.then_some("agrees"))}>
                                <td>{ format!("s{}", r.from) }</td>
                                <td class="mono">{ r.vote.to_string() }</td>
                                <td>{ r.round }</td>
                                <td>{ r.state }</td>
                            </tr>
                        }
                    })
                    .collect::<Html>()
            };
            html! {
                <>
                    <dl class="kv">
                        <dt>{ "proposal" }</dt><dd class="mono">{ proposal.to_string() }</dd>
                        <dt>{ "waiting" }</dt>
                        <dd>{ if *finalizing { "a quorum agrees: finalizeWait before deciding".to_string() } else { format!("notification timeout {wait_ms} ms") } }</dd>
                    </dl>
                    <h4>{ format!("Votes received this round ({})", received.len()) }</h4>
                    if received.is_empty() {
                        <p class="muted">{ "none yet" }</p>
                    } else {
                        <table class="votes">
                            <thead><tr><th>{ "from" }</th><th>{ "vote (sid, zxid, epoch)" }</th><th>{ "round" }</th><th>{ "state" }</th></tr></thead>
                            <tbody>{ rows(received) }</tbody>
                        </table>
                    }
                    if !settled.is_empty() {
                        <h4>{ "Votes of servers already settled" }</h4>
                        <table class="votes">
                            <thead><tr><th>{ "from" }</th><th>{ "vote" }</th><th>{ "round" }</th><th>{ "state" }</th></tr></thead>
                            <tbody>{ rows(settled) }</tbody>
                        </table>
                    }
                </>
            }
        }
        RoleData::Leading {
            phase,
            new_epoch,
            tick,
            learners,
            outstanding,
            quorum,
            last_committed,
        } => html! {
            <>
                <dl class="kv">
                    <dt>{ "Zab phase" }</dt><dd>{ *phase }</dd>
                    <dt>{ "new epoch" }</dt><dd>{ new_epoch.map_or("not chosen yet".to_string(), |e| e.to_string()) }</dd>
                    <dt>{ "tick" }</dt><dd>{ tick }</dd>
                    <dt>{ "last committed" }</dt><dd class="mono">{ last_committed.to_string() }</dd>
                </dl>
                <h4>{ format!("Learners ({})", learners.len()) }</h4>
                if learners.is_empty() {
                    <p class="muted">{ "none connected" }</p>
                } else {
                    <table class="learners">
                        <thead><tr><th>{ "sid" }</th><th>{ "stage" }</th><th title="The zxid the learner reported in ACKEPOCH: the leader syncs it from there">{ "ACKEPOCH zxid" }</th><th>{ "deadline" }</th></tr></thead>
                        <tbody>
                            { for learners.iter().map(|l| html! {
                                <tr key={l.sid} class={classes!((l.ticks_left < 0).then_some("late"))}>
                                    <td>{ format!("s{}{}", l.sid, if l.observer { " (obs)" } else { "" }) }</td>
                                    <td>{ l.stage }</td>
                                    <td class="mono">{ l.last_zxid.to_string() }</td>
                                    <td>{ format!("{} ticks", l.ticks_left) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                <h4>{ format!("Outstanding proposals ({})", outstanding.len()) }</h4>
                if outstanding.is_empty() {
                    <p class="muted">{ "none: everything proposed is committed" }</p>
                } else {
                    <ul class="outstanding">
                        { for outstanding.iter().map(|(z, acks)| html! {
                            <li key={z.0}>
                                <span class="mono">{ z.to_string() }</span>
                                { format!(" — ACKs {} of {} needed: {}", acks.len(), quorum, sids(acks)) }
                            </li>
                        }) }
                    </ul>
                }
            </>
        },
        RoleData::Learning {
            leader,
            observer,
            stage,
            new_epoch,
            heard_ago,
            sync,
        } => html! {
            <dl class="kv">
                <dt>{ if *observer { "observes" } else { "follows" } }</dt><dd>{ format!("s{leader}") }</dd>
                <dt>{ "stage" }</dt><dd>{ *stage }</dd>
                <dt>{ "leader's epoch" }</dt><dd>{ new_epoch }</dd>
                <dt>{ "sync" }</dt><dd>{ sync.unwrap_or("not chosen yet") }</dd>
                <dt>{ "last heard" }</dt><dd>{ format!("{heard_ago} ms ago") }</dd>
            </dl>
        },
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let Some(d) = &p.data else {
        return html! {
            <section class="panel inspector empty" aria-label="Inspector">
                <h2>{ "Inspector" }</h2>
                <p class="muted">{ "Select a server (click it, or press 1–9) to see its disk and its memory." }</p>
            </section>
        };
    };
    if let Some(x) = &d.paxos {
        return html! {
            <section class="panel inspector paxos" aria-label={format!("Inspector: s{}", d.sid)}>
                <div class="panel-head">
                    <h2>{ format!("s{}", d.sid) }</h2>
                    <span class={classes!("mode-tag", d.mode)}>{ d.mode }</span>
                    <span class="phase">{ d.phase }</span>
                    if d.observer { <span class="muted">{ "learner only" }</span> }
                    <button class="close" aria-label="Close the inspector" onclick={p.send.reform(|_| Msg::Select(None))}>{ "×" }</button>
                </div>
                { paxos_html(d, x) }
            </section>
        };
    }
    let log_rows = d.log.iter().map(|r| {
        let (class, what) = match r.committed {
            Some(true) => ("committed", "committed"),
            Some(false) => ("proposed", "proposed"),
            None => ("unknown", "logged"),
        };
        html! {
            <tr key={r.zxid.0} class={class}>
                <td class="mono">{ r.zxid.to_string() }</td>
                <td class="op">{ r.op.clone() }</td>
                <td>{ what }</td>
            </tr>
        }
    });
    let older = d.log_len.saturating_sub(d.log.len());
    html! {
        <section class="panel inspector" aria-label={format!("Inspector: s{}", d.sid)}>
            <div class="panel-head">
                <h2>{ format!("s{}", d.sid) }</h2>
                <span class={classes!("mode-tag", d.mode)}>{ d.mode }</span>
                <span class="phase">{ d.phase }</span>
                if d.observer { <span class="muted">{ "observer" }</span> }
                <button class="close" aria-label="Close the inspector" onclick={p.send.reform(|_| Msg::Select(None))}>{ "×" }</button>
            </div>
            <div class="durable">
                <h3>{ "Durable — on disk, survives a crash" }</h3>
                <dl class="kv">
                    <dt>{ "acceptedEpoch" }</dt><dd>{ d.accepted_epoch }</dd>
                    <dt>{ "currentEpoch" }</dt><dd>{ d.current_epoch }</dd>
                    <dt>{ "snapshot" }</dt><dd class="mono">{ d.snapshot.to_string() }</dd>
                </dl>
                <h4>{ format!("Txn log ({} {}{})", d.log_len, if d.log_len == 1 { "entry" } else { "entries" }, if older > 0 { format!(", newest {}", d.log.len()) } else { String::new() }) }</h4>
                if d.log.is_empty() {
                    <p class="muted">{ "empty" }</p>
                } else {
                    <table class="log">
                        <thead><tr><th>{ "zxid" }</th><th>{ "txn" }</th><th>{ "status" }</th></tr></thead>
                        <tbody>{ for log_rows }</tbody>
                    </table>
                }
            </div>
            <div class="volatile">
                <h3>{ "Volatile — in memory, lost on a crash" }</h3>
                if d.mode != "down" {
                    <dl class="kv">
                        <dt>{ "round" }</dt><dd>{ d.round }</dd>
                        <dt>{ "last processed" }</dt><dd class="mono">{ d.last_processed.to_string() }</dd>
                        <dt>{ "known committed" }</dt><dd class="mono">{ d.committed.to_string() }</dd>
                        <dt>{ "tree" }</dt><dd>{ format!("{} znodes, {} sessions", d.znodes, d.sessions) }</dd>
                    </dl>
                }
                { role_html(d) }
            </div>
        </section>
    }
}
