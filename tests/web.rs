//! Browser tests (wasm-bindgen-test in headless Chromium): the engine compiled to wasm32 gives the
//! same figures as natively, and the Leptos components render them into the DOM.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use equimap::app::page::state::{Ctx, Results};
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
    ctx.outcome.set(Some(Results { result: Ok(Arc::new(a)) }));
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
        view! { <equimap::app::page::report::MatchReport/> <equimap::app::page::table::EquityTable/> <equimap::app::page::map::MapPanel/> }
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
        view! { <equimap::app::page::report::MatchReport/> }
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
    ctx.outcome.set(Some(Results { result: Ok(Arc::new(a)) }));
    leptos::mount::mount_to(host.clone(), move || {
        provide_context(ctx);
        view! { <equimap::app::page::table::EquityTable/> }
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
        equimap::app::page::fields::select_box("Pick", "pick", options.into(), current.into(), move |v| current.set(v))
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
    ctx.outcome.set(Some(Results { result: Err(equimap::app::error::AppError::Engine("the engine stopped".into())) }));
    ctx.recompute();
    assert_eq!(ctx.outcome.get_untracked().map(|o| o.result.err().map(|e| e.to_string())), Some(Some("the engine stopped".to_string())));
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
    assert_eq!(ctx.asks.seq.get_value(), ahead.seq);
    // The view changed while the file was read: a new analysis is asked for.
    let ahead = ctx.ask_ahead().unwrap();
    ctx.edit(|v| v.exclude_top = 1);
    ctx.file.set(Some(summary));
    ctx.recompute_after_read();
    assert_eq!(ctx.asks.seq.get_value(), ahead.seq + 1);
}

#[wasm_bindgen_test]
fn a_piece_travels_in_the_narrowest_arrays_and_arrives_unchanged() {
    // The engine picks each buffer's width (its native tests check the bounds: see
    // engine::ingest::wire); here each kind of buffer becomes its typed array and comes back.
    use equimap::app::worker::wire::{buffer_from_js, buffer_to_js};
    use equimap::engine::ingest::wire::{encode_decimals, encode_ints, encode_keys, encode_lines, Buffer};
    use wasm_bindgen::JsCast;
    type IsKind = fn(&wasm_bindgen::JsValue) -> bool;
    let cases: Vec<(Buffer, IsKind)> = vec![
        (encode_ints(&[0, -128, 127]), |js| js.is_instance_of::<js_sys::Int8Array>()),
        (encode_ints(&[128, -32_768, 32_767]), |js| js.is_instance_of::<js_sys::Int16Array>()),
        (encode_ints(&[0, -1, i64::from(i32::MIN), i64::from(i32::MAX), 32_768]), |js| js.is_instance_of::<js_sys::Int32Array>()),
        (encode_ints(&[1, i64::from(i32::MAX) + 1, -9_000_000_000_000]), |js| js.is_instance_of::<js_sys::BigInt64Array>()),
        (encode_keys(&[0, 255, 3], 256), |js| js.is_instance_of::<js_sys::Uint8Array>()),
        (encode_keys(&[0, 256, 65_535], 65_536), |js| js.is_instance_of::<js_sys::Uint16Array>()),
        (encode_lines(&[1, 2, u64::from(u32::MAX)], 0), |js| js.is_instance_of::<js_sys::Uint32Array>()),
        (encode_lines(&[1, (1 << 32) + 2], 0), |js| js.is_instance_of::<js_sys::BigUint64Array>()),
        (encode_decimals(&[-0.0, 1.5]), |js| js.is_instance_of::<js_sys::Float64Array>()),
        (encode_decimals(&[41.912927, -87.540026]), |js| js.is_instance_of::<js_sys::Int32Array>()),
    ];
    for (buffer, is_kind) in cases {
        let js = buffer_to_js(&buffer);
        assert!(is_kind(&js), "{buffer:?}");
        assert_eq!(buffer_from_js(&js), buffer);
    }
    // A part's bytes arrive byte for byte (NaN and -0.0 included: compared as bits).
    let floats = Buffer::F64(vec![f64::NAN, -0.0, 1e300]);
    match buffer_from_js(&buffer_to_js(&floats)) {
        Buffer::F64(v) => {
            assert_eq!(v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), [f64::NAN.to_bits(), (-0.0f64).to_bits(), 1e300f64.to_bits()])
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(buffer_from_js(&buffer_to_js(&Buffer::I16(vec![-32_768, 32_767]))), Buffer::I16(vec![-32_768, 32_767]));
}
