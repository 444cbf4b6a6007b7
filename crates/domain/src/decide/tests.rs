//! The rules, proved: the reference scenario, each transition of shared/domain.md §14.3
//! allowed and refused, and properties over random command sequences.

use jiff::civil::{Date, date};

use crate::case::{Case, ProposalStage, Status};
use crate::category::CategoryCode;
use crate::command::Command;
use crate::conduct::*;
use crate::event::Event;
use crate::force::Force;
use crate::ids::*;
use crate::matter::*;
use crate::party::*;
use crate::referral::*;
use crate::review::{ReviewBody, ReviewKind};
use crate::rule::Rule;
use crate::scenario::{self, morning};
use crate::{Body, Context, decide};

fn salts() -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n = n.wrapping_add(1);
        [n; 16]
    }
}

/// A case driven step by step, keeping its log.
struct Given {
    case: Case,
    log: Vec<Event>,
    day: Date,
    salt: u8,
}

const AA: Body = Body::AppropriateAuthority;
const IOPC: Body = Body::OversightBody;
const LPB: Body = Body::LocalPolicingBody;

impl Given {
    fn new() -> Self {
        Given {
            case: Case::default(),
            log: Vec::new(),
            day: date(2023, 3, 1),
            salt: 0,
        }
    }

    fn ctx(&self, body: Body) -> Context {
        Context::new(morning(self.day), format!("{body:?}"), body)
    }

    fn try_(&mut self, body: Body, command: Command) -> Result<Vec<Event>, crate::Refusal> {
        let d = decide(&self.case, &command, &self.ctx(body))?;
        for e in &d.events {
            self.case.apply(e);
            self.log.push(e.clone());
        }
        Ok(d.events)
    }

    #[track_caller]
    fn ok(&mut self, body: Body, command: Command) -> &mut Self {
        if let Err(r) = self.try_(body, command.clone()) {
            panic!("{command:?} by {body:?} was refused: {r}");
        }
        self
    }

    /// Asserts the refusal names `rule` and that nothing changed.
    #[track_caller]
    fn refused(&mut self, body: Body, command: Command, rule: Rule) -> &mut Self {
        let before = self.case.clone();
        match self.try_(body, command.clone()) {
            Ok(_) => panic!("{command:?} by {body:?} was accepted; expected {rule:?}"),
            Err(r) => assert_eq!(r.rule, rule, "{command:?}: {r}"),
        }
        assert_eq!(self.case, before, "a refusal must change nothing");
        self
    }

    fn after(&mut self, days: i64) -> &mut Self {
        self.day = self.day.checked_add(jiff::Span::new().days(days)).unwrap();
        self
    }

    fn status(&self) -> Status {
        self.case.status
    }

    fn sealed(&mut self, name: &str) -> SealedPersonalData {
        self.salt += 1;
        SealedPersonalData::new(
            PersonalData {
                name: name.into(),
                contact: None,
                date_of_birth: None,
                address: None,
            },
            [self.salt; 16],
        )
    }

    fn log_complaint(&mut self, kind: MatterKind) -> &mut Self {
        let day = self.day;
        self.ok(AA, log_matter(kind, day))
    }

    fn add_complainant(&mut self) -> &mut Self {
        let personal_data = self.sealed("Pat Doe");
        self.ok(
            AA,
            Command::AddParty {
                role: Role::Complainant {
                    basis: ComplainantBasis::DirectedAt,
                },
                vulnerabilities: vec![],
                personal_data,
            },
        )
    }

    fn add_officer(&mut self, profile: SubjectProfile) -> &mut Self {
        let personal_data = self.sealed("Officer Name");
        self.ok(
            AA,
            Command::AddParty {
                role: Role::Subject(profile),
                vulnerabilities: vec![],
                personal_data,
            },
        )
    }

    fn allege(&mut self, subjects: &[u32], code: &str) -> &mut Self {
        self.ok(
            AA,
            Command::AddAllegation {
                subjects: subjects.iter().map(|s| PartyId(*s)).collect(),
                category: CategoryCode::parse(code).unwrap(),
                description: format!("allegation {code}"),
            },
        )
    }

    /// Complaint, complainant P1, officer P2 with one allegation A1 of `code`, recorded.
    fn recorded(code: &str) -> Given {
        let mut g = Given::new();
        g.log_complaint(MatterKind::Complaint)
            .add_complainant()
            .add_officer(profile())
            .allege(&[2], code);
        g.ok(
            AA,
            Command::RecordMatter {
                assessment: HandlingAssessment {
                    might_justify_proceedings: true,
                    article_2_or_3: false,
                },
            },
        );
        g
    }

    /// A local investigation into P2 on A1 with severity and notice done.
    fn investigating_locally() -> Given {
        let mut g = Given::recorded("B6");
        g.ok(AA, Command::StartLocalInvestigation);
        g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting))
            .ok(
                AA,
                Command::ServeNotice {
                    subject: PartyId(2),
                },
            );
        g
    }

    /// An independent investigation into P2 on A1 (G2: mandatory referral).
    fn investigating_independently() -> Given {
        let mut g = Given::recorded("G2");
        g.ok(
            AA,
            Command::Refer {
                basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
            },
        );
        g.ok(
            IOPC,
            Command::DecideReferral {
                decision: ReferralDecision::Investigate(InvestigationMode::Independent),
                rationale: "serious".into(),
            },
        );
        g.ok(IOPC, severity(2, Severity::Misconduct, Form::Meeting))
            .ok(
                IOPC,
                Command::ServeNotice {
                    subject: PartyId(2),
                },
            );
        g
    }

    fn reported(mut self, body: Body) -> Given {
        self.after(30).ok(
            body,
            Command::SubmitReport {
                summary: "report".into(),
            },
        );
        self
    }

    fn determined(mut self, body: Body, cta: CaseToAnswer) -> Given {
        self.ok(
            body,
            Command::Determine {
                findings: vec![finding(2, 1, cta)],
            },
        );
        self
    }
}

fn profile() -> SubjectProfile {
    SubjectProfile {
        kind: SubjectKind::Officer,
        rank: Some("Police Constable".into()),
        service_number: Some("KE1234".into()),
        force: Force::parse("kent").unwrap(),
        former: false,
        senior_officer: false,
        prior_sanctions: vec![],
    }
}

fn log_matter(kind: MatterKind, day: Date) -> Command {
    Command::LogMatter {
        reference: Reference::parse("PC/0001/23").unwrap(),
        kind,
        force: Force::parse("kent").unwrap(),
        appropriate_authority: AppropriateAuthority::ChiefOfficer,
        received_on: day,
        came_to_attention_on: None,
        incident_on: None,
        incident_location: None,
        summary: "A complaint.".into(),
        classification: Classification::OfficialSensitive,
        complainant_wants_recording: false,
        death_or_serious_injury: false,
    }
}

fn severity(subject: u32, severity: Severity, likely_form: Form) -> Command {
    Command::AssessSeverity {
        subject: PartyId(subject),
        severity,
        likely_form,
        rationale: "assessed".into(),
    }
}

fn finding(subject: u32, allegation: u32, cta: CaseToAnswer) -> Finding {
    Finding {
        subject: PartyId(subject),
        allegation: AllegationId(allegation),
        case_to_answer: cta,
        performance_unsatisfactory: false,
        further_action: FurtherAction::None,
        rationale: "because".into(),
    }
}

fn propose(subject: u32, action: Action) -> Command {
    Command::ProposeAction {
        proposals: vec![Proposal {
            subject: PartyId(subject),
            action,
        }],
        rationale: "proposed".into(),
    }
}

// ---------------------------------------------------------------- the reference scenario

