//! The severity assessment of one subject (PCR 2020 reg 16), with the subject's history beside
//! it: every allegation against the person in the other cases the user may see, whatever its
//! outcome. Reading that history is recorded as shown beside this decision on this case, so
//! the audit trail proves the decision maker saw it. Same desk operation as the API's
//! `assess_severity` command.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::{AppError, CaseFile};
use probity_domain::access::ReadPurpose;
use probity_domain::command::{AssessSeverity, CommandKind};
use probity_domain::conduct::{Form, Severity};
use probity_domain::force::Force;
use probity_domain::{Command, PartyId, Reference, Status};
use probity_store::StoreError;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html};
use super::form::{Errors, changed_since, refusal_on_field};
use crate::error::{PageProblem, Problem};

#[derive(Deserialize, Default)]
pub struct SeverityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    expected_version: u64,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    likely_form: String,
    #[serde(default)]
    rationale: String,
}

pub struct SubjectPanel {
    name: String,
    facts: Vec<(&'static str, String)>,
    allegations: Vec<String>,
}

type Choices = Vec<(
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str, bool)>,
)>;

#[derive(Template)]
#[template(path = "severity.html")]
struct SeverityPage {
    chrome: Chrome,
    csrf: String,
    reference: String,
    case_href: String,
    action: String,
    version: u64,
    errors: Errors,
    changed: Vec<String>,
    subject: SubjectPanel,
    history: Vec<super::history::HistoryRow>,
    history_none: String,
    choices: Choices,
    form: SeverityForm,
}

const SEVERITIES: &[(Severity, &str, &str)] = &[
    (Severity::Misconduct, "misconduct", "Misconduct"),
    (
        Severity::GrossMisconduct,
        "gross_misconduct",
        "Gross misconduct",
    ),
];

const FORMS: &[(Form, &str, &str)] = &[
    (Form::Meeting, "meeting", "A misconduct meeting"),
    (Form::Hearing, "hearing", "A misconduct hearing"),
    (
        Form::AcceleratedHearing,
        "accelerated_hearing",
        "An accelerated misconduct hearing",
    ),
];

/// Whether the case file offers the assessment: the role makes it and an investigation is
/// running.
pub fn offered(user: &PageUser, status: &str) -> bool {
    user.user.desk.may_run(CommandKind::AssessSeverity)
        && probity_domain::from_code::<Status>(status)
            .is_some_and(|s| probity_domain::stages::INVESTIGATION_OPEN.contains(&s))
}

fn not_found() -> PageProblem {
    PageProblem(Problem::not_found())
}

fn ids(raw: &str, party: &str) -> Result<(Reference, PartyId), PageProblem> {
    let r = Reference::parse(raw).map_err(|_| not_found())?;
    let p = PartyId::parse(party).ok_or_else(not_found)?;
    Ok((r, p))
}

/// The subject's panel, or `None` when the party is not a subject of this case.
fn panel(file: &CaseFile, party: PartyId) -> Option<(SubjectPanel, Option<(Force, String)>)> {
    let id = party.to_string();
    let s = file.subjects.iter().find(|s| s.party == id)?;
    let name = s
        .name
        .clone()
        .unwrap_or_else(|| format!("{id} (name erased)"));
    let mut facts = vec![("Name", name.clone())];
    if let Some(rank) = &s.rank {
        facts.push(("Rank", rank.clone()));
    }
    if let Some(n) = &s.service_number {
        facts.push(("Service number", n.clone()));
    }
    facts.push(("Force", s.force.clone()));
    if s.former {
        facts.push(("Serving", "No longer serving".into()));
    }
    let allegations = file
        .allegations
        .iter()
        .filter(|a| a.subjects.contains(&id))
        .map(|a| format!("{}: {} ({})", a.allegation, a.description, a.category_name))
        .collect();
    let lookup = super::history::lookup(file, &id);
    Some((
        SubjectPanel {
            name,
            facts,
            allegations,
        },
        lookup,
    ))
}

