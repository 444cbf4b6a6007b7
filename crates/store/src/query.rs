//! The read-model queries, written once. Their SQL is the dialect SQLite and PostgreSQL share
//! (`$1` placeholders, `TRUE`/`FALSE`, `EXISTS`, `substr`), built with bound values only; a
//! backend runs a [`Query`] and hands back its rows. What a viewer may see is one filter,
//! [`visible`], carried by every list, count and history.

use jiff::civil::Date;
use probity_domain::access::Visibility;
use probity_domain::category::CategoryCode;
use probity_domain::conduct::CaseToAnswer;
use probity_domain::force::Force;
use probity_domain::{AllegationId, CaseId, PartyId, Reference, Status};

use crate::projection::{AllegationRow, CaseRow, READ_MODELS};
use crate::read_model::{ColumnType, ColumnValue, Row, Rows, Value};
use crate::{StoreError, Tables};

/// One statement and the shape of its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub sql: String,
    pub binds: Vec<Value>,
    pub columns: Vec<ColumnType>,
    /// A read of a row or two, best answered in the caller's thread.
    pub point: bool,
}

/// A statement that changes rows, with its bound values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub binds: Vec<Value>,
}

/// SQL text with its bound values, built up piece by piece.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    binds: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            binds: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub(crate) fn bind(&mut self, value: Value) -> &mut Sql {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// A LIMIT or OFFSET, written into the text: SQLite plans with the value of a bound LIMIT
    /// and so prepares such a statement again each time it is bound (measured: a tenth of the
    /// work queue's time). The value is an integer of ours, never typed text.
    pub(crate) fn count(&mut self, n: i64) -> &mut Sql {
        self.text.push_str(&n.to_string());
        self
    }

    pub(crate) fn binds_len(&self) -> usize {
        self.binds.len()
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn into_binds(self) -> Vec<Value> {
        self.binds
    }

    /// Appends values already numbered in the text (a nested query, renumbered).
    pub(crate) fn extend(&mut self, binds: Vec<Value>) -> &mut Sql {
        self.binds.extend(binds);
        self
    }

    pub(crate) fn query(self, columns: Vec<ColumnType>) -> Query {
        Query {
            sql: self.text,
            binds: self.binds,
            columns,
            point: false,
        }
    }
}

/// The condition that keeps out of a query every case `viewer` may not see (`c` is `cases`):
/// need-to-know (restricted cases for their team and live grant holders), force scoping, and
/// publication holds. It is [`Visibility::admits`] in SQL; the conformance suite proves the two
/// agree.
fn visible(q: &mut Sql, viewer: &Visibility) {
    q.push(" (NOT c.restricted OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.case_id AND a.username = ")
        .bind(Value::Text(viewer.username.clone()))
        .push(" AND (a.until IS NULL OR a.until >= ")
        .bind(viewer.today.to_value())
        .push(")))");
    if let Some(force) = viewer.force {
        q.push(" AND c.force = ").bind(force.to_value());
    }
    if viewer.publishable_only {
        q.push(" AND c.publishable");
    }
}

/// A category filter: one subcategory (`G2`) or a whole category letter (`G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryFilter {
    Code(CategoryCode),
    Letter(char),
}

impl CategoryFilter {
    pub fn parse(s: &str) -> Result<CategoryFilter, String> {
        let s = s.trim().to_ascii_uppercase();
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(letter), None)
                if probity_domain::category::SUBCATEGORIES
                    .iter()
                    .any(|c| c.code.starts_with(letter)) =>
            {
                Ok(CategoryFilter::Letter(letter))
            }
            _ => CategoryCode::parse(&s)
                .map(CategoryFilter::Code)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Filters for the case list. Every filter narrows; none widens what the viewer may see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    /// References that begin with this (upper case; letters, digits, `/` and `-` only).
    pub reference: Option<String>,
    pub mode: Option<probity_domain::referral::InvestigationMode>,
    pub force: Option<Force>,
    pub status: Option<Status>,
    pub category: Option<CategoryFilter>,
    pub service_number: Option<String>,
    /// Inclusive.
    pub received_from: Option<Date>,
    pub received_to: Option<Date>,
    /// Cases whose team includes this user.
    pub team_member: Option<String>,
    pub restricted: Option<bool>,
    pub offset: i64,
    pub limit: i64,
}

