//! What ZooKeeper 3.8's four-letter words `srvr`, `cons` and `dump` would print for the selected
//! server: typed data read from the world, then the text in the shape the real commands print
//! (StatCommand with ServerStats.toString, ConsCommand with ServerCnxn.dumpConnectionInfo,
//! DumpCommand with SessionTrackerImpl / LearnerSessionTracker.dumpSessions and
//! DataTree.dumpEphemerals). What the model does not track is left out, never made up: see
//! each type.

use crate::sim::data::SessionId;
use crate::sim::view::Mode;
use crate::sim::world::World;
use crate::sim::zab::Role;
use crate::sim::{Millis, Sid, Zxid};

/// One of the three words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Word {
    #[default]
    Srvr,
    Cons,
    Dump,
}

impl Word {
    pub const ALL: [Word; 3] = [Word::Srvr, Word::Cons, Word::Dump];

    pub fn as_str(self) -> &'static str {
        match self {
            Word::Srvr => "srvr",
            Word::Cons => "cons",
            Word::Dump => "dump",
        }
    }
}

/// `srvr`. Left out: "Latency min/avg/max", "Received" and "Sent" (the model keeps no
/// request latencies or packet counts per server) and the leader's "Proposal sizes".
#[derive(Clone, Debug, PartialEq)]
pub struct Srvr {
    pub connections: usize,
    pub outstanding: usize,
    /// The last zxid applied to the tree (ServerStats' getLastProcessedZxid).
    pub zxid: Zxid,
    /// "leader", "follower" or "observer".
    pub mode: &'static str,
    pub node_count: usize,
}

/// One line of `cons`. The model has no addresses: the host is the client's name and the
/// port its connection attempt (`/c1:2`). Left out: recved, sent, lop, est, lcxid, lresp and
/// the latencies (not tracked). `lzxid` is the client's last-seen zxid while this is its
/// current connection (what this connection last told it, once it answered anything).
#[derive(Clone, Debug, PartialEq)]
pub struct ConsLine {
    pub client: String,
    pub serial: u32,
    pub queued: usize,
    /// `None` until the session is established on the connection (then only the brief part).
    pub session: Option<SessionId>,
    pub timeout_ms: u64,
    pub lzxid: Option<Zxid>,
}

/// The session tracker's part of `dump`.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionDump {
    /// The leader's SessionTrackerImpl: its expiry buckets (virtual time, soonest first) and
    /// how many sessions it tracks (those already polled for expiry included).
    Leader {
        buckets: Vec<(Millis, Vec<SessionId>)>,
        tracked: usize,
    },
    /// A learner's LearnerSessionTracker: the global sessions and their timeouts.
    Learner { sessions: Vec<(SessionId, u64)> },
}

/// `dump`. Left out: "Connections dump" (NIOServerCnxnFactory's connection expiry queue,
/// which the model does not have).
#[derive(Clone, Debug, PartialEq)]
pub struct Dump {
    pub sessions: SessionDump,
    /// Sessions with ephemerals, each with its paths.
    pub ephemerals: Vec<(SessionId, Vec<String>)>,
}

/// What the selected server answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Words {
    Down(Sid),
    /// Up but not serving clients (electing, or syncing with a leader).
    NotServing,
    Serving(Box<Served>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    pub srvr: Srvr,
    pub cons: Vec<ConsLine>,
    pub dump: Dump,
}

/// AbstractFourLetterCommand.ZK_NOT_SERVING.
pub const NOT_SERVING: &str = "This ZooKeeper instance is not currently serving requests";

