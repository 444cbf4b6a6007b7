//! Prosecutors and the publication gate, learning, updates, the outcome and its review, re-investigation, withdrawal.

use super::*;
use crate::publication::{ItemKind, Justification};
use crate::review::{Forwarding, ReviewBody};

#[test]
fn prosecutors_and_publication_gate() {
    let g = Given::investigating_independently().reported(IOPC);
    let mut g = g.determined(IOPC, CaseToAnswer::NoCaseToAnswer);
    g.refused(
        IOPC,
        Command::ConcludeCriminalProceedings(ConcludeCriminalProceedings {
            subject: PartyId(2),
            outcome: CriminalOutcome::Acquitted,
        }),
        Rule::ProsecutionNotReferred,
    );
    g.ok(
        IOPC,
        Command::ReferToProsecutors(ReferToProsecutors {
            subject: PartyId(2),
        }),
    );
    g.ok(IOPC, draft("t", "s"));
    g.refused_as(SECOND, IOPC, approve(1), Rule::ProceedingsOpen);
    g.after(200).ok(
        AA,
        Command::ConcludeCriminalProceedings(ConcludeCriminalProceedings {
            subject: PartyId(2),
            outcome: CriminalOutcome::Acquitted,
        }),
    );
    g.refused(AA, draft("t", "s"), Rule::WrongBody);
    g.refused(IOPC, approve(1), Rule::SecondPersonRequired);
    g.refused_as(SECOND, IOPC, approve(2), Rule::UnknownDraft);

    // A postcode in the text: a finding that blocks approval until removed or justified.
    let text = "She lives near GL20 1AB.";
    let at = text.find("GL20").unwrap();
    g.ok(IOPC, draft("t", text));
    assert_eq!(g.case.drafts[1].findings.len(), 1);
    assert_eq!(g.case.drafts[1].findings[0].start, at);
    g.refused_as(SECOND, IOPC, approve(1), Rule::UnknownDraft);
    g.refused_as(SECOND, IOPC, approve(2), Rule::AnonymisationFinding);
    let justified = |start: usize, reason: &str| {
        Command::DraftPublication(DraftPublication {
            item: ItemKind::InvestigationSummary,
            title: "t".into(),
            summary: text.into(),
            themes: vec!["Welfare and vulnerable people".into()],
            incident_month: Some("2020-04".into()),
            justifications: vec![Justification {
                field: "summary".into(),
                start,
                reason: reason.into(),
            }],
            correction_note: None,
        })
    };
    g.refused(
        IOPC,
        justified(at + 1, "public"),
        Rule::AnonymisationFinding,
    );
    g.refused(IOPC, justified(at, " "), Rule::MissingText);
    g.ok(
        IOPC,
        justified(at, "The postcode of the police station, already public."),
    );
    g.ok_as(SECOND, IOPC, approve(3));
    let p = g.case.publication.clone().unwrap();
    assert_eq!((p.version, p.approved_by.as_deref()), (3, Some(SECOND)));
    assert_eq!(p.tags[1], "Welfare and vulnerable people");
    g.refused_as(SECOND, IOPC, approve(3), Rule::AlreadyPublished);

    // A correction is a new version with a public note; withdrawal says why.
    g.refused(IOPC, draft("t", "s"), Rule::CorrectionNoteRequired);
    g.ok(
        IOPC,
        Command::DraftPublication(DraftPublication {
            item: ItemKind::InvestigationSummary,
            title: "t".into(),
            summary: "Corrected.".into(),
            themes: vec![],
            incident_month: None,
            justifications: vec![],
            correction_note: Some("The date of the hearing was wrong.".into()),
        }),
    );
    g.ok_as(SECOND, IOPC, approve(4));
    let p = g.case.publication.clone().unwrap();
    assert_eq!(p.summary, "Corrected.");
    assert_eq!(p.corrections.len(), 1);
    let withdraw = Command::WithdrawPublication(WithdrawPublication {
        reason: "A court order.".into(),
    });
    g.ok(IOPC, withdraw.clone());
    g.refused(IOPC, withdraw, Rule::NotPublished);
}

