//! Letters and reports made from a case: previewed as JSON (with the digest and the command
//! that sends them) or as a printable page, and letters already sent made again for printing.
//! Sending is the `send_letter` command, through `/commands` like any other.

use axum::extract::Path;
use axum::response::Response;
use probity_app::PreparedLetter;
use probity_domain::PartyId;
use probity_domain::letter::{LetterKind, LetterRequest};
use serde::Deserialize;

use crate::api::cases::reference;
use crate::api::json::{ApiJson, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    letter: LetterRequest,
    /// The day the letter is dated, when not today.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<jiff::civil::Date>,
}

/// `POST /api/v1/cases/{reference}/letters/preview`: the letter, its digest and the command
/// that sends it. A timeliness report lists what a person must still write.
#[utoipa::path(post, path = "/api/v1/cases/{reference}/letters/preview", tag = "letters", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F")), request_body = PreviewRequest, responses((status = 200, description = "The letter as the case makes it", body = PreparedLetter), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role sends no letters", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "The case cannot make this letter now (the problem names the rule)", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn preview(
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PreviewRequest>,
) -> ApiResult<axum::Json<PreparedLetter>> {
    let r = reference(&raw)?;
    let letter = user.desk.letter(&r, &body.letter, body.on).await?;
    Ok(axum::Json(letter))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PrintParams {
    kind: LetterKind,
    /// The complainant or interested person (`P1` or `1`).
    #[param(pattern = "^P?[1-9][0-9]{0,8}$")]
    to: Option<String>,
    /// The end of the period a timeliness report covers (the oldest unreported when absent).
    #[param(value_type = Option<String>, format = Date)]
    period_ending: Option<String>,
}

/// `GET /api/v1/cases/{reference}/letters/print`: the draft as a printable page. Only codes
/// travel in the address; the texts a report needs are given to the preview.
#[utoipa::path(get, path = "/api/v1/cases/{reference}/letters/print", tag = "letters", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), PrintParams), responses((status = 200, description = "A printable page", content_type = "text/html"), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role sends no letters", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "The case cannot make this letter now", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn print(
    user: CurrentUser,
    Path(raw): Path<String>,
    ApiQuery(p): ApiQuery<PrintParams>,
) -> ApiResult<Response> {
    let r = reference(&raw)?;
    let kind = p.kind;
    let to =
        p.to.map(|t| {
            let t = t.trim();
            PartyId::parse(t)
                .or_else(|| t.parse::<u32>().ok().filter(|n| *n > 0).map(PartyId))
                .ok_or_else(|| Problem::bad_request(format!("'{t}' is not a party (P1, P2, ...)")))
        })
        .transpose()?;
    let period_ending = p
        .period_ending
        .map(|d| {
            d.parse::<jiff::civil::Date>()
                .map_err(|_| Problem::bad_request(format!("'{d}' is not a date (YYYY-MM-DD)")))
        })
        .transpose()?;
    let request = LetterRequest {
        kind: Some(kind),
        to,
        period_ending,
        ..LetterRequest::default()
    };
    let letter = user.desk.letter(&r, &request, None).await?;
    Ok(crate::ui::letter::page(&letter))
}

/// `GET /api/v1/cases/{reference}/letters/{n}`: the `n`th letter sent (from 1), made again
/// from the case as it was and checked against its digest, as a printable page.
#[utoipa::path(get, path = "/api/v1/cases/{reference}/letters/{n}", tag = "letters", params(("reference" = String, Path, description = "The case reference, with '/' sent as %2F"), ("n" = u32, Path, description = "Which letter sent, from 1", minimum = 1)), responses((status = 200, description = "A printable page", content_type = "text/html"), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role sends no letters", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such case, or not yours to see", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn sent(
    user: CurrentUser,
    Path((raw, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    let r = reference(&raw)?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::bad_request(format!(
            "'{n}' is not a letter number (1, 2, ...)"
        )));
    }
    // A number too large to be a letter of any case is one this case does not have.
    let n: usize = n.parse().unwrap_or(usize::MAX);
    let letter = user.desk.sent_letter(&r, n).await?;
    Ok(crate::ui::letter::page(&letter))
}
