//! The case list and the case file as pages, from the same desk operations as
//! `GET /api/v1/cases` and `GET /api/v1/cases/{reference}` (so the same access decisions and
//! the same audit entries).

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use probity_app::CaseFile;
use probity_domain::access::ReadPurpose;
use probity_domain::force::Force;
use probity_domain::{Reference, Status};
use probity_store::CaseQuery;
use serde::Deserialize;

use super::chrome::{
    Chrome, PageUser, Section, case_href, html, long_date, long_date_text, state_class, words,
};
use super::form::Errors;
use crate::error::{PageProblem, Problem};

const PER_PAGE: i64 = 25;

/// The filters as typed: kept as text so that a bad one is shown back as it was typed.
#[derive(Deserialize, Default, Clone)]
pub struct ListForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    force: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    received_from: String,
    #[serde(default)]
    received_to: String,
    #[serde(default)]
    restricted: String,
    #[serde(default)]
    mine: bool,
    page: Option<i64>,
}

pub struct ListRow {
    reference: String,
    href: String,
    kind: String,
    force: String,
    received_on: String,
    status: String,
    restricted: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    chrome: Chrome,
    errors: Errors,
    /// The user's role logs new matters.
    may_log: bool,
    form: ListForm,
    /// The two date filters: name, label and what was typed.
    date_fields: Vec<(&'static str, &'static str, String)>,
    forces: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, String)>,
    categories: Vec<(String, String)>,
    modes: Vec<(&'static str, &'static str)>,
    total: i64,
    items: Vec<ListRow>,
    previous: Option<String>,
    next: Option<String>,
}

fn bad(detail: String) -> PageProblem {
    PageProblem(Problem::bad_request(detail))
}

/// A day typed as 2020-03-31, or nothing; an error on its field otherwise.
fn day(field: &str, label: &str, text: &str, errors: &mut Errors) -> Option<jiff::civil::Date> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse()
        .map_err(|_| {
            errors.add(
                field,
                format!("{label} must be a real date, like 2020-03-31"),
            )
        })
        .ok()
}

/// The categories to filter by: each letter (every subcategory in it), then each subcategory.
fn categories() -> Vec<(String, String)> {
    use probity_domain::category::SUBCATEGORIES;
    let mut out: Vec<(String, String)> = Vec::new();
    for sub in SUBCATEGORIES {
        let letter = &sub.code[..1];
        if !out.iter().any(|(code, _)| code == letter) {
            out.push((letter.to_string(), format!("{letter}: {}", sub.category)));
        }
        out.push((sub.code.to_string(), format!("{}: {}", sub.code, sub.name)));
    }
    out
}

