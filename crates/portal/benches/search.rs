//! Public search and the item page under load: the portal served from a SQLite store holding
//! `--items` published items (100,000 by default) whose text is sentences of the real IOPC
//! recommendations corpus, driven by wrk in another process at 1, 16 and 64 connections; beside
//! it, in the same run, the raw FTS5 query (bm25 ranking and snippets, over the same items,
//! one connection, in process) as the baseline of what the database alone costs.
//!
//! Run: `cargo bench -p probity-portal --bench search -- --items 100000 --seconds 10` (needs
//! `wrk`). The database is built once and kept under target/bench-data (`-v2`: with the
//! retention column of migration 0007). With `--real`, the store holds the real corpus itself
//! instead, loaded by `probity import iopc-recommendations` (1,318 items). The portal searches
//! with the index it is given in service (`probity-search`); `--sql` measures the store's own
//! full-text search behind the same port instead.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::Arc;
use std::time::Instant;

use jiff::civil::date;
use probity_published::PublishedItems as _;
use probity_store::projection::{PublishedItemRow, PublishedRecommendationRow, PublishedThemeRow};
use probity_store::read_model::{Rows, TableRows};
use probity_store::{Append, EventLog, NewEvent};

const QUERIES: &[&str] = &[
    "custody",
    "spit guard",
    "informant",
    "pursuit collision",
    "mental health",
    "taser",
    "restraint",
    "domestic abuse",
    "handcuffs",
    "welfare",
    "firearms officer",
    "cell",
];
const THEMES: &[&str] = &[
    "Custody and detention",
    "Death and serious injury",
    "Welfare and vulnerable people",
    "Use of force and armed policing",
    "Road traffic incidents",
    "Discrimination",
    "Corruption and abuse of power",
    "Domestic abuse",
];
const FORCES: &[&str] = &[
    "kent",
    "sussex",
    "metropolitan",
    "west-midlands",
    "gloucestershire",
    "avon-somerset",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut items, mut seconds, mut real, mut sql) = (100_000u32, 10u32, false, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--real" => real = true,
            "--sql" => sql = true,
            "--items" => items = args.next().and_then(|v| v.parse().ok()).expect("--items N"),
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seconds N")
            }
            _ => {}
        }
    }
    if Process::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: apt-get install wrk");
        std::process::exit(2);
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(items, seconds, real, sql));
}

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/uk/iopc_recommendations_bbc/iopc_recommendations_2021-06.csv"
);

/// The real corpus, loaded as `probity import iopc-recommendations` loads it.
async fn build_real(path: &Path) -> probity_store_sqlite::SqliteStore {
    if !path.exists() {
        let office = probity_app::Office::open(&format!("sqlite:{}", path.display()))
            .await
            .unwrap();
        let admin = office
            .console(probity_app::Console {
                actor: "bench".into(),
                role: Some(probity_domain::access::StaffRole::Administrator),
                ..probity_app::Console::default()
            })
            .await
            .unwrap();
        let read = probity_import::iopc::read(&std::fs::read(CORPUS).unwrap()).unwrap();
        let report = probity_import::load(&admin, read).await.unwrap();
        eprintln!("imported {} items of the real corpus", report.added);
        office.close().await.unwrap();
    }
    probity_store_sqlite::SqliteStore::open(path.to_str().unwrap())
        .await
        .unwrap()
}

/// `n` words of the corpus that many items hold: the most frequent after the first hundred
/// (which are words like "the" and "police"), at least five letters long.
fn vocabulary(n: usize) -> Vec<String> {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for s in sentences() {
        for w in s.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() >= 5 {
                *counts.entry(w.to_ascii_lowercase()).or_default() += 1;
            }
        }
    }
    let mut words: Vec<(usize, String)> = counts.into_iter().map(|(w, c)| (c, w)).collect();
    words.sort_by(|a, b| b.cmp(a));
    words
        .into_iter()
        .skip(100)
        .take(n)
        .map(|(_, w)| w)
        .collect()
}

