//! Client requests: what happened to each write submitted from the page, followed through the
//! feed (proposed, committed, answered or refused), and the line the client box shows for each.

use std::collections::VecDeque;

use crate::sim::data::RequestId;
use crate::sim::paxos::server::PaxosObservation;
use crate::sim::world::{Fact, FeedItem, Protocol, World};
use crate::sim::zab::{EnsembleConfig, Observation, Role};
use crate::sim::{Millis, Sid, Zxid};

/// Where one client request stands.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestState {
    /// Submitted; not yet proposed by a leader (forwarded, or stuck without one).
    Pending,
    /// The leader logged it as `zxid` and sent PROPOSALs.
    Proposed { zxid: Zxid, leader: Sid },
    /// The leader committed it on `acks` of `voters` ACKs.
    Committed {
        zxid: Zxid,
        acks: usize,
        voters: usize,
    },
    /// The server the client talks to answered: committed as `zxid`.
    Answered { zxid: Zxid },
    /// The server refused it (e.g. it is LOOKING).
    Refused { note: &'static str },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientRequest {
    /// The world's request id (requests are numbered in the order they are submitted).
    pub id: u64,
    pub at: Sid,
    pub what: String,
    pub submitted: Millis,
    pub state: RequestState,
    pub updated: Millis,
}

/// Follows the client requests submitted through the world's `Write`, `SessionOpen` and
/// `SessionClose` commands that the page chose to remember (steady writes are not). The world
/// numbers requests 1, 2, 3… in submission order: the tracker takes the id from the world.
#[derive(Clone, Debug, Default)]
pub struct ClientTracker {
    pub requests: VecDeque<ClientRequest>,
}

impl ClientTracker {
    /// How many requests are remembered.
    pub const KEEP: usize = 6;

    pub fn new() -> ClientTracker {
        ClientTracker::default()
    }

    /// Remembers the request the world just accepted (call it right after a successful
    /// `Write`); returns its id.
    pub fn remember(&mut self, world: &World, at: Sid, what: String) -> u64 {
        let id = world.last_request_id();
        let now = world.now();
        if self.requests.len() == Self::KEEP {
            self.requests.pop_front();
        }
        self.requests.push_back(ClientRequest {
            id,
            at,
            what,
            submitted: now,
            state: RequestState::Pending,
            updated: now,
        });
        id
    }

    /// Updates the requests from one feed entry. True if anything changed.
    pub fn observe(&mut self, e: FeedItem, cfg: &EnsembleConfig) -> bool {
        let (at, sid) = (e.at, e.sid);
        let (request, state) = match e.what {
            Fact::Zab(Observation::Logged {
                txn,
                leader_epoch: None,
                ..
            }) => (txn.request, self.proposed(txn.request, txn.zxid, sid)),
            Fact::Zab(Observation::LeaderCommitted { zxid, acks, .. }) => {
                let Some(r) = self.proposal(*zxid, sid) else {
                    return false;
                };
                let state = RequestState::Committed {
                    zxid: *zxid,
                    acks: acks.iter().filter(|x| cfg.is_voter(**x)).count(),
                    voters: cfg.voters.len(),
                };
                (r, Some(state))
            }
            Fact::Zab(Observation::ClientReply {
                request,
                zxid: Some(zxid),
                ..
            }) => (*request, Some(RequestState::Answered { zxid: *zxid })),
            Fact::Zab(Observation::ClientReply {
                request,
                zxid: None,
                note,
            })
            | Fact::Paxos(PaxosObservation::Refused { request, note }) => {
                (*request, Some(RequestState::Refused { note }))
            }
            _ => return false,
        };
        let Some(state) = state else { return false };
        let Some(r) = self.requests.iter_mut().find(|r| r.id == request) else {
            return false;
        };
        r.state = state;
        r.updated = at;
        true
    }