/// `GET /cases`
pub async fn list(user: PageUser, Query(form): Query<ListForm>) -> Result<Response, PageProblem> {
    let force = match form.force.as_str() {
        "" => None,
        f => Some(Force::parse(f).map_err(|e| bad(e.to_string()))?),
    };
    let status = match form.status.as_str() {
        "" => None,
        s => Some(
            probity_domain::from_code::<Status>(s)
                .ok_or_else(|| bad(format!("'{s}' is not a case status")))?,
        ),
    };
    let restricted = match form.restricted.as_str() {
        "" => None,
        "true" => Some(true),
        "false" => Some(false),
        other => return Err(bad(format!("'{other}' is not a choice of restriction"))),
    };
    let page = form.page.unwrap_or(1);
    if !(1..=1_000_000).contains(&page) {
        return Err(bad("page starts at 1".into()));
    }
    let mut errors = Errors::default();
    let reference = match form.reference.trim() {
        "" => None,
        r => probity_store::query::reference_prefix(r).or_else(|| {
            errors.add(
                "reference",
                "A reference holds letters, digits, '/' and '-' only, such as 2020/134541",
            );
            None
        }),
    };
    let category = match form.category.as_str() {
        "" => None,
        c => Some(probity_store::CategoryFilter::parse(c).map_err(bad)?),
    };
    let mode = match form.mode.as_str() {
        "" => None,
        m => Some(
            probity_domain::from_code::<probity_domain::referral::InvestigationMode>(m)
                .ok_or_else(|| bad(format!("'{m}' is not a mode of investigation")))?,
        ),
    };
    let received_from = day(
        "received_from",
        "The first day",
        &form.received_from,
        &mut errors,
    );
    let received_to = day(
        "received_to",
        "The last day",
        &form.received_to,
        &mut errors,
    );
    let mut view = ListPage {
        chrome: user.chrome(Section::Cases),
        errors,
        may_log: user
            .user
            .desk
            .may_run(probity_domain::command::CommandKind::LogMatter),
        form: form.clone(),
        date_fields: vec![
            (
                "received_from",
                "Received on or after",
                form.received_from.clone(),
            ),
            (
                "received_to",
                "Received on or before",
                form.received_to.clone(),
            ),
        ],
        forces: Force::all().map(|f| (f.code(), f.name())).collect(),
        statuses: Status::ALL
            .iter()
            .filter(|s| **s != Status::New)
            .map(|s| (s.code(), words(s.code())))
            .collect(),
        categories: categories(),
        modes: vec![
            ("local", "Local"),
            ("directed", "Directed"),
            ("independent", "Independent"),
        ],
        total: 0,
        items: Vec::new(),
        previous: None,
        next: None,
    };
    if !view.errors.is_empty() {
        return Ok(html(StatusCode::BAD_REQUEST, view.render()));
    }
    let query = CaseQuery {
        reference,
        mode,
        force,
        status,
        category,
        service_number: None,
        received_from,
        received_to,
        team_member: form
            .mine
            .then(|| user.user.desk.principal().username.clone()),
        restricted,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
    };
    let found = user.user.desk.list_cases(&query).await?;
    let link = |p: i64| {
        let q = serde_urlencoded::to_string([
            ("reference", form.reference.as_str()),
            ("category", form.category.as_str()),
            ("mode", form.mode.as_str()),
            ("force", form.force.as_str()),
            ("status", form.status.as_str()),
            ("received_from", form.received_from.as_str()),
            ("received_to", form.received_to.as_str()),
            ("restricted", form.restricted.as_str()),
            ("mine", if form.mine { "true" } else { "" }),
            ("page", &p.to_string()),
        ])
        .unwrap_or_default();
        format!("/cases?{q}")
    };
    view.total = found.total;
    view.previous = (page > 1).then(|| link(page - 1));
    view.next = (page * PER_PAGE < found.total).then(|| link(page + 1));
    view.items = found
        .items
        .into_iter()
        .map(|c| ListRow {
            href: case_href(c.reference.as_str()),
            reference: c.reference.to_string(),
            kind: words(c.kind.code()),
            force: c.force.name().to_string(),
            received_on: long_date(c.received_on),
            status: words(c.status.code()),
            restricted: c.restricted,
        })
        .collect();
    Ok(html(StatusCode::OK, view.render()))
}

pub struct PartyRow {
    name: String,
    role: String,
    vulnerabilities: Vec<String>,
}

pub struct SubjectRow {
    name: String,
    rank: String,
    service_number: String,
    /// The severity assessment's form for this subject.
    severity_href: String,
}

pub struct GridRow {
    allegation: String,
    category: String,
    subject: String,
    /// The subject's severity assessment, which covers all their allegations.
    severity: String,
    opinion: String,
    determination: String,
    outcome: String,
}

pub struct ClockRow {
    /// The letter that discharges it, to draft now (when the user sends letters).
    letter_href: Option<String>,
    title: String,
    about: String,
    basis: String,
    start: String,
    due: String,
    state: String,
    state_class: &'static str,
    note: Option<String>,
}

pub struct TimelineRow {
    title: String,
    actor: String,
    on: String,
    iso: String,
}

