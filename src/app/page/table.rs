//! Results as tables: summary cards (concentration index with its curve, Gini, dissimilarity,
//! each with a sentence), the need-quintile table and the sortable equity table.

use std::sync::Arc;

use leptos::prelude::*;

use super::markup::{escape_html, event_item};
use super::state::Ctx;
use crate::app::browser;
use crate::engine::analysis::export::areas_csv;
use crate::engine::analysis::measures::CurvePoint;
use crate::engine::analysis::{Analysis, AreaRow, FORMULAS};

/// A number with thousands separators and `dp` decimals.
pub fn fmt(x: f64, dp: usize) -> String {
    let s = format!("{:.*}", dp, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '−');
    }
    out
}

/// An optional number, `—` when missing.
pub fn fmt_opt(x: Option<f64>, dp: usize) -> String {
    x.map(|v| fmt(v, dp)).unwrap_or_else(|| "—".into())
}

/// The region's currency sign (`currency`, from its manifest) when the supply is a sum of
/// money, else empty.
pub fn money_sign(a: &Analysis, currency: &str) -> String {
    let s = a.resolved.supply.to_lowercase();
    let money = ["fund", "amount", "grant", "£", "$", "€", "award", "spend", "cost", "budget"];
    if s.starts_with("sum:") && money.iter().any(|k| s.contains(k)) {
        currency.to_string()
    } else {
        String::new()
    }
}

/// Supply formatted: after the currency `sign` (see [`money_sign`]) or, without one, as a count.
pub fn fmt_supply(sign: &str, x: f64) -> String {
    if sign.is_empty() {
        fmt(x, if x.fract() == 0.0 { 0 } else { 1 })
    } else {
        format!("{sign}{}", fmt(x, 0))
    }
}

/// The unit distances are shown in (the region manifest's `distance_unit`) and its size per km.
pub fn distance_unit(ctx: Ctx) -> (&'static str, f64) {
    match ctx.manifest.get_untracked().and_then(|m| m.distance_unit.clone()).as_deref() {
        Some("mi") => ("mi", 1.0 / 1.609_344),
        _ => ("km", 1.0),
    }
}

/// The formula shown for measure `id` (from [`FORMULAS`]).
pub fn formula(id: &str) -> &'static str {
    FORMULAS.iter().find(|f| f.0 == id).map(|f| f.1).unwrap_or("")
}

fn label_of(ctx: Ctx, id: &str) -> String {
    ctx.areas
        .get_untracked()
        .and_then(|a| a.level.indicators.iter().find(|i| i.id == id).map(|i| i.label.clone()))
        .unwrap_or_else(|| id.to_string())
}

fn curve_svg(points: &[CurvePoint], label: &'static str) -> impl IntoView {
    let d: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, p.p * 100.0, 100.0 - p.l * 100.0))
        .collect();
    view! {
        <svg class="curve" viewBox="-2 -2 104 104" role="img" aria-label=label>
            <rect x="0" y="0" width="100" height="100" class="frame"/>
            <path d="M0,100L100,0" class="diag"/>
            <path d=d class="line"/>
        </svg>
    }
}

/// An index's interval and whether it is more uneven than chance gives (`chance`: the 97.5th
/// percentile with supply following population).
fn chance_sentence(value: Option<f64>, [lo, hi]: [f64; 2], chance: Option<f64>) -> String {
    let verdict = match (value, chance) {
        (Some(v), Some(c)) if v > c => format!("more uneven than chance alone gives (up to {c:.3})"),
        (Some(_), Some(c)) => format!("within what chance alone gives (up to {c:.3}): the unevenness could be noise"),
        _ => String::new(),
    };
    format!("95 % interval {lo:.3} to {hi:.3}; {verdict}.")
}

