//! Opinions, determinations, proposals, proceedings, sanctions, appeals, reflective practice, leaving the service.

use super::*;

#[test]
fn opinions_need_a_report_and_determinations_must_be_complete() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .add_officer(profile());
    g.allege(&[2, 3], "B6").allege(&[2], "A1");
    g.record_and_investigate_locally();
    g.refused(
        AA,
        Command::GiveOpinion(GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::Misconduct),
        }),
        Rule::OpinionBeforeReport,
    );
    g.refused(
        AA,
        Command::Determine(Determine { findings: vec![] }),
        Rule::WrongStage,
    );
    let mut g = g.reported(AA);
    g.refused(
        AA,
        Command::GiveOpinion(GiveOpinion {
            finding: finding(3, 2, CaseToAnswer::Misconduct),
        }),
        Rule::SubjectNotOnAllegation,
    );
    g.ok(
        AA,
        Command::GiveOpinion(GiveOpinion {
            finding: finding(2, 1, CaseToAnswer::Misconduct),
        }),
    );
    g.refused(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![],
            category: CategoryCode::parse("A1").unwrap(),
            description: "late".into(),
            conduct_matter: None,
        }),
        Rule::AllegationsFixed,
    );
    let all = vec![
        finding(2, 1, CaseToAnswer::Misconduct),
        finding(2, 2, CaseToAnswer::NoCaseToAnswer),
        finding(3, 1, CaseToAnswer::NoCaseToAnswer),
    ];
    g.refused(
        AA,
        Command::Determine(Determine {
            findings: all[..2].to_vec(),
        }),
        Rule::DeterminationIncomplete,
    );
    let mut twice = all.clone();
    twice.push(all[0].clone());
    g.refused(
        AA,
        Command::Determine(Determine { findings: twice }),
        Rule::DeterminationIncomplete,
    );
    let mut stray = all.clone();
    stray.push(finding(3, 2, CaseToAnswer::NoCaseToAnswer));
    g.refused(
        AA,
        Command::Determine(Determine { findings: stray }),
        Rule::DeterminationIncomplete,
    );
    g.refused(
        IOPC,
        Command::Determine(Determine {
            findings: all.clone(),
        }),
        Rule::WrongBody,
    );
    g.ok(AA, Command::Determine(Determine { findings: all }));
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
    g.refused(
        IOPC,
        Command::NotifyOutcome(NotifyOutcome {}),
        Rule::OutcomeNotReady,
    );
    g.refused(
        AA,
        Command::ProposeAction(ProposeAction {
            proposals: vec![],
            rationale: "none".into(),
        }),
        Rule::ProposalIncomplete,
    );
    g.refused(
        AA,
        propose(2, Action::Proceedings(Form::Hearing)),
        Rule::ProceedingsForm,
    );
    g.refused(
        IOPC,
        Command::AnswerProposal(AnswerProposal {
            response: ProposalResponse::Agree,
            rationale: "r".into(),
        }),
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
        Command::AnswerProposal(AnswerProposal {
            response: ProposalResponse::Agree,
            rationale: "r".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::AnswerProposal(AnswerProposal {
            response: ProposalResponse::Recommend(vec![Proposal {
                subject: PartyId(2),
                action: Action::Proceedings(Form::Meeting),
            }]),
            rationale: "proceedings warranted".into(),
        }),
    );
    g.ok(
        AA,
        Command::AnswerRecommendation(AnswerRecommendation {
            accepted: false,
            rationale: "disagree".into(),
        }),
    );
    assert!(matches!(
        g.case.investigation.as_ref().unwrap().proposal,
        ProposalStage::Proposed(_)
    ));
    g.ok(
        IOPC,
        Command::AnswerProposal(AnswerProposal {
            response: ProposalResponse::Direct(vec![Proposal {
                subject: PartyId(2),
                action: Action::Proceedings(Form::Meeting),
            }]),
            rationale: "directed".into(),
        }),
    );
    assert_eq!(g.status(), Status::ActionsInProgress);
    assert_eq!(
        g.case.investigation.as_ref().unwrap().settled[&PartyId(2)],
        Action::Proceedings(Form::Meeting)
    );
    g.refused(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 9, 1),
        }),
        Rule::ProceedingsForm,
    );
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: date(2023, 9, 1),
        }),
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
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
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
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form,
            allegations: vec![AllegationId(1)],
            on: date(2023, 6, 1),
        }),
    );
    g
}

fn conclude(finding: ProvenFinding, sanction: Option<Sanction>) -> Command {
    Command::ConcludeProceedings(ConcludeProceedings {
        proceedings: ProceedingsId(1),
        findings: vec![(AllegationId(1), finding)],
        sanction,
        unconnected_incidents: false,
    })
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
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![],
            sanction: None,
            unconnected_incidents: false,
        }),
        Rule::FindingsIncomplete,
    );
    g.refused(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(7),
            findings: vec![],
            sanction: None,
            unconnected_incidents: false,
        }),
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
        Command::ReferToBarredList(ReferToBarredList {
            subject: PartyId(2),
        }),
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
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::ReductionInRank),
            unconnected_incidents: true,
        }),
    );
}

