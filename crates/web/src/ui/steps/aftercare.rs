//! The steps of learning, the outcome, the review and closure (the rules in
//! decide/aftercare.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    ApplyForReview, Close, CommandKind, DecideReview, MakeLearningRecommendation, NotifyOutcome,
    RecordLearningResponse, RecordNoLearning,
};
use probity_domain::ids::RecommendationId;
use probity_domain::matter::Acceptance;
use probity_domain::referral::InvestigationMode;
use probity_domain::{Body, Command, PartyId, Status};

use super::{Field, Step, any_body, choice, no_defaults, subject_name};

/// From the report on: learning may be recommended.
const AFTER_REPORT: &[Status] = &[
    Status::ReportSubmitted,
    Status::Determined,
    Status::ActionsInProgress,
    Status::OutcomeNotified,
    Status::UnderReview,
    Status::Closed,
];

/// Learning recommendations follow a directed or independent investigation (Sch 3 para 28A).
fn oversight_learning(file: &CaseFile, body: Body) -> bool {
    body == Body::OversightBody && file.mode_of_investigation.as_deref() != Some("local")
}

pub const MAKE_LEARNING_RECOMMENDATION: Step = Step {
    slug: "learning-recommendation",
    kind: CommandKind::MakeLearningRecommendation,
    title: "Make a learning recommendation",
    guidance: "A recommendation to a force or another body, to prevent a recurrence or improve practice. The recipient must respond in writing within 56 days, and the response is published (Police Reform Act 2002 Sch 3 paras 28A and 28B).",
    submit: "Make the recommendation",
    stages: AFTER_REPORT,
    when: oversight_learning,
    check: false,
    fields: |_| {
        vec![
            Field::line("recipient", "To whom is it made?")
                .hint("For example, Gloucestershire Constabulary"),
            Field::text("text", "The recommendation"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let recipient = a.text(
            "recipient",
            "Enter to whom the recommendation is made",
            errors,
        );
        let text = a.text("text", "Enter the recommendation", errors);
        Some(Command::MakeLearningRecommendation(
            MakeLearningRecommendation { recipient, text },
        ))
    },
};

pub const RECORD_NO_LEARNING: Step = Step {
    slug: "no-learning",
    kind: CommandKind::RecordNoLearning,
    title: "Record that no learning was identified",
    guidance: "That the investigation identified no learning for the force or others is recorded with its reasons, so that it is a decision and not an omission.",
    submit: "Record it",
    stages: AFTER_REPORT,
    when: |file, body| oversight_learning(file, body) && file.learning_recommendations.is_empty(),
    check: false,
    fields: |_| vec![Field::text("rationale", "Why no learning was identified")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let rationale = a.text("rationale", "Enter why no learning was identified", errors);
        Some(Command::RecordNoLearning(RecordNoLearning { rationale }))
    },
};

pub const RECORD_LEARNING_RESPONSE: Step = Step {
    slug: "learning-response",
    kind: CommandKind::RecordLearningResponse,
    title: "Record the response to a recommendation",
    guidance: "The recipient's written response: whether it accepts the recommendation and what it will do (Police Reform Act 2002 Sch 3 para 28B). It is due within 56 days of the recommendation, or by the extended date.",
    submit: "Record the response",
    stages: AFTER_REPORT,
    when: |file, _| {
        file.learning_recommendations
            .iter()
            .any(|r| r.response.is_none())
    },
    check: false,
    fields: |file| {
        let open = file
            .learning_recommendations
            .iter()
            .filter(|r| r.response.is_none())
            .map(|r| {
                choice(r.id.to_string(), format!("{}: {}", r.id, r.text)).hint(format!(
                    "To {}; response due {}",
                    r.recipient,
                    crate::ui::chrome::long_date(r.response_due)
                ))
            })
            .collect();
        vec![
            Field::radios("recommendation", "Which recommendation?", open),
            Field::radios(
                "accepted",
                "Is it accepted?",
                vec![
                    choice("accepted", "Accepted"),
                    choice("partially_accepted", "Partly accepted"),
                    choice("not_accepted", "Not accepted"),
                ],
            ),
            Field::text("narrative", "The response").hint("What the recipient will do, or why not"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let recommendation = RecommendationId::parse(a.one("recommendation"));
        if recommendation.is_none() {
            errors.add("recommendation", "Choose the recommendation");
        }
        let accepted = a.code::<Acceptance>("accepted", "Choose whether it is accepted", errors);
        let narrative = a.text("narrative", "Enter the response", errors);
        Some(Command::RecordLearningResponse(RecordLearningResponse {
            recommendation: recommendation?,
            accepted: accepted?,
            narrative,
        }))
    },
};

pub const NOTIFY_OUTCOME: Step = Step {
    slug: "notify-outcome",
    kind: CommandKind::NotifyOutcome,
    title: "Record that the outcome was notified",
    guidance: "The complainant and interested persons are told the outcome: the findings, what action will follow, and their right of review, which body decides it and by when (Police Reform Act 2002 Sch 3 para 24A; Police (Complaints and Misconduct) Regulations 2020 reg 29). Draft and send the outcome letter from the case file to do both at once.",
    submit: "Record the notification",
    stages: &[
        Status::Determined,
        Status::ActionsInProgress,
        Status::HandledOtherwise,
    ],
    when: any_body,
    check: true,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::NotifyOutcome(NotifyOutcome {})),
};

pub const APPLY_FOR_REVIEW: Step = Step {
    slug: "apply-for-review",
    kind: CommandKind::ApplyForReview,
    title: "Record an application for review",
    guidance: "A complainant may apply for a review of the outcome within 28 days of the day after being told of the right (Police (Complaints and Misconduct) Regulations 2020 reg 30). A late application needs special circumstances, which the review body weighs.",
    submit: "Record the application",
    stages: &[Status::OutcomeNotified],
    when: any_body,
    check: false,
    fields: |file| {
        let complainants = file
            .parties
            .iter()
            .filter(|p| p.role == "complainant")
            .map(|p| choice(&p.party, subject_name(file, &p.party)))
            .collect();
        vec![
            Field::radios("applicant", "Who applied?", complainants),
            Field::text(
                "late_reason",
                "Special circumstances, if it is out of time (optional)",
            ),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let applicant = PartyId::parse(a.one("applicant"));
        if applicant.is_none() {
            errors.add("applicant", "Choose who applied");
        }
        Some(Command::ApplyForReview(ApplyForReview {
            applicant: applicant?,
            late_reason: a.optional("late_reason"),
            forwarded: None,
        }))
    },
};

pub const DECIDE_REVIEW: Step = Step {
    slug: "decide-review",
    kind: CommandKind::DecideReview,
    title: "Decide the review",
    guidance: "The relevant review body decides whether the outcome was reasonable and proportionate. If it upholds the review it may recommend what should be done, or, as the IOPC, direct a re-investigation (Police Reform Act 2002 Sch 3 paras 6A and 25).",
    submit: "Continue",
    stages: &[Status::UnderReview],
    when: any_body,
    check: true,
    fields: |_| {
        vec![
            Field::radios(
                "upheld",
                "Is the review upheld?",
                vec![
                    choice("true", "Upheld")
                        .hint("The outcome was not reasonable and proportionate"),
                    choice("false", "Not upheld"),
                ],
            ),
            Field::text("recommendations", "Recommendations (optional)")
                .hint("One per line: what the appropriate authority should do"),
            Field::radios(
                "reinvestigation",
                "Re-investigation",
                vec![
                    choice("", "None"),
                    choice("local", "A local re-investigation"),
                    choice("directed", "A directed re-investigation"),
                    choice("independent", "An independent re-investigation"),
                ],
            ),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let upheld = match a.one("upheld") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        if upheld.is_none() {
            errors.add("upheld", "Choose whether the review is upheld");
        }
        let reinvestigation = match a.one("reinvestigation") {
            "" => None,
            v => {
                let m = probity_domain::from_code::<InvestigationMode>(v);
                if m.is_none() {
                    errors.add(
                        "reinvestigation",
                        "Choose the re-investigation from the list",
                    );
                }
                m
            }
        };
        let recommendations = a
            .one("recommendations")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        Some(Command::DecideReview(DecideReview {
            upheld: upheld?,
            recommendations,
            reinvestigation,
        }))
    },
};

pub const CLOSE: Step = Step {
    slug: "close",
    kind: CommandKind::Close,
    title: "Close the case",
    guidance: "Closing ends the work on the case once the outcome is notified. When something is still open the rules refuse it and say what.",
    submit: "Close the case",
    stages: &[Status::OutcomeNotified],
    when: any_body,
    check: false,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::Close(Close {})),
};
