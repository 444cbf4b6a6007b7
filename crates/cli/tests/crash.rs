//! The crash test: `probity serve` killed without warning (SIGKILL) while clients write, again
//! and again on the same store. Every write the server acknowledged is there afterwards, and
//! `probity audit verify` finds both chains, their ties, the personal data and the read
//! models intact. Long, so it runs only when `PROBITY_LONG_TESTS` is set (`.ci/run` sets it);
//! on SQLite always, on PostgreSQL when `TEST_PG_URL` is set too.

mod common;
use common::text;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CYCLES: usize = 20;
const WRITERS: usize = 6;

fn long_tests() -> bool {
    std::env::var("PROBITY_LONG_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

struct Store {
    url: String,
    dir: tempfile::TempDir,
}

impl Store {
    fn probity(&self, args: &[&str], stdin: Option<&str>) -> Output {
        common::probity(&self.url, args, stdin, self.dir.path())
    }

    /// The server, and the address it listens on once it says so. The caller kills and
    /// reaps it.
    #[allow(clippy::zombie_processes)]
    fn serve(&self) -> (Child, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_probity"))
            .args([
                "--database",
                &self.url,
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--public-listen",
                "127.0.0.1:0",
            ])
            .args([
                "--limit-per-address",
                "1000000",
                "--limit-per-user",
                "1000000",
            ])
            .env_remove("PROBITY_DATABASE_URL")
            .env("PROBITY_SIGNING_KEY", self.dir.path().join("key"))
            .env(
                "PROBITY_CHECKPOINT_DIR",
                self.dir.path().join("checkpoints"),
            )
            .env("PROBITY_MAILBOX", self.dir.path().join("mailbox"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "the server stopped early"
            );
            if let Some(rest) = line.split("serving on http://").nth(1) {
                let addr = rest.split_whitespace().next().unwrap().to_string();
                // Keep reading its output so it never blocks on a full pipe.
                std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
                return (child, addr);
            }
        }
    }
}

/// POSTs a new case; its status, or `None` when the server did not answer.
fn open_case(addr: &str, token: &str, reference: &str) -> Option<u16> {
    let body = format!(
        r#"{{"command":{{"command":"log_matter","reference":"{reference}","kind":"complaint","force":"kent","received_on":"2026-11-01","summary":"Written while the server may be killed."}}}}"#
    );
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let request = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: probity\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1)?.parse().ok()
}

fn crash_cycles(store: Store) {
    let add = store.probity(
        &[
            "user",
            "add",
            "writer",
            "--role",
            "decision-maker",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let made = store.probity(&["token", "create", "writer"], None);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let token = text(&made.stdout).trim().to_string();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    for cycle in 0..CYCLES {
        let (mut server, addr) = store.serve();
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (addr, token, stop, acked) = (
                    addr.clone(),
                    token.clone(),
                    stop.clone(),
                    acknowledged.clone(),
                );
                std::thread::spawn(move || {
                    for n in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let reference = format!("CRASH-{cycle}-{w}-{n}");
                        match open_case(&addr, &token, &reference) {
                            Some(201) => acked.lock().unwrap().push(reference),
                            Some(other) => panic!("{reference}: status {other}"),
                            None => break, // the server is gone
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300 + 37 * cycle as u64 % 400));
        server.kill().unwrap(); // SIGKILL: no warning, no clean stop
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > CYCLES * 10,
        "only {} writes were acknowledged",
        acknowledged.len()
    );
    let verified = store.probity(&["audit", "verify"], None);
    assert!(
        verified.status.success(),
        "after {CYCLES} kills: {}",
        text(&verified.stderr)
    );
    // Every acknowledged case is there: a case file read at the console finds each one.
    let listed = store.probity(
        &[
            "case",
            "show",
            &acknowledged[acknowledged.len() / 2],
            "--as",
            "decision-maker",
        ],
        None,
    );
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let counted = stored_references(&store.url);
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|r| !counted.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged writes were lost: {:?}",
        missing.len(),
        acknowledged.len(),
        &missing[..missing.len().min(5)]
    );
    eprintln!(
        "{} acknowledged writes across {CYCLES} kills of the server, every one kept",
        acknowledged.len()
    );
}

/// The references of every case in the store.
fn stored_references(url: &str) -> std::collections::HashSet<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sql = "SELECT reference FROM cases";
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
        }
        .into_iter()
        .collect()
    })
}

#[test]
fn acknowledged_writes_survive_kill_9_on_sqlite() {
    if !long_tests() {
        eprintln!("set PROBITY_LONG_TESTS=1 to run the crash test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("probity.db").display());
    crash_cycles(Store { url, dir });
}

#[test]
fn acknowledged_writes_survive_kill_9_on_postgres() {
    let Some(base) = std::env::var("TEST_PG_URL").ok().filter(|_| long_tests()) else {
        eprintln!("set PROBITY_LONG_TESTS=1 and TEST_PG_URL to run the crash test on PostgreSQL");
        return;
    };
    let db = common::PgDatabase::create(&base, &format!("probity_crash_{}", std::process::id()));
    let url = db.url.clone();
    crash_cycles(Store {
        url,
        dir: tempfile::tempdir().unwrap(),
    });
}
