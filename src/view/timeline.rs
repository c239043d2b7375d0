//! The run's past, and its other futures: branches, checkpoints, seeks and forks.
//!
//! A run is its configuration plus its timestamped command log (the engine is deterministic),
//! so any moment of it is one replay away. A *branch* is that plain value, the thing a link or
//! an exported script carries; the timeline adds checkpoints (copies of the world, every few
//! virtual seconds, thinned as the run grows) so that a seek replays a bounded stretch, not
//! the whole run. Seeking parks the live edge; "Live" takes it back; acting in the past forks
//! a new branch from that moment and leaves the old one whole, reachable from the branch list.
//!
//! Replays run with the narrated feed on but unread until the end, so a seek narrates only what
//! the story shows (the story is checkpointed beside the world).

use std::rc::Rc;

use super::feed::Story;
use crate::sim::{Command, Millis, World};

/// The first checkpoints are this far apart in virtual time; the spacing doubles whenever
/// `MAX_CHECKPOINTS` are kept (every other one goes), so a seek replays at most two spacings.
pub const CHECKPOINT_EVERY_MS: Millis = 2_000;
pub const MAX_CHECKPOINTS: usize = 48;
/// Branches kept at most (each holds a whole world at its live edge).
pub const MAX_BRANCHES: usize = 8;

/// A world and the page's story at one moment.
#[derive(Clone)]
pub struct Moment {
    pub world: World,
    pub story: Story,
}

/// A copy of one moment of a branch to replay from.
#[derive(Clone)]
struct Checkpoint {
    at: Millis,
    /// How many of the branch's commands the copy has applied.
    commands: usize,
    moment: Rc<Moment>,
}

/// One line of history: the commands given (a plain value), how far it has run, and copies
/// to replay from.
pub struct Branch {
    pub id: u32,
    pub name: String,
    /// The branch it forked from, and when.
    pub parent: Option<(u32, Millis)>,
    /// Every command applied on this branch from the start, with its virtual time.
    pub log: Vec<(Millis, Command)>,
    /// How far the branch has run (its live edge, in virtual ms).
    pub edge: Millis,
    checkpoints: Vec<Checkpoint>,
    spacing: Millis,
    /// The live edge, put aside while the page shows another moment or branch.
    parked: Option<Box<Moment>>,
}

impl Branch {
    fn new(id: u32, name: String, start: &Moment) -> Branch {
        let mut b = Branch {
            id,
            name,
            parent: None,
            log: start.world.command_log().to_vec(),
            edge: start.world.now(),
            checkpoints: Vec::new(),
            spacing: CHECKPOINT_EVERY_MS,
            parked: None,
        };
        b.checkpoint(&start.world, &start.story);
        b
    }

    fn checkpoint(&mut self, world: &World, story: &Story) {
        let mut world = world.checkpoint();
        // Stand after every event due now, as a seek to this moment would.
        world.run_until(world.now());
        self.checkpoints.push(Checkpoint {
            at: world.now(),
            commands: world.command_log().len(),
            moment: Rc::new(Moment {
                world,
                story: story.clone(),
            }),
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the first and every other one after it.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing *= 2;
        }
    }

    /// The moment at `t` on this branch (at most its edge), rebuilt from the last checkpoint
    /// at or before it; with how many events the replay processed.
    fn rebuild(&self, t: Millis) -> (Moment, u64) {
        let t = t.min(self.edge);
        let i = self.checkpoints.partition_point(|c| c.at <= t).max(1) - 1;
        let cp = &self.checkpoints[i];
        let Moment {
            mut world,
            mut story,
        } = (*cp.moment).clone();
        world.enable_feed();
        let before = world.events_processed();
        for (at, cmd) in self.log[cp.commands..]
            .iter()
            .take_while(|(at, _)| *at <= t)
        {
            world.run_until(*at);
            world
                .apply(cmd.clone())
                .expect("a logged command applies again at its time");
        }
        world.run_until(t);
        story.read(&world);
        let replayed = world.events_processed() - before;
        (Moment { world, story }, replayed)
    }

    /// When the next logged command after the first `applied` is due, if any.
    fn next_command(&self, applied: usize) -> Option<Millis> {
        self.log.get(applied).map(|(at, _)| *at)
    }
}

/// What a seek did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seek {
    pub to: Millis,
    /// Events the replay processed (from the nearest checkpoint).
    pub replayed: u64,
}

/// Every branch of the run; one is active: the page shows a moment of it.
pub struct Timeline {
    branches: Vec<Branch>,
    active: usize,
    next_id: u32,
    /// Events the last seek replayed (for the benchmark and the info tab).
    last_replayed: u64,
}

