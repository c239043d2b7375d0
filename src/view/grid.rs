//! The log grid: every server's log side by side, always on (RaftScope's best-liked view).
//! Rows are servers; columns are the newest txns in zxid order (grouped by epoch), or in the
//! Paxos modes the newest slots. Each cell says what that server holds of that column, so a
//! TRUNC shows as cells turning "truncated", a SNAP as a row turning "snapshot", a DIFF as a
//! row filling in. Built from the world and the previous grid (which remembers what a TRUNC
//! or a SNAP removed).

use std::collections::{BTreeMap, BTreeSet};

use std::rc::Rc;

use crate::sim::data::{Disk, Txn};
use crate::sim::paxos::{Ballot, PaxosServer, Slot};
use crate::sim::types::{Epoch, Zxid};
use crate::sim::world::World;
use crate::sim::zab::{Role, Server};
use crate::sim::Sid;

/// How many of the newest columns the grid shows.
pub const COLUMNS: usize = 24;

/// What one server holds of one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Nothing: the server never had it (or the column is another server's divergent txn).
    Absent,
    /// Logged (fsynced), not known committed here.
    Logged,
    /// The leader's own proposal, waiting for a quorum of ACKs.
    Proposed,
    /// Committed and applied to this server's tree.
    Committed,
    /// Held in the server's snapshot rather than its log (what a SNAP installs).
    Snapshot,
    /// Removed from this server's log by a TRUNC or replaced by a SNAP.
    Truncated,
    /// Paxos: accepted under this ballot, not learned here.
    Accepted(Ballot),
    /// Paxos: learned (chosen).
    Chosen,
}

impl Cell {
    /// The word for `data-status` and the CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Cell::Absent => "absent",
            Cell::Logged => "logged",
            Cell::Proposed => "proposed",
            Cell::Committed => "committed",
            Cell::Snapshot => "snapshot",
            Cell::Truncated => "truncated",
            Cell::Accepted(_) => "accepted",
            Cell::Chosen => "chosen",
        }
    }
}

/// A column: a zxid (`epoch` its epoch) or a Paxos slot (`epoch` 0), and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub key: u64,
    pub epoch: Epoch,
    /// Its name as people compare it: the zxid in `srvr` hex, or "slot 3".
    pub name: String,
    /// What the txn or value does ("create /a = 1"), from whichever server holds it.
    pub what: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub sid: Sid,
    pub up: bool,
    pub leads: bool,
    pub observer: bool,
    /// One per column.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Grid {
    pub paxos: bool,
    pub columns: Vec<Column>,
    /// How many older columns are not shown.
    pub earlier: usize,
    pub rows: Vec<Row>,
    /// The serving leader's last committed zxid (Zab), or the highest chosen slot (Paxos).
    pub commit: Option<u64>,
    /// (sid, key) a TRUNC or a SNAP removed: still drawn, as truncated, while in view.
    removed: BTreeSet<(Sid, u64)>,
}

impl Grid {
    /// The grid for the world now; `prev` lends what was removed before.
    pub fn build(world: &World, prev: &Grid) -> Grid {
        match world.paxos() {
            Some(_) => paxos_grid(world),
            None => zab_grid(world, prev),
        }
    }

    /// The column index of the commit point, if it is in view.
    pub fn commit_column(&self) -> Option<usize> {
        let c = self.commit?;
        self.columns.iter().rposition(|col| col.key <= c)
    }

    /// Runs of columns with the same epoch: (epoch, first column, count).
    pub fn epochs(&self) -> Vec<(Epoch, usize, usize)> {
        let mut runs: Vec<(Epoch, usize, usize)> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            match runs.last_mut() {
                Some((e, _, n)) if *e == c.epoch => *n += 1,
                _ => runs.push((c.epoch, i, 1)),
            }
        }
        runs
    }
}

/// The newest `COLUMNS` keys among `lists` (each ascending).
fn newest(lists: impl Iterator<Item = Vec<u64>>) -> Vec<u64> {
    let all: BTreeSet<u64> = lists.flatten().collect();
    let skip = all.len().saturating_sub(COLUMNS);
    all.into_iter().skip(skip).collect()
}

