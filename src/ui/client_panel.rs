//! The client panel (the Clients tab): connect a client with its server list and session
//! timeout, pick one, send it create / set / delete / get / ls / stat / sync with the watch
//! toggle, and read each answer with its zxid — a read marked stale when the znode it saw was
//! older than the leader's at the moment its server answered.

use std::rc::Rc;

use yew::prelude::*;

use super::client_box::{absolute, value_of};
use crate::sim::zab::client::ClientOp;
use crate::sim::zab::message::CreateMode;
use crate::sim::{Command, Sid};
use crate::view::clients::{ClientView, ResourceView, ResultLine};
use crate::view::presets::{self, PRESETS};

#[derive(Properties, PartialEq, Clone)]
pub struct ClientPanelProps {
    pub n: Sid,
    pub clients: Rc<Vec<ClientView>>,
    pub results: Rc<Vec<ResultLine>>,
    pub selected: Option<Rc<str>>,
    /// Clients are ZooKeeper's: the Paxos modes take writes only.
    pub zab: bool,
    pub on_command: Callback<Command>,
    pub on_select: Callback<Option<Rc<str>>>,
    /// The preset playing (its name) and how it ended, if it did.
    #[prop_or_default]
    pub preset: Option<(&'static str, Option<Result<usize, String>>)>,
    #[prop_or_default]
    pub on_preset: Callback<&'static str>,
    /// The resources the recipes' locks protect.
    #[prop_or_default]
    pub resources: Rc<Vec<ResourceView>>,
}

/// The request kinds offered, as zkCli names them.
const OPS: [&str; 7] = ["get", "ls", "stat", "create", "set", "delete", "sync"];
const MODES: [(&str, CreateMode); 4] = [
    ("persistent", CreateMode::Persistent),
    ("ephemeral", CreateMode::Ephemeral),
    ("sequential", CreateMode::Sequential),
    ("ephemeral-sequential", CreateMode::EphemeralSequential),
];
const TIMEOUTS: [u64; 4] = [2_000, 4_000, 10_000, 20_000];

/// The first name `cN` no client has.
fn next_name(clients: &[ClientView]) -> String {
    (1..)
        .map(|k| format!("c{k}"))
        .find(|n| clients.iter().all(|c| &*c.name != n.as_str()))
        .expect("a free name")
}

/// The request the form describes.
fn op_of(op: &str, path: String, data: String, mode: CreateMode, watch: bool) -> ClientOp {
    match op {
        "ls" => ClientOp::GetChildren { path, watch },
        "stat" => ClientOp::Exists { path, watch },
        "create" => ClientOp::Create { path, data, mode },
        "set" => ClientOp::SetData {
            path,
            data,
            version: -1,
        },
        "delete" => ClientOp::Delete { path, version: -1 },
        "sync" => ClientOp::Sync { path },
        _ => ClientOp::GetData { path, watch },
    }
}

#[function_component(ConnectForm)]
fn connect_form(p: &ClientPanelProps) -> Html {
    let timeout = use_state(|| 4_000u64);
    let name = next_name(&p.clients);
    let n = p.n;
    let onsubmit = {
        let (send, select, timeout, name) = (
            p.on_command.clone(),
            p.on_select.clone(),
            *timeout,
            name.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Every server, starting from a different one for each client (as a shuffled
            // connect string spreads clients).
            let k = name.trim_start_matches('c').parse::<Sid>().unwrap_or(1);
            let servers = (0..n).map(|i| (k - 1 + i) % n + 1).collect();
            send.emit(Command::ClientConnect {
                name: name.clone(),
                servers,
                timeout: Some(timeout),
            });
            select.emit(Some(Rc::from(name.as_str())));
        })
    };
    let on_timeout = {
        let timeout = timeout.clone();
        Callback::from(move |e: Event| timeout.set(value_of(&e).parse().unwrap_or(4_000)))
    };
    let options = TIMEOUTS.iter().map(|t| {
        html! { <option value={t.to_string()} selected={*t == *timeout}>{ format!("{} s", t / 1000) }</option> }
    });
    html! {
        <form class="connect" {onsubmit}>
            <label for="client-timeout">{ "session timeout" }</label>
            <select id="client-timeout" onchange={on_timeout}>{ for options }</select>
            <button type="submit" class="primary">{ format!("Connect {name}") }</button>
        </form>
    }
}

fn client_list(p: &ClientPanelProps) -> Html {
    let items = p.clients.iter().map(|c| {
        let name = c.name.clone();
        let checked = p.selected.as_deref() == Some(&*c.name);
        let onchange = p.on_select.reform(move |_: Event| Some(name.clone()));
        let at = match (c.server, c.connected) {
            (Some(s), true) => format!("at s{s}"),
            (Some(s), false) => format!("→ s{s}"),
            _ => String::new(),
        };
        let id = format!("pick-{}", c.name);
        html! {
            <li key={&*c.name} class={classes!("pick", c.state)}>
                <input type="radio" name="client-pick" id={id.clone()} {checked} {onchange} />
                <label for={id}>
                    <strong>{ c.name.to_string() }</strong>
                    <span class="state">{ if c.paused { "paused" } else { c.state } }</span>
                    <span class="at">{ at }</span>
                    if c.session != 0 {
                        <span class="session">{ format!("0x{:x}", c.session) }</span>
                    }
                    <span class="zxid">{ format!("seen {}", c.last_zxid) }</span>
                    if let Some(b) = &c.belief {
                        <span class="belief">{ b.to_string() }</span>
                    }
                </label>
            </li>
        }
    });
    html! { <ul class="client-list" aria-label="Clients">{ for items }</ul> }
}

#[function_component(RequestForm)]
fn request_form(p: &ClientPanelProps) -> Html {
    let op = use_state(|| "get".to_string());
    let path = use_state(|| "/config".to_string());
    let data = use_state(|| "v1".to_string());
    let mode = use_state(|| 0usize);
    let watch = use_state(|| false);
    let Some(name) = p.selected.clone() else {
        return html! {};
    };
    let onsubmit = {
        let (send, op, path, data, mode, watch) = (
            p.on_command.clone(),
            op.clone(),
            path.clone(),
            data.clone(),
            *mode,
            *watch,
        );
        let name = name.to_string();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let pth = absolute(&path);
            let request = op_of(&op, pth, (*data).clone(), MODES[mode].1, watch);
            send.emit(Command::ClientRequest {
                name: name.clone(),
                op: request,
            });
        })
    };
    let set = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: Event| s.set(value_of(&e)))
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |e: Event| mode.set(value_of(&e).parse().unwrap_or(0)))
    };
    let on_watch = {
        let watch = watch.clone();
        Callback::from(move |_: Event| watch.set(!*watch))
    };
    let ops = OPS
        .iter()
        .map(|o| html! { <option value={*o} selected={*o == op.as_str()}>{ *o }</option> });
    let modes = MODES.iter().enumerate().map(|(i, (m, _))| {
        html! { <option value={i.to_string()} selected={i == *mode}>{ *m }</option> }
    });
    let takes_data = matches!(op.as_str(), "create" | "set");
    let watches = matches!(op.as_str(), "get" | "ls" | "stat");
    html! {
        <form class="request" {onsubmit} aria-label={format!("A request from {name}")}>
            <label for="req-op">{ "op" }</label>
            <select id="req-op" onchange={set(&op)}>{ for ops }</select>
            <label for="req-path">{ "path" }</label>
            <input id="req-path" type="text" value={(*path).clone()} onchange={set(&path)}
                spellcheck="false" autocomplete="off" />
            if takes_data {
                <label for="req-data">{ "data" }</label>
                <input id="req-data" type="text" value={(*data).clone()} onchange={set(&data)}
                    spellcheck="false" autocomplete="off" />
            }
            if op.as_str() == "create" {
                <label for="req-mode">{ "mode" }</label>
                <select id="req-mode" onchange={on_mode}>{ for modes }</select>
            }
            if watches {
                <label class="watch" for="req-watch">
                    <input id="req-watch" type="checkbox" checked={*watch} onchange={on_watch} />
                    { "leave a watch" }
                </label>
            }
            <button type="submit" class="primary">{ format!("Send from {name}") }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ResultsProps {
    results: Rc<Vec<ResultLine>>,
}

/// The answers, newest last, following the newest while the reader is at the end.
#[function_component(Results)]
fn result_list(p: &ResultsProps) -> Html {
    let (list, onscroll) = super::follow::use_follow_end();
    let results = &p.results;
    if results.is_empty() {
        return html! { <p class="hint">{ "Answers appear here, each with its zxid; a read older than the leader's value is marked stale." }</p> };
    }
    let items = results.iter().map(|r| {
        let stale = r.stale_words();
        html! {
            <li key={r.seq} class={classes!("result", (!r.ok).then_some("error"), r.staleness())}
                data-stale={r.staleness()}>
                <span class="who">{ if r.server == 0 { r.client.to_string() } else { format!("{} @s{}", r.client, r.server) } }</span>
                <span class="what">{ r.what.clone() }</span>
                <span class="outcome">{ format!("→ {}", r.outcome) }</span>
                <span class="zxid" title="the reply's zxid: the server's last processed zxid when it answered">{ format!("zxid {}", r.zxid) }</span>
                if let Some(words) = stale {
                    <span class="stale-tag">{ words }</span>
                }
            </li>
        }
    });
    // It scrolls: a tab stop of its own lets the keyboard scroll it too.
    html! { <ol class="results" ref={list} {onscroll} tabindex="0" aria-label="Client answers, newest last">{ for items }</ol> }
}

fn preset_list(p: &ClientPanelProps) -> Html {
    let buttons = PRESETS.iter().map(|preset| {
        let name = preset.name;
        let on = p.preset.as_ref().is_some_and(|(n, _)| *n == name);
        html! {
            <li key={name}>
                <button data-preset={name} title={preset.about()} aria-pressed={on.to_string()}
                    onclick={p.on_preset.reform(move |_: MouseEvent| name)}>{ preset.title() }</button>
            </li>
        }
    });
    let state = p.preset.as_ref().map(|(name, outcome)| {
        let title = presets::find(name).map_or(*name, |p| p.title());
        match outcome {
            None => format!("Playing “{title}”: the feed narrates each line as it runs."),
            Some(Ok(n)) => format!("“{title}” is over: every line ran, {n} expectations held."),
            Some(Err(e)) => e.clone(),
        }
    });
    html! {
        <section class="presets" aria-label="Recipes and lessons">
            <h2>{ "Recipes and lessons" }</h2>
            <ul>{ for buttons }</ul>
            if let Some(state) = state {
                <p class="preset-state" role="status">{ state }</p>
            }
        </section>
    }
}

/// Each protected resource: the highest token it took, and its last writes, a stale token
/// refused — fencing, which keeps a paused holder that lost its lock from doing harm.
fn resource_list(resources: &[ResourceView]) -> Html {
    let items = resources.iter().map(|r| {
        let writes = r.writes.iter().map(|w| {
            let verdict = if w.accepted { "accepted" } else { "refused: an older token" };
            html! {
                <li class={classes!(if w.accepted { "accepted" } else { "refused" })} data-fenced={(!w.accepted).to_string()}>
                    { format!("{} writes with token {} → {verdict}", w.client, w.token) }
                </li>
            }
        });
        html! {
            <li key={r.path.clone()} class="resource">
                <strong>{ format!("The resource {} guards", r.path) }</strong>
                <span class="zxid">{ format!(" · highest token {}", r.highest) }</span>
                <ul>{ for writes }</ul>
            </li>
        }
    });
    html! { <ul class="resources" aria-label="Protected resources">{ for items }</ul> }
}

#[function_component(ClientPanel)]
pub fn client_panel(p: &ClientPanelProps) -> Html {
    if !p.zab {
        return html! {
            <div class="client-panel"><p class="hint">{ "Clients and sessions are ZooKeeper's: the Paxos modes take writes only (the Client box above)." }</p></div>
        };
    }
    html! {
        <div class="client-panel">
            { preset_list(p) }
            <ConnectForm ..p.clone() />
            if !p.clients.is_empty() {
                { client_list(p) }
            }
            <RequestForm ..p.clone() />
            if !p.resources.is_empty() {
                { resource_list(&p.resources) }
            }
            <Results results={p.results.clone()} />
        </div>
    }
}