impl Timeline {
    /// A timeline whose first branch starts at `start`.
    pub fn new(world: &World, story: &Story) -> Timeline {
        let start = Moment {
            world: world.clone(),
            story: story.clone(),
        };
        Timeline {
            branches: vec![Branch::new(1, "Run".into(), &start)],
            active: 0,
            next_id: 2,
            last_replayed: 0,
        }
    }

    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    pub fn active(&self) -> &Branch {
        &self.branches[self.active]
    }

    fn active_mut(&mut self) -> &mut Branch {
        &mut self.branches[self.active]
    }

    /// True while the page shows a moment before the active branch's live edge.
    pub fn in_past(&self) -> bool {
        self.active().parked.is_some()
    }

    /// How far the active branch has run.
    pub fn edge(&self) -> Millis {
        self.active().edge
    }

    /// Takes note of the live edge after it moved: new commands join the branch's log, and a
    /// checkpoint is taken when one is due. Does nothing in the past.
    pub fn record(&mut self, world: &World, story: &Story) {
        if self.in_past() {
            return;
        }
        let b = self.active_mut();
        let log = world.command_log();
        if log.len() > b.log.len() {
            b.log.extend_from_slice(&log[b.log.len()..]);
        }
        b.edge = b.edge.max(world.now());
        let last = b.checkpoints.last().map_or(0, |c| c.at);
        if b.edge >= last + b.spacing {
            b.checkpoint(world, story);
        }
    }

    /// Shows the active branch at `t` (at most its edge): the live edge is parked, `shown`
    /// becomes the moment rebuilt. Seeking to the edge itself is going live.
    pub fn seek(&mut self, world: &mut World, story: &mut Story, t: Millis) -> Seek {
        let edge = self.edge();
        if t >= edge {
            self.go_live(world, story);
            return Seek {
                to: edge,
                replayed: 0,
            };
        }
        self.record(world, story);
        let (moment, replayed) = self.active().rebuild(t);
        let old = swap(world, story, moment);
        let b = self.active_mut();
        if b.parked.is_none() {
            b.parked = Some(Box::new(old));
        }
        self.last_replayed = replayed;
        Seek { to: t, replayed }
    }

    /// Back to the active branch's live edge, if the page was in its past.
    pub fn go_live(&mut self, world: &mut World, story: &mut Story) {
        if let Some(live) = self.active_mut().parked.take() {
            swap(world, story, *live);
        }
    }

    /// While in the past and playing forward: applies the branch's commands due by the
    /// shown world's time, and says when the next one is due (the driver stops there). Once
    /// the shown world has caught up with the live edge, the page is live again (the parked
    /// copy is the same state, so it is dropped).
    pub fn replay_due(&mut self, shown: &mut World) -> Option<Millis> {
        if !self.in_past() {
            return None;
        }
        let b = self.active();
        while let Some(at) = b.next_command(shown.command_log().len()) {
            if at > shown.now() {
                return Some(at);
            }
            let cmd = b.log[shown.command_log().len()].1.clone();
            shown.run_until(at);
            shown
                .apply(cmd)
                .expect("a logged command applies again at its time");
        }
        if shown.now() >= b.edge {
            self.active_mut().parked = None;
        }
        None
    }

    /// Whether acting now would make a new branch, and may.
    pub fn can_fork(&self) -> Result<(), String> {
        if self.in_past() && self.branches.len() >= MAX_BRANCHES {
            return Err(format!(
                "At most {MAX_BRANCHES} branches: delete one in the branch list to act in the past"
            ));
        }
        Ok(())
    }

    /// The person acted in the past: `shown` (already changed by the act, `what` in words)
    /// is the first moment of a new branch, which becomes the active one; the old branch
    /// keeps its live edge and its future. Returns the new branch's id.
    pub fn fork(&mut self, shown: &World, what: &str) -> u32 {
        let from = self.active();
        let at = shown.now();
        let checkpoints = (from.checkpoints.iter())
            .filter(|c| c.at <= at && c.commands < shown.command_log().len())
            .cloned()
            .collect();
        let branch = Branch {
            id: self.next_id,
            name: format!("{what} at {}", seconds(at)),
            parent: Some((from.id, at)),
            log: shown.command_log().to_vec(),
            edge: at,
            checkpoints,
            spacing: from.spacing,
            parked: None,
        };
        self.next_id += 1;
        self.branches.push(branch);
        self.active = self.branches.len() - 1;
        self.active().id
    }

