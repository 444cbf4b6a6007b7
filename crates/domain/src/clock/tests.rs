//! Each clock with worked examples: the days counted across Christmas, Easter and the extra
//! bank holidays of 2020, 2022 and 2023; met, met late, missed, paused and expired; and the
//! published due dates of 1,321 real learning recommendations.

use super::*;
use crate::command::*;
use crate::conduct::{
    Action, CaseToAnswer, CriminalOutcome, ProvenFinding, ReflectiveReport, Severity,
};
use crate::decide::tests::{AA, Given, IOPC, profile, propose, severity};
use crate::ids::AllegationId;
use crate::matter::{HandlingOutcome, TimelinessRecipient};
use crate::referral::MandatoryCriterion;
use crate::review::{Forwarding, ReviewBody};
use crate::scenario;
use crate::{Case, decide};
use jiff::civil::date;

fn cal() -> &'static Calendar {
    Calendar::england_and_wales()
}

fn one(case: &Case, name: ClockName, today: Date) -> Clock {
    let mut found = clock(case, name, today, cal()).unwrap();
    assert_eq!(found.len(), 1, "{name:?}: {found:?}");
    found.remove(0)
}

fn day_after(d: Date) -> Date {
    plus_days(d, 1)
}

fn reference() -> Case {
    let mut n = 0u8;
    let mut salt = move || {
        n = n.wrapping_add(1);
        [n; 16]
    };
    let mut case = Case::default();
    for step in scenario::reference_case(&mut salt) {
        if step.refused_by.is_some() {
            continue;
        }
        let d = decide(&case, &step.command, &step.context).expect("the script is valid");
        for e in &d.events {
            case.apply(e);
        }
    }
    case
}

#[test]
fn the_reference_case_met_every_clock_that_applies() {
    let case = reference();
    let all = clocks(&case, date(2026, 12, 2), cal());
    for c in &all {
        assert!(
            matches!(c.state, ClockState::Met | ClockState::NotApplicable),
            "{c:?}"
        );
    }
    let met = |name| {
        all.iter()
            .filter(|c| c.name == name && c.state == ClockState::Met)
            .count()
    };
    assert_eq!(met(ClockName::MandatoryReferral), 1);
    assert_eq!(met(ClockName::OutcomeNotification), 1);
    assert_eq!(met(ClockName::CaseToAnswerDecision), 1);
    // Updates every 28 days from April 2020 to the outcome in March 2022.
    assert!(met(ClockName::ProgressUpdate) >= 24);
    // The investigation and the conduct matter found in it each ended within 12 months.
    assert_eq!(met(ClockName::InvestigationTimeliness), 2);
    // An independent investigation gives no review right: a clear error when asked.
    let err = clock(&case, ClockName::ReviewWindow, date(2026, 12, 2), cal()).unwrap_err();
    assert!(
        matches!(&err, ClockError::NotApplicable { name: "review_window", reason } if reason.contains("no right of review")),
        "{err}"
    );
    // Every name appears, once at least.
    for name in ClockName::ALL {
        assert!(all.iter().any(|c| c.name == *name), "{name:?}");
    }
}

/// A complaint handled otherwise than by investigation, its outcome decided on `decided`.
fn outcome_decided(decided: Date) -> Given {
    let mut g = Given::new();
    g.day = plus_days(decided, -20);
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
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
    g.day = decided;
    g.ok(
        AA,
        Command::DecideOutcome(DecideOutcome {
            outcome: HandlingOutcome::ServiceAcceptable,
            rationale: "explained".into(),
        }),
    );
    g
}

