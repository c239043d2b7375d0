//! `zabscope run`'s arguments: one script file and flags in any order around it (the older
//! `run [flags] FILE` is one of those orders). A flag that takes a path takes the next word.

/// What `zabscope run` was asked to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunArgs {
    pub file: String,
    /// Print the narrated feed to stderr as it happens.
    pub feed: bool,
    /// Print `state-hash HEX` as the last line of stdout.
    pub hash: bool,
    /// Write the trace as JSON lines here.
    pub trace: Option<String>,
    /// Write the ShiViz log here.
    pub shiviz: Option<String>,
}

impl RunArgs {
    /// Whether the run must record its trace (an export wants it).
    pub fn wants_trace(&self) -> bool {
        self.trace.is_some() || self.shiviz.is_some()
    }
}

/// Parses the words after `run`; an error is the usage problem to print.
pub fn parse(args: &[String]) -> Result<RunArgs, String> {
    let mut out = RunArgs::default();
    let mut file: Option<&String> = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--feed" => out.feed = true,
            "--hash" => out.hash = true,
            flag @ ("--trace" | "--shiviz") => {
                let path = words
                    .next()
                    .filter(|p| !p.starts_with("--"))
                    .ok_or_else(|| format!("`{flag}` needs a file to write"))?;
                let slot = if flag == "--trace" {
                    &mut out.trace
                } else {
                    &mut out.shiviz
                };
                if slot.replace(path.clone()).is_some() {
                    return Err(format!("`{flag}` is given twice"));
                }
            }
            flag if flag.starts_with("--") => {
                return Err(format!("`run` does not know `{flag}`"));
            }
            _ if file.is_some() => return Err("`run` takes one script file".into()),
            _ => file = Some(word),
        }
    }
    out.file = file.ok_or("`run` needs a script file")?.clone();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_come_in_any_order_around_the_file() {
        let want = RunArgs {
            file: "a.zs".into(),
            feed: false,
            hash: true,
            trace: Some("t.jsonl".into()),
            shiviz: Some("s.log".into()),
        };
        for line in [
            "a.zs --hash --trace t.jsonl --shiviz s.log",
            "--shiviz s.log a.zs --trace t.jsonl --hash",
            "--hash --trace t.jsonl --shiviz s.log a.zs",
        ] {
            assert_eq!(parse(&words(line)), Ok(want.clone()), "{line}");
        }
        let old = parse(&words("--feed --hash a.zs")).unwrap();
        assert!(old.feed && old.hash && !old.wants_trace());
    }

    #[test]
    fn an_unknown_flag_is_named() {
        let err = parse(&words("a.zs --hahs")).unwrap_err();
        assert!(err.contains("`--hahs`"), "{err}");
    }

    #[test]
    fn a_path_flag_needs_its_path() {
        let err = parse(&words("a.zs --trace")).unwrap_err();
        assert!(err.contains("`--trace` needs a file"), "{err}");
        let err = parse(&words("--shiviz --hash a.zs")).unwrap_err();
        assert!(err.contains("`--shiviz` needs a file"), "{err}");
        let err = parse(&words("a.zs --trace x --trace y")).unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }

    #[test]
    fn exactly_one_file() {
        assert!(parse(&words("a.zs b.zs"))
            .unwrap_err()
            .contains("one script"));
        assert!(parse(&words("--hash"))
            .unwrap_err()
            .contains("needs a script"));
        assert!(parse(&[]).unwrap_err().contains("needs a script"));
    }
}
