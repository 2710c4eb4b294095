//! The native `equimap` command line: `prep` builds the public region data, `analyze` reproduces
//! any view of the app from a script (same engine, same auto-detection, same JSON).

use std::path::{Path, PathBuf};

use crate::engine::analysis::analyze;
use crate::engine::analysis::export::areas_csv;
use crate::engine::placement::postcode::PostcodeTable;
use crate::engine::region::{Areas, Manifest};
use crate::engine::view::{Filter, Supply, View};

const USAGE: &str = "equimap — do programs reach the places that need them most?

USAGE:
  equimap prep --region chicago|west-midlands|england [--from ../shared/data] [--out static/data]
                              build a bundled region from its spec regions/REGION.toml
  equimap analyze --region REGION --programs FILE [options]
  equimap region check DIR    check a region folder (manifest.json …) or a site's data folder
                              (catalog.json and every region) against docs/region-format.md;
                              lists every problem; exit status 1 when one is an error
  equimap region catalog DIR  write DIR/catalog.json from the manifests of DIR's regions
  equimap region build SPEC [--from ../shared/data] [--out static/data]
                              build a region folder from a spec (docs/region-format.md)

ANALYZE OPTIONS:
  --level LEVEL               area level (default: the region's default)
  --areas FILE                your own areas instead of a region: GeoJSON or TopoJSON, a CSV
                              with a WKT polygon column, or a shapefile (.zip, or .shp with its
                              .dbf and .prj beside it); a projected system the file names (crs,
                              .prj) is converted to longitude/latitude; code and name detected
  --area-code-property P      the property of --areas holding the code (default: detected)
  --area-name-property P      the property of --areas holding the name (default: detected)
  --indicators FILE           a table of indicators with one row per area code (CSV, XLSX,
                              Parquet), joined to the areas
  --data DIR                  region data directory (default: static/data)
  --area-column COL           column of area names or codes (default: detected)
  --lat-column COL --lon-column COL   place rows by point in polygon
  --location-column COL       place rows by one column of coordinate text: (41.97, -87.71),
                              POINT (-87.71 41.97) or a Socrata location
  --postcode-column COL       place rows by UK postcodes (regions with a postcode table)
  --sheet NAME                the sheet of a spreadsheet (.xlsx, .xls, .ods) to read
                              (default: the first with data; the header is found below
                              title rows)
  --id-column COL             id for distinct programs (default: detected)
  --capacity-column COL       capacity for seats (default: detected)
  --supply rows|programs|seats|sum:COL
  --where COL=VALUE           keep rows whose COL equals VALUE (repeat; same COL = any of)
  --since COL=YYYY-MM-DD      keep rows on or after the date
  --until COL=YYYY-MM-DD      keep rows on or before the date
  --free COL | --paid COL     keep free (or paid) rows by a price column
  --ages MINCOL,MAXCOL,LO,HI  keep rows whose age range overlaps LO–HI
  --exclude-top N             exclude the N largest rows by supply value
  --catchment-km X            the catchment of the two-step floating catchment access score
                              (default: the level's, e.g. 1.6 km in Chicago, 10 km for districts)
  --assign NAME=CODE          count rows named NAME in area CODE (repeat)
  --denominator INDICATOR     denominator population (default: the level's)
  --need INDICATOR            need indicator (default: the level's)
  --need-direction high|low   whether higher values of the need indicator mean more or less
                              need (default: its catalogue entry; joined indicators: high)
  --group COLUMN              break areas down by a group column (e.g. wmca_group)
  --within CODE               only the areas within this area of the level's parent level
                              (the MSOAs of district E08000025); rows elsewhere are excluded
  --view SHARE_URL            start from a share link of the app (options above override it)
  --format json|csv           output (default: json)

Exit status: 0 when the analysis ran (problems with rows are in the output), 1 when nothing could be analysed, 2 for bad usage.";

/// Runs the command line with `args` (without the program name); returns the exit status.
pub fn run(args: Vec<String>) -> i32 {
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return 2;
    };
    let result = match cmd.as_str() {
        "prep" => prep(rest),
        "analyze" => analyze_cmd(rest),
        "region" => region_cmd(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return 0;
        }
        other => Err(Failure::Usage(format!("unknown command \"{other}\""))),
    };
    match result {
        Ok(()) => 0,
        Err(Failure::Usage(m)) => {
            eprintln!("equimap: {m}\n\n{USAGE}");
            2
        }
        Err(Failure::Failed(m)) => {
            eprintln!("equimap: {m}");
            1
        }
    }
}

enum Failure {
    Usage(String),
    Failed(String),
}

fn failed(e: impl ToString) -> Failure {
    Failure::Failed(e.to_string())
}

/// Options as `(name, value)` pairs, in order.
fn parse_opts(args: &[String], flags: &[&str]) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(name) = a.strip_prefix("--") else {
            return Err(Failure::Usage(format!("unexpected argument \"{a}\"")));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None if flags.contains(&name) => (name.to_string(), String::new()),
            None => (name.to_string(), it.next().ok_or_else(|| Failure::Usage(format!("--{name} needs a value")))?.clone()),
        };
        out.push((name, value));
    }
    Ok(out)
}

fn prep(args: &[String]) -> Result<(), Failure> {
    let opts = parse_opts(args, &[])?;
    let mut region = None;
    let mut from = PathBuf::from("../shared/data");
    let mut out = PathBuf::from("static/data");
    for (k, v) in opts {
        match k.as_str() {
            "region" => region = Some(v),
            "from" => from = v.into(),
            "out" => out = v.into(),
            _ => return Err(Failure::Usage(format!("prep has no option --{k}"))),
        }
    }
    let region = region.ok_or_else(|| Failure::Usage("prep needs --region".into()))?;
    let files = crate::prep::run(&region, &from, &out).map_err(failed)?;
    for f in files {
        let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
        println!("wrote {} ({size} bytes)", f.display());
    }
    Ok(())
}

fn region_cmd(args: &[String]) -> Result<(), Failure> {
    match args {
        [sub, dir] if sub == "check" => {
            let dir = PathBuf::from(dir);
            let read = |p: &str| std::fs::read(dir.join(p)).ok();
            let report = if dir.join("catalog.json").exists() {
                crate::engine::region::check::check_site(&read)
            } else {
                crate::engine::region::check::check_region(&read)
            };
            print!("{}", report.to_text());
            if report.passed() {
                Ok(())
            } else {
                Err(Failure::Failed(format!("{} does not meet the region format (docs/region-format.md)", dir.display())))
            }
        }
        [sub, dir] if sub == "catalog" => {
            let path = crate::prep::write_catalog(Path::new(dir)).map_err(failed)?;
            println!("wrote {}", path.display());
            Ok(())
        }
        [sub, spec, rest @ ..] if sub == "build" => {
            let (mut from, mut out) = (PathBuf::from("../shared/data"), PathBuf::from("static/data"));
            for (k, v) in parse_opts(rest, &[])? {
                match k.as_str() {
                    "from" => from = v.into(),
                    "out" => out = v.into(),
                    _ => return Err(Failure::Usage(format!("region build has no option --{k}"))),
                }
            }
            for f in crate::prep::build::build(Path::new(spec), &from, &out).map_err(failed)? {
                let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
                println!("wrote {} ({size} bytes)", f.display());
            }
            Ok(())
        }
        _ => Err(Failure::Usage("region takes: check DIR | catalog DIR | build SPEC".into())),
    }
}

/// The region data directory: `--data`, else `static/data` here, else the crate's own.
fn data_dir(given: Option<String>) -> PathBuf {
    if let Some(d) = given {
        return d.into();
    }
    let here = PathBuf::from("static/data");
    if here.exists() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data")
    }
}

