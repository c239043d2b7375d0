//! Where the labels of messages in flight go, so that no two overlap: messages that say the
//! same thing at once (a leader's PROPOSAL to every follower, the followers' ACKs coming back)
//! share one label, "ACK 0x100000003 ×4", on the message furthest along; each label sits
//! beside its lane on the lane's side, or on the other side if that is taken, or is left out
//! (its message keeps its tooltip, and the message card tells everything). A pure function of
//! positions, so the ring's renderer and a native test agree.

/// A message in flight as the placer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot<'a> {
    pub text: &'a str,
    /// Where its dot is drawn, in the ring's user units.
    pub at: (f64, f64),
    /// The unit normal of its direction of travel, towards its lane's side.
    pub normal: (f64, f64),
    /// How far along its trip (0 to 1): the label of a group goes on the one furthest along.
    pub progress: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A label to draw: its text, where its baseline starts (relative to its dot) and how it is
/// anchored there.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub text: String,
    pub dx: f64,
    pub dy: f64,
    pub anchor: Anchor,
}

/// A label's box in user units: left, top, right, bottom.
pub type Box4 = (f64, f64, f64, f64);

/// A generous width per character (DejaVu Sans capitals are about 0.7 em): a box that is too
/// wide only costs a label, one too narrow lets two touch.
const CHAR_EM: f64 = 0.7;

/// The label of a dot on one side of its lane (`side` 1: the lane's side, -1: the other),
/// and the box it takes.
fn beside(d: &Dot, text: &str, side: f64, dot: f64, font: f64) -> (Placed, Box4) {
    let (nx, ny) = (d.normal.0 * side, d.normal.1 * side);
    let gap = dot * 1.35;
    let (dx, mut dy) = (nx * gap, ny * gap);
    let anchor = if nx > 0.38 {
        Anchor::Start
    } else if nx < -0.38 {
        Anchor::End
    } else {
        Anchor::Middle
    };
    // Text hangs from its baseline: below a dot it drops a line, beside one it centres.
    dy += if ny > 0.38 {
        font * 0.8
    } else if ny < -0.38 {
        -font * 0.1
    } else {
        font * 0.35
    };
    let w = text.chars().count() as f64 * CHAR_EM * font;
    let left = match anchor {
        Anchor::Start => dx,
        Anchor::Middle => dx - w / 2.0,
        Anchor::End => dx - w,
    };
    let (x, y) = d.at;
    let pad = font * 0.15;
    let bounds = (
        x + left - pad,
        y + dy - font * 0.85 - pad,
        x + left + w + pad,
        y + dy + font * 0.25 + pad,
    );
    let placed = Placed {
        text: text.to_string(),
        dx,
        dy,
        anchor,
    };
    (placed, bounds)
}

pub fn overlaps(a: Box4, b: Box4) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn inside(b: Box4, room: Box4) -> bool {
    b.0 >= room.0 && b.1 >= room.1 && b.2 <= room.2 && b.3 <= room.3
}

