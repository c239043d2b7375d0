//! The comparison page's state and reducer, natively: one driver over a `Comparison` (Zab and
//! Multi-Paxos under one clock), a frame per side, the explanations, the server picked. Its
//! vocabulary is the main page's (`Action`, `Shortcut`), so the same keys do the same things;
//! what the page has no room for (menus, the inspector, wipe, partitions) does nothing here.

use std::rc::Rc;

use super::action::{Action, DiagramAction, Player, Shortcut, Transport};
use super::diagram::{Record, TRACE_CAP};
use super::driver::{Driver, Sim, STEADY_RATE};
use super::frame::{Frame, FrameInput};
use super::spacetime::{Diagram, DiagramView};
use crate::sim::compare::{Comparison, Explanation};
use crate::sim::world::World;
use crate::sim::{Command, Millis, Sid};

pub struct ComparePage {
    voters: usize,
    observers: usize,
    seed: u64,
    pub driver: Driver<Comparison>,
    pub zab: Rc<Frame>,
    pub paxos: Rc<Frame>,
    pub explanations: Rc<Vec<Explanation>>,
    pub playing: bool,
    /// The server every fault acts on (on both sides).
    pub selected: Sid,
    /// The last action's outcome: (done on both, text).
    pub status: Option<(bool, String)>,
    /// Set by the `t` shortcut for the root to apply.
    pub theme_asked: bool,
    /// The link whose menu is open (its cuts, each way, act on both sides).
    pub link_menu: Option<(Sid, Sid)>,
    /// One space-time diagram per side, under one set of settings (one window, one
    /// playhead: the two worlds share a clock).
    pub diagram: Diagram,
    records: [Record; 2],
    /// The two diagrams (Zab's, Paxos's), while the drawer is open.
    pub diagrams: Option<[Rc<DiagramView>; 2]>,
}

/// A link both ways, or one.
fn arrow(both: bool) -> &'static str {
    if both {
        "–"
    } else {
        "→"
    }
}

/// What the status line says after a command applied to both sides.
fn describe(cmd: &Command) -> String {
    match cmd {
        Command::Crash(s) => format!("Crashed s{s} on both sides"),
        Command::Restart(s) => format!("Restarted s{s} on both sides"),
        Command::Isolate(s) => format!("Cut s{s} off on both sides"),
        Command::Cut { from, to, both } => {
            format!("Cut s{from}{}s{to} on both sides", arrow(*both))
        }
        Command::Heal { from, to, both } => {
            format!("Healed s{from}{}s{to} on both sides", arrow(*both))
        }
        Command::HealAll => "Healed every link on both sides".into(),
        Command::Write {
            at: Some(at),
            path,
            data,
        } => format!("Wrote {path}={data} at s{at} on both sides"),
        _ => "Done on both sides".into(),
    }
}

/// The next frame of one side (no feed, no inspector on this page).
fn side_frame(
    world: &World,
    prev: &Frame,
    selected: Sid,
    loss_window: Millis,
    panels: bool,
) -> Frame {
    let input = FrameInput {
        selected: Some(selected),
        loss_window,
        story: None,
        panels,
    };
    Frame::build(world, prev, &input)
}

fn boot(voters: usize, observers: usize, seed: u64) -> Comparison {
    let mut cmp = Comparison::new(voters, observers, seed);
    cmp.zab.enable_trace(Some(TRACE_CAP));
    cmp.paxos.enable_trace(Some(TRACE_CAP));
    let _ = cmp.apply(Command::StartAll);
    cmp
}

impl ComparePage {
    pub fn new(voters: usize, observers: usize, seed: u64, speed: f64, writes: u32) -> Self {
        let mut page = ComparePage {
            voters,
            observers,
            seed,
            driver: Driver::new(boot(voters, observers, seed), speed, writes).paced(true),
            zab: Rc::new(Frame::empty()),
            paxos: Rc::new(Frame::empty()),
            explanations: Rc::new(Vec::new()),
            playing: true,
            selected: 1,
            status: None,
            theme_asked: false,
            link_menu: None,
            diagram: Diagram::default(),
            records: Default::default(),
            diagrams: None,
        };
        page.refresh(true, None);
        page
    }

    pub fn server_count(&self) -> Sid {
        self.driver.sim.server_count()
    }

    fn reset(&mut self) {
        let (speed, rate) = (self.driver.speed(), self.driver.writes_rate());
        let cmp = boot(self.voters, self.observers, self.seed);
        let pacing = self.driver.pacing;
        self.driver = Driver::new(cmp, speed, rate).paced(pacing);
        self.zab = Rc::new(Frame::empty());
        self.paxos = Rc::new(Frame::empty());
        self.explanations = Rc::new(Vec::new());
        self.status = None;
        self.records = Default::default();
        self.refresh(true, None);
    }

