//! The single-ensemble page's state and its reducer, natively: what is selected and open, the
//! driver, the story and the frame. `Page::reduce` takes one `Action` (a click, a key, an
//! animation frame) and rebuilds the frame at most once; the Yew root only adds what needs a
//! browser (the clock, the URL, the theme) and renders `page.frame`.

use std::rc::Rc;

use super::action::Player;
pub use super::action::{
    Action, DiagramAction, Dir, JumpTo, Shortcut, Tab, TimeAction, TourStep, Transport,
};
use super::diagram::{Cursor, Records, TRACE_CAP};
use super::driver::{Driver, STEADY_RATE};
use super::feed::Story;
use super::files::Download;
use super::frame::{Frame, FrameInput};
use super::presets::{self, Preset};
use super::spacetime::{Diagram, Item};
use super::timeline::Timeline;
use super::tour::Tour;
use crate::sim::narrate::Kind;
use crate::sim::scenario::step::{Next, Stepper};
use crate::sim::world::{Protocol, WorldConfig};
use crate::sim::{Command, Millis, Sid, World};

/// How many times one animation frame lets a playing script act at most (at a high speed a
/// frame spans many of its 10 ms checks; the rest of the frame waits for the next).
const MAX_POLLS_PER_FRAME: usize = 200;

/// Which popover is open.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Menu {
    None,
    Server(Sid),
    Link(Sid, Sid),
    /// A message's fields (by id; it may be delivered meanwhile).
    Message(u64),
    /// A client's menu (its index among the clients drawn).
    Client(usize),
}

pub struct Page {
    pub(super) config: WorldConfig,
    pub driver: Driver<World>,
    pub story: Story,
    pub frame: Rc<Frame>,
    pub playing: bool,
    pub selected: Option<Sid>,
    /// The client the client panel works with.
    pub client: Option<Rc<str>>,
    pub menu: Menu,
    /// The side column's tab on show.
    pub tab: Tab,
    pub help: bool,
    /// The outcome of the last action, when it needs saying ("Could not do that: …").
    pub status: Option<String>,
    /// Bumped by the `p` shortcut: the partition tool takes the focus.
    pub partition_focus: u32,
    /// Set by the `t` shortcut for the root to apply (a theme needs the browser).
    pub theme_asked: bool,
    /// Pause the run when an invariant first breaks (on by default), so its moment can be read.
    pub pause_on_violation: bool,
    /// The tour on show (the first-run hint), if any.
    pub tour: Option<Tour>,
    /// Set when the person ends the tour, for the root to remember (storage needs the browser).
    pub tour_closed: bool,
    /// The preset playing, if any.
    pub script: Option<Playback>,
    /// The run's past and its branches.
    pub timeline: Timeline,
    /// The space-time diagram's settings.
    pub diagram: Diagram,
    /// What the diagram draws, per branch.
    pub records: Records,
    /// Where the world stood before a command given in the past (a fork parts there).
    fork_at: Option<Cursor>,
    /// Frames since the diagram was last drawn (see `DIAGRAM_EVERY`).
    diagram_frames: u32,
    /// The last export asked for, for the root to hand to the browser (a download).
    pub download: Option<Rc<Download>>,
    /// The script file whose run is on show (its name and text): Reset opens it again.
    pub(super) opened: Option<Rc<(String, String)>>,
}

/// While playing, the diagram is drawn every third animation frame (20 a second): its
/// playhead moves a pixel or two a frame, and drawing it is most of what it costs. A click
/// or a text-panel refresh draws it at once.
const DIAGRAM_EVERY: u32 = 3;

/// A new world; `start`: with every server started (a script starts its own).
fn boot(config: &WorldConfig, start: bool) -> World {
    let mut world = World::new(config.clone());
    world.enable_feed();
    world.enable_trace(Some(TRACE_CAP));
    if start {
        world
            .apply(Command::StartAll)
            .expect("StartAll on a fresh world");
    }
    world
}

/// A preset playing: its script, stepped at the times it names.
pub struct Playback {
    pub preset: &'static Preset,
    stepper: Stepper,
    /// How it ended: every line ran (`Ok`), or the line that failed and why.
    pub outcome: Option<Result<usize, String>>,
}

/// The feed's first line: what this ensemble is.
fn introduce(cfg: &WorldConfig) -> String {
    let e = &cfg.ensemble;
    let observers = if e.observers.is_empty() {
        String::new()
    } else {
        format!(" + {} observers", e.observers.len())
    };
    format!(
        "A new ensemble: {} voters{observers}, seed {}, tickTime {} ms, latency {}–{} ms",
        e.voters.len(),
        cfg.seed,
        e.tick_ms,
        cfg.latency_min,
        cfg.latency_max
    )
}

impl Page {
    pub fn new(config: WorldConfig, speed: f64, writes: u32) -> Page {
        let mut page = Page {
            driver: Driver::new(boot(&config, true), speed, writes).paced(true),
            config,
            story: Story::new(),
            frame: Rc::new(Frame::empty()),
            playing: true,
            selected: None,
            client: None,
            menu: Menu::None,
            tab: Tab::default(),
            help: false,
            status: None,
            partition_focus: 0,
            theme_asked: false,
            pause_on_violation: true,
            tour: None,
            tour_closed: false,
            script: None,
            timeline: Timeline::new(&World::new(WorldConfig::new(1, 0, 0)), &Story::new()),
            diagram: Diagram::default(),
            records: Records::default(),
            fork_at: None,
            diagram_frames: 0,
            download: None,
            opened: None,
        };
        page.reset();
        page
    }

