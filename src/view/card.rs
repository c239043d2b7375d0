//! The words on a server's node: its icon letter, its role, its phase line, while LOOKING its
//! vote, the short zxid a small node has room for, and the full text of its tooltip. Typed on
//! `Mode` and `Phase`; the page only lays them out.

use crate::sim::view::{Mode, Phase};
use crate::sim::{ServerView, Zxid};

/// The role's one-letter icon (the leader gets a crown, drawn as a path).
pub fn icon_letter(mode: Mode) -> &'static str {
    match mode {
        Mode::Leader => "",
        Mode::Follower => "F",
        Mode::Observer => "O",
        Mode::Looking => "?",
        Mode::Down => "×",
    }
}

/// "leader", "follows s3", "observes s3", "looking", "down".
pub fn role_word(v: &ServerView) -> String {
    match (v.mode, v.leader) {
        (Mode::Follower, Some(l)) => format!("follows s{l}"),
        (Mode::Observer, Some(l)) => format!("observes s{l}"),
        (mode, _) => mode.as_str().into(),
    }
}

/// A Paxos server's role: a proposer in phase 1 shows its ballot, a learner that knows the
/// single decree says so.
pub fn paxos_role_word(v: &ServerView) -> String {
    let proposing = v.paxos.as_ref().and_then(|p| p.proposing);
    match (v.mode, v.phase) {
        (Mode::Leader, _) => "leader".into(),
        (Mode::Follower, Phase::Learned) => "learned".into(),
        (Mode::Looking, Phase::Prepare) => match proposing {
            Some(b) => format!("prepare {b}"),
            None => "phase 1".into(),
        },
        (Mode::Looking, _) => "waiting".into(),
        _ => role_word(v),
    }
}

/// The phase, with how a learner was last synced.
pub fn phase_line(v: &ServerView) -> String {
    match (v.phase, v.last_sync) {
        (Phase::Down, _) => "volatile state lost".into(),
        (Phase::Synchronization, Some(m)) => format!("SYNC by {m}"),
        (Phase::Synchronization, None) => "SYNC".into(),
        (Phase::Broadcast, Some(m)) if v.mode != Mode::Leader => format!("BROADCAST ({m})"),
        (p, _) => p.as_str().into(),
    }
}

/// While LOOKING: the vote (whom, epoch, round) and the zxid it stands on.
pub fn vote_lines(v: &ServerView) -> Option<(String, String)> {
    if v.mode != Mode::Looking {
        return None;
    }
    Some(match v.vote {
        Some(vote) if vote.leader != 0 => (
            format!("vote s{} e{} r{}", vote.leader, vote.peer_epoch, v.round),
            format!("@{}", vote.zxid),
        ),
        _ => (format!("no vote, r{}", v.round), String::new()),
    })
}

/// A zxid where a node has no room for srvr's hex: the epoch and the counter, in hex as in
/// srvr, apart (`0x100000003` is `1` and `3`), so the page can tint the epoch half.
pub fn short_zxid(z: Zxid) -> (String, String) {
    (format!("{:x}", z.epoch()), format!("{:x}", z.counter()))
}

/// The line under a node: while LOOKING whom it votes for and in which round, else its role.
pub fn caption(v: &ServerView) -> String {
    if v.paxos.is_some() {
        return paxos_role_word(v);
    }
    match vote_lines(v) {
        Some(_) => match v.vote {
            Some(vote) if vote.leader != 0 => format!("votes s{} · r{}", vote.leader, v.round),
            _ => format!("no vote · r{}", v.round),
        },
        None => role_word(v),
    }
}

/// Everything a Zab node stands for, for its tooltip and its screen-reader label: what the
/// node shows in short, in full and named.
pub fn zab_title(v: &ServerView) -> String {
    let mut s = format!("s{} · {} · {}", v.id, role_word(v), phase_line(v));
    if v.observer && v.mode != Mode::Observer {
        s.push_str(" (an observer)");
    }
    s.push_str(&format!("\ncurrentEpoch {}", v.epoch));
    if v.accepted_epoch != v.epoch {
        s.push_str(&format!(", acceptedEpoch {}", v.accepted_epoch));
    }
    s.push_str(&format!(
        "\nlast processed {} · last logged {}",
        v.zxid, v.last_logged
    ));
    if let Some((vote, at)) = vote_lines(v) {
        s.push_str(&format!("\n{vote} {at}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, World, WorldConfig};

    #[test]
    fn the_cards_of_an_election_and_a_crash_read_right() {
        let mut w = World::new(WorldConfig::new(3, 1, 5));
        w.apply(Command::StartAll).unwrap();
        w.run_until(5);
        let looking = &w.view().servers[0];
        assert_eq!(icon_letter(looking.mode), "?");
        let (vote, zxid) = vote_lines(looking).expect("LOOKING shows its vote");
        assert!(vote.starts_with("vote s1 e0 r1"), "{vote}");
        assert_eq!(caption(looking), "votes s1 · r1");
        assert_eq!(zxid, "@0x0");
        w.run_until(3_000);
        let leader = w.stable_leader().unwrap();
        let views = w.view().servers;
        for v in &views {
            assert_eq!(vote_lines(v), None);
            match v.mode {
                Mode::Leader => assert_eq!(
                    (role_word(v), phase_line(v)),
                    ("leader".into(), "BROADCAST".into())
                ),
                Mode::Follower => assert_eq!(role_word(v), format!("follows s{leader}")),
                Mode::Observer => {
                    assert_eq!(role_word(v), format!("observes s{leader}"));
                    assert_eq!(icon_letter(v.mode), "O");
                }
                m => panic!("{m} after the election"),
            }
            if v.mode != Mode::Leader {
                assert!(
                    phase_line(v).starts_with("BROADCAST ("),
                    "{}",
                    phase_line(v)
                );
            }
        }
        let follower = views.iter().find(|v| v.mode == Mode::Follower).unwrap();
        assert_eq!(caption(follower), format!("follows s{leader}"));
        assert_eq!(
            short_zxid(follower.zxid),
            (
                format!("{:x}", follower.zxid.epoch()),
                format!("{:x}", follower.zxid.counter())
            )
        );
        let title = zab_title(follower);
        assert!(
            title.contains(&format!("last processed {}", follower.zxid)),
            "{title}"
        );
        w.apply(Command::Crash(leader)).unwrap();
        let down = &w.view().servers[leader as usize - 1];
        assert_eq!(
            (icon_letter(down.mode), role_word(down)),
            ("×", "down".into())
        );
        assert_eq!(phase_line(down), "volatile state lost");
    }
}
