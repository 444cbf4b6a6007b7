//! The steps of the case file: one form per command, designed for its task, each described
//! here as data (its questions, the choices the case offers, how the answers become the
//! command) and run by one engine: the same desk operation as the API, the case's version
//! carried so that a second submission or a stale form records nothing, a refusal shown on
//! the field it concerns with its statutory basis, and everything typed kept. Steps with a
//! legal consequence show the answers to check before anything is recorded.
//!
//! A new step is an entry in [`STEPS`] and a module function for its fields and its command;
//! the case file offers it when the user's role may run the command and the case is at one of
//! the stages the step names.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::{AppError, CaseFile};
use probity_domain::access::ReadPurpose;
use probity_domain::command::CommandKind;
use probity_domain::{Body, Command, Reference, Status};
use probity_store::StoreError;

use super::chrome::{Chrome, PageUser, Section, case_href, html};
use super::form::{Errors, changed_since, parse_date, refusal_on_field};
use crate::error::{PageProblem, Problem};

mod aftercare;
mod intake;
mod investigation;
mod need_to_know;
mod outcome;
mod publishing;

/// One choice of a radio group, checkbox group or select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: String,
}

pub fn choice(value: impl Into<String>, label: impl Into<String>) -> Choice {
    Choice {
        value: value.into(),
        label: label.into(),
        hint: String::new(),
    }
}

impl Choice {
    pub fn hint(mut self, hint: impl Into<String>) -> Choice {
        self.hint = hint.into();
        self
    }
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Text,
    Radios,
    Checkboxes,
    Select,
    Date,
}

/// One question of a step.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub kind: Kind,
    pub choices: Vec<Choice>,
    /// A heading shown above this question: the subject and allegation of a grid row.
    pub group: Option<String>,
}

impl Field {
    fn new(kind: Kind, name: impl Into<String>, label: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            label: label.into(),
            hint: String::new(),
            kind,
            choices: Vec::new(),
            group: None,
        }
    }

    pub fn line(name: impl Into<String>, label: impl Into<String>) -> Field {
        Field::new(Kind::Line, name, label)
    }

    pub fn text(name: impl Into<String>, label: impl Into<String>) -> Field {
        Field::new(Kind::Text, name, label)
    }

    pub fn date(name: impl Into<String>, label: impl Into<String>) -> Field {
        Field::new(Kind::Date, name, label).hint("For example, 6 4 2020")
    }

    pub fn radios(name: impl Into<String>, label: impl Into<String>, c: Vec<Choice>) -> Field {
        Field {
            choices: c,
            ..Field::new(Kind::Radios, name, label)
        }
    }

    pub fn checkboxes(name: impl Into<String>, label: impl Into<String>, c: Vec<Choice>) -> Field {
        Field {
            choices: c,
            ..Field::new(Kind::Checkboxes, name, label)
        }
    }

    pub fn select(name: impl Into<String>, label: impl Into<String>, c: Vec<Choice>) -> Field {
        Field {
            choices: c,
            ..Field::new(Kind::Select, name, label)
        }
    }

    /// A question answered yes (`true`) or no (`false`).
    pub fn yes_or_no(
        name: impl Into<String>,
        label: impl Into<String>,
        yes: &str,
        no: &str,
    ) -> Field {
        Field::radios(name, label, vec![choice("true", yes), choice("false", no)])
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = hint.into();
        self
    }

    pub fn group(mut self, heading: impl Into<String>) -> Field {
        self.group = Some(heading.into());
        self
    }

    /// For the template: which input this is.
    pub fn is(&self, kind: &str) -> bool {
        let k = match self.kind {
            Kind::Line => "line",
            Kind::Text => "text",
            Kind::Radios => "radios",
            Kind::Checkboxes => "checkboxes",
            Kind::Select => "select",
            Kind::Date => "date",
        };
        k == kind
    }

    /// The element the error summary links to.
    fn target(&self) -> String {
        match self.kind {
            Kind::Date => format!("{}-day", self.name),
            Kind::Radios | Kind::Checkboxes if !self.choices.is_empty() => {
                format!("{}-{}", self.name, self.choices[0].value)
            }
            _ => self.name.clone(),
        }
    }

    /// The answer as the check page reads it.
    fn answer(&self, a: &Answers) -> String {
        let label = |v: &str| {
            self.choices
                .iter()
                .find(|c| c.value == v)
                .map_or_else(|| v.to_string(), |c| c.label.clone())
        };
        match self.kind {
            Kind::Radios | Kind::Select => label(a.one(&self.name)),
            Kind::Checkboxes => {
                let all: Vec<String> = a.all(&self.name).map(label).collect();
                all.join("; ")
            }
            Kind::Date => {
                let [d, m, y] = a.date_parts(&self.name);
                if d.is_empty() && m.is_empty() && y.is_empty() {
                    String::new()
                } else {
                    format!("{d} {m} {y}")
                }
            }
            Kind::Line | Kind::Text => a.one(&self.name).trim().to_string(),
        }
    }
}

