//! The operations as a signed-in user performs them: each asks the access policy in the core,
//! records what was done or refused in the audit trail, and only then acts.

use jiff::Timestamp;
use probity_domain::access::{self, Access, CaseAccess, Denial, Principal};
use probity_domain::command::*;
use probity_domain::{CaseId, Command, Context, Reference, london};
use probity_store::{
    AuditEntry, AuditRecord, AuditStore, CaseQueries, CaseQuery, CaseRow, EventStore, Page,
    StoreError, SubjectHistoryRow, Viewer,
};

use std::sync::Arc;

use crate::casebook::{AppError, Casebook, Executed, command_entry};
use crate::recent::BuiltFile;

/// Why a user reads something, recorded with the read.
pub const DEFAULT_PURPOSE: &str = "case work";

fn entry(
    who: &Principal,
    action: &str,
    target: &str,
    outcome: &str,
    purpose: &str,
    detail: &str,
) -> AuditEntry {
    AuditEntry {
        recorded_at: Timestamp::now().as_microsecond(),
        actor: who.username.clone(),
        role: who.role.code().to_string(),
        action: action.to_string(),
        target: target.to_string(),
        outcome: outcome.to_string(),
        purpose: purpose.to_string(),
        detail: detail.to_string(),
    }
}

fn today() -> jiff::civil::Date {
    london().to_datetime(Timestamp::now()).date()
}

fn viewer(who: &Principal) -> Viewer {
    let scope = access::scope(who);
    Viewer {
        username: who.username.clone(),
        force: scope.force.map(|f| f.code().to_string()),
        publishable_only: scope.publishable_only,
        today: today().to_string(),
    }
}

impl Casebook {
    async fn deny(
        &self,
        who: &Principal,
        action: &str,
        target: &str,
        purpose: &str,
        denial: Denial,
    ) -> AppError {
        let detail = match denial {
            Denial::Hidden => "need-to-know",
            Denial::OtherForce => "other force",
            Denial::Role(_) => "role",
        };
        match self
            .db()
            .audit(&[entry(who, action, target, "denied", purpose, detail)])
            .await
        {
            Ok(_) => AppError::Denied(denial),
            Err(e) => AppError::Store(e),
        }
    }

