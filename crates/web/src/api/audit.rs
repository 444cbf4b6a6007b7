//! The audit trail, for auditors: the whole of it, or one case's.

use axum::extract::Path;
use probity_store::AuditRecord;
use probity_store::anchor::Exported;
use serde::{Deserialize, Serialize};

use crate::api::cases::reference;
use crate::api::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::ApiResult;

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
        action: r.entry.action.code().into_owned(),
        target: r.entry.target,
        outcome: r.entry.outcome.code().to_string(),
        purpose: r.entry.purpose,
        detail: r.entry.detail,
        hash: r.hash.hex(),
    }
}

/// `GET /api/v1/audit`: the whole audit trail, for auditors.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, description = "Audit entries in order", body = Vec<AuditView>), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Auditors only", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn audit(
    user: CurrentUser,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let records = user
        .desk
        .audit_trail(p.after.unwrap_or(0), p.limit.unwrap_or(100), None)
        .await?;
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