#[test]
fn learning_recommendations_and_responses() {
    let mut g = Given::investigating_independently();
    g.refused(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
        Rule::RecommendationTooEarly,
    );
    let mut g = g.reported(IOPC);
    g.refused(
        AA,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "t".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "Review training on vulnerable victims.".into(),
        }),
    );
    g.refused(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(2),
            accepted: Acceptance::Accepted,
            narrative: "n".into(),
        }),
        Rule::UnknownRecommendation,
    );
    g.ok(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::Accepted,
            narrative: "Training revised.".into(),
        }),
    );
    g.refused(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::NotAccepted,
            narrative: "n".into(),
        }),
        Rule::RecommendationAnswered,
    );
    g.refused(
        IOPC,
        Command::RecordNoLearning(RecordNoLearning {
            rationale: "none".into(),
        }),
        Rule::WrongStage,
    );
}

#[test]
fn updates_go_to_complainants_and_interested_persons() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::UpdateParty(UpdateParty {
            party: PartyId(2),
            kind: UpdateKind::Progress,
        }),
        Rule::NotEntitledToUpdates,
    );
    g.ok(
        AA,
        Command::UpdateParty(UpdateParty {
            party: PartyId(1),
            kind: UpdateKind::Progress,
        }),
    );
    assert_eq!(g.case.updates.len(), 1);
}

/// A locally investigated complaint with the outcome notified: a review right to the LPB.
fn outcome_notified_locally() -> Given {
    let mut g = Given::investigating_locally()
        .reported(AA)
        .determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
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
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(2),
            late_reason: None,
            forwarded: None,
        }),
        Rule::ReviewApplicantNotComplainant,
    );
    g.refused(AA, Command::Close(Close {}), Rule::ReviewWindowOpen);
    g.after(29);
    g.refused(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
        Rule::ReviewOutOfTime,
    );
    g.ok(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: Some("in hospital".into()),
            forwarded: None,
        }),
    );
    // Late: it waits for the relevant review body, which alone may accept it.
    assert_eq!(g.status(), Status::OutcomeNotified);
    g.refused(AA, Command::Close(Close {}), Rule::LateApplication);
    let accept = Command::DecideLateReview(DecideLateReview {
        accepted: true,
        rationale: "a hospital stay is a special circumstance".into(),
    });
    g.refused(IOPC, accept.clone(), Rule::WrongBody);
    g.ok(LPB, accept.clone());
    g.refused(LPB, accept, Rule::LateApplication);
    assert_eq!(g.status(), Status::UnderReview);
    g.refused(
        IOPC,
        Command::DecideReview(DecideReview {
            upheld: false,
            recommendations: vec![],
            reinvestigation: None,
        }),
        Rule::WrongBody,
    );
    g.refused(
        LPB,
        Command::DecideReview(DecideReview {
            upheld: true,
            recommendations: vec![],
            reinvestigation: Some(InvestigationMode::Independent),
        }),
        Rule::WrongBody,
    );
    g.ok(
        LPB,
        Command::DecideReview(DecideReview {
            upheld: true,
            recommendations: vec!["re-consider".into()],
            reinvestigation: None,
        }),
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
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
    );
    g.ok(
        LPB,
        Command::DecideReview(DecideReview {
            upheld: false,
            recommendations: vec![],
            reinvestigation: None,
        }),
    );
    assert_eq!(g.status(), Status::Closed);
    let mut h = outcome_notified_locally();
    h.after(29).ok(AA, Command::Close(Close {}));
    assert_eq!(h.status(), Status::Closed);
}

