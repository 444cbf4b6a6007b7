//! The state of a case: the fold of its events. `apply` never refuses; the rules live in
//! [`crate::decide`], which is the only way events are made.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::Body;
use crate::category::CategoryCode;
use crate::conduct::{
    Action, AppealOutcome, CriminalOutcome, Finding, Form, Proposal, ProposalResponse,
    ProvenFinding, ReflectiveReport, ReflectiveStage, Sanction, Severity,
};
use crate::event::Event;
use crate::force::Force;
use crate::ids::{AllegationId, PartyId, ProceedingsId, RecommendationId, Reference};
use crate::matter::{
    Acceptance, AppropriateAuthority, Classification, MatterKind, RestrictionReason, UpdateKind,
};
use crate::party::{Commitment, Role, SubjectProfile, Vulnerability};
use crate::referral::{InvestigationMode, MandatoryCriterion, RecordingReason, ReferralBasis};
use crate::review::ReviewRight;

/// Where a case stands (shared/domain.md §14.3 A).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No event yet.
    #[default]
    New,
    Logged,
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
    pub fn code(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Logged => "logged",
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matter {
    pub reference: Reference,
    pub kind: MatterKind,
    pub force: Force,
    pub appropriate_authority: AppropriateAuthority,
    pub received_on: Date,
    pub came_to_attention_on: Date,
    pub incident_on: Option<Date>,
    pub incident_location: Option<String>,
    pub summary: String,
    pub classification: Classification,
    pub complainant_wants_recording: bool,
    pub death_or_serious_injury: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: PartyId,
    pub role: Role,
    pub vulnerabilities: Vec<Vulnerability>,
    pub personal_data: Commitment,
    pub erased: bool,
}

impl Party {
    pub fn subject_profile(&self) -> Option<&SubjectProfile> {
        match &self.role {
            Role::Subject(p) => Some(p),
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
    pub suspensions: Vec<(Date, Option<Date>)>,
    pub report_on: Option<Date>,
    pub report_summary: Option<String>,
    pub opinions: BTreeMap<(PartyId, AllegationId), Finding>,
    pub determined: Option<(Body, Date)>,
    pub determinations: BTreeMap<(PartyId, AllegationId), Finding>,
    pub proposal: ProposalStage,
    pub settled: BTreeMap<PartyId, Action>,
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
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proceedings {
    pub id: ProceedingsId,
    pub subject: PartyId,
    pub form: Form,
    pub allegations: Vec<AllegationId>,
    pub arranged_for: Date,
    pub findings: Vec<(AllegationId, ProvenFinding)>,
    pub sanction: Option<Sanction>,
    pub concluded_on: Option<Date>,
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
    pub decision: Option<(bool, Date)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub published_on: Date,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The number of events applied: the stream version.
    pub version: u64,
    pub status: Status,
    matter: Option<Matter>,
    pub parties: BTreeMap<PartyId, Party>,
    pub allegations: BTreeMap<AllegationId, Allegation>,
    pub outside_schedule3_on: Option<Date>,
    pub recorded: Option<(RecordingReason, Date)>,
    pub referral: Option<(ReferralBasis, Date)>,
    pub referral_decided_on: Option<Date>,
    /// The current (latest) investigation.
    pub investigation: Option<Investigation>,
    pub earlier_investigations: Vec<Investigation>,
    pub handled_otherwise_on: Option<Date>,
    /// The decision log, including decisions not to act.
    pub decisions: Vec<LoggedDecision>,
    pub proceedings: BTreeMap<ProceedingsId, Proceedings>,
    pub reflective_practice: BTreeMap<PartyId, ReflectivePractice>,
    pub criminal: BTreeMap<PartyId, CriminalReferral>,
    pub barred_list: Vec<PartyId>,
    /// Subjects who left the service while under investigation (Police Act 1996 s.88H).
    pub advisory_list: Vec<PartyId>,
    pub recommendations: BTreeMap<RecommendationId, LearningRecommendation>,
    pub no_learning_on: Option<Date>,
    pub updates: Vec<(PartyId, UpdateKind, Date)>,
    pub outcome_notified_on: Option<Date>,
    pub review_right: Option<ReviewRight>,
    pub reviews: Vec<Review>,
    pub withdrawn_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub publication: Option<Publication>,
    /// Need-to-know: when set, only the team and holders of a live grant see the case.
    pub restriction: Option<(RestrictionReason, Date)>,
    pub team: Vec<String>,
    pub grants: Vec<Grant>,
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
            .filter(|p| matches!(p.role, Role::Subject(_)))
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

    /// The mandatory referral criteria the case meets on its face.
    pub fn mandatory_referral_criteria(&self) -> Vec<MandatoryCriterion> {
        let mut out: Vec<_> = self
            .allegations
            .values()
            .filter_map(|a| a.category.info().mandatory_referral)
            .collect();
        if self
            .matter
            .as_ref()
            .is_some_and(|m| m.death_or_serious_injury)
        {
            out.push(MandatoryCriterion::DeathOrSeriousInjury);
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether any allegation is of sexual misconduct (a reason to restrict access).
    pub fn involves_sexual_misconduct(&self) -> bool {
        self.allegations
            .values()
            .any(|a| a.category.info().sexual_misconduct)
    }

    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        match event {
            Event::MatterLogged {
                reference,
                kind,
                force,
                appropriate_authority,
                received_on,
                came_to_attention_on,
                incident_on,
                incident_location,
                summary,
                classification,
                complainant_wants_recording,
                death_or_serious_injury,
            } => {
                self.matter = Some(Matter {
                    reference: reference.clone(),
                    kind: *kind,
                    force: *force,
                    appropriate_authority: *appropriate_authority,
                    received_on: *received_on,
                    came_to_attention_on: *came_to_attention_on,
                    incident_on: *incident_on,
                    incident_location: incident_location.clone(),
                    summary: summary.clone(),
                    classification: *classification,
                    complainant_wants_recording: *complainant_wants_recording,
                    death_or_serious_injury: *death_or_serious_injury,
                });
                self.status = Status::Logged;
            }
            Event::PartyAdded {
                party,
                role,
                vulnerabilities,
                personal_data,
            } => {
                self.parties.insert(
                    *party,
                    Party {
                        id: *party,
                        role: role.clone(),
                        vulnerabilities: vulnerabilities.clone(),
                        personal_data: personal_data.clone(),
                        erased: false,
                    },
                );
            }
            Event::PersonalDataErased { party, .. } => {
                if let Some(p) = self.parties.get_mut(party) {
                    p.erased = true;
                }
            }
            Event::AllegationAdded {
                allegation,
                subjects,
                category,
                description,
            } => {
                self.allegations.insert(
                    *allegation,
                    Allegation {
                        id: *allegation,
                        subjects: subjects.clone(),
                        category: *category,
                        description: description.clone(),
                    },
                );
            }
            Event::HandledOutsideSchedule3 { on, .. } => {
                self.outside_schedule3_on = Some(*on);
                self.status = Status::HandledOutsideSchedule3;
            }
            Event::FinalisedOutsideSchedule3 { .. } => {
                self.status = Status::FinalisedOutsideSchedule3;
            }
            Event::MatterRecorded { reason, on, .. } => {
                self.recorded = Some((*reason, *on));
                self.status = Status::Recorded;
            }
            Event::Referred { basis, on } => {
                self.referral = Some((*basis, *on));
                if self.recorded.is_none() {
                    self.recorded = Some((RecordingReason::TreatedAsReferred, *on));
                }
                self.status = Status::Referred;
            }
            Event::ReferralDecided { decision, on, .. } => {
                self.referral_decided_on = Some(*on);
                match decision {
                    crate::referral::ReferralDecision::Investigate(mode) => {
                        self.start_investigation(*mode, *on, false);
                    }
                    crate::referral::ReferralDecision::ReturnToAppropriateAuthority => {
                        self.status = Status::ReturnedToAppropriateAuthority;
                    }
                }
            }
            Event::InvestigationModeChanged { to, .. } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.mode = *to;
                }
            }
            Event::LocalInvestigationStarted { on } => {
                self.start_investigation(InvestigationMode::Local, *on, false);
            }
            Event::HandledOtherwiseThanByInvestigation { on, .. } => {
                self.handled_otherwise_on = Some(*on);
                self.status = Status::HandledOtherwise;
            }
            Event::TermsOfReferenceSet { version, text, on } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.terms_of_reference.push((*version, text.clone(), *on));
                }
            }
            Event::DecisionLogged {
                decision,
                rationale,
                acted,
                on,
            } => self.decisions.push(LoggedDecision {
                decision: decision.clone(),
                rationale: rationale.clone(),
                acted: *acted,
                on: *on,
            }),
            Event::SeverityAssessed {
                subject,
                severity,
                likely_form,
                live_final_written_warning,
                on,
                ..
            } => {
                if let Some(i) = self.investigation.as_mut() {
                    let revisions = i.severity.get(subject).map_or(0, |r| r.revisions + 1);
                    i.severity.insert(
                        *subject,
                        SeverityRecord {
                            severity: *severity,
                            likely_form: *likely_form,
                            live_final_written_warning: *live_final_written_warning,
                            assessed_on: *on,
                            revisions,
                        },
                    );
                }
            }
            Event::NoticeServed { subject, on, .. } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.notices.insert(*subject, *on);
                }
            }
            Event::InterviewRecorded {
                party,
                under_caution,
                on,
                ..
            } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.interviews.push(Interview {
                        party: *party,
                        under_caution: *under_caution,
                        on: *on,
                    });
                }
            }
            Event::EvidenceExhibited {
                exhibit,
                description,
                sha256,
                custodian,
                ..
            } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.exhibits.insert(
                        exhibit.clone(),
                        Exhibit {
                            reference: exhibit.clone(),
                            description: description.clone(),
                            sha256: sha256.clone(),
                            custodian: custodian.clone(),
                            custody: Vec::new(),
                        },
                    );
                }
            }
            Event::CustodyTransferred {
                exhibit,
                from,
                to,
                purpose,
                on,
            } => {
                if let Some(x) = self
                    .investigation
                    .as_mut()
                    .and_then(|i| i.exhibits.get_mut(exhibit))
                {
                    x.custodian = to.clone();
                    x.custody.push(CustodyEntry {
                        from: from.clone(),
                        to: to.clone(),
                        purpose: purpose.clone(),
                        on: *on,
                    });
                }
            }
            Event::WitnessAccountTaken { party, on, .. } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.accounts.push((*party, *on));
                }
            }
            Event::InvestigationSuspended { on, .. } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.suspensions.push((*on, None));
                }
                self.status = Status::Suspended;
            }
            Event::InvestigationResumed { on } => {
                if let Some(last) = self
                    .investigation
                    .as_mut()
                    .and_then(|i| i.suspensions.last_mut())
                {
                    last.1 = Some(*on);
                }
                self.status = Status::UnderInvestigation;
            }
            Event::ReportSubmitted { summary, on } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.report_on = Some(*on);
                    i.report_summary = Some(summary.clone());
                }
                self.status = Status::ReportSubmitted;
            }
            Event::OpinionGiven { finding, .. } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.opinions
                        .insert((finding.subject, finding.allegation), finding.clone());
                }
            }
            Event::CaseDetermined { by, findings, on } => {
                if let Some(i) = self.investigation.as_mut() {
                    i.determined = Some((*by, *on));
                    for f in findings {
                        i.determinations
                            .insert((f.subject, f.allegation), f.clone());
                    }
                }
                self.status = Status::Determined;
            }
            Event::ReferredToProsecutors { subject, on } => {
                self.criminal.insert(
                    *subject,
                    CriminalReferral {
                        referred_on: *on,
                        outcome: None,
                    },
                );
            }
            Event::CriminalProceedingsConcluded {
                subject,
                outcome,
                on,
            } => {
                if let Some(c) = self.criminal.get_mut(subject) {
                    c.outcome = Some((*outcome, *on));
                }
            }
            Event::ActionProposed {
                proposals,
                settled,
                on,
                ..
            } => {
                if *settled {
                    self.settle(proposals, *on);
                } else if let Some(i) = self.investigation.as_mut() {
                    i.proposal = ProposalStage::Proposed(proposals.clone());
                }
            }
            Event::ProposalAnswered { response, on, .. } => {
                let proposed = match self.investigation.as_ref().map(|i| &i.proposal) {
                    Some(ProposalStage::Proposed(p)) => p.clone(),
                    _ => Vec::new(),
                };
                match response {
                    ProposalResponse::Agree => self.settle(&proposed, *on),
                    ProposalResponse::Direct(directed) => {
                        self.settle(&merge(&proposed, directed), *on)
                    }
                    ProposalResponse::Recommend(recommended) => {
                        if let Some(i) = self.investigation.as_mut() {
                            i.proposal = ProposalStage::Recommended(merge(&proposed, recommended));
                        }
                    }
                }
            }
            Event::RecommendationOnProceedingsAnswered { accepted, on, .. } => {
                let recommended = match self.investigation.as_ref().map(|i| &i.proposal) {
                    Some(ProposalStage::Recommended(p)) => p.clone(),
                    _ => Vec::new(),
                };
                if *accepted {
                    self.settle(&recommended, *on);
                } else if let Some(i) = self.investigation.as_mut() {
                    // Back to the oversight body, which may now direct (para 27(4)).
                    i.proposal = ProposalStage::Proposed(recommended);
                }
            }
            Event::ProceedingsArranged {
                proceedings,
                subject,
                form,
                allegations,
                on,
            } => {
                self.proceedings.insert(
                    *proceedings,
                    Proceedings {
                        id: *proceedings,
                        subject: *subject,
                        form: *form,
                        allegations: allegations.clone(),
                        arranged_for: *on,
                        findings: Vec::new(),
                        sanction: None,
                        concluded_on: None,
                        appeal_lodged_on: None,
                        appeal: None,
                    },
                );
            }
            Event::ProceedingsConcluded {
                proceedings,
                findings,
                sanction,
                on,
                ..
            } => {
                let mut to_rprp = None;
                if let Some(p) = self.proceedings.get_mut(proceedings) {
                    p.findings = findings.clone();
                    p.sanction = *sanction;
                    p.concluded_on = Some(*on);
                    if findings
                        .iter()
                        .any(|(_, f)| *f == ProvenFinding::NeitherReflectivePractice)
                    {
                        to_rprp = Some(p.subject);
                    }
                }
                if let Some(subject) = to_rprp {
                    self.refer_to_reflective_practice(subject, *on);
                }
            }
            Event::AppealLodged { proceedings, on } => {
                if let Some(p) = self.proceedings.get_mut(proceedings) {
                    p.appeal_lodged_on = Some(*on);
                }
            }
            Event::AppealDetermined {
                proceedings,
                outcome,
                on,
            } => {
                if let Some(p) = self.proceedings.get_mut(proceedings) {
                    p.appeal = Some((*outcome, *on));
                }
            }
            Event::BarredListReferred { subject, .. } => self.barred_list.push(*subject),
            Event::ReflectivePracticeProgressed { subject, stage, on } => {
                if let Some(r) = self.reflective_practice.get_mut(subject) {
                    r.stage = *stage;
                    r.history.push((*stage, *on));
                }
            }
            Event::ReflectiveReportAgreed {
                subject,
                report,
                on,
            } => {
                if let Some(r) = self.reflective_practice.get_mut(subject) {
                    r.stage = ReflectiveStage::ReportAgreed;
                    r.history.push((ReflectiveStage::ReportAgreed, *on));
                    r.report = Some(report.clone());
                }
            }
            Event::LearningRecommendationMade {
                recommendation,
                recipient,
                text,
                on,
            } => {
                self.recommendations.insert(
                    *recommendation,
                    LearningRecommendation {
                        id: *recommendation,
                        recipient: recipient.clone(),
                        text: text.clone(),
                        made_on: *on,
                        response_due: recommendation_response_due(*on),
                        extended: false,
                        response: None,
                        response_published_on: None,
                    },
                );
            }
            Event::LearningResponseReceived {
                recommendation,
                accepted,
                narrative,
                on,
            } => {
                if let Some(r) = self.recommendations.get_mut(recommendation) {
                    r.response = Some((*accepted, narrative.clone(), *on));
                }
            }
            Event::ResponsePeriodExtended {
                recommendation,
                until,
                ..
            } => {
                if let Some(r) = self.recommendations.get_mut(recommendation) {
                    r.response_due = *until;
                    r.extended = true;
                }
            }
            Event::LearningResponsePublished { recommendation, on } => {
                if let Some(r) = self.recommendations.get_mut(recommendation) {
                    r.response_published_on = Some(*on);
                }
            }
            Event::SubjectLeftService {
                subject,
                advisory_list,
                ..
            } => {
                if let Some(Role::Subject(profile)) =
                    self.parties.get_mut(subject).map(|p| &mut p.role)
                {
                    profile.former = true;
                }
                if *advisory_list {
                    self.advisory_list.push(*subject);
                }
            }
            Event::NoLearningIdentified { on, .. } => self.no_learning_on = Some(*on),
            Event::PartyUpdated { party, kind, on } => self.updates.push((*party, *kind, *on)),
            Event::OutcomeNotified { review_right, on } => {
                self.outcome_notified_on = Some(*on);
                self.review_right = *review_right;
                self.status = Status::OutcomeNotified;
            }
            Event::ReviewApplied {
                applicant,
                late_reason,
                on,
                ..
            } => {
                self.reviews.push(Review {
                    applicant: *applicant,
                    applied_on: *on,
                    late_reason: late_reason.clone(),
                    decision: None,
                });
                self.status = Status::UnderReview;
            }
            Event::ReviewDecided {
                upheld,
                reinvestigation,
                on,
                ..
            } => {
                if let Some(r) = self.reviews.last_mut() {
                    r.decision = Some((*upheld, *on));
                }
                self.status = match (upheld, reinvestigation) {
                    (false, _) => Status::Closed,
                    (true, Some(mode)) => {
                        self.start_investigation(*mode, *on, true);
                        Status::UnderInvestigation
                    }
                    // Upheld with recommendations: the appropriate authority decides afresh.
                    (true, None) => Status::Recorded,
                };
                if self.status == Status::Closed {
                    self.closed_on = Some(*on);
                }
            }
            Event::ReinvestigationOrdered { mode, on, .. } => {
                self.start_investigation(*mode, *on, true);
            }
            Event::MatterWithdrawn { on, .. } => {
                self.withdrawn_on = Some(*on);
                self.status = Status::Withdrawn;
            }
            Event::CaseClosed { on } => {
                self.closed_on = Some(*on);
                self.status = Status::Closed;
            }
            Event::CaseRestricted { reason, on, .. } => self.restriction = Some((*reason, *on)),
            Event::RestrictionLifted { .. } => self.restriction = None,
            Event::TeamMemberAssigned { user, .. } => {
                if !self.team.contains(user) {
                    self.team.push(user.clone());
                }
            }
            Event::TeamMemberRemoved { user, .. } => self.team.retain(|t| t != user),
            Event::AccessGranted {
                user,
                until,
                reason,
                on,
            } => self.grants.push(Grant {
                user: user.clone(),
                until: *until,
                reason: reason.clone(),
                granted_on: *on,
            }),
            Event::SummaryPublished {
                title,
                summary,
                tags,
                on,
            } => {
                self.publication = Some(Publication {
                    title: title.clone(),
                    summary: summary.clone(),
                    tags: tags.clone(),
                    published_on: *on,
                });
            }
        }
    }

    fn start_investigation(&mut self, mode: InvestigationMode, on: Date, reinvestigation: bool) {
        if let Some(old) = self.investigation.take() {
            self.earlier_investigations.push(old);
        }
        self.investigation = Some(Investigation::new(mode, on, reinvestigation));
        self.status = Status::UnderInvestigation;
        self.outcome_notified_on = None;
        self.review_right = None;
    }

    fn settle(&mut self, proposals: &[Proposal], on: Date) {
        let Some(i) = self.investigation.as_mut() else {
            return;
        };
        i.proposal = ProposalStage::Settled;
        for p in proposals {
            i.settled.insert(p.subject, p.action);
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

    fn refer_to_reflective_practice(&mut self, subject: PartyId, on: Date) {
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
fn merge(base: &[Proposal], over: &[Proposal]) -> Vec<Proposal> {
    let mut out: Vec<Proposal> = base
        .iter()
        .filter(|b| !over.iter().any(|o| o.subject == b.subject))
        .copied()
        .collect();
    out.extend_from_slice(over);
    out.sort_by_key(|p| p.subject);
    out
}
