//! The selected server's znode tree, flattened for the inspector: one row per znode (depth,
//! name, data shortened, stat), ephemerals with their owner's session (and the client holding
//! it, when the page knows one), the watches registered on this server at that path, and each
//! row's difference from the serving leader's tree. Reads the selected server and the leader
//! only; the rows are capped, the differences counted over the whole tree.

use crate::sim::data::SessionId;
use crate::sim::tree::{DataTree, Stat};
use crate::sim::world::World;
use crate::sim::zab::serve::WatchTable;
use crate::sim::{Sid, Zxid};

/// Rows drawn at most; the rest are counted ("… N more").
pub const TREE_ROWS: usize = 200;
/// Characters of a znode's data shown in a row (the rest is cut with "…").
pub const DATA_CHARS: usize = 24;

/// How a row compares with the leader's znode at the same path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diff {
    /// Same data, version and mzxid (or there is no other leader to compare with).
    Same,
    /// The leader has it, this server not (yet).
    Missing,
    /// This server has it, the leader not (any more).
    OnlyHere,
    /// Both have it, with other data, version or mzxid.
    Differs,
}

impl Diff {
    /// The `data-diff` hook and CSS class.
    pub fn hook(self) -> &'static str {
        match self {
            Diff::Same => "same",
            Diff::Missing => "missing",
            Diff::OnlyHere => "only-here",
            Diff::Differs => "differs",
        }
    }

    /// Words for a person (a row's tooltip and the screen reader).
    pub fn label(self) -> &'static str {
        match self {
            Diff::Same => "same as the leader",
            Diff::Missing => "missing here: the leader has it",
            Diff::OnlyHere => "only here: the leader no longer has it",
            Diff::Differs => "different data or version than the leader's",
        }
    }
}

/// A session, and the client of the page holding it, if one does (a `session open` has none).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionOf {
    pub session: SessionId,
    pub client: Option<String>,
}

/// A watch registered on this server at a row's path.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchMark {
    pub table: WatchTable,
    /// The client's name ("client 3" if the page has no name for it).
    pub client: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    pub depth: usize,
    /// The last path component ("/" for the root).
    pub name: String,
    pub path: String,
    /// The data, shortened to [`DATA_CHARS`].
    pub data: String,
    /// This server's stat, or the leader's for a row missing here.
    pub stat: Stat,
    pub owner: Option<SessionOf>,
    pub watches: Vec<WatchMark>,
    pub diff: Diff,
}

/// How this server's tree stands against the leader's.
#[derive(Clone, Debug, PartialEq)]
pub struct Against {
    pub leader: Sid,
    pub leader_last: Zxid,
    pub missing: usize,
    pub only_here: usize,
    pub differs: usize,
}

