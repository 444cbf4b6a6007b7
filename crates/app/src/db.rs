//! Choosing a backend from a database URL: the store is a trait object from then on, so no
//! caller knows which backend it has and no method is forwarded by hand.

use std::sync::Arc;

use probity_store::{Store, StoreError};
use probity_store_postgres::PgStore;
use probity_store_sqlite::SqliteStore;

/// Where the data lives, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "sqlite:probity-data/probity.db";

    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        Err(StoreError::BadUrl(url.to_string()))
    }
}

/// The store the application runs on, chosen once by URL.
pub type Db = Arc<dyn Store>;

/// Opens the store at `url`.
pub async fn connect(url: &str) -> Result<Db, StoreError> {
    match DatabaseUrl::parse(url)? {
        DatabaseUrl::Sqlite(path) => Ok(Arc::new(SqliteStore::open(&path).await?)),
        DatabaseUrl::Postgres(url) => Ok(Arc::new(PgStore::open(&url).await?)),
    }
}

/// A PostgreSQL store in its own schema of the database at `url` (for tests and for several
/// stores in one database).
pub async fn postgres_in_schema(url: &str, schema: &str) -> Result<Db, StoreError> {
    Ok(Arc::new(PgStore::open_in_schema(url, schema).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:data/p.db").unwrap(),
            DatabaseUrl::Sqlite("data/p.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/p.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/p.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://p.db?mode=rwc").unwrap(),
            DatabaseUrl::Sqlite("p.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        for bad in ["", "mysql://x", "sqlite:", "sqlite::memory:", "p.db"] {
            assert!(
                matches!(DatabaseUrl::parse(bad), Err(StoreError::BadUrl(_))),
                "{bad}"
            );
        }
    }
}
