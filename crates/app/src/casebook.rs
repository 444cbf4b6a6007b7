//! The application service: load a case, decide, append. The CLI and the server call this
//! and nothing else to change a case.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use probity_domain::command::*;
use probity_domain::party::PersonalData;
use probity_domain::{Case, CaseId, Command, Context, Event, PartyId, Reference, Refusal, decide};
use probity_store::projection::project;
use probity_store::{
    Append, AuditEntry, AuditStore, BrokenLink, CaseStream, Counts, EventRecord, EventStore, Head,
    NewEvent, StoreError, Verifier,
};

use crate::db::Db;
use crate::recent::RecentFiles;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("no case has the reference {0}")]
    NotFound(Reference),
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Broken(#[from] BrokenLink),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Denied(probity_domain::access::Denial),
    #[error("the user name or password is wrong, or the session has ended")]
    Unauthenticated,
    #[error("too many failed log-ins: wait a quarter of an hour and try again")]
    Throttled,
}

/// A case as stored: its state and its log.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub case_id: CaseId,
    pub case: Case,
    pub records: Vec<EventRecord>,
    pub events: Vec<Event>,
}

/// What an accepted command did.
#[derive(Debug, Clone)]
pub struct Executed {
    pub records: Vec<EventRecord>,
    pub version: u64,
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: i64,
    pub head: Option<Head>,
    pub audit_entries: i64,
    pub audit_head: Option<probity_store::Hash>,
}

pub(crate) fn decode(record: &EventRecord) -> Result<Event, StoreError> {
    serde_json::from_str(&record.payload).map_err(|e| {
        StoreError::Corrupt(format!(
            "event at position {} does not decode: {e}",
            record.position
        ))
    })
}

/// Reads a command from JSON. Personal data given without a salt is sealed here with a fresh
/// one, so clients never handle salts.
pub fn command_from_json(mut value: serde_json::Value) -> Result<Command, AppError> {
    if let Some(pd) = value.get_mut("personal_data")
        && pd.is_object()
        && pd.get("salt").is_none()
    {
        let data = pd.take();
        *pd =
            serde_json::json!({ "data": data, "salt": probity_domain::hex::encode(&fresh_salt()) });
    }
    serde_json::from_value(value)
        .map_err(|e| AppError::BadInput(format!("the command is not understood: {e}")))
}

/// Fills the salt of personal data from the operating system.
pub fn fresh_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system provides randomness");
    salt
}

fn new_events(events: &[Event], ctx: &Context) -> Vec<NewEvent> {
    events
        .iter()
        .map(|e| NewEvent {
            kind: e.name().to_string(),
            payload: serde_json::to_string(e).expect("events serialise"),
            actor: ctx.actor.id.clone(),
            recorded_at: ctx.at.as_microsecond(),
        })
        .collect()
}

/// The audit entry for a command on a case.
pub(crate) fn command_entry(
    ctx: &Context,
    role: &str,
    command: &Command,
    reference: &Reference,
    outcome: &str,
    detail: &str,
) -> AuditEntry {
    AuditEntry {
        recorded_at: ctx.at.as_microsecond(),
        actor: ctx.actor.id.clone(),
        role: role.to_string(),
        action: format!("case.command.{}", command.name()),
        target: reference.to_string(),
        outcome: outcome.to_string(),
        purpose: "case work".to_string(),
        detail: detail.to_string(),
    }
}

/// A case being changed within one batch.
struct Pending {
    case: Case,
    expected_version: u64,
    events: Vec<NewEvent>,
    personal_data: Vec<(
        probity_domain::PartyId,
        probity_domain::party::SealedPersonalData,
    )>,
    erase: Vec<probity_domain::PartyId>,
    grid_changed: bool,
}

#[derive(Debug, Clone)]
pub struct Casebook {
    db: Db,
    recent: std::sync::Arc<RecentFiles>,
}

