//! Every scenario action, one row each: its keyword, an example, and how its arguments parse
//! into a `Command`. The action is printed by `Command`'s `Display` (sim/command.rs), so
//! every parsed action prints back to a line that parses to it again (tested below).
//! Adding a command means one row here; the compiler points at the rest (see command.rs).

use super::lex::{parse_data, parse_id, quoted, unknown, znode_path, Args, Tok};
use crate::sim::command::{create_mode, Command};
use crate::sim::types::Sid;
use crate::sim::zab::client::ClientOp;
use crate::sim::zab::recipe::RecipeKind;
use crate::sim::zab::ANY_VERSION;

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
    Row {
        keyword: "client",
        example: "client c1 connect 2,3,1 timeout 4s",
        parse: client,
    },
    Row {
        keyword: "create",
        example: "create c1 -e -s /lock/n- \"my data\"",
        parse: create,
    },
    Row {
        keyword: "set",
        example: "set c1 /a hello 0",
        parse: set,
    },
    Row {
        keyword: "delete",
        example: "delete c1 /a 1",
        parse: delete,
    },
    Row {
        keyword: "get",
        example: "get c1 /a watch",
        parse: |a, _| read(a, |path, watch| ClientOp::GetData { path, watch }),
    },
    Row {
        keyword: "ls",
        example: "ls c1 /",
        parse: |a, _| read(a, |path, watch| ClientOp::GetChildren { path, watch }),
    },
    Row {
        keyword: "exists",
        example: "exists c1 /a",
        parse: |a, _| read(a, |path, watch| ClientOp::Exists { path, watch }),
    },
    Row {
        keyword: "sync",
        example: "sync c1 /",
        parse: |a, _| {
            let name = name(a)?;
            let path = path(a)?;
            a.end()?;
            Ok(Command::ClientRequest {
                name,
                op: ClientOp::Sync { path },
            })
        },
    },
];

/// Words a client may not be named (they start or steer other lines).
pub const RESERVED_NAMES: &[&str] = &["all", "at", "watch", "timeout"];

/// A client's name: `[a-z][a-z0-9-]*`, no keyword.
pub fn client_name(tok: &str) -> Result<String, String> {
    let mut chars = tok.chars();
    let shaped = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !shaped {
        return Err(format!(
            "a client name is a lowercase letter then letters, digits or `-` (like `c1` or `lock-a`), not {}",
            quoted(tok)
        ));
    }
    if RESERVED_NAMES.contains(&tok) || row(tok).is_some() {
        return Err(format!("{} is a keyword, not a client name", quoted(tok)));
    }
    Ok(tok.to_string())
}

fn name(a: &mut Args<'_, '_>) -> Result<String, String> {
    client_name(a.need("a client name")?)
}

/// `client C connect IDS [timeout D]`, `client C close|crash|release`, `client C pause D`,
/// `client C run lock|election|config PATH`, `client C use PATH`.
fn client(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let name = name(a)?;
    let cmd = match a.need("`connect`, `close`, `crash`, `pause`, `run`, `release` or `use`")? {
        "connect" => {
            let ids = a.need("server ids, like `2` or `2,3,1`")?;
            let servers = ids
                .split(',')
                .map(parse_id)
                .collect::<Result<Vec<Sid>, String>>()?;
            let timeout = if a.peek() == Some("timeout") {
                a.next();
                Some(a.duration("a session timeout", false)?)
            } else {
                None
            };
            Command::ClientConnect {
                name,
                servers,
                timeout,
            }
        }
        "close" => Command::ClientClose(name),
        "crash" => Command::ClientCrash(name),
        "pause" => Command::ClientPause {
            name,
            ms: a.duration("a duration", false)?,
        },
        "run" => {
            let word = a.need("a recipe: `lock`, `election` or `config`")?;
            let kind = RecipeKind::parse(word)
                .ok_or_else(|| unknown("recipe", word, &["lock", "election", "config"]))?;
            Command::ClientRun {
                name,
                kind,
                path: path(a)?,
            }
        }
        "release" => Command::ClientRelease(name),
        "move" => Command::ClientMove {
            name,
            sid: parse_id(a.need("a server id, like `2`")?)?,
        },
        "use" => Command::ClientUse {
            name,
            path: path(a)?,
        },
        other => {
            return Err(unknown(
                "client action",
                other,
                &[
                    "connect", "close", "crash", "pause", "run", "release", "use", "move",
                ],
            ))
        }
    };
    a.end()?;
    Ok(cmd)
}

