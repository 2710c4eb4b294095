//! Chicago: the 77 community areas with CMAP Community Data Snapshots (ACS 2016-2020) and the City's
//! 2008-2012 socioeconomic indicators; boundaries from the City of Chicago Data Portal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{
    geojson_shapes, indicator, input_err, level_entry, read_raw_csv, write_areas, write_boundaries, write_manifest, IndicatorColumn, Result,
};
use crate::engine::placement::names::normalize;
use crate::engine::region::{DefaultView, Manifest, Preset, Sample};

const CMAP: &str = "CMAP Community Data Snapshots (ACS 5-year)";
const CMAP_VINTAGE: &str = "2016-2020";
const SOCIO: &str = "City of Chicago, Census Data - Selected socioeconomic indicators";
const SOCIO_VINTAGE: &str = "2008-2012";

/// Names people write for places inside one community area (neighbourhoods), → the area's name.
const NEIGHBOURHOODS: &[(&str, &str)] = &[
    ("Back of the Yards", "New City"),
    ("Little Village", "South Lawndale"),
    ("La Villita", "South Lawndale"),
    ("Pilsen", "Lower West Side"),
    ("Chinatown", "Armour Square"),
    ("Wicker Park", "West Town"),
    ("Ukrainian Village", "West Town"),
    ("Bucktown", "Logan Square"),
    ("Streeterville", "Near North Side"),
    ("Gold Coast", "Near North Side"),
    ("River North", "Near North Side"),
    ("Andersonville", "Edgewater"),
    ("Wrigleyville", "Lake View"),
    ("Lakeview", "Lake View"),
    ("Boystown", "Lake View"),
    ("Chicago Loop", "The Loop"),
    ("Downtown", "The Loop"),
];

/// Names that span several community areas: never guessed, reported with their candidates.
const AMBIGUOUS: &[(&str, &[&str])] = &[
    ("Garfield Park", &["West Garfield Park", "East Garfield Park"]),
    ("Bronzeville", &["Douglas", "Oakland", "Grand Boulevard"]),
    ("Bronzeville/South Lakefront", &["Douglas", "Oakland", "Grand Boulevard", "Kenwood", "Hyde Park"]),
    ("South Loop", &["The Loop", "Near South Side"]),
    ("Old Town", &["Near North Side", "Lincoln Park"]),
    ("Ravenswood", &["Lincoln Square", "North Center"]),
];

