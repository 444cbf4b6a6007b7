//! Events: the facts of a case, in the past tense. The log of them is the record; nothing is
//! changed in place. An event never carries a party's personal data (see [`crate::party`]).
//!
//! Each event is a payload of its own. What it does to a case, and how it reads in a timeline,
//! is its [`Fact`] implementation, beside the others of its stage in `case/`. Stored as JSON
//! with the event's name as the only key: `{"matter_logged":{...}}`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Body;
use crate::case::Case;
use crate::category::CategoryCode;
use crate::conduct::{
    AppealOutcome, CriminalOutcome, Finding, Form, Proposal, ProposalResponse, ProvenFinding,
    ReflectiveReport, ReflectiveStage, Sanction, Severity,
};
use crate::force::Force;
use crate::ids::{AllegationId, PartyId, ProceedingsId, RecommendationId, Reference};
use crate::matter::{
    Acceptance, AppropriateAuthority, Classification, MatterKind, OutsideOutcome,
    RestrictionReason, UpdateKind,
};
use crate::party::{Commitment, PartyRole, Vulnerability};
use crate::referral::{
    HandlingAssessment, InvestigationMode, RecordingReason, ReferralBasis, ReferralDecision,
    Schedule3Ground,
};
use crate::review::{ReviewBody, ReviewRight};

/// What an event does to a case, and how it reads in a timeline.
pub trait Fact {
    /// Changes the state; never refuses (the rules were checked when the event was made).
    fn apply(&self, case: &mut Case);
    /// A short description for timelines; never personal data.
    fn describe(&self) -> String;
}

/// Declares the events once: the enum, its fieldless [`EventKind`], every name (the serde key
/// and the stored kind), and the conversions.
macro_rules! events {
    ($( $variant:ident = $name:tt, )*) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Event {
            $( #[serde(rename = $name)] $variant($variant), )*
        }

        /// Which event, without its payload.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventKind { $( $variant, )* }

        impl EventKind {
            pub const ALL: &'static [EventKind] = &[ $( EventKind::$variant, )* ];

            /// The event's name, as stored beside its payload.
            pub fn name(self) -> &'static str {
                match self { $( EventKind::$variant => $name, )* }
            }

            pub fn parse(name: &str) -> Option<EventKind> {
                match name { $( $name => Some(EventKind::$variant), )* _ => None }
            }
        }

        impl Event {
            pub fn kind(&self) -> EventKind {
                match self { $( Event::$variant(_) => EventKind::$variant, )* }
            }

            pub fn fact(&self) -> &dyn Fact {
                match self { $( Event::$variant(e) => e, )* }
            }

            /// The day it happened in the world.
            pub fn on(&self) -> Date {
                match self { $( Event::$variant(e) => e.on(), )* }
            }
        }

        $( impl From<$variant> for Event {
            fn from(e: $variant) -> Event { Event::$variant(e) }
        } )*
    };
}

