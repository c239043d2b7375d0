//! The picture of the world that does not depend on the frame: servers, messages in flight (with
//! their labels, kept from one rebuild to the next), recent losses, cut links, each server's next
//! timeout. Rebuilt only when the world changed (an event or a command); each
//! frame then only moves things along by virtual time.

use std::rc::Rc;

use yew::AttrValue;

use crate::sim::view::server_views;
use crate::sim::world::World;
use crate::sim::zab::leader::LeaderPhase;
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::{Message, PeerState, Role};
use crate::sim::{Millis, ServerView, Sid};

/// One message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgView {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub kind: &'static str,
    /// What is drawn beside it (short).
    pub label: AttrValue,
    pub sent_at: Millis,
    pub deliver_at: Millis,
}

/// A message that died recently, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct LossView {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub kind: &'static str,
    /// How far along its link it was when it died (0..=1).
    pub at: f64,
    pub lost_at: Millis,
    pub why: &'static str,
}

/// The timeout a server will act on next, if it waits for one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Countdown {
    pub due: Millis,
    pub period: Millis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub servers: Vec<ServerView>,
    pub messages: Rc<Vec<MsgView>>,
    pub losses: Rc<Vec<LossView>>,
    /// Directed cut links (from, to).
    pub cuts: Rc<Vec<(Sid, Sid)>>,
    /// Per server (index sid - 1).
    pub timers: Rc<Vec<Option<Countdown>>>,
    /// When each server last received a PING (index sid - 1; `None` if never).
    pub pings: Rc<Vec<Option<Millis>>>,
    pub violations: usize,
    pub now: Millis,
}

impl Scene {
    pub fn empty() -> Scene {
        Scene {
            servers: Vec::new(),
            messages: Rc::new(Vec::new()),
            losses: Rc::new(Vec::new()),
            cuts: Rc::new(Vec::new()),
            timers: Rc::new(Vec::new()),
            pings: Rc::new(Vec::new()),
            violations: 0,
            now: 0,
        }
    }

    /// The scene of `world` now; `prev` lends its labels and unchanged parts. Losses older than
    /// `loss_window` virtual ms are left out.
    pub fn build(world: &World, prev: &Scene, loss_window: Millis) -> Scene {
        let now = world.now();
        let n = world.ensemble().server_count();

        // Messages: walk the new list (sorted by id) beside the old one (sorted too).
        let old = &prev.messages;
        let mut j = 0;
        let mut pings: Option<Vec<Option<Millis>>> = None;
        let mut messages = Vec::with_capacity(old.len() + 8);
        for m in world.in_flight() {
            while j < old.len() && old[j].id < m.id {
                note_delivery(&old[j], now, &prev.pings, &mut pings, n);
                j += 1;
            }
            if j < old.len() && old[j].id == m.id {
                messages.push(old[j].clone());
                j += 1;
                continue;
            }
            let label = label(&m.msg);
            messages.push(MsgView {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: m.msg.kind(),
                label,
                sent_at: m.sent_at,
                deliver_at: m.deliver_at,
            });
        }
        for m in &old[j..] {
            note_delivery(m, now, &prev.pings, &mut pings, n);
        }
        let pings = match pings {
            Some(p) => Rc::new(p),
            None if prev.pings.len() == n => prev.pings.clone(),
            None => Rc::new(vec![None; n]),
        };

        let losses: Vec<LossView> = world
            .recent_losses()
            .filter(|l| l.lost_at + loss_window >= now)
            .map(|l| {
                let m = &l.message;
                let span = m.deliver_at.saturating_sub(m.sent_at).max(1) as f64;
                LossView {
                    id: m.id,
                    from: m.from,
                    to: m.to,
                    kind: m.msg.kind(),
                    at: ((l.lost_at.saturating_sub(m.sent_at)) as f64 / span).clamp(0.0, 1.0),
                    lost_at: l.lost_at,
                    why: l.why,
                }
            })
            .collect();
        let losses = if losses == *prev.losses {
            prev.losses.clone()
        } else {
            Rc::new(losses)
        };

        let mut cuts = Vec::new();
        for a in 1..=n as Sid {
            for b in 1..=n as Sid {
                if a != b && !world.net.is_up(a, b) {
                    cuts.push((a, b));
                }
            }
        }
        let cuts = if cuts == *prev.cuts {
            prev.cuts.clone()
        } else {
            Rc::new(cuts)
        };

        let timers: Vec<Option<Countdown>> =
            (1..=n as Sid).map(|sid| countdown(world, sid)).collect();
        let timers = if timers == *prev.timers {
            prev.timers.clone()
        } else {
            Rc::new(timers)
        };

        Scene {
            servers: server_views(world),
            messages: Rc::new(messages),
            losses,
            cuts,
            timers,
            pings,
            violations: world.violations().len(),
            now,
        }
    }
}

