//! Read-model queries, always narrowed to what the viewer may see.

use probity_store::{CaseQueries, CaseQuery, CaseRow, Page, StoreError, SubjectHistoryRow, Viewer};
use sqlx::{Postgres, QueryBuilder, Row};

use crate::{PgStore, unavailable};

pub(crate) const CASE_ROW_BY_ID: &str = "SELECT c.case_id, c.reference, c.kind, c.force, c.status, c.received_on, c.mode, c.sexual_misconduct, c.published_on, c.version, c.restricted, c.publishable FROM cases c WHERE c.case_id = $1";

const CASE_COLUMNS: &str = "c.case_id, c.reference, c.kind, c.force, c.status, c.received_on, c.mode, c.sexual_misconduct, c.published_on, c.version, c.restricted, c.publishable";

pub(crate) fn case_row(r: &sqlx::postgres::PgRow) -> CaseRow {
    CaseRow {
        case_id: r.get(0),
        reference: r.get(1),
        kind: r.get(2),
        force: r.get(3),
        status: r.get(4),
        received_on: r.get(5),
        mode: r.get(6),
        sexual_misconduct: r.get(7),
        published_on: r.get(8),
        version: r.get(9),
        restricted: r.get(10),
        publishable: r.get(11),
    }
}

/// The conditions every query carries: what this viewer may see at all.
fn push_visibility(q: &mut QueryBuilder<Postgres>, viewer: &Viewer) {
    q.push(" (NOT c.restricted OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.case_id AND a.username = ");
    q.push_bind(viewer.username.clone());
    q.push(" AND (a.until IS NULL OR a.until >= ");
    q.push_bind(viewer.today.clone());
    q.push(")))");
    if let Some(force) = &viewer.force {
        q.push(" AND c.force = ");
        q.push_bind(force.clone());
    }
    if viewer.publishable_only {
        q.push(" AND c.publishable");
    }
}

fn push_filters(q: &mut QueryBuilder<Postgres>, query: &CaseQuery) {
    if let Some(f) = &query.force {
        q.push(" AND c.force = ");
        q.push_bind(f.clone());
    }
    if let Some(s) = &query.status {
        q.push(" AND c.status = ");
        q.push_bind(s.clone());
    }
    if let Some(cat) = &query.category {
        q.push(" AND EXISTS (SELECT 1 FROM allegations al WHERE al.case_id = c.case_id AND (al.category = ");
        q.push_bind(cat.clone());
        q.push(" OR substr(al.category, 1, 1) = ");
        q.push_bind(cat.clone());
        q.push("))");
    }
    if let Some(n) = &query.service_number {
        q.push(" AND EXISTS (SELECT 1 FROM subjects su WHERE su.case_id = c.case_id AND su.service_number = ");
        q.push_bind(n.clone());
        q.push(")");
    }
    if let Some(from) = &query.received_from {
        q.push(" AND c.received_on >= ");
        q.push_bind(from.clone());
    }
    if let Some(to) = &query.received_to {
        q.push(" AND c.received_on <= ");
        q.push_bind(to.clone());
    }
    if let Some(member) = &query.team_member {
        q.push(" AND EXISTS (SELECT 1 FROM case_access t WHERE t.case_id = c.case_id AND t.until IS NULL AND t.username = ");
        q.push_bind(member.clone());
        q.push(")");
    }
    if let Some(r) = query.restricted {
        q.push(" AND c.restricted = ");
        q.push_bind(r);
    }
}

impl CaseQueries for PgStore {
    async fn list_cases(
        &self,
        viewer: &Viewer,
        query: &CaseQuery,
    ) -> Result<Page<CaseRow>, StoreError> {
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM cases c WHERE");
        push_visibility(&mut count, viewer);
        push_filters(&mut count, query);
        let total: i64 = count
            .build()
            .fetch_one(self.pool())
            .await
            .map_err(unavailable)?
            .get(0);

        let mut q =
            QueryBuilder::<Postgres>::new(format!("SELECT {CASE_COLUMNS} FROM cases c WHERE"));
        push_visibility(&mut q, viewer);
        push_filters(&mut q, query);
        q.push(" ORDER BY c.received_on DESC, c.reference LIMIT ");
        q.push_bind(query.limit);
        q.push(" OFFSET ");
        q.push_bind(query.offset);
        let rows = q
            .build()
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(Page {
            items: rows.iter().map(case_row).collect(),
            total,
        })
    }

    async fn subject_history(
        &self,
        viewer: &Viewer,
        force: &str,
        service_number: &str,
    ) -> Result<Vec<SubjectHistoryRow>, StoreError> {
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT {CASE_COLUMNS}, su.party, f.allegation, al.category, f.determination, f.outcome
             FROM subjects su
             JOIN cases c ON c.case_id = su.case_id
             JOIN findings f ON f.case_id = su.case_id AND f.subject = su.party
             JOIN allegations al ON al.case_id = f.case_id AND al.allegation = f.allegation
             WHERE su.force = "
        ));
        q.push_bind(force.to_string());
        q.push(" AND su.service_number = ");
        q.push_bind(service_number.to_string());
        q.push(" AND");
        push_visibility(&mut q, viewer);
        q.push(" ORDER BY c.received_on, c.reference, f.allegation");
        let rows = q
            .build()
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|r| SubjectHistoryRow {
                case: case_row(r),
                party: r.get(12),
                allegation: r.get(13),
                category: r.get(14),
                determination: r.get(15),
                outcome: r.get(16),
            })
            .collect())
    }
}