/// About how many columns are older than `first`: the most any one history holds.
fn older(histories: impl Iterator<Item = usize>) -> usize {
    histories.max().unwrap_or(0)
}

/// The newest `COLUMNS` txns of a disk's history (snapshot, then log), oldest first.
fn tail(disk: &Disk) -> impl Iterator<Item = &Rc<Txn>> {
    let log = disk.log.range(disk.log.len().saturating_sub(COLUMNS)..);
    let snap = &disk.snapshot.history;
    let from_snap = &snap[snap.len().saturating_sub(COLUMNS - log.len())..];
    from_snap.iter().chain(log)
}

/// The zxids of `tail`.
fn held(disk: &Disk) -> Vec<u64> {
    tail(disk).map(|t| t.zxid.0).collect()
}

/// Whether a disk's history (snapshot or log) holds `zxid`.
fn has(disk: &Disk, zxid: Zxid) -> bool {
    let key = |t: &Rc<Txn>| t.zxid;
    disk.log.binary_search_by_key(&zxid, key).is_ok()
        || disk
            .snapshot
            .history
            .binary_search_by_key(&zxid, key)
            .is_ok()
}

fn zab_cell(server: Option<&Server>, disk: &Disk, zxid: Zxid) -> Cell {
    let in_log = disk.log.binary_search_by_key(&zxid, |t| t.zxid).is_ok();
    let in_snapshot = !in_log && has(disk, zxid);
    let Some(s) = server else {
        return if in_log || in_snapshot {
            Cell::Logged // a down server's disk: whether it committed is volatile
        } else {
            Cell::Absent
        };
    };
    match (in_log, in_snapshot) {
        (false, false) => Cell::Absent,
        (false, true) => Cell::Snapshot,
        (true, _) if zxid <= s.tree.last_processed => Cell::Committed,
        (true, _) if matches!(s.role, Role::Leading(_)) => Cell::Proposed,
        (true, _) => Cell::Logged,
    }
}

fn zab_grid(world: &World, prev: &Grid) -> Grid {
    let n = world.ensemble().server_count() as Sid;
    // What a server that stayed up held in the previous grid and holds no more: a TRUNC or
    // a SNAP removed it. It keeps its column, drawn truncated, while among the newest.
    let mut removed = prev.removed.clone();
    for row in prev.rows.iter().filter(|r| r.up && world.is_up(r.sid)) {
        let disk = world.disk(row.sid);
        for (c, cell) in prev.columns.iter().zip(&row.cells) {
            if !matches!(cell, Cell::Absent | Cell::Truncated) && !has(disk, Zxid(c.key)) {
                removed.insert((row.sid, c.key));
            }
        }
    }
    let gone = removed.iter().map(|(_, k)| *k).collect::<Vec<_>>();
    let keys = newest((1..=n).map(|s| held(world.disk(s))).chain([gone]));
    let first = keys.first().map_or(Zxid(u64::MAX), |k| Zxid(*k));
    let earlier = older((1..=n).map(|s| {
        let d = world.disk(s);
        d.snapshot.history.partition_point(|t| t.zxid < first)
            + d.log.partition_point(|t| t.zxid < first)
    }));
    removed.retain(|(_, k)| keys.contains(k));
    let rows = (1..=n)
        .map(|sid| {
            let server = world.server(sid);
            let disk = world.disk(sid);
            let cells = (keys.iter())
                .map(|k| match zab_cell(server, disk, Zxid(*k)) {
                    Cell::Absent if removed.contains(&(sid, *k)) => Cell::Truncated,
                    cell => cell,
                })
                .collect();
            Row {
                sid,
                up: server.is_some(),
                leads: matches!(server.map(|s| &s.role), Some(Role::Leading(_))),
                observer: !world.ensemble().is_voter(sid),
                cells,
            }
        })
        .collect();
    let ops: BTreeMap<u64, String> = (1..=n)
        .flat_map(|s| tail(world.disk(s)).cloned().collect::<Vec<_>>())
        .filter(|t| keys.contains(&t.zxid.0))
        .map(|t| (t.zxid.0, t.op.to_string()))
        .collect();
    let columns = keys
        .iter()
        .map(|k| Column {
            key: *k,
            epoch: Zxid(*k).epoch(),
            name: Zxid(*k).to_string(),
            what: (ops.get(k).cloned())
                .or_else(|| {
                    prev.columns
                        .iter()
                        .find(|c| c.key == *k)
                        .map(|c| c.what.clone())
                })
                .unwrap_or_default(),
        })
        .collect();
    let commit = world
        .serving_leader()
        .and_then(|l| match &world.server(l)?.role {
            Role::Leading(l) => Some(l.last_committed.0),
            _ => None,
        });
    Grid {
        paxos: false,
        columns,
        earlier,
        rows,
        commit,
        removed,
    }
}

