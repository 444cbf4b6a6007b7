//! The read models: rows derived from a case's state, each declared once (its struct is its
//! table) with the function that derives it. Written in the same transaction as the events that
//! change them, and rebuildable from the log at any time.

use jiff::civil::Date;
use probity_domain::Body;
use probity_domain::access::CaseAccess;
use probity_domain::calendar::Calendar;
use probity_domain::case::Case;
use probity_domain::category::CategoryCode;
use probity_domain::clock::{ClockName, ClockState, open_duties};
use probity_domain::conduct::CaseToAnswer;
use probity_domain::force::Force;
use probity_domain::imported::{Characteristics, DatePrecision, Disposition, ImportedRecord};
use probity_domain::matter::MatterKind;
use probity_domain::party::SubjectKind;
use probity_domain::referral::InvestigationMode;
use probity_domain::statistics::Handling;
use probity_domain::{AllegationId, CaseId, PartyId, Reference, Status};

use crate::read_model::{Derive, ReadModel, Row, Rows, TableRows, read_model, rows_of};

read_model! {
    /// One row per case: what lists and searches show, and the facts need-to-know is decided
    /// on in queries.
    pub struct CaseRow in "cases", one row per case {
        pub case_id: CaseId,
        pub reference: Reference,
        pub kind: MatterKind,
        pub force: Force,
        pub status: Status,
        pub received_on: Date,
        pub mode: Option<InvestigationMode>,
        pub sexual_misconduct: bool,
        pub published_on: Option<Date>,
        pub version: u64,
        /// Need-to-know: only the team and live grant holders see it.
        pub restricted: bool,
        /// Nothing holds publication back, or it is published.
        pub publishable: bool,
    }
}

read_model! {
    /// A person serving with the police who is a subject of the case.
    pub struct SubjectRow in "subjects" {
        pub case_id: CaseId,
        pub party: PartyId,
        pub subject_kind: SubjectKind,
        pub rank: Option<String>,
        pub service_number: Option<String>,
        pub force: Force,
        pub former: bool,
    }
}

read_model! {
    pub struct AllegationRow in "allegations" {
        pub case_id: CaseId,
        pub allegation: AllegationId,
        pub category: CategoryCode,
    }
}

read_model! {
    /// One subject on one allegation: the investigator's opinion, the decision maker's
    /// determination and what followed.
    pub struct FindingRow in "findings" {
        pub case_id: CaseId,
        pub subject: PartyId,
        pub allegation: AllegationId,
        pub opinion: Option<CaseToAnswer>,
        pub determination: Option<CaseToAnswer>,
        pub outcome: String,
    }
}

read_model! {
    /// A duty of the case still to be done and its due day, for work queues and the overdue
    /// report. Derived on the case's own latest day (`clock::open_duties`), so a rebuild gives
    /// the same rows; whether one is overdue is its due day against today, compared in the
    /// query, so no query counts a clock.
    pub struct DutyRow in "duties" {
        pub case_id: CaseId,
        pub clock: ClockName,
        /// What it counts for: `case`, a party (`P1`), a recommendation, proceedings, a
        /// conduct matter.
        pub about: String,
        pub period: u64,
        /// None when the due day is beyond the bank-holiday data.
        pub due: Option<Date>,
        pub owner: Body,
        pub paused: bool,
        /// The case's reference, force, status and restriction, as in `cases`: a queue filters
        /// on them in the duties' own index and shows them without reading `cases`.
        pub reference: Reference,
        pub force: Force,
        pub status: Status,
        pub restricted: bool,
    }
}

read_model! {
    /// Who may see a restricted case: team members (no end) and grant holders (their last day).
    pub struct AccessRow in "case_access" {
        pub case_id: CaseId,
        pub username: String,
        pub until: Option<Date>,
    }
}

read_model! {
    /// What is published of a case, as the public side reads it (`probity-published`): the
    /// approved version, from its day (a scheduled one is written at approval and shown from
    /// the day the query is asked on). No row while nothing is approved or once withdrawn.
    pub struct PublishedItemRow in "published_items" {
        pub case_id: CaseId,
        /// The public reference: the case's, with `/` written `-`.
        pub reference: String,
        pub kind: String,
        pub title: String,
        pub summary: String,
        /// The force's code (for an imported item, the recipient's own name, written as a code).
        pub force: String,
        pub force_name: String,
        /// One theme a line (what the search indexes).
        pub themes: String,
        pub incident_month: Option<String>,
        pub published_on: Date,
        pub year: i64,
        pub version: u64,
        /// The public corrections, as JSON (`[{"published_on":…,"note":…}]`).
        pub corrections: String,
        /// Where an imported item came from; None for what was published here.
        pub source: Option<String>,
        /// The day its retention period counts from.
        pub retained_from: Date,
    }
}

