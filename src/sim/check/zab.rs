//! The invariant checker: protocol.md §5, evaluated as the run goes. It builds its own view of
//! the truth from what crosses the wire (ACKs delivered to leaders) and what servers report
//! (logged, committed, applied, epochs), and records every breach with the event index, the
//! invariant, the servers involved and a plain-language explanation.
//!
//! It is proven by the broken variants in `zab::config::Variant`: each one must trip it.

use super::{record, Invariant, Violation};
use crate::sim::chunked::ChunkedMap;
use crate::sim::data::{Code, SessionId};
use crate::sim::data::{Txn, TxnOp};
use crate::sim::net::Network;
use crate::sim::node::ClientId;
use crate::sim::node::Monitor;
use crate::sim::node::{BeliefOf, ResourceWriteFact};
use crate::sim::tree::split_path;
use crate::sim::types::{Epoch, Millis, Sid, Zxid};
use crate::sim::zab::client::{ClientEvent, ClientOp, OpValue};
use crate::sim::zab::leader::LeaderPhase;
use crate::sim::zab::learner::LearnerStage;
use crate::sim::zab::recipe::Belief;
use crate::sim::zab::{EnsembleConfig, Message, Observation, Packet, Role, Server};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

#[derive(Clone)]
pub struct Checker {
    cfg: Rc<EnsembleConfig>,
    violations: Vec<Violation>,
    /// Inv 1: the leader that established each epoch.
    epoch_leader: BTreeMap<Epoch, Sid>,
    /// Inv 2: the greatest (acceptedEpoch, currentEpoch) each server has persisted.
    epochs: Vec<(Epoch, Epoch)>,
    // The maps keyed by zxid grow with every txn: chunked, so the timeline's copies of the
    // checker share them (zxids arrive almost always in increasing order).
    /// Inv 3: every txn ever logged anywhere, by zxid.
    logged: ChunkedMap<Zxid, Rc<Txn>>,
    /// Inv 5: by leader, the voters whose ACK for a zxid reached it (each checked for fsync).
    acks: BTreeMap<Sid, ChunkedMap<Zxid, SidSet>>,
    /// Inv 7/8: the committed history: what leaders committed and what established epochs
    /// started from.
    committed: ChunkedMap<Zxid, Rc<Txn>>,
    /// Inv 8: the last committed zxid when a leader chose how to sync each learner.
    committed_at_sync: Vec<Zxid>,
    /// Inv 10: the tree digest after applying each zxid.
    digest_at: ChunkedMap<Zxid, u64>,
    /// Inv 11: when each leader was last seen connected to each voter, by (leader, voter).
    last_connected: BTreeMap<(Sid, Sid), Millis>,
    /// Inv 11: when each leader last opened (or restarted the sync of) a LearnerHandler for
    /// a voter, by (leader, learner): such a handler counts as synced for initLimit +
    /// syncLimit ticks whether or not its learner is still there (a crashed learner's FIN
    /// may never reach a leader it is cut off from).
    handler_opened: BTreeMap<(Sid, Sid), Millis>,
    /// Inv 11: leaders already reported for the current loss.
    reported_lost: BTreeSet<Sid>,
    next_quorum_check: Millis,
    /// Inv 14-16: what each client has seen.
    clients: BTreeMap<ClientId, ClientSeen>,
    /// Inv 17: the sessions each server applied a closeSession of.
    closed_on: Vec<BTreeSet<SessionId>>,
    /// Inv 18: who believes it holds which lock (or leads which election), with its session.
    holders: BTreeMap<ClientId, Holder>,
}

/// Server ids, as the ACKs of one proposal gather them (inv 5): a bit mask while every id is
/// below 64, so the entry every txn leaves behind allocates nothing. Hashes as the
/// `BTreeSet` with the same ids does.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SidSet {
    Bits(u64),
    /// Boxed so that the set is 16 bytes, not 32, in the common case.
    #[allow(clippy::box_collection)]
    Set(Box<BTreeSet<Sid>>),
}

impl Default for SidSet {
    fn default() -> SidSet {
        SidSet::Bits(0)
    }
}

impl SidSet {
    fn insert(&mut self, sid: Sid) {
        match self {
            SidSet::Bits(bits) if sid < 64 => *bits |= 1 << sid,
            SidSet::Bits(_) => {
                let mut set: BTreeSet<Sid> = self.iter().collect();
                set.insert(sid);
                *self = SidSet::Set(Box::new(set));
            }
            SidSet::Set(set) => {
                set.insert(sid);
            }
        }
    }

    /// The ids, in increasing order.
    fn iter(&self) -> impl Iterator<Item = Sid> + '_ {
        let (bits, set) = match self {
            SidSet::Bits(bits) => (*bits, None),
            SidSet::Set(set) => (0, Some(set.iter().copied())),
        };
        (0..64)
            .filter(move |i| bits & (1 << i) != 0)
            .chain(set.into_iter().flatten())
    }

    fn len(&self) -> usize {
        match self {
            SidSet::Bits(bits) => bits.count_ones() as usize,
            SidSet::Set(set) => set.len(),
        }
    }
}

