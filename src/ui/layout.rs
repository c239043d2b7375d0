//! Where things go on the ring: server positions, card sizes, and points along links, in the
//! SVG's user units (a 1000 × 1000 viewBox that scales to its container).

use crate::sim::Sid;
use crate::view::clients::MAX_DRAWN;

/// The side of the square viewBox.
pub const VIEW: f64 = 1000.0;
const CENTER: f64 = VIEW / 2.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Centre of server `sid` at index `sid - 1`.
    pub pos: Vec<(f64, f64)>,
    /// The radius of a server's node (a circle).
    pub r: f64,
    /// The distance between neighbouring nodes' centres (the room a caption may take).
    pub gap: f64,
    /// Where the clients sit (`client_at`), out of the servers' way.
    pub clients: Vec<(f64, f64)>,
}

/// The caption under a node takes up to this share of the node's radius.
const CAPTION: f64 = 0.75;

impl Layout {
    /// `n` servers evenly on a circle, the first at the top, clockwise: nodes as large as the
    /// gap to their neighbours allows (within readable bounds), the ring as large as its nodes
    /// and their captions allow inside the square, centred on its bounding box so an odd
    /// count leaves no gap at the bottom.
    pub fn ring(n: usize) -> Layout {
        let n = n.max(1);
        if n == 1 {
            let pos = vec![(CENTER, CENTER)];
            return Layout {
                clients: client_spots(&pos, 130.0, MAX_DRAWN),
                pos,
                r: 130.0,
                gap: VIEW,
            };
        }
        let pi = std::f64::consts::PI;
        let unit: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = -pi / 2.0 + 2.0 * pi * i as f64 / n as f64;
                (js_sys::Math::cos(a), js_sys::Math::sin(a))
            })
            .collect();
        let span = |f: fn(&(f64, f64)) -> f64| {
            let lo = unit.iter().map(f).fold(f64::MAX, f64::min);
            let hi = unit.iter().map(f).fold(f64::MIN, f64::max);
            (lo, hi)
        };
        let (x_lo, x_hi) = span(|p| p.0);
        let (y_lo, y_hi) = span(|p| p.1);
        let sin = js_sys::Math::sin(pi / n as f64);
        let margin = 12.0;
        let (mut ring, mut r) = (400.0, 0.0);
        for _ in 0..6 {
            r = (2.0 * ring * sin * 0.38).clamp(24.0, 125.0);
            let wide = VIEW - 2.0 * (r + margin);
            let tall = VIEW - 2.0 * (r + margin) - CAPTION * r;
            ring = (wide / (x_hi - x_lo).max(1e-9)).min(tall / (y_hi - y_lo).max(1e-9));
        }
        let (cx, cy) = (
            CENTER - ring * (x_lo + x_hi) / 2.0,
            CENTER - ring * (y_lo + y_hi) / 2.0 - CAPTION * r / 2.0,
        );
        let pos: Vec<(f64, f64)> = unit
            .iter()
            .map(|(c, s)| (cx + ring * c, cy + ring * s))
            .collect();
        Layout {
            clients: client_spots(&pos, r, MAX_DRAWN),
            pos,
            r,
            gap: 2.0 * ring * sin,
        }
    }

    pub fn at(&self, sid: Sid) -> (f64, f64) {
        self.pos[sid as usize - 1]
    }

    /// The point a fraction `t` of the way from `from` to `to`, shifted sideways so that the two
    /// directions of a link use two lanes.
    pub fn along(&self, from: Sid, to: Sid, t: f64) -> (f64, f64) {
        let (x0, y0) = self.at(from);
        let (x1, y1) = self.at(to);
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        // The right-hand normal of the direction of travel.
        let lane = 7.0;
        let (nx, ny) = (-dy / len * lane, dx / len * lane);
        (x0 + dx * t + nx, y0 + dy * t + ny)
    }

    /// The unit right-hand normal of travel from `from` to `to`: the side its lane is on.
    pub fn normal(&self, from: Sid, to: Sid) -> (f64, f64) {
        let (x0, y0) = self.at(from);
        let (x1, y1) = self.at(to);
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        (-dy / len, dx / len)
    }

    /// Like `along`, but from the edge of the sender's node to the edge of the receiver's, so
    /// that a message travels in the open space between them, never under a node.
    pub fn between(&self, from: Sid, to: Sid, t: f64) -> (f64, f64) {
        let (x0, y0) = self.at(from);
        let (x1, y1) = self.at(to);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt().max(1e-9);
        // Where the centre-to-centre line leaves a node (plus a margin), as a share of it.
        let edge = (self.r + 8.0) / len;
        let (t0, t1) = (edge, 1.0 - edge);
        if t1 - t0 < 0.1 {
            return self.along(from, to, t); // nodes (almost) touch: centre to centre
        }
        self.along(from, to, t0 + (t1 - t0) * t)
    }
}

/// Where clients may sit, as fractions of the view: around the edge of the square, corners
/// first (the ring leaves them emptiest), then the points between.
const CLIENT_SPOTS: [(f64, f64); 16] = [
    (0.055, 0.055),
    (0.945, 0.055),
    (0.945, 0.945),
    (0.055, 0.945),
    (0.055, 0.26),
    (0.945, 0.26),
    (0.945, 0.74),
    (0.055, 0.74),
    (0.26, 0.055),
    (0.74, 0.055),
    (0.74, 0.945),
    (0.26, 0.945),
    (0.055, 0.5),
    (0.945, 0.5),
    (0.5, 0.055),
    (0.5, 0.945),
];

