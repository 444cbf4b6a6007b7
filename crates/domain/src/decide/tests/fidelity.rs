//! The statutory-fidelity findings: each defect refused (or allowed) as the law says, the dates
//! on which things happened, and the steps the clocks need.

use super::*;

fn dated(on: Date) -> Option<Date> {
    Some(on)
}

// ---- when it happened, not when it was typed

#[test]
fn acts_carry_the_day_they_happened_never_a_future_one_nor_one_before_receipt() {
    let mut g = Given::new();
    g.day = date(2026, 12, 1);
    g.on = dated(date(2018, 3, 5));
    g.ok(AA, log_matter(MatterKind::Complaint, date(2018, 3, 5)));
    g.on = dated(date(2018, 3, 9));
    g.add_complainant()
        .add_officer(profile())
        .allege(&[2], "B6");
    for e in &g.log[1..] {
        assert_eq!(e.on(), date(2018, 3, 9), "{}", e.name());
    }
    let party = g.case.parties.get(&PartyId(1)).unwrap();
    assert_eq!(party.id, PartyId(1));
    assert_eq!(
        g.case.allegations[&AllegationId(1)].added_on,
        date(2018, 3, 9)
    );
    // Before the matter was received.
    g.on = dated(date(2018, 3, 4));
    g.refused(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
        Rule::DateOutOfRange,
    );
    // In the future.
    g.on = dated(date(2026, 12, 2));
    g.refused(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
        Rule::DateOutOfRange,
    );
    g.on = dated(date(2018, 4, 2));
    g.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    assert_eq!(g.case.recorded.map(|(_, d)| d), Some(date(2018, 4, 2)));
    // A matter cannot be logged before it was received.
    let mut h = Given::new();
    h.on = dated(date(2023, 2, 1));
    h.refused(
        AA,
        log_matter(MatterKind::Complaint, date(2023, 2, 2)),
        Rule::DateOutOfRange,
    );
    // The refusal names the field it is about, for a form to show it there.
    let r = h
        .try_(AA, log_matter(MatterKind::Complaint, date(2023, 2, 2)))
        .unwrap_err();
    assert_eq!(r.field, Some("received_on"));
    let mut empty = log_matter(MatterKind::Complaint, date(2023, 1, 1));
    if let Command::LogMatter(l) = &mut empty {
        l.summary = " ".into();
    }
    assert_eq!(h.try_(AA, empty).unwrap_err().field, Some("summary"));
}

#[test]
fn the_window_for_a_review_is_judged_on_the_day_of_the_application() {
    // A case of 2019, entered years later: the application of 2019 was in time.
    let mut g = Given::new();
    g.day = date(2026, 12, 1);
    g.on = dated(date(2019, 1, 7));
    g.ok(AA, log_matter(MatterKind::Complaint, date(2019, 1, 7)));
    g.add_complainant()
        .add_officer(profile())
        .allege(&[2], "B6");
    g.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    g.ok(
        AA,
        Command::HandleOtherwiseThanByInvestigation(HandleOtherwiseThanByInvestigation {
            rationale: "proportionate".into(),
        }),
    );
    g.ok(
        AA,
        Command::DecideOutcome(DecideOutcome {
            outcome: HandlingOutcome::ServiceAcceptable,
            rationale: "explained".into(),
        }),
    );
    g.on = dated(date(2019, 2, 1));
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    assert_eq!(
        g.case.review_right.unwrap().deadline,
        date(2019, 3, 1),
        "28 days from the day after 1 February 2019"
    );
    g.on = dated(date(2019, 2, 20));
    g.ok(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
    );
    assert_eq!(g.status(), Status::UnderReview);
}

// ---- the deadlock

fn settled_for_a_meeting() -> Given {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.ok(AA, propose(2, Action::Proceedings(Form::Meeting)));
    g
}