/// A reference prefix as a LIKE pattern: `None` unless it holds only the characters a
/// reference may, so the pattern has no wildcard but its own.
pub fn reference_prefix(typed: &str) -> Option<String> {
    let t = typed.trim().to_ascii_uppercase();
    (!t.is_empty()
        && t.len() <= 32
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-'))
    .then_some(t)
}

fn filters(q: &mut Sql, query: &CaseQuery) {
    match query.reference.as_deref().map(reference_prefix) {
        Some(Some(prefix)) => {
            q.push(" AND c.reference LIKE ")
                .bind(Value::Text(format!("{prefix}%")));
        }
        // No reference has such characters: nothing matches (callers refuse it first).
        Some(None) => {
            q.push(" AND 1 = 0");
        }
        None => {}
    }
    if let Some(m) = query.mode {
        q.push(" AND c.mode = ").bind(m.to_value());
    }
    if let Some(f) = query.force {
        q.push(" AND c.force = ").bind(f.to_value());
    }
    if let Some(s) = query.status {
        q.push(" AND c.status = ").bind(s.to_value());
    }
    match query.category {
        Some(CategoryFilter::Code(code)) => {
            q.push(" AND EXISTS (SELECT 1 FROM allegations al WHERE al.case_id = c.case_id AND al.category = ")
                .bind(code.to_value())
                .push(")");
        }
        Some(CategoryFilter::Letter(letter)) => {
            q.push(" AND EXISTS (SELECT 1 FROM allegations al WHERE al.case_id = c.case_id AND substr(al.category, 1, 1) = ")
                .bind(Value::Text(letter.to_string()))
                .push(")");
        }
        None => {}
    }
    if let Some(n) = &query.service_number {
        q.push(" AND EXISTS (SELECT 1 FROM subjects su WHERE su.case_id = c.case_id AND su.service_number = ")
            .bind(Value::Text(n.clone()))
            .push(")");
    }
    if let Some(from) = query.received_from {
        q.push(" AND c.received_on >= ").bind(from.to_value());
    }
    if let Some(to) = query.received_to {
        q.push(" AND c.received_on <= ").bind(to.to_value());
    }
    if let Some(member) = &query.team_member {
        q.push(" AND EXISTS (SELECT 1 FROM case_access t WHERE t.case_id = c.case_id AND t.until IS NULL AND t.username = ")
            .bind(Value::Text(member.clone()))
            .push(")");
    }
    if let Some(r) = query.restricted {
        q.push(" AND c.restricted = ").bind(Value::Bool(r));
    }
}

/// The case row of one case.
fn case_row_query(case_id: CaseId) -> Query {
    let mut q = Sql::new(format!(
        "SELECT {} FROM cases c WHERE c.case_id = ",
        CaseRow::TABLE.column_list(Some("c"))
    ));
    q.bind(case_id.to_value());
    Query {
        point: true,
        ..q.query(CaseRow::TABLE.types())
    }
}

/// The count of what matches, and one page of it, newest first: run together, in one snapshot.
fn list_cases_query(viewer: &Visibility, query: &CaseQuery) -> [Query; 2] {
    let mut count = Sql::new("SELECT COUNT(*) FROM cases c WHERE");
    visible(&mut count, viewer);
    filters(&mut count, query);
    let mut page = Sql::new(format!(
        "SELECT {} FROM cases c WHERE",
        CaseRow::TABLE.column_list(Some("c"))
    ));
    visible(&mut page, viewer);
    filters(&mut page, query);
    page.push(" ORDER BY c.received_on DESC, c.reference LIMIT ")
        .count(query.limit)
        .push(" OFFSET ")
        .count(query.offset);
    [
        count.query(vec![ColumnType::Int]),
        page.query(CaseRow::TABLE.types()),
    ]
}

/// Every allegation against the person with this force and service number, in the cases the
/// viewer may see.
fn subject_history_query(viewer: &Visibility, force: Force, service_number: &str) -> Query {
    let mut q = Sql::new(format!(
        "SELECT {}, su.party, f.allegation, al.category, f.determination, f.outcome
         FROM subjects su
         JOIN cases c ON c.case_id = su.case_id
         JOIN findings f ON f.case_id = su.case_id AND f.subject = su.party
         JOIN allegations al ON al.case_id = f.case_id AND al.allegation = f.allegation
         WHERE su.force = ",
        CaseRow::TABLE.column_list(Some("c"))
    ));
    q.bind(force.to_value())
        .push(" AND su.service_number = ")
        .bind(Value::Text(service_number.to_string()))
        .push(" AND");
    visible(&mut q, viewer);
    q.push(" ORDER BY c.received_on, c.reference, f.allegation");
    let mut columns = CaseRow::TABLE.types();
    columns.extend([
        ColumnType::Int,
        ColumnType::Int,
        ColumnType::Text,
        ColumnType::Text,
        ColumnType::Text,
    ]);
    q.query(columns)
}

/// How many rows the log, the personal data and each read model hold.
fn counts_query() -> Query {
    let tables: Vec<&str> = ["events", "personal_data"]
        .into_iter()
        .chain(READ_MODELS.iter().map(|m| m.table.name))
        .collect();
    let sql = format!(
        "SELECT {}",
        tables
            .iter()
            .map(|t| format!("(SELECT COUNT(*) FROM {t})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Sql::new(sql).query(vec![ColumnType::Int; tables.len()])
}

/// A page of results and the total matching count (within what the viewer may see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// One allegation against one person, for a subject's history across cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectHistoryRow {
    pub case: CaseRow,
    pub party: PartyId,
    pub allegation: AllegationId,
    pub category: CategoryCode,
    pub determination: Option<CaseToAnswer>,
    pub outcome: String,
}

fn corrupt(what: &str, e: String) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

impl SubjectHistoryRow {
    pub fn from_row(mut row: Row) -> Result<SubjectHistoryRow, StoreError> {
        let width = CaseRow::TABLE.columns.len();
        if row.len() != width + 5 {
            return Err(corrupt("a history row", format!("{} columns", row.len())));
        }
        let rest = row.split_off(width);
        let mut rest = rest.into_iter();
        let mut next = || rest.next().unwrap_or(Value::Null);
        Ok(SubjectHistoryRow {
            case: CaseRow::from_row(row)?,
            party: PartyId::from_value(next()).map_err(|e| corrupt("party", e))?,
            allegation: AllegationId::from_value(next()).map_err(|e| corrupt("allegation", e))?,
            category: CategoryCode::from_value(next()).map_err(|e| corrupt("category", e))?,
            determination: Option::<CaseToAnswer>::from_value(next())
                .map_err(|e| corrupt("determination", e))?,
            outcome: String::from_value(next()).map_err(|e| corrupt("outcome", e))?,
        })
    }
}

/// Counts of what the store holds, for checks after a rebuild or a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub events: i64,
    pub personal_data: i64,
    pub cases: i64,
    pub subjects: i64,
    pub allegations: i64,
    pub findings: i64,
    pub access: i64,
    pub duties: i64,
}

impl Counts {
    pub fn from_row(row: Row) -> Result<Counts, StoreError> {
        let n: Vec<i64> = row
            .into_iter()
            .map(|v| i64::from_value(v).map_err(|e| corrupt("a count", e)))
            .collect::<Result<_, _>>()?;
        let at = |table: &str| {
            READ_MODELS
                .iter()
                .position(|m| m.table.name == table)
                .and_then(|i| n.get(i + 2))
                .copied()
                .unwrap_or(0)
        };
        Ok(Counts {
            events: n.first().copied().unwrap_or(0),
            personal_data: n.get(1).copied().unwrap_or(0),
            cases: at("cases"),
            subjects: at("subjects"),
            allegations: at(AllegationRow::TABLE.name),
            findings: at("findings"),
            access: at("case_access"),
            duties: at("duties"),
        })
    }
}

/// The row of one case, if it exists.
pub async fn case_row<S: Tables + ?Sized>(
    store: &S,
    case_id: CaseId,
) -> Result<Option<CaseRow>, StoreError> {
    let rows = store.query(&[case_row_query(case_id)]).await?;
    rows.into_iter()
        .flatten()
        .next()
        .map(CaseRow::from_row)
        .transpose()
}

/// The version of one case, if it exists: the check a kept case file is served on, so the
/// lightest read there is.
pub async fn case_version<S: Tables + ?Sized>(
    store: &S,
    case_id: CaseId,
) -> Result<Option<u64>, StoreError> {
    let q = Query {
        sql: "SELECT version FROM cases WHERE case_id = $1".into(),
        binds: vec![case_id.to_value()],
        columns: vec![ColumnType::Int],
        point: true,
    };
    let rows = store.query(&[q]).await?;
    rows.into_iter()
        .flatten()
        .flatten()
        .next()
        .map(u64::from_value)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// The cases `viewer` may see that match `query`, a page of them and their number.
pub async fn list_cases<S: Tables + ?Sized>(
    store: &S,
    viewer: &Visibility,
    query: &CaseQuery,
) -> Result<Page<CaseRow>, StoreError> {
    let [count, page] = list_cases_query(viewer, query);
    let mut results = store.query(&[count, page]).await?.into_iter();
    let total = results
        .next()
        .and_then(|rows| rows.into_iter().next())
        .and_then(|row| row.into_iter().next())
        .map(i64::from_value)
        .transpose()
        .map_err(|e| corrupt("a count", e))?
        .unwrap_or(0);
    let items = results
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(CaseRow::from_row)
        .collect::<Result<_, _>>()?;
    Ok(Page { items, total })
}

/// Every allegation against one person, in the cases `viewer` may see.
pub async fn subject_history<S: Tables + ?Sized>(
    store: &S,
    viewer: &Visibility,
    force: Force,
    service_number: &str,
) -> Result<Vec<SubjectHistoryRow>, StoreError> {
    let rows = store
        .query(&[subject_history_query(viewer, force, service_number)])
        .await?;
    rows.into_iter()
        .flatten()
        .map(SubjectHistoryRow::from_row)
        .collect()
}

/// Every case that names this person as a subject, and their party there, whoever may see
/// it: for the statutory safeguards that depend on the person's record (a live final written
/// warning, PCR 2020 reg 23), never shown to a user as a list.
pub async fn subject_cases<S: Tables + ?Sized>(
    store: &S,
    force: Force,
    service_number: &str,
) -> Result<Vec<(Reference, PartyId)>, StoreError> {
    let mut q = Sql::new(
        "SELECT c.reference, su.party FROM subjects su JOIN cases c ON c.case_id = su.case_id
         WHERE su.force = "
            .to_string(),
    );
    q.bind(force.to_value())
        .push(" AND su.service_number = ")
        .bind(Value::Text(service_number.to_string()))
        .push(" ORDER BY c.reference, su.party");
    let rows = store
        .query(&[q.query(vec![ColumnType::Text, ColumnType::Int])])
        .await?;
    rows.into_iter()
        .flatten()
        .map(|row| {
            let mut row = row.into_iter();
            let reference = Reference::from_value(row.next().unwrap_or(Value::Null))
                .map_err(|e| corrupt("subjects", e))?;
            let party = PartyId::from_value(row.next().unwrap_or(Value::Null))
                .map_err(|e| corrupt("subjects", e))?;
            Ok((reference, party))
        })
        .collect()
}

/// How many rows the store holds.
pub async fn counts<S: Tables + ?Sized>(store: &S) -> Result<Counts, StoreError> {
    let rows = store.query(&[counts_query()]).await?;
    Counts::from_row(rows.into_iter().flatten().next().unwrap_or_default())
}

/// A search of the audit trail: each filter an exact match (the instants in Unix microseconds,
/// `from` inclusive, `to` exclusive). Newest first, `before` the cursor of the next page; or,
/// with `after`, oldest first from there (to follow the trail as it was written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<crate::Action>,
    pub target: Option<String>,
    pub outcome: Option<crate::Outcome>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only entries older than this sequence number.
    pub before: Option<i64>,
    /// Only entries newer than this sequence number, oldest first.
    pub after: Option<i64>,
    pub limit: i64,
}

fn audit_query(q: &AuditQuery) -> Query {
    let mut sql = Sql::new(
        "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash, wrote FROM audit WHERE 1 = 1",
    );
    if let Some(actor) = &q.actor {
        sql.push(" AND actor = ").bind(Value::Text(actor.clone()));
    }
    if let Some(action) = q.action {
        sql.push(" AND action = ")
            .bind(Value::Text(action.code().into_owned()));
    }
    if let Some(target) = &q.target {
        sql.push(" AND target = ").bind(Value::Text(target.clone()));
    }
    if let Some(outcome) = q.outcome {
        sql.push(" AND outcome = ")
            .bind(Value::Text(outcome.code().to_string()));
    }
    if let Some(from) = q.from {
        sql.push(" AND recorded_at >= ").bind(Value::Int(from));
    }
    if let Some(to) = q.to {
        sql.push(" AND recorded_at < ").bind(Value::Int(to));
    }
    if let Some(before) = q.before {
        sql.push(" AND seq < ").bind(Value::Int(before));
    }
    if let Some(after) = q.after {
        sql.push(" AND seq > ").bind(Value::Int(after));
        sql.push(" ORDER BY seq LIMIT ").count(q.limit);
    } else {
        sql.push(" ORDER BY seq DESC LIMIT ").count(q.limit);
    }
    use ColumnType::{Bytes, Int, Text};
    sql.query(vec![
        Int, Int, Text, Text, Text, Text, Text, Text, Text, Bytes, Bytes, Text,
    ])
}

/// The audit entries `q` asks for, newest first.
pub async fn audit_entries<S: Tables + ?Sized>(
    store: &S,
    q: &AuditQuery,
) -> Result<Vec<crate::AuditRecord>, StoreError> {
    let rows = store.query(&[audit_query(q)]).await?;
    rows.into_iter()
        .flatten()
        .map(|row| {
            let bad = |what: &str| corrupt("an audit entry", format!("not {what}"));
            let int = |i: usize| match row.get(i) {
                Some(Value::Int(n)) => Ok(*n),
                _ => Err(bad("a number")),
            };
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(t)) => Ok(t.as_str()),
                _ => Err(bad("a text")),
            };
            let hash = |i: usize| match row.get(i) {
                Some(Value::Bytes(b)) => crate::Hash::from_slice(b).ok_or_else(|| bad("a hash")),
                _ => Err(bad("a hash")),
            };
            crate::AuditLink {
                seq: int(0)?,
                recorded_at: int(1)?,
                actor: text(2)?,
                role: text(3)?,
                action: text(4)?,
                target: text(5)?,
                outcome: text(6)?,
                purpose: text(7)?,
                detail: text(8)?,
                prev_hash: hash(9)?,
                hash: hash(10)?,
                wrote: text(11)?,
            }
            .to_record()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_of_appearance() {
        let viewer = Visibility {
            username: "u".into(),
            force: Force::parse("kent").ok(),
            publishable_only: true,
            today: jiff::civil::date(2024, 1, 1),
        };
        let query = CaseQuery {
            category: Some(CategoryFilter::parse("g").unwrap()),
            restricted: Some(false),
            limit: 10,
            ..CaseQuery::default()
        };
        let [count, page] = list_cases_query(&viewer, &query);
        for q in [&count, &page] {
            let mut at = 0;
            for n in 1..=q.binds.len() {
                let found = q.sql[at..]
                    .find(&format!("${n}"))
                    .expect("each bind appears");
                at += found;
            }
            assert!(!q.sql.contains(&format!("${}", q.binds.len() + 1)));
        }
        assert_eq!(page.binds.len(), count.binds.len());
        assert!(page.sql.ends_with("LIMIT 10 OFFSET 0"), "{}", page.sql);
    }

    #[test]
    fn category_filters_are_a_code_or_a_letter() {
        assert_eq!(
            CategoryFilter::parse("g").unwrap(),
            CategoryFilter::Letter('G')
        );
        assert_eq!(
            CategoryFilter::parse("G2").unwrap(),
            CategoryFilter::Code(CategoryCode::parse("G2").unwrap())
        );
        assert!(CategoryFilter::parse("Z").is_err());
        assert!(CategoryFilter::parse("Z9").is_err());
    }
}

/// Whose duties a work queue lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkScope {
    /// The cases whose team includes the viewer.
    Mine,
    /// The duties the viewer's body must do, in the cases the viewer may see.
    Team,
    /// Both.
    #[default]
    All,
}

/// Filters for a work queue. Every filter narrows what the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkQuery {
    pub scope: WorkScope,
    /// The viewer's body: the team whose duties `Team` lists.
    pub body: probity_domain::Body,
    pub clock: Option<probity_domain::clock::ClockName>,
    pub force: Option<Force>,
    pub overdue_only: bool,
    /// The day overdue is judged on.
    pub today: Date,
    pub offset: i64,
    pub limit: i64,
    /// Counts stop after this many ([`WORK_COUNT_CAP`] unless a test wants fewer).
    pub count_cap: i64,
}