/// The case file as a person reads it: words for codes, days as people write them.
pub struct CaseView {
    reference: String,
    kind: String,
    force: String,
    status: String,
    restricted: bool,
    next_deadline: Option<String>,
    summary: Vec<(&'static str, String)>,
    parties: Vec<PartyRow>,
    subjects: Vec<SubjectRow>,
    grid: Vec<GridRow>,
    clocks_on: String,
    clocks: Vec<ClockRow>,
    investigation: Option<InvestigationPanel>,
    /// The decision log: day, decision, reasons, and whether it was one not to act.
    decisions: Vec<(String, String, String, bool)>,
    /// Letters sent: what, to whom, the day, and its printable copy.
    letters: Vec<(String, String, String, String)>,
    timeline: Vec<TimelineRow>,
}

/// The investigation's record as the case file shows it.
pub struct InvestigationPanel {
    facts: Vec<(&'static str, String)>,
    /// The terms of reference in force, and which version of how many, set when.
    terms: Option<(String, String)>,
    notices: Vec<(String, String)>,
    interviews: Vec<(String, String, String)>,
    exhibits: Vec<ExhibitRow>,
}

pub struct ExhibitRow {
    exhibit: String,
    description: String,
    custodian: String,
    sha256: Option<String>,
    /// Each transfer in words, oldest first.
    chain: Vec<String>,
}

impl InvestigationPanel {
    fn of(i: &probity_app::InvestigationView, name_of: impl Fn(&str) -> String) -> Self {
        let mut facts = vec![
            ("Mode", words(&i.mode)),
            ("Started", long_date_text(&i.started_on)),
        ];
        if i.reinvestigation {
            facts.push(("Re-investigation", "Yes".into()));
        }
        for (from, until, reason) in &i.suspensions {
            let until = until.as_deref().map_or_else(
                || "still suspended".to_string(),
                |d| format!("to {}", long_date_text(d)),
            );
            facts.push((
                "Suspended",
                format!("From {}, {until}: {reason}", long_date_text(from)),
            ));
        }
        if let Some(on) = &i.report_on {
            facts.push(("Report submitted", long_date_text(on)));
        }
        if let Some(r) = &i.report_summary {
            facts.push(("The report", r.clone()));
        }
        let terms = i.terms_of_reference.last().map(|(v, text, on)| {
            let of = i.terms_of_reference.len();
            (
                text.clone(),
                format!("Version {v} of {of}, set {}", long_date_text(on)),
            )
        });
        InvestigationPanel {
            facts,
            terms,
            notices: i
                .notices
                .iter()
                .map(|(p, on)| (name_of(p), long_date_text(on)))
                .collect(),
            interviews: i
                .interviews
                .iter()
                .map(|x| {
                    let who = if x.under_caution {
                        format!("{} (under caution)", name_of(&x.party))
                    } else {
                        name_of(&x.party)
                    };
                    (long_date_text(&x.on), who, x.summary.clone())
                })
                .collect(),
            exhibits: i
                .exhibits
                .iter()
                .map(|e| ExhibitRow {
                    exhibit: e.exhibit.clone(),
                    description: e.description.clone(),
                    custodian: e.custodian.clone(),
                    sha256: e.sha256.clone(),
                    chain: e
                        .custody
                        .iter()
                        .map(|(from, to, why, on)| {
                            format!("{}: from {from} to {to}, {why}", long_date_text(on))
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl CaseView {
    fn of(f: &CaseFile) -> CaseView {
        let name_of = |party: &str| {
            f.parties
                .iter()
                .find(|p| p.party == party)
                .and_then(|p| p.name.clone())
                .unwrap_or_else(|| format!("{party} (name erased)"))
        };
        let mut summary = vec![
            ("Received", long_date_text(&f.received_on)),
            ("Came to attention", long_date_text(&f.came_to_attention_on)),
        ];
        if let Some(d) = &f.incident_on {
            summary.push(("Incident", long_date_text(d)));
        }
        summary.push(("Classification", words(&f.classification)));
        if let Some(m) = &f.mode_of_investigation {
            summary.push(("Mode of investigation", words(m)));
        }
        if let Some(o) = &f.handling_outcome {
            summary.push(("Handling", words(o)));
        }
        if !f.mandatory_referral_criteria.is_empty() {
            summary.push((
                "Mandatory referral criteria",
                f.mandatory_referral_criteria
                    .iter()
                    .map(|c| words(c))
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
        }
        summary.push(("What happened", f.summary.clone()));
        summary.push(("Publication", publication_words(f)));
        let grid = f
            .allegations
            .iter()
            .flat_map(|a| a.subjects.iter().map(move |s| (a, s)))
            .map(|(a, s)| {
                let finding = f
                    .findings
                    .iter()
                    .find(|x| x.allegation == a.allegation && x.subject == *s);
                let or_none = |v: Option<&Option<String>>| {
                    v.and_then(|o| o.as_deref())
                        .map(words)
                        .unwrap_or_else(|| "Not yet".into())
                };
                let severity = f
                    .investigation
                    .as_ref()
                    .and_then(|i| i.severity.iter().find(|(p, ..)| p == s))
                    .map(|(_, sev, form, _)| {
                        format!("{}; likely a {}", words(sev), form.replace('_', " "))
                    })
                    .unwrap_or_else(|| "Not assessed".into());
                GridRow {
                    severity,
                    allegation: format!("{}: {}", a.allegation, a.description),
                    category: a.category_name.clone(),
                    subject: name_of(s),
                    opinion: or_none(finding.map(|x| &x.opinion)),
                    determination: or_none(finding.map(|x| &x.determination)),
                    outcome: finding
                        .map(|x| words(&x.outcome))
                        .unwrap_or_else(|| "Not yet".into()),
                }
            })
            .collect();
        let clocks: Vec<ClockRow> = f
            .clocks
            .iter()
            .filter(|k| k.state != "not_applicable")
            .map(|k| ClockRow {
                letter_href: letter_for(f, k),
                title: k.title.clone(),
                about: if k.about == "case" {
                    String::new()
                } else {
                    name_or_code(f, &k.about)
                },
                basis: k.basis.clone(),
                start: k.start.as_deref().map(long_date_text).unwrap_or_default(),
                due: k
                    .due
                    .as_deref()
                    .map(long_date_text)
                    .unwrap_or_else(|| "Not known".into()),
                state: words(&k.state),
                state_class: state_class(&k.state),
                note: k.note.clone(),
            })
            .collect();
        let next_deadline = f
            .clocks
            .iter()
            .filter(|k| k.state == "running")
            .filter_map(|k| k.due.as_ref().map(|d| (d, &k.title)))
            .min()
            .map(|(d, t)| format!("{t}, {}", long_date_text(d)));
        CaseView {
            reference: f.reference.clone(),
            kind: words(&f.kind),
            force: f.force.clone(),
            status: words(&f.status),
            restricted: f.restricted,
            next_deadline,
            summary,
            parties: f
                .parties
                .iter()
                .map(|p| PartyRow {
                    name: p.name.clone().unwrap_or_else(|| "(name erased)".into()),
                    role: words(&p.role),
                    vulnerabilities: p.vulnerabilities.iter().map(|v| words(v)).collect(),
                })
                .collect(),
            subjects: f
                .subjects
                .iter()
                .map(|s| SubjectRow {
                    name: s.name.clone().unwrap_or_else(|| "(name erased)".into()),
                    rank: s.rank.clone().unwrap_or_default(),
                    service_number: s.service_number.clone().unwrap_or_default(),
                    severity_href: format!("{}/severity/{}", case_href(&f.reference), s.party),
                })
                .collect(),
            grid,
            clocks_on: long_date_text(&f.clocks_on),
            clocks,
            investigation: f
                .investigation
                .as_ref()
                .map(|i| InvestigationPanel::of(i, name_of)),
            decisions: f
                .decisions
                .iter()
                .rev()
                .map(|d| {
                    (
                        long_date_text(&d.on),
                        d.decision.clone(),
                        d.rationale.clone(),
                        d.acted,
                    )
                })
                .collect(),
            letters: f
                .letters
                .iter()
                .map(|l| {
                    (
                        words(&l.kind),
                        l.to.as_deref()
                            .map(name_of)
                            .unwrap_or_else(|| "The bodies it is due to".into()),
                        long_date_text(&l.on),
                        format!("/api/v1{}/letters/{}", case_href(&f.reference), l.n),
                    )
                })
                .collect(),
            timeline: f
                .events
                .iter()
                .rev()
                .map(|e| TimelineRow {
                    title: e.description.clone(),
                    actor: e.actor.clone(),
                    on: long_date(e.on),
                    iso: e.on.to_string(),
                })
                .collect(),
        }
    }
}

/// Where publication stands, in a sentence.
fn publication_words(f: &CaseFile) -> String {
    match (&f.publication, f.drafts.last()) {
        (Some(p), _) if p.withdrawn.is_some() => format!("Withdrawn: {}", p.title),
        (Some(p), latest) if latest.is_none_or(|d| d.version == p.version) => format!(
            "Published from {}{}",
            long_date(p.published_on),
            p.approved_by
                .as_deref()
                .map(|b| format!(", approved by {b}"))
                .unwrap_or_default()
        ),
        (_, Some(d)) => {
            let open = d.findings.iter().filter(|x| x.justified.is_none()).count();
            let mut s = format!("Draft {} awaiting approval", d.version);
            if open > 0 {
                s.push_str(&format!("; {open} anonymisation findings to resolve"));
            }
            if !f.publication_held_by.is_empty() {
                s.push_str(&format!(
                    "; held back: {}",
                    f.publication_held_by.join("; ")
                ));
            }
            s
        }
        (None, None) if f.publication_held_by.is_empty() => "Nothing holds it back".into(),
        (None, None) => format!("Held back: {}", f.publication_held_by.join("; ")),
        (Some(p), None) => format!("Published from {}", long_date(p.published_on)),
    }
}

/// The letter that discharges a running or missed clock, as the preview's address.
fn letter_for(f: &CaseFile, k: &probity_app::ClockView) -> Option<String> {
    if !matches!(k.state.as_str(), "running" | "missed") {
        return None;
    }
    let clock = probity_domain::clock::ClockName::parse(&k.name)?;
    let kind = probity_domain::letter::LetterKind::for_clock(clock)?;
    let mut q = format!("kind={}", probity_domain::code_of(&kind));
    if probity_domain::PartyId::parse(&k.about).is_some() && k.about.starts_with('P') {
        q.push_str(&format!("&to={}", k.about));
    }
    Some(format!("{}/letters/new?{q}", case_href(&f.reference)))
}

/// A party's name where a clock counts for a party, else the code (a recommendation, ...).
fn name_or_code(f: &CaseFile, about: &str) -> String {
    f.parties
        .iter()
        .find(|p| p.party == about)
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| about.to_string())
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    c: CaseView,
    /// The forms this user may use on this case now: address and label.
    actions: Vec<(String, &'static str)>,
    /// The user may assess each subject's severity now.
    offer_severity: bool,
    /// The user sends letters.
    offer_letters: bool,
}

/// `GET /cases/{reference}`: the case file, read for case work (audited as the API's read).
pub async fn show(user: PageUser, Path(raw): Path<String>) -> Result<Response, PageProblem> {
    let reference = Reference::parse(&raw).map_err(|_| PageProblem(Problem::not_found()))?;
    let file = user
        .user
        .desk
        .case_file(&reference, ReadPurpose::CASE_WORK)
        .await?;
    let mut actions = Vec::new();
    if super::record::offered(&user, &file.status) {
        actions.push((
            format!("{}/record", case_href(&file.reference)),
            "Record the matter",
        ));
    }
    if super::decisions::offered(&user, &file.status) {
        actions.push((
            format!("{}/decisions/new", case_href(&file.reference)),
            "Record a decision",
        ));
    }
    actions.extend(super::steps::offered(&user, &file));
    let page = CasePage {
        chrome: user.chrome(Section::Cases),
        c: CaseView::of(&file),
        actions,
        offer_severity: super::severity::offered(&user, &file.status),
        offer_letters: super::letters::offered(&user),
    };
    Ok(html(StatusCode::OK, page.render()))
}
