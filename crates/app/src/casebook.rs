//! The engine behind the desk: fold a case's events, decide commands on the folded state, and
//! append what the core yields with the read models and the audit entries in one transaction.
//! It decides no access and writes no audit entry of its own choosing: the desk does both.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use probity_domain::command::LogMatter;
use probity_domain::event;
use probity_domain::party::{PersonalData, SealedPersonalData, SubjectRecord};
use probity_domain::{Case, CaseId, Command, Context, Event, PartyId, Reference, Refusal, decide};
use probity_store::projection::{changes, project};
use probity_store::{
    Append, AuditEntry, BrokenLink, CaseStream, Counts, EventRecord, NewEvent, StoreError, query,
};

use crate::db::Db;
use crate::recent::RecentFiles;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("no case has the reference {0}")]
    NotFound(Reference),
    /// Something within a case that is not there (a letter sent that was never sent).
    #[error("{0}")]
    Missing(String),
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Broken(#[from] BrokenLink),
    /// What verification found besides a broken chain: personal data, read models, checkpoints.
    #[error("verification found {} problems", .0.len())]
    Tampered(Vec<crate::verification::Finding>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Denied(probity_domain::access::Denial),
    #[error("the user name or password is wrong, or the session has ended")]
    Unauthenticated,
    #[error("too many failed log-ins: wait a quarter of an hour and try again")]
    Throttled,
}

impl AppError {
    /// True when the case does not exist for the caller: not in the store, or refused because
    /// no matter was logged under the reference. Both read as "no such case".
    pub fn is_no_such_case(&self) -> bool {
        match self {
            AppError::NotFound(_) => true,
            AppError::Refused(r) => r.rule == probity_domain::Rule::CaseNotOpen,
            _ => false,
        }
    }
}

/// A case as stored: its state and its log.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub case_id: CaseId,
    pub case: Case,
    pub records: Vec<EventRecord>,
    pub events: Vec<Event>,
}

impl Loaded {
    /// Decodes a case's stored events and folds them into its state.
    fn fold(case_id: CaseId, records: Vec<EventRecord>) -> Result<Loaded, StoreError> {
        let events = records.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        Ok(Loaded {
            case_id,
            case: Case::replay(&events),
            records,
            events,
        })
    }
}

/// What an accepted command did.
#[derive(Debug, Clone)]
pub struct Executed {
    pub records: Vec<EventRecord>,
    pub version: u64,
}

/// The London day of a stored `recorded_at`, with which old event versions are upcast.
fn recorded_on(recorded_at: i64) -> jiff::civil::Date {
    jiff::Timestamp::from_microsecond(recorded_at)
        .map(|t| probity_domain::london().to_datetime(t).date())
        .unwrap_or(probity_domain::EARLIEST)
}

pub(crate) fn decode(record: &EventRecord) -> Result<Event, StoreError> {
    event::decode(&record.payload, recorded_on(record.recorded_at)).map_err(|e| {
        StoreError::Corrupt(format!(
            "event at position {} does not decode: {e}",
            record.position
        ))
    })
}

/// Reads a command from JSON. Personal data given without a salt is sealed here with a fresh
/// one, so clients never handle salts.
pub fn command_from_json(mut value: serde_json::Value) -> Result<Command, AppError> {
    if let Some(at) = control_character(&value, "command") {
        return Err(AppError::BadInput(format!(
            "{at} holds a control character (only line breaks and tabs may be sent)"
        )));
    }
    if let Some(pd) = value.get_mut("personal_data")
        && pd.is_object()
        && pd.get("salt").is_none()
    {
        let salt = serde_json::Value::String(probity_domain::hex::encode(&fresh_salt()));
        if pd.get("data").is_some() {
            // Sealed in form, without a salt: the salt is drawn here.
            pd["salt"] = salt;
        } else {
            let data = pd.take();
            *pd = serde_json::json!({ "data": data, "salt": salt });
        }
    }
    serde_json::from_value(value)
        .map_err(|e| AppError::BadInput(format!("the command is not understood: {e}")))
}

