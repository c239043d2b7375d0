//! LOOKING: Fast Leader Election (FastLeaderElection.lookForLeader), as a state machine.
//!
//! A server votes for itself, tells every voter, adopts better votes as they arrive, and once
//! a quorum of voters shares its vote it waits finalizeWait for a better one before deciding.
//! Servers already FOLLOWING or LEADING answer with their settled vote, which is how a server
//! that restarts joins a running ensemble. FLE alone gives no safety; Zab's discovery does.

use super::config::EnsembleConfig;
use super::message::{Message, Notification, PeerState, Vote};
use super::server::{Observation, Output, Role, Server, TimerKind};
use crate::sim::types::{Millis, Sid};
use std::collections::BTreeMap;

/// ZooKeeper's totalOrderPredicate: is `new` a better leader than `cur`?
/// A non-voter is never better; otherwise (peerEpoch, zxid, sid), strictly greater wins.
pub fn vote_beats(cfg: &EnsembleConfig, new: &Vote, cur: &Vote) -> bool {
    if !cfg.is_voter(new.leader) {
        return false;
    }
    (new.peer_epoch, new.zxid, new.leader) > (cur.peer_epoch, cur.zxid, cur.leader)
}

/// A vote as recorded in the received-votes tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Recorded {
    pub vote: Vote,
    pub round: u64,
    pub state: PeerState,
}

impl Recorded {
    /// Vote.equals in ZooKeeper 3.8: if either side is LOOKING, leader, zxid, round and epoch
    /// must all match; between settled votes, leader and epoch are enough.
    fn agrees_with(&self, other: &Recorded) -> bool {
        if self.state == PeerState::Looking || other.state == PeerState::Looking {
            self.vote == other.vote && self.round == other.round
        } else {
            self.vote.leader == other.vote.leader && self.vote.peer_epoch == other.vote.peer_epoch
        }
    }
}

/// The volatile state of one election.
#[derive(Clone, Debug, Default, Hash)]
pub struct Election {
    pub proposal: Vote,
    /// recvset: the latest vote of each voter in this round.
    pub received: BTreeMap<Sid, Recorded>,
    /// outofelection: votes of servers that already follow or lead.
    pub out_of_election: BTreeMap<Sid, Recorded>,
    /// notTimeout: 200 ms, doubling on each silent wait, capped at 60 s.
    pub wait_ms: Millis,
    pub last_heard: Millis,
    /// A quorum agrees with the proposal; deciding after finalizeWait of quiet.
    pub finalizing: bool,
}

impl Default for Vote {
    fn default() -> Vote {
        Vote {
            leader: 0,
            zxid: crate::sim::types::Zxid::ZERO,
            peer_epoch: 0,
        }
    }
}

impl Election {
    pub fn idle() -> Election {
        Election::default()
    }
}

impl Server {
    fn election(&mut self) -> &mut Election {
        match &mut self.role {
            Role::Looking(e) => e,
            _ => unreachable!("election state used outside LOOKING"),
        }
    }

    /// The vote a server starts each election with: itself, or nobody for an observer.
    fn initial_vote(&self) -> Vote {
        if self.is_voter() {
            Vote {
                leader: self.id,
                zxid: self.last_zxid(),
                peer_epoch: self.disk.current_epoch,
            }
        } else {
            Vote::default()
        }
    }

    /// lookForLeader: a new round, a vote for itself, notifications to every voter.
    pub(crate) fn start_election(&mut self) {
        self.round += 1;
        let proposal = self.initial_vote();
        self.role = Role::Looking(Election {
            proposal,
            wait_ms: self.cfg.finalize_wait_ms,
            last_heard: self.now,
            ..Election::default()
        });
        self.out.push(Output::CancelTimer(TimerKind::Finalize));
        let round = self.round;
        self.observe(Observation::ElectionStarted {
            round,
            vote: proposal,
        });
        self.send_notifications();
        let wait = self.cfg.finalize_wait_ms;
        self.set_timer(TimerKind::ElectionWait, wait);
    }

    fn send_notifications(&mut self) {
        let n = Notification {
            vote: self.election().proposal,
            round: self.round,
            state: PeerState::Looking,
        };
        let voters = self.cfg.voters.clone();
        let me = self.id;
        for v in voters.iter().copied().filter(|v| *v != me) {
            self.send(v, Message::Notification(n));
        }
        // A voter's own notification reaches its own queue at once (QuorumCnxManager loopback).
        if self.is_voter() {
            self.on_notification(self.id, n);
        }
    }