impl SeverityPage {
    async fn build(
        user: &PageUser,
        r: &Reference,
        party: PartyId,
        form: SeverityForm,
        version: Option<u64>,
    ) -> Result<SeverityPage, PageProblem> {
        let file = user.user.desk.case_file(r, ReadPurpose::CASE_WORK).await?;
        let (subject, lookup) = panel(&file, party).ok_or_else(not_found)?;
        let (history, history_none) =
            super::history::rows(user, r, lookup, CommandKind::AssessSeverity).await?;
        let pick = |value: &str, typed: &str| value == typed;
        let choices = vec![
            (
                "severity",
                "The severity, if the allegations were proved",
                SEVERITIES
                    .iter()
                    .map(|(_, v, l)| (*v, *l, pick(v, &form.severity)))
                    .collect(),
            ),
            (
                "likely_form",
                "The form the proceedings would likely take",
                FORMS
                    .iter()
                    .map(|(_, v, l)| (*v, *l, pick(v, &form.likely_form)))
                    .collect(),
            ),
        ];
        let href = case_href(r.as_str());
        Ok(SeverityPage {
            chrome: user.chrome(Section::Cases),
            csrf: user.csrf.clone().unwrap_or_default(),
            reference: r.to_string(),
            action: format!("{href}/severity/{party}"),
            case_href: href,
            version: version.unwrap_or(file.version),
            errors: Errors::default(),
            changed: Vec::new(),
            subject,
            history,
            history_none,
            choices,
            form,
        })
    }
}

fn not_yours() -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::FORBIDDEN,
        "not-allowed",
        "You cannot assess severity",
        "Your role does not make severity assessments.",
    ))
}

/// `GET /cases/{reference}/severity/{party}`
pub async fn form(
    user: PageUser,
    Path((raw, party)): Path<(String, String)>,
) -> Result<Response, PageProblem> {
    let (r, party) = ids(&raw, &party)?;
    if !user.user.desk.may_run(CommandKind::AssessSeverity) {
        return Err(not_yours());
    }
    let page = SeverityPage::build(&user, &r, party, SeverityForm::default(), None).await?;
    Ok(html(StatusCode::OK, page.render()))
}

fn target_of(field: &str) -> String {
    match field {
        "severity" => "severity-misconduct".into(),
        "likely_form" => "likely_form-meeting".into(),
        f => f.to_string(),
    }
}

/// `POST /cases/{reference}/severity/{party}`
pub async fn assess(
    user: PageUser,
    Path((raw, party_raw)): Path<(String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SeverityForm>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let (r, party) = ids(&raw, &party_raw)?;
    if !user.user.desk.may_run(CommandKind::AssessSeverity) {
        return Err(not_yours());
    }
    let mut errors = Errors::default();
    let severity = SEVERITIES.iter().find(|(_, v, _)| *v == form.severity);
    if severity.is_none() {
        errors.add_at("severity", &target_of("severity"), "Choose the severity");
    }
    let likely = FORMS.iter().find(|(_, v, _)| *v == form.likely_form);
    if likely.is_none() {
        errors.add_at(
            "likely_form",
            &target_of("likely_form"),
            "Choose the form the proceedings would likely take",
        );
    }
    if form.rationale.trim().is_empty() {
        errors.add("rationale", "Enter the reasons for the assessment");
    }
    let version = form.expected_version;
    let (Some((severity, _, _)), Some((likely_form, _, _)), true) =
        (severity, likely, errors.is_empty())
    else {
        let mut page = SeverityPage::build(&user, &r, party, form, Some(version)).await?;
        page.errors = errors;
        return Ok(html(StatusCode::BAD_REQUEST, page.render()));
    };
    let command = Command::AssessSeverity(AssessSeverity {
        subject: party,
        severity: *severity,
        likely_form: *likely_form,
        rationale: form.rationale.trim().to_string(),
    });
    match user
        .user
        .desk
        .run_on(&r, &command, Some(version), None)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}#allegations", case_href(r.as_str()))).into_response())
        }
        Err(AppError::Store(StoreError::Conflict { .. })) => {
            let (now, changed) = changed_since(&user.user.desk, &r, version).await?;
            let mut page = SeverityPage::build(&user, &r, party, form, Some(now)).await?;
            page.changed = changed;
            Ok(html(StatusCode::CONFLICT, page.render()))
        }
        Err(e) => {
            refusal_on_field(e, &mut errors, "severity", target_of)?;
            let mut page = SeverityPage::build(&user, &r, party, form, Some(version)).await?;
            page.errors = errors;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()))
        }
    }
}
