//! The picture of the world that does not depend on the animation frame: servers, messages in
//! flight (with their labels, kept from one build to the next), recent losses, cut links, each
//! server's next timeout and its last PING. Built only when the world changed (an event or a
//! command); each animation frame then only moves things along by virtual time.

use std::rc::Rc;

use super::clients::{client_messages, client_views, ClientMsgView, ClientView};
use crate::sim::net::Network;
use crate::sim::paxos::server::PaxosTimer;
use crate::sim::view::server_views;
use crate::sim::world::{Flight, Loss, World};
use crate::sim::zab::leader::LeaderPhase;
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::server::TimerKind;
use crate::sim::zab::Role;
use crate::sim::{Millis, ServerView, Sid};

/// One message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgView {
    pub id: u64,
    pub from: Sid,
    pub to: Sid,
    pub kind: &'static str,
    /// What is drawn beside it (short); shared, so a frame copies a pointer, not the text.
    pub label: Rc<str>,
    /// Everything it carries, for the message's popover.
    pub text: Rc<str>,
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

/// Which protocol's timer a countdown stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    Zab(TimerKind),
    Paxos(PaxosTimer),
}

impl Clock {
    /// The timeout's name, as ZooKeeper or Paxos calls it (the `data-countdown` hook).
    pub fn name(self) -> &'static str {
        match self {
            Clock::Zab(TimerKind::ElectionWait) => "notification-wait",
            Clock::Zab(TimerKind::Finalize) => "finalizeWait",
            Clock::Zab(TimerKind::LeaderHalfTick) => "leader-tick",
            Clock::Zab(TimerKind::LearnerRead) => "read-timeout",
            Clock::Zab(TimerKind::LearnerConnect) => "connect-retry",
            Clock::Zab(TimerKind::SessionExpiry) => "session-expiry",
            Clock::Paxos(PaxosTimer::Election) => "election-timeout",
            Clock::Paxos(PaxosTimer::Retry) => "retry",
            Clock::Paxos(PaxosTimer::Heartbeat) => "heartbeat",
        }
    }
}

/// The timeout a server will act on next: which armed timer decides it, when it is due, and
/// the full period (the ring shows `due - now` as a share of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Countdown {
    pub kind: Clock,
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
    /// The client actors (ZooKeeper only) and their packets on the wire.
    pub clients: Rc<Vec<ClientView>>,
    pub client_msgs: Rc<Vec<ClientMsgView>>,
}

/// Keeps `prev`'s `Rc` when the new value is equal, so that a component whose props did not
/// change is not drawn again.
fn share<T: PartialEq>(new: T, prev: &Rc<T>) -> Rc<T> {
    if new == **prev {
        prev.clone()
    } else {
        Rc::new(new)
    }
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
            clients: Rc::new(Vec::new()),
            client_msgs: Rc::new(Vec::new()),
        }
    }

    /// The scene of `world` now; `prev` lends its labels and unchanged parts. Losses older than
    /// `loss_window` virtual ms are left out.
    pub fn build(world: &World, prev: &Scene, loss_window: Millis) -> Scene {
        let n = world.ensemble().server_count() as Sid;
        let pings: Vec<Option<Millis>> = (1..=n).map(|s| world.last_ping(s)).collect();
        let timers: Vec<Option<Countdown>> = (1..=n).map(|s| countdown(world, s)).collect();
        let clients = client_views(world);
        let client_msgs = client_messages(world, &clients);
        Scene {
            servers: server_views(world),
            messages: Rc::new(messages(world.in_flight(), &prev.messages)),
            losses: share(
                losses(world.recent_losses(), world.now(), loss_window),
                &prev.losses,
            ),
            cuts: share(cuts(world.net(), n), &prev.cuts),
            timers: share(timers, &prev.timers),
            pings: share(pings, &prev.pings),
            violations: world.violations().len(),
            now: world.now(),
            clients: share(clients, &prev.clients),
            client_msgs: share(client_msgs, &prev.client_msgs),
        }
    }
}

// The wire is drawn from protocol-neutral facts (`Flight`, `Loss`, the network), which every
// protocol's engine gives: tests/echo.rs draws a toy protocol with these.

