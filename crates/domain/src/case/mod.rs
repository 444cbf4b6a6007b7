//! The state of a case: the fold of its events. `apply` never refuses; the rules live in
//! [`crate::decide`], which is the only way events are made. What each event does to the state
//! is written beside the others of its stage: `intake.rs`, `investigation.rs`, `outcome.rs`,
//! `aftercare.rs`, `need_to_know.rs`.

mod aftercare;
mod imported;
mod intake;
mod investigation;
mod need_to_know;
mod outcome;
mod publishing;
mod words;

pub use words::outcome;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Body;
use crate::category::CategoryCode;
use crate::conduct::{
    Action, AppealOutcome, CriminalOutcome, Finding, Form, Proposal, ProvenFinding,
    ReflectiveReport, ReflectiveStage, Sanction, Severity,
};
use crate::event::Event;
use crate::ids::{AllegationId, PartyId, ProceedingsId, RecommendationId};
use crate::matter::{Acceptance, RestrictionReason, UpdateKind};
use crate::party::{Commitment, PartyRole, SubjectProfile, Vulnerability};
use crate::referral::{
    HandlingAssessment, InvestigationMode, MandatoryCriterion, RecordingReason, ReferralBasis,
    Schedule3Ground,
};
use crate::review::ReviewRight;

/// Where a case stands (shared/domain.md §14.3 A).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No event yet.
    #[default]
    New,
    Logged,
    /// Handling has started: the complainant contacted and their views sought (Sch3 para 2(6)).
    Assessed,
    HandledOutsideSchedule3,
    FinalisedOutsideSchedule3,
    Recorded,
    Referred,
    ReturnedToAppropriateAuthority,
    UnderInvestigation,
    Suspended,
    ReportSubmitted,
    Determined,
    ActionsInProgress,
    HandledOtherwise,
    OutcomeNotified,
    UnderReview,
    Closed,
    Withdrawn,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::New,
        Status::Logged,
        Status::Assessed,
        Status::HandledOutsideSchedule3,
        Status::FinalisedOutsideSchedule3,
        Status::Recorded,
        Status::Referred,
        Status::ReturnedToAppropriateAuthority,
        Status::UnderInvestigation,
        Status::Suspended,
        Status::ReportSubmitted,
        Status::Determined,
        Status::ActionsInProgress,
        Status::HandledOtherwise,
        Status::OutcomeNotified,
        Status::UnderReview,
        Status::Closed,
        Status::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Logged => "logged",
            Status::Assessed => "assessed",
            Status::HandledOutsideSchedule3 => "handled_outside_schedule3",
            Status::FinalisedOutsideSchedule3 => "finalised_outside_schedule3",
            Status::Recorded => "recorded",
            Status::Referred => "referred",
            Status::ReturnedToAppropriateAuthority => "returned_to_appropriate_authority",
            Status::UnderInvestigation => "under_investigation",
            Status::Suspended => "suspended",
            Status::ReportSubmitted => "report_submitted",
            Status::Determined => "determined",
            Status::ActionsInProgress => "actions_in_progress",
            Status::HandledOtherwise => "handled_otherwise",
            Status::OutcomeNotified => "outcome_notified",
            Status::UnderReview => "under_review",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Closed | Status::Withdrawn | Status::FinalisedOutsideSchedule3
        )
    }
}

/// The matter as logged: its reference, kind, force and dates.
pub type Matter = crate::event::MatterLogged;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: PartyId,
    pub role: PartyRole,
    pub vulnerabilities: Vec<Vulnerability>,
    pub personal_data: Commitment,
    pub erased: bool,
    /// Ethnicity, sex and age band where recorded (codes, for statistics).
    pub characteristics: crate::imported::Characteristics,
}

impl Party {
    pub fn subject_profile(&self) -> Option<&SubjectProfile> {
        match &self.role {
            PartyRole::Subject(p) => Some(p),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allegation {
    pub id: AllegationId,
    pub subjects: Vec<PartyId>,
    pub category: CategoryCode,
    pub description: String,
    /// The conduct matter it belongs to, if it came to light during the investigation.
    pub conduct_matter: Option<u32>,
    pub added_on: Date,
}

/// A conduct matter that came to light during the investigation of a complaint (Sch3 paras
/// 10-11): it has its own date, from which its own 12-month period runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConductMatter {
    pub summary: String,
    pub came_to_attention_on: Date,
}

/// A report on the time an investigation is taking (PCMR 2020 reg 13; PCR 2020 reg 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelinessReport {
    pub period_ending: Date,
    pub recipients: Vec<crate::matter::TimelinessRecipient>,
    pub copied_to: Vec<PartyId>,
    pub withheld: Option<String>,
    pub sent_on: Date,
}

/// An officer's suspension under PCR 2020 reg 11.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficerSuspension {
    pub ground: crate::conduct::SuspensionGround,
    pub from: Date,
    pub until: Option<Date>,
}

