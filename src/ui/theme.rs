//! The colour theme (the system's, or forced, remembered in localStorage and `?theme=`) and
//! the reduced-motion preference, shared by both pages.

/// The colour theme: the system's, or forced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Theme {
    Auto,
    Dark,
    Light,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Dark,
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Auto,
        }
    }

    fn parse(s: &str) -> Theme {
        match s {
            "dark" => Theme::Dark,
            "light" => Theme::Light,
            _ => Theme::Auto,
        }
    }
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

pub fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// The theme asked for by `?theme=`, else the one stored, else the system's.
pub fn stored_theme() -> Theme {
    let from_url = window().location().search().ok().and_then(|q| {
        q.trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("theme=").map(str::to_string))
    });
    let stored = || {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item("zabscope-theme").ok().flatten())
    };
    Theme::parse(&from_url.or_else(stored).unwrap_or_default())
}

pub fn apply_theme(theme: Theme) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = match theme {
            Theme::Auto => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.name()),
        };
    }
}

/// Applies `theme` and remembers it for the next visit.
pub fn store_theme(theme: Theme) {
    apply_theme(theme);
    if let Ok(Some(s)) = window().local_storage() {
        let _ = s.set_item("zabscope-theme", theme.name());
    }
}

const TOUR_KEY: &str = "zabscope-tour";

/// Whether the person ended the tour before, in this browser. Storage that throws (a
/// sandboxed iframe, a privacy mode) counts as never: the bare page then shows the tour.
pub fn tour_ended() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(TOUR_KEY).ok().flatten())
        .is_some_and(|v| v == "ended")
}

pub fn remember_tour_ended() {
    if let Ok(Some(s)) = window().local_storage() {
        let _ = s.set_item(TOUR_KEY, "ended");
    }
}

/// A bare URL: no query and no fragment (how a newcomer arrives; a shared link is not bare).
pub fn bare_url() -> bool {
    let l = window().location();
    l.search().is_ok_and(|q| q.is_empty()) && l.hash().is_ok_and(|h| h.is_empty())
}