#[test]
fn the_outcome_is_notified_within_five_working_days_across_bank_holidays() {
    // (outcome decided, the fifth working day after)
    let table = [
        // Christmas 2021 fell on a weekend: the 27th, 28th and 3 January were bank holidays.
        (date(2021, 12, 23), date(2022, 1, 4)),
        // Good Friday 2 and Easter Monday 5 April 2021.
        (date(2021, 4, 1), date(2021, 4, 12)),
        // 2020: the early May bank holiday moved to Friday 8 May for VE Day; Monday 4 May
        // was a working day.
        (date(2020, 5, 4), date(2020, 5, 12)),
        // 2022: the Platinum Jubilee, Thursday 2 and Friday 3 June.
        (date(2022, 5, 31), date(2022, 6, 9)),
        // 2022: the State Funeral, Monday 19 September.
        (date(2022, 9, 15), date(2022, 9, 23)),
        // 2023: the Coronation, Monday 8 May.
        (date(2023, 5, 5), date(2023, 5, 15)),
        // An ordinary week.
        (date(2023, 3, 1), date(2023, 3, 8)),
    ];
    for (decided, due) in table {
        let g = outcome_decided(decided);
        let running = one(&g.case, ClockName::OutcomeNotification, due);
        assert_eq!(running.start, Some(decided));
        assert_eq!(running.due, Some(due), "decided {decided}");
        assert_eq!(running.state, ClockState::Running);
        assert_eq!(running.owner, Some(Body::AppropriateAuthority));
        let missed = one(&g.case, ClockName::OutcomeNotification, day_after(due));
        assert_eq!(missed.state, ClockState::Missed, "decided {decided}");
        assert!(missed.is_open_duty());
        for (notified, state) in [
            (due, ClockState::Met),
            (day_after(due), ClockState::MetLate),
        ] {
            let mut g = outcome_decided(decided);
            g.day = notified;
            g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
            let c = one(&g.case, ClockName::OutcomeNotification, date(2026, 12, 2));
            assert_eq!(c.state, state, "decided {decided}, notified {notified}");
            assert_eq!(
                c.satisfied_by,
                Some(Satisfaction {
                    event: "outcome_notified",
                    on: notified
                })
            );
            assert!(!c.is_open_duty());
        }
    }
}

#[test]
fn the_outcome_clock_waits_for_the_proceedings_that_follow() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    let err = clock(&g.case, ClockName::OutcomeNotification, g.day, cal()).unwrap_err();
    assert!(err.to_string().contains("not been settled"), "{err}");
    g.ok(AA, propose(2, Action::Proceedings(Form::Meeting)));
    let notice = g.day;
    let held = date(2023, 4, 20);
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::Meeting,
            allegations: vec![AllegationId(1)],
            on: held,
        }),
    );
    assert!(clock(&g.case, ClockName::OutcomeNotification, g.day, cal()).is_err());
    // The meeting is held within 20 working days of its notice (31 March 2023; Easter
    // intervenes): due 3 May, after the early May bank holiday.
    let meeting = one(&g.case, ClockName::MisconductProceedingsHeld, g.day);
    assert_eq!(meeting.start, Some(notice));
    assert_eq!(meeting.due, Some(date(2023, 5, 3)));
    assert_eq!(meeting.state, ClockState::Running);
    g.day = held;
    g.ok(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::Misconduct)],
            sanction: Some(Sanction::WrittenWarning),
            unconnected_incidents: false,
        }),
    );
    let meeting = one(&g.case, ClockName::MisconductProceedingsHeld, g.day);
    assert_eq!(meeting.state, ClockState::Met);
    // Reached when the meeting concluded: Thursday 20 April, so due Thursday 27 April.
    let c = one(&g.case, ClockName::OutcomeNotification, held);
    assert_eq!((c.start, c.due), (Some(held), Some(date(2023, 4, 27))));
    // The officer's notice of the outcome: 5 working days after the meeting.
    let notice = one(
        &g.case,
        ClockName::MisconductOutcomeNotice,
        date(2023, 4, 28),
    );
    assert_eq!(notice.due, Some(date(2023, 4, 27)));
    assert_eq!(notice.state, ClockState::Missed);
    g.day = date(2023, 4, 28);
    g.ok(
        AA,
        Command::NotifySanction(NotifySanction {
            proceedings: ProceedingsId(1),
        }),
    );
    let notice = one(&g.case, ClockName::MisconductOutcomeNotice, g.day);
    assert_eq!(notice.state, ClockState::MetLate);
    // The written warning is live 18 months from its notification.
    let live = one(&g.case, ClockName::WrittenWarningLive, date(2024, 10, 27));
    assert_eq!(live.due, Some(date(2024, 10, 28)));
    assert_eq!(live.state, ClockState::Running);
    assert_eq!(
        one(&g.case, ClockName::WrittenWarningLive, date(2024, 10, 28)).state,
        ClockState::Expired
    );
    assert!(clock(&g.case, ClockName::FinalWrittenWarningLive, g.day, cal()).is_err());
}

