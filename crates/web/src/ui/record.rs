//! Recording a matter (Schedule 3 paragraphs 2 and 10), guided: the recording questions, then
//! which mandatory referral criteria the answers bring in and why, then the record, through the
//! same desk operation as the API's `record_matter`.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::AppError;
use probity_domain::access::ReadPurpose;
use probity_domain::command::{CommandKind, RecordMatter};
use probity_domain::referral::HandlingAssessment;
use probity_domain::{Command, Reference, Status};
use probity_store::StoreError;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html, words};
use super::form::{Errors, changed_since, refusal_on_field};
use crate::error::{PageProblem, Problem};

#[derive(Deserialize, Default)]
pub struct Answers {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    expected_version: u64,
    #[serde(default)]
    check: bool,
    #[serde(default)]
    might_justify_proceedings: bool,
    #[serde(default)]
    article_2_or_3: bool,
    #[serde(default)]
    serious_assault: bool,
    #[serde(default)]
    relevant_offence: bool,
    #[serde(default)]
    same_incident: bool,
}

impl Answers {
    fn assessment(&self) -> HandlingAssessment {
        HandlingAssessment {
            might_justify_proceedings: self.might_justify_proceedings,
            article_2_or_3: self.article_2_or_3,
            serious_assault: self.serious_assault,
            relevant_offence: self.relevant_offence,
            same_incident: self.same_incident,
        }
    }
}

/// The recording questions: the fields of the handling assessment, as asked, with their basis.
pub const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "might_justify_proceedings",
        "The conduct, if proved, might be a criminal offence or justify disciplinary proceedings",
        "Schedule 3 paragraph 2(6A)",
    ),
    (
        "article_2_or_3",
        "It might involve an infringement of Article 2 or 3 of the European Convention on Human Rights",
        "The right to life; the prohibition of torture and inhuman or degrading treatment",
    ),
    (
        "serious_assault",
        "The conduct alleged would be a serious assault",
        "PCMR 2020 regulation 4(1)(a)(i), as the oversight body's guidance defines it",
    ),
    (
        "relevant_offence",
        "The conduct alleged would be a relevant offence",
        "A sentence fixed by law, or seven years for an adult without previous convictions (regulation 4(1)(a)(v))",
    ),
    (
        "same_incident",
        "It arises from the same incident as a matter that meets a criterion",
        "Regulation 4(1)(b): name the other matter in the decision log",
    ),
];

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    csrf: String,
    reference: String,
    case_href: String,
    action: String,
    version: u64,
    errors: Errors,
    changed: Vec<String>,
    questions: Vec<(&'static str, &'static str, &'static str, bool)>,
    checked: bool,
    criteria: Vec<(String, &'static str, String)>,
}

/// Whether the case file offers recording: the role records and the case is at a stage where
/// it may be recorded.
pub fn offered(user: &PageUser, status: &str) -> bool {
    let records = probity_domain::stages::RECORDERS.contains(&user.user.desk.principal().body);
    records
        && user.user.desk.may_run(CommandKind::RecordMatter)
        && probity_domain::from_code::<Status>(status)
            .is_some_and(|s| probity_domain::stages::RECORDING.contains(&s))
}

/// The recording questions are for those who record (a refusal names no case).
fn may_record(user: &PageUser) -> Result<(), PageProblem> {
    if user.user.desk.may_run(CommandKind::RecordMatter) {
        return Ok(());
    }
    Err(PageProblem(crate::error::Problem::new(
        StatusCode::FORBIDDEN,
        "not-allowed",
        "You cannot record matters",
        "Your role does not record complaints or conduct matters.",
    )))
}

async fn build(
    user: &PageUser,
    r: &Reference,
    answers: &Answers,
    checked: bool,
    version: Option<u64>,
) -> Result<RecordPage, PageProblem> {
    // One read of the case: the check's when answers are checked, else the case file's.
    let (read_version, criteria) = if checked {
        let (v, reasons) = user
            .user
            .desk
            .referral_check(r, &answers.assessment())
            .await?;
        let criteria = reasons
            .into_iter()
            .map(|(c, why)| (words(&probity_domain::code_of(&c)), c.basis(), why))
            .collect();
        (v, criteria)
    } else if let Some(v) = version {
        (v, Vec::new())
    } else {
        let file = user.user.desk.case_file(r, ReadPurpose::CASE_WORK).await?;
        (file.version, Vec::new())
    };
    let version = version.unwrap_or(read_version);
    let href = case_href(r.as_str());
    Ok(RecordPage {
        chrome: user.chrome(Section::Cases),
        csrf: user.csrf.clone().unwrap_or_default(),
        reference: r.to_string(),
        action: format!("{href}/record"),
        case_href: href,
        version,
        errors: Errors::default(),
        changed: Vec::new(),
        questions: QUESTIONS
            .iter()
            .copied()
            .map(|(name, label, hint)| {
                let a = answers.assessment();
                let on = match name {
                    "might_justify_proceedings" => a.might_justify_proceedings,
                    "article_2_or_3" => a.article_2_or_3,
                    "serious_assault" => a.serious_assault,
                    "relevant_offence" => a.relevant_offence,
                    _ => a.same_incident,
                };
                (name, label, hint, on)
            })
            .collect(),
        checked,
        criteria,
    })
}

fn reference(raw: &str) -> Result<Reference, PageProblem> {
    Reference::parse(raw).map_err(|_| PageProblem(Problem::not_found()))
}

/// `GET /cases/{reference}/record[?check=true&...]`: the questions, and with `check` the
/// criteria the answers bring in. The answers are yes-or-no codes, nothing personal.
pub async fn form(
    user: PageUser,
    Path(raw): Path<String>,
    Query(answers): Query<Answers>,
) -> Result<Response, PageProblem> {
    let r = reference(&raw)?;
    may_record(&user)?;
    let page = build(&user, &r, &answers, answers.check, None).await?;
    Ok(html(StatusCode::OK, page.render()))
}

/// `POST /cases/{reference}/record`
pub async fn record(
    user: PageUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::Form(answers): axum::Form<Answers>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &answers.csrf)?;
    let r = reference(&raw)?;
    may_record(&user)?;
    let command = Command::RecordMatter(RecordMatter {
        assessment: answers.assessment(),
    });
    let version = answers.expected_version;
    match user
        .user
        .desk
        .run_on(&r, &command, Some(version), None)
        .await
    {
        Ok(_) => Ok(Redirect::to(&case_href(r.as_str())).into_response()),
        Err(AppError::Store(StoreError::Conflict { .. })) => {
            let (now, changed) = changed_since(&user.user.desk, &r, version).await?;
            let mut page = build(&user, &r, &answers, true, Some(now)).await?;
            page.changed = changed;
            Ok(html(StatusCode::CONFLICT, page.render()))
        }
        Err(e) => {
            let mut errors = Errors::default();
            refusal_on_field(e, &mut errors, "might_justify_proceedings", str::to_string)?;
            let mut page = build(&user, &r, &answers, true, Some(version)).await?;
            page.errors = errors;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()))
        }
    }
}
