//! The inspector of the selected server: what is on its disk (txn log with committed vs proposed
//! entries, epochs, snapshot) apart from what a crash loses (role, Zab phase, round and votes
//! received, a leader's learners and outstanding proposals, a learner's stage).

use std::rc::Rc;

use yew::prelude::*;

use super::app::Msg;
use crate::sim::world::World;
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
