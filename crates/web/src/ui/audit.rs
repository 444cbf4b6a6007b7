//! The audit trail for auditors: newest first, filtered by actor, action, case, outcome and
//! days, paged; the same desk search as `GET /api/v1/audit`.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use probity_store::Action;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, html};
use super::form::Errors;
use crate::api::audit::AuditFilters;
use crate::error::PageProblem;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditForm {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    before: Option<i64>,
}

pub struct Row {
    seq: i64,
    when: String,
    actor: String,
    role: String,
    action: String,
    target: String,
    purpose: String,
    detail: String,
    outcome: String,
    outcome_class: &'static str,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    errors: Errors,
    filters: AuditFilters,
    texts: Vec<(&'static str, &'static str, &'static str, String)>,
    actions: Vec<(String, String)>,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /audit`
pub async fn audit(user: PageUser, Query(form): Query<AuditForm>) -> Result<Response, PageProblem> {
    let filters = AuditFilters {
        actor: form.actor,
        action: form.action,
        case: form.case,
        outcome: form.outcome,
        since: form.since,
        until: form.until,
    };
    let mut page = AuditPage {
        chrome: user.chrome(Section::Audit),
        errors: Errors::default(),
        texts: vec![
            ("actor", "User", "Their user name", filters.actor.clone()),
            (
                "case",
                "Case",
                "Its reference, such as 2020/134541",
                filters.case.clone(),
            ),
            (
                "since",
                "From",
                "A day, such as 2020-03-31",
                filters.since.clone(),
            ),
            (
                "until",
                "To",
                "A day, such as 2020-04-30",
                filters.until.clone(),
            ),
        ],
        actions: Action::all()
            .map(|a| {
                let code = a.code().into_owned();
                (code.clone(), code)
            })
            .collect(),
        filters,
        rows: Vec::new(),
        previous: None,
        next: None,
    };
    let query = match page.filters.query(form.before, None, PER_PAGE) {
        Ok(q) => q,
        Err(problems) => {
            for p in problems {
                page.errors.add(p.field, p.message);
            }
            return Ok(html(StatusCode::BAD_REQUEST, page.render()));
        }
    };
    // The desk refuses (and records the refusal of) a role that does not read the trail.
    let records = user.user.desk.search_audit(&query).await?;
    let link = |before: i64| {
        let f = &page.filters;
        let q = serde_urlencoded::to_string([
            ("actor", f.actor.as_str()),
            ("action", f.action.as_str()),
            ("case", f.case.as_str()),
            ("outcome", f.outcome.as_str()),
            ("since", f.since.as_str()),
            ("until", f.until.as_str()),
            ("before", &before.to_string()),
        ])
        .unwrap_or_default();
        format!("/audit?{q}")
    };
    page.next = (records.len() as i64 == PER_PAGE)
        .then(|| records.last().map(|r| link(r.seq)))
        .flatten();
    page.previous = form.before.map(|_| "/audit".to_string());
    page.rows = records
        .into_iter()
        .map(|r| {
            let when = jiff::Timestamp::from_microsecond(r.entry.recorded_at)
                .map(|t| {
                    probity_domain::london()
                        .to_datetime(t)
                        .strftime("%-d %B %Y, %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            let outcome = r.entry.outcome.code();
            Row {
                seq: r.seq,
                when,
                actor: r.entry.actor,
                role: r.entry.role,
                action: r.entry.action.code().into_owned(),
                target: r.entry.target,
                purpose: r.entry.purpose,
                detail: r.entry.detail,
                outcome: outcome.to_string(),
                outcome_class: match outcome {
                    "allowed" => "govuk-tag--green",
                    "denied" => "govuk-tag--red",
                    "refused" => "govuk-tag--orange",
                    _ => "govuk-tag--grey",
                },
            }
        })
        .collect();
    Ok(html(StatusCode::OK, page.render()))
}
