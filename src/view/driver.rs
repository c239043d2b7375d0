//! The one driver both pages use: it owns what it simulates (one world, or a comparison of two
//! under one clock), lets virtual time flow at a speed, and says when the text panels may be redrawn (a few times a second while the animation
//! runs, at once after a click).

use crate::sim::compare::Comparison;
use crate::sim::narrate::narrate;
use crate::sim::world::World;
use crate::sim::{Command, Millis, Sid};

/// Slowest and fastest speeds, in virtual ms per real ms.
pub const MIN_SPEED: f64 = 0.002;
pub const MAX_SPEED: f64 = 10.0;
/// The speed a page starts at, and the one it starts at when the person prefers less motion.
pub const DEFAULT_SPEED: f64 = 0.05;
pub const REDUCED_SPEED: f64 = 0.02;
/// Real milliseconds between two updates of the text panels while the animation runs.
pub const PANEL_MS: f64 = 250.0;
/// The steady writes a toggle switches on, per virtual second.
pub const STEADY_RATE: u32 = 10;
/// A narrated step gives up after this many silent steps (each one instant's events: only
/// heartbeats, say).
pub const STEP_EVENTS: usize = 5_000;
/// Pacing: the least real time a message (other than a heartbeat) spends on screen.
pub const MIN_ON_SCREEN_MS: f64 = 600.0;
/// Pacing: how much faster than the set speed an idle stretch (only heartbeats) plays.
pub const FAST_FORWARD: f64 = 8.0;

/// How the last frame played, with pacing on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tempo {
    /// At the set speed.
    AsSet,
    /// Slower than set, so that every message in flight stays on screen long enough.
    Slowed,
    /// Faster than set: nothing but heartbeats was moving.
    FastForward,
}

/// What a driver can drive: a world, or two in step.
pub trait Sim {
    fn run_until(&mut self, t: Millis);
    fn now(&self) -> Millis;
    fn next_event_at(&self) -> Option<Millis>;
    fn server_count(&self) -> Sid;
    fn is_up(&self, sid: Sid) -> bool;
    /// Applies a command now; a comparison applies it to both sides and reports the first
    /// refusal.
    fn apply(&mut self, cmd: Command) -> Result<(), String>;
    /// Grows with every event processed: equal counts, nothing happened.
    fn changes(&self) -> u64;
    /// The shortest flight (sent to delivered, virtual ms) of the messages in flight that are
    /// not heartbeats; `None` when nothing but heartbeats travels.
    fn busy_span(&self) -> Option<Millis>;
    /// Where its narrated feed stands (a cursor: `World::feed_end`, summed over a comparison).
    fn feed_end(&self) -> u64;
    /// Whether the feed has, since `from` (an earlier `feed_end`), a sentence shown by default.
    fn news_since(&self, from: u64) -> bool;
    /// The engine's steady writes per virtual second (0: off).
    fn steady_rate(&self) -> u32;
}

fn news_since(world: &World, from: u64) -> bool {
    let cfg = world.ensemble();
    world
        .feed_since(from)
        .any(|e| narrate(e, cfg).kind.shown_by_default())
}

impl Sim for World {
    fn run_until(&mut self, t: Millis) {
        World::run_until(self, t)
    }
    fn now(&self) -> Millis {
        World::now(self)
    }
    fn next_event_at(&self) -> Option<Millis> {
        World::next_event_at(self)
    }
    fn server_count(&self) -> Sid {
        self.ensemble().server_count() as Sid
    }
    fn is_up(&self, sid: Sid) -> bool {
        World::is_up(self, sid)
    }
    fn apply(&mut self, cmd: Command) -> Result<(), String> {
        World::apply(self, cmd)
    }
    fn changes(&self) -> u64 {
        self.events_processed()
    }
    fn busy_span(&self) -> Option<Millis> {
        World::busy_span(self)
    }
    fn feed_end(&self) -> u64 {
        World::feed_end(self)
    }
    fn news_since(&self, from: u64) -> bool {
        news_since(self, from)
    }
    fn steady_rate(&self) -> u32 {
        World::steady_rate(self)
    }
}

