//! LOOKING: Fast Leader Election (FastLeaderElection.lookForLeader), as a state machine.
//!
//! A server votes for itself, tells every voter, adopts better votes as they arrive, and once
//! a quorum of voters shares its vote it waits finalizeWait for a better one before deciding.
//! Servers already FOLLOWING or LEADING answer with their settled vote, which is how a server
//! that restarts joins a running ensemble. FLE alone gives no safety; Zab's discovery does.

use super::config::EnsembleConfig;
use super::message::{Message, Notification, PeerState, Vote};
use super::server::{Core, Next, Observation, Output, TimerKind};
use crate::sim::types::{Millis, Sid};
use std::collections::BTreeMap;
use std::rc::Rc;

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

    /// lookForLeader: a new round, a vote for itself, notifications to every voter.
    pub(crate) fn start(core: &mut Core) -> Election {
        core.round += 1;
        let mut e = Election {
            proposal: initial_vote(core),
            wait_ms: core.cfg.finalize_wait_ms,
            last_heard: core.now,
            ..Election::default()
        };
        core.out.push(Output::CancelTimer(TimerKind::Finalize));
        core.observe(Observation::ElectionStarted {
            round: core.round,
            vote: e.proposal,
        });
        e.send_notifications(core);
        core.set_timer(TimerKind::ElectionWait, core.cfg.finalize_wait_ms);
        e
    }

    fn send_notifications(&mut self, core: &mut Core) {
        let n = Notification {
            vote: self.proposal,
            round: core.round,
            state: PeerState::Looking,
        };
        let (cfg, me) = (Rc::clone(&core.cfg), core.id);
        for v in cfg.voters.iter().copied().filter(|v| *v != me) {
            core.send(v, Message::Notification(n));
        }
        // A voter's own notification reaches its own queue at once (QuorumCnxManager loopback).
        // It is a LOOKING vote, and those never decide (only settled votes and the Finalize
        // timer do), so it cannot end the election that sends it.
        if core.is_voter() && self.consume(core, core.id, &n) {
            self.on_looking_vote(core, core.id, n);
        }
    }

    /// A notification received while LOOKING (a settled server answers in `Server`).
    pub(crate) fn on_notification(&mut self, core: &mut Core, from: Sid, n: Notification) -> Next {
        if !self.consume(core, from, &n) {
            return Next::Stay;
        }
        match n.state {
            PeerState::Looking => self.on_looking_vote(core, from, n),
            PeerState::Observing => {}
            PeerState::Following | PeerState::Leading => {
                return self.on_settled_vote(core, from, n)
            }
        }
        Next::Stay
    }

    /// Whether a notification counts: non-voters and stale rounds are answered with our
    /// proposal, and while finalising only a better vote interrupts the quiet period.
    fn consume(&mut self, core: &mut Core, from: Sid, n: &Notification) -> bool {
        if !core.cfg.is_voter(from) {
            // Non-voters (observers) are answered, never counted.
            self.reply_with_proposal(core, from);
            return false;
        }
        if n.state == PeerState::Looking && n.round < core.round {
            self.reply_with_proposal(core, from);
        }
        if self.finalizing {
            if !vote_beats(&core.cfg, &n.vote, &self.proposal) {
                // Consumed while finalising: the quiet period starts again.
                core.set_timer(TimerKind::Finalize, core.cfg.finalize_wait_ms);
                return false;
            }
            self.finalizing = false;
            core.out.push(Output::CancelTimer(TimerKind::Finalize));
        }
        self.last_heard = core.now;
        true
    }

    fn reply_with_proposal(&self, core: &mut Core, to: Sid) {
        if to == core.id {
            return;
        }
        core.send(
            to,
            Message::Notification(Notification {
                vote: self.proposal,
                round: core.round,
                state: PeerState::Looking,
            }),
        );
    }

    fn on_looking_vote(&mut self, core: &mut Core, from: Sid, n: Notification) {
        if n.round > core.round {
            core.round = n.round;
            let initial = initial_vote(core);
            self.received.clear();
            self.proposal = if vote_beats(&core.cfg, &n.vote, &initial) {
                n.vote
            } else {
                initial
            };
            self.vote_changed(core);
            self.send_notifications(core);
        } else if n.round < core.round {
            return;
        } else if vote_beats(&core.cfg, &n.vote, &self.proposal) {
            self.proposal = n.vote;
            self.vote_changed(core);
            self.send_notifications(core);
        }
        self.received.insert(
            from,
            Recorded {
                vote: n.vote,
                round: n.round,
                state: n.state,
            },
        );
        let supporters = agreeing(&core.cfg, &self.received, &self.mine(core));
        if !self.finalizing && core.cfg.is_quorum(&supporters) {
            self.finalizing = true;
            core.set_timer(TimerKind::Finalize, core.cfg.finalize_wait_ms);
        }
    }

    /// This server's own proposal, as the vote tracker records it.
    fn mine(&self, core: &Core) -> Recorded {
        Recorded {
            vote: self.proposal,
            round: core.round,
            state: PeerState::Looking,
        }
    }

    fn vote_changed(&self, core: &mut Core) {
        core.observe(Observation::VoteChanged {
            round: core.round,
            vote: self.proposal,
        });
    }

    /// A vote from a server that already follows or leads: join it if a quorum agrees and the
    /// leader itself says it is LEADING (checkLeader).
    fn on_settled_vote(&mut self, core: &mut Core, from: Sid, n: Notification) -> Next {
        let (me, round) = (core.id, core.round);
        let theirs = Recorded {
            vote: n.vote,
            round: n.round,
            state: n.state,
        };
        if n.round == round {
            self.received.insert(from, theirs);
            let supporters = agreeing(&core.cfg, &self.received, &theirs);
            if core.cfg.is_quorum(&supporters)
                && leader_confirmed(&self.received, n.vote.leader, n.round, me, round)
            {
                return decide(core, n.vote, supporters);
            }
        }
        self.out_of_election.insert(from, theirs);
        let supporters = agreeing(&core.cfg, &self.out_of_election, &theirs);
        if core.cfg.is_quorum(&supporters)
            && leader_confirmed(&self.out_of_election, n.vote.leader, n.round, me, round)
        {
            core.round = n.round;
            return decide(core, n.vote, supporters);
        }
        Next::Stay
    }

    pub(crate) fn on_timer(&mut self, core: &mut Core, kind: TimerKind) -> Next {
        match kind {
            TimerKind::Finalize if self.finalizing => {
                let supporters = agreeing(&core.cfg, &self.received, &self.mine(core));
                decide(core, self.proposal, supporters)
            }
            TimerKind::ElectionWait => {
                self.on_wait(core);
                Next::Stay
            }
            _ => Next::Stay,
        }
    }

    fn on_wait(&mut self, core: &mut Core) {
        let now = core.now;
        let due = self.last_heard + self.wait_ms;
        if self.finalizing || now < due {
            let at = if self.finalizing {
                now + self.wait_ms
            } else {
                due
            };
            core.out.push(Output::SetTimer {
                kind: TimerKind::ElectionWait,
                at,
            });
            return;
        }
        // Nothing heard for a whole wait: say it again, and wait twice as long.
        self.wait_ms = (self.wait_ms * 2).min(core.cfg.max_notification_interval_ms);
        self.last_heard = now;
        self.send_notifications(core);
        core.set_timer(TimerKind::ElectionWait, self.wait_ms);
    }
}

/// The vote a server starts each election with: itself, or nobody for an observer.
fn initial_vote(core: &Core) -> Vote {
    if core.is_voter() {
        Vote {
            leader: core.id,
            zxid: core.last_zxid(),
            peer_epoch: core.disk.current_epoch,
        }
    } else {
        Vote::default()
    }
}

/// setPeerState: LEADING if the vote names this server, else FOLLOWING (or OBSERVING).
fn decide(core: &mut Core, vote: Vote, supporters: Vec<Sid>) -> Next {
    let state = if vote.leader == core.id {
        PeerState::Leading
    } else if core.is_voter() {
        PeerState::Following
    } else {
        PeerState::Observing
    };
    core.current_vote = (vote, core.round);
    core.out.push(Output::CancelTimer(TimerKind::ElectionWait));
    core.out.push(Output::CancelTimer(TimerKind::Finalize));
    core.observe(Observation::Decided {
        state,
        vote,
        round: core.round,
        supporters,
    });
    match state {
        PeerState::Leading => Next::Lead,
        _ => Next::Learn(vote.leader),
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
