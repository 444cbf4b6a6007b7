//! Letters and timeliness reports on the case file: the letter as the case makes it, previewed
//! in the page, then sent with the digest of what was previewed (the `send_letter` command:
//! if the case changed the letter, nothing is sent and the new letter is shown). Only codes
//! travel in the address; what a person writes in a report travels in the form's body.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::{AppError, PreparedLetter};
use probity_domain::command::{CommandKind, SendLetter};
use probity_domain::letter::{LetterKind, LetterRequest};
use probity_domain::{Command, PartyId, Reference, Rule};
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, case_href, html, long_date};
use super::form::Errors;
use crate::error::{PageProblem, Problem};

/// What a letter is asked for with, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct LetterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    period_ending: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    reasons: String,
    #[serde(default)]
    planned_steps: String,
    #[serde(default)]
    estimated_completion: String,
    #[serde(default)]
    withheld: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    step: String,
}

pub struct LetterView {
    title: String,
    head: Vec<(&'static str, String)>,
    sections: Vec<(String, Vec<String>)>,
    missing: String,
    digest: String,
    print_href: String,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    chrome: Chrome,
    csrf: String,
    reference: String,
    case_href: String,
    action: String,
    errors: Errors,
    note: Option<String>,
    letter: Option<LetterView>,
    report: bool,
    hidden: Vec<(&'static str, String)>,
    texts: Vec<(&'static str, &'static str, String)>,
    estimated_completion: String,
}

fn bad(detail: String) -> PageProblem {
    PageProblem(Problem::bad_request(detail))
}

/// The request the form asks for, or why it cannot be understood.
fn request(form: &LetterForm) -> Result<LetterRequest, PageProblem> {
    let kind = probity_domain::from_code::<LetterKind>(&form.kind)
        .ok_or_else(|| bad(format!("'{}' is not a kind of letter", form.kind)))?;
    let to = match form.to.trim() {
        "" => None,
        t => Some(PartyId::parse(t).ok_or_else(|| bad(format!("'{t}' is not a party")))?),
    };
    let day = |text: &str, what: &str| match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("{what} must be a day such as 2027-03-31"))),
    };
    let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    Ok(LetterRequest {
        kind: Some(kind),
        to,
        period_ending: day(&form.period_ending, "The end of the period")?,
        progress: text(&form.progress),
        reasons: text(&form.reasons),
        planned_steps: text(&form.planned_steps),
        estimated_completion: day(&form.estimated_completion, "The expected completion")?,
        withheld: text(&form.withheld),
        copied_to: Vec::new(),
    })
}

fn view(r: &Reference, form: &LetterForm, l: &PreparedLetter) -> LetterView {
    let letter = &l.letter;
    let mut head = vec![
        ("Reference", letter.reference.clone()),
        ("Dated", long_date(letter.dated)),
        ("To", l.to_line()),
    ];
    if let Some(address) = l.recipient.as_ref().and_then(|r| r.address.clone()) {
        head.push(("Address", address));
    }
    let print = serde_urlencoded::to_string(
        [
            ("kind", form.kind.as_str()),
            ("to", form.to.as_str()),
            ("period_ending", form.period_ending.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    LetterView {
        title: letter.title.clone(),
        head,
        sections: letter
            .sections
            .iter()
            .map(|s| (s.heading.clone(), s.paragraphs.clone()))
            .collect(),
        missing: letter.missing.join(", "),
        digest: l.digest.clone(),
        print_href: format!(
            "/api/v1/cases/{}/letters/print?{print}",
            r.as_str().replace('/', "%2F")
        ),
    }
}

async fn render(
    user: &PageUser,
    r: &Reference,
    form: LetterForm,
    note: Option<String>,
) -> Result<Response, PageProblem> {
    let asked = request(&form)?;
    let href = case_href(r.as_str());
    let report = asked.kind == Some(LetterKind::TimelinessReport);
    let mut page = LetterPage {
        chrome: user.chrome(Section::Cases),
        csrf: user.csrf.clone().unwrap_or_default(),
        reference: r.to_string(),
        action: format!("{href}/letters"),
        case_href: href,
        errors: Errors::default(),
        note,
        letter: None,
        report,
        hidden: vec![
            ("kind", form.kind.clone()),
            ("to", form.to.clone()),
            ("period_ending", form.period_ending.clone()),
        ],
        texts: vec![
            ("progress", "Progress so far", form.progress.clone()),
            (
                "reasons",
                "Why it has taken this long",
                form.reasons.clone(),
            ),
            (
                "planned_steps",
                "The steps planned next",
                form.planned_steps.clone(),
            ),
            (
                "withheld",
                "What is withheld under the harm test, and why (if anything)",
                form.withheld.clone(),
            ),
        ],
        estimated_completion: form.estimated_completion.clone(),
    };
    let status = match user.user.desk.letter(r, &asked, None).await {
        Ok(l) => {
            page.letter = Some(view(r, &form, &l));
            StatusCode::OK
        }
        Err(AppError::Refused(refusal)) => {
            page.errors.add(
                "main-content",
                format!(
                    "The case cannot make this letter now: {} (rule: {}).",
                    refusal.detail,
                    refusal.rule.basis()
                ),
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => return Err(e.into()),
    };
    Ok(html(status, page.render()))
}

/// Whether the case file offers letters: the role sends them.
pub fn offered(user: &PageUser) -> bool {
    user.user.desk.may_run(CommandKind::SendLetter)
}

/// `GET /cases/{reference}/letters/new?kind=&to=&period_ending=`: the letter previewed.
pub async fn preview(
    user: PageUser,
    Path(raw): Path<String>,
    Query(form): Query<LetterForm>,
) -> Result<Response, PageProblem> {
    let r = Reference::parse(&raw).map_err(|_| PageProblem(Problem::not_found()))?;
    render(&user, &r, form, None).await
}

/// `POST /cases/{reference}/letters`: the preview again with what was written (`step=preview`),
/// or the letter sent (`step=send`).
pub async fn send(
    user: PageUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LetterForm>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let r = Reference::parse(&raw).map_err(|_| PageProblem(Problem::not_found()))?;
    if form.step != "send" {
        return render(&user, &r, form, None).await;
    }
    let command = Command::SendLetter(SendLetter {
        letter: request(&form)?,
        digest: form.digest.clone(),
    });
    match user.user.desk.run_on(&r, &command, None, None).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#timeline", case_href(r.as_str()))).into_response()),
        Err(AppError::Refused(refusal)) if refusal.rule == Rule::LetterChanged => {
            render(
                &user,
                &r,
                form,
                Some("The case changed since this letter was previewed, so it was not sent. This is the letter as the case makes it now: read it again before you send it.".into()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
