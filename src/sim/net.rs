//! The virtual network: one FIFO channel per directed link between two actors (servers, and
//! clients once they have connections of their own), with latency and jitter, cuts (one way or
//! both) and per-actor slowness.
//!
//! A cut behaves like a broken TCP connection, not like random loss: every message in flight on
//! the link is lost, and every learner-leader connection across it is dead for good (the
//! endpoints find out through their timeouts and reconnect). FLE notifications travel on
//! QuorumCnxManager connections that reconnect by themselves, so for them a cut only loses what
//! was sent while it lasted.

use super::node::{Actor, ConnId};
use super::types::{Millis, Sid};

#[derive(Clone, Debug, Hash)]
pub struct Link {
    pub up: bool,
    /// Bumped by every cut: a message sent under an older generation was lost with the link.
    pub generation: u32,
    /// FIFO: nothing on this link may overtake what was sent before it.
    last_delivery: Millis,
}

#[derive(Clone, Debug, Hash)]
pub struct Network {
    /// Servers, then clients: actor `i` in this order owns row and column `i` of `links`.
    servers: usize,
    clients: usize,
    /// One link per ordered pair of actors, row-major by sender.
    links: Vec<Link>,
    pub latency_min: Millis,
    pub latency_max: Millis,
    /// Latency multiplier per actor (a slow server's traffic takes longer both ways).
    slowness: Vec<u32>,
    /// Learner-leader connections up to this serial are dead, per (learner, leader) server pair.
    broken_upto: Vec<u64>,
    /// The greatest connection serial seen per (learner, leader).
    newest_serial: Vec<u64>,
    /// Connections up to this serial have been closed by an endpoint (its FIN or RST sent),
    /// per (learner, leader). A broken connection is not closed yet: both ends still hold
    /// their sockets, and a close or a crash still tells the other end once the link heals.
    closed_upto: Vec<u64>,
}

impl Network {
    pub fn new(servers: usize, latency_min: Millis, latency_max: Millis) -> Network {
        let link = Link {
            up: true,
            generation: 0,
            last_delivery: 0,
        };
        Network {
            servers,
            clients: 0,
            links: vec![link; servers * servers],
            latency_min,
            latency_max: latency_max.max(latency_min),
            slowness: vec![1; servers],
            broken_upto: vec![0; servers * servers],
            newest_serial: vec![0; servers * servers],
            closed_upto: vec![0; servers * servers],
        }
    }

    /// Adds a client actor, with links to and from every actor, all up. Returns its actor.
    pub fn add_client(&mut self) -> Actor {
        let old = self.actors();
        let new = old + 1;
        let fresh = Link {
            up: true,
            generation: 0,
            last_delivery: 0,
        };
        let mut links = Vec::with_capacity(new * new);
        for row in 0..new {
            for col in 0..new {
                links.push(if row < old && col < old {
                    self.links[row * old + col].clone()
                } else {
                    fresh.clone()
                });
            }
        }
        self.links = links;
        self.slowness.push(1);
        self.clients += 1;
        Actor::Client(self.clients as u32)
    }

    fn actors(&self) -> usize {
        self.servers + self.clients
    }

    /// An actor's row and column in `links`.
    fn slot(&self, actor: Actor) -> usize {
        match actor {
            Actor::Server(sid) => sid as usize - 1,
            Actor::Client(id) => self.servers + id as usize - 1,
        }
    }

    fn index(&self, from: impl Into<Actor>, to: impl Into<Actor>) -> usize {
        self.slot(from.into()) * self.actors() + self.slot(to.into())
    }

    /// Per (learner, leader) server pair, for the connection tables.
    fn pair(&self, learner: Sid, leader: Sid) -> usize {
        (learner as usize - 1) * self.servers + (leader as usize - 1)
    }

    pub fn link(&self, from: impl Into<Actor>, to: impl Into<Actor>) -> &Link {
        &self.links[self.index(from, to)]
    }

    pub fn is_up(&self, from: impl Into<Actor>, to: impl Into<Actor>) -> bool {
        self.link(from, to).up
    }

    /// Cuts `from -> to`. Returns false if it was already cut.
    pub fn cut(&mut self, from: impl Into<Actor>, to: impl Into<Actor>) -> bool {
        let (from, to) = (from.into(), to.into());
        let i = self.index(from, to);
        let link = &mut self.links[i];
        if !link.up {
            return false;
        }
        link.up = false;
        link.generation += 1;
        if let (Actor::Server(a), Actor::Server(b)) = (from, to) {
            self.break_conns_between(a, b);
        }
        true
    }

    pub fn heal(&mut self, from: impl Into<Actor>, to: impl Into<Actor>) -> bool {
        let i = self.index(from, to);
        let was_cut = !self.links[i].up;
        self.links[i].up = true;
        was_cut
    }

    pub fn any_cut(&self) -> bool {
        self.links.iter().any(|l| !l.up)
    }

