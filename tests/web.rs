//! Browser tests (wasm-bindgen-test in headless Chromium): the engine compiled to wasm32 gives the
//! same figures as natively, and the Leptos components render them into the DOM.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use equimap::app::state::{Ctx, Outcome};
use equimap::engine::region::{Areas, Manifest};
use equimap::engine::session::summarise;
use equimap::engine::{read_csv, View};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn chicago() -> Areas {
    let m = Manifest::from_json(include_str!("../static/data/chicago/manifest.json")).unwrap();
    let lv = m.level("community_area").unwrap();
    Areas::load(
        lv,
        include_bytes!("../static/data/chicago/community_area/areas.parquet").to_vec(),
        Some(include_str!("../static/data/chicago/community_area/boundaries.geojson")),
    )
    .unwrap()
}

const EXPORT: &str = "program_id,community_name,meeting_type\n1,LOOP,face_to_face\n1,LOOP,face_to_face\n2,Austin,online\n3,Garfield Park,face_to_face\n4,,face_to_face\n";

#[wasm_bindgen_test]
fn engine_in_the_browser_counts_distinct_programs() {
    let areas = chicago();
    let ing = read_csv("e.csv", EXPORT.as_bytes()).unwrap();
    let a = equimap::engine::analyze(&areas, &ing, &View::default()).unwrap();
    // Program 1 listed twice in the Loop counts once; Garfield Park is ambiguous; one blank.
    assert_eq!((a.rows.rows_in, a.rows.matched, a.rows.unmatched), (5, 3, 2));
    assert_eq!(a.areas.iter().find(|r| r.code == "32").unwrap().supply, 1.0);
    assert_eq!(a.summary.supply_total, 2.0);
}

/// What the engine worker's answers set: the file's summary and the analysis.
fn show(ctx: &Ctx, ing: equimap::engine::Ingested, view: &View) {
    let areas = ctx.areas.get_untracked().unwrap();
    let a = equimap::engine::analyze(&areas, &ing, view).unwrap();
    ctx.file.set(Some(Arc::new(summarise(&ing))));
    ctx.outcome.set(Some(Outcome { result: Ok(Arc::new(a)) }));
}

/// A fresh `<div>` in the test page's body, to mount components on.
fn attached_host() -> web_sys::HtmlElement {
    let doc = gloo::utils::document();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(doc.create_element("div").unwrap());
    doc.body().unwrap().append_child(&host).unwrap();
    host
}

fn mounted(view: View) -> (web_sys::HtmlElement, Ctx) {
    let host = attached_host();
    let ctx = Ctx::new(view.clone(), vec![]);
    ctx.areas.set(Some(Arc::new(chicago())));
    show(&ctx, read_csv("e.csv", EXPORT.as_bytes()).unwrap(), &view);
    let c = ctx;
    leptos::mount::mount_to(host.clone(), move || {
        provide_context(c);
        view! { <equimap::app::report::MatchReport/> <equimap::app::table::EquityTable/> <equimap::app::map::MapPanel/> }
    })
    .forget();
    (host, ctx)
}

#[wasm_bindgen_test]
fn components_render_the_analysis() {
    let (host, _ctx) = mounted(View::default());
    let q = |sel: &str| host.query_selector_all(sel).unwrap().length();
    assert_eq!(q("[data-testid=equity-table] tbody tr"), 77);
    assert_eq!(q("[data-testid=map] path"), 77);
    let text = |sel: &str| host.query_selector(sel).unwrap().unwrap().text_content().unwrap();
    assert_eq!(text("[data-testid=rows-in]"), "5");
    assert_eq!(text("[data-testid=rows-matched]"), "3");
    assert_eq!(text("[data-testid=rows-unmatched]"), "2");
    assert_eq!(text("[data-testid=total-supply]"), "2");
    host.remove();
}