read_model! {
    /// A theme of a published item, one row each: what the theme filter and its counts read.
    pub struct PublishedThemeRow in "published_themes" {
        pub case_id: CaseId,
        pub theme: String,
    }
}

read_model! {
    /// A learning recommendation of a published case, on the public register from the day
    /// the case's publication is shown. Its response is public once it is published.
    pub struct PublishedRecommendationRow in "published_recommendations" {
        pub case_id: CaseId,
        pub reference: String,
        pub number: u64,
        pub recipient: String,
        pub text: String,
        pub force: String,
        pub force_name: String,
        pub made_on: Date,
        pub response_due: Date,
        pub acceptance: Option<String>,
        pub response: Option<String>,
        pub responded_on: Option<Date>,
        pub closed_on: Option<Date>,
        pub published_on: Date,
        pub retained_from: Date,
    }
}

read_model! {
    /// A case in codes only, for statistics: when it came and was finalised, whose it is. Cases
    /// recorded here and imported ones alike (an imported complaint may name no officer).
    pub struct CaseFactRow in "case_facts", one row per case {
        pub case_id: CaseId,
        pub source: String,
        pub body: String,
        /// `complaint`, or the kind of matter recorded here.
        pub kind: String,
        pub received_on: Date,
        pub finalised_on: Option<Date>,
        pub months_only: bool,
    }
}

impl Derive for CaseFactRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        if let Some(r) = &case.imported_record {
            return vec![CaseFactRow {
                case_id,
                source: r.from.source.clone(),
                body: r.case.body.clone(),
                kind: "complaint".into(),
                received_on: r.case.received.on,
                finalised_on: r.case.closed.map(|d| d.on),
                months_only: r.case.received.precision != DatePrecision::Day,
            }];
        }
        let Some(matter) = case.matter() else {
            return Vec::new();
        };
        vec![CaseFactRow {
            case_id,
            source: "probity".into(),
            body: matter.force.code().into(),
            kind: matter.kind.code().into(),
            received_on: matter.received_on,
            finalised_on: finalised_on(case),
            months_only: false,
        }]
    }
}

impl CaseFactRow {
    pub fn fact(self) -> probity_domain::statistics::CaseFact {
        probity_domain::statistics::CaseFact {
            case: self.case_id.to_string(),
            source: self.source,
            body: self.body,
            complaint: self.kind == "complaint",
            received_on: self.received_on,
            finalised_on: self.finalised_on,
            months_only: self.months_only,
        }
    }
}

/// The day a case recorded here was finalised: closed, withdrawn, or its outcome notified.
fn finalised_on(case: &Case) -> Option<Date> {
    case.closed_on
        .or(case.withdrawn_on)
        .or(case.outcome_notified_on)
}

read_model! {
    /// One subject on one allegation in codes only: what statistics count (`probity stats`),
    /// for cases recorded here and imported ones alike. No name, narrative or personal data;
    /// `subject` is a key no figure shows.
    pub struct AllegationFactRow in "allegation_facts" {
        pub case_id: CaseId,
        pub allegation: u64,
        /// `probity` for a case recorded here, else the importer's name.
        pub source: String,
        /// The force's code, or the other body's.
        pub body: String,
        pub received_on: Date,
        pub category: Option<CategoryCode>,
        pub source_category: Option<String>,
        pub source_subcategory: Option<String>,
        pub handling: String,
        pub finding: String,
        pub sanctioned: Option<bool>,
        pub subject: Option<String>,
        pub subject_ethnicity: Option<String>,
        pub subject_sex: Option<String>,
        pub subject_age_band: Option<String>,
        pub complainant_ethnicity: Option<String>,
        pub complainant_sex: Option<String>,
        pub complainant_age_band: Option<String>,
    }
}

