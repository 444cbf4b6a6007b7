//! Import speed on the real files: New York's allegations and Chicago's complaints read and
//! loaded into a fresh SQLite store (what `probity import ccrb` and `probity import chicago`
//! do, with the binary's allocator), beside a raw parse of the same files in the same run (the
//! csv crate reading every record, after gzip for Chicago, nothing else) as the baseline of
//! what reading the bytes alone costs.
//!
//! Then the statistics on a national-scale synthetic caseload (`probity import synthetic`:
//! `--national N` cases, a million by default; 0 leaves it out), loaded into its own store, the
//! statistics asked for as an analyst (median of three), beside one aggregate scan of the same
//! allegation rows by SQLite itself (`SELECT finding, COUNT(*) ... GROUP BY finding`) as the
//! floor of what reading them costs.
//!
//! Run: `cargo bench -p probity-import --bench import` (`-- --runs N` for more runs of New
//! York, the best reported; Chicago runs once; `-- --national N` for the synthetic caseload's
//! size).

use std::time::{Duration, Instant};

use probity_app::{Console, Office};
use probity_domain::access::StaffRole;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NEW_YORK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ccrb/allegations_202007271729.csv"
);
const CHICAGO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/chicago");

/// Every record of a CSV, counted.
fn raw_parse(bytes: &[u8]) -> usize {
    let mut csv = csv::Reader::from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut n = 0usize;
    while csv.read_record(&mut record).expect("a record") {
        n += 1;
    }
    n
}

/// Loads `read` into a new SQLite store: the time of the load alone.
fn load(rt: &tokio::runtime::Runtime, read: &probity_import::Read) -> Duration {
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
        let took = t.elapsed();
        assert_eq!(report.added, read.rows.len());
        took
    })
}

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
    let mut national = 1_000_000u64;
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N");
        }
        if a == "--national" {
            national = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--national N");
        }
    }
    let bytes = std::fs::read(NEW_YORK).expect("the New York file (shared/data/ccrb)");
    let (raw, rows) = best(runs, || raw_parse(&bytes));
    let (reading, read) = best(runs, || {
        probity_import::ccrb::read(&bytes).expect("the file")
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let loading = (0..runs).map(|_| load(&rt, &read)).min().expect("a run");
    println!(
        "New York (CCRB), {rows} rows into {} cases, best of {runs}:\n",
        read.rows.len()
    );
    println!("| step | rows | seconds | rows per second | of the raw parse's speed |");
    println!("|---|---:|---:|---:|---:|");
    line("baseline: raw parse (csv, every record)", rows, raw, raw);
    line("read into commands (`ccrb::read`)", rows, reading, raw);
    line("load into a new SQLite store (`load`)", rows, loading, raw);
    line("read and load", rows, reading + loading, raw);

    let dir = std::path::Path::new(CHICAGO);
    let (raw, rows) = best(1, || {
        [
            probity_import::chicago::COMPLAINTS,
            probity_import::chicago::ACCUSED,
            probity_import::chicago::COMPLAINANTS,
        ]
        .iter()
        .map(|name| {
            let gz = std::fs::read(dir.join(name)).expect("a Chicago file");
            let mut csv = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut csv)
                .expect("gzip");
            raw_parse(&csv)
        })
        .sum::<usize>()
    });
    let (reading, read) = best(1, || {
        probity_import::chicago::read_dir(dir).expect("the files")
    });
    let accused: usize = read
        .rows
        .iter()
        .map(|r| match &r.command {
            probity_domain::Command::ImportRecord(c) => c.record.allegations.len(),
            _ => 0,
        })
        .sum();
    let loading = load(&rt, &read);
    println!(
        "\nChicago, {rows} rows of three files ({accused} accused rows) into {} cases, one run:\n",
        read.rows.len()
    );
    println!("| step | rows | seconds | rows per second | of the raw parse's speed |");
    println!("|---|---:|---:|---:|---:|");
    line(
        "baseline: gunzip and raw parse (csv, every record)",
        rows,
        raw,
        raw,
    );
    line(
        "read into commands (`chicago::read_dir`, with officers' profiles)",
        rows,
        reading,
        raw,
    );
    line("load into a new SQLite store (`load`)", rows, loading, raw);
    line("read and load", rows, reading + loading, raw);
    println!(
        "\naccused rows a second, read and load: {:.0}",
        accused as f64 / (reading + loading).as_secs_f64()
    );
    if national > 0 {
        national_statistics(&rt, national);
    }
}

/// The national-scale caseload loaded, then the statistics timed beside SQLite's own scan.
fn national_statistics(rt: &tokio::runtime::Runtime, cases: u64) {
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("national.db");
        let office = Office::open(&format!("sqlite:{}", path.display()))
            .await
            .expect("a store");
        let desk = |role| {
            office.console(Console {
                actor: "bench".into(),
                role: Some(role),
                ..Console::default()
            })
        };
        let admin = desk(StaffRole::Administrator).await.expect("a desk");
        let t = Instant::now();
        let mut allegations = 0usize;
        for first in (0..cases).step_by(50_000) {
            let read = probity_import::synthetic::read(1, first, 50_000.min(cases - first));
            allegations += read
                .rows
                .iter()
                .map(|r| match &r.command {
                    probity_domain::Command::ImportRecord(c) => c.record.allegations.len(),
                    _ => 0,
                })
                .sum::<usize>();
            probity_import::load(&admin, read).await.expect("the load");
        }
        let loading = t.elapsed();
        let analyst = desk(StaffRole::Analyst).await.expect("a desk");
        let mut times = Vec::new();
        let mut counted = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let s = analyst
                .statistics(probity_app::FactFilter::default())
                .await
                .expect("the statistics");
            times.push(t.elapsed());
            counted = s.allegations;
        }
        times.sort();
        assert_eq!(counted as usize, allegations);
        let one_force = {
            let t = Instant::now();
            analyst
                .statistics(probity_app::FactFilter {
                    body: Some("kent".into()),
                    ..probity_app::FactFilter::default()
                })
                .await
                .expect("the statistics");
            t.elapsed()
        };
        let db = rusqlite::Connection::open(&path).expect("the database");
        let mut scans = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let n: i64 = db
                .prepare("SELECT finding, COUNT(*) FROM allegation_facts GROUP BY finding")
                .expect("the scan")
                .query_map([], |r| r.get::<_, i64>(1))
                .expect("rows")
                .map(|n| n.expect("a count"))
                .sum();
            scans.push(t.elapsed());
            assert_eq!(n as usize, allegations);
        }
        scans.sort();
        println!(
            "\nNational-scale synthetic caseload: {cases} cases, {allegations} allegations, loaded in {:.1} s ({:.0} cases a second); statistics median of 3:\n",
            loading.as_secs_f64(),
            cases as f64 / loading.as_secs_f64()
        );
        println!("| step | seconds |");
        println!("|---|---:|");
        println!(
            "| baseline: SQLite's own scan (`SELECT finding, COUNT(*) FROM allegation_facts GROUP BY finding`) | {:.3} |",
            scans[1].as_secs_f64()
        );
        println!(
            "| every table of `probity stats` (`Desk::statistics`, all forces) | {:.3} |",
            times[1].as_secs_f64()
        );
        println!(
            "| the same for one force (`--force kent`), once | {:.3} |",
            one_force.as_secs_f64()
        );
    });
}
