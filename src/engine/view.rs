//! A view: everything a person chose (region, level, column mapping, name assignments, filters,
//! supply, denominator, need, map styling, selection) — and its compact, versioned URL form.
//! The user's file is never in the URL, only its name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Format version written as `v=` in every share link.
pub const VIEW_VERSION: u32 = 1;
/// Longest text value a link may carry for one option.
pub const MAX_TEXT: usize = 200;
/// Most name assignments and filters a link may carry.
pub const MAX_ITEMS: usize = 200;

/// What is counted per area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// The engine decides: distinct programs when an id column is known, else rows.
    #[default]
    Auto,
    /// Every matched row counts 1.
    Rows,
    /// Distinct values of the id column per area (exports list a program once per category).
    Programs,
    /// Sum of the capacity column (blanks skipped).
    Seats,
    /// Sum of a numeric column (e.g. annual funding).
    Sum(String),
}

impl Supply {
    /// The URL / command-line form: `rows`, `programs`, `seats`, `sum:COL` (`auto` for Auto).
    pub fn as_text(&self) -> String {
        match self {
            Supply::Auto => "auto".into(),
            Supply::Rows => "rows".into(),
            Supply::Programs => "programs".into(),
            Supply::Seats => "seats".into(),
            Supply::Sum(c) => format!("sum:{c}"),
        }
    }

    /// Parses the URL / command-line form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "auto" => Supply::Auto,
            "rows" => Supply::Rows,
            "programs" => Supply::Programs,
            "seats" => Supply::Seats,
            _ => Supply::Sum(s.strip_prefix("sum:").filter(|c| !c.is_empty())?.to_string()),
        })
    }
}

/// A filter a person chose; rows it drops are counted as excluded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    /// Keep rows whose column equals one of the values (case-insensitive, trimmed).
    Equals {
        /// Column.
        column: String,
        /// Accepted values.
        values: Vec<String>,
    },
    /// Keep rows whose date column is on or after the date (`YYYY-MM-DD`); blanks are dropped.
    Since {
        /// Column.
        column: String,
        /// First day kept.
        date: String,
    },
    /// Keep rows whose date column is on or before the date; blanks are dropped.
    Until {
        /// Column.
        column: String,
        /// Last day kept.
        date: String,
    },
    /// Keep free rows (price column reads `free` or 0) or paid ones.
    Price {
        /// Column.
        column: String,
        /// true: keep free ones; false: keep paid ones.
        free: bool,
    },
    /// Keep rows whose age range `[min, max]` overlaps `[lo, hi]`.
    Ages {
        /// Minimum-age column.
        min_column: String,
        /// Maximum-age column.
        max_column: String,
        /// Youngest age wanted.
        lo: u32,
        /// Oldest age wanted.
        hi: u32,
    },
}

/// Map classing scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Classes {
    /// Equal numbers of areas per class.
    #[default]
    Quantile,
    /// Classes of equal width.
    Equal,
    /// Fisher-Jenks natural breaks.
    Jenks,
}

