//! The inspector's data for one server: what is on its disk (txn log with committed vs proposed
//! entries, epochs, snapshot; a Paxos server's promise and accepted values) apart from what a
//! crash loses (role, Zab phase, round and votes received, a leader's learners and outstanding
//! proposals, a learner's stage; a Paxos server's learned slots and proposer). Reads only the
//! selected server (and, for the tree's comparison, the leader's tree).

use std::collections::BTreeMap;

use crate::sim::paxos::{Ballot, Slot};
use crate::sim::view::server_view_of;
use crate::sim::world::{Protocol, World};
use crate::sim::zab::election::Recorded;
use crate::sim::zab::leader::HandlerStage;
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::{Role, Vote};
use crate::sim::{Epoch, Millis, Sid, Zxid};
use crate::view::tree::{tree_view, TreeView};
use crate::view::words::{words, Words};

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
    pub mode: crate::sim::view::Mode,
    pub phase: crate::sim::view::Phase,
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
    /// Its znode tree against the leader's (ZooKeeper, up).
    pub tree: Option<TreeView>,
    /// What `srvr`, `cons` and `dump` would print (ZooKeeper).
    pub words: Option<Words>,
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
    mode: crate::sim::view::Mode,
    phase: crate::sim::view::Phase,
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
        tree: None,
        words: None,
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
    let log = (disk.log.range(start..))
        .rev()
        .map(|t| LogRow {
            zxid: t.zxid,
            op: t.op.to_string(),
            committed: committed_upto.map(|c| t.zxid <= c),
        })
        .collect();
    let view = server_view_of(world, sid);
    let (mode, phase) = (view.mode, view.phase);
    if world.protocol() != Protocol::Zab {
        return inspect_paxos(world, sid, mode, phase);
    }
    let now = world.now();
    let role = match server.map(|s| &s.role) {
        None => RoleData::Down,
        Some(Role::Looking(e)) => {
            let rows = |m: &BTreeMap<Sid, Recorded>| {
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
        znodes: server.map_or(0, |s| s.tree.znodes()),
        sessions: server.map_or(0, |s| s.tree.sessions.len()),
        role,
        paxos: None,
        tree: tree_view(world, sid),
        words: words(world, sid, mode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, WorldConfig};

    fn world(cfg: WorldConfig) -> World {
        let mut w = World::new(cfg);
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn the_leader_shows_its_learners_and_a_follower_its_log() {
        let mut w = world(WorldConfig::new(3, 0, 5));
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        w.apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "x".into(),
        })
        .unwrap();
        w.run_until(3_500);
        let d = inspect(&w, leader);
        assert_eq!(
            (d.sid, d.mode, d.paxos.is_none()),
            (leader, crate::sim::view::Mode::Leader, true)
        );
        let RoleData::Leading {
            learners, quorum, ..
        } = &d.role
        else {
            panic!("{:?}", d.role)
        };
        assert_eq!((learners.len(), *quorum), (2, 2));
        assert!(
            learners.iter().all(|l| l.stage == "serving"),
            "{learners:?}"
        );
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        let f = inspect(&w, follower);
        assert_eq!(f.mode, crate::sim::view::Mode::Follower);
        assert_eq!(
            f.log.first().map(|r| (r.zxid, r.committed)),
            Some((Zxid::new(1, 1), Some(true)))
        );
        assert!(matches!(f.role, RoleData::Learning { leader: l, .. } if l == leader));
        // A crash keeps the disk and forgets what was known committed.
        w.apply(Command::Crash(follower)).unwrap();
        let down = inspect(&w, follower);
        assert_eq!(
            (down.mode, down.role.clone()),
            (crate::sim::view::Mode::Down, RoleData::Down)
        );
        assert_eq!(down.log[0].committed, None);
        assert_eq!(down.current_epoch, 1);
    }

    #[test]
    fn a_paxos_server_shows_its_promise_and_what_it_learned() {
        let mut cfg = WorldConfig::new(3, 0, 7);
        cfg.protocol = Protocol::Paxos;
        let mut w = world(cfg);
        w.run_until(5_000);
        let leader = w.serving_leader().unwrap();
        w.apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "1".into(),
        })
        .unwrap();
        w.run_until(6_000);
        let d = inspect(&w, leader);
        let x = d.paxos.as_ref().expect("Paxos data");
        assert_eq!(d.mode, crate::sim::view::Mode::Leader);
        assert!(x.proposer.as_ref().is_some_and(|p| p.leading));
        assert!(x.chosen_len >= 1 && x.accepted_len >= 1, "{x:?}");
        assert_eq!(x.promised, x.proposer.as_ref().unwrap().ballot);
    }
}
