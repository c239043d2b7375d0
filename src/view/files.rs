//! Run files, natively: the run so far as a scenario script, its trace as `zabscope run`
//! exports it (JSON lines, a ShiViz log), and a script file opened on the page.
//!
//! A run is its configuration plus its timestamped commands (`scenario::export::script_of`),
//! so the script *is* the run. The page's own world keeps only a bounded trace, so the trace
//! exports replay the script from scratch with the recorder unbounded, exactly as
//! `zabscope run FILE --trace P` does: the page's bytes and the CLI's are the same by
//! construction. Opening a file replays it at once (not animated) through a `Stepper`, with
//! the page's timeline recording as it goes, and stops at its end, paused.

use std::rc::Rc;

use super::action::{Player, Tab};
use super::page::Page;
use super::spacetime::secs;
use super::timeline::CHECKPOINT_EVERY_MS;
use crate::sim::narrate::Kind;
use crate::sim::scenario::export::script_of;
use crate::sim::scenario::parse::{format_duration, parse};
use crate::sim::scenario::run::{execute, world_config, DEFAULT_UNTIL_TIMEOUT};
use crate::sim::scenario::step::{Next, Stepper};
use crate::sim::scenario::{Script, Stmt};
use crate::sim::{jsonl, shiviz_log, Millis, World, WorldConfig};

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The run as a scenario script (`.zs`).
    Script,
    /// Its trace as JSON lines (`zabscope run --trace`).
    Trace,
    /// Its trace as a ShiViz log (`zabscope run --shiviz`).
    Shiviz,
    /// The space-time diagram as on show, an SVG file: drawn by the browser from the page.
    DiagramSvg,
    /// The same, a PNG image.
    DiagramPng,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] = [
        ExportKind::Script,
        ExportKind::Trace,
        ExportKind::Shiviz,
        ExportKind::DiagramSvg,
        ExportKind::DiagramPng,
    ];

    /// A picture of the space-time diagram (the browser makes it from the page), not a file
    /// made from the run.
    pub fn is_diagram(self) -> bool {
        matches!(self, ExportKind::DiagramSvg | ExportKind::DiagramPng)
    }

    /// The menu item's words.
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Script => "Script (.zs)",
            ExportKind::Trace => "Trace (JSON lines)",
            ExportKind::Shiviz => "ShiViz log",
            ExportKind::DiagramSvg => "Diagram (SVG)",
            ExportKind::DiagramPng => "Diagram (PNG)",
        }
    }

    /// What the item says it does (its tooltip).
    pub fn about(self) -> &'static str {
        match self {
            ExportKind::Script => "The run so far as a scenario script: open it here again, or `zabscope run` it",
            ExportKind::Trace => "Every event of the run so far, one JSON object a line, as `zabscope run --trace` writes it",
            ExportKind::Shiviz => "The run so far as a ShiViz log, as `zabscope run --shiviz` writes it",
            ExportKind::DiagramSvg => "The space-time diagram as on show (its window, filters and colours), an SVG file that stands alone; open the diagram first",
            ExportKind::DiagramPng => "The space-time diagram as on show, a PNG image at twice the screen's resolution; open the diagram first",
        }
    }

    /// A short hook (`data-export`).
    pub fn hook(self) -> &'static str {
        match self {
            ExportKind::Script => "script",
            ExportKind::Trace => "trace",
            ExportKind::Shiviz => "shiviz",
            ExportKind::DiagramSvg => "svg",
            ExportKind::DiagramPng => "png",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportKind::Script => "zs",
            ExportKind::Trace => "jsonl",
            ExportKind::Shiviz => "log",
            ExportKind::DiagramSvg => "svg",
            ExportKind::DiagramPng => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportKind::Script | ExportKind::Shiviz => "text/plain",
            ExportKind::Trace => "application/x-ndjson",
            ExportKind::DiagramSvg => "image/svg+xml",
            ExportKind::DiagramPng => "image/png",
        }
    }

    /// The file's name for a run exported at virtual time `t`.
    pub fn file_name(self, t: Millis) -> String {
        let what = match self {
            ExportKind::Script => "run",
            ExportKind::Trace => "trace",
            ExportKind::Shiviz => "shiviz",
            ExportKind::DiagramSvg | ExportKind::DiagramPng => "diagram",
        };
        format!("zabscope-{what}-{t}ms.{}", self.extension())
    }

    /// The export of `world` (a diagram is drawn by the browser: see `Page::export`).
    pub fn export(self, world: &World) -> Result<String, String> {
        match self {
            ExportKind::Script => export_script(world),
            ExportKind::Trace => export_trace(world),
            ExportKind::Shiviz => export_shiviz(world),
            ExportKind::DiagramSvg | ExportKind::DiagramPng => {
                Err("the diagram is drawn by the browser, from the page".into())
            }
        }
    }
}

