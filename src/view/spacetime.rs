//! The space-time diagram as the page draws it: one lane per server (then per client), virtual
//! time running left to right, an arrow per message, marks on the lanes, a band per epoch and
//! the playhead. `Diagram` holds what the person set (open, zoom, pan, filters, the event the
//! keyboard stands on, the message hovered) and builds a `DiagramView` in pixels of only what
//! is in the window, so that thousands of recorded events cost what is visible.

use std::rc::Rc;

use super::action::DiagramAction;
use super::diagram::{lanes, End, Flight, Mark, MarkKind, Record};
use super::tiles::{carried, Scope, Tile, TileCache, TILES_PER_SPAN};
use crate::sim::node::Actor;
use crate::sim::world::World;
use crate::sim::Millis;

/// Left gutter for the lane names, px.
pub const GUTTER: f64 = 34.0;
/// Height of the time axis under the lanes, px.
pub const AXIS: f64 = 18.0;
/// The window's width in virtual time when the diagram first opens.
pub const DEFAULT_SPAN: Millis = 8_000;
pub const MIN_SPAN: Millis = 100;
/// Real ms of history the window holds until the person zooms.
const AUTO_REAL_MS: f64 = 12_000.0;
const AUTO_MIN: Millis = 300;
pub const MAX_SPAN: Millis = 600_000;

/// Something the diagram can stand on: a message or a mark.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Flight(u64),
    /// A mark, by its time, lane and word (unique enough: two identical marks at one
    /// moment read the same).
    Mark(Millis, Option<Actor>, Rc<str>),
}

/// Where a jump goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Back,
    Forward,
}

/// What the person set, and the records it draws from.
#[derive(Clone, Debug)]
pub struct Diagram {
    pub open: bool,
    /// The window's width in virtual ms.
    pub span: Millis,
    /// The window's right end when panned away from the playhead (`None`: it follows).
    pub pinned: Option<Millis>,
    /// Message kinds not drawn.
    pub hidden: Vec<&'static str>,
    /// The item the keyboard stands on.
    pub focus: Option<Item>,
    /// The message hovered, here or on the ring.
    pub hover: Option<u64>,
    /// Width of the drawing, px (the page measures it).
    pub width: f64,
    /// The person zoomed: the span no longer follows the speed.
    pub zoomed: bool,
    /// The span was set from the speed at least once.
    sized: bool,
    /// Tiles drawn in earlier frames, kept while they still look the same.
    tiles: std::cell::RefCell<TileCache>,
}

impl Default for Diagram {
    fn default() -> Diagram {
        Diagram {
            open: false,
            span: DEFAULT_SPAN,
            pinned: None,
            hidden: Vec::new(),
            focus: None,
            hover: None,
            width: 960.0,
            zoomed: false,
            sized: false,
            tiles: Default::default(),
        }
    }
}

/// One lane drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    /// `data-lane`: the server's id, or the client's name.
    pub key: Rc<str>,
    pub name: Rc<str>,
    pub y: f64,
}

/// One message drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowView {
    pub id: u64,
    pub kind: &'static str,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// It died at (x1, y1).
    pub lost: bool,
    /// Still on the wire at the playhead: drawn up to it.
    pub open: bool,
    /// After the playhead (the recorded future of a branch shown in its past).
    pub future: bool,
    pub label: Option<Rc<str>>,
    pub hot: bool,
    pub focused: bool,
    /// What it is, in words (its tooltip), for the arrow hovered or focused.
    pub words: Option<Rc<str>>,
    /// Where a click jumps: the moment it is half way.
    pub jump: Millis,
}

/// One mark drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkView {
    pub x: f64,
    /// `None`: across every lane.
    pub y: Option<f64>,
    pub kind: MarkKind,
    pub short: Rc<str>,
    pub text: Rc<str>,
    pub at: Millis,
    pub future: bool,
    pub focused: bool,
    pub show_word: bool,
}

/// A band of one established epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct BandView {
    pub x0: f64,
    pub x1: f64,
    pub epoch: u64,
    pub odd: bool,
}

