//! Properties over random command sequences: every accepted command keeps the invariants.

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
    match pick % 56 {
        0 => log_matter(
            if a.is_multiple_of(5) {
                MatterKind::ConductMatter
            } else {
                MatterKind::Complaint
            },
            date(2023, 1, 2),
        ),
        1 | 2 => Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: match a % 4 {
                0 => PartyRole::Complainant {
                    basis: ComplainantBasis::DirectedAt,
                },
                1 | 2 => PartyRole::Subject(SubjectProfile {
                    former: b.is_multiple_of(7),
                    ..profile()
                }),
                _ => PartyRole::Witness,
            },
            vulnerabilities: vec![],
            personal_data: SealedPersonalData::new(
                PersonalData {
                    name: "N".into(),
                    contact: None,
                    date_of_birth: None,
                    address: None,
                    nicknames: Vec::new(),
                    vehicle_registrations: Vec::new(),
                },
                [salt; 16],
            ),
        }),
        3 | 4 => Command::AddAllegation(AddAllegation {
            subjects: vec![subject],
            category: CategoryCode::parse(["A1", "B6", "G2", "J2"][usize::from(b % 4)]).unwrap(),
            description: "d".into(),
            conduct_matter: None,
        }),
        5 => Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: HandlingAssessment {
                might_justify_proceedings: a.is_multiple_of(2),
                article_2_or_3: false,
                ..HandlingAssessment::default()
            },
            rationale: "r".into(),
        }),
        6 => Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
        7 => Command::Refer(Refer {
            basis: [
                ReferralBasis::Voluntary,
                ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
                ReferralBasis::CalledIn,
            ][usize::from(a % 3)],
        }),
        8 => Command::DecideReferral(DecideReferral {
            decision: [
                ReferralDecision::Investigate(InvestigationMode::Independent),
                ReferralDecision::Investigate(InvestigationMode::Directed),
                ReferralDecision::Investigate(InvestigationMode::Local),
                ReferralDecision::ReturnToAppropriateAuthority,
            ][usize::from(a % 4)],
            rationale: "r".into(),
        }),
        9 => Command::StartLocalInvestigation(StartLocalInvestigation {}),
        10 => Command::HandleOtherwiseThanByInvestigation(HandleOtherwiseThanByInvestigation {
            rationale: "r".into(),
        }),
        11 => Command::AssessSeverity(AssessSeverity {
            subject,
            severity: if a.is_multiple_of(2) {
                Severity::Misconduct
            } else {
                Severity::GrossMisconduct
            },
            likely_form: form,
            rationale: "r".into(),
        }),
        12 => Command::ServeNotice(ServeNotice { subject }),
        13 => Command::RecordInterview(RecordInterview {
            party,
            under_caution: a.is_multiple_of(2),
            summary: "s".into(),
        }),
        14 => Command::Suspend(Suspend { reason: "r".into() }),
        15 => Command::Resume(Resume {}),
        16 | 17 => Command::SubmitReport(SubmitReport {
            summary: "s".into(),
        }),
        18 => Command::GiveOpinion(GiveOpinion {
            finding: Finding {
                subject,
                allegation,
                case_to_answer: cta,
                performance_unsatisfactory: false,
                further_action: FurtherAction::None,
                rationale: "r".into(),
            },
        }),
        19 | 20 => Command::Determine(Determine {
            findings: all_findings(),
        }),
        21 | 22 => Command::ProposeAction(ProposeAction {
            proposals: case
                .subjects()
                .map(|p| Proposal {
                    subject: p.id,
                    action: body_action,
                })
                .collect(),
            rationale: "r".into(),
        }),
        23 => Command::AnswerProposal(AnswerProposal {
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
        }),
        24 => Command::AnswerRecommendation(AnswerRecommendation {
            accepted: a.is_multiple_of(2),
            rationale: "r".into(),
        }),
        25 => Command::ArrangeProceedings(ArrangeProceedings {
            subject,
            form,
            allegations: vec![allegation],
            on: date(2023, 6, 1),
        }),
        26 => Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1 + u32::from(a % 2)),
            findings: vec![(allegation, proven)],
            sanction,
            unconnected_incidents: b.is_multiple_of(3),
        }),
        27 => Command::LodgeAppeal(LodgeAppeal {
            proceedings: ProceedingsId(1),
        }),
        28 => Command::DetermineAppeal(DetermineAppeal {
            proceedings: ProceedingsId(1),
            outcome: AppealOutcome::Confirmed,
        }),
        29 => Command::ReferToProsecutors(ReferToProsecutors { subject }),
        30 => Command::ConcludeCriminalProceedings(ConcludeCriminalProceedings {
            subject,
            outcome: CriminalOutcome::NoFurtherAction,
        }),
        31 | 32 => Command::NotifyOutcome(NotifyOutcome {}),
        33 => Command::ApplyForReview(ApplyForReview {
            applicant: party,
            late_reason: None,
            forwarded: None,
        }),
        34 => Command::DecideReview(DecideReview {
            upheld: a.is_multiple_of(2),
            recommendations: vec![],
            reinvestigation: None,
        }),
        35 => Command::Close(Close {}),
        36 => super::draft("t", "s"),
        37 => Command::ReferToBarredList(ReferToBarredList { subject }),
        38 => Command::ProgressReflectivePractice(ProgressReflectivePractice {
            subject,
            stage: [
                ReflectiveStage::Notified,
                ReflectiveStage::Discussion,
                ReflectiveStage::Closed,
                ReflectiveStage::EscalatedToFormal,
            ][usize::from(a % 4)],
        }),
        40 => Command::RecordLeavingService(RecordLeavingService { subject }),
        41 => Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
        42 => Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: date(2027, 1, 1),
            applied_on: None,
        }),
        44 => Command::StartHandling(StartHandling {}),
        45 => Command::ContactComplainant(ContactComplainant {
            party,
            views_sought: true,
        }),
        46 => Command::DecideOutcome(DecideOutcome {
            outcome: HandlingOutcome::ServiceAcceptable,
            rationale: "r".into(),
        }),
        47 => Command::ApplyForReview(ApplyForReview {
            applicant: party,
            late_reason: Some("late".into()),
            forwarded: None,
        }),
        48 => Command::DecideLateReview(DecideLateReview {
            accepted: a.is_multiple_of(2),
            rationale: "r".into(),
        }),
        49 => Command::RecordAssociatedProceedings(RecordAssociatedProceedings {
            kind: AssociatedKind::Inquest,
            description: "the inquest".into(),
        }),
        50 => {
            Command::ConcludeAssociatedProceedings(ConcludeAssociatedProceedings { proceedings: 1 })
        }
        51 => Command::NotifySanction(NotifySanction {
            proceedings: ProceedingsId(1),
        }),
        52 => Command::SuspendOfficer(SuspendOfficer {
            subject,
            ground: SuspensionGround::PublicInterest,
            redeployment_considered: true,
        }),
        53 => Command::RecordConductMatter(RecordConductMatter {
            summary: "found on the phone".into(),
        }),
        54 => Command::AddAllegation(AddAllegation {
            subjects: vec![subject],
            category: CategoryCode::parse("K1").unwrap(),
            description: "d".into(),
            conduct_matter: Some(1),
        }),
        _ => Command::OrderReinvestigation(OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "r".into(),
        }),
    }
}