    pub(crate) fn on_notification(&mut self, from: Sid, n: Notification) {
        let my_state = self.peer_state();
        if my_state != PeerState::Looking {
            // A settled server answers anyone still looking with its final vote.
            if n.state == PeerState::Looking {
                let (vote, round) = self.current_vote;
                self.send(
                    from,
                    Message::Notification(Notification {
                        vote,
                        round,
                        state: my_state,
                    }),
                );
            }
            return;
        }
        if !self.cfg.is_voter(from) {
            // Non-voters (observers) are answered, never counted.
            self.reply_with_proposal(from);
            return;
        }
        if n.state == PeerState::Looking && n.round < self.round {
            self.reply_with_proposal(from);
        }
        let now = self.now;
        let finalize_wait = self.cfg.finalize_wait_ms;
        let cfg = self.cfg.clone();
        let e = self.election();
        if e.finalizing {
            if !vote_beats(&cfg, &n.vote, &e.proposal) {
                // Consumed while finalising: the quiet period starts again.
                self.set_timer(TimerKind::Finalize, finalize_wait);
                return;
            }
            e.finalizing = false;
            self.out.push(Output::CancelTimer(TimerKind::Finalize));
        }
        self.election().last_heard = now;
        match n.state {
            PeerState::Looking => self.on_looking_vote(from, n),
            PeerState::Observing => {}
            PeerState::Following | PeerState::Leading => self.on_settled_vote(from, n),
        }
    }

    fn reply_with_proposal(&mut self, to: Sid) {
        if to == self.id {
            return;
        }
        let vote = self.election().proposal;
        let round = self.round;
        self.send(
            to,
            Message::Notification(Notification {
                vote,
                round,
                state: PeerState::Looking,
            }),
        );
    }

    fn on_looking_vote(&mut self, from: Sid, n: Notification) {
        let cfg = self.cfg.clone();
        if n.round > self.round {
            self.round = n.round;
            let initial = self.initial_vote();
            let e = self.election();
            e.received.clear();
            e.proposal = if vote_beats(&cfg, &n.vote, &initial) {
                n.vote
            } else {
                initial
            };
            self.vote_changed();
            self.send_notifications();
        } else if n.round < self.round {
            return;
        } else if vote_beats(&cfg, &n.vote, &self.election().proposal) {
            self.election().proposal = n.vote;
            self.vote_changed();
            self.send_notifications();
        }
        let round = self.round;
        let e = self.election();
        e.received.insert(
            from,
            Recorded {
                vote: n.vote,
                round: n.round,
                state: n.state,
            },
        );
        let mine = Recorded {
            vote: e.proposal,
            round,
            state: PeerState::Looking,
        };
        let supporters = agreeing(&cfg, &e.received, &mine);
        if !e.finalizing && cfg.is_quorum(&supporters) {
            e.finalizing = true;
            let wait = cfg.finalize_wait_ms;
            self.set_timer(TimerKind::Finalize, wait);
        }
    }

    fn vote_changed(&mut self) {
        let vote = self.election().proposal;
        let round = self.round;
        self.observe(Observation::VoteChanged { round, vote });
    }

    /// A vote from a server that already follows or leads: join it if a quorum agrees and the
    /// leader itself says it is LEADING (checkLeader).
    fn on_settled_vote(&mut self, from: Sid, n: Notification) {
        let cfg = self.cfg.clone();
        let me = self.id;
        let round = self.round;
        let theirs = Recorded {
            vote: n.vote,
            round: n.round,
            state: n.state,
        };
        let e = self.election();
        if n.round == round {
            e.received.insert(from, theirs);
            let supporters = agreeing(&cfg, &e.received, &theirs);
            if cfg.is_quorum(&supporters)
                && leader_confirmed(&e.received, n.vote.leader, n.round, me, round)
            {
                return self.decide(n.vote, supporters);
            }
        }
        let e = self.election();
        e.out_of_election.insert(from, theirs);
        let supporters = agreeing(&cfg, &e.out_of_election, &theirs);
        if cfg.is_quorum(&supporters)
            && leader_confirmed(&e.out_of_election, n.vote.leader, n.round, me, round)
        {
            self.round = n.round;
            self.decide(n.vote, supporters);
        }
    }

    pub(crate) fn election_on_timer(&mut self, kind: TimerKind) {
        let now = self.now;
        let max = self.cfg.max_notification_interval_ms;
        let (cfg, round) = (self.cfg.clone(), self.round);
        let e = self.election();
        match kind {
            TimerKind::Finalize if e.finalizing => {
                let mine = Recorded {
                    vote: e.proposal,
                    round,
                    state: PeerState::Looking,
                };
                let supporters = agreeing(&cfg, &e.received, &mine);
                let vote = e.proposal;
                self.decide(vote, supporters);
            }
            TimerKind::ElectionWait => {
                let due = e.last_heard + e.wait_ms;
                if e.finalizing || now < due {
                    let at = if e.finalizing { now + e.wait_ms } else { due };
                    self.out.push(Output::SetTimer { kind, at });
                    return;
                }
                // Nothing heard for a whole wait: say it again, and wait twice as long.
                e.wait_ms = (e.wait_ms * 2).min(max);
                e.last_heard = now;
                let wait = e.wait_ms;
                self.send_notifications();
                if matches!(self.role, Role::Looking(_)) {
                    self.set_timer(TimerKind::ElectionWait, wait);
                }
            }
            _ => {}
        }
    }