impl Casebook {
    pub fn new(db: Db) -> Self {
        Casebook {
            db,
            recent: Default::default(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Case files recently built by this process.
    pub fn recent(&self) -> &RecentFiles {
        &self.recent
    }

    async fn state(
        &self,
        case_id: CaseId,
    ) -> Result<(Case, Vec<EventRecord>, Vec<Event>), AppError> {
        let records = self.db.read_case(case_id).await?;
        let events = records.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        let case = Case::replay(&events);
        Ok((case, records, events))
    }

    /// The stored case, or `NotFound`.
    pub async fn load(&self, reference: &Reference) -> Result<Loaded, AppError> {
        let case_id = CaseId::for_reference(reference);
        let (case, records, events) = self.state(case_id).await?;
        if records.is_empty() {
            return Err(AppError::NotFound(reference.clone()));
        }
        Ok(Loaded {
            case_id,
            case,
            records,
            events,
        })
    }

    /// The stored case with its parties' personal data, read in one trip: what a case file needs.
    pub async fn load_with_personal_data(
        &self,
        reference: &Reference,
    ) -> Result<(Loaded, BTreeMap<PartyId, PersonalData>), AppError> {
        let case_id = CaseId::for_reference(reference);
        let (records, personal) = self.db.read_case_file(case_id).await?;
        if records.is_empty() {
            return Err(AppError::NotFound(reference.clone()));
        }
        let events = records.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        let case = Case::replay(&events);
        let loaded = Loaded {
            case_id,
            case,
            records,
            events,
        };
        Ok((loaded, personal.into_iter().collect()))
    }

    /// Runs one command on the case `reference` in its own transaction. With
    /// `expected_version`, a case that has moved on since the caller read it is refused.
    pub async fn execute(
        &self,
        reference: &Reference,
        command: &Command,
        ctx: &Context,
        expected_version: Option<u64>,
        role: &str,
    ) -> Result<Executed, AppError> {
        let executed = self
            .execute_batch(
                &[(reference.clone(), command.clone(), ctx.clone())],
                expected_version,
                role,
            )
            .await?;
        Ok(executed.into_iter().next().expect("one case in, one out"))
    }

    /// Runs commands in order, all in one transaction: every command is accepted and stored,
    /// or none is. `expected_version` applies to the first case named.
    pub async fn execute_batch(
        &self,
        items: &[(Reference, Command, Context)],
        expected_version: Option<u64>,
        role: &str,
    ) -> Result<Vec<Executed>, AppError> {
        self.execute_batch_from(items, expected_version, role, None)
            .await
    }

    /// Runs one command on a case the caller has just loaded (to check access), without reading
    /// it again. The version it was loaded at is the version the append expects, so a change in
    /// between is refused, not merged.
    pub(crate) async fn execute_loaded(
        &self,
        reference: &Reference,
        command: &Command,
        ctx: &Context,
        role: &str,
        case: Case,
    ) -> Result<Executed, AppError> {
        let version = case.version;
        let items = [(reference.clone(), command.clone(), ctx.clone())];
        let executed = self
            .execute_batch_from(&items, Some(version), role, Some(case))
            .await?;
        Ok(executed.into_iter().next().expect("one case in, one out"))
    }

    async fn execute_batch_from(
        &self,
        items: &[(Reference, Command, Context)],
        expected_version: Option<u64>,
        role: &str,
        mut preloaded: Option<Case>,
    ) -> Result<Vec<Executed>, AppError> {
        let mut audit = Vec::with_capacity(items.len());
        let mut pending: BTreeMap<CaseId, Pending> = BTreeMap::new();
        let mut order: Vec<CaseId> = Vec::new();
        for (i, (reference, command, ctx)) in items.iter().enumerate() {
            if let Command::LogMatter(LogMatter {
                reference: named, ..
            }) = command
                && named != reference
            {
                return Err(AppError::BadInput(format!(
                    "the command logs {named} but was sent for {reference}"
                )));
            }
            let case_id = CaseId::for_reference(reference);
            let p = match pending.entry(case_id) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => {
                    let case = match preloaded.take() {
                        Some(case) if i == 0 => case,
                        _ => self.state(case_id).await?.0,
                    };
                    if case.version == 0 && !matches!(command, Command::LogMatter(LogMatter { .. }))
                    {
                        return Err(AppError::NotFound(reference.clone()));
                    }
                    if i == 0
                        && let Some(expected) = expected_version
                        && expected != case.version
                    {
                        return Err(StoreError::Conflict {
                            case: reference.to_string(),
                            expected,
                            actual: case.version,
                        }
                        .into());
                    }
                    order.push(case_id);
                    v.insert(Pending {
                        expected_version: case.version,
                        case,
                        events: Vec::new(),
                        personal_data: Vec::new(),
                        erase: Vec::new(),
                        grid_changed: false,
                    })
                }
            };
            let decision = decide(&p.case, command, ctx)?;
            for e in &decision.events {
                p.case.apply(e);
                p.grid_changed |= e.touches_grid();
            }
            p.events.extend(new_events(&decision.events, ctx));
            audit.push(command_entry(ctx, role, command, reference, "allowed", ""));
            p.personal_data.extend(decision.personal_data);
            p.erase.extend(decision.erase);
        }
        let mut appends = Vec::with_capacity(order.len());
        for case_id in &order {
            let p = pending
                .remove(case_id)
                .expect("every ordered case is pending");
            if p.events.is_empty() {
                continue;
            }
            let version = p.case.version;
            appends.push((
                Append {
                    case_id: *case_id,
                    expected_version: p.expected_version,
                    events: p.events,
                    personal_data: p.personal_data,
                    erase: p.erase,
                    projection: project(*case_id, &p.case).expect("an appended case is open"),
                    grid_changed: p.grid_changed,
                },
                version,
            ));
        }
        let batch: Vec<Append> = appends.iter().map(|(a, _)| a.clone()).collect();
        let records = self.db.append(&batch, &audit).await;
        // Whether or not the append landed, files built before it may be stale now.
        self.recent.forget(batch.iter().map(|a| a.case_id));
        let records = records?;
        let mut out = Vec::with_capacity(appends.len());
        let mut rest = records.as_slice();
        for (a, version) in &appends {
            let (mine, tail) = rest.split_at(a.events.len());
            out.push(Executed {
                records: mine.to_vec(),
                version: *version,
            });
            rest = tail;
        }
        Ok(out)
    }

    /// Recomputes both chains, the event log and the audit trail, from their first records.
    pub async fn verify(&self) -> Result<Verified, AppError> {
        let mut v = Verifier::default();
        loop {
            let page = self.db.read_log(v.position, 10_000).await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                v.check(r)?;
            }
        }
        let mut a = Verifier::for_chain("audit");
        loop {
            let page = self.db.read_audit(a.position, 10_000, None).await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                a.check(r)?;
            }
        }
        Ok(Verified {
            events: v.position,
            head: self.db.head().await?,
            audit_entries: a.position,
            audit_head: (a.position > 0).then_some(a.head),
        })
    }