    /// Shows branch `id` at its live edge; the active one is put aside at its own.
    pub fn switch(&mut self, world: &mut World, story: &mut Story, id: u32) -> Result<(), String> {
        let Some(to) = self.branches.iter().position(|b| b.id == id) else {
            return Err(format!("There is no branch {id}"));
        };
        if to == self.active {
            self.go_live(world, story);
            return Ok(());
        }
        let target = self.branches[to]
            .parked
            .take()
            .map(|m| *m)
            .unwrap_or_else(|| self.branches[to].rebuild(Millis::MAX).0);
        let old = swap(world, story, target);
        let b = self.active_mut();
        // The moment shown was the live edge, unless the page was in this branch's past.
        if b.parked.is_none() {
            b.parked = Some(Box::new(old));
        }
        self.active = to;
        Ok(())
    }

    pub fn rename(&mut self, id: u32, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("A branch needs a name".into());
        }
        let b = (self.branches.iter_mut().find(|b| b.id == id))
            .ok_or_else(|| format!("There is no branch {id}"))?;
        b.name = name.chars().take(60).collect();
        Ok(())
    }

    /// Deletes a branch other than the one on show.
    pub fn delete(&mut self, id: u32) -> Result<(), String> {
        let i = (self.branches.iter().position(|b| b.id == id))
            .ok_or_else(|| format!("There is no branch {id}"))?;
        if i == self.active {
            return Err("The branch on show cannot be deleted: switch to another first".into());
        }
        self.branches.remove(i);
        if i < self.active {
            self.active -= 1;
        }
        Ok(())
    }

    /// Where two branches part: the virtual time of their first differing command, or of
    /// the shorter one's edge if one log is a prefix of the other.
    pub fn parting(&self, a: u32, b: u32) -> Option<Millis> {
        let find = |id| self.branches.iter().find(|x| x.id == id);
        let (a, b) = (find(a)?, find(b)?);
        let differ = (a.log.iter().zip(&b.log)).find(|(x, y)| x != y);
        Some(match differ {
            Some((x, y)) => x.0.min(y.0),
            None => a.edge.min(b.edge),
        })
    }

    /// Events the last seek's replay processed.
    pub fn last_replayed(&self) -> u64 {
        self.last_replayed
    }

    /// Bytes the checkpoints and parked worlds hold, roughly: how many there are.
    pub fn checkpoints(&self) -> usize {
        self.branches.iter().map(|b| b.checkpoints.len()).sum()
    }
}

/// Puts `m` in place of the world and story shown; returns what was shown.
fn swap(world: &mut World, story: &mut Story, m: Moment) -> Moment {
    Moment {
        world: std::mem::replace(world, m.world),
        story: std::mem::replace(story, m.story),
    }
}

