//! Intake: logging a new complaint, conduct matter or death or serious injury matter, through
//! the same desk operation as `POST /api/v1/cases`. What the rules refuse is shown on its field
//! with its basis, and everything typed is kept.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_domain::command::{CommandKind, LogMatter};
use probity_domain::force::Force;
use probity_domain::matter::{Classification, MatterKind};
use probity_domain::{Command, Reference};
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html};
use super::form::{DateField, Errors, refusal_on_field};
use crate::error::{PageProblem, Problem};

#[derive(Deserialize, Default)]
pub struct IntakeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    force: String,
    #[serde(default, rename = "received_on-day")]
    received_day: String,
    #[serde(default, rename = "received_on-month")]
    received_month: String,
    #[serde(default, rename = "received_on-year")]
    received_year: String,
    #[serde(default, rename = "came_to_attention_on-day")]
    came_day: String,
    #[serde(default, rename = "came_to_attention_on-month")]
    came_month: String,
    #[serde(default, rename = "came_to_attention_on-year")]
    came_year: String,
    #[serde(default, rename = "incident_on-day")]
    incident_day: String,
    #[serde(default, rename = "incident_on-month")]
    incident_month: String,
    #[serde(default, rename = "incident_on-year")]
    incident_year: String,
    #[serde(default)]
    incident_location: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    complainant_wants_recording: bool,
    #[serde(default)]
    death_or_serious_injury: bool,
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    csrf: String,
    errors: Errors,
    form: IntakeForm,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    forces: Vec<(&'static str, &'static str)>,
    classifications: Vec<(&'static str, &'static str)>,
    dates: Vec<DateField>,
}

const KINDS: &[(MatterKind, &str, &str)] = &[
    (
        MatterKind::Complaint,
        "A complaint",
        "Someone expresses dissatisfaction with a police force (Police Reform Act 2002 s.12)",
    ),
    (
        MatterKind::RecordableConductMatter,
        "A recordable conduct matter",
        "An indication that someone serving with the police may have committed a criminal offence or behaved in a way that would justify disciplinary proceedings, with no complaint",
    ),
    (
        MatterKind::DsiMatter,
        "A death or serious injury matter",
        "Someone died or was seriously injured after contact with the police, with no complaint (Schedule 3 Part 2A)",
    ),
];

impl IntakePage {
    fn new(user: &PageUser, form: IntakeForm, errors: Errors) -> IntakePage {
        let dates = vec![
            DateField {
                name: "received_on",
                label: "The day it was received",
                hint: "For example, 6 4 2020",
                day: form.received_day.clone(),
                month: form.received_month.clone(),
                year: form.received_year.clone(),
            },
            DateField {
                name: "came_to_attention_on",
                label: "The day it came to the appropriate authority's attention (if not the day received)",
                hint: "Leave empty when it is the day received",
                day: form.came_day.clone(),
                month: form.came_month.clone(),
                year: form.came_year.clone(),
            },
            DateField {
                name: "incident_on",
                label: "The day of the incident (if known)",
                hint: "For example, 5 4 2020",
                day: form.incident_day.clone(),
                month: form.incident_month.clone(),
                year: form.incident_year.clone(),
            },
        ];
        IntakePage {
            chrome: user.chrome(Section::Cases),
            csrf: user.csrf.clone().unwrap_or_default(),
            errors,
            form,
            kinds: KINDS
                .iter()
                .map(|(k, label, hint)| (k.code(), *label, *hint))
                .collect(),
            forces: Force::all().map(|f| (f.code(), f.name())).collect(),
            classifications: vec![
                (
                    "official_sensitive",
                    "OFFICIAL-SENSITIVE (the usual for a case file)",
                ),
                ("official", "OFFICIAL"),
            ],
            dates,
        }
    }
}

fn not_yours() -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::FORBIDDEN,
        "not-allowed",
        "You cannot log matters",
        "Your role does not log new matters. Ask an assessor.",
    ))
}

