//! Every scenario action, one row each: its keyword, an example, and how its arguments parse
//! into a `Command`. The action is printed by `Command`'s `Display` (sim/command.rs), so
//! every parsed action prints back to a line that parses to it again (tested below).
//! Adding a command means one row here; the compiler points at the rest (see command.rs).

use super::lex::{parse_id, quoted, unknown, znode_path, Args, Tok};
use crate::sim::command::Command;
use crate::sim::types::Sid;

/// How one action's arguments parse. `line` is the whole line (for free text like `write`'s
/// data), `args` the tokens after the keyword.
pub type ParseFn = fn(args: &mut Args<'_, '_>, line: &str) -> Result<Command, String>;

pub struct Row {
    pub keyword: &'static str,
    /// A complete example line, shown in error messages and the help.
    pub example: &'static str,
    pub parse: ParseFn,
}

pub const ACTIONS: &[Row] = &[
    Row {
        keyword: "start",
        example: "start all",
        parse: start,
    },
    Row {
        keyword: "crash",
        example: "crash 3",
        parse: |a, _| Ok(Command::Crash(one_id(a)?)),
    },
    Row {
        keyword: "restart",
        example: "restart 3",
        parse: |a, _| Ok(Command::Restart(one_id(a)?)),
    },
    Row {
        keyword: "wipe",
        example: "wipe 3",
        parse: |a, _| Ok(Command::Wipe(one_id(a)?)),
    },
    Row {
        keyword: "isolate",
        example: "isolate 3",
        parse: |a, _| Ok(Command::Isolate(one_id(a)?)),
    },
    Row {
        keyword: "cut",
        example: "cut 1>2",
        parse: |a, line| link(a, line, true),
    },
    Row {
        keyword: "heal",
        example: "heal 1 2",
        parse: |a, line| link(a, line, false),
    },
    Row {
        keyword: "partition",
        example: "partition 1,2|3,4,5",
        parse: partition,
    },
    Row {
        keyword: "slow",
        example: "slow 2 5",
        parse: |a, _| {
            let sid = a.id()?;
            let factor = a.number("a server id and a slowness factor")?;
            a.end()?;
            Ok(Command::Slow { sid, factor })
        },
    },
    Row {
        keyword: "session",
        example: "session open at 2",
        parse: session,
    },
    Row {
        keyword: "write",
        example: "write at 2 /a hello",
        parse: write,
    },
    Row {
        keyword: "writes",
        example: "writes 20 at 2",
        parse: writes,
    },
];

/// The row for a keyword.
pub fn row(keyword: &str) -> Option<&'static Row> {
    ACTIONS.iter().find(|r| r.keyword == keyword)
}