    /// The diagram's settings; a click on an event highlights its message (this page has no
    /// timeline to move through).
    fn diagram(&mut self, a: DiagramAction) {
        let now = self.driver.sim.zab.now();
        let d = &mut self.diagram;
        if !d.set(&a, now) {
            match a {
                DiagramAction::Walk(dir) => {
                    d.walk(&self.records[0], dir, now);
                }
                DiagramAction::Go(_, id) => d.hover = id,
                _ => {}
            }
        }
        self.refresh(true, None);
    }

    fn apply(&mut self, cmd: Command) {
        let text = describe(&cmd);
        let (a, b) = self.driver.sim.apply(cmd);
        self.status = Some(match (a, b) {
            (Ok(()), Ok(())) => (true, text),
            (Err(e), Ok(())) => (false, format!("Zab refused: {e}")),
            (Ok(()), Err(e)) => (false, format!("Paxos refused: {e}")),
            (Err(e), Err(_)) => (false, format!("Could not do that: {e}")),
        });
        self.refresh(true, None);
    }

    fn key(&mut self, k: Shortcut) -> bool {
        let (s, n) = (self.selected, self.server_count());
        match k {
            Shortcut::Play => return self.reduce(Action::Play(Transport::TogglePlay)),
            Shortcut::Step => return self.reduce(Action::Play(Transport::Step)),
            Shortcut::StepEvent => return self.reduce(Action::Play(Transport::StepEvent)),
            Shortcut::Faster => {
                return self.reduce(Action::Play(Transport::Speed(self.driver.speed() * 1.5)))
            }
            Shortcut::Slower => {
                return self.reduce(Action::Play(Transport::Speed(self.driver.speed() / 1.5)))
            }
            Shortcut::Reset => self.reset(),
            // A new selection: both inspectors show it at once.
            Shortcut::Select(v) if (1..=n).contains(&v) => self.select(v),
            Shortcut::Prev => self.select(if s <= 1 { n } else { s - 1 }),
            Shortcut::Next => self.select(if s >= n { 1 } else { s + 1 }),
            Shortcut::Crash => self.apply(Command::Crash(s)),
            Shortcut::Restart => self.apply(Command::Restart(s)),
            Shortcut::Isolate => self.apply(Command::Isolate(s)),
            Shortcut::HealAll => self.apply(Command::HealAll),
            Shortcut::WriteHere => {
                let t = self.driver.sim.now();
                self.apply(Command::Write {
                    at: Some(s),
                    path: format!("/s{s}"),
                    data: format!("t{t}"),
                });
            }
            Shortcut::AutoWrite => {
                let on = self.driver.writes_rate() > 0;
                let _ = self.driver.set_writes(if on { 0 } else { STEADY_RATE });
            }
            Shortcut::Theme => self.theme_asked = true,
            // Not on this page (the keymap does not send them here).
            _ => return false,
        }
        true
    }

    fn select(&mut self, s: Sid) {
        self.selected = s;
        self.refresh(true, None);
    }

    /// Applies one action; true if the page must be drawn again.
    pub fn reduce(&mut self, action: Action) -> bool {
        match action {
            Action::Play(t) => return self.transport(t),
            Action::Reset => self.reset(),
            Action::Command(cmd) => self.apply(cmd),
            // The link menu stays open after a cut (as on the main page), to cut the other way.
            Action::MenuCommand(cmd) => {
                self.link_menu = None;
                self.apply(cmd)
            }
            Action::Writes(rate) => {
                let _ = self.driver.set_writes(rate);
            }
            Action::Select(Some(s)) | Action::OpenServer(s) => {
                return self.key(Shortcut::Select(s))
            }
            Action::OpenLink(a, b) => self.link_menu = Some((a.min(b), a.max(b))),
            Action::CloseMenu => return self.link_menu.take().is_some(),
            Action::Key(k) => return self.key(k),
            Action::Partition(_)
            | Action::Select(None)
            | Action::Help(_)
            | Action::Tab(_)
            | Action::Tour(_)
            | Action::PauseOnViolation(_)
            | Action::OpenMessage(_)
            | Action::OpenClient(_)
            | Action::SelectClient(_)
            | Action::Preset(_)
            | Action::Time(_)
            | Action::Files(_) => return false,
            Action::Diagram(a) => self.diagram(a),
        }
        true
    }
}

impl Player for ComparePage {
    type Sim = Comparison;

    fn driver(&mut self) -> &mut Driver<Comparison> {
        &mut self.driver
    }

    fn playing(&mut self) -> &mut bool {
        &mut self.playing
    }

