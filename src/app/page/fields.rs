//! Form fields shared by the panels.

use leptos::prelude::*;

use super::markup::options_html;

/// A labelled `<select>`: `options` are (value, label); `on_pick` gets the chosen value.
pub fn select_box(
    label: &'static str,
    testid: &'static str,
    options: Signal<Vec<(String, String)>>,
    current: Signal<String>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            // The options are written again only when they change (an open list stays open when
            // only the choice moves); they mark the current choice as they are written.
            <select data-testid=testid on:change=move |ev| on_pick(event_target_value(&ev))
                inner_html=move || options.with(|o| current.with_untracked(|c| options_html(o, c)))
                prop:value=move || current.get()>
            </select>
        </label>
    }
}