#[test]
fn reference_scenario_yields_the_published_outcome() {
    let mut salt = salts();
    let steps = scenario::reference_case(&mut salt);
    let mut case = Case::default();
    let mut log = Vec::new();
    let mut refusals = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let result = decide(&case, &step.command, &step.context);
        match (&step.refused_by, result) {
            (None, Ok(d)) => {
                for e in d.events {
                    case.apply(&e);
                    log.push(e);
                }
            }
            (Some(rule), Err(r)) => {
                assert_eq!(r.rule, *rule, "step {i} {:?}: {r}", step.command.name());
                refusals.push(r.rule);
            }
            (None, Err(r)) => panic!("step {i} {} refused: {r}", step.command.name()),
            (Some(rule), Ok(_)) => panic!(
                "step {i} {} accepted; expected {rule:?}",
                step.command.name()
            ),
        }
    }
    let mistakes = steps.iter().filter(|s| s.refused_by.is_some()).count();
    assert_eq!(
        refusals.len(),
        mistakes,
        "every scripted mistake is refused"
    );
    assert!(mistakes >= 10);

    let m = case.matter().unwrap();
    assert_eq!(m.reference.as_str(), "2020/134541");
    assert_eq!(m.force.name(), "Gloucestershire Constabulary");
    assert_eq!(
        case.referral.map(|r| r.0),
        Some(ReferralBasis::Mandatory(
            MandatoryCriterion::SeriousCorruption
        ))
    );
    let inv = case.investigation.as_ref().unwrap();
    assert_eq!(inv.mode, InvestigationMode::Independent);
    assert_eq!(
        inv.report_on,
        Some(date(2021, 3, 15)),
        "concluded in March 2021"
    );
    assert_eq!(
        inv.determined,
        Some((Body::OversightBody, date(2021, 3, 26)))
    );
    // Case to answer for misconduct: both officers on the informant allegation, one on the second woman's.
    let cta: Vec<_> = inv
        .determinations
        .values()
        .filter(|f| f.case_to_answer == CaseToAnswer::Misconduct)
        .map(|f| (f.subject.0, f.allegation.0))
        .collect();
    assert_eq!(cta, [(2, 2), (2, 4), (3, 2)]);
    assert_eq!(
        inv.determinations.len(),
        7,
        "every subject on every allegation has a finding"
    );
    assert!(
        inv.determinations
            .values()
            .filter(|f| f.case_to_answer == CaseToAnswer::NoCaseToAnswer)
            .count()
            == 4
    );
    // Opinions are kept apart from determinations.
    assert_eq!(inv.opinions.len(), 7);
    // The force's proposal of reflective practice, agreed.
    assert_eq!(inv.proposal, ProposalStage::Settled);
    assert!(
        inv.settled
            .values()
            .all(|a| *a == Action::ReflectivePractice)
    );
    assert_eq!(case.reflective_practice.len(), 2);
    assert!(case.proceedings.is_empty(), "no disciplinary proceedings");
    assert!(
        case.recommendations.is_empty() && case.no_learning_on.is_some(),
        "no learning recommendations"
    );
    assert_eq!(
        case.review_right, None,
        "an independent investigation gives no review right"
    );
    assert_eq!(case.status, Status::Closed);
    let p = case.publication.as_ref().unwrap();
    assert_eq!(p.published_on, date(2022, 4, 4));
    assert_eq!(p.title, scenario::REFERENCE_TITLE);
    assert_eq!(
        p.tags,
        [
            "Gloucestershire Constabulary",
            "Corruption and abuse of power"
        ]
    );
    // Replaying the log gives the same state.
    assert_eq!(Case::replay(&log), case);
    assert_eq!(case.version as usize, log.len());
}

// ---------------------------------------------------------------- A. complaint lifecycle

#[test]
fn log_matter_opens_once_and_checks_dates() {
    let mut g = Given::new();
    g.refused(
        AA,
        Command::RecordMatter {
            assessment: Default::default(),
        },
        Rule::CaseNotOpen,
    );
    let tomorrow = g.day.tomorrow().unwrap();
    g.refused(
        AA,
        log_matter(MatterKind::Complaint, tomorrow),
        Rule::DateOutOfRange,
    );
    g.refused(
        LPB,
        log_matter(MatterKind::Complaint, g.day),
        Rule::WrongBody,
    );
    let mut blank = log_matter(MatterKind::Complaint, g.day);
    if let Command::LogMatter { summary, .. } = &mut blank {
        *summary = "  ".into();
    }
    g.refused(AA, blank, Rule::MissingText);
    g.log_complaint(MatterKind::Complaint);
    assert_eq!(g.status(), Status::Logged);
    let day = g.day;
    g.refused(
        AA,
        log_matter(MatterKind::Complaint, day),
        Rule::CaseAlreadyOpen,
    );
}

#[test]
fn parties_need_names_and_complaints_need_complainants() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::ConductMatter);
    let pd = g.sealed("X");
    g.refused(
        AA,
        Command::AddParty {
            role: Role::Complainant {
                basis: ComplainantBasis::Witness,
            },
            vulnerabilities: vec![],
            personal_data: pd,
        },
        Rule::OnlyComplaints,
    );
    let mut pd = g.sealed(" ");
    g.refused(
        AA,
        Command::AddParty {
            role: Role::Witness,
            vulnerabilities: vec![],
            personal_data: pd.clone(),
        },
        Rule::PersonalDataInvalid,
    );
    pd.data.name = "Y".into();
    pd.salt = "abc".into();
    g.refused(
        AA,
        Command::AddParty {
            role: Role::Witness,
            vulnerabilities: vec![],
            personal_data: pd,
        },
        Rule::PersonalDataInvalid,
    );
    let pd = g.sealed("Someone");
    g.refused(
        AA,
        Command::AddParty {
            role: Role::Representative {
                on_behalf_of: PartyId(1),
            },
            vulnerabilities: vec![],
            personal_data: pd,
        },
        Rule::OnlyComplaints,
    );
}

#[test]
fn allegations_name_subjects_only() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile());
    g.refused(
        AA,
        Command::AddAllegation {
            subjects: vec![PartyId(1)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
        },
        Rule::NotASubject,
    );
    g.refused(
        AA,
        Command::AddAllegation {
            subjects: vec![PartyId(9)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
        },
        Rule::UnknownParty,
    );
    g.refused(
        AA,
        Command::AddAllegation {
            subjects: vec![PartyId(2), PartyId(2)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
        },
        Rule::NotASubject,
    );
    g.allege(&[2], "A1");
    assert_eq!(g.case.allegations.len(), 1);
    // An allegation against an unidentified officer is allowed.
    g.allege(&[], "A3");
}

#[test]
fn outside_schedule3_only_when_no_ground_applies() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .allege(&[2], "A3");
    g.refused(
        AA,
        Command::HandleOutsideSchedule3 {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                article_2_or_3: false,
            },
            rationale: "r".into(),
        },
        Rule::Schedule3Required,
    );
    g.refused(
        IOPC,
        Command::HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "service issue".into(),
        },
    );
    assert_eq!(g.status(), Status::HandledOutsideSchedule3);
    // Dissatisfied complainant: recorded after all.
    let mut h = Given::new();
    h.log_complaint(MatterKind::Complaint).add_complainant();
    h.ok(
        AA,
        Command::HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        },
    );
    h.ok(
        AA,
        Command::RecordMatter {
            assessment: Default::default(),
        },
    );
    assert_eq!(
        h.case.recorded.unwrap().0,
        RecordingReason::DissatisfiedWithHandlingOutsideSchedule3
    );
    g.ok(
        AA,
        Command::FinaliseOutsideSchedule3 {
            outcome: OutsideOutcome::ServiceAcceptable,
        },
    );
    assert_eq!(g.status(), Status::FinalisedOutsideSchedule3);
    g.refused(AA, Command::StartLocalInvestigation, Rule::WrongStage);
}

#[test]
fn complainant_wish_and_conduct_matters_force_recording() {
    let mut g = Given::new();
    let mut cmd = log_matter(MatterKind::Complaint, g.day);
    if let Command::LogMatter {
        complainant_wants_recording,
        ..
    } = &mut cmd
    {
        *complainant_wants_recording = true;
    }
    g.ok(AA, cmd);
    g.refused(
        AA,
        Command::HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        },
        Rule::Schedule3Required,
    );
    g.ok(
        AA,
        Command::RecordMatter {
            assessment: Default::default(),
        },
    );
    assert_eq!(g.case.recorded.unwrap().0, RecordingReason::ComplainantWish);

    let mut c = Given::new();
    c.log_complaint(MatterKind::ConductMatter);
    c.refused(
        AA,
        Command::HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        },
        Rule::OnlyComplaints,
    );
    c.refused(
        AA,
        Command::Withdraw {
            continue_as_conduct_matter: false,
        },
        Rule::OnlyComplaints,
    );
}

