//! Per-server overlays that move with virtual time: a countdown ring around each node for the
//! timeout that fires next (refilled by every packet from the leader, which is the heartbeat
//! made visible), and a short pulse when a PING arrives.

use std::rc::Rc;

use yew::prelude::*;

use super::fmt::{f1, translate, unit};
use super::layout::{Layout, Sizes};
use crate::sim::Millis;
use crate::view::scene::Countdown;

#[derive(Properties, PartialEq, Clone)]
pub struct TimersProps {
    pub layout: Rc<Layout>,
    pub timers: Rc<Vec<Option<Countdown>>>,
    pub pings: Rc<Vec<Option<Millis>>>,
    pub now: f64,
    pub reduced: bool,
    pub sizes: Sizes,
    /// Servers an invariant violation names.
    #[prop_or_default]
    pub alarm: Rc<Vec<crate::sim::Sid>>,
}

/// How long a PING pulse lasts, in virtual ms.
const PULSE_MS: f64 = 60.0;

#[function_component(Timers)]
pub fn timers(p: &TimersProps) -> Html {
    let l = &*p.layout;
    // Around the node, just outside its outline.
    let r = l.r + (6.0 / p.sizes.scale).max(8.0);
    let circumference = 2.0 * std::f64::consts::PI * r;
    let rings = p.timers.iter().enumerate().map(|(i, t)| {
        let Some(t) = t else { return html! {} };
        let Some(&(x, y)) = l.pos.get(i) else {
            return html! {};
        };
        let left = ((t.due as f64 - p.now) / t.period.max(1) as f64).clamp(0.0, 1.0);
        let pulse = (!p.reduced)
            .then(|| p.pings.get(i).copied().flatten())
            .flatten()
            .map(|at| (p.now - at as f64) / PULSE_MS)
            .filter(|age| (0.0..1.0).contains(age));
        html! {
            <g key={i} transform={translate(x, y)} data-countdown={t.kind.name()}>
                <circle class={classes!("countdown", (left < 0.25).then_some("low"))} r={f1(r)}
                    stroke-dasharray={format!("{} 999", (circumference * left).round() as u32)} />
                if let Some(age) = pulse {
                    <circle class="pulse" r={f1(r + 2.0 + 10.0 * age)} opacity={unit(1.0 - age)} />
                }
            </g>
        }
    });
    let halo = l.r + (12.0 / p.sizes.scale).max(16.0);
    let alarms = p.alarm.iter().filter_map(|&s| {
        let &(x, y) = l.pos.get(s as usize - 1)?;
        Some(html! {
            <circle key={s} class="alarm" data-alarm={s.to_string()} cx={f1(x)} cy={f1(y)} r={f1(halo)} />
        })
    });
    html! {
        <g class="timers" aria-hidden="true">
            { for rings }
            <g class="alarms">{ for alarms }</g>
        </g>
    }
}
