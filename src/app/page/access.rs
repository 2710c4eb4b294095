//! The distance-based access panel: how many counted rows have a point, the catchment (which the
//! person can change), and what the two measures mean and miss.

use leptos::prelude::*;

use super::state::Ctx;
use super::table::{distance_unit, formula};

/// The access panel, under the summary cards.
#[component]
pub fn AccessPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        {move || ctx.analysis().map(|a| {
            let s = &a.summary;
            let (unit, per_km) = distance_unit(ctx);
            let Some(km) = s.catchment_km else {
                return view! {
                    <section class="panel" aria-label="Distance-based access" data-testid="access">
                        <h2>"Distance-based access"</h2>
                        <p data-testid="access-rows">{format!(
                            "None of the {} counted rows has a point: rows placed by name, code or postcode carry no location, so distance to the nearest program and the catchment score cannot be computed. A file with latitude and longitude gets them.",
                            a.rows.matched
                        )}</p>
                    </section>
                }.into_any();
            };
            let shown = km * per_km;
            view! {
                <section class="panel" aria-label="Distance-based access" data-testid="access">
                    <h2>"Distance-based access"</h2>
                    <p data-testid="access-rows">{format!(
                        "{} of the {} counted rows have a point and are used{}. {}",
                        s.distance_rows,
                        a.rows.matched,
                        if s.distance_rows < a.rows.matched { "; the others were placed without one (by name, code or postcode)" } else { "" },
                        match s.nearest_km.filter(|k| k.is_finite()) {
                            Some(k) => format!("Region-wide, people live on average {:.2} {unit} (straight line) from the nearest program.", k * per_km),
                            None => "Without population figures there is no average over people: each area's distance is in the table.".to_string(),
                        }
                    )}</p>
                    <label>{format!("Catchment ({unit}) ")}
                        <input type="number" min="0.1" max="120" step="0.1" data-testid="catchment" prop:value=format!("{shown:.2}")
                            on:change=move |ev| {
                                let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                                let m = (v / per_km * 1000.0).round();
                                if (100.0..=200_000.0).contains(&m) { ctx.edit(|view| view.catchment_m = m as u32); }
                            }/>
                    </label>
                    <p class="formula">{formula("nearest_km")}</p>
                    <p class="formula">{formula("access_2sfca")}</p>
                    <p class="formula">{ctx.areas.get_untracked().and_then(|ar| ar.level.access_point.clone()).map(|how| format!("Each area's point: {how}.")).unwrap_or_else(|| "Each area's point: a point inside its polygon.".into())}</p>
                    <p class="small">"Straight-line distance, not travel time: rivers, highways and transit are not seen. Map either measure with the layer menu."</p>
                </section>
            }.into_any()
        })}
    }
}
