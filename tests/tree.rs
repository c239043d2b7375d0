//! The data tree as ZooKeeper's users know it (protocol.md §8), through the engine: typed
//! requests submitted at a server (`World::submit`), decided by the leader's
//! PrepRequestProcessor, replicated by Zab, applied by every server.

use zabscope::sim::data::SessionId;
use zabscope::sim::zab::{CreateMode, RequestOp, ANY_VERSION};
use zabscope::sim::{Command, World, WorldConfig, Zxid};

fn ensemble() -> World {
    let mut world = World::new(WorldConfig::new(3, 0, 1));
    world.apply(Command::StartAll).unwrap();
    world.run_until(10_000);
    assert_eq!(world.stable_leader(), Some(3));
    world
}

/// Submits `op` at server `at` and lets it commit everywhere.
fn submit(world: &mut World, at: zabscope::sim::Sid, op: RequestOp) {
    world.submit(at, op).unwrap();
    world.run_until(world.now() + 500);
}

fn create(path: &str, mode: CreateMode, session: SessionId) -> RequestOp {
    RequestOp::Create {
        path: path.into(),
        data: "d".into(),
        mode,
        session,
    }
}

fn delete(path: &str) -> RequestOp {
    RequestOp::Delete {
        path: path.into(),
        version: ANY_VERSION,
        session: 0,
    }
}

/// (node count, zxid, digest) of every server: all equal once a txn has committed.
fn every_server(world: &World) -> Vec<(usize, Zxid, u64)> {
    world
        .servers()
        .map(|(_, s)| {
            let s = s.expect("up");
            (s.tree.node_count(), s.last_processed(), s.tree.digest)
        })
        .collect()
}

fn the_same_everywhere(world: &World) -> (usize, Zxid, u64) {
    let all = every_server(world);
    assert!(all.windows(2).all(|w| w[0] == w[1]), "{all:?}");
    all[0]
}

fn holds(world: &World, path: &str) -> bool {
    world
        .servers()
        .all(|(_, s)| s.expect("up").tree.get(path).is_some())
}

#[test]
fn an_error_txn_takes_a_zxid_everywhere_and_changes_no_tree() {
    let mut world = ensemble();
    // Fresh followers stand at 0x0 and the leader at 0x100000000, with equal trees.
    let fresh = every_server(&world);
    assert!(
        fresh.iter().all(|(n, _, d)| (*n, *d) == (5, fresh[0].2)),
        "{fresh:?}"
    );
    let digest = fresh[0].2;
    assert_eq!(fresh[0].0, 5, "a fresh server's srvr Node count");
    submit(&mut world, 1, create("/a", CreateMode::Persistent, 0));
    let (nodes, after_create, digest_a) = the_same_everywhere(&world);
    assert_eq!(nodes, 6);
    assert_ne!(digest_a, digest);
    for failing in [
        create("/a", CreateMode::Persistent, 0),   // NODEEXISTS
        create("/x/y", CreateMode::Persistent, 0), // NONODE
        delete("/nope"),                           // NONODE
        RequestOp::SetData {
            path: "/a".into(),
            data: "v".into(),
            version: 7,
            session: 0,
        }, // BADVERSION
    ] {
        let (_, before, _) = the_same_everywhere(&world);
        submit(&mut world, 2, failing);
        let (nodes, now, d) = the_same_everywhere(&world);
        assert_eq!(
            (nodes, d),
            (6, digest_a),
            "an error txn leaves the tree as it was"
        );
        assert_eq!(now, before.next(), "but takes one zxid");
    }
    assert_eq!(after_create, Zxid(0x1_0000_0001));
    assert!(world.violations().is_empty(), "{:?}", world.violations());
}

#[test]
fn sequential_names_follow_the_parents_cversion_and_skip_deleted_ones() {
    let mut world = ensemble();
    submit(&mut world, 1, create("/lock", CreateMode::Persistent, 0));
    for n in 0..3 {
        submit(&mut world, 2, create("/lock/n-", CreateMode::Sequential, 0));
        assert!(holds(&world, &format!("/lock/n-{n:010}")));
    }
    assert_eq!(the_same_everywhere(&world).0, 9);
    for n in 0..3 {
        submit(&mut world, 1, delete(&format!("/lock/n-{n:010}")));
    }
    assert_eq!(the_same_everywhere(&world).0, 6, "-1 per delete");
    submit(&mut world, 3, create("/lock/n-", CreateMode::Sequential, 0));
    assert!(
        holds(&world, "/lock/n-0000000003"),
        "cversion counts creates only"
    );
    // Two sequential creates in flight at once still get distinct names.
    world
        .submit(1, create("/lock/n-", CreateMode::Sequential, 0))
        .unwrap();
    submit(&mut world, 2, create("/lock/n-", CreateMode::Sequential, 0));
    assert!(holds(&world, "/lock/n-0000000004") && holds(&world, "/lock/n-0000000005"));
    assert!(world.violations().is_empty(), "{:?}", world.violations());
}