#[test]
fn referred_cases_are_reviewed_by_the_oversight_body_and_may_be_reinvestigated() {
    let mut g = Given::recorded("B6");
    g.ok(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Voluntary,
        }),
    );
    g.ok(
        IOPC,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::Investigate(InvestigationMode::Local),
            rationale: "local".into(),
        }),
    );
    g.ok(AA, severity(2, Severity::Misconduct, Form::Meeting))
        .ok(
            AA,
            Command::ServeNotice(ServeNotice {
                subject: PartyId(2),
            }),
        );
    let mut g = g.reported(AA).determined(AA, CaseToAnswer::NoCaseToAnswer);
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    assert_eq!(g.case.review_right.unwrap().body, ReviewBody::OversightBody);
    g.ok(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: None,
        }),
    );
    g.ok(
        IOPC,
        Command::DecideReview(DecideReview {
            upheld: true,
            recommendations: vec![],
            reinvestigation: Some(InvestigationMode::Independent),
        }),
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
        Command::HandleOtherwiseThanByInvestigation(HandleOtherwiseThanByInvestigation {
            rationale: "proportionate".into(),
        }),
    );
    // The outcome is decided before it is notified.
    g.refused(
        AA,
        Command::NotifyOutcome(NotifyOutcome {}),
        Rule::OutcomeNotReady,
    );
    g.ok(
        AA,
        Command::DecideOutcome(DecideOutcome {
            outcome: HandlingOutcome::ServiceNotAcceptable,
            rationale: "the call was not returned".into(),
        }),
    );
    g.refused(
        AA,
        Command::DecideOutcome(DecideOutcome {
            outcome: HandlingOutcome::ServiceAcceptable,
            rationale: "second thoughts".into(),
        }),
        Rule::WrongStage,
    );
    g.ok(AA, Command::NotifyOutcome(NotifyOutcome {}));
    assert_eq!(
        g.case.handling_outcome.map(|(o, _)| o),
        Some(HandlingOutcome::ServiceNotAcceptable)
    );
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
        Command::OrderReinvestigation(OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "r".into(),
        }),
        Rule::ReinvestigationNotOpen,
    );
    let mut h = Given::investigating_independently().reported(IOPC);
    h.refused(
        AA,
        Command::OrderReinvestigation(OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "r".into(),
        }),
        Rule::WrongBody,
    );
    h.refused(
        IOPC,
        Command::OrderReinvestigation(OrderReinvestigation {
            mode: InvestigationMode::Local,
            reason: "r".into(),
        }),
        Rule::ReinvestigationNotOpen,
    );
    h.ok(
        IOPC,
        Command::OrderReinvestigation(OrderReinvestigation {
            mode: InvestigationMode::Independent,
            reason: "new evidence".into(),
        }),
    );
    assert_eq!(h.status(), Status::UnderInvestigation);
}

#[test]
fn withdrawal_ends_the_complaint() {
    let mut g = Given::investigating_locally();
    g.ok(
        AA,
        Command::Withdraw(Withdraw {
            continue_as_conduct_matter: true,
        }),
    );
    assert_eq!(g.status(), Status::Withdrawn);
    g.refused(
        AA,
        Command::Withdraw(Withdraw {
            continue_as_conduct_matter: false,
        }),
        Rule::WrongStage,
    );
    g.refused(
        AA,
        Command::LogDecision(LogDecision {
            decision: "d".into(),
            rationale: "r".into(),
            acted: true,
        }),
        Rule::WrongStage,
    );
}

#[test]
fn response_periods_extend_within_time_and_responses_are_published_once() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "Review supervision of informant contact.".into(),
        }),
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
        Command::PublishLearningResponse(PublishLearningResponse {
            recommendation: RecommendationId(1),
        }),
        Rule::ResponseNotReceived,
    );
    g.refused(
        AA,
        Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: date(2024, 1, 1),
            applied_on: None,
        }),
        Rule::WrongBody,
    );
    g.refused(
        IOPC,
        Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: due,
            applied_on: None,
        }),
        Rule::DateOutOfRange,
    );
    let later = due.checked_add(jiff::Span::new().days(28)).unwrap();
    g.after(50).ok(
        IOPC,
        Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: RecommendationId(1),
            until: later,
            applied_on: None,
        }),
    );
    assert_eq!(
        g.case.recommendations[&RecommendationId(1)].response_due,
        later
    );
    g.after(30).ok(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::PartiallyAccepted,
            narrative: "Supervision policy revised.".into(),
        }),
    );
    g.ok(
        IOPC,
        Command::PublishLearningResponse(PublishLearningResponse {
            recommendation: RecommendationId(1),
        }),
    );
    g.refused(
        IOPC,
        Command::PublishLearningResponse(PublishLearningResponse {
            recommendation: RecommendationId(1),
        }),
        Rule::ResponseNotReceived,
    );
}