/// Builds `chicago/manifest.json` and `chicago/community_area/{areas.parquet,boundaries.geojson}`.
pub fn build(from: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let dir = from.join("chicago");
    let cmap_path = dir.join("indicators/cmap_cds_2016_2020.csv");
    let (codes, names, mut cols) = cmap_indicators(&cmap_path)?;
    let variant_names = socioeconomic_indicators(&dir.join("indicators/socioeconomic_2008_2012.csv"), &codes, &mut cols)?;
    // Boundaries: UPPER names and string numbers.
    let gj_path = dir.join("boundaries/community_areas.geojson");
    let shapes_by = geojson_shapes(&gj_path, "area_numbe")?;
    let upper_names = geojson_names(&gj_path)?;
    let shapes = super::shapes_in_order(&shapes_by, &codes, &gj_path, "area ")?;
    let level_dir = out.join("community_area");
    let bbox = write_boundaries(&level_dir.join("boundaries.geojson"), &codes, &names, &shapes, 8.0)?;
    let meta: Vec<_> = cols.iter().map(|c| c.meta.clone()).collect();
    let how = "population-weighted mean of the interior points of the area's 2010 census tracts (City of Chicago Data Portal; ACS 2014-2018 B01001 total population)";
    let access = super::access_points::weighted_points(&codes, &tract_children(&dir.join("tracts"))?, how);
    let all: Vec<IndicatorColumn> = cols.into_iter().chain(access).collect();
    write_areas(&level_dir.join("areas.parquet"), &codes, &names, &[], &all)?;

    let mut level = level_entry("community_area", "Community areas", codes.len(), bbox, meta);
    level.access_point = Some(how.into());
    level.catchment_km = Some(1.609_344);
    let variants: Vec<(String, String)> = variant_names.into_iter().chain(upper_names).collect();
    level.aliases = name_index(&mut level, &codes, &names, variants, &cmap_path)?;
    level.default_view =
        DefaultView { denominator: "youth_5_19".into(), need: "median_household_income".into(), map: "median_household_income".into() };
    let (tract_level, tract_files) = super::chicago_tracts::build(&dir, out, &codes, &names)?;
    let manifest = Manifest {
        postcodes: None,
        version: 1,
        region: "chicago".into(),
        name: "Chicago".into(),
        attribution: "Community areas and census tracts: City of Chicago Data Portal. Indicators: CMAP Community Data Snapshots (ACS 2016-2020), City of Chicago socioeconomic indicators 2008-2012; tracts: US Census Bureau ACS 2014-2018 (B01001 via Census Reporter; EC03 via the GeoDa Center's Opioid Environment Policy Scan).".into(),
        default_level: "community_area".into(),
        levels: vec![level, tract_level],
        distance_unit: Some("mi".into()),
        currency: Some("$".into()),
        samples: vec![Sample {
            file: "mcmf_programs_2024.csv".into(),
            path: "samples/mcmf_programs_2024.csv".into(),
            source: "My CHI. My Future. program catalog 2024: City of Chicago / CitiesLearn public catalog, City of Chicago open-data terms".into(),
        }],
        presets: presets(),
    };
    write_manifest(&out.join("manifest.json"), &manifest)?;
    let mut files = vec![out.join("manifest.json"), level_dir.join("areas.parquet"), level_dir.join("boundaries.geojson")];
    files.extend(tract_files);
    Ok(files)
}

/// The benchmark harness's workload (shared/bench) as a preset view: the same filters, areas by
/// `community_name`, distinct programs counted (see [`crate::engine::peer_bench`]).
pub const PEER_BENCH_QUERY: &str =
    "v=1&r=chicago&preset=peer-bench&ac=community_name&w=meeting_type~face_to_face&since=start_date~2021-05-01&sup=programs";

/// Chicago's preset views.
fn presets() -> Vec<Preset> {
    let p = |id: &str, title: &str, query: &str| Preset { id: id.into(), title: title.into(), query: query.into() };
    vec![
        p(
            "chicago-youth",
            "Youth programs per 1,000 youth vs median income, Chicago (My CHI. My Future. 2024)",
            "v=1&r=chicago&preset=chicago-youth&file=mcmf_programs_2024.csv&s=1&w=meeting_type~face_to_face&map=rate",
        ),
        p(
            "chicago-hardship",
            "Free in-person programs vs the hardship index, Chicago",
            "v=1&r=chicago&preset=chicago-hardship&file=mcmf_programs_2024.csv&s=1&w=meeting_type~face_to_face&price=program_price~free&need=hardship_index&map=bivariate",
        ),
        p(
            crate::engine::peer_bench::PRESET_ID,
            "Benchmark workload (shared/bench): in-person programs since May 2021 per 1,000 youth",
            PEER_BENCH_QUERY,
        ),
    ]
}

