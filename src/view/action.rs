//! What a person can do to a page, as data: `Shortcut` (what a key stands for; src/ui/keys.rs
//! binds keys to them) and `Action` (a click, a key, an animation frame). Both pages take
//! them; `Player` is what play, pause, step and speed mean on either.

use super::diagram::MarkKind;
use super::driver::{Driver, Sim};
pub use super::spacetime::Dir;
use crate::sim::{Command, Millis, Sid};

/// What a key stands for on a page (the keymap in src/ui/keys.rs binds keys to these).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shortcut {
    Play,
    /// To the next narrated event.
    Step,
    /// One engine event, narrated or not.
    StepEvent,
    Faster,
    Slower,
    Reset,
    Select(Sid),
    SelectLeader,
    Prev,
    Next,
    Crash,
    Restart,
    Wipe,
    Isolate,
    WriteHere,
    HealAll,
    AutoWrite,
    Partition,
    Menu,
    Theme,
    Help,
    Escape,
}

/// Play, pause, step and speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transport {
    /// An animation frame: `real_ms` of real time passed; `at` is the frame's timestamp.
    Tick {
        real_ms: f64,
        at: f64,
    },
    TogglePlay,
    /// Runs to the next event the feed narrates (shown by default), and stands there.
    Step,
    /// Runs one engine event, whatever it is.
    StepEvent,
    /// Virtual ms per real ms.
    Speed(f64),
    /// Pacing on or off (see `Driver::pacing`).
    Pace(bool),
}

/// Where an arrow key, Home or End moves the focus from item `i` of `n` in a group that is one
/// tab stop (WAI-ARIA "roving tabindex": the side tabs, the ring's servers, its links): Left and
/// Up to the previous, Right and Down to the next, wrapping around. `None` for any other key.
pub fn roving_step(i: usize, n: usize, key: &str) -> Option<usize> {
    if n == 0 {
        return None;
    }
    Some(match key {
        "ArrowRight" | "ArrowDown" => (i + 1) % n,
        "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return None,
    })
}

/// The side column's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// The narrated feed: what happens, in words.
    #[default]
    Feed,
    /// Client sessions: connect, requests with their results, recipes.
    Clients,
    /// The selected server's disk and memory.
    Inspector,
    /// Split the ensemble into groups.
    Partition,
    /// What each colour and mark means.
    Legend,
    /// The run's figures: its state hash, events, branches, checkpoints, memory.
    Info,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Feed,
        Tab::Clients,
        Tab::Inspector,
        Tab::Partition,
        Tab::Legend,
        Tab::Info,
    ];

    /// The tab's label (and its `data-tab` hook, lower-cased).
    pub fn label(self) -> &'static str {
        match self {
            Tab::Feed => "What happens",
            Tab::Clients => "Clients",
            Tab::Inspector => "Inspector",
            Tab::Partition => "Partition",
            Tab::Legend => "Legend",
            Tab::Info => "Info",
        }
    }

    pub fn hook(self) -> &'static str {
        match self {
            Tab::Feed => "feed",
            Tab::Clients => "clients",
            Tab::Inspector => "inspector",
            Tab::Partition => "partition",
            Tab::Legend => "legend",
            Tab::Info => "info",
        }
    }
}

/// What the tour card's buttons ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TourStep {
    /// Skip the step on show.
    Next,
    /// End the tour (it stays off on this browser).
    End,
}

/// Everything that changes the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Play(Transport),
    Reset,
    /// A fault, a repair or a write (a link menu, the client box, the partition tool).
    Command(Command),
    /// The same from the server menu, which closes with it (one click, one update).
    MenuCommand(Command),
    /// Steady writes per virtual second (0: off).
    Writes(u32),
    /// Cut every link between the group and the others, both ways.
    Partition(Vec<Sid>),
    Select(Option<Sid>),
    OpenServer(Sid),
    OpenLink(Sid, Sid),
    /// A click on a message in flight: its fields, paused so it can be read.
    OpenMessage(u64),
    /// A click on a client: its menu, and the client panel on it.
    OpenClient(std::rc::Rc<str>),
    /// The client the client panel works with.
    SelectClient(Option<std::rc::Rc<str>>),
    /// Play a preset (by name: `view::presets`) in a new world its script configures.
    Preset(&'static str),
    CloseMenu,
    /// Shows one of the side column's tabs.
    Tab(Tab),
    Tour(TourStep),
    /// Whether the run pauses when an invariant first breaks.
    PauseOnViolation(bool),
    Help(bool),
    Key(Shortcut),
    /// Moving through the run's past and its branches.
    Time(TimeAction),
    /// The space-time diagram's own controls.
    Diagram(DiagramAction),
    /// Open a script file, or export the run (`view::files`).
    Files(super::files::FileAction),
}

