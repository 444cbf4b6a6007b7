//! The PostgreSQL store against the conformance suite. Runs when `TEST_PG_URL` names a database
//! (CI sets it); otherwise says it was skipped. Each store lives in a schema of its own.

use probity_store::{AuditStore, EventLog, Verifier, conformance};

use super::PgStore;

fn url() -> Option<String> {
    match std::env::var("TEST_PG_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            eprintln!(
                "skipped: set TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests"
            );
            None
        }
    }
}

fn schema_name() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    format!("t_{}", probity_domain::hex::encode(&b))
}

async fn drop_schema(url: &str, schema: &str) {
    if let Ok(pool) = sqlx::PgPool::connect(url).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
        )))
        .execute(&pool)
        .await;
        pool.close().await;
    }
}

#[tokio::test]
async fn passes_the_conformance_suite() {
    let Some(url) = url() else { return };
    let schemas = std::sync::Mutex::new(Vec::new());
    conformance::run(|| async {
        let schema = schema_name();
        schemas.lock().unwrap().push(schema.clone());
        PgStore::open_in_schema(&url, &schema).await.unwrap()
    })
    .await;
    for s in schemas.into_inner().unwrap() {
        drop_schema(&url, &s).await;
    }
}

#[tokio::test]
async fn the_database_refuses_update_delete_and_truncate_on_the_log_and_tampering_is_found() {
    let Some(url) = url() else { return };
    let schema = schema_name();
    let store = PgStore::open_in_schema(&url, &schema).await.unwrap();
    store
        .append(&[conformance::sample_append(1, 0, 3)], &[])
        .await
        .unwrap();
    for sql in [
        "UPDATE events SET payload = '{}' WHERE position = 1",
        "DELETE FROM events WHERE position = 2",
        "TRUNCATE events",
    ] {
        let err = sqlx::query(sql).execute(store.pool()).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    sqlx::query("ALTER TABLE events DISABLE TRIGGER events_refuse_update")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE events SET actor = 'mallory' WHERE position = 2")
        .execute(store.pool())
        .await
        .unwrap();
    let mut v = Verifier::default();
    let broken = store
        .read_log(0, 100)
        .await
        .unwrap()
        .iter()
        .try_for_each(|r| v.check(r))
        .unwrap_err();
    assert_eq!(broken.position, 2);
    drop_schema(&url, &schema).await;
}

/// Concurrent writers on separate connections: every acknowledged append is kept, positions are
/// gap-free and the chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_keep_a_gap_free_chain() {
    let Some(url) = url() else { return };
    let schema = schema_name();
    let store = PgStore::open_in_schema(&url, &schema).await.unwrap();
    let mut tasks = Vec::new();
    for case in 0..8u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut version = 0;
            for _ in 0..10 {
                store
                    .append(&[conformance::sample_append(100 + case, version, 2)], &[])
                    .await
                    .unwrap();
                version += 2;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log = store.read_log(0, 1000).await.unwrap();
    assert_eq!(log.len(), 160);
    let mut v = Verifier::default();
    for r in &log {
        v.check(r).unwrap();
    }
    drop_schema(&url, &schema).await;
}

/// Appends queued together commit in one transaction, yet each keeps its own outcome: a stale
/// one is refused alone, with its audit entry, and the rest commit with theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_committed_together_keep_their_own_outcomes() {
    let Some(url) = url() else { return };
    let schema = schema_name();
    let store = PgStore::open_in_schema(&url, &schema).await.unwrap();
    store
        .append(&[conformance::sample_append(1, 0, 1)], &[])
        .await
        .unwrap();
    let entry = |case: u32| probity_store::AuditEntry {
        recorded_at: 1_700_000_000_000_000,
        actor: "tester".into(),
        role: "investigator".into(),
        action: probity_store::Action::CaseCommand(probity_domain::CommandKind::Close),
        target: format!("case {case}"),
        outcome: probity_store::Outcome::Allowed,
        purpose: "case work".into(),
        detail: String::new(),
        wrote: None,
    };
    let mut tasks = tokio::task::JoinSet::new();
    for case in 2..42u32 {
        let store = store.clone();
        tasks.spawn(async move {
            let append = if case == 20 {
                // Case 1 is at version 1: this append expects 0.
                conformance::sample_append(1, 0, 1)
            } else {
                conformance::sample_append(case, 0, 2)
            };
            (case, store.append(&[append], &[entry(case)]).await)
        });
    }
    let mut refused = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (case, Ok(records)) => assert_eq!(records.len(), 2, "case {case}"),
            (case, Err(e)) => refused.push((case, e)),
        }
    }
    assert!(
        matches!(
            refused.as_slice(),
            [(
                20,
                probity_store::StoreError::Conflict {
                    expected: 0,
                    actual: 1,
                    ..
                }
            )]
        ),
        "{refused:?}"
    );
    let log = store.read_log(0, 1000).await.unwrap();
    assert_eq!(log.len(), 1 + 39 * 2);
    let mut v = Verifier::default();
    for (i, r) in log.iter().enumerate() {
        assert_eq!(r.position, i as i64 + 1);
        v.check(r).unwrap();
    }
    let audit = store.read_audit(0, 1000, None).await.unwrap();
    assert_eq!(audit.len(), 39);
    assert!(audit.iter().all(|r| r.entry.target != "case 20"));
    drop_schema(&url, &schema).await;
}

#[test]
fn migrations_match_sqlite_version_for_version() {
    assert_eq!(
        PgStore::migration_versions(),
        probity_store_sqlite_versions()
    );
}

fn probity_store_sqlite_versions() -> Vec<(i64, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../store-sqlite/migrations");
    let mut out: Vec<(i64, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| {
            let stem = name.strip_suffix(".sql")?;
            let (version, description) = stem.split_once('_')?;
            Some((version.parse().ok()?, description.replace('_', " ")))
        })
        .collect();
    out.sort();
    out
}