impl AllegationFactRow {
    /// The fact statistics count. A code this version does not know reads as not recorded.
    pub fn fact(self) -> probity_domain::statistics::Fact {
        use probity_domain::from_code;
        let traits = |e: Option<String>, s: Option<String>, a: Option<String>| Characteristics {
            ethnicity: e.as_deref().and_then(from_code),
            source_ethnicity: None,
            sex: s.as_deref().and_then(from_code),
            age_band: a.as_deref().and_then(from_code),
        };
        probity_domain::statistics::Fact {
            case: self.case_id.to_string(),
            allegation: self.allegation,
            source: self.source,
            body: self.body,
            received_on: self.received_on,
            category: self.category.map(|c| c.code().to_string()),
            source_category: self.source_category,
            source_subcategory: self.source_subcategory,
            handling: from_code(&self.handling).unwrap_or(Handling::NotKnown),
            finding: from_code(&self.finding).unwrap_or(Disposition::Pending),
            sanctioned: self.sanctioned,
            subject: self.subject,
            subject_traits: traits(
                self.subject_ethnicity,
                self.subject_sex,
                self.subject_age_band,
            ),
            complainant_traits: traits(
                self.complainant_ethnicity,
                self.complainant_sex,
                self.complainant_age_band,
            ),
        }
    }
}

/// The codes of recorded characteristics: ethnicity, sex, age band.
fn traits(c: &Characteristics) -> [Option<String>; 3] {
    use probity_domain::code_of;
    [
        c.ethnicity.as_ref().map(code_of),
        c.sex.as_ref().map(code_of),
        c.age_band.as_ref().map(code_of),
    ]
}

impl Derive for AllegationFactRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        if let Some(r) = &case.imported_record {
            return imported_facts(case_id, r);
        }
        let Some(matter) = case.matter() else {
            return Vec::new();
        };
        let handling = if case.investigation.is_some() {
            Handling::Investigated
        } else if case.handled_otherwise_on.is_some() {
            Handling::Otherwise
        } else if case.outside_schedule3_on.is_some() {
            Handling::OutsideSchedule3
        } else {
            Handling::NotKnown
        };
        // A case with one complainant: each allegation is theirs. With several, the case does
        // not say whose allegation is whose, so none is linked.
        let mut complainants = case
            .parties
            .values()
            .filter(|p| matches!(p.role, probity_domain::party::PartyRole::Complainant { .. }));
        let complainant = match (complainants.next(), complainants.next()) {
            (Some(only), None) => traits(&only.characteristics),
            _ => [None, None, None],
        };
        case.pairs()
            .into_iter()
            .map(|(s, a)| {
                let (finding, sanctioned) = local_finding(case, s, a);
                let [se, ss, sa] = case
                    .parties
                    .get(&s)
                    .map_or([None, None, None], |p| traits(&p.characteristics));
                let [ce, cs, ca] = complainant.clone();
                let subject = case.parties.get(&s).and_then(|p| {
                    let profile = p.subject_profile()?;
                    Some(match &profile.service_number {
                        Some(n) => format!("{}:{n}", profile.force.code()),
                        None => format!("{case_id}:{s}"),
                    })
                });
                AllegationFactRow {
                    case_id,
                    allegation: u64::from(a.0),
                    source: "probity".into(),
                    body: matter.force.code().into(),
                    received_on: matter.received_on,
                    category: case.allegations.get(&a).map(|x| x.category),
                    source_category: None,
                    source_subcategory: None,
                    handling: probity_domain::code_of(&handling),
                    finding: probity_domain::code_of(&finding),
                    sanctioned,
                    subject,
                    subject_ethnicity: se,
                    subject_sex: ss,
                    subject_age_band: sa,
                    complainant_ethnicity: ce,
                    complainant_sex: cs,
                    complainant_age_band: ca,
                }
            })
            .collect()
    }
}