/// Reads what ZooKeeper server `sid` would answer (a Zab world; `None` for Paxos).
pub fn words(world: &World, sid: Sid, mode: Mode) -> Option<Words> {
    let zab = world.zab()?;
    let Some(server) = world.server(sid) else {
        return Some(Words::Down(sid));
    };
    if !server.serves_clients() {
        return Some(Words::NotServing);
    }
    let port = &server.clients;
    let tree = &server.tree;
    let srvr = Srvr {
        connections: port.cnxns.len(),
        outstanding: port.outstanding(),
        zxid: tree.last_processed,
        mode: match mode {
            Mode::Leader => "leader",
            Mode::Observer => "observer",
            _ => "follower",
        },
        node_count: tree.node_count(),
    };
    let cons = port
        .cnxns
        .iter()
        .map(|(conn, c)| {
            let slot = zab.clients().find(|s| s.client.id == conn.client);
            ConsLine {
                client: slot.map_or_else(|| format!("client{}", conn.client), |s| s.name.clone()),
                serial: conn.serial,
                queued: port.queued(*conn),
                session: (c.session != 0).then_some(c.session),
                timeout_ms: c.timeout_ms,
                lzxid: slot
                    .filter(|s| s.client.conn == Some(*conn))
                    .map(|s| s.client.last_zxid),
            }
        })
        .collect();
    let sessions = match &server.role {
        Role::Leading(l) => SessionDump::Leader {
            buckets: l
                .tracker
                .buckets()
                .map(|(t, s)| (t, s.iter().copied().collect()))
                .collect(),
            tracked: l.tracker.sessions.len(),
        },
        _ => SessionDump::Learner {
            sessions: tree.sessions.iter().map(|(s, t)| (*s, *t)).collect(),
        },
    };
    let ephemerals = tree
        .ephemeral_owners()
        .map(|s| (s, tree.ephemerals_of(s).cloned().collect()))
        .collect();
    Some(Words::Serving(Box::new(Served {
        srvr,
        cons,
        dump: Dump {
            sessions,
            ephemerals,
        },
    })))
}

fn hex(n: u64) -> String {
    format!("0x{n:x}")
}