    /// Every case's state, folded from its stream.
    pub async fn replay_all(&self) -> Result<BTreeMap<String, Case>, AppError> {
        let mut cases: BTreeMap<String, Case> = BTreeMap::new();
        let mut page = self.db.read_streams("", 1_000).await?;
        // Each page is decoded and folded on another thread while the next one is read.
        while let Some(last) = page.last() {
            let after = last.case_id.clone();
            let folding = tokio::task::spawn_blocking(move || fold_streams(page));
            page = self.db.read_streams(&after, 1_000).await?;
            let folded = folding
                .await
                .map_err(|e| StoreError::Unavailable(format!("a replay stopped: {e}")))??;
            cases.extend(folded);
        }
        Ok(cases)
    }

    /// Rebuilds every read model from the log.
    pub async fn rebuild(&self) -> Result<Counts, AppError> {
        let cases = self.replay_all().await?;
        let mut projections = Vec::with_capacity(cases.len());
        for (id, case) in &cases {
            let case_id = CaseId::parse(id)
                .ok_or_else(|| StoreError::Corrupt(format!("'{id}' is not a case id")))?;
            if let Some(p) = project(case_id, case) {
                projections.push(p);
            }
        }
        self.db.replace_read_models(&projections).await?;
        Ok(self.db.counts().await?)
    }

    pub async fn counts(&self) -> Result<Counts, AppError> {
        Ok(self.db.counts().await?)
    }
}

/// Decodes and folds whole case streams into cases.
fn fold_streams(streams: Vec<CaseStream>) -> Result<Vec<(String, Case)>, StoreError> {
    streams
        .into_iter()
        .map(|stream| {
            let mut case = Case::default();
            for (i, payload) in stream.payloads.iter().enumerate() {
                let e: Event = serde_json::from_str(payload).map_err(|e| {
                    StoreError::Corrupt(format!(
                        "event {} of case {} does not decode: {e}",
                        i + 1,
                        stream.case_id
                    ))
                })?;
                case.apply(&e);
            }
            Ok((stream.case_id, case))
        })
        .collect()
}
