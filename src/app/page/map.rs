//! The SVG choropleth: any column (supply, rate, LQ, disparity, any indicator) or the bivariate
//! supply-rate × need map, with quantile / equal-interval / Jenks classes, colour-blind-safe
//! palettes, a legend with class bounds and counts, hover, click-to-select and SVG/PNG export.

use std::sync::Arc;

use leptos::prelude::*;

use super::error_note::ErrorNote;
use super::markup::event_item;
use super::state::Ctx;
use super::table::fmt;
use crate::app::browser;
use crate::engine::geo::classify::{breaks, class_of};
use crate::engine::geo::projection::SvgShapes;
use crate::engine::view::Classes;

/// Sequential palettes (ColorBrewer / viridis, colour-blind safe), light to dark, 7 steps.
pub const PALETTES: &[(&str, [&str; 7])] = &[
    ("YlGnBu", ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]),
    ("Purples", ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"]),
    ("Viridis", ["#fde725", "#a0da39", "#4ac16d", "#1fa187", "#277f8e", "#365c8d", "#46327e"]),
    ("Oranges", ["#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04"]),
];
/// Diverging palette (PuOr), below centre to above.
pub const DIVERGING: [&str; 7] = ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"];
/// Bivariate 3×3 (Stevens): index `need_class * 3 + supply_class`, low to high.
pub const BIVARIATE: [&str; 9] = ["#e8e8e8", "#ace4e4", "#5ac8c8", "#dfb0d6", "#a5add3", "#5698b9", "#be64ac", "#8c62aa", "#3b4994"];
const NO_DATA: &str = "#d9d9d9";

/// Colours and legend of the current map.
#[derive(Clone, PartialEq)]
struct Styled {
    fills: Vec<String>,
    values: Vec<Option<f64>>,
    legend: Vec<(String, String, usize)>,
    title: String,
}

