//! The diagram's arrows and marks, cut by time into tiles: a sixteenth of the window each, by
//! when a message was sent or a mark was made. A tile wholly before the playhead whose
//! messages have all ended, or wholly after it, looks the same from frame to frame: it is
//! kept, and handed out as the same `Rc`, which the drawing compares by pointer. So a frame
//! rebuilds only the tile or two at the playhead, and moving the window moves one transform
//! per tile instead of every arrow (thousands of events in view stay smooth). Within a tile,
//! arrows that would cover the same pixels as one already drawn are drawn once.

use std::collections::HashSet;
use std::rc::Rc;

use super::diagram::{End, Flight, Mark, Record};
use super::spacetime::{ArrowView, Item, MarkView};
use crate::sim::node::Actor;
use crate::sim::Millis;

/// Tiles in one window's width.
pub const TILES_PER_SPAN: Millis = 16;
/// Arrows drawn at most per tile; past it the tile says how many it left out.
pub const ARROWS_PER_TILE: usize = 240;
/// Labels per tile, on arrows long enough to hold one.
const LABELS_PER_TILE: usize = 4;
/// An arrow gets its label when it is at least this long, px.
const LABEL_ROOM: f64 = 70.0;
/// Two arrows whose ends fall within this many px of each other look the same.
const SAME_PX: f64 = 1.5;
/// Records whose tiles are kept (the comparison draws two).
const RECORDS_KEPT: usize = 2;

/// The arrows and marks of one stretch of time, in px from the stretch's start.
#[derive(Debug, PartialEq)]
pub struct TileView {
    /// The stretch's number: it starts at `index × tile_ms`.
    pub index: u64,
    pub arrows: Vec<ArrowView>,
    pub marks: Vec<MarkView>,
    /// Arrows drawn as one with another (same lanes, same pixels).
    pub merged: usize,
    /// Arrows left out past `ARROWS_PER_TILE`.
    pub cut_short: usize,
}

/// A tile as a frame hands it out: equal when it is the very same tile.
#[derive(Clone, Debug)]
pub struct Tile(pub Rc<TileView>);

impl PartialEq for Tile {
    fn eq(&self, other: &Tile) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// How a stretch stands to the playhead: only a live one changes as the playhead moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Wholly before it, every message in it ended.
    Past,
    /// Wholly after it (the recorded future of a branch shown in its past).
    Future,
    Live,
}

/// What every tile of a record is drawn with: when any of it changes, the kept tiles go.
#[derive(Clone, Debug, PartialEq)]
struct Scale {
    record: u64,
    tile_ms: Millis,
    ppm: f64,
    lanes: Vec<Actor>,
    lane_h: f64,
    hidden: Vec<&'static str>,
}

/// What one tile was drawn for, within its scale.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    index: u64,
    phase: Phase,
    hot: Option<u64>,
    focus: Option<Item>,
}

/// The tiles kept, per record.
#[derive(Clone, Debug, Default)]
pub struct TileCache {
    kept: Vec<(Scale, Vec<(Key, Tile)>)>,
}

/// Everything a tile is drawn from.
pub struct Scope<'a> {
    pub record: &'a Record,
    pub lanes: &'a [Actor],
    pub lane_h: f64,
    /// Px per virtual ms.
    pub ppm: f64,
    pub tile_ms: Millis,
    pub hidden: &'a [&'static str],
    pub hover: Option<u64>,
    pub focus: Option<&'a Item>,
    pub now: Millis,
    /// A message in words, for the one hovered or focused.
    pub words: &'a dyn Fn(&Flight) -> Rc<str>,
}

impl Scope<'_> {
    fn y(&self, a: Actor) -> Option<f64> {
        let i = self.lanes.iter().position(|l| *l == a)?;
        Some((i as f64 + 0.5) * self.lane_h + 2.0)
    }

    fn scale(&self) -> Scale {
        Scale {
            record: self.record.uid(),
            tile_ms: self.tile_ms,
            ppm: self.ppm,
            lanes: self.lanes.to_vec(),
            lane_h: self.lane_h,
            hidden: self.hidden.to_vec(),
        }
    }

    /// The flights sent in `[t0, t1)`.
    fn flights(&self, t0: Millis, t1: Millis) -> impl Iterator<Item = &Flight> {
        let f = self.record.flights();
        let lo = f.partition_point(|f| f.sent < t0);
        let hi = f.partition_point(|f| f.sent < t1);
        f.range(lo..hi)
    }

    fn marks(&self, t0: Millis, t1: Millis) -> impl Iterator<Item = &Mark> {
        let m = self.record.marks();
        let lo = m.partition_point(|m| m.at < t0);
        let hi = m.partition_point(|m| m.at < t1);
        m.range(lo..hi)
    }

    fn key(&self, index: u64) -> Key {
        let (t0, t1) = (index * self.tile_ms, (index + 1) * self.tile_ms);
        let phase = if t0 > self.now {
            Phase::Future
        } else if t1 <= self.now
            && self
                .flights(t0, t1)
                .all(|f| f.end.is_some() && f.until() <= self.now)
        {
            Phase::Past
        } else {
            Phase::Live
        };
        let holds = |id: u64| self.flights(t0, t1).any(|f| f.id == id);
        let focus = self.focus.filter(|item| match item {
            Item::Flight(id) => holds(*id),
            Item::Mark(at, ..) => (t0..t1).contains(at),
        });
        Key {
            index,
            phase,
            hot: self.hover.filter(|id| holds(*id)),
            focus: focus.cloned(),
        }
    }
}