    /// Single-decree Paxos decides once, among competing proposers: two clients propose at
    /// once, at the first and the last server, so the page starts with the duel it is about.
    fn propose_rivals(&mut self) {
        let last = self.server_count();
        for (at, data) in [(1, "red"), (last, "blue")] {
            let cmd = Command::Write {
                at: Some(at),
                path: "/decree".into(),
                data: data.into(),
            };
            let _ = self.story.apply(&mut self.driver.sim, cmd);
        }
    }

    pub fn world(&self) -> &World {
        &self.driver.sim
    }

    pub fn server_count(&self) -> Sid {
        self.world().ensemble().server_count() as Sid
    }

    /// A new world with these settings (the speed and steady writes stay).
    pub fn configure(&mut self, config: WorldConfig, writes: u32) {
        self.config = config;
        self.script = None;
        self.restart(true, writes);
    }

    /// Starts over: the same settings, or the preset playing from its first line.
    fn reset(&mut self) {
        if let Some(file) = self.opened.clone() {
            return self.import(&file.0, &file.1);
        }
        if let Some(preset) = self.script.as_ref().map(|p| p.preset) {
            return self.play_preset(preset.name);
        }
        self.restart(true, self.driver.writes_rate());
    }

    /// A new world (`start`: with every server started) and `writes` steady writes a second.
    pub(super) fn restart(&mut self, start: bool, writes: u32) {
        let speed = self.driver.speed();
        let pacing = self.driver.pacing;
        self.driver = Driver::new(boot(&self.config, start), speed, writes).paced(pacing);
        self.frame = Rc::new(Frame::empty());
        self.story = Story::new();
        self.story.push(0, Kind::You, introduce(&self.config));
        // A script (a preset, a file opened) starts its own servers and proposes its own values.
        if start && self.config.protocol == Protocol::PaxosSingle {
            self.propose_rivals();
        }
        self.menu = Menu::None;
        self.status = None;
        self.opened = None;
        let n = self.server_count();
        if self.selected.is_some_and(|s| s > n) {
            self.selected = None;
        }
        self.timeline = Timeline::new(&self.driver.sim, &self.story);
        self.records = Records::default();
        self.diagram.focus = None;
        self.diagram.hover = None;
        self.diagram.pinned = None;
        self.refresh(true, None);
    }

    /// A new world as the preset's script configures it, its lines played as time comes.
    fn play_preset(&mut self, name: &str) {
        let Some(preset) = presets::find(name) else {
            self.status = Some(format!("There is no preset {name}"));
            return;
        };
        match preset.load() {
            Err(e) => self.status = Some(format!("Could not load the preset: {e}")),
            Ok((config, stepper)) => {
                self.config = config;
                self.restart(false, 0);
                let text = format!("Preset “{}”: {}", preset.title(), preset.about());
                self.story.push(0, Kind::You, text);
                self.script = Some(Playback {
                    preset,
                    stepper,
                    outcome: None,
                });
                self.client = None;
                self.tab = Tab::Feed;
                self.poll_script();
                self.refresh(true, None);
            }
        }
    }

    /// Lets the preset act if its time came: lines run until one waits, and the driver is
    /// told not to run past the time it waits for.
    fn poll_script(&mut self) {
        let Some(pb) = self.script.as_mut().filter(|p| p.outcome.is_none()) else {
            return;
        };
        if self.driver.stop_at.is_some() && !self.driver.stopped() {
            return;
        }
        // What happened up to now comes before what the script does now.
        self.story.read(&self.driver.sim);
        let next = pb.stepper.poll(&mut self.driver.sim);
        for d in pb.stepper.take_done() {
            let mark = if d.expectation { "✓" } else { "▸" };
            let text = format!("{mark} line {}: {}", d.line, d.text);
            self.story.push(d.at, Kind::You, text);
        }
        pb.stepper.take_output();
        self.driver.stop_at = None;
        let now = self.driver.sim.now();
        match next {
            Ok(Next::RunTo(t)) => self.driver.stop_at = Some(t),
            Ok(Next::Done) => {
                let held = pb.stepper.expectations();
                pb.outcome = Some(Ok(held));
                let text =
                    format!("The preset is over: every line ran and {held} expectations held");
                self.story.push(now, Kind::You, text);
            }
            Err(e) => {
                let text = format!("The preset stopped at line {}: {}", e.line, e.message);
                pb.outcome = Some(Err(text.clone()));
                self.story.push(now, Kind::You, text.clone());
                self.status = Some(text);
            }
        }
    }

    /// The leader as the ring shows it (crowned): the serving one, else one still syncing.
    fn shown_leader(&self) -> Option<Sid> {
        self.world().serving_leader().or_else(|| {
            let servers = &self.frame.scene.servers;
            servers
                .iter()
                .find(|v| v.mode == crate::sim::view::Mode::Leader)
                .map(|v| v.id)
        })
    }

    fn apply(&mut self, cmd: Command) {
        if !self.may_act() {
            return;
        }
        let leader = self.shown_leader();
        self.status = match self.story.apply(&mut self.driver.sim, cmd.clone()) {
            Ok(()) => {
                self.observe(&cmd, leader);
                self.acted(&cmd);
                None
            }
            Err(e) => Some(format!("Could not do that: {e}")),
        };
        self.refresh(true, None);
    }

    /// Acting in the past makes a branch: false (and why, in the status) if no more may be.
    fn may_act(&mut self) -> bool {
        self.fork_at = self.timeline.in_past().then(|| Cursor::of(self.world()));
        match self.timeline.can_fork() {
            Ok(()) => true,
            Err(e) => {
                self.status = Some(e);
                self.refresh(true, None);
                false
            }
        }
    }

