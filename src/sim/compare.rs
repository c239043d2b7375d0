//! Zab and Paxos side by side: two worlds of the same size and seed, the same commands applied
//! to both at the same virtual time, and short explanations of the differences as they show
//! up (protocol.md §7, points a-e). The page's comparison view drives this; so can a test.

use super::narrate::FeedCursor;
use super::paxos::server::PaxosObservation;
use super::types::{Millis, Sid};
use super::world::{Command, Fact, Protocol, World, WorldConfig};
use super::zab::{Observation, SyncMode};

/// One of the differences protocol.md §7 asks the comparison to make visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Point {
    /// (a) Zab orders the primary's state updates; Multi-Paxos agrees slot by slot.
    PrimaryOrder,
    /// (b) Recovery: Zab installs one whole prefix; Paxos re-proposes each open slot.
    Recovery,
    /// (c) Zab's two epochs vs Paxos's promised ballot.
    Epochs,
    /// (d) Zab relies on FIFO connections; Paxos tolerates loss and reordering.
    Fifo,
    /// (e) When a new leader may start proposing.
    FirstProposal,
}

impl Point {
    pub const ALL: [Point; 5] = [
        Point::PrimaryOrder,
        Point::Recovery,
        Point::Epochs,
        Point::Fifo,
        Point::FirstProposal,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Point::PrimaryOrder => "Primary order vs slots",
            Point::Recovery => "Whole prefix vs per-slot re-proposal",
            Point::Epochs => "Two epochs vs one ballot",
            Point::Fifo => "FIFO connections vs lossy messages",
            Point::FirstProposal => "When a new leader may propose",
        }
    }
}

/// An explanation, tied to what just happened in both runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub at: Millis,
    pub point: Point,
    pub text: String,
}

pub struct Comparison {
    pub zab: World,
    pub paxos: World,
    explanations: Vec<Explanation>,
    zab_read: FeedCursor,
    paxos_read: FeedCursor,
    /// Facts seen so far, to word the explanations with real numbers.
    zab_sync: Option<(Sid, SyncMode, u64)>,
    paxos_leading: Option<(Sid, String, usize, usize)>,
    cut_seen: bool,
    zab_epoch: u64,
}

impl Comparison {
    /// Two ensembles of `voters` (+ `observers`) with the same seed and network.
    pub fn new(voters: usize, observers: usize, seed: u64) -> Comparison {
        let zab_cfg = WorldConfig::new(voters, observers, seed);
        let mut paxos_cfg = zab_cfg.clone();
        paxos_cfg.protocol = Protocol::Paxos;
        let (mut zab, mut paxos) = (World::new(zab_cfg), World::new(paxos_cfg));
        zab.enable_feed();
        paxos.enable_feed();
        Comparison {
            zab,
            paxos,
            explanations: Vec::new(),
            zab_read: FeedCursor::new(),
            paxos_read: FeedCursor::new(),
            zab_sync: None,
            paxos_leading: None,
            cut_seen: false,
            zab_epoch: 0,
        }
    }

    /// The same command, now, on both. Each side may refuse on its own (sessions are a
    /// ZooKeeper feature): both answers come back.
    pub fn apply(&mut self, cmd: Command) -> (Result<(), String>, Result<(), String>) {
        if matches!(cmd, Command::Cut { .. } | Command::Isolate(_)) {
            self.cut_seen = true;
        }
        let both = (self.zab.apply(cmd.clone()), self.paxos.apply(cmd));
        self.explain();
        both
    }

    pub fn run_until(&mut self, t: Millis) {
        self.zab.run_until(t);
        self.paxos.run_until(t);
        self.explain();
    }

    pub fn now(&self) -> Millis {
        self.zab.now()
    }

    /// Every explanation so far, oldest first; each point is explained once, when it first
    /// shows up, and again when a later event gives it new numbers.
    pub fn explanations(&self) -> &[Explanation] {
        &self.explanations
    }