/// The diagram in pixels, for one frame.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DiagramView {
    pub width: f64,
    pub height: f64,
    pub lane_h: f64,
    pub from: Millis,
    pub to: Millis,
    pub lanes: Vec<LaneView>,
    pub bands: Vec<BandView>,
    /// The arrows and marks, a tile per stretch of time, each at its x (view/tiles.rs); the
    /// first holds the long flights that reach in from before the others.
    pub tiles: Vec<(f64, Tile)>,
    /// Axis ticks: x and the time they stand for.
    pub ticks: Vec<(f64, Rc<str>)>,
    pub playhead: f64,
    /// Items in the window (before the arrow cap).
    pub in_range: usize,
    /// Arrows left out past a tile's cap.
    pub cut_short: usize,
    /// Arrows drawn as one with another that covers the same pixels.
    pub merged: usize,
    /// The message hovered, here or on the ring.
    pub hover: Option<u64>,
    /// The focused item in words, for a screen reader.
    pub said: Option<Rc<str>>,
    pub following: bool,
    /// Message kinds recorded, and whether each is shown.
    pub kinds: Vec<(&'static str, bool)>,
}

impl DiagramView {
    /// Every arrow drawn, in px from its tile's start.
    pub fn arrows(&self) -> impl Iterator<Item = &ArrowView> {
        self.tiles.iter().flat_map(|(_, t)| t.0.arrows.iter())
    }

    /// Every mark drawn, in px from its tile's start.
    pub fn marks(&self) -> impl Iterator<Item = &MarkView> {
        self.tiles.iter().flat_map(|(_, t)| t.0.marks.iter())
    }

    /// Every arrow drawn, in px across the drawing.
    pub fn placed_arrows(&self) -> impl Iterator<Item = ArrowView> + '_ {
        (self.tiles.iter()).flat_map(|(x, t)| {
            t.0.arrows.iter().map(move |a| ArrowView {
                x0: a.x0 + x,
                x1: a.x1 + x,
                ..a.clone()
            })
        })
    }
}

/// The name of an actor's lane: `s3`, or a client's name.
fn lane_name(world: &World, a: Actor) -> Rc<str> {
    match a {
        Actor::Server(s) => Rc::from(format!("s{s}")),
        Actor::Client(_) => super::diagram::client_name(world, a).unwrap_or_else(|| "c?".into()),
    }
}

fn lane_key(world: &World, a: Actor) -> Rc<str> {
    match a {
        Actor::Server(s) => Rc::from(s.to_string()),
        Actor::Client(_) => lane_name(world, a),
    }
}

/// `ms` in seconds with `places` decimals (0 to 3), through integers: the float formatter
/// costs the wasm ~10 KB.
pub fn secs(ms: Millis, places: u32) -> String {
    let unit = 10u64.pow(3 - places.min(3));
    let v = (ms + unit / 2) / unit;
    let scale = 10u64.pow(places.min(3));
    if places == 0 {
        format!("{v} s")
    } else {
        format!("{}.{:0w$} s", v / scale, v % scale, w = places as usize)
    }
}

/// `t` in seconds as an axis writes it.
fn tick_text(t: Millis, step: Millis) -> Rc<str> {
    let places = match step {
        1000.. => 0,
        100.. => 1,
        _ => 2,
    };
    Rc::from(secs(t, places))
}

/// A flight in words.
pub fn flight_words(f: &Flight, name: &dyn Fn(Actor) -> Rc<str>) -> String {
    let what = if f.label.is_empty() || &*f.label == f.kind {
        f.kind.to_string()
    } else {
        format!("{} {}", f.kind, f.label)
    };
    let secs = |t: Millis| secs(t, 3);
    let end = match f.end {
        Some((t, End::Delivered)) => format!("delivered at {}", secs(t)),
        Some((t, End::Lost(why))) => format!("lost at {} ({why})", secs(t)),
        None => format!("due at {}", secs(f.due)),
    };
    format!(
        "{what} from {} to {}, sent at {}, {end}",
        name(f.from),
        name(f.to),
        secs(f.sent)
    )
}

impl Diagram {
    /// The window's right end with the playhead at `now`: following, the playhead stands
    /// at four fifths of the width.
    pub fn window(&self, now: Millis) -> (Millis, Millis) {
        let to = self.pinned.unwrap_or(now + self.span / 5).max(self.span);
        (to - self.span, to)
    }

    /// Zooms by `factor` (> 1 zooms in) around virtual time `at` (`None`: the window keeps
    /// its right end, or goes on following the playhead).
    pub fn zoom(&mut self, factor: f64, at: Option<Millis>, now: Millis) {
        let (from, to) = self.window(now);
        let span = ((self.span as f64 / factor).round() as Millis).clamp(MIN_SPAN, MAX_SPAN);
        self.zoomed = true;
        if let Some(at) = at {
            // Keep `at` where it is across the window (under the pointer).
            let frac = (at.saturating_sub(from)) as f64 / (to - from).max(1) as f64;
            let new_from = at.saturating_sub((frac * span as f64) as Millis);
            self.pinned = Some(new_from + span);
        }
        self.span = span;
    }