/// What was typed, as the browser sent it (a name may repeat: checkboxes).
#[derive(Debug, Clone, Default)]
pub struct Answers(Vec<(String, String)>);

impl Answers {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Answers {
        Answers(pairs)
    }

    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// For the template: whether `value` is among the answers to `name`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).any(|v| v == value)
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.into()));
    }

    pub fn date_parts(&self, name: &str) -> [&str; 3] {
        ["day", "month", "year"].map(|p| {
            self.0
                .iter()
                .find(|(k, _)| k.strip_prefix(name).and_then(|r| r.strip_prefix('-')) == Some(p))
                .map_or("", |(_, v)| v.as_str())
        })
    }

    /// For the template: the three boxes of a date, as label, width and what was typed.
    pub fn date_boxes(&self, name: &str) -> [(&'static str, &'static str, u8, String); 3] {
        let [d, m, y] = self.date_parts(name);
        [
            ("day", "Day", 2, d.to_string()),
            ("month", "Month", 2, m.to_string()),
            ("year", "Year", 4, y.to_string()),
        ]
    }

    /// The typed answers to carry through the check page: everything but the form's own
    /// bookkeeping.
    fn carried(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "expected_version" | "intent"))
            .cloned()
            .collect()
    }

    /// A required text answer, trimmed; an error on the field when empty.
    pub fn text(&self, name: &str, missing: &str, errors: &mut Errors) -> String {
        let v = self.one(name).trim();
        if v.is_empty() {
            errors.add(name, missing);
        }
        v.to_string()
    }

    /// An optional text answer: `None` when nothing was typed.
    pub fn optional(&self, name: &str) -> Option<String> {
        let v = self.one(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A required choice read as a code of the domain; an error on the field when none (or
    /// one the domain does not know) was chosen.
    pub fn code<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        missing: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        let v = probity_domain::from_code(self.one(name));
        if v.is_none() {
            errors.add(name, missing);
        }
        v
    }

    /// As [`Answers::code`] for a question that may be left unanswered: None without an error
    /// when it is, an error only for a value that is not one of the codes.
    pub fn optional_code<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        unknown: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        if self.one(name).is_empty() {
            None
        } else {
            self.code(name, unknown, errors)
        }
    }

    /// A day typed in three boxes.
    pub fn date(
        &self,
        name: &str,
        label: &str,
        required: bool,
        errors: &mut Errors,
    ) -> Option<jiff::civil::Date> {
        let [d, m, y] = self.date_parts(name);
        parse_date(name, label, [d, m, y], required, errors)
    }

    pub fn yes(&self, name: &str) -> bool {
        matches!(self.one(name), "true" | "yes" | "on")
    }

    /// A yes-or-no question answered (`true` or `false`); an error on it when not.
    pub fn yes_or_no(&self, name: &str, missing: &str, errors: &mut Errors) -> Option<bool> {
        match self.one(name) {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errors.add(name, missing);
                None
            }
        }
    }

    /// A party chosen; an error on the question when none was.
    pub fn party(
        &self,
        name: &str,
        missing: &str,
        errors: &mut Errors,
    ) -> Option<probity_domain::PartyId> {
        let p = probity_domain::PartyId::parse(self.one(name));
        if p.is_none() {
            errors.add(name, missing);
        }
        p
    }
}

