//! The tamper suite: someone with write access to the database (triggers dropped, rows
//! deleted, edited, forged, links recomputed) changes the record after a checkpoint was signed
//! and exported; `probity audit verify --checkpoints DIR` must exit 6 and name what it found.
//! Every kind runs on SQLite, and on PostgreSQL when `TEST_PG_URL` is set.

use std::path::PathBuf;
use std::process::Output;

mod common;
use common::text;

use probity_store::{AuditLink, AuditRecord, EventRecord, Hash, Value};
use sqlx::Row;

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// A store filled with the demo, and a checkpoint of it signed and exported.
struct Store {
    backend: Backend,
    url: String,
    dir: tempfile::TempDir,
    /// The server URL and database name, to drop it afterwards (PostgreSQL).
    pg: Option<(String, String)>,
    pool: Pool,
}

impl Store {
    async fn new(backend: Backend, name: &str) -> Option<Store> {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match backend {
            Backend::Sqlite => (
                format!("sqlite:{}", dir.path().join("probity.db").display()),
                None,
            ),
            Backend::Postgres => {
                let base = std::env::var("TEST_PG_URL").ok()?;
                let db = format!("probity_tamper_{name}_{}", std::process::id());
                let admin = sqlx::PgPool::connect(&base).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
                    .execute(&admin)
                    .await
                    .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                let (server, _) = base.rsplit_once('/').unwrap();
                (format!("{server}/{db}"), Some((base.clone(), db)))
            }
        };
        let mut store = Store {
            backend,
            url,
            dir,
            pg,
            pool: Pool::Sqlite(sqlx::SqlitePool::connect_lazy("sqlite::memory:").unwrap()),
        };
        let out = store.probity(&["demo", "--synthetic", "6"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = store.probity(&["audit", "checkpoint"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        store.pool = match backend {
            Backend::Sqlite => Pool::Sqlite(sqlx::SqlitePool::connect(&store.url).await.unwrap()),
            Backend::Postgres => Pool::Postgres(sqlx::PgPool::connect(&store.url).await.unwrap()),
        };
        Some(store)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the binary on this store (the test's other tasks go on meanwhile). Its key and
    /// exported checkpoints are in the store's directory (`key`, `checkpoints/`).
    fn probity(&self, args: &[&str]) -> Output {
        tokio::task::block_in_place(|| common::probity(&self.url, args, None, self.dir.path()))
    }

    fn verify(&self) -> Output {
        let exported = self.path("checkpoints");
        self.probity(&[
            "audit",
            "verify",
            "--checkpoints",
            exported.to_str().unwrap(),
        ])
    }

    fn sql(&self, sql: &str) -> String {
        match self.backend {
            // The placeholders SQLite reads by number.
            Backend::Sqlite => sql.replace('$', "?"),
            Backend::Postgres => sql.to_string(),
        }
    }

    async fn exec(&self, sql: &str) {
        let text = self.sql(sql);
        let sql = sqlx::AssertSqlSafe(text.clone());
        match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
            Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    }

    /// Drops what stops the database's administrator from changing `table`.
    async fn unlock(&self, table: &str) {
        match self.backend {
            Backend::Sqlite => {
                for t in ["refuse_update", "refuse_delete"] {
                    self.exec(&format!("DROP TRIGGER IF EXISTS {table}_{t}"))
                        .await;
                }
            }
            Backend::Postgres => {
                self.exec(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
                    .await
            }
        }
    }

    async fn events(&self) -> Vec<EventRecord> {
        let sql = "SELECT position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash FROM events ORDER BY position";
        macro_rules! read {
            ($pool:expr) => {
                sqlx::query(sql)
                    .fetch_all($pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| EventRecord {
                        position: r.get(0),
                        case_id: r.get(1),
                        version: r.get(2),
                        recorded_at: r.get(3),
                        actor: r.get(4),
                        kind: r.get(5),
                        payload: r.get(6),
                        prev_hash: Hash::from_slice(r.get::<&[u8], _>(7)).unwrap(),
                        hash: Hash::from_slice(r.get::<&[u8], _>(8)).unwrap(),
                    })
                    .collect()
            };
        }
        match &self.pool {
            Pool::Sqlite(p) => read!(p),
            Pool::Postgres(p) => read!(p),
        }
    }

    async fn audit(&self) -> Vec<AuditRecord> {
        let sql = "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, wrote, prev_hash, hash FROM audit ORDER BY seq";
        macro_rules! read {
            ($pool:expr) => {
                sqlx::query(sql)
                    .fetch_all($pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| {
                        AuditLink {
                            seq: r.get(0),
                            recorded_at: r.get(1),
                            actor: r.get(2),
                            role: r.get(3),
                            action: r.get(4),
                            target: r.get(5),
                            outcome: r.get(6),
                            purpose: r.get(7),
                            detail: r.get(8),
                            wrote: r.get(9),
                            prev_hash: Hash::from_slice(r.get::<&[u8], _>(10)).unwrap(),
                            hash: Hash::from_slice(r.get::<&[u8], _>(11)).unwrap(),
                        }
                        .to_record()
                        .unwrap()
                    })
                    .collect()
            };
        }
        match &self.pool {
            Pool::Sqlite(p) => read!(p),
            Pool::Postgres(p) => read!(p),
        }
    }

    /// Runs one statement with its bound values.
    async fn run(&self, sql: &str, binds: Vec<Value>) {
        let sql = sqlx::AssertSqlSafe(self.sql(sql));
        macro_rules! run {
            ($pool:expr) => {{
                let mut q = sqlx::query(sql);
                for v in binds {
                    q = match v {
                        Value::Int(i) => q.bind(i),
                        Value::Text(t) => q.bind(t),
                        Value::Bytes(b) => q.bind(b),
                        other => panic!("no such bind here: {other:?}"),
                    };
                }
                q.execute($pool).await.map(drop)
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => run!(p),
            Pool::Postgres(p) => run!(p),
        }
        .unwrap();
    }

    async fn write_event(&self, r: &EventRecord) {
        let sql = "UPDATE events SET payload = $1, prev_hash = $2, hash = $3 WHERE position = $4";
        let binds = vec![
            Value::Text(r.payload.clone()),
            Value::Bytes(r.prev_hash.0.to_vec()),
            Value::Bytes(r.hash.0.to_vec()),
            Value::Int(r.position),
        ];
        self.run(sql, binds).await;
    }

    async fn insert_event(&self, r: &EventRecord) {
        let sql = "INSERT INTO events (position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let binds = vec![
            Value::Int(r.position),
            Value::Text(r.case_id.clone()),
            Value::Int(r.version),
            Value::Int(r.recorded_at),
            Value::Text(r.actor.clone()),
            Value::Text(r.kind.clone()),
            Value::Text(r.payload.clone()),
            Value::Bytes(r.prev_hash.0.to_vec()),
            Value::Bytes(r.hash.0.to_vec()),
        ];
        self.run(sql, binds).await;
    }

    async fn write_audit(&self, r: &AuditRecord) {
        let sql =
            "UPDATE audit SET actor = $1, wrote = $2, prev_hash = $3, hash = $4 WHERE seq = $5";
        let binds = vec![
            Value::Text(r.entry.actor.clone()),
            Value::Text(r.entry.wrote_text()),
            Value::Bytes(r.prev_hash.0.to_vec()),
            Value::Bytes(r.hash.0.to_vec()),
            Value::Int(r.seq),
        ];
        self.run(sql, binds).await;
    }

    /// Recomputes every event link from `from` on, as a forger would after an edit; returns
    /// the records as rewritten.
    async fn reseal_events(&self, mut events: Vec<EventRecord>, from: usize) -> Vec<EventRecord> {
        self.unlock("events").await;
        for i in from..events.len() {
            events[i].prev_hash = if i == 0 {
                Hash::GENESIS
            } else {
                events[i - 1].hash
            };
            events[i] = events[i].clone().sealed();
            self.write_event(&events[i]).await;
        }
        events
    }

    /// Recomputes every audit link from `from` on, after `change` (which may alter entries).
    async fn reseal_audit(&self, change: impl Fn(&mut AuditRecord)) {
        self.unlock("audit").await;
        let mut prev = Hash::GENESIS;
        for mut r in self.audit().await {
            change(&mut r);
            let sealed = AuditRecord::sealed(r.seq, r.entry.clone(), prev);
            if sealed != r {
                self.write_audit(&sealed).await;
            }
            prev = sealed.hash;
        }
    }

    async fn close(self) {
        match self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        if let Some((base, db)) = self.pg {
            let admin = sqlx::PgPool::connect(&base).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
            )))
            .execute(&admin)
            .await
            .unwrap();
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Tampering {
    LastEvent,
    LastFiftyEvents,
    NewestCase,
    LastTenAuditEntries,
    LastEventAndAuditEntry,
    ResealedDetermination,
    ResealedBothChains,
    ResealedAuditEntry,
    ForgedTailEvent,
    RewrittenPersonalData,
    DeletedPersonalData,
    EditedReadModel,
    ForgedReadModelRow,
    DeletedCheckpoint,
    ForgedExportedCheckpoint,
}

const ALL: [Tampering; 15] = [
    Tampering::LastEvent,
    Tampering::LastFiftyEvents,
    Tampering::NewestCase,
    Tampering::LastTenAuditEntries,
    Tampering::LastEventAndAuditEntry,
    Tampering::ResealedDetermination,
    Tampering::ResealedBothChains,
    Tampering::ResealedAuditEntry,
    Tampering::ForgedTailEvent,
    Tampering::RewrittenPersonalData,
    Tampering::DeletedPersonalData,
    Tampering::EditedReadModel,
    Tampering::ForgedReadModelRow,
    Tampering::DeletedCheckpoint,
    Tampering::ForgedExportedCheckpoint,
];

/// Does it, and says what `audit verify` must name.
async fn tamper(s: &Store, t: Tampering) -> &'static str {
    let events = s.events().await;
    let last = events.last().unwrap().position;
    match t {
        Tampering::LastEvent => {
            s.unlock("events").await;
            s.exec(&format!("DELETE FROM events WHERE position = {last}"))
                .await;
            "the event chain is broken"
        }
        Tampering::LastFiftyEvents => {
            s.unlock("events").await;
            s.exec(&format!(
                "DELETE FROM events WHERE position > {}",
                last - 50
            ))
            .await;
            "the event chain is broken"
        }
        Tampering::NewestCase => {
            let newest = &events
                .iter()
                .rev()
                .find(|e| e.version == 1)
                .unwrap()
                .case_id;
            s.unlock("events").await;
            s.exec(&format!("DELETE FROM events WHERE case_id = '{newest}'"))
                .await;
            "the event chain is broken"
        }
        Tampering::LastTenAuditEntries => {
            s.unlock("audit").await;
            s.exec("DELETE FROM audit WHERE seq > (SELECT MAX(seq) - 10 FROM audit)")
                .await;
            "the audit chain is broken"
        }
        Tampering::LastEventAndAuditEntry => {
            s.unlock("events").await;
            s.unlock("audit").await;
            s.exec(&format!("DELETE FROM events WHERE position = {last}"))
                .await;
            s.exec("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")
                .await;
            "chain is broken"
        }
        Tampering::ResealedDetermination => {
            let at = events
                .iter()
                .position(|e| e.kind == "case_determined")
                .unwrap();
            let mut events = events;
            let before = events[at].payload.clone();
            events[at].payload = before.replacen("\"misconduct\"", "\"no_case_to_answer\"", 1);
            assert_ne!(events[at].payload, before, "the determination was changed");
            s.reseal_events(events, at).await;
            "the event chain is broken"
        }
        Tampering::ResealedBothChains => {
            // The forger edits a determination, recomputes every later event link, moves each
            // audit entry's tie to the new links and recomputes the audit chain too: the two
            // chains agree again, and only the signed checkpoint tells.
            let at = events
                .iter()
                .position(|e| e.kind == "case_determined")
                .unwrap();
            let mut changed = events.clone();
            changed[at].payload =
                events[at]
                    .payload
                    .replacen("\"misconduct\"", "\"no_case_to_answer\"", 1);
            assert_ne!(
                changed[at].payload, events[at].payload,
                "the determination was changed"
            );
            let resealed = s.reseal_events(changed, at).await;
            s.reseal_audit(|r| {
                if let Some(w) = &mut r.entry.wrote {
                    w.hash = resealed[w.position as usize - 1].hash;
                }
            })
            .await;
            "the checkpoint signed at"
        }
        Tampering::ResealedAuditEntry => {
            s.reseal_audit(|r| {
                if r.seq == 5 {
                    r.entry.actor = "someone-else".into();
                }
            })
            .await;
            "the checkpoint signed at"
        }
        Tampering::ForgedTailEvent => {
            let head = events.last().unwrap();
            let forged = EventRecord {
                position: head.position + 1,
                version: 99,
                prev_hash: head.hash,
                ..head.clone()
            }
            .sealed();
            s.insert_event(&forged).await;
            "no audit entry records a command that wrote the events"
        }
        Tampering::RewrittenPersonalData => {
            s.unlock("personal_data").await;
            s.exec("UPDATE personal_data SET data = replace(data, 'Rowan Ashby', 'Someone Else')")
                .await;
            "does not match the commitment in the log"
        }
        Tampering::DeletedPersonalData => {
            s.exec("DELETE FROM personal_data WHERE party = 1").await;
            "is missing, and the log records no erasure"
        }
        Tampering::EditedReadModel => {
            s.exec("UPDATE cases SET status = 'closed'").await;
            "the read model cases differs from the log"
        }
        Tampering::ForgedReadModelRow => {
            s.exec("INSERT INTO allegations (case_id, allegation, category) SELECT case_id, 99, 'G2' FROM cases LIMIT 1")
                .await;
            "the read model allegations differs from the log"
        }
        Tampering::DeletedCheckpoint => {
            s.unlock("checkpoints").await;
            s.exec("DELETE FROM checkpoints").await;
            "is missing from the database"
        }
        Tampering::ForgedExportedCheckpoint => {
            let dir = s.path("checkpoints");
            let file = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|e| e == "json"))
                .unwrap();
            let json = std::fs::read_to_string(&file).unwrap();
            let mut c: serde_json::Value = serde_json::from_str(&json).unwrap();
            c["events"]["position"] = serde_json::json!(1);
            std::fs::write(dir.join("checkpoint-forged.json"), c.to_string()).unwrap();
            "its signature does not hold"
        }
    }
}

async fn suite(backend: Backend) {
    let Some(s) = Store::new(backend, "intact").await else {
        eprintln!("TEST_PG_URL is not set: the PostgreSQL tamper suite is skipped");
        return;
    };
    let out = s.verify();
    assert!(
        out.status.success(),
        "{backend:?} untouched: {}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("(1 exported and trusted)"),
        "{}",
        text(&out.stdout)
    );
    s.close().await;
    let mut runs = tokio::task::JoinSet::new();
    for t in ALL {
        runs.spawn(async move {
            let name = format!("{t:?}").to_lowercase();
            let s = Store::new(backend, &name).await.unwrap();
            let expected = tamper(&s, t).await;
            let out = s.verify();
            let stderr = text(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(6),
                "{backend:?} {t:?} was not found: {stderr}"
            );
            assert!(
                stderr.contains(expected),
                "{backend:?} {t:?}: expected '{expected}' in: {stderr}"
            );
            s.close().await;
        });
    }
    while let Some(run) = runs.join_next().await {
        run.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_tampering_is_found_on_sqlite() {
    suite(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_tampering_is_found_on_postgres() {
    suite(Backend::Postgres).await;
}