#[test]
fn time_spent_forwarding_a_misdirected_review_is_excluded() {
    let mut g = outcome_notified_locally();
    g.after(33);
    assert_eq!(
        g.case.review_right.unwrap().body,
        ReviewBody::LocalPolicingBody
    );
    let first_received = |days_ago: i64| {
        Some(Forwarding {
            first_received_by: Some(ReviewBody::OversightBody),
            first_received_on: g.day.checked_sub(jiff::Span::new().days(days_ago)).unwrap(),
        })
    };
    // Information given on day 0: the window closed on day 28. First received on day 30.
    let late = first_received(3);
    let in_time = first_received(5);
    // Sent first to the body that reviews: nothing was forwarded.
    let wrong = Some(Forwarding {
        first_received_by: Some(ReviewBody::LocalPolicingBody),
        ..in_time.unwrap()
    });
    g.refused(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: wrong,
        }),
        Rule::WrongBody,
    );
    g.refused(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: late,
        }),
        Rule::ReviewOutOfTime,
    );
    g.ok(
        AA,
        Command::ApplyForReview(ApplyForReview {
            applicant: PartyId(1),
            late_reason: None,
            forwarded: in_time,
        }),
    );
    assert!(g.case.reviews[0].late_reason.is_none());
    assert_eq!(g.case.reviews[0].forwarded, in_time);
    assert_eq!(g.case.status, Status::UnderReview);
}

/// The register publishes a recommendation's text with the case, and its response when that is
/// published: both are checked like the summary, and nothing identifying is published unjustified.
#[test]
fn recommendation_and_response_texts_are_checked_before_they_are_published() {
    let mut g = Given::investigating_independently().reported(IOPC);
    g.ok(
        IOPC,
        Command::MakeLearningRecommendation(MakeLearningRecommendation {
            recipient: "Kent Police".into(),
            text: "Write to the officer at pc.one@kent.police.example about supervision.".into(),
        }),
    );
    g.ok(IOPC, draft("A title", "A summary naming no one."));
    let d = g.case.drafts.last().unwrap();
    assert_eq!(
        d.findings
            .iter()
            .map(|f| (f.field.as_str(), f.justified.is_some()))
            .collect::<Vec<_>>(),
        [("recommendation R1", false)],
        "the recommendation's e-mail address is a finding of the draft"
    );
    g.ok(
        AA,
        Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: RecommendationId(1),
            accepted: Acceptance::Accepted,
            narrative: "Call the trainer on 07700 900123 for the new course.".into(),
        }),
    );
    let publish = Command::PublishLearningResponse(PublishLearningResponse {
        recommendation: RecommendationId(1),
    });
    g.refused(IOPC, publish.clone(), Rule::AnonymisationFinding);
    // Justified in a new draft, the response may be published.
    let start =
        crate::anonymisation::check("Call the trainer on 07700 900123 for the new course.", &[])[0]
            .start;
    let address = g.case.drafts.last().unwrap().findings[0].start;
    g.ok(
        IOPC,
        Command::DraftPublication(DraftPublication {
            justifications: vec![
                Justification {
                    field: "recommendation R1".into(),
                    start: address,
                    reason: "The force's public address.".into(),
                },
                Justification {
                    field: "response to R1".into(),
                    start,
                    reason: "The force's public training line.".into(),
                },
            ],
            ..match draft("A title", "A summary naming no one.") {
                Command::DraftPublication(d) => d,
                _ => unreachable!(),
            }
        }),
    );
    assert!(g.case.drafts.last().unwrap().blocking().next().is_none());
    g.ok(IOPC, publish);
}