#[test]
fn the_outcome_waits_for_the_agreed_proceedings_and_the_case_reaches_publication() {
    let mut g = settled_for_a_meeting();
    g.refused(
        AA,
        Command::NotifyOutcome(NotifyOutcome {}),
        Rule::OutcomeNotReady,
    );
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: g.day,
        }),
    );
    g.refused(
        AA,
        Command::NotifyOutcome(NotifyOutcome {}),
        Rule::OutcomeNotReady,
    );
    g.ok(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::WrittenWarning),
            unconnected_incidents: false,
        }),
    );
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    assert!(crate::publication::all_associated_proceedings_complete(
        &g.case
    ));
}

#[test]
fn a_log_that_notified_before_its_proceedings_still_concludes_them() {
    // The release before this one allowed the outcome before the proceedings; its logs must
    // not stay blocked from publication.
    let mut g = settled_for_a_meeting();
    g.case.apply(&Event::OutcomeNotified(OutcomeNotified {
        review_right: None,
        on: g.day,
    }));
    assert_eq!(g.status(), Status::OutcomeNotified);
    assert!(!crate::publication::all_associated_proceedings_complete(
        &g.case
    ));
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: g.day,
        }),
    );
    g.ok(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::NotProven)],
            sanction: None,
            unconnected_incidents: false,
        }),
    );
    assert!(crate::publication::all_associated_proceedings_complete(
        &g.case
    ));
    g.publish();
}

// ---- the relevant review body (PCMR reg 32)

fn notified_locally(assessment: HandlingAssessment, code: &str) -> Given {
    let mut g = Given::recorded_with(code, assessment);
    g.ok(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
    );
    let g = g.reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    g
}

#[test]
fn the_oversight_body_reviews_under_each_limb_of_reg_32() {
    let body = |g: &Given| g.case.review_right.unwrap().body;
    assert_eq!(
        body(&notified_locally(HandlingAssessment::default(), "A3")),
        ReviewBody::LocalPolicingBody
    );
    // (b): the authority could not be satisfied from the complaint alone.
    let b = notified_locally(
        HandlingAssessment {
            might_justify_proceedings: true,
            ..HandlingAssessment::default()
        },
        "A3",
    );
    assert_eq!(body(&b), ReviewBody::OversightBody);
    assert!(crate::review::oversight_review_limbs(&b.case)[0].starts_with("(b)"));
    let art3 = notified_locally(
        HandlingAssessment {
            article_2_or_3: true,
            ..HandlingAssessment::default()
        },
        "A3",
    );
    assert_eq!(body(&art3), ReviewBody::OversightBody);
    // (e): the same incident as a matter that met a criterion. It must be referred first.
    let mut e = Given::recorded_with(
        "A3",
        HandlingAssessment {
            same_incident: true,
            ..HandlingAssessment::default()
        },
    );
    e.refused(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
        Rule::MandatoryReferral,
    );
    e.ok(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SameIncident),
        }),
    );
    assert!(
        crate::review::oversight_review_limbs(&e.case)
            .iter()
            .any(|l| l.starts_with("(e)"))
    );
}

// ---- a live final written warning is never assumed away

fn with_live_warning() -> SubjectProfile {
    SubjectProfile {
        prior_sanctions: vec![PriorSanction {
            sanction: Sanction::FinalWrittenWarning,
            effective_on: date(2022, 6, 1),
            expires_on: date(2024, 6, 1),
        }],
        ..profile()
    }
}

#[test]
fn a_live_final_written_warning_sends_misconduct_to_a_hearing_without_a_severity_assessment() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(with_live_warning())
        .allege(&[2], "B6")
        .record_and_investigate_locally();
    // No severity assessment: the subject's record still counts.
    let g = g.reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.refused(
        AA,
        propose(2, Action::Proceedings(Form::Meeting)),
        Rule::ProceedingsForm,
    );
    g.ok(AA, propose(2, Action::Proceedings(Form::Hearing)));
}

// ---- mandatory referral, derived and checked