#[test]
fn mandatory_referral_before_local_handling() {
    let mut g = Given::recorded("J1");
    assert_eq!(
        g.case.mandatory_referral_criteria(),
        [MandatoryCriterion::SeriousSexualOffence]
    );
    g.refused(
        AA,
        Command::StartLocalInvestigation,
        Rule::MandatoryReferral,
    );
    g.refused(
        AA,
        Command::HandleOtherwiseThanByInvestigation {
            rationale: "r".into(),
        },
        Rule::MandatoryReferral,
    );
    g.refused(
        IOPC,
        Command::Refer {
            basis: ReferralBasis::Voluntary,
        },
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousSexualOffence),
        },
    );
    assert_eq!(g.status(), Status::Referred);
    g.refused(
        AA,
        Command::DecideReferral {
            decision: ReferralDecision::ReturnToAppropriateAuthority,
            rationale: "r".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::DecideReferral {
            decision: ReferralDecision::ReturnToAppropriateAuthority,
            rationale: "local handling proportionate".into(),
        },
    );
    assert_eq!(g.status(), Status::ReturnedToAppropriateAuthority);
    // Returned: the authority now decides itself.
    g.ok(AA, Command::StartLocalInvestigation);
    assert_eq!(
        g.case.investigation.as_ref().unwrap().mode,
        InvestigationMode::Local
    );
}

#[test]
fn oversight_body_can_call_in_or_treat_as_referred() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint).add_complainant();
    g.refused(
        AA,
        Command::Refer {
            basis: ReferralBasis::TreatedAsReferred,
        },
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::Refer {
            basis: ReferralBasis::TreatedAsReferred,
        },
    );
    assert_eq!(g.status(), Status::Referred);
    assert_eq!(
        g.case.recorded.unwrap().0,
        RecordingReason::TreatedAsReferred,
        "treating as referred records it"
    );
    let mut l = Given::recorded("A1");
    l.refused(
        AA,
        Command::Refer {
            basis: ReferralBasis::LocalPolicingBody,
        },
        Rule::WrongBody,
    );
    l.ok(
        LPB,
        Command::Refer {
            basis: ReferralBasis::LocalPolicingBody,
        },
    );
}

#[test]
fn investigation_mode_changes_and_suspension() {
    let mut g = Given::investigating_independently();
    g.refused(
        IOPC,
        Command::ChangeMode {
            to: InvestigationMode::Independent,
            reason: "r".into(),
        },
        Rule::SameMode,
    );
    g.refused(
        AA,
        Command::ChangeMode {
            to: InvestigationMode::Directed,
            reason: "r".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::Suspend {
            reason: "criminal proceedings".into(),
        },
    );
    assert_eq!(g.status(), Status::Suspended);
    g.refused(
        IOPC,
        Command::SubmitReport {
            summary: "r".into(),
        },
        Rule::WrongStage,
    );
    g.ok(
        IOPC,
        Command::ChangeMode {
            to: InvestigationMode::Directed,
            reason: "lower public interest".into(),
        },
    );
    g.after(10).ok(IOPC, Command::Resume);
    assert_eq!(g.status(), Status::UnderInvestigation);
    let inv = g.case.investigation.as_ref().unwrap();
    assert_eq!(inv.mode, InvestigationMode::Directed);
    assert_eq!(inv.suspensions.len(), 1);
    assert!(inv.suspensions[0].1.is_some());
    // Directed: the authority investigates now.
    g.refused(
        IOPC,
        Command::SubmitReport {
            summary: "r".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::SubmitReport {
            summary: "r".into(),
        },
    );
}

#[test]
fn severity_notice_interview_order() {
    let mut g = Given::recorded("B6");
    g.ok(AA, Command::StartLocalInvestigation);
    g.refused(
        AA,
        Command::ServeNotice {
            subject: PartyId(2),
        },
        Rule::NoticeNeedsAssessment,
    );
    g.refused(
        AA,
        Command::RecordInterview {
            party: PartyId(2),
            under_caution: false,
            summary: "s".into(),
        },
        Rule::InterviewBeforeNotice,
    );
    g.refused(
        AA,
        severity(2, Severity::GrossMisconduct, Form::Meeting),
        Rule::SeverityForm,
    );
    g.refused(
        AA,
        severity(1, Severity::Misconduct, Form::Meeting),
        Rule::NotASubject,
    );
    g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    g.ok(
        AA,
        Command::ServeNotice {
            subject: PartyId(2),
        },
    );
    g.ok(
        AA,
        Command::RecordInterview {
            party: PartyId(2),
            under_caution: true,
            summary: "interview".into(),
        },
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting));
    let rec = &g.case.investigation.as_ref().unwrap().severity[&PartyId(2)];
    assert_eq!((rec.severity, rec.revisions), (Severity::Misconduct, 1));
    // Witnesses can be interviewed without notice.
    g.ok(
        AA,
        Command::RecordInterview {
            party: PartyId(1),
            under_caution: false,
            summary: "witness".into(),
        },
    );
}

#[test]
fn live_final_written_warning_sends_misconduct_to_a_hearing() {
    let mut g = Given::new();
    let mut p = profile();
    p.prior_sanctions.push(PriorSanction {
        sanction: Sanction::FinalWrittenWarning,
        effective_on: date(2022, 6, 1),
        expires_on: date(2024, 6, 1),
    });
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(p)
        .allege(&[2], "B6");
    g.ok(
        AA,
        Command::RecordMatter {
            assessment: Default::default(),
        },
    )
    .ok(AA, Command::StartLocalInvestigation);
    g.refused(
        AA,
        severity(2, Severity::Misconduct, Form::Meeting),
        Rule::SeverityForm,
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Hearing))
        .ok(
            AA,
            Command::ServeNotice {
                subject: PartyId(2),
            },
        );
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::Misconduct);
    g.refused(
        AA,
        propose(2, Action::Proceedings(Form::Meeting)),
        Rule::ProceedingsForm,
    );
    g.ok(AA, propose(2, Action::Proceedings(Form::Hearing)));
    g.ok(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 6, 1),
        },
    );
    // With the live warning, reduction in rank is open for misconduct.
    g.ok(
        AA,
        Command::ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::ReductionInRank),
            unconnected_incidents: false,
        },
    );
}

#[test]
fn evidence_and_chain_of_custody() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "phone".into(),
            sha256: Some("abc".into()),
            custodian: "DC Lee".into(),
        },
        Rule::BadDigest,
    );
    g.ok(
        AA,
        Command::ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "phone".into(),
            sha256: Some("A".repeat(64)),
            custodian: "DC Lee".into(),
        },
    );
    assert_eq!(
        g.case.investigation.as_ref().unwrap().exhibits["X/1"]
            .sha256
            .as_deref(),
        Some("a".repeat(64).as_str())
    );
    g.refused(
        AA,
        Command::ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "again".into(),
            sha256: None,
            custodian: "DC Lee".into(),
        },
        Rule::DuplicateExhibit,
    );
    g.refused(
        AA,
        Command::TransferCustody {
            exhibit: "X/2".into(),
            from: "DC Lee".into(),
            to: "Lab".into(),
            purpose: "p".into(),
        },
        Rule::UnknownExhibit,
    );
    g.refused(
        AA,
        Command::TransferCustody {
            exhibit: "X/1".into(),
            from: "Someone".into(),
            to: "Lab".into(),
            purpose: "p".into(),
        },
        Rule::CustodyBroken,
    );
    g.ok(
        AA,
        Command::TransferCustody {
            exhibit: "X/1".into(),
            from: "DC Lee".into(),
            to: "Lab".into(),
            purpose: "examination".into(),
        },
    );
    g.refused(
        AA,
        Command::TransferCustody {
            exhibit: "X/1".into(),
            from: "DC Lee".into(),
            to: "Store".into(),
            purpose: "p".into(),
        },
        Rule::CustodyBroken,
    );
    let x = &g.case.investigation.as_ref().unwrap().exhibits["X/1"];
    assert_eq!(x.custodian, "Lab");
    assert_eq!(x.custody.len(), 1);
}

