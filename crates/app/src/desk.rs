//! The desk: everything a principal does, each operation asking the core's access policy
//! first and leaving exactly one entry in the audit trail, whether it was done, denied, refused
//! by a rule, or failed. The web server and the command line reach the shell only through a
//! desk; an [`Office`](crate::Office) hands them one.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use probity_domain::PartyId;
use probity_domain::access::ReadPurpose;
use probity_domain::access::{self, Access, CaseAccess, Denial, Principal, Visibility};
use probity_domain::calendar::Calendar;
use probity_domain::command::{CommandKind, LogMatter, SendLetter};
use probity_domain::letter::{self, Addressee, Letter, LetterRequest};
use probity_domain::party::PersonalData;
use std::collections::BTreeMap;

use crate::letters::{PreparedLetter, Recipient};
use probity_domain::force::Force;
use probity_domain::{CaseId, Command, Context, Reference, london};
use probity_store::AccountStore;
use probity_store::{
    Action, AuditEntry, AuditQuery, AuditRecord, CaseQuery, CaseRow, Counts, Outcome, OverdueLine,
    Page, StoreError, SubjectHistoryRow, UserRecord, WorkPage, WorkQuery, query,
};

use crate::accounts::{
    NewUser, Secret, check_password_strength, check_username, hash_off_thread, verify_off_thread,
};
use crate::anchors::{Anchors, Signer};
use crate::case_file::{CaseFile, case_file_of};
use crate::casebook::{AppError, Basis, Casebook, Executed, Failure, Item};
use crate::recent::BuiltFile;
use crate::verification::Verified;
use probity_store::anchor::Checkpoint;
use probity_store::outbox::{self, OutboxCounts};

/// Why a user reads something, recorded with the read when they give no reason of their own.
pub const DEFAULT_PURPOSE: &str = ReadPurpose::CASE_WORK.code();
const ACCOUNTS: &str = "account management";
const MAINTENANCE: &str = "maintenance";

/// A letter with its addressee's name and address, and the command that sends it.
fn prepared(
    made: Letter,
    personal: &BTreeMap<PartyId, PersonalData>,
    version: u64,
    sent_on: Option<Date>,
) -> PreparedLetter {
    let recipient = match made.to {
        Addressee::Party(p) => personal.get(&p).map(|d| Recipient {
            name: d.name.clone(),
            address: d.address.clone(),
        }),
        Addressee::Bodies(_) => None,
    };
    let digest = made.digest();
    PreparedLetter {
        send: Command::SendLetter(SendLetter {
            letter: made.request.clone(),
            digest: digest.clone(),
        }),
        letter: made,
        digest,
        recipient,
        version,
        sent_on,
    }
}

/// How a principal came in; the audit trail says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// A session or an API token.
    Web,
    /// The command line, on the machine that holds the database.
    Console,
}

/// A principal's access to the casebook. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Desk {
    book: Arc<Casebook>,
    who: Principal,
    door: Door,
}

pub(crate) fn today() -> Date {
    london().to_datetime(Timestamp::now()).date()
}

/// What `who` may see in lists and histories, or the denial of a role that lists nothing.
fn viewer(who: &Principal) -> Result<Visibility, Denial> {
    access::visibility(who, today()).ok_or(Denial::Role(who.role.code()))
}

/// Why an import batch wrote nothing, and the command that stopped it when one did.
#[derive(Debug)]
pub struct Stopped {
    pub at: Option<usize>,
    pub error: AppError,
}

impl Desk {
    pub(crate) fn new(book: Arc<Casebook>, who: Principal, door: Door) -> Desk {
        Desk { book, who, door }
    }

    pub fn principal(&self) -> &Principal {
        &self.who
    }

    /// Whether this principal's role reads the audit trail: what a page asks before offering it.
    pub fn may_read_audit(&self) -> bool {
        access::authorize_role(&self.who, Access::ViewAudit, today()).is_ok()
    }

    /// Whether this principal's role administers accounts.
    pub fn may_manage_users(&self) -> bool {
        access::authorize_role(&self.who, Access::ManageUsers, today()).is_ok()
    }

    /// Whether this principal's role counts statistics.
    pub fn may_view_statistics(&self) -> bool {
        access::authorize_role(&self.who, Access::ViewStatistics, today()).is_ok()
    }

    /// Whether this principal's role lists cases (and so has work queues).
    pub fn may_list_cases(&self) -> bool {
        access::may_list_cases(&self.who)
    }

    /// Whether this principal's role may ever run `kind` (on some case they may see): what a
    /// page asks before offering a form. Nothing is recorded; running it decides again.
    pub fn may_run(&self, kind: CommandKind) -> bool {
        access::authorize_role(&self.who, Access::Command(kind), today()).is_ok()
    }

    pub fn door(&self) -> Door {
        self.door
    }