    /// Until the person zooms, the window holds about the last `AUTO_REAL_MS` of real time
    /// at `speed` (virtual ms per real ms, as played): at the default speed the first
    /// election fills it. The span moves in round steps and only when it is off by more
    /// than twice, so that the picture does not breathe with every change of pace.
    pub fn follow_speed(&mut self, speed: f64) {
        if self.zoomed {
            return;
        }
        let ideal = (speed * AUTO_REAL_MS).clamp(AUTO_MIN as f64, MAX_SPAN as f64);
        let span = self.span as f64;
        if !self.sized || ideal > 2.0 * span || ideal < span / 2.0 {
            self.span = round_span(ideal);
            self.sized = true;
        }
    }

    /// Moves the window by `ms` (negative: back); it stops following the playhead.
    pub fn pan(&mut self, ms: i64, now: Millis) {
        let (_, to) = self.window(now);
        let to = (to as i64 + ms).max(self.span as i64) as Millis;
        self.pinned = Some(to);
    }

    /// Applies one of the settings both pages share (open, width, zoom, pan, follow, a
    /// filter, the hover); false for the actions that need the page (walk, enter, go).
    pub fn set(&mut self, a: &DiagramAction, now: Millis) -> bool {
        match *a {
            DiagramAction::Open(open) => self.open = open,
            DiagramAction::Width(w) => self.width = w,
            DiagramAction::Zoom(factor, at) => self.zoom(factor, at, now),
            DiagramAction::Pan(ms) => self.pan(ms, now),
            DiagramAction::Follow => self.follow(),
            DiagramAction::Filter(kind) => self.toggle(kind),
            DiagramAction::Hover(id) => self.hover = id,
            DiagramAction::Walk(_) | DiagramAction::Enter | DiagramAction::Go(..) => return false,
        }
        true
    }

    pub fn follow(&mut self) {
        self.pinned = None;
    }

    pub fn toggle(&mut self, kind: &'static str) {
        match self.hidden.iter().position(|k| *k == kind) {
            Some(i) => {
                self.hidden.remove(i);
            }
            None => self.hidden.push(kind),
        }
    }

    fn shown(&self, f: &Flight) -> bool {
        !self.hidden.contains(&f.kind)
    }

    /// The item after (or before) the focused one, in time order (from the playhead when
    /// nothing is focused); the window moves to show it. Returns its time.
    pub fn walk(&mut self, r: &Record, dir: Dir, now: Millis) -> Option<Millis> {
        let all = ordered(self, r);
        if all.is_empty() {
            return None;
        }
        let here = self
            .focus
            .as_ref()
            .and_then(|f| all.iter().position(|(_, i)| i == f));
        let next = match (here, dir) {
            (Some(i), Dir::Forward) => (i + 1).min(all.len() - 1),
            (Some(i), Dir::Back) => i.saturating_sub(1),
            (None, Dir::Forward) => all.partition_point(|(t, _)| *t <= now).min(all.len() - 1),
            (None, Dir::Back) => all.partition_point(|(t, _)| *t < now).saturating_sub(1),
        };
        let (t, item) = all[next].clone();
        self.focus = Some(item);
        let (from, to) = self.window(now);
        if t < from || t > to {
            self.pinned = Some(t + self.span / 2);
        }
        Some(t)
    }

    /// The time of the nearest mark of `kind` before (or after) `now`.
    pub fn jump(r: &Record, kinds: &[MarkKind], dir: Dir, now: Millis) -> Option<Millis> {
        let mut it = r.marks().iter().filter(|m| kinds.contains(&m.kind));
        match dir {
            Dir::Back => it.rev().find(|m| m.at < now).map(|m| m.at),
            Dir::Forward => it.find(|m| m.at > now).map(|m| m.at),
        }
    }

