//! Sharing: the link that reopens the view (asking for the file by name), the notice shown when a
//! link is opened, and the `equimap analyze` command that reproduces the view in a script.

use leptos::prelude::*;

use super::state::Ctx;
use crate::app::browser;

/// Shell-quotes an argument for the reproduce command.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What the link asks for, and what could not be restored.
#[component]
pub fn LinkNotice() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let wanted = move || {
        let (f, sample) = ctx.view.with(|v| (v.file.clone(), v.sample));
        let loaded = ctx.file.with(|x| x.is_some());
        let bundled = sample && ctx.is_sample(&f);
        (!(f.is_empty() || loaded || bundled)).then_some(f)
    };
    // A table of indicators the view joined, not joined to the areas shown.
    let indicators_wanted = move || {
        let f = ctx.view.with(|v| v.indicators_file.clone());
        let joined = ctx.areas.with(|a| a.as_ref().is_some_and(|a| a.level.indicators.iter().any(|i| i.source == f)));
        (!f.is_empty() && !joined).then_some(f)
    };
    let areas_wanted = move || {
        let ar = ctx.view.with(|v| v.areas_file.clone());
        let loaded = ctx.own.with(|o| o.as_ref().is_some_and(|o| o.file == ar));
        (!ar.is_empty() && !loaded).then_some(ar)
    };
    view! {
        {move || areas_wanted().map(|ar| {
            let f = ctx.view.with(|v| v.file.clone());
            let then = if f.is_empty() { String::new() } else { format!(", then {f}") };
            let then = match indicators_wanted() {
                Some(i) => format!("{then} and {i} (the indicators)"),
                None => then,
            };
            view! {
                <div class="notice" data-testid="need-areas" role="note">
                    {format!("This link shows a view on your own areas. Drop {ar} (the boundaries){then} to see it: files are never in the link.")}
                </div>
            }
        })}
        {move || indicators_wanted().filter(|_| areas_wanted().is_none()).map(|i| view! {
            <div class="notice" data-testid="need-indicators" role="note">
                {format!("This link's view uses indicators from {i}. Drop {i} to join them again: files are never in the link.")}
            </div>
        })}
        {move || wanted().filter(|_| areas_wanted().is_none()).map(|f| view! {
            <div class="notice" data-testid="need-file" role="note">
                {format!("This link shows a view of {f}. Drop {f} (or pick it below) to see it: the file itself is never in the link.")}
            </div>
        })}
        {move || {
            let p = ctx.link_problems.get();
            (!p.is_empty()).then(|| view! {
                <div class="notice warn" data-testid="link-problems" role="alert">
                    <strong>"Part of this link could not be restored; defaults are used instead:"</strong>
                    <ul>{p.into_iter().map(|x| view! { <li>{x}</li> }).collect::<Vec<_>>()}</ul>
                    <button type="button" class="x" on:click=move |_| ctx.link_problems.set(vec![])>"Dismiss"</button>
                </div>
            })
        }}
    }
}

/// Share link and reproduce panel.
#[component]
pub fn SharePanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let link = move || format!("{}?{}", browser::location_base(), ctx.view.with(|v| v.to_query()));
    let command = move || {
        let v = ctx.view.get();
        let file = if v.file.is_empty() { "EXPORT.csv".to_string() } else { v.file.clone() };
        format!(
            "equimap analyze --region {} --programs {} --view {}",
            shell_quote(&v.region),
            shell_quote(&file),
            shell_quote(&format!("?{}", v.to_query()))
        )
    };
    view! {
        <section class="panel" aria-label="Share">
            <h2>"Share this view"</h2>
            <div class="fields">
                <input class="link" type="text" readonly data-testid="share-link" aria-label="Link to this view" prop:value=link/>
                <button type="button" on:click=move |_| browser::copy(&link())>"Copy link"</button>
            </div>
            <p class="hint">"The link holds your choices, never your data. Whoever opens it is asked for the same file."</p>
            <details>
                <summary>"Reproduce in a script"</summary>
                <pre data-testid="reproduce">{command}</pre>
            </details>
        </section>
    }
}
