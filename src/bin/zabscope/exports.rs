//! `zabscope run`'s exports: the recorded trace written to the files `--trace` and `--shiviz`
//! name, in the formats `sim::trace_export` and `sim::shiviz` define (the page writes the
//! same bytes from the same functions).

use super::run_args::RunArgs;
use zabscope::sim::{jsonl, shiviz_log, World};

/// Writes every export the arguments ask for; an error names the file that failed.
pub fn write_exports(world: &World, args: &RunArgs) -> Result<(), String> {
    if let Some(path) = &args.trace {
        write(path, &jsonl(world.trace()))?;
    }
    if let Some(path) = &args.shiviz {
        write(path, &shiviz_log(world.trace()))?;
    }
    Ok(())
}

fn write(path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}
