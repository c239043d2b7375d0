//! One-click presets: scenario scripts the page plays in its animation (each line at the
//! virtual time `zabscope run` would run it, so a preset on the page is the same run as on
//! the command line). The scripts are the scenario files themselves, compiled in.

use crate::sim::scenario::parse::parse;
use crate::sim::scenario::run::world_config;
use crate::sim::scenario::step::Stepper;
use crate::sim::world::WorldConfig;

pub struct Preset {
    /// Its name in a URL (`scenario=`, the file's stem) and its hook (`data-preset`).
    pub name: &'static str,
    /// The script; its first line says what it shows: `# Title: what it shows`.
    pub source: &'static str,
}

macro_rules! preset {
    ($name:literal) => {
        Preset {
            name: $name,
            source: include_str!(concat!("../../tests/scenarios/presets/", $name, ".zs")),
        }
    };
}

/// Recipes first (what ZooKeeper is used for), then the consistency lesson.
pub const PRESETS: &[Preset] = &[
    preset!("lock"),
    preset!("election"),
    preset!("config"),
    preset!("registry"),
    preset!("stale_read"),
];

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// The first line without its `# `.
    fn headline(&self) -> &'static str {
        let first = self.source.lines().next().unwrap_or("");
        first.trim_start_matches('#').trim()
    }

    /// Its button's words: the headline up to its colon.
    pub fn title(&self) -> &'static str {
        let h = self.headline();
        h.split_once(':').map_or(h, |(t, _)| t.trim())
    }

    /// What it shows, in a sentence (the button's tooltip and the feed's first line).
    pub fn about(&self) -> &'static str {
        let h = self.headline();
        h.split_once(':').map_or(h, |(_, a)| a.trim())
    }

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
            assert!(
                !p.title().is_empty() && p.title().len() < 40,
                "{}",
                p.title()
            );
            assert!(p.about().len() > 20, "{}: say what it shows", p.name);
        }
        assert_eq!(find("lock").unwrap().title(), "Lock");
    }
}
