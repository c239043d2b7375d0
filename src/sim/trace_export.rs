//! The trace as JSON lines: one event a line, keys in a fixed order per event class, so two
//! exports of the same run are byte-identical and a diff of two runs lines up. Written by
//! hand (no serde_json in the wasm bundle for this); the page's export and `zabscope run
//! --trace` both call `event_line`, so they agree by construction.
//!
//! Every line starts `"seq"`, `"t"` (virtual ms), `"ev"`; then, per class:
//!
//! ```text
//! send     id from to kind label zxid deliver_at
//! deliver  id from to kind
//! lost     id from to kind why
//! timer    on kind
//! command  on command
//! ```
//!
//! Actors are `"s1"`… (servers) and `"c1"`… (client actors, numbered as the engine numbers
//! them: not the names scripts give clients). A zxid is `"0x…"` in lowercase hex, or `null`.
//! A command's `"command"` is its scenario text; its `"on"` is the server it targets, if it
//! targets exactly one (`command_actor`), else `null` (a client command names its client in
//! its text).

use super::command::Command;
use super::node::Actor;
use super::trace::{TraceEvent, TraceWhat};
use super::types::Zxid;
use std::fmt;

/// The event class, as `"ev"` writes it.
pub fn event_class(what: &TraceWhat) -> &'static str {
    match what {
        TraceWhat::Send { .. } => "send",
        TraceWhat::Deliver { .. } => "deliver",
        TraceWhat::Lost { .. } => "lost",
        TraceWhat::Timer { .. } | TraceWhat::ClientTimer { .. } => "timer",
        TraceWhat::Command(_) => "command",
    }
}

/// The server a command targets, if exactly one: where the exports put it (a convention of
/// the exports, not a fact the engine records).
pub fn command_actor(cmd: &Command) -> Option<Actor> {
    let sid = match cmd {
        Command::Crash(s) | Command::Restart(s) | Command::Wipe(s) | Command::Isolate(s) => *s,
        Command::Slow { sid, .. } => *sid,
        Command::Start(sids) if sids.len() == 1 => sids[0],
        Command::Write { at: Some(s), .. }
        | Command::SessionOpen { at: Some(s) }
        | Command::SessionClose { at: Some(s) }
        | Command::Writes { at: Some(s), .. } => *s,
        _ => return None,
    };
    Some(Actor::Server(sid))
}

/// The event as one JSON object (no line break).
pub fn event_line(e: &TraceEvent) -> String {
    let mut o = Obj::new();
    o.num("seq", e.seq);
    o.num("t", e.at);
    o.str("ev", event_class(&e.what));
    match &e.what {
        TraceWhat::Send {
            id,
            from,
            to,
            kind,
            label,
            zxid,
            deliver_at,
        } => {
            o.message(*id, *from, *to, kind);
            o.str("label", label);
            o.zxid("zxid", *zxid);
            o.num("deliver_at", *deliver_at);
        }
        TraceWhat::Deliver { id, from, to, kind } => o.message(*id, *from, *to, kind),
        TraceWhat::Lost {
            id,
            from,
            to,
            kind,
            why,
        } => {
            o.message(*id, *from, *to, kind);
            o.str("why", why);
        }
        TraceWhat::Timer { kind, .. } | TraceWhat::ClientTimer { kind, .. } => {
            o.actor("on", e.what.timer_actor());
            o.str("kind", kind);
        }
        TraceWhat::Command(cmd) => {
            o.actor("on", command_actor(cmd));
            o.str("command", &cmd.to_string());
        }
    }
    o.close()
}

/// Writes each event as a line (`event_line` and a line feed).
pub fn write_jsonl<'a>(
    events: impl IntoIterator<Item = &'a TraceEvent>,
    out: &mut impl fmt::Write,
) -> fmt::Result {
    for e in events {
        out.write_str(&event_line(e))?;
        out.write_char('\n')?;
    }
    Ok(())
}

/// The events as JSON lines, in one string.
pub fn jsonl<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> String {
    let mut out = String::new();
    write_jsonl(events, &mut out).expect("a String takes every write");
    out
}

/// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object written key by key, in the order the calls come.
struct Obj(String);

impl Obj {
    fn new() -> Obj {
        Obj(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&json_string(key));
        self.0.push(':');
    }

    fn num(&mut self, key: &str, n: u64) {
        self.key(key);
        self.0.push_str(&n.to_string());
    }

    fn str(&mut self, key: &str, s: &str) {
        self.key(key);
        self.0.push_str(&json_string(s));
    }

    fn null(&mut self, key: &str) {
        self.key(key);
        self.0.push_str("null");
    }

    fn actor(&mut self, key: &str, a: Option<Actor>) {
        match a {
            Some(a) => self.str(key, &a.to_string()),
            None => self.null(key),
        }
    }

    fn zxid(&mut self, key: &str, z: Option<Zxid>) {
        match z {
            Some(z) => self.str(key, &z.to_string()),
            None => self.null(key),
        }
    }

    /// The fields every message event starts with.
    fn message(&mut self, id: u64, from: Actor, to: Actor, kind: &str) {
        self.num("id", id);
        self.actor("from", Some(from));
        self.actor("to", Some(to));
        self.str("kind", kind);
    }

    fn close(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(what: TraceWhat) -> TraceEvent {
        TraceEvent {
            seq: 7,
            at: 120,
            what,
        }
    }

    #[test]
    fn a_send_has_its_keys_in_order() {
        let line = event_line(&ev(TraceWhat::Send {
            id: 4,
            from: Actor::Server(1),
            to: Actor::Client(2),
            kind: "PROPOSAL",
            label: "PROPOSAL 0x100000001".into(),
            zxid: Some(Zxid::new(1, 1)),
            deliver_at: 140,
        }));
        assert_eq!(
            line,
            r#"{"seq":7,"t":120,"ev":"send","id":4,"from":"s1","to":"c2","kind":"PROPOSAL","label":"PROPOSAL 0x100000001","zxid":"0x100000001","deliver_at":140}"#
        );
    }

    #[test]
    fn absent_fields_are_null() {
        let timer = event_line(&ev(TraceWhat::ClientTimer {
            client: 3,
            kind: "ping",
        }));
        assert_eq!(
            timer,
            r#"{"seq":7,"t":120,"ev":"timer","on":"c3","kind":"ping"}"#
        );
        let cmd = event_line(&ev(TraceWhat::Command(Command::HealAll)));
        assert_eq!(
            cmd,
            r#"{"seq":7,"t":120,"ev":"command","on":null,"command":"heal all"}"#
        );
        let crash = event_line(&ev(TraceWhat::Command(Command::Crash(2))));
        assert!(
            crash.contains(r#""on":"s2","command":"crash 2""#),
            "{crash}"
        );
    }

    #[test]
    fn quotes_backslashes_and_control_characters_are_escaped() {
        assert_eq!(json_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_string("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(json_string("\u{1}\u{1f}é"), "\"\\u0001\\u001fé\"");
        let line = event_line(&ev(TraceWhat::Command(Command::Write {
            at: Some(1),
            path: "/a".into(),
            data: "say \"hi\"\\\u{7}".into(),
        })));
        let back: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(back["command"], "write at 1 /a say \"hi\"\\\u{7}");
    }
}
