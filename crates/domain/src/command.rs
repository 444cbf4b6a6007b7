//! Commands: what a person asks the case file to do. Each command is a payload of its own,
//! checked by its own rule function in [`crate::decide`]. On the wire a command is JSON with a
//! `command` tag; that tag is the command's name everywhere (audit trail, access matrix, CLI).

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
use crate::party::{PartyRole, SealedPersonalData, Vulnerability};
use crate::referral::{HandlingAssessment, InvestigationMode, ReferralBasis, ReferralDecision};

/// Declares the commands once: the enum, its fieldless [`CommandKind`], every name (the serde
/// tag), and the conversions. A command's rule is found through [`Command::rule`].
macro_rules! commands {
    ($( $variant:ident = $name:tt, )*) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "command")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum Command {
            $( #[serde(rename = $name)] $variant($variant), )*
        }

        /// Which command, without its payload: what the access matrix and the audit trail name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CommandKind { $( $variant, )* }

        impl CommandKind {
            pub const ALL: &'static [CommandKind] = &[ $( CommandKind::$variant, )* ];

            /// The JSON `command` tag.
            pub fn name(self) -> &'static str {
                match self { $( CommandKind::$variant => $name, )* }
            }

            pub fn parse(name: &str) -> Option<CommandKind> {
                match name { $( $name => Some(CommandKind::$variant), )* _ => None }
            }
        }

        impl Command {
            pub fn kind(&self) -> CommandKind {
                match self { $( Command::$variant(_) => CommandKind::$variant, )* }
            }

            /// The rule function that checks this command.
            pub(crate) fn rule(&self) -> &dyn crate::decide::Decide {
                match self { $( Command::$variant(c) => c, )* }
            }
        }

        $( impl From<$variant> for Command {
            fn from(c: $variant) -> Command { Command::$variant(c) }
        } )*
    };
}

commands! {
    // Intake, recording and referral (decide/intake.rs).
    LogMatter = "log_matter",
    AddParty = "add_party",
    ErasePersonalData = "erase_personal_data",
    AddAllegation = "add_allegation",
    HandleOutsideSchedule3 = "handle_outside_schedule3",
    FinaliseOutsideSchedule3 = "finalise_outside_schedule3",
    RecordMatter = "record_matter",
    Refer = "refer",
    DecideReferral = "decide_referral",
    StartLocalInvestigation = "start_local_investigation",
    HandleOtherwiseThanByInvestigation = "handle_otherwise_than_by_investigation",
    StartHandling = "start_handling",
    ContactComplainant = "contact_complainant",
    RecordConductMatter = "record_conduct_matter",
    // The investigation record (decide/investigation.rs).
    ChangeMode = "change_mode",
    SetTermsOfReference = "set_terms_of_reference",
    LogDecision = "log_decision",
    AssessSeverity = "assess_severity",
    ServeNotice = "serve_notice",
    RecordInterview = "record_interview",
    ExhibitEvidence = "exhibit_evidence",
    TransferCustody = "transfer_custody",
    TakeWitnessAccount = "take_witness_account",
    Suspend = "suspend",
    Resume = "resume",
    SubmitReport = "submit_report",
    SuspendOfficer = "suspend_officer",
    LiftOfficerSuspension = "lift_officer_suspension",
    SendTimelinessReport = "send_timeliness_report",
    // After the report (decide/outcome.rs).
    GiveOpinion = "give_opinion",
    Determine = "determine",
    ReferToProsecutors = "refer_to_prosecutors",
    ConcludeCriminalProceedings = "conclude_criminal_proceedings",
    ProposeAction = "propose_action",
    AnswerProposal = "answer_proposal",
    AnswerRecommendation = "answer_recommendation",
    ArrangeProceedings = "arrange_proceedings",
    ConcludeProceedings = "conclude_proceedings",
    LodgeAppeal = "lodge_appeal",
    DetermineAppeal = "determine_appeal",
    ReferToBarredList = "refer_to_barred_list",
    ProgressReflectivePractice = "progress_reflective_practice",
    AgreeReflectiveReport = "agree_reflective_report",
    RecordLeavingService = "record_leaving_service",
    NotifySanction = "notify_sanction",
    // Learning, updates, outcome, review, closure and publication (decide/aftercare.rs).
    MakeLearningRecommendation = "make_learning_recommendation",
    RecordLearningResponse = "record_learning_response",
    RecordNoLearning = "record_no_learning",
    UpdateParty = "update_party",
    NotifyOutcome = "notify_outcome",
    SendLetter = "send_letter",
    ApplyForReview = "apply_for_review",
    ExtendResponsePeriod = "extend_response_period",
    PublishLearningResponse = "publish_learning_response",
    DecideReview = "decide_review",
    OrderReinvestigation = "order_reinvestigation",
    Withdraw = "withdraw",
    Close = "close",
    DraftPublication = "draft_publication",
    ApprovePublication = "approve_publication",
    WithdrawPublication = "withdraw_publication",
    ImportPublication = "import_publication",
    ImportRecord = "import_record",
    DecideOutcome = "decide_outcome",
    DecideLateReview = "decide_late_review",
    CloseRecommendation = "close_recommendation",
    RecordAssociatedProceedings = "record_associated_proceedings",
    ConcludeAssociatedProceedings = "conclude_associated_proceedings",
    // Need-to-know (decide/need_to_know.rs).
    RestrictCase = "restrict_case",
    LiftRestriction = "lift_restriction",
    AssignToTeam = "assign_to_team",
    RemoveFromTeam = "remove_from_team",
    GrantAccess = "grant_access",
}

