//! One-click presets: scenario scripts the page plays in its animation (each line at the
//! virtual time `zabscope run` would run it, so a preset on the page is the same run as on
//! the command line). The scripts are the scenario files themselves, compiled in.

use crate::sim::scenario::parse::parse;
use crate::sim::scenario::run::world_config;
use crate::sim::scenario::step::Stepper;
use crate::sim::world::WorldConfig;

pub struct Preset {
    /// Its name in a URL (`scenario=`) and its hook (`data-preset`).
    pub name: &'static str,
    /// Its button's words.
    pub title: &'static str,
    /// What it shows, in a sentence (the button's tooltip and the feed's first line).
    pub about: &'static str,
    pub source: &'static str,
}

pub const PRESETS: &[Preset] = &[Preset {
    name: "stale-read",
    title: "Stale read, then sync",
    about: "A lagging follower answers a read with the old value after the write committed; sync makes it catch up first.",
    source: include_str!("../../tests/scenarios/stale_read_and_sync.zs"),
}];

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// The world the script configures, and a stepper over its lines.
    pub fn load(&self) -> Result<(WorldConfig, Stepper), String> {
        let script = parse(self.source).map_err(|e| format!("preset {}: {e}", self.name))?;
        let config = world_config(&script).map_err(|e| format!("preset {}: {e}", self.name))?;
        Ok((config, Stepper::new(script)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_configures_a_world() {
        for p in PRESETS {
            p.load().unwrap_or_else(|e| panic!("{e}"));
            assert!(find(p.name).is_some());
        }
    }
}
