//! The index answers the store's own conformance checks of the public side, on SQLite and (when
//! `TEST_PG_URL` names a database) on PostgreSQL: the same items found, ranked, marked, counted,
//! filtered, hidden and withdrawn as the store's search finds them.

use std::sync::Arc;

use probity_search::Indexed;
use probity_store::conformance;

fn indexed<S: probity_store::Tables + 'static>(
    store: Arc<S>,
) -> Box<dyn probity_published::PublishedItems> {
    // Looking at every search: the checks change the store and search at once.
    Box::new(Indexed::new(store).looking_every(std::time::Duration::ZERO))
}

#[tokio::test]
async fn the_index_passes_the_public_side_checks_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search.db");
    let store = probity_store_sqlite::SqliteStore::open(path.to_str().unwrap())
        .await
        .unwrap();
    conformance::the_public_side_reads_only_what_is_shown(Arc::new(store), &indexed).await;
}

#[tokio::test]
async fn the_index_passes_the_public_side_checks_on_postgres() {
    let Some(url) = std::env::var("TEST_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!("skipped on PostgreSQL: set TEST_PG_URL to run this test there too");
        return;
    };
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!("t_search_{salt:x}");
    let store = probity_store_postgres::PgStore::open_in_schema(&url, &schema)
        .await
        .unwrap();
    conformance::the_public_side_reads_only_what_is_shown(Arc::new(store), &indexed).await;
}