    fn explain(&mut self) {
        let zab_new: Vec<(Millis, Sid, Observation)> = (self.zab_read.read_new(&self.zab))
            .into_iter()
            .filter_map(|e| match e.what {
                Fact::Zab(o) => Some((e.at, e.sid, o.clone())),
                Fact::Paxos(_) | Fact::Client(_) => None,
            })
            .collect();
        let paxos_new: Vec<(Millis, Sid, PaxosObservation)> =
            (self.paxos_read.read_new(&self.paxos))
                .into_iter()
                .filter_map(|e| match e.what {
                    Fact::Paxos(o) => Some((e.at, e.sid, o.clone())),
                    Fact::Zab(_) | Fact::Client(_) => None,
                })
                .collect();
        for (at, sid, o) in &zab_new {
            self.on_zab(*at, *sid, o);
        }
        for (at, sid, o) in &paxos_new {
            self.on_paxos(*at, *sid, o);
        }
    }

    fn say(&mut self, at: Millis, point: Point, text: String) {
        if self.explanations.iter().any(|e| e.text == text) {
            return;
        }
        self.explanations.push(Explanation { at, point, text });
    }

    fn seen(&self, point: Point) -> bool {
        self.explanations.iter().any(|e| e.point == point)
    }

    fn on_zab(&mut self, now: Millis, sid: Sid, o: &Observation) {
        match o {
            Observation::AcceptedEpoch { epoch } if !self.seen(Point::Epochs) => self.say(
                now,
                Point::Epochs,
                format!(
                    "Zab: s{} accepted epoch {epoch} (acceptedEpoch, like a Paxos promise) but makes it current only once the leader is established (currentEpoch): two durable numbers where Paxos keeps one promised ballot.",
                    sid
                ),
            ),
            Observation::LeaderEstablished { epoch } => self.zab_epoch = *epoch,
            // Only a sync after a leader change is recovery (epoch 1 starts from nothing).
            Observation::SyncChosen { learner, mode, txns, .. } if self.zab_epoch > 1 => {
                self.zab_sync = Some((*learner, *mode, *txns as u64));
                if self.recovery_ready() {
                    self.explain_recovery(now);
                }
            }
            Observation::LeaderServing { epoch, zxid } if !self.seen(Point::FirstProposal) => self.say(
                now,
                Point::FirstProposal,
                format!(
                    "Zab: s{} serves epoch {epoch} from {zxid} only now, after a quorum acknowledged NEWLEADER; a Multi-Paxos leader may propose new slots right after phase 1.",
                    sid
                ),
            ),
            Observation::LeaderCommitted { zxid, .. } if !self.seen(Point::PrimaryOrder) => self.say(
                now,
                Point::PrimaryOrder,
                format!(
                    "Zab: {zxid} commits only after every smaller zxid: the primary's updates apply in its order, with many proposals outstanding. Multi-Paxos decides each slot on its own and may hold values of different ballots in neighbouring slots."
                ),
            ),
            Observation::Abandoned { reason, .. } if self.cut_seen && !self.seen(Point::Fifo) && reason.lost_leader() => self.say(
                now,
                Point::Fifo,
                format!(
                    "Zab: s{} dropped its connection ({reason}) and will resync from a new one: Zab needs FIFO, gap-free streams. Paxos just resends what a cut lost.",
                    sid
                ),
            ),
            _ => {}
        }
    }

    fn on_paxos(&mut self, now: Millis, sid: Sid, o: &PaxosObservation) {
        if let PaxosObservation::Leading {
            ballot,
            reproposed,
            noops,
        } = o
        {
            if ballot.round < 2 {
                return; // the first leader recovers nothing
            }
            self.paxos_leading = Some((sid, ballot.to_string(), *reproposed, *noops));
            if self.recovery_ready() {
                self.explain_recovery(now);
            }
        }
    }

    /// Recovery is worth explaining once both sides recovered something after a leader change.
    fn recovery_ready(&self) -> bool {
        self.paxos_leading.is_some() && self.zab_sync.is_some()
    }

