//! People complained about, across cases: every allegation against one person.

use axum::extract::Path;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

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

/// A collar or staff number as the API takes it: letters and digits, at most 40.
pub fn service_number(raw: &str) -> Result<String, Problem> {
    let n = raw.trim();
    if (1..=40).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(n.to_string())
    } else {
        Err(Problem::bad_request(
            "a service number is letters and digits, at most 40 of them",
        ))
    }
}

/// `GET /api/v1/subjects/{force}/{service_number}/history`
#[utoipa::path(get, path = "/api/v1/subjects/{force}/{service_number}/history", tag = "subjects", params(("force" = String, Path, description = "Force code"), ("service_number" = String, Path, description = "Collar or staff number")), responses((status = 200, description = "Every allegation against this person in the cases you may see", body = Vec<HistoryRow>), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn subject_history(
    user: CurrentUser,
    Path((force, number)): Path<(String, String)>,
) -> ApiResult<axum::Json<Vec<HistoryRow>>> {
    let force = probity_domain::force::Force::parse(&force)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let number = service_number(&number)?;
    let rows = user.desk.subject_history(force, &number).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|h| HistoryRow {
                reference: h.case.reference.to_string(),
                force: h.case.force.code().to_string(),
                status: h.case.status.code().to_string(),
                received_on: h.case.received_on.to_string(),
                party: h.party.to_string(),
                allegation: h.allegation.to_string(),
                category: h.category.code().to_string(),
                determination: h.determination.map(|d| probity_domain::code_of(&d)),
                outcome: h.outcome,
            })
            .collect(),
    ))
}
