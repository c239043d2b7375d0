//! The one keymap: which key does what, on which page. Both pages listen through `listen`, and
//! the help overlay lists the same table, so a shortcut is added in one row.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::sim::Sid;

/// What a key stands for (decided while the key event is dispatched, so that it can be
/// prevented); the pages' reducers act on it.
pub use crate::view::page::Shortcut;

/// One row of the keymap.
pub struct Key {
    /// The `KeyboardEvent.key` values.
    pub keys: &'static [&'static str],
    /// How the help overlay writes them.
    pub shown: &'static str,
    pub does: Shortcut,
    pub what: &'static str,
    /// Also on the comparison page (which has no menus, inspector, wipe or partition tool).
    pub compare: bool,
}

const fn key(
    keys: &'static [&'static str],
    shown: &'static str,
    does: Shortcut,
    what: &'static str,
    compare: bool,
) -> Key {
    Key {
        keys,
        shown,
        does,
        what,
        compare,
    }
}

/// Every shortcut, in the order the help lists them. (Digits select a server: `Select(0)`
/// stands for the row, the digit pressed decides which.)
pub const KEYMAP: &[Key] = &[
    key(
        &[" ", "k"],
        "space / k",
        Shortcut::Play,
        "play / pause",
        true,
    ),
    key(
        &["n", "ArrowRight"],
        "n / →",
        Shortcut::Step,
        "step to the next narrated event",
        true,
    ),
    key(
        &["."],
        ".",
        Shortcut::StepEvent,
        "step one engine event (narrated or not)",
        true,
    ),
    key(
        &["+", "="],
        "+ / −",
        Shortcut::Faster,
        "faster / slower",
        true,
    ),
    key(&["-", "_"], "", Shortcut::Slower, "", true),
    key(&["r"], "r", Shortcut::Reset, "reset (same settings)", true),
    key(
        &["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
        "1 – 9, 0",
        Shortcut::Select(0),
        "select server 1 – 9, 10",
        true,
    ),
    key(
        &["["],
        "[ / ]",
        Shortcut::Prev,
        "select the previous / next server",
        true,
    ),
    key(&["]"], "", Shortcut::Next, "", true),
    key(
        &["l"],
        "l",
        Shortcut::SelectLeader,
        "select the leader",
        false,
    ),
    key(
        &["m", "Enter"],
        "m",
        Shortcut::Menu,
        "open the selected server's menu",
        false,
    ),
    key(
        &["c"],
        "c",
        Shortcut::Crash,
        "crash the selected server",
        true,
    ),
    key(
        &["s"],
        "s",
        Shortcut::Restart,
        "restart the selected server",
        true,
    ),
    key(
        &["x"],
        "x",
        Shortcut::Wipe,
        "wipe the selected server's disk",
        false,
    ),
    key(
        &["i"],
        "i",
        Shortcut::Isolate,
        "isolate the selected server",
        true,
    ),
    key(
        &["w"],
        "w",
        Shortcut::WriteHere,
        "write at the selected server",
        true,
    ),
    key(
        &["a"],
        "a",
        Shortcut::AutoWrite,
        "steady writes on / off",
        true,
    ),
    key(
        &["p"],
        "p",
        Shortcut::Partition,
        "go to the partition tool",
        false,
    ),
    key(&["h"], "h", Shortcut::HealAll, "heal every link", true),
    key(
        &["t"],
        "t",
        Shortcut::Theme,
        "theme: auto / dark / light",
        true,
    ),
    key(&["?"], "?", Shortcut::Help, "this help", false),
    key(
        &["Escape"],
        "Esc",
        Shortcut::Escape,
        "close a menu, then deselect",
        false,
    ),
];

/// The shortcut `key` stands for on a page (`compare`: the comparison page).
pub fn lookup(key: &str, compare: bool) -> Option<Shortcut> {
    let row = KEYMAP
        .iter()
        .find(|k| k.keys.contains(&key) && (k.compare || !compare))?;
    Some(match row.does {
        Shortcut::Select(_) => match key.as_bytes()[0] - b'0' {
            0 => Shortcut::Select(10),
            d => Shortcut::Select(d as Sid),
        },
        s => s,
    })
}

/// The shortcut a key event stands for; `None` for keys typed into form fields.
fn shortcut(e: &web_sys::KeyboardEvent, compare: bool) -> Option<Shortcut> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name());
    match tag.as_deref() {
        _ if key == "Escape" => {}
        // Typing into a form field is not a shortcut.
        Some("INPUT" | "SELECT" | "TEXTAREA") => return None,
        // Space and Enter activate a focused button: leave them to it.
        Some("BUTTON") if key == " " || key == "Enter" => return None,
        _ => {}
    }
    lookup(&key, compare)
}

/// Listens for the page's shortcuts on the document while the listener lives.
pub fn listen(compare: bool, on_key: Callback<Shortcut>) -> EventListener {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    EventListener::new_with_options(
        &doc,
        "keydown",
        EventListenerOptions::enable_prevent_default(),
        move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if let Some(k) = shortcut(e, compare) {
                // Space would scroll the page, arrows move the focus: not here.
                e.prevent_default();
                on_key.emit(k);
            }
        },
    )
}
