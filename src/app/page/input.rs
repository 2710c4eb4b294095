//! Controls: region picker, drop zone (with a real `<input type=file>`), presets, column mapping,
//! filters and the choice of supply, denominator and need.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::actions::{cancel, load_sample};
use super::fields::select_box;
use super::markup::escape_html;
use super::state::Ctx;
use crate::app::error::AppError;
use crate::engine::ingest::typing::infer::ColumnKind;
use crate::engine::view::{Filter, Supply, View};

/// Region and level picker.
#[component]
pub fn RegionPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let regions = Signal::derive(move || {
        let mut list: Vec<(String, String)> =
            ctx.catalog.with(|c| c.iter().flat_map(|c| &c.regions).map(|r| (r.id.clone(), r.name.clone())).collect());
        if let Some(o) = ctx.own.get() {
            list.push((crate::engine::region::own::OWN_ID.into(), format!("Your areas ({})", o.file)));
        }
        list
    });
    let levels = Signal::derive(move || {
        ctx.manifest
            .get()
            .map(|m| m.levels.iter().map(|l| (l.id.clone(), format!("{} ({})", l.label, l.count))).collect())
            .unwrap_or_default()
    });
    let cur_level = Signal::derive(move || ctx.areas.get().map(|a| a.level.id.clone()).unwrap_or_default());
    // A level with a parent level can show the areas within one parent.
    let parents = Signal::derive(move || {
        let Some(a) = ctx.areas.get() else { return vec![] };
        let Some(p) = a.level.parent.clone() else { return vec![] };
        let mut v = vec![(String::new(), format!("All {}", a.level.label.to_lowercase()))];
        v.extend(a.parent_names().into_iter().map(|(c, n)| (c.clone(), if n == c { c } else { format!("{n} ({c}, {})", p.level) })));
        v
    });
    view! {
        <nav class="picker" aria-label="Region">
            {select_box("Region", "region", regions, Signal::derive(move || ctx.view.with(|v| v.region.clone())), move |r| {
                if r == crate::engine::region::own::OWN_ID {
                    return;
                }
                ctx.own.set(None);
                ctx.file.set(None);
                ctx.outcome.set(None);
                ctx.edit(|v| *v = View { region: r, ..View::default() });
            })}
            {select_box("Areas", "level", levels, cur_level, move |l| ctx.edit(|v| {
                v.level = l;
                v.within.clear();
            }))}
            <Show when=move || parents.with(|p| !p.is_empty())>
                {select_box("Within", "within", parents, Signal::derive(move || ctx.view.with(|v| v.within.clone())), move |w| ctx.edit(|v| v.within = w))}
            </Show>
        </nav>
    }
}

/// The drop zone and file input.
#[component]
pub fn DropZone() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let over = RwSignal::new(false);
    // `at`: when the file was given (the event's time stamp: the benchmark's start).
    let take = move |file: web_sys::File, at: f64| {
        // Refuse before reading: a file bigger than the engine takes would exhaust the tab.
        if let Err(e) = crate::engine::ingest::checks::check_size(&file.name(), file.size() as u64) {
            let e = AppError::from(e);
            ctx.status.set(e.to_string());
            ctx.outcome.set(Some(super::state::Results { result: Err(e) }));
            return;
        }
        // The event's time stamp is on the page's clock in every current browser; if not, now.
        if super::own_areas::is_boundaries_name(&file.name()) {
            return super::own_areas::give_boundaries(ctx, file);
        }
        let now = crate::app::browser::now();
        ctx.timing.t0.set_value(Some(if at > 0.0 && at <= now { at } else { now }));
        super::sheets::give_file(ctx, file.name(), file.into());
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("input").unchecked_into();
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            take(f, ev.time_stamp());
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let Some(list) = ev.data_transfer().and_then(|d| d.files()) else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        // A shapefile's parts dropped together are boundaries, read as one.
        if files.len() > 1 && files.iter().any(|f| f.name().to_lowercase().ends_with(".shp")) {
            return super::own_areas::give_boundary_files(ctx, files);
        }
        if let Some(f) = files.into_iter().next() {
            take(f, ev.time_stamp());
        }
    };
    let sample_for_region = move || {
        let r = ctx.view.with(|v| v.region.clone());
        ctx.catalog.with(|c| c.as_ref()?.region(&r)?.samples.first().map(|s| s.file.clone()))
    };
    view! {
        <div
            class="drop"
            class:over=move || over.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop a program export here"</p>
            <p class="hint">"CSV, TSV, Parquet or a spreadsheet (xlsx, xls, ods), with an area name or code, a postcode or latitude/longitude per row. A file with one row per area code adds its columns as area indicators."</p>
            <label class="file-label">
                <span>"Choose a file"</span>
                <input type="file" data-testid="file-input" accept=".csv,.tsv,.txt,.parquet,.xlsx,.xlsm,.xlsb,.xls,.ods,text/csv" on:change=on_change/>
            </label>
            {move || sample_for_region().map(|s| { let f = s.clone(); view! {
                <button type="button" class="secondary" data-testid="sample" on:click=move |_| load_sample(ctx, &f)>
                    "Try the sample export (" {s} ")"
                </button>
            }})}
            <Show when=move || ctx.busy.get()>
                <div class="reading">
                    {move || match ctx.progress.get() {
                        Some((read, total)) => view! { <progress aria-label="Reading the file" data-testid="progress" max=total value=read></progress> }.into_any(),
                        None => view! { <progress aria-label="Reading and analysing"></progress> }.into_any(),
                    }}
                    <Show when=move || ctx.reading.get().is_some()>
                        <button type="button" class="secondary" data-testid="cancel" on:click=move |_| cancel(ctx)>"Stop reading"</button>
                    </Show>
                </div>
            </Show>
        </div>
    }
}