/// The commands that bring every associated proceeding to its end, for the case as it stands.
fn completions(case: &Case, day: Date) -> Vec<Command> {
    let mut out = Vec::new();
    if let Some(inv) = &case.investigation {
        let mut worst: std::collections::BTreeMap<PartyId, CaseToAnswer> = Default::default();
        for f in inv.determinations.values() {
            let w = worst
                .entry(f.subject)
                .or_insert(CaseToAnswer::NoCaseToAnswer);
            if f.case_to_answer == CaseToAnswer::GrossMisconduct
                || (f.case_to_answer == CaseToAnswer::Misconduct
                    && *w == CaseToAnswer::NoCaseToAnswer)
            {
                *w = f.case_to_answer;
            }
        }
        let proposals: Vec<_> = worst
            .iter()
            .filter(|(_, c)| c.is_case_to_answer())
            .map(|(s, c)| Proposal {
                subject: *s,
                action: if *c == CaseToAnswer::GrossMisconduct {
                    Action::Proceedings(Form::Hearing)
                } else {
                    Action::NoAction
                },
            })
            .collect();
        out.push(Command::ProposeAction(ProposeAction {
            proposals,
            rationale: "r".into(),
        }));
        out.push(Command::AnswerProposal(AnswerProposal {
            response: ProposalResponse::Agree,
            rationale: "r".into(),
        }));
        out.push(Command::AnswerRecommendation(AnswerRecommendation {
            accepted: true,
            rationale: "r".into(),
        }));
        for (s, action) in &inv.settled {
            // Proceedings are arranged once for each subject they were settled for.
            if case.proceedings.values().any(|p| p.subject == *s) {
                continue;
            }
            if let Action::Proceedings(form) = action {
                let allegations = inv
                    .determinations
                    .iter()
                    .filter(|((d, _), f)| d == s && f.case_to_answer.is_case_to_answer())
                    .map(|((_, a), _)| *a)
                    .collect();
                out.push(Command::ArrangeProceedings(ArrangeProceedings {
                    subject: *s,
                    form: *form,
                    allegations,
                    on: day,
                }));
            }
        }
    }
    for p in case.proceedings.values() {
        out.push(Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: p.id,
            findings: p
                .allegations
                .iter()
                .map(|a| (*a, ProvenFinding::NotProven))
                .collect(),
            sanction: None,
            unconnected_incidents: false,
        }));
        out.push(Command::DetermineAppeal(DetermineAppeal {
            proceedings: p.id,
            outcome: AppealOutcome::Confirmed,
        }));
    }
    for s in case.criminal.keys() {
        out.push(Command::ConcludeCriminalProceedings(
            ConcludeCriminalProceedings {
                subject: *s,
                outcome: CriminalOutcome::Acquitted,
            },
        ));
    }
    for id in case.associated.keys() {
        out.push(Command::ConcludeAssociatedProceedings(
            ConcludeAssociatedProceedings { proceedings: *id },
        ));
    }
    out.push(Command::NotifyOutcome(NotifyOutcome {}));
    out
}

/// From any state with a determined investigation, recording every proceeding complete makes
/// publication possible: no order of accepted commands can deadlock it.
fn publication_stays_reachable(case: &Case, day: Date) -> Result<(), TestCaseError> {
    let mut case = case.clone();
    if case.status.is_terminal() || case.status == Status::Withdrawn {
        return Ok(());
    }
    for _ in 0..12 {
        let mut moved = false;
        for command in completions(&case, day) {
            for body in Body::ALL {
                if let Ok(d) = decide(&case, &command, &Context::new(morning(day), "f", body)) {
                    for e in d.events {
                        case.apply(&e);
                    }
                    moved = true;
                    break;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let determined = case
        .investigation
        .as_ref()
        .is_some_and(|i| i.determined.is_some());
    if determined {
        let pending = crate::publication::pending_proceedings(&case);
        prop_assert!(
            pending.is_empty(),
            "publication held for good: {:?} at {:?}",
            pending,
            case.status
        );
    }
    Ok(())
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
                    if let Some(Event::SummaryPublished(SummaryPublished { .. })) = d.events.first() {
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
            publication_stays_reachable(&case, day)?;
        }
        // Replaying the log gives the same state.
        prop_assert_eq!(Case::replay(&log), case);
    }
}