/// One duty in a work queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub reference: Reference,
    pub force: Force,
    pub status: Status,
    pub clock: probity_domain::clock::ClockName,
    pub about: String,
    pub period: u64,
    pub due: Option<Date>,
    pub owner: probity_domain::Body,
    pub paused: bool,
    /// The viewer is on the case's team.
    pub mine: bool,
}

/// A work queue counts its duties up to here and then says "this many or more": counting a
/// whole body's duties on every read would cost more than the page itself.
pub const WORK_COUNT_CAP: i64 = 1000;

/// One part of a queue: the duties the viewer's body owns, or those of the cases on the
/// viewer's team (without the body's own when both are listed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Team,
    Mine { not_team: bool },
}

fn parts(scope: WorkScope) -> &'static [Part] {
    match scope {
        WorkScope::Team => &[Part::Team],
        WorkScope::Mine => &[Part::Mine { not_team: false }],
        WorkScope::All => &[Part::Team, Part::Mine { not_team: true }],
    }
}

/// ` FROM duties d WHERE ...` for one part: need-to-know and force scoping as `visible` does
/// for `cases`, on the duties' own columns, so the query reads one index in due order.
fn part_filters(q: &mut Sql, viewer: &Visibility, query: &WorkQuery, part: Part, overdue: bool) {
    q.push(" FROM duties d WHERE (NOT d.restricted OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = d.case_id AND a.username = ")
        .bind(Value::Text(viewer.username.clone()))
        .push(" AND (a.until IS NULL OR a.until >= ")
        .bind(viewer.today.to_value())
        .push(")))");
    if let Some(force) = viewer.force {
        q.push(" AND d.force = ").bind(force.to_value());
    }
    if viewer.publishable_only {
        q.push(" AND EXISTS (SELECT 1 FROM cases p WHERE p.case_id = d.case_id AND p.publishable)");
    }
    match part {
        Part::Team => {
            q.push(" AND d.owner = ").bind(query.body.to_value());
        }
        Part::Mine { not_team } => {
            q.push(" AND d.case_id IN (SELECT t.case_id FROM case_access t WHERE t.until IS NULL AND t.username = ")
                .bind(Value::Text(viewer.username.clone()))
                .push(")");
            if not_team {
                q.push(" AND d.owner <> ").bind(query.body.to_value());
            }
        }
    }
    if let Some(clock) = query.clock {
        q.push(" AND d.clock = ").bind(clock.to_value());
    }
    if let Some(force) = query.force {
        q.push(" AND d.force = ").bind(force.to_value());
    }
    if overdue || query.overdue_only {
        q.push(" AND (d.due IS NULL OR d.due < ")
            .bind(query.today.to_value())
            .push(") AND NOT d.paused");
    }
}

