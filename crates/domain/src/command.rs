//! Commands: what a person asks the case file to do. Each is checked by [`crate::decide`].

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
use crate::party::{Role, SealedPersonalData, Vulnerability};
use crate::referral::{HandlingAssessment, InvestigationMode, ReferralBasis, ReferralDecision};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Command {
    LogMatter {
        reference: Reference,
        kind: MatterKind,
        force: Force,
        #[serde(default)]
        appropriate_authority: AppropriateAuthority,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        received_on: Date,
        /// Defaults to the day received.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        came_to_attention_on: Option<Date>,
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        incident_on: Option<Date>,
        #[serde(default)]
        incident_location: Option<String>,
        summary: String,
        #[serde(default)]
        classification: Classification,
        #[serde(default)]
        complainant_wants_recording: bool,
        #[serde(default)]
        death_or_serious_injury: bool,
    },
    AddParty {
        role: Role,
        #[serde(default)]
        vulnerabilities: Vec<Vulnerability>,
        personal_data: SealedPersonalData,
    },
    ErasePersonalData {
        party: PartyId,
        reason: String,
    },
    AddAllegation {
        #[serde(default)]
        subjects: Vec<PartyId>,
        category: CategoryCode,
        description: String,
    },
    HandleOutsideSchedule3 {
        #[serde(default)]
        assessment: HandlingAssessment,
        rationale: String,
    },
    FinaliseOutsideSchedule3 {
        outcome: OutsideOutcome,
    },
    RecordMatter {
        #[serde(default)]
        assessment: HandlingAssessment,
    },
    Refer {
        basis: ReferralBasis,
    },
    DecideReferral {
        decision: ReferralDecision,
        rationale: String,
    },
    ChangeMode {
        to: InvestigationMode,
        reason: String,
    },
    StartLocalInvestigation,
    HandleOtherwiseThanByInvestigation {
        rationale: String,
    },
    SetTermsOfReference {
        text: String,
    },
    LogDecision {
        decision: String,
        rationale: String,
        #[serde(default = "yes")]
        acted: bool,
    },
    AssessSeverity {
        subject: PartyId,
        severity: Severity,
        likely_form: Form,
        rationale: String,
    },
    ServeNotice {
        subject: PartyId,
    },
    RecordInterview {
        party: PartyId,
        under_caution: bool,
        summary: String,
    },
    ExhibitEvidence {
        exhibit: String,
        description: String,
        /// The SHA-256 of a digital exhibit's content, hex.
        #[serde(default)]
        sha256: Option<String>,
        custodian: String,
    },
    TransferCustody {
        exhibit: String,
        from: String,
        to: String,
        purpose: String,
    },
    TakeWitnessAccount {
        party: PartyId,
        summary: String,
    },
    Suspend {
        reason: String,
    },
    Resume,
    SubmitReport {
        summary: String,
    },
    GiveOpinion {
        finding: Finding,
    },
    Determine {
        findings: Vec<Finding>,
    },
    ReferToProsecutors {
        subject: PartyId,
    },
    ConcludeCriminalProceedings {
        subject: PartyId,
        outcome: CriminalOutcome,
    },
    ProposeAction {
        proposals: Vec<Proposal>,
        rationale: String,
    },
    AnswerProposal {
        response: ProposalResponse,
        rationale: String,
    },
    AnswerRecommendation {
        accepted: bool,
        rationale: String,
    },
    ArrangeProceedings {
        subject: PartyId,
        form: Form,
        allegations: Vec<AllegationId>,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        on: Date,
    },
    ConcludeProceedings {
        proceedings: ProceedingsId,
        findings: Vec<(AllegationId, ProvenFinding)>,
        #[serde(default)]
        sanction: Option<Sanction>,
        #[serde(default)]
        unconnected_incidents: bool,
    },
    LodgeAppeal {
        proceedings: ProceedingsId,
    },
    DetermineAppeal {
        proceedings: ProceedingsId,
        outcome: AppealOutcome,
    },
    ReferToBarredList {
        subject: PartyId,
    },
    ProgressReflectivePractice {
        subject: PartyId,
        stage: ReflectiveStage,
    },
    AgreeReflectiveReport {
        subject: PartyId,
        report: ReflectiveReport,
    },
    MakeLearningRecommendation {
        recipient: String,
        text: String,
    },
    RecordLearningResponse {
        recommendation: RecommendationId,
        accepted: Acceptance,
        narrative: String,
    },
    RecordNoLearning {
        rationale: String,
    },
    UpdateParty {
        party: PartyId,
        kind: UpdateKind,
    },
    NotifyOutcome,
    ApplyForReview {
        applicant: PartyId,
        /// Special circumstances for accepting an application made out of time.
        #[serde(default)]
        late_reason: Option<String>,
        /// Days spent forwarding a misdirected application, excluded from the window.
        #[serde(default)]
        forwarding_days: u32,
    },
    RecordLeavingService {
        subject: PartyId,
    },
    ExtendResponsePeriod {
        recommendation: RecommendationId,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        until: Date,
    },
    PublishLearningResponse {
        recommendation: RecommendationId,
    },
    DecideReview {
        upheld: bool,
        #[serde(default)]
        recommendations: Vec<String>,
        #[serde(default)]
        reinvestigation: Option<InvestigationMode>,
    },
    OrderReinvestigation {
        mode: InvestigationMode,
        reason: String,
    },
    Withdraw {
        #[serde(default)]
        continue_as_conduct_matter: bool,
    },
    Close,
    RestrictCase {
        reason: RestrictionReason,
        explanation: String,
    },
    LiftRestriction {
        explanation: String,
    },
    AssignToTeam {
        user: String,
    },
    RemoveFromTeam {
        user: String,
    },
    GrantAccess {
        user: String,
        /// The last day of access.
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        until: Date,
        reason: String,
    },
    Publish {
        title: String,
        summary: String,
        #[serde(default)]
        tags: Vec<String>,
    },
}

fn yes() -> bool {
    true
}

impl Command {
    /// The command's name, as in its JSON `command` tag.
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m
                .get("command")
                .and_then(|v| v.as_str())
                .unwrap_or("unknown")
                .to_string(),
            _ => "unknown".to_string(),
        }
    }
}