#[test]
fn mandatory_referral_criteria_are_derived_and_a_claimed_one_must_be_met() {
    let assessed = |a: HandlingAssessment, code: &str| {
        Given::recorded_with(code, a)
            .case
            .mandatory_referral_criteria()
    };
    let flag = HandlingAssessment::default;
    assert_eq!(
        assessed(
            HandlingAssessment {
                serious_assault: true,
                ..flag()
            },
            "B6"
        ),
        vec![MandatoryCriterion::SeriousAssault]
    );
    assert_eq!(
        assessed(
            HandlingAssessment {
                relevant_offence: true,
                ..flag()
            },
            "D2"
        ),
        vec![MandatoryCriterion::RelevantOffence]
    );
    // Discrimination aggravating conduct that might justify proceedings.
    assert_eq!(
        assessed(
            HandlingAssessment {
                might_justify_proceedings: true,
                ..flag()
            },
            "F6"
        ),
        vec![MandatoryCriterion::DiscriminationAggravated]
    );
    assert!(assessed(flag(), "F6").is_empty());
    // A criterion claimed but not met is refused, and names what is met.
    let mut g = Given::recorded("B6");
    g.refused(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousAssault),
        }),
        Rule::CriterionNotMet,
    );
    g.ok(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Voluntary,
        }),
    );
}

fn chief_constable() -> SubjectProfile {
    SubjectProfile {
        rank: Some("Chief Constable".into()),
        chief_officer: true,
        senior_officer: true,
        ..profile()
    }
}

#[test]
fn a_chief_officer_is_for_the_local_policing_body_and_never_investigated_locally_in_a_dsi() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint).add_complainant();
    let personal_data = g.sealed("The Chief");
    g.refused(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Subject(chief_constable()),
            vulnerabilities: vec![],
            personal_data,
        }),
        Rule::ChiefOfficerAuthority,
    );
    // Logged with the local policing body as the authority: the complaint that might justify
    // proceedings must be referred (reg 4(1)(c)).
    let mut g = Given::new();
    let Command::LogMatter(mut log) = log_matter(MatterKind::Complaint, g.day) else {
        unreachable!()
    };
    log.appropriate_authority = AppropriateAuthority::LocalPolicingBody;
    g.ok(AA, Command::LogMatter(log.clone()));
    g.add_complainant()
        .add_officer(chief_constable())
        .allege(&[2], "B3");
    g.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                ..HandlingAssessment::default()
            },
        }),
    );
    assert_eq!(
        g.case.mandatory_referral_criteria(),
        vec![MandatoryCriterion::ChiefOfficer]
    );
    // A DSI matter involving a chief officer (reg 10).
    let mut d = Given::new();
    log.kind = MatterKind::DsiMatter;
    d.ok(AA, Command::LogMatter(log));
    d.add_officer(chief_constable()).allege(&[1], "B6");
    d.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    d.ok(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::DeathOrSeriousInjury),
        }),
    );
    d.refused(
        IOPC,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Local),
            rationale: "r".into(),
        }),
        Rule::ChiefOfficerAuthority,
    );
    d.ok(
        IOPC,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Independent),
            rationale: "r".into(),
        }),
    );
    d.refused(
        IOPC,
        Command::ChangeMode(ChangeMode {
            to: InvestigationMode::Local,
            reason: "r".into(),
        }),
        Rule::ChiefOfficerAuthority,
    );
}

// ---- recording after informal handling was finalised (para 2(6A))

#[test]
fn a_complainant_may_ask_for_recording_after_informal_handling_ended() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .allege(&[2], "A3");
    g.ok(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "an apology may resolve it".into(),
        }),
    );
    g.ok(
        AA,
        Command::FinaliseOutsideSchedule3(FinaliseOutsideSchedule3 {
            outcome: OutsideOutcome::ResolvedToComplainantsSatisfaction,
        }),
    );
    assert!(g.status().is_terminal());
    g.after(40).ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    assert_eq!(
        g.case.recorded.map(|(r, _)| r),
        Some(RecordingReason::DissatisfiedWithHandlingOutsideSchedule3)
    );
}

// ---- learning recommendations (Sch3 paras 28A-28B)