/// Chicago's 2010 census tracts as finer areas of the community areas: shape, community area
/// (`commarea_n`) and ACS 2014-2018 total population (GEOID = state + county + tract).
fn tract_children(dir: &Path) -> Result<Vec<super::access_points::Child>> {
    let pop_path = dir.join("pop_by_tract_acs2018.csv");
    let pop = read_raw_csv(&pop_path)?;
    let t = &pop.table;
    let col = |name: &str| t.column(name).map_err(|e| input_err(&pop_path, e));
    let (state, county, tract, total) = (col("state")?, col("county")?, col("tract")?, col("B01001_001E")?);
    let people: BTreeMap<String, f64> = (0..t.num_rows())
        .filter_map(|i| {
            let geoid = format!("{:02}{:03}{:06}", state.number(i)? as u64, county.number(i)? as u64, tract.number(i)? as u64);
            Some((geoid, total.number(i)?))
        })
        .collect();
    let gj_path = dir.join("tracts_2010.geojson");
    let text = std::fs::read_to_string(&gj_path).map_err(|e| input_err(&gj_path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(&gj_path, e))?;
    let feats = v["features"].as_array().ok_or_else(|| input_err(&gj_path, "no features"))?;
    feats
        .iter()
        .map(|f| {
            let prop =
                |k: &str| f["properties"][k].as_str().map(str::to_string).ok_or_else(|| input_err(&gj_path, format!("a tract has no {k}")));
            let geoid = prop("geoid10")?;
            let shape = crate::engine::geo::geometry::parse_geometry(&f["geometry"])
                .map_err(|e| input_err(&gj_path, format!("tract {geoid}: {e}")))?;
            let weight = *people.get(&geoid).ok_or_else(|| input_err(&pop_path, format!("no population for tract {geoid}")))?;
            Ok(super::access_points::Child { parent: prop("commarea_n")?, shape, weight })
        })
        .collect()
}

/// The 77 community areas (codes and names, ordered by number) and their CMAP indicators.
fn cmap_indicators(cmap_path: &Path) -> Result<(Vec<String>, Vec<String>, Vec<IndicatorColumn>)> {
    let cmap = read_raw_csv(cmap_path)?;
    let t = &cmap.table;
    let col = |name: &str| t.column(name).map_err(|e| input_err(cmap_path, e));
    let n = t.num_rows();
    let ids = col("community_id")?;
    let names_col = col("community_area_name")?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| ids.number(i).unwrap_or(f64::MAX) as i64);
    let codes: Vec<String> = order.iter().map(|&i| format!("{}", ids.number(i).unwrap_or(0.0) as i64)).collect();
    let names: Vec<String> = order.iter().map(|&i| names_col.text(i).unwrap_or_default().into_owned()).collect();
    if codes.len() != 77 {
        return Err(input_err(cmap_path, format!("expected 77 community areas, found {}", codes.len())));
    }
    let num = |name: &str| -> Result<Vec<Option<f64>>> {
        let c = col(name)?;
        Ok(order.iter().map(|&i| c.number(i)).collect())
    };
    let pop = num("TOT_POP")?;
    let share = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(num(name)?
            .iter()
            .zip(&pop)
            .map(|(g, p)| match (g, p) {
                (Some(g), Some(p)) if *p > 0.0 => Some(g / p),
                _ => None,
            })
            .collect())
    };
    let cols = vec![
        IndicatorColumn {
            meta: indicator("population", "Total population", "people", CMAP, CMAP_VINTAGE, None, true, false),
            values: pop.clone(),
        },
        IndicatorColumn {
            meta: indicator("youth_5_19", "Youth aged 5–19", "people", CMAP, CMAP_VINTAGE, None, true, false),
            values: num("A5_19")?,
        },
        IndicatorColumn {
            meta: indicator("under_5", "Children under 5", "people", CMAP, CMAP_VINTAGE, None, true, false),
            values: num("UND5")?,
        },
        IndicatorColumn {
            meta: indicator("households", "Households", "households", CMAP, CMAP_VINTAGE, None, true, false),
            values: num("TOT_HH")?,
        },
        IndicatorColumn {
            meta: indicator("median_household_income", "Median household income", "dollars", CMAP, CMAP_VINTAGE, Some(false), false, false),
            values: num("MEDINC")?,
        },
        IndicatorColumn {
            meta: indicator("per_capita_income", "Per-capita income", "dollars", CMAP, CMAP_VINTAGE, Some(false), false, false),
            values: num("INCPERCAP")?,
        },
        IndicatorColumn {
            meta: indicator("white_share", "Share White (non-Hispanic)", "share", CMAP, CMAP_VINTAGE, None, false, true),
            values: share("WHITE")?,
        },
        IndicatorColumn {
            meta: indicator("hispanic_share", "Share Hispanic or Latino", "share", CMAP, CMAP_VINTAGE, None, false, true),
            values: share("HISP")?,
        },
        IndicatorColumn {
            meta: indicator("black_share", "Share Black (non-Hispanic)", "share", CMAP, CMAP_VINTAGE, None, false, true),
            values: share("BLACK")?,
        },
        IndicatorColumn {
            meta: indicator("asian_share", "Share Asian (non-Hispanic)", "share", CMAP, CMAP_VINTAGE, None, false, true),
            values: share("ASIAN")?,
        },
        IndicatorColumn {
            meta: indicator("other_share", "Share other races (non-Hispanic)", "share", CMAP, CMAP_VINTAGE, None, false, true),
            values: share("OTHER")?,
        },
    ];
    Ok((codes, names, cols))
}

