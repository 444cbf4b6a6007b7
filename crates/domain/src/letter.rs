//! Letters and reports made from a case: the progress update and the outcome letter to a
//! complainant or interested person, and the report on an investigation's timeliness. Pure:
//! a letter is a function of the case, the request and the day, so the same inputs always
//! give the same letter and its digest proves which one was sent (`send_letter` records it).
//!
//! A letter holds no personal data: the case holds none (names live outside the log), officers
//! are "Officer A", "Officer B" in the order they were added, and other people are not
//! mentioned. The shell adds the addressee's own name and address, and nothing else.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{Case, Status, outcome};
use crate::matter::{MatterKind, TimelinessRecipient, UpdateKind};
use crate::party::PartyRole;
use crate::referral::InvestigationMode;
use crate::review::{ReviewBody, ReviewKind, review_right};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Context, PartyId, code_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LetterKind {
    /// To a complainant or interested person, at least every 28 days (PRA ss.20-21; PCMR
    /// 2020 reg 34).
    ProgressUpdate,
    /// What was found, what happens next, and the right of review (PCMR 2020 reg 34; Sch3
    /// paras 6A, 25).
    Outcome,
    /// An investigation not complete within 12 months, then each 6 (PCMR 2020 reg 13; PCR
    /// 2020 reg 19).
    TimelinessReport,
}

impl LetterKind {
    /// The letter that discharges a duty of this clock, if one does: what a work queue offers
    /// to draft.
    pub fn for_clock(clock: crate::clock::ClockName) -> Option<LetterKind> {
        use crate::clock::ClockName as C;
        match clock {
            C::ProgressUpdate => Some(LetterKind::ProgressUpdate),
            C::OutcomeNotification => Some(LetterKind::Outcome),
            C::InvestigationTimeliness => Some(LetterKind::TimelinessReport),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            LetterKind::ProgressUpdate => "Progress update",
            LetterKind::Outcome => "Outcome letter",
            LetterKind::TimelinessReport => "Report on the time the investigation is taking",
        }
    }
}

/// What to write: the kind, to whom, and what only a person can say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterRequest {
    pub kind: Option<LetterKind>,
    /// The complainant or interested person (progress update, outcome letter).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, example = 1))]
    pub to: Option<PartyId>,
    /// The last day of the period a timeliness report covers; the oldest period not yet
    /// reported on when left out.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_ending: Option<Date>,
    /// The investigator's account of progress, beside what the record shows.
    #[serde(default)]
    pub progress: Option<String>,
    /// Why the investigation has taken this long (timeliness report: required).
    #[serde(default)]
    pub reasons: Option<String>,
    /// The steps planned next (timeliness report: required).
    #[serde(default)]
    pub planned_steps: Option<String>,
    /// When the investigation is expected to be complete (timeliness report: required).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub estimated_completion: Option<Date>,
    /// What is withheld from the report under the harm test, and why.
    #[serde(default)]
    pub withheld: Option<String>,
    /// Subjects sent a copy of a timeliness report (PCR 2020 reg 19, subject to the harm test).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<u32>))]
    pub copied_to: Vec<PartyId>,
}

/// Who a letter is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    Party(PartyId),
    Bodies(Vec<TimelinessRecipient>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// A letter as the case makes it, before the shell adds the addressee's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub kind: LetterKind,
    pub reference: String,
    pub dated: Date,
    pub to: Addressee,
    pub title: String,
    pub sections: Vec<Section>,
    /// What a person must still write before it can be sent.
    pub missing: Vec<&'static str>,
    /// The request with every default filled in (the period a report covers): what
    /// `send_letter` records.
    #[serde(skip)]
    pub request: LetterRequest,
}

impl Letter {
    /// SHA-256 of the letter's canonical JSON, hex: what `send_letter` checks and records.
    pub fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("letters serialise");
        crate::hex::encode(&Sha256::digest(&bytes))
    }
}

fn section(heading: &str, paragraphs: Vec<String>) -> Section {
    Section {
        heading: heading.to_string(),
        paragraphs,
    }
}