/// The spots for `max` clients: each the free spot farthest from every server's node (its
/// caption included) and from the clients placed before it, so that no client covers a
/// server or its words.
fn client_spots(pos: &[(f64, f64)], r: f64, max: usize) -> Vec<(f64, f64)> {
    let mut spots: Vec<(f64, f64)> = Vec::with_capacity(max);
    let mut free: Vec<(f64, f64)> = CLIENT_SPOTS
        .iter()
        .map(|(x, y)| (x * VIEW, y * VIEW))
        .collect();
    let room = |p: &(f64, f64), spots: &[(f64, f64)]| {
        let server = pos
            .iter()
            // A server's caption hangs under it: measure from a little below its centre.
            .map(|(x, y)| ((p.0 - x).powi(2) + (p.1 - y - 0.3 * r).powi(2)).sqrt() - 1.3 * r)
            .fold(f64::MAX, f64::min);
        let client = spots
            .iter()
            .map(|(x, y)| ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt() - 90.0)
            .fold(f64::MAX, f64::min);
        server.min(client)
    };
    for _ in 0..max.min(free.len()) {
        // The first best spot wins a tie: the corners come first.
        let (i, _) = free
            .iter()
            .enumerate()
            .fold((0, f64::MIN), |(bi, bv), (i, p)| {
                let v = room(p, &spots);
                if v > bv + 1e-6 {
                    (i, v)
                } else {
                    (bi, bv)
                }
            });
        spots.push(free.remove(i));
    }
    spots
}

impl Layout {
    /// The radius of a client's node: smaller than a server's.
    pub fn client_r(&self) -> f64 {
        (self.r * 0.5).clamp(24.0, 40.0)
    }

    /// The centre of the client drawn `index`-th.
    pub fn client_at(&self, index: usize) -> (f64, f64) {
        self.clients[index % self.clients.len().max(1)]
    }

    /// A point a fraction `t` of the way along a client's wire to server `sid`, from the edge
    /// of one node to the edge of the other; `up` (towards the server) and down use two lanes.
    pub fn client_between(&self, index: usize, sid: Sid, up: bool, t: f64) -> (f64, f64) {
        let (c, s) = (self.client_at(index), self.at(sid));
        let (from, to, r0, r1) = if up {
            (c, s, self.client_r(), self.r)
        } else {
            (s, c, self.r, self.client_r())
        };
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (t0, t1) = ((r0 + 6.0) / len, 1.0 - (r1 + 6.0) / len);
        let t = t0 + (t1 - t0).max(0.0) * t;
        let lane = 6.0;
        (
            from.0 + dx * t - dy / len * lane,
            from.1 + dy * t + dx / len * lane,
        )
    }

    /// The unit right-hand normal of a client packet's travel.
    pub fn client_normal(&self, index: usize, sid: Sid, up: bool) -> (f64, f64) {
        let (c, s) = (self.client_at(index), self.at(sid));
        let (from, to) = if up { (c, s) } else { (s, c) };
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        (-dy / len, dx / len)
    }
}

/// Nothing drawn on the ring is smaller than this many CSS pixels; what would be is left out
/// (and stays in the node's tooltip and the inspector).
pub const MIN_PX: f64 = 11.0;

/// The sizes of what the ring draws, in user units, chosen from how many pixels a unit is on
/// screen: the same layout reads at 320 × 240 and at 1280 × 800 because text is sized in
/// pixels and detail is dropped, not shrunk, when it does not fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sizes {
    /// Pixels per user unit.
    pub scale: f64,
    /// The sid inside a node.
    pub sid: f64,
    /// The epoch and short zxid under the sid, when the node holds them at `MIN_PX`.
    pub detail: Option<f64>,
    /// The role line under a node, when the gap to its neighbours holds it.
    pub caption: Option<f64>,
    /// The role badge on the node's rim, when the node is large enough to carry it beside
    /// its sid (a small node shows its role by its colour and outline only).
    pub badge: Option<f64>,
    /// A message's dot (radius) and its label, when the ring is large enough for labels.
    pub dot: f64,
    pub label: Option<f64>,
}

impl Sizes {
    pub fn new(l: &Layout, scale: f64) -> Sizes {
        let scale = scale.max(0.05);
        let px = |units: f64| units * scale;
        let units = |pixels: f64| pixels / scale;
        let node = px(l.r);
        let detail = (node * 0.3).min(15.0);
        let caption = (node * 0.28).clamp(MIN_PX, 13.0);
        // A caption is about a dozen characters of ~0.6 em.
        let caption_fits = px(l.gap) >= caption * 0.6 * 12.0 && node >= 20.0;
        let label = (px(24.0)).clamp(MIN_PX, 14.0);
        Sizes {
            scale,
            sid: units((node * 0.5).clamp(MIN_PX, 22.0)),
            detail: (detail >= MIN_PX).then(|| units(detail)),
            caption: caption_fits.then(|| units(caption)),
            // Its icon is 1.15 radii tall: never below MIN_PX.
            badge: (node >= 15.0).then(|| units((node * 0.28).max(MIN_PX / 1.15))),
            dot: units(5.5).max(11.0),
            // Room for labels beside their lanes: a ring of 380 px (the page at 1280×900, the
            // time bar under the ring) still has it; the e2e test checks none overlaps there.
            label: (px(VIEW) >= 380.0).then(|| units(label)),
        }
    }
}
