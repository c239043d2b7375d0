//! Run files in the header bar: "Open…" (a script file through a hidden file input, or
//! dropped anywhere on the page) and "Export" (the run as a script, its trace as JSON lines,
//! a ShiViz log, the space-time diagram as SVG or PNG), each saved as a download. What a file
//! does is `crate::view::files`: this component only reads files and saves the text the page
//! hands it (or, for the diagram, the picture on show: `super::svg_export`).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::view::files::{Download, ExportKind, FileAction};

/// A script is small; a bigger file is refused before it is read.
const MAX_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

#[derive(Properties, PartialEq, Clone)]
pub struct RunFilesProps {
    /// What the person asked: a file read, one unreadable, an export.
    pub on_files: Callback<FileAction>,
    /// The page's last export, saved once when it first shows up.
    pub download: Option<Rc<Download>>,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// What a JavaScript error says.
pub(super) fn said(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser refused".into())
}

/// Reads `file` as text and hands it on (or why it could not be read).
fn read(file: web_sys::File, on: Callback<FileAction>) {
    let name = file.name();
    let refuse = |name: String, why: String| FileAction::Unreadable { name, why };
    if file.size() > MAX_BYTES {
        let why = format!(
            "it is {:.1} MB; a script is at most {} MB",
            file.size() / 1024.0 / 1024.0,
            MAX_BYTES / 1024.0 / 1024.0
        );
        return on.emit(refuse(name, why));
    }
    let reader = match web_sys::FileReader::new() {
        Ok(r) => r,
        Err(e) => return on.emit(refuse(name, said(&e))),
    };
    let done = {
        let (reader, on, name) = (reader.clone(), on.clone(), name.clone());
        Closure::once_into_js(move || {
            let text = reader.result().ok().and_then(|v| v.as_string());
            on.emit(match text {
                Some(text) => FileAction::Open { name, text },
                None => {
                    let why = reader.error().map_or_else(
                        || "it could not be read as text".to_string(),
                        |e| e.message(),
                    );
                    refuse(name, why)
                }
            });
        })
    };
    reader.set_onloadend(Some(done.unchecked_ref()));
    if let Err(e) = reader.read_as_text(&file) {
        on.emit(refuse(name, said(&e)));
    }
}

/// `text` as a Blob of type `mime`.
pub(super) fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)
}

/// Saves `d`: its text, or the diagram on show.
fn save(d: &Download, on: &Callback<FileAction>) -> Result<(), JsValue> {
    if d.kind.is_diagram() {
        super::svg_export::save_diagram(d, on.clone())
    } else {
        save_blob(&d.name, &text_blob(&d.text, d.mime)?)
    }
}