/// The messages on the wire; one still in flight keeps the label it had (both lists are sorted
/// by id, so one walk finds it).
pub fn messages(flights: Vec<Flight>, old: &[MsgView]) -> Vec<MsgView> {
    let mut j = 0;
    let mut out = Vec::with_capacity(old.len() + 8);
    for m in flights {
        while j < old.len() && old[j].id < m.id {
            j += 1;
        }
        if j < old.len() && old[j].id == m.id {
            out.push(old[j].clone());
            j += 1;
            continue;
        }
        out.push(MsgView {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: m.msg.kind(),
            label: Rc::from(m.msg.label()),
            text: Rc::from(m.msg.text()),
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
        });
    }
    out
}

/// The messages lost within `window` of `now`, and where along their link they died.
pub fn losses<'a>(
    lost: impl Iterator<Item = Loss<'a>>,
    now: Millis,
    window: Millis,
) -> Vec<LossView> {
    lost.filter(|l| l.lost_at + window >= now)
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
        .collect()
}

/// The directed links that are cut among `n` servers.
pub fn cuts(net: &Network, n: Sid) -> Vec<(Sid, Sid)> {
    (1..=n)
        .flat_map(|a| (1..=n).map(move |b| (a, b)))
        .filter(|&(a, b)| a != b && !net.is_up(a, b))
        .collect()
}

/// The timeout `sid` acts on next, from the timers the world has armed for it (no armed
/// timer, no ring). Finalize is armed for its exact deadline. The others are polled, as
/// ZooKeeper's socket and queue timeouts are: the timer fires, the server sees that a later
/// packet moved its deadline and arms it again. For those the ring shows the deadline the
/// server will act on (never earlier than the armed timer), read from its role.
pub fn countdown(world: &World, sid: Sid) -> Option<Countdown> {
    match world.paxos() {
        Some(_) => paxos_countdown(world, sid),
        None => zab_countdown(world, sid),
    }
}

/// A Paxos server's next timeout: a follower's election timer (polled like ZooKeeper's: the
/// leader's heartbeats move the deadline), a proposer's retry, a leader's heartbeat.
fn paxos_countdown(world: &World, sid: Sid) -> Option<Countdown> {
    let s = world.paxos_server(sid)?;
    let (kind, armed) = *world.paxos()?.timers(sid).first()?;
    let cfg = &s.cfg.ensemble;
    // Election and retry timers wait a timeout plus a random back-off of up to another.
    let timeout = cfg.sync_timeout_ms();
    let longest = timeout + if s.cfg.backoff { timeout } else { 0 };
    let (due, period) = match kind {
        PaxosTimer::Heartbeat => (armed, (cfg.tick_ms / 2).max(1)),
        PaxosTimer::Election if s.leader.is_some() => {
            ((s.last_heard + timeout).max(armed), longest)
        }
        PaxosTimer::Election | PaxosTimer::Retry => (armed, longest),
    };
    Some(Countdown {
        kind: Clock::Paxos(kind),
        due,
        period,
    })
}

