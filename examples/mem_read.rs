//! Peak and final heap of reading a CSV as the worker does (streamed, 1 MiB at a time), then
//! placing and analysing it for the benchmark view: `cargo run --release --example mem_read -- FILE.csv`.
//! With `--split`, as the engine worker reads a large file with the helper: the first 45 %
//! itself, then the rest joined from 8 MiB pieces (the pieces are made uncounted, as in the
//! helper's memory, and each column counted when it is copied in, as from the helper's message).
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Off while the helper's pieces are made (their memory is another worker's).
static ON: AtomicBool = AtomicBool::new(true);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            let n = NOW.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(n, Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if ON.load(Relaxed) {
            NOW.fetch_sub(l.size(), Relaxed);
        }
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if ON.load(Relaxed) {
            // A move needs old and new at once.
            let n = NOW.fetch_add(new, Relaxed) + new;
            PEAK.fetch_max(n, Relaxed);
            NOW.fetch_sub(l.size(), Relaxed);
        }
        unsafe { System.realloc(p, l, new) }
    }
}
#[global_allocator]
static A: Counting = Counting;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn ing_done(_: equimap::engine::Ingested) -> equimap::engine::ingest::part::PausedRead {
    panic!("the file is too small to split")
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mib = |b: usize| b as f64 / 1048576.0;
    let path = std::env::args().nth(1).expect("a CSV file");
    let areas = equimap::cli::load_areas(std::path::Path::new("static/data"), "chicago", "").unwrap();
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let file = std::fs::File::open(&path).unwrap();
    let size = file.metadata().unwrap().len();
    let head = equimap::engine::ingest::read_stream::HEAD_BYTES;
    let ing = if std::env::args().any(|a| a == "--split") {
        let from = (size as f64 * 0.45) as u64;
        let mut paused = match equimap::engine::ingest::read_stream::read_csv_until("x.csv", size, file, head, Some(from)).unwrap() {
            Ok(ing) => ing_done(ing),
            Err(p) => p,
        };
        println!("first part: now {:.1} MiB, peak {:.1} MiB", mib(NOW.load(Relaxed) - base), mib(PEAK.load(Relaxed) - base));
        ON.store(false, Relaxed);
        let mut rest = std::fs::File::open(&path).unwrap();
        std::io::Seek::seek(&mut rest, std::io::SeekFrom::Start(from - 1)).unwrap();
        let mut pieces = Vec::new();
        equimap::engine::ingest::read_stream::read_csv_part("x.csv", from, size, rest, 8 << 20, |p| {
            pieces.push(p);
            Ok(())
        })
        .unwrap();
        ON.store(true, Relaxed);
        let mut done = None;
        for mut p in pieces {
            assert!(paused.misfit(&p.head).is_none());
            let columns = std::mem::take(&mut p.columns);
            let part = equimap::engine::ingest::part::FilePart { head: p.head.clone(), lines: p.lines.clone(), columns: vec![] };
            // Copied in one column at a time; the piece itself is the helper's.
            let last = paused.append(part, columns.iter().map(Clone::clone)).unwrap();
            ON.store(false, Relaxed);
            drop((columns, p));
            ON.store(true, Relaxed);
            if last {
                done = Some(());
                break;
            }
        }
        assert!(done.is_some());
        paused.finish().unwrap()
    } else {
        equimap::engine::ingest::read_stream::read_csv_stream("x.csv", size, file, head).unwrap()
    };
    println!("read: now {:.1} MiB, peak {:.1} MiB", mib(NOW.load(Relaxed) - base), mib(PEAK.load(Relaxed) - base));
    for (f, c) in ing.table.batch.schema().fields().iter().zip(ing.table.batch.columns()) {
        println!("  {:<16} {:?} {:.1} MiB", f.name(), f.data_type(), mib(c.get_array_memory_size()));
    }
    let mut s = equimap::engine::session::Session::new();
    s.set_areas(areas);
    s.load(ing);
    // The benchmark preset's view (its analysis is the harness's workload).
    let view = equimap::engine::View::from_query(equimap::prep::chicago::PEER_BENCH_QUERY).0;
    let a = s.analyze(&view).unwrap();
    let b = s.peer_bench().unwrap();
    println!("analysed: now {:.1} MiB, peak {:.1} MiB", mib(NOW.load(Relaxed) - base), mib(PEAK.load(Relaxed) - base));
    std::hint::black_box((a, b));
}
