//! Chicago's 801 census tracts (2010 definitions) as a level of the Chicago region: ACS 2014-2018
//! total and 0–17 population with their 90 % margins of error (B01001), poverty, unemployment and
//! per-capita income (ACS 2014-2018 via the Opioid Environment Policy Scan), each tract's
//! community area as its group; boundaries from the City of Chicago Data Portal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The column of the tracts' `areas.parquet` holding each tract's community area number.
const PARENT_COLUMN: &str = "community_area_code";

use super::{geojson_shapes, indicator, input_err, level_entry, read_raw_csv, write_areas, write_boundaries, IndicatorColumn, Result};
use crate::engine::region::{DefaultView, Level};

const ACS: &str = "US Census Bureau, ACS 5-year table B01001 (via Census Reporter)";
const OEPS: &str = "ACS 5-year via the Opioid Environment Policy Scan (GeoDa Center), EC03";
const VINTAGE: &str = "2014-2018";

/// B01001 cells of people aged 0–17: male and female under 5, 5–9, 10–14, 15–17.
const YOUTH_CELLS: [&str; 8] = ["003", "004", "005", "006", "027", "028", "029", "030"];

/// A tract of the boundaries file.
struct Tract {
    code: String,
    name: String,
    short: String,
    community_area: String,
}

fn tracts(path: &Path) -> Result<Vec<Tract>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
    let feats = v["features"].as_array().ok_or_else(|| input_err(path, "no features"))?;
    let mut out: Vec<Tract> = feats
        .iter()
        .map(|f| {
            let prop =
                |k: &str| f["properties"][k].as_str().map(str::to_string).ok_or_else(|| input_err(path, format!("a tract has no {k}")));
            Ok(Tract { code: prop("geoid10")?, name: prop("namelsad10")?, short: prop("name10")?, community_area: prop("commarea_n")? })
        })
        .collect::<Result<_>>()?;
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// ACS estimates and margins by GEOID (state + county + tract): total, its MOE, 0–17 and its MOE
/// (the sum's margin `√Σ MOE²`, the Census Bureau's approximation for a sum of estimates).
fn acs_population(path: &Path) -> Result<BTreeMap<String, [f64; 4]>> {
    let raw = read_raw_csv(path)?;
    let t = &raw.table;
    let col = |name: &str| t.column(name).map_err(|e| input_err(path, e));
    let (state, county, tract) = (col("state")?, col("county")?, col("tract")?);
    let (total, total_m) = (col("B01001_001E")?, col("B01001_001M")?);
    let youth: Vec<_> =
        YOUTH_CELLS.iter().map(|c| Ok((col(&format!("B01001_{c}E"))?, col(&format!("B01001_{c}M"))?))).collect::<Result<_>>()?;
    let mut out = BTreeMap::new();
    for i in 0..t.num_rows() {
        let (Some(s), Some(c), Some(tr)) = (state.number(i), county.number(i), tract.number(i)) else { continue };
        let geoid = format!("{:02}{:03}{:06}", s as u64, c as u64, tr as u64);
        let e: f64 = youth.iter().map(|(e, _)| e.number(i).unwrap_or(0.0)).sum();
        let m: f64 = youth.iter().map(|(_, m)| m.number(i).unwrap_or(0.0).powi(2)).sum::<f64>().sqrt();
        let (Some(te), Some(tm)) = (total.number(i), total_m.number(i)) else { continue };
        out.insert(geoid, [te, tm, e, (m * 10.0).round() / 10.0]);
    }
    Ok(out)
}

/// Unemployment, poverty (percent) and per-capita income by GEOID, for the tracts in `keep`.
fn oeps_economics(path: &Path, keep: &BTreeMap<&str, usize>) -> Result<BTreeMap<String, [Option<f64>; 3]>> {
    let raw = read_raw_csv(path)?;
    let t = &raw.table;
    let col = |name: &str| t.column(name).map_err(|e| input_err(path, e));
    let (geoid, unemp, pov, pci) = (col("GEOID")?, col("unempP")?, col("povP")?, col("pciE")?);
    let mut out = BTreeMap::new();
    for i in 0..t.num_rows() {
        let Some(g) = geoid.text(i) else { continue };
        let g = format!("{:0>11}", g.trim());
        if keep.contains_key(g.as_str()) {
            out.insert(g, [unemp.number(i), pov.number(i), pci.number(i)]);
        }
    }
    Ok(out)
}