impl Against {
    pub fn differences(&self) -> usize {
        self.missing + self.only_here + self.differs
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TreeView {
    pub sid: Sid,
    pub last_processed: Zxid,
    pub node_count: usize,
    pub rows: Vec<TreeRow>,
    /// Rows left off past [`TREE_ROWS`].
    pub more: usize,
    /// `None` when this server is the leader or no leader serves.
    pub against: Option<Against>,
    /// Watches on paths this server has no znode for (an `exists` watch waits for a create).
    pub absent_watches: Vec<(String, WatchMark)>,
}

impl TreeView {
    /// "3 znodes behind the leader s2 (last processed 0x100000004 vs 0x100000007)".
    pub fn summary(&self) -> String {
        let Some(a) = &self.against else {
            return format!(
                "{} znodes, last processed {}",
                self.node_count, self.last_processed
            );
        };
        let n = a.differences();
        let znodes = if n == 1 { "znode" } else { "znodes" };
        let how = if n == 0 {
            format!("Same tree as the leader s{}", a.leader)
        } else if self.last_processed < a.leader_last {
            format!("{n} {znodes} behind the leader s{}", a.leader)
        } else {
            format!("{n} {znodes} differ from the leader s{}", a.leader)
        };
        format!(
            "{how} (last processed {} vs {})",
            self.last_processed, a.leader_last
        )
    }
}

/// Who holds each session, by the page's client names.
fn client_of(world: &World, session: SessionId) -> Option<String> {
    let zab = world.zab()?;
    zab.clients()
        .filter(|c| c.client.session == session)
        .last()
        .map(|c| c.name.clone())
}

fn client_name(world: &World, id: crate::sim::node::ClientId) -> String {
    world
        .zab()
        .and_then(|z| z.clients().find(|c| c.client.id == id))
        .map_or_else(|| format!("client {id}"), |c| c.name.clone())
}

/// `data` cut to [`DATA_CHARS`] characters.
pub fn shorten(data: &str) -> String {
    match data.char_indices().nth(DATA_CHARS) {
        None => data.to_string(),
        Some((i, _)) => format!("{}…", &data[..i]),
    }
}

struct Walk<'a> {
    world: &'a World,
    here: &'a DataTree,
    port: &'a crate::sim::zab::serve::ClientPort,
    leader: Option<&'a DataTree>,
    rows: Vec<TreeRow>,
    more: usize,
    missing: usize,
    only_here: usize,
    differs: usize,
}

impl Walk<'_> {
    fn visit(&mut self, path: &str, name: &str, depth: usize) {
        let mine = self.here.get(path);
        let theirs = self.leader.and_then(|t| t.get(path));
        let diff = match (mine, theirs, self.leader.is_some()) {
            (_, _, false) => Diff::Same,
            (Some(_), None, true) => Diff::OnlyHere,
            (None, Some(_), true) => Diff::Missing,
            (Some(a), Some(b), true) => {
                let same = a.stat.mzxid == b.stat.mzxid
                    && a.stat.version == b.stat.version
                    && a.data == b.data;
                if same {
                    Diff::Same
                } else {
                    Diff::Differs
                }
            }
            (None, None, true) => return,
        };
        match diff {
            Diff::Missing => self.missing += 1,
            Diff::OnlyHere => self.only_here += 1,
            Diff::Differs => self.differs += 1,
            Diff::Same => {}
        }
        let Some(node) = mine.or(theirs) else {
            return;
        };
        if self.rows.len() < TREE_ROWS {
            let owner = node.stat.ephemeral_owner;
            self.rows.push(TreeRow {
                depth,
                name: name.to_string(),
                path: path.to_string(),
                data: shorten(&node.data),
                stat: node.stat,
                owner: (owner != 0).then(|| SessionOf {
                    session: owner,
                    client: client_of(self.world, owner),
                }),
                watches: if mine.is_some() {
                    self.port
                        .watches_on(path)
                        .map(|(table, conn)| WatchMark {
                            table,
                            client: client_name(self.world, conn.client),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                diff,
            });
        } else {
            self.more += 1;
        }
        // Children of both trees, in name order, each once.
        let empty = std::collections::BTreeSet::new();
        let a = mine.map_or(&empty, |n| &n.children);
        let b = theirs.map_or(&empty, |n| &n.children);
        let names: std::collections::BTreeSet<&String> = a.union(b).collect();
        for child in names {
            let child_path = if path == "/" {
                format!("/{child}")
            } else {
                format!("{path}/{child}")
            };
            self.visit(&child_path, child, depth + 1);
        }
    }
}

/// The tree of ZooKeeper server `sid` against the serving leader's; `None` when it is down
/// (its in-memory tree went with the crash) or the world runs Paxos.
pub fn tree_view(world: &World, sid: Sid) -> Option<TreeView> {
    let server = world.server(sid)?;
    let leader = world
        .serving_leader()
        .filter(|l| *l != sid)
        .and_then(|l| world.server(l).map(|s| (l, s)));
    let mut walk = Walk {
        world,
        here: &server.tree,
        port: &server.clients,
        leader: leader.map(|(_, s)| &s.tree),
        rows: Vec::new(),
        more: 0,
        missing: 0,
        only_here: 0,
        differs: 0,
    };
    walk.visit("/", "/", 0);
    let absent_watches = server
        .clients
        .watches()
        .filter(|(path, _, _)| server.tree.get(path).is_none())
        .map(|(path, table, conn)| {
            let client = client_name(world, conn.client);
            (path.to_string(), WatchMark { table, client })
        })
        .collect();
    Some(TreeView {
        sid,
        last_processed: server.tree.last_processed,
        node_count: server.tree.node_count(),
        more: walk.more,
        against: leader.map(|(l, s)| Against {
            leader: l,
            leader_last: s.tree.last_processed,
            missing: walk.missing,
            only_here: walk.only_here,
            differs: walk.differs,
        }),
        rows: walk.rows,
        absent_watches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{parse::parse, run::run};

    fn world(script: &str) -> World {
        let script = parse(script).expect("the script parses");
        run(&script, &mut std::io::sink())
            .expect("the script runs")
            .world
    }

    /// s1 lags (every packet to or from it is slowed 30×): c2's writes at s2 reach s1 late.
    const LAGGING: &str = "servers 3\nseed 6\nsync-limit 20\nstart all\nuntil stable 10s\n\
        client c2 connect 2\ncreate c2 /cfg old\ncreate c2 -e /eph here\ncreate c2 /gone x\n\
        client c1 connect 1 timeout 4s\nget c1 /cfg watch\nls c1 / watch\nexists c1 /later watch\n\
        slow 1 30\nset c2 /cfg new\ndelete c2 /gone\ncreate c2 /fresh y\n\
        expect node 2 /cfg new\nexpect node 1 /cfg old\n";

    fn row<'a>(t: &'a TreeView, path: &str) -> &'a TreeRow {
        t.rows
            .iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("no row {path}: {:?}", t.rows))
    }

    #[test]
    fn a_lagging_follower_shows_what_it_misses_against_the_leader() {
        let w = world(LAGGING);
        let leader = w.serving_leader().unwrap();
        assert_ne!(leader, 1, "the scenario keeps s1 a follower");
        let t = tree_view(&w, 1).unwrap();
        // Depth-first, children in name order, the root first.
        let paths: Vec<&str> = t.rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/",
                "/cfg",
                "/eph",
                "/fresh",
                "/gone",
                "/zookeeper",
                "/zookeeper/config",
                "/zookeeper/quota"
            ]
        );
        assert_eq!(row(&t, "/zookeeper/quota").depth, 2);
        assert_eq!(row(&t, "/zookeeper/quota").name, "quota");
        assert_eq!(row(&t, "/cfg").diff, Diff::Differs);
        assert_eq!(row(&t, "/cfg").data, "old");
        assert_eq!(row(&t, "/fresh").diff, Diff::Missing);
        assert_eq!(
            row(&t, "/fresh").data,
            "y",
            "the leader's data, missing here"
        );
        assert_eq!(row(&t, "/gone").diff, Diff::OnlyHere);
        assert_eq!(row(&t, "/eph").diff, Diff::Same);
        // The root's children changed (pzxid), not its data: the same by mzxid/version/data.
        assert_eq!(row(&t, "/").diff, Diff::Same);
        let a = t.against.as_ref().unwrap();
        assert_eq!(
            (a.leader, a.missing, a.only_here, a.differs),
            (leader, 1, 1, 1)
        );
        assert!(t.last_processed < a.leader_last);
        assert!(
            t.summary().starts_with(&format!(
                "3 znodes behind the leader s{leader} (last processed 0x"
            )),
            "{}",
            t.summary()
        );
        // The ephemeral names its owner's session and the client holding it.
        let owner = row(&t, "/eph").owner.clone().unwrap();
        assert_eq!(owner.client.as_deref(), Some("c2"));
        assert_eq!(owner.session >> 56, 2, "a session made by s2");
        assert!(row(&t, "/cfg").owner.is_none());
        // c1's watches sit on s1, where it is connected: a data watch on /cfg, a child watch on
        // the root, an exists watch on a znode that does not exist yet.
        let marks = |p: &str| -> Vec<(WatchTable, String)> {
            row(&t, p)
                .watches
                .iter()
                .map(|m| (m.table, m.client.clone()))
                .collect()
        };
        assert_eq!(marks("/cfg"), [(WatchTable::Data, "c1".to_string())]);
        assert_eq!(marks("/"), [(WatchTable::Child, "c1".to_string())]);
        assert!(marks("/eph").is_empty());
        assert_eq!(
            t.absent_watches,
            [(
                "/later".to_string(),
                WatchMark {
                    table: WatchTable::Data,
                    client: "c1".into()
                }
            )]
        );
        // On s2 there are no watches, and s2 agrees with the leader.
        let t2 = tree_view(&w, 2).unwrap();
        assert!(t2.rows.iter().all(|r| r.watches.is_empty()));
        if leader != 2 {
            assert_eq!(t2.against.as_ref().unwrap().differences(), 0);
            assert!(
                t2.summary().starts_with("Same tree as the leader"),
                "{}",
                t2.summary()
            );
        }
    }