/// Loads a region's level from the files the site serves.
pub fn load_areas(data: &Path, region: &str, level: &str) -> Result<Areas, String> {
    let dir = data.join(region);
    let mtext = std::fs::read_to_string(dir.join("manifest.json")).map_err(|e| {
        format!("{}: {e} (is --region right? regions are directories of {})", dir.join("manifest.json").display(), data.display())
    })?;
    let manifest = Manifest::from_json(&mtext).map_err(|e| e.to_string())?;
    let level_id = if level.is_empty() { manifest.default_level.clone() } else { level.to_string() };
    let lv = manifest.level(&level_id).map_err(|e| e.to_string())?;
    let areas = std::fs::read(dir.join(&lv.areas)).map_err(|e| format!("{}: {e}", dir.join(&lv.areas).display()))?;
    let bounds = std::fs::read_to_string(dir.join(&lv.boundaries)).map_err(|e| format!("{}: {e}", dir.join(&lv.boundaries).display()))?;
    let mut areas = Areas::load(lv, areas, Some(&bounds)).map_err(|e| e.to_string())?;
    // Natively the level's placement boundaries are read at once too (the page fetches them only
    // for a file placed by coordinates; they place the same rows either way).
    if let Some(p) = &lv.placement {
        let text = std::fs::read_to_string(dir.join(p)).map_err(|e| format!("{}: {e}", dir.join(p).display()))?;
        areas = areas.with_placement(&text).map_err(|e| e.to_string())?;
    }
    // Natively the region's postcode table is read at once (the page fetches it only for a file
    // with a postcode column; auto-detection places by postcode only when there is one, either way).
    match &manifest.postcodes {
        Some(pc) => {
            let path = dir.join(&pc.file);
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let table = PostcodeTable::from_parquet(&pc.file, bytes).map_err(|e| e.to_string())?;
            Ok(areas.with_postcodes(&std::sync::Arc::new(table)))
        }
        None => Ok(areas),
    }
}

