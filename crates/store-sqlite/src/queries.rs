//! Read-model queries, always narrowed to what the viewer may see.

use probity_store::{CaseQueries, CaseQuery, CaseRow, Page, StoreError, SubjectHistoryRow, Viewer};
use rusqlite::types::Value;

use crate::SqliteStore;
use crate::connection::unavailable;

pub(crate) const CASE_ROW_BY_ID: &str = "SELECT c.case_id, c.reference, c.kind, c.force, c.status, c.received_on, c.mode, c.sexual_misconduct, c.published_on, c.version, c.restricted, c.publishable FROM cases c WHERE c.case_id = ?1";

const CASE_COLUMNS: &str = "c.case_id, c.reference, c.kind, c.force, c.status, c.received_on, c.mode, c.sexual_misconduct, c.published_on, c.version, c.restricted, c.publishable";

pub(crate) fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        case_id: r.get(0)?,
        reference: r.get(1)?,
        kind: r.get(2)?,
        force: r.get(3)?,
        status: r.get(4)?,
        received_on: r.get(5)?,
        mode: r.get(6)?,
        sexual_misconduct: r.get(7)?,
        published_on: r.get(8)?,
        version: r.get(9)?,
        restricted: r.get(10)?,
        publishable: r.get(11)?,
    })
}

/// SQL text with its bound values, built up piece by piece.
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.values.push(value.into());
        self.text.push_str(&format!("?{}", self.values.len()));
        self
    }

    fn rows<T>(
        &self,
        c: &rusqlite::Connection,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        c.prepare_cached(&self.text)
            .and_then(|mut s| {
                s.query_map(rusqlite::params_from_iter(self.values.iter()), f)?
                    .collect()
            })
            .map_err(unavailable)
    }
}

/// The conditions every query carries: what this viewer may see at all.
fn push_visibility(q: &mut Sql, viewer: &Viewer) {
    q.push(" (c.restricted = 0 OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.case_id AND a.username = ")
        .bind(viewer.username.clone())
        .push(" AND (a.until IS NULL OR a.until >= ")
        .bind(viewer.today.clone())
        .push(")))");
    if let Some(force) = &viewer.force {
        q.push(" AND c.force = ").bind(force.clone());
    }
    if viewer.publishable_only {
        q.push(" AND c.publishable = 1");
    }
}

fn push_filters(q: &mut Sql, query: &CaseQuery) {
    if let Some(f) = &query.force {
        q.push(" AND c.force = ").bind(f.clone());
    }
    if let Some(s) = &query.status {
        q.push(" AND c.status = ").bind(s.clone());
    }
    if let Some(cat) = &query.category {
        q.push(" AND EXISTS (SELECT 1 FROM allegations al WHERE al.case_id = c.case_id AND (al.category = ")
            .bind(cat.clone())
            .push(" OR substr(al.category, 1, 1) = ")
            .bind(cat.clone())
            .push("))");
    }
    if let Some(n) = &query.service_number {
        q.push(" AND EXISTS (SELECT 1 FROM subjects su WHERE su.case_id = c.case_id AND su.service_number = ")
            .bind(n.clone())
            .push(")");
    }
    if let Some(from) = &query.received_from {
        q.push(" AND c.received_on >= ").bind(from.clone());
    }
    if let Some(to) = &query.received_to {
        q.push(" AND c.received_on <= ").bind(to.clone());
    }
    if let Some(member) = &query.team_member {
        q.push(" AND EXISTS (SELECT 1 FROM case_access t WHERE t.case_id = c.case_id AND t.until IS NULL AND t.username = ")
            .bind(member.clone())
            .push(")");
    }
    if let Some(r) = query.restricted {
        q.push(" AND c.restricted = ").bind(i64::from(r));
    }
}

impl CaseQueries for SqliteStore {
    async fn list_cases(
        &self,
        viewer: &Viewer,
        query: &CaseQuery,
    ) -> Result<Page<CaseRow>, StoreError> {
        let mut count = Sql::new("SELECT COUNT(*) FROM cases c WHERE");
        push_visibility(&mut count, viewer);
        push_filters(&mut count, query);
        let mut q = Sql::new(format!("SELECT {CASE_COLUMNS} FROM cases c WHERE"));
        push_visibility(&mut q, viewer);
        push_filters(&mut q, query);
        q.push(" ORDER BY c.received_on DESC, c.reference LIMIT ")
            .bind(query.limit)
            .push(" OFFSET ")
            .bind(query.offset);
        self.readers()
            .scan(move |c| {
                // Both in one read transaction, so the total matches the page.
                c.execute_batch("BEGIN").map_err(unavailable)?;
                let out = (|| {
                    let total = count.rows(c, |r| r.get::<_, i64>(0))?;
                    let items = q.rows(c, case_row)?;
                    Ok(Page {
                        items,
                        total: total.first().copied().unwrap_or(0),
                    })
                })();
                c.execute_batch("COMMIT").map_err(unavailable)?;
                out
            })
            .await
    }

    async fn subject_history(
        &self,
        viewer: &Viewer,
        force: &str,
        service_number: &str,
    ) -> Result<Vec<SubjectHistoryRow>, StoreError> {
        let mut q = Sql::new(format!(
            "SELECT {CASE_COLUMNS}, su.party, f.allegation, al.category, f.determination, f.outcome
             FROM subjects su
             JOIN cases c ON c.case_id = su.case_id
             JOIN findings f ON f.case_id = su.case_id AND f.subject = su.party
             JOIN allegations al ON al.case_id = f.case_id AND al.allegation = f.allegation
             WHERE su.force = "
        ));
        q.bind(force.to_string())
            .push(" AND su.service_number = ")
            .bind(service_number.to_string())
            .push(" AND");
        push_visibility(&mut q, viewer);
        q.push(" ORDER BY c.received_on, c.reference, f.allegation");
        self.readers()
            .scan(move |c| {
                q.rows(c, |r| {
                    Ok(SubjectHistoryRow {
                        case: case_row(r)?,
                        party: r.get(12)?,
                        allegation: r.get(13)?,
                        category: r.get(14)?,
                        determination: r.get(15)?,
                        outcome: r.get(16)?,
                    })
                })
            })
            .await
    }
}
