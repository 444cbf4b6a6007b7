//! Append and replay throughput. Run: `cargo bench -p probity-app --features bench --bench store`
//! (`-- --cases N` changes the workload; `-- --postgres URL` runs on PostgreSQL, each store in a
//! schema of its own that is dropped afterwards). Prints a Markdown table for BENCHMARKS.md.
//! Commands go through an administrator's desk (`import`), as the demo and importers do.

use std::time::Instant;

use probity_app::{Console, Desk, Office};
use probity_domain::access::StaffRole;
use probity_domain::command::*;
use probity_domain::scenario::{self, Step};
use probity_domain::{Case, Command, Context, Event, Reference};

fn workload(cases: u32) -> Vec<(Reference, Command, Context)> {
    let mut n = 0u64;
    let mut salt = move || {
        n += 1;
        let mut s = [0u8; 16];
        s[..8].copy_from_slice(&n.to_le_bytes());
        s
    };
    (1..=cases)
        .flat_map(|i| {
            let steps: Vec<Step> = scenario::synthetic_case(i, &mut salt);
            let reference = match &steps[0].command {
                Command::LogMatter(LogMatter { reference, .. }) => reference.clone(),
                _ => unreachable!(),
            };
            steps
                .into_iter()
                .map(move |s| (reference.clone(), s.command, s.context))
        })
        .collect()
}

/// Where a store made for the benchmark lives, for the raw baseline's own connection to it.
enum Place {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

/// A new, empty store: a SQLite file in `dir`, or a new schema in the PostgreSQL database.
async fn fresh(dir: &tempfile::TempDir, name: &str, postgres: Option<&str>) -> (Office, Place) {
    match postgres {
        None => {
            let path = dir.path().join(name);
            let office = Office::open(&format!("sqlite:{}", path.display()))
                .await
                .expect("open");
            (office, Place::Sqlite(path))
        }
        Some(url) => {
            let schema = format!("bench_{}_{}", name.replace('.', "_"), std::process::id());
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&pool)
            .await
            .unwrap();
            let office = Office::open_in_schema(url, &schema).await.expect("open");
            (
                office,
                Place::Postgres {
                    url: url.to_string(),
                    schema,
                },
            )
        }
    }
}

async fn desk(office: &Office, role: StaffRole) -> Desk {
    office
        .console(Console {
            actor: "bench".into(),
            role: Some(role),
            ..Console::default()
        })
        .await
        .expect("a console desk")
}

fn rate(count: f64, secs: f64) -> String {
    format!("{:.0}", count / secs)
}

fn main() {
    let mut cases = 2_000u32;
    let mut postgres = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--cases" => cases = args.next().and_then(|v| v.parse().ok()).expect("--cases N"),
            "--postgres" => postgres = Some(args.next().expect("--postgres URL")),
            _ => {}
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(cases, postgres.as_deref()));
}