    /// The time of the nearest recorded happening (a send, an arrival, a loss, a mark)
    /// strictly before (or after) `now`.
    pub fn step(r: &Record, dir: Dir, now: Millis) -> Option<Millis> {
        let times = r
            .flights()
            .iter()
            .flat_map(|f| [Some(f.sent), f.end.map(|(t, _)| t)])
            .flatten()
            .chain(r.marks().iter().map(|m| m.at));
        match dir {
            Dir::Back => times.filter(|t| *t < now).max(),
            Dir::Forward => times.filter(|t| *t > now).min(),
        }
    }

    /// The diagram of `record` at playhead `now`.
    pub fn view(&self, world: &World, record: Option<&Record>, now: Millis) -> DiagramView {
        let lanes_of = lanes(world, record);
        let lane_h = if lanes_of.len() > 12 { 13.0 } else { 18.0 };
        let (from, to) = self.window(now);
        let width = self.width.max(200.0);
        let plot = width - GUTTER - 6.0;
        let x = |t: Millis| GUTTER + (t as f64 - from as f64) / (to - from).max(1) as f64 * plot;
        let name = |a: Actor| lane_name(world, a);
        let height = lanes_of.len() as f64 * lane_h + AXIS + 4.0;
        let mut v = DiagramView {
            width,
            height,
            lane_h,
            from,
            to,
            lanes: (lanes_of.iter())
                .enumerate()
                .map(|(i, a)| LaneView {
                    key: lane_key(world, *a),
                    name: name(*a),
                    y: (i as f64 + 0.5) * lane_h + 2.0,
                })
                .collect(),
            playhead: x(now),
            following: self.pinned.is_none(),
            ..DiagramView::default()
        };
        v.ticks = ticks(from, to)
            .into_iter()
            .map(|(t, s)| (x(t), s))
            .collect();
        let Some(r) = record else {
            return v;
        };
        v.kinds = (r.kinds.iter())
            .map(|k| (*k, !self.hidden.contains(k)))
            .collect();
        let words = |f: &Flight| Rc::from(flight_words(f, &name));
        let tile_ms = (self.span / TILES_PER_SPAN).max(1);
        let scope = Scope {
            record: r,
            lanes: &lanes_of,
            lane_h,
            ppm: plot / (to - from).max(1) as f64,
            tile_ms,
            hidden: &self.hidden,
            hover: self.hover,
            focus: self.focus.as_ref(),
            now,
            words: &words,
        };
        // The tiles in the window, and one before it: its arrows may reach in.
        let first = (from / tile_ms).saturating_sub(1);
        let tiles = self.tiles.borrow_mut().tiles(&scope, first, to / tile_ms);
        let carried = Tile(Rc::new(carried(&scope, first, from)));
        v.tiles = std::iter::once((GUTTER, carried))
            .chain(tiles.into_iter().map(|t| {
                let start = t.0.index * tile_ms;
                (x(start), t)
            }))
            .collect();
        for (_, t) in &v.tiles {
            v.cut_short += t.0.cut_short;
            v.merged += t.0.merged;
        }
        v.hover = self.hover;
        v.in_range = self.in_range(r, from, to);
        v.said = self.said(r, &name);
        self.bands(r, &mut v, now, &x);
        v
    }

    /// Messages shown and marks made in the window.
    fn in_range(&self, r: &Record, from: Millis, to: Millis) -> usize {
        let f = r.flights();
        let first = f.partition_point(|f| f.sent + r.longest < from);
        let flights = (f.range(first..))
            .take_while(|f| f.sent <= to)
            .filter(|f| f.until() >= from && self.shown(f))
            .count();
        flights
            + r.marks()
                .iter()
                .filter(|m| (from..=to).contains(&m.at))
                .count()
    }

    /// The focused item in words, for a screen reader.
    fn said(&self, r: &Record, name: &dyn Fn(Actor) -> Rc<str>) -> Option<Rc<str>> {
        match self.focus.as_ref()? {
            Item::Flight(id) => {
                let f = r.flights().iter().rev().find(|f| f.id == *id)?;
                Some(Rc::from(flight_words(f, name)))
            }
            Item::Mark(at, lane, short) => {
                let m = (r.marks().iter())
                    .find(|m| m.at == *at && m.lane == *lane && m.short == *short)?;
                Some(Rc::from(format!("{}: {}", secs(m.at, 3), m.text)))
            }
        }
    }

