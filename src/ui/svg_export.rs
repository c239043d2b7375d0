//! The space-time diagram saved as a picture, exactly as on show: the live `<svg>` cloned,
//! the computed styles that draw it written onto the clone (so that the file needs neither
//! the page's CSS nor its custom properties: colours are the current theme's), a background
//! in the colour it stands on and a `<title>` naming the run, serialized with XMLSerializer.
//! The PNG is that SVG drawn on a canvas at twice the screen's resolution.
//!
//! What is exported and its name and title are `crate::view::files`; this only reads the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

use super::files::{said, save_blob, text_blob};
use crate::view::files::{Download, ExportKind, FileAction};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The properties that draw the diagram, all inherited: each is written where it differs
/// from the parent's (the root's all), which the file inherits back the same way.
const INHERITED: [&str; 16] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "paint-order",
    "font-family",
    "font-size",
    "font-weight",
    "font-variant-numeric",
    "text-anchor",
    "dominant-baseline",
    "visibility",
];

/// The largest side of the PNG, in pixels (browsers refuse far bigger canvases).
const MAX_SIDE: f64 = 16_384.0;

/// Saves the diagram on show as `d` asks (SVG or PNG). A failure after this returns (the
/// PNG is drawn asynchronously) is sent to `on` for the status line.
pub fn save_diagram(d: &Download, on: Callback<FileAction>) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("there is no window")?;
    let doc = window.document().ok_or("there is no document")?;
    let svg = doc
        .query_selector("[data-timeline] svg")?
        .ok_or("the diagram is not on show: open it first")?;
    let rect = svg.get_bounding_client_rect();
    let (w, h) = (rect.width(), rect.height());
    if w < 1.0 || h < 1.0 {
        return Err("the diagram has no size on the page".into());
    }
    match d.kind {
        ExportKind::DiagramPng => {
            let scale = (window.device_pixel_ratio().max(1.0) * 2.0)
                .min(MAX_SIDE / w)
                .min(MAX_SIDE / h);
            let size = ((w * scale).round() as u32, (h * scale).round() as u32);
            let text = standalone(&window, &doc, &svg, &d.text, Some(size))?;
            rasterize(&doc, &text, size, d.name.clone(), on)
        }
        _ => {
            let text = standalone(&window, &doc, &svg, &d.text, None)?;
            save_blob(&d.name, &text_blob(&text, d.mime)?)
        }
    }
}

/// The diagram `svg` as a file that stands alone, titled `title`; `size`: drawn at that many
/// pixels (its coordinates unchanged), else at its size on the page.
fn standalone(
    window: &web_sys::Window,
    doc: &web_sys::Document,
    svg: &web_sys::Element,
    title: &str,
    size: Option<(u32, u32)>,
) -> Result<String, JsValue> {
    let copy: web_sys::Element = svg.clone_node_with_deep(true)?.dyn_into()?;
    inline(window, svg, &copy, &[])?;
    // A picture for whoever opens the file, not a decoration the page hides.
    copy.remove_attribute("aria-hidden")?;
    copy.set_attribute("role", "img")?;
    if let Some((w, h)) = size {
        copy.set_attribute("width", &w.to_string())?;
        copy.set_attribute("height", &h.to_string())?;
    }
    let back = doc.create_element_ns(Some(SVG_NS), "rect")?;
    back.set_attribute("class", "background")?;
    back.set_attribute("width", "100%")?;
    back.set_attribute("height", "100%")?;
    back.set_attribute(
        "style",
        &format!("fill:{};stroke:none", background(window, svg)),
    )?;
    copy.prepend_with_node_1(&back)?;
    let t = doc.create_element_ns(Some(SVG_NS), "title")?;
    t.set_text_content(Some(title));
    copy.prepend_with_node_1(&t)?;
    let text = web_sys::XmlSerializer::new()?.serialize_to_string(&copy)?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"
    ))
}