#[test]
fn opinions_need_a_report_and_determinations_must_be_complete() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .add_officer(profile());
    g.allege(&[2, 3], "B6").allege(&[2], "A1");
    g.ok(
        AA,
        Command::RecordMatter {
            assessment: Default::default(),
        },
    )
    .ok(AA, Command::StartLocalInvestigation);
    g.refused(
        AA,
        Command::GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::Misconduct),
        },
        Rule::OpinionBeforeReport,
    );
    g.refused(
        AA,
        Command::Determine { findings: vec![] },
        Rule::WrongStage,
    );
    let mut g = g.reported(AA);
    g.refused(
        AA,
        Command::GiveOpinion {
            finding: finding(3, 2, CaseToAnswer::Misconduct),
        },
        Rule::SubjectNotOnAllegation,
    );
    g.ok(
        AA,
        Command::GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::Misconduct),
        },
    );
    g.refused(
        AA,
        Command::AddAllegation {
            subjects: vec![],
            category: CategoryCode::parse("A1").unwrap(),
            description: "late".into(),
        },
        Rule::AllegationsFixed,
    );
    let all = vec![
        finding(2, 1, CaseToAnswer::Misconduct),
        finding(2, 2, CaseToAnswer::NoCaseToAnswer),
        finding(3, 1, CaseToAnswer::NoCaseToAnswer),
    ];
    g.refused(
        AA,
        Command::Determine {
            findings: all[..2].to_vec(),
        },
        Rule::DeterminationIncomplete,
    );
    let mut twice = all.clone();
    twice.push(all[0].clone());
    g.refused(
        AA,
        Command::Determine { findings: twice },
        Rule::DeterminationIncomplete,
    );
    let mut stray = all.clone();
    stray.push(finding(3, 2, CaseToAnswer::NoCaseToAnswer));
    g.refused(
        AA,
        Command::Determine { findings: stray },
        Rule::DeterminationIncomplete,
    );
    g.refused(
        IOPC,
        Command::Determine {
            findings: all.clone(),
        },
        Rule::WrongBody,
    );
    g.ok(AA, Command::Determine { findings: all });
    assert_eq!(g.status(), Status::Determined);
    // The opinion survives beside the determination.
    let inv = g.case.investigation.as_ref().unwrap();
    assert_eq!(inv.opinions.len(), 1);
    assert_eq!(inv.determinations.len(), 3);
}

#[test]
fn oversight_body_agrees_recommends_or_directs() {
    let g = Given::investigating_independently().reported(IOPC);
    let mut g = g.determined(IOPC, CaseToAnswer::Misconduct);
    g.refused(IOPC, Command::NotifyOutcome, Rule::OutcomeNotReady);
    g.refused(
        AA,
        Command::ProposeAction {
            proposals: vec![],
            rationale: "none".into(),
        },
        Rule::ProposalIncomplete,
    );
    g.refused(
        AA,
        propose(2, Action::Proceedings(Form::Hearing)),
        Rule::ProceedingsForm,
    );
    g.refused(
        IOPC,
        Command::AnswerProposal {
            response: ProposalResponse::Agree,
            rationale: "r".into(),
        },
        Rule::NothingToAnswer,
    );
    g.ok(AA, propose(2, Action::NoAction));
    assert_eq!(
        g.status(),
        Status::Determined,
        "awaiting the oversight body"
    );
    g.refused(
        AA,
        Command::AnswerProposal {
            response: ProposalResponse::Agree,
            rationale: "r".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::AnswerProposal {
            response: ProposalResponse::Recommend(vec![Proposal {
                subject: PartyId(2),
                action: Action::Proceedings(Form::Meeting),
            }]),
            rationale: "proceedings warranted".into(),
        },
    );
    g.ok(
        AA,
        Command::AnswerRecommendation {
            accepted: false,
            rationale: "disagree".into(),
        },
    );
    assert!(matches!(
        g.case.investigation.as_ref().unwrap().proposal,
        ProposalStage::Proposed(_)
    ));
    g.ok(
        IOPC,
        Command::AnswerProposal {
            response: ProposalResponse::Direct(vec![Proposal {
                subject: PartyId(2),
                action: Action::Proceedings(Form::Meeting),
            }]),
            rationale: "directed".into(),
        },
    );
    assert_eq!(g.status(), Status::ActionsInProgress);
    assert_eq!(
        g.case.investigation.as_ref().unwrap().settled[&PartyId(2)],
        Action::Proceedings(Form::Meeting)
    );
    g.refused(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 9, 1),
        },
        Rule::ProceedingsForm,
    );
    g.ok(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: date(2023, 9, 1),
        },
    );
}

#[test]
fn local_proposals_settle_without_oversight() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.refused(
        AA,
        propose(2, Action::Proceedings(Form::Meeting)),
        Rule::ProceedingsWithoutCaseToAnswer,
    );
    // No case to answer: nothing to settle, the outcome can go.
    g.ok(AA, Command::NotifyOutcome);
    let right = g.case.review_right.unwrap();
    assert_eq!(right.kind, ReviewKind::LocalInvestigation);
    assert_eq!(right.body, ReviewBody::LocalPolicingBody);
}

fn in_proceedings(form: Form, cta: CaseToAnswer) -> Given {
    let mut g = Given::investigating_locally();
    if cta == CaseToAnswer::GrossMisconduct {
        g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    }
    let mut g = g.reported(AA).determined(AA, cta);
    g.ok(AA, propose(2, Action::Proceedings(form)));
    g.ok(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form,
            allegations: vec![AllegationId(1)],
            on: date(2023, 6, 1),
        },
    );
    g
}

fn conclude(finding: ProvenFinding, sanction: Option<Sanction>) -> Command {
    Command::ConcludeProceedings {
        proceedings: ProceedingsId(1),
        findings: vec![(AllegationId(1), finding)],
        sanction,
        unconnected_incidents: false,
    }
}

#[test]
fn proceedings_sanctions_follow_the_form() {
    let mut g = in_proceedings(Form::Meeting, CaseToAnswer::Misconduct);
    g.refused(
        AA,
        conclude(
            ProvenFinding::Misconduct,
            Some(Sanction::DismissalWithoutNotice),
        ),
        Rule::SanctionBeyondMeeting,
    );
    g.refused(
        AA,
        conclude(ProvenFinding::GrossMisconduct, None),
        Rule::MeetingCannotFindGrossMisconduct,
    );
    g.refused(
        AA,
        conclude(ProvenFinding::NotProven, Some(Sanction::WrittenWarning)),
        Rule::SanctionWithoutFinding,
    );
    g.refused(
        AA,
        Command::ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![],
            sanction: None,
            unconnected_incidents: false,
        },
        Rule::FindingsIncomplete,
    );
    g.refused(
        AA,
        Command::ConcludeProceedings {
            proceedings: ProceedingsId(7),
            findings: vec![],
            sanction: None,
            unconnected_incidents: false,
        },
        Rule::UnknownProceedings,
    );
    g.ok(
        AA,
        conclude(
            ProvenFinding::Misconduct,
            Some(Sanction::FinalWrittenWarning),
        ),
    );
    g.refused(
        AA,
        conclude(ProvenFinding::Misconduct, None),
        Rule::ProceedingsConcluded,
    );
    g.refused(
        AA,
        Command::ReferToBarredList {
            subject: PartyId(2),
        },
        Rule::BarredListNeedsDismissal,
    );
}

#[test]
fn reduction_in_rank_for_misconduct_needs_fww_or_unconnected_incidents() {
    // Misconduct without a live final written warning goes to a meeting; via gross misconduct
    // at a hearing the panel may find misconduct only.
    let mut g = in_proceedings(Form::Hearing, CaseToAnswer::GrossMisconduct);
    g.refused(
        AA,
        conclude(ProvenFinding::Misconduct, Some(Sanction::ReductionInRank)),
        Rule::SevereSanctionForMisconduct,
    );
    g.refused(
        AA,
        conclude(
            ProvenFinding::GrossMisconduct,
            Some(Sanction::WrittenWarning),
        ),
        Rule::WrittenWarningForGrossMisconduct,
    );
    g.ok(
        AA,
        Command::ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::ReductionInRank),
            unconnected_incidents: true,
        },
    );
}