/// Sentences of the real corpus, to write synthetic summaries with real words.
fn sentences() -> Vec<String> {
    let mut r = csv::Reader::from_path(CORPUS).expect("the IOPC recommendations corpus");
    let mut out = Vec::new();
    for row in r.records().flatten() {
        for field in [6, 8] {
            for s in row.get(field).unwrap_or("").split(". ") {
                let s = s.trim();
                if s.len() > 30 && s.len() < 400 {
                    out.push(format!("{}.", s.trim_end_matches('.')));
                }
            }
        }
    }
    out
}

async fn build(path: &Path, items: u32) -> probity_store_sqlite::SqliteStore {
    let fresh = !path.exists();
    let store = probity_store_sqlite::SqliteStore::open(path.to_str().unwrap())
        .await
        .unwrap();
    if !fresh {
        return store;
    }
    let corpus = sentences();
    assert!(
        corpus.len() > 1000,
        "the corpus has {} sentences",
        corpus.len()
    );
    let started = Instant::now();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut batch = Vec::new();
    for n in 0..items {
        let reference = probity_domain::Reference::parse(&format!("BENCH/{n}")).unwrap();
        let case_id = probity_domain::CaseId::for_reference(&reference);
        let force = probity_domain::force::Force::parse(FORCES[next(FORCES.len())]).unwrap();
        let on = date(2022, 1, 1)
            .checked_add(jiff::Span::new().days(next(1700) as i64))
            .unwrap();
        let summary: Vec<&str> = (0..3 + next(4))
            .map(|_| corpus[next(corpus.len())].as_str())
            .collect();
        let themes = [THEMES[next(THEMES.len())], THEMES[next(THEMES.len())]];
        let public = probity_published::public_reference(reference.as_str());
        let item = PublishedItemRow {
            case_id,
            reference: public.clone(),
            kind: "investigation_summary".into(),
            title: format!(
                "{} - {}, {}",
                corpus[next(corpus.len())]
                    .chars()
                    .take(80)
                    .collect::<String>(),
                force.name(),
                on.strftime("%B %Y")
            ),
            summary: summary.join(" "),
            force: force.code().to_string(),
            force_name: force.name().into(),
            themes: themes.join("\n"),
            incident_month: Some(on.strftime("%Y-%m").to_string()),
            published_on: on,
            year: i64::from(on.year()),
            version: 1,
            corrections: "[]".into(),
            source: None,
            retained_from: on,
        };
        let theme_rows: Vec<PublishedThemeRow> = themes
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|t| PublishedThemeRow {
                case_id,
                theme: (*t).into(),
            })
            .collect();
        let recs: Vec<PublishedRecommendationRow> = (0..next(2))
            .map(|i| PublishedRecommendationRow {
                case_id,
                reference: public.clone(),
                number: i as u64 + 1,
                recipient: force.name().into(),
                text: corpus[next(corpus.len())].clone(),
                force: force.code().to_string(),
                force_name: force.name().into(),
                made_on: on,
                response_due: on.checked_add(jiff::Span::new().days(55)).unwrap(),
                acceptance: None,
                response: None,
                responded_on: None,
                closed_on: None,
                published_on: on,
                retained_from: on,
            })
            .collect();
        fn rows<R: Rows>(case_id: probity_domain::CaseId, r: &[R]) -> TableRows {
            TableRows {
                table: &R::TABLE,
                case_id,
                rows: r.iter().map(Rows::to_row).collect(),
            }
        }
        batch.push(Append {
            case_id,
            reference,
            expected_version: 0,
            events: vec![NewEvent {
                kind: "bench".into(),
                payload: format!("{{\"n\":{n}}}"),
                actor: "bench".into(),
                recorded_at: 1_700_000_000_000_000,
            }],
            personal_data: Vec::new(),
            erase: Vec::new(),
            read_models: vec![
                rows(case_id, &[item]),
                rows(case_id, &theme_rows),
                rows(case_id, &recs),
            ],
            statements: Vec::new(),
            written_by: Vec::new(),
        });
        if batch.len() == 500 || n + 1 == items {
            store
                .append(&std::mem::take(&mut batch), &[])
                .await
                .unwrap();
        }
    }
    eprintln!(
        "built {items} published items in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    store
}

