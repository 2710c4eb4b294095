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

    pub fn run() {
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
    }
}
