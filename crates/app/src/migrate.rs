//! Moving a deployment from one store to another (SQLite to PostgreSQL, say): the event log
//! with its chain, personal data with its salts, the audit trail and the accounts, then the read
//! models rebuilt. The copy is checked link by link against the source.

use crate::anchors::Anchors;
use std::collections::HashMap;

use probity_domain::event::MatterLogged;
use probity_domain::{CaseId, Event, Reference};
use probity_store::AccountStore;
use probity_store::{Action, Append, AuditEntry, Head, NewEvent, StoreError};

use crate::casebook::{AppError, Casebook, decode};

/// What was moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub events: i64,
    pub cases: i64,
    pub audit_entries: i64,
    pub users: usize,
    pub head: Option<Head>,
}

/// Copies everything from `from` into the empty store `to`. API tokens and sessions are not
/// copied: they are secrets bound to the old deployment; issue new tokens after the move.
/// `stamp` makes the audit entry that records each account copied into the new store.
pub(crate) async fn migrate_store(
    from: &Casebook,
    to: &Casebook,
    stamp: &dyn Fn(Action, &str, &str) -> AuditEntry,
    progress: &dyn Fn(&str),
) -> Result<Moved, AppError> {
    let target = to.counts().await?;
    let target_audit = to.db().read_audit(0, 1, None).await?;
    if target.events > 0 || !target_audit.is_empty() || !to.db().users().await?.is_empty() {
        return Err(AppError::BadInput(
            "the target store is not empty: move into a new database".into(),
        ));
    }
    progress("checking the source chains");
    let (source, _) = from.verify_chains(&Anchors::default()).await?;

    progress("copying the event log and personal data");
    let mut references: HashMap<String, Reference> = HashMap::new();
    let mut after = 0;
    loop {
        let page = from.db().read_log(after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.position;
        let mut batch: Vec<Append> = Vec::new();
        for r in &page {
            let event = if r.version == 1 {
                Some(decode(r)?)
            } else {
                None
            };
            if let Some(Event::MatterLogged(MatterLogged { reference, .. })) = &event {
                references.insert(r.case_id.clone(), reference.clone());
            }
            let case_id = CaseId::parse(&r.case_id)
                .ok_or_else(|| StoreError::Corrupt(format!("'{}' is not a case id", r.case_id)))?;
            let new = NewEvent {
                kind: r.kind.clone(),
                payload: r.payload.clone(),
                actor: r.actor.clone(),
                recorded_at: r.recorded_at,
            };
            // Runs of one case's consecutive events become one append, so positions, and with
            // them every link of the chain, come out as in the source.
            match batch.last_mut() {
                Some(a) if a.case_id == case_id => a.events.push(new),
                _ => {
                    let reference = references.get(&r.case_id).cloned().ok_or_else(|| {
                        StoreError::Corrupt(format!("case {} has no matter logged", r.case_id))
                    })?;
                    let personal_data = if r.version == 1 {
                        from.db().sealed_personal_data(case_id).await?
                    } else {
                        Vec::new()
                    };
                    // The read models are rebuilt once the log is across.
                    batch.push(Append {
                        case_id,
                        reference,
                        expected_version: (r.version - 1) as u64,
                        events: vec![new],
                        personal_data,
                        erase: Vec::new(),
                        read_models: Vec::new(),
                        statements: Vec::new(),
                        // The audit trail is copied as it is, ties and all.
                        written_by: Vec::new(),
                    });
                }
            }
        }
        // A case's personal data is written with its first event; parties added later are
        // already in that set, since the source holds the data of all of them.
        to.db().append(&batch, &[]).await?;
        progress(&format!("  {after} events"));
    }

    progress("copying the audit trail");
    let mut seq = 0;
    loop {
        let page = from.db().read_audit(seq, 5_000, None).await?;
        let Some(last) = page.last() else { break };
        seq = last.seq;
        let entries: Vec<_> = page.into_iter().map(|r| r.entry).collect();
        to.db().audit(&entries).await?;
    }

    progress("copying the signed checkpoints");
    let checkpoints = probity_store::anchor::checkpoints(&**from.db()).await?;
    let inserts: Vec<_> = checkpoints.iter().map(|c| c.insert()).collect();
    to.db().execute(&inserts, &[]).await?;

    progress("checking the copy");
    let (copied, _) = to.verify_chains(&Anchors::default()).await?;
    if copied.events != source.events || copied.head != source.head {
        return Err(StoreError::Corrupt(format!(
            "the copied event log ends at {:?}, the source at {:?}",
            copied.head, source.head
        ))
        .into());
    }
    if copied.audit_entries != source.audit_entries || copied.audit_head != source.audit_head {
        return Err(StoreError::Corrupt(
            "the copied audit trail does not end where the source's does".into(),
        )
        .into());
    }

    progress("copying accounts");
    let users = from.db().users().await?;
    for u in &users {
        let entry = stamp(Action::UserMigrated, &u.username, &u.role);
        to.db().add_user(u, &entry).await?;
    }

    // Newer bank holidays first: the read models are counted with them.
    progress("copying the imported bank holidays and the outbox of notices");
    probity_store::holidays::copy(&**from.db(), &**to.db()).await?;
    probity_store::projection::set_calendar(probity_store::holidays::calendar(&**to.db()).await?);
    probity_store::outbox::copy(&**from.db(), &**to.db()).await?;

    progress("rebuilding the read models");
    let counts = to.rebuild().await?;
    Ok(Moved {
        events: copied.events,
        cases: counts.cases,
        audit_entries: copied.audit_entries,
        users: users.len(),
        head: copied.head,
    })
}