/// A level from a person's boundaries file (see [`crate::engine::region::own`]); what was left out
/// is said on standard error.
fn own_areas(file: &str, choice: &crate::engine::region::own::OwnChoice) -> Result<Areas, String> {
    let size = std::fs::metadata(file).map_err(|e| format!("{file}: {e}"))?.len();
    let name = file_name(file);
    crate::engine::region::own::check_boundaries_size(&name, size).map_err(|e| e.to_string())?;
    let bytes = if name.to_lowercase().ends_with(".shp") {
        shapefile_with_siblings(file)?
    } else {
        std::fs::read(file).map_err(|e| format!("{file}: {e}"))?
    };
    let own = crate::engine::region::own::own_level(&name, &bytes, choice).map_err(|e| e.to_string())?;
    eprintln!("equimap: {name}: {} areas, code from \"{}\", name from \"{}\"", own.areas.len(), own.used.code, own.used.name);
    for p in &own.problems {
        eprintln!("equimap: {name}: {p}");
    }
    Ok(own.areas)
}

/// A `.shp` and the `.dbf`, `.prj`, `.cpg` beside it (same name, any case of extension) as
/// GeoJSON text in longitude/latitude: the page's way with a shapefile's parts chosen together.
fn shapefile_with_siblings(file: &str) -> Result<Vec<u8>, String> {
    let path = std::path::Path::new(file);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut parts = vec![(format!("{stem}.shp"), std::fs::read(path).map_err(|e| format!("{file}: {e}"))?)];
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten() {
        let p = entry.path();
        let same_stem = p.file_stem().is_some_and(|s| s.to_string_lossy() == stem);
        let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
        if same_stem && ["dbf", "prj", "cpg"].contains(&ext.as_str()) {
            parts.push((format!("{stem}.{ext}"), std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?));
        }
    }
    crate::engine::geo::shapefile::loose_as_geojson(&file_name(file), &parts).map(String::into_bytes)
}