#[test]
fn progress_updates_are_due_four_weeks_after_the_last_until_the_outcome() {
    let mut g = Given::new();
    g.day = date(2023, 1, 9);
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .allege(&[2], "B6");
    g.ok(AA, Command::StartHandling(StartHandling {}));
    let first = one(&g.case, ClockName::ProgressUpdate, date(2023, 2, 6));
    assert_eq!(first.about, About::Party(PartyId(1)));
    assert_eq!(
        (first.start, first.due),
        (Some(date(2023, 1, 9)), Some(date(2023, 2, 6))),
        "4 weeks: 28 days, the start day not counted"
    );
    assert_eq!(first.state, ClockState::Running);
    assert_eq!(
        one(&g.case, ClockName::ProgressUpdate, date(2023, 2, 7)).state,
        ClockState::Missed
    );
    let update = |g: &mut Given, on| {
        g.day = on;
        g.ok(
            AA,
            Command::UpdateParty(UpdateParty {
                party: PartyId(1),
                kind: UpdateKind::Progress,
            }),
        );
    };
    update(&mut g, date(2023, 2, 1));
    update(&mut g, date(2023, 3, 6)); // 33 days later: late
    let periods = clock(&g.case, ClockName::ProgressUpdate, date(2023, 3, 6), cal()).unwrap();
    let states: Vec<_> = periods.iter().map(|c| (c.period, c.state, c.due)).collect();
    assert_eq!(
        states,
        [
            (1, ClockState::Met, Some(date(2023, 2, 6))),
            (2, ClockState::MetLate, Some(date(2023, 3, 1))),
            (3, ClockState::Running, Some(date(2023, 4, 3))),
        ]
    );
    // Withdrawal ends the duty: the period running then is closed by it.
    g.day = date(2023, 3, 20);
    g.ok(
        AA,
        Command::Withdraw(Withdraw {
            continue_as_conduct_matter: false,
        }),
    );
    let last = clock(&g.case, ClockName::ProgressUpdate, date(2024, 1, 1), cal())
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.state, ClockState::Met);
    assert_eq!(last.satisfied_by.unwrap().event, "matter_withdrawn");
}

#[test]
fn the_review_window_counts_a_misdirected_application_from_its_first_receipt() {
    let notified = |g: &mut Given| {
        g.day = date(2019, 2, 1);
        g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    };
    let mut g = outcome_decided(date(2019, 1, 28));
    notified(&mut g);
    let c = one(&g.case, ClockName::ReviewWindow, date(2019, 3, 1));
    assert_eq!(
        (c.start, c.due),
        (Some(date(2019, 2, 1)), Some(date(2019, 3, 1)))
    );
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(c.owner, None, "a right, not a duty");
    assert_eq!(
        one(&g.case, ClockName::ReviewWindow, date(2019, 3, 2)).state,
        ClockState::Expired
    );
    let apply = |g: &mut Given, on, forwarded| {
        g.day = on;
        g.ok(
            AA,
            Command::ApplyForReview(ApplyForReview {
                applicant: PartyId(1),
                late_reason: None,
                forwarded,
            }),
        );
    };
    // Sent first to the oversight body on 27 February, forwarded, received on 4 March.
    let mut forwarded = g.clone_given();
    apply(
        &mut forwarded,
        date(2019, 3, 4),
        Some(Forwarding {
            first_received_by: Some(ReviewBody::OversightBody),
            first_received_on: date(2019, 2, 27),
        }),
    );
    let c = one(&forwarded.case, ClockName::ReviewWindow, date(2019, 3, 4));
    assert_eq!(c.state, ClockState::Met);
    assert_eq!(c.satisfied_by.unwrap().on, date(2019, 2, 27));
    apply(&mut g, date(2019, 3, 1), None);
    assert_eq!(
        one(&g.case, ClockName::ReviewWindow, date(2019, 3, 4)).state,
        ClockState::Met
    );
}

