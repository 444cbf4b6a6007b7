//! Events: the facts of a case, in the past tense. The log of them is the record; nothing is
//! changed in place. An event never carries a party's personal data (see [`crate::party`]).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Body;
use crate::category::CategoryCode;
use crate::conduct::{
    Action, AppealOutcome, CriminalOutcome, Finding, Form, Proposal, ProposalResponse,
    ProvenFinding, ReflectiveReport, ReflectiveStage, Sanction, Severity,
};
use crate::force::Force;
use crate::ids::{AllegationId, PartyId, ProceedingsId, RecommendationId, Reference};
use crate::matter::{
    AppropriateAuthority, Classification, MatterKind, OutsideOutcome, RestrictionReason, UpdateKind,
};
use crate::party::{Commitment, Role, Vulnerability};
use crate::referral::{
    InvestigationMode, RecordingReason, ReferralBasis, ReferralDecision, Schedule3Ground,
};
use crate::review::{ReviewBody, ReviewRight};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    MatterLogged {
        reference: Reference,
        kind: MatterKind,
        force: Force,
        appropriate_authority: AppropriateAuthority,
        received_on: Date,
        came_to_attention_on: Date,
        incident_on: Option<Date>,
        incident_location: Option<String>,
        summary: String,
        classification: Classification,
        complainant_wants_recording: bool,
        death_or_serious_injury: bool,
    },
    PartyAdded {
        party: PartyId,
        role: Role,
        vulnerabilities: Vec<Vulnerability>,
        personal_data: Commitment,
    },
    PersonalDataErased {
        party: PartyId,
        reason: String,
    },
    AllegationAdded {
        allegation: AllegationId,
        subjects: Vec<PartyId>,
        category: CategoryCode,
        description: String,
    },
    HandledOutsideSchedule3 {
        rationale: String,
        on: Date,
    },
    FinalisedOutsideSchedule3 {
        outcome: OutsideOutcome,
        on: Date,
    },
    MatterRecorded {
        reason: RecordingReason,
        grounds: Vec<Schedule3Ground>,
        on: Date,
    },
    Referred {
        basis: ReferralBasis,
        on: Date,
    },
    ReferralDecided {
        decision: ReferralDecision,
        rationale: String,
        on: Date,
    },
    InvestigationModeChanged {
        from: InvestigationMode,
        to: InvestigationMode,
        reason: String,
        on: Date,
    },
    LocalInvestigationStarted {
        on: Date,
    },
    HandledOtherwiseThanByInvestigation {
        rationale: String,
        on: Date,
    },
    TermsOfReferenceSet {
        version: u32,
        text: String,
        on: Date,
    },
    DecisionLogged {
        decision: String,
        rationale: String,
        /// False for a recorded decision not to act.
        acted: bool,
        on: Date,
    },
    SeverityAssessed {
        subject: PartyId,
        severity: Severity,
        likely_form: Form,
        live_final_written_warning: bool,
        by: Body,
        revision: bool,
        rationale: String,
        on: Date,
    },
    NoticeServed {
        subject: PartyId,
        severity: Severity,
        likely_form: Form,
        on: Date,
    },
    InterviewRecorded {
        party: PartyId,
        under_caution: bool,
        summary: String,
        on: Date,
    },
    EvidenceExhibited {
        exhibit: String,
        description: String,
        sha256: Option<String>,
        custodian: String,
        on: Date,
    },
    CustodyTransferred {
        exhibit: String,
        from: String,
        to: String,
        purpose: String,
        on: Date,
    },
    WitnessAccountTaken {
        party: PartyId,
        summary: String,
        on: Date,
    },
    InvestigationSuspended {
        reason: String,
        on: Date,
    },
    InvestigationResumed {
        on: Date,
    },
    ReportSubmitted {
        summary: String,
        on: Date,
    },
    OpinionGiven {
        finding: Finding,
        on: Date,
    },
    CaseDetermined {
        by: Body,
        findings: Vec<Finding>,
        on: Date,
    },
    ReferredToProsecutors {
        subject: PartyId,
        on: Date,
    },
    CriminalProceedingsConcluded {
        subject: PartyId,
        outcome: CriminalOutcome,
        on: Date,
    },
    ActionProposed {
        proposals: Vec<Proposal>,
        rationale: String,
        /// Local investigations need no oversight answer: the proposal is the decision.
        settled: bool,
        on: Date,
    },
    ProposalAnswered {
        response: ProposalResponse,
        rationale: String,
        on: Date,
    },
    RecommendationOnProceedingsAnswered {
        accepted: bool,
        rationale: String,
        on: Date,
    },
    ProceedingsArranged {
        proceedings: ProceedingsId,
        subject: PartyId,
        form: Form,
        allegations: Vec<AllegationId>,
        on: Date,
    },
    ProceedingsConcluded {
        proceedings: ProceedingsId,
        findings: Vec<(AllegationId, ProvenFinding)>,
        sanction: Option<Sanction>,
        unconnected_incidents: bool,
        on: Date,
    },
    AppealLodged {
        proceedings: ProceedingsId,
        on: Date,
    },
    AppealDetermined {
        proceedings: ProceedingsId,
        outcome: AppealOutcome,
        on: Date,
    },
    BarredListReferred {
        subject: PartyId,
        on: Date,
    },
    ReflectivePracticeProgressed {
        subject: PartyId,
        stage: ReflectiveStage,
        on: Date,
    },
    ReflectiveReportAgreed {
        subject: PartyId,
        report: ReflectiveReport,
        on: Date,
    },
    LearningRecommendationMade {
        recommendation: RecommendationId,
        recipient: String,
        text: String,
        on: Date,
    },
    LearningResponseReceived {
        recommendation: RecommendationId,
        accepted: crate::matter::Acceptance,
        narrative: String,
        on: Date,
    },
    NoLearningIdentified {
        rationale: String,
        on: Date,
    },
    PartyUpdated {
        party: PartyId,
        kind: UpdateKind,
        on: Date,
    },
    OutcomeNotified {
        review_right: Option<ReviewRight>,
        on: Date,
    },
    ReviewApplied {
        applicant: PartyId,
        late_reason: Option<String>,
        /// Days the application spent with the wrong review body (PCMR reg 29(3)).
        forwarding_days: u32,
        on: Date,
    },
    SubjectLeftService {
        subject: PartyId,
        /// Left while under investigation or awaiting proceedings: the advisory list applies.
        advisory_list: bool,
        on: Date,
    },
    ResponsePeriodExtended {
        recommendation: RecommendationId,
        until: Date,
        on: Date,
    },
    LearningResponsePublished {
        recommendation: RecommendationId,
        on: Date,
    },
    ReviewDecided {
        by: ReviewBody,
        upheld: bool,
        recommendations: Vec<String>,
        reinvestigation: Option<InvestigationMode>,
        on: Date,
    },
    ReinvestigationOrdered {
        mode: InvestigationMode,
        reason: String,
        on: Date,
    },
    MatterWithdrawn {
        continue_as_conduct_matter: bool,
        on: Date,
    },
    CaseClosed {
        on: Date,
    },
    CaseRestricted {
        reason: RestrictionReason,
        explanation: String,
        on: Date,
    },
    RestrictionLifted {
        explanation: String,
        on: Date,
    },
    TeamMemberAssigned {
        user: String,
        on: Date,
    },
    TeamMemberRemoved {
        user: String,
        on: Date,
    },
    AccessGranted {
        user: String,
        until: Date,
        reason: String,
        on: Date,
    },
    SummaryPublished {
        title: String,
        summary: String,
        tags: Vec<String>,
        on: Date,
    },
}