/// `GET /cases/new`
pub async fn form(user: PageUser) -> Result<Response, PageProblem> {
    if !user.user.desk.may_run(CommandKind::LogMatter) {
        return Err(not_yours());
    }
    let form = IntakeForm {
        kind: "complaint".into(),
        classification: "official_sensitive".into(),
        ..IntakeForm::default()
    };
    let page = IntakePage::new(&user, form, Errors::default());
    Ok(html(StatusCode::OK, page.render()))
}

fn target_of(field: &str) -> String {
    match field {
        "received_on" | "came_to_attention_on" | "incident_on" => format!("{field}-day"),
        "kind" => "kind-complaint".into(),
        f => f.to_string(),
    }
}

/// `POST /cases/new`: the matter is logged and the case file opens; or the form comes back
/// with every problem on its field and nothing recorded.
pub async fn log(
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<IntakeForm>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    if !user.user.desk.may_run(CommandKind::LogMatter) {
        return Err(not_yours());
    }
    let mut errors = Errors::default();
    let kind = KINDS
        .iter()
        .map(|(k, _, _)| *k)
        .find(|k| k.code() == form.kind);
    if kind.is_none() {
        errors.add_at("kind", "kind-complaint", "Choose what the matter is");
    }
    let reference = match form.reference.trim() {
        "" => {
            errors.add("reference", "Enter the reference");
            None
        }
        r => Reference::parse(r)
            .map_err(|_| {
                errors.add(
                    "reference",
                    "The reference must be up to 32 letters, digits, '/' and '-', starting with a letter or digit",
                )
            })
            .ok(),
    };
    let force = match form.force.as_str() {
        "" => {
            errors.add("force", "Choose the force");
            None
        }
        f => Force::parse(f)
            .map_err(|e| errors.add("force", e.to_string()))
            .ok(),
    };
    let page_dates = IntakePage::new(&user, IntakeForm::default(), Errors::default()).dates;
    let dates_typed = [
        (
            &form.received_day,
            &form.received_month,
            &form.received_year,
        ),
        (&form.came_day, &form.came_month, &form.came_year),
        (
            &form.incident_day,
            &form.incident_month,
            &form.incident_year,
        ),
    ];
    let mut days = Vec::new();
    for (i, (d, m, y)) in dates_typed.into_iter().enumerate() {
        let field = DateField {
            day: d.clone(),
            month: m.clone(),
            year: y.clone(),
            ..page_dates[i].clone_empty()
        };
        days.push(field.value(i == 0, &mut errors));
    }
    if form.summary.trim().is_empty() {
        errors.add("summary", "Enter what happened");
    }
    let classification = if form.classification == "official" {
        Classification::Official
    } else {
        Classification::OfficialSensitive
    };
    let (Some(kind), Some(reference), Some(force), Some(received_on), true) =
        (kind, reference, force, days[0], errors.is_empty())
    else {
        let page = IntakePage::new(&user, form, errors);
        return Ok(html(StatusCode::BAD_REQUEST, page.render()));
    };
    let command = Command::LogMatter(LogMatter {
        reference: reference.clone(),
        kind,
        force,
        appropriate_authority: Default::default(),
        received_on,
        came_to_attention_on: days[1],
        incident_on: days[2],
        incident_location: Some(form.incident_location.trim().to_string())
            .filter(|l| !l.is_empty()),
        summary: form.summary.trim().to_string(),
        classification,
        complainant_wants_recording: form.complainant_wants_recording,
        death_or_serious_injury: form.death_or_serious_injury,
    });
    match user
        .user
        .desk
        .run_on(&reference, &command, None, None)
        .await
    {
        Ok(_) => Ok(Redirect::to(&case_href(reference.as_str())).into_response()),
        Err(e) => {
            refusal_on_field(e, &mut errors, "reference", target_of)?;
            let page = IntakePage::new(&user, form, errors);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()))
        }
    }
}
