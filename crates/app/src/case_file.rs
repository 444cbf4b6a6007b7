//! The case file: everything a caseworker sees of one case, built from its state, its log
//! and its parties' personal data. A typed view: the API renders it as JSON, the command line
//! as text, the web application (next) as HTML.

use jiff::Timestamp;
use jiff::civil::Date;
use probity_domain::case::{LearningRecommendation, Party, Proceedings, Publication};
use probity_domain::conduct::ReflectiveStage;
use probity_domain::party::PartyRole;
use probity_domain::publication::pending_proceedings;
use probity_domain::review::ReviewRight;
use std::collections::BTreeMap;

use probity_domain::party::PersonalData;
use probity_domain::{PartyId, code_of, london};
use probity_store::projection::outcome;
use serde::Serialize;

use crate::casebook::Loaded;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFile {
    pub reference: String,
    pub case_id: String,
    pub kind: String,
    pub force: String,
    pub status: String,
    pub version: u64,
    /// Need-to-know: only its team and live grant holders may see it.
    pub restricted: bool,
    pub classification: String,
    pub received_on: String,
    pub came_to_attention_on: String,
    pub incident_on: Option<String>,
    pub summary: String,
    pub mode_of_investigation: Option<String>,
    /// Where the proposals after the determinations stand (Sch3 para 27): `none`, `proposed`
    /// (awaiting the oversight body), `recommended` (awaiting the appropriate authority) or
    /// `settled`; absent without an investigation.
    pub proposal_stage: Option<String>,
    /// The start of handling and the first contact with the complainant (Sch3 para 2(6)).
    pub handling_started_on: Option<String>,
    pub first_contact_on: Option<String>,
    /// The outcome decided for a complaint handled otherwise than by investigation.
    pub handling_outcome: Option<String>,
    /// The mandatory referral criteria the case meets, and why the oversight body would review
    /// it (PCMR regs 4, 32).
    pub mandatory_referral_criteria: Vec<String>,
    pub review_body_reasons: Vec<String>,
    /// Conduct matters that came to light during the investigation, each with its own date.
    pub conduct_matters: Vec<ConductMatterView>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub timeliness_reports: Vec<probity_domain::case::TimelinessReport>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub associated_proceedings: Vec<probity_domain::case::AssociatedProceedings>,
    pub parties: Vec<PartyView>,
    pub subjects: Vec<SubjectView>,
    pub allegations: Vec<AllegationView>,
    pub findings: Vec<FindingView>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub proceedings: Vec<Proceedings>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reflective_practice: Vec<ReflectivePracticeView>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub learning_recommendations: Vec<LearningRecommendation>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub review_right: Option<ReviewRight>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub publication: Option<Publication>,
    /// The drafts of the text to publish, oldest first, each with its anonymisation findings.
    pub drafts: Vec<DraftView>,
    /// Why publication is held back; empty when all associated proceedings are complete.
    pub publication_held_by: Vec<String>,
    /// The day the clocks below were read on.
    pub clocks_on: String,
    /// Every statutory clock of the case (shared/domain.md §14.4), one entry per party,
    /// recommendation, proceedings or period it counts for; not applicable ones say why.
    pub clocks: Vec<ClockView>,
    /// The record of the current investigation (the last, after a re-investigation).
    pub investigation: Option<InvestigationView>,
    /// The decision log, oldest first: decisions not to act too.
    pub decisions: Vec<DecisionView>,
    /// The letters and reports sent, oldest first; `n` is the number the printable copy is at.
    pub letters: Vec<LetterView>,
    pub events: Vec<EventView>,
    /// Its JSON, rendered on first use: a kept file is read many times, and serialising a
    /// long timeline on every read cost a fifth of the API's read throughput.
    #[serde(skip)]
    json: std::sync::OnceLock<bytes::Bytes>,
}

