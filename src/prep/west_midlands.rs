//! West Midlands (region E12000005): the 30 local authority districts with Census 2021 population,
//! IMD 2019 score and derived rank, and WMCA membership; boundaries from ONS's UK TopoJSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, DataType as _, Reader, Xlsx};

use super::{indicator, input_err, level_entry, read_raw_csv, write_areas, write_boundaries, write_manifest, IndicatorColumn, Result};
use crate::engine::placement::names::normalize;
use crate::engine::region::{DefaultView, Manifest, Preset, Sample};

/// The region's ONS code.
pub const REGION_CODE: &str = "E12000005";
/// The West Midlands Combined Authority's code in the ONS lookup (its seven constituent members).
const WMCA: &str = "E47000007";
/// WMCA non-constituent members (wmca.org.uk, "Our members", 2023).
const NON_CONSTITUENT: &[&str] = &[
    "Cannock Chase",
    "North Warwickshire",
    "Nuneaton and Bedworth",
    "Redditch",
    "Rugby",
    "Shropshire",
    "Stratford-on-Avon",
    "Tamworth",
    "Telford and Wrekin",
    "Warwick",
];
const ONS: &str = "ONS Census 2021 (usual residents, rounded to 100)";
const IMD: &str = "MHCLG English Indices of Deprivation 2019, population-weighted LAD 2022 average";

