//! Which properties of a person's boundaries file are what: the code (unique, non-blank, named
//! like a code, code-like values), the name, and the numeric ones offered as indicators — a GIS's
//! own ids, shape measures and label points set aside.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::Indicator;

/// A feature's properties.
pub type Props = serde_json::Map<String, Value>;

/// Every property name of the features, in order of first appearance.
pub fn property_keys(features: &[&Props]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut keys = Vec::new();
    for p in features {
        for k in p.keys() {
            if seen.insert(k.clone()) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// A property as text: strings trimmed, numbers as written (`17` not `17.0`), else empty.
pub fn property_text(p: &Props, key: &str) -> String {
    match p.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        _ => String::new(),
    }
}

/// Every value non-blank and different: the property can be a code.
pub fn unique_non_blank(values: &[String]) -> bool {
    let mut seen = HashSet::new();
    values.iter().all(|v| !v.is_empty() && seen.insert(v.as_str()))
}

/// That the chosen code property exists and has a different, non-blank value for every feature
/// (else which feature fails, and how).
pub fn check_code_property(key: &str, keys: &[String], values: &[String]) -> std::result::Result<(), String> {
    if !keys.iter().any(|k| k == key) {
        return Err(format!("no property \"{key}\" (properties: {})", keys.join(", ")));
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_empty() {
            return Err(format!("feature {}: blank {key}; every area needs a code", i + 1));
        }
        if let Some(j) = first.insert(v.as_str(), i) {
            return Err(format!("features {} and {} share {key} \"{v}\"; codes must be unique", j + 1, i + 1));
        }
    }
    Ok(())
}

/// The code property: among the unique ones, a name saying code/id first, then values without
/// spaces that hold digits, then the shortest values; a GIS's own row ids last, and so a property
/// that repeats one (an ArcGIS export's feature `id`, equal to its `FID` or `OBJECTID`).
pub fn best_code(candidates: &[String], text_of: &dyn Fn(&str) -> Vec<String>) -> Option<String> {
    let row_ids: Vec<Vec<String>> = candidates.iter().filter(|k| is_bookkeeping(k)).map(|k| text_of(k)).collect();
    let score = |k: &String| {
        let l = k.to_lowercase();
        let named =
            ["code", "cd", "geoid", "id", "fips", "gss", "number", "num"].iter().any(|w| l == *w || l.ends_with(w) || l.starts_with(w));
        let vals = text_of(k);
        let codelike = vals.iter().all(|v| !v.contains(' ') && v.chars().any(|c| c.is_ascii_digit()));
        let internal = is_bookkeeping(k) || row_ids.contains(&vals);
        let avg = vals.iter().map(|v| v.len()).sum::<usize>() / vals.len().max(1);
        (internal, !named, !codelike, avg)
    };
    candidates.iter().min_by_key(|k| score(k)).cloned()
}

/// A property a GIS keeps for itself — row ids (OBJECTID, FID, GlobalID), shape measures
/// (Shape__Area, SHAPE_Leng, st_area(shape), AREA, PERIMETER, the Census Bureau's ALAND/AWATER)
/// and coordinates of a label point (LAT, LONG, BNG_E, BNG_N, x, y, INTPTLAT) — the last choice
/// for an area's code, never an indicator.
fn is_bookkeeping(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "objectid",
        "fid",
        "ogcfid",
        "gid",
        "globalid",
        "shapearea",
        "shapeleng",
        "shapelength",
        "shapelen",
        "starea",
        "stlength",
        "stareashape",
        "stlengthshape",
        "shapestarea",
        "shapestlength",
        "area",
        "perimeter",
        "aland",
        "awater",
        "intptlat",
        "intptlon",
        "lat",
        "long",
        "lon",
        "latitude",
        "longitude",
        "x",
        "y",
        "bnge",
        "bngn",
        "easting",
        "northing",
    ];
    let lower = key.to_lowercase();
    let squashed: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    KEYS.contains(&squashed.as_str())
}

/// An identifier (`id`, `…_id`, or an ArcInfo coverage's internal number `…_`): numbers that
/// count nothing, never an indicator.
fn is_identifier(key: &str) -> bool {
    let lower = key.to_lowercase();
    lower == "id" || lower.ends_with("_id") || lower.ends_with('_')
}

/// The name property: a name saying name/label first, then the one with the longest values.
pub fn best_name(candidates: &[String], code: &str) -> Option<String> {
    let named = |k: &str| {
        let l = k.to_lowercase();
        l.contains("name") || l.ends_with("nm") || l == "label" || l == "title"
    };
    candidates.iter().filter(|k| *k != code).max_by_key(|k| (named(k), usize::MAX - k.len())).cloned()
}

/// Numeric properties as indicators (JSON numbers in at least half the features; a GIS's own
/// ids, shape measures and label points left out: `is_bookkeeping`, `is_identifier`; so are
/// properties with one value in every feature, which tell areas nothing, and numeric copies of
/// the code, such as the Chicago portal's `AREA_NUM_1` beside `AREA_NUMBE`), labelled by the
/// file, usable as denominator or need (higher = more need), as joined tables are.
pub fn numeric_properties(
    features: &[&Props],
    keys: &[String],
    code: &str,
    file: &str,
) -> (Vec<Indicator>, HashMap<String, Vec<Option<f64>>>) {
    let mut indicators = Vec::new();
    let mut values = HashMap::new();
    for k in keys.iter().filter(|k| *k != code && !is_bookkeeping(k) && !is_identifier(k)) {
        let vals: Vec<Option<f64>> = features.iter().map(|p| p.get(k).and_then(Value::as_f64)).collect();
        if vals.iter().filter(|v| v.is_some()).count() * 2 < features.len() || is_constant(&vals) || copies(features, k, code) {
            continue;
        }
        indicators.push(Indicator {
            id: k.clone(),
            label: format!("{k} (from {file})"),
            unit: String::new(),
            source: file.into(),
            vintage: String::new(),
            higher_is_more_need: Some(true),
            population: true,
            group_share: false,
            moe: None,
        });
        values.insert(k.clone(), vals);
    }
    (indicators, values)
}

/// Whether every value given is the same.
fn is_constant(vals: &[Option<f64>]) -> bool {
    let mut given = vals.iter().flatten();
    given.next().is_none_or(|first| given.all(|v| v == first))
}

/// Whether property `key` reads the same as the code in every feature.
fn copies(features: &[&Props], key: &str, code: &str) -> bool {
    features.iter().all(|p| property_text(p, key) == property_text(p, code))
}

/// Whether an indicator's name says it counts people (the default denominator).
pub fn looks_like_population(id: &str) -> bool {
    let l = id.to_lowercase();
    ["pop", "resident", "people", "persons", "households"].iter().any(|w| l.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(rows: &[serde_json::Value]) -> Vec<Props> {
        rows.iter().map(|r| r.as_object().unwrap().clone()).collect()
    }

    #[test]
    fn a_gis_bookkeeping_constants_and_copies_of_the_code_are_not_indicators() {
        // The columns of the City of Chicago portal's CommAreas.csv (ArcInfo coverage fields).
        let rows = features(&[
            serde_json::json!({"PERIMETER": 0, "AREA": 0, "COMAREA_": 0, "COMAREA_ID": 0, "AREA_NUMBE": 35, "COMMUNITY": "DOUGLAS", "AREA_NUM_1": 35, "SHAPE_AREA": 4.6e7, "SHAPE_LEN": 31027.0, "youth": 1200, "ALAND": 5}),
            serde_json::json!({"PERIMETER": 0, "AREA": 0, "COMAREA_": 0, "COMAREA_ID": 0, "AREA_NUMBE": 36, "COMMUNITY": "OAKLAND", "AREA_NUM_1": 36, "SHAPE_AREA": 1.6e7, "SHAPE_LEN": 19565.0, "youth": 900, "ALAND": 6}),
        ]);
        let refs: Vec<&Props> = rows.iter().collect();
        let keys = property_keys(&refs);
        let (indicators, values) = numeric_properties(&refs, &keys, "AREA_NUMBE", "CommAreas.csv");
        let ids: Vec<&str> = indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["youth"]);
        assert_eq!(values["youth"], [Some(1200.0), Some(900.0)]);
    }

    #[test]
    fn a_feature_id_repeating_the_gis_row_id_is_not_the_code() {
        // An ArcGIS Hub GeoJSON: the feature's id is its FID; the code is LAD23CD.
        let rows = features(&[
            serde_json::json!({"id": 1, "FID": 1, "LAD23CD": "E06000019", "LAD23NM": "Herefordshire, County of"}),
            serde_json::json!({"id": 2, "FID": 2, "LAD23CD": "E08000025", "LAD23NM": "Birmingham"}),
        ]);
        let refs: Vec<&Props> = rows.iter().collect();
        let keys = property_keys(&refs);
        let text_of = |k: &str| -> Vec<String> { refs.iter().map(|p| property_text(p, k)).collect() };
        assert_eq!(best_code(&keys, &text_of).as_deref(), Some("LAD23CD"));
        // A feature id that is the code itself still wins (Chicago's area numbers as ids).
        let rows = features(&[serde_json::json!({"id": 35, "OBJECTID": 1}), serde_json::json!({"id": 36, "OBJECTID": 2})]);
        let refs: Vec<&Props> = rows.iter().collect();
        let keys = property_keys(&refs);
        let text_of = |k: &str| -> Vec<String> { refs.iter().map(|p| property_text(p, k)).collect() };
        assert_eq!(best_code(&keys, &text_of).as_deref(), Some("id"));
    }
}
