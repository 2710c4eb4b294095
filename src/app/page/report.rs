//! The match report: where every row of the file went (rejected, excluded, unmatched, matched),
//! unmatched names with suggestions and a way to assign them, and downloads of every bucket.

use leptos::prelude::*;

use super::error_note::ErrorNote;
use super::state::Ctx;
use crate::engine::analysis::evidence::{describe, PlacedBy};
use crate::engine::analysis::PAGE_REJECTED_ROWS;
use crate::engine::placement::matching::Unmatched;
use crate::engine::Analysis;

/// Asks the engine worker for a download that needs the rows (`matched` or `excluded`).
fn export(what: &str) {
    super::backend::send(&crate::app::protocol::Request::Export { what: what.into() }, &wasm_bindgen::JsValue::UNDEFINED);
}

/// How rows were placed, the other ways the file offered, and the cross-check: the evidence the
/// figures rest on (shown once the worker has weighed it, a moment after the figures).
fn placement_evidence(a: &Analysis) -> impl IntoView {
    let Some(p) = a.resolved.placement.clone() else {
        return view! { <p class="small" data-testid="placement">"Weighing the other ways to place the rows…"</p> }.into_any();
    };
    let what = PlacedBy::words;
    let of = if p.sampled_rows < a.rows.rows_in { format!(" of a sample of {}", p.sampled_rows) } else { String::new() };
    let how = if p.chosen_by_user { "your choice" } else { "auto-detected: the most precise way the evidence supports" };
    let chosen = format!("Placed by {} ({}, {how}): {} rows placed{of}.", p.columns.join(" + "), what(p.by), p.placed);
    let others: Vec<String> =
        p.alternatives.iter().map(|x| format!("{} ({}): {} rows", x.columns.join(" + "), what(x.by), x.placed)).collect();
    let check = a.cross_check.clone().map(|c| {
        let sentence = describe(&p, &c);
        let examples: Vec<String> = c
            .examples
            .iter()
            .map(|e| format!("line {}: {} → area {} here, {} by {}", e.line, e.value, e.area, e.other_area, c.columns.join(" + ")))
            .collect();
        view! {
            <div class=if c.warning { "cross-check warning" } else { "cross-check" } data-testid="cross-check" role=if c.warning { "alert" } else { "status" }>
                <p>{sentence}</p>
                {(!examples.is_empty()).then(|| view! {
                    <ul class="small">{examples.into_iter().map(|e| view! { <li>{e}</li> }).collect::<Vec<_>>()}</ul>
                    <button type="button" data-testid="download-disagreeing" on:click=move |_| export("disagreeing")>"Rows that disagree (CSV)"</button>
                })}
            </div>
        }
    });
    view! {
        <div class="placement" data-testid="placement">
            <p>{chosen}</p>
            {(!others.is_empty()).then(|| view! { <p class="small">"Also possible: "{others.join("; ")}"."</p> })}
            {check}
        </div>
    }
    .into_any()
}