    fn explain_recovery(&mut self, now: Millis) {
        let (Some((learner, mode, txns)), Some((leader, ballot, reproposed, noops))) =
            (self.zab_sync, self.paxos_leading.clone())
        else {
            return;
        };
        let zab = format!(
            "Zab's new leader brought s{learner} up to date with one {} ({txns} txn(s) sent), keeping every original zxid: its whole history wins as one prefix.",
            mode.as_str()
        );
        let paxos = if reproposed + noops == 0 {
            format!("Paxos's new leader s{leader} ran phase 1 with ballot {ballot} over every slot it had not learned; none was open, so there was nothing to re-propose.")
        } else {
            format!("Paxos's new leader s{leader} re-proposed {reproposed} open slot(s) under its own ballot {ballot} and filled {noops} gap(s) with no-ops, slot by slot.")
        };
        self.say(now, Point::Recovery, format!("Recovery: {zab} {paxos}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leader_crash_on_both_sides_explains_recovery_and_first_proposals() {
        let mut c = Comparison::new(5, 0, 3);
        c.apply(Command::StartAll).0.unwrap();
        c.run_until(3_000);
        for (i, at) in [1, 2, 3].into_iter().enumerate() {
            let (z, p) = c.apply(Command::Write {
                at: Some(at),
                path: format!("/k{i}"),
                data: "v".into(),
            });
            assert!(z.is_ok() && p.is_ok());
        }
        c.run_until(4_000);
        // Crash whoever leads on each side, then let both recover.
        let zab_leader = c.zab.serving_leader().unwrap();
        let paxos_leader = c.paxos.serving_leader().unwrap();
        c.zab.apply(Command::Crash(zab_leader)).unwrap();
        c.paxos.apply(Command::Crash(paxos_leader)).unwrap();
        c.run_until(12_000);
        let points: Vec<Point> = c.explanations().iter().map(|e| e.point).collect();
        for p in [
            Point::Epochs,
            Point::FirstProposal,
            Point::PrimaryOrder,
            Point::Recovery,
        ] {
            assert!(
                points.contains(&p),
                "{p:?} never explained: {:#?}",
                c.explanations()
            );
        }
        assert!(c.explanations().iter().all(|e| !e.text.is_empty()));
        let (z, p) = c.apply(Command::SessionOpen { at: Some(1) });
        assert!(
            z.is_ok() && p.is_err(),
            "sessions exist on the Zab side only"
        );
    }

    /// The world's feed is bounded (4,000 entries): a comparison that has run past it many
    /// times over still reads what is new, and still explains.
    #[test]
    fn explanations_keep_coming_after_the_feed_wraps() {
        let mut c = Comparison::new(5, 0, 3);
        c.apply(Command::StartAll).0.unwrap();
        c.run_until(3_000);
        let mut t = 3_000;
        let mut writes = 0;
        while c.zab.feed_end() < 12_000 || c.paxos.feed_end() < 12_000 {
            writes += 1;
            let at = (writes % 5) + 1;
            let _ = c.apply(Command::Write {
                at: Some(at),
                path: format!("/k{}", writes % 7),
                data: "v".into(),
            });
            t += 20;
            c.run_until(t);
            assert!(t < 600_000, "the feeds never wrapped");
        }
        let before = c.explanations().len();
        assert!(!c.explanations().iter().any(|e| e.point == Point::Recovery));
        let zab_leader = c.zab.serving_leader().unwrap();
        let paxos_leader = c.paxos.serving_leader().unwrap();
        c.zab.apply(Command::Crash(zab_leader)).unwrap();
        c.paxos.apply(Command::Crash(paxos_leader)).unwrap();
        c.run_until(t + 10_000);
        assert!(
            c.explanations()[before..]
                .iter()
                .any(|e| e.point == Point::Recovery),
            "no recovery explained after the feed wrapped: {:#?}",
            c.explanations()
        );
    }

    #[test]
    fn a_cut_explains_fifo() {
        let mut c = Comparison::new(3, 0, 5);
        let _ = c.apply(Command::StartAll);
        c.run_until(3_000);
        let leader = c.zab.serving_leader().unwrap();
        let _ = c.apply(Command::Isolate(leader));
        c.run_until(6_000);
        assert!(
            c.explanations().iter().any(|e| e.point == Point::Fifo),
            "{:#?}",
            c.explanations()
        );
    }
}