    /// An audit entry for something this principal did now.
    fn entry(
        &self,
        action: Action,
        target: &str,
        outcome: Outcome,
        purpose: &str,
        detail: &str,
    ) -> AuditEntry {
        AuditEntry {
            recorded_at: Timestamp::now().as_microsecond(),
            actor: match self.door {
                Door::Web => self.who.username.clone(),
                Door::Console => format!("console:{}", self.who.username),
            },
            role: self.who.role.code().to_string(),
            action,
            target: target.to_string(),
            outcome,
            purpose: purpose.to_string(),
            detail: detail.to_string(),
            wrote: None,
        }
    }

    /// The entry for filling read models a migration added.
    pub(crate) fn maintenance_entry(&self, models: &str) -> AuditEntry {
        self.entry(
            Action::ReadModelsRebuild,
            "-",
            Outcome::Allowed,
            MAINTENANCE,
            &format!("filled {models}"),
        )
    }

    /// Records an entry that accompanies no change.
    async fn record(
        &self,
        action: Action,
        target: &str,
        outcome: Outcome,
        purpose: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        self.book
            .db()
            .audit(&[self.entry(action, target, outcome, purpose, detail)])
            .await?;
        Ok(())
    }

    /// Records a denial and returns the error to answer with.
    async fn deny(&self, action: Action, target: &str, purpose: &str, denial: Denial) -> AppError {
        let detail = match denial {
            Denial::Hidden => "need-to-know",
            Denial::OtherForce => "other force",
            Denial::Role(_) => "role",
        };
        match self
            .record(action, target, Outcome::Denied, purpose, detail)
            .await
        {
            Ok(()) => AppError::Denied(denial),
            Err(e) => e,
        }
    }

    /// Asks the access policy about something that concerns no one case.
    async fn allow(
        &self,
        what: Access,
        action: Action,
        target: &str,
        purpose: &str,
    ) -> Result<(), AppError> {
        match access::authorize(&self.who, what, None, today()) {
            Ok(()) => Ok(()),
            Err(denial) => Err(self.deny(action, target, purpose, denial).await),
        }
    }

    /// Records how an operation ended, when it failed: one entry whatever happened.
    async fn failed<T>(
        &self,
        action: Action,
        target: &str,
        purpose: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        if let Err(e) = &result {
            let (outcome, detail) = match e {
                AppError::Refused(r) => (Outcome::Refused, r.rule.code().to_string()),
                AppError::Store(StoreError::Conflict { .. }) => {
                    (Outcome::Failed, "stale version".to_string())
                }
                AppError::Broken(b) => (Outcome::Failed, format!("{} chain", b.chain)),
                AppError::Tampered(f) => (Outcome::Failed, format!("{} findings", f.len())),
                AppError::NotFound(_) => (Outcome::Failed, "no such case".to_string()),
                AppError::Missing(_) => (Outcome::Failed, "not there".to_string()),
                AppError::BadInput(_) => (Outcome::Failed, "bad input".to_string()),
                // The store is unreachable: there is nowhere to record it.
                _ => return result,
            };
            self.record(action, target, outcome, purpose, &detail)
                .await?;
        }
        result
    }

    // ---- cases

    /// Runs a command, decided on the case as it stands. `expected_version` is the version the
    /// command was prepared against: the store refuses the append if the case has moved on
    /// since (the one place versions are compared). Without one, the version just read.
    pub async fn run(
        &self,
        reference: &Reference,
        command: &Command,
        expected_version: Option<u64>,
    ) -> Result<Executed, AppError> {
        self.run_on(reference, command, expected_version, None)
            .await
    }

    /// Runs a command for an act that happened on `on` (today when `None`): the events carry
    /// that day, the record the moment of entry. The core refuses a day in the future or
    /// before the matter was received.
    pub async fn run_on(
        &self,
        reference: &Reference,
        command: &Command,
        expected_version: Option<u64>,
        on: Option<Date>,
    ) -> Result<Executed, AppError> {
        let action = Action::CaseCommand(command.kind());
        let target = reference.as_str();
        let kind = Access::Command(command.kind());
        if let Err(denial) = access::authorize_role(&self.who, kind, today()) {
            return Err(self.deny(action, target, DEFAULT_PURPOSE, denial).await);
        }
        let loaded = self.book.load(reference).await?;
        let case_access = match command {
            Command::LogMatter(LogMatter { force, .. }) if loaded.case.version == 0 => CaseAccess {
                force: Some(*force),
                ..CaseAccess::default()
            },
            _ => CaseAccess::of(&loaded.case),
        };
        if let Err(denial) = access::authorize(
            &self.who,
            Access::Command(command.kind()),
            Some(&case_access),
            today(),
        ) {
            return Err(self.deny(action, target, DEFAULT_PURPOSE, denial).await);
        }
        let expected = expected_version.unwrap_or(loaded.case.version);
        let records = self
            .book
            .subject_records(reference, &loaded.case, command)
            .await?;
        // A text to publish is checked against what identifies the case's people, which only
        // their personal data holds. Read after the access check, not with the first load, so
        // no personal data is read for a request that is refused; publishing is rare.
        let identifiers = if matches!(
            command,
            Command::DraftPublication(_)
                | Command::ApprovePublication(_)
                | Command::PublishLearningResponse(_)
        ) {
            let (with_data, personal) = self.book.load_with_personal_data(reference).await?;
            probity_domain::anonymisation::identifiers_of(&with_data.case, &personal)
        } else {
            Vec::new()
        };
        let basis = Basis {
            case: loaded.case,
            expected_version: expected,
        };
        let ctx = Context::new(Timestamp::now(), &self.who.username, self.who.body)
            .dated(on)
            .with_records(records)
            .with_identifiers(identifiers);
        let item = Item {
            reference,
            command,
            ctx: &ctx,
            audit: self.entry(action, target, Outcome::Allowed, DEFAULT_PURPOSE, ""),
        };
        let done = self.book.commit(&[item], Some(basis)).await;
        let done = done.map_err(|f| f.error);
        let mut done = self.failed(action, target, DEFAULT_PURPOSE, done).await?;
        Ok(done.pop().unwrap_or(Executed {
            records: Vec::new(),
            version: expected,
        }))
    }

