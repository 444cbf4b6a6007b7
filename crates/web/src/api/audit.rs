//! The audit trail, for auditors: the whole of it, or one case's.

use axum::extract::Path;
use probity_store::anchor::Exported;
use probity_store::{Action, AuditQuery, AuditRecord, Outcome};
use serde::{Deserialize, Serialize};

use crate::api::cases::reference;
use crate::api::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::ApiResult;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Entries after this sequence number, oldest first (to follow the trail as written);
    /// without it the newest come first.
    after: Option<i64>,
    /// Entries before this sequence number (the next page, newest first).
    before: Option<i64>,
    limit: Option<i64>,
    /// Only this user's entries (`console:NAME` at the command line).
    actor: Option<String>,
    /// Only this action (`case.read`, `case.command.log_decision`, ...).
    action: Option<String>,
    /// Only entries about this case (its reference).
    case: Option<String>,
    /// Only `allowed`, `denied`, `refused` or `failed`.
    outcome: Option<String>,
    /// From this day (London time), inclusive.
    since: Option<String>,
    /// To this day (London time), inclusive.
    until: Option<String>,
}

/// A problem with one audit filter: the filter and what is wrong.
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
}

/// The filters of an audit search as typed (an empty text is no filter), shared by the API
/// and the audit page.
#[derive(Default, Clone)]
pub struct AuditFilters {
    pub actor: String,
    pub action: String,
    pub case: String,
    pub outcome: String,
    pub since: String,
    pub until: String,
}

fn london_midnight(day: jiff::civil::Date) -> i64 {
    probity_domain::london()
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_microsecond())
        .unwrap_or(i64::MAX)
}

impl AuditFilters {
    /// The query these filters ask for, or each filter that is not understood.
    pub fn query(
        &self,
        before: Option<i64>,
        after: Option<i64>,
        limit: i64,
    ) -> Result<AuditQuery, Vec<FilterError>> {
        let mut errors = Vec::new();
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let action = given(&self.action).and_then(|a| {
            Action::parse(&a).or_else(|| {
                errors.push(FilterError {
                    field: "action",
                    message: format!("'{a}' is not an action of the audit trail"),
                });
                None
            })
        });
        let outcome = given(&self.outcome).and_then(|o| {
            Outcome::parse(&o).or_else(|| {
                errors.push(FilterError {
                    field: "outcome",
                    message: "The outcome is allowed, denied, refused or failed".into(),
                });
                None
            })
        });
        let case = given(&self.case).and_then(|c| {
            probity_domain::Reference::parse(&c)
                .map(|r| r.to_string())
                .map_err(|_| {
                    errors.push(FilterError {
                        field: "case",
                        message: "The case is its reference, such as 2020/134541".into(),
                    })
                })
                .ok()
        });
        let mut day = |field: &'static str, text: &str| {
            given(text).and_then(|t| {
                t.parse::<jiff::civil::Date>()
                    .map_err(|_| {
                        errors.push(FilterError {
                            field,
                            message: format!(
                                "The day must be a real date, like 2020-03-31, not '{t}'"
                            ),
                        })
                    })
                    .ok()
            })
        };
        let from = day("since", &self.since);
        let to = day("until", &self.until);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditQuery {
            actor: given(&self.actor),
            action,
            target: case,
            outcome,
            from: from.map(london_midnight),
            to: to.and_then(|d| d.tomorrow().ok()).map(london_midnight),
            before,
            after,
            limit,
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub(crate) seq: i64,
    at: String,
    actor: String,
    role: String,
    action: String,
    target: String,
    outcome: String,
    purpose: String,
    detail: String,
    hash: String,
}

pub(crate) fn audit_view(r: AuditRecord) -> AuditView {
    AuditView {
        seq: r.seq,
        at: jiff::Timestamp::from_microsecond(r.entry.recorded_at)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        actor: r.entry.actor,
        role: r.entry.role,
        action: r.entry.action.code().into_owned(),
        target: r.entry.target,
        outcome: r.entry.outcome.code().to_string(),
        purpose: r.entry.purpose,
        detail: r.entry.detail,
        hash: r.hash.hex(),
    }
}

/// `GET /api/v1/audit`: the audit trail, for auditors: newest first, filtered by actor, action,
/// case, outcome and days; or oldest first after a sequence number.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, description = "Audit entries, newest first (oldest first with after)", body = Vec<AuditView>), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors only", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn audit(
    user: CurrentUser,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let filters = AuditFilters {
        actor: p.actor.unwrap_or_default(),
        action: p.action.unwrap_or_default(),
        case: p.case.unwrap_or_default(),
        outcome: p.outcome.unwrap_or_default(),
        since: p.since.unwrap_or_default(),
        until: p.until.unwrap_or_default(),
    };
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(crate::error::Problem::bad_request("limit is 1 to 1000"));
    }
    let query = filters.query(p.before, p.after, limit).map_err(|errors| {
        crate::error::Problem::bad_request(
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let records = user.desk.search_audit(&query).await?;
    Ok(axum::Json(records.into_iter().map(audit_view).collect()))
}

/// `GET /api/v1/cases/{reference}/audit`: the audit trail of one case, for auditors.
#[utoipa::path(get, path = "/api/v1/cases/{reference}/audit", tag = "audit", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), AuditParams), responses((status = 200, description = "Audit entries about this case", body = Vec<AuditView>), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors only", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn case_audit(
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let r = reference(&raw)?;
    let records = user
        .desk
        .audit_trail(
            p.after.unwrap_or(0),
            p.limit.unwrap_or(100),
            Some(r.as_str()),
        )
        .await?;
    Ok(axum::Json(records.into_iter().map(audit_view).collect()))
}

/// `GET /api/v1/checkpoints`: the signed checkpoints kept in the database, oldest first, in
/// the form they are exported in, for a monitor to copy somewhere the database's
/// administrators cannot write.
#[utoipa::path(get, path = "/api/v1/checkpoints", tag = "audit", responses((status = 200, description = "Signed checkpoints, oldest first", body = Vec<Exported>), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors and administrators only", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn checkpoints(user: CurrentUser) -> ApiResult<axum::Json<Vec<Exported>>> {
    let all = user.desk.checkpoints().await?;
    Ok(axum::Json(all.iter().map(|c| c.exported()).collect()))
}
