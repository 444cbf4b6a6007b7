//! The decision log: recording a decision and its reasons on a case, through the same desk
//! operation as `POST /api/v1/cases/{reference}/commands` with `log_decision`. The form carries
//! the case's version: when the case changed since it was opened, nothing is recorded and the
//! user sees what changed, with what they typed kept.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::AppError;
use probity_domain::access::ReadPurpose;
use probity_domain::command::{CommandKind, LogDecision};
use probity_domain::{Command, Reference, Status};
use probity_store::StoreError;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html};
use super::form::{Errors, changed_since, refusal_on_field};
use crate::error::{PageProblem, Problem};

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    expected_version: u64,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    acted: String,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    chrome: Chrome,
    csrf: String,
    reference: String,
    case_href: String,
    action: String,
    version: u64,
    errors: Errors,
    /// What was recorded on the case since the form was opened.
    changed: Vec<String>,
    form: DecisionForm,
}

fn reference(raw: &str) -> Result<Reference, PageProblem> {
    Reference::parse(raw).map_err(|_| PageProblem(Problem::not_found()))
}

fn not_yours() -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::FORBIDDEN,
        "not-allowed",
        "You cannot record decisions",
        "Your role does not record decisions on case files.",
    ))
}

/// Whether the case file offers this form: the role may log decisions and the case is open.
pub fn offered(user: &PageUser, status: &str) -> bool {
    user.user.desk.may_run(CommandKind::LogDecision)
        && probity_domain::from_code::<Status>(status).is_some_and(|s| !s.is_terminal())
}

impl DecisionPage {
    fn new(user: &PageUser, r: &Reference, version: u64, form: DecisionForm) -> DecisionPage {
        let href = case_href(r.as_str());
        DecisionPage {
            chrome: user.chrome(Section::Cases),
            csrf: user.csrf.clone().unwrap_or_default(),
            reference: r.to_string(),
            action: format!("{href}/decisions"),
            case_href: href,
            version,
            errors: Errors::default(),
            changed: Vec::new(),
            form,
        }
    }
}

/// `GET /cases/{reference}/decisions/new`
pub async fn form(user: PageUser, Path(raw): Path<String>) -> Result<Response, PageProblem> {
    let r = reference(&raw)?;
    if !user.user.desk.may_run(CommandKind::LogDecision) {
        return Err(not_yours());
    }
    let file = user.user.desk.case_file(&r, ReadPurpose::CASE_WORK).await?;
    let form = DecisionForm {
        acted: "true".into(),
        ..DecisionForm::default()
    };
    let page = DecisionPage::new(&user, &r, file.version, form);
    Ok(html(StatusCode::OK, page.render()))
}

/// `POST /cases/{reference}/decisions`
pub async fn record(
    user: PageUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<DecisionForm>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let r = reference(&raw)?;
    let mut errors = Errors::default();
    if form.decision.trim().is_empty() {
        errors.add("decision", "Enter the decision");
    }
    if form.rationale.trim().is_empty() {
        errors.add("rationale", "Enter the reasons for the decision");
    }
    let version = form.expected_version;
    if !errors.is_empty() {
        let mut page = DecisionPage::new(&user, &r, version, form);
        page.errors = errors;
        return Ok(html(StatusCode::BAD_REQUEST, page.render()));
    }
    let command = Command::LogDecision(LogDecision {
        decision: form.decision.trim().to_string(),
        rationale: form.rationale.trim().to_string(),
        acted: form.acted != "false",
    });
    match user
        .user
        .desk
        .run_on(&r, &command, Some(version), None)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{}#timeline", case_href(r.as_str()))).into_response()),
        Err(AppError::Store(StoreError::Conflict { actual, .. })) => {
            let (now, changed) = changed_since(&user.user.desk, &r, version).await?;
            let mut page = DecisionPage::new(&user, &r, actual.max(now), form);
            page.changed = changed;
            Ok(html(StatusCode::CONFLICT, page.render()))
        }
        Err(e) => {
            refusal_on_field(e, &mut errors, "decision", str::to_string)?;
            let mut page = DecisionPage::new(&user, &r, version, form);
            page.errors = errors;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()))
        }
    }
}