/// Summary cards with plain-language sentences.
#[component]
pub fn Summary() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        {move || ctx.analysis().map(|a| {
            let s = &a.summary;
            let need_label = label_of(ctx, &a.resolved.need);
            let den_label = label_of(ctx, &a.resolved.denominator).to_lowercase();
            let q1 = a.quintiles.first().cloned();
            let sign = money_sign(&a, &ctx.currency());
            let supply_word = if sign.is_empty() { "programs" } else { "funding" };
            let ci_sentence = match (s.concentration_index, q1) {
                (Some(c), Some(q)) => format!(
                    "{} The neediest fifth of areas (by {}) holds {:.0}% of {} and gets {:.0}% of the {}.",
                    if c.abs() < 0.02 {
                        "Supply roughly follows population, whatever the need (C near 0).".to_string()
                    } else if c > 0.0 {
                        "Supply is concentrated in areas of higher need: it reaches need (C > 0).".to_string()
                    } else {
                        "Supply is concentrated in areas of lower need: it misses need (C < 0).".to_string()
                    },
                    need_label.to_lowercase(),
                    q.population_share * 100.0,
                    den_label,
                    q.supply_share * 100.0,
                    supply_word
                ),
                _ => "Not enough data for a concentration index.".into(),
            };
            let ci_interval = s.concentration_index_ci95.map(|[lo, hi]| {
                let verdict = if lo > 0.0 || hi < 0.0 { "distinguishable from 0" } else { "not distinguishable from 0: the difference could be chance" };
                format!("95 % interval {lo:.3} to {hi:.3}: {verdict}.")
            });
            let gini_interval = s.gini_ci95.map(|iv| chance_sentence(s.gini, iv, s.gini_chance));
            let d_interval = s.dissimilarity_ci95.map(|iv| chance_sentence(s.dissimilarity, iv, s.dissimilarity_chance));
            let no_interval = s.bootstrap.is_none().then_some("No interval: a sum of money or seats has no count model.");
            let gini_sentence = s
                .gini
                .map(|g| format!("Supply per head is {} across areas (0 = every area the same rate; near 1 = all in one area).", if g < 0.2 { "fairly even" } else if g < 0.4 { "uneven" } else { "very uneven" }))
                .unwrap_or_default();
            let d_sentence = s.dissimilarity.map(|d| format!("{:.0}% of the supply would have to move between areas to follow where {den_label} live.", d * 100.0)).unwrap_or_default();
            view! {
                <section class="cards" data-testid="summary" aria-label="Summary">
                    <div class="card">
                        <h3>"Overall rate"</h3>
                        <p class="big" data-testid="region-rate">{fmt_opt(s.rate_per_1000, 2)}</p>
                        <p>{format!("per 1,000 {den_label}: {} supply over {} {den_label}.", fmt_supply(&sign, s.supply_total), fmt(s.denominator_total, 0))}</p>
                        <p class="formula">{formula("rate_per_1000")}</p>
                    </div>
                    <div class="card">
                        <h3>"Concentration index"</h3>
                        <p class="big" data-testid="concentration-index">{fmt_opt(s.concentration_index, 3)}</p>
                        {curve_svg(&s.concentration_curve, "Concentration curve: cumulative share of people (most need first) against cumulative share of supply")}
                        <p>{ci_sentence}</p>
                        <p data-testid="concentration-index-ci">{ci_interval.unwrap_or_else(|| no_interval.unwrap_or_default().into())}</p>
                        <p class="formula">{formula("concentration_index")}</p>
                    </div>
                    <div class="card">
                        <h3>"Gini (supply per head)"</h3>
                        <p class="big" data-testid="gini">{fmt_opt(s.gini, 3)}</p>
                        {curve_svg(&s.lorenz_curve, "Lorenz curve of supply per head")}
                        <p>{gini_sentence}</p>
                        <p data-testid="gini-ci">{gini_interval.unwrap_or_default()}</p>
                        <p class="formula">{formula("gini")}</p>
                    </div>
                    <div class="card">
                        <h3>"Dissimilarity"</h3>
                        <p class="big" data-testid="dissimilarity">{fmt_opt(s.dissimilarity, 3)}</p>
                        <p>{d_sentence}</p>
                        <p data-testid="dissimilarity-ci">{d_interval.unwrap_or_default()}</p>
                        <p class="formula">{formula("dissimilarity")}</p>
                        {s.bootstrap.is_some().then(|| view! { <p class="formula">{formula("bootstrap")}</p> })}
                        {(!s.demographic_disparity.is_empty()).then(|| view! {
                            <h4>"Demographic disparity"</h4>
                            <ul class="small">{s.demographic_disparity.iter().map(|g| view! {
                                <li>{format!("{}: {} points", g.label, fmt_opt(g.value.map(|v| v * 100.0), 1))}</li>
                            }).collect::<Vec<_>>()}</ul>
                            <p class="formula">{formula("demographic_disparity")}</p>
                        })}
                    </div>
                </section>
            }
        })}
    }
}