const DUE_ORDER: &str = " ORDER BY d.due NULLS FIRST, d.case_id, d.clock, d.about, d.period";

/// The counts of duties that match and of those overdue (each up to the cap and one more),
/// and one page of them, next due first (those that cannot be counted before all): each part
/// read in due order from its index, at most as far as the page reaches.
fn work_query(viewer: &Visibility, query: &WorkQuery) -> [Query; 2] {
    let mut count = Sql::new("SELECT ");
    for (n, overdue) in [false, true].into_iter().enumerate() {
        if n > 0 {
            count.push(", ");
        }
        for (i, part) in parts(query.scope).iter().enumerate() {
            if i > 0 {
                count.push(" + ");
            }
            count.push("(SELECT COUNT(*) FROM (SELECT 1");
            part_filters(&mut count, viewer, query, *part, overdue);
            count
                .push(" LIMIT ")
                .count(query.count_cap + 1)
                .push(&format!(") c{n}{i})"));
        }
    }
    let reach = query.offset.saturating_add(query.limit);
    // The page joins nothing: the duties carry what it shows, and "mine" is one lookup of the
    // viewer's team, not one per row.
    let mut page = Sql::new(
        "SELECT w.reference, w.force, w.status, w.clock, w.about, w.period, w.due, w.owner, w.paused, ",
    );
    page.push("CASE WHEN w.case_id IN (SELECT m.case_id FROM case_access m WHERE m.until IS NULL AND m.username = ")
        .bind(Value::Text(viewer.username.clone()))
        .push(") THEN TRUE ELSE FALSE END FROM (");
    for (i, part) in parts(query.scope).iter().enumerate() {
        if i > 0 {
            page.push(" UNION ALL ");
        }
        page.push("SELECT * FROM (SELECT d.case_id, d.reference, d.force, d.status, d.clock, d.about, d.period, d.due, d.owner, d.paused");
        part_filters(&mut page, viewer, query, *part, false);
        page.push(DUE_ORDER)
            .push(" LIMIT ")
            .count(reach)
            .push(&format!(") p{i}"));
    }
    page.push(") w ORDER BY w.due NULLS FIRST, w.case_id, w.clock, w.about, w.period LIMIT ")
        .count(query.limit)
        .push(" OFFSET ")
        .count(query.offset);
    use ColumnType::{Bool, Int, Text};
    [
        count.query(vec![Int, Int]),
        page.query(vec![
            Text, Text, Text, Text, Text, Int, Text, Text, Bool, Bool,
        ]),
    ]
}