fn path(a: &mut Args<'_, '_>) -> Result<String, String> {
    let usage = format!("`{}` is written like `{}`", a.cmd, a.example);
    let tok = a.need("a client name and a path")?;
    Ok(znode_path(tok, &usage)?.to_string())
}

fn version(a: &mut Args<'_, '_>) -> Result<i32, String> {
    if a.peek().is_none() {
        return Ok(ANY_VERSION);
    }
    a.number("a version (-1 or absent: any)")
}

/// `create C [-e] [-s] PATH [DATA]`.
fn create(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let name = name(a)?;
    let (mut ephemeral, mut sequential) = (false, false);
    while let Some(flag) = a.peek().filter(|t| t.starts_with('-')) {
        match flag {
            "-e" => ephemeral = true,
            "-s" => sequential = true,
            other => return Err(unknown("create flag", other, &["-e", "-s"])),
        }
        a.next();
    }
    let path = path(a)?;
    let data = match a.next() {
        Some(tok) => parse_data(tok)?,
        None => String::new(),
    };
    a.end()?;
    let mode = create_mode(ephemeral, sequential);
    Ok(Command::ClientRequest {
        name,
        op: ClientOp::Create { path, data, mode },
    })
}

/// `set C PATH DATA [VERSION]`.
fn set(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let name = name(a)?;
    let path = path(a)?;
    let data = parse_data(a.need("the data")?)?;
    let version = version(a)?;
    a.end()?;
    Ok(Command::ClientRequest {
        name,
        op: ClientOp::SetData {
            path,
            data,
            version,
        },
    })
}

/// `delete C PATH [VERSION]`.
fn delete(a: &mut Args<'_, '_>, _: &str) -> Result<Command, String> {
    let name = name(a)?;
    let path = path(a)?;
    let version = version(a)?;
    a.end()?;
    Ok(Command::ClientRequest {
        name,
        op: ClientOp::Delete { path, version },
    })
}

/// `get|ls|exists C PATH [watch]`.
fn read(a: &mut Args<'_, '_>, op: fn(String, bool) -> ClientOp) -> Result<Command, String> {
    let name = name(a)?;
    let path = path(a)?;
    let watch = a.peek() == Some("watch");
    if watch {
        a.next();
    }
    a.end()?;
    Ok(Command::ClientRequest {
        name,
        op: op(path, watch),
    })
}

/// `cut C ID` / `heal C ID`: a client's link to a server, both ways.
fn client_link(a: &mut Args<'_, '_>, cut: bool) -> Result<Command, String> {
    let name = name(a)?;
    let sid = a.id()?;
    a.end()?;
    Ok(Command::ClientLink { name, sid, cut })
}

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
    if rest
        .first()
        .is_some_and(|t| t.text != "all" && t.text.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        return client_link(a, cut);
    }
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
    fn recipe_lines_parse_and_print_back() {
        for line in [
            "client c1 run lock /lock",
            "client web run election /svc/leader",
            "client c2 run config /cfg",
            "client c1 release",
            "client c1 use /lock",
        ] {
            let cmd = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(cmd.to_string(), line);
        }
        assert!(parse("client c1 run mutex /lock")
            .unwrap_err()
            .contains("lock"));
        assert!(parse("client c1 run lock lock").is_err());
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