/// The need-quintile table.
#[component]
pub fn QuintileTable() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        {move || ctx.analysis().map(|a| { let access = a.summary.catchment_km.is_some(); let (unit, per_km) = distance_unit(ctx); view! {
            <section class="panel" aria-label="Need quintiles">
                <h2>{if a.resolved.need.is_empty() { "By need quintile (no need measure: choose one under What to count)".to_string() } else { format!("By need quintile ({})", label_of(ctx, &a.resolved.need)) }}</h2>
                <table class="data" data-testid="quintile-table">
                    <thead><tr><th>"Quintile"</th><th>"Areas"</th><th>"Share of people"</th><th>"Share of supply (95 % CI)"</th><th>"Rate per 1,000"</th>
                        {access.then(|| view! { <th>{format!("Mean distance to nearest ({unit})")}</th><th>"Access (2SFCA per 1,000)"</th> })}</tr></thead>
                    <tbody>
                        {a.quintiles.iter().map(|q| view! {
                            <tr>
                                <td>{format!("{}{}", q.quintile, match q.quintile { 1 => " (most need)", 5 => " (least need)", _ => "" })}</td>
                                <td class="num">{q.areas}</td>
                                <td class="num">{format!("{:.1}%", q.population_share * 100.0)}</td>
                                <td class="num">{match q.supply_share_ci95 {
                                    Some([lo, hi]) => format!("{:.1}% ({:.1}–{:.1})", q.supply_share * 100.0, lo * 100.0, hi * 100.0),
                                    None => format!("{:.1}%", q.supply_share * 100.0),
                                }}</td>
                                <td class="num">{fmt_opt(q.rate_per_1000, 2)}</td>
                                {access.then(|| view! { <td class="num">{fmt_opt(q.nearest_km.map(|d| d * per_km), 2)}</td><td class="num">{fmt_opt(q.access_2sfca, 2)}</td> })}
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
                <p class="formula">{formula("need_quintile")}</p>
            </section>
        }})}
    }
}

/// The equity table's access columns, when the file's rows have points.
const ACCESS_COLUMNS: &[(&str, &str)] = &[("nearest", "Nearest program"), ("access", "Access (2SFCA per 1,000)")];

/// Sortable columns of the equity table.
const COLUMNS: &[(&str, &str)] = &[
    ("name", "Area"),
    ("supply", "Supply"),
    ("denominator", "Per (people)"),
    ("rate", "Rate per 1,000"),
    ("rr", "vs rest (95 % CI)"),
    ("lq", "LQ"),
    ("disparity", "Disparity (pp)"),
    ("need", "Need"),
    ("quintile", "Quintile"),
];

fn sort_key(r: &AreaRow, col: &str) -> f64 {
    match col {
        "supply" => r.supply,
        "denominator" => r.denominator.unwrap_or(f64::NEG_INFINITY),
        "rate" => r.rate_per_1000.unwrap_or(f64::NEG_INFINITY),
        "rr" => r.rate_ratio_rest.unwrap_or(f64::NEG_INFINITY),
        "lq" => r.location_quotient.unwrap_or(f64::NEG_INFINITY),
        "disparity" => r.disparity_pp.unwrap_or(f64::NEG_INFINITY),
        "need" => r.need.unwrap_or(f64::NEG_INFINITY),
        "quintile" => r.need_quintile.map_or(f64::INFINITY, f64::from),
        "nearest" => r.nearest_km.unwrap_or(f64::NEG_INFINITY),
        "access" => r.access_2sfca.unwrap_or(f64::NEG_INFINITY),
        _ => 0.0,
    }
}

/// The equity table's body: one `<tr data-code tabindex=0>` per area in `rows`' order, the
/// `selected` area's row marked, every text escaped. Written as one string so the browser's
/// parser builds the ~700 cells in one call (as DOM calls from wasm they took ~10 ms). `sign`: the
/// supply's currency sign (see [`money_sign`]).
pub fn rows_html(a: &Analysis, rows: &[AreaRow], sign: &str, grouped: bool, selected: &str, per_km: f64) -> String {
    use std::fmt::Write;
    let access = a.summary.catchment_km.is_some();
    let mut h = String::with_capacity(rows.len() * 400);
    for r in rows {
        let code = escape_html(&r.code);
        let class = if r.code == selected { " class=\"selected\"" } else { "" };
        let _ = write!(h, "<tr data-code=\"{code}\" tabindex=\"0\"{class}><td>{}", escape_html(&r.name));
        if r.small_denominator {
            h.push_str("<span class=\"flag\" title=\"Fewer than 100 people: read the rate with care\"> ⚑</span>");
        }
        if r.unreliable_denominator {
            h.push_str("<span class=\"flag\" data-testid=\"unreliable\" title=\"The denominator's coefficient of variation is above 30 % (ACS margin of error): read the rate with care\"> ◌</span>");
        }
        h.push_str("</td>");
        let quintile = r.need_quintile.map(|q| q.to_string()).unwrap_or("—".into());
        for cell in [
            fmt_supply(sign, r.supply),
            fmt_opt(r.denominator, 0),
            match (r.rate_per_1000, r.rate_moe90) {
                (Some(rate), Some(m)) => format!("{rate:.2} ± {m:.2}"),
                (rate, _) => fmt_opt(rate, 2),
            },
            rate_ratio_text(r),
            fmt_opt(r.location_quotient, 2),
            fmt_opt(r.disparity_pp, 2),
            fmt_opt(r.need, 1),
            quintile,
        ] {
            let _ = write!(h, "<td class=\"num\">{}</td>", escape_html(&cell));
        }
        if access {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                fmt_opt(r.nearest_km.map(|d| d * per_km), 2),
                fmt_opt(r.access_2sfca, 2)
            );
        }
        if grouped {
            let _ = write!(h, "<td>{}</td>", escape_html(r.group.as_deref().unwrap_or_default()));
        }
        h.push_str("</tr>");
    }
    h
}