/// The match report panel.
#[component]
pub fn MatchReport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let area_options =
        move || ctx.areas.get().map(|a| a.codes.iter().cloned().zip(a.names.iter().cloned()).collect::<Vec<_>>()).unwrap_or_default();
    let name_of = move |code: &str| {
        ctx.areas.get_untracked().and_then(|a| a.by_code(code).map(|i| a.names[i].clone())).unwrap_or_else(|| code.to_string())
    };
    view! {
        {move || ctx.outcome.get().map(|o| match o.result {
            Err(e) => view! { <ErrorNote error=e panel=true/> }.into_any(),
            Ok(a) => {
                let r = a.rows;
                let values = a.unmatched_values.clone();
                let total_values = values.len();
                view! {
                    <section class="panel" data-testid="match-report" aria-label="Match report">
                        <h2>"Match report"</h2>
                        <p class="counts">
                            <span data-testid="rows-in">{r.rows_in}</span>" rows = "
                            <span class="b matched" data-testid="rows-matched">{r.matched}</span>" matched + "
                            <span class="b unmatched" data-testid="rows-unmatched">{r.unmatched}</span>" unmatched + "
                            <span class="b excluded" data-testid="rows-excluded">{r.excluded}</span>" excluded by filters + "
                            <span class="b rejected" data-testid="rows-rejected">{r.rejected}</span>" rejected"
                        </p>
                        {placement_evidence(&a)}
                        <ul class="small">
                            {a.excluded_by.iter().map(|e| view! { <li>{format!("{}: {} rows excluded", e.filter, e.rows)}</li> }).collect::<Vec<_>>()}
                        </ul>
                        {sum_up_button(ctx, &a)}
                        <Show when=move || { total_values > 0 }>
                            <h3>"Unmatched values"</h3>
                        </Show>
                        <div class="scroll short">
                            <table class="unmatched">
                                <tbody>
                                    {values.into_iter().take(100).map(|u| {
                                        let assignable = matches!(u.reason, Unmatched::UnknownName | Unmatched::UnknownCode | Unmatched::AmbiguousName | Unmatched::SpansAreas | Unmatched::UnknownPostcode | Unmatched::OtherLevel);
                                        let value = u.value.clone();
                                        let sugg = u.suggestions.clone();
                                        let shown = if u.value.is_empty() { "(blank)".to_string() } else { u.value.clone() };
                                        view! {
                                            <tr>
                                                <td class="val">{shown}</td>
                                                <td class="num">{u.rows}</td>
                                                <td>{u.reason.describe()}
                                                    {(!sugg.is_empty()).then(|| {
                                                        // At most eight names (a district spans a hundred MSOAs).
                                                        let more = sugg.len().saturating_sub(8);
                                                        let names = sugg.iter().take(8).map(|c| name_of(c)).collect::<Vec<_>>().join(", ");
                                                        let lead = match u.reason {
                                                            Unmatched::SpansAreas => format!(" — spans {} areas: ", sugg.len()),
                                                            Unmatched::OtherLevel => " — inside ".to_string(),
                                                            // An unknown postcode: the nearest valid ones, then their areas.
                                                            Unmatched::UnknownPostcode => format!(" — nearest valid: {}; in ", u.nearest.join(", ")),
                                                            _ => " — maybe ".to_string(),
                                                        };
                                                        format!("{lead}{names}{}", if more > 0 { format!(" and {more} more") } else { String::new() })
                                                    })}
                                                </td>
                                                <td>{assignable.then(|| {
                                                    let v2 = value.clone();
                                                    let sugg2 = sugg.clone();
                                                    // Every area is listed once the list is reached for
                                                    // (pointer or focus, before it opens): a report of
                                                    // many values draws its suggestions only.
                                                    let all = RwSignal::new(false);
                                                    view! {
                                                        <select aria-label=format!("Assign {value} to an area")
                                                            on:pointerdown=move |_| all.set(true) on:focus=move |_| all.set(true)
                                                            on:change=move |ev| {
                                                            let code = event_target_value(&ev);
                                                            if !code.is_empty() { let k = v2.clone(); ctx.edit(|v| { v.assignments.insert(k, code); }); }
                                                        }>
                                                            <option value="">"assign to…"</option>
                                                            {sugg2.iter().map(|c| view! { <option value=c.clone()>{name_of(c)}</option> }).collect::<Vec<_>>()}
                                                            {move || all.get().then(|| area_options().into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect::<Vec<_>>())}
                                                        </select>
                                                    }
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect::<Vec<_>>()}
                                </tbody>
                            </table>
                        </div>
                        <Show when=move || ctx.view.with(|v| !v.assignments.is_empty())>
                            <p class="small">"Your assignments: "
                                {move || ctx.view.get().assignments.iter().map(|(n, c)| {
                                    let n2 = n.clone();
                                    view! { <span class="chip">{format!("{n} → {}", name_of(c))}
                                        <button type="button" class="x" aria-label=format!("Undo assignment of {n}") on:click=move |_| { let k = n2.clone(); ctx.edit(|v| { v.assignments.remove(&k); }); }>"×"</button></span> }
                                }).collect::<Vec<_>>()}
                            </p>
                        </Show>
                        <p class="downloads">
                            <button type="button" data-testid="download-unmatched" on:click=move |_| export("unmatched")>"Unmatched rows (CSV)"</button>
                            <button type="button" data-testid="download-rejected" on:click=move |_| export("rejected")>"Rejected rows (CSV)"</button>
                            <button type="button" on:click=move |_| export("excluded")>"Excluded rows (CSV)"</button>
                            <button type="button" data-testid="download-matched" on:click=move |_| export("matched")>"Matched rows (CSV)"</button>
                        </p>
                        {(!a.rejected_rows.is_empty()).then(|| view! {
                            <details><summary>{format!("{} rejected rows", a.rows.rejected)}</summary>
                                <ul class="small">{a.rejected_rows.iter().take(PAGE_REJECTED_ROWS).map(|r| view! { <li>{format!("line {}: {}", r.line, r.reason)}</li> }).collect::<Vec<_>>()}</ul>
                            </details>
                        })}
                        {a.notes.iter().map(|n| view! { <p class="note">{n.clone()}</p> }).collect::<Vec<_>>()}
                    </section>
                }.into_any()
            }
        })}
    }
}

/// When rows name smaller areas of another level (MSOAs at district level): a button that counts
/// them all in the areas containing them, a choice the link keeps; once chosen, a button to undo.
fn sum_up_button(ctx: Ctx, a: &crate::engine::Analysis) -> Option<impl IntoView> {
    use crate::engine::placement::matching::SUM_UP;
    let chosen = ctx.view.with_untracked(|v| v.assignments.get(SUM_UP.0).is_some_and(|x| x == SUM_UP.1));
    let smaller: usize = a.unmatched_values.iter().filter(|u| u.reason == Unmatched::OtherLevel).map(|u| u.rows).sum();
    if chosen {
        return Some(view! {
            <p class="small">"Rows naming smaller areas are counted in the areas containing them. "
                <button type="button" class="secondary" data-testid="sum-up-undo" on:click=move |_| ctx.edit(|v| { v.assignments.remove(SUM_UP.0); })>"Leave them unmatched"</button>
            </p>
        }.into_any());
    }
    (smaller > 0).then(|| view! {
        <p class="small">{format!("{smaller} rows name smaller areas of another level. ")}
            <button type="button" class="secondary" data-testid="sum-up" on:click=move |_| ctx.edit(|v| { v.assignments.insert(SUM_UP.0.into(), SUM_UP.1.into()); })>"Count them in the areas containing them"</button>
        </p>
    }.into_any())
}