#[test]
fn learning_follows_only_the_reports_para_28a_covers() {
    let mut g = Given::investigating_locally().reported(AA);
    let recommend = Command::MakeLearningRecommendation(MakeLearningRecommendation {
        recipient: "Kent Police".into(),
        text: "t".into(),
    });
    g.refused(IOPC, recommend.clone(), Rule::RecommendationTooEarly);
    g.refused(
        IOPC,
        Command::RecordNoLearning(RecordNoLearning {
            rationale: "r".into(),
        }),
        Rule::RecommendationTooEarly,
    );
    let mut i = Given::investigating_independently().reported(IOPC);
    i.ok(IOPC, recommend);
}

#[test]
fn an_extension_is_judged_on_the_application_and_the_due_date_is_recorded() {
    let mut g = Given::investigating_independently().reported(IOPC);
    let made = g.day;
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
    );
    let due = g.case.recommendations[&RecommendationId(1)].response_due;
    assert_eq!(due, crate::case::recommendation_response_due(made));
    let Some(Event::LearningRecommendationMade(e)) = g.log.last() else {
        panic!("made");
    };
    assert_eq!(e.response_due, due, "the due date is in the event");
    // Granted after the period, on an application made within it: allowed.
    g.after(60);
    let extend = |applied_on| {
        Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: date(2024, 1, 31),
            applied_on,
        })
    };
    g.refused(IOPC, extend(None), Rule::DateOutOfRange);
    let late_application = due.checked_add(jiff::Span::new().days(1)).unwrap();
    g.refused(IOPC, extend(Some(late_application)), Rule::DateOutOfRange);
    g.ok(IOPC, extend(Some(due)));
    let r = &g.case.recommendations[&RecommendationId(1)];
    assert_eq!(r.extension_applied_on, Some(due));
    assert_eq!(r.response_due, date(2024, 1, 31));
    // A replay keeps the recorded due date, whatever the rule says now.
    let mut log = g.log.clone();
    for e in &mut log {
        if let Event::LearningRecommendationMade(m) = e {
            m.response_due = date(2023, 12, 1);
        }
        if let Event::ResponsePeriodExtended(_) = e {
            *e = Event::NoLearningIdentified(NoLearningIdentified {
                rationale: "placeholder".into(),
                on: made,
            });
        }
    }
    assert_eq!(
        Case::replay(&log).recommendations[&RecommendationId(1)].response_due,
        date(2023, 12, 1)
    );
}

#[test]
fn a_recommendation_closes_after_its_response_is_published() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
    );
    let close = Command::CloseRecommendation(CloseRecommendation {
        recommendation: RecommendationId(1),
    });
    g.refused(IOPC, close.clone(), Rule::ResponseNotReceived);
    g.ok(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::Accepted,
            narrative: "done".into(),
        }),
    );
    g.refused(IOPC, close.clone(), Rule::ResponseNotReceived);
    g.ok(
        IOPC,
        Command::PublishLearningResponse(PublishLearningResponse {
            recommendation: RecommendationId(1),
        }),
    );
    g.ok(IOPC, close.clone());
    g.refused(IOPC, close, Rule::WrongStage);
}

#[test]
fn a_thematic_programme_holds_recommendations_of_no_one_case() {
    let mut g = Given::new();
    let Command::LogMatter(mut log) = log_matter(MatterKind::LearningProgramme, g.day) else {
        unreachable!()
    };
    log.reference = Reference::parse("2023/900001").unwrap();
    g.refused(AA, Command::LogMatter(log.clone()), Rule::WrongBody);
    g.ok(IOPC, Command::LogMatter(log));
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "All forces in England and Wales".into(),
            text: "Train call handlers to recognise cuckooing.".into(),
        }),
    );
    g.refused(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
        Rule::WrongStage,
    );
}

// ---- proceedings and sanctions