#[test]
fn dismissal_appeal_and_barred_list() {
    let mut g = in_proceedings(Form::Hearing, CaseToAnswer::GrossMisconduct);
    g.refused(
        AA,
        Command::LodgeAppeal {
            proceedings: ProceedingsId(1),
        },
        Rule::AppealNotOpen,
    );
    g.ok(
        AA,
        conclude(
            ProvenFinding::GrossMisconduct,
            Some(Sanction::DismissalWithoutNotice),
        ),
    );
    g.ok(
        AA,
        Command::LodgeAppeal {
            proceedings: ProceedingsId(1),
        },
    );
    assert!(
        !crate::publication::all_associated_proceedings_complete(&g.case),
        "an appeal keeps proceedings open"
    );
    g.refused(
        AA,
        Command::ReferToBarredList {
            subject: PartyId(2),
        },
        Rule::BarredListNeedsDismissal,
    );
    g.refused(
        AA,
        Command::DetermineAppeal {
            proceedings: ProceedingsId(1),
            outcome: AppealOutcome::Substituted(Some(Sanction::WouldHaveBeenDismissed)),
        },
        Rule::FormerOfficerSanction,
    );
    g.ok(
        AA,
        Command::DetermineAppeal {
            proceedings: ProceedingsId(1),
            outcome: AppealOutcome::Confirmed,
        },
    );
    g.ok(
        AA,
        Command::ReferToBarredList {
            subject: PartyId(2),
        },
    );
    g.refused(
        AA,
        Command::ReferToBarredList {
            subject: PartyId(2),
        },
        Rule::WrongStage,
    );
    assert!(crate::publication::all_associated_proceedings_complete(
        &g.case
    ));
}

#[test]
fn reflective_practice_moves_forward_and_its_report_is_complete() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.refused(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Notified,
        },
        Rule::ReflectivePracticeNotReferred,
    );
    g.ok(AA, propose(2, Action::ReflectivePractice));
    g.ok(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Notified,
        },
    );
    g.refused(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Closed,
        },
        Rule::ReflectiveStageOrder,
    );
    g.refused(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Referred,
        },
        Rule::ReflectiveStageOrder,
    );
    let report = ReflectiveReport {
        issue_summary: "issue".into(),
        discussion_summary: "discussion".into(),
        actions: vec![ReflectiveAction {
            action: "training".into(),
            by: date(2023, 9, 1),
        }],
        lessons_for_officer: "lesson".into(),
        lessons_for_organisation: String::new(),
        review_period_months: 6,
    };
    g.refused(
        AA,
        Command::AgreeReflectiveReport {
            subject: PartyId(2),
            report: report.clone(),
        },
        Rule::ReflectiveStageOrder,
    );
    g.ok(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Discussion,
        },
    );
    g.refused(
        AA,
        Command::AgreeReflectiveReport {
            subject: PartyId(2),
            report: report.clone(),
        },
        Rule::ReflectiveReportIncomplete,
    );
    let complete = ReflectiveReport {
        lessons_for_organisation: "org lesson".into(),
        ..report
    };
    g.ok(
        AA,
        Command::AgreeReflectiveReport {
            subject: PartyId(2),
            report: complete,
        },
    );
    g.ok(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Closed,
        },
    );
    g.refused(
        AA,
        Command::ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::EscalatedToFormal,
        },
        Rule::ReflectiveStageOrder,
    );
}

#[test]
fn prosecutors_and_publication_gate() {
    let g = Given::investigating_independently().reported(IOPC);
    let mut g = g.determined(IOPC, CaseToAnswer::NoCaseToAnswer);
    g.refused(
        IOPC,
        Command::ConcludeCriminalProceedings {
            subject: PartyId(2),
            outcome: CriminalOutcome::Acquitted,
        },
        Rule::ProsecutionNotReferred,
    );
    g.ok(
        IOPC,
        Command::ReferToProsecutors {
            subject: PartyId(2),
        },
    );
    let publish = Command::Publish {
        title: "t".into(),
        summary: "s".into(),
        tags: vec![],
    };
    g.refused(IOPC, publish.clone(), Rule::ProceedingsOpen);
    g.after(200).ok(
        AA,
        Command::ConcludeCriminalProceedings {
            subject: PartyId(2),
            outcome: CriminalOutcome::Acquitted,
        },
    );
    g.refused(AA, publish.clone(), Rule::WrongBody);
    g.ok(IOPC, publish.clone());
    g.refused(IOPC, publish, Rule::AlreadyPublished);
}

#[test]
fn learning_recommendations_and_responses() {
    let mut g = Given::investigating_independently();
    g.refused(
        IOPC,
        Command::MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        },
        Rule::RecommendationTooEarly,
    );
    let mut g = g.reported(IOPC);
    g.refused(
        AA,
        Command::MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        },
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "Review training on vulnerable victims.".into(),
        },
    );
    g.refused(
        AA,
        Command::RecordLearningResponse {
            recommendation: RecommendationId(2),
            accepted: Acceptance::Accepted,
            narrative: "n".into(),
        },
        Rule::UnknownRecommendation,
    );
    g.ok(
        AA,
        Command::RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::Accepted,
            narrative: "Training revised.".into(),
        },
    );
    g.refused(
        AA,
        Command::RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::NotAccepted,
            narrative: "n".into(),
        },
        Rule::RecommendationAnswered,
    );
    g.refused(
        IOPC,
        Command::RecordNoLearning {
            rationale: "none".into(),
        },
        Rule::WrongStage,
    );
}

#[test]
fn updates_go_to_complainants_and_interested_persons() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::UpdateParty {
            party: PartyId(2),
            kind: UpdateKind::Progress,
        },
        Rule::NotEntitledToUpdates,
    );
    g.ok(
        AA,
        Command::UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        },
    );
    assert_eq!(g.case.updates.len(), 1);
}

/// A locally investigated complaint with the outcome notified: a review right to the LPB.
fn outcome_notified_locally() -> Given {
    let mut g = Given::investigating_locally()
        .reported(AA)
        .determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(AA, Command::NotifyOutcome);
    g
}

#[test]
fn review_only_by_the_complainant_in_time_and_decided_by_the_right_body() {
    let mut g = outcome_notified_locally();
    let right = g.case.review_right.unwrap();
    assert_eq!(
        right.deadline,
        g.day.checked_add(jiff::Span::new().days(28)).unwrap()
    );
    g.refused(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(2),
            late_reason: None,
            forwarding_days: 0,
        },
        Rule::ReviewApplicantNotComplainant,
    );
    g.refused(AA, Command::Close, Rule::ReviewWindowOpen);
    g.after(29);
    g.refused(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 0,
        },
        Rule::ReviewOutOfTime,
    );
    g.ok(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: Some("in hospital".into()),
            forwarding_days: 0,
        },
    );
    assert_eq!(g.status(), Status::UnderReview);
    g.refused(
        IOPC,
        Command::DecideReview {
            upheld: false,
            recommendations: vec![],
            reinvestigation: None,
        },
        Rule::WrongBody,
    );
    g.refused(
        LPB,
        Command::DecideReview {
            upheld: true,
            recommendations: vec![],
            reinvestigation: Some(InvestigationMode::Independent),
        },
        Rule::WrongBody,
    );
    g.ok(
        LPB,
        Command::DecideReview {
            upheld: true,
            recommendations: vec!["re-consider".into()],
            reinvestigation: None,
        },
    );
    assert_eq!(
        g.status(),
        Status::Recorded,
        "upheld: the authority decides afresh"
    );
}

#[test]
fn review_not_upheld_closes_and_window_expiry_allows_closure() {
    let mut g = outcome_notified_locally();
    g.ok(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 0,
        },
    );
    g.ok(
        LPB,
        Command::DecideReview {
            upheld: false,
            recommendations: vec![],
            reinvestigation: None,
        },
    );
    assert_eq!(g.status(), Status::Closed);
    let mut h = outcome_notified_locally();
    h.after(29).ok(AA, Command::Close);
    assert_eq!(h.status(), Status::Closed);
}