/// Parses one action line whose first token is `toks[0]`; `None` if it is not an action.
pub fn parse_action(line: &str, toks: &[Tok<'_>]) -> Option<Result<Command, String>> {
    let row = row(toks.first()?.text)?;
    let mut args = Args::new(row.keyword, row.example, &toks[1..]);
    Some((row.parse)(&mut args, line))
}

fn one_id(a: &mut Args<'_, '_>) -> Result<Sid, String> {
    let sid = a.id()?;
    a.end()?;
    Ok(sid)
}

/// `start all` or `start 1 2 3` (also `start 1,2,3`).
fn start(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let usage = "`start` needs `all` or server ids, like `start all` or `start 1 2 3`";
    if a.toks.len() == 1 && a.toks[0].text == "all" {
        return Ok(Command::StartAll);
    }
    let mut ids = Vec::new();
    while let Some(tok) = a.next() {
        if tok == "all" {
            return Err(format!("{usage}, not both"));
        }
        for piece in tok.split(',').filter(|p| !p.is_empty()) {
            ids.push(parse_id(piece).map_err(|e| format!("{e} ({usage})"))?);
        }
    }
    if ids.is_empty() {
        return Err(usage.to_string());
    }
    Ok(Command::Start(ids))
}

/// `cut A B`, `cut A>B` (also `A > B`), `heal A B`, `heal A>B`, `heal all`.
fn link(a: &mut Args<'_, '_>, line: &str, cut: bool) -> Result<Command, String> {
    let keyword = a.cmd;
    let usage = if cut {
        "`cut` needs two server ids, like `cut 1 2` (both ways) or `cut 1>2` (one way)"
    } else {
        "`heal` needs two server ids or `all`, like `heal 1 2` (both ways), `heal 1>2` (one way) or `heal all`"
    };
    let rest = a.toks.to_vec();
    let args = a
        .rest_of_line(line)
        .ok_or_else(|| usage.to_string())?
        .trim();
    if !cut && args == "all" {
        return Ok(Command::HealAll);
    }
    let id = |s: &str| parse_id(s).map_err(|e| format!("{e} ({usage})"));
    let (from, to, both) = if let Some((x, y)) = args.split_once('>') {
        let (x, y) = (x.trim(), y.trim());
        let bad = |s: &str| s.is_empty() || s.contains(char::is_whitespace);
        if bad(x) || bad(y) {
            return Err(usage.to_string());
        }
        (id(x)?, id(y)?, false)
    } else if let Some((x, y)) = args.split_once('<') {
        let (x, y) = (x.trim(), y.trim());
        return Err(format!(
            "write one-way links with `>`: `{keyword} {y}>{x}` means from {y} to {x} ({usage})"
        ));
    } else {
        match rest[..] {
            [x, y] => (id(x.text)?, id(y.text)?, true),
            _ => return Err(usage.to_string()),
        }
    };
    Ok(if cut {
        Command::Cut { from, to, both }
    } else {
        Command::Heal { from, to, both }
    })
}

/// `partition 1,2|3,4|5`: groups of comma-separated ids split by `|`; spaces allowed around
/// the bars. The servers no group names form one more group.
fn partition(a: &mut Args<'_, '_>, line: &str) -> Result<Command, String> {
    let usage = "`partition` needs groups of server ids split by `|`, like `partition 1,2|3,4,5` (unlisted servers form one more group)";
    let text = a.rest_of_line(line).ok_or_else(|| usage.to_string())?;
    let mut groups = Vec::new();
    for group in text.split('|') {
        let mut ids = Vec::new();
        for piece in group.split([',', ' ', '\t']).filter(|p| !p.is_empty()) {
            ids.push(parse_id(piece).map_err(|e| format!("{e} ({usage})"))?);
        }
        if ids.is_empty() {
            return Err(format!("an empty group in {} ({usage})", quoted(text)));
        }
        groups.push(ids);
    }
    let cmd = Command::Partition(groups);
    cmd.check_shape()?;
    Ok(cmd)
}

/// `session open [at ID]` or `session close [at ID]`.
fn session(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let open = match a.need("`open` or `close`")? {
        "open" => true,
        "close" => false,
        other => return Err(unknown("session action", other, &["open", "close"])),
    };
    let at = a.at()?;
    a.end()?;
    Ok(if open {
        Command::SessionOpen { at }
    } else {
        Command::SessionClose { at }
    })
}

/// `write [at ID] PATH DATA…` (the data is the rest of the line).
fn write(a: &mut Args<'_, '_>, line: &str) -> Result<Command, String> {
    let at = a.at()?;
    let path = znode_path(
        a.need("a path and data")?,
        "`write` is written like `write at 2 /a hello`",
    )?;
    let data = a
        .rest_of_line(line)
        .ok_or_else(|| format!("`write` needs data after the path, like `write {path} hello`"))?;
    Ok(Command::Write {
        at,
        path: path.to_string(),
        data: data.to_string(),
    })
}

/// `writes RATE [at ID]` (writes a virtual second) or `writes off`.
fn writes(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    if a.peek() == Some("off") {
        a.next();
        a.end()?;
        return Ok(Command::WritesOff);
    }
    let per_second = a.number("a number of writes a second, or `off`")?;
    let at = a.at()?;
    a.end()?;
    let cmd = Command::Writes { per_second, at };
    cmd.check_shape()?;
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokens;
    use super::*;

    fn parse(line: &str) -> Result<Command, String> {
        parse_action(line, &tokens(line)).expect("an action keyword")
    }

    #[test]
    fn every_example_parses_and_prints_back() {
        for row in ACTIONS {
            let cmd = parse(row.example).unwrap_or_else(|e| panic!("{}: {e}", row.example));
            assert_eq!(cmd.keyword(), row.keyword);
            let printed = cmd.to_string();
            assert_eq!(
                parse(&printed),
                Ok(cmd),
                "{} printed as {printed}",
                row.example
            );
        }
    }

    #[test]
    fn partitions_parse_with_or_without_spaces() {
        let want = Command::Partition(vec![vec![1, 2], vec![3, 4, 5]]);
        assert_eq!(parse("partition 1,2|3,4,5"), Ok(want.clone()));
        assert_eq!(parse("partition 1, 2 | 3,4 ,5"), Ok(want.clone()));
        assert_eq!(want.to_string(), "partition 1,2|3,4,5");
        assert_eq!(parse("partition 1"), Ok(Command::Partition(vec![vec![1]])));
        assert!(parse("partition")
            .unwrap_err()
            .contains("like `partition 1,2|3,4,5`"));
        assert!(parse("partition 1||2").unwrap_err().contains("empty group"));
        assert!(parse("partition 1,2|2").unwrap_err().contains("two groups"));
        assert!(parse("partition 1,x").unwrap_err().contains("`x`"));
    }

    #[test]
    fn steady_writes_parse() {
        assert_eq!(
            parse("writes 20 at 3"),
            Ok(Command::Writes {
                per_second: 20,
                at: Some(3)
            })
        );
        assert_eq!(parse("writes off"), Ok(Command::WritesOff));
        assert!(parse("writes 0").is_err());
        assert!(parse("writes lots").unwrap_err().contains("`off`"));
    }

    #[test]
    fn table_keywords_are_unique() {
        let mut words: Vec<&str> = ACTIONS.iter().map(|r| r.keyword).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), ACTIONS.len());
    }
}