/// Builds `chicago/tract/{areas.parquet,boundaries.geojson}` and the level's manifest entry; the
/// community areas (`ca_codes`, `ca_names`) are the tracts' groups and parents.
pub fn build(dir: &Path, out: &Path, ca_codes: &[String], ca_names: &[String]) -> Result<(Level, Vec<PathBuf>)> {
    let gj_path = dir.join("tracts/tracts_2010.geojson");
    let tracts = tracts(&gj_path)?;
    let codes: Vec<String> = tracts.iter().map(|t| t.code.clone()).collect();
    let names: Vec<String> = tracts.iter().map(|t| t.name.clone()).collect();
    let index: BTreeMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let pop_path = dir.join("tracts/pop_by_tract_acs2018.csv");
    let pop = acs_population(&pop_path)?;
    let econ = oeps_economics(&dir.join("tracts/oeps_EC03_2018_T_us.csv"), &index)?;
    let acs = |k: usize| -> Vec<Option<f64>> { codes.iter().map(|c| pop.get(c).map(|v| v[k])).collect() };
    let oeps = |k: usize| -> Vec<Option<f64>> { codes.iter().map(|c| econ.get(c).and_then(|v| v[k])).collect() };
    let mut total = indicator("population", "Total population", "people", ACS, VINTAGE, None, true, false);
    total.moe = Some("population_moe".into());
    let mut youth = indicator("youth_0_17", "Children and youth aged 0–17", "people", ACS, VINTAGE, None, true, false);
    youth.moe = Some("youth_0_17_moe".into());
    let cols = vec![
        IndicatorColumn { meta: total, values: acs(0) },
        IndicatorColumn {
            meta: indicator("population_moe", "Total population: 90 % margin of error", "people", ACS, VINTAGE, None, false, false),
            values: acs(1),
        },
        IndicatorColumn { meta: youth, values: acs(2) },
        IndicatorColumn {
            meta: indicator(
                "youth_0_17_moe",
                "Aged 0–17: 90 % margin of error (√Σ MOE² of its 8 cells)",
                "people",
                ACS,
                VINTAGE,
                None,
                false,
                false,
            ),
            values: acs(3),
        },
        IndicatorColumn {
            meta: indicator("poverty_pct", "Below the poverty line (%)", "percent", OEPS, VINTAGE, Some(true), false, false),
            values: oeps(1),
        },
        IndicatorColumn {
            meta: indicator("unemployment_pct", "Unemployment rate (%)", "percent", OEPS, VINTAGE, Some(true), false, false),
            values: oeps(0),
        },
        IndicatorColumn {
            meta: indicator("per_capita_income", "Per-capita income", "dollars", OEPS, VINTAGE, Some(false), false, false),
            values: oeps(2),
        },
    ];
    for (code, v) in codes.iter().zip(acs(0)) {
        if v.is_none() {
            return Err(input_err(&pop_path, format!("no population for tract {code}")));
        }
    }
    let shapes_by = geojson_shapes(&gj_path, "geoid10")?;
    let shapes = super::shapes_in_order(&shapes_by, &codes, &gj_path, "tract ")?;
    let level_dir = out.join("tract");
    let bbox = write_boundaries(&level_dir.join("boundaries.geojson"), &codes, &names, &shapes, 6.0)?;
    let ca_name = |code: &str| ca_codes.iter().position(|c| c == code).map(|i| ca_names[i].clone()).unwrap_or_default();
    let group: Vec<String> = tracts.iter().map(|t| ca_name(&t.community_area)).collect();
    // "8424", "Tract 8424" and the 6-digit tract code "842400" name the tract too: in the areas
    // table (fetched with the level), not the manifest (fetched on every visit).
    let aliases: Vec<String> = tracts.iter().map(|t| format!("{}|Tract {}|{}", t.short, t.short, &t.code[5..])).collect();
    let parent: Vec<String> = tracts.iter().map(|t| t.community_area.clone()).collect();
    let text_cols =
        [("community_area".into(), group), (PARENT_COLUMN.into(), parent), (crate::engine::region::ALIASES_COLUMN.into(), aliases)];
    write_areas(&level_dir.join("areas.parquet"), &codes, &names, &text_cols, &cols)?;

    let mut level = level_entry("tract", "Census tracts (2010)", codes.len(), bbox, cols.iter().map(|c| c.meta.clone()).collect());
    level.groups = vec!["community_area".into()];
    level.parent = Some(crate::engine::region::Parent { level: "community_area".into(), column: PARENT_COLUMN.into() });
    level.catchment_km = Some(1.609_344);
    let without: Vec<&str> = codes.iter().filter(|c| !econ.contains_key(c.as_str())).map(String::as_str).collect();
    if !without.is_empty() {
        level.missing.push(format!(
            "{} tracts have no poverty, unemployment or income figures in the OEPS file: {}",
            without.len(),
            without.join(", ")
        ));
    }
    level.default_view = DefaultView { denominator: "youth_0_17".into(), need: "poverty_pct".into(), map: "poverty_pct".into() };
    Ok((level, vec![level_dir.join("areas.parquet"), level_dir.join("boundaries.geojson")]))
}
