//! The page's feed: the world's feed narrated (src/sim/narrate.rs), plus what the person at the
//! page did, kept as a bounded list of sentences. It reads the world by sequence number
//! (`FeedCursor`), so it never loses its place when the world's bounded feed wraps; the client
//! tracker reads the same entries.

use std::collections::VecDeque;
use std::rc::Rc;

use super::requests::ClientTracker;
use crate::sim::narrate::{narrate, FeedCursor, Kind};
use crate::sim::world::World;
use crate::sim::{Command, Millis};

/// One sentence of the feed, keyed by `seq`.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedLine {
    pub seq: u64,
    pub at: Millis,
    pub kind: Kind,
    /// Shared, so that a frame copies a pointer, not the sentence.
    pub text: Rc<str>,
}

/// The sentences the page shows and the requests it follows, read from one world.
#[derive(Clone, Debug, Default)]
pub struct Story {
    lines: Rc<VecDeque<FeedLine>>,
    seq: u64,
    cursor: FeedCursor,
    pub tracker: ClientTracker,
}

impl Story {
    /// Lines kept.
    pub const KEEP: usize = 400;

    pub fn new() -> Story {
        Story::default()
    }

    /// The lines so far, oldest first (the same `Rc` until a line is added).
    pub fn lines(&self) -> &Rc<VecDeque<FeedLine>> {
        &self.lines
    }

    /// Adds one sentence (the page's own: "You crashed s3…").
    pub fn push(&mut self, at: Millis, kind: Kind, text: String) {
        self.seq += 1;
        let lines = Rc::make_mut(&mut self.lines);
        if lines.len() == Self::KEEP {
            // The per-server log/apply lines are many and hidden by default: they go first,
            // so that the rest of the story stays longer.
            match lines.iter().position(|l| l.kind == Kind::Log) {
                Some(i) => {
                    lines.remove(i);
                }
                None => {
                    lines.pop_front();
                }
            }
        }
        lines.push_back(FeedLine {
            seq: self.seq,
            at,
            kind,
            text: Rc::from(text),
        });
    }

    /// Applies a command of the person at the page: on success the feed says so and a write
    /// is followed to its answer; a refusal changes nothing and is returned.
    pub fn apply(&mut self, world: &mut World, cmd: Command) -> Result<(), String> {
        let text = describe(&cmd);
        let write = match &cmd {
            Command::Write {
                at: Some(at),
                path,
                data,
            } => Some((*at, format!("{path} = {data:?}"))),
            _ => None,
        };
        world.apply(cmd)?;
        if let Some((at, what)) = write {
            self.tracker.remember(world, at, what);
        }
        self.push(world.now(), Kind::You, text);
        Ok(())
    }

    /// Narrates the world's feed entries added since the last read, and lets the tracker see
    /// them. Returns how many were read.
    pub fn read(&mut self, world: &World) -> usize {
        let cfg = world.ensemble().clone();
        let entries = self.cursor.read_new(world);
        let n = entries.len();
        let mut said = Vec::with_capacity(n);
        for e in entries {
            self.tracker.observe(e, &cfg);
            let s = narrate(e, &cfg);
            said.push((e.at, s.kind, s.text));
        }
        for (at, kind, text) in said {
            self.push(at, kind, text);
        }
        n
    }
}

/// A sentence for what the person at the page did (one wording for the feed, the page
/// and the CLI: `Command::describe`).
pub fn describe(cmd: &Command) -> String {
    cmd.describe()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, WorldConfig};
    use crate::view::requests::RequestState;

    #[test]
    fn the_story_keeps_reading_after_the_worlds_feed_wraps() {
        let mut w = World::new(WorldConfig::new(5, 0, 3));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        let mut story = Story::new();
        let mut read = 0;
        let mut t = 0;
        // Writes enough to wrap the world's 4,000-entry feed a few times, reading as a page
        // does, every 50 ms.
        while t < 45_000 {
            t += 50;
            if let Some(l) = w.serving_leader() {
                w.apply(Command::Write {
                    at: Some(l),
                    path: format!("/k{}", t % 7),
                    data: "v".into(),
                })
                .unwrap();
            }
            w.run_until(t);
            read += story.read(&w);
        }
        assert!(read > 2 * 4000, "only {read} entries read");
        assert_eq!(
            w.feed().count(),
            4000,
            "the world keeps only its newest entries"
        );
        // The newest line is the world's newest entry, narrated.
        let cfg = w.ensemble().clone();
        let newest = narrate(w.feed().last().unwrap(), &cfg).text;
        assert_eq!(&*story.lines().back().unwrap().text, newest.as_str());
        assert_eq!(story.lines().len(), Story::KEEP);
        // A write after the wrap is still followed to its answer.
        let l = w.serving_leader().unwrap();
        w.apply(Command::Write {
            at: Some(l),
            path: "/late".into(),
            data: "1".into(),
        })
        .unwrap();
        story.tracker.remember(&w, l, "/late = 1".into());
        w.run_until(t + 500);
        story.read(&w);
        assert!(matches!(
            story.tracker.requests.back().unwrap().state,
            RequestState::Answered { .. }
        ));
    }

    #[test]
    fn a_command_is_told_and_a_refusal_changes_nothing() {
        let mut w = World::new(WorldConfig::new(3, 0, 1));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        let mut story = Story::new();
        story.apply(&mut w, Command::Crash(2)).unwrap();
        assert_eq!(
            &*story.lines().back().unwrap().text,
            "You crashed s2: its volatile state is gone, its disk is kept"
        );
        let lines = story.lines().clone();
        assert!(story.apply(&mut w, Command::Crash(2)).is_err());
        assert!(Rc::ptr_eq(&lines, story.lines()), "nothing said");
        story
            .apply(
                &mut w,
                Command::Write {
                    at: Some(1),
                    path: "/a".into(),
                    data: "x".into(),
                },
            )
            .unwrap();
        let r = story.tracker.requests.back().unwrap();
        assert_eq!((r.id, r.at, r.what.as_str()), (1, 1, "/a = \"x\""));
    }

    #[test]
    fn log_lines_go_first_when_the_story_is_full() {
        let mut story = Story::new();
        story.push(0, Kind::You, "first".into());
        for i in 0..Story::KEEP {
            story.push(i as Millis, Kind::Log, format!("log {i}"));
        }
        assert_eq!(&*story.lines()[0].text, "first");
        assert_eq!(story.lines().len(), Story::KEEP);
        let seqs: Vec<u64> = story.lines().iter().map(|l| l.seq).collect();
        assert!(seqs.windows(2).all(|p| p[0] < p[1]));
    }
}
