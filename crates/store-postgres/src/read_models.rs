//! Plain tables in PostgreSQL, by the generic code of `probity_store`: queries run as given, in
//! one snapshot, statements in one transaction; a case's rows in a read model are deleted and
//! written again from the model's declaration, many rows per statement (a table with one row
//! per case is updated in place).

use probity_store::batch::{insert_rows, upsert_rows};
use probity_store::projection::READ_MODELS;
use probity_store::read_model::{ColumnType, Table};
use probity_store::{
    AuditEntry, Query, ReadModels, Row, Statement, StoreError, TableRows, Tables, Value,
};
use sqlx::postgres::PgArguments;
use sqlx::query::Query as SqlxQuery;
use sqlx::{Arguments, Postgres, QueryBuilder, Row as _, Transaction};

use crate::{PgStore, ROWS_PER_INSERT, unavailable};

/// Binds `value` as a column of type `ty` (a NULL needs its type in PostgreSQL).
fn bind(args: &mut PgArguments, value: &Value, ty: ColumnType) -> Result<(), StoreError> {
    let bound = match (value, ty) {
        (Value::Null, ColumnType::Int) => args.add(None::<i64>),
        (Value::Null, ColumnType::Text) => args.add(None::<String>),
        (Value::Null, ColumnType::Bool) => args.add(None::<bool>),
        (Value::Null, ColumnType::Bytes) => args.add(None::<Vec<u8>>),
        (Value::Bytes(b), _) => args.add(b.as_slice()),
        (Value::Int(i), _) => args.add(*i),
        (Value::Text(s), _) => args.add(s.as_str()),
        (Value::Bool(b), _) => args.add(*b),
    };
    bound.map_err(|e| StoreError::Unavailable(format!("a value cannot be bound: {e}")))
}

/// The type a value bound in a query or statement has. A NULL has no type of its own: the shared
/// statements bind NULL only for text (a user's force), so it is bound as text.
fn type_of(value: &Value) -> ColumnType {
    match value {
        Value::Int(_) => ColumnType::Int,
        Value::Null => ColumnType::Text,
        Value::Text(_) => ColumnType::Text,
        Value::Bool(_) => ColumnType::Bool,
        Value::Bytes(_) => ColumnType::Bytes,
    }
}

fn statement(sql: &str, args: PgArguments) -> SqlxQuery<'_, Postgres, PgArguments> {
    sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
}