#[test]
fn gross_misconduct_goes_to_a_hearing_and_an_accelerated_hearing_never_gives_a_written_warning() {
    let mut g = Given::investigating_locally();
    g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    let g = g.reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::GrossMisconduct);
    for action in [
        Action::ReflectivePractice,
        Action::NoAction,
        Action::UnsatisfactoryPerformance,
    ] {
        g.refused(AA, propose(2, action), Rule::GrossMisconductToHearing);
    }
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
            on: g.day,
        }),
    );
    let conclude = |finding, sanction| {
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), finding)],
            sanction: Some(sanction),
            unconnected_incidents: false,
        })
    };
    g.refused(
        AA,
        conclude(ProvenFinding::Misconduct, Sanction::WrittenWarning),
        Rule::AcceleratedHearingSanction,
    );
    g.ok(
        AA,
        conclude(ProvenFinding::Misconduct, Sanction::FinalWrittenWarning),
    );
    // The warning is live from its notification.
    let notify = Command::NotifySanction(NotifySanction {
        proceedings: ProceedingsId(1),
    });
    g.after(2).ok(AA, notify.clone());
    g.refused(AA, notify, Rule::SanctionNotNotified);
    assert_eq!(
        g.case.proceedings[&ProceedingsId(1)].sanction_notified_on,
        Some(g.day)
    );
}

#[test]
fn no_case_to_answer_with_unsatisfactory_performance_starts_that_track() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g;
    g.ok(
        AA,
        Command::Determine(Determine {
            findings: vec![Finding {
                further_action: FurtherAction::UnsatisfactoryPerformance,
                performance_unsatisfactory: true,
                ..finding(2, 1, CaseToAnswer::NoCaseToAnswer)
            }],
        }),
    );
    assert_eq!(g.case.performance.get(&PartyId(2)), Some(&g.day));
}

#[test]
fn reflective_practice_goes_on_without_an_account_when_none_is_given() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.ok(AA, propose(2, Action::ReflectivePractice));
    let step = |stage| {
        Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject: PartyId(2),
            stage,
        })
    };
    g.refused(
        AA,
        step(ReflectiveStage::NoAccountGiven),
        Rule::ReflectiveStageOrder,
    );
    g.ok(AA, step(ReflectiveStage::Notified));
    g.after(7).ok(AA, step(ReflectiveStage::NoAccountGiven));
    g.refused(
        AA,
        step(ReflectiveStage::AccountGiven),
        Rule::ReflectiveStageOrder,
    );
    g.ok(AA, step(ReflectiveStage::Discussion));
}

// ---- publication waits for every associated proceeding (§12)

#[test]
fn an_inquest_holds_publication_until_it_ends() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::Determine(Determine {
            findings: vec![finding(2, 1, CaseToAnswer::NoCaseToAnswer)],
        }),
    );
    g.ok(
        AA,
        Command::RecordAssociatedProceedings(RecordAssociatedProceedings {
            kind: AssociatedKind::Inquest,
            description: "the coroner's inquest".into(),
        }),
    );
    g.ok(IOPC, draft("t", "s"));
    g.refused_as(SECOND, IOPC, approve(1), Rule::ProceedingsOpen);
    assert_eq!(
        crate::publication::pending_proceedings(&g.case),
        vec!["AP1: the inquest has not concluded".to_string()]
    );
    let conclude =
        Command::ConcludeAssociatedProceedings(ConcludeAssociatedProceedings { proceedings: 1 });
    g.refused(
        IOPC,
        Command::ConcludeAssociatedProceedings(ConcludeAssociatedProceedings { proceedings: 2 }),
        Rule::UnknownProceedings,
    );
    g.ok(IOPC, conclude.clone());
    g.refused(IOPC, conclude, Rule::ProceedingsConcluded);
    g.ok_as(SECOND, IOPC, approve(1));
}

// ---- handling, contact, conduct matters, timeliness, suspension

#[test]
fn contacting_the_complainant_starts_handling() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile());
    g.refused(
        AA,
        Command::ContactComplainant(ContactComplainant {
            party: PartyId(2),
            views_sought: true,
        }),
        Rule::NotAComplainant,
    );
    g.after(2).ok(
        AA,
        Command::ContactComplainant(ContactComplainant {
            party: PartyId(1),
            views_sought: true,
        }),
    );
    assert_eq!(g.status(), Status::Assessed);
    assert_eq!(g.case.handling_started_on, Some(g.day));
    assert_eq!(g.case.contacts, vec![(PartyId(1), true, g.day)]);
    g.refused(
        AA,
        Command::StartHandling(StartHandling {}),
        Rule::WrongStage,
    );
    g.allege(&[2], "A3");
    g.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
}