/// Builds `west-midlands/manifest.json` and `west-midlands/lad/{areas.parquet,boundaries.geojson}`.
pub fn build(from: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let dir = from.join("west-midlands");
    let lookup_path = dir.join("lookups/la_all_codes.csv");
    let lookup = read_raw_csv(&lookup_path)?;
    let t = &lookup.table;
    let c = |n: &str| t.column(n).map_err(|e| input_err(&lookup_path, e));
    let (cd, nm, rgn, rgnnm, cauth) = (c("LADCD")?, c("LADNM")?, c("RGNCD")?, c("RGNNM")?, c("CAUTHCD")?);
    let (active, utla_cd, utla_nm, country) = (c("LADCD_ACTIVE")?, c("UTLACD")?, c("UTLANM")?, c("CTRYNM")?);
    let current = c("Current")?;
    let (mut lads, mut outside) = districts(t, [&cd, &nm, &rgn, &rgnnm, &cauth, &current, &country]);
    lads.sort();
    if lads.len() != 30 {
        return Err(input_err(&lookup_path, format!("expected 30 current West Midlands districts, found {}", lads.len())));
    }
    let codes: Vec<String> = lads.iter().map(|l| l.0.clone()).collect();
    let names: Vec<String> = lads.iter().map(|l| l.1.clone()).collect();
    let groups: Vec<String> = lads.iter().map(|l| l.2.clone()).collect();
    for n in names.iter().chain(&codes) {
        outside.remove(&normalize(n));
    }
    let (former, spans) = former_codes_and_upper_tiers(t, &codes, [&cd, &nm, &active, &utla_cd, &utla_nm]);

    // Census 2021 population (sheet "Population change": area code, name, 2011, 2021, change).
    let xlsx_path = dir.join("census/datadownload.xlsx");
    let pop = census_population(&xlsx_path)?;
    let population: Vec<Option<f64>> = codes.iter().map(|c| pop.get(c).copied()).collect();

    // IMD 2019 scores for every English LAD; rank derived (1 = most deprived).
    let imd_path = dir.join("imd/imd2019_england_ltla22.csv");
    let imd = read_raw_csv(&imd_path)?;
    let it = &imd.table;
    let (icode, iscore) =
        (it.column("ltla22_code").map_err(|e| input_err(&imd_path, e))?, it.column("Score").map_err(|e| input_err(&imd_path, e))?);
    let mut scores: Vec<(String, f64)> = (0..it.num_rows())
        .filter_map(|i| Some((icode.text(i)?.into_owned(), iscore.number(i)?)))
        .filter(|(c, _)| c.starts_with('E'))
        .collect();
    scores.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
    let rank: BTreeMap<&str, usize> = scores.iter().enumerate().map(|(k, (c, _))| (c.as_str(), k + 1)).collect();
    let score: BTreeMap<&str, f64> = scores.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let cols = [
        IndicatorColumn { meta: indicator("population", "Usual residents", "people", ONS, "2021", None, true, false), values: population },
        IndicatorColumn {
            meta: indicator("imd_score", "IMD 2019 average score", "score", IMD, "2019", Some(true), false, false),
            values: codes.iter().map(|c| score.get(c.as_str()).copied()).collect(),
        },
        IndicatorColumn {
            meta: indicator(
                "imd_rank",
                &format!("IMD 2019 rank of {} English districts (1 = most deprived)", scores.len()),
                "rank",
                IMD,
                "2019",
                Some(false),
                false,
                false,
            ),
            values: codes.iter().map(|c| rank.get(c.as_str()).map(|r| *r as f64)).collect(),
        },
    ];

    // Boundaries from the ONS TopoJSON (object `ltla`).
    let topo_path = dir.join("boundaries/uk_lad_topo.json");
    let shapes_by = super::shapes::topojson_shapes(&topo_path, "ltla", "areacd")?;
    let shapes = super::shapes_in_order(&shapes_by, &codes, &topo_path, "")?;
    let level_dir = out.join("lad");
    let bbox = write_boundaries(&level_dir.join("boundaries.geojson"), &codes, &names, &shapes, 20.0)?;
    let how = "household-weighted mean of the interior points of the district's 2021 MSOAs (ONS full-resolution boundaries; Census 2021 TS011 households)";
    let access = super::access_points::weighted_points(&codes, &msoa_children(&dir, &codes)?, how);
    let all: Vec<IndicatorColumn> = cols.iter().cloned().chain(access).collect();
    write_areas(&level_dir.join("areas.parquet"), &codes, &names, &[("wmca_group".into(), groups.clone())], &all)?;

    let mut level = level_entry("lad", "Local authority districts", codes.len(), bbox, cols.iter().map(|c| c.meta.clone()).collect());
    level.groups = vec!["wmca_group".into()];
    level.access_point = Some(how.into());
    level.catchment_km = Some(10.0);
    level.outside = outside;
    level.spans = spans;
    level.aliases.extend(former);
    for (alias, code) in [
        ("Herefordshire", "E06000019"),
        ("County of Herefordshire", "E06000019"),
        ("Stratford upon Avon", "E07000221"),
        ("Stoke", "E06000021"),
        ("Telford", "E06000020"),
        ("Wolverhampton City", "E08000031"),
    ] {
        level.aliases.insert(normalize(alias), code.into());
    }
    level.default_view = DefaultView { denominator: "population".into(), need: "imd_score".into(), map: "imd_score".into() };
    let (mut msoa_level, msoa_files) = build_msoa(&dir, out, &codes, &names, &groups)?;
    // Places elsewhere are elsewhere at every level; the districts' own aliases and counties span
    // their MSOAs too.
    msoa_level.outside = level.outside.clone();
    for (name, code) in &level.aliases {
        if let Some(msoas) = msoa_level.spans.get(&normalize(code)).cloned() {
            msoa_level.spans.entry(name.clone()).or_insert(msoas);
        }
    }
    let postcodes = build_postcodes(&dir, out, &codes)?;
    districts_contain_msoas(&mut level, &msoa_level, &codes);
    let manifest = manifest(vec![level, msoa_level], postcodes);
    write_manifest(&out.join("manifest.json"), &manifest)?;
    let mut files = vec![out.join("manifest.json"), level_dir.join("areas.parquet"), level_dir.join("boundaries.geojson")];
    files.extend(msoa_files);
    files.push(out.join("postcodes.parquet"));
    Ok(files)
}

/// The region's manifest: its levels and postcode table, samples, preset and currency.
fn manifest(levels: Vec<crate::engine::region::Level>, postcodes: crate::engine::region::PostcodeFile) -> Manifest {
    Manifest {
        version: 1,
        region: "west-midlands".into(),
        name: "West Midlands".into(),
        attribution: "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right. English Indices of Deprivation 2019 (MHCLG), OGL v3.".into(),
        default_level: "lad".into(),
        levels,
        postcodes: Some(postcodes),
        distance_unit: None,
        currency: Some("£".into()),
        samples: vec![Sample {
            file: "arts-council-investment-programme.csv".into(),
            path: "samples/arts-council-investment-programme.csv".into(),
            source: "Arts Council England 2023-26 Investment Programme: Arts Council England open data, OGL v3".into(),
        }],
        presets: vec![Preset {
            id: "wm-arts".into(),
            title: "Arts Council funding per head vs deprivation, West Midlands".into(),
            query: "v=1&r=west-midlands&preset=wm-arts&file=arts-council-investment-programme.csv&s=1&ac=Local+authority&w=ONS+region~West+Midlands&sup=sum%3A2023-26+Annual+Funding+%28Offered+4+Nov+2022%29&map=rate&grp=wmca_group".into(),
        }],
    }
}