/// What the run-file controls ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum FileAction {
    /// A script file's text, read by the browser: replay it (see `Page::import`).
    Open { name: String, text: String },
    /// A file the browser could not read (`why`), for the status line.
    Unreadable { name: String, why: String },
    /// An export the browser could not save (`why`), for the status line.
    Unsaved { name: String, why: String },
    /// Export the run as the page shows it (pauses first).
    Export(ExportKind),
}

/// An export ready for the browser to save.
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    /// Grows with every export, so the root saves each one once.
    pub id: u32,
    pub kind: ExportKind,
    pub name: String,
    pub mime: &'static str,
    /// The file's text; for a diagram, its title (the browser draws the picture from the
    /// page as it stands).
    pub text: Rc<str>,
}

/// The run so far as scenario script text: a header comment, the configuration lines, then
/// the commands with `run` lines between them, up to the world's virtual time.
pub fn export_script(world: &World) -> Result<String, String> {
    let script = script_of(world)?;
    let now = world.now();
    let text = format!(
        "# Exported from ZabScope at t = {} ({now} ms of virtual time): `zabscope run` this file, or open it on the page\n{script}",
        format_duration(now)
    );
    // The printer is canonical, with one exception (write data with `#`, a line break, or
    // spaces at its ends): refuse rather than hand out a script that replays another run.
    let back = parse(&text).map_err(|e| format!("the exported script does not parse: {e}"))?;
    if back.stmts().ne(script.stmts()) {
        return Err(
            "this run has a write whose data a script cannot carry (a #, a line break, or spaces at its ends)"
                .into(),
        );
    }
    Ok(text)
}

/// The exported script run from scratch as `zabscope run FILE --trace P` runs it: the world
/// built from its configuration lines, the trace recorder unbounded, `run::execute`.
fn replay_traced(world: &World) -> Result<World, String> {
    let text = export_script(world)?;
    let script = parse(&text).map_err(|e| e.to_string())?;
    let mut replay = World::new(world_config(&script).map_err(|e| e.to_string())?);
    replay.enable_trace(None);
    // A run in which the checker found a violation fails at its end (an exported script
    // never says `expect violation`); the CLI writes its exports all the same, and so do we.
    let _ = execute(&mut replay, &script, &mut std::io::sink());
    if replay.now() != world.now() || replay.state_hash() != world.state_hash() {
        return Err("replaying the run did not reach the moment on show".into());
    }
    Ok(replay)
}

/// The run so far as JSON lines: what `zabscope run` writes for `export_script`'s script.
pub fn export_trace(world: &World) -> Result<String, String> {
    Ok(jsonl(replay_traced(world)?.trace()))
}

/// The run so far as a ShiViz log: what `zabscope run --shiviz` writes for the same script.
pub fn export_shiviz(world: &World) -> Result<String, String> {
    Ok(shiviz_log(replay_traced(world)?.trace()))
}

