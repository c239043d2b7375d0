//! The phase banner: what the ensemble is doing now, in a sentence, with a stage tag for
//! styling, for every protocol (`banner` picks the reading for the world's protocol).

use std::fmt::Write;

use crate::sim::view::ServerView;
use crate::sim::world::{Protocol, World};
use crate::sim::zab::leader::{Leader, LeaderPhase};
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::{Role, TimerKind};
use crate::sim::Sid;

fn sids(list: &[Sid]) -> String {
    list.iter()
        .map(|s| format!("s{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The banner for the world as it is now, whatever its protocol; `servers` are its views
/// (the scene has them already).
pub fn banner(world: &World, servers: &[ServerView]) -> Banner {
    match world.protocol() {
        Protocol::Zab => phase_banner(world),
        Protocol::Paxos | Protocol::PaxosSingle => paxos_banner(servers, world.ensemble().quorum()),
    }
}

impl Banner {
    /// The word shown for the stage (a Paxos ensemble has phases, not Zab's stages).
    pub fn stage_word(&self, paxos: bool) -> &'static str {
        stage_word(self.stage, paxos)
    }
}

/// The word the banner shows for its stage (a Paxos ensemble has phases, not Zab's stages).
pub fn stage_word(stage: &'static str, paxos: bool) -> &'static str {
    match (stage, paxos) {
        ("broadcast", true) => "phase 2",
        ("electing", true) => "phase 1",
        (s, _) => s,
    }
}

/// What the ensemble is doing now, in a sentence, with a stage tag for styling.
#[derive(Clone, Debug, PartialEq)]
pub struct Banner {
    /// "down" | "electing" | "discovery" | "sync" | "broadcast"
    pub stage: &'static str,
    pub text: String,
}

fn leader_rank(l: &Leader) -> (LeaderPhase, u64) {
    (l.phase, l.new_epoch.unwrap_or(0))
}

/// The phase banner for the world as it is now.
pub fn phase_banner(world: &World) -> Banner {
    let cfg = world.ensemble();
    let quorum = cfg.quorum();
    let mut up = 0;
    let mut down: Vec<Sid> = Vec::new();
    let mut looking: Vec<Sid> = Vec::new();
    let mut primary: Option<(Sid, &Leader)> = None;
    for (sid, s) in world.servers() {
        let Some(s) = s else {
            down.push(sid);
            continue;
        };
        up += 1;
        match &s.role {
            Role::Looking(_) => looking.push(sid),
            Role::Leading(l) => {
                if primary.is_none_or(|(_, p)| leader_rank(l) > leader_rank(p)) {
                    primary = Some((sid, l));
                }
            }
            Role::Learning(_) => {}
        }
    }
    if up == 0 {
        return Banner {
            stage: "down",
            text: "Every server is down: restart one to begin again".into(),
        };
    }
    let Some((leader, l)) = primary else {
        return electing(world, &looking, &down);
    };
    let mut text = String::new();
    let stage = match l.phase {
        LeaderPhase::Discovery => {
            match l.new_epoch {
                None => {
                    let _ = write!(
                        text,
                        "Discovery: s{leader} won the election and waits for FOLLOWERINFO ({} of {quorum} voters connected) to pick the new epoch",
                        l.connecting.len()
                    );
                }
                Some(e) => {
                    let _ = write!(
                        text,
                        "Discovering epoch {e}: leader s{leader} has ACKEPOCH from {} ({} of {quorum} needed)",
                        sids(&l.epoch_acks.iter().copied().collect::<Vec<_>>()),
                        l.epoch_acks.len()
                    );
                }
            }
            "discovery"
        }
        LeaderPhase::Synchronization => {
            let e = l.new_epoch.unwrap_or(0);
            let _ = write!(text, "Synchronising epoch {e}: leader s{leader}");
            let syncing = syncing_learners(world, leader);
            if !syncing.is_empty() {
                let _ = write!(text, " syncs {}", syncing.join(", "));
            }
            let _ = write!(
                text,
                "; NEWLEADER ACKs {} of {quorum} needed",
                l.newleader_acks.len()
            );
            "sync"
        }
        LeaderPhase::Broadcast => {
            let e = l.new_epoch.unwrap_or(0);
            let followers = world
                .servers()
                .filter(|(_, s)| {
                    matches!(s.map(|s| &s.role), Some(Role::Learning(x)) if x.leader == leader && x.stage == LearnerStage::Broadcast)
                })
                .count();
            let _ = write!(
                text,
                "Broadcasting in epoch {e}: leader s{leader} with {followers} learner{} serving",
                if followers == 1 { "" } else { "s" }
            );
            // The leader's last committed txn (an epoch's start zxid is no txn).
            let committed = l.last_committed;
            if committed.counter() > 0 {
                let _ = write!(text, ", last committed {committed}");
            } else {
                let _ = write!(text, ", no txn committed in epoch {e} yet");
            }
            let waiting = l.outstanding.len();
            if waiting > 0 {
                let _ = write!(
                    text,
                    "; {waiting} proposal{} waiting for a quorum of ACKs",
                    if waiting == 1 { "" } else { "s" }
                );
            }
            let syncing = syncing_learners(world, leader);
            if !syncing.is_empty() {
                let _ = write!(text, "; syncing {}", syncing.join(", "));
            }
            "broadcast"
        }
    };
    if !looking.is_empty() {
        let _ = write!(text, "; {} LOOKING", sids(&looking));
    }
    if !down.is_empty() {
        let _ = write!(text, "; {} down", sids(&down));
    }
    Banner { stage, text }
}

/// "s2 by DIFF", "s3 (connecting)" for the learners of `leader` not yet serving.
fn syncing_learners(world: &World, leader: Sid) -> Vec<String> {
    world
        .servers()
        .filter_map(|(sid, s)| match s.map(|s| &s.role) {
            Some(Role::Learning(x)) if x.leader == leader && x.stage != LearnerStage::Broadcast => {
                Some(match (x.stage, x.sync.mode) {
                    (LearnerStage::Connecting, _) => format!("s{sid} (connecting)"),
                    (_, Some(mode)) => format!("s{sid} by {}", mode.as_str()),
                    (_, None) => format!("s{sid} (waiting for its sync)"),
                })
            }
            _ => None,
        })
        .collect()
}

fn electing(world: &World, looking: &[Sid], down: &[Sid]) -> Banner {
    let cfg = world.ensemble();
    let mut round = 0;
    // Tally the proposals of the LOOKING voters.
    let mut tally: Vec<(Sid, usize)> = Vec::new();
    for sid in looking {
        let Some(s) = world.server(*sid) else {
            continue;
        };
        round = round.max(s.round);
        if let Role::Looking(e) = &s.role {
            if cfg.is_voter(*sid) && e.proposal.leader != 0 {
                match tally.iter_mut().find(|(c, _)| *c == e.proposal.leader) {
                    Some((_, n)) => *n += 1,
                    None => tally.push((e.proposal.leader, 1)),
                }
            }
        }
    }
    tally.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut text = format!("Electing a leader (round {round})");
    if !tally.is_empty() {
        let parts: Vec<String> = tally
            .iter()
            .take(3)
            .map(|(c, n)| format!("s{c} has {n} vote{}", if *n == 1 { "" } else { "s" }))
            .collect();
        let _ = write!(
            text,
            ": {}; {} of {} needed",
            parts.join(", "),
            cfg.quorum(),
            cfg.voters.len()
        );
    }
    if let Some(wait) = finalizing(world, looking) {
        text.push_str(&wait);
    }
    let (stale, settled) = followers_of_the_lost(world, looking);
    for (leader, followers) in stale {
        let _ = write!(
            text,
            "; {} still follow{} s{leader}, which is {}: a read timeout (syncLimit, {} ms) will tell them",
            sids(&followers),
            if followers.len() == 1 { "s" } else { "" },
            if world.is_up(leader) { "not leading" } else { "down" },
            cfg.sync_timeout_ms()
        );
    }
    if !settled.is_empty() {
        let _ = write!(text, "; {} already settled", sids(&settled));
    }
    if !down.is_empty() {
        let _ = write!(text, "; {} down", sids(down));
    }
    Banner {
        stage: "electing",
        text,
    }
}

/// What a voter that has a quorum for its proposal waits for: finalizeWait of quiet, in case a
/// better vote arrives (FastLeaderElection.lookForLeader), with the time left.
fn finalizing(world: &World, looking: &[Sid]) -> Option<String> {
    let cfg = world.ensemble();
    let (sid, e) = looking
        .iter()
        .find_map(|sid| match &world.server(*sid)?.role {
            Role::Looking(e) if e.finalizing => Some((*sid, e)),
            _ => None,
        })?;
    let left = world
        .timer(sid, TimerKind::Finalize)?
        .saturating_sub(world.now());
    let whom = if e.proposal.leader == sid {
        "itself".to_string()
    } else {
        format!("s{}", e.proposal.leader)
    };
    Some(format!(
        "; s{sid} sees a quorum for {whom} and waits finalizeWait ({} ms) for a better vote: it decides in {left} ms unless one comes",
        cfg.finalize_wait_ms
    ))
}

/// The servers up and not LOOKING, while no one leads: those that still follow a leader that
/// is down or no longer leading (grouped by that leader), and the others.
fn followers_of_the_lost(world: &World, looking: &[Sid]) -> (Vec<(Sid, Vec<Sid>)>, Vec<Sid>) {
    let mut stale: Vec<(Sid, Vec<Sid>)> = Vec::new();
    let mut settled = Vec::new();
    for (sid, s) in world.servers() {
        let Some(s) = s.filter(|_| !looking.contains(&sid)) else {
            continue;
        };
        let leader = match &s.role {
            Role::Learning(l) => l.leader,
            _ => {
                settled.push(sid);
                continue;
            }
        };
        match stale.iter_mut().find(|(l, _)| *l == leader) {
            Some((_, list)) => list.push(sid),
            None => stale.push((leader, vec![sid])),
        }
    }
    (stale, settled)
}

/// The phase banner of a Paxos ensemble, from its servers' views.
pub fn paxos_banner(servers: &[ServerView], quorum: usize) -> Banner {
    let up = servers
        .iter()
        .filter(|v| v.mode != crate::sim::view::Mode::Down)
        .count();
    if up == 0 {
        return Banner {
            stage: "down",
            text: "Every server is down: restart one to begin again".into(),
        };
    }
    let learned = servers
        .iter()
        .filter_map(|v| v.paxos.as_ref().map(|p| p.chosen.len()))
        .max()
        .unwrap_or(0);
    if let Some(l) = servers
        .iter()
        .find(|v| v.mode == crate::sim::view::Mode::Leader)
    {
        let b = l
            .paxos
            .as_ref()
            .and_then(|p| p.proposing)
            .map_or(String::new(), |b| format!(" with ballot {b}"));
        return Banner {
            stage: "broadcast",
            text: format!(
                "s{} leads{b}: one phase 2 (ACCEPT / ACCEPTED) per command; {learned} slot{} chosen",
                l.id,
                if learned == 1 { "" } else { "s" }
            ),
        };
    }
    let preparing: Vec<String> = servers
        .iter()
        .filter(|v| v.phase == crate::sim::view::Phase::Prepare)
        .filter_map(|v| {
            v.paxos
                .as_ref()
                .and_then(|p| p.proposing)
                .map(|b| format!("s{} {b}", v.id))
        })
        .collect();
    if preparing.is_empty()
        && servers
            .iter()
            .any(|v| v.phase == crate::sim::view::Phase::Learned)
    {
        return Banner {
            stage: "decided",
            text: format!("The decree is chosen and learned ({up} up)"),
        };
    }
    let text = if preparing.is_empty() {
        if up < quorum {
            format!("Only {up} up: a ballot needs {quorum} promises")
        } else {
            "No proposer yet: waiting for a timeout".into()
        }
    } else if preparing.len() > 1 {
        format!(
            "Duelling proposers ({}): each PREPARE may pre-empt the other",
            preparing.join(", ")
        )
    } else {
        format!("Phase 1: {} asks for {quorum} promises", preparing[0])
    };
    Banner {
        stage: "electing",
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::view::server_views;
    use crate::sim::{Command, WorldConfig};

    fn world(voters: usize, seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(voters, 0, seed));
        w.apply(Command::StartAll).unwrap();
        w
    }

    fn paxos_world(protocol: Protocol, voters: usize, seed: u64) -> World {
        let mut cfg = WorldConfig::new(voters, 0, seed);
        cfg.protocol = protocol;
        let mut w = World::new(cfg);
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn banner_follows_the_phases() {
        let mut w = world(5, 4);
        assert_eq!(phase_banner(&w).stage, "electing");
        assert!(phase_banner(&w)
            .text
            .starts_with("Electing a leader (round 1)"));
        let mut stages = Vec::new();
        for t in (0..3_000).step_by(5) {
            w.run_until(t);
            let b = phase_banner(&w);
            if stages.last() != Some(&b.stage) {
                stages.push(b.stage);
            }
        }
        assert_eq!(stages.first(), Some(&"electing"));
        assert_eq!(stages.last(), Some(&"broadcast"));
        assert!(
            stages.contains(&"discovery") || stages.contains(&"sync"),
            "{stages:?}"
        );
        let leader = w.stable_leader().unwrap();
        assert!(phase_banner(&w).text.starts_with(&format!(
            "Broadcasting in epoch 1: leader s{leader} with 4 learners serving"
        )));
        for sid in 1..=5 {
            w.apply(Command::Crash(sid)).unwrap();
        }
        assert_eq!(phase_banner(&w).stage, "down");
    }

    #[test]
    fn the_banner_says_what_the_election_waits_for_and_who_follows_a_lost_leader() {
        let mut w = world(5, 1);
        let mut waits = None;
        while w.stable_leader().is_none() {
            w.step();
            let text = phase_banner(&w).text;
            if waits.is_none() && text.contains("waits finalizeWait (200 ms)") {
                waits = Some(text);
            }
        }
        let waits = waits.expect("finalizeWait is said while a voter waits");
        assert!(
            waits.contains("for a better vote: it decides in "),
            "{waits}"
        );
        let b = phase_banner(&w).text;
        assert!(b.contains(", no txn committed in epoch 1 yet"), "{b}");
        let leader = w.stable_leader().unwrap();
        w.apply(Command::Crash(leader)).unwrap();
        let b = phase_banner(&w).text;
        assert!(
            b.contains(&format!(
                "still follow s{leader}, which is down: a read timeout (syncLimit"
            )),
            "{b}"
        );
        assert!(!b.contains("already settled"), "{b}");
    }

    #[test]
    fn multi_paxos_banner_goes_from_phase_1_to_a_leader_and_counts_chosen_slots() {
        let mut w = paxos_world(Protocol::Paxos, 3, 7);
        let b = banner(&w, &server_views(&w));
        assert_eq!((b.stage, b.stage_word(true)), ("electing", "phase 1"));
        w.run_until(5_000);
        let leader = w.serving_leader().expect("a Paxos leader within 5 s");
        w.apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "1".into(),
        })
        .unwrap();
        w.run_until(6_000);
        let b = banner(&w, &server_views(&w));
        assert_eq!((b.stage, b.stage_word(true)), ("broadcast", "phase 2"));
        assert!(
            b.text.starts_with(&format!("s{leader} leads with ballot ")),
            "{}",
            b.text
        );
        assert!(b.text.ends_with("; 1 slot chosen"), "{}", b.text);
        for sid in 1..=3 {
            w.apply(Command::Crash(sid)).unwrap();
        }
        assert_eq!(banner(&w, &server_views(&w)).stage, "down");
    }

    #[test]
    fn single_decree_banner_ends_decided() {
        let mut w = paxos_world(Protocol::PaxosSingle, 3, 3);
        w.apply(Command::Write {
            at: Some(1),
            path: "/d".into(),
            data: "v".into(),
        })
        .unwrap();
        w.run_until(8_000);
        let b = banner(&w, &server_views(&w));
        assert_eq!(b.stage, "decided", "{}", b.text);
        assert_eq!(b.text, "The decree is chosen and learned (3 up)");
    }

    #[test]
    fn a_minority_left_says_how_many_promises_a_ballot_needs() {
        let mut w = paxos_world(Protocol::Paxos, 5, 1);
        for sid in 1..=3 {
            w.apply(Command::Crash(sid)).unwrap();
        }
        w.run_until(3_000);
        let b = banner(&w, &server_views(&w));
        assert_eq!(b.stage, "electing");
        // Two proposers may be preparing, but nobody can lead.
        assert!(!b.text.contains(" leads"), "{}", b.text);
    }
}
