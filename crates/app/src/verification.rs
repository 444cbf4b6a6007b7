//! Verification: both hash chains, each against the other (every command's audit entry names
//! the last event it wrote) and against signed checkpoints (kept in the database and, when
//! given, exported ones with the keys trusted to sign them); then the personal data against its
//! commitments and the read models against a rebuild in memory, a page of cases at a time.
//!
//! A broken chain is [`AppError::Broken`]; anything else found is [`AppError::Tampered`], each
//! [`Finding`] naming what and where, never the data itself.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use probity_store::anchor::{self, Checkpoint};
use probity_store::integrity::{self, Difference};
use probity_store::{
    AuditPage, BrokenLink, Expected, Hash, Head, LogPage, StoreError, Verifier, Witness,
};

use crate::anchors::Anchors;
use crate::casebook::{AppError, Casebook, fold_streams};

/// What verification checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: i64,
    pub head: Option<Head>,
    pub audit_entries: i64,
    pub audit_head: Option<Hash>,
    /// Checkpoints whose heads were held against the chains.
    pub checkpoints: usize,
    /// How many of them were exported ones signed by a trusted key.
    pub anchored: usize,
    /// Cases whose personal data and read-model rows were compared with the log.
    pub cases: usize,
    /// Cases left out of that comparison because they changed while it ran.
    pub changed: usize,
}

/// Something verification found, besides a broken chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A checkpoint that cannot be relied on.
    Checkpoint { source: String, problem: String },
    /// An exported checkpoint the database does not hold.
    CheckpointMissing { source: String, time: String },
    /// Stored rows that differ from the log.
    Derived(Difference),
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Checkpoint { source, problem } => write!(f, "checkpoint {source}: {problem}"),
            Finding::CheckpointMissing { source, time } => write!(
                f,
                "checkpoint {source} (signed at {time}) is missing from the database"
            ),
            Finding::Derived(d) => d.fmt(f),
        }
    }
}

/// Rows a page holds when a chain is verified: large enough that a page costs few trips, small
/// enough that four (two read, two hashed) sit comfortably in memory.
const VERIFY_PAGE: i64 = 16_384;

/// Cases folded and compared at a time.
const CASES_PAGE: i64 = 1_000;

fn witness(c: &Checkpoint, head: Option<Head>) -> Option<Expected> {
    head.map(|h| Expected {
        position: h.position,
        hash: h.hash,
        witness: Witness::Checkpoint(c.at),
    })
}

impl Casebook {
    /// Verifies everything the store holds against itself and against `anchors`.
    pub(crate) async fn verify(&self, anchors: &Anchors) -> Result<Verified, AppError> {
        let (mut verified, mut findings) = self.verify_chains(anchors).await?;
        (verified.cases, verified.changed) = self.compare_derived(&mut findings).await?;
        if !findings.is_empty() {
            return Err(AppError::Tampered(findings));
        }
        Ok(verified)
    }

    /// The chains alone, against each other and the checkpoints; with what was found about
    /// the checkpoints themselves.
    pub(crate) async fn verify_chains(
        &self,
        anchors: &Anchors,
    ) -> Result<(Verified, Vec<Finding>), AppError> {
        let mut findings = Vec::new();
        let stored = anchor::checkpoints(&**self.db()).await?;
        // A checkpoint is known by its signature (a year of them at one a minute is half a
        // million: looked up, never searched).
        let kept: HashSet<[u8; 64]> = stored.iter().map(|c| c.signature).collect();
        let mut witnesses = Vec::new();
        let mut anchored = 0;
        for (source, c) in &anchors.exported {
            let problem = if !c.signature_holds() {
                Some("its signature does not hold")
            } else if !anchors.trusted.contains(&c.key) {
                Some("it is signed by a key not trusted here")
            } else {
                None
            };
            match problem {
                Some(p) => findings.push(Finding::Checkpoint {
                    source: source.clone(),
                    problem: p.into(),
                }),
                None => {
                    anchored += 1;
                    witnesses.push(c);
                    if !kept.contains(&c.signature) {
                        findings.push(Finding::CheckpointMissing {
                            source: source.clone(),
                            time: c.time(),
                        });
                    }
                }
            }
        }
        for c in &stored {
            let problem = if !c.signature_holds() {
                Some("its signature does not hold")
            } else if !anchors.trusted.is_empty() && !anchors.trusted.contains(&c.key) {
                Some("it is signed by a key not trusted here")
            } else {
                None
            };
            match problem {
                Some(p) => findings.push(Finding::Checkpoint {
                    source: format!("of {} in the database", c.time()),
                    problem: p.into(),
                }),
                None => witnesses.push(c),
            }
        }
        // Every event up to this head was committed with its command's audit entry, which the
        // audit pass (after this read) therefore sees.
        let claimed_upto = self.db().head().await?.map_or(0, |h| h.position);
        let audit_expected = witnesses
            .iter()
            .filter_map(|c| witness(c, c.audit))
            .collect();
        let (audit, claims) = self.verify_audit(VERIFY_PAGE, audit_expected).await?;
        let last_claim = claims.iter().map(|c| c.position).max().unwrap_or(0);
        let mut event_expected: Vec<Expected> = witnesses
            .iter()
            .filter_map(|c| witness(c, c.events))
            .collect();
        event_expected.extend(claims);
        let tied = last_claim > 0;
        let events = self.verify_events(VERIFY_PAGE, event_expected).await?;
        // A store written before audit entries were tied has no ties at all; once any entry
        // is, every later command's is, so events past the last tie were written by none.
        if tied && last_claim < claimed_upto {
            return Err(BrokenLink {
                chain: "event",
                position: last_claim + 1,
                reason: format!(
                    "no audit entry records a command that wrote the events from position {} to {claimed_upto}",
                    last_claim + 1
                ),
            }
            .into());
        }
        let verified = Verified {
            events: events.position,
            head: (events.position > 0).then_some(Head {
                position: events.position,
                hash: events.head,
            }),
            audit_entries: audit.position,
            audit_head: (audit.position > 0).then_some(audit.head),
            checkpoints: witnesses
                .iter()
                .map(|c| c.signature)
                .collect::<HashSet<_>>()
                .len(),
            anchored,
            cases: 0,
            changed: 0,
        };
        Ok((verified, findings))
    }

