//! Page parameters from the URL query string (`?servers=5&seed=42&speed=0.1&embed=1`), and
//! back: a link reproduces the starting state. A bad value is reported (the parameter, what is
//! allowed) and replaced by its default; the page always starts.

use std::fmt::Write;

use crate::sim::world::Protocol;
use crate::sim::zab::Variant;
use crate::sim::{Millis, WorldConfig};

pub const MAX_VOTERS: usize = 25;
pub const MAX_OBSERVERS: usize = 5;
/// The speeds live with the driver that uses them (src/view/driver.rs).
pub use crate::view::driver::{DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, REDUCED_SPEED};

/// What the page simulates and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub voters: usize,
    pub observers: usize,
    pub seed: u64,
    /// Virtual milliseconds per real millisecond; `None`: the default for the motion preference.
    pub speed: Option<f64>,
    pub tick_ms: Millis,
    /// One-way latency: `latency ..= latency + jitter` ms.
    pub latency: Millis,
    pub jitter: Millis,
    /// Only the ring and the essential controls (for iframes).
    pub embed: bool,
    /// Steady client writes per virtual second (0: none).
    pub writes: u32,
    /// Pacing (`pace=0` turns it off): see `Driver::pacing`.
    pub pace: bool,
    /// A deliberately broken protocol, to watch the invariant checker catch it.
    pub variant: Variant,
    /// ZooKeeper (FLE + Zab), Multi-Paxos, or classic single-decree Paxos.
    pub protocol: Protocol,
    /// Zab and Multi-Paxos side by side, under the same faults.
    pub compare: bool,
    /// The first-run tour: `tour=1` shows it, `tour=0` never; unset, a bare URL shows it
    /// until the person ends it.
    pub tour: Option<bool>,
    /// `scenario=NAME`: a preset (view::presets) plays from the start.
    pub scenario: Option<&'static str>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            voters: 5,
            observers: 0,
            seed: 1,
            speed: None,
            tick_ms: 200,
            latency: 10,
            jitter: 20,
            embed: false,
            writes: 0,
            pace: true,
            variant: Variant::Correct,
            protocol: Protocol::Zab,
            compare: false,
            tour: None,
            scenario: None,
        }
    }
}

fn int(
    key: &str,
    value: &str,
    lo: u64,
    hi: u64,
    default: u64,
    unit: &str,
    problems: &mut Vec<String>,
) -> u64 {
    match value.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => v,
        _ => {
            problems.push(format!(
                "`{key}={value}` is not allowed: {key} must be a whole number from {lo} to {hi}{unit}. Using {default}."
            ));
            default
        }
    }
}

/// Decodes `%XX` and `+` in a query value (enough for error messages).
fn decode(v: &str) -> String {
    js_sys::decode_uri_component(&v.replace('+', " "))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| v.to_string())
}

