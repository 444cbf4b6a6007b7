//! The outbox: notices of duties coming due and overdue, to the members of a case's team.
//! They are queued by the append that made the duty (in its transaction), at most once per
//! recipient, duty and kind (the table's unique key), and delivered by any server's worker:
//! a worker claims a few with a lease, sends them, and marks them sent; a claim whose worker
//! died runs out and another worker takes it, so each is delivered at least once. A notice
//! whose duty was done, or whose recipient left the team, before it went is cancelled.

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use probity_domain::clock::ClockName;
use probity_domain::{Case, CaseId, Reference};

use crate::projection::DutyRow;
use crate::query::{Query, Statement};
use crate::read_model::{ColumnType, ColumnValue, Derive, Value};
use crate::{StoreError, Tables};

/// What a notice says of its duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Sent some days before the due day.
    ComingDue,
    /// Sent the day after the due day, if the duty is still open.
    Overdue,
    /// The due day is beyond the bank-holiday data: someone must import newer data.
    Uncounted,
}

impl NoticeKind {
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::ComingDue => "coming_due",
            NoticeKind::Overdue => "overdue",
            NoticeKind::Uncounted => "uncounted",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        [
            NoticeKind::ComingDue,
            NoticeKind::Overdue,
            NoticeKind::Uncounted,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
}

/// Days before the due day a "coming due" notice goes.
pub const WARNING_DAYS: i64 = 5;

/// Seven in the morning in England and Wales on `day`, in microseconds.
fn morning(day: Date) -> i64 {
    probity_domain::london()
        .to_timestamp(day.to_datetime(Time::constant(7, 0, 0, 0)))
        .map_or(0, |t| t.as_microsecond())
}

/// The notices an append queues: for each duty of `after` and each member of its team that
/// `before` did not already have (a new duty, or a new member), one "coming due" notice
/// (unless the due day has passed) and one "overdue" notice; one "uncounted" notice for a
/// duty that cannot be counted. Statements insert them, skipping any already queued.
pub fn notices(
    case_id: CaseId,
    reference: &Reference,
    before: &Case,
    after: &Case,
    now: Timestamp,
) -> Vec<Statement> {
    let pairs = |case: &Case| -> Vec<(String, DutyRow)> {
        let duties = DutyRow::derive(case_id, case);
        case.team
            .iter()
            .flat_map(|member| duties.iter().map(move |d| (member.clone(), d.clone())))
            .collect()
    };
    let old = pairs(before);
    let now_us = now.as_microsecond();
    let today = probity_domain::london().to_datetime(now).date();
    let mut out = Vec::new();
    for (member, duty) in pairs(after) {
        if old.contains(&(member.clone(), duty.clone())) {
            continue;
        }
        let mut queue = |kind: NoticeKind, send_after: i64| {
            out.push(Statement {
                sql: "INSERT INTO outbox (case_id, reference, recipient, clock, about, period, kind, due, send_after, queued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING".into(),
                binds: vec![
                    case_id.to_value(),
                    reference.to_value(),
                    Value::Text(member.clone()),
                    duty.clock.to_value(),
                    Value::Text(duty.about.clone()),
                    duty.period.to_value(),
                    Value::Text(kind.code().into()),
                    duty.due.to_value(),
                    Value::Int(send_after.max(now_us)),
                    Value::Int(now_us),
                ],
            });
        };
        match duty.due {
            None => queue(NoticeKind::Uncounted, now_us),
            Some(due) => {
                if due >= today {
                    let warn = due.checked_sub(WARNING_DAYS.days()).unwrap_or(due);
                    queue(NoticeKind::ComingDue, morning(warn));
                }
                let after_due = due.checked_add(1.day()).unwrap_or(due);
                queue(NoticeKind::Overdue, morning(after_due));
            }
        }
    }
    out
}

/// A notice claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: i64,
    pub case_id: String,
    pub reference: String,
    /// The user name of the team member it is for.
    pub recipient: String,
    pub clock: ClockName,
    pub about: String,
    pub period: u64,
    pub kind: NoticeKind,
    pub due: Option<Date>,
    pub attempts: i64,
}

