//! Import speed on the real files: New York's allegations read and loaded into a fresh SQLite
//! store (what `probity import ccrb` does), beside a raw parse of the same file in the same
//! run (the csv crate reading every record, nothing else) as the baseline of what reading the
//! bytes alone costs.
//!
//! Run: `cargo bench -p probity-import --bench import` (add `-- --runs N` for more runs; the
//! best of each is reported).

use std::time::{Duration, Instant};

use probity_app::{Console, Office};
use probity_domain::access::StaffRole;

const NEW_YORK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ccrb/allegations_202007271729.csv"
);

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}

fn line(what: &str, rows: usize, took: Duration, baseline: Duration) {
    println!(
        "| {what} | {rows} | {:.3} | {:.0} | {:.2} |",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        baseline.as_secs_f64() / took.as_secs_f64()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut runs = 3usize;
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N");
        }
    }
    let bytes = std::fs::read(NEW_YORK).expect("the New York file (shared/data/ccrb)");
    let (raw, rows) = best(runs, || {
        let mut csv = csv::Reader::from_reader(&bytes[..]);
        let mut record = csv::StringRecord::new();
        let mut n = 0usize;
        while csv.read_record(&mut record).expect("a record") {
            n += 1;
        }
        n
    });
    let (reading, read) = best(runs, || {
        probity_import::ccrb::read(&bytes).expect("the file")
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (loading, report) = best(runs, || {
        rt.block_on(async {
            let dir = tempfile::tempdir().expect("a directory");
            let office = Office::open(&format!("sqlite:{}", dir.path().join("b.db").display()))
                .await
                .expect("a store");
            let desk = office
                .console(Console {
                    actor: "bench".into(),
                    role: Some(StaffRole::Administrator),
                    ..Console::default()
                })
                .await
                .expect("a desk");
            let t = Instant::now();
            let report = probity_import::load(&desk, read.clone())
                .await
                .expect("the load");
            (t.elapsed(), report)
        })
    });
    let _ = loading;
    let (load_only, report) = report;
    assert_eq!(report.added, read.rows.len());
    println!(
        "New York (CCRB), {rows} rows into {} cases, best of {runs}:\n",
        read.rows.len()
    );
    println!("| step | rows | seconds | rows per second | of the raw parse's speed |");
    println!("|---|---:|---:|---:|---:|");
    line("baseline: raw parse (csv, every record)", rows, raw, raw);
    line("read into commands (`ccrb::read`)", rows, reading, raw);
    line(
        "load into a new SQLite store (`load`)",
        rows,
        load_only,
        raw,
    );
    line("read and load", rows, reading + load_only, raw);
}