/// Every choice that makes a view. Defaults are "auto-detect" or the region's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct View {
    /// Region id (`chicago`, `west-midlands`); empty = the site's default.
    pub region: String,
    /// Level id; empty = the region's default.
    pub level: String,
    /// Name of the file the view was made from (never its content).
    pub file: String,
    /// Preset this view started from, if any.
    pub preset: String,
    /// The file is the bundled sample of that name (a link to it renders at once).
    pub sample: bool,
    /// Area column (code or name); empty = auto-detect.
    pub area_column: String,
    /// Latitude and longitude columns for point-in-polygon; empty = auto-detect / not used.
    pub lat_column: String,
    /// Longitude column.
    pub lon_column: String,
    /// One column of coordinate text (`(41.97, -87.71)`, `POINT (lon lat)`, a Socrata location)
    /// for point-in-polygon; empty = auto-detect / not used.
    pub location_column: String,
    /// Column of UK postcodes, looked up in the region's postcode table; empty = auto-detect / not
    /// used.
    #[serde(default)]
    pub postcode_column: String,
    /// Id column for distinct programs; empty = auto-detect.
    pub id_column: String,
    /// Capacity column for seats; empty = auto-detect.
    pub capacity_column: String,
    /// The user's decisions for unknown or ambiguous names: name as written → area code.
    pub assignments: BTreeMap<String, String>,
    /// Filters, all applied (AND).
    pub filters: Vec<Filter>,
    /// Exclude the N rows with the largest supply value (outliers such as one dominant grant).
    pub exclude_top: u32,
    /// The two-step floating catchment's radius, in metres (0 = the level's default; URL key
    /// `ck`, in km).
    pub catchment_m: u32,
    /// What is counted.
    pub supply: Supply,
    /// Denominator indicator; empty = level default.
    pub denominator: String,
    /// Need indicator; empty = level default.
    pub need: String,
    /// Which way the need indicator points, overriding its catalogue entry: `high` (higher values
    /// mean more need), `low`, or empty (the catalogue's; URL key `nd`). For indicators a person
    /// joined, whose direction Equimap cannot know.
    #[serde(default)]
    pub need_direction: String,
    /// The boundaries file of the person's own areas, when the view is on them instead of a
    /// region (its name only; URL key `ar`).
    #[serde(default)]
    pub areas_file: String,
    /// The property of [`View::areas_file`] holding the area code; empty = detected (`arc`).
    #[serde(default)]
    pub areas_code: String,
    /// The property holding the area name; empty = detected (`arn`).
    #[serde(default)]
    pub areas_name: String,
    /// The table of indicators the person joined to the areas (its name only; URL key `ind`), so
    /// a shared view says to drop it again.
    #[serde(default)]
    pub indicators_file: String,
    /// Only the areas within this area of the level's parent level (its code: the MSOAs of one
    /// district); empty = every area (URL key `in`).
    #[serde(default)]
    pub within: String,
    /// Map layer column (`supply`, `rate`, `lq`, `disparity`, `bivariate` or an indicator); empty = default.
    pub map: String,
    /// Classing scheme.
    pub classes: Classes,
    /// Number of classes (3–7; 0 = default 5).
    pub k: u8,
    /// Palette name; empty = default.
    pub palette: String,
    /// Log scale for the map.
    pub log: bool,
    /// Selected area code.
    pub selected: String,
    /// Group column of the areas to break the table down by (e.g. WMCA membership); empty = none.
    pub group: String,
}

/// What a catchment must be.
pub const CATCHMENT_RANGE: &str = "must be a distance in km from 0.1 to 200";

/// A catchment in km (0.1–200) as whole metres.
///
/// ```
/// assert_eq!(equimap::engine::view::parse_catchment_km("1.6"), Some(1600));
/// assert_eq!(equimap::engine::view::parse_catchment_km("0"), None);
/// ```
pub fn parse_catchment_km(text: &str) -> Option<u32> {
    let km: f64 = text.trim().parse().ok()?;
    (0.1..=200.0).contains(&km).then(|| (km * 1000.0).round() as u32)
}