/// "Officer A", "Officer B"... in the order the subjects were added.
fn officers(case: &Case) -> BTreeMap<PartyId, String> {
    case.subjects()
        .enumerate()
        .map(|(i, p)| {
            let letter = char::from(b'A' + (i % 26) as u8);
            let suffix = if i >= 26 {
                (i / 26).to_string()
            } else {
                String::new()
            };
            (p.id, format!("Officer {letter}{suffix}"))
        })
        .collect()
}

/// Composes the letter `request` asks for, on the day of `ctx`, or says why it cannot be.
pub fn compose(case: &Case, request: &LetterRequest, ctx: &Context) -> Result<Letter, Refusal> {
    let Some(matter) = case.matter() else {
        return refuse(Rule::CaseNotOpen, "no case");
    };
    let Some(kind) = request.kind else {
        return refuse(
            Rule::MissingText,
            "say which letter: progress_update, outcome or timeliness_report",
        );
    };
    let on = ctx.on();
    let mut request = request.clone();
    let mut letter = Letter {
        kind,
        reference: matter.reference.to_string(),
        dated: on,
        to: Addressee::Bodies(Vec::new()),
        title: kind.title().to_string(),
        sections: Vec::new(),
        missing: Vec::new(),
        request: LetterRequest::default(),
    };
    match kind {
        LetterKind::ProgressUpdate | LetterKind::Outcome => {
            let party = addressee(case, request.to)?;
            letter.to = Addressee::Party(party);
            letter.sections = if kind == LetterKind::ProgressUpdate {
                progress_update(case, party, &request, on)
            } else {
                outcome_letter(case, party, ctx)?
            };
        }
        LetterKind::TimelinessReport => {
            let period_ending = match request.period_ending {
                Some(d) => d,
                None => oldest_unreported_period(case, on)?,
            };
            request.period_ending = Some(period_ending);
            let (recipients, sections, missing) = timeliness_report(case, &request, period_ending)?;
            letter.to = Addressee::Bodies(recipients);
            letter.sections = sections;
            letter.missing = missing;
        }
    }
    request.kind = Some(kind);
    letter.request = request;
    Ok(letter)
}

fn addressee(case: &Case, to: Option<PartyId>) -> Result<PartyId, Refusal> {
    let Some(p) = to else {
        return refuse(
            Rule::MissingText,
            "say who the letter is to (the complainant's, their representative's or an interested person's party id)",
        );
    };
    let party = crate::decide::entitled_to_updates(case, p)?;
    if party.erased {
        return refuse(
            Rule::NotEntitledToUpdates,
            format!("{p}'s personal data has been erased: there is no one to write to"),
        );
    }
    Ok(p)
}

/// Where the case stands, in a sentence.
fn standing(case: &Case) -> String {
    let inv = case.investigation.as_ref();
    let by = |mode: InvestigationMode| match mode {
        InvestigationMode::Local => "the force's professional standards department",
        InvestigationMode::Directed => "the force, directed by the oversight body",
        InvestigationMode::Independent => "the oversight body, independently",
    };
    match case.status {
        Status::UnderInvestigation | Status::Suspended => {
            let inv = inv.expect("under investigation");
            let paused = if case.status == Status::Suspended {
                " It is paused for now, so as not to prejudice other proceedings."
            } else {
                ""
            };
            format!(
                "The matter is being investigated by {} since {}.{paused}",
                by(inv.mode),
                inv.started_on
            )
        }
        Status::ReportSubmitted => {
            "The investigation is complete and its report is being considered.".into()
        }
        Status::Determined | Status::ActionsInProgress => {
            "The findings have been made and the action to follow them is under way.".into()
        }
        Status::OutcomeNotified | Status::UnderReview | Status::Closed => {
            "The outcome has been decided.".into()
        }
        Status::Withdrawn => "The complaint has been withdrawn.".into(),
        _ => "The matter is being assessed, to decide how it will be handled.".into(),
    }
}