impl std::hash::Hash for SidSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for sid in self.iter() {
            sid.hash(state);
        }
    }
}

/// A client that believes it holds a lock (inv 18).
#[derive(Clone, Debug, Hash)]
struct Holder {
    name: String,
    session: SessionId,
    belief: Belief,
}

/// What one client has seen (inv 14-16).
#[derive(Clone, Debug, Default, Hash)]
struct ClientSeen {
    /// The newest mzxid it read or wrote, per path.
    newest: BTreeMap<String, Zxid>,
    /// Every write committed up to here must show in its reads (its last sync's floor).
    sync_floor: Zxid,
    /// The committed zxid when its sync in flight was sent.
    sync_sent_at: Option<Zxid>,
}

impl Checker {
    pub fn new(cfg: Rc<EnsembleConfig>) -> Checker {
        let n = cfg.server_count();
        Checker {
            cfg,
            violations: Vec::new(),
            epoch_leader: BTreeMap::new(),
            epochs: vec![(0, 0); n],
            logged: ChunkedMap::new(),
            acks: BTreeMap::new(),
            committed: ChunkedMap::new(),
            digest_at: ChunkedMap::new(),
            committed_at_sync: vec![Zxid::ZERO; n],
            last_connected: BTreeMap::new(),
            handler_opened: BTreeMap::new(),
            reported_lost: BTreeSet::new(),
            next_quorum_check: 0,
            clients: BTreeMap::new(),
            closed_on: vec![BTreeSet::new(); n],
            holders: BTreeMap::new(),
        }
    }