/// The unsent notices whose duty is done, or whose recipient is no longer on the team: cancelled.
const CANCEL: &str = "UPDATE outbox SET cancelled_at = $1 WHERE sent_at IS NULL AND cancelled_at IS NULL AND send_after <= $1 AND (NOT EXISTS (SELECT 1 FROM duties d WHERE d.case_id = outbox.case_id AND d.clock = outbox.clock AND d.about = outbox.about AND d.period = outbox.period) OR NOT EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = outbox.case_id AND a.username = outbox.recipient AND a.until IS NULL))";

/// Claims up to `limit` notices due to go by `now` for `worker`, leased until `lease_until`.
/// The conditions are repeated outside the sub-select so that, where two servers race for a
/// row, the database re-checks them on the row as the other left it and only one wins.
const CLAIM: &str = "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND cancelled_at IS NULL AND send_after <= $3 AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY send_after, id LIMIT $4) AND sent_at IS NULL AND cancelled_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)";

const CLAIMED: &str = "SELECT id, case_id, reference, recipient, clock, about, period, kind, due, attempts FROM outbox WHERE claimed_by = $1 AND claimed_until = $2 AND sent_at IS NULL ORDER BY id";

fn statement(sql: &str, binds: Vec<Value>) -> Statement {
    Statement {
        sql: sql.into(),
        binds,
    }
}

/// Cancels what no longer needs sending, then claims a batch for `worker`. No audit entry:
/// the worker's sends are audited one by one.
pub async fn claim<S: Tables + ?Sized>(
    store: &S,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Notice>, StoreError> {
    store
        .execute(
            &[
                statement(CANCEL, vec![Value::Int(now)]),
                statement(
                    CLAIM,
                    vec![
                        Value::Text(worker.into()),
                        Value::Int(lease_until),
                        Value::Int(now),
                        Value::Int(limit),
                    ],
                ),
            ],
            &[],
        )
        .await?;
    use ColumnType::{Int, Text};
    let rows = store
        .query(&[Query {
            sql: CLAIMED.into(),
            binds: vec![Value::Text(worker.into()), Value::Int(lease_until)],
            columns: vec![Int, Text, Text, Text, Text, Text, Int, Text, Text, Int],
            point: false,
        }])
        .await?;
    rows.into_iter()
        .flatten()
        .map(|row| {
            let mut v = row.into_iter();
            let mut next = || v.next().unwrap_or(Value::Null);
            let bad = |e: String| StoreError::Corrupt(format!("an outbox row: {e}"));
            Ok(Notice {
                id: i64::from_value(next()).map_err(bad)?,
                case_id: String::from_value(next()).map_err(bad)?,
                reference: String::from_value(next()).map_err(bad)?,
                recipient: String::from_value(next()).map_err(bad)?,
                clock: ClockName::from_value(next()).map_err(bad)?,
                about: String::from_value(next()).map_err(bad)?,
                period: u64::from_value(next()).map_err(bad)?,
                kind: {
                    let k = String::from_value(next()).map_err(bad)?;
                    NoticeKind::parse(&k).ok_or_else(|| bad(format!("'{k}' is no kind")))?
                },
                due: Option::<Date>::from_value(next()).map_err(bad)?,
                attempts: i64::from_value(next()).map_err(bad)?,
            })
        })
        .collect()
}

/// Marks a notice sent, with its audit entry; false when the claim was lost meanwhile (a
/// lease that ran out and another worker took).
pub async fn sent<S: Tables + ?Sized>(
    store: &S,
    id: i64,
    worker: &str,
    at: i64,
    audit: &crate::AuditEntry,
) -> Result<bool, StoreError> {
    let changed = store
        .execute(
            &[statement(
                "UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
                vec![Value::Int(at), Value::Int(id), Value::Text(worker.into())],
            )],
            std::slice::from_ref(audit),
        )
        .await?;
    Ok(changed.first().copied().unwrap_or(0) == 1)
}

/// Gives a notice back after a failed send: it is tried again after `retry_at`.
pub async fn failed<S: Tables + ?Sized>(
    store: &S,
    id: i64,
    worker: &str,
    retry_at: i64,
    error: &str,
) -> Result<(), StoreError> {
    store
        .execute(
            &[statement(
                "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, send_after = $1, last_error = $2 WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
                vec![
                    Value::Int(retry_at),
                    Value::Text(error.chars().take(500).collect()),
                    Value::Int(id),
                    Value::Text(worker.into()),
                ],
            )],
            &[],
        )
        .await?;
    Ok(())
}

/// The state of the outbox at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    /// Waiting and due to go now (or claimed by a postman that has not finished).
    pub due: i64,
    /// Waiting for their day.
    pub later: i64,
    /// Of those waiting, how many failed at least once.
    pub failing: i64,
    pub sent: i64,
    pub cancelled: i64,
}