/// What has happened on the case, dated, in words a complainant reads: the milestones of
/// the record, never who works on it or what a person said.
fn milestones(case: &Case) -> Vec<(Date, String)> {
    let mut out = Vec::new();
    if let Some((_, d)) = case.recorded {
        out.push((d, "The complaint was recorded.".to_string()));
    }
    if let Some((_, d)) = case.referral {
        out.push((d, "The matter was referred to the oversight body.".into()));
    }
    if let Some(d) = case.referral_decided_on {
        out.push((
            d,
            "The oversight body decided how the matter will be investigated.".into(),
        ));
    }
    if let Some(inv) = case.investigation.as_ref() {
        out.push((inv.started_on, "The investigation started.".into()));
        for (_, _, d) in &inv.terms_of_reference {
            out.push((
                *d,
                "The terms of reference of the investigation were set.".into(),
            ));
        }
        for d in inv.notices.values() {
            out.push((
                *d,
                "An officer was served with a notice of investigation.".into(),
            ));
        }
        for i in &inv.interviews {
            out.push((i.on, "An officer was interviewed.".into()));
        }
        for (_, d) in &inv.accounts {
            out.push((*d, "A witness account was taken.".into()));
        }
        for p in &inv.suspensions {
            out.push((p.from, "The investigation was paused.".into()));
            if let Some(u) = p.until {
                out.push((u, "The investigation resumed.".into()));
            }
        }
        if let Some(d) = inv.report_on {
            out.push((d, "The investigation report was completed.".into()));
        }
        if let Some((_, d)) = inv.determined {
            out.push((
                d,
                "The decision on whether there is a case to answer was made.".into(),
            ));
        }
    }
    for p in case.proceedings.values() {
        let form = code_of(&p.form).replace('_', " ");
        out.push((p.notice_on, format!("A {form} was arranged.")));
        if let Some(d) = p.concluded_on {
            out.push((d, format!("A {form} concluded.")));
        }
    }
    for r in case.recommendations.values() {
        out.push((r.made_on, "A learning recommendation was made.".into()));
    }
    if let Some((_, d)) = case.handling_outcome {
        out.push((d, "The outcome of the handling was decided.".into()));
    }
    out.sort();
    out
}

fn progress_update(case: &Case, party: PartyId, request: &LetterRequest, on: Date) -> Vec<Section> {
    let last = case
        .updates
        .iter()
        .filter(|(p, _, _)| *p == party)
        .map(|(_, _, d)| *d)
        .max();
    let since = last.or(case.handling_started_on);
    let happened: Vec<String> = milestones(case)
        .into_iter()
        .filter(|(day, _)| since.is_none_or(|s| *day > s) && *day <= on)
        .map(|(day, words)| format!("{day}: {words}"))
        .collect();
    let mut sections = vec![section("Where your case stands", vec![standing(case)])];
    sections.push(section(
        match last {
            Some(_) => "What has happened since we last wrote",
            None => "What has happened so far",
        },
        if happened.is_empty() {
            vec!["Nothing new has been recorded since then; the work goes on.".into()]
        } else {
            happened
        },
    ));
    if let Some(p) = request.progress.as_ref().filter(|p| !p.trim().is_empty()) {
        sections.push(section("From the investigator", vec![p.trim().to_string()]));
    }
    let next = on.checked_add(28.days()).unwrap_or(on);
    sections.push(section(
        "What happens next",
        vec![format!(
            "We will write again by {next}, or sooner if there is news. Quote the reference {} whenever you contact us.",
            case.matter().map(|m| m.reference.to_string()).unwrap_or_default()
        )],
    ));
    sections
}

