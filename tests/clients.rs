//! Clients as actors (zab::client, the server's client port, the leader's session tracker),
//! driven through the world's commands: what the scenario scripts cannot say in one line.

use zabscope::sim::data::Code;
use zabscope::sim::scenario::{parse::parse, run::run, Stmt};
use zabscope::sim::zab::client::{ClientOp, ClientState};
use zabscope::sim::zab::{CreateMode, Variant};
use zabscope::sim::{Command, World, WorldConfig};

fn world(seed: u64, variant: Variant) -> World {
    let mut cfg = WorldConfig::new(3, 0, seed);
    cfg.ensemble.variant = variant;
    let mut w = World::new(cfg);
    w.apply(Command::StartAll).unwrap();
    w.run_until(3_000);
    assert!(w.stable_leader().is_some());
    w
}

fn connect(w: &mut World, name: &str, servers: Vec<zabscope::sim::types::Sid>) {
    w.apply(Command::ClientConnect {
        name: name.into(),
        servers,
        timeout: Some(4_000),
    })
    .unwrap();
    w.run_until(w.now() + 500);
    let c = w.zab().unwrap().client(name).unwrap();
    assert_eq!(c.client.state, ClientState::Connected);
}

fn request(w: &mut World, name: &str, op: ClientOp) {
    let cmd = Command::ClientRequest {
        name: name.into(),
        op,
    };
    w.apply(cmd).unwrap();
}

/// "Did my create happen?": a create in flight when its server dies is reported as
/// CONNECTIONLOSS, never as a success, and it may still have committed.
#[test]
fn a_request_in_flight_gets_connectionloss_and_may_still_commit() {
    let mut w = world(3, Variant::Correct);
    let leader = w.stable_leader().unwrap();
    let follower = (1..=3).find(|s| *s != leader).unwrap();
    connect(&mut w, "c1", vec![follower]);
    let create = ClientOp::Create {
        path: "/maybe".into(),
        data: "x".into(),
        mode: CreateMode::Persistent,
    };
    request(&mut w, "c1", create);
    // Run until the leader has logged the forwarded create, then kill the follower before
    // the COMMIT reaches it.
    let logged = |w: &World| {
        w.server(leader)
            .unwrap()
            .disk
            .log
            .iter()
            .any(|t| t.op.to_string().contains("/maybe"))
    };
    while !logged(&w) {
        assert!(w.step());
    }
    w.apply(Command::Crash(follower)).unwrap();
    w.run_until(w.now() + 2_000);
    let c = w.zab().unwrap().client("c1").unwrap();
    assert_eq!(c.memory.last_write, Some(Err(Code::ConnectionLoss)));
    let other = (1..=3).find(|s| *s != leader && *s != follower).unwrap();
    assert!(
        w.server(other).unwrap().tree.get("/maybe").is_some(),
        "the create committed all the same"
    );
}

/// Today's `session open` is an implicit client that keeps pinging its server: the session
/// never expires while that server is up, even at a follower.
#[test]
fn an_implicit_session_never_expires_while_its_server_is_up() {
    let mut w = world(5, Variant::Correct);
    let leader = w.stable_leader().unwrap();
    let follower = (1..=3).find(|s| *s != leader).unwrap();
    w.apply(Command::SessionOpen { at: Some(follower) })
        .unwrap();
    w.run_until(w.now() + 60_000);
    let tree = &w.server(leader).unwrap().tree;
    assert_eq!(tree.sessions.len(), 1, "the implicit session is still live");
}

/// A client command in a Paxos script is an error naming its line.
#[test]
fn clients_are_refused_in_paxos_scripts() {
    let script = parse("protocol paxos\nstart all\nrun 1s\nclient c1 connect 1\n").unwrap();
    let err = run(&script, &mut std::io::sink()).err().expect("refused");
    assert_eq!(err.line, 4);
    assert!(err.message.contains("ZooKeeper feature"), "{}", err.message);
}

