//! What verification compares beyond the chains: the stored personal data against the salted
//! commitments in the log, and the stored read-model rows against the rows the log derives.
//! Read a range of cases' stored rows in one snapshot ([`stored_rows`]), fold the same cases
//! from the log, and [`compare`] them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use probity_domain::Case;
use probity_domain::party::{PersonalData, SealedPersonalData};

use crate::projection::READ_MODELS;
use crate::query::Query;
use crate::read_model::{ColumnType, Row, Value};
use crate::{CaseId, StoreError, Tables};

/// Where stored rows and the log disagree. Names cases by reference (or, for rows of no
/// case in the log, by case id) and parties by number: never the data itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A party's stored personal data does not match the commitment in its event.
    PersonalDataAltered { case: String, party: i64 },
    /// A party that was never erased has no personal data.
    PersonalDataMissing { case: String, party: i64 },
    /// A party's data was erased in the log but is still stored.
    PersonalDataNotErased { case: String, party: i64 },
    /// Personal data of a party (or case) the log does not have.
    PersonalDataUnknown { case: String, party: i64 },
    /// A read model's rows for a case differ from what the log derives.
    ReadModel {
        table: &'static str,
        case: String,
        stored: usize,
        derived: usize,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::PersonalDataAltered { case, party } => write!(
                f,
                "the personal data of party {party} of case {case} does not match the commitment in the log"
            ),
            Difference::PersonalDataMissing { case, party } => write!(
                f,
                "the personal data of party {party} of case {case} is missing, and the log records no erasure"
            ),
            Difference::PersonalDataNotErased { case, party } => write!(
                f,
                "the personal data of party {party} of case {case} was erased in the log but is still stored"
            ),
            Difference::PersonalDataUnknown { case, party } => write!(
                f,
                "personal data is stored for party {party} of case {case}, which the log does not have"
            ),
            Difference::ReadModel {
                table,
                case,
                stored,
                derived,
            } => write!(
                f,
                "the read model {table} differs from the log for case {case} ({stored} rows stored, {derived} derived)"
            ),
        }
    }
}

/// The stored rows of a range of cases: each read model's (in `READ_MODELS` order), then the
/// personal data.
#[derive(Debug, Default)]
pub struct Stored {
    pub models: Vec<Vec<Row>>,
    pub personal: Vec<Row>,
}

fn range(sql: String, after: &str, upto: Option<&str>, columns: Vec<ColumnType>) -> Query {
    let mut binds = vec![Value::Text(after.to_string())];
    let mut sql = format!("{sql} WHERE case_id > $1");
    if let Some(upto) = upto {
        sql.push_str(" AND case_id <= $2");
        binds.push(Value::Text(upto.to_string()));
    }
    Query {
        sql,
        binds,
        columns,
        point: false,
    }
}

/// Every stored row of the cases after `after` up to `upto` (to the end when `None`), read in
/// one snapshot.
pub async fn stored_rows<S: Tables + ?Sized>(
    store: &S,
    after: &str,
    upto: Option<&str>,
) -> Result<Stored, StoreError> {
    let mut queries: Vec<Query> = READ_MODELS
        .iter()
        .map(|m| {
            range(
                format!("SELECT {} FROM {}", m.table.column_list(None), m.table.name),
                after,
                upto,
                m.table.types(),
            )
        })
        .collect();
    queries.push(range(
        "SELECT case_id, party, data, salt FROM personal_data".into(),
        after,
        upto,
        vec![
            ColumnType::Text,
            ColumnType::Int,
            ColumnType::Text,
            ColumnType::Text,
        ],
    ));
    let mut rows = store.query(&queries).await?;
    let personal = rows.pop().unwrap_or_default();
    Ok(Stored {
        models: rows,
        personal,
    })
}