impl Params {
    /// Parses a query string such as `?servers=3&seed=7`. Returns the parameters and one
    /// message per value that was refused (each names the parameter and what is allowed).
    pub fn from_query(query: &str) -> (Params, Vec<String>) {
        let mut p = Params::default();
        let d = Params::default();
        let mut problems = Vec::new();
        for pair in query.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(raw);
            let value = value.trim();
            let pr = &mut problems;
            match key {
                "servers" => {
                    p.voters =
                        int(key, value, 1, MAX_VOTERS as u64, d.voters as u64, "", pr) as usize
                }
                "observers" => {
                    p.observers = int(
                        key,
                        value,
                        0,
                        MAX_OBSERVERS as u64,
                        d.observers as u64,
                        "",
                        pr,
                    ) as usize
                }
                "seed" => p.seed = int(key, value, 0, u64::MAX, d.seed, "", pr),
                "tick" => p.tick_ms = int(key, value, 20, 5000, d.tick_ms, " ms", pr),
                "latency" => p.latency = int(key, value, 1, 1000, d.latency, " ms", pr),
                "jitter" => p.jitter = int(key, value, 0, 1000, d.jitter, " ms", pr),
                "writes" => p.writes = int(key, value, 0, 200, 0, " per virtual second", pr) as u32,
                "pace" => match value {
                    "1" | "true" | "" => p.pace = true,
                    "0" | "false" => p.pace = false,
                    _ => pr.push(format!(
                        "`pace={value}` is not allowed: pace must be 1 or 0. Pacing stays on."
                    )),
                },
                "tour" => match value {
                    "1" | "true" | "" => p.tour = Some(true),
                    "0" | "false" => p.tour = Some(false),
                    _ => pr.push(format!(
                        "`tour={value}` is not allowed: tour must be 1 or 0. No tour."
                    )),
                },
                "scenario" => match crate::view::presets::find(value) {
                    Some(preset) => p.scenario = Some(preset.name),
                    None => {
                        let known: Vec<&str> =
                            crate::view::presets::PRESETS.iter().map(|p| p.name).collect();
                        pr.push(format!(
                            "There is no preset `scenario={value}`: the presets are {}. Starting a default ensemble.",
                            known.join(", ")
                        ))
                    }
                },
                "embed" => match value {
                    "1" | "true" | "" => p.embed = true,
                    "0" | "false" => p.embed = false,
                    _ => pr.push(format!(
                        "`embed={value}` is not allowed: embed must be 1 or 0. Showing the whole page."
                    )),
                },
                "speed" => {
                    // JS parses the float: Rust's float parser would add ~4 KB to the wasm.
                    let s = js_sys::parse_float(value);
                    if s.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&s) {
                        p.speed = Some(s);
                    } else {
                        pr.push(format!(
                            "`speed={value}` is not allowed: speed is virtual ms per real ms, from {} to {}. Using the default.",
                            super::fmt::speed(MIN_SPEED),
                            super::fmt::speed(MAX_SPEED)
                        ));
                    }
                }
                "variant" => match Variant::parse(value) {
                    Some(v) => p.variant = v,
                    None => {
                        let names: Vec<&str> = std::iter::once(Variant::Correct)
                            .chain(Variant::ALL_BROKEN)
                            .map(|v| v.name())
                            .collect();
                        pr.push(format!(
                            "`variant={value}` is not allowed: variant must be one of {}. Using the correct protocol.",
                            names.join(", ")
                        ))
                    }
                },
                "protocol" => match Protocol::parse(value) {
                    Some(v) => p.protocol = v,
                    None => pr.push(format!(
                        "`protocol={value}` is not allowed: protocol must be one of zab, paxos, paxos-single. Using zab."
                    )),
                },
                "compare" => match value {
                    "1" | "true" | "" => p.compare = true,
                    "0" | "false" => p.compare = false,
                    _ => pr.push(format!(
                        "`compare={value}` is not allowed: compare must be 1 or 0. Showing one ensemble."
                    )),
                },
                "theme" => {} // read by the theme toggle
                _ => pr.push(format!(
                    "Unknown parameter `{key}`: the page knows servers, observers, seed, speed, tick, latency, jitter, writes, pace, protocol, compare, variant, embed, tour, scenario and theme."
                )),
            }
        }
        (p, problems)
    }

    /// The parameters of the current page's URL.
    pub fn from_location() -> (Params, Vec<String>) {
        let query = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Params::from_query(&query)
    }

    /// The query string that reproduces these parameters (defaults left out).
    pub fn to_query(&self) -> String {
        let d = Params::default();
        let mut q = String::new();
        let mut add = |k: &str, v: String| {
            q.push(if q.is_empty() { '?' } else { '&' });
            let _ = write!(q, "{k}={v}");
        };
        if self.voters != d.voters {
            add("servers", self.voters.to_string());
        }
        if self.observers != d.observers {
            add("observers", self.observers.to_string());
        }
        if self.seed != d.seed {
            add("seed", self.seed.to_string());
        }
        if let Some(s) = self.speed {
            add("speed", super::fmt::speed(s));
        }
        if self.tick_ms != d.tick_ms {
            add("tick", self.tick_ms.to_string());
        }
        if self.latency != d.latency {
            add("latency", self.latency.to_string());
        }
        if self.jitter != d.jitter {
            add("jitter", self.jitter.to_string());
        }
        if self.writes != 0 {
            add("writes", self.writes.to_string());
        }
        if !self.pace {
            add("pace", "0".into());
        }
        if self.variant != Variant::Correct {
            add("variant", self.variant.name().into());
        }
        if self.protocol != Protocol::Zab {
            add("protocol", self.protocol.name().into());
        }
        if self.compare {
            add("compare", "1".into());
        }
        if let Some(t) = self.tour {
            add("tour", if t { "1" } else { "0" }.into());
        }
        if let Some(name) = self.scenario {
            add("scenario", name.into());
        }
        if self.embed {
            add("embed", "1".into());
        }
        q
    }

    /// The engine's configuration for these parameters.
    pub fn world_config(&self) -> WorldConfig {
        let mut cfg = WorldConfig::new(self.voters, self.observers, self.seed);
        cfg.ensemble.tick_ms = self.tick_ms;
        cfg.latency_min = self.latency;
        cfg.latency_max = self.latency + self.jitter;
        cfg.ensemble.variant = self.variant;
        cfg.protocol = self.protocol;
        cfg
    }
}