/// Preset views.
#[component]
pub fn Presets() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let items = move || {
        ctx.catalog.with(|c| {
            c.iter()
                .flat_map(|c| c.presets())
                .map(|p| view! { <li><a href=format!("?{}", p.query)>{p.title.clone()}</a></li> })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <details class="panel presets" open>
            <summary>"Preset views"</summary>
            <ul>{items}</ul>
        </details>
    }
}

fn column_options(ctx: Ctx, auto_label: &'static str, keep: fn(ColumnKind) -> bool) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let mut v = vec![(String::new(), auto_label.to_string())];
        if let Some(f) = ctx.file.get() {
            v.extend(f.report.columns.iter().filter(|c| keep(c.kind)).map(|c| (c.name.clone(), c.name.clone())));
        }
        v
    })
}

/// The preview table's head (each column's name and kind) and rows, as markup.
fn preview_html(columns: &[crate::engine::ingest::ingested::ColumnInfo], rows: &[Vec<String>]) -> String {
    use std::fmt::Write;
    let mut h = String::from("<thead><tr>");
    for c in columns {
        let _ = write!(h, "<th>{}<br><small>{}</small></th>", escape_html(&c.name), format!("{:?}", c.kind).to_lowercase());
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for cell in r {
            let _ = write!(h, "<td>{}</td>", escape_html(cell));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody>");
    h
}

/// Column mapping with a preview of the first rows.
#[component]
pub fn Mapping() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let resolved = move || ctx.analysis().map(|a| a.resolved.clone());
    let auto = move |which: &'static str| {
        Signal::derive(move || {
            let r = resolved();
            let got = match (which, r) {
                ("area", Some(r)) => match r.method {
                    crate::engine::placement::matching::Method::Column(c) => format!("auto: {c}"),
                    crate::engine::placement::matching::Method::Points { lat, lon } => format!("auto: points ({lat}, {lon})"),
                    crate::engine::placement::matching::Method::Location { column } => format!("auto: points ({column})"),
                    crate::engine::placement::matching::Method::Postcode { column } => format!("auto: postcodes ({column})"),
                    crate::engine::placement::matching::Method::Projected { x, y, crs } => {
                        format!("auto: points ({x}, {y}; {})", crs.code())
                    }
                },
                ("id", Some(r)) => r.id_column.map(|c| format!("auto: {c}")).unwrap_or("none".into()),
                ("cap", Some(r)) => r.capacity_column.map(|c| format!("auto: {c}")).unwrap_or("none".into()),
                _ => "auto".into(),
            };
            got
        })
    };
    let any = |_k: ColumnKind| true;
    let num = |k: ColumnKind| matches!(k, ColumnKind::Integer | ColumnKind::Decimal | ColumnKind::Text);
    let area_opts = Signal::derive(move || {
        let mut v = column_options(ctx, "", any).get();
        v[0].1 = auto("area").get();
        v
    });
    let id_opts = Signal::derive(move || {
        let mut v = column_options(ctx, "", any).get();
        v[0].1 = auto("id").get();
        v
    });
    let cap_opts = Signal::derive(move || {
        let mut v = column_options(ctx, "", num).get();
        v[0].1 = auto("cap").get();
        v
    });
    let ll_opts = column_options(ctx, "(not used)", num);
    let pc_opts = column_options(ctx, "(not used)", |k| k == ColumnKind::Text);
    let preview = move || {
        ctx.file.get().map(|f| {
            let rep = &f.report;
            let shown = rep.columns.len().min(crate::engine::session::PREVIEW_COLUMNS);
            let cut = |s: &String| if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s.clone() };
            let rows: Vec<Vec<String>> = f.preview.iter().map(|r| r.iter().map(cut).collect()).collect();
            view! {
                <p class="hint">
                    {format!("{}: {} rows, {} columns, {}, {}-delimited{}{}.", rep.file, rep.rows_in, rep.columns.len(), rep.encoding, rep.delimiter,
                        if rep.blank_rows > 0 { format!(", {} blank lines skipped", rep.blank_rows) } else { String::new() },
                        if rep.short_rows.count > 0 { format!(", {} rows without their empty last fields (read as blank)", rep.short_rows.count) } else { String::new() })}
                </p>
                <div class="scroll">
                    <table class="preview" inner_html=preview_html(&rep.columns[..shown], &rows)></table>
                </div>
            }
        })
    };
    let cur = move |f: fn(&View) -> String| Signal::derive(move || ctx.view.with(f));
    // A workbook of several sheets: which one is read (another is read on demand).
    let sheet_opts =
        Signal::derive(move || ctx.workbook.with(|b| b.iter().flat_map(|b| b.sheets.iter().map(|s| (s.clone(), s.clone()))).collect()));
    let sheet_now = Signal::derive(move || ctx.workbook.with(|b| b.as_ref().map(|b| b.sheet.clone()).unwrap_or_default()));
    let workbook = move || {
        ctx.workbook.get().map(|b| {
            let name = b.name.clone();
            view! {
                {(b.sheets.len() > 1).then(|| select_box("Sheet", "sheet", sheet_opts, sheet_now, move |s| super::sheets::read_sheet(ctx, name.clone(), None, Some(s))))}
                <p class="hint" data-testid="sheet-note">{format!("Spreadsheet {}: sheet \"{}\" of {}, header on row {}.", b.name, b.sheet, b.sheets.len(), b.header_row)}</p>
            }
        })
    };
    view! {
        <Show when=move || ctx.file.get().is_some()>
            <details class="panel" open>
                <summary>"Columns"</summary>
                {workbook}
                <div class="fields">
                    {select_box("Area name or code", "area-column", area_opts, cur(|v| v.area_column.clone()), move |c| ctx.edit(|v| v.area_column = c))}
                    {select_box("Latitude", "lat-column", ll_opts, cur(|v| v.lat_column.clone()), move |c| ctx.edit(|v| v.lat_column = c))}
                    {select_box("Longitude", "lon-column", ll_opts, cur(|v| v.lon_column.clone()), move |c| ctx.edit(|v| v.lon_column = c))}
                    {select_box("Postcode", "postcode-column", pc_opts, cur(|v| v.postcode_column.clone()), move |c| ctx.edit(|v| v.postcode_column = c))}
                    {select_box("Program id", "id-column", id_opts, cur(|v| v.id_column.clone()), move |c| ctx.edit(|v| v.id_column = c))}
                    {select_box("Capacity", "capacity-column", cap_opts, cur(|v| v.capacity_column.clone()), move |c| ctx.edit(|v| v.capacity_column = c))}
                </div>
                <p class="hint">"Rows are placed by the area column when one is chosen, else by latitude and longitude when both are, else by the postcode column (UK regions); on auto, by the most precise way that places most rows."</p>
                {preview}
            </details>
        </Show>
    }
}

