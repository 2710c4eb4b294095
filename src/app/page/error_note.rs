//! The one component that shows an [`AppError`] to the person.

use leptos::prelude::*;

use crate::app::error::AppError;

/// An error as the page shows it (`role="alert"`, so a screen reader says it at once): a panel of
/// the results column when `panel` (the analysis failed: `data-testid="error"`), else a line
/// under the map, after `prefix` (the region data could not be loaded).
#[component]
pub fn ErrorNote(
    /// What went wrong.
    error: AppError,
    /// Words before the message.
    #[prop(optional)]
    prefix: &'static str,
    /// A panel of the results column rather than a line.
    #[prop(optional)]
    panel: bool,
) -> impl IntoView {
    let text = format!("{prefix}{error}");
    if panel {
        view! { <div class="panel error" role="alert" data-testid="error">{text}</div> }.into_any()
    } else {
        view! { <p class="error" role="alert">{text}</p> }.into_any()
    }
}