    /// Loads commands in bulk, each with its own actor and the day it happened (the demo, an
    /// importer), in one transaction: all or nothing. Each command is audited as done by this
    /// principal, and recorded at the moment of entry.
    pub async fn import(
        &self,
        items: &[(Reference, Command, Context)],
    ) -> Result<Vec<Executed>, AppError> {
        self.import_or_stop(items).await.map_err(|s| s.error)
    }

    /// As [`Desk::import`], saying which command stopped a batch that wrote nothing, so an
    /// importer can report that row and load the rest.
    pub async fn import_or_stop(
        &self,
        items: &[(Reference, Command, Context)],
    ) -> Result<Vec<Executed>, Stopped> {
        const PURPOSE: &str = "import";
        let stopped = |error: AppError| Stopped { at: None, error };
        let Some((reference, command, _)) = items.first() else {
            return Ok(Vec::new());
        };
        let action = Action::CaseCommand(command.kind());
        self.allow(Access::ImportCases, action, reference.as_str(), PURPOSE)
            .await
            .map_err(stopped)?;
        let now = Timestamp::now();
        let contexts: Vec<Context> = items
            .iter()
            .map(|(_, _, ctx)| Context {
                at: now,
                actor: ctx.actor.clone(),
                on: Some(ctx.on()),
                records: ctx.records.clone(),
                // An import brings what it was given: the personal data of its parties may
                // be in the same batch, not yet stored.
                identifiers: ctx.identifiers.clone(),
            })
            .collect();
        let batch: Vec<Item<'_>> = items
            .iter()
            .zip(&contexts)
            .map(|((reference, command, _), ctx)| Item {
                reference,
                command,
                ctx,
                audit: self.entry(
                    Action::CaseCommand(command.kind()),
                    reference.as_str(),
                    Outcome::Allowed,
                    PURPOSE,
                    "",
                ),
            })
            .collect();
        match self.book.commit(&batch, None).await {
            Ok(done) => Ok(done),
            Err(Failure { at, error }) => {
                // Nothing of the batch was written; one entry records why, about the command
                // that stopped it.
                let (reference, command, _) = &items[at.unwrap_or(0)];
                let action = Action::CaseCommand(command.kind());
                let Err(error) = self
                    .failed::<std::convert::Infallible>(
                        action,
                        reference.as_str(),
                        PURPOSE,
                        Err(error),
                    )
                    .await;
                Err(Stopped { at, error })
            }
        }
    }

    /// The case file, read for `purpose`: one audit entry per read. Kept files serve the reads
    /// of a case that has not changed since they were built (`recent.rs`); access is decided
    /// and the read audited every time.
    pub async fn case_file(
        &self,
        reference: &Reference,
        purpose: ReadPurpose,
    ) -> Result<Arc<CaseFile>, AppError> {
        let purpose = purpose.code();
        let target = reference.as_str();
        if let Err(denial) = access::authorize_role(&self.who, Access::ViewCaseFile, today()) {
            return Err(self.deny(Action::CaseRead, target, purpose, denial).await);
        }
        let case_id = CaseId::for_reference(reference);
        let current = query::case_version(&**self.book.db(), case_id).await?;
        let kept = current.and_then(|version| self.book.recent().get(case_id, version, today()));
        let built = match (current, kept) {
            (_, Some(kept)) => Some(kept),
            (Some(_), None) => self.build_file(case_id, reference).await?,
            (None, _) => None,
        };
        // No case, or an imported publication, which has no case file (it is public as
        // another body published it).
        let Some(file) = built else {
            self.record(
                Action::CaseRead,
                target,
                Outcome::Failed,
                purpose,
                "no such case",
            )
            .await?;
            return Err(AppError::NotFound(reference.clone()));
        };
        if let Err(denial) =
            access::authorize(&self.who, Access::ViewCaseFile, Some(&file.access), today())
        {
            return Err(self.deny(Action::CaseRead, target, purpose, denial).await);
        }
        self.record(Action::CaseRead, target, Outcome::Allowed, purpose, "")
            .await?;
        Ok(Arc::clone(&file.file))
    }

