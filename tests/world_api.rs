//! What the page reads from the world besides the view: armed timers, feed sequence numbers,
//! request ids.

use zabscope::sim::zab::TimerKind;
use zabscope::sim::{Command, World, WorldConfig};

#[test]
fn timers_feed_and_request_ids() {
    let mut world = World::new(WorldConfig::new(3, 0, 7));
    world.enable_feed();
    world.apply(Command::StartAll).unwrap();
    // Right after boot every server waits for notifications.
    let t = world.timers(1);
    assert!(
        t.iter()
            .any(|(k, at)| *k == TimerKind::ElectionWait && *at == 200),
        "{t:?}"
    );
    world.run_until(3_000);
    let leader = world.serving_leader().expect("a leader");
    let t = world.timers(leader);
    assert_eq!(
        t.len(),
        1,
        "a serving leader only runs its half-tick loop: {t:?}"
    );
    assert_eq!(t[0].0, TimerKind::LeaderHalfTick);
    assert!(t[0].1 > 3_000 && t[0].1 <= 3_100);
    world.apply(Command::Crash(leader)).unwrap();
    assert!(
        world.timers(leader).is_empty(),
        "a crashed server has no timers"
    );

    let seqs: Vec<u64> = world.feed().map(|e| e.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "feed entries are numbered in order"
    );
    assert_eq!(seqs.first(), Some(&1));

    let follower = (1..=3).find(|s| *s != leader).unwrap();
    world.run_until(6_000);
    let before = world.last_request_id();
    world
        .apply(Command::Write {
            at: Some(follower),
            path: "/x".into(),
            data: "1".into(),
        })
        .unwrap();
    assert_eq!(world.last_request_id(), before + 1);
}

#[test]
fn partition_cuts_between_groups_and_the_rest_only() {
    let mut world = World::new(WorldConfig::new(5, 0, 3));
    world.apply(Command::StartAll).unwrap();
    world
        .apply(Command::Partition(vec![vec![1, 2], vec![3]]))
        .unwrap();
    // Groups {1,2}, {3} and the rest {4,5}.
    let group = |s: u32| match s {
        1 | 2 => 0,
        3 => 1,
        _ => 2,
    };
    for a in 1..=5 {
        for b in (1..=5).filter(|b| *b != a) {
            assert_eq!(
                world.net().is_up(a, b),
                group(a) == group(b),
                "link {a}->{b}"
            );
        }
    }
    world.apply(Command::HealAll).unwrap();
    assert!(!world.net().any_cut());
}

#[test]
fn a_rejected_command_changes_nothing_and_is_not_logged() {
    let mut world = World::new(WorldConfig::new(3, 0, 3));
    world.apply(Command::StartAll).unwrap();
    world.run_until(1_000);
    let (hash, logged) = (world.trace_hash(), world.command_log().len());
    for bad in [
        Command::Crash(9),
        Command::Partition(vec![vec![1], vec![1, 2]]),
        Command::Writes {
            per_second: 0,
            at: None,
        },
        Command::Cut {
            from: 2,
            to: 2,
            both: false,
        },
    ] {
        assert!(world.apply(bad.clone()).is_err(), "{bad} was accepted");
    }
    assert_eq!(world.trace_hash(), hash);
    assert_eq!(world.command_log().len(), logged);
}

#[test]
fn steady_writes_are_one_command_and_commit_at_their_rate() {
    let mut world = World::new(WorldConfig::new(3, 0, 5));
    world.apply(Command::StartAll).unwrap();
    world.run_until(3_000);
    let before = world.max_logged_zxid();
    world
        .apply(Command::Writes {
            per_second: 10,
            at: None,
        })
        .unwrap();
    world.run_until(5_000);
    // No election in between (same epoch), so the counters tell how many txns were logged.
    let after = world.max_logged_zxid();
    assert!(
        before.0 >> 32 == after.0 >> 32 || before.0 == 0,
        "{before} -> {after}"
    );
    let written = (after.0 & 0xffff_ffff) - (before.0 & 0xffff_ffff);
    assert!(
        (18..=21).contains(&written),
        "{written} writes in 2 s at 10/s"
    );
    world.apply(Command::WritesOff).unwrap();
    world.run_until(6_000);
    let stopped = world.max_logged_zxid();
    world.run_until(8_000);
    assert_eq!(
        world.max_logged_zxid(),
        stopped,
        "writes went on after `writes off`"
    );
    assert_eq!(world.command_log().len(), 3, "{:?}", world.command_log());
}
