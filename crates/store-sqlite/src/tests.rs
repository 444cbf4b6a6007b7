//! The SQLite store against the conformance suite, and the guarantees only a database can give.

use probity_store::{EventLog, Verifier, conformance, query};

use super::SqliteStore;

async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probity.db");
    (
        SqliteStore::open(path.to_str().unwrap()).await.unwrap(),
        dir,
    )
}

#[tokio::test]
async fn passes_the_conformance_suite() {
    let dirs = std::sync::Mutex::new(Vec::new());
    conformance::run(|| async {
        let (store, dir) = fresh().await;
        dirs.lock().unwrap().push(dir);
        store
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_update_and_delete_on_the_log() {
    let (store, _dir) = fresh().await;
    store
        .append(&[conformance::sample_append(1, 0, 2)], &[])
        .await
        .unwrap();
    for sql in [
        "UPDATE events SET payload = '{}' WHERE position = 1",
        "DELETE FROM events WHERE position = 2",
    ] {
        let err = store
            .raw_connection()
            .unwrap()
            .execute(sql, [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(query::counts(&store).await.unwrap().events, 2);
}

#[tokio::test]
async fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/probity.db");
    let path = path.to_str().unwrap();
    let store = SqliteStore::open(path).await.unwrap();
    store
        .append(&[conformance::sample_append(1, 0, 3)], &[])
        .await
        .unwrap();
    let head = store.head().await.unwrap();
    drop(store);
    let again = SqliteStore::open(path).await.unwrap();
    assert_eq!(again.head().await.unwrap(), head);
}

async fn verify(store: &SqliteStore) -> Result<(), probity_store::BrokenLink> {
    let mut v = Verifier::default();
    for r in store.read_log(0, i64::MAX).await.unwrap() {
        v.check(&r)?;
    }
    Ok(())
}

/// A hostile administrator drops the guard and edits a stored event: verification names the link.
#[tokio::test]
async fn tampering_with_a_stored_event_is_detected() {
    for (column, value) in [
        ("payload", "'{\"case\":1,\"v\":3}'"),
        ("actor", "'someone else'"),
        ("recorded_at", "recorded_at + 1"),
        ("kind", "'other'"),
    ] {
        let (store, _dir) = fresh().await;
        store
            .append(&[conformance::sample_append(1, 0, 4)], &[])
            .await
            .unwrap();
        assert_eq!(verify(&store).await, Ok(()));
        let admin = store.raw_connection().unwrap();
        admin
            .execute_batch("DROP TRIGGER events_refuse_update")
            .unwrap();
        let sql = format!("UPDATE events SET {column} = {value} WHERE position = 2");
        admin.execute(&sql, []).unwrap();
        let broken = verify(&store).await.unwrap_err();
        assert_eq!(broken.position, 2, "{column}");
    }
}

#[test]
fn migrations_are_numbered_from_one_without_gaps() {
    let versions: Vec<i64> = SqliteStore::migration_versions()
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
}

/// Closing leaves the database file alone holding everything, even when another checkpoint
/// is running at that moment (SQLite then gives up at once instead of waiting).
#[tokio::test]
async fn closing_copies_the_whole_log_into_the_file_even_beside_another_checkpoint() {
    let (store, dir) = fresh().await;
    let path = dir.path().join("probity.db");
    store
        .append(&[conformance::sample_append(1, 0, 3)], &[])
        .await
        .unwrap();
    // A reader's snapshot from before the next appends keeps a checkpoint from finishing.
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    for n in 2..40 {
        store
            .append(&[conformance::sample_append(n, 0, 3)], &[])
            .await
            .unwrap();
    }
    // Another connection's checkpoint holds the checkpoint lock while it waits for that reader.
    let other = {
        let path = path.clone();
        std::thread::spawn(move || {
            let c = rusqlite::Connection::open(&path).unwrap();
            c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            c.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get::<_, i64>(0))
                .unwrap()
        })
    };
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        reader.execute_batch("COMMIT").unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(150));
    store.close().await.unwrap();

    // The file alone, copied while the store is still open, has every event.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    release.join().unwrap();
    assert_eq!(other.join().unwrap(), 0);
    let c = rusqlite::Connection::open(&copy).unwrap();
    let (events, check): (i64, String) = c
        .query_row(
            "SELECT count(*), (SELECT quick_check FROM pragma_quick_check) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((events, check.as_str()), (39 * 3, "ok"));
}

/// Every connection commits durably (a commit acknowledged is on disk, power cut or not) and
/// overwrites what it deletes (an erased name is not left in free pages).
#[test]
fn connections_are_durable_and_overwrite_what_they_delete() {
    let c = rusqlite::Connection::open_in_memory().unwrap();
    crate::connection::configure(&c).unwrap();
    let pragma = |name: &str| -> i64 {
        c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(pragma("synchronous"), 2, "FULL");
    assert_eq!(pragma("secure_delete"), 1, "ON");
    assert_eq!(pragma("foreign_keys"), 1);
}

/// Changes queued together share a commit (and its sync), each in a savepoint of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_committed_together_keep_their_own_outcomes() {
    let (store, _dir) = fresh().await;
    probity_store::conformance::appends_together_keep_their_own_outcomes(std::sync::Arc::new(
        store,
    ))
    .await;
}