impl Event {
    /// The event's name, as stored beside its payload.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::MatterLogged { .. } => "matter_logged",
            Event::PartyAdded { .. } => "party_added",
            Event::PersonalDataErased { .. } => "personal_data_erased",
            Event::AllegationAdded { .. } => "allegation_added",
            Event::HandledOutsideSchedule3 { .. } => "handled_outside_schedule3",
            Event::FinalisedOutsideSchedule3 { .. } => "finalised_outside_schedule3",
            Event::MatterRecorded { .. } => "matter_recorded",
            Event::Referred { .. } => "referred",
            Event::ReferralDecided { .. } => "referral_decided",
            Event::InvestigationModeChanged { .. } => "investigation_mode_changed",
            Event::LocalInvestigationStarted { .. } => "local_investigation_started",
            Event::HandledOtherwiseThanByInvestigation { .. } => {
                "handled_otherwise_than_by_investigation"
            }
            Event::TermsOfReferenceSet { .. } => "terms_of_reference_set",
            Event::DecisionLogged { .. } => "decision_logged",
            Event::SeverityAssessed { .. } => "severity_assessed",
            Event::NoticeServed { .. } => "notice_served",
            Event::InterviewRecorded { .. } => "interview_recorded",
            Event::EvidenceExhibited { .. } => "evidence_exhibited",
            Event::CustodyTransferred { .. } => "custody_transferred",
            Event::WitnessAccountTaken { .. } => "witness_account_taken",
            Event::InvestigationSuspended { .. } => "investigation_suspended",
            Event::InvestigationResumed { .. } => "investigation_resumed",
            Event::ReportSubmitted { .. } => "report_submitted",
            Event::OpinionGiven { .. } => "opinion_given",
            Event::CaseDetermined { .. } => "case_determined",
            Event::ReferredToProsecutors { .. } => "referred_to_prosecutors",
            Event::CriminalProceedingsConcluded { .. } => "criminal_proceedings_concluded",
            Event::ActionProposed { .. } => "action_proposed",
            Event::ProposalAnswered { .. } => "proposal_answered",
            Event::RecommendationOnProceedingsAnswered { .. } => {
                "recommendation_on_proceedings_answered"
            }
            Event::ProceedingsArranged { .. } => "proceedings_arranged",
            Event::ProceedingsConcluded { .. } => "proceedings_concluded",
            Event::AppealLodged { .. } => "appeal_lodged",
            Event::AppealDetermined { .. } => "appeal_determined",
            Event::BarredListReferred { .. } => "barred_list_referred",
            Event::ReflectivePracticeProgressed { .. } => "reflective_practice_progressed",
            Event::ReflectiveReportAgreed { .. } => "reflective_report_agreed",
            Event::LearningRecommendationMade { .. } => "learning_recommendation_made",
            Event::LearningResponseReceived { .. } => "learning_response_received",
            Event::NoLearningIdentified { .. } => "no_learning_identified",
            Event::PartyUpdated { .. } => "party_updated",
            Event::OutcomeNotified { .. } => "outcome_notified",
            Event::ReviewApplied { .. } => "review_applied",
            Event::SubjectLeftService { .. } => "subject_left_service",
            Event::ResponsePeriodExtended { .. } => "response_period_extended",
            Event::LearningResponsePublished { .. } => "learning_response_published",
            Event::ReviewDecided { .. } => "review_decided",
            Event::ReinvestigationOrdered { .. } => "reinvestigation_ordered",
            Event::MatterWithdrawn { .. } => "matter_withdrawn",
            Event::CaseClosed { .. } => "case_closed",
            Event::SummaryPublished { .. } => "summary_published",
            Event::CaseRestricted { .. } => "case_restricted",
            Event::RestrictionLifted { .. } => "restriction_lifted",
            Event::TeamMemberAssigned { .. } => "team_member_assigned",
            Event::TeamMemberRemoved { .. } => "team_member_removed",
            Event::AccessGranted { .. } => "access_granted",
        }
    }

    /// Whether the event changes the subject, allegation, finding or access read models.
    pub fn touches_grid(&self) -> bool {
        matches!(
            self,
            Event::PartyAdded { .. }
                | Event::AllegationAdded { .. }
                | Event::OpinionGiven { .. }
                | Event::CaseDetermined { .. }
                | Event::ActionProposed { .. }
                | Event::ProposalAnswered { .. }
                | Event::RecommendationOnProceedingsAnswered { .. }
                | Event::ProceedingsArranged { .. }
                | Event::ProceedingsConcluded { .. }
                | Event::AppealDetermined { .. }
                | Event::ReflectivePracticeProgressed { .. }
                | Event::ReflectiveReportAgreed { .. }
                | Event::ReinvestigationOrdered { .. }
                | Event::ReviewDecided { .. }
                | Event::BarredListReferred { .. }
                | Event::SeverityAssessed { .. }
                | Event::NoticeServed { .. }
                | Event::CriminalProceedingsConcluded { .. }
                | Event::ReferredToProsecutors { .. }
                | Event::SubjectLeftService { .. }
                | Event::CaseRestricted { .. }
                | Event::RestrictionLifted { .. }
                | Event::TeamMemberAssigned { .. }
                | Event::TeamMemberRemoved { .. }
                | Event::AccessGranted { .. }
        )
    }

    /// A short description for timelines; never personal data.
    pub fn describe(&self) -> String {
        match self {
            Event::MatterLogged {
                kind, reference, ..
            } => format!("{} {} logged", kind.label(), reference),
            Event::PartyAdded { party, role, .. } => format!("{party} added as {}", role.label()),
            Event::PersonalDataErased { party, .. } => format!("personal data of {party} erased"),
            Event::AllegationAdded {
                allegation,
                category,
                subjects,
                ..
            } => {
                format!("{allegation} added ({category}) against {}", list(subjects))
            }
            Event::HandledOutsideSchedule3 { .. } => "to be handled outside Schedule 3".into(),
            Event::FinalisedOutsideSchedule3 { outcome, .. } => {
                format!("finalised outside Schedule 3: {}", w(outcome))
            }
            Event::MatterRecorded { reason, .. } => {
                format!("recorded under Schedule 3 ({})", w(reason))
            }
            Event::Referred { basis, .. } => {
                format!("referred to the oversight body ({})", basis_words(basis))
            }
            Event::ReferralDecided { decision, .. } => match decision {
                ReferralDecision::Investigate(mode) => {
                    format!("referral decided: {} investigation", w(mode))
                }
                ReferralDecision::ReturnToAppropriateAuthority => {
                    "referral decided: returned to the appropriate authority".into()
                }
            },
            Event::InvestigationModeChanged { from, to, .. } => {
                format!(
                    "form of investigation changed from {} to {}",
                    w(from),
                    w(to)
                )
            }
            Event::LocalInvestigationStarted { .. } => "local investigation started".into(),
            Event::HandledOtherwiseThanByInvestigation { .. } => {
                "to be handled otherwise than by investigation".into()
            }
            Event::TermsOfReferenceSet { version, .. } => format!("terms of reference v{version}"),
            Event::DecisionLogged {
                decision, acted, ..
            } => {
                format!(
                    "decision{}: {decision}",
                    if *acted { "" } else { " not to act" }
                )
            }
            Event::SeverityAssessed {
                subject,
                severity,
                likely_form,
                revision,
                ..
            } => format!(
                "severity {}for {subject}: {}, likely {}",
                if *revision { "revised " } else { "assessed " },
                w(severity),
                w(likely_form)
            ),
            Event::NoticeServed { subject, .. } => format!("written notice served on {subject}"),
            Event::InterviewRecorded {
                party,
                under_caution,
                ..
            } => {
                format!(
                    "{party} interviewed{}",
                    if *under_caution { " under caution" } else { "" }
                )
            }
            Event::EvidenceExhibited { exhibit, .. } => format!("exhibit {exhibit} recorded"),
            Event::CustodyTransferred { exhibit, .. } => {
                format!("custody of {exhibit} transferred")
            }
            Event::WitnessAccountTaken { party, .. } => format!("account taken from {party}"),
            Event::InvestigationSuspended { .. } => "investigation suspended".into(),
            Event::InvestigationResumed { .. } => "investigation resumed".into(),
            Event::ReportSubmitted { .. } => "investigation report submitted".into(),
            Event::OpinionGiven { finding, .. } => format!(
                "investigator's opinion on {} / {}: {}",
                finding.subject,
                finding.allegation,
                finding.case_to_answer.label()
            ),
            Event::CaseDetermined { by, findings, .. } => {
                format!(
                    "{} findings determined by the {}",
                    findings.len(),
                    by.label()
                )
            }
            Event::ReferredToProsecutors { subject, .. } => {
                format!("{subject} referred to prosecutors")
            }
            Event::CriminalProceedingsConcluded {
                subject, outcome, ..
            } => {
                format!("criminal proceedings for {subject}: {}", w(outcome))
            }
            Event::ActionProposed { proposals, .. } => format!(
                "proposed: {}",
                proposals
                    .iter()
                    .map(|p| format!("{} {}", p.subject, p.action.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Event::ProposalAnswered { response, .. } => match response {
                ProposalResponse::Agree => "oversight body agreed the proposals".into(),
                ProposalResponse::Recommend(_) => "oversight body recommended other action".into(),
                ProposalResponse::Direct(_) => "oversight body directed proceedings".into(),
            },
            Event::RecommendationOnProceedingsAnswered { accepted, .. } => {
                format!(
                    "recommendation {}",
                    if *accepted {
                        "accepted"
                    } else {
                        "not accepted"
                    }
                )
            }
            Event::ProceedingsArranged {
                proceedings,
                subject,
                form,
                ..
            } => {
                format!(
                    "{proceedings}: {} arranged for {subject}",
                    Action::Proceedings(*form).label()
                )
            }
            Event::ProceedingsConcluded {
                proceedings,
                sanction,
                ..
            } => format!(
                "{proceedings} concluded: {}",
                sanction
                    .map(|s| s.label())
                    .unwrap_or("no disciplinary action")
            ),
            Event::AppealLodged { proceedings, .. } => {
                format!("appeal lodged against {proceedings}")
            }
            Event::AppealDetermined {
                proceedings,
                outcome,
                ..
            } => format!(
                "appeal on {proceedings}: {}",
                match outcome {
                    AppealOutcome::Confirmed => "confirmed".to_string(),
                    AppealOutcome::Reversed => "reversed".to_string(),
                    AppealOutcome::Substituted(s) => format!(
                        "substituted: {}",
                        s.map(|s| s.label()).unwrap_or("no disciplinary action")
                    ),
                }
            ),
            Event::BarredListReferred { subject, .. } => {
                format!("{subject} referred to the barred list")
            }
            Event::ReflectivePracticeProgressed { subject, stage, .. } => {
                format!("reflective practice for {subject}: {}", w(stage))
            }
            Event::ReflectiveReportAgreed { subject, .. } => {
                format!("reflective review report agreed for {subject}")
            }
            Event::LearningRecommendationMade { recommendation, .. } => {
                format!("learning recommendation {recommendation} made")
            }
            Event::LearningResponseReceived {
                recommendation,
                accepted,
                ..
            } => {
                format!("response to {recommendation}: {}", w(accepted))
            }
            Event::NoLearningIdentified { .. } => "no learning identified".into(),
            Event::PartyUpdated { party, kind, .. } => format!("{party} sent a {} update", w(kind)),
            Event::OutcomeNotified { review_right, .. } => format!(
                "outcome notified{}",
                match review_right {
                    Some(r) => format!("; review by the {} until {}", w(&r.body), r.deadline),
                    None => "; no right of review".into(),
                }
            ),
            Event::ReviewApplied { applicant, .. } => format!("review applied for by {applicant}"),
            Event::SubjectLeftService {
                subject,
                advisory_list,
                ..
            } => format!(
                "{subject} left the service{}",
                if *advisory_list {
                    "; advisory list"
                } else {
                    ""
                }
            ),
            Event::ResponsePeriodExtended {
                recommendation,
                until,
                ..
            } => {
                format!("response to {recommendation} due by {until}")
            }
            Event::LearningResponsePublished { recommendation, .. } => {
                format!("response to {recommendation} published")
            }
            Event::ReviewDecided { upheld, .. } => {
                format!("review {}", if *upheld { "upheld" } else { "not upheld" })
            }
            Event::ReinvestigationOrdered { mode, .. } => {
                format!("re-investigation ordered ({})", w(mode))
            }
            Event::MatterWithdrawn { .. } => "withdrawn by the complainant".into(),
            Event::CaseClosed { .. } => "case closed".into(),
            Event::SummaryPublished { title, .. } => format!("summary published: {title}"),
            Event::CaseRestricted { reason, .. } => {
                format!("restricted to its team ({})", w(reason))
            }
            Event::RestrictionLifted { .. } => "restriction lifted".into(),
            Event::TeamMemberAssigned { user, .. } => format!("{user} joined the case team"),
            Event::TeamMemberRemoved { user, .. } => format!("{user} left the case team"),
            Event::AccessGranted { user, until, .. } => {
                format!("{user} granted access until {until}")
            }
        }
    }
}

/// A code in words: `gross_misconduct` becomes "gross misconduct".
fn w<T: Serialize>(v: &T) -> String {
    crate::code_of(v).replace('_', " ")
}

fn basis_words(b: &ReferralBasis) -> String {
    match b {
        ReferralBasis::Mandatory(c) => format!("mandatory: {}", w(c)),
        ReferralBasis::Voluntary => "voluntary".into(),
        ReferralBasis::LocalPolicingBody => "by the local policing body".into(),
        ReferralBasis::CalledIn => "called in".into(),
        ReferralBasis::TreatedAsReferred => "treated as referred".into(),
    }
}

fn list(ids: &[PartyId]) -> String {
    if ids.is_empty() {
        return "unidentified subjects".into();
    }
    ids.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