    /// Reads and folds the case file, and keeps it for the reads that follow. None for an
    /// imported publication.
    async fn build_file(
        &self,
        case_id: CaseId,
        reference: &Reference,
    ) -> Result<Option<Arc<BuiltFile>>, AppError> {
        let (loaded, personal) = self.book.load_with_personal_data(reference).await?;
        if loaded.case.matter().is_none() {
            return Ok(None);
        }
        let day = today();
        let built = Arc::new(BuiltFile {
            version: loaded.case.version,
            day,
            access: CaseAccess::of(&loaded.case),
            file: Arc::new(case_file_of(loaded, &personal, day)),
        });
        self.book.recent().keep(case_id, Arc::clone(&built));
        Ok(Some(built))
    }

    /// The cases this principal may see that match `query`.
    pub async fn list_cases(&self, query: &CaseQuery) -> Result<Page<CaseRow>, AppError> {
        // A search by service number is a subject history by another name: the same roles,
        // and the person looked up is named in the entry as a history names them.
        let target = match &query.service_number {
            Some(number) => format!(
                "subject:{}/{number}",
                query.force.map_or("any", |f| f.code())
            ),
            None => "-".to_string(),
        };
        let viewer = match query.service_number {
            Some(_) => access::authorize_subject_search(&self.who).and_then(|()| viewer(&self.who)),
            None => viewer(&self.who),
        };
        let viewer = match viewer {
            Ok(v) => v,
            Err(denial) => {
                return Err(self
                    .deny(Action::CasesList, &target, DEFAULT_PURPOSE, denial)
                    .await);
            }
        };
        let page = query::list_cases(&**self.book.db(), &viewer, query).await?;
        let detail = format!("{} of {}", page.items.len(), page.total);
        self.record(
            Action::CasesList,
            &target,
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &detail,
        )
        .await?;
        Ok(page)
    }

    /// Every allegation against one person, in the cases this principal may see.
    pub async fn subject_history(
        &self,
        force: Force,
        service_number: &str,
    ) -> Result<Vec<SubjectHistoryRow>, AppError> {
        self.subject_history_shown(force, service_number, None)
            .await
    }

    /// [`Desk::subject_history`], shown to the decision maker beside a decision on a case: the
    /// audit entry says which decision and which case, so the trail proves they saw it.
    pub async fn subject_history_shown(
        &self,
        force: Force,
        service_number: &str,
        beside: Option<(CommandKind, &Reference)>,
    ) -> Result<Vec<SubjectHistoryRow>, AppError> {
        let target = format!("subject:{}/{service_number}", force.code());
        let viewer =
            access::authorize_subject_history(&self.who, force).and_then(|()| viewer(&self.who));
        let viewer = match viewer {
            Ok(v) => v,
            Err(denial) => {
                return Err(self
                    .deny(Action::SubjectHistory, &target, DEFAULT_PURPOSE, denial)
                    .await);
            }
        };
        let rows =
            query::subject_history(&**self.book.db(), &viewer, force, service_number).await?;
        let detail = match beside {
            None => rows.len().to_string(),
            Some((kind, reference)) => {
                format!(
                    "{}, shown beside {} on {reference}",
                    rows.len(),
                    kind.name()
                )
            }
        };
        self.record(
            Action::SubjectHistory,
            &target,
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &detail,
        )
        .await?;
        Ok(rows)
    }