/// Puts each case's rows in place of those it had, inside the caller's transaction: one delete
/// per model for all the cases changed in it, then multi-row inserts.
/// Runs statements that go with an append, in its transaction.
pub(crate) async fn run_statements(
    tx: &mut Transaction<'_, Postgres>,
    statements: &[&Statement],
) -> Result<(), StoreError> {
    for s in statements {
        let mut args = PgArguments::default();
        for b in &s.binds {
            bind(&mut args, b, type_of(b))?;
        }
        statement(&s.sql, args)
            .execute(&mut **tx)
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

pub(crate) async fn write(
    tx: &mut Transaction<'_, Postgres>,
    changes: &[&TableRows],
) -> Result<(), StoreError> {
    for model in READ_MODELS {
        let table: &Table = model.table;
        let mine: Vec<&TableRows> = changes
            .iter()
            .copied()
            .filter(|c| c.table.name == table.name)
            .collect();
        // A table with one row per case updates it in place; only a case left without its row
        // is deleted from it.
        let replaced: Vec<&TableRows> = mine
            .iter()
            .copied()
            .filter(|c| !table.one_per_case || c.rows.is_empty())
            .collect();
        for chunk in replaced.chunks(ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Postgres>::new(format!(
                "DELETE FROM {} WHERE case_id IN (",
                table.name
            ));
            let mut ids = q.separated(", ");
            for c in chunk {
                ids.push_bind(c.case_id.to_string());
            }
            q.push(")");
            q.build().execute(&mut **tx).await.map_err(unavailable)?;
        }
        let rows: Vec<&Row> = mine.iter().flat_map(|c| c.rows.iter()).collect();
        let types = table.types();
        // Every row binds one value per column; stay well under 65,535 parameters.
        let per_statement = (ROWS_PER_INSERT * 8 / types.len()).max(1);
        for chunk in rows.chunks(per_statement) {
            let sql = if table.one_per_case {
                upsert_rows(table, chunk.len())
            } else {
                insert_rows(table, chunk.len())
            };
            let mut args = PgArguments::default();
            for row in chunk {
                for (value, ty) in row.iter().zip(&types) {
                    bind(&mut args, value, *ty)?;
                }
            }
            statement(&sql, args)
                .execute(&mut **tx)
                .await
                .map_err(unavailable)?;
        }
    }
    Ok(())
}

fn value(row: &sqlx::postgres::PgRow, i: usize, ty: ColumnType) -> Result<Value, StoreError> {
    let v = match ty {
        ColumnType::Int => row
            .try_get::<Option<i64>, _>(i)
            .map(|v| v.map_or(Value::Null, Value::Int)),
        ColumnType::Text => row
            .try_get::<Option<String>, _>(i)
            .map(|v| v.map_or(Value::Null, Value::Text)),
        ColumnType::Bool => row
            .try_get::<Option<bool>, _>(i)
            .map(|v| v.map_or(Value::Null, Value::Bool)),
        ColumnType::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)
            .map(|v| v.map_or(Value::Null, Value::Bytes)),
    };
    v.map_err(|e| StoreError::Corrupt(format!("a read-model column does not read back: {e}")))
}

async fn run(c: &mut sqlx::PgConnection, q: &Query) -> Result<Vec<Row>, StoreError> {
    let mut args = PgArguments::default();
    for b in &q.binds {
        bind(&mut args, b, type_of(b))?;
    }
    let rows = statement(&q.sql, args)
        .fetch_all(c)
        .await
        .map_err(unavailable)?;
    rows.iter()
        .map(|row| {
            q.columns
                .iter()
                .enumerate()
                .map(|(i, ty)| value(row, i, *ty))
                .collect()
        })
        .collect()
}

#[async_trait::async_trait]
impl Tables for PgStore {
    fn dialect(&self) -> probity_store::Dialect {
        probity_store::Dialect::Postgres
    }

    async fn query(&self, queries: &[Query]) -> Result<Vec<Vec<Row>>, StoreError> {
        let mut out = Vec::with_capacity(queries.len());
        if let [q] = queries {
            let mut c = self.pool().acquire().await.map_err(unavailable)?;
            out.push(run(&mut c, q).await?);
            return Ok(out);
        }
        // Several statements see one snapshot, so that a count and its page agree.
        let mut tx = self.pool().begin().await.map_err(unavailable)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        for q in queries {
            out.push(run(&mut tx, q).await?);
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(out)
    }

    async fn execute(
        &self,
        statements: &[Statement],
        audit: &[AuditEntry],
    ) -> Result<Vec<u64>, StoreError> {
        let mut tx = self.pool().begin().await.map_err(unavailable)?;
        let mut changed = Vec::with_capacity(statements.len());
        for s in statements {
            let mut args = PgArguments::default();
            for b in &s.binds {
                bind(&mut args, b, type_of(b))?;
            }
            let done = statement(&s.sql, args)
                .execute(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::Duplicate(String::new())
                    }
                    other => unavailable(other),
                })?;
            changed.push(done.rows_affected());
        }
        crate::audit::append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(changed)
    }
}

#[async_trait::async_trait]
impl ReadModels for PgStore {
    async fn replace_read_models(&self, all: &[TableRows]) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(unavailable)?;
        for model in READ_MODELS {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {}",
                model.table.name
            )))
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        }
        let all: Vec<&TableRows> = all.iter().collect();
        write(&mut tx, &all).await?;
        tx.commit().await.map_err(unavailable)
    }
}