impl TileCache {
    /// The tiles numbered `first..=last`, each kept one reused when nothing it shows changed.
    pub fn tiles(&mut self, s: &Scope, first: u64, last: u64) -> Vec<Tile> {
        let scale = s.scale();
        let i = match self.kept.iter().position(|(k, _)| k.record == scale.record) {
            Some(i) => i,
            None => {
                if self.kept.len() == RECORDS_KEPT {
                    self.kept.remove(0);
                }
                self.kept.push((scale.clone(), Vec::new()));
                self.kept.len() - 1
            }
        };
        let (kept_scale, kept) = &mut self.kept[i];
        if *kept_scale != scale {
            *kept_scale = scale;
            kept.clear();
        }
        let mut out = Vec::with_capacity((last + 1 - first) as usize);
        let mut next = Vec::with_capacity(out.capacity());
        for index in first..=last {
            let key = s.key(index);
            let tile = match kept.iter().find(|(k, _)| *k == key) {
                Some((_, t)) if key.phase != Phase::Live => t.clone(),
                _ => Tile(Rc::new(build(s, index))),
            };
            out.push(tile.clone());
            next.push((key, tile));
        }
        *kept = next;
        out
    }
}

/// Messages sent before tile `first` that still reach the window at `from`: drawn each
/// frame from `from` (a long flight is rare; its tile would be far off screen).
pub fn carried(s: &Scope, first: u64, from: Millis) -> TileView {
    let r = s.record.flights();
    let lo = r.partition_point(|f| f.sent + s.record.longest < from);
    let hi = r.partition_point(|f| f.sent < first * s.tile_ms);
    let mut t = TileView {
        index: u64::MAX,
        arrows: Vec::new(),
        marks: Vec::new(),
        merged: 0,
        cut_short: 0,
    };
    let long = r.range(lo..hi.max(lo)).filter(|f| f.until() >= from);
    draw_flights(s, long, from, &mut t);
    t
}

/// The tile `index` drawn afresh.
fn build(s: &Scope, index: u64) -> TileView {
    let (t0, t1) = (index * s.tile_ms, (index + 1) * s.tile_ms);
    let mut t = TileView {
        index,
        arrows: Vec::new(),
        marks: Vec::new(),
        merged: 0,
        cut_short: 0,
    };
    draw_flights(s, s.flights(t0, t1), t0, &mut t);
    draw_marks(s, s.marks(t0, t1), t0, &mut t);
    t
}

fn draw_flights<'a>(
    s: &Scope,
    flights: impl Iterator<Item = &'a Flight>,
    t0: Millis,
    t: &mut TileView,
) {
    let x = |at: Millis| (at as f64 - t0 as f64) * s.ppm;
    let mut seen: HashSet<(Actor, Actor, &'static str, i64, i64, bool)> = HashSet::new();
    let mut labels = 0;
    for f in flights.filter(|f| !s.hidden.contains(&f.kind)) {
        let (Some(y0), Some(y1)) = (s.y(f.from), s.y(f.to)) else {
            continue;
        };
        let end = f.until();
        let open = f.sent <= s.now && end > s.now;
        let stop = if open { s.now } else { end };
        let lost = matches!(f.end, Some((_, End::Lost(_)))) && !open;
        let (x0, x1) = (x(f.sent), x(stop));
        let hot = s.hover == Some(f.id);
        let focused = s.focus == Some(&Item::Flight(f.id));
        let px = |v: f64| (v / SAME_PX).round() as i64;
        if !hot && !focused && !seen.insert((f.from, f.to, f.kind, px(x0), px(x1), lost)) {
            t.merged += 1;
            continue;
        }
        if t.arrows.len() >= ARROWS_PER_TILE && !hot && !focused {
            t.cut_short += 1;
            continue;
        }
        let frac = (stop - f.sent) as f64 / f.due.saturating_sub(f.sent).max(1) as f64;
        let room = x1 - x0 >= LABEL_ROOM && f.kind != "PING" && labels < LABELS_PER_TILE;
        let label = (room || hot || focused).then(|| {
            labels += 1;
            f.label.clone()
        });
        t.arrows.push(ArrowView {
            id: f.id,
            kind: f.kind,
            x0,
            y0,
            x1,
            y1: y0 + (y1 - y0) * frac.min(1.0),
            lost,
            open,
            future: f.sent > s.now,
            label,
            hot,
            focused,
            words: (hot || focused).then(|| (s.words)(f)),
            jump: f.sent + f.due.saturating_sub(f.sent) / 2,
        });
    }
}

fn draw_marks<'a>(s: &Scope, marks: impl Iterator<Item = &'a Mark>, t0: Millis, t: &mut TileView) {
    let mut last_word_x = f64::NEG_INFINITY;
    for m in marks {
        let item = Item::Mark(m.at, m.lane, m.short.clone());
        let focused = s.focus == Some(&item);
        let x = (m.at - t0) as f64 * s.ppm;
        // Words only where they do not run into the last one drawn.
        let show_word = x - last_word_x > 48.0 || focused;
        if show_word {
            last_word_x = x;
        }
        t.marks.push(MarkView {
            x,
            y: m.lane.and_then(|a| s.y(a)),
            kind: m.kind,
            short: m.short.clone(),
            text: m.text.clone(),
            at: m.at,
            future: m.at > s.now,
            focused,
            show_word,
        });
    }
}