    /// Runs a command as `who`. `expected_version` guards against writing over a change the
    /// user has not seen.
    pub async fn run_as(
        &self,
        who: &Principal,
        reference: &Reference,
        command: &Command,
        expected_version: Option<u64>,
    ) -> Result<Executed, AppError> {
        let action = format!("case.command.{}", command.name());
        let loaded = match self.load(reference).await {
            Ok(l) => Some(l),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let (case_access, version) = match (&loaded, command) {
            (Some(l), _) => (CaseAccess::of(&l.case), l.case.version),
            (None, Command::LogMatter(LogMatter { force, .. })) => (
                CaseAccess {
                    force: Some(*force),
                    ..CaseAccess::default()
                },
                0,
            ),
            (None, _) => {
                self.db()
                    .audit(&[entry(
                        who,
                        &action,
                        reference.as_str(),
                        "failed",
                        DEFAULT_PURPOSE,
                        "no such case",
                    )])
                    .await?;
                return Err(AppError::NotFound(reference.clone()));
            }
        };
        if let Err(denial) = access::authorize(
            who,
            Access::Command(command.kind()),
            Some(&case_access),
            today(),
        ) {
            return Err(self
                .deny(who, &action, reference.as_str(), DEFAULT_PURPOSE, denial)
                .await);
        }
        if let Some(expected) = expected_version
            && expected != version
        {
            return Err(StoreError::Conflict {
                case: reference.to_string(),
                expected,
                actual: version,
            }
            .into());
        }
        let ctx = Context::new(Timestamp::now(), &who.username, who.body);
        // Decide on the state authorised against, and pin its version: a change in between is
        // refused, not merged.
        let outcome = match loaded {
            Some(l) => {
                self.execute_loaded(reference, command, &ctx, who.role.code(), l.case)
                    .await
            }
            None => {
                self.execute(reference, command, &ctx, Some(version), who.role.code())
                    .await
            }
        };
        match outcome {
            Err(AppError::Refused(r)) => {
                self.db()
                    .audit(&[command_entry(
                        &ctx,
                        who.role.code(),
                        command,
                        reference,
                        "refused",
                        r.rule.code(),
                    )])
                    .await?;
                Err(AppError::Refused(r))
            }
            other => other,
        }
    }

    /// The case file, read by `who` for `purpose`: one audit entry per read.
    ///
    /// The file comes as JSON, from the files recently built when the case has not changed
    /// since (`recent.rs`); access is decided and the read audited every time.
    pub async fn case_file_as(
        &self,
        who: &Principal,
        reference: &Reference,
        purpose: &str,
    ) -> Result<bytes::Bytes, AppError> {
        let case_id = CaseId::for_reference(reference);
        let current = self.db().case_row(case_id).await?;
        let kept = current
            .as_ref()
            .and_then(|row| self.recent().get(case_id, row.version as u64));
        let file = match (current, kept) {
            (_, Some(kept)) => kept,
            (Some(_), None) => self.build_file(case_id, reference).await?,
            (None, _) => {
                self.db()
                    .audit(&[entry(
                        who,
                        "case.read",
                        reference.as_str(),
                        "failed",
                        purpose,
                        "no such case",
                    )])
                    .await?;
                return Err(AppError::NotFound(reference.clone()));
            }
        };
        if let Err(denial) =
            access::authorize(who, Access::ViewCaseFile, Some(&file.access), today())
        {
            return Err(self
                .deny(who, "case.read", reference.as_str(), purpose, denial)
                .await);
        }
        self.db()
            .audit(&[entry(
                who,
                "case.read",
                reference.as_str(),
                "allowed",
                purpose,
                "",
            )])
            .await?;
        Ok(file.json.clone())
    }

    /// Reads, folds and serialises the case file, and keeps it for the reads that follow.
    async fn build_file(
        &self,
        case_id: CaseId,
        reference: &Reference,
    ) -> Result<Arc<BuiltFile>, AppError> {
        let (loaded, personal) = self.load_with_personal_data(reference).await?;
        let version = loaded.case.version;
        let access = CaseAccess::of(&loaded.case);
        let file = crate::case_file::case_file_of(loaded, &personal);
        let json = serde_json::to_vec(&file)
            .map_err(|e| AppError::BadInput(format!("the case file does not serialise: {e}")))?;
        let built = Arc::new(BuiltFile {
            version,
            access,
            json: json.into(),
        });
        self.recent().keep(case_id, Arc::clone(&built));
        Ok(built)
    }

    /// The cases `who` may see that match `query`.
    pub async fn list_cases_as(
        &self,
        who: &Principal,
        query: &CaseQuery,
    ) -> Result<Page<CaseRow>, AppError> {
        if !access::may_list_cases(who) {
            return Err(self
                .deny(
                    who,
                    "cases.list",
                    "-",
                    DEFAULT_PURPOSE,
                    Denial::Role(who.role.code()),
                )
                .await);
        }
        let page = self.db().list_cases(&viewer(who), query).await?;
        let detail = format!("{} of {}", page.items.len(), page.total);
        self.db()
            .audit(&[entry(
                who,
                "cases.list",
                "-",
                "allowed",
                DEFAULT_PURPOSE,
                &detail,
            )])
            .await?;
        Ok(page)
    }

    /// Every allegation against one person, in the cases `who` may see.
    pub async fn subject_history_as(
        &self,
        who: &Principal,
        force: &str,
        service_number: &str,
    ) -> Result<Vec<SubjectHistoryRow>, AppError> {
        let target = format!("subject:{force}/{service_number}");
        let force_code = probity_domain::force::Force::parse(force)
            .map_err(|e| AppError::BadInput(e.to_string()))?;
        if let Err(denial) = access::authorize_subject_history(who, force_code) {
            return Err(self
                .deny(who, "subject.history", &target, DEFAULT_PURPOSE, denial)
                .await);
        }
        let rows = self
            .db()
            .subject_history(&viewer(who), force, service_number)
            .await?;
        self.db()
            .audit(&[entry(
                who,
                "subject.history",
                &target,
                "allowed",
                DEFAULT_PURPOSE,
                &rows.len().to_string(),
            )])
            .await?;
        Ok(rows)
    }

    /// The audit trail, for auditors; `target` narrows it to one case or user.
    pub async fn audit_as(
        &self,
        who: &Principal,
        after: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, AppError> {
        let label = target.unwrap_or("-");
        if let Err(denial) = access::authorize(who, Access::ViewAudit, None, today()) {
            return Err(self.deny(who, "audit.read", label, "audit", denial).await);
        }
        let records = self
            .db()
            .read_audit(after, limit.clamp(1, 1000), target)
            .await?;
        self.db()
            .audit(&[entry(
                who,
                "audit.read",
                label,
                "allowed",
                "audit",
                &records.len().to_string(),
            )])
            .await?;
        Ok(records)
    }

    /// Records a request that came without valid credentials: `detail` says which way it failed.
    pub async fn record_unauthenticated(&self, path: &str, detail: &str) -> Result<(), AppError> {
        let entry = AuditEntry {
            recorded_at: Timestamp::now().as_microsecond(),
            actor: "-".into(),
            role: "-".into(),
            action: "request.unauthenticated".into(),
            target: path.chars().take(200).collect(),
            outcome: "denied".into(),
            purpose: "-".into(),
            detail: detail.into(),
        };
        self.db().audit(&[entry]).await?;
        Ok(())
    }
}