fn outcome_letter(case: &Case, party: PartyId, ctx: &Context) -> Result<Vec<Section>, Refusal> {
    if case.outcome_notified_on.is_none() {
        // The same rule as notify_outcome: the outcome must be reached first.
        use crate::decide::Decide;
        crate::command::NotifyOutcome {}.decide(case, ctx)?;
    }
    let officers = officers(case);
    let mut found = Vec::new();
    for a in case.allegations.values() {
        found.push(format!(
            "Allegation {} ({}): {}",
            a.id,
            a.category.info().name,
            a.description.trim()
        ));
        for s in &a.subjects {
            let who = officers
                .get(s)
                .cloned()
                .unwrap_or_else(|| "An officer".into());
            found.push(format!("{who}: {}.", outcome(case, *s, a.id)));
        }
    }
    if let Some((o, _)) = case.handling_outcome {
        found.push(format!(
            "The complaint was handled otherwise than by investigation; the outcome: {}.",
            code_of(&o).replace('_', " ")
        ));
    }
    if found.is_empty() {
        found.push("No allegation against a named person was recorded.".into());
    }
    let mut next = Vec::new();
    for p in case.proceedings.values() {
        let who = officers
            .get(&p.subject)
            .cloned()
            .unwrap_or_else(|| "An officer".into());
        next.push(match p.concluded_on {
            Some(d) => format!(
                "{who}: the {} concluded on {d}.",
                code_of(&p.form).replace('_', " ")
            ),
            None => format!(
                "{who}: a {} is to be held.",
                code_of(&p.form).replace('_', " ")
            ),
        });
    }
    for (s, rp) in &case.reflective_practice {
        let who = officers
            .get(s)
            .cloned()
            .unwrap_or_else(|| "An officer".into());
        next.push(format!(
            "{who}: the reflective practice review process ({}).",
            code_of(&rp.stage).replace('_', " ")
        ));
    }
    if !case.recommendations.is_empty() {
        next.push(format!(
            "{} learning recommendation(s) were made; the responses will be published.",
            case.recommendations.len()
        ));
    }
    if next.is_empty() {
        next.push("No further action will be taken.".into());
    }
    // A representative acts for the complainant and is told of the complainant's right.
    let complainant = matches!(
        case.parties.get(&party).map(|p| &p.role),
        Some(PartyRole::Complainant { .. } | PartyRole::Representative { .. })
    );
    let right = case.review_right.or_else(|| review_right(case, ctx.on()));
    let review = match (complainant, right) {
        (true, Some(r)) => {
            let body = match r.body {
                ReviewBody::OversightBody => "the oversight body (the IOPC)",
                ReviewBody::LocalPolicingBody => "the local policing body",
            };
            let about = match r.kind {
                ReviewKind::OtherwiseThanInvestigation => "the outcome of the handling of your complaint",
                ReviewKind::LocalInvestigation => "the outcome of the investigation",
            };
            vec![
                format!("If you are not satisfied, you may apply to {body} for a review of {about}."),
                format!(
                    "Apply in writing by {}: that is 28 days, starting the day after the day of this letter (PCMR 2020 reg 29). Say why you are not satisfied, and quote the reference.",
                    r.deadline
                ),
                "An application made later is considered only if there are special circumstances; say what they are.".into(),
            ]
        }
        (true, None) => vec![
            "There is no right of review of this outcome: the investigation was directed or independent, by the oversight body."
                .into(),
        ],
        (false, _) => vec![
            "The right of review belongs to the complainant; this letter keeps you informed as a person with an interest."
                .into(),
        ],
    };
    Ok(vec![
        section("Where your case stands", vec![standing(case)]),
        section("What was found", found),
        section("What happens next", next),
        section("Your right to a review", review),
    ])
}

/// The end of the oldest 12- or 6-month period that ended without a report.
fn oldest_unreported_period(case: &Case, on: Date) -> Result<Date, Refusal> {
    let Some(inv) = case.investigation.as_ref() else {
        return refuse(Rule::WrongStage, "there is no investigation to report on");
    };
    let from = crate::clock::timeliness_from(case, inv, case.earlier_investigations.is_empty());
    let mut end = from.checked_add(12.months()).expect("near dates");
    while end <= on {
        let reported = crate::clock::timeliness_reported(case, end).is_some();
        if !reported && inv.report_on.is_none_or(|r| r > end) {
            return Ok(end);
        }
        end = end.checked_add(6.months()).expect("near dates");
    }
    refuse(
        Rule::DateOutOfRange,
        format!("no period has ended without a report (the next ends on {end})"),
    )
}

