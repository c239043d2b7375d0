//! A panic must never leave a blank or silently frozen page: the hook logs it with a JS stack
//! trace and shows it in a fixed banner (`#error-banner`) at the top of the page. Uses
//! wasm-bindgen and web-sys directly (no extra crate). index.html covers the case where the
//! wasm module cannot load at all.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(msg: &str);

    type Error;
    #[wasm_bindgen(constructor)]
    fn new() -> Error;
    #[wasm_bindgen(method, getter)]
    fn stack(this: &Error) -> String;
}

/// Installs the hook. Call it before `yew::Renderer::render`, which otherwise installs its own
/// console-only hook.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        error(&format!("{message}\n\nStack:\n\n{}", Error::new().stack()));
        show_panic(&message);
    }));
}

/// Shows `message` in the error banner, creating the banner if needed.
pub fn show_panic(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let banner = match doc.get_element_by_id("error-banner") {
        Some(banner) => banner,
        None => {
            let (Ok(banner), Some(body)) = (doc.create_element("div"), doc.body()) else {
                return;
            };
            banner.set_id("error-banner");
            let _ = banner.set_attribute("role", "alert");
            // Inline style: the banner must show even if the stylesheet did not load.
            let _ = banner.set_attribute(
                "style",
                "position:fixed;top:0;left:0;right:0;z-index:1000;padding:.6em 1em;\
                 background:#b3261e;color:#fff;font:14px/1.4 system-ui,sans-serif;\
                 white-space:pre-wrap;max-height:50vh;overflow:auto",
            );
            let _ = body.append_child(&banner);
            banner
        }
    };
    banner.set_text_content(Some(&format!(
        "ZabScope crashed (reload the page to start again; details in the console):\n{message}"
    )));
}