/// The MSOAs of each district as finer areas: full-resolution shape and Census 2021 households.
fn msoa_children(dir: &Path, lad_codes: &[String]) -> Result<Vec<super::access_points::Child>> {
    let (households, _) = nomis_households(&dir.join("census/census_deprivation_england_wales_msoa21.csv"))?;
    let mut out = Vec::new();
    for lad in lad_codes {
        let p = dir.join(format!("boundaries/msoa21-by-lad/{lad}.geojson"));
        for (code, shape) in super::postcodes::full_resolution_shapes(&p, "MSOA21CD")? {
            let weight = *households.get(&code).ok_or_else(|| input_err(&p, format!("no households for MSOA {code}")))?;
            out.push(super::access_points::Child { parent: lad.clone(), shape, weight });
        }
    }
    Ok(out)
}

/// MSOAs (by code and official name) lie within their districts: a file of MSOAs viewed by
/// district is told so ([`crate::engine::region::Level::within`]).
fn districts_contain_msoas(level: &mut crate::engine::region::Level, msoa_level: &crate::engine::region::Level, codes: &[String]) {
    let lad_of_msoa: BTreeMap<String, String> = msoa_level
        .spans
        .iter()
        .filter(|(k, _)| codes.iter().any(|c| normalize(c) == **k))
        .flat_map(|(lad, msoas)| {
            let lad = codes.iter().find(|c| normalize(c) == *lad).cloned().unwrap_or_default();
            msoas.iter().map(move |m| (m.clone(), lad.clone()))
        })
        .collect();
    for (m, lad) in &lad_of_msoa {
        level.within.insert(normalize(m), lad.clone());
    }
    for (alias, m) in &msoa_level.aliases {
        if let Some(lad) = lad_of_msoa.get(m) {
            level.within.entry(alias.clone()).or_insert_with(|| lad.clone());
        }
    }
}

/// NSPL postcode areas around the region (one list each).
const POSTCODE_AREAS: &[&str] = &["B", "CV", "DY", "HR", "ST", "SY", "TF", "WR", "WS", "WV"];

/// `postcodes.parquet`: every postcode of the ten postcode areas around the region, its MSOA by
/// point in polygon on the full-resolution MSOA boundaries, and that MSOA's district.
fn build_postcodes(dir: &Path, out: &Path, lad_codes: &[String]) -> Result<crate::engine::region::PostcodeFile> {
    let mut areas: Vec<(String, String, geo::MultiPolygon<f64>)> = Vec::new();
    for lad in lad_codes {
        let p = dir.join(format!("boundaries/msoa21-by-lad/{lad}.geojson"));
        areas.extend(super::postcodes::full_resolution_shapes(&p, "MSOA21CD")?.into_iter().map(|(m, s)| (m, lad.clone(), s)));
    }
    areas.sort_by(|a, b| a.0.cmp(&b.0));
    let finest = super::postcodes::FinestLevel {
        id: "msoa".into(),
        codes: areas.iter().map(|a| a.0.clone()).collect(),
        parents: vec![("lad".into(), areas.iter().map(|a| a.1.clone()).collect())],
        shapes: areas.into_iter().map(|a| a.2).collect(),
    };
    let lists: Vec<PathBuf> = POSTCODE_AREAS.iter().map(|a| dir.join(format!("postcodes/{a}.csv"))).collect();
    let count = super::postcodes::build(&lists, &finest, &out.join("postcodes.parquet"))?;
    Ok(crate::engine::region::PostcodeFile {
        file: "postcodes.parquet".into(),
        count,
        source: "ONS National Statistics Postcode Lookup (May 2025) via Open Innovations, OGL v3; areas by point in polygon on ONS MSOA 2021 boundaries (full resolution). Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail copyright and database right".into(),
    })
}