#[wasm_bindgen_test]
fn hostile_names_render_as_text() {
    let host = attached_host();
    let ctx = Ctx::new(View::default(), vec![]);
    ctx.areas.set(Some(Arc::new(chicago())));
    let evil = "program_id,community_name\n1,<img src=x onerror=\"window.__pwned=1\">\n2,LOOP\n";
    show(&ctx, read_csv("x.csv", evil.as_bytes()).unwrap(), &View::default());
    leptos::mount::mount_to(host.clone(), move || {
        provide_context(ctx);
        view! { <equimap::app::report::MatchReport/> }
    })
    .forget();
    assert_eq!(host.query_selector_all("img").unwrap().length(), 0);
    assert!(host.text_content().unwrap().contains("<img src=x onerror="));
    host.remove();
}

/// Lets the page's effects run (they run after the current task).
async fn settled() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

fn element(host: &web_sys::HtmlElement, selector: &str) -> web_sys::Element {
    host.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"))
}

fn click(target: &web_sys::Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    target.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap()).unwrap();
}

fn has_class(target: &web_sys::Element, class: &str) -> bool {
    target.class_list().contains(class)
}

#[wasm_bindgen_test]
async fn a_table_row_and_a_map_area_select_the_same_area() {
    let (host, ctx) = mounted(View::default());
    settled().await;
    // A click on a cell selects its row's area: the row and the map's area are marked.
    let loop_row = element(&host, "[data-testid=equity-table] tbody tr[data-code='32']");
    click(&element(&host, "[data-testid=equity-table] tbody tr[data-code='32'] td.num"));
    settled().await;
    assert_eq!(ctx.view.get_untracked().selected, "32");
    assert!(has_class(&loop_row, "selected"), "the same row element, marked (not drawn again)");
    assert!(has_class(&element(&host, "[data-testid=map] path[data-code='32']"), "selected"));
    assert_eq!(host.query_selector_all("[data-testid=equity-table] tr.selected").unwrap().length(), 1);
    // Enter on the row unselects it.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    loop_row.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    settled().await;
    assert_eq!(ctx.view.get_untracked().selected, "");
    assert!(!has_class(&loop_row, "selected"));
    // A click on the map selects the area's row.
    click(&element(&host, "[data-testid=map] path[data-code='25']"));
    settled().await;
    assert_eq!(ctx.view.get_untracked().selected, "25");
    assert!(has_class(&element(&host, "[data-testid=equity-table] tbody tr[data-code='25']"), "selected"));
    // Sorting by name (first click: descending) draws the rows again in another order, still marked.
    click(&element(&host, "[data-testid=equity-table] thead th:first-child button"));
    settled().await;
    let last_name = ctx.areas.get_untracked().unwrap().names.iter().max().unwrap().clone();
    let first = element(&host, "[data-testid=equity-table] tbody tr td");
    assert_eq!(first.text_content().unwrap(), last_name);
    assert!(has_class(&element(&host, "[data-testid=equity-table] tbody tr[data-code='25']"), "selected"));
    host.remove();
}

#[wasm_bindgen_test]
async fn hostile_area_names_and_groups_in_the_table_render_as_text() {
    let host = attached_host();
    let ctx = Ctx::new(View::default(), vec![]);
    ctx.areas.set(Some(Arc::new(chicago())));
    let ing = read_csv("e.csv", EXPORT.as_bytes()).unwrap();
    let mut a = equimap::engine::analyze(&ctx.areas.get_untracked().unwrap(), &ing, &View::default()).unwrap();
    a.areas[0].name = "<img src=x onerror=\"window.__pwned=1\">".into();
    a.areas[0].code = "\"><img src=x>".into();
    a.areas[1].group = Some("<b>&amp;</b>".into());
    ctx.outcome.set(Some(Outcome { result: Ok(Arc::new(a)) }));
    leptos::mount::mount_to(host.clone(), move || {
        provide_context(ctx);
        view! { <equimap::app::table::EquityTable/> }
    })
    .forget();
    settled().await;
    assert_eq!(host.query_selector_all("img, b").unwrap().length(), 0);
    let text = host.text_content().unwrap();
    assert!(text.contains("<img src=x onerror=\"window.__pwned=1\">"), "{text}");
    assert!(text.contains("<b>&amp;</b>"), "{text}");
    assert_eq!(host.query_selector_all("tbody tr").unwrap().length(), 77);
    let rows = host.query_selector_all("tbody tr[data-code]").unwrap();
    let codes: Vec<String> = (0..rows.length())
        .map(|i| wasm_bindgen::JsCast::unchecked_into::<web_sys::Element>(rows.item(i).unwrap()).get_attribute("data-code").unwrap())
        .collect();
    assert!(codes.contains(&"\"><img src=x>".to_string()));
    host.remove();
}

