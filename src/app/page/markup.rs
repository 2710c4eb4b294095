//! Markup written as one string for the browser's parser: the page's long lists (a table's 77
//! rows, a select's options, a file's preview) are drawn in one call instead of one DOM call per
//! element from wasm, which took most of the time to show a file's results. Every text is escaped.
//! One listener on such a list reads which item an event was on ([`event_item`]).

use std::fmt::Write;

/// `text` with `&`, `<`, `>`, `"`, `'` and carriage returns written as character references, safe
/// inside an element or a quoted attribute of markup built as a string, and read back unchanged
/// (the parser would turn a bare carriage return into a line feed). A NUL character cannot be
/// written in markup at all: the parser reads it as U+FFFD.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Attribute `attr` of the element matching `selector` that an event happened in (the event's
/// target or its nearest such ancestor): how one listener on a list written as markup tells
/// which item was meant.
pub fn event_item(ev: &web_sys::Event, selector: &str, attr: &str) -> Option<String> {
    let target: web_sys::Element = wasm_bindgen::JsCast::dyn_into(ev.target()?).ok()?;
    target.closest(selector).ok()??.get_attribute(attr)
}

/// A select's `<option>`s: `options` are (value, label), the one whose value is `current`
/// marked selected.
pub fn options_html(options: &[(String, String)], current: &str) -> String {
    let mut h = String::with_capacity(options.len() * 48);
    for (value, label) in options {
        let selected = if value == current { " selected" } else { "" };
        let _ = write!(h, "<option value=\"{}\"{selected}>{}</option>", escape_html(value), escape_html(label));
    }
    h
}