struct Run {
    rps: f64,
    p50: String,
    p99: String,
    errors: String,
}

fn wrk(url: &str, script: &Path, connections: u32, seconds: u32) -> Run {
    let out = Process::new("wrk")
        .args([
            "--latency",
            "-t",
            &connections.min(2).to_string(),
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    Run {
        rps: text
            .lines()
            .find(|l| l.starts_with("Requests/sec:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        p50: field("50%"),
        p99: field("99%"),
        errors: text
            .lines()
            .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| "none".into()),
    }
}

/// Waits until the server has worked through what the last run left queued (a request sent
/// is answered even after wrk has gone), so each run starts on an idle server.
fn drain(base: &str, reference: &str) {
    use std::io::{Read as _, Write as _};
    let addr = base.trim_start_matches("http://").to_string();
    for _ in 0..600 {
        let t = Instant::now();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET /api/public/v1/investigations/{reference} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        if t.elapsed() < std::time::Duration::from_millis(20) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The raw FTS5 query the search runs, timed alone: bm25 ranking, a snippet, the first page.
fn baseline(path: &Path, seconds: u32) -> (f64, f64, f64) {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let mut s = c
        .prepare("SELECT p.reference, p.title, snippet(published_search, 2, char(2), char(3), '…', 40) FROM published_search JOIN published_items p ON p.rowid = published_search.rowid WHERE published_search MATCH ?1 ORDER BY published_search.rank LIMIT 20")
        .unwrap();
    let mut times = Vec::new();
    let until = Instant::now() + std::time::Duration::from_secs(u64::from(seconds));
    let mut i = 0;
    while Instant::now() < until {
        let q = QUERIES[i % QUERIES.len()]
            .split(' ')
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ");
        let t = Instant::now();
        let n = s.query_map([q], |r| r.get::<_, String>(0)).unwrap().count();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(n > 0 || i > 0);
        i += 1;
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.5), at(0.99), times.len() as f64 / f64::from(seconds))
}

async fn run(items: u32, seconds: u32, real: bool, sql: bool) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let (path, store, today) = if real {
        let path = dir.join("portal-iopc-v2.db");
        let store = build_real(&path).await;
        // Imported items are retained from the day they were imported.
        let today = probity_domain::london()
            .to_datetime(jiff::Timestamp::now())
            .date();
        (path, store, today)
    } else {
        let path = dir.join(format!("portal-{items}-v2.db"));
        let store = build(&path, items).await;
        (path, store, date(2026, 12, 3))
    };
    let store = Arc::new(store);
    // What the portal is given (the index), or with --sql the store's own search.
    let items_port: Arc<dyn probity_published::PublishedItems> = if sql {
        Arc::new(probity_store::published::Shelf::new(store.clone()))
    } else {
        let started = Instant::now();
        let indexed = probity_search::Indexed::new(store.clone());
        indexed
            .search(
                &probity_published::Search {
                    page: 1,
                    ..Default::default()
                },
                probity_published::Window::retaining(today, 5),
            )
            .await
            .unwrap();
        eprintln!(
            "built the search index in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Arc::new(indexed)
    };
    let window = probity_published::Window::retaining(today, 5);
    // Every tenth item's reference, for the item pages.
    let mut refs: Vec<String> = Vec::new();
    let (mut after, mut shown): (Option<String>, u32) = (None, 0);
    loop {
        let page = items_port
            .everything(after.as_deref(), 1000, window)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.reference.clone());
        shown += page.len() as u32;
        let step = (page.len() / 10).max(1);
        refs.extend(page.iter().step_by(step).map(|i| i.reference.clone()));
    }
    let items = shown;
    assert!(!refs.is_empty(), "the store shows no item");
    {
        use probity_published::Search;
        let w = window;
        let t = Instant::now();
        for n in 0..200 {
            items_port
                .item(&refs[n % refs.len()], w)
                .await
                .unwrap()
                .unwrap();
        }
        let item_ms = t.elapsed().as_secs_f64() * 1000.0 / 200.0;
        let t = Instant::now();
        for q in QUERIES {
            let s = Search {
                terms: probity_published::terms(q),
                page: 1,
                ..Search::default()
            };
            items_port.search(&s, w).await.unwrap();
        }
        let search_ms = t.elapsed().as_secs_f64() * 1000.0 / QUERIES.len() as f64;
        let t = Instant::now();
        items_port
            .search(
                &Search {
                    page: 1,
                    ..Search::default()
                },
                w,
            )
            .await
            .unwrap();
        let latest_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "in process, one at a time: item {item_ms:.2} ms, search {search_ms:.1} ms, latest {latest_ms:.1} ms"
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = probity_portal::Config::new(base.clone());
    config.today = Some(today);
    tokio::spawn(probity_portal::serve(
        listener,
        probity_portal::Portal::new(items_port, config),
        std::future::pending(),
    ));

    let scripts = std::env::temp_dir().join(format!("probity-portal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scripts).unwrap();
    let list = |xs: Vec<String>| {
        xs.iter()
            .map(|x| format!("'{x}'"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let queries = list(QUERIES.iter().map(|q| q.replace(' ', "+")).collect());
    let words = list(vocabulary(600));
    let first = refs[0].clone();
    let refs = list(refs);
    let cases = [
        (
            "search page (/search?q=)",
            format!(
                "local q = {{{queries}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/search?q=' .. q[(i % #q) + 1])\nend\n"
            ),
        ),
        (
            "search API (/api/public/v1/investigations?q=)",
            format!(
                "local q = {{{queries}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/api/public/v1/investigations?q=' .. q[(i % #q) + 1])\nend\n"
            ),
        ),
        (
            "search API, 600 different words in turn (more than the portal keeps: uncached)",
            format!(
                "local q = {{{words}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/api/public/v1/investigations?q=' .. q[(i % #q) + 1])\nend\n"
            ),
        ),
        (
            "latest items, no words (/)",
            "request = function()\n  return wrk.format('GET', '/')\nend\n".to_string(),
        ),
        (
            "item page (/investigations/{ref})",
            format!(
                "local r = {{{refs}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/investigations/' .. r[(i % #r) + 1])\nend\n"
            ),
        ),
    ];
    let (b50, b99, brate) = baseline(&path, seconds);
    let corpus = if real {
        "the real IOPC corpus"
    } else {
        "synthetic"
    };
    let engine = if sql {
        "the store's own full-text search"
    } else {
        "the tantivy index"
    };
    println!("\n{items} published items ({corpus}), searched by {engine}; {seconds} s a run\n");
    println!("| what | connections | req/s | p50 | p99 | errors |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| raw FTS5 query, bm25 + snippet, first 20 (in process, 1 connection: the baseline) | 1 | {brate:.0} | {b50:.2}ms | {b99:.2}ms | none |"
    );
    for (name, lua) in cases {
        let script = scripts.join("s.lua");
        std::fs::write(&script, lua).unwrap();
        for c in [1, 16, 64] {
            let url = base.clone();
            let s = script.clone();
            let first = first.clone();
            let r = tokio::task::spawn_blocking(move || {
                drain(&url, &first);
                wrk(&url, &s, c, seconds)
            })
            .await
            .unwrap();
            println!(
                "| {name} | {c} | {:.0} | {} | {} | {} |",
                r.rps, r.p50, r.p99, r.errors
            );
        }
    }
    let _ = std::fs::remove_dir_all(&scripts);
}