    /// A leader logged its own proposal for `request`: it is proposed, if it was pending.
    fn proposed(&self, request: RequestId, zxid: Zxid, leader: Sid) -> Option<RequestState> {
        let r = self.requests.iter().find(|r| r.id == request)?;
        matches!(r.state, RequestState::Pending).then_some(RequestState::Proposed { zxid, leader })
    }

    /// The request `leader` proposed as `zxid`, if it is one of ours.
    fn proposal(&self, zxid: Zxid, leader: Sid) -> Option<RequestId> {
        self.requests
            .iter()
            .find(|r| matches!(r.state, RequestState::Proposed { zxid: z, leader: l } if z == zxid && l == leader))
            .map(|r| r.id)
    }
}

/// How a request line is shown (its name is the line's CSS class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineState {
    Pending,
    Proposed,
    Committed,
    Answered,
    Refused,
    /// Waiting longer than a healthy ensemble would take.
    Stuck,
}

impl LineState {
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Pending => "pending",
            LineState::Proposed => "proposed",
            LineState::Committed => "committed",
            LineState::Answered => "answered",
            LineState::Refused => "refused",
            LineState::Stuck => "stuck",
        }
    }
}

/// One client request as the client box shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestLine {
    pub id: u64,
    pub what: String,
    pub status: String,
    pub state: LineState,
}

/// The lines for the tracked requests, newest first.
pub fn request_lines(world: &World, tracker: &ClientTracker) -> Vec<RequestLine> {
    let paxos = world.protocol() != Protocol::Zab;
    tracker
        .requests
        .iter()
        .rev()
        .map(|r| {
            let (state, status) = if paxos {
                paxos_line(world, r)
            } else {
                zab_line(world, r)
            };
            RequestLine {
                id: r.id,
                what: r.what.clone(),
                status,
                state,
            }
        })
        .collect()
}

/// Whom `sid` follows (or itself if it leads), if anyone.
fn leader_of(world: &World, sid: Sid) -> Option<Sid> {
    match world.paxos_server(sid) {
        Some(p) => p.leader,
        None => world.server(sid).and_then(|s| s.leader()),
    }
}

/// ACKs the leader holds for an outstanding proposal, if it still leads.
fn acks(world: &World, leader: Sid, zxid: Zxid) -> Option<usize> {
    match &world.server(leader)?.role {
        Role::Leading(l) => l.outstanding.get(&zxid).map(|a| a.len()),
        _ => None,
    }
}

fn zab_line(world: &World, r: &ClientRequest) -> (LineState, String) {
    let now = world.now();
    let quorum = world.ensemble().quorum();
    match &r.state {
        RequestState::Pending => {
            let waited = now.saturating_sub(r.submitted);
            match leader_of(world, r.at) {
                Some(l) if l != r.at => (
                    if waited > 1000 {
                        LineState::Stuck
                    } else {
                        LineState::Pending
                    },
                    format!("forwarded to leader s{l} as REQUEST; waiting {waited} ms"),
                ),
                Some(_) => (
                    LineState::Pending,
                    format!("at the leader; waiting {waited} ms"),
                ),
                None => (
                    LineState::Stuck,
                    format!("s{} has no leader: waiting {waited} ms", r.at),
                ),
            }
        }
        RequestState::Proposed { zxid, leader } => match acks(world, *leader, *zxid) {
            Some(a) => (
                if now.saturating_sub(r.updated) > 1000 {
                    LineState::Stuck
                } else {
                    LineState::Proposed
                },
                format!("proposed by s{leader} as {zxid}: {a} of {quorum} ACKs needed"),
            ),
            None => (
                LineState::Stuck,
                format!("proposed as {zxid}, but leader s{leader} is gone"),
            ),
        },
        RequestState::Committed { zxid, acks, voters } => (
            LineState::Committed,
            format!(
                "{zxid} committed ({acks} of {voters} ACKs); s{} will answer",
                r.at
            ),
        ),
        RequestState::Answered { zxid } => (
            LineState::Answered,
            format!("committed as {zxid}; s{} answered its client", r.at),
        ),
        RequestState::Refused { note } => (LineState::Refused, format!("refused: {note}")),
    }
}

