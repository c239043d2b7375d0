//! Page parameters read from the URL query string (`?servers=5&seed=42`).

/// What the page simulates; read once at start-up.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub voters: usize,
    pub observers: usize,
    pub seed: u64,
    /// Virtual milliseconds per real millisecond.
    pub speed: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            voters: 5,
            observers: 0,
            seed: 1,
            speed: 1.0,
        }
    }
}

impl Params {
    /// Parses a query string such as `?servers=3&seed=7`; missing or invalid values keep their
    /// defaults and out-of-range ones are clamped.
    pub fn from_query(query: &str) -> Params {
        let mut p = Params::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "servers" => {
                    if let Ok(n) = value.parse::<usize>() {
                        p.voters = n.clamp(1, 9);
                    }
                }
                "observers" => {
                    if let Ok(n) = value.parse::<usize>() {
                        p.observers = n.min(4);
                    }
                }
                "seed" => {
                    if let Ok(s) = value.parse::<u64>() {
                        p.seed = s;
                    }
                }
                "speed" => {
                    // JS parses the float: Rust's float parser would add ~4 KB to the wasm.
                    let s = js_sys::parse_float(value);
                    if s.is_finite() && s > 0.0 {
                        p.speed = s.clamp(0.01, 100.0);
                    }
                }
                _ => {}
            }
        }
        p
    }

    /// The parameters of the current page's URL.
    pub fn from_location() -> Params {
        let query = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Params::from_query(&query)
    }
}