/// Where one subject stands on one allegation of a case recorded here, in the words that read
/// across bodies: substantiated when proven at proceedings (or, handled otherwise, the service
/// was found not acceptable); not substantiated on no case to answer, a finding not proven, or
/// service acceptable; no finding when withdrawn, or when a case to answer was dealt with
/// without proceedings and the case is finalised (no panel decided the merits); else pending.
/// Sanctioned when proceedings imposed one that stands after any appeal.
fn local_finding(case: &Case, s: PartyId, a: AllegationId) -> (Disposition, Option<bool>) {
    use probity_domain::conduct::ProvenFinding;
    use probity_domain::matter::HandlingOutcome;
    if let Some(p) = case
        .proceedings
        .values()
        .rev()
        .find(|p| p.subject == s && p.allegations.contains(&a) && p.concluded_on.is_some())
        && let Some((_, f)) = p.findings.iter().find(|(x, _)| *x == a)
    {
        return match f {
            ProvenFinding::Misconduct | ProvenFinding::GrossMisconduct => (
                Disposition::Substantiated,
                Some(p.final_sanction().is_some()),
            ),
            ProvenFinding::NotProven | ProvenFinding::NeitherReflectivePractice => {
                (Disposition::NotSubstantiated, None)
            }
        };
    }
    if let Some(d) = case
        .investigation
        .as_ref()
        .and_then(|i| i.determinations.get(&(s, a)))
        && !d.case_to_answer.is_case_to_answer()
    {
        return (Disposition::NotSubstantiated, None);
    }
    match case.handling_outcome {
        Some((HandlingOutcome::ServiceNotAcceptable, _)) => (Disposition::Substantiated, None),
        Some((HandlingOutcome::ServiceAcceptable, _)) => (Disposition::NotSubstantiated, None),
        _ if finalised_on(case).is_some() => (Disposition::NoFinding, None),
        _ => (Disposition::Pending, None),
    }
}

fn imported_facts(case_id: CaseId, r: &ImportedRecord) -> Vec<AllegationFactRow> {
    let c = &r.case;
    c.allegations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let subject = a.subject.and_then(|s| c.subjects.get(s as usize));
            let [se, ss, sa] = subject.map_or([None, None, None], |s| traits(&s.characteristics));
            let [ce, cs, ca] = a
                .complainant
                .and_then(|i| c.complainants.get(i as usize))
                .map_or([None, None, None], traits);
            AllegationFactRow {
                case_id,
                allegation: i as u64 + 1,
                source: r.from.source.clone(),
                body: c.body.clone(),
                received_on: c.received.on,
                category: a.category,
                source_category: Some(a.source_category.clone()),
                source_subcategory: a.source_subcategory.clone(),
                handling: probity_domain::code_of(&match a.investigated {
                    Some(true) => Handling::Investigated,
                    Some(false) => Handling::Otherwise,
                    None => Handling::NotKnown,
                }),
                finding: probity_domain::code_of(&a.finding),
                sanctioned: a.sanctioned,
                subject: subject.map(|s| format!("{}:{}", r.from.source, s.key)),
                subject_ethnicity: se,
                subject_sex: ss,
                subject_age_band: sa,
                complainant_ethnicity: ce,
                complainant_sex: cs,
                complainant_age_band: ca,
            }
        })
        .collect()
}

/// What of a case is public, when anything is: a publication made here (and not withdrawn),
/// or an item imported as another body published it.
struct Shown<'a> {
    reference: String,
    kind: probity_domain::publication::ItemKind,
    title: &'a str,
    summary: &'a str,
    force: String,
    force_name: String,
    themes: Vec<String>,
    incident_month: Option<&'a str>,
    published_on: Date,
    /// What the retention period counts from: the day it was published here, or the day an
    /// imported item was first imported (it was not public here before).
    retained_from: Date,
    version: u32,
    corrections: &'a [(Date, String)],
    source: Option<&'a str>,
}

fn shown(case: &Case) -> Option<Shown<'_>> {
    if let Some(i) = &case.imported {
        let (force, force_name) = i.item.force_code_and_name();
        let themes = i
            .item
            .themes
            .iter()
            .filter(|t| **t != force_name)
            .cloned()
            .collect();
        return Some(Shown {
            reference: probity_published::public_reference(i.reference.as_str()),
            kind: i.item.item,
            title: &i.item.title,
            summary: &i.item.summary,
            force,
            force_name,
            themes,
            incident_month: None,
            published_on: i.item.published_on,
            retained_from: i.first_imported_on,
            version: i.version,
            corrections: &[],
            source: Some(i.from.public_source()),
        });
    }
    let p = case
        .publication
        .as_ref()
        .filter(|p| p.withdrawn.is_none())?;
    let matter = case.matter()?;
    Some(Shown {
        reference: probity_published::public_reference(matter.reference.as_str()),
        kind: p.item,
        title: &p.title,
        summary: &p.summary,
        force: matter.force.code().to_string(),
        force_name: matter.force.name().to_string(),
        // The tags without the force's name, which leads them.
        themes: p
            .tags
            .iter()
            .filter(|t| t.as_str() != matter.force.name())
            .cloned()
            .collect(),
        incident_month: p.incident_month.as_deref(),
        published_on: p.published_on,
        retained_from: p.published_on,
        version: p.version,
        corrections: &p.corrections,
        source: None,
    })
}