impl Sim for Comparison {
    fn run_until(&mut self, t: Millis) {
        Comparison::run_until(self, t)
    }
    fn now(&self) -> Millis {
        Comparison::now(self)
    }
    fn next_event_at(&self) -> Option<Millis> {
        match (self.zab.next_event_at(), self.paxos.next_event_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
    fn server_count(&self) -> Sid {
        self.zab.ensemble().server_count() as Sid
    }
    fn is_up(&self, sid: Sid) -> bool {
        self.zab.is_up(sid) || self.paxos.is_up(sid)
    }
    fn apply(&mut self, cmd: Command) -> Result<(), String> {
        let (a, b) = Comparison::apply(self, cmd);
        a.and(b)
    }
    fn changes(&self) -> u64 {
        self.zab.events_processed() + self.paxos.events_processed()
    }
    fn busy_span(&self) -> Option<Millis> {
        [self.zab.busy_span(), self.paxos.busy_span()]
            .into_iter()
            .flatten()
            .min()
    }
    /// Both feeds' cursors in one number: Paxos's in the high half.
    fn feed_end(&self) -> u64 {
        self.zab.feed_end() | (self.paxos.feed_end() << 32)
    }
    fn news_since(&self, from: u64) -> bool {
        news_since(&self.zab, from & 0xffff_ffff) || news_since(&self.paxos, from >> 32)
    }
    fn steady_rate(&self) -> u32 {
        self.zab.steady_rate()
    }
}

/// Lets something happen at most every `every` real ms (the text panels while playing).
#[derive(Clone, Debug, PartialEq)]
pub struct Throttle {
    every: f64,
    last: f64,
}

impl Throttle {
    pub fn new(every: f64) -> Throttle {
        Throttle {
            every,
            last: f64::MIN,
        }
    }

    /// True if it may happen at real time `now` (`None`: now, after a click).
    pub fn due(&mut self, now: Option<f64>) -> bool {
        match now {
            None => true,
            Some(t) if t - self.last >= self.every => {
                self.last = t;
                true
            }
            Some(_) => false,
        }
    }
}

/// Virtual time and speed around one `Sim` (steady writes are the engine's own: a command in
/// the run's log, so a replay of the log makes them again).
pub struct Driver<S> {
    pub sim: S,
    /// Virtual time, fractional (the world's clock is whole ms).
    vt: f64,
    speed: f64,
    pub panels: Throttle,
    /// `sim.changes()` when the page last read it.
    seen: Option<u64>,
    /// Pacing (a playback policy only: the engine's clock and every trace are untouched):
    /// slow down while messages travel, speed through stretches of heartbeats.
    pub pacing: bool,
    tempo: Tempo,
    /// A virtual time the driver does not run past: a script waits to act then (the page
    /// polls it there and names the next).
    pub stop_at: Option<Millis>,
    /// Virtual ms per real ms as played lately (pacing makes it differ from `speed`): an
    /// average over a few real seconds.
    observed: f64,
}

/// Real ms over which `observed_speed` averages.
const OBSERVED_MS: f64 = 3_000.0;

impl<S: Sim> Driver<S> {
    pub fn new(sim: S, speed: f64, writes: u32) -> Driver<S> {
        let now = sim.now();
        let mut d = Driver {
            sim,
            vt: now as f64,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
            panels: Throttle::new(PANEL_MS),
            seen: None,
            pacing: false,
            tempo: Tempo::AsSet,
            stop_at: None,
            observed: speed,
        };
        if writes > 0 {
            let _ = d.set_writes(writes);
        }
        d
    }

    /// The same driver, paced (see `pacing`).
    pub fn paced(mut self, on: bool) -> Driver<S> {
        self.pacing = on;
        self
    }

    /// How the last frame played.
    pub fn tempo(&self) -> Tempo {
        self.tempo
    }

    pub fn vt(&self) -> f64 {
        self.vt
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the speed, kept within MIN_SPEED..=MAX_SPEED; returns it.
    pub fn set_speed(&mut self, speed: f64) -> f64 {
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        self.speed
    }

    /// Starts the engine's steady writes at `rate` per virtual second (0: stops them).
    pub fn set_writes(&mut self, rate: u32) -> Result<(), String> {
        self.sim.apply(if rate > 0 {
            Command::Writes {
                per_second: rate,
                at: None,
            }
        } else {
            Command::WritesOff
        })
    }

    /// The steady writes per virtual second (0: off).
    pub fn writes_rate(&self) -> u32 {
        self.sim.steady_rate()
    }

    /// Lets `real_ms` of real time pass at the current speed, or paced: event by event, each
    /// stretch at the speed the messages then in flight allow. Stops early at `stop_at`, and
    /// returns the real time left over then (0 otherwise).
    pub fn play(&mut self, real_ms: f64) -> f64 {
        let from = self.vt;
        let left = self.play_for(real_ms);
        let played = real_ms - left;
        if played > 0.0 {
            let w = (played / OBSERVED_MS).min(1.0);
            self.observed += w * ((self.vt - from) / played - self.observed);
        }
        left
    }

    /// Virtual ms per real ms lately, as played (see `observed`).
    pub fn observed_speed(&self) -> f64 {
        self.observed
    }

    fn play_for(&mut self, real_ms: f64) -> f64 {
        let mut left = real_ms;
        while left > 0.0 {
            let speed = if self.pacing {
                self.paced_speed()
            } else {
                self.speed
            };
            let target = self.vt + left * speed;
            let due = if self.pacing { self.next_due() } else { None };
            let next = match (due, self.stop_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match next {
                Some(at) if at as f64 <= target => {
                    let at = (at as f64).max(self.vt);
                    left -= (at - self.vt) / speed;
                    self.run_to(at);
                    if self.stopped() {
                        return left.max(0.0);
                    }
                }
                _ => {
                    self.run_to(target);
                    left = 0.0;
                }
            }
        }
        0.0
    }

    /// Standing at `stop_at` (or past it).
    pub fn stopped(&self) -> bool {
        self.stop_at.is_some_and(|s| self.vt >= s as f64)
    }

    /// The speed pacing allows now (and the tempo it makes): at most what every message in
    /// flight needs to stay MIN_ON_SCREEN_MS on screen; FAST_FORWARD times the set speed when
    /// only heartbeats travel.
    fn paced_speed(&mut self) -> f64 {
        let Some(span) = self.sim.busy_span() else {
            self.tempo = Tempo::FastForward;
            return self.speed * FAST_FORWARD;
        };
        let slow = span.max(1) as f64 / MIN_ON_SCREEN_MS;
        self.tempo = if slow < self.speed {
            Tempo::Slowed
        } else {
            Tempo::AsSet
        };
        self.speed.min(slow)
    }

    /// When the next thing happens (a steady write is an event like any other).
    fn next_due(&self) -> Option<Millis> {
        self.sim.next_event_at()
    }

    /// Runs event by event until the feed says something shown by default (a vote, a sync, a
    /// commit…), at most `STEP_EVENTS` instants; stands at the last one's time.
    pub fn step_narrated(&mut self) {
        let from = self.sim.feed_end();
        for _ in 0..STEP_EVENTS {
            if self.sim.next_event_at().is_none() {
                return;
            }
            self.step();
            if self.sim.news_since(from) {
                return;
            }
        }
    }

    /// Runs to the next event and stands exactly at its time (nothing if none is due).
    pub fn step(&mut self) {
        if let Some(at) = self.sim.next_event_at() {
            self.run_to(at.max(self.vt.ceil() as Millis) as f64);
        }
    }

    fn run_to(&mut self, target: f64) {
        let target = self
            .stop_at
            .map_or(target, |s| target.min(s as f64).max(self.vt));
        self.sim.run_until(target.floor().max(0.0) as Millis);
        self.vt = target.max(self.sim.now() as f64);
    }

    /// The simulation was replaced (a seek, another branch): virtual time stands at its
    /// clock, and nothing waits to be acted on.
    pub fn resync(&mut self) {
        self.vt = self.sim.now() as f64;
        self.seen = None;
        self.stop_at = None;
    }

    /// True once per change of the simulation (and the first time it is asked).
    pub fn take_change(&mut self) -> bool {
        let now = self.sim.changes();
        let changed = self.seen != Some(now);
        self.seen = Some(now);
        changed
    }

    /// How long a lost message stays drawn, in virtual ms: about 0.9 s of real time.
    pub fn loss_window(&self) -> Millis {
        ((900.0 * self.speed) as Millis).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::WorldConfig;
    use std::collections::{BTreeMap, BTreeSet};

    fn world(voters: usize, seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(voters, 0, seed));
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn steady_writes_commit_at_their_rate_and_take_turns() {
        let mut w = world(3, 1);
        w.enable_feed();
        let mut d = Driver::new(w, 1.0, 20);
        // 10 s of virtual time in 60 fps frames.
        for _ in 0..600 {
            d.play(1000.0 / 60.0);
        }
        assert!((d.vt() - 10_000.0).abs() < 1.0, "{}", d.vt());
        // 20 per virtual second (the one due at exactly 10 s may fall after the last frame).
        let made = d.sim.last_request_id();
        assert!((199..=200).contains(&made), "{made}");
        assert_eq!(d.writes_rate(), 20);
        assert_eq!(d.sim.command_log().len(), 2, "one command for all of them");
        let leader = d.sim.stable_leader().expect("a leader");
        let committed = d.sim.server(leader).unwrap().committed;
        // Writes refused before the first election are lost; the rest commit.
        assert!(committed.counter() >= 150, "{committed}");
        assert!(d.sim.violations().is_empty());
        // Each server in turn answers its own clients: followers forward to the leader.
        let answered: std::collections::BTreeSet<Sid> = (d.sim.feed())
            .filter(|e| {
                matches!(
                    e.what,
                    crate::sim::world::Fact::Zab(crate::sim::zab::Observation::ClientReply { .. })
                )
            })
            .map(|e| e.sid)
            .collect();
        assert_eq!(answered.len(), 3, "{answered:?}");
    }

    #[test]
    fn steady_writes_skip_a_crashed_server_and_stop_when_off() {
        let mut d = Driver::new(world(3, 2), 1.0, 10);
        d.play(3_000.0);
        d.sim.apply(Command::Crash(2)).unwrap();
        let before = d.sim.last_request_id();
        d.play(1_000.0);
        assert_eq!(
            d.sim.last_request_id() - before,
            10,
            "every write made, none at s2"
        );
        d.set_writes(0).unwrap();
        let made = d.sim.last_request_id();
        d.play(1_000.0);
        assert_eq!((d.sim.last_request_id(), d.writes_rate()), (made, 0));
    }

    #[test]
    fn one_driver_runs_a_comparison_in_step() {
        let cmp = Comparison::new(3, 0, 4);
        let mut d = Driver::new(cmp, 0.5, 10);
        Sim::apply(&mut d.sim, Command::StartAll).unwrap();
        for _ in 0..240 {
            d.play(1000.0 / 60.0);
        }
        assert_eq!(d.sim.zab.now(), d.sim.paxos.now());
        assert!((d.vt() - 2_000.0).abs() < 1.0, "{}", d.vt());
        assert!(d.sim.zab.last_request_id() >= 19);
        assert!(d.take_change());
        assert!(!d.take_change(), "nothing happened since");
    }

    #[test]
    fn a_step_stands_at_the_next_event_and_speed_is_clamped() {
        let mut d = Driver::new(world(3, 3), 100.0, 0);
        assert_eq!(d.speed(), MAX_SPEED);
        let next = d.sim.next_event_at().unwrap();
        d.step();
        assert_eq!(d.vt(), next as f64);
        assert_eq!(d.set_speed(0.0), MIN_SPEED);
    }

    /// Frames of 60 fps until `done`, recording for every message (other than a heartbeat)
    /// delivered meanwhile how many frames it was on screen; returns them, the longest real
    /// stretch with nothing moving and no new narration, and the tempi seen.
    fn watch(
        d: &mut Driver<World>,
        seconds: f64,
        done: impl Fn(&World) -> bool,
    ) -> (BTreeMap<u64, (Millis, u32)>, f64, BTreeSet<Tempo>) {
        let frame = 1000.0 / 60.0;
        let start = d.sim.now();
        let mut sent = BTreeMap::new();
        let (mut seen, mut tempi) = (BTreeMap::new(), BTreeSet::new());
        let (mut still, mut longest, mut fed) = (0.0, 0.0f64, d.sim.feed_end());
        for _ in 0..(seconds * 60.0) as usize {
            d.play(frame);
            tempi.insert(d.tempo());
            let moving: Vec<_> = d
                .sim
                .in_flight()
                .into_iter()
                .filter(|m| m.msg.kind() != "PING")
                .collect();
            for m in &moving {
                seen.entry(m.id).or_insert((m.deliver_at - m.sent_at, 0)).1 += 1;
                sent.insert(m.id, m.sent_at);
            }
            let narrated = d.sim.feed_end() != fed;
            fed = d.sim.feed_end();
            still = if moving.is_empty() && !narrated {
                still + frame
            } else {
                0.0
            };
            longest = longest.max(still);
            if done(&d.sim) {
                break;
            }
        }
        let delivered = |m: &u64| d.sim.in_flight().iter().all(|f| f.id != *m);
        // Only what travelled wholly within the window.
        seen.retain(|m, _| delivered(m) && sent[m] >= start);
        (seen, longest, tempi)
    }

    #[test]
    fn paced_at_the_default_speed_every_vote_of_the_first_election_can_be_followed() {
        let mut w = World::new(WorldConfig::new(5, 0, 7));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        let mut d = Driver::new(w, DEFAULT_SPEED, 0).paced(true);
        let (seen, longest, tempi) = watch(&mut d, 120.0, |w| w.stable_leader().is_some());
        assert!(
            d.sim.stable_leader().is_some(),
            "no leader within 2 min of real time"
        );
        assert!(seen.len() >= 20, "only {} messages seen", seen.len());
        // On screen at least MIN_ON_SCREEN_MS (less the frame it arrives in).
        let least = (MIN_ON_SCREEN_MS / (1000.0 / 60.0)) as u32 - 1;
        for (id, (span, frames)) in &seen {
            assert!(
                *frames >= least,
                "message {id} ({span} ms) on screen {frames} frames"
            );
        }
        assert!(longest <= 2_000.0, "nothing moved for {longest} ms");
        assert!(tempi.contains(&Tempo::Slowed) && tempi.contains(&Tempo::FastForward));
    }

    #[test]
    fn paced_steady_writes_stay_visible_and_idle_heartbeats_fast_forward() {
        let mut d = Driver::new(world(3, 5), DEFAULT_SPEED, 0).paced(true);
        d.set_speed(1.0); // even at 20x the default, a message stays on screen
        let _ = watch(&mut d, 30.0, |w| w.stable_leader().is_some());
        d.set_writes(STEADY_RATE).unwrap();
        let (seen, _, _) = watch(&mut d, 20.0, |_| false);
        assert!(seen.len() > 50);
        let least = (MIN_ON_SCREEN_MS / (1000.0 / 60.0)) as u32 - 1;
        let short: Vec<_> = seen.iter().filter(|(_, (_, f))| *f < least).collect();
        assert!(
            short.is_empty(),
            "{} of {}: {short:?}",
            short.len(),
            seen.len()
        );
        d.set_writes(0).unwrap();
        let _ = watch(&mut d, 5.0, |_| false);
        // Only PINGs now: they play FAST_FORWARD times faster than set.
        let vt = d.vt();
        d.play(1000.0);
        assert_eq!(d.tempo(), Tempo::FastForward);
        assert!(
            d.vt() - vt > 1000.0 * 1.0 * 2.0,
            "{} ms in 1 s",
            d.vt() - vt
        );
        // Unpaced, the same driver plays exactly at the set speed.
        d.pacing = false;
        let vt = d.vt();
        d.play(1000.0);
        assert!((d.vt() - vt - 1000.0).abs() < 1.0);
    }

    #[test]
    fn a_narrated_step_stops_at_the_next_sentence_and_a_single_step_at_the_next_event() {
        let mut w = world(3, 6);
        w.enable_feed();
        let mut d = Driver::new(w, DEFAULT_SPEED, 0);
        d.play(50.0);
        let cfg = d.sim.ensemble().clone();
        let mut steps = 0;
        while d.sim.stable_leader().is_none() {
            let from = d.sim.feed_end();
            d.step_narrated();
            steps += 1;
            let said: Vec<_> = d.sim.feed_since(from).map(|e| narrate(e, &cfg)).collect();
            assert!(said.iter().any(|n| n.kind.shown_by_default()), "{said:?}");
            assert_eq!(d.vt(), d.sim.now() as f64, "it stands at the event's time");
        }
        assert!(steps >= 5, "the election in {steps} narrated steps");
        // Then only heartbeats: a narrated step gives up after STEP_EVENTS silent events.
        let (from, events) = (d.sim.feed_end(), d.sim.events_processed());
        d.step_narrated();
        assert!(!d.sim.news_since(from));
        // (A step runs every event due at one instant: at least STEP_EVENTS events.)
        let ran = d.sim.events_processed() - events;
        assert!(
            (STEP_EVENTS as u64..2 * STEP_EVENTS as u64).contains(&ran),
            "{ran}"
        );
        let (events, next) = (d.sim.events_processed(), d.sim.next_event_at().unwrap());
        d.step();
        assert_eq!(
            (d.sim.events_processed() > events, d.vt()),
            (true, next as f64)
        );
    }

    #[test]
    fn the_panel_throttle_lets_one_update_through_per_period() {
        let mut t = Throttle::new(PANEL_MS);
        assert!(t.due(Some(0.0)));
        assert!(!t.due(Some(100.0)));
        assert!(t.due(None), "a click shows at once");
        assert!(t.due(Some(260.0)));
        assert!(!t.due(Some(400.0)));
    }
}
