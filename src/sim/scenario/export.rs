//! A run as a script: the world's configuration as configuration lines, then its command log
//! with `run` lines for the virtual time between commands, up to the present. A run *is* its
//! configuration plus its timestamped commands, so replaying the script reaches the same state
//! (the same state hash): what a link, an export or a branch of the timeline carries.

use super::run::world_config;
use super::{Script, Stmt};
use crate::sim::world::{Protocol, World, WorldConfig};
use crate::sim::zab::Variant;

/// The configuration lines that build `cfg`, or why it cannot be written as a script.
pub fn config_stmts(cfg: &WorldConfig) -> Result<Vec<Stmt>, String> {
    let e = &cfg.ensemble;
    let mut out = vec![
        Stmt::Servers(e.voters.len()),
        Stmt::Observers(e.observers.len()),
        Stmt::Seed(cfg.seed),
        Stmt::Tick(e.tick_ms),
        Stmt::Latency(cfg.latency_min, cfg.latency_max),
        Stmt::InitLimit(e.init_limit),
        Stmt::SyncLimit(e.sync_limit),
    ];
    if cfg.protocol != Protocol::Zab {
        out.push(Stmt::Protocol(cfg.protocol.name().into()));
        out.push(Stmt::Backoff(cfg.paxos_backoff));
        if cfg.paxos_variant != crate::sim::paxos::PaxosVariant::Correct {
            out.push(Stmt::Variant(cfg.paxos_variant.name().into()));
        }
    } else if e.variant != Variant::Correct {
        out.push(Stmt::Variant(e.variant.name().into()));
    }
    // Anything the lines cannot say (FLE's timeouts, the committed log's length...) must be
    // at its default, or the script would build another world.
    let back = world_config(&Script::from_stmts(out.clone())).map_err(|e| e.message)?;
    if back != *cfg {
        return Err("this ensemble has settings the scenario language cannot write".into());
    }
    Ok(out)
}

/// The whole run so far as a script whose replay reaches the same state.
pub fn script_of(world: &World) -> Result<Script, String> {
    let mut stmts = config_stmts(&world.cfg)?;
    let mut at = 0;
    for (t, cmd) in world.command_log() {
        if *t > at {
            stmts.push(Stmt::Run(t - at));
            at = *t;
        }
        stmts.push(Stmt::Act(cmd.clone()));
    }
    if world.now() > at {
        stmts.push(Stmt::Run(world.now() - at));
    }
    Ok(Script::from_stmts(stmts))
}