/// An area's rate ratio to the rest of the region with its 95 % interval and ▲/▼ when it is above
/// or below the rest (`—` for sums, which have no count model).
fn rate_ratio_text(r: &AreaRow) -> String {
    use crate::engine::analysis::intervals::Significance;
    let Some([lo, hi]) = r.rate_ratio_rest_ci95 else { return "—".into() };
    let mark = match r.significance {
        Some(Significance::Above) => " ▲",
        Some(Significance::Below) => " ▼",
        _ => "",
    };
    let point = r.rate_ratio_rest.map_or("∞".to_string(), |x| format!("{x:.2}"));
    let hi = if hi.is_finite() { format!("{hi:.2}") } else { "∞".into() };
    format!("{point} ({lo:.2}–{hi}){mark}")
}

/// The area code of the table row an event happened in.
fn row_code(ev: &web_sys::Event) -> Option<String> {
    event_item(ev, "tr[data-code]", "data-code")
}

/// The equity table: one row per area, sortable, with the region total; a row (click, Enter or
/// Space) selects its area, as on the map.
#[component]
pub fn EquityTable() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let sort = RwSignal::new(("rate".to_string(), true));
    let rows = move |a: &Arc<Analysis>| {
        let (col, desc) = sort.get();
        let mut r = a.areas.clone();
        if col == "name" {
            r.sort_by(|x, y| x.name.cmp(&y.name));
        } else {
            r.sort_by(|x, y| {
                sort_key(x, &col).partial_cmp(&sort_key(y, &col)).unwrap_or(std::cmp::Ordering::Equal).then(x.name.cmp(&y.name))
            });
        }
        if desc {
            r.reverse();
        }
        r
    };
    // The rows are markup written at once (`rows_html`); a change of the selected area alone
    // moves the mark instead of writing them again, so a focused row keeps its focus.
    let tbody = NodeRef::<leptos::html::Tbody>::new();
    let selected = Memo::new(move |_| ctx.view.with(|v| v.selected.clone()));
    Effect::new(move |_| {
        let sel = selected.get();
        let Some(body) = tbody.get() else { return };
        let rows = body.children();
        for i in 0..rows.length() {
            if let Some(tr) = rows.item(i) {
                let on = tr.get_attribute("data-code").is_some_and(|c| c == sel);
                let _ = tr.class_list().toggle_with_force("selected", on);
            }
        }
    });
    view! {
        {move || ctx.analysis().map(|a| {
            let a1 = a.clone();
            let a2 = a.clone();
            let a3 = a.clone();
            let grouped = a.areas.iter().any(|r| r.group.is_some());
            let s = &a.summary;
            let (unit, per_km) = distance_unit(ctx);
            let access = s.catchment_km.is_some();
            let columns: Vec<(&str, String)> = COLUMNS
                .iter()
                .map(|(id, l)| (*id, l.to_string()))
                .chain(ACCESS_COLUMNS.iter().filter(|_| access).map(|(id, l)| (*id, if *id == "nearest" { format!("{l} ({unit})") } else { l.to_string() })))
                .collect();
            let sign = money_sign(&a3, &ctx.currency());
            let body = move || rows_html(&a3, &rows(&a3), &sign, grouped, &selected.get_untracked(), per_km);
            view! {
                <section class="panel" aria-label="Equity table">
                    <h2>"Equity table"</h2>
                    <p class="downloads">
                        <button type="button" data-testid="download-table" on:click=move |_| browser::download("equimap-table.csv", "text/csv", areas_csv(&a1).as_bytes())>"Table (CSV)"</button>
                        <button type="button" data-testid="download-parquet" on:click=move |_| super::sheets::download_table_parquet(ctx, serde_json::to_string(&*a2).unwrap_or_default())>"Table (Parquet)"</button>
                    </p>
                    <div class="scroll tall">
                        <table class="data sortable" data-testid="equity-table">
                            <thead><tr>
                                {columns.into_iter().map(|(id, label)| {
                                    let id = id.to_string();
                                    let id2 = id.clone();
                                    let aria = move || { let (c, d) = sort.get(); if c == id2 { if d { "descending" } else { "ascending" } } else { "none" } };
                                    view! { <th aria-sort=aria><button type="button" on:click=move |_| sort.update(|s| { if s.0 == id { s.1 = !s.1 } else { *s = (id.clone(), true) } })>{label}</button></th> }
                                }).collect::<Vec<_>>()}
                                {grouped.then(|| view! { <th>"Group"</th> })}
                            </tr></thead>
                            <tbody node_ref=tbody inner_html=body
                                on:click=move |ev| { if let Some(c) = row_code(&ev) { ctx.toggle_selected(c) } }
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " {
                                    if let Some(c) = row_code(&ev) { ev.prevent_default(); ctx.toggle_selected(c) }
                                }>
                            </tbody>
                            <tfoot><tr>
                                <th>"Region total"</th>
                                <td class="num" data-testid="total-supply">{fmt_supply(&money_sign(&a, &ctx.currency()), s.supply_total)}</td>
                                <td class="num">{fmt(s.denominator_total, 0)}</td>
                                <td class="num">{fmt_opt(s.rate_per_1000, 2)}</td>
                                <td></td><td class="num">"1.00"</td><td></td><td></td><td></td>
                                {access.then(|| view! {
                                    <td class="num" title="population-weighted mean">{fmt_opt(s.nearest_km.map(|d| d * per_km), 2)}</td><td></td>
                                })}
                                {grouped.then(|| view! { <td></td> })}
                            </tr></tfoot>
                        </table>
                    </div>
                    <p class="formula">{formula("rate_ratio_rest")}" "{formula("supply_ci95")}" "{formula("location_quotient")}" "{formula("disparity_pp")}" ⚑ marks areas with fewer than 100 people."{a.areas.iter().any(|r| r.rate_moe90.is_some()).then_some(" ± is the rate's 90 % margin of error from its denominator's (ACS): MOE(r) = r × MOE(P) ÷ P; ◌ marks a denominator whose coefficient of variation (MOE ÷ 1.645 ÷ P) exceeds 30 %, unreliable by the ACS guidance.")}</p>
                    {(!a.groups.is_empty()).then(|| view! {
                        <h3>"By group"</h3>
                        <table class="data" data-testid="group-table">
                            <thead><tr><th>"Group"</th><th class="num">"Areas"</th><th class="num">"Supply"</th><th class="num">"Per (people)"</th><th class="num">"Rate per 1,000"</th></tr></thead>
                            <tbody>{a.groups.iter().map(|g| view! {
                                <tr><td>{g.group.clone()}</td><td class="num">{g.areas}</td><td class="num">{fmt_supply(&money_sign(&a, &ctx.currency()), g.supply)}</td>
                                    <td class="num">{fmt(g.denominator, 0)}</td><td class="num">{fmt_opt(g.rate_per_1000, 2)}</td></tr>
                            }).collect::<Vec<_>>()}</tbody>
                        </table>
                    })}
                    {(!a.flags.is_empty()).then(|| view! {
                        <details class="flags">
                            <summary>"Flags carried by the file"</summary>
                            <ul class="small">{a.flags.iter().map(|f| {
                                let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
                                for v in f.consistent.values() { *counts.entry(v.as_str()).or_default() += 1; }
                                let summary = counts.iter().map(|(v, n)| format!("{v}: {n} areas")).collect::<Vec<_>>().join("; ");
                                let bad = if f.inconsistent.is_empty() { String::new() } else { format!("; rows disagree in {}", f.inconsistent.iter().map(|c| ctx.areas.get_untracked().and_then(|ar| ar.by_code(c).map(|i| ar.names[i].clone())).unwrap_or(c.clone())).collect::<Vec<_>>().join(", ")) };
                                view! { <li><strong>{f.column.clone()}</strong>{format!(" — {summary}{bad}")}</li> }
                            }).collect::<Vec<_>>()}</ul>
                        </details>
                    })}
                </section>
            }
        })}
    }
}