/// Percent-encodes a value for a query string (unreserved characters kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes a percent-encoded query value (`+` is a space); invalid escapes are kept as written,
/// invalid UTF-8 is replaced.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl View {
    /// The view without its display-only choices (map layer, classes, palette, log scale,
    /// selected area) and without the name of the file to drop (the file itself is what is
    /// analysed): two views with equal parts give the same analysis of the same file.
    pub fn analysis_part(&self) -> View {
        View {
            file: String::new(),
            sample: false,
            map: String::new(),
            classes: Classes::default(),
            k: 0,
            palette: String::new(),
            log: false,
            selected: String::new(),
            ..self.clone()
        }
    }

    /// The query string of this view (without `?`), options at their defaults left out.
    pub fn to_query(&self) -> String {
        let mut q: Vec<(String, String)> = vec![("v".into(), VIEW_VERSION.to_string())];
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                q.push((k.into(), v.into()));
            }
        };
        put("r", &self.region);
        put("l", &self.level);
        put("preset", &self.preset);
        put("file", &self.file);
        if self.sample {
            put("s", "1");
        }
        put("ac", &self.area_column);
        put("lat", &self.lat_column);
        put("lon", &self.lon_column);
        put("loc", &self.location_column);
        put("pc", &self.postcode_column);
        put("id", &self.id_column);
        put("cap", &self.capacity_column);
        for (name, code) in &self.assignments {
            put("as", &format!("{name}~{code}"));
        }
        for f in &self.filters {
            match f {
                Filter::Equals { column, values } => put("w", &format!("{column}~{}", values.join("|"))),
                Filter::Since { column, date } => put("since", &format!("{column}~{date}")),
                Filter::Until { column, date } => put("until", &format!("{column}~{date}")),
                Filter::Price { column, free } => put("price", &format!("{column}~{}", if *free { "free" } else { "paid" })),
                Filter::Ages { min_column, max_column, lo, hi } => put("ages", &format!("{min_column}~{max_column}~{lo}~{hi}")),
            }
        }
        if self.exclude_top > 0 {
            put("top", &self.exclude_top.to_string());
        }
        if self.catchment_m > 0 {
            put("ck", &format!("{}", f64::from(self.catchment_m) / 1000.0));
        }
        if self.supply != Supply::Auto {
            put("sup", &self.supply.as_text());
        }
        put("ar", &self.areas_file);
        put("arc", &self.areas_code);
        put("arn", &self.areas_name);
        put("ind", &self.indicators_file);
        put("in", &self.within);
        put("den", &self.denominator);
        put("need", &self.need);
        put("nd", &self.need_direction);
        put("map", &self.map);
        if self.classes != Classes::Quantile {
            put(
                "cls",
                match self.classes {
                    Classes::Equal => "equal",
                    Classes::Jenks => "jenks",
                    Classes::Quantile => "quantile",
                },
            );
        }
        if self.k != 0 {
            put("k", &self.k.to_string());
        }
        put("pal", &self.palette);
        if self.log {
            put("log", "1");
        }
        put("sel", &self.selected);
        put("grp", &self.group);
        q.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }

    /// Reads a view from a query string or a whole URL. Never fails: what cannot be restored is
    /// listed in the returned messages and left at its default. Unknown keys are ignored; numbers
    /// are range-checked; text is limited to [`MAX_TEXT`] characters; lists to [`MAX_ITEMS`].
    pub fn from_query(input: &str) -> (View, Vec<String>) {
        let query = match input.find('?') {
            Some(i) => &input[i + 1..],
            None => input,
        };
        let query = query.split('#').next().unwrap_or("");
        let mut v = View::default();
        let mut problems = Vec::new();
        let mut items = 0usize;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let val = decode(raw);
            if val.chars().count() > MAX_TEXT {
                problems.push(format!("\"{k}\" is longer than {MAX_TEXT} characters; ignored"));
                continue;
            }
            let parts: Vec<&str> = val.split('~').collect();
            let mut bad = |why: &str| problems.push(format!("\"{k}={}\": {why}; ignored", clip(&val)));
            match k {
                "v" if val != VIEW_VERSION.to_string() => bad(&format!("link version {val} is not {VIEW_VERSION}, restoring what can be")),
                "v" => {}
                "r" => v.region = val.clone(),
                "l" => v.level = val.clone(),
                "preset" => v.preset = val.clone(),
                "file" => v.file = val.clone(),
                "s" => v.sample = val == "1",
                "ac" => v.area_column = val.clone(),
                "lat" => v.lat_column = val.clone(),
                "lon" => v.lon_column = val.clone(),
                "loc" => v.location_column = val.clone(),
                "pc" => v.postcode_column = val.clone(),
                "id" => v.id_column = val.clone(),
                "cap" => v.capacity_column = val.clone(),
                "as" | "w" | "since" | "until" | "price" | "ages" => {
                    items += 1;
                    if items > MAX_ITEMS {
                        bad(&format!("more than {MAX_ITEMS} assignments and filters"));
                        continue;
                    }
                    match (k, parts.as_slice()) {
                        ("as", [name, code]) if !name.is_empty() && !code.is_empty() => {
                            v.assignments.insert(name.to_string(), code.to_string());
                        }
                        ("w", [col, vals]) if !col.is_empty() && !vals.is_empty() => v
                            .filters
                            .push(Filter::Equals { column: col.to_string(), values: vals.split('|').map(str::to_string).collect() }),
                        ("since" | "until", [col, date])
                            if crate::engine::ingest::typing::values::parse_date(
                                date,
                                crate::engine::ingest::typing::values::SlashOrder::MonthFirst,
                            )
                            .is_some() =>
                        {
                            let (column, date) = (col.to_string(), date.to_string());
                            v.filters.push(if k == "since" { Filter::Since { column, date } } else { Filter::Until { column, date } });
                        }
                        ("price", [col, which @ ("free" | "paid")]) => {
                            v.filters.push(Filter::Price { column: col.to_string(), free: *which == "free" })
                        }
                        ("ages", [a, b, lo, hi]) => match (lo.parse::<u32>(), hi.parse::<u32>()) {
                            (Ok(lo), Ok(hi)) if lo <= hi && hi <= 120 => {
                                v.filters.push(Filter::Ages { min_column: a.to_string(), max_column: b.to_string(), lo, hi })
                            }
                            _ => bad("ages must be two whole numbers 0–120, lowest first"),
                        },
                        _ => bad("not in the expected form"),
                    }
                }
                "top" => match val.parse::<u32>() {
                    Ok(n) if n <= 1000 => v.exclude_top = n,
                    _ => bad("must be a whole number from 0 to 1000"),
                },
                "ck" => match parse_catchment_km(&val) {
                    Some(m) => v.catchment_m = m,
                    None => bad(CATCHMENT_RANGE),
                },
                "sup" => match Supply::parse(&val) {
                    Some(s) => v.supply = s,
                    None => bad("must be rows, programs, seats or sum:COLUMN"),
                },
                "den" => v.denominator = val.clone(),
                "need" => v.need = val.clone(),
                "nd" if val == "high" || val == "low" => v.need_direction = val.clone(),
                "nd" => bad("must be high or low"),
                "ar" => v.areas_file = val.clone(),
                "arc" => v.areas_code = val.clone(),
                "arn" => v.areas_name = val.clone(),
                "ind" => v.indicators_file = val.clone(),
                "in" => v.within = val.clone(),
                "map" => v.map = val.clone(),
                "cls" => match val.as_str() {
                    "quantile" => v.classes = Classes::Quantile,
                    "equal" => v.classes = Classes::Equal,
                    "jenks" => v.classes = Classes::Jenks,
                    _ => bad("must be quantile, equal or jenks"),
                },
                "k" => match val.parse::<u8>() {
                    Ok(n) if (3..=7).contains(&n) => v.k = n,
                    _ => bad("the number of classes must be 3 to 7"),
                },
                "pal" => v.palette = val.clone(),
                "log" => v.log = val == "1",
                "sel" => v.selected = val.clone(),
                "grp" => v.group = val.clone(),
                _ => {}
            }
        }
        (v, problems)
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut v = View { region: "chicago".into(), file: "mcmf programs 2024.csv".into(), sample: true, ..Default::default() };
        v.assignments.insert("Garfield Park".into(), "26".into());
        v.filters.push(Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] });
        v.filters.push(Filter::Since { column: "start_date".into(), date: "2021-05-01".into() });
        v.filters.push(Filter::Ages { min_column: "min_age".into(), max_column: "max_age".into(), lo: 5, hi: 19 });
        v.supply = Supply::Sum("2023-26 Annual Funding (Offered 4 Nov 2022)".into());
        v.classes = Classes::Jenks;
        v.k = 6;
        v.log = true;
        v.catchment_m = 2500;
        v.areas_file = "wards 2022.geojson".into();
        v.areas_code = "WD22CD".into();
        v.need_direction = "low".into();
        v.within = "E08000025".into();
        v.indicators_file = "ward indicators.csv".into();
        let q = v.to_query();
        assert!(q.contains("ar=wards+2022.geojson") || q.contains("ar=wards%202022.geojson"), "{q}");
        assert!(q.contains("ck=2.5"), "{q}");
        assert!(q.starts_with("v=1&r=chicago"), "{q}");
        let (back, problems) = View::from_query(&format!("https://x.org/equimap/?{q}#top"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back, v);
    }

    #[test]
    fn tampered_links_fall_back() {
        let (v, p) = View::from_query("?v=9&k=99&top=-1&cls=pretty&sup=sum:&zzz=1&ages=a~b~30~5&since=c~notadate&r=chicago&ck=0&nd=up");
        assert_eq!(v.k, 0);
        assert_eq!(v.catchment_m, 0);
        assert_eq!(v.exclude_top, 0);
        assert_eq!(v.classes, Classes::Quantile);
        assert_eq!(v.supply, Supply::Auto);
        assert!(v.filters.is_empty());
        assert_eq!(v.region, "chicago");
        assert_eq!(v.need_direction, "");
        assert_eq!(p.len(), 9, "{p:?}");
        let long = "x".repeat(300);
        let (v, p) = View::from_query(&format!("ac={long}"));
        assert_eq!(v.area_column, "");
        assert_eq!(p.len(), 1);
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("a%20b+c%C3%A9"), "a b cé");
    }
}