impl Derive for PublishedItemRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let Some(s) = shown(case) else {
            return Vec::new();
        };
        let corrections: Vec<serde_json::Value> = s
            .corrections
            .iter()
            .map(|(on, note)| serde_json::json!({"published_on": on.to_string(), "note": note}))
            .collect();
        vec![PublishedItemRow {
            case_id,
            reference: s.reference,
            kind: probity_domain::code_of(&s.kind),
            title: s.title.to_string(),
            summary: s.summary.to_string(),
            force: s.force,
            force_name: s.force_name,
            themes: s.themes.join("\n"),
            incident_month: s.incident_month.map(str::to_string),
            published_on: s.published_on,
            year: i64::from(s.published_on.year()),
            version: u64::from(s.version),
            corrections: serde_json::Value::Array(corrections).to_string(),
            source: s.source.map(str::to_string),
            retained_from: s.retained_from,
        }]
    }
}

impl Derive for PublishedThemeRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let Some(s) = shown(case) else {
            return Vec::new();
        };
        s.themes
            .into_iter()
            .map(|theme| PublishedThemeRow { case_id, theme })
            .collect()
    }
}

impl Derive for PublishedRecommendationRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let Some(s) = shown(case) else {
            return Vec::new();
        };
        if let Some(i) = &case.imported {
            // As the source shows it: its acceptance, without a response text or its day.
            return i
                .item
                .recommendation
                .iter()
                .map(|r| PublishedRecommendationRow {
                    case_id,
                    reference: s.reference.clone(),
                    number: 1,
                    recipient: i.item.recipient.clone(),
                    text: r.text.clone(),
                    force: s.force.clone(),
                    force_name: s.force_name.clone(),
                    made_on: r.made_on,
                    response_due: r.response_due,
                    acceptance: r.acceptance.as_ref().map(probity_domain::code_of),
                    response: None,
                    responded_on: None,
                    closed_on: None,
                    published_on: s.published_on,
                    retained_from: s.retained_from,
                })
                .collect();
        }
        case.recommendations
            .values()
            .map(|r| {
                let response = r
                    .response
                    .as_ref()
                    .filter(|_| r.response_published_on.is_some());
                PublishedRecommendationRow {
                    case_id,
                    reference: s.reference.clone(),
                    number: u64::from(r.id.0),
                    recipient: r.recipient.clone(),
                    text: r.text.clone(),
                    force: s.force.clone(),
                    force_name: s.force_name.clone(),
                    made_on: r.made_on,
                    response_due: r.response_due,
                    acceptance: response.map(|(a, _, _)| probity_domain::code_of(a)),
                    response: response.map(|(_, text, _)| text.clone()),
                    responded_on: response.and(r.response_published_on),
                    closed_on: r.closed_on,
                    published_on: s.published_on,
                    retained_from: s.retained_from,
                }
            })
            .collect()
    }
}

/// Every read model, in the order they are written.
pub static READ_MODELS: &[ReadModel] = &[
    ReadModel {
        table: &CaseRow::TABLE,
        rows: rows_of::<CaseRow>,
    },
    ReadModel {
        table: &SubjectRow::TABLE,
        rows: rows_of::<SubjectRow>,
    },
    ReadModel {
        table: &AllegationRow::TABLE,
        rows: rows_of::<AllegationRow>,
    },
    ReadModel {
        table: &FindingRow::TABLE,
        rows: rows_of::<FindingRow>,
    },
    ReadModel {
        table: &AccessRow::TABLE,
        rows: rows_of::<AccessRow>,
    },
    ReadModel {
        table: &DutyRow::TABLE,
        rows: rows_of::<DutyRow>,
    },
    ReadModel {
        table: &PublishedItemRow::TABLE,
        rows: rows_of::<PublishedItemRow>,
    },
    ReadModel {
        table: &PublishedThemeRow::TABLE,
        rows: rows_of::<PublishedThemeRow>,
    },
    ReadModel {
        table: &PublishedRecommendationRow::TABLE,
        rows: rows_of::<PublishedRecommendationRow>,
    },
    ReadModel {
        table: &CaseFactRow::TABLE,
        rows: rows_of::<CaseFactRow>,
    },
    ReadModel {
        table: &AllegationFactRow::TABLE,
        rows: rows_of::<AllegationFactRow>,
    },
];