    /// The audit trail, for auditors; `target` narrows it to one case or user.
    pub async fn audit_trail(
        &self,
        after: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, AppError> {
        let label = target.unwrap_or("-");
        self.allow(Access::ViewAudit, Action::AuditRead, label, "audit")
            .await?;
        let records = self
            .book
            .db()
            .read_audit(after, limit.clamp(1, 1000), target)
            .await?;
        self.record(
            Action::AuditRead,
            label,
            Outcome::Allowed,
            "audit",
            &records.len().to_string(),
        )
        .await?;
        Ok(records)
    }

    /// The audit trail searched, newest first (auditors only). The entry that records this
    /// read names the filters used, never their values.
    pub async fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>, AppError> {
        let label = q.target.as_deref().unwrap_or("-");
        self.allow(Access::ViewAudit, Action::AuditRead, label, "audit")
            .await?;
        let q = AuditQuery {
            limit: q.limit.clamp(1, 1000),
            ..q.clone()
        };
        let records = query::audit_entries(&**self.book.db(), &q).await?;
        let used: Vec<&str> = [
            ("actor", q.actor.is_some()),
            ("action", q.action.is_some()),
            ("outcome", q.outcome.is_some()),
            ("since", q.from.is_some()),
            ("until", q.to.is_some()),
            ("page", q.before.is_some() || q.after.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect();
        let detail = if used.is_empty() {
            format!("{} newest", records.len())
        } else {
            format!("{} by {}", records.len(), used.join(", "))
        };
        self.record(Action::AuditRead, label, Outcome::Allowed, "audit", &detail)
            .await?;
        Ok(records)
    }

    // ---- letters

    /// The letter `request` asks for, made from the case as it stands, dated `on` (today when
    /// `None`), with the addressee's name and address: to read, print and send (with its
    /// digest). Those who may send letters may make them; each is audited.
    pub async fn letter(
        &self,
        reference: &Reference,
        request: &LetterRequest,
        on: Option<Date>,
    ) -> Result<PreparedLetter, AppError> {
        let (loaded, personal) = self.letter_case(reference).await?;
        let ctx = Context::new(Timestamp::now(), &self.who.username, self.who.body).dated(on);
        let made = letter::compose(&loaded.case, request, &ctx).map_err(AppError::from);
        let made = self
            .failed(
                Action::LetterRead,
                reference.as_str(),
                DEFAULT_PURPOSE,
                made,
            )
            .await?;
        self.letter_read(reference, &made).await?;
        Ok(prepared(made, &personal, loaded.case.version, None))
    }

    /// The `n`th letter sent on the case (from 1), made again from the case as it was when it
    /// was sent and checked against the digest recorded then.
    pub async fn sent_letter(
        &self,
        reference: &Reference,
        n: usize,
    ) -> Result<PreparedLetter, AppError> {
        let (loaded, personal) = self.letter_case(reference).await?;
        let target = reference.as_str();
        let run = || {
            let sent = n
                .checked_sub(1)
                .and_then(|i| loaded.case.letters.get(i))
                .ok_or_else(|| {
                    AppError::Missing(format!(
                        "the case has {} letters sent; there is no letter {n}",
                        loaded.case.letters.len()
                    ))
                })?;
            let then = probity_domain::Case::replay(
                &loaded.events[..(sent.made_on_version as usize).min(loaded.events.len())],
            );
            let ctx = Context::new(Timestamp::now(), &self.who.username, self.who.body)
                .dated(Some(sent.on));
            let made = letter::compose(&then, &sent.letter, &ctx)?;
            if made.digest() != sent.digest {
                return Err(AppError::Store(StoreError::Corrupt(format!(
                    "letter {n} made again does not match the digest recorded when it was sent"
                ))));
            }
            Ok((made, sent.on, sent.made_on_version))
        };
        let (made, sent_on, version) = self
            .failed(Action::LetterRead, target, DEFAULT_PURPOSE, run())
            .await?;
        self.letter_read(reference, &made).await?;
        Ok(prepared(made, &personal, version, Some(sent_on)))
    }

    /// The mandatory referral criteria the case would meet on `assessment`, each with why, and
    /// the version of the case they were read from: what an assessor sees before recording (a
    /// read of the case, audited as one).
    pub async fn referral_check(
        &self,
        reference: &Reference,
        assessment: &probity_domain::referral::HandlingAssessment,
    ) -> Result<
        (
            u64,
            Vec<(probity_domain::referral::MandatoryCriterion, String)>,
        ),
        AppError,
    > {
        let target = reference.as_str();
        let what = Access::Command(CommandKind::RecordMatter);
        if let Err(denial) = access::authorize_role(&self.who, what, today()) {
            return Err(self
                .deny(Action::CaseRead, target, DEFAULT_PURPOSE, denial)
                .await);
        }
        let loaded = self.book.load(reference).await;
        let loaded = self
            .failed(Action::CaseRead, target, DEFAULT_PURPOSE, loaded)
            .await?;
        let case_access = CaseAccess::of(&loaded.case);
        if let Err(denial) = access::authorize(&self.who, what, Some(&case_access), today()) {
            return Err(self
                .deny(Action::CaseRead, target, DEFAULT_PURPOSE, denial)
                .await);
        }
        let reasons = loaded.case.mandatory_referral_reasons(assessment);
        self.record(
            Action::CaseRead,
            target,
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &format!("referral check: {} criteria", reasons.len()),
        )
        .await?;
        Ok((loaded.case.version, reasons))
    }

    async fn letter_case(
        &self,
        reference: &Reference,
    ) -> Result<(crate::casebook::Loaded, BTreeMap<PartyId, PersonalData>), AppError> {
        let target = reference.as_str();
        let what = Access::Command(CommandKind::SendLetter);
        if let Err(denial) = access::authorize_role(&self.who, what, today()) {
            return Err(self
                .deny(Action::LetterRead, target, DEFAULT_PURPOSE, denial)
                .await);
        }
        let loaded = self.book.load_with_personal_data(reference).await;
        let (loaded, personal) = self
            .failed(Action::LetterRead, target, DEFAULT_PURPOSE, loaded)
            .await?;
        let case_access = CaseAccess::of(&loaded.case);
        if let Err(denial) = access::authorize(&self.who, what, Some(&case_access), today()) {
            return Err(self
                .deny(Action::LetterRead, target, DEFAULT_PURPOSE, denial)
                .await);
        }
        Ok((loaded, personal))
    }

    async fn letter_read(&self, reference: &Reference, made: &Letter) -> Result<(), AppError> {
        let to = match &made.to {
            Addressee::Party(p) => p.to_string(),
            Addressee::Bodies(_) => "bodies".into(),
        };
        self.record(
            Action::LetterRead,
            reference.as_str(),
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &format!("{} to {to}", probity_domain::code_of(&made.kind)),
        )
        .await
    }

    // ---- work queues

    /// The duties of the cases this principal may see that are theirs (their cases) or their
    /// body's (their team's), next due first, overdue counted on today. `query.body` and
    /// `query.today` are set here from the principal and the clock.
    pub async fn work(&self, query: &WorkQuery) -> Result<(Date, WorkPage), AppError> {
        let viewer = match viewer(&self.who) {
            Ok(v) => v,
            Err(denial) => {
                return Err(self
                    .deny(Action::WorkRead, "-", DEFAULT_PURPOSE, denial)
                    .await);
            }
        };
        let query = WorkQuery {
            body: self.who.body,
            today: viewer.today,
            ..query.clone()
        };
        let page = query::work(&**self.book.db(), &viewer, &query).await?;
        let detail = format!(
            "{} of {}, {} overdue",
            page.items.len(),
            page.total,
            page.overdue
        );
        self.record(
            Action::WorkRead,
            "-",
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &detail,
        )
        .await?;
        Ok((viewer.today, page))
    }

    /// Duties overdue today per force, team and clock, in the cases this principal may see.
    pub async fn overdue_report(&self) -> Result<(Date, Vec<OverdueLine>), AppError> {
        let viewer = match viewer(&self.who) {
            Ok(v) => v,
            Err(denial) => {
                return Err(self
                    .deny(Action::OverdueReport, "-", DEFAULT_PURPOSE, denial)
                    .await);
            }
        };
        let lines = query::overdue_report(&**self.book.db(), &viewer, viewer.today).await?;
        let total: i64 = lines.iter().map(|l| l.overdue + l.uncounted).sum();
        self.record(
            Action::OverdueReport,
            "-",
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &format!("{} lines, {total} duties", lines.len()),
        )
        .await?;
        Ok((viewer.today, lines))
    }

    /// Statistics over the allegations `filter` admits: codes and counts only. Staff of a
    /// force count their own force's allegations alone.
    pub async fn statistics(
        &self,
        mut filter: probity_store::query::FactFilter,
    ) -> Result<probity_domain::statistics::Statistics, AppError> {
        self.allow(
            Access::ViewStatistics,
            Action::StatisticsRead,
            "-",
            DEFAULT_PURPOSE,
        )
        .await?;
        if let Some(force) = self.who.force {
            let own = force.code().to_string();
            if filter.body.as_ref().is_some_and(|b| *b != own) {
                return Err(self
                    .deny(
                        Action::StatisticsRead,
                        "-",
                        DEFAULT_PURPOSE,
                        access::Denial::Hidden,
                    )
                    .await);
            }
            filter.body = Some(own);
        }
        let (cases, facts) = self
            .failed(
                Action::StatisticsRead,
                "-",
                DEFAULT_PURPOSE,
                query::statistics_facts(&**self.book.db(), &filter)
                    .await
                    .map_err(AppError::from),
            )
            .await?;
        let cases: Vec<_> = cases.into_iter().map(|r| r.fact()).collect();
        let facts: Vec<_> = facts.into_iter().map(|r| r.fact()).collect();
        let calendar = probity_store::projection::calendar();
        let stats = probity_domain::statistics::statistics(&cases, &facts, &calendar);
        self.record(
            Action::StatisticsRead,
            "-",
            Outcome::Allowed,
            DEFAULT_PURPOSE,
            &format!("{} allegations", stats.allegations),
        )
        .await?;
        Ok(stats)
    }

    /// How many notices wait to go (now or later), failed, were sent and were cancelled.
    pub async fn outbox(&self) -> Result<OutboxCounts, AppError> {
        self.allow(Access::Maintain, Action::OutboxRead, "-", MAINTENANCE)
            .await?;
        let now = Timestamp::now().as_microsecond();
        let counts = self
            .failed(
                Action::OutboxRead,
                "-",
                MAINTENANCE,
                outbox::counts(&**self.book.db(), now)
                    .await
                    .map_err(AppError::from),
            )
            .await?;
        self.record(
            Action::OutboxRead,
            "-",
            Outcome::Allowed,
            MAINTENANCE,
            &format!("{} due, {} later", counts.due, counts.later),
        )
        .await?;
        Ok(counts)
    }

    /// Imports newer bank-holiday data (GOV.UK's `bank-holidays.json`): kept in the store, used
    /// by this process at once and by every server at its next start, and the duties are
    /// counted again with it. Data that leaves a gap after the years held is refused.
    pub async fn import_holidays(&self, json: &str) -> Result<(Date, Date), AppError> {
        self.allow(Access::Maintain, Action::HolidaysImport, "-", MAINTENANCE)
            .await?;
        let run = async {
            let newer =
                Calendar::from_govuk_json(json).map_err(|e| AppError::BadInput(e.to_string()))?;
            let held = probity_store::holidays::calendar(&**self.book.db()).await?;
            let extended = held
                .extended(&newer)
                .map_err(|e| AppError::BadInput(e.to_string()))?;
            let covers = newer.covers();
            let entry = self.entry(
                Action::HolidaysImport,
                "-",
                Outcome::Allowed,
                MAINTENANCE,
                &format!("{} to {}", covers.0, covers.1),
            );
            probity_store::holidays::import(
                &**self.book.db(),
                json,
                &newer,
                Timestamp::now().as_microsecond(),
                &entry,
            )
            .await?;
            probity_store::projection::set_calendar(extended);
            Ok(covers)
        };
        let covers = self
            .failed(Action::HolidaysImport, "-", MAINTENANCE, run.await)
            .await?;
        self.rebuild().await?;
        Ok(covers)
    }

    // ---- integrity and maintenance

    /// Verifies the store against itself: both hash chains and the ties between them, the
    /// checkpoints kept in the database, the personal data against its commitments and the
    /// read models against the log.
    pub async fn verify(&self) -> Result<Verified, AppError> {
        self.verify_against(&Anchors::default()).await
    }

    /// [`Desk::verify`], holding the chains against exported checkpoints and trusted keys too.
    pub async fn verify_against(&self, anchors: &Anchors) -> Result<Verified, AppError> {
        let run = self.book.verify(anchors);
        self.whole_store(
            Access::VerifyChains,
            Action::ChainsVerify,
            "audit",
            run,
            |v| {
                format!(
                    "{} events, {} audit entries, {} checkpoints",
                    v.events, v.audit_entries, v.checkpoints
                )
            },
        )
        .await
    }

    /// Signs a checkpoint of both chain heads as they stand, keeps it and exports it.
    pub async fn sign_checkpoint(&self, signer: &Signer) -> Result<Checkpoint, AppError> {
        self.allow(Access::VerifyChains, Action::CheckpointSign, "-", "audit")
            .await?;
        let signed = crate::office::sign_checkpoint(&self.book, signer, false).await;
        let signed = self
            .failed(Action::CheckpointSign, "-", "audit", signed)
            .await?
            .expect("a checkpoint asked for is always signed");
        let detail = format!(
            "events {}, audit {}",
            signed.events.map_or(0, |h| h.position),
            signed.audit.map_or(0, |h| h.position)
        );
        self.record(
            Action::CheckpointSign,
            "-",
            Outcome::Allowed,
            "audit",
            &detail,
        )
        .await?;
        Ok(signed)
    }

    /// Every checkpoint kept in the database, oldest first.
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, AppError> {
        let run = async { Ok(probity_store::anchor::checkpoints(&**self.book.db()).await?) };
        self.whole_store(
            Access::VerifyChains,
            Action::CheckpointsRead,
            "audit",
            run,
            |c: &Vec<Checkpoint>| c.len().to_string(),
        )
        .await
    }

    /// Rebuilds every read model from the log.
    pub async fn rebuild(&self) -> Result<Counts, AppError> {
        let run = self.book.rebuild();
        self.whole_store(
            Access::Maintain,
            Action::ReadModelsRebuild,
            MAINTENANCE,
            run,
            |c| format!("{} cases from {} events", c.cases, c.events),
        )
        .await
    }

    /// An operation on the whole store: allowed first, then run, then one entry saying how it
    /// ended (`detail` says what it did).
    async fn whole_store<T>(
        &self,
        what: Access,
        action: Action,
        purpose: &str,
        run: impl std::future::Future<Output = Result<T, AppError>>,
        detail: impl Fn(&T) -> String,
    ) -> Result<T, AppError> {
        self.allow(what, action, "-", purpose).await?;
        let done = self.failed(action, "-", purpose, run.await).await?;
        self.record(action, "-", Outcome::Allowed, purpose, &detail(&done))
            .await?;
        Ok(done)
    }

    /// What the store holds. Not audited: counts carry nothing of any case.
    pub async fn counts(&self) -> Result<Counts, AppError> {
        match access::authorize(&self.who, Access::VerifyChains, None, today()) {
            Ok(()) => self.book.counts().await,
            Err(denial) => Err(AppError::Denied(denial)),
        }
    }

    /// Copies this whole deployment into the empty store of `to`, checking both chains.
    pub async fn move_store(
        &self,
        to: &crate::Office,
        progress: &dyn Fn(&str),
    ) -> Result<crate::migrate::Moved, AppError> {
        let stamp = |action, target: &str, detail: &str| {
            self.entry(action, target, Outcome::Allowed, MAINTENANCE, detail)
        };
        let run = crate::migrate::migrate_store(&self.book, to.book(), &stamp, progress);
        self.whole_store(Access::Maintain, Action::StoreMove, MAINTENANCE, run, |m| {
            format!("{} events, {} accounts", m.events, m.users)
        })
        .await
    }

    // ---- accounts

    /// Creates an account (administrators).
    pub async fn add_user(&self, new: NewUser) -> Result<(), AppError> {
        let target = new.username.clone();
        self.allow(Access::ManageUsers, Action::UserAdd, &target, ACCOUNTS)
            .await?;
        let added = async {
            check_username(&new.username)?;
            check_password_strength(&new.password)?;
            access::check_account(new.role, new.body, new.force)
                .map_err(|p| AppError::BadInput(p.to_string()))?;
            Ok(())
        }
        .await;
        self.failed(Action::UserAdd, &target, ACCOUNTS, added)
            .await?;
        let record = UserRecord {
            username: new.username.clone(),
            role: new.role.code().to_string(),
            body: new.body.code().to_string(),
            force: new.force.map(|f| f.code().to_string()),
            password_hash: hash_off_thread(&new.password).await?,
            disabled: false,
            created_at: Timestamp::now().as_microsecond(),
        };
        let entry = self.entry(
            Action::UserAdd,
            &target,
            Outcome::Allowed,
            ACCOUNTS,
            new.role.code(),
        );
        match self.book.db().add_user(&record, &entry).await {
            Ok(()) => Ok(()),
            Err(e @ StoreError::Duplicate(_)) => {
                self.record(
                    Action::UserAdd,
                    &target,
                    Outcome::Failed,
                    ACCOUNTS,
                    "exists",
                )
                .await?;
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Disables an account: its sessions and tokens end at once (administrators).
    pub async fn disable_user(&self, username: &str) -> Result<(), AppError> {
        self.allow(Access::ManageUsers, Action::UserDisable, username, ACCOUNTS)
            .await?;
        let entry = self.entry(
            Action::UserDisable,
            username,
            Outcome::Allowed,
            ACCOUNTS,
            "",
        );
        if self.book.db().disable_user(username, &entry).await? {
            return Ok(());
        }
        let missing = Err(AppError::BadInput(format!("there is no user {username}")));
        self.failed(Action::UserDisable, username, ACCOUNTS, missing)
            .await
    }

    /// Issues an API token for `username`, shown once and stored hashed (administrators).
    pub async fn create_token(&self, username: &str, label: &str) -> Result<Secret, AppError> {
        self.allow(Access::ManageUsers, Action::TokenCreate, username, ACCOUNTS)
            .await?;
        let user = self.book.db().user(username).await?;
        let usable = match user {
            None => Err(AppError::BadInput(format!("there is no user {username}"))),
            Some(u) if u.disabled => Err(AppError::BadInput(format!("{username} is disabled"))),
            Some(_) => Ok(()),
        };
        self.failed(Action::TokenCreate, username, ACCOUNTS, usable)
            .await?;
        let token = Secret::fresh("prb_");
        let entry = self.entry(
            Action::TokenCreate,
            username,
            Outcome::Allowed,
            ACCOUNTS,
            label,
        );
        self.book
            .db()
            .create_token(token.stored_hash(), username, label, &entry)
            .await?;
        Ok(token)
    }

    /// Every account (administrators).
    pub async fn users(&self) -> Result<Vec<UserRecord>, AppError> {
        self.allow(Access::ManageUsers, Action::UsersList, "-", ACCOUNTS)
            .await?;
        let users = self.book.db().users().await?;
        self.record(
            Action::UsersList,
            "-",
            Outcome::Allowed,
            ACCOUNTS,
            &users.len().to_string(),
        )
        .await?;
        Ok(users)
    }

    /// Ends this session.
    pub async fn log_out(&self, session: &Secret) -> Result<(), AppError> {
        let entry = self.entry(
            Action::SessionLogout,
            &self.who.username,
            Outcome::Allowed,
            ACCOUNTS,
            "",
        );
        Ok(self
            .book
            .db()
            .end_session(session.stored_hash(), &entry)
            .await?)
    }

    /// Changes this principal's own password; every session of theirs ends.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), AppError> {
        let me = self.who.username.clone();
        self.failed(
            Action::UserPassword,
            &me,
            ACCOUNTS,
            check_password_strength(new),
        )
        .await?;
        let user = self
            .book
            .db()
            .user(&me)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !verify_off_thread(current, user.password_hash.clone()).await {
            self.record(
                Action::UserPassword,
                &me,
                Outcome::Denied,
                ACCOUNTS,
                "wrong current password",
            )
            .await?;
            return Err(AppError::Unauthenticated);
        }
        let hash = hash_off_thread(new).await?;
        let entry = self.entry(Action::UserPassword, &me, Outcome::Allowed, ACCOUNTS, "");
        self.book.db().set_password(&me, &hash, &entry).await?;
        Ok(())
    }

    /// An administrator sets a new password for `username` (who forgot theirs): every session
    /// and token of theirs ends, as with a change of their own.
    pub async fn reset_password(&self, username: &str, new: &str) -> Result<(), AppError> {
        self.allow(
            Access::ManageUsers,
            Action::UserPassword,
            username,
            ACCOUNTS,
        )
        .await?;
        self.failed(
            Action::UserPassword,
            username,
            ACCOUNTS,
            check_password_strength(new),
        )
        .await?;
        if self.book.db().user(username).await?.is_none() {
            let missing = Err(AppError::BadInput(format!("there is no user {username}")));
            self.failed(Action::UserPassword, username, ACCOUNTS, missing)
                .await?;
        }
        let hash = hash_off_thread(new).await?;
        let entry = self.entry(
            Action::UserPassword,
            username,
            Outcome::Allowed,
            ACCOUNTS,
            "reset by an administrator",
        );
        self.book.db().set_password(username, &hash, &entry).await?;
        Ok(())
    }
}
