//! The outbox delivered to a real mail server (Python's aiosmtpd, started by the test): every
//! notice due arrives once, also when `probity serve` is killed (SIGKILL) while the mail server
//! holds a message unanswered, and, on PostgreSQL, with two servers delivering from one
//! database. Runs where `$PROBITY_SMTP_PYTHON` (else `python3`) imports aiosmtpd; with
//! `PROBITY_LONG_TESTS` set (`.ci/run`, which installs it) a missing aiosmtpd is a failure.

mod common;
use common::text;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A mail server that appends each message it accepts to `received` (one JSON line), and
/// while the file `hold` exists keeps each DATA unanswered until its client goes away; a
/// message whose client went away before the answer was never accepted.
const SERVER: &str = r#"
import asyncio, json, os, sys
from email import message_from_bytes
from aiosmtpd.smtp import SMTP

received, hold = sys.argv[1], sys.argv[2]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.original_content)
        mid = msg["Message-ID"]
        def gone():
            return server.transport is None or server.transport.is_closing()
        if os.path.exists(hold):
            print("holding", mid, flush=True)
            try:
                while os.path.exists(hold) and not gone():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                # aiosmtpd cancels the session when its client goes away.
                print("dropped", mid, flush=True)
                raise
        if gone():
            print("dropped", mid, flush=True)
            return "451 the client went away"
        with open(received, "a") as f:
            f.write(json.dumps({"message_id": mid, "to": envelope.rcpt_tos,
                                "subject": msg["Subject"],
                                "body": msg.get_payload(decode=True).decode()}) + "\n")
        return "250 OK"

async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", 0)
    print("listening", srv.sockets[0].getsockname()[1], flush=True)
    await srv.serve_forever()

asyncio.run(main())
"#;

fn long_tests() -> bool {
    std::env::var("PROBITY_LONG_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn python() -> String {
    std::env::var("PROBITY_SMTP_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Whether the mail server can run here; a failure when the long tests need it.
fn aiosmtpd() -> bool {
    let found = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            !long_tests(),
            "the mail tests need aiosmtpd: pip install aiosmtpd, or set PROBITY_SMTP_PYTHON"
        );
        eprintln!("skipped: {} cannot import aiosmtpd", python());
    }
    found
}

struct MailServer {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
    received: PathBuf,
    hold: PathBuf,
}

impl MailServer {
    fn start(dir: &Path) -> MailServer {
        let script = dir.join("smtp_server.py");
        std::fs::write(&script, SERVER).unwrap();
        let received = dir.join("received.jsonl");
        let hold = dir.join("hold");
        let mut child = Command::new(python())
            .arg(&script)
            .arg(&received)
            .arg(&hold)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(20)).unwrap();
        let port = first.strip_prefix("listening ").unwrap().parse().unwrap();
        MailServer {
            child,
            port,
            lines,
            received,
            hold,
        }
    }

    /// Every message accepted so far, in order.
    fn received(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.received)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits for the server to say something that starts with `word`.
    fn said(&self, word: &str) -> String {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("the mail server never said {word}"));
            if line.starts_with(word) {
                return line;
            }
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Store {
    url: String,
    dir: tempfile::TempDir,
}

impl Store {
    fn probity(&self, args: &[&str]) -> std::process::Output {
        common::probity(&self.url, args, None, self.dir.path())
    }

    fn outbox(&self) -> serde_json::Value {
        let out = self.probity(&["outbox", "--format", "json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// A server delivering through `smtp` every second, with a three-second lease.
    #[allow(clippy::zombie_processes)]
    fn serve(&self, smtp: u16) -> Child {
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
            .args(["--smtp", &format!("smtp://127.0.0.1:{smtp}")])
            .args(["--outbox-every", "1", "--outbox-lease", "3"])
            .env_remove("PROBITY_DATABASE_URL")
            .env("PROBITY_SIGNING_KEY", self.dir.path().join("key"))
            .env(
                "PROBITY_CHECKPOINT_DIR",
                self.dir.path().join("checkpoints"),
            )
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
            if line.contains("serving on http://") {
                std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
                return child;
            }
        }
    }
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Loads the demo, kills the only server while the mail server holds its first message, then
/// lets `servers` servers deliver: every notice due arrives exactly once.
fn deliveries(store: Store, servers: usize) {
    let out = store.probity(&["demo", "--synthetic", "12"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = store.outbox();
    let due = before["due"].as_i64().unwrap();
    assert!(due > 0, "the demo's overdue duties queue notices: {before}");
    assert_eq!(before["sent"], 0);

    let mail = MailServer::start(store.dir.path());
    std::fs::write(&mail.hold, "").unwrap();
    let first = store.serve(mail.port);
    let held = mail.said("holding");
    kill(first);
    // The mail server sees its client go before it answers: the message was never accepted.
    assert_eq!(mail.said("dropped"), held.replace("holding", "dropped"));
    std::fs::remove_file(&mail.hold).unwrap();
    assert!(mail.received().is_empty());
    assert_eq!(store.outbox()["sent"], 0, "nothing was marked sent");

    // Once the dead server's lease runs out, the others take its claim.
    let running: Vec<Child> = (0..servers).map(|_| store.serve(mail.port)).collect();
    let until = Instant::now() + Duration::from_secs(90);
    while store.outbox()["due"].as_i64().unwrap() > 0 {
        assert!(Instant::now() < until, "the outbox never emptied");
        std::thread::sleep(Duration::from_millis(300));
    }
    // More rounds send nothing more.
    std::thread::sleep(Duration::from_secs(3));
    running.into_iter().for_each(kill);

    let after = store.outbox();
    assert_eq!(after["sent"].as_i64().unwrap(), due, "{after}");
    assert_eq!(after["failing"], 0, "{after}");
    let received = mail.received();
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for m in &received {
        *per_id
            .entry(m["message_id"].as_str().unwrap().to_string())
            .or_default() += 1;
        assert_eq!(
            m["to"],
            serde_json::json!(["oversight.investigator@localhost"])
        );
        let subject = m["subject"].as_str().unwrap();
        assert!(subject.starts_with("[Probity] Overdue: "), "{subject}");
        let body = m["body"].as_str().unwrap();
        assert!(body.contains("and is not done"), "{body}");
    }
    assert_eq!(received.len() as i64, due, "one message per notice");
    assert!(
        per_id.values().all(|n| *n == 1),
        "a message arrived twice: {per_id:?}"
    );
    let verify = store.probity(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
}

#[test]
fn the_outbox_arrives_once_after_a_kill_mid_delivery_on_sqlite() {
    if !aiosmtpd() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("probity.db").display());
    deliveries(Store { url, dir }, 1);
}

#[test]
fn two_servers_on_postgres_deliver_each_notice_once() {
    let Some(base) = std::env::var("TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipped: set TEST_PG_URL to deliver from two servers on PostgreSQL");
        return;
    };
    if !aiosmtpd() {
        return;
    }
    let db = common::PgDatabase::create(&base, &format!("probity_mail_{}", std::process::id()));
    let url = db.url.clone();
    deliveries(
        Store {
            url,
            dir: tempfile::tempdir().unwrap(),
        },
        2,
    );
}