    /// A band per established epoch, up to the next one (the last up to the playhead).
    fn bands(&self, r: &Record, v: &mut DiagramView, now: Millis, x: &dyn Fn(Millis) -> f64) {
        let (from, to) = (v.from, v.to);
        let epochs: Vec<&Mark> = (r.marks().iter())
            .filter(|m| m.kind == MarkKind::Epoch && m.at <= to)
            .collect();
        for (i, m) in epochs.iter().enumerate() {
            let end = epochs.get(i + 1).map_or(to.min(now.max(m.at)), |n| n.at);
            if end < from {
                continue;
            }
            v.bands.push(BandView {
                x0: x(m.at.max(from)),
                x1: x(end.min(to)),
                epoch: m.epoch.unwrap_or(0),
                odd: i % 2 == 1,
            });
        }
    }
}

/// The 1-2-5 step nearest to `ms` (in virtual ms).
fn round_span(ms: f64) -> Millis {
    let mut best = AUTO_MIN;
    for decade in [100, 1_000, 10_000, 100_000] {
        for m in [1, 2, 5] {
            let s = decade * m;
            if (s as f64 / ms).ln().abs() < (best as f64 / ms).ln().abs() {
                best = s;
            }
        }
    }
    best.clamp(AUTO_MIN, MAX_SPAN)
}

/// Every shown flight (by send time) and every mark, in time order.
fn ordered(d: &Diagram, r: &Record) -> Vec<(Millis, Item)> {
    let mut all: Vec<(Millis, Item)> = (r.flights().iter())
        .filter(|f| d.shown(f))
        .map(|f| (f.sent, Item::Flight(f.id)))
        .collect();
    all.extend((r.marks().iter()).map(|m| (m.at, Item::Mark(m.at, m.lane, m.short.clone()))));
    // Stable: at one moment, messages (in the order sent) before marks.
    all.sort_by_key(|(t, _)| *t);
    all
}