events! {
    // Intake, recording and referral (case/intake.rs).
    MatterLogged = "matter_logged",
    PartyAdded = "party_added",
    PersonalDataErased = "personal_data_erased",
    AllegationAdded = "allegation_added",
    HandledOutsideSchedule3 = "handled_outside_schedule3",
    FinalisedOutsideSchedule3 = "finalised_outside_schedule3",
    MatterRecorded = "matter_recorded",
    Referred = "referred",
    ReferralDecided = "referral_decided",
    LocalInvestigationStarted = "local_investigation_started",
    HandledOtherwiseThanByInvestigation = "handled_otherwise_than_by_investigation",
    HandlingStarted = "handling_started",
    ComplainantContacted = "complainant_contacted",
    ConductMatterRecorded = "conduct_matter_recorded",
    // The investigation record (case/investigation.rs).
    InvestigationModeChanged = "investigation_mode_changed",
    TermsOfReferenceSet = "terms_of_reference_set",
    DecisionLogged = "decision_logged",
    SeverityAssessed = "severity_assessed",
    NoticeServed = "notice_served",
    InterviewRecorded = "interview_recorded",
    EvidenceExhibited = "evidence_exhibited",
    CustodyTransferred = "custody_transferred",
    WitnessAccountTaken = "witness_account_taken",
    InvestigationSuspended = "investigation_suspended",
    InvestigationResumed = "investigation_resumed",
    ReportSubmitted = "report_submitted",
    OfficerSuspended = "officer_suspended",
    OfficerSuspensionLifted = "officer_suspension_lifted",
    TimelinessReportSent = "timeliness_report_sent",
    // After the report (case/outcome.rs).
    OpinionGiven = "opinion_given",
    CaseDetermined = "case_determined",
    ReferredToProsecutors = "referred_to_prosecutors",
    CriminalProceedingsConcluded = "criminal_proceedings_concluded",
    ActionProposed = "action_proposed",
    ProposalAnswered = "proposal_answered",
    RecommendationOnProceedingsAnswered = "recommendation_on_proceedings_answered",
    ProceedingsArranged = "proceedings_arranged",
    ProceedingsConcluded = "proceedings_concluded",
    AppealLodged = "appeal_lodged",
    AppealDetermined = "appeal_determined",
    BarredListReferred = "barred_list_referred",
    ReflectivePracticeProgressed = "reflective_practice_progressed",
    ReflectiveReportAgreed = "reflective_report_agreed",
    SubjectLeftService = "subject_left_service",
    SanctionNotified = "sanction_notified",
    // Learning, updates, outcome, review, closure and publication (case/aftercare.rs).
    LearningRecommendationMade = "learning_recommendation_made",
    LearningResponseReceived = "learning_response_received",
    NoLearningIdentified = "no_learning_identified",
    PartyUpdated = "party_updated",
    OutcomeNotified = "outcome_notified",
    LetterSent = "letter_sent",
    ReviewApplied = "review_applied",
    ResponsePeriodExtended = "response_period_extended",
    LearningResponsePublished = "learning_response_published",
    ReviewDecided = "review_decided",
    ReinvestigationOrdered = "reinvestigation_ordered",
    MatterWithdrawn = "matter_withdrawn",
    CaseClosed = "case_closed",
    SummaryPublished = "summary_published",
    PublicationDrafted = "publication_drafted",
    PublicationApproved = "publication_approved",
    PublicationWithdrawn = "publication_withdrawn",
    PublicationImported = "publication_imported",
    RecordImported = "record_imported",
    OutcomeDecided = "outcome_decided",
    LateApplicationDecided = "late_application_decided",
    RecommendationClosed = "recommendation_closed",
    AssociatedProceedingsOpened = "associated_proceedings_opened",
    AssociatedProceedingsConcluded = "associated_proceedings_concluded",
    // Need-to-know (case/need_to_know.rs).
    CaseRestricted = "case_restricted",
    RestrictionLifted = "restriction_lifted",
    TeamMemberAssigned = "team_member_assigned",
    TeamMemberRemoved = "team_member_removed",
    AccessGranted = "access_granted",
}

impl Event {
    /// The event's name, as stored beside its payload.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// A short description for timelines; never personal data.
    pub fn describe(&self) -> String {
        self.fact().describe()
    }
}

/// Reads a stored event. The log is never rewritten: an event written by an earlier version
/// of its payload is upcast here as it is read. `recorded_on` is the day it was entered
/// (London), which is what the dates of those versions meant.
pub fn decode(payload: &str, recorded_on: Date) -> Result<Event, serde_json::Error> {
    let first = match serde_json::from_str(payload) {
        Ok(event) => return Ok(event),
        Err(e) => e,
    };
    let mut value: serde_json::Value = serde_json::from_str(payload)?;
    if upcast(&mut value, recorded_on) {
        serde_json::from_value(value)
    } else {
        Err(first)
    }
}

