//! Cases: the list, the case file, commands, a subject's history, and audit trails.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use probity_app::guarded::DEFAULT_PURPOSE;
use probity_domain::command::*;
use probity_domain::{Command, Reference};
use probity_store::{AuditRecord, CaseQuery, CaseRow};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};
use crate::json::{ApiJson, ApiQuery};

fn reference(raw: &str) -> ApiResult<Reference> {
    Reference::parse(raw).map_err(|e| Problem::bad_request(e.to_string()))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    force: Option<String>,
    status: Option<String>,
    category: Option<String>,
    service_number: Option<String>,
    received_from: Option<String>,
    received_to: Option<String>,
    /// Only cases whose team includes me.
    #[serde(default)]
    mine: bool,
    restricted: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    reference: String,
    kind: String,
    force: String,
    status: String,
    received_on: String,
    mode_of_investigation: Option<String>,
    restricted: bool,
    published_on: Option<String>,
    version: i64,
}

impl From<CaseRow> for CaseSummary {
    fn from(c: CaseRow) -> Self {
        CaseSummary {
            reference: c.reference,
            kind: c.kind,
            force: c.force,
            status: c.status,
            received_on: c.received_on,
            mode_of_investigation: c.mode,
            restricted: c.restricted,
            published_on: c.published_on,
            version: c.version,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseList {
    items: Vec<CaseSummary>,
    total: i64,
    page: i64,
    per_page: i64,
}

fn date_param(name: &str, v: Option<String>) -> ApiResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .map(|d| Some(d.to_string()))
            .map_err(|_| Problem::bad_request(format!("{name} must be a date like 2024-01-31"))),
    }
}

/// `GET /api/v1/cases`
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListParams), responses((status = 200, description = "The cases you may see that match", body = CaseList), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role lists no cases", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<axum::Json<CaseList>> {
    let per_page = p.per_page.unwrap_or(50);
    let page = p.page.unwrap_or(1);
    if !(1..=200).contains(&per_page) || !(1..=1_000_000).contains(&page) {
        return Err(Problem::bad_request(
            "page starts at 1; per_page is 1 to 200",
        ));
    }
    let force = match p.force {
        Some(f) => Some(
            probity_domain::force::Force::parse(&f)
                .map_err(|e| Problem::bad_request(e.to_string()))?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let query = CaseQuery {
        force,
        status: p.status,
        category: p.category.map(|c| c.trim().to_ascii_uppercase()),
        service_number: p.service_number,
        received_from: date_param("received_from", p.received_from)?,
        received_to: date_param("received_to", p.received_to)?,
        team_member: p.mine.then(|| user.principal.username.clone()),
        restricted: p.restricted,
        offset: (page - 1) * per_page,
        limit: per_page,
    };
    let result = state.book.list_cases_as(&user.principal, &query).await?;
    Ok(axum::Json(CaseList {
        items: result.items.into_iter().map(CaseSummary::from).collect(),
        total: result.total,
        page,
        per_page,
    }))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadParams {
    purpose: Option<String>,
}

fn purpose(headers: &HeaderMap, param: Option<String>) -> String {
    param
        .or_else(|| {
            headers
                .get("probity-purpose")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .map(|p| p.trim().chars().take(120).collect::<String>())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| DEFAULT_PURPOSE.to_string())
}

/// `GET /api/v1/cases/{reference}`: the case file. The read is audited with its purpose.
#[utoipa::path(get, path = "/api/v1/cases/{reference}", tag = "cases", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), ReadParams, ("Probity-Purpose" = Option<String>, Header, description = "Why you read it; recorded in the audit trail")), responses((status = 200, description = "The case file", body = probity_app::case_file::CaseFile), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role does not read case files", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ReadParams>,
) -> ApiResult<impl IntoResponse> {
    let r = reference(&raw)?;
    let json = state
        .book
        .case_file_as(&user.principal, &r, &purpose(&headers, p.purpose))
        .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        json,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// The version of the case the command was prepared against.
    expected_version: u64,
    #[schema(value_type = probity_domain::Command)]
    command: serde_json::Value,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    #[schema(value_type = probity_domain::Command)]
    command: serde_json::Value,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StoredEvent {
    position: i64,
    version: i64,
    kind: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CommandResult {
    reference: String,
    version: u64,
    events: Vec<StoredEvent>,
}

fn result(reference: &Reference, done: probity_app::Executed) -> CommandResult {
    CommandResult {
        reference: reference.to_string(),
        version: done.version,
        events: done
            .records
            .into_iter()
            .map(|r| StoredEvent {
                position: r.position,
                version: r.version,
                kind: r.kind,
            })
            .collect(),
    }
}

/// `POST /api/v1/cases`: log a new matter (`command` must be `log_matter`).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenRequest, responses((status = 201, description = "The case is open", body = CommandResult), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Refused by a statutory rule (the problem names it)", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<OpenRequest>,
) -> ApiResult<impl IntoResponse> {
    let command = probity_app::command_from_json(body.command)?;
    let Command::LogMatter(LogMatter { reference: r, .. }) = &command else {
        return Err(Problem::bad_request(
            "a new case starts with the log_matter command; send other commands to /api/v1/cases/{reference}/commands",
        ));
    };
    let r = r.clone();
    let done = state
        .book
        .run_as(&user.principal, &r, &command, None)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(result(&r, done))))
}

/// `POST /api/v1/cases/{reference}/commands`: run one command on the case.
#[utoipa::path(post, path = "/api/v1/cases/{reference}/commands", tag = "cases", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F")), request_body = CommandRequest, responses((status = 200, description = "Done", body = CommandResult), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "The case changed since you read it", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 413, description = "Body too large", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 415, description = "Not JSON", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Refused by a statutory rule (the problem names it)", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn command(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CommandRequest>,
) -> ApiResult<axum::Json<CommandResult>> {
    let r = reference(&raw)?;
    let command = probity_app::command_from_json(body.command)?;
    if let Command::LogMatter(LogMatter { .. }) = command {
        return Err(Problem::bad_request(
            "log a new matter with POST /api/v1/cases",
        ));
    }
    let done = state
        .book
        .run_as(&user.principal, &r, &command, Some(body.expected_version))
        .await?;
    Ok(axum::Json(result(&r, done)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryRow {
    reference: String,
    force: String,
    status: String,
    received_on: String,
    party: String,
    allegation: String,
    category: String,
    determination: Option<String>,
    outcome: String,
}

/// `GET /api/v1/subjects/{force}/{service_number}/history`
#[utoipa::path(get, path = "/api/v1/subjects/{force}/{service_number}/history", tag = "subjects", params(("force" = String, Path, description = "Force code"), ("service_number" = String, Path, description = "Collar or staff number")), responses((status = 200, description = "Every allegation against this person in the cases you may see", body = Vec<HistoryRow>), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn subject_history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((force, number)): Path<(String, String)>,
) -> ApiResult<axum::Json<Vec<HistoryRow>>> {
    let force = probity_domain::force::Force::parse(&force)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let rows = state
        .book
        .subject_history_as(&user.principal, force.code(), number.trim())
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|h| HistoryRow {
                reference: h.case.reference,
                force: h.case.force,
                status: h.case.status,
                received_on: h.case.received_on,
                party: format!("P{}", h.party),
                allegation: format!("A{}", h.allegation),
                category: h.category,
                determination: h.determination,
                outcome: h.outcome,
            })
            .collect(),
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    after: Option<i64>,
    limit: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditView {
    seq: i64,
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

fn audit_view(r: AuditRecord) -> AuditView {
    AuditView {
        seq: r.seq,
        at: jiff::Timestamp::from_microsecond(r.entry.recorded_at)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        actor: r.entry.actor,
        role: r.entry.role,
        action: r.entry.action,
        target: r.entry.target,
        outcome: r.entry.outcome,
        purpose: r.entry.purpose,
        detail: r.entry.detail,
        hash: r.hash.hex(),
    }
}

/// `GET /api/v1/audit`: the whole audit trail, for auditors.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, description = "Audit entries in order", body = Vec<AuditView>), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors only", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let records = state
        .book
        .audit_as(
            &user.principal,
            p.after.unwrap_or(0),
            p.limit.unwrap_or(100),
            None,
        )
        .await?;
    Ok(axum::Json(records.into_iter().map(audit_view).collect()))
}

/// `GET /api/v1/cases/{reference}/audit`: the audit trail of one case, for auditors.
#[utoipa::path(get, path = "/api/v1/cases/{reference}/audit", tag = "audit", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), AuditParams), responses((status = 200, description = "Audit entries about this case", body = Vec<AuditView>), (status = 400, description = "Bad input", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors only", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn case_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let r = reference(&raw)?;
    let records = state
        .book
        .audit_as(
            &user.principal,
            p.after.unwrap_or(0),
            p.limit.unwrap_or(100),
            Some(r.as_str()),
        )
        .await?;
    Ok(axum::Json(records.into_iter().map(audit_view).collect()))
}