#[test]
fn referred_cases_are_reviewed_by_the_oversight_body_and_may_be_reinvestigated() {
    let mut g = Given::recorded("B6");
    g.ok(
        AA,
        Command::Refer {
            basis: ReferralBasis::Voluntary,
        },
    );
    g.ok(
        IOPC,
        Command::DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Local),
            rationale: "local".into(),
        },
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting))
        .ok(
            AA,
            Command::ServeNotice {
                subject: PartyId(2),
            },
        );
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(AA, Command::NotifyOutcome);
    assert_eq!(g.case.review_right.unwrap().body, ReviewBody::OversightBody);
    g.ok(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 0,
        },
    );
    g.ok(
        IOPC,
        Command::DecideReview {
            upheld: true,
            recommendations: vec![],
            reinvestigation: Some(InvestigationMode::Independent),
        },
    );
    assert_eq!(g.status(), Status::UnderInvestigation);
    assert_eq!(g.case.earlier_investigations.len(), 1);
    let inv = g.case.investigation.as_ref().unwrap();
    assert!(inv.reinvestigation && inv.determinations.is_empty());
}

#[test]
fn handled_otherwise_gives_para_6a_review() {
    let mut g = Given::recorded("A3");
    g.ok(
        AA,
        Command::HandleOtherwiseThanByInvestigation {
            rationale: "proportionate".into(),
        },
    );
    g.ok(AA, Command::NotifyOutcome);
    assert_eq!(
        g.case.review_right.unwrap().kind,
        ReviewKind::OtherwiseThanInvestigation
    );
}

#[test]
fn reinvestigation_follows_an_oversight_report_only() {
    let mut g = Given::investigating_locally().reported(AA);
    g.refused(
        IOPC,
        Command::OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "r".into(),
        },
        Rule::ReinvestigationNotOpen,
    );
    let mut h = Given::investigating_independently().reported(IOPC);
    h.refused(
        AA,
        Command::OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "r".into(),
        },
        Rule::WrongBody,
    );
    h.refused(
        IOPC,
        Command::OrderReinvestigation {
            mode: InvestigationMode::Local,
            reason: "r".into(),
        },
        Rule::ReinvestigationNotOpen,
    );
    h.ok(
        IOPC,
        Command::OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "new evidence".into(),
        },
    );
    assert_eq!(h.status(), Status::UnderInvestigation);
}

#[test]
fn withdrawal_ends_the_complaint() {
    let mut g = Given::investigating_locally();
    g.ok(
        AA,
        Command::Withdraw {
            continue_as_conduct_matter: true,
        },
    );
    assert_eq!(g.status(), Status::Withdrawn);
    g.refused(
        AA,
        Command::Withdraw {
            continue_as_conduct_matter: false,
        },
        Rule::WrongStage,
    );
    g.refused(
        AA,
        Command::LogDecision {
            decision: "d".into(),
            rationale: "r".into(),
            acted: true,
        },
        Rule::WrongStage,
    );
}

#[test]
fn erasure_is_recorded_once_and_returns_the_party_to_erase() {
    let mut g = Given::investigating_locally();
    let d = decide(
        &g.case,
        &Command::ErasePersonalData {
            party: PartyId(1),
            reason: "retention period ended".into(),
        },
        &g.ctx(AA),
    )
    .unwrap();
    assert_eq!(d.erase, [PartyId(1)]);
    g.ok(
        AA,
        Command::ErasePersonalData {
            party: PartyId(1),
            reason: "retention period ended".into(),
        },
    );
    g.refused(
        AA,
        Command::ErasePersonalData {
            party: PartyId(1),
            reason: "again".into(),
        },
        Rule::PersonalDataErased,
    );
    assert!(g.case.parties[&PartyId(1)].erased);
}

#[test]
fn no_command_may_be_dated_before_the_matter() {
    let mut g = Given::investigating_locally();
    g.day = date(2020, 1, 1);
    g.refused(
        AA,
        Command::SubmitReport {
            summary: "s".into(),
        },
        Rule::DateOutOfRange,
    );
}

#[test]
fn every_event_kind_round_trips_through_json() {
    let mut salt = salts();
    let mut all = Vec::new();
    for n in 0..60 {
        for step in scenario::synthetic_case(n, &mut salt) {
            all.push(step);
        }
    }
    let mut kinds = std::collections::BTreeSet::new();
    let mut case = Case::default();
    let mut last_ref = None;
    for step in scenario::reference_case(&mut salt).into_iter().chain(all) {
        if let Command::LogMatter { reference, .. } = &step.command
            && last_ref.as_ref() != Some(reference)
        {
            case = Case::default();
            last_ref = Some(reference.clone());
        }
        if let Ok(d) = decide(&case, &step.command, &step.context) {
            for e in d.events {
                let json = serde_json::to_string(&e).unwrap();
                assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e, "{json}");
                kinds.insert(e.kind());
                case.apply(&e);
            }
        }
    }
    assert!(kinds.len() >= 30, "only {} kinds exercised", kinds.len());
}