/// The column of the MSOAs' `areas.parquet` holding each MSOA's district code.
const MSOA_PARENT_COLUMN: &str = "lad_code";

const TS011: &str = "ONS Census 2021 TS011, households by deprivation dimensions (Nomis)";
const IMD_MSOA: &str = "MHCLG English Indices of Deprivation 2019, population-weighted average over MSOA 2011 (IMD R package)";

/// The MSOA 2021 level: 736 areas with Census 2021 households and the share deprived in at least
/// one dimension, and the IMD 2019 score where the 2011-based file has the same code (MSOAs
/// created or changed in 2021 have none, and are listed in the manifest's notes, never filled).
fn build_msoa(
    dir: &Path,
    out: &Path,
    lad_codes: &[String],
    lad_names: &[String],
    lad_groups: &[String],
) -> Result<(crate::engine::region::Level, Vec<PathBuf>)> {
    let lookup_path = dir.join("lookups/msoa_la.csv");
    let lookup = read_raw_csv(&lookup_path)?;
    let t = &lookup.table;
    let c = |n: &str| t.column(n).map_err(|e| input_err(&lookup_path, e));
    let (c21, nm, hcl, lad, rgn) = (c("MSOA21CD")?, c("MSOANM")?, c("MSOAHCLNM")?, c("LADCD_ACTIVE")?, c("RGNCD")?);
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for i in 0..t.num_rows() {
        let (Some(code), Some(r)) = (c21.text(i), rgn.text(i)) else { continue };
        if r == REGION_CODE {
            let official = nm.text(i).unwrap_or_default().into_owned();
            let friendly = hcl.text(i).map(|s| s.into_owned()).unwrap_or_else(|| official.clone());
            rows.push((code.into_owned(), friendly, official, lad.text(i).unwrap_or_default().into_owned()));
        }
    }
    rows.sort();
    rows.dedup_by(|a, b| a.0 == b.0);
    if rows.len() != 736 {
        return Err(input_err(&lookup_path, format!("expected 736 West Midlands MSOAs (2021), found {}", rows.len())));
    }
    let codes: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let names: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let lad_of = |code: &str| lad_codes.iter().position(|c| c == code);
    let lad_name: Vec<String> = rows.iter().map(|r| lad_of(&r.3).map(|i| lad_names[i].clone()).unwrap_or_default()).collect();
    let group: Vec<String> = rows.iter().map(|r| lad_of(&r.3).map(|i| lad_groups[i].clone()).unwrap_or_default()).collect();

    let (households, not_deprived) = nomis_households(&dir.join("census/census_deprivation_england_wales_msoa21.csv"))?;
    let score = imd_msoa_scores(&dir.join("imd/imd_england_msoa.csv"))?;
    let hh: Vec<Option<f64>> = codes.iter().map(|c| households.get(c).copied()).collect();
    let deprived: Vec<Option<f64>> = codes
        .iter()
        .map(|c| match (households.get(c), not_deprived.get(c)) {
            (Some(t), Some(n)) if *t > 0.0 => Some(100.0 * (t - n) / t),
            _ => None,
        })
        .collect();
    let imd_values: Vec<Option<f64>> = codes.iter().map(|c| score.get(c).copied()).collect();
    let missing_imd: Vec<String> = codes.iter().zip(&imd_values).filter(|(_, v)| v.is_none()).map(|(c, _)| c.clone()).collect();
    let cols = vec![
        IndicatorColumn { meta: indicator("households", "Households", "households", TS011, "2021", None, true, false), values: hh },
        IndicatorColumn {
            meta: indicator(
                "households_deprived_pct",
                "Households deprived in at least one dimension (%)",
                "percent",
                TS011,
                "2021",
                Some(true),
                false,
                false,
            ),
            values: deprived,
        },
        IndicatorColumn {
            meta: indicator(
                "imd_score",
                &format!("IMD 2019 average score (2011 MSOAs; {} new 2021 MSOAs have none)", missing_imd.len()),
                "score",
                IMD_MSOA,
                "2019",
                Some(true),
                false,
                false,
            ),
            values: imd_values,
        },
    ];
    // Boundaries: one full-precision GeoJSON per district.
    let mut shapes_by = BTreeMap::new();
    for l in lad_codes {
        let p = dir.join(format!("boundaries/msoa21-by-lad/{l}.geojson"));
        shapes_by.extend(super::geojson_shapes(&p, "MSOA21CD")?);
    }
    let shapes = super::shapes_in_order(&shapes_by, &codes, &dir.join("boundaries/msoa21-by-lad"), "")?;
    let level_dir = out.join("msoa");
    let bbox = write_boundaries(&level_dir.join("boundaries.geojson"), &codes, &names, &shapes, 80.0)?;
    let lad_code: Vec<String> = rows.iter().map(|r| r.3.clone()).collect();
    let text_cols = [("lad_name".into(), lad_name), ("wmca_group".into(), group), (MSOA_PARENT_COLUMN.into(), lad_code)];
    write_areas(&level_dir.join("areas.parquet"), &codes, &names, &text_cols, &cols)?;
    let mut level =
        level_entry("msoa", "Middle layer super output areas (2021)", codes.len(), bbox, cols.iter().map(|c| c.meta.clone()).collect());
    level.groups = vec!["lad_name".into(), "wmca_group".into()];
    level.parent = Some(crate::engine::region::Parent { level: "lad".into(), column: MSOA_PARENT_COLUMN.into() });
    level.catchment_km = Some(5.0);
    // Official names ("Birmingham 001") are aliases; friendly names used more than once are ambiguous.
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        seen.entry(normalize(&r.1)).or_default().push(r.0.clone());
        level.aliases.insert(normalize(&r.2), r.0.clone());
    }
    for (name, cands) in seen {
        if cands.len() > 1 {
            level.ambiguous.insert(name, cands);
        }
    }
    // A district spans its MSOAs: a file placed by district names or codes says so at this level.
    for (i, lad) in lad_codes.iter().enumerate() {
        let msoas: Vec<String> = rows.iter().filter(|r| r.3 == *lad).map(|r| r.0.clone()).collect();
        if msoas.len() > 1 {
            level.spans.insert(normalize(lad), msoas.clone());
            level.spans.insert(normalize(&lad_names[i]), msoas);
        }
    }
    level.missing = missing_imd.iter().map(|c| format!("{c}: no IMD 2019 score (MSOA new or changed in 2021)")).collect();
    level.default_view =
        DefaultView { denominator: "households".into(), need: "households_deprived_pct".into(), map: "households_deprived_pct".into() };
    Ok((level, vec![level_dir.join("areas.parquet"), level_dir.join("boundaries.geojson")]))
}