fn zab_countdown(world: &World, sid: Sid) -> Option<Countdown> {
    let s = world.server(sid)?;
    let at = |kind: TimerKind| world.timer(sid, kind);
    let cfg = &s.cfg;
    let polled = |kind: TimerKind, deadline: Millis, period: Millis| {
        at(kind).map(|armed| Countdown {
            kind: Clock::Zab(kind),
            due: deadline.max(armed),
            period,
        })
    };
    match &s.role {
        Role::Looking(e) => match at(TimerKind::Finalize) {
            Some(due) if e.finalizing => Some(Countdown {
                kind: Clock::Zab(TimerKind::Finalize),
                due,
                period: cfg.finalize_wait_ms,
            }),
            _ => {
                let period = e.wait_ms.max(1);
                polled(TimerKind::ElectionWait, e.last_heard + period, period)
            }
        },
        Role::Learning(l) => {
            let period = if l.stage == LearnerStage::Broadcast {
                cfg.sync_timeout_ms()
            } else {
                cfg.init_timeout_ms()
            };
            polled(TimerKind::LearnerRead, l.last_heard + period, period)
        }
        Role::Leading(l) => {
            // The leader checks its deadlines on its half tick.
            let (due, period) = match l.phase {
                LeaderPhase::Discovery | LeaderPhase::Synchronization => {
                    (l.phase_deadline, cfg.init_timeout_ms())
                }
                // It steps down when fewer than a quorum (itself included) are within their
                // deadline: the quorum-th best deadline, in ticks from now.
                LeaderPhase::Broadcast => {
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
                    (
                        world.now() + ticks_left * cfg.tick_ms,
                        (cfg.sync_limit + 1) * cfg.tick_ms,
                    )
                }
            };
            at(TimerKind::LeaderHalfTick).map(|_| Countdown {
                kind: Clock::Zab(TimerKind::LeaderHalfTick),
                due,
                period,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, WorldConfig};

    fn world(voters: usize, seed: u64) -> World {
        let mut w = World::new(WorldConfig::new(voters, 0, seed));
        w.apply(Command::StartAll).unwrap();
        w
    }

    #[test]
    fn every_countdown_stands_for_an_armed_timer_and_is_never_before_it() {
        let mut w = world(5, 11);
        let mut finalize_seen = false;
        for t in (0..6_000).step_by(7) {
            w.run_until(t);
            for sid in 1..=5 {
                let armed = w.timers(sid);
                match countdown(&w, sid) {
                    Some(c) => {
                        let (_, at) = armed
                            .iter()
                            .find(|(k, _)| Clock::Zab(*k) == c.kind)
                            .expect("the countdown's timer is armed");
                        assert!(c.due >= *at, "s{sid} at {t}: {c:?} before {at}");
                        if c.kind == Clock::Zab(TimerKind::Finalize) {
                            // Finalize is never polled: the ring is the armed timer itself.
                            assert_eq!(c.due, *at);
                            finalize_seen = true;
                        }
                    }
                    None => assert!(w.server(sid).is_none() || armed.is_empty()),
                }
            }
        }
        assert!(finalize_seen, "an election finalizes in six seconds");
    }

    #[test]
    fn paxos_servers_have_countdown_rings_too() {
        let mut cfg = WorldConfig::new(3, 0, 7);
        cfg.protocol = crate::sim::world::Protocol::Paxos;
        let mut w = World::new(cfg);
        w.apply(Command::StartAll).unwrap();
        w.run_until(5_000);
        let leader = w.serving_leader().expect("a Paxos leader");
        let scene = Scene::build(&w, &Scene::empty(), 1000);
        let ring = scene.timers[leader as usize - 1].expect("the leader's heartbeat");
        assert_eq!(ring.kind, Clock::Paxos(PaxosTimer::Heartbeat));
        for sid in (1..=3).filter(|s| *s != leader) {
            let c = scene.timers[sid as usize - 1].expect("a follower's election timer");
            assert_eq!(c.kind, Clock::Paxos(PaxosTimer::Election));
            assert!(c.due > w.now() && c.due - w.now() <= c.period, "{c:?}");
        }
    }

    #[test]
    fn a_crashed_server_has_no_countdown_and_pings_come_from_deliveries() {
        let mut w = world(3, 2);
        w.run_until(4_000);
        let leader = w.stable_leader().expect("a leader");
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        let scene = Scene::build(&w, &Scene::empty(), 1000);
        let ping = scene.pings[follower as usize - 1].expect("a follower hears PINGs");
        assert!(ping <= w.now() && ping + 2 * w.ensemble().tick_ms >= w.now());
        w.apply(Command::Crash(follower)).unwrap();
        let after = Scene::build(&w, &scene, 1000);
        assert_eq!(after.timers[follower as usize - 1], None);
        assert!(after.timers[leader as usize - 1].is_some());
        // Unchanged parts are shared with the previous scene, not copied.
        assert!(Rc::ptr_eq(&after.cuts, &scene.cuts));
    }

    #[test]
    fn a_message_keeps_its_label_while_it_flies() {
        let mut w = world(3, 5);
        while w.in_flight().is_empty() {
            w.step();
        }
        let first = Scene::build(&w, &Scene::empty(), 1000);
        let id = first.messages[0].id;
        w.run_until(w.now() + 1);
        let next = Scene::build(&w, &first, 1000);
        if let Some(m) = next.messages.iter().find(|m| m.id == id) {
            assert!(Rc::ptr_eq(&m.label, &first.messages[0].label));
        }
        assert!(
            first.messages[0].label.starts_with("VOTE s"),
            "{:?}",
            first.messages[0]
        );
    }
}
