//! The root component: owns the world and the one timer that advances it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::{Params, ServerCard};
use crate::sim::{Command, World, WorldConfig};

/// Real milliseconds between two steps of the simulation (and redraws).
const FRAME_MS: u32 = 50;
/// A longer real gap (a background tab, a debugger pause) advances virtual time by at most this.
const MAX_FRAME_MS: f64 = 250.0;

fn boot(p: &Params) -> World {
    let mut world = World::new(WorldConfig::new(p.voters, p.observers, p.seed));
    world
        .apply(Command::StartAll)
        .expect("StartAll on a fresh world");
    world
}

/// Virtual time as seconds with one decimal, without float formatting (which costs ~10 KB of wasm).
fn clock(ms: u64) -> String {
    format!("t = {}.{} s", ms / 1000, ms % 1000 / 100)
}

#[function_component(App)]
pub fn app() -> Html {
    let params = use_memo((), |_| Params::from_location());
    let world: Rc<RefCell<World>> = use_mut_ref(|| boot(&params));
    let playing = use_state(|| true);
    let redraw = use_force_update();

    // While playing, advance virtual time by (real time elapsed × speed) every frame.
    {
        let world = world.clone();
        let redraw = redraw.clone();
        let speed = params.speed;
        use_effect_with(*playing, move |&playing| {
            let timer = playing.then(|| {
                let mut last = js_sys::Date::now();
                let mut budget = 0.0_f64; // virtual ms not yet simulated (the fraction of one)
                Interval::new(FRAME_MS, move || {
                    let now = js_sys::Date::now();
                    budget += (now - last).clamp(0.0, MAX_FRAME_MS) * speed;
                    last = now;
                    let step = budget.floor();
                    budget -= step;
                    {
                        let mut w = world.borrow_mut();
                        let target = w.now() + step as u64;
                        w.run_until(target);
                    }
                    redraw.force_update();
                })
            });
            move || drop(timer)
        });
    }

    let toggle = {
        let playing = playing.clone();
        Callback::from(move |_| playing.set(!*playing))
    };
    let restart = {
        let world = world.clone();
        let params = params.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            *world.borrow_mut() = boot(&params);
            redraw.force_update();
        })
    };

    let w = world.borrow();
    let view = w.view();
    let servers = view.servers.iter().map(|s| {
        html! {
            <ServerCard
                key={s.id}
                id={s.id}
                mode={s.mode}
                phase={s.phase}
                epoch={s.epoch}
                accepted_epoch={s.accepted_epoch}
                zxid={AttrValue::from(s.zxid.to_string())}
                leader={s.leader}
            />
        }
    });

    html! {
        <>
            <header class="bar">
                <h1>{ "ZabScope" }</h1>
                <span class="sub">{ "ZooKeeper leader election + Zab, simulated" }</span>
                <span class="spacer" />
                <span class="clock" title="virtual time">{ clock(w.now()) }</span>
                <span class="seed">{ format!("seed {}", params.seed) }</span>
                <button class="play" onclick={toggle} aria-pressed={(!*playing).to_string()}>
                    { if *playing { "Pause" } else { "Play" } }
                </button>
                <button class="restart" onclick={restart}>{ "Restart" }</button>
            </header>
            <ul class="servers">{ for servers }</ul>
        </>
    }
}