#[test]
fn close_session_removes_its_ephemerals_on_every_server_in_one_txn() {
    let mut world = ensemble();
    world.apply(Command::SessionOpen { at: Some(1) }).unwrap();
    world.run_until(world.now() + 500);
    let (session, _) = world.open_sessions().next().expect("a session");
    submit(&mut world, 1, create("/e1", CreateMode::Ephemeral, session));
    submit(&mut world, 1, create("/lock", CreateMode::Persistent, 0));
    submit(
        &mut world,
        1,
        create("/lock/n-", CreateMode::EphemeralSequential, session),
    );
    submit(
        &mut world,
        1,
        create("/e1/child", CreateMode::Persistent, 0),
    ); // NOCHILDRENFOREPHEMERALS
    let (nodes, before, _) = the_same_everywhere(&world);
    assert_eq!(nodes, 8);
    assert!(holds(&world, "/lock/n-0000000000"));
    world.apply(Command::SessionClose { at: Some(1) }).unwrap();
    world.run_until(world.now() + 500);
    let (nodes, after, _) = the_same_everywhere(&world);
    assert_eq!(nodes, 6, "both ephemerals are gone");
    assert_eq!(after, before.next(), "one closeSession txn for all of them");
    for (_, s) in world.servers() {
        let tree = &s.unwrap().tree;
        assert!(tree.get("/e1").is_none() && tree.get("/lock").is_some());
        assert_eq!(tree.ephemerals_of(session).count(), 0);
    }
    // The session is gone: an ephemeral for it now fails at the leader.
    submit(
        &mut world,
        2,
        create("/late", CreateMode::Ephemeral, session),
    );
    assert_eq!(the_same_everywhere(&world).0, 6);
    assert!(world.violations().is_empty(), "{:?}", world.violations());
}

#[test]
fn a_multi_applies_all_or_none() {
    let mut world = ensemble();
    let ok = RequestOp::Multi(vec![
        create("/m", CreateMode::Persistent, 0),
        create("/m/a", CreateMode::Persistent, 0),
    ]);
    submit(&mut world, 1, ok);
    assert_eq!(the_same_everywhere(&world).0, 7);
    let failing = RequestOp::Multi(vec![
        create("/m/b", CreateMode::Persistent, 0),
        delete("/m"), // NOTEMPTY
    ]);
    let (_, before, digest) = the_same_everywhere(&world);
    submit(&mut world, 1, failing);
    let (nodes, after, d) = the_same_everywhere(&world);
    assert_eq!((nodes, d, after), (7, digest, before.next()));
    assert!(world.violations().is_empty(), "{:?}", world.violations());
}

/// setData and delete in a session the ensemble has closed are refused like a create in it:
/// PrepRequestProcessor's checkSession comes first (3.8's pRequest2Txn), so each becomes an
/// error txn SESSIONEXPIRED that takes a zxid and leaves every tree as it was.
#[test]
fn set_data_and_delete_in_a_closed_session_are_sessionexpired() {
    let mut world = ensemble();
    world.apply(Command::SessionOpen { at: Some(1) }).unwrap();
    world.run_until(world.now() + 500);
    let (session, _) = world.open_sessions().next().expect("a session");
    submit(&mut world, 1, create("/a", CreateMode::Persistent, session));
    world.apply(Command::SessionClose { at: Some(1) }).unwrap();
    world.run_until(world.now() + 500);
    for op in [
        RequestOp::SetData {
            path: "/a".into(),
            data: "late".into(),
            version: ANY_VERSION,
            session,
        },
        RequestOp::Delete {
            path: "/a".into(),
            version: ANY_VERSION,
            session,
        },
    ] {
        let (_, before, digest) = the_same_everywhere(&world);
        submit(&mut world, 2, op);
        let (_, after, d) = the_same_everywhere(&world);
        assert_eq!(after.0, before.0 + 1, "the refusal takes a zxid");
        assert_eq!(d, digest, "and changes no tree");
        let leader = world.server(3).expect("up");
        let txn = leader.disk.log.last().expect("logged");
        assert_eq!(txn.op.to_string(), "error SESSIONEXPIRED", "{txn:?}");
    }
    assert!(holds(&world, "/a"));
}