/// One step of the case file.
pub struct Step {
    /// Its address under the case: `/cases/{reference}/steps/{slug}`.
    pub slug: &'static str,
    pub kind: CommandKind,
    /// The link on the case file, and the page's heading.
    pub title: &'static str,
    /// What the step is for and where the duty comes from, in a sentence or two.
    pub guidance: &'static str,
    pub submit: &'static str,
    /// The stages at which the step is offered.
    pub stages: &'static [Status],
    /// Whether the user's body takes the step on this case (the rules decide again).
    pub when: fn(&CaseFile, Body) -> bool,
    /// The answers are shown to check before anything is recorded.
    pub check: bool,
    /// A decision about the subjects: their history in other cases is shown beside the form
    /// (and its showing recorded in the audit trail).
    pub history: bool,
    /// What the user decides on, shown above the questions (the draft to approve, say).
    pub facts: fn(&CaseFile) -> Vec<(String, String)>,
    pub fields: fn(&CaseFile) -> Vec<Field>,
    /// The answers a new form starts with (none, mostly).
    pub defaults: fn(&CaseFile) -> Answers,
    /// The command the answers make, or errors on the fields.
    pub command: fn(&Answers, &CaseFile, &mut Errors) -> Option<Command>,
}

fn no_facts(_: &CaseFile) -> Vec<(String, String)> {
    Vec::new()
}

fn no_defaults(_: &CaseFile) -> Answers {
    Answers::default()
}

fn any_body(_: &CaseFile, _: Body) -> bool {
    true
}

/// The appropriate authority takes the step.
fn force_only(_: &CaseFile, body: Body) -> bool {
    body == Body::AppropriateAuthority
}

/// The oversight body takes the step.
fn oversight_only(_: &CaseFile, body: Body) -> bool {
    body == Body::OversightBody
}

/// The body that runs the case's investigation (and keeps its record) takes the step.
fn investigating_body(file: &CaseFile, body: Body) -> bool {
    mode(file).is_some_and(|m| m.investigating_body() == body)
}

/// The body that makes the case-to-answer determinations takes the step.
fn determining_body(file: &CaseFile, body: Body) -> bool {
    mode(file).is_some_and(|m| m.determining_body() == body)
}

fn mode(file: &CaseFile) -> Option<probity_domain::referral::InvestigationMode> {
    file.mode_of_investigation
        .as_deref()
        .and_then(probity_domain::from_code)
}