/// Brings an old payload up to the current version; false when there was nothing to do.
fn upcast(value: &mut serde_json::Value, recorded_on: Date) -> bool {
    let Some((name, body)) = value.as_object_mut().and_then(|o| o.iter_mut().next()) else {
        return false;
    };
    let Some(body) = body.as_object_mut() else {
        return false;
    };
    let mut changed = false;
    // Before 2026-12 these carried no date: they happened the day they were entered.
    if matches!(
        name.as_str(),
        "party_added" | "allegation_added" | "personal_data_erased"
    ) && !body.contains_key("on")
    {
        body.insert("on".into(), serde_json::json!(recorded_on));
        changed = true;
    }
    let on = body
        .get("on")
        .and_then(|d| serde_json::from_value::<Date>(d.clone()).ok());
    match (name.as_str(), on) {
        // Before 2026-12 the day of the notice was not kept: it was given the day the
        // proceedings were entered, and never after the day they were arranged for.
        ("proceedings_arranged", Some(held)) if !body.contains_key("notice_on") => {
            body.insert("notice_on".into(), serde_json::json!(recorded_on.min(held)));
            changed = true;
        }
        // Before 2026-12 the due date was derived in the fold, by the rule of Sch3 para 28B(2).
        ("learning_recommendation_made", Some(made)) if !body.contains_key("response_due") => {
            let due = crate::case::recommendation_response_due(made);
            body.insert("response_due".into(), serde_json::json!(due));
            changed = true;
        }
        // Before 2026-12 the application date was not kept: the grant date stands for it.
        ("response_period_extended", Some(granted)) if !body.contains_key("applied_on") => {
            body.insert("applied_on".into(), serde_json::json!(granted));
            changed = true;
        }
        // Before 2026-12 a misdirected application kept only its days in forwarding.
        ("review_applied", Some(applied)) if body.contains_key("forwarding_days") => {
            let days = body
                .remove("forwarding_days")
                .and_then(|d| d.as_i64())
                .unwrap_or(0);
            if days > 0 && !body.contains_key("forwarded") {
                let first = applied
                    .checked_sub(jiff::Span::new().days(days))
                    .unwrap_or(applied);
                body.insert(
                    "forwarded".into(),
                    serde_json::json!({ "first_received_on": first }),
                );
            }
            changed = true;
        }
        _ => {}
    }
    changed
}