/// A Paxos client request: chosen (and where), or still waiting.
fn paxos_line(world: &World, r: &ClientRequest) -> (LineState, String) {
    let chosen = world.paxos_chosen().iter().find(|(_, (v, _))| {
        matches!(v, crate::sim::paxos::Value::Cmd { request, .. } if *request == r.id)
    });
    match (&r.state, chosen) {
        (RequestState::Refused { note }, _) => (LineState::Refused, format!("refused: {note}")),
        (_, Some((slot, (_, ballot)))) => (
            LineState::Committed,
            format!("chosen in slot #{slot} under ballot {ballot}"),
        ),
        (_, None) => {
            let waited = world.now().saturating_sub(r.submitted);
            let st = if waited > 2000 {
                LineState::Stuck
            } else {
                LineState::Pending
            };
            match leader_of(world, r.at) {
                Some(l) if l != r.at => {
                    (st, format!("forwarded to leader s{l}; waiting {waited} ms"))
                }
                Some(_) => (st, format!("at the leader; waiting {waited} ms")),
                None => (
                    st,
                    format!("queued at s{}: no leader yet; waiting {waited} ms", r.at),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::narrate::FeedCursor;
    use crate::sim::{Command, WorldConfig};

    fn world(voters: usize, seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(voters, 0, seed));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn tracker_follows_a_write_to_its_answer() {
        let mut w = world(3, 5);
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        let mut tracker = ClientTracker::new();
        let mut cursor = FeedCursor::new();
        cursor.read_new(&w);
        w.apply(Command::Write {
            at: Some(follower),
            path: "/t".into(),
            data: "1".into(),
        })
        .unwrap();
        let id = tracker.remember(&w, follower, "/t = 1".into());
        assert_eq!(id, 1);
        let cfg = w.ensemble().clone();
        let mut states = Vec::new();
        for t in (3_000..3_500).step_by(5) {
            w.run_until(t);
            for e in cursor.read_new(&w) {
                if tracker.observe(e, &cfg) {
                    states.push(tracker.requests[0].state.clone());
                }
            }
        }
        assert!(
            matches!(states[0], RequestState::Proposed { leader: l, .. } if l == leader),
            "{states:?}"
        );
        assert!(
            states
                .iter()
                .any(|s| matches!(s, RequestState::Committed { voters: 3, .. })),
            "{states:?}"
        );
        assert_eq!(
            states.last(),
            Some(&RequestState::Answered {
                zxid: Zxid::new(1, 1)
            })
        );
    }

    #[test]
    fn a_write_without_a_leader_reads_as_stuck_then_answered() {
        let mut w = world(3, 8);
        let mut tracker = ClientTracker::new();
        let mut cursor = FeedCursor::new();
        w.apply(Command::Write {
            at: Some(1),
            path: "/early".into(),
            data: "1".into(),
        })
        .unwrap();
        tracker.remember(&w, 1, "/early = 1".into());
        let first = request_lines(&w, &tracker);
        assert_eq!(first.len(), 1);
        assert!(
            matches!(first[0].state, LineState::Stuck | LineState::Refused),
            "{first:?}"
        );
        w.run_until(4_000);
        let leader = w.stable_leader().unwrap();
        w.apply(Command::Write {
            at: Some(leader),
            path: "/b".into(),
            data: "2".into(),
        })
        .unwrap();
        tracker.remember(&w, leader, "/b = 2".into());
        let cfg = w.ensemble().clone();
        w.run_until(5_000);
        for e in cursor.read_new(&w) {
            tracker.observe(e, &cfg);
        }
        let lines = request_lines(&w, &tracker);
        assert_eq!(lines[0].id, 2, "newest first");
        assert_eq!(lines[0].state, LineState::Answered, "{lines:?}");
        assert_eq!(
            lines[0].status,
            format!("committed as 0x100000001; s{leader} answered its client")
        );
    }
}
