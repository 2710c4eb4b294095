//! Reading time of the CSV reader on one file, for a profiler: `cargo run --release --example prof_ingest FILE`.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..5 {
        std::hint::black_box(equimap::engine::read_csv("x.csv", &bytes).unwrap());
    }
    eprintln!("ingest {:.1} ms", t.elapsed().as_secs_f64() * 200.0);
}