    /// A command was applied: in the past, it starts a new branch from this moment.
    fn acted(&mut self, cmd: &Command) {
        if self.timeline.in_past() {
            let parent = self.timeline.active().id;
            let id = self.timeline.fork(&self.driver.sim, &cmd.to_string());
            let at = self
                .fork_at
                .take()
                .unwrap_or_else(|| Cursor::of(self.world()));
            self.records.fork(parent, id, at);
            self.driver.stop_at = None;
            let name = &self.timeline.active().name;
            let text = format!("A new branch ({id}): “{name}”; the old one stays in the list");
            let now = self.world().now();
            self.story.push(now, Kind::You, text);
        }
    }

    /// Moves through time or between branches; every move pauses, except going live.
    fn time(&mut self, a: TimeAction) {
        let (world, story) = (&mut self.driver.sim, &mut self.story);
        let outcome = match a {
            TimeAction::Seek(t) => {
                self.timeline.seek(world, story, t);
                Ok(())
            }
            TimeAction::Live => {
                self.timeline.go_live(world, story);
                self.playing = true;
                Ok(())
            }
            TimeAction::Branch(id) => self.timeline.switch(world, story, id),
            TimeAction::Rename(id, name) => {
                let outcome = self.timeline.rename(id, &name);
                return self.report(outcome);
            }
            TimeAction::Delete(id) => {
                let outcome = self.timeline.delete(id);
                let keep: Vec<u32> = self.timeline.branches().iter().map(|b| b.id).collect();
                self.records.retain(&keep);
                return self.report(outcome);
            }
            TimeAction::Step(dir) | TimeAction::Jump(_, dir) => {
                let now = world.now();
                let record = self.records.get(self.timeline.active().id);
                let to = record.and_then(|r| match a {
                    TimeAction::Jump(what, _) => Diagram::jump(r, what.marks(), dir, now),
                    _ => Diagram::step(r, dir, now),
                });
                match to {
                    Some(t) => {
                        self.timeline.seek(world, story, t);
                        Ok(())
                    }
                    None => Err(self.nothing_there(&a)),
                }
            }
        };
        if !matches!(a, TimeAction::Live) {
            self.playing = false;
        }
        if let Some(pb) = self.script.take() {
            let text = format!(
                "The preset “{}” stops here: its run so far stays",
                pb.preset.title()
            );
            self.story.push(self.world().now(), Kind::You, text);
        }
        self.driver.resync();
        self.frame = Rc::new(Frame::empty());
        self.menu = Menu::None;
        self.replay();
        self.report(outcome);
    }

    /// Why a step or a jump went nowhere.
    fn nothing_there(&self, a: &TimeAction) -> String {
        let way = |d: &Dir| if *d == Dir::Back { "before" } else { "after" };
        match a {
            TimeAction::Jump(what, d) => {
                format!("No {} {} this moment on this branch", what.label(), way(d))
            }
            TimeAction::Step(d) => format!("Nothing recorded {} this moment", way(d)),
            _ => String::new(),
        }
    }

    /// The diagram's own controls: most only change what it draws; a click on an event
    /// moves the whole page there.
    fn diagram(&mut self, a: DiagramAction) {
        let now = self.world().now();
        let d = &mut self.diagram;
        if d.set(&a, now) {
            return self.refresh(true, None);
        }
        match a {
            DiagramAction::Walk(dir) => {
                if let Some(r) = self.records.get(self.timeline.active().id) {
                    d.walk(r, dir, now);
                }
            }
            DiagramAction::Enter => {
                let Some(item) = d.focus.clone() else {
                    return;
                };
                let r = self.records.get(self.timeline.active().id);
                let to = r.and_then(|r| match &item {
                    Item::Flight(id) => (r.flights().iter().rev())
                        .find(|f| f.id == *id)
                        .map(|f| (f.sent + f.due.saturating_sub(f.sent) / 2, Some(f.id))),
                    Item::Mark(at, ..) => Some((*at, None)),
                });
                if let Some((at, id)) = to {
                    return self.go(at, id);
                }
            }
            DiagramAction::Go(at, id) => {
                d.focus = id.map(Item::Flight);
                return self.go(at, id);
            }
            _ => {}
        }
        self.refresh(true, None);
    }

    /// The page at `at` (paused), message `id` highlighted on the ring and the diagram.
    fn go(&mut self, at: Millis, id: Option<u64>) {
        if self.diagram.pinned.is_none() {
            // The window stays where it was: the person clicked on what they saw.
            let (_, to) = self.diagram.window(self.world().now());
            self.diagram.pinned = Some(to);
        }
        self.diagram.hover = id;
        self.time(TimeAction::Seek(at));
    }

    fn report(&mut self, outcome: Result<(), String>) {
        self.status = outcome.err();
        self.refresh(true, None);
    }

    /// In the past, the branch's own commands come again as their times come: the driver
    /// stops at the next one.
    fn replay(&mut self) {
        if self.timeline.in_past() {
            self.driver.stop_at = self.timeline.replay_due(&mut self.driver.sim);
        }
    }

    /// The tour hears of every command the person gave (it never gives one).
    fn observe(&mut self, cmd: &Command, leader: Option<Sid>) {
        if let Some(t) = &mut self.tour {
            t.observe(cmd, leader);
        }
    }