#[test]
fn synthetic_cases_are_valid_and_deterministic() {
    for n in 0..200 {
        let a = scenario::synthetic_case(n, &mut salts());
        let b = scenario::synthetic_case(n, &mut salts());
        assert_eq!(a.len(), b.len());
        let mut case = Case::default();
        for step in &a {
            let d = decide(&case, &step.command, &step.context)
                .unwrap_or_else(|r| panic!("case {n} {}: {r}", step.command.name()));
            for e in &d.events {
                case.apply(e);
            }
        }
    }
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Turns a random tuple into a plausible command for the case as it stands, so that random
    /// sequences travel deep into the process instead of stopping at the first refusal.
    fn command_for(case: &Case, pick: u8, a: u8, b: u8, salt: u8) -> Command {
        let party = PartyId(1 + u32::from(a % 4));
        let subject = PartyId(2 + u32::from(a % 2));
        let allegation = AllegationId(1 + u32::from(b % 2));
        let cta = [
            CaseToAnswer::Misconduct,
            CaseToAnswer::GrossMisconduct,
            CaseToAnswer::NoCaseToAnswer,
        ][usize::from(b % 3)];
        let form = [Form::Meeting, Form::Hearing, Form::AcceleratedHearing][usize::from(a % 3)];
        let sanction = [
            None,
            Some(Sanction::WrittenWarning),
            Some(Sanction::FinalWrittenWarning),
            Some(Sanction::ReductionInRank),
            Some(Sanction::DismissalWithoutNotice),
        ][usize::from(b % 5)];
        let proven = [
            ProvenFinding::NotProven,
            ProvenFinding::Misconduct,
            ProvenFinding::GrossMisconduct,
            ProvenFinding::NeitherReflectivePractice,
        ][usize::from(a % 4)];
        let body_action = [
            Action::Proceedings(form),
            Action::ReflectivePractice,
            Action::NoAction,
            Action::UnsatisfactoryPerformance,
        ][usize::from(b % 4)];
        let all_findings = || {
            case.pairs()
                .into_iter()
                .map(|(s, al)| Finding {
                    subject: s,
                    allegation: al,
                    case_to_answer: if (s.0 + al.0 + u32::from(b)) % 2 == 0 {
                        cta
                    } else {
                        CaseToAnswer::NoCaseToAnswer
                    },
                    performance_unsatisfactory: false,
                    further_action: FurtherAction::None,
                    rationale: "r".into(),
                })
                .collect::<Vec<_>>()
        };
        match pick % 44 {
            0 => log_matter(
                if a.is_multiple_of(5) {
                    MatterKind::ConductMatter
                } else {
                    MatterKind::Complaint
                },
                date(2023, 1, 2),
            ),
            1 | 2 => Command::AddParty {
                role: match a % 4 {
                    0 => Role::Complainant {
                        basis: ComplainantBasis::DirectedAt,
                    },
                    1 | 2 => Role::Subject(SubjectProfile {
                        former: b.is_multiple_of(7),
                        ..profile()
                    }),
                    _ => Role::Witness,
                },
                vulnerabilities: vec![],
                personal_data: SealedPersonalData::new(
                    PersonalData {
                        name: "N".into(),
                        contact: None,
                        date_of_birth: None,
                        address: None,
                    },
                    [salt; 16],
                ),
            },
            3 | 4 => Command::AddAllegation {
                subjects: vec![subject],
                category: CategoryCode::parse(["A1", "B6", "G2", "J2"][usize::from(b % 4)])
                    .unwrap(),
                description: "d".into(),
            },
            5 => Command::HandleOutsideSchedule3 {
                assessment: HandlingAssessment {
                    might_justify_proceedings: a.is_multiple_of(2),
                    article_2_or_3: false,
                },
                rationale: "r".into(),
            },
            6 => Command::RecordMatter {
                assessment: Default::default(),
            },
            7 => Command::Refer {
                basis: [
                    ReferralBasis::Voluntary,
                    ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
                    ReferralBasis::CalledIn,
                ][usize::from(a % 3)],
            },
            8 => Command::DecideReferral {
                decision: [
                    ReferralDecision::Investigate(InvestigationMode::Independent),
                    ReferralDecision::Investigate(InvestigationMode::Directed),
                    ReferralDecision::Investigate(InvestigationMode::Local),
                    ReferralDecision::ReturnToAppropriateAuthority,
                ][usize::from(a % 4)],
                rationale: "r".into(),
            },
            9 => Command::StartLocalInvestigation,
            10 => Command::HandleOtherwiseThanByInvestigation {
                rationale: "r".into(),
            },
            11 => Command::AssessSeverity {
                subject,
                severity: if a.is_multiple_of(2) {
                    Severity::Misconduct
                } else {
                    Severity::GrossMisconduct
                },
                likely_form: form,
                rationale: "r".into(),
            },
            12 => Command::ServeNotice { subject },
            13 => Command::RecordInterview {
                party,
                under_caution: a.is_multiple_of(2),
                summary: "s".into(),
            },
            14 => Command::Suspend { reason: "r".into() },
            15 => Command::Resume,
            16 | 17 => Command::SubmitReport {
                summary: "s".into(),
            },
            18 => Command::GiveOpinion {
                finding: Finding {
                    subject,
                    allegation,
                    case_to_answer: cta,
                    performance_unsatisfactory: false,
                    further_action: FurtherAction::None,
                    rationale: "r".into(),
                },
            },
            19 | 20 => Command::Determine {
                findings: all_findings(),
            },
            21 | 22 => Command::ProposeAction {
                proposals: case
                    .subjects()
                    .map(|p| Proposal {
                        subject: p.id,
                        action: body_action,
                    })
                    .collect(),
                rationale: "r".into(),
            },
            23 => Command::AnswerProposal {
                response: match a % 3 {
                    0 => ProposalResponse::Agree,
                    1 => ProposalResponse::Recommend(vec![Proposal {
                        subject,
                        action: body_action,
                    }]),
                    _ => ProposalResponse::Direct(vec![Proposal {
                        subject,
                        action: body_action,
                    }]),
                },
                rationale: "r".into(),
            },
            24 => Command::AnswerRecommendation {
                accepted: a.is_multiple_of(2),
                rationale: "r".into(),
            },
            25 => Command::ArrangeProceedings {
                subject,
                form,
                allegations: vec![allegation],
                on: date(2023, 6, 1),
            },
            26 => Command::ConcludeProceedings {
                proceedings: ProceedingsId(1 + u32::from(a % 2)),
                findings: vec![(allegation, proven)],
                sanction,
                unconnected_incidents: b.is_multiple_of(3),
            },
            27 => Command::LodgeAppeal {
                proceedings: ProceedingsId(1),
            },
            28 => Command::DetermineAppeal {
                proceedings: ProceedingsId(1),
                outcome: AppealOutcome::Confirmed,
            },
            29 => Command::ReferToProsecutors { subject },
            30 => Command::ConcludeCriminalProceedings {
                subject,
                outcome: CriminalOutcome::NoFurtherAction,
            },
            31 | 32 => Command::NotifyOutcome,
            33 => Command::ApplyForReview {
                applicant: party,
                late_reason: None,
                forwarding_days: 0,
            },
            34 => Command::DecideReview {
                upheld: a.is_multiple_of(2),
                recommendations: vec![],
                reinvestigation: None,
            },
            35 => Command::Close,
            36 => Command::Publish {
                title: "t".into(),
                summary: "s".into(),
                tags: vec![],
            },
            37 => Command::ReferToBarredList { subject },
            38 => Command::ProgressReflectivePractice {
                subject,
                stage: [
                    ReflectiveStage::Notified,
                    ReflectiveStage::Discussion,
                    ReflectiveStage::Closed,
                    ReflectiveStage::EscalatedToFormal,
                ][usize::from(a % 4)],
            },
            40 => Command::RecordLeavingService { subject },
            41 => Command::MakeLearningRecommendation {
                recipient: "Kent Police".into(),
                text: "t".into(),
            },
            42 => Command::ExtendResponsePeriod {
                recommendation: RecommendationId(1),
                until: date(2027, 1, 1),
            },
            _ => Command::OrderReinvestigation {
                mode: InvestigationMode::Independent,
                reason: "r".into(),
            },
        }
    }

    fn check_invariants(case: &Case, log: &[Event]) -> Result<(), TestCaseError> {
        prop_assert_eq!(case.version as usize, log.len());
        for a in case.allegations.values() {
            for s in &a.subjects {
                prop_assert!(
                    case.parties
                        .get(s)
                        .is_some_and(|p| p.subject_profile().is_some()),
                    "allegation names a non-subject"
                );
            }
        }
        if let Some(inv) = &case.investigation {
            if inv.determined.is_some() {
                let pairs: Vec<_> = inv.determinations.keys().copied().collect();
                prop_assert_eq!(
                    pairs,
                    case.pairs(),
                    "determinations cover exactly every pair"
                );
                prop_assert!(inv.report_on.is_some(), "no determination without a report");
            }
            prop_assert!(
                inv.opinions.is_empty() || inv.report_on.is_some(),
                "no opinion without a report"
            );
            for (s, action) in &inv.settled {
                if let Action::Proceedings(_) = action {
                    prop_assert!(
                        inv.determinations
                            .iter()
                            .any(|((ds, _), f)| ds == s && f.case_to_answer.is_case_to_answer())
                    );
                }
            }
        }
        for p in case.proceedings.values() {
            if p.concluded_on.is_some() && p.sanction.is_some() {
                prop_assert!(p.findings.iter().any(|(_, f)| matches!(
                    f,
                    ProvenFinding::Misconduct | ProvenFinding::GrossMisconduct
                )));
                if p.form == Form::Meeting {
                    prop_assert!(matches!(
                        p.sanction,
                        Some(Sanction::WrittenWarning | Sanction::FinalWrittenWarning)
                    ));
                }
            }
        }
        prop_assert_eq!(
            case.status == Status::Closed,
            case.closed_on.is_some() && case.status == Status::Closed
        );
        Ok(())
    }

    /// The random walk reaches deep stages, so the property above is not vacuous.
    #[test]
    fn random_walks_reach_the_late_stages() {
        let mut reached = std::collections::HashSet::new();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        };
        for _ in 0..400 {
            let mut case = Case::default();
            let mut day = date(2023, 1, 2);
            let first = log_matter(MatterKind::Complaint, day);
            for e in decide(
                &case,
                &first,
                &Context::new(morning(day), "t", Body::AppropriateAuthority),
            )
            .unwrap()
            .events
            {
                case.apply(&e);
            }
            for i in 0..150u32 {
                day = day
                    .checked_add(jiff::Span::new().days(i64::from(next() % 20)))
                    .unwrap();
                let body = [
                    Body::AppropriateAuthority,
                    Body::OversightBody,
                    Body::LocalPolicingBody,
                ][usize::from(next() % 3)];
                let command = command_for(&case, next(), next(), next(), i as u8);
                if let Ok(d) = decide(&case, &command, &Context::new(morning(day), "t", body)) {
                    for e in d.events {
                        case.apply(&e);
                    }
                }
                reached.insert(case.status);
            }
        }
        for s in [
            Status::UnderInvestigation,
            Status::ReportSubmitted,
            Status::Determined,
            Status::ActionsInProgress,
            Status::OutcomeNotified,
            Status::Closed,
        ] {
            assert!(
                reached.contains(&s),
                "random walks never reached {s:?}: {reached:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn random_command_sequences_keep_the_invariants(steps in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), 0u8..3, 0u8..20), 1..120)) {
            let mut case = Case::default();
            let mut log: Vec<Event> = Vec::new();
            let mut day = date(2023, 1, 2);
            for (i, (pick, a, b, body, advance)) in steps.into_iter().enumerate() {
                day = day.checked_add(jiff::Span::new().days(i64::from(advance))).unwrap();
                let body = [Body::AppropriateAuthority, Body::OversightBody, Body::LocalPolicingBody][usize::from(body)];
                // Give the sequence a case to work on.
                let command = if i == 0 { log_matter(MatterKind::Complaint, date(2023, 1, 2)) } else { command_for(&case, pick, a, b, i as u8) };
                let ctx = Context::new(morning(day), "tester", if i == 0 { Body::AppropriateAuthority } else { body });
                let before = case.clone();
                match decide(&case, &command, &ctx) {
                    Ok(d) => {
                        if let Some(Event::SummaryPublished { .. }) = d.events.first() {
                            prop_assert!(crate::publication::all_associated_proceedings_complete(&case));
                        }
                        for e in d.events {
                            case.apply(&e);
                            log.push(e);
                        }
                    }
                    Err(_) => prop_assert_eq!(&case, &before),
                }
                check_invariants(&case, &log)?;
            }
            // Replaying the log gives the same state.
            prop_assert_eq!(Case::replay(&log), case);
        }
    }
}

