//! Cases: the list, the case file, and the commands that change a case.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use probity_domain::access::ReadPurpose;
use probity_domain::command::LogMatter;
use probity_domain::{Command, Reference};
use probity_store::{CaseQuery, CaseRow, CategoryFilter};
use serde::{Deserialize, Serialize};

use crate::api::json::{ApiJson, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub(crate) fn reference(raw: &str) -> ApiResult<Reference> {
    Reference::parse(raw).map_err(|e| Problem::bad_request(e.to_string()))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Cases whose reference begins with this (`2020/13` finds 2020/134541).
    reference: Option<String>,
    /// `local`, `directed` or `independent`.
    mode: Option<String>,
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
            reference: c.reference.to_string(),
            kind: c.kind.code().to_string(),
            force: c.force.code().to_string(),
            status: c.status.code().to_string(),
            received_on: c.received_on.to_string(),
            mode_of_investigation: c.mode.map(|m| probity_domain::code_of(&m)),
            restricted: c.restricted,
            published_on: c.published_on.map(|d| d.to_string()),
            version: c.version as i64,
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

fn date_param(name: &str, v: Option<String>) -> ApiResult<Option<jiff::civil::Date>> {
    v.map(|d| {
        d.parse::<jiff::civil::Date>()
            .map_err(|_| Problem::bad_request(format!("{name} must be a date like 2024-01-31")))
    })
    .transpose()
}

/// `GET /api/v1/cases`
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListParams), responses((status = 200, description = "The cases you may see that match", body = CaseList), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role lists no cases", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn list(
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
    let force = p
        .force
        .map(|f| probity_domain::force::Force::parse(&f))
        .transpose()
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let status = p
        .status
        .map(|s| {
            probity_domain::from_code::<probity_domain::Status>(s.trim())
                .ok_or_else(|| Problem::bad_request(format!("'{s}' is not a case status")))
        })
        .transpose()?;
    // As the document lists them: a code or its letter, in capitals (the pages are kinder).
    let category = p
        .category
        .map(|c| {
            let listed = probity_domain::category::SUBCATEGORIES
                .iter()
                .any(|s| s.code == c || s.code.get(..1) == Some(c.as_str()));
            if !listed {
                return Err(format!(
                    "'{c}' is not a category: give a code such as A1, or its letter, in capitals (`probity categories` lists them)"
                ));
            }
            CategoryFilter::parse(&c)
        })
        .transpose()
        .map_err(Problem::bad_request)?;
    let reference = p
        .reference
        .map(|r| {
            probity_store::query::reference_prefix(&r).ok_or_else(|| {
                Problem::bad_request("a reference holds letters, digits, '/' and '-' only")
            })
        })
        .transpose()?;
    let mode = p
        .mode
        .map(|m| {
            probity_domain::from_code::<probity_domain::referral::InvestigationMode>(m.trim())
                .ok_or_else(|| {
                    Problem::bad_request(format!("'{m}' is not a mode of investigation"))
                })
        })
        .transpose()?;
    let query = CaseQuery {
        reference,
        mode,
        force,
        status,
        category,
        service_number: p
            .service_number
            .as_deref()
            .map(crate::api::subjects::service_number)
            .transpose()?,
        received_from: date_param("received_from", p.received_from)?,
        received_to: date_param("received_to", p.received_to)?,
        team_member: p.mine.then(|| user.desk.principal().username.clone()),
        restricted: p.restricted,
        offset: (page - 1) * per_page,
        limit: per_page,
    };
    let result = user.desk.list_cases(&query).await?;
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
    /// Why you read it: case work, review, correspondence, publication, disclosure,
    /// oversight or audit (recorded in the audit trail).
    purpose: Option<String>,
}

/// The purpose of a read, from the query or the `Probity-Purpose` header: one of the fixed
/// list (`access::READ_PURPOSES`), never free text.
fn purpose(headers: &HeaderMap, param: Option<String>) -> Result<ReadPurpose, Problem> {
    let given = match param {
        Some(p) => Some(p),
        None => match headers.get("probity-purpose") {
            Some(v) => Some(
                v.to_str()
                    .map_err(|_| Problem::bad_request("the purpose is not text"))?
                    .to_string(),
            ),
            None => None,
        },
    };
    match given.filter(|p| !p.trim().is_empty()) {
        None => Ok(ReadPurpose::CASE_WORK),
        Some(p) => ReadPurpose::parse(&p).map_err(Problem::bad_request),
    }
}

/// `GET /api/v1/cases/{reference}`: the case file. The read is audited with its purpose.
#[utoipa::path(get, path = "/api/v1/cases/{reference}", tag = "cases", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), ReadParams, ("Probity-Purpose" = Option<String>, Header, description = "Why you read it; recorded in the audit trail")), responses((status = 200, description = "The case file", body = probity_app::CaseFile), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role does not read case files", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn show(
    user: CurrentUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ReadParams>,
) -> ApiResult<impl IntoResponse> {
    let r = reference(&raw)?;
    let file = user
        .desk
        .case_file(&r, purpose(&headers, p.purpose)?)
        .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        file.json(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// The version of the case the command was prepared against.
    expected_version: u64,
    /// The day the act happened, when not today: never in the future, never before the matter
    /// was received.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<jiff::civil::Date>,
    #[schema(value_type = probity_domain::Command)]
    command: serde_json::Value,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// The day the matter was logged, when not today: on or after it was received.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<jiff::civil::Date>,
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

/// A well-formed command sent to the endpoint of another: understood, not done here.
fn wrong_endpoint(detail: &str) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong-endpoint",
        "This command is sent elsewhere",
        detail,
    )
}

/// `POST /api/v1/cases`: log a new matter (`command` must be `log_matter`).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenRequest, responses((status = 201, description = "The case is open", body = CommandResult), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Refused by a statutory rule (the problem names it)", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn open(
    user: CurrentUser,
    ApiJson(body): ApiJson<OpenRequest>,
) -> ApiResult<impl IntoResponse> {
    let command = probity_app::command_from_json(body.command)?;
    let Command::LogMatter(LogMatter { reference: r, .. }) = &command else {
        return Err(wrong_endpoint(
            "a new case starts with the log_matter command; send other commands to /api/v1/cases/{reference}/commands",
        ));
    };
    let r = r.clone();
    let done = user.desk.run_on(&r, &command, None, body.on).await?;
    Ok((StatusCode::CREATED, axum::Json(result(&r, done))))
}

/// `POST /api/v1/cases/{reference}/commands`: run one command on the case.
#[utoipa::path(post, path = "/api/v1/cases/{reference}/commands", tag = "cases", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F")), request_body = CommandRequest, responses((status = 200, description = "Done", body = CommandResult), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "The case changed since you read it", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 413, description = "Body too large", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 415, description = "Not JSON", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Refused by a statutory rule (the problem names it)", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn command(
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CommandRequest>,
) -> ApiResult<axum::Json<CommandResult>> {
    let r = reference(&raw)?;
    let command = probity_app::command_from_json(body.command)?;
    if let Command::LogMatter(LogMatter { .. }) = command {
        return Err(wrong_endpoint("log a new matter with POST /api/v1/cases"));
    }
    let done = user
        .desk
        .run_on(&r, &command, Some(body.expected_version), body.on)
        .await?;
    Ok(axum::Json(result(&r, done)))
}
