//! The published-items port ([`probity_published::PublishedItems`]) over the published read
//! models: the only SQL the public side can run, each statement over `published_items`,
//! `published_themes` and `published_recommendations` alone, within the day's window (and,
//! for the search index's feed, the log's positions and case ids, never a payload). Words
//! are searched with the database's own full-text search (SQLite FTS5 ranked by bm25, with
//! weights title 10, themes 4, summary 1; PostgreSQL text search ranked by `ts_rank` with the
//! same weights and its length normalisation, rank / (1 + log length), the nearest it has to
//! bm25's), which is the one place the two dialects differ: the best answers agree, the
//! order of the middling ones may not.

use std::sync::Arc;

use jiff::civil::Date;
use probity_published::query::PAGE_SIZE;
use probity_published::{
    Acceptance, Correction, Count, Facets, ForceName, Hit, Item, Kind, PublishedItems,
    Recommendation, RecommendationStatus, Register, RegisterQuery, Response, Results, Search,
    Snippet, Unavailable, Window,
};

use crate::query::Sql;
use crate::read_model::ColumnType;
use crate::{Dialect, Row, StoreError, Tables, Value};

/// The markers the databases put around a matched word in a snippet (never in stored text:
/// control characters are not kept in a summary).
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';
/// Characters of a summary shown when no words were searched for.
const LEAD: usize = 240;

/// The public side's view of a store.
pub struct Shelf<T: ?Sized> {
    tables: Arc<T>,
}

impl<T: Tables + ?Sized> Shelf<T> {
    pub fn new(tables: Arc<T>) -> Shelf<T> {
        Shelf { tables }
    }

    async fn read(&self, queries: Vec<crate::Query>) -> Result<Vec<Vec<Row>>, Unavailable> {
        self.tables.query(&queries).await.map_err(unavailable)
    }
}

fn unavailable(e: StoreError) -> Unavailable {
    Unavailable(e.to_string())
}

fn corrupt(what: &str) -> Unavailable {
    Unavailable(format!("a published row does not read back ({what})"))
}

/// Reads the columns of a row in order.
struct Columns(std::vec::IntoIter<Value>);

impl Columns {
    fn text(&mut self) -> Result<String, Unavailable> {
        match self.0.next() {
            Some(Value::Text(s)) => Ok(s),
            _ => Err(corrupt("text")),
        }
    }
    fn optional(&mut self) -> Result<Option<String>, Unavailable> {
        match self.0.next() {
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(Value::Null) => Ok(None),
            _ => Err(corrupt("text or nothing")),
        }
    }
    fn int(&mut self) -> Result<i64, Unavailable> {
        match self.0.next() {
            Some(Value::Int(i)) => Ok(i),
            _ => Err(corrupt("integer")),
        }
    }
    fn date(&mut self) -> Result<Date, Unavailable> {
        self.text()?.parse().map_err(|_| corrupt("date"))
    }
    fn optional_date(&mut self) -> Result<Option<Date>, Unavailable> {
        self.optional()?
            .map(|s| s.parse().map_err(|_| corrupt("date")))
            .transpose()
    }
    fn kind(&mut self) -> Result<Kind, Unavailable> {
        Kind::parse(&self.text()?).ok_or_else(|| corrupt("kind"))
    }
}

