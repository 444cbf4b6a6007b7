//! What a backend writes for a batch of appends, worked out before any SQL: the chain links,
//! the personal-data rows, the erasures and the read-model rows, and the statements that write
//! read-model rows. Every backend writes the same thing, so the rules of the chain live here once.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::chain::{EventRecord, Hash};
use crate::read_model::{Table, TableRows};
use crate::{Append, Head, StoreError};

/// One row of the personal-data table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRow {
    pub case_id: String,
    pub party: i64,
    /// The personal data as JSON.
    pub data: String,
    pub salt: String,
}

#[derive(Debug)]
pub struct Prepared<'a> {
    /// The new events with their positions, versions and links.
    pub events: Vec<EventRecord>,
    pub personal: Vec<PersonalRow>,
    /// (case id, party) whose personal data is erased, after `personal` is written.
    pub erase: Vec<(String, i64)>,
    /// The read-model rows to put in place of each case's rows in each model: a case appended
    /// more than once in the batch keeps its last rows.
    pub read_models: Vec<&'a TableRows>,
    /// The appends' other statements, in order, after the read models.
    pub statements: Vec<&'a crate::Statement>,
    /// Each audit entry that wrote events, by its index, and the last event it wrote.
    pub ties: Vec<(usize, Head)>,
}

impl Prepared<'_> {
    /// Ties each audit entry that wrote events to the last of them.
    pub fn tie(&self, entries: &mut [crate::AuditEntry]) -> Result<(), StoreError> {
        for (i, head) in &self.ties {
            let entry = entries.get_mut(*i).ok_or_else(|| {
                StoreError::Corrupt(format!("an append names audit entry {i}, which it lacks"))
            })?;
            entry.wrote = Some(*head);
        }
        Ok(())
    }
}

/// Checks each append's expected version against `current` (each case's stored version) and
/// links its events after `head`. A stale version refuses the whole batch.
pub fn prepare<'a>(
    batch: &'a [Append],
    head: Option<Head>,
    current: &HashMap<String, i64>,
) -> Result<Prepared<'a>, StoreError> {
    let (mut position, mut prev) = head.map_or((0, Hash::GENESIS), |h| (h.position, h.hash));
    let mut current = current.clone();
    let mut events = Vec::with_capacity(batch.iter().map(|a| a.events.len()).sum());
    let mut ties = Vec::new();
    for a in batch {
        let first = events.len();
        let case_id = a.case_id.to_string();
        let actual = current.get(&case_id).copied().unwrap_or(0);
        if actual as u64 != a.expected_version {
            return Err(StoreError::Conflict {
                case: a.reference.to_string(),
                expected: a.expected_version,
                actual: actual as u64,
            });
        }
        for (version, e) in (actual + 1..).zip(&a.events) {
            position += 1;
            let r = EventRecord {
                position,
                case_id: case_id.clone(),
                version,
                recorded_at: e.recorded_at,
                actor: e.actor.clone(),
                kind: e.kind.clone(),
                payload: e.payload.clone(),
                prev_hash: prev,
                hash: Hash::GENESIS,
            }
            .sealed();
            prev = r.hash;
            events.push(r);
        }
        current.insert(case_id, actual + a.events.len() as i64);
        let mut end = first;
        for &(entry, count) in &a.written_by {
            end += count;
            if count == 0 || end > events.len() {
                return Err(StoreError::Corrupt(format!(
                    "audit entry {entry} claims events the append of {} lacks",
                    a.reference
                )));
            }
            let last = &events[end - 1];
            ties.push((
                entry,
                Head {
                    position: last.position,
                    hash: last.hash,
                },
            ));
        }
    }
    // Party ids are never reused, so an erasure in the batch can only follow the insert of the
    // same party: write all inserts, then the erasures.
    let mut personal = BTreeMap::new();
    for a in batch {
        for (party, sealed) in &a.personal_data {
            let data = serde_json::to_string(&sealed.data)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            personal.insert(
                (a.case_id.to_string(), i64::from(party.0)),
                (data, sealed.salt.clone()),
            );
        }
    }
    let personal = personal
        .into_iter()
        .map(|((case_id, party), (data, salt))| PersonalRow {
            case_id,
            party,
            data,
            salt,
        })
        .collect();
    let erase = batch
        .iter()
        .flat_map(|a| {
            a.erase
                .iter()
                .map(move |p| (a.case_id.to_string(), i64::from(p.0)))
        })
        .collect();
    let mut seen = HashSet::new();
    let mut read_models: Vec<&TableRows> = Vec::new();
    for rows in batch.iter().rev().flat_map(|a| a.read_models.iter().rev()) {
        if seen.insert((rows.table.name, rows.case_id)) {
            read_models.push(rows);
        }
    }
    read_models.reverse();
    Ok(Prepared {
        events,
        personal,
        erase,
        read_models,
        statements: batch.iter().flat_map(|a| &a.statements).collect(),
        ties,
    })
}

/// The statement that deletes a case's rows from a read model (`$1` the case id).
pub fn delete_rows(table: &Table) -> String {
    format!("DELETE FROM {} WHERE case_id = $1", table.name)
}