fn pick(pal: &[&'static str; 7], k: usize, i: usize) -> &'static str {
    if k <= 1 {
        return pal[6];
    }
    pal[(i * 6 + (k - 1) / 2) / (k - 1)]
}

/// Computes fills for `layer`.
fn style(ctx: Ctx, layer: &str) -> Option<Styled> {
    let areas = ctx.shown.get()?;
    let view = ctx.view.get();
    let analysis = ctx.analysis();
    let k = if view.k == 0 { 5 } else { view.k as usize };
    let n = areas.len();
    let from_rows =
        |f: fn(&crate::engine::analysis::AreaRow) -> Option<f64>| analysis.as_ref().map(|a| a.areas.iter().map(f).collect::<Vec<_>>());
    let (values, title, diverging_centre): (Vec<Option<f64>>, String, Option<f64>) = match layer {
        "supply" => (from_rows(|r| Some(r.supply))?, "Supply".into(), None),
        "rate" => {
            let sign = analysis.as_ref().map(|a| super::table::money_sign(a, &ctx.currency())).unwrap_or_default();
            let title = if sign.is_empty() { "Rate per 1,000 people".to_string() } else { format!("{sign} per 1,000 people") };
            (from_rows(|r| r.rate_per_1000)?, title, None)
        }
        "lq" => (from_rows(|r| r.location_quotient)?, "Location quotient (1 = parity)".into(), Some(1.0)),
        "disparity" => (from_rows(|r| r.disparity_pp)?, "Disparity (percentage points)".into(), Some(0.0)),
        "nearest" => {
            let (unit, per_km) = super::table::distance_unit(ctx);
            let v = from_rows(|r| r.nearest_km)?.into_iter().map(|d| d.map(|d| d * per_km)).collect();
            (v, format!("Distance to the nearest program ({unit}, straight line)"), None)
        }
        "access" => (from_rows(|r| r.access_2sfca)?, "Access: 2SFCA supply per 1,000 people within the catchment".into(), None),
        "bivariate" => {
            let a = analysis.as_ref()?;
            let rate: Vec<f64> = a.areas.iter().map(|r| r.rate_per_1000.unwrap_or(f64::NAN)).collect();
            let need: Vec<f64> = a.areas.iter().map(|r| r.need.unwrap_or(f64::NAN)).collect();
            let rb = breaks(&rate, 3, Classes::Quantile);
            let nb = breaks(&need, 3, Classes::Quantile);
            let more_need_high = a.resolved.higher_is_more_need;
            let mut counts = [0usize; 9];
            let fills = (0..n)
                .map(|i| match (class_of(rate[i], &rb), class_of(need[i], &nb)) {
                    (Some(s), Some(nc)) => {
                        let nc = if more_need_high { nc } else { nb.len().saturating_sub(1) - nc.min(nb.len().saturating_sub(1)) };
                        counts[(nc * 3 + s).min(8)] += 1;
                        BIVARIATE[(nc * 3 + s).min(8)].to_string()
                    }
                    _ => NO_DATA.into(),
                })
                .collect();
            let names = ["low", "mid", "high"];
            let legend =
                (0..9).map(|i| (BIVARIATE[i].to_string(), format!("need {}, rate {}", names[i / 3], names[i % 3]), counts[i])).collect();
            return Some(Styled {
                fills,
                values: a.areas.iter().map(|r| r.rate_per_1000).collect(),
                legend,
                title: "Supply rate × need (tertiles)".into(),
            });
        }
        id => {
            let ind = areas.level.indicators.iter().find(|i| i.id == id)?;
            (areas.values.get(id)?.clone(), ind.label.clone(), None)
        }
    };
    let finite: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let log = view.log && finite.iter().all(|v| *v >= 0.0);
    let tx = |v: f64| if log { (1.0 + v).ln() } else { v };
    let untx = |v: f64| if log { v.exp() - 1.0 } else { v };
    let (bounds, palette): (Vec<f64>, Vec<&'static str>) = match diverging_centre {
        Some(c) => {
            let span = finite.iter().map(|v| (v - c).abs()).fold(0.0, f64::max).max(1e-9);
            let b = vec![c - span * 0.5, c - span * 0.15, c - span * 0.02, c + span * 0.02, c + span * 0.15, c + span * 0.5, c + span];
            (b, DIVERGING.to_vec())
        }
        None => {
            let t: Vec<f64> = finite.iter().map(|v| tx(*v)).collect();
            let b: Vec<f64> = breaks(&t, k, view.classes).into_iter().map(untx).collect();
            let pal = PALETTES.iter().find(|p| p.0 == view.palette).unwrap_or(&PALETTES[0]).1;
            let kk = b.len();
            (b, (0..kk).map(|i| pick(&pal, kk, i)).collect())
        }
    };
    let mut counts = vec![0usize; bounds.len()];
    let fills = values
        .iter()
        .map(|v| match v.and_then(|x| class_of(x, &bounds)) {
            Some(c) => {
                counts[c] += 1;
                palette[c].to_string()
            }
            None => NO_DATA.into(),
        })
        .collect();
    let dp = if finite.iter().all(|v| v.abs() >= 100.0) { 0 } else { 2 };
    let mut lower = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let legend = bounds
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let from = if i == 0 { lower } else { bounds[i - 1] };
            lower = *b;
            (palette[i].to_string(), format!("{} – {}", fmt(from, dp), fmt(*b, dp)), counts[i])
        })
        .collect();
    Some(Styled { fills, values, legend, title })
}

/// The index of the area whose path an event happened on.
fn path_index(ev: &web_sys::Event) -> Option<usize> {
    event_item(ev, "path[data-i]", "data-i")?.parse().ok()
}