    /// A digest of everything the checker remembers, in key order. It hashes the same values
    /// as when `logged`, `acks` and `digest_at` were hash maps hashed as sorted `Vec`s of
    /// their entries (`acks` keyed by (leader, zxid)), so state hashes did not change.
    pub fn state_digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::sim::data::Fnv::default();
        self.logged.hash(&mut h);
        h.write_usize(self.acks.values().map(|m| m.len()).sum());
        for (leader, by_zxid) in &self.acks {
            for (zxid, voters) in by_zxid.iter() {
                ((leader, zxid), voters).hash(&mut h);
            }
        }
        self.digest_at.hash(&mut h);
        (
            &self.epoch_leader,
            &self.epochs,
            &self.committed,
            &self.committed_at_sync,
        )
            .hash(&mut h);
        (
            &self.last_connected,
            &self.handler_opened,
            &self.reported_lost,
        )
            .hash(&mut h);
        (self.next_quorum_check, self.violations.len()).hash(&mut h);
        (&self.clients, &self.closed_on).hash(&mut h);
        // Left out while empty, so runs without recipes hash as they always did.
        if !self.holders.is_empty() {
            self.holders.hash(&mut h);
        }
        h.finish()
    }

    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The committed history as the checker knows it.
    pub fn committed(&self) -> &ChunkedMap<Zxid, Rc<Txn>> {
        &self.committed
    }

    fn violate(
        &mut self,
        event: u64,
        at: Millis,
        invariant: Invariant,
        servers: Vec<Sid>,
        explanation: String,
    ) {
        record(
            &mut self.violations,
            event,
            at,
            invariant,
            servers,
            explanation,
        );
    }

    // ---- hooks called by the world ----

    pub fn on_boot(&mut self, event: u64, at: Millis, server: &Server) {
        let (accepted, current) = (server.disk.accepted_epoch, server.disk.current_epoch);
        let (was_accepted, was_current) = self.epochs[server.id as usize - 1];
        if accepted < was_accepted || current < was_current {
            self.violate(
                event,
                at,
                Invariant::EpochsNeverGoBack,
                vec![server.id],
                format!(
                    "s{} restarted with acceptedEpoch {accepted} and currentEpoch {current}, but had persisted {was_accepted} and {was_current}: an epoch went backwards across the crash",
                    server.id
                ),
            );
        }
        self.epochs[server.id as usize - 1] = (accepted, current);
    }

    pub fn on_crash(&mut self, sid: Sid) {
        self.forget_leadership(sid);
    }

    /// A wiped disk legitimately starts from nothing.
    pub fn on_wipe(&mut self, sid: Sid) {
        self.epochs[sid as usize - 1] = (0, 0);
    }

    /// A voter sends an ACK: it must have logged (fsynced) the txn first.
    pub fn on_ack_sent(&mut self, event: u64, at: Millis, server: &Server, zxid: Zxid) {
        if zxid.is_epoch_start() || server.disk.holds(zxid) || !server.is_voter() {
            return;
        }
        self.violate(
            event,
            at,
            Invariant::CommitNeedsQuorum,
            vec![server.id],
            format!(
                "s{} ACKed {zxid} before logging it: an ACK must follow the fsync",
                server.id
            ),
        );
    }

    pub fn on_deliver(&mut self, event: u64, at: Millis, from: Sid, to: Sid, msg: &Message) {
        if let Message::Quorum {
            packet: Packet::Ack { zxid },
            ..
        } = msg
        {
            if zxid.is_epoch_start() {
                return; // a NEWLEADER ACK, not a proposal ACK
            }
            if !self.cfg.is_voter(from) {
                self.violate(
                    event,
                    at,
                    Invariant::ObserversNeverCount,
                    vec![from, to],
                    format!("observer s{from} ACKed proposal {zxid} to s{to}: observers never ACK"),
                );
            }
            (self.acks.entry(to).or_default())
                .get_or_insert_with(*zxid, SidSet::default)
                .insert(from);
        }
    }

    pub fn observe(&mut self, event: u64, at: Millis, server: &Server, o: &Observation) {
        if let Observation::ClientAccepted {
            client, seen, mine, ..
        } = o
        {
            if mine < seen {
                let sid = server.id;
                let explanation = format!("s{sid} took client c{client}, which has seen zxid {seen}, while its own last is {mine}: what the client sees now goes back");
                self.violate(
                    event,
                    at,
                    Invariant::LastZxidNeverGoesBack,
                    vec![sid],
                    explanation,
                );
            }
        }
        let sid = server.id;
        match o {
            Observation::AcceptedEpoch { .. } | Observation::CurrentEpoch { .. } => {
                self.check_epochs(event, at, server)
            }
            Observation::Decided {
                supporters, vote, ..
            } => {
                let observers: Vec<Sid> = supporters
                    .iter()
                    .copied()
                    .filter(|s| !self.cfg.is_voter(*s))
                    .collect();
                if !observers.is_empty() {
                    self.violate(
                        event,
                        at,
                        Invariant::ObserversNeverCount,
                        vec![sid],
                        format!(
                            "s{sid} counted observers {observers:?} in the vote quorum for {vote}"
                        ),
                    );
                }
            }
            Observation::LeaderEstablished { epoch } => {
                self.on_established(event, at, server, *epoch)
            }
            Observation::LeaderServing { epoch, .. } => self.on_serving(event, at, server, *epoch),
            Observation::Logged {
                txn,
                leader_epoch,
                prev_last,
            } => self.on_logged(event, at, server, txn, *leader_epoch, *prev_last),
            Observation::LeaderCommitted {
                zxid,
                prev_committed,
                ..
            } => self.on_leader_commit(event, at, server, *zxid, *prev_committed),
            Observation::Applied { txn, prev, digest } => {
                self.on_applied(event, at, sid, txn, *prev, *digest);
                self.check_ephemerals(event, at, server, &txn.op);
            }
            Observation::Synced { upto, leader } => {
                // Its NEWLEADER ACK reached the leader before UPTODATE came back: from then
                // on its handler's deadline is syncLimit after each packet.
                self.handler_opened.remove(&(*leader, sid));
                self.last_connected.insert((*leader, sid), at);
                self.on_synced(event, at, server, *leader, *upto)
            }
            Observation::LearnerConnected {
                learner,
                observer: false,
                ..
            } => {
                self.handler_opened.insert((sid, *learner), at);
            }
            Observation::SyncChosen { learner, .. } => {
                self.handler_opened.insert((sid, *learner), at);
                let known = self.committed.last_key().unwrap_or_default();
                self.committed_at_sync[*learner as usize - 1] = known;
            }
            Observation::Truncated { removed, to } => {
                // A TRUNC may cut a proposal that commits while the sync is in flight (the
                // leader then forwards it again right behind the TRUNC, as LearnerHandler's
                // startForwarding does); what it must never cut is a txn that was already
                // committed when the leader chose to truncate.
                let known = self.committed_at_sync[sid as usize - 1];
                for txn in removed.iter().filter(|t| t.zxid <= known) {
                    if self.committed.get(&txn.zxid) == Some(txn) {
                        let z = txn.zxid;
                        self.violate(
                            event,
                            at,
                            Invariant::Durability,
                            vec![sid],
                            format!(
                                "TRUNC to {to} removed committed txn {z} ({}) from s{sid}",
                                txn.op
                            ),
                        );
                        break;
                    }
                }
            }
            _ => {}
        }
    }

    fn check_epochs(&mut self, event: u64, at: Millis, server: &Server) {
        let (accepted, current) = (server.disk.accepted_epoch, server.disk.current_epoch);
        let (was_accepted, was_current) = self.epochs[server.id as usize - 1];
        let sid = server.id;
        if accepted < current {
            self.violate(
                event,
                at,
                Invariant::EpochsNeverGoBack,
                vec![sid],
                format!("s{sid} has acceptedEpoch {accepted} below currentEpoch {current}"),
            );
        }
        if accepted < was_accepted || current < was_current {
            self.violate(event, at, Invariant::EpochsNeverGoBack, vec![sid], format!("s{sid}'s epochs went from ({was_accepted}, {was_current}) back to ({accepted}, {current})"));
        }
        self.epochs[sid as usize - 1] = (accepted.max(was_accepted), current.max(was_current));
    }

    fn on_established(&mut self, event: u64, at: Millis, leader: &Server, epoch: Epoch) {
        let sid = leader.id;
        if let Some(other) = self.epoch_leader.insert(epoch, sid) {
            if other != sid {
                self.violate(
                    event,
                    at,
                    Invariant::OneLeaderPerEpoch,
                    vec![other, sid],
                    format!(
                        "s{sid} established epoch {epoch}, which s{other} had already established"
                    ),
                );
            }
        }
        // Durability: the new leader's history must hold every committed txn.
        let missing = self
            .committed
            .values()
            .find(|txn| !history_holds(&leader.disk, txn))
            .map(|t| (&t.zxid, t));
        if let Some((z, txn)) = missing {
            let z = *z;
            let op = txn.op.to_string();
            self.violate(event, at, Invariant::Durability, vec![sid], format!("s{sid} established epoch {epoch} without committed txn {z} ({op}) in its history: it would be lost"));
        }
    }

    /// A quorum synced with the leader: its whole history is now committed.
    fn on_serving(&mut self, event: u64, at: Millis, leader: &Server, epoch: Epoch) {
        for txn in leader.disk.history() {
            if let Some(existing) = self.committed.get(&txn.zxid) {
                if existing != txn {
                    let z = txn.zxid;
                    self.violate(event, at, Invariant::PrefixConsistency, vec![leader.id], format!("s{} started serving epoch {epoch} with a different txn at committed zxid {z}", leader.id));
                    return;
                }
            } else {
                self.committed.insert(txn.zxid, txn.clone());
            }
        }
    }

    fn on_logged(
        &mut self,
        event: u64,
        at: Millis,
        server: &Server,
        txn: &Rc<Txn>,
        leader_epoch: Option<Epoch>,
        prev_last: Zxid,
    ) {
        let sid = server.id;
        let z = txn.zxid;
        if z <= prev_last {
            self.violate(
                event,
                at,
                Invariant::LogsIncreasing,
                vec![sid],
                format!(
                    "s{sid} logged {z} after {prev_last}: its log is no longer strictly increasing"
                ),
            );
        }
        match self.logged.get(&z) {
            Some(other) if other != txn => {
                let (a, b) = (other.op.to_string(), txn.op.to_string());
                self.violate(event, at, Invariant::OneTxnPerZxid, vec![sid], format!("two different txns share zxid {z}: {a} (request {}) and {b} (request {}) on s{sid}", other.request, txn.request));
            }
            Some(_) => {}
            None => {
                self.logged.insert(z, txn.clone());
            }
        }
        if let (Some(e), Role::Learning(l)) = (leader_epoch, &server.role) {
            if l.stage == LearnerStage::Broadcast && e != server.disk.current_epoch {
                let ce = server.disk.current_epoch;
                self.violate(event, at, Invariant::ProposalsFromCurrentLeader, vec![sid, l.leader], format!("s{sid} accepted proposal {z} from a leader of epoch {e} while its currentEpoch is {ce}"));
            }
        }
    }

    fn on_leader_commit(
        &mut self,
        event: u64,
        at: Millis,
        leader: &Server,
        zxid: Zxid,
        prev_committed: Zxid,
    ) {
        let sid = leader.id;
        let acks = self.acks.get_mut(&sid).and_then(|m| m.remove(&zxid));
        let mut acks: BTreeSet<Sid> = acks.map_or_else(BTreeSet::new, |a| a.iter().collect());
        acks.insert(sid); // the leader's own log write counts
        if !self.cfg.is_quorum(&acks) {
            let list: Vec<String> = acks.iter().map(|s| format!("s{s}")).collect();
            self.violate(
                event,
                at,
                Invariant::CommitNeedsQuorum,
                vec![sid],
                format!("s{sid} committed {zxid} with ACKs from only {} of {} voters ({}): not a quorum", acks.len(), self.cfg.voters.len(), list.join(", ")),
            );
        }
        let next = leader.disk.index_after(prev_committed);
        let skipped = leader.disk.log.get(next).filter(|t| t.zxid < zxid);
        if let Some(t) = skipped {
            let z = t.zxid;
            self.violate(
                event,
                at,
                Invariant::CommitNeedsQuorum,
                vec![sid],
                format!("s{sid} committed {zxid} before {z}: commits must follow zxid order"),
            );
        }
        if let Ok(i) = leader.disk.log.binary_search_by_key(&zxid, |t| t.zxid) {
            let txn = leader.disk.log[i].clone();
            match self.committed.get(&zxid) {
                Some(existing) if *existing != txn => {
                    self.violate(event, at, Invariant::PrefixConsistency, vec![sid], format!("s{sid} committed a txn at {zxid} that differs from the one already committed there"));
                }
                _ => {
                    self.committed.insert(zxid, txn);
                }
            }
        }
    }

    fn on_applied(
        &mut self,
        event: u64,
        at: Millis,
        sid: Sid,
        txn: &Rc<Txn>,
        prev: Zxid,
        digest: u64,
    ) {
        let z = txn.zxid;
        if z <= prev && !prev.is_epoch_start() {
            self.violate(
                event,
                at,
                Invariant::ApplyInOrder,
                vec![sid],
                format!("s{sid} applied {z} after {prev}: out of zxid order"),
            );
        }
        match self.committed.get(&z) {
            Some(c) if c == txn => {}
            Some(_) => self.violate(
                event,
                at,
                Invariant::PrefixConsistency,
                vec![sid],
                format!("s{sid} applied a txn at {z} that differs from the committed one"),
            ),
            None => self.violate(
                event,
                at,
                Invariant::PrefixConsistency,
                vec![sid],
                format!("s{sid} applied {z} ({}), which no quorum committed", txn.op),
            ),
        }
        let gap = self.committed.range(prev.next()..z).next().map(|(g, _)| *g);
        if let Some(gap) = gap {
            self.violate(
                event,
                at,
                Invariant::PrefixConsistency,
                vec![sid],
                format!("s{sid} applied {z} right after {prev}, skipping committed {gap}"),
            );
        }
        match self.digest_at.get(&z) {
            Some(d) if *d != digest => self.violate(event, at, Invariant::EqualHistoriesEqualTrees, vec![sid], format!("s{sid}'s znode tree after {z} differs from another server's after the same history")),
            Some(_) => {}
            None => {
                self.digest_at.insert(z, digest);
            }
        }
    }

    /// Inv 13, where a txn just touched it: a closeSession leaves none of the session's
    /// ephemerals, and an ephemeral created (and still there) has a live owner and an owner
    /// that is not itself an ephemeral. Checked on the tree as the step left it, so a later
    /// txn of the same step may already have removed what the first one made.
    fn check_ephemerals(&mut self, event: u64, at: Millis, server: &Server, op: &TxnOp) {
        self.check_expired_ephemerals(event, at, server, op);
        let sid = server.id;
        let tree = &server.tree;
        let breach = match op {
            TxnOp::CloseSession { session } => tree.ephemerals_of(*session).next().map(|path| {
                format!("s{sid} applied closeSession 0x{session:x} and still holds its ephemeral {path}")
            }),
            TxnOp::Create { path, .. } => {
                let stat = tree.stat(path);
                let owner = stat.map_or(0, |s| s.ephemeral_owner);
                let parent = tree.stat(split_path(path).0).map_or(0, |s| s.ephemeral_owner);
                if owner != 0 && !tree.sessions.contains_key(&owner) {
                    Some(format!("s{sid} holds ephemeral {path} of session 0x{owner:x}, which is not live"))
                } else if stat.is_some() && parent != 0 {
                    Some(format!("s{sid} holds {path}, a child of an ephemeral"))
                } else {
                    None
                }
            }
            TxnOp::Multi(ops) if !op.is_failed_multi() => {
                for op in ops {
                    self.check_ephemerals(event, at, server, op);
                }
                None
            }
            _ => None,
        };
        if let Some(explanation) = breach {
            self.violate(
                event,
                at,
                Invariant::EphemeralsOfLiveSessions,
                vec![sid],
                explanation,
            );
        }
    }

    /// Inv 17: a server that applied a session's closeSession holds none of its ephemerals,
    /// then (the close deleted them) or later (no create may bring one back).
    fn check_expired_ephemerals(&mut self, event: u64, at: Millis, server: &Server, op: &TxnOp) {
        let sid = server.id;
        let closed = &mut self.closed_on[sid as usize - 1];
        let session = match op {
            TxnOp::CloseSession { session } => {
                closed.insert(*session);
                *session
            }
            TxnOp::Create {
                ephemeral_owner, ..
            } if closed.contains(ephemeral_owner) => *ephemeral_owner,
            _ => return,
        };
        if let Some(path) = server.tree.ephemerals_of(session).next() {
            let explanation =
                format!("s{sid} applied closeSession 0x{session:x} and holds its ephemeral {path}");
            self.violate(
                event,
                at,
                Invariant::ExpiryLeavesNoEphemerals,
                vec![sid],
                explanation,
            );
        }
    }

    /// Inv 14-16: what a client reported.
    pub fn on_client(&mut self, event: u64, at: Millis, client: ClientId, e: &ClientEvent) {
        let committed = self.committed.last_key().unwrap_or_default();
        let seen = self.clients.entry(client).or_default();
        match e {
            ClientEvent::LastZxid { prev, now, server } if now < prev => {
                let explanation = format!(
                    "client c{client} had seen zxid {prev}, then s{server} answered it with {now}"
                );
                self.violate(
                    event,
                    at,
                    Invariant::LastZxidNeverGoesBack,
                    vec![*server],
                    explanation,
                );
            }
            ClientEvent::Requested {
                op: ClientOp::Sync { .. },
                ..
            } => seen.sync_sent_at = Some(committed),
            ClientEvent::Watch {
                path,
                kind,
                server,
                registered: false,
            } => {
                let explanation = format!("client c{client} got {} for {path} from s{server} with no watch left there: a watch fired twice, or one never set", kind.event_type());
                self.violate(
                    event,
                    at,
                    Invariant::LastZxidNeverGoesBack,
                    vec![*server],
                    explanation,
                );
            }
            ClientEvent::Result {
                op,
                server,
                zxid,
                result: Ok(value),
            } => self.on_client_result(event, at, client, *server, op, *zxid, value),
            ClientEvent::Result {
                op: ClientOp::GetData { path, .. },
                server,
                zxid,
                result: Err(Code::NoNode),
            } => {
                // No such znode, answered from a tree older than a version it has seen.
                let newest = seen.newest.get(path).copied().unwrap_or_default();
                if *zxid < newest {
                    let explanation = format!("client c{client} was told {path} does not exist by s{server} at zxid {zxid}, after it had seen the version of {newest}");
                    self.violate(
                        event,
                        at,
                        Invariant::ReadsNeverGoBack,
                        vec![*server],
                        explanation,
                    );
                }
                self.check_sync_floor(event, at, client, *server, path, None)
            }
            _ => {}
        }
    }

    /// Inv 18: a client's recipe belief changed. When it starts to hold a lock (lead an
    /// election), no other client whose session is live in the committed state may believe
    /// the same. Checking at that moment is enough: a session never comes back to life, so
    /// a pair that was fine when the second belief began stays fine.
    pub fn on_belief(
        &mut self,
        event: u64,
        at: Millis,
        who: &BeliefOf<'_>,
        belief: Option<&Belief>,
    ) {
        let client = who.client;
        let Some(belief) = belief.filter(|b| b.is_exclusive()) else {
            self.holders.remove(&client);
            return;
        };
        if self
            .holders
            .get(&client)
            .is_some_and(|h| h.belief == *belief)
        {
            return;
        }
        let me = Holder {
            name: who.name.to_string(),
            session: who.session,
            belief: belief.clone(),
        };
        let rivals: Vec<Holder> = (self.holders.iter())
            .filter(|(c, h)| **c != client && h.belief.path() == belief.path())
            .map(|(_, h)| h.clone())
            .collect();
        for rival in rivals {
            if self.session_live(me.session) && self.session_live(rival.session) {
                let explanation = format!("clients {} (session 0x{:x}) and {} (session 0x{:x}) both believe they hold {}, and both sessions are live", rival.name, rival.session, me.name, me.session, belief.path());
                self.violate(event, at, Invariant::OneLockHolder, vec![], explanation);
            }
        }
        self.holders.insert(client, me);
    }

    /// Inv 18: the resource a lock protects accepted a token lower than one it had accepted.
    pub fn on_resource_write(&mut self, event: u64, at: Millis, w: &ResourceWriteFact) {
        if w.accepted && w.token < w.highest_before {
            let explanation = format!("the resource behind {} accepted {}'s write with token {} after one with token {}: a stale holder overwrote its successor's work", w.path, w.name, w.token, w.highest_before);
            self.violate(event, at, Invariant::OneLockHolder, vec![], explanation);
        }
    }

    /// Whether a session is live in the committed history: created and not closed.
    fn session_live(&self, session: SessionId) -> bool {
        let mut live = false;
        for txn in self.committed.values() {
            match &txn.op {
                TxnOp::CreateSession { session: s, .. } if *s == session => live = true,
                TxnOp::CloseSession { session: s } if *s == session => return false,
                _ => {}
            }
        }
        live
    }

    #[allow(clippy::too_many_arguments)]
    fn on_client_result(
        &mut self,
        event: u64,
        at: Millis,
        client: ClientId,
        server: Sid,
        op: &ClientOp,
        zxid: Zxid,
        value: &OpValue,
    ) {
        let seen = self.clients.entry(client).or_default();
        match (op, value) {
            (ClientOp::Sync { .. }, _) => {
                let floor = seen.sync_sent_at.take().unwrap_or_default();
                seen.sync_floor = seen.sync_floor.max(floor);
            }
            (ClientOp::Create { .. }, OpValue::Created(path)) => {
                seen.newest.insert(path.clone(), zxid);
            }
            (ClientOp::SetData { path, .. }, _) => {
                seen.newest.insert(path.clone(), zxid);
            }
            (ClientOp::GetData { path, .. }, OpValue::Data { stat, .. }) => {
                let newest = seen.newest.get(path).copied().unwrap_or_default();
                seen.newest.insert(path.clone(), newest.max(stat.mzxid));
                if stat.mzxid < newest {
                    let explanation = format!("client c{client} read {path} at mzxid {} from s{server} after it had seen the version of {newest}", stat.mzxid);
                    self.violate(
                        event,
                        at,
                        Invariant::ReadsNeverGoBack,
                        vec![server],
                        explanation,
                    );
                }
                self.check_sync_floor(event, at, client, server, path, Some(stat.mzxid));
            }
            _ => {}
        }
    }

    /// Inv 16: after a sync, a read of `path` shows the last write to it committed before
    /// the sync was sent (`mzxid` None: the read found no such znode).
    fn check_sync_floor(
        &mut self,
        event: u64,
        at: Millis,
        client: ClientId,
        server: Sid,
        path: &str,
        mzxid: Option<Zxid>,
    ) {
        let floor = self
            .clients
            .get(&client)
            .map_or(Zxid::ZERO, |c| c.sync_floor);
        if floor == Zxid::ZERO {
            return;
        }
        let last = (self.committed.range(..=floor).rev())
            .find_map(|(z, txn)| writes_path(&txn.op, path).map(|deleted| (*z, deleted)));
        let stale = match (last, mzxid) {
            (Some((w, false)), Some(m)) => m < w,
            (Some((_, false)), None) => true,
            (Some((w, true)), Some(m)) => m <= w,
            _ => false,
        };
        if stale {
            let (w, _) = last.expect("stale needs a write");
            let explanation = format!("client c{client} synced, then read {path} from s{server} without the write {w} committed before its sync");
            self.violate(
                event,
                at,
                Invariant::SyncThenRead,
                vec![server],
                explanation,
            );
        }
    }

    /// A learner finished syncing: its log up to `upto` must be exactly the committed history.
    fn on_synced(&mut self, event: u64, at: Millis, server: &Server, leader: Sid, upto: Zxid) {
        let sid = server.id;
        let end = server.disk.index_after(upto);
        for txn in server.disk.log.range(..end) {
            if self.committed.get(&txn.zxid) != Some(txn) {
                let z = txn.zxid;
                self.violate(
                    event,
                    at,
                    Invariant::PrefixConsistency,
                    vec![sid, leader],
                    format!("s{sid} finished syncing with s{leader} still holding {z} ({}), which is not in the committed history: the sync should have removed it", txn.op),
                );
                return;
            }
        }
    }

    /// Inv 11, sampled four times a tick: a leader that can no longer count a quorum of
    /// synced voters must step down. Leader.lead() checks at every tick that it and the
    /// voters whose LearnerHandler is alive and within tickOfNextAckDeadline form a quorum;
    /// a handler stays within it syncLimit ticks after its learner's last packet, and
    /// initLimit + syncLimit ticks after it opened (or restarted its sync) until its learner
    /// ACKs NEWLEADER. The checker cannot see a leader's handlers, so it grants each voter the
    /// most it could count for: connected now (following this leader, links up both ways), or
    /// syncLimit + 1 ticks since it last was, or initLimit + syncLimit + 1 ticks since its
    /// handler opened; plus half a tick for the sampling. A leader still leading once even
    /// that count is no quorum has missed its step-down.
    /// True when the next inv-11 sample is due (the world then calls `sample`).
    pub fn wants_sample(&self, at: Millis) -> bool {
        at >= self.next_quorum_check
    }

    /// The inv-11 sample: `up` is every Zab server that is up, `net` the links.
    pub fn sample(&mut self, event: u64, at: Millis, up: &[&Server], net: &Network) {
        let tick = self.cfg.tick_ms;
        self.next_quorum_check = at + (tick / 4).max(1);
        for server in up {
            let leader = server.id;
            let Role::Leading(l) = &server.role else {
                self.forget_leadership(leader);
                continue;
            };
            let broadcasting = l.phase == LeaderPhase::Broadcast;
            let limits = |ticks: u64| (ticks + 1) * tick + tick / 2;
            let (sync, init) = (self.cfg.sync_limit, self.cfg.init_limit);
            let mut connected = 1;
            // Until when each voter out of touch may still count as synced.
            let mut counts_until = Vec::new();
            for &voter in self.cfg.voters.iter().filter(|v| **v != leader) {
                let follows = up.iter().any(|f| {
                    f.id == voter && matches!(&f.role, Role::Learning(l) if l.leader == leader)
                });
                if follows && net.is_up(leader, voter) && net.is_up(voter, leader) {
                    connected += 1;
                    self.last_connected.insert((leader, voter), at);
                    continue;
                }
                let last = self.last_connected.get(&(leader, voter));
                let opened = self.handler_opened.get(&(leader, voter));
                let until = last
                    .map(|t| t + limits(sync))
                    .max(opened.map(|t| t + limits(init + sync)));
                counts_until.push(until.unwrap_or(0));
            }
            let quorum = self.cfg.quorum();
            if connected >= quorum || !broadcasting {
                self.reported_lost.remove(&leader);
                continue;
            }
            // The moment the generous count fell below a quorum: the (quorum - connected)-th
            // latest of the others' deadlines.
            counts_until.sort_unstable_by(|a, b| b.cmp(a));
            let deadline = counts_until[quorum - connected - 1];
            if at > deadline && self.reported_lost.insert(leader) {
                self.violate(
                    event,
                    at,
                    Invariant::LeaderStepsDown,
                    vec![leader],
                    format!("s{leader} still leads {} ms after it could last count a quorum of synced voters (connected now: {connected} of the {quorum} needed; a learner counts syncLimit ticks after its last packet, initLimit + syncLimit after its handler opened)", at - deadline),
                );
            }
        }
    }

    fn forget_leadership(&mut self, leader: Sid) {
        self.reported_lost.remove(&leader);
        self.last_connected.retain(|(l, _), _| *l != leader);
        self.handler_opened.retain(|(l, _), _| *l != leader);
    }
}

