//! The virtual network: one FIFO channel per directed link, with latency and jitter, cuts
//! (one way or both) and per-server slowness.
//!
//! A cut behaves like a broken TCP connection, not like random loss: every message in flight on
//! the link is lost, and every learner-leader connection across it is dead for good (the
//! endpoints find out through their timeouts and reconnect). FLE notifications travel on
//! QuorumCnxManager connections that reconnect by themselves, so for them a cut only loses what
//! was sent while it lasted.

use super::types::{Millis, Sid};
use super::zab::ConnId;

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
    n: usize,
    links: Vec<Link>,
    pub latency_min: Millis,
    pub latency_max: Millis,
    /// Latency multiplier per server (a slow server's traffic takes longer both ways).
    slowness: Vec<u32>,
    /// Learner-leader connections up to this serial are dead, per (learner, leader).
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
            n: servers,
            links: vec![link; servers * servers],
            latency_min,
            latency_max: latency_max.max(latency_min),
            slowness: vec![1; servers],
            broken_upto: vec![0; servers * servers],
            newest_serial: vec![0; servers * servers],
            closed_upto: vec![0; servers * servers],
        }
    }

    fn index(&self, from: Sid, to: Sid) -> usize {
        (from as usize - 1) * self.n + (to as usize - 1)
    }

    pub fn link(&self, from: Sid, to: Sid) -> &Link {
        &self.links[self.index(from, to)]
    }

    pub fn is_up(&self, from: Sid, to: Sid) -> bool {
        self.link(from, to).up
    }

    /// Cuts `from -> to`. Returns false if it was already cut.
    pub fn cut(&mut self, from: Sid, to: Sid) -> bool {
        let i = self.index(from, to);
        let link = &mut self.links[i];
        if !link.up {
            return false;
        }
        link.up = false;
        link.generation += 1;
        self.break_conns_between(from, to);
        true
    }

    pub fn heal(&mut self, from: Sid, to: Sid) -> bool {
        let i = self.index(from, to);
        let was_cut = !self.links[i].up;
        self.links[i].up = true;
        was_cut
    }

    pub fn any_cut(&self) -> bool {
        self.links.iter().any(|l| !l.up)
    }

    pub fn set_slowness(&mut self, sid: Sid, factor: u32) {
        self.slowness[sid as usize - 1] = factor.max(1);
    }

    pub fn slowness(&self, sid: Sid) -> u32 {
        self.slowness[sid as usize - 1]
    }

    /// When a message sent now on `from -> to` arrives: latency plus jitter, scaled by the
    /// slowness of either end, never before what was sent earlier on the same link.
    pub fn schedule(
        &mut self,
        from: Sid,
        to: Sid,
        now: Millis,
        rng: &mut fastrand::Rng,
    ) -> (Millis, u32) {
        let span = self.latency_max - self.latency_min;
        let jitter = if span == 0 { 0 } else { rng.u64(0..=span) };
        let factor = self.slowness(from).max(self.slowness(to)) as Millis;
        let i = self.index(from, to);
        let link = &mut self.links[i];
        let at = (now + (self.latency_min + jitter) * factor).max(link.last_delivery);
        link.last_delivery = at;
        (at, link.generation)
    }

    /// A message sent under `generation` on `from -> to` can still arrive.
    pub fn survives(&self, from: Sid, to: Sid, generation: u32) -> bool {
        let link = self.link(from, to);
        link.up && link.generation == generation
    }

    pub fn note_conn(&mut self, conn: ConnId) {
        let i = self.index(conn.learner, conn.leader);
        self.newest_serial[i] = self.newest_serial[i].max(conn.serial);
    }

    pub fn conn_alive(&self, conn: ConnId) -> bool {
        conn.serial > self.broken_upto[self.index(conn.learner, conn.leader)]
    }

    pub fn break_conn(&mut self, conn: ConnId) {
        let i = self.index(conn.learner, conn.leader);
        self.broken_upto[i] = self.broken_upto[i].max(conn.serial);
    }

    /// An endpoint closes `conn` (or dies with it). True the first time: the other end should
    /// hear of it, if the link lets it.
    pub fn close_conn(&mut self, conn: ConnId) -> bool {
        self.break_conn(conn);
        let i = self.index(conn.learner, conn.leader);
        let first = conn.serial > self.closed_upto[i];
        self.closed_upto[i] = self.closed_upto[i].max(conn.serial);
        first
    }

    /// A crashed process's sockets: the newest connection in each role with `peer` that was
    /// not closed yet. Closes them all.
    pub fn close_all_with(&mut self, sid: Sid, peer: Sid) -> Vec<ConnId> {
        let mut open = Vec::new();
        for (learner, leader) in [(sid, peer), (peer, sid)] {
            let i = self.index(learner, leader);
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
            let i = self.index(learner, leader);
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