type Report = (Vec<TimelinessRecipient>, Vec<Section>, Vec<&'static str>);

fn timeliness_report(
    case: &Case,
    request: &LetterRequest,
    period_ending: Date,
) -> Result<Report, Refusal> {
    let Some(inv) = case.investigation.as_ref() else {
        return refuse(Rule::WrongStage, "there is no investigation to report on");
    };
    let matter = case.matter().expect("checked");
    let (recipients, by) = match inv.mode {
        InvestigationMode::Local => (
            vec![TimelinessRecipient::OversightBody],
            "the appropriate authority",
        ),
        _ => (
            vec![TimelinessRecipient::LocalPolicingBody],
            "the oversight body",
        ),
    };
    let text = |t: &Option<String>| {
        t.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut missing = Vec::new();
    let mut given = |t: Option<String>, what: &'static str| {
        t.unwrap_or_else(|| {
            missing.push(what);
            format!("[to be written: {what}]")
        })
    };
    let reasons = given(text(&request.reasons), "reasons for the time taken");
    let planned = given(text(&request.planned_steps), "planned steps");
    let estimate = given(
        request
            .estimated_completion
            .map(|d| format!("The investigation is expected to be complete by {d}.")),
        "estimated completion",
    );
    let started = match matter.kind {
        MatterKind::Complaint => format!("The complaint was received on {}.", matter.received_on),
        _ => format!(
            "The matter came to attention on {}.",
            matter.came_to_attention_on
        ),
    };
    let months = {
        let from = crate::clock::timeliness_from(case, inv, case.earlier_investigations.is_empty());
        from.until(period_ending)
            .ok()
            .and_then(|s| {
                s.round(
                    jiff::SpanRound::new()
                        .largest(jiff::Unit::Month)
                        .relative(from),
                )
                .ok()
            })
            .map_or(0, |s| s.get_months())
    };
    let mut progress = vec![
        format!("Terms of reference set: {}.", inv.terms_of_reference.len()),
        format!("Notices served on subjects: {}.", inv.notices.len()),
        format!("Interviews held: {}.", inv.interviews.len()),
        format!("Witness accounts taken: {}.", inv.accounts.len()),
        format!("Exhibits held: {}.", inv.exhibits.len()),
        format!("Decisions logged: {}.", case.decisions.len()),
    ];
    if let Some(p) = text(&request.progress) {
        progress.push(p);
    }
    let officers = officers(case);
    let copies: Vec<String> = request
        .copied_to
        .iter()
        .map(|p| officers.get(p).cloned().unwrap_or_else(|| p.to_string()))
        .collect();
    let sections = vec![
        section(
            "The matter",
            vec![
                started,
                format!(
                    "It is investigated by {by} ({} investigation) since {}.",
                    code_of(&inv.mode),
                    inv.started_on
                ),
                format!("This report covers the period to {period_ending}, {months} months in."),
            ],
        ),
        section("Progress", progress),
        section("Reasons for the time taken", vec![reasons]),
        section("Planned steps", vec![planned]),
        section("Estimated completion", vec![estimate]),
        section(
            "Sent to",
            recipients
                .iter()
                .map(|r| code_of(r).replace('_', " "))
                .chain(copies.iter().map(|c| format!("a copy to {c}")))
                .collect(),
        ),
        section(
            "Withheld under the harm test",
            vec![text(&request.withheld).unwrap_or_else(|| "Nothing was withheld.".into())],
        ),
    ];
    Ok((recipients, sections, missing))
}

/// The update kind a letter counts as for the progress clock.
pub fn update_kind(kind: LetterKind) -> Option<UpdateKind> {
    match kind {
        LetterKind::ProgressUpdate => Some(UpdateKind::Progress),
        LetterKind::Outcome => Some(UpdateKind::Outcome),
        LetterKind::TimelinessReport => None,
    }
}