/// A page of a work queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPage {
    pub items: Vec<WorkItem>,
    /// How many match, up to [`WORK_COUNT_CAP`]; `total_more` when there are more.
    pub total: i64,
    pub total_more: bool,
    /// How many of them are overdue, up to the cap; `overdue_more` when there are more.
    pub overdue: i64,
    pub overdue_more: bool,
}

pub async fn work<S: Tables + ?Sized>(
    store: &S,
    viewer: &Visibility,
    query: &WorkQuery,
) -> Result<WorkPage, StoreError> {
    let mut results = store.query(&work_query(viewer, query)).await?.into_iter();
    let counts: Vec<i64> = results
        .next()
        .and_then(|rows| rows.into_iter().next())
        .unwrap_or_default()
        .into_iter()
        .map(|v| i64::from_value(v).map_err(|e| corrupt("a count", e)))
        .collect::<Result<_, _>>()?;
    let items = results
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(|row| {
            let mut v = row.into_iter();
            let mut next = || v.next().unwrap_or(Value::Null);
            let bad = |e| corrupt("a work item", e);
            Ok(WorkItem {
                reference: Reference::from_value(next()).map_err(bad)?,
                force: Force::from_value(next()).map_err(bad)?,
                status: Status::from_value(next()).map_err(bad)?,
                clock: ColumnValue::from_value(next()).map_err(bad)?,
                about: String::from_value(next()).map_err(bad)?,
                period: u64::from_value(next()).map_err(bad)?,
                due: Option::<Date>::from_value(next()).map_err(bad)?,
                owner: ColumnValue::from_value(next()).map_err(bad)?,
                paused: bool::from_value(next()).map_err(bad)?,
                mine: bool::from_value(next()).map_err(bad)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let capped = |n: i64| (n.min(query.count_cap), n > query.count_cap);
    let (total, total_more) = capped(counts.first().copied().unwrap_or(0));
    let (overdue, overdue_more) = capped(counts.get(1).copied().unwrap_or(0));
    Ok(WorkPage {
        items,
        total,
        total_more,
        overdue,
        overdue_more,
    })
}

/// One line of the overdue report: a force, the body whose duty it is, and a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueLine {
    pub force: Force,
    pub owner: probity_domain::Body,
    pub clock: probity_domain::clock::ClockName,
    pub overdue: i64,
    /// The longest overdue: its due day.
    pub oldest_due: Option<Date>,
    /// Duties whose due day is beyond the bank-holiday data.
    pub uncounted: i64,
}

/// Duties overdue on `today` (and those that cannot be counted) per force, team and clock, in
/// the cases `viewer` may see. Paused duties are not overdue.
pub async fn overdue_report<S: Tables + ?Sized>(
    store: &S,
    viewer: &Visibility,
    today: Date,
) -> Result<Vec<OverdueLine>, StoreError> {
    let mut q = Sql::new(
        "SELECT c.force, d.owner, d.clock, CAST(COALESCE(SUM(CASE WHEN d.due IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), MIN(d.due), CAST(COALESCE(SUM(CASE WHEN d.due IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) FROM duties d JOIN cases c ON c.case_id = d.case_id WHERE",
    );
    visible(&mut q, viewer);
    q.push(" AND NOT d.paused AND (d.due IS NULL OR d.due < ")
        .bind(today.to_value())
        .push(") GROUP BY c.force, d.owner, d.clock ORDER BY c.force, d.owner, d.clock");
    use ColumnType::{Int, Text};
    let rows = store
        .query(&[q.query(vec![Text, Text, Text, Int, Text, Int])])
        .await?;
    rows.into_iter()
        .flatten()
        .map(|row| {
            let mut v = row.into_iter();
            let mut next = || v.next().unwrap_or(Value::Null);
            let bad = |e| corrupt("an overdue line", e);
            Ok(OverdueLine {
                force: Force::from_value(next()).map_err(bad)?,
                owner: ColumnValue::from_value(next()).map_err(bad)?,
                clock: ColumnValue::from_value(next()).map_err(bad)?,
                overdue: i64::from_value(next()).map_err(bad)?,
                oldest_due: Option::<Date>::from_value(next()).map_err(bad)?,
                uncounted: i64::from_value(next()).map_err(bad)?,
            })
        })
        .collect()
}

/// Which allegations statistics count: received from and to (inclusive), of one body (a
/// force's code or another body's), from one source (`probity` or an importer's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub body: Option<String>,
    pub source: Option<String>,
}

/// The cases and allegation facts `filter` admits, read in one snapshot.
pub async fn statistics_facts<S: Tables + ?Sized>(
    store: &S,
    filter: &FactFilter,
) -> Result<
    (
        Vec<crate::projection::CaseFactRow>,
        Vec<crate::projection::AllegationFactRow>,
    ),
    StoreError,
> {
    use crate::projection::{AllegationFactRow as A, CaseFactRow as C};
    // In table order: statistics need none.
    let select = |table: &crate::read_model::Table| {
        let mut q = Sql::new(format!(
            "SELECT {} FROM {} WHERE 1 = 1",
            table.column_list(None),
            table.name
        ));
        if let Some(from) = filter.from {
            q.push(" AND received_on >= ").bind(from.to_value());
        }
        if let Some(to) = filter.to {
            q.push(" AND received_on <= ").bind(to.to_value());
        }
        if let Some(body) = &filter.body {
            q.push(" AND body = ").bind(Value::Text(body.clone()));
        }
        if let Some(source) = &filter.source {
            q.push(" AND source = ").bind(Value::Text(source.clone()));
        }
        q.query(table.types())
    };
    let mut rows = store
        .query(&[select(&C::TABLE), select(&A::TABLE)])
        .await?
        .into_iter();
    let cases = rows.next().unwrap_or_default();
    let facts = rows.next().unwrap_or_default();
    Ok((
        cases
            .into_iter()
            .map(C::from_row)
            .collect::<Result<_, _>>()?,
        facts
            .into_iter()
            .map(A::from_row)
            .collect::<Result<_, _>>()?,
    ))
}