/// A message that left the wire: if it was a PING that arrived, remember when.
fn note_delivery(
    m: &MsgView,
    now: Millis,
    prev: &Rc<Vec<Option<Millis>>>,
    pings: &mut Option<Vec<Option<Millis>>>,
    n: usize,
) {
    if m.kind != "PING" || m.deliver_at > now {
        return;
    }
    let p = pings.get_or_insert_with(|| {
        if prev.len() == n {
            (**prev).clone()
        } else {
            vec![None; n]
        }
    });
    if let Some(slot) = p.get_mut(m.to as usize - 1) {
        *slot = Some(m.deliver_at);
    }
}

/// The short label drawn beside a message: the engine's label, but a vote shows only whom it is
/// for and its round (or the sender's settled state), and a PING only its kind.
fn label(msg: &Message) -> AttrValue {
    AttrValue::from(match msg {
        Message::Notification(n) => {
            let who = if n.vote.leader == 0 {
                "none".to_string()
            } else {
                format!("s{}", n.vote.leader)
            };
            match n.state {
                PeerState::Looking => format!("VOTE {who} r{}", n.round),
                settled => format!("VOTE {who} ({})", settled.as_str()),
            }
        }
        Message::Quorum { .. } if msg.kind() == "PING" => "PING".to_string(),
        _ => msg.to_string(),
    })
}

/// The timeout `sid` will act on next, derived from its role's state: a learner's read timeout
/// (refreshed by every packet from the leader), an election's notification wait or finalizeWait,
/// a leader's initLimit deadline, or, while broadcasting, how long its quorum stays synced.
fn countdown(world: &World, sid: Sid) -> Option<Countdown> {
    let s = world.server(sid)?;
    let cfg = &s.cfg;
    match &s.role {
        Role::Looking(e) => {
            let period = if e.finalizing {
                cfg.finalize_wait_ms
            } else {
                e.wait_ms.max(1)
            };
            Some(Countdown {
                due: e.last_heard + period,
                period,
            })
        }
        Role::Learning(l) => {
            let period = if l.stage == LearnerStage::Broadcast {
                cfg.sync_timeout_ms()
            } else {
                cfg.init_timeout_ms()
            };
            Some(Countdown {
                due: l.last_heard + period,
                period,
            })
        }
        Role::Leading(l) => match l.phase {
            LeaderPhase::Discovery | LeaderPhase::Synchronization => Some(Countdown {
                due: l.phase_deadline,
                period: cfg.init_timeout_ms(),
            }),
            LeaderPhase::Broadcast => {
                // The leader steps down when fewer than a quorum (itself included) are within
                // their deadline: the quorum-th best deadline, in ticks from now.
                let mut deadlines: Vec<u64> = l
                    .learners
                    .values()
                    .filter(|h| !h.observer)
                    .map(|h| h.deadline_tick)
                    .collect();
                deadlines.sort_unstable_by(|a, b| b.cmp(a));
                let need = cfg.quorum().saturating_sub(1);
                let ticks_left = if need == 0 {
                    cfg.sync_limit
                } else {
                    deadlines
                        .get(need - 1)
                        .map_or(0, |d| (d + 1).saturating_sub(l.tick))
                };
                Some(Countdown {
                    due: world.now() + ticks_left * cfg.tick_ms,
                    period: (cfg.sync_limit + 1) * cfg.tick_ms,
                })
            }
        },
    }
}
