//! `equimap-sheets`: the page's on-demand module, a wasm module of its own (fetched only when a
//! workbook is dropped or the equity table is downloaded as Parquet: `static/sheets-worker.js`
//! runs it in a Web Worker). It turns one sheet into CSV text with
//! [`equimap::engine::ingest::workbook::sheet_as_csv`], which the engine then reads as any CSV
//! file, and writes the equity table as Parquet with
//! [`equimap::engine::analysis::export::areas_parquet`] (the Parquet writer is kept out of the
//! first visit's module), and turns a zipped shapefile into GeoJSON in longitude/latitude with
//! [`equimap::engine::geo::shapefile::as_geojson`] (the shapefile reader and the `.prj` parser
//! stay out of the first visit's module too).

// No `main` of its own on the web: a module of exported functions (and proj4wkt, the `.prj`
// parser, brings a start function named `main` that would clash with one).
#![cfg_attr(target_arch = "wasm32", no_main)]

/// Reads sheet `sheet` (else the first with data) of the workbook `bytes` named `file`: an object
/// `{csv, sheets, sheet, header_row}`, or an error message naming the file.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn sheet_to_csv(file: &str, bytes: &[u8], sheet: Option<String>) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    let text = equimap::engine::ingest::workbook::sheet_as_csv(file, bytes, sheet.as_deref())
        .map_err(|e| wasm_bindgen::JsValue::from_str(&e.to_string()))?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: wasm_bindgen::JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ());
    set("csv", text.csv.into())?;
    set("sheets", text.sheets.iter().map(|s| wasm_bindgen::JsValue::from_str(s)).collect::<js_sys::Array>().into())?;
    set("sheet", text.sheet.into())?;
    set("header_row", (text.header_row as f64).into())?;
    Ok(out.into())
}

/// The zipped shapefile `bytes` named `file` as GeoJSON text in longitude/latitude, or an error
/// message naming the file.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn shapefile_to_geojson(file: &str, bytes: &[u8]) -> Result<String, wasm_bindgen::JsValue> {
    equimap::engine::geo::shapefile::as_geojson(file, bytes).map_err(|e| wasm_bindgen::JsValue::from_str(&e))
}

/// A shapefile given as loose parts (`names[i]`'s bytes in `parts[i]`: the `.shp` named `file`
/// and the `.dbf`, `.prj`, `.cpg` beside it) as GeoJSON text in longitude/latitude, or an error
/// message naming the file.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn shapefile_parts_to_geojson(file: &str, names: Vec<String>, parts: Vec<js_sys::Uint8Array>) -> Result<String, wasm_bindgen::JsValue> {
    let given: Vec<(String, Vec<u8>)> = names.into_iter().zip(parts.iter().map(js_sys::Uint8Array::to_vec)).collect();
    equimap::engine::geo::shapefile::loose_as_geojson(file, &given).map_err(|e| wasm_bindgen::JsValue::from_str(&e))
}

/// The equity table of the analysis `analysis_json` (the page's analysis, as JSON) as Parquet
/// bytes, or an error message.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn table_parquet(analysis_json: &str) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    let a: equimap::engine::Analysis = serde_json::from_str(analysis_json)
        .map_err(|e| wasm_bindgen::JsValue::from_str(&format!("the analysis could not be read: {e}")))?;
    equimap::engine::analysis::export::areas_parquet(&a).map_err(|e| wasm_bindgen::JsValue::from_str(&e.to_string()))
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("equimap-sheets is the browser's spreadsheet reader; natively, `equimap analyze --programs FILE.xlsx` reads spreadsheets");
}