/// The region's current districts (code, name, WMCA group) and every other district, by name and
/// by code, with where it is (its English region or its country).
#[allow(clippy::type_complexity)]
fn districts(
    t: &crate::engine::table::Table,
    [cd, nm, rgn, rgnnm, cauth, current, country]: [&crate::engine::table::Column; 7],
) -> (Vec<(String, String, String)>, BTreeMap<String, String>) {
    let mut lads: Vec<(String, String, String)> = Vec::new();
    let mut outside: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..t.num_rows() {
        let code = cd.text(i).unwrap_or_default().into_owned();
        let name = nm.text(i).unwrap_or_default().into_owned();
        if rgn.text(i).as_deref() == Some(REGION_CODE) && current.text(i).as_deref() == Some("true") {
            let group = if cauth.text(i).as_deref() == Some(WMCA) {
                "WMCA constituent"
            } else if NON_CONSTITUENT.contains(&name.as_str()) {
                "WMCA non-constituent"
            } else {
                "Rest of region"
            };
            lads.push((code, name, group.to_string()));
        } else if let Some(r) = rgnnm.text(i).or_else(|| country.text(i)) {
            // Where it is: its English region, or its country (Wales, Scotland, Northern Ireland).
            if rgn.text(i).as_deref() != Some(REGION_CODE) {
                // Districts elsewhere, by name and by code (a national file's codes are
                // recognised as outside the region, not unknown).
                outside.insert(normalize(&name), r.clone().into_owned());
                outside.insert(normalize(&code), r.into_owned());
            }
        }
    }
    (lads, outside)
}

