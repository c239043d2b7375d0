//! Where things go on the ring: server positions, card sizes, and points along links, in the
//! SVG's user units (a 1000 × 1000 viewBox that scales to its container).

use crate::sim::Sid;

/// The side of the square viewBox.
pub const VIEW: f64 = 1000.0;
const CENTER: f64 = VIEW / 2.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Centre of server `sid` at index `sid - 1`.
    pub pos: Vec<(f64, f64)>,
    /// Card width and height.
    pub w: f64,
    pub h: f64,
}

impl Layout {
    /// `n` servers evenly on a circle, the first at the top, clockwise.
    pub fn ring(n: usize) -> Layout {
        let n = n.max(1);
        if n == 1 {
            return Layout {
                pos: vec![(CENTER, CENTER)],
                w: 300.0,
                h: 192.0,
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
        // Neighbours are 2r·sin(π/n) apart: cards take most of that, within readable bounds,
        // and the ring is as large as its cards allow inside the square (centred on its
        // bounding box, so an odd count does not leave a gap at the bottom).
        let room = VIEW - 20.0;
        let (mut r, mut w) = (420.0, 0.0);
        for _ in 0..6 {
            w = (2.0 * r * sin * 0.84).clamp(96.0, 300.0);
            let h = w * 0.64;
            r = ((room - w) / (x_hi - x_lo).max(1e-9)).min((room - h) / (y_hi - y_lo).max(1e-9));
        }
        let (cx, cy) = (
            CENTER - r * (x_lo + x_hi) / 2.0,
            CENTER - r * (y_lo + y_hi) / 2.0,
        );
        let pos = unit.iter().map(|(c, s)| (cx + r * c, cy + r * s)).collect();
        Layout {
            pos,
            w,
            h: w * 0.64,
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

    /// Like `along`, but from the edge of the sender's card to the edge of the receiver's, so
    /// that a message travels in the open space between them, never under a card.
    pub fn between(&self, from: Sid, to: Sid, t: f64) -> (f64, f64) {
        let (x0, y0) = self.at(from);
        let (x1, y1) = self.at(to);
        let (dx, dy) = ((x1 - x0).abs().max(1e-9), (y1 - y0).abs().max(1e-9));
        // Where the centre-to-centre line leaves a card (plus a margin), as a share of it.
        let (hw, hh) = (self.w / 2.0 + 6.0, self.h / 2.0 + 6.0);
        let edge = (hw / dx).min(hh / dy);
        let (t0, t1) = (edge, 1.0 - edge);
        if t1 - t0 < 0.1 {
            return self.along(from, to, t); // cards (almost) touch: centre to centre
        }
        self.along(from, to, t0 + (t1 - t0) * t)
    }

    /// The font size that fits the cards.
    pub fn font(&self) -> f64 {
        (self.h / 6.2).clamp(12.0, 30.0)
    }
}
