//! Load test of the API on SQLite: case-file reads, the work queue and a typical write (logging
//! a new matter), driven by wrk in another process over loopback, at 1, 16 and 64 connections.
//!
//! Run: `cargo bench -p probity-web --bench load` (needs `wrk`: `apt-get install wrk`).
//! Options: `--cases N` (default 100000), `--seconds S` per run (default 10), `--postgres URL`
//! to run on PostgreSQL (the loaded database `probity_load_N` is built once in that server and
//! each run works on a copy made from it as a template), `--connections 1,16,64` (the default),
//! `--only read`, `--only work` or `--only write` to run one kind of request.
//! The SQLite database is built once and kept under target/bench-data for later runs.

use std::path::{Path, PathBuf};

/// The same allocator as the `probity` binary, so the server in this process runs as it does there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::Command as Process;

use probity_app::{Console, Desk, NewUser, Office};
use probity_domain::access::StaffRole;
use probity_domain::command::*;
use probity_domain::scenario;
use probity_domain::{Body, Command, Reference};

fn main() {
    let mut cases = 100_000u32;
    let mut seconds = 10u32;
    let mut postgres: Option<String> = None;
    let mut connections = vec![1u32, 16, 64];
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--cases" => cases = args.next().and_then(|v| v.parse().ok()).expect("--cases N"),
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seconds S")
            }
            "--postgres" => postgres = Some(args.next().expect("--postgres URL")),
            "--connections" => {
                connections = args
                    .next()
                    .map(|v| {
                        v.split(',')
                            .map(|c| c.parse().expect("--connections 1,16,64"))
                            .collect()
                    })
                    .expect("--connections 1,16,64")
            }
            "--only" => only = Some(args.next().expect("--only read|work|write")),
            _ => {}
        }
    }
    if Process::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: apt-get install wrk");
        std::process::exit(1);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(cases, seconds, postgres, connections, only));
}

fn reference_of(steps: &[scenario::Step]) -> Reference {
    match &steps[0].command {
        Command::LogMatter(LogMatter { reference, .. }) => reference.clone(),
        _ => unreachable!("scripts start by logging their matter"),
    }
}

/// An administrator at the console of `office`.
async fn admin(office: &Office) -> Desk {
    office
        .console(Console {
            actor: "bench".into(),
            role: Some(StaffRole::Administrator),
            ..Console::default()
        })
        .await
        .unwrap()
}