/// An inquest, civil claim or other proceedings associated with the matter (§12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssociatedProceedings {
    pub id: u32,
    pub kind: crate::matter::AssociatedKind,
    pub description: String,
    pub opened_on: Date,
    pub concluded_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityRecord {
    pub severity: Severity,
    pub likely_form: Form,
    pub live_final_written_warning: bool,
    pub assessed_on: Date,
    pub revisions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exhibit {
    pub reference: String,
    pub description: String,
    pub sha256: Option<String>,
    pub custodian: String,
    pub custody: Vec<CustodyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyEntry {
    pub from: String,
    pub to: String,
    pub purpose: String,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interview {
    pub party: PartyId,
    pub under_caution: bool,
    pub summary: String,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedDecision {
    pub decision: String,
    pub rationale: String,
    pub acted: bool,
    pub on: Date,
}

/// Where the appropriate authority's proposals stand (Sch3 para 27).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "stage", content = "proposals")]
pub enum ProposalStage {
    #[default]
    None,
    /// Awaiting the oversight body's answer.
    Proposed(Vec<Proposal>),
    /// The oversight body recommended other action; awaiting the authority's acceptance.
    Recommended(Vec<Proposal>),
    Settled,
}

/// A pause of an investigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub from: Date,
    pub until: Option<Date>,
    pub reason: String,
}

/// One investigation. A re-investigation starts a new one; the old stays on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Investigation {
    pub mode: InvestigationMode,
    pub started_on: Date,
    pub reinvestigation: bool,
    pub terms_of_reference: Vec<(u32, String, Date)>,
    pub severity: BTreeMap<PartyId, SeverityRecord>,
    pub notices: BTreeMap<PartyId, Date>,
    pub interviews: Vec<Interview>,
    pub exhibits: BTreeMap<String, Exhibit>,
    pub accounts: Vec<(PartyId, Date)>,
    /// Pauses of the investigation (pending criminal proceedings, PCMR 2020 reg 41): from,
    /// until, and why.
    pub suspensions: Vec<Pause>,
    pub report_on: Option<Date>,
    pub report_summary: Option<String>,
    pub opinions: BTreeMap<(PartyId, AllegationId), Finding>,
    pub determined: Option<(Body, Date)>,
    pub determinations: BTreeMap<(PartyId, AllegationId), Finding>,
    pub proposal: ProposalStage,
    pub settled: BTreeMap<PartyId, Action>,
    /// The day the action to follow was settled (Sch3 para 27).
    pub settled_on: Option<Date>,
}

impl Investigation {
    fn new(mode: InvestigationMode, on: Date, reinvestigation: bool) -> Self {
        Investigation {
            mode,
            started_on: on,
            reinvestigation,
            terms_of_reference: Vec::new(),
            severity: BTreeMap::new(),
            notices: BTreeMap::new(),
            interviews: Vec::new(),
            exhibits: BTreeMap::new(),
            accounts: Vec::new(),
            suspensions: Vec::new(),
            report_on: None,
            report_summary: None,
            opinions: BTreeMap::new(),
            determined: None,
            determinations: BTreeMap::new(),
            proposal: ProposalStage::None,
            settled: BTreeMap::new(),
            settled_on: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proceedings {
    pub id: ProceedingsId,
    pub subject: PartyId,
    pub form: Form,
    pub allegations: Vec<AllegationId>,
    /// The day the officer was given notice of them.
    pub notice_on: Date,
    pub arranged_for: Date,
    pub findings: Vec<(AllegationId, ProvenFinding)>,
    pub sanction: Option<Sanction>,
    pub concluded_on: Option<Date>,
    /// The officer was notified of the sanction: from then it takes effect (PCR 2020 reg 42(4)).
    pub sanction_notified_on: Option<Date>,
    pub appeal_lodged_on: Option<Date>,
    pub appeal: Option<(AppealOutcome, Date)>,
}

impl Proceedings {
    /// The sanction in force after any appeal.
    pub fn final_sanction(&self) -> Option<Sanction> {
        match self.appeal {
            Some((AppealOutcome::Reversed, _)) => None,
            Some((AppealOutcome::Substituted(s), _)) => s,
            _ => self.sanction,
        }
    }

    /// Concluded and no appeal waiting.
    pub fn is_complete(&self) -> bool {
        self.concluded_on.is_some() && (self.appeal_lodged_on.is_none() || self.appeal.is_some())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReflectivePractice {
    pub stage: ReflectiveStage,
    pub history: Vec<(ReflectiveStage, Date)>,
    pub report: Option<ReflectiveReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriminalReferral {
    pub referred_on: Date,
    pub outcome: Option<(CriminalOutcome, Date)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearningRecommendation {
    pub id: RecommendationId,
    pub recipient: String,
    pub text: String,
    pub made_on: Date,
    /// The last day of the 56 days beginning with the day it was made (Sch3 para 28B), or
    /// the extended date.
    pub response_due: Date,
    pub extended: bool,
    pub response: Option<(Acceptance, String, Date)>,
    pub response_published_on: Option<Date>,
    /// The day an extension was applied for, when one was.
    pub extension_applied_on: Option<Date>,
    pub closed_on: Option<Date>,
}

/// The last day of the 56-day response period beginning with `made_on` (Sch3 para 28B(2)).
pub fn recommendation_response_due(made_on: Date) -> Date {
    made_on
        .checked_add(jiff::Span::new().days(55))
        .expect("dates of this process are far from the calendar's end")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub applicant: PartyId,
    pub applied_on: Date,
    pub late_reason: Option<String>,
    pub forwarded: Option<crate::review::Forwarding>,
    /// Out of time and awaiting the relevant review body; `Some` once it decided.
    pub awaiting_acceptance: bool,
    pub late_decision: Option<(bool, Date)>,
    pub decision: Option<(bool, Date)>,
    pub decided_by: Option<crate::review::ReviewBody>,
}

/// What is published of the case: the version approved, from the day it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    pub title: String,
    pub summary: String,
    /// The force, then the themes.
    pub tags: Vec<String>,
    /// The day it is shown from (scheduled when in the future).
    pub published_on: Date,
    pub item: crate::publication::ItemKind,
    pub incident_month: Option<String>,
    /// The draft version published; 0 for a summary published before drafts were kept.
    pub version: u32,
    pub author: Option<String>,
    pub approved_by: Option<String>,
    /// Each correction: the day it was published and the public note of what changed.
    pub corrections: Vec<(Date, String)>,
    /// Withdrawn: the day and the reason.
    pub withdrawn: Option<(Date, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The number of events applied: the stream version.
    pub version: u64,
    pub status: Status,
    matter: Option<Matter>,
    pub parties: BTreeMap<PartyId, Party>,
    pub allegations: BTreeMap<AllegationId, Allegation>,
    /// The start of handling (Sch3 para 2(6)), and each contact seeking the complainant's views.
    pub handling_started_on: Option<Date>,
    pub contacts: Vec<(PartyId, bool, Date)>,
    pub conduct_matters: BTreeMap<u32, ConductMatter>,
    pub outside_schedule3_on: Option<Date>,
    pub recorded: Option<(RecordingReason, Date)>,
    /// What the assessor found at recording (Sch3 para 2(6B); PCMR regs 4, 32).
    pub assessment: HandlingAssessment,
    /// The grounds on which it had to be handled under Schedule 3, as found at recording.
    pub recording_grounds: Vec<Schedule3Ground>,
    pub referral: Option<(ReferralBasis, Date)>,
    pub referral_decided_on: Option<Date>,
    /// The current (latest) investigation.
    pub investigation: Option<Investigation>,
    pub earlier_investigations: Vec<Investigation>,
    pub handled_otherwise_on: Option<Date>,
    /// The outcome decided for a complaint handled otherwise than by investigation.
    pub handling_outcome: Option<(crate::matter::HandlingOutcome, Date)>,
    pub timeliness_reports: Vec<TimelinessReport>,
    pub officer_suspensions: BTreeMap<PartyId, Vec<OfficerSuspension>>,
    /// Subjects referred to the unsatisfactory performance procedures, and when (PCR reg 23;
    /// Sch3 para 27(3A)).
    pub performance: BTreeMap<PartyId, Date>,
    pub associated: BTreeMap<u32, AssociatedProceedings>,
    /// The decision log, including decisions not to act.
    pub decisions: Vec<LoggedDecision>,
    pub proceedings: BTreeMap<ProceedingsId, Proceedings>,
    pub reflective_practice: BTreeMap<PartyId, ReflectivePractice>,
    pub criminal: BTreeMap<PartyId, CriminalReferral>,
    /// Subjects referred to the barred list, and when.
    pub barred_list: BTreeMap<PartyId, Date>,
    /// Subjects who left the service while under investigation (Police Act 1996 s.88H), and when.
    pub advisory_list: BTreeMap<PartyId, Date>,
    pub recommendations: BTreeMap<RecommendationId, LearningRecommendation>,
    pub no_learning_on: Option<Date>,
    pub updates: Vec<(PartyId, UpdateKind, Date)>,
    pub outcome_notified_on: Option<Date>,
    /// The letters and reports sent, in order.
    pub letters: Vec<SentLetter>,
    pub review_right: Option<ReviewRight>,
    pub reviews: Vec<Review>,
    pub withdrawn_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub publication: Option<Publication>,
    /// What another body published under this reference, when the case was imported.
    pub imported: Option<crate::imported::Imported>,
    /// What another body recorded under this reference, when the case was imported.
    pub imported_record: Option<crate::imported::ImportedRecord>,
    /// The drafts of the text to publish, oldest first.
    pub drafts: Vec<crate::publication::Draft>,
    /// Need-to-know: when set, only the team and holders of a live grant see the case.
    pub restriction: Option<(RestrictionReason, Date)>,
    pub team: Vec<String>,
    pub grants: Vec<Grant>,
    /// The latest day any act of the case happened (a hearing arranged counts from its
    /// notice): the day its clocks are read on when no other day is given.
    pub latest_on: Option<Date>,
}

/// A letter sent: what it was made from, and the version of the case it was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentLetter {
    pub letter: crate::letter::LetterRequest,
    pub digest: String,
    pub on: Date,
    /// The version of the case it was made from (the letter is the first event of its
    /// send): replaying that many events and composing again gives the same letter.
    pub made_on_version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub user: String,
    pub until: Date,
    pub reason: String,
    pub granted_on: Date,
}

impl Case {
    /// The fold of a stream of events.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Case {
        let mut case = Case::default();
        for e in events {
            case.apply(e);
        }
        case
    }

    pub fn matter(&self) -> Option<&Matter> {
        self.matter.as_ref()
    }

    pub fn subjects(&self) -> impl Iterator<Item = &Party> {
        self.parties
            .values()
            .filter(|p| matches!(p.role, PartyRole::Subject(_)))
    }

    /// Every (subject, allegation) pair the case must find on.
    pub fn pairs(&self) -> Vec<(PartyId, AllegationId)> {
        let mut pairs: Vec<_> = self
            .allegations
            .values()
            .flat_map(|a| a.subjects.iter().map(move |s| (*s, a.id)))
            .collect();
        pairs.sort();
        pairs
    }

    /// The mandatory referral criteria the case meets (Sch3 para 4(1); PCMR reg 4(1)): from the
    /// allegations' categories, the matter, its subjects and the assessment at recording.
    pub fn mandatory_referral_criteria(&self) -> Vec<MandatoryCriterion> {
        self.mandatory_referral_criteria_with(&self.assessment)
    }

    /// The criteria the case would meet on assessment `a` (before it is recorded).
    pub fn mandatory_referral_criteria_with(
        &self,
        a: &HandlingAssessment,
    ) -> Vec<MandatoryCriterion> {
        let mut out: Vec<_> = self
            .mandatory_referral_reasons(a)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Each mandatory referral criterion the case would meet on assessment `a`, with why: the
    /// allegation, the matter or the answer at recording that brings it in. One criterion may
    /// have several reasons.
    pub fn mandatory_referral_reasons(
        &self,
        a: &HandlingAssessment,
    ) -> Vec<(MandatoryCriterion, String)> {
        let mut out = Vec::new();
        for allegation in self.allegations.values() {
            let info = allegation.category.info();
            if let Some(c) = info.mandatory_referral {
                out.push((
                    c,
                    format!(
                        "allegation {} is of {} ({}), which meets this criterion on its face",
                        allegation.id, info.code, info.name
                    ),
                ));
            }
        }
        if self
            .matter
            .as_ref()
            .is_some_and(|m| m.death_or_serious_injury)
        {
            out.push((
                MandatoryCriterion::DeathOrSeriousInjury,
                "the matter involves a death or serious injury".into(),
            ));
        }
        if a.serious_assault {
            out.push((
                MandatoryCriterion::SeriousAssault,
                "the conduct alleged would be a serious assault".into(),
            ));
        }
        if a.relevant_offence {
            out.push((
                MandatoryCriterion::RelevantOffence,
                "the conduct alleged would be a relevant offence".into(),
            ));
        }
        if a.same_incident {
            out.push((
                MandatoryCriterion::SameIncident,
                "it arises from the same incident as a matter that meets a criterion".into(),
            ));
        }
        // Discriminatory behaviour aggravating conduct that might justify proceedings (iv).
        let discriminatory = self
            .allegations
            .values()
            .any(|x| x.category.info().code.starts_with('F'));
        if discriminatory && a.might_justify_proceedings {
            out.push((
                MandatoryCriterion::DiscriminationAggravated,
                "an allegation of discriminatory behaviour, with conduct that might justify proceedings".into(),
            ));
        }
        // A complaint about a chief officer that the authority cannot be satisfied would not
        // justify proceedings (reg 4(1)(c)).
        let about_chief = self.about_chief_officer();
        let complaint = self
            .matter
            .as_ref()
            .is_some_and(|m| m.kind == crate::matter::MatterKind::Complaint);
        if about_chief && complaint && a.might_justify_proceedings {
            out.push((
                MandatoryCriterion::ChiefOfficer,
                "a complaint about the chief officer, whose conduct might justify proceedings"
                    .into(),
            ));
        }
        out.sort_by_key(|(c, _)| *c);
        out
    }

    /// The warnings this case put on a subject's record, with their live periods: the final
    /// sanction after any appeal, live from its notification (or, not yet notified, from the
    /// conclusion of the proceedings).
    pub fn sanctions_on_record(&self, subject: PartyId) -> Vec<crate::party::PriorSanction> {
        self.proceedings
            .values()
            .filter(|p| p.subject == subject)
            .filter_map(|p| {
                let sanction = p.final_sanction()?;
                let effective = p.sanction_notified_on.or(p.concluded_on)?;
                let expires_on = crate::conduct::live_until(sanction, effective)?;
                Some(crate::party::PriorSanction {
                    sanction,
                    effective_on: effective,
                    expires_on,
                })
            })
            .collect()
    }

    /// Whether a subject is the chief officer (or the Deputy Commissioner of the Metropolis).
    pub fn about_chief_officer(&self) -> bool {
        self.subjects()
            .any(|p| p.subject_profile().is_some_and(|s| s.chief_officer))
    }

    /// Whether any allegation is of sexual misconduct (a reason to restrict access).
    pub fn involves_sexual_misconduct(&self) -> bool {
        self.allegations
            .values()
            .any(|a| a.category.info().sexual_misconduct)
    }

    /// Folds one more event into the state.
    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        let day = match event {
            Event::ProceedingsArranged(p) => p.notice_on,
            e => e.on(),
        };
        self.latest_on = Some(self.latest_on.map_or(day, |d| d.max(day)));
        event.fact().apply(self);
    }

    pub(crate) fn start_investigation(
        &mut self,
        mode: InvestigationMode,
        on: Date,
        reinvestigation: bool,
    ) {
        if let Some(old) = self.investigation.take() {
            self.earlier_investigations.push(old);
        }
        self.investigation = Some(Investigation::new(mode, on, reinvestigation));
        self.status = Status::UnderInvestigation;
        self.outcome_notified_on = None;
        self.review_right = None;
    }

    pub(crate) fn settle(&mut self, proposals: &[Proposal], on: Date) {
        let Some(i) = self.investigation.as_mut() else {
            return;
        };
        i.proposal = ProposalStage::Settled;
        i.settled_on = Some(on);
        for p in proposals {
            i.settled.insert(p.subject, p.action);
            if p.action == Action::UnsatisfactoryPerformance {
                self.performance.entry(p.subject).or_insert(on);
            }
        }
        self.status = Status::ActionsInProgress;
        let rprp: Vec<_> = proposals
            .iter()
            .filter(|p| p.action == Action::ReflectivePractice)
            .map(|p| p.subject)
            .collect();
        for subject in rprp {
            self.refer_to_reflective_practice(subject, on);
        }
    }

    pub(crate) fn refer_to_reflective_practice(&mut self, subject: PartyId, on: Date) {
        self.reflective_practice
            .entry(subject)
            .or_insert_with(|| ReflectivePractice {
                stage: ReflectiveStage::Referred,
                history: vec![(ReflectiveStage::Referred, on)],
                report: None,
            });
    }
}

/// Replace the proposals for the subjects named in `over`, keep the rest.
pub(crate) fn merge(base: &[Proposal], over: &[Proposal]) -> Vec<Proposal> {
    let mut out: Vec<Proposal> = base
        .iter()
        .filter(|b| !over.iter().any(|o| o.subject == b.subject))
        .copied()
        .collect();
    out.extend_from_slice(over);
    out.sort_by_key(|p| p.subject);
    out
}

/// A code in words: `gross_misconduct` becomes "gross misconduct".
pub(crate) fn words<T: Serialize>(v: &T) -> String {
    crate::code_of(v).replace('_', " ")
}