fn columns(row: Row) -> Columns {
    Columns(row.into_iter())
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The start of a summary, cut at a word: what a result shows when no words were asked.
pub fn lead(summary: &str) -> Snippet {
    if summary.chars().count() <= LEAD {
        return Snippet {
            text: summary.to_string(),
            marks: Vec::new(),
        };
    }
    let cut: String = summary.chars().take(LEAD).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .trim_end();
    Snippet {
        text: format!("{cut}…"),
        marks: Vec::new(),
    }
}

/// The FTS5 query for the words: each quoted, all required. The words are letters and
/// digits only (`probity_published::terms`), so nothing in them is FTS5 syntax.
fn fts5(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `FROM … WHERE` the items the search's words match (all items without words), in the window.
fn items_from(sql: &mut Sql, dialect: Dialect, terms: &[String], themes: bool, window: Window) {
    let join = if themes {
        " JOIN published_themes t ON t.case_id = p.case_id"
    } else {
        ""
    };
    match (dialect, terms.is_empty()) {
        (_, true) => {
            sql.push(&format!(" FROM published_items p{join} WHERE 1 = 1"));
        }
        (Dialect::Sqlite, false) => {
            sql.push(&format!(
                " FROM published_search JOIN published_items p ON p.rowid = published_search.rowid{join} WHERE published_search MATCH "
            ))
            .bind(Value::Text(fts5(terms)));
        }
        (Dialect::Postgres, false) => {
            sql.push(&format!(
                " FROM published_items p{join} WHERE p.search @@ plainto_tsquery('english', "
            ))
            .bind(Value::Text(terms.join(" ")))
            .push(")");
        }
    }
    sql.push(" AND p.retained_from > ")
        .bind(Value::Text(window.since.to_string()))
        .push(" AND p.published_on <= ")
        .bind(Value::Text(window.today.to_string()));
}

fn filters(sql: &mut Sql, search: &Search) {
    if let Some(f) = &search.force {
        sql.push(" AND p.force = ").bind(Value::Text(f.clone()));
    }
    if let Some(k) = search.kind {
        sql.push(" AND p.kind = ")
            .bind(Value::Text(k.code().to_string()));
    }
    if let Some(y) = search.year {
        sql.push(" AND p.year = ").bind(Value::Int(i64::from(y)));
    }
    if let Some(t) = &search.theme {
        sql.push(" AND EXISTS (SELECT 1 FROM published_themes f WHERE f.case_id = p.case_id AND f.theme = ")
            .bind(Value::Text(t.clone()))
            .push(")");
    }
}

/// A query over the matched items: `select` then the search's FROM and WHERE, then `tail`.
fn over_matches(
    dialect: Dialect,
    search: &Search,
    window: Window,
    select: &str,
    themes: bool,
    tail: &str,
    columns: Vec<ColumnType>,
) -> crate::Query {
    let mut sql = Sql::new(select);
    items_from(&mut sql, dialect, &search.terms, themes, window);
    filters(&mut sql, search);
    sql.push(tail);
    sql.query(columns)
}

/// The page of results: best first when words were given (unless newest first is asked for),
/// each with its snippet (the start of the summary when no words were given).
fn page_query(dialect: Dialect, search: &Search, window: Window) -> crate::Query {
    let words = Value::Text(search.terms.join(" "));
    let mut sql = Sql::new(
        "SELECT p.reference, p.kind, p.title, p.force, p.force_name, p.themes, p.published_on, ",
    );
    match (dialect, search.terms.is_empty()) {
        (_, true) => sql.push("p.summary"),
        (Dialect::Sqlite, false) => {
            sql.push("snippet(published_search, 2, char(2), char(3), '…', 40)")
        }
        (Dialect::Postgres, false) => sql
            .push("ts_headline('english', p.summary, plainto_tsquery('english', ")
            .bind(words.clone())
            .push("), 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"')"),
    };
    items_from(&mut sql, dialect, &search.terms, false, window);
    filters(&mut sql, search);
    match (dialect, search.terms.is_empty() || search.newest) {
        (_, true) => sql.push(" ORDER BY p.published_on DESC, p.reference"),
        (Dialect::Sqlite, false) => {
            sql.push(" ORDER BY published_search.rank, p.published_on DESC, p.reference")
        }
        (Dialect::Postgres, false) => sql
            .push(" ORDER BY ts_rank('{0.1, 0.1, 0.4, 1.0}', p.search, plainto_tsquery('english', ")
            .bind(words)
            .push("), 1) DESC, p.published_on DESC, p.reference"),
    };
    sql.push(" LIMIT ")
        .count(i64::from(PAGE_SIZE))
        .push(" OFFSET ")
        .count(i64::from(search.offset()));
    use ColumnType::Text;
    sql.query(vec![Text, Text, Text, Text, Text, Text, Text, Text])
}

const ITEM_COLUMNS: &str = "p.reference, p.kind, p.title, p.summary, p.force, p.force_name, p.themes, p.incident_month, p.published_on, p.version, p.corrections, p.source";

fn item_types() -> Vec<ColumnType> {
    use ColumnType::{Int, Text};
    vec![
        Text, Text, Text, Text, Text, Text, Text, Text, Text, Int, Text, Text,
    ]
}

fn item(row: Row) -> Result<Item, Unavailable> {
    let mut c = columns(row);
    let reference = c.text()?;
    let kind = c.kind()?;
    let (title, summary) = (c.text()?, c.text()?);
    let force = ForceName {
        code: c.text()?,
        name: c.text()?,
    };
    let themes = lines(&c.text()?);
    let incident_month = c.optional()?;
    let published_on = c.date()?;
    let version = u32::try_from(c.int()?).map_err(|_| corrupt("version"))?;
    let corrections: Vec<Correction> =
        serde_json_corrections(&c.text()?).ok_or_else(|| corrupt("corrections"))?;
    let source = c.optional()?;
    Ok(Item {
        reference,
        kind,
        title,
        summary,
        force,
        themes,
        incident_month,
        published_on,
        version,
        corrections,
        recommendations: Vec::new(),
        source,
    })
}

fn serde_json_corrections(json: &str) -> Option<Vec<Correction>> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.as_array()?
        .iter()
        .map(|c| {
            Some(Correction {
                published_on: c.get("published_on")?.as_str()?.parse().ok()?,
                note: c.get("note")?.as_str()?.to_string(),
            })
        })
        .collect()
}

const RECOMMENDATION_COLUMNS: &str = "r.reference, r.number, r.recipient, r.text, r.force, r.force_name, r.made_on, r.response_due, r.acceptance, r.response, r.responded_on, r.closed_on, r.published_on, coalesce(p.themes, '')";

fn recommendation_types() -> Vec<ColumnType> {
    use ColumnType::{Int, Text};
    vec![
        Text, Int, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text,
    ]
}

fn recommendation(row: Row, today: Date) -> Result<Recommendation, Unavailable> {
    let mut c = columns(row);
    let item = c.text()?;
    let number = c.int()?;
    let (recipient, text) = (c.text()?, c.text()?);
    let force = ForceName {
        code: c.text()?,
        name: c.text()?,
    };
    let (made_on, response_due) = (c.date()?, c.date()?);
    let acceptance = c.optional()?;
    let response_text = c.optional()?;
    let responded_on = c.optional_date()?;
    let closed_on = c.optional_date()?;
    let published_on = c.date()?;
    let themes = lines(&c.text()?);
    let response = match acceptance {
        Some(a) => Some(Response {
            acceptance: Acceptance::parse(&a).ok_or_else(|| corrupt("acceptance"))?,
            text: response_text.unwrap_or_default(),
            published_on: responded_on,
        }),
        None => None,
    };
    Ok(Recommendation {
        reference: format!("{item}-R{number}"),
        item,
        recipient,
        force,
        text,
        made_on,
        response_due,
        status: RecommendationStatus::on(
            today,
            response_due,
            response.is_some(),
            closed_on.is_some(),
        ),
        response,
        published_on,
        themes,
    })
}

fn recommendations_from(sql: &mut Sql, dialect: Dialect, terms: &[String], window: Window) {
    let join = " LEFT JOIN published_items p ON p.case_id = r.case_id";
    match (dialect, terms.is_empty()) {
        (_, true) => {
            sql.push(&format!(
                " FROM published_recommendations r{join} WHERE 1 = 1"
            ));
        }
        (Dialect::Sqlite, false) => {
            sql.push(&format!(
                " FROM published_recommendation_search JOIN published_recommendations r ON r.rowid = published_recommendation_search.rowid{join} WHERE published_recommendation_search MATCH "
            ))
            .bind(Value::Text(fts5(terms)));
        }
        (Dialect::Postgres, false) => {
            sql.push(&format!(" FROM published_recommendations r{join} WHERE r.search @@ plainto_tsquery('english', "))
                .bind(Value::Text(terms.join(" ")))
                .push(")");
        }
    }
    sql.push(" AND r.retained_from > ")
        .bind(Value::Text(window.since.to_string()))
        .push(" AND r.published_on <= ")
        .bind(Value::Text(window.today.to_string()));
}

/// The condition for a status on `today`, as [`RecommendationStatus::on`] decides it.
fn status_condition(sql: &mut Sql, status: RecommendationStatus, today: Date) {
    match status {
        RecommendationStatus::Closed => {
            sql.push(" AND r.closed_on IS NOT NULL");
        }
        RecommendationStatus::Responded => {
            sql.push(" AND r.closed_on IS NULL AND r.acceptance IS NOT NULL");
        }
        RecommendationStatus::Overdue => {
            sql.push(" AND r.closed_on IS NULL AND r.acceptance IS NULL AND r.response_due < ")
                .bind(Value::Text(today.to_string()));
        }
        RecommendationStatus::AwaitingResponse => {
            sql.push(" AND r.closed_on IS NULL AND r.acceptance IS NULL AND r.response_due >= ")
                .bind(Value::Text(today.to_string()));
        }
    }
}

fn register_filters(sql: &mut Sql, q: &RegisterQuery, with_status: bool, today: Date) {
    if let Some(f) = &q.force {
        sql.push(" AND r.force = ").bind(Value::Text(f.clone()));
    }
    if let Some(y) = q.year {
        sql.push(" AND r.made_on >= ")
            .bind(Value::Text(format!("{y:04}-01-01")))
            .push(" AND r.made_on <= ")
            .bind(Value::Text(format!("{y:04}-12-31")));
    }
    if with_status && let Some(s) = q.status {
        status_condition(sql, s, today);
    }
}

fn count(v: Value) -> Result<u64, Unavailable> {
    match v {
        Value::Int(n) => u64::try_from(n).map_err(|_| corrupt("count")),
        _ => Err(corrupt("count")),
    }
}

#[async_trait::async_trait]
impl<T: Tables + ?Sized + 'static> PublishedItems for Shelf<T> {
    async fn search(&self, search: &Search, window: Window) -> Result<Results, Unavailable> {
        use ColumnType::{Int, Text};
        let dialect = self.tables.dialect();
        let words = !search.terms.is_empty();
        let page = page_query(dialect, search, window);
        let queries = vec![
            page,
            over_matches(
                dialect,
                search,
                window,
                "SELECT p.kind, count(*)",
                false,
                " GROUP BY p.kind ORDER BY p.kind",
                vec![Text, Int],
            ),
            over_matches(
                dialect,
                search,
                window,
                "SELECT p.force, p.force_name, count(*)",
                false,
                " GROUP BY p.force, p.force_name ORDER BY count(*) DESC, p.force_name",
                vec![Text, Text, Int],
            ),
            over_matches(
                dialect,
                search,
                window,
                "SELECT p.year, count(*)",
                false,
                " GROUP BY p.year ORDER BY p.year DESC",
                vec![Int, Int],
            ),
            over_matches(
                dialect,
                search,
                window,
                "SELECT t.theme, count(*)",
                true,
                " GROUP BY t.theme ORDER BY count(*) DESC, t.theme LIMIT 40",
                vec![Text, Int],
            ),
        ];
        let mut answers = self.read(queries).await?.into_iter();
        let mut next = || answers.next().ok_or_else(|| corrupt("answers"));
        let (page, kinds, forces, years, themes) = (next()?, next()?, next()?, next()?, next()?);
        let hits = page
            .into_iter()
            .map(|row| {
                let mut c = columns(row);
                let reference = c.text()?;
                let kind = c.kind()?;
                let title = c.text()?;
                let force = ForceName {
                    code: c.text()?,
                    name: c.text()?,
                };
                let themes = lines(&c.text()?);
                let published_on = c.date()?;
                let text = c.text()?;
                let snippet = if words {
                    Snippet::from_marked(&text, OPEN, CLOSE)
                } else {
                    lead(&text)
                };
                Ok(Hit {
                    reference,
                    kind,
                    title,
                    force,
                    themes,
                    published_on,
                    snippet,
                })
            })
            .collect::<Result<Vec<_>, Unavailable>>()?;
        let mut facets = Facets::default();
        for row in kinds {
            let mut c = columns(row);
            let kind = c.kind()?;
            facets.kind.push(Count {
                value: kind.code().to_string(),
                label: kind.label().to_string(),
                count: count(c.0.next().unwrap_or(Value::Null))?,
            });
        }
        for row in forces {
            let mut c = columns(row);
            let (value, label) = (c.text()?, c.text()?);
            facets.force.push(Count {
                value,
                label,
                count: count(c.0.next().unwrap_or(Value::Null))?,
            });
        }
        for row in years {
            let mut c = columns(row);
            let year = i32::try_from(c.int()?).map_err(|_| corrupt("year"))?;
            facets.year.push(Count {
                value: year.to_string(),
                label: year.to_string(),
                count: count(c.0.next().unwrap_or(Value::Null))?,
            });
        }
        for row in themes {
            let mut c = columns(row);
            let theme = c.text()?;
            facets.theme.push(Count {
                value: theme.clone(),
                label: theme,
                count: count(c.0.next().unwrap_or(Value::Null))?,
            });
        }
        let total = facets.kind.iter().map(|c| c.count).sum();
        Ok(Results {
            hits,
            total,
            facets,
        })
    }

    async fn item(&self, reference: &str, window: Window) -> Result<Option<Item>, Unavailable> {
        let mut first = Sql::new(format!("SELECT {ITEM_COLUMNS}"));
        items_from(&mut first, self.tables.dialect(), &[], false, window);
        first
            .push(" AND p.reference = ")
            .bind(Value::Text(reference.to_string()))
            .push(" ORDER BY p.published_on, p.case_id LIMIT 1");
        let mut recs = Sql::new(format!("SELECT {RECOMMENDATION_COLUMNS}"));
        recommendations_from(&mut recs, self.tables.dialect(), &[], window);
        recs.push(" AND r.reference = ")
            .bind(Value::Text(reference.to_string()))
            .push(" ORDER BY r.number");
        let mut answers = self
            .read(vec![
                first.query(item_types()),
                recs.query(recommendation_types()),
            ])
            .await?
            .into_iter();
        let (items, recs) = (
            answers.next().unwrap_or_default(),
            answers.next().unwrap_or_default(),
        );
        let Some(row) = items.into_iter().next() else {
            return Ok(None);
        };
        let mut found = item(row)?;
        found.recommendations = recs
            .into_iter()
            .map(|r| recommendation(r, window.today))
            .collect::<Result<_, _>>()?;
        Ok(Some(found))
    }

    async fn register(&self, q: &RegisterQuery, window: Window) -> Result<Register, Unavailable> {
        use ColumnType::{Int, Text};
        let dialect = self.tables.dialect();
        let mut page = Sql::new(format!("SELECT {RECOMMENDATION_COLUMNS}"));
        recommendations_from(&mut page, dialect, &q.terms, window);
        register_filters(&mut page, q, true, window.today);
        page.push(" ORDER BY r.made_on DESC, r.reference, r.number LIMIT ")
            .count(i64::from(PAGE_SIZE))
            .push(" OFFSET ")
            .count(i64::from(q.offset()));
        // Counts by status, under every filter but the status itself.
        let mut by_status = Sql::new(
            "SELECT CASE WHEN r.closed_on IS NOT NULL THEN 'closed' WHEN r.acceptance IS NOT NULL THEN 'responded' WHEN r.response_due < ",
        );
        by_status
            .bind(Value::Text(window.today.to_string()))
            .push(" THEN 'overdue' ELSE 'awaiting_response' END AS status, count(*)");
        recommendations_from(&mut by_status, dialect, &q.terms, window);
        register_filters(&mut by_status, q, false, window.today);
        by_status.push(" GROUP BY 1 ORDER BY 1");
        let mut answers = self
            .read(vec![
                page.query(recommendation_types()),
                by_status.query(vec![Text, Int]),
            ])
            .await?
            .into_iter();
        let (rows, statuses) = (
            answers.next().unwrap_or_default(),
            answers.next().unwrap_or_default(),
        );
        let recommendations = rows
            .into_iter()
            .map(|r| recommendation(r, window.today))
            .collect::<Result<Vec<_>, _>>()?;
        let mut counts = Vec::new();
        for row in statuses {
            let mut c = columns(row);
            let status =
                RecommendationStatus::parse(&c.text()?).ok_or_else(|| corrupt("status"))?;
            counts.push((status, count(c.0.next().unwrap_or(Value::Null))?));
        }
        counts.sort();
        let total = match q.status {
            Some(s) => counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n),
            None => counts.iter().map(|(_, n)| n).sum(),
        };
        let by_status = counts
            .into_iter()
            .map(|(s, n)| Count {
                value: s.code().to_string(),
                label: s.label().to_string(),
                count: n,
            })
            .collect();
        Ok(Register {
            recommendations,
            total,
            by_status,
        })
    }

    async fn everything(
        &self,
        after: Option<&str>,
        limit: u32,
        window: Window,
    ) -> Result<Vec<Item>, Unavailable> {
        let dialect = self.tables.dialect();
        let page = |select: &str| {
            let mut sql = Sql::new(select);
            items_from(&mut sql, dialect, &[], false, window);
            if let Some(a) = after {
                sql.push(" AND p.reference > ")
                    .bind(Value::Text(a.to_string()));
            }
            sql.push(" ORDER BY p.reference LIMIT ")
                .count(i64::from(limit.clamp(1, 10_000)));
            sql
        };
        let items = page(&format!("SELECT {ITEM_COLUMNS}"));
        let mut recs = Sql::new(format!("SELECT {RECOMMENDATION_COLUMNS}"));
        recommendations_from(&mut recs, self.tables.dialect(), &[], window);
        // The same page of references, as a subquery: binds renumbered after the first ones.
        let inner = page("SELECT p.reference");
        let offset = recs.binds_len();
        recs.push(" AND r.reference IN (")
            .push(&renumber(inner.text(), offset))
            .extend(inner.into_binds())
            .push(") ORDER BY r.reference, r.number");
        let mut answers = self
            .read(vec![
                items.query(item_types()),
                recs.query(recommendation_types()),
            ])
            .await?
            .into_iter();
        let (rows, recs) = (
            answers.next().unwrap_or_default(),
            answers.next().unwrap_or_default(),
        );
        let mut items = rows.into_iter().map(item).collect::<Result<Vec<_>, _>>()?;
        let mut recs = recs
            .into_iter()
            .map(|r| recommendation(r, window.today))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .peekable();
        for i in &mut items {
            while let Some(r) = recs.next_if(|r| r.item <= i.reference) {
                if r.item == i.reference {
                    i.recommendations.push(r);
                }
            }
        }
        Ok(items)
    }
}