/// Writes onto `copy` (and its descendants) the styles the browser computed for `orig` (and
/// its), each inherited one where it differs from `parent`'s; drops what only the page
/// needs.
fn inline(
    window: &web_sys::Window,
    orig: &web_sys::Element,
    copy: &web_sys::Element,
    parent: &[String],
) -> Result<(), JsValue> {
    let computed = window
        .get_computed_style(orig)?
        .ok_or("the browser computed no style")?;
    let mut style = String::new();
    let mut mine = Vec::with_capacity(INHERITED.len());
    for (i, name) in INHERITED.iter().enumerate() {
        let v = computed.get_property_value(name)?;
        if !v.is_empty() && parent.get(i) != Some(&v) {
            push(&mut style, name, &v);
        }
        mine.push(v);
    }
    let opacity = computed.get_property_value("opacity")?;
    if !opacity.is_empty() && opacity != "1" {
        push(&mut style, "opacity", &opacity);
    }
    if computed.get_property_value("display")? == "none" {
        push(&mut style, "display", "none");
    }
    if style.is_empty() {
        copy.remove_attribute("style")?;
    } else {
        copy.set_attribute("style", &style)?;
    }
    copy.remove_attribute("tabindex")?;
    let (mut a, mut b) = (orig.first_element_child(), copy.first_element_child());
    while let (Some(x), Some(y)) = (a, b) {
        // A tooltip's words: nothing to draw.
        if x.local_name() != "title" {
            inline(window, &x, &y, &mine)?;
        }
        a = x.next_element_sibling();
        b = y.next_element_sibling();
    }
    Ok(())
}

fn push(style: &mut String, name: &str, value: &str) {
    style.push_str(name);
    style.push(':');
    style.push_str(value);
    style.push(';');
}

/// The colour the diagram stands on: the nearest ancestor's background that is not
/// transparent (the drawer's panel), else white.
fn background(window: &web_sys::Window, svg: &web_sys::Element) -> String {
    let mut at = svg.parent_element();
    while let Some(el) = at {
        if let Ok(Some(s)) = window.get_computed_style(&el) {
            let c = s.get_property_value("background-color").unwrap_or_default();
            if !c.is_empty() && c != "transparent" && c != "rgba(0, 0, 0, 0)" {
                return c;
            }
        }
        at = el.parent_element();
    }
    "#fff".into()
}

/// Draws the SVG `text` on a canvas of `size` pixels and saves it as a PNG named `name`;
/// what goes wrong on the way is sent to `on`.
fn rasterize(
    doc: &web_sys::Document,
    text: &str,
    (w, h): (u32, u32),
    name: String,
    on: Callback<FileAction>,
) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(&text_blob(text, "image/svg+xml")?)?;
    let img = web_sys::HtmlImageElement::new()?;
    let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    let fail = move |name: String, why: String| on.emit(FileAction::Unsaved { name, why });
    // One handler for the load and the error (only one of them comes).
    let done = {
        let (img, url) = (img.clone(), url.clone());
        Closure::once_into_js(move |e: web_sys::Event| {
            img.set_onload(None);
            img.set_onerror(None);
            let _ = web_sys::Url::revoke_object_url(&url);
            if e.type_() != "load" {
                return fail(
                    name,
                    "the browser could not draw the SVG as an image".into(),
                );
            }
            if let Err(e) = draw(&img, &canvas, (w, h), name.clone(), fail.clone()) {
                fail(name, said(&e));
            }
        })
    };
    img.set_onload(Some(done.unchecked_ref()));
    img.set_onerror(Some(done.unchecked_ref()));
    img.set_src(&url);
    Ok(())
}

/// Draws the loaded `img` on `canvas` and saves the canvas as a PNG.
fn draw(
    img: &web_sys::HtmlImageElement,
    canvas: &web_sys::HtmlCanvasElement,
    (w, h): (u32, u32),
    name: String,
    fail: impl Fn(String, String) + 'static,
) -> Result<(), JsValue> {
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("the browser gave no canvas to draw on")?
        .dyn_into()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, w.into(), h.into())?;
    let saved = Closure::once_into_js(move |blob: JsValue| {
        let outcome = match blob.dyn_into::<web_sys::Blob>() {
            Ok(blob) => save_blob(&name, &blob),
            Err(_) => Err(JsValue::from_str("the browser could not encode the PNG")),
        };
        if let Err(e) = outcome {
            fail(name, said(&e));
        }
    });
    canvas.to_blob_with_type(saved.unchecked_ref(), "image/png")
}