/// Saves `blob` as a file named `name`: a Blob URL clicked through an `<a download>`.
pub(super) fn save_blob(name: &str, blob: &web_sys::Blob) -> Result<(), JsValue> {
    let doc = document().ok_or("no document")?;
    let body = doc.body().ok_or("no body")?;
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    // The download has its bytes by then: let the URL go.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Whether a drag carries files (not a text selection or a link dragged about the page).
fn carries_files(e: &web_sys::DragEvent) -> bool {
    e.data_transfer().is_some_and(|dt| {
        dt.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// Listens on the document for a file dragged over the page and dropped on it.
fn listen_for_drops(
    dragging: UseStateSetter<bool>,
    on: Callback<FileAction>,
) -> Vec<EventListener> {
    let Some(doc) = document() else {
        return Vec::new();
    };
    let opts = EventListenerOptions::enable_prevent_default;
    let over = {
        let dragging = dragging.clone();
        EventListener::new_with_options(&doc, "dragover", opts(), move |e| {
            let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else {
                return;
            };
            if carries_files(e) {
                // Without this the browser opens the file instead of dropping it here.
                e.prevent_default();
                if let Some(dt) = e.data_transfer() {
                    dt.set_drop_effect("copy");
                }
                dragging.set(true);
            }
        })
    };
    let leave = {
        let dragging = dragging.clone();
        EventListener::new(&doc, "dragleave", move |e| {
            let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else {
                return;
            };
            // Leaving one element for another inside the page is no leaving.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let drop = EventListener::new_with_options(&doc, "drop", opts(), move |e| {
        let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else {
            return;
        };
        dragging.set(false);
        let file = e
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            e.prevent_default();
            read(file, on.clone());
        }
    });
    vec![over, leave, drop]
}

#[function_component(RunFiles)]
pub fn run_files(props: &RunFilesProps) -> Html {
    let input = use_node_ref();
    let export_button = use_node_ref();
    let first_item = use_node_ref();
    let menu = use_node_ref();
    let open = use_state_eq(|| false);
    let dragging = use_state_eq(|| false);

    // Drops anywhere on the page, while the bar is there.
    {
        let (setter, on) = (dragging.setter(), props.on_files.clone());
        use_effect_with((), move |_| {
            let listeners = listen_for_drops(setter, on);
            move || drop(listeners)
        });
    }

    // Each export the page hands over is saved once (not the one there when this mounted).
    let saved = use_mut_ref(|| props.download.as_ref().map_or(0, |d| d.id));
    {
        let (saved, on) = (saved.clone(), props.on_files.clone());
        use_effect_with(props.download.clone(), move |d: &Option<Rc<Download>>| {
            if let Some(d) = d.as_ref().filter(|d| d.id > *saved.borrow()) {
                *RefCell::borrow_mut(&saved) = d.id;
                if let Err(e) = save(d, &on) {
                    on.emit(FileAction::Unsaved {
                        name: d.name.clone(),
                        why: said(&e),
                    });
                }
            }
        });
    }

    // The menu takes the focus when it opens, and closes on a click anywhere else.
    {
        let (first, menu, setter) = (first_item.clone(), menu.clone(), open.setter());
        use_effect_with(*open, move |open| {
            let mut outside = None;
            if *open {
                if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
                outside = document().map(|doc| {
                    EventListener::new(&doc, "pointerdown", move |e| {
                        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
                        let inside = menu
                            .cast::<web_sys::Node>()
                            .is_some_and(|m| m.contains(target.as_ref()));
                        if !inside {
                            setter.set(false);
                        }
                    })
                });
            }
            move || drop(outside)
        });
    }

    let choose = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<web_sys::HtmlInputElement>() {
                i.click();
            }
        })
    };
    let chosen = {
        let on = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            if let Some(file) = i.files().and_then(|f| f.get(0)) {
                read(file, on.clone());
            }
            // The same file chosen again is a change too.
            i.set_value("");
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close_back = {
        let (open, button) = (open.clone(), export_button.clone());
        Callback::from(move |()| {
            open.set(false);
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        })
    };
    let on_keydown = {
        let close = close_back.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                close.emit(());
            }
        })
    };
    let items = ExportKind::ALL.iter().enumerate().map(|(i, &kind)| {
        let (on, close) = (props.on_files.clone(), close_back.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            close.emit(());
            on.emit(FileAction::Export(kind));
        });
        let node = if i == 0 {
            first_item.clone()
        } else {
            NodeRef::default()
        };
        html! {
            <li><button ref={node} {onclick} title={kind.about()} data-export={kind.hook()}>
                { kind.label() }
            </button></li>
        }
    });

    html! {
        <div class="run-files" role="group" aria-label="Run file" onkeydown={on_keydown}>
            <button class="run-open" onclick={choose} aria-label="Open a script"
                title="Open a scenario script (.zs): it replays to its end, paused. Or drop one on the page">
                { "Open…" }
            </button>
            <input ref={input} type="file" accept=".zs,.txt" class="sr-only" tabindex="-1"
                aria-label="A script file to open" onchange={chosen} />
            <span class="run-export" ref={menu}>
                <button ref={export_button} class="run-export-button" onclick={toggle}
                    aria-expanded={if *open { "true" } else { "false" }} aria-controls="run-export-menu"
                    title="Save the run so far (it pauses first)">
                    { "Export" }<span aria-hidden="true">{ " ▾" }</span>
                </button>
                if *open {
                    <ul id="run-export-menu" class="run-export-menu" aria-label="Export the run as">
                        { for items }
                    </ul>
                }
            </span>
            if *dragging {
                <div class="run-drop" aria-hidden="true"><span>{ "Drop a script (.zs) to open it" }</span></div>
            }
        </div>
    }
}