/// Filters: a value of any column, a date range, free/paid, ages, and excluding the largest rows.
#[component]
pub fn Filters() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let col = RwSignal::new(String::new());
    let val = RwSignal::new(String::new());
    let date_col = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let cols = column_options(ctx, "choose a column", |k| k != ColumnKind::Date);
    let date_cols = column_options(ctx, "choose a date column", |k| k == ColumnKind::Date);
    // Distinct values come from the engine worker, asked once per column and file.
    Effect::new(move |_| {
        let c = col.get();
        ctx.file.track();
        if !c.is_empty() && !ctx.distinct.with_untracked(|d| d.contains_key(&c)) {
            super::backend::send(&crate::app::protocol::Request::Distinct { column: c }, &wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let values = Signal::derive(move || {
        let c = col.get();
        let mut v = vec![(String::new(), "choose a value".to_string())];
        if !c.is_empty() {
            if let Some(d) = ctx.distinct.with(|d| d.get(&c).cloned()) {
                v.extend(d.into_iter().map(|x| (x.clone(), x)));
            }
        }
        v
    });
    let add_equals = move |_| {
        let (c, x) = (col.get(), val.get());
        if c.is_empty() || x.is_empty() {
            return;
        }
        ctx.edit(|v| match v.filters.iter_mut().find(|f| matches!(f, Filter::Equals { column, .. } if *column == c)) {
            Some(Filter::Equals { values, .. }) if !values.contains(&x) => values.push(x),
            Some(_) => {}
            None => v.filters.push(Filter::Equals { column: c, values: vec![x] }),
        });
    };
    let add_since = move |since: bool| {
        let (c, d) = (date_col.get(), date.get());
        if c.is_empty() || d.is_empty() {
            return;
        }
        ctx.edit(|v| v.filters.push(if since { Filter::Since { column: c, date: d } } else { Filter::Until { column: c, date: d } }));
    };
    let price_col = move || ctx.file.get().and_then(|f| f.price_column.clone());
    let age_cols = move || ctx.file.get().and_then(|f| f.age_columns.clone());
    let lo = RwSignal::new("5".to_string());
    let hi = RwSignal::new("19".to_string());
    view! {
        <Show when=move || ctx.file.get().is_some()>
            <details class="panel" open>
                <summary>"Filters"</summary>
                <ul class="chips" data-testid="filters">
                    {move || ctx.view.get().filters.iter().enumerate().map(|(i, f)| {
                        let text = crate::engine::analysis::describe_filter(f);
                        view! {
                            <li>{text.clone()}
                                <button type="button" class="x" aria-label=format!("Remove filter: {text}")
                                    on:click=move |_| ctx.edit(|v| { if i < v.filters.len() { v.filters.remove(i); } })>"×"</button>
                            </li>
                        }
                    }).collect::<Vec<_>>()}
                </ul>
                <div class="fields">
                    {select_box("Column", "filter-column", cols, Signal::derive(move || col.get()), move |c| { col.set(c); val.set(String::new()); })}
                    {select_box("equals", "filter-value", values, Signal::derive(move || val.get()), move |x| val.set(x))}
                    <button type="button" data-testid="add-filter" on:click=add_equals>"Keep only these"</button>
                </div>
                <div class="fields">
                    {select_box("Date column", "date-column", date_cols, Signal::derive(move || date_col.get()), move |c| date_col.set(c))}
                    <label class="field"><span>"Date"</span><input type="date" data-testid="date" on:change=move |ev| date.set(event_target_value(&ev))/></label>
                    <button type="button" on:click=move |_| add_since(true)>"On or after"</button>
                    <button type="button" on:click=move |_| add_since(false)>"On or before"</button>
                </div>
                {move || price_col().map(|pc| {
                    let pc2 = pc.clone();
                    view! {
                        <div class="fields">
                            <span class="field-label">{format!("Price ({pc})")}</span>
                            <button type="button" on:click=move |_| { let c = pc.clone(); ctx.edit(|v| { v.filters.retain(|f| !matches!(f, Filter::Price { .. })); v.filters.push(Filter::Price { column: c, free: true }); }) }>"Free only"</button>
                            <button type="button" on:click=move |_| { let c = pc2.clone(); ctx.edit(|v| { v.filters.retain(|f| !matches!(f, Filter::Price { .. })); v.filters.push(Filter::Price { column: c, free: false }); }) }>"Paid only"</button>
                        </div>
                    }
                })}
                {move || age_cols().map(|(a, b)| view! {
                    <div class="fields">
                        <label class="field small"><span>"Ages from"</span><input type="number" min="0" max="120" prop:value=move || lo.get() on:change=move |ev| lo.set(event_target_value(&ev))/></label>
                        <label class="field small"><span>"to"</span><input type="number" min="0" max="120" prop:value=move || hi.get() on:change=move |ev| hi.set(event_target_value(&ev))/></label>
                        <button type="button" on:click=move |_| {
                            let (Ok(l), Ok(h)) = (lo.get().parse::<u32>(), hi.get().parse::<u32>()) else { return };
                            if l > h || h > 120 { return; }
                            let (a, b) = (a.clone(), b.clone());
                            ctx.edit(|v| { v.filters.retain(|f| !matches!(f, Filter::Ages { .. })); v.filters.push(Filter::Ages { min_column: a, max_column: b, lo: l, hi: h }); });
                        }>"Programs for these ages"</button>
                    </div>
                })}
                <div class="fields">
                    <label class="field small"><span>"Exclude the largest rows"</span>
                        <input type="number" min="0" max="1000" data-testid="exclude-top" prop:value=move || ctx.view.with(|v| v.exclude_top.to_string())
                            on:change=move |ev| { let n = event_target_value(&ev).parse::<u32>().unwrap_or(0).min(1000); ctx.edit(|v| v.exclude_top = n); }/>
                    </label>
                </div>
            </details>
        </Show>
    }
}

/// Supply, denominator, need and grouping.
#[component]
pub fn Measures() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let supply_opts = Signal::derive(move || {
        let mut v: Vec<(String, String)> = vec![
            ("auto".into(), "Auto (distinct programs if an id column exists)".into()),
            ("programs".into(), "Distinct programs".into()),
            ("rows".into(), "Rows".into()),
            ("seats".into(), "Seats (sum of capacity)".into()),
        ];
        if let Some(f) = ctx.file.get() {
            v.extend(
                f.report
                    .columns
                    .iter()
                    .filter(|c| matches!(c.kind, ColumnKind::Integer | ColumnKind::Decimal))
                    .map(|c| (format!("sum:{}", c.name), format!("Sum of {}", c.name))),
            );
        }
        v
    });
    let ind_opts = move |pop: bool| {
        Signal::derive(move || {
            ctx.areas
                .get()
                .map(|a| {
                    a.level
                        .indicators
                        .iter()
                        .filter(|i| if pop { i.population } else { i.higher_is_more_need.is_some() })
                        .map(|i| (i.id.clone(), i.label.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let group_opts = Signal::derive(move || {
        let mut v = vec![(String::new(), "none".to_string())];
        if let Some(a) = ctx.areas.get() {
            v.extend(a.level.groups.iter().map(|g| (g.clone(), g.clone())));
        }
        v
    });
    // What is in force: the view's choice, else what the analysis resolved, else the level's default.
    let in_force = move |pick: fn(&View) -> String,
                         resolved: fn(&crate::engine::analysis::Resolved) -> String,
                         default: fn(&crate::engine::region::DefaultView) -> String| {
        Signal::derive(move || {
            let chosen = ctx.view.with(pick);
            if !chosen.is_empty() {
                return chosen;
            }
            ctx.analysis()
                .map(|a| resolved(&a.resolved))
                .or_else(|| ctx.areas.get().map(|a| default(&a.level.default_view)))
                .unwrap_or_default()
        })
    };
    let cur_den = in_force(|v| v.denominator.clone(), |r| r.denominator.clone(), |d| d.denominator.clone());
    let cur_need = in_force(|v| v.need.clone(), |r| r.need.clone(), |d| d.need.clone());
    let directions = Signal::derive(|| {
        vec![
            ("high".to_string(), "Higher values mean more need".to_string()),
            ("low".to_string(), "Lower values mean more need".to_string()),
        ]
    });
    let cur_direction = Signal::derive(move || {
        let chosen = ctx.view.with(|v| v.need_direction.clone());
        if !chosen.is_empty() {
            return chosen;
        }
        let high = ctx.analysis().map(|a| a.resolved.higher_is_more_need).unwrap_or(true);
        (if high { "high" } else { "low" }).to_string()
    });
    view! {
        <details class="panel" open>
            <summary>"What to count, per whom, against which need"</summary>
            <div class="fields">
                {select_box("Supply", "supply", supply_opts, Signal::derive(move || ctx.view.with(|v| v.supply.as_text())), move |s| ctx.edit(|v| v.supply = Supply::parse(&s).unwrap_or_default()))}
                {select_box("Per", "denominator", ind_opts(true), cur_den, move |s| ctx.edit(|v| v.denominator = s))}
                {select_box("Need", "need", ind_opts(false), cur_need, move |s| ctx.edit(|v| {
                    v.need = s;
                    v.need_direction.clear();
                }))}
                {select_box("Direction", "need-direction", directions, cur_direction, move |s| ctx.edit(|v| v.need_direction = s))}
                <Show when=move || group_opts.with(|g| g.len() > 1)>
                    {select_box("Group areas by", "group", group_opts, Signal::derive(move || ctx.view.with(|v| v.group.clone())), move |s| ctx.edit(|v| v.group = s))}
                </Show>
            </div>
        </details>
    }
}
