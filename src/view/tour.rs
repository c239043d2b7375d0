//! The tour: cards that each ask for one thing and move on when it is done. Its first use is
//! the first-run hint (crash the leader · cut a link · write a value); the share-and-teach
//! issue adds tours of its own on the same mechanism. A step is done by what the person did
//! (a typed command), never by reading text back, and the tour never does anything itself.

use crate::sim::{Command, Sid};

/// What a step waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Crash the server that leads at that moment.
    CrashLeader,
    /// Cut any link, one way or both (a partition or an isolation counts).
    CutLink,
    /// Write a value.
    Write,
}

impl Goal {
    /// Whether `cmd`, applied while `leader` led, does what this step asks.
    pub fn met_by(self, cmd: &Command, leader: Option<Sid>) -> bool {
        match (self, cmd) {
            (Goal::CrashLeader, Command::Crash(s) | Command::Wipe(s)) => Some(*s) == leader,
            (Goal::CutLink, Command::Cut { .. } | Command::Isolate(_) | Command::Partition(_)) => {
                true
            }
            (Goal::Write, Command::Write { .. }) => true,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: &'static str,
    pub text: &'static str,
    pub goal: Goal,
}

/// The first-run hint: three things to try, in the order a newcomer learns most from.
pub const FIRST_RUN: &[Step] = &[
    Step {
        title: "Crash the leader",
        text: "Click the server with the crown and choose Crash: watch the others notice and elect a new one.",
        goal: Goal::CrashLeader,
    },
    Step {
        title: "Cut a link",
        text: "Click a line between two servers to cut it, one way or both; or split servers off in the Partition tab.",
        goal: Goal::CutLink,
    },
    Step {
        title: "Write a value",
        text: "Press Write in the client box: follow the REQUEST, PROPOSAL, ACKs and COMMIT, and the new column in the logs.",
        goal: Goal::Write,
    },
];

#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    steps: &'static [Step],
    at: usize,
    /// Steps done by doing them (not skipped with Next).
    pub done: Vec<bool>,
}

impl Tour {
    pub fn new(steps: &'static [Step]) -> Tour {
        Tour {
            steps,
            at: 0,
            done: vec![false; steps.len()],
        }
    }

    /// The step on show, `None` once the tour is over.
    pub fn step(&self) -> Option<&Step> {
        self.steps.get(self.at)
    }

    /// Which step is on show (from 0) and how many there are.
    pub fn progress(&self) -> (usize, usize) {
        (self.at, self.steps.len())
    }

    pub fn is_over(&self) -> bool {
        self.at >= self.steps.len()
    }

    /// A command the person gave: the step on show moves on if it asked for it. True if the
    /// tour changed.
    pub fn observe(&mut self, cmd: &Command, leader: Option<Sid>) -> bool {
        match self.step() {
            Some(s) if s.goal.met_by(cmd, leader) => {
                self.done[self.at] = true;
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    /// Skips the step on show.
    pub fn next(&mut self) {
        self.at = (self.at + 1).min(self.steps.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write() -> Command {
        Command::Write {
            at: None,
            path: "/config".into(),
            data: "v1".into(),
        }
    }

    #[test]
    fn each_step_waits_for_its_own_action_in_order() {
        let mut t = Tour::new(FIRST_RUN);
        let leader = Some(3);
        // Not the leader, and not yet a cut or a write: the first step stays.
        assert!(!t.observe(&Command::Crash(1), leader));
        assert!(!t.observe(&write(), leader));
        assert_eq!(t.step().unwrap().goal, Goal::CrashLeader);
        assert!(t.observe(&Command::Crash(3), leader));
        assert_eq!(t.progress(), (1, 3));
        assert!(t.observe(
            &Command::Cut {
                from: 1,
                to: 2,
                both: false
            },
            Some(2)
        ));
        assert!(t.observe(&write(), Some(2)));
        assert!(t.is_over() && t.step().is_none());
        assert_eq!(t.done, vec![true, true, true]);
        assert!(
            !t.observe(&write(), Some(2)),
            "an over tour ignores everything"
        );
    }

    #[test]
    fn next_skips_a_step_without_counting_it_done() {
        let mut t = Tour::new(FIRST_RUN);
        t.next();
        assert_eq!(t.step().unwrap().goal, Goal::CutLink);
        assert!(t.observe(&Command::Partition(vec![vec![1]]), None));
        t.next();
        t.next();
        assert!(t.is_over());
        assert_eq!(t.done, vec![false, true, false]);
    }

    #[test]
    fn a_wipe_of_the_leader_counts_as_crashing_it_and_no_leader_never_matches() {
        assert!(Goal::CrashLeader.met_by(&Command::Wipe(2), Some(2)));
        assert!(!Goal::CrashLeader.met_by(&Command::Crash(2), None));
        assert!(Goal::CutLink.met_by(&Command::Isolate(4), None));
        assert!(!Goal::CutLink.met_by(&Command::HealAll, None));
    }
}