#[test]
fn a_timeliness_report_is_due_after_twelve_months_then_every_six_and_a_suspension_pauses_nothing() {
    // Complaint received 1 March 2023; local investigation.
    let mut g = Given::investigating_locally();
    g.day = date(2023, 6, 1);
    g.ok(
        AA,
        Command::Suspend(Suspend {
            reason: "criminal proceedings".into(),
        }),
    );
    let c = one(
        &g.case,
        ClockName::InvestigationTimeliness,
        date(2024, 2, 29),
    );
    assert_eq!(
        (c.start, c.not_before, c.due),
        (
            Some(date(2023, 3, 1)),
            Some(date(2024, 3, 1)),
            Some(date(2024, 3, 15))
        ),
        "the period ends 1 March 2024; the report is due 10 working days later"
    );
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(
        c.paused_days, 0,
        "a suspended investigation's period runs on"
    );
    assert_eq!(c.owner, Some(Body::AppropriateAuthority));
    let missed = clock(
        &g.case,
        ClockName::InvestigationTimeliness,
        date(2024, 3, 18),
        cal(),
    )
    .unwrap()
    .remove(0);
    assert_eq!(missed.state, ClockState::Missed);
    g.day = date(2024, 3, 8);
    g.ok(
        AA,
        Command::SendTimelinessReport(SendTimelinessReport {
            period_ending: date(2024, 3, 1),
            recipients: vec![
                TimelinessRecipient::OversightBody,
                TimelinessRecipient::LocalPolicingBody,
            ],
            copied_to: vec![],
            withheld: None,
        }),
    );
    let periods = clock(
        &g.case,
        ClockName::InvestigationTimeliness,
        date(2024, 3, 18),
        cal(),
    )
    .unwrap();
    let got: Vec<_> = periods.iter().map(|c| (c.period, c.state, c.due)).collect();
    // The second period ends on Sunday 1 September 2024: ten working days on is the 13th.
    assert_eq!(
        got,
        [
            (1, ClockState::Met, Some(date(2024, 3, 15))),
            (2, ClockState::Running, Some(date(2024, 9, 13))),
        ]
    );
    // An independent investigation's report is the oversight body's to send.
    let g = Given::investigating_independently();
    let c = one(
        &g.case,
        ClockName::InvestigationTimeliness,
        date(2023, 6, 1),
    );
    assert_eq!(c.owner, Some(Body::OversightBody));
    // Completed within 12 months: met by the report, nothing was due.
    let g = Given::investigating_locally().reported(AA);
    let c = one(
        &g.case,
        ClockName::InvestigationTimeliness,
        date(2026, 1, 1),
    );
    assert_eq!(c.state, ClockState::Met);
    assert_eq!(c.satisfied_by.unwrap().event, "report_submitted");
}

