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
            at: follower,
            path: "/x".into(),
            data: "1".into(),
        })
        .unwrap();
    assert_eq!(world.last_request_id(), before + 1);
}