/// `$n` placeholders of `sql` moved up by `by`, for a query nested in another.
fn renumber(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = String::new();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                n.push(d);
            }
            out.push_str(&format!("${}", n.parse::<usize>().unwrap_or(0) + by));
        } else {
            out.push(c);
        }
    }
    out
}

/// A published item as a search index holds it: what is searched, shown in a hit, filtered
/// and counted by, and the days that decide whether it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub case_id: String,
    pub reference: String,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub force: ForceName,
    pub themes: Vec<String>,
    pub published_on: Date,
    pub retained_from: Date,
}

const INDEX_COLUMNS: &str = "p.case_id, p.reference, p.kind, p.title, p.summary, p.force, p.force_name, p.themes, p.published_on, p.retained_from FROM published_items p";

fn index_row(row: Row) -> Result<IndexRow, Unavailable> {
    let mut c = columns(row);
    Ok(IndexRow {
        case_id: c.text()?,
        reference: c.text()?,
        kind: c.kind()?,
        title: c.text()?,
        summary: c.text()?,
        force: ForceName {
            code: c.text()?,
            name: c.text()?,
        },
        themes: lines(&c.text()?),
        published_on: c.date()?,
        retained_from: c.date()?,
    })
}

/// The feed a search index is kept by: every published row (scheduled and past its retention
/// too: the window is the query's), in pages, and which cases changed since a position of the
/// log. The log is read for positions and case ids only, never a payload.
impl<T: Tables + ?Sized> Shelf<T> {
    /// Up to `limit` published rows after the case id `after`, in case-id order.
    pub async fn index_rows(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<IndexRow>, Unavailable> {
        let mut sql = Sql::new(format!("SELECT {INDEX_COLUMNS} WHERE p.case_id > "));
        sql.bind(Value::Text(after.unwrap_or("").to_string()))
            .push(" ORDER BY p.case_id LIMIT ")
            .count(i64::from(limit));
        self.index_query(sql).await
    }

    /// The published rows of these cases (none for a case with nothing published).
    pub async fn index_rows_of(&self, case_ids: &[String]) -> Result<Vec<IndexRow>, Unavailable> {
        let mut out = Vec::new();
        for chunk in case_ids.chunks(500) {
            let mut sql = Sql::new(format!("SELECT {INDEX_COLUMNS} WHERE p.case_id IN ("));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Value::Text(id.clone()));
            }
            sql.push(")");
            out.extend(self.index_query(sql).await?);
        }
        Ok(out)
    }

    async fn index_query(&self, sql: Sql) -> Result<Vec<IndexRow>, Unavailable> {
        use ColumnType::Text;
        let query = sql.query(vec![Text; 10]);
        let rows = self.read(vec![query]).await?.into_iter().next();
        rows.unwrap_or_default()
            .into_iter()
            .map(index_row)
            .collect()
    }

    /// The log's last position (0 when empty).
    pub async fn log_position(&self) -> Result<i64, Unavailable> {
        let query =
            Sql::new("SELECT coalesce(max(position), 0) FROM events").query(vec![ColumnType::Int]);
        let rows = self.read(vec![query]).await?;
        match rows.into_iter().next().and_then(|r| r.into_iter().next()) {
            Some(row) => columns(row).int(),
            None => Ok(0),
        }
    }

    /// The cases with events after `position`, and the last position seen.
    pub async fn changed_since(&self, position: i64) -> Result<(i64, Vec<String>), Unavailable> {
        let mut sql = Sql::new("SELECT case_id, max(position) FROM events WHERE position > ");
        sql.bind(Value::Int(position)).push(" GROUP BY case_id");
        let query = sql.query(vec![ColumnType::Text, ColumnType::Int]);
        let rows = self.read(vec![query]).await?.into_iter().next();
        let (mut last, mut cases) = (position, Vec::new());
        for row in rows.unwrap_or_default() {
            let mut c = columns(row);
            cases.push(c.text()?);
            last = last.max(c.int()?);
        }
        Ok((last, cases))
    }
}