/// Every step, in the order of the lifecycle.
pub static STEPS: &[Step] = &[
    intake::START_HANDLING,
    intake::CONTACT_COMPLAINANT,
    intake::ADD_PARTY,
    intake::ADD_ALLEGATION,
    intake::HANDLE_OUTSIDE_SCHEDULE3,
    intake::FINALISE_OUTSIDE_SCHEDULE3,
    intake::REFER,
    intake::DECIDE_REFERRAL,
    intake::START_LOCAL_INVESTIGATION,
    intake::HANDLE_OTHERWISE,
    intake::DECIDE_OUTCOME,
    investigation::TERMS_OF_REFERENCE,
    investigation::CHANGE_MODE,
    investigation::SERVE_NOTICE,
    investigation::RECORD_INTERVIEW,
    investigation::TAKE_WITNESS_ACCOUNT,
    investigation::EXHIBIT_EVIDENCE,
    investigation::TRANSFER_CUSTODY,
    intake::RECORD_CONDUCT_MATTER,
    investigation::SUSPEND,
    investigation::RESUME,
    investigation::SUSPEND_OFFICER,
    investigation::LIFT_OFFICER_SUSPENSION,
    investigation::SUBMIT_REPORT,
    outcome::GIVE_OPINION,
    outcome::DETERMINE,
    outcome::REFER_TO_PROSECUTORS,
    outcome::CONCLUDE_CRIMINAL_PROCEEDINGS,
    outcome::PROPOSE_ACTION,
    outcome::ANSWER_PROPOSAL,
    outcome::ANSWER_RECOMMENDATION,
    outcome::ARRANGE_PROCEEDINGS,
    outcome::CONCLUDE_PROCEEDINGS,
    outcome::NOTIFY_SANCTION,
    outcome::LODGE_APPEAL,
    outcome::DETERMINE_APPEAL,
    outcome::REFER_TO_BARRED_LIST,
    outcome::RECORD_LEAVING_SERVICE,
    outcome::PROGRESS_REFLECTIVE_PRACTICE,
    outcome::AGREE_REFLECTIVE_REPORT,
    aftercare::MAKE_LEARNING_RECOMMENDATION,
    aftercare::EXTEND_RESPONSE_PERIOD,
    aftercare::RECORD_LEARNING_RESPONSE,
    aftercare::PUBLISH_LEARNING_RESPONSE,
    aftercare::CLOSE_RECOMMENDATION,
    aftercare::RECORD_NO_LEARNING,
    intake::UPDATE_PARTY,
    aftercare::NOTIFY_OUTCOME,
    aftercare::APPLY_FOR_REVIEW,
    aftercare::DECIDE_LATE_REVIEW,
    aftercare::DECIDE_REVIEW,
    aftercare::ORDER_REINVESTIGATION,
    aftercare::RECORD_ASSOCIATED_PROCEEDINGS,
    aftercare::CONCLUDE_ASSOCIATED_PROCEEDINGS,
    intake::WITHDRAW,
    aftercare::CLOSE,
    publishing::DRAFT_PUBLICATION,
    publishing::APPROVE_PUBLICATION,
    publishing::WITHDRAW_PUBLICATION,
    intake::ERASE_PERSONAL_DATA,
    need_to_know::RESTRICT_CASE,
    need_to_know::LIFT_RESTRICTION,
    need_to_know::ASSIGN_TO_TEAM,
    need_to_know::REMOVE_FROM_TEAM,
    need_to_know::GRANT_ACCESS,
];

fn step(slug: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.slug == slug)
}

fn stage_of(file: &CaseFile) -> Option<Status> {
    probity_domain::from_code::<Status>(&file.status)
}

impl Step {
    fn open_at(&self, file: &CaseFile, body: Body) -> bool {
        stage_of(file).is_some_and(|s| self.stages.contains(&s)) && (self.when)(file, body)
    }

    fn href(&self, reference: &str) -> String {
        format!("{}/steps/{}", case_href(reference), self.slug)
    }
}

/// The steps this user may take on this case now: address and title.
pub fn offered(user: &PageUser, file: &CaseFile) -> Vec<(String, &'static str)> {
    STEPS
        .iter()
        .filter(|s| user.user.desk.may_run(s.kind) && s.open_at(file, body_of(user)))
        .map(|s| (s.href(&file.reference), s.title))
        .collect()
}

#[derive(Template)]
#[template(path = "step.html")]
struct StepPage<'a> {
    chrome: Chrome,
    csrf: String,
    reference: String,
    case_href: String,
    action: String,
    version: u64,
    step: &'a Step,
    fields: Vec<Field>,
    answers: Answers,
    errors: Errors,
    changed: Vec<String>,
    /// The answers to check, as question and answer: set on the check page only.
    checking: Option<Vec<(String, String)>>,
    carried: Vec<(String, String)>,
    panels: Vec<super::history::Panel>,
    facts: Vec<(String, String)>,
}