/// The map panel.
#[component]
pub fn MapPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let shapes =
        Memo::new(move |_| ctx.shown.get().and_then(|a| a.boundaries.as_ref().map(|b| Arc::new(SvgShapes::new(&b.shapes, 600.0)))));
    let layer = Signal::derive(move || {
        let v = ctx.view.with(|v| v.map.clone());
        let has = ctx.outcome.with(|o| o.as_ref().is_some_and(|o| o.result.is_ok()));
        if !v.is_empty() && (has || !matches!(v.as_str(), "supply" | "rate" | "lq" | "disparity" | "bivariate" | "nearest" | "access")) {
            v
        } else if has {
            // Without population figures there are no rates: the supply itself.
            let rates = ctx.analysis().is_some_and(|a| !a.resolved.denominator.is_empty());
            (if rates { "rate" } else { "supply" }).into()
        } else {
            ctx.shown.get().map(|a| a.level.default_view.map.clone()).unwrap_or_default()
        }
    });
    let styled = Memo::new(move |_| style(ctx, &layer.get()));
    let hover = RwSignal::new(None::<usize>);
    let layers = Signal::derive(move || {
        let mut v = vec![];
        if ctx.analysis().is_some() {
            v.extend(
                [
                    ("rate", "Rate per 1,000"),
                    ("supply", "Supply"),
                    ("lq", "Location quotient"),
                    ("disparity", "Disparity (pp)"),
                    ("bivariate", "Rate × need (bivariate)"),
                ]
                .map(|(a, b)| (a.to_string(), b.to_string())),
            );
        }
        if ctx.analysis().is_some_and(|a| a.summary.catchment_km.is_some()) {
            v.push(("nearest".into(), "Distance to nearest program".into()));
            v.push(("access".into(), "Access (2SFCA)".into()));
        }
        if let Some(a) = ctx.shown.get() {
            v.extend(a.level.indicators.iter().map(|i| (i.id.clone(), i.label.clone())));
        }
        v
    });
    let classes = Signal::derive(|| {
        vec![
            ("quantile".into(), "Quantiles".into()),
            ("equal".into(), "Equal intervals".into()),
            ("jenks".into(), "Natural breaks (Jenks)".into()),
        ]
    });
    let palettes = Signal::derive(|| PALETTES.iter().map(|p| (p.0.to_string(), p.0.to_string())).collect());
    let ks = Signal::derive(|| (3..=7).map(|k| (k.to_string(), format!("{k} classes"))).collect());
    let points = move || {
        let pts = ctx.points.get();
        let s = shapes.get()?;
        if pts.is_empty() {
            return None;
        }
        let xy: Vec<(f64, f64)> = pts
            .iter()
            .map(|&(lon, lat)| s.project(lon, lat))
            .filter(|(x, y)| *x >= 0.0 && *y >= 0.0 && *x <= s.width && *y <= s.height)
            .collect();
        Some(
            view! { <g class="points">{xy.into_iter().map(|(x, y)| view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="1.2"/> }).collect::<Vec<_>>()}</g> },
        )
    };
    let export_svg = move || {
        let (Some(s), Some(st)) = (shapes.get_untracked(), styled.get_untracked()) else { return String::new() };
        let mut out = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" width="{:.0}" height="{:.0}"><rect width="100%" height="100%" fill="white"/>"#,
            s.width, s.height, s.width, s.height
        );
        for (d, f) in s.paths.iter().zip(&st.fills) {
            out.push_str(&format!(r##"<path d="{d}" fill="{f}" stroke="#555" stroke-width="0.5"/>"##));
        }
        out.push_str("</svg>");
        out
    };
    view! {
        <section class="panel map-panel" aria-label="Map">
            <div class="fields map-controls">
                {super::fields::select_box("Map", "map-layer", layers, layer, move |m| ctx.edit(|v| v.map = m))}
                {super::fields::select_box("Classes", "classes", classes, Signal::derive(move || ctx.view.with(|v| match v.classes { Classes::Quantile => "quantile", Classes::Equal => "equal", Classes::Jenks => "jenks" }.to_string())),
                    move |c| ctx.edit(|v| v.classes = match c.as_str() { "equal" => Classes::Equal, "jenks" => Classes::Jenks, _ => Classes::Quantile }))}
                {super::fields::select_box("Number", "k", ks, Signal::derive(move || ctx.view.with(|v| if v.k == 0 { 5 } else { v.k }).to_string()), move |k| ctx.edit(|v| v.k = k.parse().unwrap_or(5)))}
                {super::fields::select_box("Palette", "palette", palettes, Signal::derive(move || ctx.view.with(|v| if v.palette.is_empty() { "YlGnBu".into() } else { v.palette.clone() })), move |p| ctx.edit(|v| v.palette = p))}
                <label class="field check"><input type="checkbox" prop:checked=move || ctx.view.with(|v| v.log) on:change=move |ev| { let on = event_target_checked(&ev); ctx.edit(|v| v.log = on); }/><span>"Log scale"</span></label>
            </div>
            <h2>{move || styled.get().map(|s| s.title).unwrap_or_else(|| "Loading the map…".into())}</h2>
            {move || ctx.load_error.get().map(|e| view! { <ErrorNote error=e prefix="Could not load the region data: "/> })}
            <div class="map-wrap">
                // The paths are drawn once per level's areas; a new analysis or layer changes only
                // their fills and titles. Hover and clicks are read by listeners on the `<svg>`
                // from the path under the pointer (`data-i`).
                {move || shapes.get().map(|s| {
                    let names = ctx.shown.get().map(|a| (a.names.clone(), a.codes.clone())).unwrap_or_default();
                    let fill = move |i: usize| styled.with(|st| st.as_ref().and_then(|x| x.fills.get(i).cloned()).unwrap_or(NO_DATA.into()));
                    let value = move |i: usize| styled.with(|st| st.as_ref().and_then(|x| x.values.get(i).copied().flatten()));
                    let codes = names.1.clone();
                    view! {
                        <svg class="map" data-testid="map" viewBox=format!("0 0 {:.0} {:.0}", s.width, s.height) role="img"
                            aria-label=move || styled.with(|st| st.as_ref().map(|x| format!("Map of {}", x.title)).unwrap_or_default())
                            on:mouseover=move |ev| hover.set(path_index(&ev))
                            on:mouseleave=move |_| hover.set(None)
                            on:click=move |ev| if let Some(c) = path_index(&ev).and_then(|i| codes.get(i).cloned()) {
                                ctx.toggle_selected(c);
                            }>
                            {s.paths.iter().enumerate().map(|(i, d)| {
                                let name = names.0.get(i).cloned().unwrap_or_default();
                                let code = names.1.get(i).cloned().unwrap_or_default();
                                let code2 = code.clone();
                                let tip = move || format!("{name}: {}", value(i).map(|v| fmt(v, 2)).unwrap_or("no data".into()));
                                view! {
                                    <path d=d.clone() fill=move || fill(i) data-code=code data-i=i
                                        class:selected=move || ctx.view.with(|v| v.selected == code2)>
                                        <title>{tip}</title>
                                    </path>
                                }
                            }).collect::<Vec<_>>()}
                            {points}
                        </svg>
                    }
                })}
                <div class="tooltip" aria-hidden="true">{move || hover.get().and_then(|i| {
                    let a = ctx.shown.get()?;
                    let v = styled.get().and_then(|s| s.values.get(i).copied().flatten());
                    Some(format!("{}: {}", a.names[i], v.map(|v| fmt(v, 2)).unwrap_or("no data".into())))
                })}</div>
            </div>
            <ul class="legend" data-testid="legend">
                {move || styled.get().map(|s| s.legend.into_iter().map(|(c, label, n)| view! {
                    <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill=c/></svg>{label}<span class="count">{format!("({n})")}</span></li>
                }).collect::<Vec<_>>())}
            </ul>
            <p class="downloads">
                <button type="button" data-testid="export-svg" on:click=move |_| browser::download("equimap-map.svg", "image/svg+xml", export_svg().as_bytes())>"Map (SVG)"</button>
                <button type="button" data-testid="export-png" on:click=move |_| {
                    if let Some(s) = shapes.get_untracked() {
                        browser::download_svg_as_png("equimap-map.png", &export_svg(), s.width, s.height, 2.0);
                    }
                }>"Map (PNG)"</button>
            </p>
        </section>
    }
}