/// The text the word prints.
pub fn text(words: &Words, word: Word) -> String {
    let s = match words {
        Words::Down(sid) => return format!("s{sid} is down: {} cannot answer", word.as_str()),
        Words::NotServing => return format!("{NOT_SERVING}\n"),
        Words::Serving(s) => s,
    };
    let mut out = String::new();
    match word {
        Word::Srvr => {
            let v = &s.srvr;
            out.push_str("Zookeeper version: 3.8.6, as ZabScope models it\n");
            out.push_str(&format!(
                "Connections: {}\nOutstanding: {}\nZxid: {}\nMode: {}\nNode count: {}\n",
                v.connections, v.outstanding, v.zxid, v.mode, v.node_count
            ));
        }
        Word::Cons => {
            for c in &s.cons {
                out.push_str(&format!(
                    " /{}:{}[1](queued={}",
                    c.client, c.serial, c.queued
                ));
                if let Some(session) = c.session {
                    out.push_str(&format!(",sid={},to={}", hex(session), c.timeout_ms));
                    if let Some(z) = c.lzxid {
                        out.push_str(&format!(",lzxid={z}"));
                    }
                }
                out.push_str(")\n");
            }
            out.push('\n');
        }
        Word::Dump => {
            out.push_str("SessionTracker dump:\n");
            match &s.dump.sessions {
                SessionDump::Leader { buckets, tracked } => {
                    out.push_str(&format!("Session Sets ({})/({tracked}):\n", buckets.len()));
                    for (at, sessions) in buckets {
                        // ExpiryQueue prints a wall-clock date; here time is virtual.
                        out.push_str(&format!("{} expire at {at} ms:\n", sessions.len()));
                        for session in sessions {
                            out.push_str(&format!("\t{}\n", hex(*session)));
                        }
                    }
                }
                SessionDump::Learner { sessions } => {
                    out.push_str(&format!("Global Sessions({}):\n", sessions.len()));
                    for (session, timeout) in sessions {
                        out.push_str(&format!("{}\t{timeout}ms\n", hex(*session)));
                    }
                }
            }
            out.push_str("ephemeral nodes dump:\n");
            out.push_str(&format!(
                "Sessions with Ephemerals ({}):\n",
                s.dump.ephemerals.len()
            ));
            for (session, paths) in &s.dump.ephemerals {
                out.push_str(&format!("{}:\n", hex(*session)));
                for path in paths {
                    out.push_str(&format!("\t{path}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{parse::parse, run::run};
    use crate::sim::view::server_view_of;

    fn world(script: &str) -> World {
        let script = parse(script).expect("the script parses");
        run(&script, &mut std::io::sink())
            .expect("the script runs")
            .world
    }

    fn words_of(w: &World, sid: Sid) -> Words {
        words(w, sid, server_view_of(w, sid).mode).unwrap()
    }

    const TWO_CLIENTS: &str = "servers 3\nseed 6\nstart all\nuntil stable 10s\n\
        client c1 connect 1 timeout 4s\nclient c2 connect 2\n\
        create c1 -e /e1 a\ncreate c1 -e /e2 b\ncreate c2 /p x\nrun 500ms\n";

    #[test]
    fn srvr_prints_mode_zxid_and_node_count() {
        let w = world(TWO_CLIENTS);
        let leader = w.serving_leader().unwrap();
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        let srvr = text(&words_of(&w, follower), Word::Srvr);
        let tree = &w.server(follower).unwrap().tree;
        let conns = w.server(follower).unwrap().clients.cnxns.len();
        assert_eq!(
            srvr,
            format!(
                "Zookeeper version: 3.8.6, as ZabScope models it\nConnections: {conns}\n\
                 Outstanding: 0\nZxid: {}\nMode: follower\nNode count: 8\n",
                tree.last_processed
            )
        );
        assert!(text(&words_of(&w, leader), Word::Srvr).contains("\nMode: leader\n"));
    }

    #[test]
    fn dump_lists_sessions_and_ephemerals_by_session() {
        let w = world(TWO_CLIENTS);
        let leader = w.serving_leader().unwrap();
        let zab = w.zab().unwrap();
        let s1 = zab.client("c1").unwrap().client.session;
        let s2 = zab.client("c2").unwrap().client.session;
        let ephemerals = format!(
            "ephemeral nodes dump:\nSessions with Ephemerals (1):\n{s1:#x}:\n\t/e1\n\t/e2\n"
        );
        // A learner: its global sessions with their timeouts.
        let follower = (1..=3).find(|s| *s != leader).unwrap();
        let (lo, hi) = (s1.min(s2), s1.max(s2));
        let timeout = |s: u64| w.server(follower).unwrap().tree.sessions[&s];
        assert_eq!(
            text(&words_of(&w, follower), Word::Dump),
            format!(
                "SessionTracker dump:\nGlobal Sessions(2):\n{lo:#x}\t{}ms\n{hi:#x}\t{}ms\n{ephemerals}",
                timeout(lo),
                timeout(hi)
            )
        );
        // The leader: its expiry buckets, then the same ephemerals.
        let dump = text(&words_of(&w, leader), Word::Dump);
        assert!(
            dump.starts_with("SessionTracker dump:\nSession Sets ("),
            "{dump}"
        );
        assert!(dump.contains(")/(2):\n"), "{dump}");
        assert!(dump.contains(&format!("\t{s1:#x}\n")) && dump.contains(&format!("\t{s2:#x}\n")));
        assert!(dump.ends_with(&ephemerals), "{dump}");
    }

    #[test]
    fn cons_prints_one_line_per_connection() {
        let w = world(TWO_CLIENTS);
        let c1 = w.zab().unwrap().client("c1").unwrap().client.clone();
        let cons = text(&words_of(&w, 1), Word::Cons);
        assert_eq!(
            cons,
            format!(
                " /c1:{}[1](queued=0,sid={:#x},to={},lzxid={})\n\n",
                c1.conn.unwrap().serial,
                c1.session,
                c1.timeout_ms,
                c1.last_zxid
            )
        );
    }

    #[test]
    fn a_down_server_answers_nothing() {
        let mut w = world("servers 3\nseed 4\nstart all\nuntil stable 10s\n");
        w.apply(crate::sim::Command::Crash(3)).unwrap();
        assert_eq!(
            text(&words_of(&w, 3), Word::Srvr),
            "s3 is down: srvr cannot answer"
        );
        assert_eq!(
            text(&words_of(&w, 3), Word::Dump),
            "s3 is down: dump cannot answer"
        );
        let mut w = world("servers 3\nseed 4\nstart all\nrun 10ms\n");
        w.run_until(1);
        assert_eq!(
            text(&words_of(&w, 1), Word::Cons),
            format!("{NOT_SERVING}\n")
        );
    }
}