impl<'a> StepPage<'a> {
    fn new(
        user: &PageUser,
        step: &'a Step,
        file: &CaseFile,
        version: u64,
        answers: Answers,
    ) -> StepPage<'a> {
        StepPage {
            chrome: user.chrome(Section::Cases),
            csrf: user.csrf.clone().unwrap_or_default(),
            reference: file.reference.clone(),
            case_href: case_href(&file.reference),
            action: step.href(&file.reference),
            version,
            step,
            fields: (step.fields)(file),
            answers,
            errors: Errors::default(),
            changed: Vec::new(),
            checking: None,
            carried: Vec::new(),
            panels: Vec::new(),
            facts: (step.facts)(file),
        }
    }

    /// The page, with the subjects' histories beside it when the step decides about them:
    /// read only when shown, so that the audit trail records each showing and no other.
    async fn show(
        mut self,
        user: &PageUser,
        file: &CaseFile,
        status: StatusCode,
    ) -> Result<Response, PageProblem> {
        if self.step.history {
            self.panels = super::history::panels(user, file, self.step.kind).await?;
        }
        Ok(html(status, self.render()))
    }
}

fn body_of(user: &PageUser) -> Body {
    user.user.desk.principal().body
}

fn not_found() -> PageProblem {
    PageProblem(Problem::not_found())
}

fn not_yours(step: &Step) -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::FORBIDDEN,
        "not-allowed",
        "You cannot take this step",
        format!(
            "Your role does not {}.",
            step.title.to_lowercase().trim_end_matches('.')
        ),
    ))
}

fn not_now(step: &Step, file: &CaseFile) -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::CONFLICT,
        "not-at-this-stage",
        "This step is not open to you now",
        format!(
            "The case is at the stage \"{}\": \"{}\" is not taken at this stage, or not by your organisation. Go back to the case file to see what you can do.",
            super::chrome::words(&file.status).to_lowercase(),
            step.title
        ),
    ))
}

/// The step and case of a request, once the user may take the step and the case is at a stage
/// that offers it. The read is audited as any case-file read.
async fn open(
    user: &PageUser,
    raw: &str,
    slug: &str,
) -> Result<(&'static Step, Reference, std::sync::Arc<CaseFile>), PageProblem> {
    let step = step(slug).ok_or_else(not_found)?;
    let r = Reference::parse(raw).map_err(|_| not_found())?;
    if !user.user.desk.may_run(step.kind) {
        return Err(not_yours(step));
    }
    let file = user.user.desk.case_file(&r, ReadPurpose::CASE_WORK).await?;
    if !step.open_at(&file, body_of(user)) {
        return Err(not_now(step, &file));
    }
    Ok((step, r, file))
}

/// `GET /cases/{reference}/steps/{step}`
pub async fn form(
    user: PageUser,
    Path((raw, slug)): Path<(String, String)>,
) -> Result<Response, PageProblem> {
    let (step, _, file) = open(&user, &raw, &slug).await?;
    let page = StepPage::new(&user, step, &file, file.version, (step.defaults)(&file));
    page.show(&user, &file, StatusCode::OK).await
}