/// What the timeline's controls ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum TimeAction {
    /// Show the run at this virtual time (paused); at or past the live edge: live.
    Seek(Millis),
    /// Back to the branch's live edge, playing.
    Live,
    /// Show another branch, at its live edge.
    Branch(u32),
    Rename(u32, String),
    Delete(u32),
    /// To the previous (next) recorded happening: a send, an arrival, a loss, a mark.
    Step(Dir),
    /// To the previous (next) moment of one kind.
    Jump(JumpTo, Dir),
}

/// What a jump looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JumpTo {
    Election,
    Commit,
    Fault,
    Violation,
}

impl JumpTo {
    pub const ALL: [JumpTo; 4] = [
        JumpTo::Election,
        JumpTo::Commit,
        JumpTo::Fault,
        JumpTo::Violation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            JumpTo::Election => "election",
            JumpTo::Commit => "commit",
            JumpTo::Fault => "fault",
            JumpTo::Violation => "violation",
        }
    }

    /// The marks it stops at.
    pub fn marks(self) -> &'static [MarkKind] {
        match self {
            JumpTo::Election => &[MarkKind::Election],
            JumpTo::Commit => &[MarkKind::Commit],
            JumpTo::Fault => &[MarkKind::Fault],
            JumpTo::Violation => &[MarkKind::Violation],
        }
    }
}

/// What the space-time diagram's controls ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum DiagramAction {
    /// Open or close the drawer.
    Open(bool),
    /// The drawing's width in px, as measured.
    Width(f64),
    /// Zoom by a factor (> 1: in) around a virtual time (`None`: the window's right end).
    Zoom(f64, Option<Millis>),
    /// Move the window by virtual ms (negative: back).
    Pan(i64),
    /// The window follows the playhead again.
    Follow,
    /// Show or hide one kind of message.
    Filter(&'static str),
    /// The keyboard moves to the previous (next) event.
    Walk(Dir),
    /// Jump the page to the event the keyboard stands on.
    Enter,
    /// A click on an event: the page goes to `at`; a message (by id) is highlighted.
    Go(Millis, Option<u64>),
    /// A message hovered here or on the ring (`None`: none).
    Hover(Option<u64>),
}

/// A page that plays a `Driver`: play, pause, step and speed do the same on both pages.
pub trait Player {
    type Sim: Sim;
    fn driver(&mut self) -> &mut Driver<Self::Sim>;
    fn playing(&mut self) -> &mut bool;
    /// Builds the page's next frames; the text panels too if `panels`.
    fn rebuild(&mut self, panels: bool);

    /// Lets `real_ms` of real time play (a page with a script playing acts at its times).
    fn advance(&mut self, real_ms: f64) {
        self.driver().play(real_ms);
    }

    /// The driver moved by a step: a page with a script playing acts if its time came.
    fn after_step(&mut self) {}

    /// Builds the next frames if the simulation changed (or if `force`); text panels follow
    /// when the driver's throttle lets them at real time `real` (`None`: at once).
    fn refresh(&mut self, force: bool, real: Option<f64>) {
        let changed = self.driver().take_change();
        let panels = self.driver().panels.due(real);
        if force || changed || panels {
            self.rebuild(panels);
        }
    }

    /// Plays, pauses, steps or sets the speed; true if the page must be drawn again.
    fn transport(&mut self, t: Transport) -> bool {
        match t {
            Transport::Tick { real_ms, at } => {
                if !*self.playing() {
                    return false;
                }
                self.advance(real_ms);
                self.refresh(false, Some(at));
            }
            Transport::TogglePlay => {
                let playing = self.playing();
                *playing = !*playing;
            }
            Transport::Step => {
                *self.playing() = false;
                self.driver().step_narrated();
                self.after_step();
                self.refresh(true, None);
            }
            Transport::StepEvent => {
                *self.playing() = false;
                self.driver().step();
                self.after_step();
                self.refresh(true, None);
            }
            Transport::Speed(s) => {
                self.driver().set_speed(s);
            }
            Transport::Pace(on) => self.driver().pacing = on,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::roving_step;

    #[test]
    fn arrows_home_and_end_move_around_a_group() {
        assert_eq!(roving_step(0, 3, "ArrowRight"), Some(1));
        assert_eq!(roving_step(2, 3, "ArrowDown"), Some(0), "wraps forwards");
        assert_eq!(roving_step(0, 3, "ArrowLeft"), Some(2), "wraps backwards");
        assert_eq!(roving_step(1, 3, "ArrowUp"), Some(0));
        assert_eq!(
            (roving_step(1, 3, "Home"), roving_step(1, 3, "End")),
            (Some(0), Some(2))
        );
        assert_eq!(roving_step(1, 3, "Enter"), None);
        assert_eq!(roving_step(0, 0, "ArrowRight"), None, "an empty group");
    }
}
