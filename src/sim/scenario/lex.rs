//! The scenario language's lexing: tokens of a line, the arguments of one command consumed
//! left to right (with messages that say what was expected, with an example), ids, durations,
//! and "did you mean" suggestions. Shared by the parser and the command table.

use crate::sim::types::{Millis, Sid};

/// protocol.md §5 numbers its invariants 1 to 14.
/// The largest server id (and the largest ensemble) a script may name.
pub const MAX_SERVERS: usize = 255;
/// Durations are capped at a day of virtual time: enough for any scenario, and no overflow.
pub const MAX_DURATION_MS: Millis = 24 * 60 * 60 * 1000;

// ---- lexing ----

#[derive(Clone, Copy, Debug)]
pub struct Tok<'a> {
    /// Byte offset in the line (always a char boundary).
    pub start: usize,
    pub text: &'a str,
}

pub fn tokens(line: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(Tok {
                    start: s,
                    text: &line[s..i],
                });
                start = None;
            }
            // A token that opens with a quote runs to the closing quote, spaces and all.
            (false, None) if c == '"' => {
                let end = quoted_end(line, i);
                out.push(Tok {
                    start: i,
                    text: &line[i..end],
                });
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Tok {
            start: s,
            text: &line[s..],
        });
    }
    out
}

/// The byte just after the quote that closes the one at `open` (or the line's end).
fn quoted_end(line: &str, open: usize) -> usize {
    let mut escaped = false;
    for (j, c) in line[open + 1..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return open + 1 + j + 1,
            _ => {}
        }
    }
    line.len()
}

/// The line without its comment: from the first `#` outside a quoted token on.
pub fn strip_comment(raw: &str) -> &str {
    let mut at_token_start = true;
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i..].chars().next().expect("in bounds");
        if c == '#' {
            return &raw[..i];
        }
        if c == '"' && at_token_start {
            i = quoted_end(raw, i);
            at_token_start = false;
            continue;
        }
        at_token_start = c.is_whitespace();
        i += c.len_utf8();
    }
    raw
}

/// DATA: one bare word, or a quoted string with `\"`, `\\` and `\n` escapes.
pub fn parse_data(tok: &str) -> Result<String, String> {
    let Some(body) = tok.strip_prefix('"') else {
        return Ok(tok.to_string());
    };
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if i + 1 == body.len() => return Ok(out),
            '"' => return Err(format!("text after the closing quote in {}", quoted(tok))),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                other => {
                    return Err(format!(
                        "unknown escape `\\{}` in {} (quoted data knows \\\", \\\\ and \\n)",
                        other.map(String::from).unwrap_or_default(),
                        quoted(tok)
                    ))
                }
            },
            c => out.push(c),
        }
    }
    Err(format!("{} has no closing quote", quoted(tok)))
}

/// Quote user text in a message, shortened so garbage does not flood the terminal.
pub fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("`{short}…`")
    } else {
        format!("`{s}`")
    }
}