/// True if `txn` (the same txn, not just its zxid) is in the server's snapshot history or log.
fn history_holds(disk: &crate::sim::data::Disk, txn: &Rc<Txn>) -> bool {
    let history = &disk.snapshot.history;
    let in_snapshot =
        (history.binary_search_by_key(&txn.zxid, |t| t.zxid)).is_ok_and(|i| history[i] == *txn);
    let in_log =
        (disk.log.binary_search_by_key(&txn.zxid, |t| t.zxid)).is_ok_and(|i| disk.log[i] == *txn);
    in_snapshot || in_log
}

impl Monitor<Server> for Checker {
    fn new(cfg: Rc<EnsembleConfig>) -> Checker {
        Checker::new(cfg)
    }

    fn on_boot(&mut self, event: u64, at: Millis, node: &Server) {
        Checker::on_boot(self, event, at, node)
    }

    fn on_crash(&mut self, sid: Sid) {
        Checker::on_crash(self, sid)
    }

    fn on_wipe(&mut self, sid: Sid) {
        Checker::on_wipe(self, sid)
    }

    fn on_send(&mut self, event: u64, at: Millis, node: &Server, _to: Sid, msg: &Message) {
        if let Message::Quorum {
            packet: Packet::Ack { zxid },
            ..
        } = msg
        {
            self.on_ack_sent(event, at, node, *zxid);
        }
    }

