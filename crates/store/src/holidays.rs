//! Bank-holiday data imported after the bundled years, kept in the store so every server on
//! it counts working days alike; and the read models a migration added, which opening fills
//! once. The SQL is written here once, for every [`Tables`].

use probity_domain::calendar::Calendar;

use crate::audit::AuditEntry;
use crate::query::{Query, Statement};
use crate::read_model::{ColumnType, ColumnValue, Value};
use crate::{StoreError, Tables};

/// The bundled calendar extended by every import, in the order they were made.
pub async fn calendar<S: Tables + ?Sized>(store: &S) -> Result<Calendar, StoreError> {
    let rows = store
        .query(&[Query {
            sql: "SELECT json FROM holiday_data ORDER BY seq".into(),
            binds: Vec::new(),
            columns: vec![ColumnType::Text],
            point: false,
        }])
        .await?;
    let mut calendar = Calendar::england_and_wales().clone();
    for row in rows.into_iter().flatten() {
        let json = row
            .into_iter()
            .next()
            .map(String::from_value)
            .transpose()
            .map_err(StoreError::Corrupt)?
            .unwrap_or_default();
        let newer = Calendar::from_govuk_json(&json)
            .map_err(|e| StoreError::Corrupt(format!("imported bank holidays: {e}")))?;
        calendar = calendar
            .extended(&newer)
            .map_err(|e| StoreError::Corrupt(format!("imported bank holidays: {e}")))?;
    }
    Ok(calendar)
}

/// Keeps `json` (already read as `newer`) beside the earlier imports, with its audit entry.
pub async fn import<S: Tables + ?Sized>(
    store: &S,
    json: &str,
    newer: &Calendar,
    imported_at: i64,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let (from, to) = newer.covers();
    store
        .execute(
            &[Statement {
                sql: "INSERT INTO holiday_data (imported_at, covers_from, covers_to, json) VALUES ($1, $2, $3, $4)".into(),
                binds: vec![
                    Value::Int(imported_at),
                    from.to_value(),
                    to.to_value(),
                    Value::Text(json.to_string()),
                ],
            }],
            std::slice::from_ref(audit),
        )
        .await?;
    Ok(())
}

/// The read models a migration added to a store that already held cases: they are empty
/// until rebuilt.
pub async fn pending_rebuilds<S: Tables + ?Sized>(store: &S) -> Result<Vec<String>, StoreError> {
    let rows = store
        .query(&[Query {
            sql: "SELECT model FROM read_model_rebuilds ORDER BY model".into(),
            binds: Vec::new(),
            columns: vec![ColumnType::Text],
            point: false,
        }])
        .await?;
    rows.into_iter()
        .flatten()
        .filter_map(|r| r.into_iter().next())
        .map(|v| String::from_value(v).map_err(StoreError::Corrupt))
        .collect()
}

/// Marks the added read models filled, with the rebuild's audit entry.
pub async fn rebuilt<S: Tables + ?Sized>(store: &S, audit: &AuditEntry) -> Result<(), StoreError> {
    store
        .execute(
            &[Statement {
                sql: "DELETE FROM read_model_rebuilds".into(),
                binds: Vec::new(),
            }],
            std::slice::from_ref(audit),
        )
        .await?;
    Ok(())
}

/// Copies the imported bank-holiday data of `from` into `to` (moving a deployment), in order.
pub async fn copy<F: Tables + ?Sized, T: Tables + ?Sized>(
    from: &F,
    to: &T,
) -> Result<usize, StoreError> {
    let rows = from
        .query(&[Query {
            sql: "SELECT imported_at, covers_from, covers_to, json FROM holiday_data ORDER BY seq"
                .into(),
            binds: Vec::new(),
            columns: vec![
                ColumnType::Int,
                ColumnType::Text,
                ColumnType::Text,
                ColumnType::Text,
            ],
            point: false,
        }])
        .await?;
    let inserts: Vec<Statement> = rows
        .into_iter()
        .flatten()
        .map(|row| Statement {
            sql: "INSERT INTO holiday_data (imported_at, covers_from, covers_to, json) VALUES ($1, $2, $3, $4)".into(),
            binds: row,
        })
        .collect();
    to.execute(&inserts, &[]).await?;
    Ok(inserts.len())
}