/// The working-day calendar the duties are counted with: the bundled one, extended by the
/// bank-holiday data imported into the store (`set_calendar`, at open and after an import).
static CALENDAR: std::sync::LazyLock<std::sync::RwLock<std::sync::Arc<Calendar>>> =
    std::sync::LazyLock::new(|| {
        std::sync::RwLock::new(std::sync::Arc::new(Calendar::england_and_wales().clone()))
    });

pub fn calendar() -> std::sync::Arc<Calendar> {
    CALENDAR.read().expect("the calendar lock").clone()
}

/// Replaces the calendar the duties are counted with.
pub fn set_calendar(calendar: Calendar) {
    *CALENDAR.write().expect("the calendar lock") = std::sync::Arc::new(calendar);
}

impl Derive for DutyRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let Some(matter) = case.matter() else {
            return Vec::new();
        };
        let (force, restricted) = (matter.force, case.restriction.is_some());
        let reference = &matter.reference;
        open_duties(case, &calendar())
            .into_iter()
            .map(|c| DutyRow {
                case_id,
                clock: c.name,
                about: c.about.to_string(),
                period: u64::from(c.period),
                due: c.due,
                owner: c.owner.unwrap_or(Body::AppropriateAuthority),
                paused: c.state == ClockState::Paused,
                reference: reference.clone(),
                force,
                status: case.status,
                restricted,
            })
            .collect()
    }
}

impl Derive for CaseRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let Some(matter) = case.matter() else {
            return Vec::new();
        };
        vec![CaseRow {
            case_id,
            reference: matter.reference.clone(),
            kind: matter.kind,
            force: matter.force,
            status: case.status,
            received_on: matter.received_on,
            mode: case.investigation.as_ref().map(|i| i.mode),
            sexual_misconduct: case.involves_sexual_misconduct(),
            published_on: case.publication.as_ref().map(|p| p.published_on),
            version: case.version,
            restricted: case.restriction.is_some(),
            publishable: CaseAccess::of(case).publishable,
        }]
    }
}

impl Derive for SubjectRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        case.subjects()
            .filter_map(|p| {
                let s = p.subject_profile()?;
                Some(SubjectRow {
                    case_id,
                    party: p.id,
                    subject_kind: s.kind,
                    rank: s.rank.clone(),
                    service_number: s.service_number.clone(),
                    force: s.force,
                    former: s.former,
                })
            })
            .collect()
    }
}

impl Derive for AllegationRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        case.allegations
            .values()
            .map(|a| AllegationRow {
                case_id,
                allegation: a.id,
                category: a.category,
            })
            .collect()
    }
}

impl Derive for FindingRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        let inv = case.investigation.as_ref();
        case.pairs()
            .into_iter()
            .map(|(s, a)| FindingRow {
                case_id,
                subject: s,
                allegation: a,
                opinion: inv
                    .and_then(|i| i.opinions.get(&(s, a)))
                    .map(|f| f.case_to_answer),
                determination: inv
                    .and_then(|i| i.determinations.get(&(s, a)))
                    .map(|f| f.case_to_answer),
                outcome: outcome(case, s, a),
            })
            .collect()
    }
}

impl Derive for AccessRow {
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self> {
        case.team
            .iter()
            .map(|u| AccessRow {
                case_id,
                username: u.clone(),
                until: None,
            })
            .chain(case.grants.iter().map(|g| AccessRow {
                case_id,
                username: g.user.clone(),
                until: Some(g.until),
            }))
            .collect()
    }
}

/// Every read model's rows for a case.
pub fn project(case_id: CaseId, case: &Case) -> Vec<TableRows> {
    READ_MODELS
        .iter()
        .map(|m| TableRows {
            table: m.table,
            case_id,
            rows: (m.rows)(case_id, case),
        })
        .collect()
}

