//! Plain tables in SQLite, by the generic code of `probity_store`: queries and statements run as
//! given, their `$n` placeholders read as SQLite's `?n`; a case's rows in a read model are
//! deleted and written again from the model's declaration (a table with one row per case is
//! updated in place).

use probity_store::batch::{delete_rows, insert_rows, upsert_rows};
use probity_store::projection::READ_MODELS;
use probity_store::read_model::ColumnType;
use probity_store::{
    AuditEntry, Query, ReadModels, Row, Statement, StoreError, TableRows, Tables, Value,
};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Transaction};

use crate::SqliteStore;
use crate::connection::{is_duplicate, unavailable};

/// A value bound to a statement.
struct Bound<'a>(&'a Value);

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

/// SQL in the shared dialect, with SQLite's numbered placeholders.
fn sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

/// Puts each case's rows in place of those it had, inside the caller's transaction.
pub(crate) fn write(tx: &Transaction<'_>, changes: &[&TableRows]) -> Result<(), StoreError> {
    for change in changes {
        let table = change.table;
        if let [row] = &change.rows[..]
            && table.one_per_case
        {
            tx.prepare_cached(&sqlite(&upsert_rows(table, 1)))
                .and_then(|mut s| s.execute(rusqlite::params_from_iter(row.iter().map(Bound))))
                .map_err(unavailable)?;
            continue;
        }
        tx.prepare_cached(&sqlite(&delete_rows(table)))
            .and_then(|mut s| s.execute([change.case_id.to_string()]))
            .map_err(unavailable)?;
        if change.rows.is_empty() {
            continue;
        }
        let mut insert = tx
            .prepare_cached(&sqlite(&insert_rows(table, 1)))
            .map_err(unavailable)?;
        for row in &change.rows {
            insert
                .execute(rusqlite::params_from_iter(row.iter().map(Bound)))
                .map_err(unavailable)?;
        }
    }
    Ok(())
}

/// Runs statements that go with an append, in its transaction.
pub(crate) fn run_statements(
    tx: &Transaction<'_>,
    statements: &[&Statement],
) -> Result<(), StoreError> {
    for s in statements {
        tx.prepare_cached(&sqlite(&s.sql))
            .and_then(|mut p| p.execute(rusqlite::params_from_iter(s.binds.iter().map(Bound))))
            .map_err(unavailable)?;
    }
    Ok(())
}

fn value(row: &rusqlite::Row<'_>, i: usize, ty: ColumnType) -> Result<Value, StoreError> {
    let v = row.get_ref(i).map_err(unavailable)?;
    Ok(match (v, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(n), ColumnType::Bool) => Value::Bool(n != 0),
        (ValueRef::Integer(n), _) => Value::Int(n),
        (ValueRef::Text(t), _) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Corrupt(format!("stored text is not UTF-8: {e}")))?
                .to_string(),
        ),
        (ValueRef::Blob(b), ColumnType::Bytes) => Value::Bytes(b.to_vec()),
        (other, _) => {
            return Err(StoreError::Corrupt(format!(
                "a read-model column holds {other:?}"
            )));
        }
    })
}

/// Runs the queries in one read transaction, so that a count and its page agree.
fn run(c: &Connection, queries: &[Query]) -> Result<Vec<Vec<Row>>, StoreError> {
    if queries.len() > 1 {
        c.execute_batch("BEGIN").map_err(unavailable)?;
    }
    let out = queries
        .iter()
        .map(|q| {
            let mut s = c.prepare_cached(&sqlite(&q.sql)).map_err(unavailable)?;
            let mut rows = s
                .query(rusqlite::params_from_iter(q.binds.iter().map(Bound)))
                .map_err(unavailable)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(unavailable)? {
                out.push(
                    q.columns
                        .iter()
                        .enumerate()
                        .map(|(i, ty)| value(row, i, *ty))
                        .collect::<Result<Row, _>>()?,
                );
            }
            Ok(out)
        })
        .collect();
    if queries.len() > 1 {
        c.execute_batch("COMMIT").map_err(unavailable)?;
    }
    out
}

#[async_trait::async_trait]
impl Tables for SqliteStore {
    fn dialect(&self) -> probity_store::Dialect {
        probity_store::Dialect::Sqlite
    }

    async fn query(&self, queries: &[Query]) -> Result<Vec<Vec<Row>>, StoreError> {
        // A point read costs less here than a hop to another thread and back.
        if queries.iter().all(|q| q.point) {
            return self.readers().read(|c| run(c, queries));
        }
        let queries = queries.to_vec();
        self.readers().scan(move |c| run(c, &queries)).await
    }

    async fn execute(
        &self,
        statements: &[Statement],
        audit: &[AuditEntry],
    ) -> Result<Vec<u64>, StoreError> {
        let (statements, audit) = (statements.to_vec(), audit.to_vec());
        self.writer()
            .transaction(move |tx| {
                let changed = statements
                    .iter()
                    .map(|s| {
                        tx.prepare_cached(&sqlite(&s.sql))
                            .and_then(|mut p| {
                                p.execute(rusqlite::params_from_iter(s.binds.iter().map(Bound)))
                            })
                            .map(|n| n as u64)
                            .map_err(|e| {
                                if is_duplicate(&e) {
                                    StoreError::Duplicate(String::new())
                                } else {
                                    unavailable(e)
                                }
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                crate::audit::append_in(tx, &audit)?;
                Ok(changed)
            })
            .await
    }
}

#[async_trait::async_trait]
impl ReadModels for SqliteStore {
    async fn replace_read_models(&self, all: &[TableRows]) -> Result<(), StoreError> {
        let all = all.to_vec();
        self.writer()
            .transaction(move |tx| {
                for model in READ_MODELS {
                    tx.execute(&format!("DELETE FROM {}", model.table.name), [])
                        .map_err(unavailable)?;
                }
                let all: Vec<&TableRows> = all.iter().collect();
                write(tx, &all)
            })
            .await
    }
}