/// The statement that inserts `rows` rows into a read model, numbered `$1`, `$2`...
pub fn insert_rows(table: &Table, rows: usize) -> String {
    let width = table.columns.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        table.name,
        table.column_list(None),
        values.join(", ")
    )
}

/// The statement that writes `rows` rows of a table with one row per case, updating the row a
/// case already has in place.
pub fn upsert_rows(table: &Table, rows: usize) -> String {
    debug_assert!(table.one_per_case);
    let set: Vec<String> = table.columns[1..]
        .iter()
        .map(|c| format!("{0} = excluded.{0}", c.name))
        .collect();
    format!(
        "{} ON CONFLICT (case_id) DO UPDATE SET {}",
        insert_rows(table, rows),
        set.join(", ")
    )
}

/// Event records from the JSON array a backend builds for one case: each element
/// `[position, version, recorded_at, actor, kind, payload, prev_hash hex, hash hex]`.
pub fn records_from_json(
    case_id: &str,
    joined: Option<&str>,
) -> Result<Vec<EventRecord>, StoreError> {
    type Row = (i64, i64, i64, String, String, String, String, String);
    let rows: Vec<Row> = serde_json::from_str(joined.unwrap_or("[]"))
        .map_err(|e| StoreError::Corrupt(format!("case {case_id} does not read back: {e}")))?;
    let hash = |hex: &str| {
        probity_domain::hex::decode(hex)
            .and_then(|b| Hash::from_slice(&b))
            .ok_or_else(|| StoreError::Corrupt("a stored hash is not 32 bytes".into()))
    };
    rows.into_iter()
        .map(
            |(position, version, recorded_at, actor, kind, payload, prev, this)| {
                Ok(EventRecord {
                    position,
                    case_id: case_id.to_string(),
                    version,
                    recorded_at,
                    actor,
                    kind,
                    payload,
                    prev_hash: hash(&prev)?,
                    hash: hash(&this)?,
                })
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::sample_append;

    #[test]
    fn links_follow_the_head_and_stale_versions_refuse_the_batch() {
        let head = Head {
            position: 7,
            hash: Hash([3; 32]),
        };
        let batch = [
            sample_append(1, 0, 2),
            sample_append(1, 2, 1),
            sample_append(2, 0, 1),
        ];
        let p = prepare(&batch, Some(head), &HashMap::new()).unwrap();
        assert_eq!(
            p.events
                .iter()
                .map(|r| (r.position, r.version))
                .collect::<Vec<_>>(),
            [(8, 1), (9, 2), (10, 3), (11, 1)]
        );
        assert_eq!(p.events[0].prev_hash, Hash([3; 32]));
        assert!(p.events.windows(2).all(|w| w[1].prev_hash == w[0].hash));
        let cases: Vec<_> = p
            .read_models
            .iter()
            .filter(|r| r.table.name == "cases")
            .collect();
        assert_eq!(cases.len(), 2, "one row per case");
        assert_eq!(
            cases[0].rows[0][9],
            crate::Value::Int(3),
            "the last append's rows win"
        );
        let stale = [sample_append(1, 1, 1)];
        assert!(matches!(
            prepare(&stale, None, &HashMap::new()),
            Err(StoreError::Conflict { .. })
        ));
    }

    #[test]
    fn each_audit_entry_is_tied_to_the_last_event_it_wrote() {
        let mut first = sample_append(1, 0, 3);
        first.written_by = vec![(2, 1), (0, 2)];
        let mut second = sample_append(2, 0, 1);
        second.written_by = vec![(1, 1)];
        let batch = [first, second];
        let p = prepare(&batch, None, &HashMap::new()).unwrap();
        let at = |i: usize| Head {
            position: p.events[i].position,
            hash: p.events[i].hash,
        };
        assert_eq!(p.ties, [(2, at(0)), (0, at(2)), (1, at(3))]);
        let mut over = sample_append(1, 0, 1);
        over.written_by = vec![(0, 2)];
        assert!(matches!(
            prepare(&[over], None, &HashMap::new()),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn read_model_statements_number_every_value() {
        use crate::read_model::Rows;
        let t = &crate::projection::AllegationRow::TABLE;
        assert_eq!(delete_rows(t), "DELETE FROM allegations WHERE case_id = $1");
        assert_eq!(
            insert_rows(t, 2),
            "INSERT INTO allegations (case_id, allegation, category) VALUES ($1, $2, $3), ($4, $5, $6)"
        );
    }

    #[test]
    fn records_read_back_from_their_json() {
        let batch = [sample_append(1, 0, 2)];
        let p = prepare(&batch, None, &HashMap::new()).unwrap();
        let json = serde_json::to_string(
            &p.events
                .iter()
                .map(|r| {
                    (
                        r.position,
                        r.version,
                        r.recorded_at,
                        &r.actor,
                        &r.kind,
                        &r.payload,
                        r.prev_hash.hex(),
                        r.hash.hex(),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert_eq!(
            records_from_json(&p.events[0].case_id, Some(&json)).unwrap(),
            p.events
        );
        assert!(records_from_json("x", Some("[1]")).is_err());
    }
}