/// `areas` with the indicators of the table in `file` (one row per area code) joined.
fn with_indicators(areas: Areas, file: &str) -> Result<Areas, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let ing = crate::engine::ingest::read_file(&file_name(file), bytes, None).map_err(|e| e.to_string())?;
    let (joined, extra) = areas.with_extra(&ing.table).ok_or_else(|| {
        format!("{file}: not a table of indicators for these areas (expected a column of their codes or names, each area at most once, and numeric columns)")
    })?;
    if !extra.unknown_keys.is_empty() {
        eprintln!(
            "equimap: {file}: {} row(s) name no area: {}",
            extra.unknown_keys.len(),
            extra.unknown_keys.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(joined)
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}

/// The areas of the view: the person's own (`--areas`, the view then on region and level `own`),
/// else the region's level from `--data`.
fn areas_for(
    view: &mut View,
    own: Option<&str>,
    choice: &crate::engine::region::own::OwnChoice,
    data: Option<String>,
) -> Result<Areas, Failure> {
    match own {
        Some(file) => {
            let own_id = crate::engine::region::own::OWN_ID;
            (view.region, view.level) = (own_id.into(), own_id.into());
            own_areas(file, choice).map_err(failed)
        }
        None if view.region.is_empty() => Err(Failure::Usage(
            "analyze needs --region REGION (a folder of --data: chicago, west-midlands, england…) or --areas FILE".into(),
        )),
        None => load_areas(&data_dir(data), &view.region, &view.level).map_err(failed),
    }
}

fn analyze_cmd(args: &[String]) -> Result<(), Failure> {
    let opts = parse_opts(args, &[])?;
    // A share link first, then the explicit options on top of it.
    let mut view = match opts.iter().find(|(k, _)| k == "view") {
        Some((_, url)) => {
            let (v, problems) = View::from_query(url);
            for p in problems {
                eprintln!("equimap: --view: {p}");
            }
            v
        }
        None => View::default(),
    };
    let (mut programs, mut data, mut format) = (None, None, "json".to_string());
    let mut sheet: Option<String> = None;
    let (mut own, mut indicators) = (None::<String>, None::<String>);
    let mut choice = crate::engine::region::own::OwnChoice::default();
    for (k, v) in opts {
        let kv = || {
            v.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| Failure::Usage(format!("--{k} takes COL=VALUE, got \"{v}\"")))
        };
        match k.as_str() {
            "view" => {}
            "region" => view.region = v,
            "level" => view.level = v,
            "programs" => programs = Some(v),
            "areas" => own = Some(v),
            "area-code-property" => choice.code = v,
            "area-name-property" => choice.name = v,
            "indicators" => indicators = Some(v),
            "sheet" => sheet = Some(v),
            "data" => data = Some(v),
            "format" if v == "json" || v == "csv" => format = v,
            "format" => return Err(Failure::Usage(format!("--format is json or csv, not \"{v}\""))),
            "area-column" => view.area_column = v,
            "lat-column" => view.lat_column = v,
            "lon-column" => view.lon_column = v,
            "location-column" => view.location_column = v,
            "postcode-column" => view.postcode_column = v,
            "id-column" => view.id_column = v,
            "capacity-column" => view.capacity_column = v,
            "supply" => {
                view.supply =
                    Supply::parse(&v).ok_or_else(|| Failure::Usage(format!("--supply is rows, programs, seats or sum:COL, not \"{v}\"")))?
            }
            "where" => {
                let (c, val) = kv()?;
                match view.filters.iter_mut().find(|f| matches!(f, Filter::Equals { column, .. } if *column == c)) {
                    Some(Filter::Equals { values, .. }) => values.push(val),
                    _ => view.filters.push(Filter::Equals { column: c, values: vec![val] }),
                }
            }
            "since" => {
                let (column, date) = kv()?;
                view.filters.push(Filter::Since { column, date });
            }
            "until" => {
                let (column, date) = kv()?;
                view.filters.push(Filter::Until { column, date });
            }
            "free" | "paid" => view.filters.push(Filter::Price { column: v, free: k == "free" }),
            "ages" => {
                let p: Vec<&str> = v.split(',').collect();
                match (p.as_slice(), p.get(2).and_then(|x| x.parse().ok()), p.get(3).and_then(|x| x.parse().ok())) {
                    ([a, b, _, _], Some(lo), Some(hi)) => {
                        view.filters.push(Filter::Ages { min_column: a.to_string(), max_column: b.to_string(), lo, hi })
                    }
                    _ => return Err(Failure::Usage(format!("--ages takes MINCOL,MAXCOL,LO,HI, got \"{v}\""))),
                }
            }
            "catchment-km" => {
                view.catchment_m = crate::engine::view::parse_catchment_km(&v)
                    .ok_or_else(|| Failure::Usage(format!("--catchment-km {}, got \"{v}\"", crate::engine::view::CATCHMENT_RANGE)))?
            }
            "exclude-top" => {
                view.exclude_top = v.parse().map_err(|_| Failure::Usage(format!("--exclude-top takes a whole number, got \"{v}\"")))?
            }
            "assign" => {
                let (name, code) = kv()?;
                view.assignments.insert(name, code);
            }
            "denominator" => view.denominator = v,
            "need" => view.need = v,
            "need-direction" if v == "high" || v == "low" => view.need_direction = v,
            "need-direction" => return Err(Failure::Usage(format!("--need-direction is high or low, not \"{v}\""))),
            "group" => view.group = v,
            "within" => view.within = v,
            _ => return Err(Failure::Usage(format!("analyze has no option --{k}"))),
        }
    }
    let programs = programs.ok_or_else(|| Failure::Usage("analyze needs --programs FILE".into()))?;
    let areas = areas_for(&mut view, own.as_deref(), &choice, data)?;
    let areas = match &indicators {
        Some(file) => with_indicators(areas, file).map_err(failed)?,
        None => areas,
    };
    let bytes = std::fs::read(&programs).map_err(|e| failed(format!("{programs}: {e}")))?;
    let name = Path::new(&programs).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or(programs.clone());
    let ing = crate::engine::ingest::read_file(&name, bytes, sheet.as_deref()).map_err(failed)?;
    let analysis = analyze(&areas, &ing, &view).map_err(failed)?;
    if format == "csv" {
        print!("{}", areas_csv(&analysis));
    } else {
        println!("{}", serde_json::to_string_pretty(&analysis).expect("analysis serialises"));
    }
    Ok(())
}
