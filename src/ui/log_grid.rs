//! The log grid: a table, rows = servers, columns = the newest txns (or Paxos slots), each
//! cell tinted by what that server holds of it; the leader's commit point marked. A screen
//! reader reads it as the table it is. Hooks: `data-cell="SID:ZXID"` and `data-status`.

use std::rc::Rc;

use yew::prelude::*;

use crate::view::grid::{Cell, Grid};

#[derive(Properties, PartialEq, Clone)]
pub struct LogGridProps {
    pub grid: Rc<Grid>,
}

/// What a cell says in its tooltip and to a screen reader.
fn cell_words(cell: Cell) -> String {
    match cell {
        Cell::Absent => "not held".into(),
        Cell::Logged => "logged, not known committed".into(),
        Cell::Proposed => "proposed, waiting for a quorum of ACKs".into(),
        Cell::Committed => "committed and applied".into(),
        Cell::Snapshot => "in its snapshot (from a SNAP)".into(),
        Cell::Truncated => "removed by TRUNC or SNAP".into(),
        Cell::Accepted(b) => format!("accepted under ballot {b}"),
        Cell::Chosen => "learned: chosen".into(),
    }
}

/// The short head of a column: a zxid's counter (its epoch is the group above), a slot number.
fn short(grid: &Grid, key: u64) -> String {
    if grid.paxos {
        key.to_string()
    } else {
        format!("{:x}", key & 0xffff_ffff)
    }
}

#[function_component(LogGrid)]
pub fn log_grid(p: &LogGridProps) -> Html {
    let g = &*p.grid;
    let commit = g.commit_column();
    let caption = if g.paxos {
        "Slots: what each server accepted and learned"
    } else {
        "Logs: every server's txns by zxid"
    };
    let epochs = g.epochs().into_iter().map(|(e, _, n)| {
        // A group of one or two columns has room for the short name only. The name sits in
        // an absolutely placed span so that it never widens a column (no layout shift).
        let label = match (g.paxos, n) {
            (true, _) => "slot".to_string(),
            (false, 1 | 2) => format!("e{e}"),
            (false, _) => format!("epoch {e}"),
        };
        html! {
            <th key={e} colspan={n.to_string()} scope="colgroup" class="epoch" title={format!("epoch {e}")}>
                <span>{ label }</span>
            </th>
        }
    });
    let heads = g.columns.iter().enumerate().map(|(i, c)| {
        let title = if c.what.is_empty() { c.name.clone() } else { format!("{}: {}", c.name, c.what) };
        html! {
            <th key={i} scope="col" class={classes!("zxid", (commit == Some(i)).then_some("commit"))} {title}>
                { short(g, c.key) }
            </th>
        }
    });
    let rows = g.rows.iter().map(|r| {
        // The crown is always there, shown only on the leader's row: a change of leader then
        // changes no text and moves nothing.
        let mark = if r.observer {
            html! { <span class="mark">{ " (obs)" }</span> }
        } else {
            html! {
                <span class={classes!("mark", "crown", (!r.leads).then_some("off"))}
                    aria-hidden={(!r.leads).to_string()}>{ " ♛" }</span>
            }
        };
        let cells = r.cells.iter().zip(&g.columns).enumerate().map(|(i, (cell, c))| {
            let words = cell_words(*cell);
            html! {
                // Keyed by column, not by zxid: a cell keeps its box while the window slides
                // (unkeyed, Yew would match children from the end and move every box).
                <td key={i} class={classes!("cell", cell.as_str(), (commit == Some(i)).then_some("commit"))}
                    data-cell={format!("{}:{}", r.sid, c.name)} data-status={cell.as_str()}
                    title={format!("s{} · {} · {}", r.sid, c.name, words)}>
                    <span class="sr">{ words }</span>
                </td>
            }
        });
        html! {
            <tr class={classes!((!r.up).then_some("down"))}>
                <th key="sid" scope="row">{ format!("s{}", r.sid) }{ mark }</th>
                { for cells }
            </tr>
        }
    });
    // Empty, the grid keeps its rows: it is as tall before the first txn as after it, so
    // nothing around it moves when the first column appears.
    let empty = g.columns.is_empty().then(|| {
        let what = if g.paxos {
            " · no slot accepted yet: write a value"
        } else {
            " · no txn logged yet: write a value"
        };
        html! { <span class="muted">{ what }</span> }
    });
    let earlier = (g.earlier > 0).then(|| {
        html! {
            <span class="muted">{ format!(" · {} older not shown", g.earlier) }</span>
        }
    });
    html! {
        <section class="panel log-grid" aria-label="Logs">
            <p class="grid-title" aria-hidden="true">{ caption }{ for earlier.clone() }{ for empty.clone() }</p>
            <div class="grid-scroll" tabindex="0" role="region" aria-label="Logs, side by side">
                <table>
                    <caption class="sr">{ caption }{ for earlier }{ for empty }</caption>
                    <thead>
                        <tr><td></td>{ for epochs }<th class="epoch spacer" aria-hidden="true"></th></tr>
                        <tr><td></td>{ for heads }<th class="zxid spacer" aria-hidden="true"></th></tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