/// Loads synthetic cases 1..=cases, skipping those already in the database.
async fn build(office: &Office, cases: u32) -> Vec<String> {
    let book = admin(office).await;
    let mut n = 0u64;
    let mut salt = move || {
        n += 1;
        let mut s = [0u8; 16];
        s[..8].copy_from_slice(&n.to_le_bytes());
        s
    };
    let have = book.counts().await.unwrap().cases;
    let mut references = Vec::with_capacity(cases as usize);
    let started = std::time::Instant::now();
    for first in (1..=cases).step_by(50) {
        let mut items = Vec::new();
        for i in first..(first + 50).min(cases + 1) {
            let steps = scenario::synthetic_case(i, &mut salt);
            let r = reference_of(&steps);
            references.push(r.to_string());
            if i64::from(i) > have {
                items.extend(steps.into_iter().map(|s| (r.clone(), s.command, s.context)));
            }
        }
        if !items.is_empty() {
            book.import(&items).await.unwrap();
        }
        if first % 10_000 == 1 && first > 1 {
            eprintln!(
                "  {} cases in {:.0}s",
                first - 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    references
}

struct Run {
    rps: f64,
    p50: String,
    p99: String,
    errors: String,
}

fn wrk(url: &str, script: &Path, connections: u32, seconds: u32) -> Run {
    let threads = connections.min(2);
    let out = Process::new("wrk")
        .args([
            "--latency",
            "-t",
            &threads.to_string(),
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
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let errors = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| "none".into());
    Run {
        rps,
        p50: field("50%"),
        p99: field("99%"),
        errors,
    }
}

async fn run(
    cases: u32,
    seconds: u32,
    postgres: Option<String>,
    connections: Vec<u32>,
    only: Option<String>,
) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    // The loaded database is built once and kept; each run works on a fresh copy of it, so that
    // the writes of one run do not weigh on the next.
    let (office, references) = match &postgres {
        None => sqlite_copy(&dir, cases).await,
        Some(url) => postgres_copy(url, cases).await,
    };
    let book = admin(&office).await;
    let counts = book.counts().await.unwrap();
    eprintln!("{} cases, {} events", counts.cases, counts.events);
    let user = format!("load.{}", std::process::id());
    book.add_user(NewUser {
        username: user.clone(),
        role: StaffRole::DecisionMaker,
        body: Body::OversightBody,
        force: None,
        password: "load test password".into(),
    })
    .await
    .unwrap();
    let token = book.create_token(&user, "load").await.unwrap().0;
    // The user is on the team of 50 cases, spread over the whole: a caseworker's load.
    let team: Vec<_> = references
        .iter()
        .step_by((references.len() / 50).max(1))
        .take(50)
        .map(|r| {
            let r = Reference::parse(r).unwrap();
            let ctx =
                probity_domain::Context::new(jiff::Timestamp::now(), "bench", Body::OversightBody);
            (
                r,
                Command::AssignToTeam(AssignToTeam { user: user.clone() }),
                ctx,
            )
        })
        .collect();
    book.import(&team).await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = probity_web::AppState::with_limits(office.clone(), false, unlimited());
    tokio::spawn(probity_web::serve(listener, state, std::future::pending()));

    // Reads spread over 2,000 cases; writes log new matters under unique references.
    let picks: Vec<String> = references
        .iter()
        .step_by((references.len() / 2000).max(1))
        .map(|r| format!("'{}'", r.replace('/', "%2F")))
        .collect();
    let read_lua = dir.join("read.lua");
    std::fs::write(
        &read_lua,
        format!(
            "local refs = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/api/v1/cases/' .. refs[(i % #refs) + 1], {{['Authorization'] = 'Bearer {token}'}})\nend\n",
            picks.join(",")
        ),
    )
    .unwrap();
    let work_lua = dir.join("work.lua");
    std::fs::write(
        &work_lua,
        format!(
            "request = function()\n  return wrk.format('GET', '/api/v1/work', {{['Authorization'] = 'Bearer {token}'}})\nend\n"
        ),
    )
    .unwrap();
    let mine_lua = dir.join("mine.lua");
    std::fs::write(
        &mine_lua,
        format!(
            "request = function()\n  return wrk.format('GET', '/api/v1/work?scope=mine', {{['Authorization'] = 'Bearer {token}'}})\nend\n"
        ),
    )
    .unwrap();
    let write_lua = dir.join("write.lua");
    std::fs::write(
        &write_lua,
        format!(
            "local counter = 0\nlocal id = 0\nsetup = function(thread)\n  id = id + 1\n  thread:set('tid', id)\nend\ninit = function(args)\n  math.randomseed(os.time() + tid)\n  prefix = 'LD' .. tid .. '-' .. math.random(100000, 999999)\nend\nrequest = function()\n  counter = counter + 1\n  local body = '{{\"command\":{{\"command\":\"log_matter\",\"reference\":\"' .. prefix .. '/' .. counter .. '\",\"kind\":\"complaint\",\"force\":\"kent\",\"received_on\":\"2026-11-01\",\"summary\":\"Load test matter.\"}}}}'\n  return wrk.format('POST', '/api/v1/cases', {{['Authorization'] = 'Bearer {token}', ['Content-Type'] = 'application/json'}}, body)\nend\n"
        ),
    )
    .unwrap();

    let url = format!("http://{addr}");
    println!();
    println!("| request | connections | requests/s | p50 | p99 | errors |");
    println!("|---|---:|---:|---:|---:|---|");
    let runs = [
        (
            "read",
            "case-file read (GET /api/v1/cases/{ref}, audited)",
            read_lua,
        ),
        (
            "work",
            "work queue, the oversight body's duties and the user's cases (GET /api/v1/work, audited)",
            work_lua,
        ),
        (
            "work",
            "work queue, the user's own 50 cases (GET /api/v1/work?scope=mine, audited)",
            mine_lua,
        ),
        (
            "write",
            "typical write (POST /api/v1/cases, log_matter)",
            write_lua,
        ),
    ];
    for (kind, label, script) in runs {
        if only.as_deref().is_some_and(|o| o != kind) {
            continue;
        }
        for &c in &connections {
            let (url, script) = (url.clone(), script.clone());
            let r = tokio::task::spawn_blocking(move || wrk(&url, &script, c, seconds))
                .await
                .unwrap();
            println!(
                "| {label} | {c} | {:.0} | {} | {} | {} |",
                r.rps, r.p50, r.p99, r.errors
            );
        }
    }
    let auditor = office
        .console(Console {
            actor: "bench".into(),
            role: Some(StaffRole::Auditor),
            ..Console::default()
        })
        .await
        .unwrap();
    let v = auditor.verify().await.unwrap();
    println!();
    println!(
        "after the runs: {} events and {} audit entries, both chains intact",
        v.events, v.audit_entries
    );
}

async fn sqlite_copy(dir: &Path, cases: u32) -> (Office, Vec<String>) {
    let pristine = dir.join(format!("load-{cases}.db"));
    let references = {
        let office = Office::open(&format!("sqlite:{}", pristine.display()))
            .await
            .unwrap();
        eprintln!(
            "building or checking {cases} cases in {}",
            pristine.display()
        );
        let references = build(&office, cases).await;
        // The file alone holds everything before it is copied.
        office.close().await.unwrap();
        references
    };
    let db = dir.join(format!("load-{cases}-run.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&pristine, &db).unwrap();
    // On disk before the runs: otherwise the first checkpoint's fsync writes out the whole copy.
    std::fs::File::open(&db).unwrap().sync_all().unwrap();
    (
        Office::open(&format!("sqlite:{}", db.display()))
            .await
            .unwrap(),
        references,
    )
}

async fn postgres_copy(url: &str, cases: u32) -> (Office, Vec<String>) {
    let base = &url[..url.rfind('/').expect("a database in the URL")];
    let pristine = format!("probity_load_{cases}");
    let run = format!("{pristine}_run");
    let admin = sqlx::PgPool::connect(url).await.unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&pristine)
            .fetch_one(&admin)
            .await
            .unwrap();
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {pristine}")))
            .execute(&admin)
            .await
            .unwrap();
    }
    let references = {
        let office = Office::open(&format!("{base}/{pristine}")).await.unwrap();
        eprintln!("building or checking {cases} cases in {base}/{pristine}");
        let references = build(&office, cases).await;
        office.close().await.unwrap();
        references
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {run}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {run} TEMPLATE {pristine}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    (
        Office::open(&format!("{base}/{run}")).await.unwrap(),
        references,
    )
}

/// Limits far above the load: the limiter checks every request, and refuses none.
fn unlimited() -> probity_web::limits::LimitSettings {
    let rate = probity_web::limits::Rate {
        per_second: 10_000_000,
        burst: 10_000_000,
    };
    probity_web::limits::LimitSettings {
        per_address: rate,
        per_user: rate,
        logins_per_minute: 1_000_000,
    }
}
