//! Times each step the web worker runs for a program export (native, release): read, place,
//! analyse, the benchmark workload, and the analysis as JSON. `cargo run --release --example
//! prof_steps -- FILE.csv`
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let path = std::env::args().nth(1).expect("a CSV file");
    let bytes = std::fs::read(&path).unwrap();
    let areas = equimap::cli::load_areas(std::path::Path::new("static/data"), "chicago", "").unwrap();
    let t = std::time::Instant::now();
    let ms = |t: &mut std::time::Instant| {
        let e = t.elapsed().as_secs_f64() * 1000.0;
        *t = std::time::Instant::now();
        e
    };
    let mut t = t;
    let ing = equimap::engine::read_csv("x.csv", &bytes).unwrap();
    eprintln!("read {:.0} ms", ms(&mut t));
    let mut s = equimap::engine::session::Session::new();
    s.set_areas(areas);
    s.load(ing);
    // The benchmark preset's view (its analysis is the harness's workload).
    let view = equimap::engine::View::from_query(equimap::prep::chicago::PEER_BENCH_QUERY).0;
    eprintln!("load {:.0} ms", ms(&mut t));
    let a = s.analyze(&view).unwrap();
    eprintln!("place + analyze {:.0} ms", ms(&mut t));
    let a2 = s.analyze(&view).unwrap();
    eprintln!("analyze again {:.0} ms", ms(&mut t));
    let b = s.peer_bench().unwrap();
    eprintln!("peer bench {:.0} ms", ms(&mut t));
    let j = serde_json::to_string(a.as_ref()).unwrap();
    eprintln!("json {:.0} ms ({} bytes, {} unmatched rows)", ms(&mut t), j.len(), a.unmatched_rows.len());
    let _ = s.points();
    eprintln!("points {:.0} ms", ms(&mut t));
    std::hint::black_box((a2, b));
}
