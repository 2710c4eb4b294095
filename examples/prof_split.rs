//! Reading speed of the CSV reader on a file: `cargo run --release --example prof_split FILE`
//! (best of five runs, or of the number given after the file).
fn main() {
    let path = std::env::args().nth(1).expect("a CSV file");
    let bytes = std::fs::read(&path).expect("readable");
    let mut best = f64::MAX;
    let runs: usize = std::env::args().nth(2).map_or(5, |r| r.parse().expect("a number of runs"));
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let x = equimap::engine::read_csv("x.csv", &bytes).expect("reads");
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(x);
    }
    eprintln!("read_csv {:.0} ms ({:.0} MB/s)", best * 1e3, bytes.len() as f64 / best / 1e6);
}