/// An exported diagram's title: the run (protocol, servers, seed), its window, what it hides.
pub fn diagram_title(
    config: &WorldConfig,
    hidden: &[&'static str],
    (from, to): (Millis, Millis),
    now: Millis,
) -> String {
    let e = &config.ensemble;
    let observers = match e.observers.len() {
        0 => String::new(),
        n => format!(" + {n} observers"),
    };
    let mut title = format!(
        "ZabScope space-time diagram: {}, {} servers{observers}, seed {}, from {} to {}, the playhead at {now} ms",
        config.protocol.name(),
        e.voters.len(),
        config.seed,
        secs(from, 1),
        secs(to, 1),
    );
    if !hidden.is_empty() {
        title.push_str(", hiding ");
        title.push_str(&hidden.join(", "));
    }
    title
}

/// The most virtual time a file opened on the page may run (it replays at once, on the page's
/// one thread).
pub const MAX_OPEN_MS: Millis = 60 * 60_000;

/// The first line at which the script may have run past `MAX_OPEN_MS`, counting each `run`
/// and each `until`'s timeout (a client command's wait for its answer is mostly brief: not
/// counted).
fn too_long(script: &Script) -> Option<usize> {
    let mut at: Millis = 0;
    for l in &script.lines {
        at = at.saturating_add(match l.stmt {
            Stmt::Run(d) => d,
            Stmt::Until(_, timeout) => timeout.unwrap_or(DEFAULT_UNTIL_TIMEOUT),
            _ => 0,
        });
        if at > MAX_OPEN_MS {
            return Some(l.number);
        }
    }
    None
}

/// While a file replays, the page's timeline and diagram take note at least this often (in
/// virtual ms), so that the timeline keeps its checkpoints and the diagram its bounded trace.
const NOTE_EVERY_MS: Millis = 500;

const _: () = assert!(NOTE_EVERY_MS <= CHECKPOINT_EVERY_MS);

impl Page {
    /// The run-file controls: open a script, say a file was unreadable, or export.
    pub(super) fn files(&mut self, a: FileAction) {
        match a {
            FileAction::Open { name, text } => self.import(&name, &text),
            FileAction::Unreadable { name, why } => {
                self.status = Some(format!("Could not read {name}: {why}"));
            }
            FileAction::Unsaved { name, why } => {
                self.status = Some(format!("Could not save {name}: {why}"));
            }
            FileAction::Export(kind) => self.export(kind),
        }
    }

    /// Exports the run as the page shows it (paused first, so that the file ends where the
    /// person sees it): the text waits in `download` for the browser to save.
    pub fn export(&mut self, kind: ExportKind) {
        if kind.is_diagram() {
            return self.export_diagram(kind);
        }
        self.playing = false;
        let world = self.world();
        let now = world.now();
        match kind.export(world) {
            Ok(text) => {
                let name = kind.file_name(now);
                self.status = Some(format!(
                    "Exported {name}: the run up to t = {}",
                    format_duration(now)
                ));
                self.hand_over(kind, name, text.into());
            }
            Err(e) => self.status = Some(format!("Could not export the run: {e}")),
        }
        self.refresh(true, None);
    }

    /// The next download.
    fn hand_over(&mut self, kind: ExportKind, name: String, text: Rc<str>) {
        let id = self.download.as_ref().map_or(1, |d| d.id + 1);
        self.download = Some(Rc::new(Download {
            id,
            kind,
            name,
            mime: kind.mime(),
            text,
        }));
    }

    /// The space-time diagram as on show, paused first: the page hands the browser the file's
    /// name and title, and the browser saves the picture it has drawn (`ui::svg_export`).
    /// With the drawer closed there is nothing on show: the status line says to open it.
    fn export_diagram(&mut self, kind: ExportKind) {
        if !self.diagram.open {
            self.status = Some(
                "Open the space-time diagram (the Diagram button under the time bar) to export it: the file is the diagram as on show"
                    .into(),
            );
            return self.refresh(true, None);
        }
        self.playing = false;
        self.refresh(true, None);
        let now = self.world().now();
        let (from, to) = self
            .frame
            .diagram
            .as_ref()
            .map_or_else(|| self.diagram.window(now), |v| (v.from, v.to));
        let title = diagram_title(&self.config, &self.diagram.hidden, (from, to), now);
        let name = kind.file_name(now);
        self.status = Some(format!(
            "Exported {name}: the diagram from {} to {}",
            secs(from, 1),
            secs(to, 1)
        ));
        self.hand_over(kind, name, title.into());
    }

    /// Opens a script: a file that does not parse (or configures no world) is refused with
    /// its line and what was wrong, the session untouched. A good one replaces the session:
    /// it replays at once to its end (its `expect` lines checked, its `status` lines
    /// ignored), and the page stands there, paused, its timeline holding the whole run. An
    /// expectation that fails stops the replay at its line.
    pub fn import(&mut self, name: &str, src: &str) {
        let refuse = |line: usize, message: &str| format!("{name} line {line}: {message}");
        let script = match parse(src) {
            Ok(s) => s,
            Err(e) => {
                self.status = Some(refuse(e.line, &e.message));
                return;
            }
        };
        if let Some(line) = too_long(&script) {
            let message = format!(
                "the page replays at most {} of virtual time, and this line may go past it (`zabscope run` has no such limit)",
                format_duration(MAX_OPEN_MS)
            );
            self.status = Some(refuse(line, &message));
            return;
        }
        let config = match world_config(&script) {
            Ok(c) => c,
            Err(e) => {
                self.status = Some(refuse(e.line, &e.message));
                return;
            }
        };
        // From here on the file is the session.
        self.config = config;
        self.script = None;
        self.restart(false, 0);
        self.playing = false;
        self.client = None;
        self.tab = Tab::Feed;
        self.story.push(0, Kind::You, format!("Opening {name}"));
        let lines = script.lines.len();
        let mut stepper = Stepper::new(script);
        let outcome = loop {
            self.story.read(&self.driver.sim);
            let next = stepper.poll(&mut self.driver.sim);
            for d in stepper.take_done() {
                let mark = if d.expectation { "✓" } else { "▸" };
                let text = format!("{mark} line {}: {}", d.line, d.text);
                self.story.push(d.at, Kind::You, text);
            }
            stepper.take_output();
            match next {
                Ok(Next::RunTo(t)) => self.run_noting(t),
                Ok(Next::Done) => break Ok(stepper.expectations()),
                Err(e) => break Err(e),
            }
        };
        self.note();
        let now = self.world().now();
        match outcome {
            Ok(held) => {
                let text = format!(
                    "Opened {name}: {lines} lines, {held} expectations held; paused at its end"
                );
                self.story.push(now, Kind::You, text);
                self.status = None;
            }
            Err(e) => {
                let text = format!("{name} stopped at line {}: {}", e.line, e.message);
                self.story.push(now, Kind::You, text.clone());
                self.status = Some(text);
            }
        }
        let id = self.timeline.active().id;
        let _ = self.timeline.rename(id, name);
        self.opened = Some(Rc::new((name.to_string(), src.to_string())));
        self.driver.resync();
        self.refresh(true, None);
    }

    /// Runs the world to `t` as `run::execute` does (at least one `run_until`, even to now),
    /// the timeline and the diagram taking note on the way.
    fn run_noting(&mut self, t: Millis) {
        loop {
            let w = &mut self.driver.sim;
            w.run_until(w.now().saturating_add(NOTE_EVERY_MS).min(t));
            self.note();
            if self.world().now() >= t {
                break;
            }
        }
    }

    /// What `rebuild` takes note of, without building a frame.
    fn note(&mut self) {
        let w = &self.driver.sim;
        self.story.read(w);
        self.timeline.record(w, &self.story);
        self.records.read(self.timeline.active().id, w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::run::execute;
    use crate::sim::Command;
    use crate::view::action::{Action, DiagramAction, TimeAction, Transport};

    /// A page played `frames` animation frames at 60 a second.
    fn play(p: &mut Page, frames: usize) {
        for i in 0..frames {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: i as f64 * 1000.0 / 60.0,
            }));
        }
    }

    /// Five servers, steady writes, a crash of the leader, a few virtual seconds.
    fn busy_page() -> Page {
        let mut p = Page::new(WorldConfig::new(5, 0, 9), 1.0, 10);
        p.driver.pacing = false;
        play(&mut p, 150);
        let leader = p.world().serving_leader().expect("a leader by 2.5 s");
        p.reduce(Action::Command(Command::Crash(leader)));
        play(&mut p, 150);
        p.reduce(Action::Command(Command::Restart(leader)));
        play(&mut p, 60);
        p
    }

    fn fresh_page() -> Page {
        let mut p = Page::new(WorldConfig::new(3, 0, 2), 1.0, 0);
        p.driver.pacing = false;
        play(&mut p, 30);
        p
    }

    #[test]
    fn an_exported_run_opens_again_at_the_same_state_paused() {
        let p = busy_page();
        let text = export_script(p.world()).unwrap();
        assert!(
            text.starts_with("# Exported from ZabScope at t = "),
            "{text}"
        );
        assert!(
            text.contains("\nwrites 10\n") && text.contains("\ncrash "),
            "{text}"
        );
        let mut q = fresh_page();
        q.reduce(Action::Files(FileAction::Open {
            name: "run.zs".into(),
            text: text.clone(),
        }));
        assert_eq!(q.status, None);
        assert!(!q.playing, "paused at the file's end");
        assert_eq!(q.world().now(), p.world().now());
        assert_eq!(q.world().state_hash_hex(), p.world().state_hash_hex());
        let lines = parse(&text).unwrap().lines.len();
        let last = &q.story.lines().back().unwrap().text;
        assert_eq!(
            &**last,
            format!("Opened run.zs: {lines} lines, 0 expectations held; paused at its end")
        );
        // The timeline holds the imported run: its commands, and checkpoints to scrub back.
        let b = q.timeline.active();
        assert_eq!(b.name, "run.zs");
        assert_eq!(b.log, p.world().command_log());
        assert_eq!(b.edge, p.world().now());
        let (edge, hash) = (q.world().now(), q.world().state_hash());
        q.reduce(Action::Time(TimeAction::Seek(edge / 2)));
        assert!(q.timeline.in_past());
        assert_eq!(q.world().now(), edge / 2);
        q.reduce(Action::Time(TimeAction::Seek(edge)));
        assert_eq!((q.world().now(), q.world().state_hash()), (edge, hash));
        // Exporting again gives the same script (the header's time included).
        assert_eq!(export_script(q.world()).unwrap(), text);
    }

    #[test]
    fn a_bad_file_is_refused_with_its_line_and_the_session_is_untouched() {
        let mut p = busy_page();
        p.reduce(Action::Play(Transport::TogglePlay));
        let before = (
            p.world().now(),
            p.world().state_hash_hex(),
            p.timeline.branches().len(),
            p.timeline.active().log.clone(),
            p.story.lines().len(),
        );
        let bad = "servers 3\nstart all\nexplode 2\nrun 1s\n";
        p.reduce(Action::Files(FileAction::Open {
            name: "run.zs".into(),
            text: bad.into(),
        }));
        let status = p.status.clone().unwrap();
        assert!(status.starts_with("run.zs line 3: "), "{status}");
        let after = (
            p.world().now(),
            p.world().state_hash_hex(),
            p.timeline.branches().len(),
            p.timeline.active().log.clone(),
            p.story.lines().len(),
        );
        assert_eq!(after, before);
        // A configuration that builds no world is refused the same way.
        let mut q = busy_page();
        let hash = q.world().state_hash_hex();
        q.import("big.zs", "servers 200\nobservers 100\nstart all\n");
        assert!(q.status.as_deref().unwrap().starts_with("big.zs line 2: "));
        assert_eq!(q.world().state_hash_hex(), hash);
        // So is a file the browser could not read.
        q.reduce(Action::Files(FileAction::Unreadable {
            name: "x.zs".into(),
            why: "it is not text".into(),
        }));
        assert_eq!(
            q.status.as_deref(),
            Some("Could not read x.zs: it is not text")
        );
        assert_eq!(q.world().state_hash_hex(), hash);
        // And one that would run the page for hours of virtual time.
        q.import(
            "long.zs",
            "start all\nrun 30m\nuntil stable\nrun 29m\nrun 1s\n",
        );
        let status = q.status.clone().unwrap();
        assert!(
            status.starts_with("long.zs line 5: the page replays at most 60m"),
            "{status}"
        );
        assert_eq!(q.world().state_hash_hex(), hash);
    }

    #[test]
    fn reset_opens_the_file_again_and_new_settings_leave_it() {
        let mut p = fresh_page();
        let src = "servers 5\nseed 3\nstart all\nuntil stable\ncrash 5\nrun 2s\n";
        p.import("crash.zs", src);
        let (now, hash) = (p.world().now(), p.world().state_hash_hex());
        p.reduce(Action::Play(Transport::TogglePlay));
        play(&mut p, 60);
        assert!(p.world().now() > now);
        p.reduce(Action::Reset);
        assert_eq!((p.world().now(), p.world().state_hash_hex()), (now, hash));
        assert!(!p.playing);
        p.configure(WorldConfig::new(3, 0, 1), 0);
        p.reduce(Action::Reset);
        assert_eq!(p.world().ensemble().server_count(), 3);
        assert!(p.opened.is_none());
    }

    #[test]
    fn a_failing_expectation_stops_the_file_at_its_line() {
        let src = "# a wrong guess\nservers 3\nseed 4\nstart all\nuntil stable 10s\nexpect leader 3\nexpect mode 1 down\nrun 5s\n";
        let mut p = fresh_page();
        p.import("guess.zs", src);
        let status = p.status.clone().unwrap();
        // Seed 4's leader: whichever one it is, one of the two lines is wrong.
        assert!(
            status.starts_with("guess.zs stopped at line 6: ")
                || status.starts_with("guess.zs stopped at line 7: "),
            "{status}"
        );
        assert!(!p.playing);
        assert!(p.world().now() < 10_000, "stopped before the last line");
        // A good file says how many expectations held.
        let leader = p.world().stable_leader().unwrap();
        let good = format!("servers 3\nseed 4\nstart all\nuntil stable 10s\nexpect leader {leader}\nstatus\nrun 1s\n");
        p.import("good.zs", &good);
        assert_eq!(p.status, None);
        let last = &p.story.lines().back().unwrap().text;
        assert!(
            last.starts_with("Opened good.zs: 7 lines, 1 expectations held"),
            "{last}"
        );
    }

    #[test]
    fn the_pages_trace_exports_are_what_zabscope_run_writes() {
        let p = busy_page();
        let text = export_script(p.world()).unwrap();
        // `zabscope run FILE --trace P --shiviz Q`, as src/bin/zabscope/main.rs runs it.
        let script = parse(&text).unwrap();
        let mut world = World::new(world_config(&script).unwrap());
        world.enable_trace(None);
        execute(&mut world, &script, &mut Vec::new()).unwrap();
        let (cli_trace, cli_shiviz) = (jsonl(world.trace()), shiviz_log(world.trace()));
        assert!(cli_trace.lines().count() > 1000);
        assert_eq!(export_trace(p.world()).unwrap(), cli_trace);
        assert_eq!(export_shiviz(p.world()).unwrap(), cli_shiviz);
    }

    #[test]
    fn export_pauses_and_hands_the_file_over_once_each() {
        let mut p = busy_page();
        assert!(p.playing);
        p.reduce(Action::Files(FileAction::Export(ExportKind::Script)));
        assert!(!p.playing, "an export pauses first");
        let d = p.download.clone().unwrap();
        let now = p.world().now();
        assert_eq!(d.name, format!("zabscope-run-{now}ms.zs"));
        assert_eq!(&*d.text, export_script(p.world()).unwrap());
        p.reduce(Action::Files(FileAction::Export(ExportKind::Trace)));
        let e = p.download.clone().unwrap();
        assert_eq!((e.id, e.mime), (d.id + 1, "application/x-ndjson"));
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Exported zabscope-trace-"));
        // In the past, the export ends at the moment on show.
        p.reduce(Action::Time(TimeAction::Seek(2_000)));
        p.reduce(Action::Files(FileAction::Export(ExportKind::Script)));
        let text = p.download.clone().unwrap().text.clone();
        let mut q = fresh_page();
        q.import("past.zs", &text);
        assert_eq!(q.world().now(), 2_000);
        assert_eq!(q.world().state_hash_hex(), p.world().state_hash_hex());
    }

    #[test]
    fn a_diagram_export_wants_the_drawer_open_then_pauses_and_names_the_run() {
        let mut p = busy_page();
        p.reduce(Action::Files(FileAction::Export(ExportKind::DiagramSvg)));
        assert!(p.playing, "nothing on show: nothing happens but the word");
        assert!(p.download.is_none());
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Open the space-time diagram"));
        p.reduce(Action::Diagram(DiagramAction::Open(true)));
        p.reduce(Action::Diagram(DiagramAction::Width(900.0)));
        p.reduce(Action::Diagram(DiagramAction::Filter("PING")));
        p.reduce(Action::Files(FileAction::Export(ExportKind::DiagramSvg)));
        assert!(!p.playing, "an export pauses first");
        let now = p.world().now();
        let d = p.download.clone().unwrap();
        assert_eq!(d.kind, ExportKind::DiagramSvg);
        assert_eq!(
            (d.name.as_str(), d.mime),
            (&*format!("zabscope-diagram-{now}ms.svg"), "image/svg+xml")
        );
        let v = p.frame.diagram.clone().unwrap();
        let want = format!(
            "ZabScope space-time diagram: zab, 5 servers, seed 9, from {} to {}, the playhead at {now} ms, hiding PING",
            secs(v.from, 1),
            secs(v.to, 1)
        );
        assert_eq!(&*d.text, want);
        p.reduce(Action::Files(FileAction::Export(ExportKind::DiagramPng)));
        let e = p.download.clone().unwrap();
        assert_eq!((e.id, e.mime), (d.id + 1, "image/png"));
        assert_eq!(e.name, format!("zabscope-diagram-{now}ms.png"));
        assert!(p
            .status
            .as_deref()
            .unwrap()
            .starts_with("Exported zabscope-diagram-"));
        // The browser's failure to save is said.
        let why = "the canvas is too big".to_string();
        p.reduce(Action::Files(FileAction::Unsaved {
            name: e.name.clone(),
            why,
        }));
        assert_eq!(
            p.status.as_deref(),
            Some(&*format!(
                "Could not save {}: the canvas is too big",
                e.name
            ))
        );
    }
}