#[test]
fn dismissal_appeal_and_barred_list() {
    let mut g = in_proceedings(Form::Hearing, CaseToAnswer::GrossMisconduct);
    g.refused(
        AA,
        Command::LodgeAppeal(LodgeAppeal {
            proceedings: ProceedingsId(1),
        }),
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
        Command::LodgeAppeal(LodgeAppeal {
            proceedings: ProceedingsId(1),
        }),
    );
    assert!(
        !crate::publication::all_associated_proceedings_complete(&g.case),
        "an appeal keeps proceedings open"
    );
    g.refused(
        AA,
        Command::ReferToBarredList(ReferToBarredList {
            subject: PartyId(2),
        }),
        Rule::BarredListNeedsDismissal,
    );
    g.refused(
        AA,
        Command::DetermineAppeal(DetermineAppeal {
            proceedings: ProceedingsId(1),
            outcome: AppealOutcome::Substituted(Some(Sanction::WouldHaveBeenDismissed)),
        }),
        Rule::FormerOfficerSanction,
    );
    g.ok(
        AA,
        Command::DetermineAppeal(DetermineAppeal {
            proceedings: ProceedingsId(1),
            outcome: AppealOutcome::Confirmed,
        }),
    );
    g.ok(
        AA,
        Command::ReferToBarredList(ReferToBarredList {
            subject: PartyId(2),
        }),
    );
    g.refused(
        AA,
        Command::ReferToBarredList(ReferToBarredList {
            subject: PartyId(2),
        }),
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
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Notified,
        }),
        Rule::ReflectivePracticeNotReferred,
    );
    g.ok(AA, propose(2, Action::ReflectivePractice));
    g.ok(
        AA,
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Notified,
        }),
    );
    g.refused(
        AA,
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Closed,
        }),
        Rule::ReflectiveStageOrder,
    );
    g.refused(
        AA,
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Referred,
        }),
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
        Command::AgreeReflectiveReport(AgreeReflectiveReport {
            subject: PartyId(2),
            report: report.clone(),
        }),
        Rule::ReflectiveStageOrder,
    );
    g.ok(
        AA,
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::Discussion,
        }),
    );
    g.refused(
        AA,
        Command::AgreeReflectiveReport(AgreeReflectiveReport {
            subject: PartyId(2),
            report: report.clone(),
        }),
        Rule::ReflectiveReportIncomplete,
    );
    let complete = ReflectiveReport {
        lessons_for_organisation: "org lesson".into(),
        ..report
    };
    g.ok(
        AA,
        Command::AgreeReflectiveReport(AgreeReflectiveReport {
            subject: PartyId(2),
            report: complete,
        }),
    );
    let step = |stage| {
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage,
        })
    };
    // The reviewer sends the report to the authority before the process can close (reg 70),
    // and the development review follows the sending.
    g.refused(
        AA,
        step(ReflectiveStage::Closed),
        Rule::ReflectiveStageOrder,
    );
    g.refused(
        AA,
        step(ReflectiveStage::ReviewedAtDevelopmentReview),
        Rule::ReflectiveStageOrder,
    );
    g.ok(AA, step(ReflectiveStage::SentToAppropriateAuthority));
    g.ok(AA, step(ReflectiveStage::ReviewedAtDevelopmentReview));
    g.ok(AA, step(ReflectiveStage::Closed));
    g.refused(
        AA,
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage: ReflectiveStage::EscalatedToFormal,
        }),
        Rule::ReflectiveStageOrder,
    );
}

#[test]
fn leaving_the_service_under_investigation_puts_the_subject_on_the_advisory_list() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::RecordLeavingService(RecordLeavingService {
            subject: PartyId(1),
        }),
        Rule::NotASubject,
    );
    g.ok(
        AA,
        Command::RecordLeavingService(RecordLeavingService {
            subject: PartyId(2),
        }),
    );
    assert_eq!(
        g.case.advisory_list.keys().copied().collect::<Vec<_>>(),
        [PartyId(2)]
    );
    assert!(
        g.case.parties[&PartyId(2)]
            .subject_profile()
            .unwrap()
            .former
    );
    g.refused(
        AA,
        Command::RecordLeavingService(RecordLeavingService {
            subject: PartyId(2),
        }),
        Rule::AlreadyFormer,
    );
    // Former-officer proceedings: only "would have been dismissed" is open.
    g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::GrossMisconduct);
    g.ok(AA, propose(2, Action::Proceedings(Form::Hearing)));
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 7, 1),
        }),
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
        Command::ReferToBarredList(ReferToBarredList {
            subject: PartyId(2),
        }),
    );
}

#[test]
fn a_subject_who_leaves_after_no_case_to_answer_is_not_listed() {
    let mut g = Given::investigating_locally()
        .reported(AA)
        .determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(
        AA,
        Command::RecordLeavingService(RecordLeavingService {
            subject: PartyId(2),
        }),
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
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::AcceleratedHearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 4, 20),
        }),
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