/// Virtual ms as the page writes them: "12.3 s".
pub fn seconds(ms: Millis) -> String {
    super::spacetime::secs(ms, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::WorldConfig;

    fn start(seed: u64) -> Moment {
        let mut world = World::new(WorldConfig::new(5, 0, seed));
        world.enable_feed();
        world.apply(Command::StartAll).unwrap();
        Moment {
            world,
            story: Story::new(),
        }
    }

    /// Plays the live edge to `t`, recording as the page does every frame.
    fn play(tl: &mut Timeline, m: &mut Moment, t: Millis) {
        while m.world.now() < t {
            let next = (m.world.now() + 16).min(t);
            m.world.run_until(next);
            m.story.read(&m.world);
            tl.record(&m.world, &m.story);
        }
    }

    /// A run with faults and writes on the way: crash, cut, steady writes, restart.
    fn eventful(seed: u64, until: Millis) -> (Timeline, Moment) {
        let mut m = start(seed);
        let mut tl = Timeline::new(&m.world, &m.story);
        let acts = [
            (
                3_000,
                Command::Writes {
                    per_second: 20,
                    at: None,
                },
            ),
            (9_000, Command::Crash(1)),
            (
                15_000,
                Command::Cut {
                    from: 2,
                    to: 3,
                    both: true,
                },
            ),
            (21_000, Command::Restart(1)),
            (27_000, Command::HealAll),
        ];
        for (at, cmd) in acts {
            if at > until {
                break;
            }
            play(&mut tl, &mut m, at);
            m.world.apply(cmd).unwrap();
        }
        play(&mut tl, &mut m, until);
        (tl, m)
    }

    /// The state a straight run of `log` reaches at `t`: no timeline, no checkpoint.
    fn straight(seed: u64, log: &[(Millis, Command)], t: Millis) -> u64 {
        let mut w = World::new(WorldConfig::new(5, 0, seed));
        for (at, cmd) in log.iter().filter(|(at, _)| *at <= t) {
            w.run_until(*at);
            w.apply(cmd.clone()).unwrap();
        }
        w.run_until(t);
        w.state_hash()
    }

    #[test]
    fn a_seek_reaches_the_state_a_straight_run_reaches() {
        let (mut tl, mut m) = eventful(3, 40_000);
        let live = m.world.state_hash();
        let log = tl.active().log.clone();
        assert!(tl.checkpoints() > 10, "{}", tl.checkpoints());
        for t in [0, 1, 2_999, 3_000, 9_001, 15_000, 20_123, 33_333, 39_999] {
            let seek = tl.seek(&mut m.world, &mut m.story, t);
            assert_eq!(m.world.now(), t);
            assert_eq!(m.world.state_hash(), straight(3, &log, t), "at {t} ms");
            assert!(seek.replayed < 20_000, "{} events replayed", seek.replayed);
            assert!(tl.in_past());
        }
        tl.seek(&mut m.world, &mut m.story, 50_000);
        assert!(!tl.in_past(), "seeking past the edge is going live");
        assert_eq!(m.world.state_hash(), live);
    }

    #[test]
    fn playing_forward_from_the_past_replays_the_branch_and_comes_back_live() {
        let (mut tl, mut m) = eventful(4, 30_000);
        let live = m.world.state_hash();
        tl.seek(&mut m.world, &mut m.story, 8_000);
        loop {
            let stop = tl.replay_due(&mut m.world);
            if !tl.in_past() {
                break;
            }
            let target = stop.unwrap_or(tl.edge()).min(m.world.now() + 100);
            m.world.run_until(target);
        }
        assert_eq!(m.world.now(), 30_000);
        assert_eq!(m.world.state_hash(), live);
        assert_eq!(m.world.command_log(), &tl.active().log[..]);
    }

    #[test]
    fn a_fork_keeps_both_branches_whole() {
        let (mut tl, mut m) = eventful(5, 30_000);
        let (live, log) = (m.world.state_hash(), tl.active().log.clone());
        tl.seek(&mut m.world, &mut m.story, 12_000);
        tl.can_fork().unwrap();
        m.world.apply(Command::Crash(4)).unwrap();
        let id = tl.fork(&m.world, "crash s4");
        assert_eq!(tl.branches().len(), 2);
        assert!(!tl.in_past());
        assert_eq!(tl.active().name, "crash s4 at 12.0 s");
        assert_eq!(tl.parting(1, id), Some(12_000));
        play(&mut tl, &mut m, 20_000);
        let forked = m.world.state_hash();
        // The old branch is as it was: its live edge, its log.
        tl.switch(&mut m.world, &mut m.story, 1).unwrap();
        assert_eq!((m.world.state_hash(), &tl.active().log), (live, &log));
        // And the new one too, even rebuilt from its checkpoints.
        tl.switch(&mut m.world, &mut m.story, id).unwrap();
        assert_eq!(m.world.state_hash(), forked);
        tl.seek(&mut m.world, &mut m.story, 16_000);
        assert_eq!(m.world.state_hash(), straight(5, &tl.active().log, 16_000));
        assert!(tl.delete(id).is_err(), "the branch on show stays");
        tl.switch(&mut m.world, &mut m.story, 1).unwrap();
        tl.delete(id).unwrap();
        assert_eq!(tl.branches().len(), 1);
    }

    #[test]
    fn branches_are_capped_with_a_message() {
        let (mut tl, mut m) = eventful(6, 10_000);
        for k in 1..MAX_BRANCHES {
            tl.seek(&mut m.world, &mut m.story, 1_000 + k as Millis * 500);
            tl.can_fork().unwrap();
            let write = Command::Write {
                at: None,
                path: "/fork".into(),
                data: k.to_string(),
            };
            m.world.apply(write).unwrap();
            tl.fork(&m.world, "write /fork");
            play(&mut tl, &mut m, 10_000);
        }
        tl.seek(&mut m.world, &mut m.story, 500);
        let err = tl.can_fork().unwrap_err();
        assert!(err.contains("At most 8 branches"), "{err}");
        assert!(tl.rename(1, "  ").is_err());
        tl.rename(1, "the first run").unwrap();
        assert_eq!(tl.branches()[0].name, "the first run");
    }

    #[test]
    fn checkpoints_thin_out_and_stay_bounded() {
        let (tl, _) = eventful(7, 600_000);
        let b = tl.active();
        assert!(b.checkpoints.len() <= MAX_CHECKPOINTS);
        // The widest gap between two checkpoints is at most two spacings.
        let widest = (b.checkpoints.windows(2))
            .map(|w| w[1].at - w[0].at)
            .max()
            .unwrap();
        assert!(widest <= 2 * b.spacing, "{widest} > 2 × {}", b.spacing);
        assert!(b.spacing <= 32_000, "{}", b.spacing);
    }
}