#[test]
fn a_mandatory_referral_is_due_by_the_end_of_the_next_day() {
    let base = || Given::recorded("G2");
    let g = base();
    let c = one(&g.case, ClockName::MandatoryReferral, date(2023, 3, 2));
    assert_eq!(
        (c.start, c.due),
        (Some(date(2023, 3, 1)), Some(date(2023, 3, 2)))
    );
    assert_eq!(c.state, ClockState::Running);
    assert!(
        c.info().unverified.is_some(),
        "the 2020 figure is unverified"
    );
    assert_eq!(
        one(&g.case, ClockName::MandatoryReferral, date(2023, 3, 3)).state,
        ClockState::Missed
    );
    for (on, state) in [
        (date(2023, 3, 2), ClockState::Met),
        (date(2023, 3, 3), ClockState::MetLate),
    ] {
        let mut g = base();
        g.day = on;
        g.ok(
            AA,
            Command::Refer(Refer {
                basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousCorruption),
            }),
        );
        assert_eq!(one(&g.case, ClockName::MandatoryReferral, on).state, state);
    }
    // A complaint that meets no criterion: a clear error when asked.
    let g = Given::recorded("B6");
    let err = clock(&g.case, ClockName::MandatoryReferral, g.day, cal()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the mandatory_referral clock does not apply to this case: it meets no mandatory referral criterion"
    );
}

#[test]
fn learning_responses_are_due_on_the_56th_day_and_published_within_21() {
    let mut g = Given::investigating_independently().reported(IOPC);
    let made = g.day; // 31 March 2023
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
    );
    let c = one(&g.case, ClockName::LearningResponse, made);
    assert_eq!(
        c.due,
        Some(date(2023, 5, 25)),
        "56 days beginning with 31 March end on 25 May"
    );
    assert_eq!(c.about, About::Recommendation(RecommendationId(1)));
    g.day = date(2023, 5, 20);
    g.ok(
        IOPC,
        Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: date(2023, 6, 30),
            applied_on: None,
        }),
    );
    g.day = date(2023, 6, 12);
    g.ok(
        IOPC,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: crate::matter::Acceptance::Accepted,
            narrative: "n".into(),
        }),
    );
    let c = one(&g.case, ClockName::LearningResponse, g.day);
    assert_eq!((c.due, c.state), (Some(date(2023, 6, 30)), ClockState::Met));
    assert!(c.note.unwrap().contains("extended"));
    let p = one(&g.case, ClockName::LearningResponsePublication, g.day);
    assert_eq!(
        (p.due, p.state, p.owner),
        (
            Some(date(2023, 7, 2)),
            ClockState::Running,
            Some(Body::OversightBody)
        ),
        "21 days beginning with 12 June"
    );
    g.day = date(2023, 7, 3);
    g.ok(
        IOPC,
        Command::PublishLearningResponse(PublishLearningResponse {
            recommendation: RecommendationId(1),
        }),
    );
    assert_eq!(
        one(&g.case, ClockName::LearningResponsePublication, g.day).state,
        ClockState::MetLate
    );
}

/// Gross misconduct settled for an accelerated hearing, its notice given on `notice`.
fn accelerated(notice: Date, held: Date) -> Given {
    let mut g = Given::investigating_locally();
    g.ok(AA, severity(2, Severity::GrossMisconduct, Form::Hearing));
    let g = g.reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::GrossMisconduct);
    g.ok(
        AA,
        propose(2, Action::Proceedings(Form::AcceleratedHearing)),
    );
    g.day = notice;
    g.ok(
        AA,
        Command::ArrangeProceedings(ArrangeProceedings {
            subject: PartyId(2),
            form: Form::AcceleratedHearing,
            allegations: vec![AllegationId(1)],
            on: held,
        }),
    );
    g
}

fn conclude(g: &mut Given, on: Date) {
    g.day = on;
    g.ok(
        AA,
        Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: ProceedingsId(1),
            findings: vec![(AllegationId(1), ProvenFinding::GrossMisconduct)],
            sanction: Some(Sanction::FinalWrittenWarning),
            unconnected_incidents: false,
        }),
    );
}

