//! The info tab's figures: what this run is (its state hash, how far it has run, how many
//! events) and what the page keeps of its past (branches, checkpoints, the diagram's
//! records, the last seek's replay). The wasm memory is read by the page itself.

use super::diagram::Records;
use super::timeline::Timeline;
use crate::sim::World;

#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub state_hash: String,
    pub now: u64,
    pub edge: u64,
    pub events: u64,
    pub commands: usize,
    pub branches: usize,
    pub checkpoints: usize,
    pub last_replayed: u64,
    pub flights: usize,
    pub marks: usize,
}

pub fn info(world: &World, timeline: &Timeline, records: &Records) -> Info {
    let record = records.get(timeline.active().id);
    Info {
        state_hash: world.state_hash_hex(),
        now: world.now(),
        edge: timeline.edge().max(world.now()),
        events: world.events_processed(),
        commands: world.command_log().len(),
        branches: timeline.branches().len(),
        checkpoints: timeline.checkpoints(),
        last_replayed: timeline.last_replayed(),
        flights: record.map_or(0, |r| r.flights().len()),
        marks: record.map_or(0, |r| r.marks().len()),
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::WorldConfig;
    use crate::view::page::{Action, Page, Tab, TimeAction, Transport};

    #[test]
    fn the_info_tab_tells_the_hash_the_past_and_what_a_seek_replayed() {
        let mut p = Page::new(WorldConfig::new(3, 0, 2), 1.0, 0);
        p.driver.pacing = false;
        for i in 0..240 {
            p.reduce(Action::Play(Transport::Tick {
                real_ms: 1000.0 / 60.0,
                at: i as f64 * 16.7,
            }));
        }
        assert!(
            p.frame.info.is_none(),
            "built only while its tab is on show"
        );
        p.reduce(Action::Tab(Tab::Info));
        let i = p.frame.info.clone().expect("the info tab's figures");
        assert_eq!(i.state_hash, p.world().state_hash_hex());
        assert!(
            i.events > 100 && i.flights > 20 && i.checkpoints >= 2,
            "{i:?}"
        );
        p.reduce(Action::Time(TimeAction::Seek(3_000)));
        let i = p.frame.info.clone().unwrap();
        assert_eq!(i.now, 3_000);
        assert!(i.last_replayed > 0 && i.edge > 3_000, "{i:?}");
    }
}