#[test]
fn leaving_the_service_under_investigation_puts_the_subject_on_the_advisory_list() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::RecordLeavingService {
            subject: PartyId(1),
        },
        Rule::NotASubject,
    );
    g.ok(
        AA,
        Command::RecordLeavingService {
            subject: PartyId(2),
        },
    );
    assert_eq!(g.case.advisory_list, [PartyId(2)]);
    assert!(
        g.case.parties[&PartyId(2)]
            .subject_profile()
            .unwrap()
            .former
    );
    g.refused(
        AA,
        Command::RecordLeavingService {
            subject: PartyId(2),
        },
        Rule::AlreadyFormer,
    );
    // Former-officer proceedings: only "would have been dismissed" is open.
    g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::GrossMisconduct);
    g.ok(AA, propose(2, Action::Proceedings(Form::Hearing)));
    g.ok(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 7, 1),
        },
    );
    g.refused(
        AA,
        conclude(
            ProvenFinding::GrossMisconduct,
            Some(Sanction::DismissalWithoutNotice),
        ),
        Rule::FormerOfficerSanction,
    );
    g.ok(
        AA,
        conclude(
            ProvenFinding::GrossMisconduct,
            Some(Sanction::WouldHaveBeenDismissed),
        ),
    );
    g.ok(
        AA,
        Command::ReferToBarredList {
            subject: PartyId(2),
        },
    );
}

#[test]
fn a_subject_who_leaves_after_no_case_to_answer_is_not_listed() {
    let mut g = Given::investigating_locally()
        .reported(AA)
        .determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(
        AA,
        Command::RecordLeavingService {
            subject: PartyId(2),
        },
    );
    assert!(g.case.advisory_list.is_empty());
}

#[test]
fn accelerated_hearings_follow_special_conditions_for_gross_misconduct() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        severity(2, Severity::Misconduct, Form::AcceleratedHearing),
        Rule::SeverityForm,
    );
    g.ok(
        AA,
        severity(2, Severity::GrossMisconduct, Form::AcceleratedHearing),
    );
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::GrossMisconduct);
    g.ok(
        AA,
        propose(2, Action::Proceedings(Form::AcceleratedHearing)),
    );
    g.ok(
        AA,
        Command::ArrangeProceedings {
            subject: PartyId(2),
            form: Form::AcceleratedHearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 4, 20),
        },
    );
    g.ok(
        AA,
        conclude(
            ProvenFinding::GrossMisconduct,
            Some(Sanction::DismissalWithoutNotice),
        ),
    );
    assert_eq!(
        g.case.proceedings[&ProceedingsId(1)].final_sanction(),
        Some(Sanction::DismissalWithoutNotice)
    );
}

#[test]
fn response_periods_extend_within_time_and_responses_are_published_once() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "Review supervision of informant contact.".into(),
        },
    );
    let made = g.day;
    let due = g.case.recommendations[&RecommendationId(1)].response_due;
    assert_eq!(
        due,
        made.checked_add(jiff::Span::new().days(55)).unwrap(),
        "56 days beginning with the day made"
    );
    g.refused(
        IOPC,
        Command::PublishLearningResponse {
            recommendation: RecommendationId(1),
        },
        Rule::ResponseNotReceived,
    );
    g.refused(
        AA,
        Command::ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: date(2024, 1, 1),
        },
        Rule::WrongBody,
    );
    g.refused(
        IOPC,
        Command::ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: due,
        },
        Rule::DateOutOfRange,
    );
    let later = due.checked_add(jiff::Span::new().days(28)).unwrap();
    g.after(50).ok(
        IOPC,
        Command::ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: later,
        },
    );
    assert_eq!(
        g.case.recommendations[&RecommendationId(1)].response_due,
        later
    );
    g.after(30).ok(
        AA,
        Command::RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::PartiallyAccepted,
            narrative: "Supervision policy revised.".into(),
        },
    );
    g.ok(
        IOPC,
        Command::PublishLearningResponse {
            recommendation: RecommendationId(1),
        },
    );
    g.refused(
        IOPC,
        Command::PublishLearningResponse {
            recommendation: RecommendationId(1),
        },
        Rule::ResponseNotReceived,
    );
}

#[test]
fn time_spent_forwarding_a_misdirected_review_is_excluded() {
    let mut g = outcome_notified_locally();
    g.after(33);
    g.refused(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 3,
        },
        Rule::ReviewOutOfTime,
    );
    g.ok(
        AA,
        Command::ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarding_days: 5,
        },
    );
    assert!(g.case.reviews[0].late_reason.is_none());
}

#[test]
fn restriction_keeps_its_restrictor_on_the_team() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::LiftRestriction {
            explanation: "x".into(),
        },
        Rule::TeamChange,
    );
    g.ok(
        AA,
        Command::RestrictCase {
            reason: RestrictionReason::InformantInvolvement,
            explanation: "informant named".into(),
        },
    );
    assert_eq!(g.case.team, ["AppropriateAuthority"]);
    assert!(crate::access::CaseAccess::of(&g.case).restricted);
    g.refused(
        AA,
        Command::RestrictCase {
            reason: RestrictionReason::Other,
            explanation: "again".into(),
        },
        Rule::TeamChange,
    );
    g.refused(
        AA,
        Command::RemoveFromTeam {
            user: "AppropriateAuthority".into(),
        },
        Rule::TeamChange,
    );
    g.ok(
        AA,
        Command::AssignToTeam {
            user: "jo.investigator".into(),
        },
    );
    g.refused(
        AA,
        Command::AssignToTeam {
            user: "jo.investigator".into(),
        },
        Rule::TeamChange,
    );
    g.refused(
        AA,
        Command::AssignToTeam {
            user: "two words".into(),
        },
        Rule::TeamChange,
    );
    let yesterday = g.day.yesterday().unwrap();
    g.refused(
        AA,
        Command::GrantAccess {
            user: "lee.reviewer".into(),
            until: yesterday,
            reason: "review".into(),
        },
        Rule::DateOutOfRange,
    );
    let next_week = g.day.checked_add(jiff::Span::new().days(7)).unwrap();
    g.refused(
        AA,
        Command::GrantAccess {
            user: "lee.reviewer".into(),
            until: next_week,
            reason: " ".into(),
        },
        Rule::MissingText,
    );
    g.ok(
        AA,
        Command::GrantAccess {
            user: "lee.reviewer".into(),
            until: next_week,
            reason: "second opinion on severity".into(),
        },
    );
    let access = crate::access::CaseAccess::of(&g.case);
    assert!(access.is_insider("lee.reviewer", next_week));
    assert!(!access.is_insider("lee.reviewer", next_week.tomorrow().unwrap()));
    g.ok(
        AA,
        Command::LiftRestriction {
            explanation: "informant no longer at risk".into(),
        },
    );
    assert!(!crate::access::CaseAccess::of(&g.case).restricted);
}
