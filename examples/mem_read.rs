//! Peak and final heap of reading a CSV as the worker does (streamed, 1 MiB at a time), then
//! placing and analysing it for the benchmark view: `cargo run --release --example mem_read -- FILE.csv`
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = NOW.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        NOW.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // A move needs old and new at once.
        let n = NOW.fetch_add(new, Relaxed) + new;
        PEAK.fetch_max(n, Relaxed);
        NOW.fetch_sub(l.size(), Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}
#[global_allocator]
static A: Counting = Counting;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mib = |b: usize| b as f64 / 1048576.0;
    let path = std::env::args().nth(1).expect("a CSV file");
    let areas = equimap::cli::load_areas(std::path::Path::new("static/data"), "chicago", "").unwrap();
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let file = std::fs::File::open(&path).unwrap();
    let size = file.metadata().unwrap().len();
    let ing = equimap::engine::read_csv_stream("x.csv", size, file, equimap::engine::csv_ingest::HEAD_BYTES).unwrap();
    println!("read: now {:.1} MiB, peak {:.1} MiB", mib(NOW.load(Relaxed) - base), mib(PEAK.load(Relaxed) - base));
    for (f, c) in ing.table.batch.schema().fields().iter().zip(ing.table.batch.columns()) {
        println!("  {:<16} {:?} {:.1} MiB", f.name(), f.data_type(), mib(c.get_array_memory_size()));
    }
    let mut s = equimap::engine::session::Session::new();
    s.set_areas(areas);
    s.load(ing);
    // The benchmark preset's view (its analysis is the harness's workload).
    let view = equimap::engine::View::from_query(equimap::engine::peer_bench::PRESET_QUERY).0;
    let a = s.analyze(&view).unwrap();
    let b = s.peer_bench().unwrap();
    println!("analysed: now {:.1} MiB, peak {:.1} MiB", mib(NOW.load(Relaxed) - base), mib(PEAK.load(Relaxed) - base));
    std::hint::black_box((a, b));
}