async fn run(cases: u32, postgres: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let items = workload(cases);
    let commands = items.len() as f64;
    println!(
        "workload: {cases} synthetic cases, {} commands",
        items.len()
    );

    // 1. One transaction per command: load, decide, append with chain and read models.
    let (single, _) = fresh(&dir, "single.db", postgres).await;
    let single_cases = (cases / 10).max(1);
    let single_items: Vec<_> = items
        .iter()
        .filter(|(r, _, _)| {
            let n: u32 = r.as_str().rsplit('/').next().unwrap().parse().unwrap();
            n <= single_cases
        })
        .cloned()
        .collect();
    let single_desk = desk(&single, StaffRole::Administrator).await;
    let t = Instant::now();
    for item in &single_items {
        single_desk
            .import(std::slice::from_ref(item))
            .await
            .expect("valid");
    }
    let single_secs = t.elapsed().as_secs_f64();
    let single_events = single_desk.counts().await.unwrap().events as f64;

    // 2. Batched: 25 cases' commands per transaction.
    let (batched, _) = fresh(&dir, "batched.db", postgres).await;
    let mut chunks: Vec<Vec<(Reference, Command, Context)>> = Vec::new();
    let mut current_cases = 0;
    let mut last: Option<Reference> = None;
    for item in &items {
        if last.as_ref() != Some(&item.0) {
            if current_cases == 25 || chunks.is_empty() {
                chunks.push(Vec::new());
                current_cases = 0;
            }
            current_cases += 1;
            last = Some(item.0.clone());
        }
        chunks.last_mut().unwrap().push(item.clone());
    }
    let batched_desk = desk(&batched, StaffRole::Administrator).await;
    let t = Instant::now();
    for chunk in &chunks {
        batched_desk.import(chunk).await.expect("valid");
    }
    let batched_secs = t.elapsed().as_secs_f64();
    let events = batched_desk.counts().await.unwrap().events;

    // 3. Raw inserts of the same bytes, same transaction sizes: no decide, chain or read models.
    let log = batched.db().read_log(0, i64::MAX).await.unwrap();
    let (_raw, place) = fresh(&dir, "raw.db", postgres).await;
    let per_tx = (log.len() / chunks.len()).max(1);
    macro_rules! raw_inserts {
        ($pool:expr, $create:literal, $begin:expr) => {{
            sqlx::query($create).execute($pool).await.unwrap();
            let t = Instant::now();
            for chunk in log.chunks(per_tx) {
                let mut tx = $begin.await.unwrap();
                for r in chunk {
                    sqlx::query("INSERT INTO raw_events (position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .bind(r.position)
                        .bind(&r.case_id)
                        .bind(r.version)
                        .bind(r.recorded_at)
                        .bind(&r.actor)
                        .bind(&r.kind)
                        .bind(&r.payload)
                        .bind(&r.prev_hash.0[..])
                        .bind(&r.hash.0[..])
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
                tx.commit().await.unwrap();
            }
            t
        }};
    }
    let t = match &place {
        // The store's own driver: prepared single-row inserts on a connection in this thread.
        Place::Sqlite(path) => {
            let mut c = rusqlite::Connection::open(path).unwrap();
            c.execute_batch("PRAGMA synchronous = NORMAL").unwrap();
            c.execute_batch("CREATE TABLE raw_events (position INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL)").unwrap();
            let t = Instant::now();
            for chunk in log.chunks(per_tx) {
                let tx = c
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .unwrap();
                {
                    let mut insert = tx.prepare_cached("INSERT INTO raw_events (position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)").unwrap();
                    for r in chunk {
                        insert
                            .execute(rusqlite::params![
                                r.position,
                                r.case_id,
                                r.version,
                                r.recorded_at,
                                r.actor,
                                r.kind,
                                r.payload,
                                &r.prev_hash.0[..],
                                &r.hash.0[..]
                            ])
                            .unwrap();
                    }
                }
                tx.commit().unwrap();
            }
            t
        }
        Place::Postgres { url, schema } => {
            let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
            let pool =
                sqlx::PgPool::connect_with(options.options([("search_path", schema.as_str())]))
                    .await
                    .unwrap();
            raw_inserts!(
                &pool,
                "CREATE TABLE raw_events (position BIGINT PRIMARY KEY, case_id TEXT NOT NULL, version BIGINT NOT NULL, recorded_at BIGINT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL)",
                pool.begin()
            )
        }
    };
    let raw_secs = t.elapsed().as_secs_f64();

    // 4. Replay: fold decoded events; decode and fold; read from SQLite, decode and fold.
    let decoded: Vec<(String, Event)> = log
        .iter()
        .map(|r| (r.case_id.clone(), serde_json::from_str(&r.payload).unwrap()))
        .collect();
    let t = Instant::now();
    let mut folded = std::collections::HashMap::<&str, Case>::new();
    for (id, e) in &decoded {
        folded.entry(id.as_str()).or_default().apply(e);
    }
    let fold_secs = t.elapsed().as_secs_f64();
    assert_eq!(folded.len(), cases as usize);
    // 4b. Every statutory clock of every folded case, and the open duties the read model keeps
    //     (what each append computes for its case), beside the fold above.
    let calendar = probity_domain::calendar::Calendar::england_and_wales();
    let today = jiff::civil::date(2026, 12, 2);
    let t = Instant::now();
    let clock_count: usize = folded
        .values()
        .map(|c| probity_domain::clock::clocks(c, today, calendar).len())
        .sum();
    let clocks_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let duty_count: usize = folded
        .values()
        .map(|c| probity_domain::clock::open_duties(c, calendar).len())
        .sum();
    let duties_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut folded = std::collections::HashMap::<&str, Case>::new();
    for r in &log {
        let e: Event = serde_json::from_str(&r.payload).unwrap();
        folded.entry(r.case_id.as_str()).or_default().apply(&e);
    }
    let decode_secs = t.elapsed().as_secs_f64();
    // The same log as the release before dated parties and allegations wrote it: those payloads
    // without their `on`, read through the upcast (`event::decode`).
    let old_form: Vec<String> = log
        .iter()
        .map(|r| {
            if r.kind == "party_added" || r.kind == "allegation_added" {
                let mut v: serde_json::Value = serde_json::from_str(&r.payload).unwrap();
                v[&r.kind].as_object_mut().unwrap().remove("on");
                v.to_string()
            } else {
                r.payload.clone()
            }
        })
        .collect();
    let upcast = old_form
        .iter()
        .zip(&log)
        .filter(|(p, r)| p.len() != r.payload.len())
        .count();
    let entered = jiff::civil::date(2026, 12, 2);
    let t = Instant::now();
    let mut folded = std::collections::HashMap::<&str, Case>::new();
    for (payload, r) in old_form.iter().zip(&log) {
        let e = probity_domain::event::decode(payload, entered).unwrap();
        folded.entry(r.case_id.as_str()).or_default().apply(&e);
    }
    let upcast_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let replayed = batched.replay_all().await.unwrap();
    let full_secs = t.elapsed().as_secs_f64();
    assert_eq!(replayed, cases as usize);
    // 5. Verification: each chain read in pages and hashed while the next page is read, beside
    //    a raw SHA-256 chain over the same bytes in memory (one thread, nothing read).
    let t = Instant::now();
    assert_eq!(batched.verify_event_chain().await.unwrap(), events);
    let verify_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut prev = probity_store::Hash::GENESIS;
    for r in &log {
        let mut link = r.link();
        link.prev_hash = prev;
        prev = link.expected_hash();
    }
    let raw_chain_secs = t.elapsed().as_secs_f64();
    assert_eq!(
        prev,
        log.last().unwrap().hash,
        "the raw chain is the stored chain"
    );
    let t = Instant::now();
    let entries = batched.verify_audit_chain().await.unwrap();
    let audit_secs = t.elapsed().as_secs_f64();
    let audit_page = batched.db().read_audit_page(0, i64::MAX).await.unwrap();
    let t = Instant::now();
    let mut prev = probity_store::Hash::GENESIS;
    for l in audit_page.links() {
        let mut link = l;
        link.prev_hash = prev;
        prev = link.expected_hash();
    }
    let raw_audit_secs = t.elapsed().as_secs_f64();
    assert_eq!(audit_page.len() as i64, entries);
    assert_eq!(Some(prev), audit_page.links().last().map(|l| l.hash));
    let auditor = desk(&batched, StaffRole::Auditor).await;
    let t = Instant::now();
    let verified = auditor.verify().await.unwrap();
    let both_secs = t.elapsed().as_secs_f64();
    assert_eq!(verified.events, events);

    let n = events as f64;
    println!();
    println!("| measure | count | seconds | per second |");
    println!("|---|---:|---:|---:|");
    println!(
        "| commands, one transaction each (load + decide + append + chain + read models) | {} | {single_secs:.2} | {} |",
        single_items.len(),
        rate(single_items.len() as f64, single_secs)
    );
    println!(
        "| events, one transaction per command | {single_events} | {single_secs:.2} | {} |",
        rate(single_events, single_secs)
    );
    println!(
        "| commands, batched 25 cases per transaction | {} | {batched_secs:.2} | {} |",
        items.len(),
        rate(commands, batched_secs)
    );
    println!(
        "| events, batched | {events} | {batched_secs:.2} | {} |",
        rate(n, batched_secs)
    );
    println!(
        "| events, raw insert of the same bytes, same transaction sizes | {events} | {raw_secs:.2} | {} |",
        rate(n, raw_secs)
    );
    println!(
        "| replay: fold of decoded events | {events} | {fold_secs:.3} | {} |",
        rate(n, fold_secs)
    );
    println!(
        "| clocks: every clock of every case ({clock_count} clocks), events of those cases | {events} | {clocks_secs:.3} | {} |",
        rate(n, clocks_secs)
    );
    println!(
        "| clocks: cases | {cases} | {clocks_secs:.3} | {} |",
        rate(cases as f64, clocks_secs)
    );
    println!(
        "| duties: the open duties of every case ({duty_count}, as each append derives them), cases | {cases} | {duties_secs:.3} | {} |",
        rate(cases as f64, duties_secs)
    );
    println!(
        "| replay: JSON decode + fold | {events} | {decode_secs:.3} | {} |",
        rate(n, decode_secs)
    );
    println!(
        "| replay: decode + fold of the same log with its {upcast} parties and allegations in their previous form (upcast) | {events} | {upcast_secs:.3} | {} |",
        rate(n, upcast_secs)
    );
    println!(
        "| replay: read case streams from the database + decode + fold (`replay_all`, used by rebuild) | {events} | {full_secs:.3} | {} |",
        rate(n, full_secs)
    );
    println!(
        "| audit verify, event chain: read pages + recompute (pipelined) | {events} | {verify_secs:.3} | {} |",
        rate(n, verify_secs)
    );
    println!(
        "| raw SHA-256 chain over the same event bytes, in memory | {events} | {raw_chain_secs:.3} | {} |",
        rate(n, raw_chain_secs)
    );
    println!(
        "| audit verify, audit chain: read pages + recompute (pipelined) | {entries} | {audit_secs:.3} | {} |",
        rate(entries as f64, audit_secs)
    );
    println!(
        "| raw SHA-256 chain over the same audit bytes, in memory | {entries} | {raw_audit_secs:.3} | {} |",
        rate(entries as f64, raw_audit_secs)
    );
    println!(
        "| `probity audit verify` (both chains, through the desk) | {} | {both_secs:.3} | {} |",
        events + entries,
        rate((events + entries) as f64, both_secs)
    );
    println!();
    println!(
        "batched append rate / raw insert rate = {:.2} (target at least 0.33)",
        raw_secs / batched_secs
    );
    if let Some(url) = postgres {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for name in ["single.db", "batched.db", "raw.db"] {
            let schema = format!("bench_{}_{}", name.replace('.', "_"), std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&pool)
            .await
            .unwrap();
        }
    }
}