/// `POST /cases/{reference}/steps/{step}`: `intent` is `change` (back to the form from the
/// check page), `record` (from the check page) or nothing (the form itself).
pub async fn take(
    user: PageUser,
    Path((raw, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageProblem> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| {
        PageProblem(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-form",
            "The form could not be read",
            "Go back, reload the page and send it again.",
        ))
    })?;
    let answers = Answers::from_pairs(pairs);
    user.check_form(&headers, answers.one("csrf"))?;
    let (step, r, file) = open(&user, &raw, &slug).await?;
    let version = answers.one("expected_version").parse().unwrap_or(0);
    let intent = answers.one("intent").to_string();
    let mut page = StepPage::new(&user, step, &file, version, answers);
    if intent == "change" {
        return page.show(&user, &file, StatusCode::OK).await;
    }
    let mut errors = Errors::default();
    let command = (step.command)(&page.answers, &file, &mut errors);
    let command = match command {
        Some(c) if errors.is_empty() => c,
        _ => {
            retarget(&mut errors, &page.fields);
            page.errors = errors;
            return page.show(&user, &file, StatusCode::BAD_REQUEST).await;
        }
    };
    if step.check && intent != "record" {
        page.checking = Some(
            page.fields
                .iter()
                .map(|f| (f.label.clone(), f.answer(&page.answers)))
                .filter(|(_, a)| !a.is_empty())
                .collect(),
        );
        page.carried = page.answers.carried();
        return page.show(&user, &file, StatusCode::OK).await;
    }
    match user
        .user
        .desk
        .run_on(&r, &command, Some(version), None)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{}#timeline", case_href(r.as_str()))).into_response()),
        Err(AppError::Store(StoreError::Conflict { actual, .. })) => {
            let (now, changed) = changed_since(&user.user.desk, &r, version).await?;
            page.version = actual.max(now);
            page.changed = changed;
            page.show(&user, &file, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let fallback = page
                .fields
                .first()
                .map_or("", |f| f.name.as_str())
                .to_string();
            let fields = page.fields.clone();
            // A step without questions links its refusal to its button.
            refusal_on_field(e, &mut errors, &fallback, |name| {
                fields
                    .iter()
                    .find(|f| f.name == name)
                    .or(fields.first())
                    .map_or_else(|| "step-submit".to_string(), Field::target)
            })?;
            // A field the rules name that this form does not ask: shown on the first question.
            for e in errors.fields_mut() {
                if !fields.iter().any(|f| f.name == e.field) && !fields.is_empty() {
                    e.field = fields[0].name.clone();
                    e.target = fields[0].target();
                }
            }
            page.errors = errors;
            page.show(&user, &file, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// Errors link to the input they concern (the first radio of a group, the day of a date).
fn retarget(errors: &mut Errors, fields: &[Field]) {
    for e in errors.fields_mut() {
        if let Some(f) = fields.iter().find(|f| f.name == e.field) {
            e.target = f.target();
        }
    }
}

/// A case's subjects as choices: name (or that it was erased), rank and service number.
pub fn subjects(file: &CaseFile) -> Vec<Choice> {
    file.subjects
        .iter()
        .map(|s| {
            let mut hint = Vec::new();
            if let Some(r) = &s.rank {
                hint.push(r.clone());
            }
            if let Some(n) = &s.service_number {
                hint.push(format!("service number {n}"));
            }
            choice(&s.party, subject_name(file, &s.party)).hint(hint.join(", "))
        })
        .collect()
}

/// The case's parties of the given kinds (`PartyView::kind`) as choices, their role beside.
pub fn parties(file: &CaseFile, kinds: &[&str]) -> Vec<Choice> {
    file.parties
        .iter()
        .filter(|p| kinds.contains(&p.kind.as_str()))
        .map(|p| choice(&p.party, subject_name(file, &p.party)).hint(&p.role))
        .collect()
}

/// What a page calls a party: their name, or their number when it was erased.
pub fn subject_name(file: &CaseFile, party: &str) -> String {
    file.parties
        .iter()
        .find(|p| p.party == party)
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| format!("{party} (name erased)"))
}

/// An allegation as a line: its number, category and the start of its description.
pub fn allegation_line(file: &CaseFile, allegation: &str) -> String {
    file.allegations
        .iter()
        .find(|a| a.allegation == allegation)
        .map_or_else(
            || allegation.to_string(),
            |a| format!("{}: {}", a.allegation, a.category_name),
        )
}

#[cfg(test)]
mod tests;