#[wasm_bindgen_test]
async fn a_select_keeps_its_values_exactly_and_follows_the_choice() {
    let host = attached_host();
    let odd = ["", "a\r\nb", "<x>&\"'", "tab\there"];
    let options = RwSignal::new(odd.iter().map(|v| (v.to_string(), format!("label {v}"))).collect::<Vec<_>>());
    let current = RwSignal::new("a\r\nb".to_string());
    leptos::mount::mount_to(host.clone(), move || {
        equimap::app::input::select_box("Pick", "pick", options.into(), current.into(), move |v| current.set(v))
    })
    .forget();
    settled().await;
    let select: web_sys::HtmlSelectElement = wasm_bindgen::JsCast::unchecked_into(element(&host, "select"));
    let values = |s: &web_sys::HtmlSelectElement| {
        let o = s.options();
        (0..o.length())
            .map(|i| wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlOptionElement>(o.item(i).unwrap()).value())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&select), odd);
    assert_eq!(select.value(), "a\r\nb");
    // The choice moves without the options being written again.
    let first_option = select.options().item(0).unwrap();
    current.set("<x>&\"'".into());
    settled().await;
    assert_eq!(select.value(), "<x>&\"'");
    assert!(select.options().item(0).unwrap() == first_option, "the same option elements");
    // New options keep the choice.
    options.update(|o| o.push(("new".into(), "New".into())));
    settled().await;
    assert_eq!(select.value(), "<x>&\"'");
    assert_eq!(select.options().length(), 5);
    host.remove();
}

#[wasm_bindgen_test]
fn an_engine_error_stays_when_the_file_is_gone() {
    let ctx = Ctx::new(View::default(), vec![]);
    ctx.areas.set(Some(Arc::new(chicago())));
    ctx.outcome.set(Some(Outcome { result: Err("the engine stopped".into()) }));
    ctx.recompute();
    assert_eq!(ctx.outcome.get_untracked().map(|o| o.result.err()), Some(Some("the engine stopped".to_string())));
    // An analysis of a file that is gone is cleared.
    show(&ctx, read_csv("e.csv", EXPORT.as_bytes()).unwrap(), &View::default());
    ctx.file.set(None);
    ctx.recompute();
    assert!(ctx.outcome.get_untracked().is_none());
}

#[wasm_bindgen_test]
fn the_analysis_asked_with_a_read_is_not_asked_again() {
    let ctx = Ctx::new(View::default(), vec![]);
    ctx.areas.set(Some(Arc::new(chicago())));
    let summary = Arc::new(summarise(&read_csv("e.csv", EXPORT.as_bytes()).unwrap()));
    // The view did not change with the file: the number of the last request stays that of the read.
    let ahead = ctx.ask_ahead().unwrap();
    ctx.file.set(Some(summary.clone()));
    ctx.recompute_after_read();
    assert_eq!(ctx.seq.get_value(), ahead.seq);
    // The view changed while the file was read: a new analysis is asked for.
    let ahead = ctx.ask_ahead().unwrap();
    ctx.edit(|v| v.exclude_top = 1);
    ctx.file.set(Some(summary));
    ctx.recompute_after_read();
    assert_eq!(ctx.seq.get_value(), ahead.seq + 1);
}