/// How many notices wait (due now or later), were sent and were cancelled at `now`.
pub async fn counts<S: Tables + ?Sized>(store: &S, now: i64) -> Result<OutboxCounts, StoreError> {
    const WAITING: &str = "sent_at IS NULL AND cancelled_at IS NULL";
    let rows = store
        .query(&[Query {
            sql: format!(
                "SELECT \
                 (SELECT COUNT(*) FROM outbox WHERE {WAITING} AND send_after <= $1), \
                 (SELECT COUNT(*) FROM outbox WHERE {WAITING} AND send_after > $1), \
                 (SELECT COUNT(*) FROM outbox WHERE {WAITING} AND last_error IS NOT NULL), \
                 (SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL), \
                 (SELECT COUNT(*) FROM outbox WHERE cancelled_at IS NOT NULL)"
            ),
            binds: vec![Value::Int(now)],
            columns: vec![ColumnType::Int; 5],
            point: false,
        }])
        .await?;
    let n: Vec<i64> = rows
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(|v| i64::from_value(v).map_err(StoreError::Corrupt))
        .collect::<Result<_, _>>()?;
    let at = |i: usize| n.get(i).copied().unwrap_or(0);
    Ok(OutboxCounts {
        due: at(0),
        later: at(1),
        failing: at(2),
        sent: at(3),
        cancelled: at(4),
    })
}

/// Copies every notice of `from` into `to` (moving a deployment): what was sent stays sent,
/// what waits still waits, and no claim survives the move. The copies take new ids.
pub async fn copy<F: Tables + ?Sized, T: Tables + ?Sized>(
    from: &F,
    to: &T,
) -> Result<usize, StoreError> {
    use ColumnType::{Int, Text};
    const COLUMNS: &str = "case_id, reference, recipient, clock, about, period, kind, due, send_after, queued_at, attempts, last_error, sent_at, cancelled_at";
    let mut after = 0i64;
    let mut copied = 0;
    loop {
        let rows = from
            .query(&[Query {
                sql: format!(
                    "SELECT id, {COLUMNS} FROM outbox WHERE id > $1 ORDER BY id LIMIT 5000"
                ),
                binds: vec![Value::Int(after)],
                columns: vec![
                    Int, Text, Text, Text, Text, Text, Int, Text, Text, Int, Int, Int, Text, Int,
                    Int,
                ],
                point: false,
            }])
            .await?;
        let rows: Vec<Vec<Value>> = rows.into_iter().flatten().collect();
        let Some(last) = rows.last() else {
            return Ok(copied);
        };
        after = match last.first() {
            Some(Value::Int(id)) => *id,
            _ => return Err(StoreError::Corrupt("an outbox row without its id".into())),
        };
        let inserts: Vec<Statement> = rows
            .into_iter()
            .map(|row| Statement {
                sql: format!(
                    // A NULL is bound untyped: the casts keep PostgreSQL from reading it as text.
                    "INSERT INTO outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CAST($13 AS BIGINT), CAST($14 AS BIGINT)) ON CONFLICT DO NOTHING"
                ),
                binds: row.into_iter().skip(1).collect(),
            })
            .collect();
        copied += inserts.len();
        to.execute(&inserts, &[]).await?;
    }
}