/// Round axis ticks between `from` and `to`: about eight.
fn ticks(from: Millis, to: Millis) -> Vec<(Millis, Rc<str>)> {
    let span = (to - from).max(1);
    const STEPS: [Millis; 14] = [
        10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000,
    ];
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 8)
        .unwrap_or(600_000);
    let first = from.div_ceil(step) * step;
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= to)
        .map(|t| (t, tick_text(t, step)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::diagram::{Record, TRACE_CAP};
    use super::*;
    use crate::sim::{Command, WorldConfig};

    fn recorded(until: Millis) -> (World, Record) {
        let mut w = World::new(WorldConfig::new(3, 0, 5));
        w.enable_feed();
        w.enable_trace(Some(TRACE_CAP));
        w.apply(Command::StartAll).unwrap();
        let mut r = Record::default();
        for t in (100..=until).step_by(100) {
            w.run_until(t);
            r.read(&w);
        }
        (w, r)
    }

    #[test]
    fn the_span_follows_the_speed_in_round_steps_until_the_person_zooms() {
        let mut d = Diagram::default();
        d.follow_speed(0.05);
        assert_eq!(d.span, 500, "12 real seconds at 0.05x, rounded");
        d.follow_speed(0.07);
        assert_eq!(d.span, 500, "not off by twice: it stays");
        d.follow_speed(0.5);
        assert_eq!(d.span, 5_000);
        d.zoom(2.0, None, 0);
        d.follow_speed(0.05);
        assert_eq!(d.span, 2_500, "zoomed: the person's span stays");
    }

    #[test]
    fn seconds_are_written_through_integers() {
        assert_eq!(secs(12_345, 3), "12.345 s");
        assert_eq!(secs(12_345, 1), "12.3 s");
        assert_eq!(secs(12_355, 2), "12.36 s");
        assert_eq!(secs(1_500, 0), "2 s");
        assert_eq!(secs(40, 2), "0.04 s");
    }

    #[test]
    fn the_window_draws_only_what_is_in_it_and_follows_the_playhead() {
        let (w, r) = recorded(20_000);
        let d = Diagram {
            span: 2_000,
            ..Diagram::default()
        };
        let v = d.view(&w, Some(&r), 20_000);
        assert_eq!((v.from, v.to), (18_400, 20_400));
        assert_eq!(v.lanes.len(), 3);
        assert!(v.arrows().next().is_some());
        for a in v.placed_arrows() {
            assert!(a.x1 >= GUTTER - 1.0 || a.x0 <= d.width, "{a:?}");
            assert!(a.x0 <= v.playhead + 0.01, "nothing after the live playhead");
        }
        let all = r.flights().len();
        assert!(
            v.arrows().count() < all / 4,
            "{} of {all} drawn",
            v.arrows().count()
        );
        assert!((v.playhead - (GUTTER + 0.8 * (d.width - GUTTER - 6.0))).abs() < 0.5);
        assert!(v.ticks.len() >= 3 && v.ticks.len() <= 9, "{:?}", v.ticks);
    }

    #[test]
    fn filters_hide_a_kind_and_zoom_keeps_the_pointer_time_in_place() {
        let (w, r) = recorded(10_000);
        let mut d = Diagram::default();
        let pings = |d: &Diagram| {
            let v = d.view(&w, Some(&r), 10_000);
            v.arrows().filter(|a| a.kind == "PING").count()
        };
        assert!(pings(&d) > 0);
        d.toggle("PING");
        assert_eq!(pings(&d), 0);
        assert!(d
            .view(&w, Some(&r), 10_000)
            .kinds
            .contains(&("PING", false)));
        d.toggle("PING");
        assert!(pings(&d) > 0);
        d.pinned = Some(10_000);
        d.zoom(2.0, Some(6_000), 10_000);
        let (from, to) = d.window(10_000);
        assert_eq!(to - from, DEFAULT_SPAN / 2);
        // 6 s sat half way across the old window (2..10 s): it still does.
        assert_eq!((from, to), (4_000, 8_000));
    }

    #[test]
    fn the_keyboard_walks_from_event_to_event_in_time_order_and_says_each() {
        let (w, r) = recorded(6_000);
        let mut d = Diagram::default();
        let t0 = d.walk(&r, Dir::Forward, 0).unwrap();
        let t1 = d.walk(&r, Dir::Forward, 0).unwrap();
        assert!(t1 >= t0);
        let v = d.view(&w, Some(&r), 6_000);
        let said = v.said.expect("the focused event in words");
        assert!(
            said.contains(" from s") && said.contains("sent at"),
            "{said}"
        );
        assert_eq!(d.walk(&r, Dir::Back, 0).unwrap(), t0);
        // The jumps find the election's decision and nothing before the first one.
        let leading = Diagram::jump(&r, &[MarkKind::Election], Dir::Forward, 0).unwrap();
        assert!(leading > 0 && leading < 6_000);
        assert_eq!(Diagram::jump(&r, &[MarkKind::Election], Dir::Back, 1), None);
        let before = Diagram::step(&r, Dir::Back, 3_000).unwrap();
        let after = Diagram::step(&r, Dir::Forward, 3_000).unwrap();
        assert!(before < 3_000 && after > 3_000);
    }

    #[test]
    fn a_frame_rebuilds_only_the_tiles_at_the_playhead_and_moves_the_rest() {
        let (w, r) = recorded(20_000);
        let mut d = Diagram {
            span: 4_000,
            ..Diagram::default()
        };
        let a = d.view(&w, Some(&r), 17_000);
        let b = d.view(&w, Some(&r), 17_050);
        let same = |a: &DiagramView, b: &DiagramView| {
            (a.tiles.iter())
                .filter(|(_, t)| b.tiles.iter().any(|(_, u)| u == t))
                .count()
        };
        assert!(a.tiles.len() >= 16, "{} tiles", a.tiles.len());
        assert!(
            same(&a, &b) >= a.tiles.len() - 4,
            "{} of {} kept",
            same(&a, &b),
            a.tiles.len()
        );
        // A kept arrow moved with its tile, by 50 ms of the window.
        let ppm = (d.width - GUTTER - 6.0) / 4_000.0;
        let first = a.placed_arrows().find(|x| x.jump < 16_000).unwrap();
        let moved = b.placed_arrows().find(|x| x.id == first.id).unwrap();
        assert!((first.x0 - moved.x0 - 50.0 * ppm).abs() < 0.01);
        assert_eq!(first.y0, moved.y0);
        // Hovering a message redraws its tile only, with the message hot.
        d.hover = Some(first.id);
        let c = d.view(&w, Some(&r), 17_050);
        assert!(c.arrows().any(|x| x.id == first.id && x.hot));
        assert!(same(&b, &c) >= b.tiles.len() - 5);
        // Nothing is lost to the tiles: the same arrows as drawn straight.
        let straight = Diagram {
            span: 4_000,
            ..Diagram::default()
        }
        .view(&w, Some(&r), 17_050);
        let ids = |v: &DiagramView| {
            let mut ids: Vec<u64> = v.arrows().map(|x| x.id).collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(ids(&b), ids(&straight));
    }
}