fn paxos_cell(server: Option<&PaxosServer>, accepted: Option<&Ballot>, slot: Slot) -> Cell {
    match (server, accepted) {
        (Some(s), _) if s.chosen.contains_key(&slot) => Cell::Chosen,
        (_, Some(b)) => Cell::Accepted(*b),
        _ => Cell::Absent,
    }
}

fn paxos_grid(world: &World) -> Grid {
    let n = world.ensemble().server_count() as Sid;
    let slots_of = |sid: Sid| -> Vec<u64> {
        let mut slots: BTreeSet<u64> = world
            .paxos_disk(sid)
            .map(|d| d.accepted.keys().copied().collect())
            .unwrap_or_default();
        if let Some(s) = world.paxos_server(sid) {
            slots.extend(s.chosen.keys().copied());
        }
        slots.into_iter().collect()
    };
    let keys = newest((1..=n).map(slots_of));
    let first = keys.first().copied().unwrap_or(u64::MAX);
    let earlier = older((1..=n).map(|s| slots_of(s).partition_point(|k| *k < first)));
    let rows = (1..=n)
        .map(|sid| {
            let server = world.paxos_server(sid);
            let disk = world.paxos_disk(sid);
            Row {
                sid,
                up: server.is_some(),
                leads: server.is_some_and(|s| s.role() == crate::sim::paxos::PaxosRole::Leader),
                observer: !world.ensemble().is_voter(sid),
                cells: (keys.iter())
                    .map(|k| {
                        paxos_cell(
                            server,
                            disk.and_then(|d| d.accepted.get(k)).map(|(b, _)| b),
                            *k,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let chosen = world.paxos_chosen();
    let columns = keys
        .iter()
        .map(|k| Column {
            key: *k,
            epoch: 0,
            name: format!("slot {k}"),
            what: chosen
                .get(k)
                .map(|(v, _)| v.to_string())
                .unwrap_or_default(),
        })
        .collect();
    Grid {
        paxos: true,
        columns,
        earlier,
        rows,
        commit: chosen.keys().next_back().copied(),
        removed: BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::world::Protocol;
    use crate::sim::{Command, WorldConfig};

    fn write(w: &mut World, at: Sid, path: &str) {
        w.apply(Command::Write {
            at: Some(at),
            path: path.into(),
            data: "v".into(),
        })
        .unwrap();
    }

    fn cells(g: &Grid, sid: Sid) -> Vec<&'static str> {
        g.rows[sid as usize - 1]
            .cells
            .iter()
            .map(|c| c.as_str())
            .collect()
    }

    #[test]
    fn writes_fill_every_row_committed_and_the_commit_point_follows() {
        let mut w = World::new(WorldConfig::new(3, 1, 3));
        w.apply(Command::StartAll).unwrap();
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        for i in 0..3 {
            write(&mut w, leader, &format!("/k{i}"));
        }
        // Just proposed: the leader's cell is proposed before the quorum ACKs.
        w.step();
        let g = Grid::build(&w, &Grid::default());
        assert!(
            cells(&g, leader).contains(&"proposed"),
            "{:?}",
            cells(&g, leader)
        );
        w.run_until(4_000);
        let g = Grid::build(&w, &g);
        assert_eq!(g.columns.len(), 3);
        assert_eq!(g.columns[0].name, "0x100000001");
        assert_eq!(g.columns[0].what, "create /k0 \"v\"");
        for sid in 1..=4 {
            assert_eq!(cells(&g, sid), ["committed"; 3], "s{sid}");
        }
        assert!(g.rows[3].observer);
        assert_eq!(g.commit_column(), Some(2));
        assert_eq!(g.epochs(), vec![(1, 0, 3)]);
        // Only the newest COLUMNS are shown.
        for i in 0..30 {
            write(&mut w, leader, &format!("/m{i}"));
        }
        w.run_until(5_000);
        let g = Grid::build(&w, &g);
        assert_eq!((g.columns.len(), g.earlier), (COLUMNS, 33 - COLUMNS));
        assert_eq!(g.commit_column(), Some(COLUMNS - 1));
    }

    #[test]
    fn a_trunc_shows_its_removed_cells_and_a_crash_shows_the_disk() {
        // The scenario old_leader_truncated: an isolated leader logs txns no one else has, and
        // the new leader's TRUNC removes them when it rejoins.
        let mut w = World::new(WorldConfig::new(3, 0, 11));
        w.apply(Command::StartAll).unwrap();
        w.run_until(3_000);
        let old = w.stable_leader().unwrap();
        w.apply(Command::Isolate(old)).unwrap();
        write(&mut w, old, "/lost");
        w.run_until(3_100);
        let mut g = Grid::build(&w, &Grid::default());
        let lost = g
            .columns
            .iter()
            .position(|c| c.what.contains("/lost"))
            .unwrap();
        assert_eq!(g.rows[old as usize - 1].cells[lost], Cell::Proposed);
        let t = w.now();
        for dt in (100..20_000).step_by(100) {
            if dt == 6_000 {
                w.apply(Command::HealAll).unwrap();
            }
            w.run_until(t + dt);
            g = Grid::build(&w, &g);
        }
        let i = g
            .columns
            .iter()
            .position(|c| c.what.contains("/lost"))
            .unwrap();
        assert_eq!(g.rows[old as usize - 1].cells[i], Cell::Truncated, "{g:#?}");
        assert!(g.rows.iter().all(|r| r.cells[i] != Cell::Committed));
        w.apply(Command::Crash(old)).unwrap();
        let g = Grid::build(&w, &g);
        let row = &g.rows[old as usize - 1];
        assert!(
            !row.up
                && row
                    .cells
                    .iter()
                    .all(|c| matches!(c, Cell::Logged | Cell::Absent | Cell::Truncated))
        );
    }

    #[test]
    fn a_wiped_follower_comes_back_by_snap_and_its_row_shows_the_snapshot() {
        let mut w = World::new(WorldConfig::new(3, 0, 4));
        w.apply(Command::StartAll).unwrap();
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        for i in 0..5 {
            write(&mut w, leader, &format!("/k{i}"));
        }
        w.run_until(4_000);
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        w.apply(Command::Wipe(follower)).unwrap();
        let g = Grid::build(&w, &Grid::default());
        assert_eq!(
            cells(&g, follower),
            ["absent"; 5],
            "a wiped disk holds nothing"
        );
        w.apply(Command::Restart(follower)).unwrap();
        w.run_until(8_000);
        let g = Grid::build(&w, &g);
        assert_eq!(
            w.server(follower).unwrap().last_sync.map(|m| m.as_str()),
            Some("SNAP")
        );
        assert_eq!(cells(&g, follower), ["snapshot"; 5]);
        assert_eq!(cells(&g, leader), ["committed"; 5]);
    }

    #[test]
    fn paxos_slots_show_accepted_then_chosen() {
        let mut cfg = WorldConfig::new(3, 0, 7);
        cfg.protocol = Protocol::Paxos;
        let mut w = World::new(cfg);
        w.apply(Command::StartAll).unwrap();
        w.run_until(5_000);
        let leader = w.serving_leader().unwrap();
        write(&mut w, leader, "/a");
        w.run_until(6_000);
        let g = Grid::build(&w, &Grid::default());
        assert!(g.paxos);
        let last = g.columns.len() - 1;
        assert_eq!(g.columns[last].what, "/a=v");
        assert!(g.rows.iter().all(|r| r.cells[last] == Cell::Chosen));
        assert_eq!(g.commit_column(), Some(last));
    }
}
