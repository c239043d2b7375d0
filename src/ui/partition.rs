//! The partition tool: pick a group of servers and split it from the rest (every link between
//! the group and the others cut both ways); heal all.

use yew::prelude::*;

use crate::sim::{Command, Sid};

#[derive(Properties, PartialEq, Clone)]
pub struct PartitionProps {
    pub n: Sid,
    /// Bumped by the `p` shortcut: focus the tool.
    pub focus: u32,
    pub any_cut: bool,
    /// Split this group from the others.
    pub on_partition: Callback<Vec<Sid>>,
    pub on_command: Callback<Command>,
}

#[function_component(Partition)]
pub fn partition(p: &PartitionProps) -> Html {
    // A bit per server: bit sid-1 set = in the group.
    let group = use_state(|| 0u32);
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(p.focus, move |f| {
            if *f > 0 {
                if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let members: Vec<Sid> = (1..=p.n).filter(|s| *group & (1 << (s - 1)) != 0).collect();
    let boxes = (1..=p.n).map(|s| {
        let checked = *group & (1 << (s - 1)) != 0;
        let group = group.clone();
        let onchange = Callback::from(move |_: Event| group.set(*group ^ (1 << (s - 1))));
        let id = format!("part-{s}");
        html! {
            <label class={classes!("chip", checked.then_some("on"))} for={id.clone()}>
                <input {id} type="checkbox" {checked} {onchange}
                    ref={if s == 1 { first.clone() } else { NodeRef::default() }} />
                { format!("s{s}") }
            </label>
        }
    });
    let split = {
        let send = p.on_partition.clone();
        let members = members.clone();
        let group = group.clone();
        Callback::from(move |_: MouseEvent| {
            send.emit(members.clone());
            group.set(0);
        })
    };
    let valid = !members.is_empty() && (members.len() as Sid) < p.n;
    html! {
        <fieldset class="tool partition">
            <legend>{ "Partition" }</legend>
            <p class="hint">{ "Pick a group, then split it from the rest (every link across, both ways)." }</p>
            <div class="chips" role="group" aria-label="Servers in the group">{ for boxes }</div>
            <div class="row">
                <button class="danger" onclick={split} disabled={!valid}>
                    { if members.is_empty() { "Split group from the rest".to_string() } else {
                        format!("Split {} from the rest", members.iter().map(|s| format!("s{s}")).collect::<Vec<_>>().join(", "))
                    } }
                </button>
                <button onclick={p.on_command.reform(|_: MouseEvent| Command::HealAll)} disabled={!p.any_cut}
                    title="Heal every link (h)">{ "Heal all" }</button>
            </div>
        </fieldset>
    }
}