    fn on_deliver(&mut self, event: u64, at: Millis, from: Sid, to: Sid, msg: &Message) {
        Checker::on_deliver(self, event, at, from, to, msg)
    }

    fn observe(&mut self, event: u64, at: Millis, node: &Server, o: &Observation) {
        Checker::observe(self, event, at, node, o)
    }

    fn wants_sample(&self, at: Millis) -> bool {
        Checker::wants_sample(self, at)
    }

    fn sample(&mut self, event: u64, at: Millis, up: &[&Server], net: &Network) {
        Checker::sample(self, event, at, up, net)
    }

    fn violations(&self) -> &[Violation] {
        Checker::violations(self)
    }

    fn state_digest(&self) -> u64 {
        Checker::state_digest(self)
    }

    fn on_client(&mut self, event: u64, at: Millis, client: ClientId, e: &ClientEvent) {
        Checker::on_client(self, event, at, client, e)
    }

    fn on_belief(&mut self, event: u64, at: Millis, who: &BeliefOf<'_>, belief: Option<&Belief>) {
        Checker::on_belief(self, event, at, who, belief)
    }

    fn on_resource_write(&mut self, event: u64, at: Millis, w: &ResourceWriteFact) {
        Checker::on_resource_write(self, event, at, w)
    }
}

/// Whether a txn writes `path`: `Some(true)` if it deletes it, `Some(false)` if it creates
/// or sets it.
fn writes_path(op: &TxnOp, path: &str) -> Option<bool> {
    match op {
        TxnOp::Create { path: p, .. } | TxnOp::SetData { path: p, .. } if p == path => Some(false),
        TxnOp::Delete { path: p } if p == path => Some(true),
        TxnOp::Multi(ops) if !op.is_failed_multi() => {
            ops.iter().rev().find_map(|op| writes_path(op, path))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::data::fnv_hash;

    #[test]
    fn a_sid_set_hashes_and_iterates_as_a_btreeset() {
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..200 {
            let (mut ours, mut set) = (SidSet::default(), BTreeSet::new());
            let top = if rng.bool() { 64 } else { 130 };
            for _ in 0..rng.usize(..12) {
                let sid = rng.u32(0..top);
                ours.insert(sid);
                set.insert(sid);
            }
            assert_eq!(
                ours.iter().collect::<Vec<_>>(),
                set.iter().copied().collect::<Vec<_>>()
            );
            assert_eq!(ours.len(), set.len());
            assert_eq!(fnv_hash(&ours), fnv_hash(&set));
        }
    }
}