    fn tour(&mut self, step: TourStep) {
        match step {
            TourStep::Next => {
                if let Some(t) = &mut self.tour {
                    t.next();
                }
            }
            TourStep::End => {
                self.tour = None;
                self.tour_closed = true;
            }
        }
    }

    fn partition(&mut self, group: Vec<Sid>) {
        let n = self.server_count();
        if group.is_empty() || group.len() as Sid >= n {
            self.status = Some("Pick some servers, not all of them, to split from the rest".into());
            return;
        }
        if !self.may_act() {
            return;
        }
        // One engine command: the run's log says `partition 1,2`, not a dozen cuts.
        let cmd = Command::Partition(vec![group.clone()]);
        if self.driver.sim.apply(cmd.clone()).is_ok() {
            self.acted(&cmd);
        }
        self.observe(&cmd, None);
        let names: Vec<String> = group.iter().map(|s| format!("s{s}")).collect();
        let now = self.world().now();
        let text = format!("You split {} from the rest", names.join(", "));
        self.story.push(now, Kind::You, text);
        self.status = None;
        self.refresh(true, None);
    }

    fn set_writes(&mut self, rate: u32) {
        if !self.may_act() {
            return;
        }
        if let Err(e) = self.driver.set_writes(rate) {
            self.status = Some(format!("Could not do that: {e}"));
            return;
        }
        let cmd = self.world().command_log().last().map(|(_, c)| c.clone());
        if let Some(cmd) = cmd {
            self.acted(&cmd);
        }
        let text = if rate > 0 {
            format!("Steady writes on: {rate} per virtual second, at each server in turn")
        } else {
            "Steady writes off".into()
        };
        let now = self.world().now();
        self.story.push(now, Kind::You, text);
        self.refresh(true, None);
    }

    fn select(&mut self, s: Option<Sid>) {
        // Selecting a server is asking about it: its inspector comes to the front.
        if s.is_some() && self.selected != s {
            self.tab = Tab::Inspector;
        }
        self.selected = s;
        if let Menu::Server(m) = self.menu {
            if Some(m) != s {
                self.menu = Menu::None;
            }
        }
        self.refresh(true, None);
    }

    /// The selected server, or a hint to select one.
    fn target(&mut self) -> Option<Sid> {
        if self.selected.is_none() {
            self.status =
                Some("Select a server first (keys 1–9, [ and ], or l for the leader)".into());
        }
        self.selected
    }

    /// The action a shortcut stands for here, if any; `Err(redraw)` when it is handled
    /// without one (or does nothing).
    fn action_of(&mut self, k: Shortcut) -> Result<Action, bool> {
        let n = self.server_count();
        let sel = self.selected;
        let now = self.world().now();
        let fault = move |s: Sid| match k {
            Shortcut::Crash => Command::Crash(s),
            Shortcut::Restart => Command::Restart(s),
            Shortcut::Wipe => Command::Wipe(s),
            Shortcut::Isolate => Command::Isolate(s),
            _ => Command::Write {
                at: Some(s),
                path: format!("/s{s}"),
                data: format!("t{now}"),
            },
        };
        Ok(match k {
            Shortcut::Play => Action::Play(Transport::TogglePlay),
            Shortcut::Step => Action::Play(Transport::Step),
            Shortcut::StepEvent => Action::Play(Transport::StepEvent),
            Shortcut::Faster => Action::Play(Transport::Speed(self.driver.speed() * 1.5)),
            Shortcut::Slower => Action::Play(Transport::Speed(self.driver.speed() / 1.5)),
            Shortcut::Reset => Action::Reset,
            Shortcut::Select(s) if (1..=n).contains(&s) => Action::Select(Some(s)),
            Shortcut::Select(_) => return Err(false),
            Shortcut::SelectLeader => Action::Select(self.shown_leader()),
            Shortcut::Prev => {
                Action::Select(Some(sel.map_or(n, |s| if s <= 1 { n } else { s - 1 })))
            }
            Shortcut::Next => {
                Action::Select(Some(sel.map_or(1, |s| if s >= n { 1 } else { s + 1 })))
            }
            Shortcut::Crash
            | Shortcut::Restart
            | Shortcut::Wipe
            | Shortcut::Isolate
            | Shortcut::WriteHere => match self.target() {
                Some(s) => Action::Command(fault(s)),
                None => return Err(true),
            },
            Shortcut::HealAll => Action::Command(Command::HealAll),
            Shortcut::AutoWrite => Action::Writes(if self.driver.writes_rate() > 0 {
                0
            } else {
                STEADY_RATE
            }),
            Shortcut::Partition => {
                self.tab = Tab::Partition;
                self.partition_focus += 1;
                return Err(true);
            }
            Shortcut::Menu => match sel {
                Some(s) => Action::OpenServer(s),
                None => return Err(false),
            },
            Shortcut::Theme => {
                self.theme_asked = true;
                return Err(true);
            }
            Shortcut::Help => Action::Help(!self.help),
            Shortcut::Escape if self.help => Action::Help(false),
            Shortcut::Escape if self.menu != Menu::None => Action::CloseMenu,
            Shortcut::Escape => Action::Select(None),
        })
    }