/// Client lines print back to themselves, quoted data included.
#[test]
fn client_lines_round_trip() {
    let lines = [
        "client c1 connect 2,3,1 timeout 4s",
        "client web close",
        "client lock-a crash",
        "client c1 pause 3s",
        "cut c1 2",
        "heal c1 2",
        "create c1 -e -s /lock/n- \"a # b\"",
        "create c1 /empty",
        "set c1 /a \"say \\\"hi\\\"\\nbye\" 3",
        "set c1 /a \"absent\"",
        "set c1 /a \"\"",
        "delete c1 /a 1",
        "get c1 /a",
        "ls c1 /",
        "exists c1 /a",
        "sync c1 /",
        "expect read c1 /a \"x y\"",
        "expect read c1 /a absent",
        "expect read c1 /a error CONNECTIONLOSS",
        "expect children c1 / a,b,zookeeper",
        "expect exists c1 /a no",
        "expect result c1 ok",
        "expect result c1 NODEEXISTS",
        "expect created c1 /lock/n-0000000000",
        "expect session c1 expired",
    ];
    for line in lines {
        let script = parse(line).unwrap_or_else(|e| panic!("{line}: {}", e.message));
        let printed = script.lines[0].stmt.to_string();
        assert_eq!(printed, line);
        assert_eq!(parse(&printed).unwrap(), script);
    }
    let quoted = parse("set c1 /a \"x # not a comment\" # a comment").unwrap();
    let Stmt::Act(Command::ClientRequest {
        op: ClientOp::SetData { data, .. },
        ..
    }) = &quoted.lines[0].stmt
    else {
        panic!("a set")
    };
    assert_eq!(data, "x # not a comment");
}

/// Errors name the line and what was expected.
#[test]
fn client_line_errors_say_what_was_expected() {
    for (src, says) in [
        ("create C1 /a", "client name"),
        ("create all /a", "keyword"),
        ("set c1 /a", "data"),
        ("set c1 /a \"open", "closing quote"),
        ("get c1 a", "starts with `/`"),
        ("expect session c1 gone", "session state"),
        ("expect result c1 NOPE", "error name"),
        ("client c1 connect", "server ids"),
    ] {
        let e = parse(&format!("start all\n{src}")).expect_err(src);
        assert_eq!(e.line, 2, "{src}");
        assert!(e.message.contains(says), "{src}: {}", e.message);
    }
}

/// With keep-expired-ephemerals, followers keep an expired session's ephemerals: invariant
/// 17 (and 13) catch it; the correct protocol stays clean on the same schedule.
#[test]
fn keeping_expired_ephemerals_is_caught_at_expiry() {
    for variant in [Variant::Correct, Variant::KeepExpiredEphemerals] {
        let mut w = world(3, variant);
        connect(&mut w, "c1", vec![1]);
        let create = ClientOp::Create {
            path: "/e".into(),
            data: "x".into(),
            mode: CreateMode::Ephemeral,
        };
        request(&mut w, "c1", create);
        w.run_until(w.now() + 500);
        w.apply(Command::ClientCrash("c1".into())).unwrap();
        w.run_until(w.now() + 6_000);
        let found: Vec<u8> = w
            .violations()
            .iter()
            .map(|v| v.invariant.number())
            .collect();
        match variant {
            Variant::Correct => assert!(found.is_empty(), "{:?}", w.violations()),
            _ => assert!(found.contains(&17), "expected invariant 17, got {found:?}"),
        }
    }
}

/// The same client script runs the same way twice.
#[test]
fn client_runs_are_deterministic() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenarios/failover_keeps_session.zs"
    ))
    .unwrap();
    let script = parse(&src).unwrap();
    let a = run(&script, &mut std::io::sink()).unwrap();
    let b = run(&script, &mut std::io::sink()).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.world.state_hash(), b.world.state_hash());
}