    #[test]
    fn the_leader_compares_with_nobody_and_a_down_server_has_no_tree() {
        let mut w = world("servers 3\nseed 4\nstart all\nuntil stable 10s\nwrite /a x\nrun 1s\n");
        let leader = w.serving_leader().unwrap();
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        w.apply(crate::sim::Command::Crash(follower)).unwrap();
        let t = tree_view(&w, leader).unwrap();
        assert!(t.against.is_none());
        assert!(t.rows.iter().all(|r| r.diff == Diff::Same));
        assert_eq!(t.node_count, 6);
        assert!(
            t.summary().starts_with("6 znodes, last processed 0x"),
            "{}",
            t.summary()
        );
        assert!(tree_view(&w, follower).is_none());
    }

    #[test]
    fn rows_are_capped_and_data_shortened() {
        let mut script = String::from("servers 3\nseed 4\nstart all\nuntil stable 10s\n");
        for i in 0..(TREE_ROWS + 10) {
            script.push_str(&format!("write /n{i:03} {}\n", "d".repeat(40)));
        }
        script.push_str("run 5s\n");
        let w = world(&script);
        let t = tree_view(&w, w.serving_leader().unwrap()).unwrap();
        assert_eq!(t.rows.len(), TREE_ROWS);
        // The root, TREE_ROWS + 10 znodes, /zookeeper and its two children.
        assert_eq!(t.rows.len() + t.more, 1 + TREE_ROWS + 10 + 3);
        assert_eq!(t.rows[1].data, format!("{}…", "d".repeat(DATA_CHARS)));
        assert_eq!(shorten("short"), "short");
        assert_eq!(shorten(&"é".repeat(30)).chars().count(), DATA_CHARS + 1);
    }
}