impl Command {
    /// The command's name, as in its JSON `command` tag.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// Gives each payload the same derives: unknown fields are refused, and every payload has
/// its own schema in the API document.
macro_rules! payloads {
    ($( $(#[$meta:meta])* pub struct $name:ident { $($body:tt)* } )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
            #[serde(deny_unknown_fields)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            pub struct $name { $($body)* }
        )*
    };
}

payloads! {
    /// Opens a case: a complaint, conduct matter or DSI matter as received.
    pub struct LogMatter {
        pub reference: Reference,
        pub kind: MatterKind,
        pub force: Force,
        #[serde(default)]
        pub appropriate_authority: AppropriateAuthority,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        pub received_on: Date,
        /// Defaults to the day received.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        pub came_to_attention_on: Option<Date>,
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        pub incident_on: Option<Date>,
        #[serde(default)]
        pub incident_location: Option<String>,
        pub summary: String,
        #[serde(default)]
        pub classification: Classification,
        #[serde(default)]
        pub complainant_wants_recording: bool,
        #[serde(default)]
        pub death_or_serious_injury: bool,
    }

    pub struct AddParty {
        pub role: PartyRole,
        #[serde(default)]
        pub vulnerabilities: Vec<Vulnerability>,
        pub personal_data: SealedPersonalData,
        /// Ethnicity, sex and age band where recorded: codes for statistics, outside the
        /// erasable personal data (they identify no one).
        #[serde(default, skip_serializing_if = "crate::imported::Characteristics::is_unrecorded")]
        pub characteristics: crate::imported::Characteristics,
    }

    pub struct ErasePersonalData {
        pub party: PartyId,
        pub reason: String,
    }

    pub struct AddAllegation {
        #[serde(default)]
        pub subjects: Vec<PartyId>,
        pub category: CategoryCode,
        pub description: String,
        /// The conduct matter it belongs to, when it came to light during the investigation of
        /// a complaint rather than being part of the complaint.
        #[serde(default)]
        pub conduct_matter: Option<u32>,
    }

    pub struct HandleOutsideSchedule3 {
        #[serde(default)]
        pub assessment: HandlingAssessment,
        pub rationale: String,
    }

    pub struct FinaliseOutsideSchedule3 {
        pub outcome: OutsideOutcome,
    }

    pub struct RecordMatter {
        #[serde(default)]
        pub assessment: HandlingAssessment,
    }

    pub struct Refer {
        pub basis: ReferralBasis,
    }

    pub struct DecideReferral {
        pub decision: ReferralDecision,
        pub rationale: String,
    }

    pub struct StartLocalInvestigation {}

    pub struct HandleOtherwiseThanByInvestigation {
        pub rationale: String,
    }

    pub struct ChangeMode {
        pub to: InvestigationMode,
        pub reason: String,
    }

    pub struct SetTermsOfReference {
        pub text: String,
    }

    pub struct LogDecision {
        pub decision: String,
        pub rationale: String,
        /// False records a decision not to act.
        #[serde(default = "yes")]
        pub acted: bool,
    }

    pub struct AssessSeverity {
        pub subject: PartyId,
        pub severity: Severity,
        pub likely_form: Form,
        pub rationale: String,
    }

    pub struct ServeNotice {
        pub subject: PartyId,
    }

    pub struct RecordInterview {
        pub party: PartyId,
        pub under_caution: bool,
        pub summary: String,
    }

    pub struct ExhibitEvidence {
        pub exhibit: String,
        pub description: String,
        /// The SHA-256 of a digital exhibit's content, hex.
        #[serde(default)]
        pub sha256: Option<String>,
        pub custodian: String,
    }

    pub struct TransferCustody {
        pub exhibit: String,
        pub from: String,
        pub to: String,
        pub purpose: String,
    }

    pub struct TakeWitnessAccount {
        pub party: PartyId,
        pub summary: String,
    }

    pub struct Suspend {
        pub reason: String,
    }

    pub struct Resume {}

    pub struct SubmitReport {
        pub summary: String,
    }

    pub struct GiveOpinion {
        pub finding: Finding,
    }

    pub struct Determine {
        pub findings: Vec<Finding>,
    }

    pub struct ReferToProsecutors {
        pub subject: PartyId,
    }

    pub struct ConcludeCriminalProceedings {
        pub subject: PartyId,
        pub outcome: CriminalOutcome,
    }

    pub struct ProposeAction {
        pub proposals: Vec<Proposal>,
        pub rationale: String,
    }

    pub struct AnswerProposal {
        pub response: ProposalResponse,
        pub rationale: String,
    }

    pub struct AnswerRecommendation {
        pub accepted: bool,
        pub rationale: String,
    }

    pub struct ArrangeProceedings {
        pub subject: PartyId,
        pub form: Form,
        pub allegations: Vec<AllegationId>,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        pub on: Date,
    }

    pub struct ConcludeProceedings {
        pub proceedings: ProceedingsId,
        pub findings: Vec<(AllegationId, ProvenFinding)>,
        #[serde(default)]
        pub sanction: Option<Sanction>,
        #[serde(default)]
        pub unconnected_incidents: bool,
    }

    pub struct LodgeAppeal {
        pub proceedings: ProceedingsId,
    }

    pub struct DetermineAppeal {
        pub proceedings: ProceedingsId,
        pub outcome: AppealOutcome,
    }

    pub struct ReferToBarredList {
        pub subject: PartyId,
    }

    pub struct ProgressReflectivePractice {
        pub subject: PartyId,
        pub stage: ReflectiveStage,
    }

    pub struct AgreeReflectiveReport {
        pub subject: PartyId,
        pub report: ReflectiveReport,
    }

    pub struct RecordLeavingService {
        pub subject: PartyId,
    }

    pub struct MakeLearningRecommendation {
        pub recipient: String,
        pub text: String,
    }

    pub struct RecordLearningResponse {
        pub recommendation: RecommendationId,
        pub accepted: Acceptance,
        pub narrative: String,
    }

    pub struct RecordNoLearning {
        pub rationale: String,
    }

    pub struct UpdateParty {
        pub party: PartyId,
        pub kind: UpdateKind,
    }

    pub struct NotifyOutcome {}

    /// Sends a letter or report made from the case (crate::letter): the progress update and
    /// the outcome letter count as the update they are; a timeliness report is sent as
    /// send_timeliness_report is. `digest` is that of the letter previewed: a case or a day
    /// that changed since is refused, so the letter recorded is the letter read.
    pub struct SendLetter {
        pub letter: crate::letter::LetterRequest,
        pub digest: String,
    }

    pub struct ApplyForReview {
        pub applicant: PartyId,
        /// The special circumstances the applicant gives for applying out of time; the relevant
        /// review body decides whether to accept it (`decide_late_review`).
        #[serde(default)]
        pub late_reason: Option<String>,
        /// A misdirected application: where and when it was first received.
        #[serde(default)]
        pub forwarded: Option<crate::review::Forwarding>,
    }

    pub struct ExtendResponsePeriod {
        pub recommendation: RecommendationId,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        pub until: Date,
        /// The day the recipient applied for more time; by default the day of the grant.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        pub applied_on: Option<Date>,
    }

    pub struct PublishLearningResponse {
        pub recommendation: RecommendationId,
    }

    pub struct DecideReview {
        pub upheld: bool,
        #[serde(default)]
        pub recommendations: Vec<String>,
        #[serde(default)]
        pub reinvestigation: Option<InvestigationMode>,
    }

    pub struct OrderReinvestigation {
        pub mode: InvestigationMode,
        pub reason: String,
    }

    pub struct Withdraw {
        #[serde(default)]
        pub continue_as_conduct_matter: bool,
    }

    pub struct Close {}

    /// Brings in an item another body already published, as it stands (`probity import`):
    /// never over a case recorded here; the same text again adds nothing.
    pub struct ImportPublication {
        pub reference: Reference,
        pub from: crate::imported::ImportedFrom,
        pub item: crate::imported::ImportedItem,
    }

    /// Brings in a complaint case another body recorded, as its export holds it (`probity
    /// import`): never over a case recorded here, never decided against the rules of England
    /// and Wales; the same record again adds nothing.
    pub struct ImportRecord {
        pub reference: Reference,
        pub from: crate::imported::ImportedFrom,
        pub record: crate::imported::ImportedCase,
    }

    /// A version of the text to publish: checked against everything that identifies the
    /// case's people; each finding is removed or justified in writing before approval.
    pub struct DraftPublication {
        #[serde(default)]
        pub item: crate::publication::ItemKind,
        pub title: String,
        pub summary: String,
        /// Themes shown as tags beside the force's name.
        #[serde(default)]
        pub themes: Vec<String>,
        /// The month of the incident, `YYYY-MM`.
        #[serde(default)]
        pub incident_month: Option<String>,
        #[serde(default)]
        pub justifications: Vec<crate::publication::Justification>,
        /// Required once a version is published: what this one corrects, said publicly.
        #[serde(default)]
        pub correction_note: Option<String>,
    }

    /// A second person approves the latest draft; it is shown from `publish_on` (today by
    /// default) once all associated proceedings are complete.
    pub struct ApprovePublication {
        pub version: u32,
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        pub publish_on: Option<Date>,
    }

    pub struct WithdrawPublication {
        pub reason: String,
    }

    /// Handling begins (Sch3 para 2(6); shared/domain.md §14.3 A: Logged to Assessed).
    pub struct StartHandling {}

    /// The complainant was contacted and their views on handling sought (Sch3 para 2(6)).
    pub struct ContactComplainant {
        pub party: PartyId,
        #[serde(default = "yes")]
        pub views_sought: bool,
    }

    /// A conduct matter that came to light during the investigation of a complaint (Sch3
    /// paras 10-11); its allegations are added with `conduct_matter` set.
    pub struct RecordConductMatter {
        pub summary: String,
    }

    /// Suspends an officer under PCR 2020 reg 11, apart from any pause of the investigation.
    pub struct SuspendOfficer {
        pub subject: PartyId,
        pub ground: crate::conduct::SuspensionGround,
        /// Temporary redeployment to alternative duties was considered first.
        pub redeployment_considered: bool,
    }

    pub struct LiftOfficerSuspension {
        pub subject: PartyId,
    }

    /// A report on an investigation not completed within 12 months, or each 6 months after
    /// (PCMR 2020 reg 13; PCR 2020 reg 19).
    pub struct SendTimelinessReport {
        /// The last day of the period the report covers.
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        pub period_ending: Date,
        pub recipients: Vec<crate::matter::TimelinessRecipient>,
        /// Officers concerned sent a copy (PCR 2020 reg 19, subject to the harm test).
        #[serde(default)]
        pub copied_to: Vec<PartyId>,
        /// What was withheld under the harm test, and why; none when nothing was.
        #[serde(default)]
        pub withheld: Option<String>,
    }

    /// The officer was notified of the sanction: a warning is live from then (PCR 2020 reg 42(4)).
    pub struct NotifySanction {
        pub proceedings: ProceedingsId,
    }

    /// The outcome of a complaint handled otherwise than by investigation.
    pub struct DecideOutcome {
        pub outcome: crate::matter::HandlingOutcome,
        pub rationale: String,
    }

    /// The relevant review body accepts, or not, an application made out of time.
    pub struct DecideLateReview {
        pub accepted: bool,
        pub rationale: String,
    }

    /// A learning recommendation's work is done: its response is in and published.
    pub struct CloseRecommendation {
        pub recommendation: RecommendationId,
    }

    /// An inquest, civil claim or other proceedings associated with the matter: publication
    /// waits for it to end.
    pub struct RecordAssociatedProceedings {
        pub kind: crate::matter::AssociatedKind,
        pub description: String,
    }

    pub struct ConcludeAssociatedProceedings {
        pub proceedings: u32,
    }

    pub struct RestrictCase {
        pub reason: RestrictionReason,
        pub explanation: String,
    }

    pub struct LiftRestriction {
        pub explanation: String,
    }

    pub struct AssignToTeam {
        pub user: String,
    }

    pub struct RemoveFromTeam {
        pub user: String,
    }

    pub struct GrantAccess {
        pub user: String,
        /// The last day of access.
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        pub until: Date,
        pub reason: String,
    }
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name a command reports is the tag it carries on the wire, for every command.
    #[test]
    fn every_name_is_the_serde_tag() {
        for kind in CommandKind::ALL {
            let tagged = serde_json::json!({ "command": kind.name() });
            let tag_only: Result<Command, _> = serde_json::from_value(tagged);
            // Commands with required fields refuse the bare tag, but must name the missing field
            // of *this* command, never "unknown variant".
            match tag_only {
                Ok(c) => assert_eq!(c.kind(), *kind),
                Err(e) => assert!(
                    e.to_string().contains("missing field"),
                    "{}: {e}",
                    kind.name()
                ),
            }
            assert_eq!(CommandKind::parse(kind.name()), Some(*kind));
        }
        let names: std::collections::BTreeSet<_> =
            CommandKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), CommandKind::ALL.len(), "names are unique");
        assert_eq!(CommandKind::parse("no_such_command"), None);
    }

    #[test]
    fn unknown_fields_and_commands_are_refused() {
        let extra = serde_json::json!({"command": "log_decision", "decision": "d", "rationale": "r", "colour": "red"});
        let err = serde_json::from_value::<Command>(extra).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let unknown = serde_json::json!({"command": "shred_file"});
        assert!(serde_json::from_value::<Command>(unknown).is_err());
        let resume: Command =
            serde_json::from_value(serde_json::json!({"command": "resume"})).unwrap();
        assert_eq!(resume, Command::Resume(Resume {}));
        assert_eq!(
            serde_json::to_string(&resume).unwrap(),
            r#"{"command":"resume"}"#
        );
    }
}
