//! The expectations about clients: what a client's last read, listing, exists or write
//! returned, and whether its session is live in the ensemble.

use super::{ReadWant, SessionWant, Stmt};
use crate::sim::engine::ClientSlot;
use crate::sim::world::World;
use crate::sim::zab::client::{ClientState, OpResult, OpValue};
use crate::sim::zab::recipe::Belief;

type ZabEngine = crate::sim::engine::Engine<crate::sim::zab::Server>;

pub fn expect_client(world: &World, stmt: &Stmt) -> Result<(), String> {
    let engine = world
        .zab()
        .ok_or("clients are a ZooKeeper feature: the Paxos modes take writes only")?;
    match stmt {
        Stmt::ExpectHolder(path, want) => return holder(engine, path, want),
        Stmt::ExpectResource(path, name, accepted) => {
            return resource(engine, path, name, *accepted)
        }
        _ => {}
    }
    let name = match stmt {
        Stmt::ExpectRead(c, ..)
        | Stmt::ExpectChildren(c, ..)
        | Stmt::ExpectExists(c, ..)
        | Stmt::ExpectResult(c, _)
        | Stmt::ExpectCreated(c, _)
        | Stmt::ExpectSession(c, _)
        | Stmt::ExpectWatch(c, ..)
        | Stmt::ExpectConfig(c, _) => c,
        _ => unreachable!("a client expectation"),
    };
    let client = engine
        .client(name)
        .ok_or_else(|| format!("there is no client {name}"))?;
    match stmt {
        Stmt::ExpectRead(_, path, want) => read(client, path, want),
        Stmt::ExpectChildren(_, path, want) => children(client, path, want),
        Stmt::ExpectExists(_, path, want) => exists(client, path, *want),
        Stmt::ExpectResult(_, want) => {
            let got = client
                .memory
                .last_write
                .as_ref()
                .ok_or_else(|| format!("client {name} has written nothing yet"))?;
            match (got, want) {
                (Ok(_), None) => Ok(()),
                (Err(code), Some(w)) if code == w => Ok(()),
                _ => Err(format!(
                    "expected client {name}'s last write to give {}, but it gave {}",
                    want.map_or("ok".to_string(), |c| c.to_string()),
                    say(got)
                )),
            }
        }
        Stmt::ExpectCreated(_, path) => match &client.memory.last_created {
            Some(p) if p == path => Ok(()),
            other => Err(format!(
                "expected client {name} to have created {path}, but its last create made {}",
                other.as_deref().unwrap_or("nothing")
            )),
        },
        Stmt::ExpectSession(_, want) => session(world, client, *want),
        Stmt::ExpectConfig(_, want) => config(client, want),
        Stmt::ExpectWatch(_, path, n, kind) => {
            let events = client.memory.watch_events.get(path);
            let got: Vec<_> = events.into_iter().flatten().collect();
            let count = got
                .iter()
                .filter(|k| kind.is_none_or(|w| ***k == w))
                .count();
            if count == *n {
                return Ok(());
            }
            let said: Vec<&str> = got.iter().map(|k| k.as_str()).collect();
            Err(format!(
                "expected client {name} to have received {n} {}watch event(s) for {path}, but it received [{}]",
                kind.map_or(String::new(), |k| format!("{} ", k.as_str())),
                said.join(", ")
            ))
        }
        _ => unreachable!("a client expectation"),
    }
}

/// Exactly the clients named believe they hold (lead) PATH; with more than one named, the
/// script expects the lesson of a stale holder (or a broken variant).
fn holder(engine: &ZabEngine, path: &str, want: &[String]) -> Result<(), String> {
    let mut got: Vec<String> = engine.holders(path).map(|c| c.name.clone()).collect();
    got.sort();
    let mut want = want.to_vec();
    want.sort();
    if got == want {
        return Ok(());
    }
    let say = |names: &[String]| {
        if names.is_empty() {
            "no one".to_string()
        } else {
            names.join(" and ")
        }
    };
    Err(format!(
        "expected {} to believe they hold {path}, but {} believe(s) it",
        say(&want),
        say(&got)
    ))
}

/// Client `name`'s last write to the resource behind the lock at `path`.
fn resource(engine: &ZabEngine, path: &str, name: &str, accepted: bool) -> Result<(), String> {
    let word = |a: bool| if a { "accepted" } else { "rejected" };
    let last = (engine.resource(path))
        .and_then(|r| r.writes.iter().rev().find(|w| w.client == name))
        .ok_or_else(|| format!("client {name} has not written to the resource {path} protects"))?;
    if last.accepted == accepted {
        return Ok(());
    }
    Err(format!(
        "expected client {name}'s last write to the resource {path} protects (token {}) to be {}, but it was {}",
        last.token,
        word(accepted),
        word(last.accepted)
    ))
}