#[test]
fn an_accelerated_hearing_is_held_10_to_15_working_days_after_notice_and_waits_for_a_prosecution() {
    // Notice on Friday 28 April 2023: 1 May and the Coronation on 8 May are bank holidays.
    let notice = date(2023, 4, 28);
    for (held, state) in [
        (date(2023, 5, 12), ClockState::Missed),
        (date(2023, 5, 16), ClockState::Met),
        (date(2023, 5, 23), ClockState::Met),
        (date(2023, 5, 24), ClockState::MetLate),
    ] {
        let mut g = accelerated(notice, held);
        let c = one(&g.case, ClockName::AcceleratedHearing, notice);
        assert_eq!(
            (c.start, c.not_before, c.due),
            (
                Some(notice),
                Some(date(2023, 5, 16)),
                Some(date(2023, 5, 23))
            )
        );
        assert_eq!(c.about, About::Proceedings(ProceedingsId(1)));
        conclude(&mut g, held);
        assert_eq!(
            one(&g.case, ClockName::AcceleratedHearing, held).state,
            state,
            "held {held}"
        );
    }
    // Criminal proceedings against the officer pending from 2 to 9 May: the clock stops
    // for those 7 days (PCR 2020 reg 9).
    let mut g = accelerated(notice, date(2023, 5, 30));
    g.day = date(2023, 5, 2);
    g.ok(
        AA,
        Command::ReferToProsecutors(ReferToProsecutors {
            subject: PartyId(2),
        }),
    );
    let paused = one(&g.case, ClockName::AcceleratedHearing, date(2023, 5, 5));
    assert_eq!(paused.state, ClockState::Paused);
    g.day = date(2023, 5, 9);
    g.ok(
        AA,
        Command::ConcludeCriminalProceedings(ConcludeCriminalProceedings {
            subject: PartyId(2),
            outcome: CriminalOutcome::NoFurtherAction,
        }),
    );
    let c = one(&g.case, ClockName::AcceleratedHearing, date(2023, 5, 10));
    assert_eq!(c.paused_days, 7);
    assert_eq!(
        (c.not_before, c.due, c.state),
        (
            Some(date(2023, 5, 22)),
            Some(date(2023, 5, 30)),
            ClockState::Running
        ),
        "the spring bank holiday on 29 May is skipped too"
    );
    conclude(&mut g, date(2023, 5, 30));
    assert_eq!(
        one(&g.case, ClockName::AcceleratedHearing, date(2023, 5, 30)).state,
        ClockState::Met
    );
    // The final written warning is live for 2 years from its conclusion until notified.
    let fww = one(
        &g.case,
        ClockName::FinalWrittenWarningLive,
        date(2024, 1, 1),
    );
    assert_eq!(fww.due, Some(date(2025, 5, 30)));
    assert!(fww.note.unwrap().contains("not yet notified"));
}

#[test]
fn reflective_practice_needs_an_account_in_5_working_days_and_a_review_in_the_months_set() {
    let g = Given::investigating_locally().reported(AA);
    let mut g = g.determined(AA, CaseToAnswer::Misconduct);
    g.ok(AA, propose(2, Action::ReflectivePractice));
    assert!(clock(&g.case, ClockName::ReflectiveAccount, g.day, cal()).is_err());
    let step = |g: &mut Given, stage, on| {
        g.day = on;
        g.ok(
            AA,
            Command::ProgressReflectivePractice(ProgressReflectivePractice {
                subject: PartyId(2),
                stage,
            }),
        );
    };
    // Notified on Thursday 6 April 2023: Good Friday and Easter Monday are skipped.
    step(&mut g, ReflectiveStage::Notified, date(2023, 4, 6));
    let c = one(&g.case, ClockName::ReflectiveAccount, date(2023, 4, 6));
    assert_eq!(c.due, Some(date(2023, 4, 17)));
    assert_eq!(c.owner, None, "the officer's to give");
    let mut silent = g.clone_given();
    step(
        &mut silent,
        ReflectiveStage::NoAccountGiven,
        date(2023, 4, 18),
    );
    assert_eq!(
        one(
            &silent.case,
            ClockName::ReflectiveAccount,
            date(2023, 4, 18)
        )
        .state,
        ClockState::Expired
    );
    step(&mut g, ReflectiveStage::AccountGiven, date(2023, 4, 13));
    assert_eq!(
        one(&g.case, ClockName::ReflectiveAccount, date(2023, 4, 13)).state,
        ClockState::Met
    );
    step(&mut g, ReflectiveStage::Discussion, date(2023, 4, 20));
    g.day = date(2023, 4, 28);
    g.ok(
        AA,
        Command::AgreeReflectiveReport(AgreeReflectiveReport {
            subject: PartyId(2),
            report: ReflectiveReport {
                issue_summary: "i".into(),
                discussion_summary: "d".into(),
                actions: vec![crate::conduct::ReflectiveAction {
                    action: "refresher training".into(),
                    by: date(2023, 7, 31),
                }],
                lessons_for_officer: "o".into(),
                lessons_for_organisation: "g".into(),
                review_period_months: 6,
            },
        }),
    );
    let review = one(&g.case, ClockName::ReflectiveReview, date(2023, 10, 29));
    assert_eq!(
        review.due,
        Some(date(2023, 10, 28)),
        "6 months, as the report set"
    );
    assert_eq!(review.state, ClockState::Missed);
}