/// The rows to write after a case went from `before` to `after`: those of every model whose
/// rows differ. No list of the events that touch a model is kept, so none can be forgotten.
pub fn changes(case_id: CaseId, before: &Case, after: &Case) -> Vec<TableRows> {
    READ_MODELS
        .iter()
        .filter_map(|m| {
            let rows: Vec<Row> = (m.rows)(case_id, after);
            (rows != (m.rows)(case_id, before)).then_some(TableRows {
                table: m.table,
                case_id,
                rows,
            })
        })
        .collect()
}

pub use probity_domain::case::outcome;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_model::ColumnType;
    use probity_domain::scenario;

    #[test]
    fn every_model_s_table_starts_with_the_case_id_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for m in READ_MODELS {
            assert!(names.insert(m.table.name), "{} twice", m.table.name);
            let first = m.table.columns[0];
            assert_eq!((first.name, first.ty), ("case_id", ColumnType::Text));
        }
    }

    /// Rows turn into values and back unchanged, for every model, over the reference case.
    #[test]
    fn rows_round_trip_through_their_values() {
        let mut n = 0u8;
        let mut salt = move || {
            n += 1;
            [n; 16]
        };
        let mut case = Case::default();
        for step in scenario::reference_case(&mut salt) {
            if let Ok(d) = probity_domain::decide(&case, &step.command, &step.context) {
                for e in &d.events {
                    case.apply(e);
                }
            }
        }
        let id = CaseId::for_reference(&Reference::parse(scenario::REFERENCE_CASE).unwrap());
        fn round_trip<M: Derive + std::fmt::Debug + PartialEq>(id: CaseId, case: &Case) -> usize {
            let rows = M::derive(id, case);
            for r in &rows {
                let values = r.to_row();
                assert_eq!(values.len(), M::TABLE.columns.len());
                assert_eq!(&M::from_row(values).unwrap(), r);
            }
            rows.len()
        }
        assert_eq!(round_trip::<CaseRow>(id, &case), 1);
        assert_eq!(round_trip::<SubjectRow>(id, &case), 2);
        assert_eq!(round_trip::<AllegationRow>(id, &case), 4);
        assert_eq!(round_trip::<FindingRow>(id, &case), 7);
        round_trip::<AccessRow>(id, &case);
        assert_eq!(round_trip::<DutyRow>(id, &case), 0, "every duty was done");
        assert_eq!(
            round_trip::<PublishedItemRow>(id, &case),
            1,
            "the summary is published"
        );
        assert!(round_trip::<PublishedThemeRow>(id, &case) > 0);
        assert_eq!(
            round_trip::<PublishedRecommendationRow>(id, &case),
            0,
            "no learning was identified"
        );
        assert_eq!(round_trip::<CaseFactRow>(id, &case), 1);
        assert_eq!(
            round_trip::<AllegationFactRow>(id, &case),
            7,
            "one per subject per allegation"
        );
        let facts = AllegationFactRow::derive(id, &case);
        assert!(
            facts
                .iter()
                .all(|f| f.source == "probity" && f.handling == "investigated")
        );
        // No case to answer is not substantiated; a case to answer that was dealt with without
        // proceedings (reflective practice here) had no finding on its merits.
        let findings: Vec<&str> = facts.iter().map(|f| f.finding.as_str()).collect();
        assert_eq!(
            findings,
            [
                "not_substantiated",
                "no_finding",
                "not_substantiated",
                "no_finding",
                "not_substantiated",
                "no_finding",
                "not_substantiated"
            ]
        );
        let item = &PublishedItemRow::derive(id, &case)[0];
        assert_eq!(item.reference, "2020-134541");
        assert!(
            !item.themes.contains(item.force_name.as_str()),
            "the force is its own field, not a theme"
        );
        assert!(
            changes(id, &case, &case).is_empty(),
            "nothing changed, nothing to write"
        );
        assert_eq!(
            changes(id, &Case::default(), &case).len(),
            // No duties and no recommendations: those tables have no rows to write.
            READ_MODELS.len() - usize::from(case.team.is_empty() && case.grants.is_empty()) - 2
        );
        // A case part way through has duties to do.
        let mut case = Case::default();
        for step in scenario::synthetic_case(7, &mut salt) {
            if let Ok(d) = probity_domain::decide(&case, &step.command, &step.context) {
                for e in &d.events {
                    case.apply(e);
                }
            }
        }
        assert!(round_trip::<DutyRow>(id, &case) > 0);
    }
}