fn config(client: &ClientSlot, want: &Option<String>) -> Result<(), String> {
    let got = match client.belief() {
        Some(Belief::Config { value, .. }) => value,
        _ => {
            return Err(format!(
                "client {} runs no configuration watch (`client {} run config PATH`)",
                client.name, client.name
            ))
        }
    };
    if got == want {
        return Ok(());
    }
    let say = |v: &Option<String>| {
        v.as_ref()
            .map_or("absent".to_string(), |v| format!("{v:?}"))
    };
    Err(format!(
        "expected client {}'s configuration watch to have read {}, but it read {}",
        client.name,
        say(want),
        say(got)
    ))
}

fn say(r: &OpResult) -> String {
    match r {
        Ok(OpValue::Created(p)) => format!("ok (created {p})"),
        Ok(OpValue::Data { data, stat }) => format!("{data:?} (mzxid {})", stat.mzxid),
        Ok(OpValue::Children(c)) => format!("[{}]", c.join(",")),
        Ok(OpValue::Exists(s)) => if s.is_some() { "yes" } else { "no" }.to_string(),
        Ok(OpValue::Done) => "ok".to_string(),
        Err(code) => code.to_string(),
    }
}

fn last<'a>(
    got: Option<&'a OpResult>,
    client: &ClientSlot,
    what: &str,
    path: &str,
) -> Result<&'a OpResult, String> {
    got.ok_or_else(|| format!("client {} has not {what} {path} yet", client.name))
}

fn read(client: &ClientSlot, path: &str, want: &ReadWant) -> Result<(), String> {
    let got = last(client.memory.data.get(path), client, "read", path)?;
    let ok = match (got, want) {
        (Ok(OpValue::Data { data, .. }), ReadWant::Data(w)) => data == w,
        (Err(crate::sim::data::Code::NoNode), ReadWant::Absent) => true,
        (Err(code), ReadWant::Error(w)) => code == w,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let want = match want {
        ReadWant::Data(d) => format!("{d:?}"),
        ReadWant::Absent => "absent (NONODE)".to_string(),
        ReadWant::Error(c) => c.to_string(),
    };
    Err(format!(
        "expected client {}'s last read of {path} to give {want}, but it gave {}",
        client.name,
        say(got)
    ))
}

fn children(client: &ClientSlot, path: &str, want: &[String]) -> Result<(), String> {
    let got = last(client.memory.children.get(path), client, "listed", path)?;
    match got {
        Ok(OpValue::Children(c)) if c == want => Ok(()),
        _ => Err(format!(
            "expected client {}'s last ls of {path} to give [{}], but it gave {}",
            client.name,
            want.join(","),
            say(got)
        )),
    }
}

fn exists(client: &ClientSlot, path: &str, want: bool) -> Result<(), String> {
    let got = last(client.memory.exists.get(path), client, "asked about", path)?;
    match got {
        Ok(OpValue::Exists(s)) if s.is_some() == want => Ok(()),
        _ => Err(format!(
            "expected client {}'s last exists of {path} to say {}, but it said {}",
            client.name,
            if want { "yes" } else { "no" },
            say(got)
        )),
    }
}

/// Live: the session is in the committed tree of the serving leader (or, with none, of the
/// most advanced server up). Otherwise closed if the client closed it, else expired.
fn session(world: &World, client: &ClientSlot, want: SessionWant) -> Result<(), String> {
    let session = client.client.session;
    if session == 0 {
        return Err(format!("client {} never got a session", client.name));
    }
    let judge = world
        .serving_leader()
        .and_then(|l| world.server(l))
        .or_else(|| {
            world
                .servers()
                .filter_map(|(_, s)| s)
                .max_by_key(|s| s.last_processed())
        })
        .ok_or("no server is up to say")?;
    let got = if judge.tree.sessions.contains_key(&session) {
        SessionWant::Live
    } else if client.client.state == ClientState::Closed {
        SessionWant::Closed
    } else {
        SessionWant::Expired
    };
    if got == want {
        return Ok(());
    }
    Err(format!(
        "expected client {}'s session 0x{session:x} to be {}, but it is {} (in s{}'s tree)",
        client.name,
        want.as_str(),
        got.as_str(),
        judge.id
    ))
}