    /// setPeerState: LEADING if the vote names this server, else FOLLOWING (or OBSERVING).
    fn decide(&mut self, vote: Vote, supporters: Vec<Sid>) {
        let state = if vote.leader == self.id {
            PeerState::Leading
        } else if self.is_voter() {
            PeerState::Following
        } else {
            PeerState::Observing
        };
        self.current_vote = (vote, self.round);
        self.out.push(Output::CancelTimer(TimerKind::ElectionWait));
        self.out.push(Output::CancelTimer(TimerKind::Finalize));
        let round = self.round;
        self.observe(Observation::Decided {
            state,
            vote,
            round,
            supporters,
        });
        match state {
            PeerState::Leading => self.become_leader(),
            _ => self.become_learner(vote.leader),
        }
    }
}

/// The voters whose recorded vote agrees with `target` (ZooKeeper's vote tracker).
fn agreeing(cfg: &EnsembleConfig, votes: &BTreeMap<Sid, Recorded>, target: &Recorded) -> Vec<Sid> {
    votes
        .iter()
        .filter(|(sid, r)| cfg.is_voter(**sid) && r.agrees_with(target))
        .map(|(sid, _)| *sid)
        .collect()
}

/// checkLeader: a leader other than me must itself have told me it is LEADING.
fn leader_confirmed(
    votes: &BTreeMap<Sid, Recorded>,
    leader: Sid,
    round: u64,
    me: Sid,
    my_round: u64,
) -> bool {
    if leader == me {
        return my_round == round;
    }
    votes
        .get(&leader)
        .is_some_and(|r| r.state == PeerState::Leading)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::types::Zxid;

    fn v(leader: Sid, zxid: u64, epoch: u64) -> Vote {
        Vote {
            leader,
            zxid: Zxid(zxid),
            peer_epoch: epoch,
        }
    }

    /// The vote order, as a table: (new, current, does new win?).
    #[test]
    fn vote_order_table() {
        let cfg = EnsembleConfig::new(5, 1); // s6 is an observer
        let table = [
            (
                v(3, 0, 0),
                v(2, 0, 0),
                true,
                "same epoch and zxid: higher sid wins",
            ),
            (v(2, 0, 0), v(3, 0, 0), false, "lower sid loses"),
            (v(3, 0, 0), v(3, 0, 0), false, "a vote never beats itself"),
            (
                v(1, 0x100000005, 1),
                v(5, 0x100000004, 1),
                true,
                "higher zxid beats higher sid",
            ),
            (
                v(1, 0x100000001, 2),
                v(5, 0x200000009, 1),
                true,
                "higher epoch beats higher zxid",
            ),
            (
                v(5, 0x300000000, 2),
                v(1, 0x100000001, 3),
                false,
                "the epoch compares first",
            ),
            (
                v(6, 0x900000000, 9),
                v(1, 0, 0),
                false,
                "an observer is never better",
            ),
            (
                v(1, 0, 0),
                Vote::default(),
                true,
                "any voter beats the observer's empty vote",
            ),
            (
                v(7, 0, 0),
                v(1, 0, 0),
                false,
                "an unknown server is never better",
            ),
        ];
        for (new, cur, wins, why) in table {
            assert_eq!(vote_beats(&cfg, &new, &cur), wins, "{why}: {new} vs {cur}");
        }
    }

    #[test]
    fn vote_equality_follows_zookeeper_vote_equals() {
        let looking = Recorded {
            vote: v(3, 5, 1),
            round: 2,
            state: PeerState::Looking,
        };
        let mut other_round = looking;
        other_round.round = 3;
        assert!(
            !looking.agrees_with(&other_round),
            "LOOKING votes must share the round"
        );
        let following = Recorded {
            vote: v(3, 9, 1),
            round: 7,
            state: PeerState::Following,
        };
        let leading = Recorded {
            vote: v(3, 1, 1),
            round: 4,
            state: PeerState::Leading,
        };
        assert!(
            following.agrees_with(&leading),
            "settled votes agree on leader and epoch alone"
        );
        assert!(!following.agrees_with(&looking));
    }
}