/// Adds the 2008-2012 socioeconomic indicators (keyed by area number; row 0 is the city total)
/// to `cols`; returns the file's spellings of the area names with their codes.
fn socioeconomic_indicators(socio_path: &Path, codes: &[String], cols: &mut Vec<IndicatorColumn>) -> Result<Vec<(String, String)>> {
    let socio = read_raw_csv(socio_path)?;
    let st = &socio.table;
    let scol = |name: &str| st.column(name).map_err(|e| input_err(socio_path, e));
    let (sid, sname) = (scol("Community Area")?, scol("COMMUNITY AREA NAME")?);
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut variant_names: Vec<(String, String)> = Vec::new();
    for i in 0..st.num_rows() {
        let Some(id) = sid.number(i) else { continue };
        let code = format!("{}", id as i64);
        if code != "0" {
            variant_names.push((sname.text(i).unwrap_or_default().into_owned(), code.clone()));
            by_code.insert(code, i);
        }
    }
    for (id, header, label, need) in [
        ("hardship_index", "HARDSHIP INDEX", "Hardship index (1–100)", true),
        ("pct_households_below_poverty", "PERCENT HOUSEHOLDS BELOW POVERTY", "Households below poverty (%)", true),
    ] {
        let c = scol(header)?;
        let values = codes.iter().map(|code| by_code.get(code).and_then(|&i| c.number(i))).collect();
        let unit = if id == "hardship_index" { "index" } else { "percent" };
        cols.push(IndicatorColumn { meta: indicator(id, label, unit, SOCIO, SOCIO_VINTAGE, Some(need), false, false), values });
    }
    Ok(variant_names)
}

/// The level's aliases (other spellings of area names, and neighbourhoods that lie in one area)
/// and its ambiguous names (neighbourhoods that span several areas, put in `level`).
fn name_index(
    level: &mut crate::engine::region::Level,
    codes: &[String],
    names: &[String],
    variants: Vec<(String, String)>,
    cmap_path: &Path,
) -> Result<BTreeMap<String, String>> {
    let code_of_name = |name: &str| codes.iter().zip(names).find(|(_, n)| normalize(n) == normalize(name)).map(|(c, _)| c.clone());
    let mut aliases = BTreeMap::new();
    for (variant, code) in variants {
        let own = names[codes.iter().position(|c| *c == code).unwrap_or(0)].clone();
        if normalize(&variant) != normalize(&own) {
            aliases.insert(normalize(&variant), code);
        }
    }
    for (alias, target) in NEIGHBOURHOODS {
        let code = code_of_name(target).ok_or_else(|| input_err(cmap_path, format!("alias target {target} is not an area name")))?;
        aliases.insert(normalize(alias), code);
    }
    for (name, cands) in AMBIGUOUS {
        let codes_of: Vec<String> = cands
            .iter()
            .map(|c| code_of_name(c).ok_or_else(|| input_err(cmap_path, format!("ambiguous candidate {c} is not an area name"))))
            .collect::<Result<_>>()?;
        level.ambiguous.insert(normalize(name), codes_of);
    }
    Ok(aliases)
}

fn geojson_names(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
    Ok(v["features"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| {
                    Some((f["properties"]["community"].as_str()?.to_string(), f["properties"]["area_numbe"].as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default())
}