    /// Applies one action; true if the page must be drawn again.
    pub fn reduce(&mut self, action: Action) -> bool {
        match action {
            Action::Play(t) => return self.transport(t),
            Action::Reset => self.reset(),
            Action::Command(cmd) => self.apply(cmd),
            Action::MenuCommand(cmd) => {
                self.menu = Menu::None;
                self.apply(cmd);
            }
            Action::Writes(rate) => self.set_writes(rate),
            Action::Partition(group) => self.partition(group),
            Action::Select(s) => self.select(s),
            Action::OpenServer(s) => {
                self.menu = Menu::Server(s);
                self.select(Some(s));
            }
            Action::OpenLink(a, b) => self.menu = Menu::Link(a.min(b), a.max(b)),
            Action::OpenMessage(id) => {
                self.menu = Menu::Message(id);
                self.playing = false;
            }
            Action::OpenClient(name) => {
                let index = (self.frame.scene.clients.iter()).find(|c| c.name == name);
                if let Some(c) = index {
                    self.menu = Menu::Client(c.index);
                }
                self.client = Some(name);
                self.tab = Tab::Clients;
            }
            Action::SelectClient(name) => self.client = name,
            Action::Preset(name) => self.play_preset(name),
            Action::CloseMenu => {
                return std::mem::replace(&mut self.menu, Menu::None) != Menu::None;
            }
            Action::Tab(t) => {
                self.tab = t;
                // The inspector is built only while its tab is on show: build it now.
                self.refresh(true, None);
            }
            Action::Tour(step) => self.tour(step),
            Action::PauseOnViolation(on) => self.pause_on_violation = on,
            Action::Help(open) => self.help = open,
            Action::Key(k) => {
                return match self.action_of(k) {
                    Ok(a) => self.reduce(a),
                    Err(redraw) => redraw,
                };
            }
            Action::Time(a) => self.time(a),
            Action::Diagram(a) => self.diagram(a),
            Action::Files(a) => self.files(a),
        }
        true
    }
}

impl Player for Page {
    type Sim = World;

    fn driver(&mut self) -> &mut Driver<World> {
        &mut self.driver
    }

    fn playing(&mut self) -> &mut bool {
        &mut self.playing
    }

    fn advance(&mut self, real_ms: f64) {
        let mut left = real_ms;
        // A frame may cross several of the script's times (each hold checks every 10 ms).
        for _ in 0..MAX_POLLS_PER_FRAME {
            self.replay();
            left = self.driver.play(left);
            self.poll_script();
            self.replay();
            if left <= 0.0 || self.driver.stop_at.is_none() {
                break;
            }
        }
    }

    fn after_step(&mut self) {
        self.poll_script();
        self.replay();
    }