// ---- suggestions ----

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest word within two edits (and not a complete rewrite), if any.
pub fn suggest<'a>(word: &str, choices: &[&'a str]) -> Option<&'a str> {
    if word.chars().count() > 40 {
        return None;
    }
    let lower = word.to_lowercase();
    choices
        .iter()
        .map(|c| (edit_distance(&lower, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub fn unknown(what: &str, word: &str, choices: &[&str]) -> String {
    match suggest(word, choices) {
        Some(s) => format!("unknown {what} {} (did you mean `{s}`?)", quoted(word)),
        None => format!(
            "unknown {what} {}: expected one of {}",
            quoted(word),
            choices.join(", ")
        ),
    }
}

/// The arguments of one command, consumed left to right.
pub struct Args<'t, 'a> {
    /// The command as the user sees it, like `crash` or `expect zxid`.
    pub cmd: &'static str,
    /// A complete example, like `crash 3`.
    pub example: &'static str,
    pub toks: &'t [Tok<'a>],
    pub pos: usize,
}

impl<'t, 'a> Args<'t, 'a> {
    pub fn new(cmd: &'static str, example: &'static str, toks: &'t [Tok<'a>]) -> Args<'t, 'a> {
        Args {
            cmd,
            example,
            toks,
            pos: 0,
        }
    }

    /// The rest of the line from the next token on, trimmed at the end (for free text).
    pub fn rest_of_line<'l>(&mut self, line: &'l str) -> Option<&'l str> {
        let t = self.toks.get(self.pos)?;
        self.pos = self.toks.len();
        Some(line[t.start..].trim_end())
    }

    /// An optional `at ID`.
    pub fn at(&mut self) -> Result<Option<Sid>, String> {
        if self.peek() != Some("at") {
            return Ok(None);
        }
        self.next();
        let tok = self
            .next()
            .ok_or_else(|| format!("`at` needs a server id, like `{}`", self.example))?;
        parse_id(tok)
            .map(Some)
            .map_err(|e| format!("{e} (`{}` is written like `{}`)", self.cmd, self.example))
    }
    /// The next token (Args is a cursor with peek and typed takers, not an iterator).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'a str> {
        let t = self.toks.get(self.pos)?;
        self.pos += 1;
        Some(t.text)
    }

    pub fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.pos).map(|t| t.text)
    }

    pub fn need(&mut self, what: &str) -> Result<&'a str, String> {
        self.next()
            .ok_or_else(|| format!("`{}` needs {what}, like `{}`", self.cmd, self.example))
    }

    pub fn id(&mut self) -> Result<Sid, String> {
        let tok = self.need("a server id")?;
        parse_id(tok)
            .map_err(|e| format!("{e} (`{}` is written like `{}`)", self.cmd, self.example))
    }

    pub fn number<T: std::str::FromStr>(&mut self, what: &str) -> Result<T, String> {
        let tok = self.need(what)?;
        tok.parse::<T>().map_err(|_| {
            format!(
                "`{}` needs {what}, like `{}`; {} is not one",
                self.cmd,
                self.example,
                quoted(tok)
            )
        })
    }

    pub fn duration(&mut self, what: &str, bare_ms: bool) -> Result<Millis, String> {
        let tok = self.need(what)?;
        parse_duration(tok, bare_ms)
    }

    pub fn end(&self) -> Result<(), String> {
        match self.peek() {
            None => Ok(()),
            Some(extra) => Err(format!(
                "unexpected {} after `{}`: it is written like `{}`",
                quoted(extra),
                self.cmd,
                self.example
            )),
        }
    }
}

/// A znode path as a script gives it: it must start with `/` (ZooKeeper checks the rest, and
/// refuses a bad path with an error txn). `usage` is how the statement is written.
pub fn znode_path<'a>(path: &'a str, usage: &str) -> Result<&'a str, String> {
    if path.starts_with('/') {
        return Ok(path);
    }
    Err(format!(
        "a znode path starts with `/`, like `/a`; {} does not ({usage})",
        quoted(path)
    ))
}

pub fn parse_id(tok: &str) -> Result<Sid, String> {
    match tok.parse::<u64>() {
        Ok(n) if (1..=MAX_SERVERS as u64).contains(&n) => Ok(n as Sid),
        Ok(_) => Err(format!(
            "{} is not a server id: ids run from 1 to {MAX_SERVERS}",
            quoted(tok)
        )),
        Err(_) => Err(format!("{} is not a server id", quoted(tok))),
    }
}

/// A duration like `3s`, `400ms`, `1.5s` or `2m`. With `bare_ms`, a bare number means
/// milliseconds (`tick 200`); without, a bare number is an error asking for a unit.
pub fn parse_duration(tok: &str, bare_ms: bool) -> Result<Millis, String> {
    let shape = "write durations like `3s`, `400ms`, `1.5s` or `2m`";
    let split = tok
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(tok.len(), |(i, _)| i);
    let (number, unit) = tok.split_at(split);
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("{} is not a duration: {shape}", quoted(tok)));
    }
    let per_unit: u128 = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "" if bare_ms => 1,
        "" => {
            return Err(format!(
                "{} needs a unit: write `{number}s` for seconds or `{number}ms` for milliseconds",
                quoted(tok)
            ))
        }
        _ => {
            return Err(format!(
                "{} has an unknown unit {}: use ms, s or m ({shape})",
                quoted(tok),
                quoted(unit)
            ))
        }
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if frac.contains('.') || number.ends_with('.') || whole.len() > 12 || frac.len() > 9 {
        return Err(format!("{} is not a duration: {shape}", quoted(tok)));
    }
    let whole: u128 = whole
        .parse()
        .map_err(|_| format!("{} is not a duration: {shape}", quoted(tok)))?;
    let frac_value: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse()
            .map_err(|_| format!("{} is not a duration: {shape}", quoted(tok)))?
    };
    let scale = 10u128.pow(frac.len() as u32);
    let frac_ms = frac_value * per_unit;
    if !frac_ms.is_multiple_of(scale) {
        return Err(format!(
            "{} is not a whole number of milliseconds",
            quoted(tok)
        ));
    }
    let ms = whole * per_unit + frac_ms / scale;
    if ms > MAX_DURATION_MS as u128 {
        return Err(format!(
            "{} is too long: durations are at most 24h of virtual time ({}ms)",
            quoted(tok),
            MAX_DURATION_MS
        ));
    }
    Ok(ms as Millis)
}
