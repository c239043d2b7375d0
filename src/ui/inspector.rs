//! The inspector of the selected server: draws the data `crate::view::inspector` read (its disk
//! apart from what a crash loses), its znode tree against the leader's, and what `srvr`,
//! `cons` and `dump` would print, with a close button.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::zab::serve::WatchTable;
use crate::sim::Sid;
use crate::view::inspector::{InspectorData, PaxosData, RoleData, VoteRow};
use crate::view::tree::{Diff, TreeRow, TreeView};
use crate::view::words::{text, Word, Words};

fn paxos_html(d: &InspectorData, x: &PaxosData) -> Html {
    let accepted_rows = x.accepted.iter().map(|(slot, b, v, chosen)| {
        html! {
            <tr key={*slot} class={if *chosen { "committed" } else { "proposed" }}>
                <td class="mono">{ format!("#{slot}") }</td>
                <td class="mono">{ b.to_string() }</td>
                <td class="op">{ v.clone() }</td>
                <td>{ if *chosen { "chosen ✓" } else if d.mode == crate::sim::view::Mode::Down { "accepted" } else { "accepted, not learned" } }</td>
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
                if d.mode == crate::sim::view::Mode::Down {
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

#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    pub data: Option<Rc<InspectorData>>,
    /// Deselects (the main page); the comparison always has a server selected: no close.
    #[prop_or_default]
    pub on_close: Option<Callback<()>>,
}

fn close(p: &InspectorProps) -> Html {
    let Some(cb) = &p.on_close else {
        return html! {};
    };
    html! {
        <button class="close" aria-label="Close the inspector" onclick={cb.reform(|_: MouseEvent| ())}>{ "×" }</button>
    }
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

fn watch_words(r: &TreeRow) -> String {
    let mut words = String::from("Watched here: ");
    for (i, w) in r.watches.iter().enumerate() {
        if i > 0 {
            words.push_str(", ");
        }
        words.push_str(match w.table {
            WatchTable::Data => "data watch by ",
            WatchTable::Child => "child watch by ",
        });
        words.push_str(&w.client);
    }
    words
}

/// One znode. Kept to few elements (the badge and the eye are drawn by the stylesheet): the
/// rows are most of what this panel adds to the bundle.
fn tree_row(r: &TreeRow) -> Html {
    let st = &r.stat;
    let title = format!(
        "{}\nczxid {} mzxid {} pzxid {}\nversion {} cversion {} numChildren {}\n{}",
        r.path,
        st.czxid,
        st.mzxid,
        st.pzxid,
        st.version,
        st.cversion,
        st.num_children,
        r.diff.label()
    );
    let (mark, differs) = match r.diff {
        Diff::Same => ("", false),
        Diff::Missing => ("−", true),
        Diff::OnlyHere => ("+", true),
        Diff::Differs => ("≠", true),
    };
    let owner = r.owner.as_ref().map(|o| {
        let session = format!("0x{:x}", o.session);
        let (who, tip) = match &o.client {
            Some(c) => (
                format!("{c} {session}"),
                format!("Ephemeral: owned by session {session}, held by client {c}"),
            ),
            None => (session.clone(), format!("Ephemeral: owned by session {session}")),
        };
        html! { <span class="eph mono" role="img" title={tip.clone()} aria-label={tip}>{ who }</span> }
    });
    let watches = (!r.watches.is_empty()).then(|| {
        let words = watch_words(r);
        let n = r.watches.len();
        html! {
            <span class="watch" role="img" title={words.clone()} aria-label={words}>
                { if n > 1 { n.to_string() } else { String::new() } }
            </span>
        }
    });
    let data = if r.data.is_empty() {
        String::new()
    } else {
        format!("= {}", r.data)
    };
    html! {
        <li key={r.path.clone()} class={r.diff.hook()} data-path={r.path.clone()} data-diff={r.diff.hook()}
            title={title} style={format!("padding-left: calc(.3rem + {} * .9rem)", r.depth)}>
            <span class="diff-mark" role={differs.then_some("img")} aria-label={differs.then_some(r.diff.label())}>{ mark }</span>
            <span class="name mono">{ r.name.clone() }</span>
            { for owner }
            { for watches }
            <span class="data mono">{ data }</span>
            <span class="stat mono">{ format!("v{} {}", st.version, st.mzxid) }</span>
        </li>
    }
}

fn tree_html(sid: Sid, t: &TreeView) -> Html {
    let behind = t.against.as_ref().map_or(0, |a| a.differences());
    let absent = t.absent_watches.iter().map(|(path, w)| {
        let table = match w.table {
            WatchTable::Data => "exists watch",
            WatchTable::Child => "child watch",
        };
        let line = format!("{path}: {table} by {} (no znode yet)", w.client);
        html! { <li key={line.clone()} class="mono watched">{ line }</li> }
    });
    html! {
        <section class="tree-section" aria-labelledby="tree-title">
            <h4 id="tree-title">{ "Znode tree" }</h4>
            <p class={if behind > 0 { "tree-summary behind" } else { "tree-summary" }} data-differences={behind.to_string()}>
                { t.summary() }
            </p>
            <div class="tree-box" tabindex="0" role="region" aria-label={format!("Znode tree of s{sid}")}>
                <ul class="tree">
                    { for t.rows.iter().map(tree_row) }
                </ul>
                if t.more > 0 {
                    <p class="muted more">{ format!("… {} more", t.more) }</p>
                }
                if !t.absent_watches.is_empty() {
                    <ul class="absent-watches">{ for absent }</ul>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq, Clone)]
struct WordsProps {
    data: Rc<InspectorData>,
}

/// `srvr | cons | dump`: a segmented switch and the text the word prints.
#[function_component(FourLetterWords)]
fn four_letter_words(p: &WordsProps) -> Html {
    let word = use_state(Word::default);
    let Some(words) = &p.data.words else {
        return html! {};
    };
    let buttons = Word::ALL.iter().map(|&w| {
        let on = *word == w;
        let onclick = {
            let word = word.clone();
            Callback::from(move |_: MouseEvent| word.set(w))
        };
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                data-word={w.as_str()} {onclick}>{ w.as_str() }</button>
        }
    });
    let none = matches!(words, Words::Serving(s) if s.cons.is_empty());
    let note = match *word {
        Word::Cons if none => "No client connections here (ZooKeeper would list only the one asking).",
        Word::Srvr => "Left out: latencies, packets received and sent (the model does not count them).",
        Word::Cons => "Hosts are client names, ports their connection attempt; counters and times are left out.",
        Word::Dump => "Expiry times in virtual ms; the connections dump is left out.",
    };
    html! {
        <section class="words" aria-labelledby="words-title">
            <div class="words-head">
                <h4 id="words-title">{ "Four-letter words" }</h4>
                <div class="segmented" role="group" aria-label="Which four-letter word">{ for buttons }</div>
            </div>
            <pre class="words-text" tabindex="0" data-word={word.as_str()}
                aria-label={format!("What {} prints on s{}", word.as_str(), p.data.sid)}>{ text(words, *word) }</pre>
            <p class="words-note muted">{ note }</p>
        </section>
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
            <section class="panel inspector paxos" aria-label={format!("Paxos inspector: s{}", d.sid)}>
                <div class="panel-head">
                    <h2>{ format!("s{}", d.sid) }</h2>
                    <span class={classes!("mode-tag", d.mode.as_str())}>{ d.mode.as_str() }</span>
                    <span class="phase">{ d.phase.as_str() }</span>
                    if d.observer { <span class="muted">{ "learner only" }</span> }
                    { close(p) }
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
                <span class={classes!("mode-tag", d.mode.as_str())}>{ d.mode.as_str() }</span>
                <span class="phase">{ d.phase.as_str() }</span>
                if d.observer { <span class="muted">{ "observer" }</span> }
                { close(p) }
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
                if d.mode != crate::sim::view::Mode::Down {
                    <dl class="kv">
                        <dt>{ "round" }</dt><dd>{ d.round }</dd>
                        <dt>{ "last processed" }</dt><dd class="mono">{ d.last_processed.to_string() }</dd>
                        <dt>{ "known committed" }</dt><dd class="mono">{ d.committed.to_string() }</dd>
                        <dt>{ "tree" }</dt><dd>{ format!("{} znodes, {} sessions", d.znodes, d.sessions) }</dd>
                    </dl>
                }
                { role_html(d) }
                if let Some(t) = &d.tree {
                    { tree_html(d.sid, t) }
                }
            </div>
            <FourLetterWords data={d.clone()} />
        </section>
    }
}
