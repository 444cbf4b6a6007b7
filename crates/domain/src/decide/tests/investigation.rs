//! The investigation record: form, suspension, severity, notices, interviews, evidence and custody.

use super::*;

#[test]
fn investigation_mode_changes_and_suspension() {
    let mut g = Given::investigating_independently();
    g.refused(
        IOPC,
        Command::ChangeMode(ChangeMode {
            to: InvestigationMode::Independent,
            reason: "r".into(),
        }),
        Rule::SameMode,
    );
    g.refused(
        AA,
        Command::ChangeMode(ChangeMode {
            to: InvestigationMode::Directed,
            reason: "r".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::Suspend(Suspend {
            reason: "criminal proceedings".into(),
        }),
    );
    assert_eq!(g.status(), Status::Suspended);
    g.refused(
        IOPC,
        Command::SubmitReport(SubmitReport {
            summary: "r".into(),
        }),
        Rule::WrongStage,
    );
    g.ok(
        IOPC,
        Command::ChangeMode(ChangeMode {
            to: InvestigationMode::Directed,
            reason: "lower public interest".into(),
        }),
    );
    g.after(10).ok(IOPC, Command::Resume(Resume {}));
    assert_eq!(g.status(), Status::UnderInvestigation);
    let inv = g.case.investigation.as_ref().unwrap();
    assert_eq!(inv.mode, InvestigationMode::Directed);
    assert_eq!(inv.suspensions.len(), 1);
    assert!(inv.suspensions[0].until.is_some());
    assert!(!inv.suspensions[0].reason.is_empty());
    // Directed: the authority investigates now.
    g.refused(
        IOPC,
        Command::SubmitReport(SubmitReport {
            summary: "r".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::SubmitReport(SubmitReport {
            summary: "r".into(),
        }),
    );
}

#[test]
fn severity_notice_interview_order() {
    let mut g = Given::recorded("B6");
    g.ok(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
    );
    g.refused(
        AA,
        Command::ServeNotice(ServeNotice {
            subject: PartyId(2),
        }),
        Rule::NoticeNeedsAssessment,
    );
    g.refused(
        AA,
        Command::RecordInterview(RecordInterview {
            party: PartyId(2),
            under_caution: false,
            summary: "s".into(),
        }),
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
        Command::ServeNotice(ServeNotice {
            subject: PartyId(2),
        }),
    );
    g.ok(
        AA,
        Command::RecordInterview(RecordInterview {
            party: PartyId(2),
            under_caution: true,
            summary: "interview".into(),
        }),
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting));
    let rec = &g.case.investigation.as_ref().unwrap().severity[&PartyId(2)];
    assert_eq!((rec.severity, rec.revisions), (Severity::Misconduct, 1));
    // Witnesses can be interviewed without notice.
    g.ok(
        AA,
        Command::RecordInterview(RecordInterview {
            party: PartyId(1),
            under_caution: false,
            summary: "witness".into(),
        }),
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
    g.record_and_investigate_locally();
    g.refused(
        AA,
        severity(2, Severity::Misconduct, Form::Meeting),
        Rule::SeverityForm,
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Hearing))
        .ok(
            AA,
            Command::ServeNotice(ServeNotice {
                subject: PartyId(2),
            }),
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
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Hearing,
            allegations: vec![AllegationId(1)],
            on: date(2023, 6, 1),
        }),
    );
    // With the live warning, reduction in rank is open for misconduct.
    g.ok(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::ReductionInRank),
            unconnected_incidents: false,
        }),
    );
}

#[test]
fn evidence_and_chain_of_custody() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::ExhibitEvidence(ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "phone".into(),
            sha256: Some("abc".into()),
            custodian: "DC Lee".into(),
        }),
        Rule::BadDigest,
    );
    g.ok(
        AA,
        Command::ExhibitEvidence(ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "phone".into(),
            sha256: Some("A".repeat(64)),
            custodian: "DC Lee".into(),
        }),
    );
    assert_eq!(
        g.case.investigation.as_ref().unwrap().exhibits["X/1"]
            .sha256
            .as_deref(),
        Some("a".repeat(64).as_str())
    );
    g.refused(
        AA,
        Command::ExhibitEvidence(ExhibitEvidence {
            exhibit: "X/1".into(),
            description: "again".into(),
            sha256: None,
            custodian: "DC Lee".into(),
        }),
        Rule::DuplicateExhibit,
    );
    g.refused(
        AA,
        Command::TransferCustody(TransferCustody {
            exhibit: "X/2".into(),
            from: "DC Lee".into(),
            to: "Lab".into(),
            purpose: "p".into(),
        }),
        Rule::UnknownExhibit,
    );
    g.refused(
        AA,
        Command::TransferCustody(TransferCustody {
            exhibit: "X/1".into(),
            from: "Someone".into(),
            to: "Lab".into(),
            purpose: "p".into(),
        }),
        Rule::CustodyBroken,
    );
    g.ok(
        AA,
        Command::TransferCustody(TransferCustody {
            exhibit: "X/1".into(),
            from: "DC Lee".into(),
            to: "Lab".into(),
            purpose: "examination".into(),
        }),
    );
    g.refused(
        AA,
        Command::TransferCustody(TransferCustody {
            exhibit: "X/1".into(),
            from: "DC Lee".into(),
            to: "Store".into(),
            purpose: "p".into(),
        }),
        Rule::CustodyBroken,
    );
    let x = &g.case.investigation.as_ref().unwrap().exhibits["X/1"];
    assert_eq!(x.custodian, "Lab");
    assert_eq!(x.custody.len(), 1);
}