impl CaseFile {
    /// The file as JSON, serialised once per file (the views are immutable behind an `Arc`).
    pub fn json(&self) -> bytes::Bytes {
        self.json
            .get_or_init(|| {
                serde_json::to_vec(self)
                    .expect("case files serialise")
                    .into()
            })
            .clone()
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyView {
    pub party: String,
    /// The role as a code: `complainant`, `representative`, `interested_person`, `subject`,
    /// `witness`, `affected_person`.
    pub kind: String,
    /// The role in words, with its detail: "complainant (directed at)".
    pub role: String,
    /// `None` once the personal data has been erased.
    pub name: Option<String>,
    pub vulnerabilities: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectView {
    pub party: String,
    pub name: Option<String>,
    pub rank: Option<String>,
    pub service_number: Option<String>,
    pub force: String,
    pub former: bool,
    /// Warnings on the person's record, typed in or found in other cases.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub prior_sanctions: Vec<probity_domain::party::PriorSanction>,
    /// Suspensions under PCR 2020 reg 11.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub suspensions: Vec<probity_domain::case::OfficerSuspension>,
    /// Referred to the unsatisfactory performance procedures, on that day.
    pub performance_referred_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConductMatterView {
    pub conduct_matter: String,
    pub summary: String,
    pub came_to_attention_on: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllegationView {
    pub allegation: String,
    pub category: String,
    pub category_name: String,
    pub description: String,
    pub subjects: Vec<String>,
    /// The conduct matter it belongs to (`CM1`), if it came to light during the investigation.
    pub conduct_matter: Option<String>,
    pub added_on: String,
}

/// One subject on one allegation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub subject: String,
    pub allegation: String,
    pub opinion: Option<String>,
    pub determination: Option<String>,
    pub action: Option<String>,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    pub position: i64,
    pub version: i64,
    /// The day it happened in the world (YYYY-MM-DD).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: jiff::civil::Date,
    /// When it was entered in the record: RFC 3339, UTC.
    pub at: String,
    /// The same moment in England and Wales, for people.
    pub local_time: String,
    pub actor: String,
    pub kind: String,
    pub description: String,
    pub hash: String,
}

/// One statutory clock: when it started, when it is due, where it stands, what satisfied it,
/// and the provision and counting convention behind it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockView {
    pub name: String,
    pub title: String,
    /// `case`, or the party, recommendation, proceedings or conduct matter it counts for.
    pub about: String,
    pub period: u32,
    pub start: Option<String>,
    /// The earliest day the duty may be done, where there is one.
    pub not_before: Option<String>,
    pub due: Option<String>,
    /// running, paused, met, met_late, missed, expired, not_applicable or uncounted.
    pub state: String,
    /// The event that satisfied it, and its day.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub satisfied_by: Option<probity_domain::clock::Satisfaction>,
    /// duty, window or period.
    pub nature: String,
    pub owner: Option<String>,
    pub paused_days: u32,
    pub note: Option<String>,
    pub basis: String,
    pub counting: String,
    /// Set where the figure is not verified against the regulations.
    pub unverified: Option<String>,
}

impl ClockView {
    pub fn of(c: &probity_domain::clock::Clock) -> ClockView {
        let info = c.info();
        ClockView {
            name: c.name.code().to_string(),
            title: info.title.to_string(),
            about: c.about.to_string(),
            period: c.period,
            start: c.start.map(|d| d.to_string()),
            not_before: c.not_before.map(|d| d.to_string()),
            due: c.due.map(|d| d.to_string()),
            state: c.state.code().to_string(),
            satisfied_by: c.satisfied_by,
            nature: probity_domain::code_of(&info.nature),
            owner: c.owner.map(|b| probity_domain::code_of(&b)),
            paused_days: c.paused_days,
            note: c.note.clone(),
            basis: info.basis.to_string(),
            counting: info.counting.to_string(),
            unverified: info.unverified.map(str::to_string),
        }
    }
}

/// One draft of the text to publish.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftView {
    pub version: u32,
    pub author: String,
    pub item: String,
    pub title: String,
    pub summary: String,
    pub themes: Vec<String>,
    pub incident_month: Option<String>,
    pub correction_note: Option<String>,
    pub drafted_on: String,
    pub findings: Vec<DraftFinding>,
}

/// A finding of the anonymisation check: where, what kind, and the justification if kept.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftFinding {
    pub field: String,
    pub kind: String,
    /// The kind in words: "a name", "a postcode"...
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub justified: Option<String>,
}

/// What an investigation's record holds, as days and words.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvestigationView {
    pub mode: String,
    pub started_on: String,
    pub reinvestigation: bool,
    /// Each version of the terms of reference, oldest first: (version, text, day set).
    pub terms_of_reference: Vec<(u32, String, String)>,
    /// Each subject's latest severity assessment: (subject, severity, likely form, day).
    pub severity: Vec<(String, String, String, String)>,
    /// The written notices served: (subject, day).
    pub notices: Vec<(String, String)>,
    pub interviews: Vec<InterviewView>,
    pub exhibits: Vec<ExhibitView>,
    /// Accounts taken from witnesses: (party, day).
    pub accounts: Vec<(String, String)>,
    /// Pauses: (from, until, reason).
    pub suspensions: Vec<(String, Option<String>, String)>,
    pub report_on: Option<String>,
    pub report_summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterviewView {
    pub party: String,
    pub under_caution: bool,
    pub summary: String,
    pub on: String,
}

/// An exhibit with its chain of custody: who held it, from when, and why it moved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExhibitView {
    pub exhibit: String,
    pub description: String,
    pub sha256: Option<String>,
    /// Who holds it now.
    pub custodian: String,
    /// Each transfer: (from, to, purpose, day).
    pub custody: Vec<(String, String, String, String)>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub decision: String,
    pub rationale: String,
    pub acted: bool,
    pub on: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterView {
    pub n: usize,
    pub kind: String,
    /// The party it was sent to (a timeliness report goes to bodies, not a party).
    pub to: Option<String>,
    pub on: String,
}

impl InvestigationView {
    fn of(i: &probity_domain::case::Investigation) -> InvestigationView {
        InvestigationView {
            mode: code_of(&i.mode),
            started_on: i.started_on.to_string(),
            reinvestigation: i.reinvestigation,
            terms_of_reference: i
                .terms_of_reference
                .iter()
                .map(|(v, t, d)| (*v, t.clone(), d.to_string()))
                .collect(),
            severity: i
                .severity
                .iter()
                .map(|(p, r)| {
                    (
                        p.to_string(),
                        code_of(&r.severity),
                        code_of(&r.likely_form),
                        r.assessed_on.to_string(),
                    )
                })
                .collect(),
            notices: i
                .notices
                .iter()
                .map(|(p, d)| (p.to_string(), d.to_string()))
                .collect(),
            interviews: i
                .interviews
                .iter()
                .map(|x| InterviewView {
                    party: x.party.to_string(),
                    under_caution: x.under_caution,
                    summary: x.summary.clone(),
                    on: x.on.to_string(),
                })
                .collect(),
            exhibits: i
                .exhibits
                .values()
                .map(|e| ExhibitView {
                    exhibit: e.reference.clone(),
                    description: e.description.clone(),
                    sha256: e.sha256.clone(),
                    custodian: e.custodian.clone(),
                    custody: e
                        .custody
                        .iter()
                        .map(|c| {
                            (
                                c.from.clone(),
                                c.to.clone(),
                                c.purpose.clone(),
                                c.on.to_string(),
                            )
                        })
                        .collect(),
                })
                .collect(),
            accounts: i
                .accounts
                .iter()
                .map(|(p, d)| (p.to_string(), d.to_string()))
                .collect(),
            suspensions: i
                .suspensions
                .iter()
                .map(|p| {
                    (
                        p.from.to_string(),
                        p.until.map(|d| d.to_string()),
                        p.reason.clone(),
                    )
                })
                .collect(),
            report_on: i.report_on.map(|d| d.to_string()),
            report_summary: i.report_summary.clone(),
        }
    }
}

/// One subject's reflective practice: where it stands and how it got there.
#[derive(Debug, Clone, Serialize)]
pub struct ReflectivePracticeView {
    pub subject: String,
    pub stage: String,
    pub history: Vec<(ReflectiveStage, Date)>,
}

/// The case file of a loaded case, with its parties' personal data.
pub(crate) fn case_file_of(
    loaded: Loaded,
    personal: &BTreeMap<PartyId, PersonalData>,
    today: Date,
) -> CaseFile {
    let case = &loaded.case;
    let matter = case.matter().expect("a loaded case is open");
    let names: BTreeMap<_, _> = case
        .parties
        .values()
        .map(|p| {
            (
                p.id,
                if p.erased {
                    None
                } else {
                    personal.get(&p.id).map(|d| d.name.clone())
                },
            )
        })
        .collect();
    let inv = case.investigation.as_ref();
    CaseFile {
        reference: matter.reference.to_string(),
        case_id: loaded.case_id.to_string(),
        kind: matter.kind.code().to_string(),
        force: matter.force.name().to_string(),
        status: case.status.code().to_string(),
        version: case.version,
        restricted: case.restriction.is_some(),
        classification: code_of(&matter.classification),
        received_on: matter.received_on.to_string(),
        came_to_attention_on: matter.came_to_attention_on.to_string(),
        incident_on: matter.incident_on.map(|d| d.to_string()),
        summary: matter.summary.clone(),
        mode_of_investigation: inv.map(|i| code_of(&i.mode)),
        proposal_stage: inv.map(|i| {
            match i.proposal {
                probity_domain::case::ProposalStage::None => "none",
                probity_domain::case::ProposalStage::Proposed(_) => "proposed",
                probity_domain::case::ProposalStage::Recommended(_) => "recommended",
                probity_domain::case::ProposalStage::Settled => "settled",
            }
            .to_string()
        }),
        handling_started_on: case.handling_started_on.map(|d| d.to_string()),
        first_contact_on: case.contacts.first().map(|(_, _, d)| d.to_string()),
        handling_outcome: case
            .handling_outcome
            .map(|(o, _)| code_of(&o).replace('_', " ")),
        mandatory_referral_criteria: case
            .mandatory_referral_criteria()
            .iter()
            .map(|c| format!("{} ({})", code_of(c).replace('_', " "), c.basis()))
            .collect(),
        review_body_reasons: probity_domain::review::oversight_review_limbs(case)
            .into_iter()
            .map(str::to_string)
            .collect(),
        conduct_matters: case
            .conduct_matters
            .iter()
            .map(|(id, m)| ConductMatterView {
                conduct_matter: format!("CM{id}"),
                summary: m.summary.clone(),
                came_to_attention_on: m.came_to_attention_on.to_string(),
            })
            .collect(),
        timeliness_reports: case.timeliness_reports.clone(),
        associated_proceedings: case.associated.values().cloned().collect(),
        parties: case
            .parties
            .values()
            .map(|p| party_view(p, &names))
            .collect(),
        subjects: case
            .subjects()
            .filter_map(|p| {
                let s = p.subject_profile()?;
                Some(SubjectView {
                    party: p.id.to_string(),
                    name: names.get(&p.id).cloned().flatten(),
                    rank: s.rank.clone(),
                    service_number: s.service_number.clone(),
                    force: s.force.name().to_string(),
                    former: s.former,
                    prior_sanctions: s.prior_sanctions.clone(),
                    suspensions: case
                        .officer_suspensions
                        .get(&p.id)
                        .cloned()
                        .unwrap_or_default(),
                    performance_referred_on: case.performance.get(&p.id).map(|d| d.to_string()),
                })
            })
            .collect(),
        allegations: case
            .allegations
            .values()
            .map(|a| AllegationView {
                allegation: a.id.to_string(),
                category: a.category.code().to_string(),
                category_name: a.category.info().name.to_string(),
                description: a.description.clone(),
                subjects: a.subjects.iter().map(|s| s.to_string()).collect(),
                conduct_matter: a.conduct_matter.map(|m| format!("CM{m}")),
                added_on: a.added_on.to_string(),
            })
            .collect(),
        findings: case
            .pairs()
            .into_iter()
            .map(|(s, a)| FindingView {
                subject: s.to_string(),
                allegation: a.to_string(),
                opinion: inv
                    .and_then(|i| i.opinions.get(&(s, a)))
                    .map(|f| code_of(&f.case_to_answer)),
                determination: inv
                    .and_then(|i| i.determinations.get(&(s, a)))
                    .map(|f| code_of(&f.case_to_answer)),
                action: inv
                    .and_then(|i| i.settled.get(&s))
                    .map(|x| x.label().to_string()),
                outcome: outcome(case, s, a),
            })
            .collect(),
        proceedings: case.proceedings.values().cloned().collect(),
        reflective_practice: case
            .reflective_practice
            .iter()
            .map(|(s, r)| ReflectivePracticeView {
                subject: s.to_string(),
                stage: code_of(&r.stage),
                history: r.history.clone(),
            })
            .collect(),
        learning_recommendations: case.recommendations.values().cloned().collect(),
        review_right: case.review_right,
        publication: case.publication.clone(),
        publication_held_by: pending_proceedings(case),
        clocks_on: today.to_string(),
        clocks: probity_domain::clock::clocks(case, today, &probity_store::projection::calendar())
            .iter()
            .map(ClockView::of)
            .collect(),
        investigation: inv.map(InvestigationView::of),
        drafts: case
            .drafts
            .iter()
            .map(|d| DraftView {
                version: d.version,
                author: d.author.clone(),
                item: code_of(&d.item),
                title: d.title.clone(),
                summary: d.summary.clone(),
                themes: d.themes.clone(),
                incident_month: d.incident_month.clone(),
                correction_note: d.correction_note.clone(),
                drafted_on: d.drafted_on.to_string(),
                findings: d
                    .findings
                    .iter()
                    .map(|f| DraftFinding {
                        field: f.field.clone(),
                        kind: code_of(&f.kind),
                        label: f.kind.label().to_string(),
                        start: f.start,
                        end: f.end,
                        line: f.line,
                        column: f.column,
                        justified: f.justified.clone(),
                    })
                    .collect(),
            })
            .collect(),
        decisions: case
            .decisions
            .iter()
            .map(|d| DecisionView {
                decision: d.decision.clone(),
                rationale: d.rationale.clone(),
                acted: d.acted,
                on: d.on.to_string(),
            })
            .collect(),
        letters: case
            .letters
            .iter()
            .enumerate()
            .map(|(i, l)| LetterView {
                n: i + 1,
                kind: l.letter.kind.map(|k| code_of(&k)).unwrap_or_default(),
                to: l.letter.to.map(|p| p.to_string()),
                on: l.on.to_string(),
            })
            .collect(),
        events: loaded
            .records
            .iter()
            .zip(&loaded.events)
            .map(|(r, e)| EventView {
                position: r.position,
                version: r.version,
                on: e.on(),
                at: Timestamp::from_microsecond(r.recorded_at)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                local_time: Timestamp::from_microsecond(r.recorded_at)
                    .map(|t| {
                        london()
                            .to_datetime(t)
                            .strftime("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default(),
                actor: r.actor.clone(),
                kind: r.kind.clone(),
                description: e.describe(),
                hash: r.hash.hex(),
            })
            .collect(),
        json: std::sync::OnceLock::new(),
    }
}

fn party_view(
    p: &Party,
    names: &std::collections::BTreeMap<probity_domain::PartyId, Option<String>>,
) -> PartyView {
    let role = match &p.role {
        PartyRole::Complainant { basis } => {
            format!("complainant ({})", code_of(basis).replace('_', " "))
        }
        PartyRole::Representative { on_behalf_of } => format!("representative of {on_behalf_of}"),
        PartyRole::Subject(s) => format!("subject ({})", code_of(&s.kind).replace('_', " ")),
        other => other.label().to_string(),
    };
    PartyView {
        party: p.id.to_string(),
        kind: p.role.label().replace(' ', "_"),
        role,
        name: names.get(&p.id).cloned().flatten(),
        vulnerabilities: p
            .vulnerabilities
            .iter()
            .map(|v| code_of(v).replace('_', " "))
            .collect(),
    }
}
