//! How learners reach their leader (Learner.connectToLeader, LearnerHandler.syncFollower),
//! end to end through the world: refused connects, their retries, and the sync each fresh
//! follower gets.
//!
//! Real ZooKeeper 3.8.0 (Debian's package, loopback, 8 fresh starts of 3 and 5 servers)
//! synced every follower by an empty DIFF, though about half of them had their first connect
//! refused: its leader took ~100 ms after the election to bind its quorum port and another
//! ~200 ms to serve, so a retry 100 ms later was always in time. The simulated leader costs
//! nothing, so a follower whose ACKEPOCH arrives after the leader served (mostly one whose
//! connect was refused) is synced by SNAP, as protocol.md §2 says happens in real ensembles
//! too. These tests pin the rule, not the odds.

use zabscope::sim::world::Fact;
use zabscope::sim::zab::{AbandonReason, Observation, PeerState, SyncMode};
use zabscope::sim::{Command, World, WorldConfig};

fn fresh(servers: usize, seed: u64) -> World {
    let mut world = World::new(WorldConfig::new(servers, 0, seed));
    world.enable_feed();
    world.apply(Command::StartAll).unwrap();
    world.run_until(3_000);
    world
}

fn facts(world: &World) -> Vec<(u64, u32, Observation)> {
    world
        .feed()
        .filter_map(|e| match e.what {
            Fact::Zab(o) => Some((e.at, e.sid, o.clone())),
            Fact::Paxos(_) | Fact::Client(_) => None,
        })
        .collect()
}

/// A fresh follower (zxid 0x0) gets an empty DIFF exactly when the leader chose its sync
/// before it started serving (its last processed zxid is still 0x0); after that the leader
/// stands on e << 32 with no txn log to diff from, so SNAP (LearnerHandler.syncFollower).
/// Either way every follower serves, no connect is tried more than 5 times and none gives up.
#[test]
fn fresh_followers_get_an_empty_diff_unless_the_leader_already_serves() {
    for servers in [3, 5] {
        let (mut diffs, mut snaps) = (0, 0);
        for seed in 0..200 {
            let world = fresh(servers, seed);
            let mut serving = false;
            for (_, sid, o) in facts(&world) {
                match o {
                    Observation::LeaderServing { .. } => serving = true,
                    Observation::SyncChosen { mode, learner, .. } => {
                        let want = if serving {
                            SyncMode::Snap
                        } else {
                            SyncMode::Diff
                        };
                        assert_eq!(mode, want, "{servers} servers, seed {seed}, s{learner}");
                        if serving {
                            snaps += 1
                        } else {
                            diffs += 1
                        }
                    }
                    Observation::ConnectRefused { next_try, .. } => {
                        assert!(next_try <= 5, "seed {seed}: s{sid} try {next_try}")
                    }
                    Observation::Abandoned { reason, .. } => {
                        panic!("{servers} servers, seed {seed}: s{sid} gave up: {reason}")
                    }
                    _ => {}
                }
            }
            assert!(
                world.stable_leader().is_some(),
                "{servers} servers, seed {seed}"
            );
        }
        assert_eq!(diffs + snaps, 200 * (servers - 1));
        assert!(
            diffs > snaps * 4,
            "{servers} servers: {diffs} DIFF, {snaps} SNAP"
        );
    }
}

/// A refused connect is tried again 100 ms after the refusal reached the learner
/// (leaderConnectDelayDuringRetryMs), on a new socket, and the retry is what the leader takes.
#[test]
fn a_refused_connect_is_retried_100ms_later() {
    let mut seen = 0;
    for seed in 0..100 {
        let world = fresh(3, seed);
        let facts = facts(&world);
        for (at, sid, o) in &facts {
            let Observation::ConnectRefused { retry_ms, .. } = o else {
                continue;
            };
            assert_eq!(*retry_ms, 100);
            seen += 1;
            // The leader takes the retry (FOLLOWERINFO travels 10..=30 ms).
            let taken = facts.iter().find_map(|(t, _, o)| match o {
                Observation::LearnerConnected { learner, .. } if learner == sid && t > at => {
                    Some(*t)
                }
                _ => None,
            });
            let taken = taken.expect("the retry gets through");
            assert!(
                (at + 110..=at + 130).contains(&taken),
                "seed {seed}: {at} -> {taken}"
            );
        }
    }
    assert!(seen > 5, "only {seen} refused connects in 100 seeds");
}

/// A learner that decided to follow a server which then died finds its connect refused by
/// the dead process's OS (an RST, as from a live server that is not leading): after 5 tries,
/// 100 ms apart, it goes LOOKING, well before initLimit (2 s) would have run out.
#[test]
fn a_connect_to_a_crashed_leader_is_refused_five_times_then_looking() {
    let mut world = fresh(3, 1);
    let leader = world.stable_leader().expect("a leader");
    let joiner = (1..=3).find(|s| *s != leader).unwrap();
    world.apply(Command::Crash(joiner)).unwrap();
    world.run_until(4_000);
    world.apply(Command::Restart(joiner)).unwrap();
    // Let the restarted server hear the ensemble's votes; crash the leader while its own
    // vote (LEADING) is still on the way, so the joiner follows a leader that is gone.
    while !world
        .in_flight()
        .iter()
        .any(|f| f.from == leader && f.to == joiner && f.msg.kind() == "NOTIFICATION")
    {
        assert!(world.step());
    }
    world.apply(Command::Crash(leader)).unwrap();
    world.run_until(world.now() + 1_000);
    let facts = facts(&world);
    let decided = facts
        .iter()
        .find_map(|(t, s, o)| match o {
            Observation::Decided {
                state: PeerState::Following,
                vote,
                ..
            } if *s == joiner && vote.leader == leader && *t >= 4_000 => Some(*t),
            _ => None,
        })
        .expect("the joiner follows the dead leader");
    let tries: Vec<u64> = facts
        .iter()
        .filter(|(t, s, o)| {
            *s == joiner && *t > decided && matches!(o, Observation::ConnectRefused { .. })
        })
        .map(|(t, ..)| *t)
        .collect();
    assert_eq!(
        tries.len(),
        4,
        "four retries after the first refusal: {tries:?}"
    );
    let gave_up = facts.iter().find_map(|(t, s, o)| match o {
        Observation::Abandoned {
            reason: AbandonReason::ConnectRefused { tries, .. },
            ..
        } if *s == joiner => Some((*t, *tries)),
        _ => None,
    });
    let (at, tries) = gave_up.expect("the joiner gives up");
    assert_eq!(tries, 5);
    assert!(
        at - decided < 700,
        "gave up {} ms after deciding",
        at - decided
    );
}