    pub fn set_slowness(&mut self, actor: impl Into<Actor>, factor: u32) {
        let i = self.slot(actor.into());
        self.slowness[i] = factor.max(1);
    }

    pub fn slowness(&self, actor: impl Into<Actor>) -> u32 {
        self.slowness[self.slot(actor.into())]
    }

    /// When a message sent now on `from -> to` arrives: latency plus jitter, scaled by the
    /// slowness of either end, never before what was sent earlier on the same link.
    pub fn schedule(
        &mut self,
        from: impl Into<Actor>,
        to: impl Into<Actor>,
        now: Millis,
        rng: &mut fastrand::Rng,
    ) -> (Millis, u32) {
        let span = self.latency_max - self.latency_min;
        let jitter = if span == 0 { 0 } else { rng.u64(0..=span) };
        let (from, to) = (from.into(), to.into());
        let factor = self.slowness(from).max(self.slowness(to)) as Millis;
        let i = self.index(from, to);
        let link = &mut self.links[i];
        let at = (now + (self.latency_min + jitter) * factor).max(link.last_delivery);
        link.last_delivery = at;
        (at, link.generation)
    }

    /// A message sent under `generation` on `from -> to` can still arrive.
    pub fn survives(&self, from: impl Into<Actor>, to: impl Into<Actor>, generation: u32) -> bool {
        let link = self.link(from, to);
        link.up && link.generation == generation
    }

    pub fn note_conn(&mut self, conn: ConnId) {
        let i = self.pair(conn.learner, conn.leader);
        self.newest_serial[i] = self.newest_serial[i].max(conn.serial);
    }

    pub fn conn_alive(&self, conn: ConnId) -> bool {
        conn.serial > self.broken_upto[self.pair(conn.learner, conn.leader)]
    }

    pub fn break_conn(&mut self, conn: ConnId) {
        let i = self.pair(conn.learner, conn.leader);
        self.broken_upto[i] = self.broken_upto[i].max(conn.serial);
    }

    /// An endpoint closes `conn` (or dies with it). True the first time: the other end should
    /// hear of it, if the link lets it.
    pub fn close_conn(&mut self, conn: ConnId) -> bool {
        self.break_conn(conn);
        let i = self.pair(conn.learner, conn.leader);
        let first = conn.serial > self.closed_upto[i];
        self.closed_upto[i] = self.closed_upto[i].max(conn.serial);
        first
    }

    /// A crashed process's sockets: the newest connection in each role with `peer` that was
    /// not closed yet. Closes them all.
    pub fn close_all_with(&mut self, sid: Sid, peer: Sid) -> Vec<ConnId> {
        let mut open = Vec::new();
        for (learner, leader) in [(sid, peer), (peer, sid)] {
            let i = self.pair(learner, leader);
            let conn = ConnId {
                learner,
                leader,
                serial: self.newest_serial[i],
            };
            if conn.serial > 0 && self.close_conn(conn) {
                open.push(conn);
            }
        }
        open
    }

    /// Kills every connection between `a` and `b`, in either role. Returns the ones that were
    /// alive (the newest per direction), so the caller can tell the endpoints if it must.
    pub fn break_conns_between(&mut self, a: Sid, b: Sid) -> Vec<ConnId> {
        let mut was_alive = Vec::new();
        for (learner, leader) in [(a, b), (b, a)] {
            let i = self.pair(learner, leader);
            let serial = self.newest_serial[i];
            if serial > self.broken_upto[i] {
                was_alive.push(ConnId {
                    learner,
                    leader,
                    serial,
                });
            }
            self.broken_upto[i] = serial;
        }
        was_alive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_links_of_its_own_and_the_servers_keep_theirs() {
        let mut net = Network::new(3, 10, 10);
        assert!(net.cut(1, 2));
        net.set_slowness(3, 4);
        let c = net.add_client();
        assert_eq!(c, Actor::Client(1));
        // The servers' links and slowness are where they were.
        assert!(!net.is_up(1, 2) && net.is_up(2, 1) && net.is_up(1, 3));
        assert_eq!(net.slowness(3), 4);
        // The client's links are up both ways, and cut like any other.
        assert!(net.is_up(c, Actor::Server(2)) && net.is_up(Actor::Server(2), c));
        assert!(net.cut(c, Actor::Server(2)));
        assert!(!net.is_up(c, Actor::Server(2)) && net.is_up(Actor::Server(2), c));
        // FIFO and latency per link, slowness of either end.
        let mut rng = fastrand::Rng::with_seed(1);
        let (at, _) = net.schedule(c, Actor::Server(3), 100, &mut rng);
        assert_eq!(at, 100 + 10 * 4);
        let c2 = net.add_client();
        assert_eq!(c2, Actor::Client(2));
        assert!(!net.is_up(c, Actor::Server(2)) && !net.is_up(1, 2));
        assert!(net.is_up(c2, c));
    }
}
