//! Native benchmarks of the engine at 10k / 100k / 1M rows: ingest (CSV → typed Arrow), placement
//! (names → areas, and points → areas) and aggregation (filters, supply, measures). Each figure is
//! reported beside a peer measured in the same run: the `csv` crate merely iterating the same bytes
//! (the floor for any CSV ingest). Run with `cargo bench` (or `./x bench`); medians of 5 runs.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use equimap::engine::analysis::{analyze_prepared, prepare};
    use equimap::engine::view::{Filter, Supply};
    use equimap::engine::{read_csv, View};

    /// A synthetic export like `shared/bench/gen.py`'s: names of the 77 areas (upper case, 1% aliases,
    /// 3% blank), meeting type, start date, capacity, and coordinates inside Chicago.
    fn synth(rows: usize, names: &[String]) -> Vec<u8> {
        let mut s = String::with_capacity(rows * 120);
        s.push_str("program_id,program_name,community_name,meeting_type,start_date,capacity,latitude,longitude\n");
        let mut x: u64 = 0x9E3779B97F4A7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..rows {
            let r = next();
            let name = match r % 100 {
                0 => "Pilsen".to_string(),
                1..=3 => String::new(),
                _ => names[(r as usize / 100) % names.len()].to_uppercase(),
            };
            let mt = if r % 7 == 0 { "online" } else { "face_to_face" };
            let day = 1 + (r >> 8) % 28;
            let month = 1 + (r >> 16) % 12;
            let year = 2019 + (r >> 24) % 7;
            let lat = 41.65 + ((r >> 32) % 3700) as f64 / 10_000.0;
            let lon = -87.94 + ((r >> 44) % 4100) as f64 / 10_000.0;
            s.push_str(&format!(
                "{},\"Program {i}, \"\"{}\"\"\",{name},{mt},{year}-{month:02}-{day:02},{},{lat:.5},{lon:.5}\n",
                i / 2,
                r % 1000,
                (r >> 4) % 60
            ));
        }
        s.into_bytes()
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    }

    fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
        median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(f());
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .collect(),
        )
    }

    /// A 100k-row West Midlands export (`cargo bench -- postcodes`): real postcodes of the region's
    /// lists (`../shared/data/west-midlands/postcodes`) in mixed spellings, each with its district's
    /// name; written to `/tmp/equimap-postcodes-100k.csv` for the in-browser run too.
    fn postcode_export(rows: usize) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/west-midlands/postcodes");
        let lad =
            equimap::cli::load_areas(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data"), "west-midlands", "").unwrap();
        let places = lad.postcodes.clone().unwrap();
        let mut pcs = Vec::new();
        for a in ["B", "CV", "DY", "WS", "WV"] {
            let text = std::fs::read_to_string(dir.join(format!("{a}.csv"))).unwrap();
            pcs.extend(text.lines().skip(1).filter_map(|l| l.split(',').next().map(str::to_string)));
        }
        let mut s = String::from("grant_id,recipient,district,postcode,amount\n");
        let mut x: u64 = 0x9E3779B97F4A7C15;
        for i in 0..rows {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pc = &pcs[(x % pcs.len() as u64) as usize];
            let district = places.place(pc).map(|a| lad.names[a as usize].clone()).unwrap_or_default();
            let written = if i % 3 == 0 { pc.to_lowercase() } else { pc.clone() };
            s.push_str(&format!("{i},Org {},{district},{written},{}\n", x % 5000, x % 90_000));
        }
        s.into_bytes()
    }

    /// Drop → table natively, placed by postcode vs by name, on the same 100k-row file.
    fn postcodes_vs_names() {
        let lad =
            equimap::cli::load_areas(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data"), "west-midlands", "").unwrap();
        let bytes = postcode_export(100_000);
        std::fs::write("/tmp/equimap-postcodes-100k.csv", &bytes).unwrap();
        let by_name = View { area_column: "district".into(), ..View::default() };
        let by_postcode = View { postcode_column: "postcode".into(), ..View::default() };
        let run = |v: &View| {
            let ing = read_csv("grants.csv", &bytes).unwrap();
            equimap::engine::analyze(&lad, &ing, v).unwrap()
        };
        let (mut name, mut pc) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            name.push(time(1, || run(&by_name)));
            pc.push(time(1, || run(&by_postcode)));
        }
        let (name, pc) = (median(name), median(pc));
        let auto = time(3, || run(&View::default()));
        println!("| 100k rows, read + analyze | by name (peer) | by postcode | postcode ÷ name | auto (weighs both) |");
        println!("|---|---:|---:|---:|---:|");
        println!("| native | {name:.1} ms | {pc:.1} ms | {:.2}× | {auto:.1} ms |", pc / name);
    }

    /// The cost of the bootstrap intervals and the access measures (issue 21) on the 2024 export:
    /// the whole drop (read + place + figures + evidence + bootstrap, as `equimap analyze`) and
    /// the figures alone (`analyze_prepared`, which includes the access step but not the
    /// bootstrap: the page gets that after the figures), with them and without (less the steps,
    /// each timed alone on the same inputs).
    fn uncertainty_and_access() {
        use equimap::engine::analysis::bootstrap::{chance_bands, index_intervals, Settings, REPLICATES, SEED};
        use equimap::engine::analysis::measures::{need_order, quintile_of};
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data");
        let bytes =
            std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/chicago/programs/mcmf_programs_2024.csv"))
                .unwrap();
        println!("| level (areas) | drop: read + place + analyze | figures | bootstrap | access | figures with ÷ without | drop with ÷ without |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for level in ["community_area", "tract"] {
            let areas = equimap::cli::load_areas(&data, "chicago", level).unwrap();
            let view = View::default();
            let drop = median(
                (0..7)
                    .map(|_| time(1, || equimap::engine::analyze(&areas, &read_csv("mcmf.csv", &bytes).unwrap(), &view).unwrap()))
                    .collect(),
            );
            let ing = read_csv("mcmf.csv", &bytes).unwrap();
            let prepared = prepare(&areas, &ing, &view).unwrap();
            let full = median((0..7).map(|_| time(1, || analyze_prepared(&areas, &ing, &view, &prepared).unwrap())).collect());
            let a = analyze_prepared(&areas, &ing, &view, &prepared).unwrap();
            let s: Vec<f64> = a.areas.iter().map(|r| r.supply).collect();
            let p: Vec<f64> = a.areas.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
            let order = need_order(&a.areas.iter().map(|r| r.need).collect::<Vec<_>>(), a.resolved.higher_is_more_need);
            let mut q = vec![None; s.len()];
            for (k, &i) in order.iter().enumerate() {
                q[i] = Some(quintile_of(k, order.len()));
            }
            let settings = Settings { replicates: REPLICATES, seed: SEED };
            let boot = median(
                (0..7)
                    .map(|_| time(1, || (index_intervals(&s, &p, &order, &q, settings), chance_bands(s.iter().sum(), &p, settings))))
                    .collect(),
            );
            let choices = equimap::engine::analysis::choices::resolve(&areas, &ing.table, &view).unwrap();
            let supply = equimap::engine::analysis::tally::SupplyColumns::of(&ing.table, &choices).unwrap();
            let access = median(
                (0..7)
                    .map(|_| {
                        time(1, || {
                            equimap::engine::analysis::access::access(
                                &areas,
                                &view,
                                &ing.table,
                                &prepared.method,
                                &a.matched_rows,
                                &choices,
                                &supply,
                            )
                            .unwrap()
                        })
                    })
                    .collect(),
            );
            println!(
                "| {level} ({}) | {drop:.1} ms | {full:.1} ms | {boot:.1} ms | {access:.1} ms | {:.2}× | {:.2}× |",
                areas.len(),
                full / (full - access),
                drop / (drop - boot - access)
            );
        }
    }

    /// Records and field bytes of `bytes` as `csv-core` splits them (the `csv` crate's own
    /// splitter, without building records): the peer of [`equimap::engine::ingest::split_count`].
    fn csv_core_count(bytes: &[u8]) -> (u64, u64) {
        use csv_core::ReadRecordResult::*;
        let mut reader = csv_core::ReaderBuilder::new().build();
        let (mut out, mut ends) = (vec![0u8; 1 << 20], vec![0usize; 4096]);
        let (mut input, mut outlen, mut endlen) = (bytes, 0, 0);
        let (mut records, mut field_bytes) = (0u64, 0u64);
        loop {
            let (res, nin, nout, nend) = reader.read_record(input, &mut out[outlen..], &mut ends[endlen..]);
            input = &input[nin..];
            outlen += nout;
            endlen += nend;
            match res {
                InputEmpty => {}
                OutputFull | OutputEndsFull => panic!("a record longer than the benchmark's buffers"),
                Record => {
                    records += 1;
                    field_bytes += outlen as u64;
                    (outlen, endlen) = (0, 0);
                }
                End => return (records, field_bytes),
            }
        }
    }

    /// The record splitter alone against `csv-core` on the same bytes (the A/B of issue 18).
    fn splitter_ab(files: &[(String, Vec<u8>)]) {
        println!("\n| file | MB | csv-core split (peer) | Equimap split | Equimap ÷ peer |");
        println!("|---|---:|---:|---:|---:|");
        for (name, bytes) in files {
            let runs = if bytes.len() > 50_000_000 { 5 } else { 21 };
            assert_eq!(equimap::engine::ingest::split_count(bytes, b','), csv_core_count(bytes), "{name}: the two split alike");
            let peer = time(runs, || csv_core_count(bytes));
            let ours = time(runs, || equimap::engine::ingest::split_count(bytes, b','));
            println!("| {name} | {:.1} | {peer:.1} ms | {ours:.1} ms | {:.2}× |", bytes.len() as f64 / 1e6, ours / peer);
        }
    }

    /// Making a level of a dropped boundaries file (`cargo bench -- own FILE`): the whole step, and
    /// the checks of its shapes on their own (rings by geo's validation, overlaps by inner points).
    fn own_areas(path: &str) {
        use equimap::engine::region::{own, shape_problems};
        let bytes = std::fs::read(path).unwrap();
        let level = own::own_level(path, &bytes, &own::OwnChoice::default()).unwrap();
        let shapes: Vec<_> = level.areas.boundaries.as_ref().unwrap().shapes.clone();
        let codes = level.areas.codes.clone();
        let parse = time(5, || serde_json::from_slice::<serde_json::Value>(&bytes).unwrap());
        let whole = time(5, || own::own_level(path, &bytes, &own::OwnChoice::default()).unwrap());
        let rings = time(5, || shapes.iter().map(|s| shape_problems::invalid_polygons(s).len()).sum::<usize>());
        let overlaps = time(5, || shape_problems::overlapping(&shapes, &codes));
        println!("| file | MB | areas | JSON parse (peer) | own level | ÷ parse | ring validation | overlaps |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        println!(
            "| {path} | {:.1} | {} | {parse:.1} ms | {whole:.1} ms | {:.2}× | {rings:.1} ms | {overlaps:.1} ms |",
            bytes.len() as f64 / 1e6,
            codes.len(),
            whole / parse
        );
    }

    /// Point in polygon (`cargo bench -- locate`): 200,000 points (real postcode points of the
    /// West Midlands lists, and points spread over Chicago) placed on each level's simplified and
    /// full-resolution polygons, by the grid index and by `geo` (each area's box, then
    /// `Intersects`, in area order — what the engine did before the index), with the index's
    /// build time.
    fn locate() {
        use equimap::engine::geo::point_index::PointIndex;
        use geo::{BoundingRect, Intersects, MultiPolygon, Point};
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data");
        let mut seed = 11u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        println!("| level | polygons | vertices | build index | index | geo (box, then Intersects) | geo ÷ index |");
        println!("|---|---|---:|---:|---:|---:|---:|");
        for (region, level) in [("chicago", "community_area"), ("chicago", "tract"), ("west-midlands", "msoa"), ("england", "lad")] {
            let areas = equimap::cli::load_areas(&data, region, level).unwrap();
            let [w, s, e, n] = areas.level.bbox;
            let points: Vec<(f64, f64)> = (0..200_000).map(|_| (w + next() * (e - w), s + next() * (n - s))).collect();
            for (which, shapes) in
                [("simplified", &areas.boundaries.as_ref().unwrap().shapes), ("full resolution", &areas.placement.as_ref().unwrap().shapes)]
            {
                let vertices: usize = shapes.iter().map(|m| m.0.iter().map(|p| p.exterior().0.len()).sum::<usize>()).sum();
                let build = time(3, || PointIndex::new(shapes));
                let index = PointIndex::new(shapes);
                let by_index = time(3, || points.iter().filter_map(|&(x, y)| index.locate(x, y)).count());
                let boxes: Vec<_> = shapes.iter().map(|m: &MultiPolygon<f64>| m.bounding_rect()).collect();
                let by_geo = time(3, || {
                    points
                        .iter()
                        .filter_map(|&(x, y)| {
                            let p = Point::new(x, y);
                            (0..shapes.len()).find(|&i| boxes[i].is_some_and(|b| b.intersects(&p)) && shapes[i].intersects(&p))
                        })
                        .count()
                });
                println!(
                    "| {region} {level} | {which} | {vertices} | {build:.1} ms | {by_index:.1} ms | {by_geo:.1} ms | {:.1}× |",
                    by_geo / by_index
                );
            }
        }
    }

    pub fn run() {
        // `cargo bench -- split FILE…`: only the splitter A/B, on the files given (or synthetic ones).
        let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
        if args.first().map(String::as_str) == Some("split") {
            let areas =
                equimap::cli::load_areas(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data"), "chicago", "").unwrap();
            let files: Vec<(String, Vec<u8>)> = if args.len() > 1 {
                args[1..].iter().map(|p| (p.clone(), std::fs::read(p).unwrap())).collect()
            } else {
                [10_000usize, 1_000_000].iter().map(|&n| (format!("synthetic {n}"), synth(n, &areas.names))).collect()
            };
            return splitter_ab(&files);
        }
        if args.first().map(String::as_str) == Some("postcodes") {
            return postcodes_vs_names();
        }
        if args.first().map(String::as_str) == Some("uncertainty") {
            return uncertainty_and_access();
        }
        if args.first().map(String::as_str) == Some("locate") {
            return locate();
        }
        if args.first().map(String::as_str) == Some("own") {
            return own_areas(args.get(1).expect("cargo bench -- own FILE.geojson"));
        }
        let areas = equimap::cli::load_areas(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/data"), "chicago", "").unwrap();
        println!("| rows | MB | csv crate iterate (peer) | ingest | ingest ÷ peer | ingest MB/s | place by name | place by point | analyze (filters + measures) |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for &n in &[10_000usize, 100_000, 1_000_000] {
            let bytes = synth(n, &areas.names);
            let runs = if n >= 1_000_000 { 3 } else { 5 };
            let peer = time(runs, || {
                let mut r = csv::ReaderBuilder::new().from_reader(&bytes[..]);
                let mut rec = csv::ByteRecord::new();
                let mut k = 0usize;
                while r.read_byte_record(&mut rec).unwrap() {
                    k += rec.len();
                }
                k
            });
            let ingest = time(runs, || read_csv("synthetic.csv", &bytes).unwrap());
            let ing = read_csv("synthetic.csv", &bytes).unwrap();
            let by_name = View { area_column: "community_name".into(), ..View::default() };
            let by_point = View { lat_column: "latitude".into(), lon_column: "longitude".into(), ..View::default() };
            let place_name = time(runs, || prepare(&areas, &ing, &by_name).unwrap());
            let place_point = time(runs, || prepare(&areas, &ing, &by_point).unwrap());
            let prepared = prepare(&areas, &ing, &by_name).unwrap();
            let view = View {
                filters: vec![
                    Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] },
                    Filter::Since { column: "start_date".into(), date: "2021-05-01".into() },
                ],
                supply: Supply::Programs,
                ..by_name
            };
            let agg = time(runs, || analyze_prepared(&areas, &ing, &view, &prepared).unwrap());
            let mb = bytes.len() as f64 / 1e6;
            println!(
                "| {n} | {mb:.1} | {peer:.1} ms | {ingest:.1} ms | {:.2}× | {:.0} | {place_name:.1} ms | {place_point:.1} ms | {agg:.1} ms |",
                ingest / peer,
                mb / (ingest / 1000.0)
            );
        }
        let files: Vec<(String, Vec<u8>)> =
            [10_000usize, 1_000_000].iter().map(|&n| (format!("synthetic {n}"), synth(n, &areas.names))).collect();
        splitter_ab(&files);
    }
}
