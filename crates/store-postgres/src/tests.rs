//! The PostgreSQL store against the conformance suite. Runs when `TEST_PG_URL` names a database
//! (CI sets it); otherwise says it was skipped. Each store lives in a schema of its own.

use probity_store::{EventLog, Verifier, conformance};

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

/// Appends queued together commit in one transaction, yet each keeps its own outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_committed_together_keep_their_own_outcomes() {
    let Some(url) = url() else { return };
    let schema = schema_name();
    let store = PgStore::open_in_schema(&url, &schema).await.unwrap();
    conformance::appends_together_keep_their_own_outcomes(std::sync::Arc::new(store)).await;
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
