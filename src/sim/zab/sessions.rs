//! The leader's session tracker: org.apache.zookeeper.server.SessionTrackerImpl over an
//! ExpiryQueue (as LeaderSessionTracker runs it for global sessions).
//!
//! Every session sits in the expiry bucket of `roundToNextInterval(now + timeout)`, buckets
//! being multiples of tickTime (ExpiryQueue.update). A touch (a request, a ping, a learner's
//! PING reply reporting it, a revalidation) moves it to a later bucket; when a bucket's time
//! comes, its sessions are marked closing and expired with a closeSession txn through Zab
//! (SessionTrackerImpl.run → ZooKeeperServer.expire). A closing session is touched no more.
//! A new leader builds its tracker from its tree's sessions, each with its full timeout from
//! the moment it takes over (the constructor's `addSession` for every session of the database).

use crate::sim::data::SessionId;
use crate::sim::types::Millis;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Tracked {
    pub timeout_ms: u64,
    /// The bucket it expires in.
    pub expires_at: Millis,
    /// Expiry (or a closeSession) is under way: no more touches.
    pub closing: bool,
}

#[derive(Clone, Debug, Hash, Default)]
pub struct SessionTracker {
    tick_ms: Millis,
    pub sessions: BTreeMap<SessionId, Tracked>,
    buckets: BTreeMap<Millis, BTreeSet<SessionId>>,
}

impl SessionTracker {
    /// A leader's tracker over the sessions its tree holds, each restarted at `now`.
    pub fn new<'a>(
        tick_ms: Millis,
        now: Millis,
        sessions: impl IntoIterator<Item = (&'a SessionId, &'a u64)>,
    ) -> SessionTracker {
        let mut t = SessionTracker {
            tick_ms: tick_ms.max(1),
            ..SessionTracker::default()
        };
        for (session, timeout) in sessions {
            t.add(*session, *timeout, now);
        }
        t
    }

    /// ExpiryQueue.roundToNextInterval.
    fn bucket(&self, time: Millis) -> Millis {
        (time / self.tick_ms + 1) * self.tick_ms
    }

    /// trackSession / addSession: a session the tracker does not know yet starts its timeout.
    pub fn add(&mut self, session: SessionId, timeout_ms: u64, now: Millis) {
        if self.sessions.contains_key(&session) {
            return;
        }
        let expires_at = self.bucket(now + timeout_ms);
        self.sessions.insert(
            session,
            Tracked {
                timeout_ms,
                expires_at,
                closing: false,
            },
        );
        self.buckets.entry(expires_at).or_default().insert(session);
    }

    /// touchSession: false if the session is unknown or closing (the client must be told it
    /// expired).
    pub fn touch(&mut self, session: SessionId, now: Millis) -> bool {
        let Some(t) = self.sessions.get(&session) else {
            return false;
        };
        if t.closing {
            return false;
        }
        let (old, new) = (t.expires_at, self.bucket(now + t.timeout_ms));
        if new > old {
            self.unbucket(session, old);
            self.buckets.entry(new).or_default().insert(session);
            self.sessions.get_mut(&session).expect("known").expires_at = new;
        }
        true
    }

    /// setSessionClosing: a closeSession is on its way.
    pub fn set_closing(&mut self, session: SessionId) {
        if let Some(t) = self.sessions.get_mut(&session) {
            t.closing = true;
        }
    }

    /// removeSession: the closeSession committed.
    pub fn remove(&mut self, session: SessionId) {
        if let Some(t) = self.sessions.remove(&session) {
            self.unbucket(session, t.expires_at);
        }
    }

    fn unbucket(&mut self, session: SessionId, at: Millis) {
        if let Some(b) = self.buckets.get_mut(&at) {
            b.remove(&session);
            if b.is_empty() {
                self.buckets.remove(&at);
            }
        }
    }

    /// The expiry buckets, soonest first: when, and the sessions in it (read-only, for the
    /// page's `dump`). A bucket already polled is gone, its sessions still tracked as closing.
    pub fn buckets(&self) -> impl Iterator<Item = (Millis, &BTreeSet<SessionId>)> + '_ {
        self.buckets.iter().map(|(t, s)| (*t, s))
    }

    /// When the next bucket is due, if any session waits in one.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.buckets.keys().next().copied()
    }

    /// ExpiryQueue.poll: the sessions of every bucket due by `now`, marked closing.
    pub fn expire_due(&mut self, now: Millis) -> Vec<(SessionId, u64)> {
        let mut expired = Vec::new();
        while let Some(entry) = self.buckets.first_entry() {
            if *entry.key() > now {
                break;
            }
            for session in entry.remove() {
                if let Some(t) = self.sessions.get_mut(&session) {
                    t.closing = true;
                    expired.push((session, t.timeout_ms));
                }
            }
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_session_expires_in_the_bucket_after_its_timeout() {
        let mut t = SessionTracker::new(200, 0, [(&7, &2000)]);
        assert_eq!(t.next_expiry(), Some(2200)); // roundToNextInterval(0 + 2000)
        assert!(t.expire_due(2199).is_empty());
        assert!(t.touch(7, 500)); // now the bucket of 2500 → 2600
        assert_eq!(t.next_expiry(), Some(2600));
        assert_eq!(t.expire_due(2600), vec![(7, 2000)]);
        assert!(!t.touch(7, 2601), "a closing session is not touched");
        t.remove(7);
        assert!(t.sessions.is_empty() && t.next_expiry().is_none());
    }
}