/// Where in `value` a string holds a control character other than a line break or a tab
/// (a NUL, an escape sequence): such text is refused, never stored.
fn control_character(value: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .then(|| at.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_character(v, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields
            .iter()
            .find_map(|(k, v)| control_character(v, &format!("{at}.{k}"))),
        _ => None,
    }
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

/// One command to commit: the case, the command, who acts and when, and the audit entry that
/// records it (in the same transaction as its events).
pub(crate) struct Item<'a> {
    pub reference: &'a Reference,
    pub command: &'a Command,
    pub ctx: &'a Context,
    pub audit: AuditEntry,
}

/// The state the first command is decided on (as just read), and the version its append
/// expects (what the caller saw). The store refuses the append if the two differ.
pub(crate) struct Basis {
    pub case: Case,
    pub expected_version: u64,
}

/// Why a commit wrote nothing: the error, and which item caused it when one did.
#[derive(Debug)]
pub(crate) struct Failure {
    pub at: Option<usize>,
    pub error: AppError,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure {
            at: None,
            error: e.into(),
        }
    }
}

/// A case being changed within one batch.
struct Pending {
    reference: Reference,
    /// The case as read, whose read-model rows the store holds.
    before: Case,
    case: Case,
    expected_version: u64,
    events: Vec<NewEvent>,
    personal_data: Vec<(PartyId, SealedPersonalData)>,
    erase: Vec<PartyId>,
    /// Each command's audit entry (its index) and how many of `events` it wrote.
    written_by: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Casebook {
    db: Db,
    recent: std::sync::Arc<RecentFiles>,
}

impl Casebook {
    pub(crate) fn new(db: Db) -> Self {
        Casebook {
            db,
            recent: Default::default(),
        }
    }

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// Case files recently built by this process.
    pub(crate) fn recent(&self) -> &RecentFiles {
        &self.recent
    }

    /// The stored case (with no events, and version 0, when there is none).
    pub(crate) async fn load(&self, reference: &Reference) -> Result<Loaded, AppError> {
        let case_id = CaseId::for_reference(reference);
        let records = self.db.read_case(case_id).await?;
        Ok(Loaded::fold(case_id, records)?)
    }

    /// What the rest of the record holds about the subjects `command` concerns on `case`: their
    /// warnings in other cases, found by force and service number. Read only for the commands
    /// whose rules depend on a person's record (a live final written warning, PCR 2020 reg 23).
    pub(crate) async fn subject_records(
        &self,
        reference: &Reference,
        case: &Case,
        command: &Command,
    ) -> Result<Vec<SubjectRecord>, AppError> {
        use probity_domain::CommandKind as K;
        use probity_domain::party::PartyRole;
        let mut people: Vec<(probity_domain::force::Force, String)> = match command.kind() {
            K::AddParty
            | K::AssessSeverity
            | K::ProposeAction
            | K::AnswerProposal
            | K::ConcludeProceedings
            | K::DetermineAppeal => case
                .subjects()
                .filter_map(|p| p.subject_profile())
                .filter_map(|s| Some((s.force, s.service_number.clone()?)))
                .collect(),
            _ => return Ok(Vec::new()),
        };
        if let Command::AddParty(add) = command
            && let PartyRole::Subject(s) = &add.role
        {
            people.extend(s.service_number.clone().map(|n| (s.force, n)));
        }
        people.sort_by(|a, b| (a.0.code(), &a.1).cmp(&(b.0.code(), &b.1)));
        people.dedup();
        let mut records = Vec::new();
        for (force, number) in people {
            let mut sanctions = Vec::new();
            for (other, party) in query::subject_cases(&*self.db, force, &number).await? {
                if &other == reference {
                    continue;
                }
                sanctions.extend(self.load(&other).await?.case.sanctions_on_record(party));
            }
            if !sanctions.is_empty() {
                records.push(SubjectRecord {
                    force,
                    service_number: number,
                    sanctions,
                });
            }
        }
        Ok(records)
    }

    /// The stored case with its parties' personal data, read in one trip: what a case file needs.
    pub(crate) async fn load_with_personal_data(
        &self,
        reference: &Reference,
    ) -> Result<(Loaded, BTreeMap<PartyId, PersonalData>), AppError> {
        let case_id = CaseId::for_reference(reference);
        let (records, personal) = self.db.read_case_file(case_id).await?;
        if records.is_empty() {
            return Err(AppError::NotFound(reference.clone()));
        }
        Ok((
            Loaded::fold(case_id, records)?,
            personal.into_iter().collect(),
        ))
    }