/// From the districts lookup: earlier codes and names of districts that are now one of the
/// region's (`LADCD_ACTIVE`: a rename or a merger), normalised → today's code; and the region's
/// upper-tier counties (`UTLACD`/`UTLANM` over two or more districts), by name and code → their
/// districts' codes.
fn former_codes_and_upper_tiers(
    t: &crate::engine::table::Table,
    codes: &[String],
    [cd, nm, active, utla_cd, utla_nm]: [&crate::engine::table::Column; 5],
) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let mut former = BTreeMap::new();
    let mut spans: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tier_names: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..t.num_rows() {
        let (Some(code), Some(now)) = (cd.text(i), active.text(i)) else { continue };
        if !codes.iter().any(|c| *c == *now) {
            continue;
        }
        if code != now {
            former.insert(normalize(&code), now.to_string());
            if let Some(n) = nm.text(i) {
                former.insert(normalize(&n), now.to_string());
            }
        }
        if let (Some(u), Some(un)) = (utla_cd.text(i), utla_nm.text(i)) {
            if *u != *now {
                let list = spans.entry(normalize(&u)).or_default();
                if !list.contains(&now.to_string()) {
                    list.push(now.to_string());
                }
                tier_names.insert(normalize(&u), un.into_owned());
            }
        }
    }
    spans.retain(|_, v| v.len() > 1);
    for (u, name) in tier_names {
        if let Some(v) = spans.get(&u).cloned() {
            spans.insert(normalize(&name), v);
        }
    }
    for v in spans.values_mut() {
        v.sort();
    }
    (former, spans)
}

/// MSOA code → (households, households not deprived in any dimension), from Census 2021 TS011
/// as Nomis writes it (a preamble, a header row with "mnemonic", footer notes).
fn nomis_households(ts_path: &Path) -> Result<(BTreeMap<String, f64>, BTreeMap<String, f64>)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(ts_path).map_err(|e| input_err(ts_path, e))?;
    let mut households = BTreeMap::new();
    let mut not_deprived = BTreeMap::new();
    let mut header_seen = false;
    for rec in reader.records() {
        let rec = rec.map_err(|e| input_err(ts_path, e))?;
        if !header_seen {
            header_seen = rec.get(1) == Some("mnemonic");
            continue;
        }
        let Some(code) = rec.get(1).filter(|c| c.starts_with("E02") || c.starts_with("W02")) else { continue };
        let num = |k: usize| rec.get(k).and_then(|v| v.trim().parse::<f64>().ok());
        if let (Some(total), Some(none)) = (num(2), num(4)) {
            households.insert(code.to_string(), total);
            not_deprived.insert(code.to_string(), none);
        }
    }
    Ok((households, not_deprived))
}

/// MSOA 2011 code → IMD 2019 population-weighted average score.
fn imd_msoa_scores(imd_path: &Path) -> Result<BTreeMap<String, f64>> {
    let imd = read_raw_csv(imd_path)?;
    let it = &imd.table;
    let (icode, iscore) =
        (it.column("msoa_code").map_err(|e| input_err(imd_path, e))?, it.column("Score").map_err(|e| input_err(imd_path, e))?);
    Ok((0..it.num_rows()).filter_map(|i| Some((icode.text(i)?.into_owned(), iscore.number(i)?))).collect())
}

/// LAD code → usual residents 2021, from the ONS workbook's "Population change" sheet.
fn census_population(path: &Path) -> Result<BTreeMap<String, f64>> {
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| input_err(path, e))?;
    let range = wb.worksheet_range("Population change").map_err(|e| input_err(path, e))?;
    let mut out = BTreeMap::new();
    let mut col_2021 = None;
    for row in range.rows() {
        let text = |c: &Data| c.to_string();
        if col_2021.is_none() {
            if row.first().map(text).is_some_and(|s| s.to_lowercase().starts_with("area code")) {
                col_2021 = row.iter().position(|c| {
                    let s = text(c).to_lowercase();
                    s.contains("2021") && !s.contains("change")
                });
            }
            continue;
        }
        let Some(k) = col_2021 else { continue };
        let code = text(&row[0]);
        if let Some(v) = row.get(k).and_then(|c| c.as_f64()) {
            out.insert(code, v);
        }
    }
    if out.is_empty() {
        return Err(input_err(path, "no \"Area code\" header with a 2021 population column in sheet \"Population change\""));
    }
    Ok(out)
}
