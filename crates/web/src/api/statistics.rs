//! Statistics for analysts: codes and counts over the allegations (`Desk::statistics`), never a
//! name or a narrative.

use probity_app::FactFilter;
use probity_domain::statistics::Statistics;
use serde::Deserialize;

use crate::api::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsParams {
    /// Received on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// One body: a force's code (`kent`, see the case list's `force`) or another body's whose
    /// records were imported (`nypd`, `cpd`).
    #[param(pattern = "^[a-z0-9-]{1,40}$")]
    body: Option<String>,
    /// One source: `probity` for cases recorded here, or an importer's name (`ccrb`, `chicago`).
    #[param(pattern = "^[a-z0-9-]{1,40}$")]
    source: Option<String>,
}

/// A day parameter; the page takes the same check (`ui/statistics.rs`).
pub(crate) fn day(name: &str, value: Option<String>) -> Result<Option<jiff::civil::Date>, Problem> {
    value
        .map(|v| {
            v.trim().parse().map_err(|_| {
                Problem::bad_request(format!("{name} must be a date like 2020-01-31, not '{v}'"))
            })
        })
        .transpose()
}

/// A code parameter (a body or a source), as the API and the page take it.
pub(crate) fn code(name: &str, value: Option<String>) -> Result<Option<String>, Problem> {
    value
        .map(|v| {
            let ok = (1..=40).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if ok {
                Ok(v)
            } else {
                Err(Problem::bad_request(format!(
                    "{name} is a code of lower-case letters, digits and '-' (at most 40)"
                )))
            }
        })
        .transpose()
}

/// `GET /api/v1/statistics`
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", params(StatisticsParams), responses((status = 200, description = "Cases, allegations and subjects counted per year, body, category, handling and finding; time to finalise; subjects by number of allegations; disproportionality at each stage (relative rate index against White, else the largest group, with Katz's 95% interval). Cells from 1 to 9 are suppressed (null).", body = Statistics), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role counts no statistics", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn statistics(
    user: CurrentUser,
    ApiQuery(p): ApiQuery<StatisticsParams>,
) -> ApiResult<axum::Json<Statistics>> {
    let filter = FactFilter {
        from: day("from", p.from)?,
        to: day("to", p.to)?,
        body: code("body", p.body)?,
        source: code("source", p.source)?,
    };
    // A `to` before `from` admits nothing: empty figures, as the document allows.
    Ok(axum::Json(user.desk.statistics(filter).await?))
}

/// `GET /api/v1/statistics/charts/{chart}`
#[utoipa::path(get, path = "/api/v1/statistics/charts/{chart}", tag = "statistics", params(("chart" = String, Path, description = "years, findings, subjects or disproportionality"), StatisticsParams), responses((status = 200, description = "The chart of the same figures as `GET /api/v1/statistics` with the same filters, as an SVG image with a title and a description in words; suppressed cells are left out and the description says how many.", content_type = "image/svg+xml", body = String), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role counts no statistics", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such chart", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn chart(
    user: CurrentUser,
    axum::extract::Path(name): axum::extract::Path<String>,
    ApiQuery(p): ApiQuery<StatisticsParams>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let name = name.strip_suffix(".svg").unwrap_or(&name);
    let Some(chart) = probity_charts::Chart::parse(name) else {
        return Err(Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "There is no such chart: years, findings, subjects or disproportionality.",
        ));
    };
    let filter = FactFilter {
        from: day("from", p.from)?,
        to: day("to", p.to)?,
        body: code("body", p.body)?,
        source: code("source", p.source)?,
    };
    let stats = user.desk.statistics(filter).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        probity_charts::svg(&stats, chart),
    )
        .into_response())
}
