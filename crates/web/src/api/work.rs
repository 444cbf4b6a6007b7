//! Work queues and the overdue report: the duties of the cases you may see, from the due-date
//! read model (no clock is counted here), next due first.

use probity_domain::clock::ClockName;
use probity_store::{OverdueLine, WorkItem, WorkQuery, WorkScope};
use serde::{Deserialize, Serialize};

use crate::api::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WorkParams {
    /// `mine` (cases whose team includes you), `team` (your body's duties) or `all` (both; the
    /// default).
    scope: Option<String>,
    /// Only this clock (`progress_update`, `outcome_notification`, ...).
    clock: Option<String>,
    /// Only this force's cases.
    force: Option<String>,
    /// Only duties overdue today, or that cannot be counted.
    #[serde(default)]
    overdue: bool,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkItemView {
    reference: String,
    force: String,
    status: String,
    clock: String,
    title: String,
    /// `case`, or the party, recommendation, proceedings or conduct matter it counts for.
    about: String,
    period: u64,
    /// Absent when the due day is beyond the bank-holiday data (`uncounted`).
    due: Option<String>,
    overdue: bool,
    /// Days past due (0 when not overdue).
    days_overdue: i64,
    uncounted: bool,
    paused: bool,
    /// The body whose duty it is.
    owner: String,
    /// You are on the case's team.
    mine: bool,
    /// The provision the duty comes from.
    basis: String,
    /// The letter that discharges it, drafted from the case on request
    /// (`/api/v1/cases/{reference}/letters/print?kind=...`): `progress_update` (to `about`),
    /// `outcome` or `timeliness_report` (of the oldest period unreported).
    letter: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkList {
    /// The day overdue is judged on.
    today: String,
    items: Vec<WorkItemView>,
    /// How many duties match, counted up to 1,000; `total_more` when there are more.
    total: i64,
    total_more: bool,
    /// How many of them are overdue, counted up to 1,000; `overdue_more` when there are more.
    overdue: i64,
    overdue_more: bool,
    page: i64,
    per_page: i64,
}

fn item(w: WorkItem, today: jiff::civil::Date) -> WorkItemView {
    let info = w.clock.info();
    let overdue = !w.paused && w.due.is_none_or(|d| d < today);
    let days_overdue = match w.due {
        Some(d) if overdue => (today - d).get_days().into(),
        _ => 0,
    };
    WorkItemView {
        reference: w.reference.to_string(),
        force: w.force.code().to_string(),
        status: w.status.code().to_string(),
        clock: w.clock.code().to_string(),
        title: info.title.to_string(),
        about: w.about,
        period: w.period,
        due: w.due.map(|d| d.to_string()),
        overdue,
        days_overdue,
        uncounted: w.due.is_none(),
        paused: w.paused,
        owner: probity_domain::code_of(&w.owner),
        mine: w.mine,
        basis: info.basis.to_string(),
        letter: probity_domain::letter::LetterKind::for_clock(w.clock)
            .map(|k| probity_domain::code_of(&k)),
    }
}

pub(crate) fn clock_param(raw: Option<String>) -> ApiResult<Option<ClockName>> {
    raw.map(|c| {
        ClockName::parse(c.trim()).ok_or_else(|| {
            Problem::bad_request(format!(
                "'{c}' is not a clock: use one of {}",
                ClockName::ALL
                    .iter()
                    .map(|n| n.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    })
    .transpose()
}

/// `GET /api/v1/work`
#[utoipa::path(get, path = "/api/v1/work", tag = "work", params(WorkParams), responses((status = 200, description = "Your duties and your team's, next due first, overdue flagged", body = WorkList), (status = 400, description = "Bad input", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role lists no cases", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn work(
    user: CurrentUser,
    ApiQuery(p): ApiQuery<WorkParams>,
) -> ApiResult<axum::Json<WorkList>> {
    let per_page = p.per_page.unwrap_or(50);
    let page = p.page.unwrap_or(1);
    if !(1..=200).contains(&per_page) || !(1..=1_000_000).contains(&page) {
        return Err(Problem::bad_request(
            "page starts at 1; per_page is 1 to 200",
        ));
    }
    let scope = match p.scope.as_deref().map(str::trim) {
        None | Some("all") => WorkScope::All,
        Some("mine") => WorkScope::Mine,
        Some("team") => WorkScope::Team,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "'{other}' is not a scope: use mine, team or all"
            )));
        }
    };
    let force = p
        .force
        .map(|f| probity_domain::force::Force::parse(&f))
        .transpose()
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let principal = user.desk.principal();
    let query = WorkQuery {
        scope,
        body: principal.body,
        clock: clock_param(p.clock)?,
        force,
        overdue_only: p.overdue,
        // The desk sets the day; this is a placeholder it overwrites.
        today: jiff::civil::Date::MIN,
        offset: (page - 1) * per_page,
        limit: per_page,
        count_cap: probity_store::WORK_COUNT_CAP,
    };
    let (today, result) = user.desk.work(&query).await?;
    Ok(axum::Json(WorkList {
        today: today.to_string(),
        items: result.items.into_iter().map(|w| item(w, today)).collect(),
        total: result.total,
        total_more: result.total_more,
        overdue: result.overdue,
        overdue_more: result.overdue_more,
        page,
        per_page,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OverdueLineView {
    force: String,
    /// The body whose duty it is: the team.
    owner: String,
    clock: String,
    title: String,
    overdue: i64,
    oldest_due: Option<String>,
    /// Duties whose due day is beyond the bank-holiday data.
    uncounted: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OverdueReport {
    today: String,
    lines: Vec<OverdueLineView>,
    total: i64,
}

impl From<OverdueLine> for OverdueLineView {
    fn from(l: OverdueLine) -> Self {
        OverdueLineView {
            force: l.force.code().to_string(),
            owner: probity_domain::code_of(&l.owner),
            clock: l.clock.code().to_string(),
            title: l.clock.info().title.to_string(),
            overdue: l.overdue,
            oldest_due: l.oldest_due.map(|d| d.to_string()),
            uncounted: l.uncounted,
        }
    }
}

/// `GET /api/v1/reports/overdue`
#[utoipa::path(get, path = "/api/v1/reports/overdue", tag = "work", responses((status = 200, description = "Duties overdue today per force, team and clock, in the cases you may see", body = OverdueReport), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Your role lists no cases", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn overdue(user: CurrentUser) -> ApiResult<axum::Json<OverdueReport>> {
    let (today, lines) = user.desk.overdue_report().await?;
    let total = lines.iter().map(|l| l.overdue + l.uncounted).sum();
    Ok(axum::Json(OverdueReport {
        today: today.to_string(),
        lines: lines.into_iter().map(OverdueLineView::from).collect(),
        total,
    }))
}