/// Gives each payload the same derives, and its date: every payload but [`MatterLogged`] has
/// an `on`, the day the act happened in the world (not the day it was entered).
macro_rules! payloads {
    ($( $(#[$meta:meta])* pub struct $name:ident { $($body:tt)* } )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $name { $($body)* }

            impl Dated for $name {
                fn on(&self) -> Date {
                    self.on
                }
            }
        )*
    };
}

/// The day an event happened in the world.
pub trait Dated {
    fn on(&self) -> Date;
}

/// The matter is dated by its receipt.
impl Dated for MatterLogged {
    fn on(&self) -> Date {
        self.received_on
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatterLogged {
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

payloads! {
    pub struct PartyAdded {
        pub party: PartyId,
        pub role: PartyRole,
        pub vulnerabilities: Vec<Vulnerability>,
        pub personal_data: Commitment,
        pub on: Date,
        /// Codes for statistics, outside the erasable personal data; absent when unrecorded
        /// (and in every event written before they were).
        #[serde(default, skip_serializing_if = "crate::imported::Characteristics::is_unrecorded")]
        pub characteristics: crate::imported::Characteristics,
    }

    pub struct PersonalDataErased {
        pub party: PartyId,
        pub reason: String,
        pub on: Date,
    }

    pub struct AllegationAdded {
        pub allegation: AllegationId,
        pub subjects: Vec<PartyId>,
        pub category: CategoryCode,
        pub description: String,
        /// Set when it belongs to a conduct matter found during the investigation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub conduct_matter: Option<u32>,
        pub on: Date,
    }

    pub struct HandledOutsideSchedule3 {
        pub rationale: String,
        pub on: Date,
    }

    pub struct FinalisedOutsideSchedule3 {
        pub outcome: OutsideOutcome,
        pub on: Date,
    }

    pub struct MatterRecorded {
        pub reason: RecordingReason,
        pub grounds: Vec<Schedule3Ground>,
        /// What the assessor found (absent before 2026-12): it decides referral criteria and
        /// the relevant review body.
        #[serde(default)]
        pub assessment: HandlingAssessment,
        pub on: Date,
    }

    pub struct Referred {
        pub basis: ReferralBasis,
        pub on: Date,
    }

    pub struct ReferralDecided {
        pub decision: ReferralDecision,
        pub rationale: String,
        pub on: Date,
    }

    pub struct InvestigationModeChanged {
        pub from: InvestigationMode,
        pub to: InvestigationMode,
        pub reason: String,
        pub on: Date,
    }

    pub struct LocalInvestigationStarted {
        pub on: Date,
    }

    pub struct HandledOtherwiseThanByInvestigation {
        pub rationale: String,
        pub on: Date,
    }

    pub struct TermsOfReferenceSet {
        pub version: u32,
        pub text: String,
        pub on: Date,
    }

    pub struct DecisionLogged {
        pub decision: String,
        pub rationale: String,
        /// False for a recorded decision not to act.
        pub acted: bool,
        pub on: Date,
    }

    pub struct SeverityAssessed {
        pub subject: PartyId,
        pub severity: Severity,
        pub likely_form: Form,
        pub live_final_written_warning: bool,
        pub by: Body,
        pub revision: bool,
        pub rationale: String,
        pub on: Date,
    }

    pub struct NoticeServed {
        pub subject: PartyId,
        pub severity: Severity,
        pub likely_form: Form,
        pub on: Date,
    }

    pub struct InterviewRecorded {
        pub party: PartyId,
        pub under_caution: bool,
        pub summary: String,
        pub on: Date,
    }

    pub struct EvidenceExhibited {
        pub exhibit: String,
        pub description: String,
        pub sha256: Option<String>,
        pub custodian: String,
        pub on: Date,
    }

    pub struct CustodyTransferred {
        pub exhibit: String,
        pub from: String,
        pub to: String,
        pub purpose: String,
        pub on: Date,
    }

    pub struct WitnessAccountTaken {
        pub party: PartyId,
        pub summary: String,
        pub on: Date,
    }

    pub struct InvestigationSuspended {
        pub reason: String,
        pub on: Date,
    }

    pub struct InvestigationResumed {
        pub on: Date,
    }

    pub struct ReportSubmitted {
        pub summary: String,
        pub on: Date,
    }

    pub struct OpinionGiven {
        pub finding: Finding,
        pub on: Date,
    }

    pub struct CaseDetermined {
        pub by: Body,
        pub findings: Vec<Finding>,
        pub on: Date,
    }

    pub struct ReferredToProsecutors {
        pub subject: PartyId,
        pub on: Date,
    }

    pub struct CriminalProceedingsConcluded {
        pub subject: PartyId,
        pub outcome: CriminalOutcome,
        pub on: Date,
    }

    pub struct ActionProposed {
        pub proposals: Vec<Proposal>,
        pub rationale: String,
        /// Local investigations need no oversight answer: the proposal is the decision.
        pub settled: bool,
        pub on: Date,
    }

    pub struct ProposalAnswered {
        pub response: ProposalResponse,
        pub rationale: String,
        pub on: Date,
    }

    pub struct RecommendationOnProceedingsAnswered {
        pub accepted: bool,
        pub rationale: String,
        pub on: Date,
    }

    pub struct ProceedingsArranged {
        pub proceedings: ProceedingsId,
        pub subject: PartyId,
        pub form: Form,
        pub allegations: Vec<AllegationId>,
        /// The day the officer was given notice of the referral to proceedings (PCR 2020
        /// regs 30, 51): the day they were arranged. The notice periods run from it.
        pub notice_on: Date,
        /// The day the meeting or hearing is arranged for.
        pub on: Date,
    }

    pub struct ProceedingsConcluded {
        pub proceedings: ProceedingsId,
        pub findings: Vec<(AllegationId, ProvenFinding)>,
        pub sanction: Option<Sanction>,
        pub unconnected_incidents: bool,
        pub on: Date,
    }

    pub struct AppealLodged {
        pub proceedings: ProceedingsId,
        pub on: Date,
    }

    pub struct AppealDetermined {
        pub proceedings: ProceedingsId,
        pub outcome: AppealOutcome,
        pub on: Date,
    }

    pub struct BarredListReferred {
        pub subject: PartyId,
        pub on: Date,
    }

    pub struct ReflectivePracticeProgressed {
        pub subject: PartyId,
        pub stage: ReflectiveStage,
        pub on: Date,
    }

    pub struct ReflectiveReportAgreed {
        pub subject: PartyId,
        pub report: ReflectiveReport,
        pub on: Date,
    }

    pub struct LearningRecommendationMade {
        pub recommendation: RecommendationId,
        pub recipient: String,
        pub text: String,
        /// The last day of the response period, as the rule stood when it was made (Sch3
        /// para 28B(2)): a replay never re-derives an old deadline.
        pub response_due: Date,
        pub on: Date,
    }

    pub struct LearningResponseReceived {
        pub recommendation: RecommendationId,
        pub accepted: Acceptance,
        pub narrative: String,
        pub on: Date,
    }

    pub struct NoLearningIdentified {
        pub rationale: String,
        pub on: Date,
    }

    pub struct PartyUpdated {
        pub party: PartyId,
        pub kind: UpdateKind,
        pub on: Date,
    }

    pub struct OutcomeNotified {
        pub review_right: Option<ReviewRight>,
        pub on: Date,
    }

    /// A letter made from the case was sent: the request it was made from (with its
    /// defaults filled in) and its digest, from which it can be made again and checked.
    pub struct LetterSent {
        pub letter: crate::letter::LetterRequest,
        pub digest: String,
        pub on: Date,
    }

    pub struct ReviewApplied {
        pub applicant: PartyId,
        pub late_reason: Option<String>,
        #[serde(default)]
        pub forwarded: Option<crate::review::Forwarding>,
        /// Made out of time: it waits for the relevant review body to accept it.
        #[serde(default)]
        pub awaiting_acceptance: bool,
        pub on: Date,
    }

    pub struct SubjectLeftService {
        pub subject: PartyId,
        /// Left while under investigation or awaiting proceedings: the advisory list applies.
        pub advisory_list: bool,
        pub on: Date,
    }

    pub struct ResponsePeriodExtended {
        pub recommendation: RecommendationId,
        pub until: Date,
        /// The day the recipient applied: within the period (Sch3 para 28B(3)).
        pub applied_on: Date,
        /// The day the extension was granted.
        pub on: Date,
    }

    pub struct LearningResponsePublished {
        pub recommendation: RecommendationId,
        pub on: Date,
    }

    pub struct ReviewDecided {
        pub by: ReviewBody,
        pub upheld: bool,
        pub recommendations: Vec<String>,
        pub reinvestigation: Option<InvestigationMode>,
        pub on: Date,
    }

    pub struct ReinvestigationOrdered {
        pub mode: InvestigationMode,
        pub reason: String,
        pub on: Date,
    }

    pub struct MatterWithdrawn {
        pub continue_as_conduct_matter: bool,
        pub on: Date,
    }

    pub struct CaseClosed {
        pub on: Date,
    }

    pub struct HandlingStarted {
        pub on: Date,
    }

    pub struct ComplainantContacted {
        pub party: PartyId,
        pub views_sought: bool,
        pub on: Date,
    }

    pub struct ConductMatterRecorded {
        pub matter: u32,
        pub summary: String,
        /// The day it came to the appropriate authority's attention.
        pub on: Date,
    }

    pub struct OfficerSuspended {
        pub subject: PartyId,
        pub ground: crate::conduct::SuspensionGround,
        pub on: Date,
    }

    pub struct OfficerSuspensionLifted {
        pub subject: PartyId,
        pub on: Date,
    }

    pub struct TimelinessReportSent {
        pub period_ending: Date,
        pub recipients: Vec<crate::matter::TimelinessRecipient>,
        pub copied_to: Vec<PartyId>,
        pub withheld: Option<String>,
        pub on: Date,
    }

    pub struct SanctionNotified {
        pub proceedings: ProceedingsId,
        pub on: Date,
    }

    pub struct OutcomeDecided {
        pub outcome: crate::matter::HandlingOutcome,
        pub rationale: String,
        pub on: Date,
    }

    pub struct LateApplicationDecided {
        pub accepted: bool,
        pub rationale: String,
        pub on: Date,
    }

    pub struct RecommendationClosed {
        pub recommendation: RecommendationId,
        pub on: Date,
    }

    pub struct AssociatedProceedingsOpened {
        pub proceedings: u32,
        pub kind: crate::matter::AssociatedKind,
        pub description: String,
        pub on: Date,
    }

    pub struct AssociatedProceedingsConcluded {
        pub proceedings: u32,
        pub on: Date,
    }

    pub struct CaseRestricted {
        pub reason: RestrictionReason,
        pub explanation: String,
        pub on: Date,
    }

    pub struct RestrictionLifted {
        pub explanation: String,
        pub on: Date,
    }

    pub struct TeamMemberAssigned {
        pub user: String,
        pub on: Date,
    }

    pub struct TeamMemberRemoved {
        pub user: String,
        pub on: Date,
    }

    pub struct AccessGranted {
        pub user: String,
        pub until: Date,
        pub reason: String,
        pub on: Date,
    }

    /// A summary published in one step, before drafts and approval were kept (read from old
    /// logs; no command writes it now).
    pub struct SummaryPublished {
        pub title: String,
        pub summary: String,
        pub tags: Vec<String>,
        pub on: Date,
    }

    pub struct PublicationDrafted {
        pub version: u32,
        pub author: String,
        pub item: crate::publication::ItemKind,
        pub title: String,
        pub summary: String,
        pub themes: Vec<String>,
        pub incident_month: Option<String>,
        pub findings: Vec<crate::publication::FindingAt>,
        pub correction_note: Option<String>,
        pub on: Date,
    }

    pub struct PublicationApproved {
        pub version: u32,
        pub approved_by: String,
        /// The day it is shown from.
        pub publish_on: Date,
        pub on: Date,
    }

    pub struct PublicationWithdrawn {
        pub reason: String,
        pub on: Date,
    }

    /// An item another body published, as it stood when imported; `on` is the day of import.
    pub struct PublicationImported {
        pub reference: Reference,
        pub from: crate::imported::ImportedFrom,
        pub item: crate::imported::ImportedItem,
        pub on: Date,
    }

    /// A complaint case another body recorded, as its export held it; `on` is the day of import.
    pub struct RecordImported {
        pub reference: Reference,
        pub from: crate::imported::ImportedFrom,
        pub record: crate::imported::ImportedCase,
        pub on: Date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored kind of every event is its serde key.
    #[test]
    fn every_name_is_the_serde_key() {
        for kind in EventKind::ALL {
            let keyed = serde_json::json!({ kind.name(): {} });
            let err = serde_json::from_value::<Event>(keyed)
                .unwrap_err()
                .to_string();
            assert!(err.contains("missing field"), "{}: {err}", kind.name());
            assert_eq!(EventKind::parse(kind.name()), Some(*kind));
        }
        let names: std::collections::BTreeSet<_> =
            EventKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), EventKind::ALL.len());
        let closed = Event::from(CaseClosed {
            on: jiff::civil::date(2024, 1, 2),
        });
        assert_eq!(
            serde_json::to_string(&closed).unwrap(),
            r#"{"case_closed":{"on":"2024-01-02"}}"#
        );
        assert_eq!(closed.name(), "case_closed");
    }
}