#[test]
fn lists_are_reviewable_five_years_after_entry() {
    let mut g = Given::investigating_locally();
    g.day = date(2023, 4, 3);
    g.ok(
        AA,
        Command::RecordLeavingService(RecordLeavingService {
            subject: PartyId(2),
        }),
    );
    let c = one(&g.case, ClockName::AdvisoryListReview, date(2028, 4, 2));
    assert_eq!(
        (c.due, c.state),
        (Some(date(2028, 4, 3)), ClockState::Running)
    );
    assert_eq!(
        one(&g.case, ClockName::AdvisoryListReview, date(2028, 4, 3)).state,
        ClockState::Expired
    );
    assert!(clock(&g.case, ClockName::BarredListReview, g.day, cal()).is_err());
}

#[test]
fn a_due_day_beyond_the_bank_holiday_data_is_an_error_not_a_guess() {
    let g = outcome_decided(date(2028, 12, 27));
    let err = clock(
        &g.case,
        ClockName::OutcomeNotification,
        date(2028, 12, 28),
        cal(),
    )
    .unwrap_err();
    assert!(
        matches!(err, ClockError::Calendar(CalendarError::Outside { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("probity holidays import"), "{err}");
    // In the full list the clock says so, and the others are still counted.
    let all = clocks(&g.case, date(2028, 12, 28), cal());
    let c = all
        .iter()
        .find(|c| c.name == ClockName::OutcomeNotification)
        .unwrap();
    assert_eq!(c.state, ClockState::Uncounted);
    assert!(c.is_open_duty(), "an uncounted duty still needs doing");
    assert!(c.note.as_ref().unwrap().contains("2029"));
    assert!(
        all.iter()
            .any(|c| c.name == ClockName::ProgressUpdate && c.state == ClockState::Running)
    );
    // With newer data imported, it is counted.
    let newer = Calendar::from_govuk_json(
        r#"{"england-and-wales":{"division":"england-and-wales","events":[{"title":"New Year’s Day","date":"2029-01-01","notes":"","bunting":true}]}}"#,
    )
    .unwrap();
    let extended = cal().extended(&newer).unwrap();
    let c = clock(
        &g.case,
        ClockName::OutcomeNotification,
        date(2028, 12, 28),
        &extended,
    )
    .unwrap()
    .remove(0);
    // 28, 29 December, then 2, 3, 4 January (1 January a bank holiday).
    assert_eq!(c.due, Some(date(2029, 1, 4)));
}

#[test]
fn every_clock_states_its_basis_and_counting() {
    for name in ClockName::ALL {
        let info = name.info();
        assert!(
            !info.basis.is_empty() && !info.counting.is_empty(),
            "{name:?}"
        );
        assert_eq!(ClockName::parse(name.code()), Some(*name));
        assert_eq!(crate::code_of(name), name.code(), "serde and code agree");
    }
    // Every clock has a worked example in this file.
    let text = include_str!("tests.rs");
    for name in ClockName::ALL {
        let variant = format!("{name:?}");
        let uses = text.matches(&format!("ClockName::{variant}")).count();
        assert!(uses >= 1, "no test counts the {variant} clock");
    }
}

#[test]
fn the_published_learning_due_dates_are_one_day_later_than_the_statutory_reading() {
    // shared/data: the oversight body's published recommendations (BBC scrape, June 2021).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/uk/iopc_recommendations_bbc/iopc_recommendations_2021-06.csv"
    );
    let mut reader = csv::Reader::from_path(path).expect("the shared data is present");
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (made_at, due_at) = (col("date_of_recommendation"), col("date_response_due"));
    let day = |s: &str| -> Option<Date> { s.get(..10)?.parse().ok() };
    let (mut rows, mut dated, mut ours, mut day_later, mut longer) = (0, 0, 0, 0, 0);
    let mut shorter = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        // A few rows hold "404 error" where the page was not scraped: not dates.
        let (Some(made), Some(due)) = (day(&record[made_at]), day(&record[due_at])) else {
            continue;
        };
        dated += 1;
        let probity = crate::case::recommendation_response_due(made);
        match (due - probity).get_days() {
            0 => ours += 1,
            1 => day_later += 1,
            d if d > 1 => longer += 1,
            _ => shorter.push(made),
        }
    }
    eprintln!(
        "IOPC recommendations: {rows} rows, {dated} with both dates; the published due date is Probity's + 1 day in {day_later}, equal in {ours}, later still in {longer} (extended), earlier in {} (made before the 56-day rule)",
        shorter.len()
    );
    assert_eq!(rows, 1321);
    assert_eq!(dated, 243);
    // Systematic: the published date is 56 days after the day made, counting from the day
    // after; Probity's is the last of the 56 days beginning with the day made.
    assert_eq!(day_later, 217);
    assert_eq!(ours, 0);
    assert_eq!(longer, 22);
    // The few shorter periods are recommendations of 2015-16, under the earlier regime.
    assert_eq!(shorter.len(), 4);
    assert!(shorter.iter().all(|d| d.year() <= 2016), "{shorter:?}");
}

// Given is not Clone (its salt counter must stay unique); a copy for a branch of a test.
impl Given {
    fn clone_given(&self) -> Given {
        Given {
            case: self.case.clone(),
            log: self.log.clone(),
            day: self.day,
            on: self.on,
            salt: self.salt,
        }
    }
}

#[test]
fn an_empty_case_has_no_clocks_and_says_why() {
    let all = clocks(&Case::default(), date(2026, 1, 1), cal());
    assert_eq!(all.len(), ClockName::ALL.len());
    assert!(all.iter().all(|c| c.state == ClockState::NotApplicable));
    assert!(
        all.iter()
            .all(|c| c.note.as_deref() == Some("nothing has been logged"))
    );
}

#[test]
fn the_open_duties_are_the_same_whatever_day_the_case_was_last_touched() {
    let mut g = Given::investigating_locally();
    let timeliness = |case: &Case| {
        open_duties(case, cal())
            .into_iter()
            .filter(|c| c.name == ClockName::InvestigationTimeliness)
            .map(|c| (c.period, c.due))
            .collect::<Vec<_>>()
    };
    let first = timeliness(&g.case);
    assert_eq!(first, [(1, Some(date(2024, 3, 15)))]);
    // Two years on, three periods have ended: the earliest not reported on is the duty.
    g.day = date(2025, 6, 1);
    g.ok(
        AA,
        Command::LogDecision(LogDecision {
            decision: "interview the witness".into(),
            rationale: "needed".into(),
            acted: true,
        }),
    );
    assert_eq!(timeliness(&g.case), first);
    assert_eq!(
        clock(&g.case, ClockName::InvestigationTimeliness, g.day, cal())
            .unwrap()
            .len(),
        4,
        "the full list has every period to the one running"
    );
    // Every open duty is one the full list has open.
    let all = clocks(&g.case, g.day, cal());
    for d in open_duties(&g.case, cal()) {
        assert!(all.contains(&d), "{d:?}");
    }
}