    /// The next frame, from the world and the story.
    fn rebuild(&mut self, panels: bool) {
        self.story.read(&self.driver.sim);
        self.timeline.record(&self.driver.sim, &self.story);
        self.records
            .read(self.timeline.active().id, &self.driver.sim);
        let input = FrameInput {
            // The inspector (a server's tree, its four-letter words) is built only while its
            // tab is on show.
            selected: self.selected.filter(|_| self.tab == Tab::Inspector),
            loss_window: self.driver.loss_window(),
            story: Some(&self.story),
            panels,
        };
        let before = self.frame.violations.len();
        let mut frame = Frame::build(&self.driver.sim, &self.frame, &input);
        let record = self.records.get(self.timeline.active().id);
        self.diagram.follow_speed(self.driver.observed_speed());
        self.diagram_frames += 1;
        let due = panels || self.diagram_frames >= DIAGRAM_EVERY || frame.diagram.is_none();
        frame.diagram = match (self.diagram.open, due) {
            (false, _) => None,
            (true, false) => frame.diagram.take(),
            (true, true) => {
                self.diagram_frames = 0;
                let now = self.driver.sim.now();
                Some(Rc::new(self.diagram.view(&self.driver.sim, record, now)))
            }
        };
        frame.info = (self.tab == Tab::Info).then(|| {
            let now = super::info::info(&self.driver.sim, &self.timeline, &self.records);
            match &self.frame.info {
                Some(prev) if **prev == now => prev.clone(),
                _ => Rc::new(now),
            }
        });
        self.frame = Rc::new(frame);
        if before == 0 && !self.frame.violations.is_empty() && self.pause_on_violation {
            self.playing = false;
            self.status = Some(
                "Paused: an invariant broke just now. The invariant panel says which and why; \
                 its servers are ringed in red. Press Play to go on."
                    .into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        let mut p = Page::new(WorldConfig::new(3, 0, 5), 1.0, 0);
        p.driver.pacing = false; // these test the reducer, at exact virtual times
                                 // Three virtual seconds at 60 frames a second: a leader by then.
        for i in 0..180 {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: i as f64 * 1000.0 / 60.0,
            }));
        }
        p
    }

    /// Real seconds of play at the default speed, paced, until `done`.
    fn seconds_until(p: &mut Page, done: impl Fn(&World) -> bool) -> f64 {
        let frame = 1000.0 / 60.0;
        for i in 0..60 * 120 {
            if done(p.world()) {
                return i as f64 * frame / 1000.0;
            }
            p.reduce(Action::Play(Transport::Tick {
                real_ms: frame,
                at: i as f64 * frame,
            }));
        }
        f64::INFINITY
    }

    #[test]
    fn steady_writes_from_the_start_flow_once_a_leader_serves() {
        let mut p = Page::new(WorldConfig::new(7, 0, 4), 1.0, 20);
        p.driver.pacing = false;
        for i in 0..300 {
            let at = i as f64 * 1000.0 / 60.0;
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at,
            }));
        }
        assert_eq!(p.driver.writes_rate(), 20);
        let leader = p.world().stable_leader().expect("a leader");
        let committed = p.world().server(leader).unwrap().committed;
        assert!(committed.counter() > 20, "{committed}");
    }

    #[test]
    fn scrubbing_back_pauses_acting_forks_and_branches_switch() {
        let mut p = page();
        p.reduce(Action::Writes(STEADY_RATE));
        for i in 0..120 {
            let at = i as f64 * 1000.0 / 60.0;
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at,
            }));
        }
        let (edge, live) = (p.world().now(), p.world().state_hash());
        p.reduce(Action::Time(TimeAction::Seek(1_500)));
        assert!(!p.playing && p.timeline.in_past());
        assert_eq!((p.world().now(), p.driver.vt()), (1_500, 1_500.0));
        // Playing on in the past replays the branch: its steady writes start at their time.
        p.reduce(Action::Play(Transport::TogglePlay));
        for i in 0..150 {
            let at = i as f64 * 1000.0 / 60.0;
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at,
            }));
        }
        assert_eq!(p.world().steady_rate(), STEADY_RATE);
        assert!(p.timeline.in_past() && p.world().now() > 3_000);
        p.reduce(Action::Time(TimeAction::Seek(2_000)));
        p.reduce(Action::Command(Command::Crash(2)));
        assert_eq!(p.timeline.branches().len(), 2);
        assert!(
            !p.timeline.in_past(),
            "the new branch is live at its moment"
        );
        assert_eq!(p.timeline.active().name, "crash 2 at 2.0 s");
        assert!(!p.world().is_up(2));
        p.reduce(Action::Time(TimeAction::Branch(1)));
        assert_eq!((p.world().now(), p.world().state_hash()), (edge, live));
        assert!(p.world().is_up(2));
        p.reduce(Action::Time(TimeAction::Live));
        assert!(p.playing);
        assert!(p.reduce(Action::Time(TimeAction::Delete(1))));
        assert!(p.status.is_some(), "the branch on show stays");
    }

    #[test]
    fn the_diagram_draws_the_run_links_to_the_ring_and_moves_the_page() {
        let mut p = page();
        assert!(p.frame.diagram.is_none(), "closed: nothing built");
        p.reduce(Action::Diagram(DiagramAction::Open(true)));
        let v = p.frame.diagram.clone().expect("open: drawn");
        assert_eq!(v.lanes.len(), 3);
        assert!(v.arrows().any(|a| a.kind == "NOTIFICATION"));
        assert!(v.marks().any(|m| &*m.short == "LEADING"));
        // A click on an arrow: the page goes to the moment it was half way, paused, and the
        // message is the one highlighted, here and on the ring.
        let a = v
            .arrows()
            .find(|a| a.kind == "NOTIFICATION")
            .unwrap()
            .clone();
        p.reduce(Action::Diagram(DiagramAction::Go(a.jump, Some(a.id))));
        assert!(!p.playing && p.timeline.in_past());
        assert_eq!(p.world().now(), a.jump);
        assert!(
            p.frame.scene.messages.iter().any(|m| m.id == a.id),
            "on the ring"
        );
        let v = p.frame.diagram.clone().unwrap();
        assert!(v.arrows().any(|x| x.id == a.id && x.hot));
        // Jumps: back to the election, then step one happening on.
        p.reduce(Action::Time(TimeAction::Jump(
            JumpTo::Election,
            Dir::Forward,
        )));
        let decided = p.world().now();
        assert!(decided > a.jump, "{decided}");
        p.reduce(Action::Time(TimeAction::Step(Dir::Forward)));
        assert!(p.world().now() > decided);
        p.reduce(Action::Time(TimeAction::Jump(
            JumpTo::Violation,
            Dir::Forward,
        )));
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("No violation after"));
    }

    #[test]
    fn a_fork_keeps_its_parents_past_in_the_diagram_and_the_parent_its_future() {
        let mut p = page();
        p.reduce(Action::Diagram(DiagramAction::Open(true)));
        let edge = p.world().now();
        let parent = p.records.get(1).unwrap().flights().len();
        p.reduce(Action::Time(TimeAction::Seek(1_000)));
        p.reduce(Action::Command(Command::Crash(1)));
        let child = p.timeline.active().id;
        let forked = p.records.get(child).unwrap();
        assert!(forked.flights().iter().all(|f| f.sent <= 1_000));
        assert!(forked.flights().len() < parent);
        let crash = forked.marks().back().unwrap();
        assert_eq!((&*crash.short, crash.at), ("crash", 1_000));
        assert_eq!(p.records.get(1).unwrap().flights().len(), parent);
        // Playing the new branch on records only what it does.
        for i in 0..60 {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: i as f64 * 16.7,
            }));
        }
        let ids: Vec<u64> = (p.records.get(child).unwrap().flights().iter())
            .map(|f| f.id)
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "no message twice");
        p.reduce(Action::Time(TimeAction::Branch(1)));
        assert_eq!(p.world().now(), edge);
        assert_eq!(p.records.get(1).unwrap().flights().len(), parent);
    }

    #[test]
    fn paxos_starts_by_itself_at_the_default_speed() {
        let speed = crate::view::driver::DEFAULT_SPEED;
        let mut cfg = WorldConfig::new(5, 0, 1);
        cfg.protocol = Protocol::PaxosSingle;
        let mut p = Page::new(cfg.clone(), speed, 0);
        let single = seconds_until(&mut p, |w| w.stable_leader().is_some());
        let chosen = p.world().paxos_chosen().get(&0).map(|(v, _)| v.to_string());
        assert!(
            matches!(chosen.as_deref(), Some("/decree=red" | "/decree=blue")),
            "{chosen:?}"
        );
        cfg.protocol = Protocol::Paxos;
        let mut p = Page::new(cfg, speed, 0);
        let multi = seconds_until(&mut p, |w| w.serving_leader().is_some());
        assert!(single < 10.0 && multi < 8.0, "{single} s, {multi} s");
    }

    #[test]
    fn clicking_a_message_opens_its_fields_and_pauses() {
        let mut p = page();
        let id = p.frame.scene.messages.first().map(|m| m.id).unwrap_or(1);
        assert!(p.playing);
        assert!(p.reduce(Action::OpenMessage(id)));
        assert_eq!((p.menu, p.playing), (Menu::Message(id), false));
        assert!(p.reduce(Action::Key(Shortcut::Escape)));
        assert_eq!(p.menu, Menu::None);
    }

    #[test]
    fn a_menu_click_is_one_update_that_closes_the_menu() {
        let mut p = page();
        let leader = p.world().stable_leader().unwrap();
        assert!(p.reduce(Action::OpenServer(leader)));
        assert_eq!((p.menu, p.selected), (Menu::Server(leader), Some(leader)));
        assert_eq!(
            p.frame.inspector.as_ref().unwrap().mode,
            crate::sim::view::Mode::Leader
        );
        assert!(p.reduce(Action::MenuCommand(Command::Crash(leader))));
        assert_eq!(p.menu, Menu::None);
        assert!(!p.world().is_up(leader));
        // The frame already shows it: the card, the inspector and the feed.
        assert_eq!(
            p.frame.scene.servers[leader as usize - 1].mode,
            crate::sim::view::Mode::Down
        );
        assert_eq!(
            p.frame.inspector.as_ref().unwrap().mode,
            crate::sim::view::Mode::Down
        );
        assert!(p
            .frame
            .feed
            .back()
            .unwrap()
            .text
            .starts_with(&format!("You crashed s{leader}")));
    }

    #[test]
    fn keys_act_on_the_selection_and_escape_unwinds() {
        let mut p = page();
        assert!(p.reduce(Action::Key(Shortcut::Crash)));
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Select a server first"));
        assert!(
            !p.reduce(Action::Key(Shortcut::Select(9))),
            "no s9 in three"
        );
        p.reduce(Action::Key(Shortcut::Select(2)));
        p.reduce(Action::Key(Shortcut::Crash));
        assert!(!p.world().is_up(2));
        assert_eq!(p.status, None);
        p.reduce(Action::Key(Shortcut::Crash));
        assert!(
            p.status
                .as_deref()
                .unwrap()
                .starts_with("Could not do that"),
            "{:?}",
            p.status
        );
        p.reduce(Action::Key(Shortcut::Restart));
        assert!(p.world().is_up(2));
        p.reduce(Action::Key(Shortcut::Prev));
        assert_eq!(p.selected, Some(1));
        p.reduce(Action::Key(Shortcut::Prev));
        assert_eq!(p.selected, Some(3), "wraps around");
        p.reduce(Action::Key(Shortcut::Menu));
        p.reduce(Action::Key(Shortcut::Help));
        p.reduce(Action::Key(Shortcut::Escape));
        assert!(!p.help && p.menu == Menu::Server(3));
        p.reduce(Action::Key(Shortcut::Escape));
        assert_eq!((p.menu, p.selected), (Menu::None, Some(3)));
        p.reduce(Action::Key(Shortcut::Escape));
        assert_eq!(p.selected, None);
        assert!(p.frame.inspector.is_none());
    }

    #[test]
    fn steady_writes_from_the_key_commit_and_a_reset_keeps_the_settings() {
        let mut p = page();
        p.reduce(Action::Key(Shortcut::AutoWrite));
        assert_eq!(p.driver.writes_rate(), STEADY_RATE);
        assert!(p
            .frame
            .feed
            .back()
            .unwrap()
            .text
            .starts_with("Steady writes on: 10"));
        let before = p.world().max_logged_zxid();
        for i in 0..120 {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: 10_000.0 + i as f64 * 1000.0 / 60.0,
            }));
        }
        assert!(p.world().max_logged_zxid().counter() >= before.counter() + 15);
        p.reduce(Action::Play(Transport::Speed(2.0)));
        p.reduce(Action::Reset);
        assert_eq!(p.world().now(), 0);
        assert_eq!(
            (p.driver.speed(), p.driver.writes_rate()),
            (2.0, STEADY_RATE)
        );
        assert!(p.frame.feed[0]
            .text
            .starts_with("A new ensemble: 3 voters, seed 5"));
    }

    #[test]
    fn a_partition_cuts_every_link_across_and_step_pauses() {
        let mut p = page();
        p.reduce(Action::Partition(vec![1]));
        assert_eq!(p.frame.scene.cuts.len(), 4, "{:?}", p.frame.scene.cuts);
        p.reduce(Action::Partition(vec![1, 2, 3]));
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Pick some servers"));
        let next = p.world().next_event_at().unwrap();
        p.reduce(Action::Key(Shortcut::StepEvent));
        assert!(!p.playing);
        assert_eq!(p.driver.vt(), next as f64);
        assert!(
            !p.reduce(Action::Play(Transport::Tick {
                real_ms: 16.0,
                at: 99_999.0
            })),
            "paused"
        );
    }

    #[test]
    fn the_first_run_tour_follows_what_the_person_does_and_ends_for_good() {
        let mut p = page();
        p.tour = Some(Tour::new(crate::view::tour::FIRST_RUN));
        let leader = p.world().serving_leader().unwrap();
        let other = if leader == 1 { 2 } else { 1 };
        // Crashing a follower is not what the first step asks.
        p.reduce(Action::MenuCommand(Command::Crash(other)));
        assert_eq!(p.tour.as_ref().unwrap().progress(), (0, 3));
        p.reduce(Action::MenuCommand(Command::Crash(leader)));
        assert_eq!(p.tour.as_ref().unwrap().progress(), (1, 3));
        p.reduce(Action::Partition(vec![other]));
        assert_eq!(p.tour.as_ref().unwrap().progress(), (2, 3));
        p.reduce(Action::Tour(TourStep::Next));
        assert!(p.tour.as_ref().unwrap().is_over());
        assert_eq!(p.tour.as_ref().unwrap().done, vec![true, true, false]);
        p.reduce(Action::Tour(TourStep::End));
        assert!(p.tour.is_none() && p.tour_closed);
    }

    #[test]
    fn selecting_a_server_brings_its_inspector_forward() {
        let mut p = page();
        assert_eq!(p.tab, Tab::Feed);
        p.reduce(Action::Select(Some(2)));
        assert_eq!(p.tab, Tab::Inspector);
        p.reduce(Action::Tab(Tab::Legend));
        p.reduce(Action::Select(Some(2)));
        assert_eq!(
            p.tab,
            Tab::Legend,
            "the same server again leaves the tab alone"
        );
        p.reduce(Action::Key(Shortcut::Partition));
        assert_eq!(p.tab, Tab::Partition);
    }

    #[test]
    fn the_first_violation_pauses_the_run_unless_asked_not_to() {
        let broken = |pause: bool| {
            let mut cfg = WorldConfig::new(3, 0, 1);
            cfg.ensemble.variant = crate::sim::zab::Variant::CommitWithoutQuorum;
            let mut p = Page::new(cfg, 1.0, 20);
            p.driver.pacing = false;
            p.reduce(Action::PauseOnViolation(pause));
            let mut frames = 0;
            while p.playing && frames < 60 * 60 {
                p.reduce(Action::Play(Transport::Tick {
                    real_ms: 1000.0 / 60.0,
                    at: frames as f64 * 1000.0 / 60.0,
                }));
                frames += 1;
                if !pause && !p.frame.violations.is_empty() {
                    break;
                }
            }
            p
        };
        let p = broken(true);
        assert!(!p.playing && !p.frame.violations.is_empty());
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Paused: an invariant broke"));
        let p = broken(false);
        assert!(p.playing && !p.frame.violations.is_empty());
    }

    /// Plays a preset on a page at `speed`, frame by frame, until its script is over.
    fn play(name: &'static str, speed: f64, pacing: bool) -> Page {
        let mut p = Page::new(WorldConfig::new(5, 0, 1), speed, 20);
        p.driver.pacing = pacing;
        p.reduce(Action::Preset(name));
        for i in 0..200_000 {
            if p.script.as_ref().is_some_and(|s| s.outcome.is_some()) {
                break;
            }
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 16.7,
                at: i as f64 * 16.7,
            }));
        }
        p
    }

    #[test]
    fn a_preset_plays_on_the_page_as_the_command_line_runs_it() {
        let preset = presets::find("stale_read").unwrap();
        let script = crate::sim::scenario::parse::parse(preset.source).unwrap();
        let cli = crate::sim::scenario::run::run(&script, &mut Vec::new()).unwrap();
        for (speed, pacing) in [(1.0, false), (0.7, true), (25.0, false)] {
            let p = play("stale_read", speed, pacing);
            let pb = p.script.as_ref().unwrap();
            assert_eq!(pb.outcome, Some(Ok(cli.expectations)), "speed {speed}");
            assert_eq!(p.world().now(), cli.now, "speed {speed}");
            assert_eq!(p.world().trace_hash(), cli.trace_hash, "speed {speed}");
            assert_eq!(
                p.driver.writes_rate(),
                0,
                "a preset runs without steady writes"
            );
            // The feed says what the script did, line by line.
            let said: Vec<&str> = p.story.lines().iter().map(|l| &*l.text).collect();
            assert!(
                said.iter().any(|t| t.ends_with(": set c2 /cfg new")),
                "{said:?}"
            );
            assert!(said.iter().any(|t| t.starts_with("✓ line")), "{said:?}");
        }
    }

    #[test]
    fn reset_replays_the_preset_and_new_settings_leave_it() {
        let mut p = play("stale_read", 25.0, false);
        let end = p.world().trace_hash();
        p.reduce(Action::Reset);
        assert!(p.script.as_ref().is_some_and(|s| s.outcome.is_none()));
        assert_eq!(
            p.world().ensemble().server_count(),
            3,
            "the preset's ensemble"
        );
        for i in 0..100_000 {
            if p.script.as_ref().unwrap().outcome.is_some() {
                break;
            }
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 16.7,
                at: i as f64 * 16.7,
            }));
        }
        assert_eq!(p.world().trace_hash(), end);
        p.configure(WorldConfig::new(5, 0, 2), 0);
        assert!(p.script.is_none());
    }

    #[test]
    fn the_inspector_is_built_only_while_its_tab_is_on_show() {
        let mut p = page();
        p.reduce(Action::Select(Some(1)));
        assert_eq!(p.tab, Tab::Inspector);
        assert_eq!(p.frame.inspector.as_ref().unwrap().sid, 1);
        p.reduce(Action::Tab(Tab::Clients));
        assert!(p.frame.inspector.is_none(), "not built behind another tab");
        assert_eq!(p.selected, Some(1), "the selection stays");
        p.reduce(Action::Tab(Tab::Inspector));
        assert_eq!(p.frame.inspector.as_ref().unwrap().sid, 1, "back at once");
    }
}