    /// Decides the commands in order and appends everything they yield in one transaction,
    /// with one audit entry per command: every command is accepted and stored, or none is.
    /// `basis` is the state the first command was prepared against; every other case is read
    /// here, and each append expects the version its case was decided on.
    pub(crate) async fn commit(
        &self,
        items: &[Item<'_>],
        mut basis: Option<Basis>,
    ) -> Result<Vec<Executed>, Failure> {
        let mut audit = Vec::with_capacity(items.len());
        let mut pending: BTreeMap<CaseId, Pending> = BTreeMap::new();
        let mut order: Vec<CaseId> = Vec::new();
        for (at, item) in items.iter().enumerate() {
            let at_item = |error: AppError| Failure {
                at: Some(at),
                error,
            };
            let reference = item.reference;
            if let Command::LogMatter(LogMatter {
                reference: named, ..
            }) = item.command
                && named != reference
            {
                return Err(at_item(AppError::BadInput(format!(
                    "the command logs {named} but was sent for {reference}"
                ))));
            }
            let case_id = CaseId::for_reference(reference);
            let p = match pending.entry(case_id) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => {
                    let Basis {
                        case,
                        expected_version,
                    } = match basis.take() {
                        Some(b) => b,
                        None => {
                            let case = self.load(reference).await.map_err(at_item)?.case;
                            Basis {
                                expected_version: case.version,
                                case,
                            }
                        }
                    };
                    order.push(case_id);
                    v.insert(Pending {
                        reference: reference.clone(),
                        before: case.clone(),
                        case,
                        expected_version,
                        events: Vec::new(),
                        personal_data: Vec::new(),
                        erase: Vec::new(),
                        written_by: Vec::new(),
                    })
                }
            };
            let decision =
                decide(&p.case, item.command, item.ctx).map_err(|r| at_item(r.into()))?;
            for e in &decision.events {
                p.case.apply(e);
            }
            p.events.extend(new_events(&decision.events, item.ctx));
            if !decision.events.is_empty() {
                p.written_by.push((audit.len(), decision.events.len()));
            }
            audit.push(item.audit.clone());
            p.personal_data.extend(decision.personal_data);
            p.erase.extend(decision.erase);
        }
        let mut appends = Vec::with_capacity(order.len());
        let mut versions = Vec::with_capacity(order.len());
        for case_id in &order {
            let p = pending
                .remove(case_id)
                .expect("every ordered case is pending");
            if p.events.is_empty() {
                continue;
            }
            versions.push(p.case.version);
            let statements = probity_store::outbox::notices(
                *case_id,
                &p.reference,
                &p.before,
                &p.case,
                jiff::Timestamp::now(),
            );
            appends.push(Append {
                case_id: *case_id,
                statements,
                reference: p.reference,
                expected_version: p.expected_version,
                events: p.events,
                personal_data: p.personal_data,
                erase: p.erase,
                read_models: changes(*case_id, &p.before, &p.case),
                written_by: p.written_by,
            });
        }
        let records = self.db.append(&appends, &audit).await;
        // Whether or not the append landed, files built before it may be stale now.
        self.recent.forget(appends.iter().map(|a| a.case_id));
        let records = records?;
        let mut out = Vec::with_capacity(appends.len());
        let mut rest = records.as_slice();
        for (a, version) in appends.iter().zip(versions) {
            let (mine, tail) = rest.split_at(a.events.len());
            out.push(Executed {
                records: mine.to_vec(),
                version,
            });
            rest = tail;
        }
        Ok(out)
    }

    /// Every case's state, folded from its stream.
    pub(crate) async fn replay_all(&self) -> Result<BTreeMap<String, Case>, AppError> {
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
    pub(crate) async fn rebuild(&self) -> Result<Counts, AppError> {
        let cases = self.replay_all().await?;
        let mut rows = Vec::with_capacity(cases.len() * 5);
        for (id, case) in &cases {
            let case_id = CaseId::parse(id)
                .ok_or_else(|| StoreError::Corrupt(format!("'{id}' is not a case id")))?;
            rows.extend(project(case_id, case));
        }
        self.db.replace_read_models(&rows).await?;
        self.counts().await
    }

    pub(crate) async fn counts(&self) -> Result<Counts, AppError> {
        Ok(query::counts(&*self.db).await?)
    }
}

/// Decodes and folds whole case streams into cases.
pub(crate) fn fold_streams(streams: Vec<CaseStream>) -> Result<Vec<(String, Case)>, StoreError> {
    streams
        .into_iter()
        .map(|stream| {
            let mut case = Case::default();
            for (i, (payload, at)) in stream.payloads.iter().zip(&stream.recorded_at).enumerate() {
                let e = event::decode(payload, recorded_on(*at)).map_err(|e| {
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