    /// The event chain, read in pages of `rows`, holding the links that witnesses expect.
    pub(crate) async fn verify_events(
        &self,
        rows: i64,
        expected: Vec<Expected>,
    ) -> Result<Verifier, AppError> {
        let v = chain(
            Verifier::for_chain("event").expecting(expected),
            rows,
            |after| self.db().read_log_page(after, rows),
            |page: &LogPage| page.last_position(),
            |page, v| page.links().try_for_each(|l| v.check(&l)),
        )
        .await?;
        v.finish()?;
        Ok(v)
    }

    /// The audit chain, the same way; also gives the tie of every command's entry to its last
    /// event, as a link the event chain must hold.
    pub(crate) async fn verify_audit(
        &self,
        rows: i64,
        expected: Vec<Expected>,
    ) -> Result<(Verifier, Vec<Expected>), AppError> {
        let (v, claims) = chain(
            (Verifier::for_chain("audit").expecting(expected), Vec::new()),
            rows,
            |after| self.db().read_audit_page(after, rows),
            |page: &AuditPage| page.last_seq(),
            |page, (v, claims)| {
                page.links().try_for_each(|l| {
                    v.check(&l)?;
                    if let Some(w) = l.wrote() {
                        claims.push(Expected {
                            position: w.position,
                            hash: w.hash,
                            witness: Witness::AuditEntry(l.seq),
                        });
                    }
                    Ok(())
                })
            },
        )
        .await?;
        v.finish()?;
        Ok((v, claims))
    }

    /// Folds the log a page of cases at a time and compares each page's stored personal data
    /// and read-model rows with it. The rows are read after the log, in one snapshot, over the
    /// same range of case ids (the last range runs to the end, so rows of no case are seen).
    async fn compare_derived(
        &self,
        findings: &mut Vec<Finding>,
    ) -> Result<(usize, usize), AppError> {
        let (mut cases, mut changed) = (0, 0);
        let mut after = String::new();
        loop {
            let streams = self.db().read_streams(&after, CASES_PAGE).await?;
            let upto = streams.last().map(|s| s.case_id.clone());
            let folded: BTreeMap<_, _> = tokio::task::spawn_blocking(move || fold_streams(streams))
                .await
                .map_err(|e| StoreError::Unavailable(format!("a verification stopped: {e}")))??
                .into_iter()
                .collect();
            let stored = integrity::stored_rows(&**self.db(), &after, upto.as_deref()).await?;
            let compared = integrity::compare(&folded, &stored);
            cases += compared.cases;
            changed += compared.changed;
            findings.extend(compared.differences.into_iter().map(Finding::Derived));
            match upto {
                Some(last) => after = last,
                None => return Ok((cases, changed)),
            }
        }
    }
}

/// Checks a whole chain: reads its pages in order with `read` (the `size` rows after a given
/// position), and `check`s them on a blocking thread while the next two are read. An intact
/// chain's positions have no gaps, so the page after next is read at once from where it should
/// start; when the page before it ends elsewhere, that guess is dropped and the chain is read on
/// from where it really ended (the verifier then reports the gap).
async fn chain<P, R, S>(
    mut v: S,
    size: i64,
    read: impl Fn(i64) -> R,
    last: impl Fn(&P) -> Option<i64>,
    check: fn(&P, &mut S) -> Result<(), BrokenLink>,
) -> Result<S, AppError>
where
    P: Send + 'static,
    S: Send + 'static,
    R: std::future::Future<Output = Result<P, StoreError>>,
{
    let mut pages = vec![read(0).await?];
    while let Some(after) = pages.last().and_then(&last) {
        let hashing = tokio::task::spawn_blocking(move || {
            pages.iter().try_for_each(|p| check(p, &mut v)).map(|()| v)
        });
        let (next, guess) = tokio::join!(read(after), read(after + size));
        v = hashing
            .await
            .map_err(|e| StoreError::Unavailable(format!("a verification stopped: {e}")))??;
        let next = next?;
        let full = last(&next) == Some(after + size);
        pages = vec![next];
        if full {
            // An empty page ends the loop; the pages before it must still be checked.
            let guess = guess?;
            if last(&guess).is_some() {
                pages.push(guess);
            }
        }
    }
    Ok(v)
}
