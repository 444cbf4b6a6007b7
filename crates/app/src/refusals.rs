//! Refusals of requests from no one known (no credentials, a bad token, a log-in to no
//! account, too many requests), counted rather than written one by one. The first refusal of
//! a kind (its action, route and reason) opens a window and is written at once; the rest in
//! that window are written as one entry when it closes ("37 more"). A flood is then visible in
//! the audit trail, at a bounded number of entries per window, and never grows it per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use probity_store::{Action, AuditEntry, Outcome};

use crate::casebook::AppError;
use crate::db::Db;

/// What makes refusals alike: the action, the target (a route's pattern, never a path) and
/// the reason.
type Kind = (Action, String, &'static str);

/// An entry made before anyone is known.
pub(crate) fn anonymous(
    action: Action,
    target: &str,
    outcome: Outcome,
    detail: &str,
) -> AuditEntry {
    AuditEntry {
        recorded_at: Timestamp::now().as_microsecond(),
        actor: "-".into(),
        role: "-".into(),
        action,
        target: target.chars().take(200).collect(),
        outcome,
        purpose: "-".into(),
        detail: detail.into(),
        wrote: None,
    }
}

#[derive(Debug)]
pub(crate) struct Refusals {
    window: Duration,
    /// Each open window's count of refusals after its first.
    open: Mutex<HashMap<Kind, u64>>,
}

impl Refusals {
    pub(crate) fn new(window: Duration) -> Arc<Refusals> {
        Arc::new(Refusals {
            window,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// Counts one refusal; writes it when it opens a window, and sees the window closed.
    pub(crate) async fn refuse(
        self: &Arc<Self>,
        db: &Db,
        action: Action,
        target: &str,
        why: &'static str,
    ) -> Result<(), AppError> {
        let kind: Kind = (action, target.to_string(), why);
        let opens = {
            let mut open = self
                .open
                .lock()
                .expect("the refusal counts are never poisoned");
            match open.get_mut(&kind) {
                Some(more) => {
                    *more += 1;
                    false
                }
                None => {
                    open.insert(kind.clone(), 0);
                    true
                }
            }
        };
        if opens {
            db.audit(&[anonymous(action, target, Outcome::Denied, why)])
                .await?;
            let (this, db) = (Arc::clone(self), Arc::clone(db));
            tokio::spawn(async move {
                tokio::time::sleep(this.window).await;
                let _ = this.close(&db, Some(&kind)).await;
            });
        }
        Ok(())
    }

    /// Writes what the window of `kind` (or of every kind) counted, and closes it.
    pub(crate) async fn close(&self, db: &Db, kind: Option<&Kind>) -> Result<(), AppError> {
        let closed: Vec<(Kind, u64)> = {
            let mut open = self
                .open
                .lock()
                .expect("the refusal counts are never poisoned");
            match kind {
                Some(k) => open.remove_entry(k).into_iter().collect(),
                None => open.drain().collect(),
            }
        };
        let entries: Vec<AuditEntry> = closed
            .into_iter()
            .filter(|(_, more)| *more > 0)
            .map(|((action, target, why), more)| {
                let detail = format!("{why}: {more} more within {:?}", self.window);
                anonymous(action, &target, Outcome::Denied, &detail)
            })
            .collect();
        db.audit(&entries).await?;
        Ok(())
    }
}

/// Failed log-ins to names that are no account, counted in memory by a digest of the name
/// and the source address, so that such a name is throttled exactly as an account would be
/// (no hint which names exist) while nothing of it is stored.
#[derive(Debug, Default)]
pub(crate) struct Strangers {
    failures: Mutex<HashMap<Stranger, Vec<i64>>>,
}

/// A name's digest and the address it was tried from.
type Stranger = ([u8; 32], String);

/// Past this many names and sources, the oldest counts are dropped.
const STRANGERS_KEPT: usize = 100_000;

impl Strangers {
    fn key(name: &str, source: &str) -> Stranger {
        use sha2::Digest;
        (
            sha2::Sha256::digest(name.as_bytes()).into(),
            source.to_string(),
        )
    }

    /// Failures of `name` from `source` at or after `since`.
    pub(crate) fn count(&self, name: &str, source: &str, since: i64) -> i64 {
        let failures = self.failures.lock().expect("never poisoned");
        failures
            .get(&Strangers::key(name, source))
            .map_or(0, |at| at.iter().filter(|t| **t >= since).count() as i64)
    }

    pub(crate) fn record(&self, name: &str, source: &str, at: i64, since: i64) {
        let mut failures = self.failures.lock().expect("never poisoned");
        if failures.len() >= STRANGERS_KEPT {
            failures.retain(|_, times| times.iter().any(|t| *t >= since));
            if failures.len() >= STRANGERS_KEPT {
                failures.clear();
            }
        }
        let times = failures.entry(Strangers::key(name, source)).or_default();
        times.retain(|t| *t >= since);
        times.push(at);
    }
}
