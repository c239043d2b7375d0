//! The animation clock both pages share: one requestAnimationFrame at a time, only while the
//! simulation plays and the tab is visible, turning real frame intervals into virtual time
//! (the caller multiplies by its speed). A long gap (a stalled tab, a debugger) is capped so
//! the ensemble never leaps.

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// The most real time one frame may count for.
const MAX_FRAME_MS: f64 = 100.0;

pub struct FrameClock {
    on_frame: Closure<dyn FnMut(f64)>,
    raf_id: Option<i32>,
    last_ts: Option<f64>,
    /// The tab is hidden: no frames at all.
    pub hidden: bool,
    _visibility: EventListener,
}

impl FrameClock {
    /// `on_frame` receives each frame's timestamp (hand it back to `frame`); `on_visibility`
    /// hears the tab being hidden or shown (call `visibility_changed`).
    pub fn new(on_frame: Callback<f64>, on_visibility: Callback<()>) -> FrameClock {
        let doc = window().document().expect("a document");
        let hidden = doc.hidden();
        let on_frame = Closure::<dyn FnMut(f64)>::new(move |ts: f64| on_frame.emit(ts));
        let visibility =
            EventListener::new(&doc, "visibilitychange", move |_| on_visibility.emit(()));
        FrameClock {
            on_frame,
            raf_id: None,
            last_ts: None,
            hidden,
            _visibility: visibility,
        }
    }

    /// Ask for the next frame, if the page is playing and visible and none is pending.
    pub fn request(&mut self, playing: bool) {
        if self.raf_id.is_none() && playing && !self.hidden {
            self.raf_id = window()
                .request_animation_frame(self.on_frame.as_ref().unchecked_ref())
                .ok();
        }
    }

    /// Stop asking for frames; the next frame after a restart counts from zero.
    pub fn cancel(&mut self) {
        if let Some(id) = self.raf_id.take() {
            let _ = window().cancel_animation_frame(id);
        }
        self.last_ts = None;
    }

    /// A frame arrived at `ts`: the real milliseconds to animate (capped), or `None` if there
    /// is nothing to do (stopped, hidden, or the first frame after a pause).
    pub fn frame(&mut self, ts: f64, playing: bool) -> Option<f64> {
        self.raf_id = None;
        if !playing || self.hidden {
            self.last_ts = None;
            return None;
        }
        let dt = self
            .last_ts
            .map_or(0.0, |l| (ts - l).clamp(0.0, MAX_FRAME_MS));
        self.last_ts = Some(ts);
        self.request(playing);
        (dt > 0.0).then_some(dt)
    }

    /// The tab was shown or hidden: stop or resume the frames.
    pub fn visibility_changed(&mut self, playing: bool) {
        self.hidden = window().document().is_some_and(|d| d.hidden());
        if self.hidden {
            self.cancel();
        } else {
            self.request(playing);
        }
    }

    /// Play or pause.
    pub fn set_playing(&mut self, playing: bool) {
        if playing {
            self.request(true);
        } else {
            self.cancel();
        }
    }
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}