#[test]
fn a_conduct_matter_found_during_the_investigation_has_its_own_date() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(2)],
            category: CategoryCode::parse("G2").unwrap(),
            description: "d".into(),
            conduct_matter: Some(1),
        }),
        Rule::ConductMatterUnknown,
    );
    g.after(45).ok(
        AA,
        Command::RecordConductMatter(RecordConductMatter {
            summary: "messages to a second woman found on the officer's phone".into(),
        }),
    );
    let found = g.day;
    g.ok(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(2)],
            category: CategoryCode::parse("G2").unwrap(),
            description: "d".into(),
            conduct_matter: Some(1),
        }),
    );
    assert_eq!(g.case.conduct_matters[&1].came_to_attention_on, found);
    assert_eq!(g.case.allegations[&AllegationId(2)].conduct_matter, Some(1));
}

#[test]
fn a_timeliness_report_goes_where_the_mode_says() {
    let mut g = Given::investigating_locally();
    g.after(366);
    let report = |recipients| {
        Command::SendTimelinessReport(SendTimelinessReport {
            period_ending: date(2024, 2, 29),
            recipients,
            copied_to: vec![PartyId(2)],
            withheld: Some("the planned interview dates (harm test)".into()),
        })
    };
    g.refused(
        IOPC,
        report(vec![TimelinessRecipient::OversightBody]),
        Rule::WrongBody,
    );
    g.refused(
        AA,
        report(vec![TimelinessRecipient::LocalPolicingBody]),
        Rule::TimelinessRecipients,
    );
    g.ok(
        AA,
        report(vec![
            TimelinessRecipient::OversightBody,
            TimelinessRecipient::LocalPolicingBody,
        ]),
    );
    let sent = &g.case.timeliness_reports[0];
    assert_eq!(sent.period_ending, date(2024, 2, 29));
    assert_eq!(sent.copied_to, vec![PartyId(2)]);
    assert!(sent.withheld.is_some());
}

#[test]
fn an_officer_is_suspended_apart_from_the_investigation() {
    let mut g = Given::investigating_locally();
    let suspend = |redeployment_considered| {
        Command::SuspendOfficer(SuspendOfficer {
            subject: PartyId(2),
            ground: SuspensionGround::InvestigationPrejudiced,
            redeployment_considered,
        })
    };
    g.refused(AA, suspend(false), Rule::SuspensionConditions);
    g.ok(AA, suspend(true));
    g.refused(AA, suspend(true), Rule::SuspensionConditions);
    assert_eq!(
        g.status(),
        Status::UnderInvestigation,
        "the investigation goes on"
    );
    let lift = Command::LiftOfficerSuspension(LiftOfficerSuspension {
        subject: PartyId(2),
    });
    g.after(30).ok(AA, lift.clone());
    g.refused(AA, lift, Rule::SuspensionConditions);
    let s = &g.case.officer_suspensions[&PartyId(2)][0];
    assert_eq!(s.ground, SuspensionGround::InvestigationPrejudiced);
    assert_eq!(s.until, Some(g.day));
}

// ---- old events still read