    /// Both sides' next frames; the banners and explanations only with the panels.
    fn rebuild(&mut self, panels: bool) {
        let window = self.driver.loss_window();
        let cmp = &self.driver.sim;
        let s = self.selected;
        self.zab = Rc::new(side_frame(&cmp.zab, &self.zab, s, window, panels));
        self.paxos = Rc::new(side_frame(&cmp.paxos, &self.paxos, s, window, panels));
        if panels && cmp.explanations().len() != self.explanations.len() {
            self.explanations = Rc::new(cmp.explanations().to_vec());
        }
        self.records[0].read(&cmp.zab);
        self.records[1].read(&cmp.paxos);
        self.diagram.follow_speed(self.driver.observed_speed());
        self.diagrams = self.diagram.open.then(|| {
            let now = cmp.zab.now();
            [
                Rc::new(self.diagram.view(&cmp.zab, Some(&self.records[0]), now)),
                Rc::new(self.diagram.view(&cmp.paxos, Some(&self.records[1]), now)),
            ]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(p: &mut ComparePage, frames: usize) {
        for i in 0..frames {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: i as f64 * 1000.0 / 60.0,
            }));
        }
    }

    #[test]
    fn one_diagram_per_side_under_one_playhead() {
        let mut p = ComparePage::new(3, 0, 1, 1.0, 0);
        p.driver.pacing = false;
        p.reduce(Action::Diagram(DiagramAction::Open(true)));
        tick(&mut p, 240);
        let d = p.diagrams.clone().expect("open: both drawn");
        assert!(d[0].arrows().any(|a| a.kind == "NOTIFICATION"), "Zab votes");
        assert!(d[1].arrows().any(|a| a.kind == "PREPARE"), "Paxos prepares");
        assert_eq!(
            (d[0].from, d[0].to, d[0].playhead),
            (d[1].from, d[1].to, d[1].playhead)
        );
        p.reduce(Action::Diagram(DiagramAction::Filter("PING")));
        let d = p.diagrams.clone().unwrap();
        assert!(d[0].arrows().all(|a| a.kind != "PING"));
    }

    #[test]
    fn one_crash_acts_on_both_sides_and_both_frames_show_it() {
        let mut p = ComparePage::new(3, 0, 1, 1.0, 0);
        p.driver.pacing = false;
        tick(&mut p, 240);
        let leader = p.driver.sim.zab.stable_leader().expect("a Zab leader");
        p.reduce(Action::Select(Some(leader)));
        p.reduce(Action::Key(Shortcut::Crash));
        assert_eq!(
            p.status,
            Some((true, format!("Crashed s{leader} on both sides")))
        );
        let i = leader as usize - 1;
        assert_eq!(p.zab.scene.servers[i].mode, crate::sim::view::Mode::Down);
        assert_eq!(p.paxos.scene.servers[i].mode, crate::sim::view::Mode::Down);
        // The banners are each protocol's own.
        assert!(matches!(
            p.zab.banner.stage,
            "electing" | "discovery" | "sync" | "broadcast"
        ));
        tick(&mut p, 240);
        assert!(p
            .driver
            .sim
            .zab
            .stable_leader()
            .is_some_and(|l| l != leader));
        assert!(!p.explanations.is_empty(), "the crash is explained");
        // A key the comparison has no room for does nothing.
        assert!(!p.reduce(Action::Key(Shortcut::Wipe)));
    }

    #[test]
    fn steady_writes_run_on_both_and_a_link_click_cuts_then_heals() {
        let mut p = ComparePage::new(3, 0, 2, 1.0, 20);
        p.driver.pacing = false;
        tick(&mut p, 300);
        assert!(p.driver.sim.zab.last_request_id() >= 90);
        assert!(!p.driver.sim.paxos.paxos_chosen().is_empty());
        assert!(p.driver.sim.zab.max_logged_zxid().counter() > 50);
        p.reduce(Action::OpenLink(2, 1));
        assert_eq!(p.link_menu, Some((1, 2)));
        // One way, as the link menu does: only 1 -> 2, on both sides.
        let one_way = Command::Cut {
            from: 1,
            to: 2,
            both: false,
        };
        p.reduce(Action::Command(one_way));
        assert_eq!(*p.zab.scene.cuts, vec![(1, 2)]);
        assert_eq!(*p.paxos.scene.cuts, vec![(1, 2)]);
        assert!(p.reduce(Action::CloseMenu) && p.link_menu.is_none());
        p.reduce(Action::Command(Command::HealAll));
        assert!(p.zab.scene.cuts.is_empty() && p.paxos.scene.cuts.is_empty());
        // Both frames carry the selected server's inspector.
        p.reduce(Action::Select(Some(3)));
        assert_eq!(p.zab.inspector.as_ref().map(|i| i.sid), Some(3));
        assert_eq!(p.paxos.inspector.as_ref().map(|i| i.sid), Some(3));
    }
}