/// One label per group of dots saying the same thing, placed greedily in the dots' order
/// (the scene lists messages oldest first, so older labels keep their place from frame to
/// frame), each inside `room` (the ring's viewBox): index i of the result is dot i's label,
/// if it gets one.
pub fn place(dots: &[Dot], dot: f64, font: f64, room: Box4) -> Vec<Option<Placed>> {
    let mut out = vec![None; dots.len()];
    let mut taken: Vec<Box4> = Vec::new();
    for (i, d) in dots.iter().enumerate() {
        let group = dots.iter().filter(|o| o.text == d.text);
        let lead = group
            .clone()
            .enumerate()
            .max_by(|a, b| a.1.progress.total_cmp(&b.1.progress).then(b.0.cmp(&a.0)))
            .map(|(_, o)| std::ptr::eq(o, d))
            .unwrap_or(true);
        if !lead {
            continue;
        }
        let count = group.count();
        let text = if count > 1 {
            format!("{} ×{count}", d.text)
        } else {
            d.text.to_string()
        };
        for side in [1.0, -1.0] {
            let (placed, bounds) = beside(d, &text, side, dot, font);
            if inside(bounds, room) && !taken.iter().any(|t| overlaps(*t, bounds)) {
                taken.push(bounds);
                out[i] = Some(placed);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: Box4 = (0.0, 0.0, 1000.0, 1000.0);

    fn dot(text: &str, x: f64, y: f64, progress: f64) -> Dot<'_> {
        Dot {
            text,
            at: (x, y),
            normal: (0.0, 1.0),
            progress,
        }
    }

    #[test]
    fn messages_that_say_the_same_share_one_label_on_the_one_furthest_along() {
        let dots = [
            dot("ACK 0x100000003", 100.0, 100.0, 0.2),
            dot("ACK 0x100000003", 500.0, 500.0, 0.7),
            dot("COMMIT 0x100000002", 300.0, 100.0, 0.5),
            dot("ACK 0x100000003", 800.0, 100.0, 0.4),
        ];
        let placed = place(&dots, 11.0, 24.0, ROOM);
        assert_eq!(placed[0], None);
        assert_eq!(placed[1].as_ref().unwrap().text, "ACK 0x100000003 ×3");
        assert_eq!(placed[2].as_ref().unwrap().text, "COMMIT 0x100000002");
        assert_eq!(placed[3], None);
    }

    #[test]
    fn no_two_labels_overlap_however_crowded() {
        // A crowd on a grid, closer than a label is wide: some labels flip sides, some go.
        let texts: Vec<String> = (0..60)
            .map(|i| format!("PROPOSAL 0x1000000{i:02}"))
            .collect();
        let dots: Vec<Dot> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Dot {
                text: t,
                at: (100.0 + (i % 8) as f64 * 90.0, 100.0 + (i / 8) as f64 * 40.0),
                normal: if i % 3 == 0 { (1.0, 0.0) } else { (0.0, -1.0) },
                progress: 0.5,
            })
            .collect();
        let font = 24.0;
        let placed = place(&dots, 11.0, font, ROOM);
        let shown = placed.iter().filter(|p| p.is_some()).count();
        assert!(shown > 5 && shown < 60, "{shown} of 60 shown");
        let b: Vec<Box4> = dots
            .iter()
            .zip(&placed)
            .filter_map(|(d, p)| {
                let p = p.as_ref()?;
                [1.0, -1.0]
                    .into_iter()
                    .map(|side| beside(d, &p.text, side, 11.0, font))
                    .find(|(q, _)| q == p)
                    .map(|(_, b)| b)
            })
            .collect();
        assert_eq!(b.len(), shown);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(!overlaps(b[i], b[j]), "labels {i} and {j} overlap");
            }
        }
    }

    #[test]
    fn a_label_stays_inside_the_ring() {
        // Going down the left edge: its lane's side is further left, off the ring; it flips.
        let d = Dot {
            text: "LEADERINFO 0x100000000",
            at: (30.0, 500.0),
            normal: (-1.0, 0.0),
            progress: 0.5,
        };
        let p = place(std::slice::from_ref(&d), 11.0, 24.0, ROOM)[0]
            .clone()
            .expect("placed");
        assert_eq!(p.anchor, Anchor::Start);
        let wide = Dot {
            at: (500.0, 500.0),
            text: "a label far wider than the whole ring could ever hold, so it never fits at all",
            ..d
        };
        assert_eq!(place(&[wide], 11.0, 24.0, ROOM)[0], None);
    }

    #[test]
    fn a_label_sits_on_its_lanes_side_or_flips_to_the_other() {
        let d = Dot {
            text: "DIFF 0x0",
            at: (0.0, 0.0),
            normal: (-1.0, 0.0),
            progress: 0.1,
        };
        let (p, _) = beside(&d, "DIFF 0x0", 1.0, 10.0, 20.0);
        assert_eq!(p.anchor, Anchor::End);
        let (q, _) = beside(&d, "DIFF 0x0", -1.0, 10.0, 20.0);
        assert_eq!(q.anchor, Anchor::Start);
        assert!(q.dx > 0.0 && p.dx < 0.0);
    }
}