#[test]
fn events_of_the_previous_release_are_upcast_when_read() {
    let recorded = date(2025, 5, 6);
    let party = r#"{"party_added":{"party":1,"role":{"role":"witness"},"vulnerabilities":[],"personal_data":"00"}}"#;
    let old_party = serde_json::from_str::<serde_json::Value>(party).unwrap();
    assert!(old_party["party_added"].get("on").is_none());
    let allegation =
        r#"{"allegation_added":{"allegation":1,"subjects":[],"category":"B6","description":"d"}}"#;
    let Event::AllegationAdded(a) = crate::event::decode(allegation, recorded).unwrap() else {
        panic!("an allegation");
    };
    assert_eq!(a.on, recorded);
    let made = r#"{"learning_recommendation_made":{"recommendation":1,"recipient":"r","text":"t","on":"2025-05-01"}}"#;
    let Event::LearningRecommendationMade(m) = crate::event::decode(made, recorded).unwrap() else {
        panic!("a recommendation");
    };
    assert_eq!(m.response_due, date(2025, 6, 25));
    let review = r#"{"review_applied":{"applicant":1,"late_reason":null,"forwarding_days":3,"on":"2025-05-06"}}"#;
    let Event::ReviewApplied(r) = crate::event::decode(review, recorded).unwrap() else {
        panic!("a review");
    };
    assert_eq!(
        r.forwarded.map(|f| f.first_received_on),
        Some(date(2025, 5, 3))
    );
    assert!(!r.awaiting_acceptance);
    // Proceedings without the day of their notice: it was the day they were entered, and
    // never after the day arranged for.
    let arranged = |held: &str| {
        let json = format!(
            r#"{{"proceedings_arranged":{{"proceedings":1,"subject":2,"form":"meeting","allegations":[1],"on":"{held}"}}}}"#
        );
        let Event::ProceedingsArranged(p) = crate::event::decode(&json, recorded).unwrap() else {
            panic!("proceedings");
        };
        p.notice_on
    };
    assert_eq!(arranged("2025-06-01"), recorded);
    assert_eq!(arranged("2025-04-01"), date(2025, 4, 1));
    // Something that was never an event is still an error.
    assert!(crate::event::decode(r#"{"case_shredded":{}}"#, recorded).is_err());
}

// ---- the rules no test refused before

#[test]
fn a_report_needs_an_allegation_and_findings_name_known_ones() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .record_and_investigate_locally();
    g.refused(
        AA,
        Command::SubmitReport(SubmitReport {
            summary: "nothing alleged".into(),
        }),
        Rule::ReportNeedsAllegations,
    );
    g.allege(&[2], "B6");
    let mut g = g.reported(AA);
    g.refused(
        AA,
        Command::GiveOpinion(GiveOpinion {
            finding: finding(2, 9, CaseToAnswer::NoCaseToAnswer),
        }),
        Rule::UnknownAllegation,
    );
}

#[test]
fn proceedings_follow_only_a_settled_action_of_proceedings() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.ok(AA, propose(2, Action::ReflectivePractice));
    g.refused(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: g.day,
        }),
        Rule::ProceedingsNotSettled,
    );
}

#[test]
fn an_independent_investigation_gives_no_review_and_a_conduct_matter_none_at_all() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::Determine(Determine {
            findings: vec![finding(2, 1, CaseToAnswer::NoCaseToAnswer)],
        }),
    );
    g.ok(IOPC, Command::NotifyOutcome(NotifyOutcome {}));
    let apply = Command::ApplyForReview(ApplyForReview {
        applicant: PartyId(1),
        late_reason: None,
        forwarded: None,
    });
    g.refused(AA, apply.clone(), Rule::NoReviewRight);
    let mut c = Given::new();
    c.log_complaint(MatterKind::RecordableConductMatter)
        .add_officer(profile());
    c.refused(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
        Rule::NoReviewRight,
    );
}

/// Every rule of `rule.rs` is the expected refusal of at least one test or scripted mistake:
/// read from the tests' own sources, where each refusal is asserted (`refused(.., Rule::X)`).
#[test]
fn every_rule_is_refused_by_some_test() {
    let sources = [
        include_str!("aftercare.rs"),
        include_str!("fidelity.rs"),
        include_str!("imported.rs"),
        include_str!("intake.rs"),
        include_str!("investigation.rs"),
        include_str!("letters.rs"),
        include_str!("need_to_know.rs"),
        include_str!("outcome.rs"),
        include_str!("mod.rs"),
        include_str!("../../scenario/reference.rs"),
    ]
    .concat();
    let compact: String = sources.split_whitespace().collect();
    let missing: Vec<_> = Rule::ALL
        .iter()
        .map(|r| format!("{r:?}"))
        .filter(|name| {
            // As the last argument of a call: `refused(body, command, Rule::X)`.
            !compact.contains(&format!("Rule::{name})"))
                && !compact.contains(&format!("Rule::{name},)"))
        })
        .collect();
    assert!(missing.is_empty(), "no test refuses: {missing:?}");
}