#[wasm_bindgen_test]
fn a_piece_travels_in_the_narrowest_arrays_and_arrives_unchanged() {
    use equimap::app::wire::*;
    use wasm_bindgen::JsCast;
    // Whole numbers: 8, 16 or 32 bits when every one fits (the bounds included), else 64.
    let bytes = [0, -128, 127];
    let js = ints_to_js(&bytes);
    assert!(js.is_instance_of::<js_sys::Int8Array>());
    assert_eq!(ints_from_js(&js), bytes);
    let shorts = [128, -32_768, 32_767];
    let js = ints_to_js(&shorts);
    assert!(js.is_instance_of::<js_sys::Int16Array>());
    assert_eq!(ints_from_js(&js), shorts);
    let fits = [0, -1, i64::from(i32::MIN), i64::from(i32::MAX), 32_768];
    let js = ints_to_js(&fits);
    assert!(js.is_instance_of::<js_sys::Int32Array>());
    assert_eq!(ints_from_js(&js), fits);
    let wide = [1, i64::from(i32::MAX) + 1, -9_000_000_000_000];
    let js = ints_to_js(&wide);
    assert!(js.is_instance_of::<js_sys::BigInt64Array>());
    assert_eq!(ints_from_js(&js), wide);
    // Keys: by the dictionary's size (256 values: one byte; 257: two; 65,537: four).
    let keys: Vec<i32> = vec![0, 255, 3];
    let js = keys_to_js(&keys, 256);
    assert!(js.is_instance_of::<js_sys::Uint8Array>());
    assert_eq!(keys_from_js(&js), keys);
    let keys: Vec<i32> = vec![0, 256, 65_535];
    let js = keys_to_js(&keys, 65_536);
    assert!(js.is_instance_of::<js_sys::Uint16Array>());
    assert_eq!(keys_from_js(&js), keys);
    let keys: Vec<i32> = vec![65_536, 1];
    let js = keys_to_js(&keys, 65_537);
    assert!(js.is_instance_of::<js_sys::Int32Array>());
    assert_eq!(keys_from_js(&js), keys);
    // Lines: as steps from a base both sides know, one byte each while rows are fewer than 256
    // lines apart (a piece deep in a part: lines past 84,000, still one byte a row).
    let lines = [84_002, 84_003, 84_004, 84_007, 84_262];
    let js = lines_to_js(&lines, 84_000);
    assert!(js.is_instance_of::<js_sys::Uint8Array>());
    assert_eq!(js_sys::Uint8Array::new(&js).to_vec(), [2, 1, 1, 3, 255]);
    assert_eq!(lines_from_js(&js, 84_000), lines);
    let lines = [1, 2, u64::from(u32::MAX)];
    let js = lines_to_js(&lines, 0);
    assert!(js.is_instance_of::<js_sys::Uint32Array>());
    assert_eq!(lines_from_js(&js, 0), lines);
    let lines = [1, (1 << 32) + 2];
    let js = lines_to_js(&lines, 0);
    assert!(js.is_instance_of::<js_sys::BigUint64Array>());
    assert_eq!(lines_from_js(&js, 0), lines);
    // Days: 16 bits from 1880 to 2059 (-32,768 and 32,767 days from 1970), else 32.
    let days = [0, -32_768, 32_767, 19_000];
    let js = days_to_js(&days);
    assert!(js.is_instance_of::<js_sys::Int16Array>());
    assert_eq!(days_from_js(&js), days);
    let days = [32_768];
    assert!(days_to_js(&days).is_instance_of::<js_sys::Int32Array>());
    assert_eq!(days_from_js(&days_to_js(&days)), days);
    // Decimals: coordinates of six places travel as whole numbers and come back bit for bit;
    // -0.0, a value past 32 bits when scaled, and more than nine places do not.
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let coords = [41.912927, -87.540026, 0.0, 41.9, -87.627_8];
    let js = decimals_to_js(&coords);
    assert!(js.is_instance_of::<js_sys::Int32Array>());
    assert_eq!(js_sys::Int32Array::new(&js).to_vec(), [41_912_927, -87_540_026, 0, 41_900_000, -87_627_800, 6]);
    assert_eq!(bits(&decimals_from_js(&js)), bits(&coords));
    for odd in [vec![-0.0, 1.5], vec![3_000_000_000.5], vec![0.1234567891], vec![f64::NAN], vec![1e300]] {
        let js = decimals_to_js(&odd);
        assert!(js.is_instance_of::<js_sys::Float64Array>(), "{odd:?}");
        assert_eq!(bits(&decimals_from_js(&js)), bits(&odd));
    }
    let whole = [3.0, -2.0];
    assert_eq!(js_sys::Int32Array::new(&decimals_to_js(&whole)).to_vec(), [3, -2, 0]);
}