/// The outcome of comparing one range.
#[derive(Debug, Default)]
pub struct Compared {
    pub differences: Vec<Difference>,
    /// Cases compared.
    pub cases: usize,
    /// Cases left out because they changed between the two reads (a newer version is stored
    /// than was folded, or the reverse).
    pub changed: usize,
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

/// Compares the stored rows of a range with the cases folded from the log for the same range.
/// `cases` maps each case id to its state; the rows were read after the log, so a case whose
/// stored version differs from its folded one changed meanwhile and is left out.
pub fn compare(cases: &BTreeMap<String, Case>, stored: &Stored) -> Compared {
    let mut out = Compared::default();
    let name = |id: &str| {
        cases
            .get(id)
            .and_then(|c| c.matter().map(|m| m.reference.to_string()))
            .unwrap_or_else(|| id.to_string())
    };
    // The `cases` model carries each case's version: only cases at the folded version compare.
    let version_column = READ_MODELS[0]
        .table
        .columns
        .iter()
        .position(|c| c.name == "version");
    let stored_version = |id: &str| -> Option<i64> {
        let i = version_column?;
        stored.models.first()?.iter().find_map(|row| {
            (text(&row[0]) == Some(id)).then(|| match row.get(i) {
                Some(Value::Int(v)) => *v,
                _ => -1,
            })
        })
    };
    let mut comparable: BTreeSet<&str> = BTreeSet::new();
    for (id, case) in cases {
        match stored_version(id) {
            Some(v) if v == case.version as i64 => {
                comparable.insert(id);
            }
            Some(_) => out.changed += 1,
            // No `cases` row at all: compared (and found missing) below.
            None => {
                comparable.insert(id);
            }
        }
    }
    out.cases = comparable.len();
    for (m, rows) in READ_MODELS.iter().zip(&stored.models) {
        let mut by_case: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for row in rows {
            if let Some(id) = row.first().and_then(text) {
                by_case.entry(id).or_default().push(row);
            }
        }
        for (id, case) in cases {
            if !comparable.contains(id.as_str()) {
                continue;
            }
            let Some(case_id) = CaseId::parse(id) else {
                continue;
            };
            let mut derived = (m.rows)(case_id, case);
            derived.sort();
            let mut kept: Vec<Row> = by_case
                .remove(id.as_str())
                .unwrap_or_default()
                .into_iter()
                .cloned()
                .collect();
            kept.sort();
            if kept != derived {
                out.differences.push(Difference::ReadModel {
                    table: m.table.name,
                    case: name(id),
                    stored: kept.len(),
                    derived: derived.len(),
                });
            }
        }
        // Rows of cases the log does not have.
        for (id, kept) in by_case {
            if !cases.contains_key(id) {
                out.differences.push(Difference::ReadModel {
                    table: m.table.name,
                    case: id.to_string(),
                    stored: kept.len(),
                    derived: 0,
                });
            }
        }
    }
    compare_personal(cases, &comparable, &stored.personal, &name, &mut out);
    out
}

fn compare_personal(
    cases: &BTreeMap<String, Case>,
    comparable: &BTreeSet<&str>,
    rows: &[Row],
    name: &dyn Fn(&str) -> String,
    out: &mut Compared,
) {
    let mut kept: BTreeMap<(&str, i64), (&str, &str)> = BTreeMap::new();
    for row in rows {
        if let [
            Value::Text(id),
            Value::Int(party),
            Value::Text(data),
            Value::Text(salt),
        ] = row.as_slice()
        {
            kept.insert((id.as_str(), *party), (data.as_str(), salt.as_str()));
        }
    }
    for (id, case) in cases {
        if !comparable.contains(id.as_str()) {
            continue;
        }
        for party in case.parties.values() {
            let number = i64::from(party.id.0);
            let row = kept.remove(&(id.as_str(), number));
            let difference = match (row, party.erased) {
                (None, true) => None,
                (Some(_), true) => Some(Difference::PersonalDataNotErased {
                    case: name(id),
                    party: number,
                }),
                (None, false) => Some(Difference::PersonalDataMissing {
                    case: name(id),
                    party: number,
                }),
                (Some((data, salt)), false) => {
                    let holds = serde_json::from_str::<PersonalData>(data).is_ok_and(|data| {
                        SealedPersonalData {
                            data,
                            salt: salt.to_string(),
                        }
                        .commitment()
                            == party.personal_data
                    });
                    (!holds).then(|| Difference::PersonalDataAltered {
                        case: name(id),
                        party: number,
                    })
                }
            };
            out.differences.extend(difference);
        }
    }
    for ((id, party), _) in kept {
        // A party added since the log was read is not unknown, merely new.
        if cases.contains_key(id) && !comparable.contains(id) {
            continue;
        }
        out.differences.push(Difference::PersonalDataUnknown {
            case: name(id),
            party,
        });
    }
}
