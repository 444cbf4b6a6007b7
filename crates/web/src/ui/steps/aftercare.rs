//! The steps of learning, the outcome, the review and closure (the rules in
//! decide/aftercare.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    ApplyForReview, Close, CloseRecommendation, CommandKind, ConcludeAssociatedProceedings,
    DecideLateReview, DecideReview, ExtendResponsePeriod, MakeLearningRecommendation,
    NotifyOutcome, OrderReinvestigation, PublishLearningResponse, RecordAssociatedProceedings,
    RecordLearningResponse, RecordNoLearning,
};
use probity_domain::ids::RecommendationId;
use probity_domain::matter::{Acceptance, AssociatedKind};
use probity_domain::referral::InvestigationMode;
use probity_domain::{Body, Command, Status};

use super::{Answers, Choice, Field, Step, any_body, choice, no_defaults, oversight_only};
use crate::ui::form::Errors;

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
    stages: probity_domain::stages::AFTER_REPORT,
    when: oversight_learning,
    check: false,
    history: false,
    facts: super::no_facts,
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
    stages: probity_domain::stages::AFTER_REPORT,
    when: |file, body| oversight_learning(file, body) && file.learning_recommendations.is_empty(),
    check: false,
    history: false,
    facts: super::no_facts,
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
    stages: probity_domain::stages::AFTER_REPORT,
    when: |file, _| {
        file.learning_recommendations
            .iter()
            .any(|r| r.response.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
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
    history: false,
    facts: super::no_facts,
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
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let complainants = super::parties(file, &["complainant"]);
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
        let applicant = a.party("applicant", "Choose who applied", errors);
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
    history: false,
    facts: super::no_facts,
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
        let upheld = a.yes_or_no("upheld", "Choose whether the review is upheld", errors);
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
    history: false,
    facts: super::no_facts,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::Close(Close {})),
};

/// The case's learning recommendations that `keep` admits, as choices.
fn recommendations(
    file: &CaseFile,
    keep: impl Fn(&probity_domain::case::LearningRecommendation) -> bool,
) -> Vec<Choice> {
    file.learning_recommendations
        .iter()
        .filter(|r| keep(r))
        .map(|r| {
            choice(r.id.to_string(), format!("{}: {}", r.id, r.text)).hint(format!(
                "To {}; response due {}",
                r.recipient,
                crate::ui::chrome::long_date(r.response_due)
            ))
        })
        .collect()
}

fn recommendation(a: &Answers, errors: &mut Errors) -> Option<RecommendationId> {
    let r = RecommendationId::parse(a.one("recommendation"));
    if r.is_none() {
        errors.add("recommendation", "Choose the recommendation");
    }
    r
}

pub const EXTEND_RESPONSE_PERIOD: Step = Step {
    slug: "extend-response-period",
    kind: CommandKind::ExtendResponsePeriod,
    title: "Extend the time to respond to a recommendation",
    guidance: "The IOPC may extend the 56 days a recipient has to respond, on its application (Police Reform Act 2002 Sch 3 para 28B). The response clock runs to the new day.",
    submit: "Extend",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        body == Body::OversightBody
            && file
                .learning_recommendations
                .iter()
                .any(|r| r.response.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios(
                "recommendation",
                "Which recommendation?",
                recommendations(file, |r| r.response.is_none()),
            ),
            Field::date("until", "The new last day for the response"),
            Field::date("applied_on", "The day the recipient applied (optional)")
                .hint("Leave empty when it is today. For example, 6 4 2020"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let recommendation = recommendation(a, errors);
        let until = a.date("until", "The new last day", true, errors);
        let applied_on = a.date("applied_on", "The day the recipient applied", false, errors);
        Some(Command::ExtendResponsePeriod(ExtendResponsePeriod {
            recommendation: recommendation?,
            until: until?,
            applied_on,
        }))
    },
};

pub const PUBLISH_LEARNING_RESPONSE: Step = Step {
    slug: "publish-learning-response",
    kind: CommandKind::PublishLearningResponse,
    title: "Publish a response to a recommendation",
    guidance: "The IOPC publishes the recommendation and the response, within 21 days of receiving it (Police Reform Act 2002 Sch 3 para 28B(7)).",
    submit: "Record the publication",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        body == Body::OversightBody
            && file
                .learning_recommendations
                .iter()
                .any(|r| r.response.is_some() && r.response_published_on.is_none())
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![Field::radios(
            "recommendation",
            "Which response?",
            recommendations(file, |r| {
                r.response.is_some() && r.response_published_on.is_none()
            }),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let recommendation = recommendation(a, errors)?;
        Some(Command::PublishLearningResponse(PublishLearningResponse {
            recommendation,
        }))
    },
};

pub const CLOSE_RECOMMENDATION: Step = Step {
    slug: "close-recommendation",
    kind: CommandKind::CloseRecommendation,
    title: "Close a recommendation",
    guidance: "A recommendation's work is done once its response is in and published.",
    submit: "Close it",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        body == Body::OversightBody
            && file
                .learning_recommendations
                .iter()
                .any(|r| r.response_published_on.is_some() && r.closed_on.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![Field::radios(
            "recommendation",
            "Which recommendation?",
            recommendations(file, |r| {
                r.response_published_on.is_some() && r.closed_on.is_none()
            }),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let recommendation = recommendation(a, errors)?;
        Some(Command::CloseRecommendation(CloseRecommendation {
            recommendation,
        }))
    },
};

pub const DECIDE_LATE_REVIEW: Step = Step {
    slug: "decide-late-review",
    kind: CommandKind::DecideLateReview,
    title: "Decide on a late application for review",
    guidance: "The relevant review body decides whether the special circumstances the applicant gives justify accepting an application made after the 28 days (Police (Complaints and Misconduct) Regulations 2020 reg 30(5)).",
    submit: "Continue",
    stages: &[Status::OutcomeNotified, Status::UnderReview],
    when: any_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::yes_or_no(
                "accepted",
                "Is the application accepted?",
                "Accepted",
                "Not accepted",
            ),
            Field::text("rationale", "The reasons"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let accepted = a.yes_or_no(
            "accepted",
            "Choose whether the application is accepted",
            errors,
        );
        let rationale = a.text("rationale", "Enter the reasons", errors);
        Some(Command::DecideLateReview(DecideLateReview {
            accepted: accepted?,
            rationale,
        }))
    },
};

pub const ORDER_REINVESTIGATION: Step = Step {
    slug: "order-reinvestigation",
    kind: CommandKind::OrderReinvestigation,
    title: "Order a re-investigation",
    guidance: "The IOPC may order a directed or independent investigation to be re-investigated (Police Reform Act 2002 Sch 3 para 25); the new investigation keeps the old one on the record.",
    submit: "Continue",
    stages: &[
        Status::ReportSubmitted,
        Status::Determined,
        Status::ActionsInProgress,
        Status::OutcomeNotified,
        Status::UnderReview,
        Status::Closed,
    ],
    when: |file, body| {
        oversight_only(file, body) && file.mode_of_investigation.as_deref() != Some("local")
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::radios(
                "mode",
                "In what mode?",
                vec![
                    choice("independent", "An independent re-investigation"),
                    choice("directed", "A directed re-investigation"),
                ],
            ),
            Field::text("reason", "Why"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let mode = a.code::<InvestigationMode>("mode", "Choose the mode", errors);
        let reason = a.text("reason", "Enter why it is re-investigated", errors);
        Some(Command::OrderReinvestigation(OrderReinvestigation {
            mode: mode?,
            reason,
        }))
    },
};

pub const RECORD_ASSOCIATED_PROCEEDINGS: Step = Step {
    slug: "associated-proceedings",
    kind: CommandKind::RecordAssociatedProceedings,
    title: "Record associated proceedings",
    guidance: "An inquest, a civil claim or other proceedings arising from the same events: nothing about the case is published until they end (shared/domain.md §12).",
    submit: "Record them",
    stages: probity_domain::stages::ANY,
    when: |_, body| body != Body::LocalPolicingBody,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::radios(
                "kind",
                "What proceedings?",
                vec![
                    choice("inquest", "An inquest"),
                    choice("civil_claim", "A civil claim"),
                    choice("other", "Other proceedings"),
                ],
            ),
            Field::text("description", "What they are")
                .hint("Without the names of people who are not parties"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let kind = a.code::<AssociatedKind>("kind", "Choose what proceedings they are", errors);
        let description = a.text("description", "Enter what the proceedings are", errors);
        Some(Command::RecordAssociatedProceedings(
            RecordAssociatedProceedings {
                kind: kind?,
                description,
            },
        ))
    },
};

pub const CONCLUDE_ASSOCIATED_PROCEEDINGS: Step = Step {
    slug: "associated-proceedings-ended",
    kind: CommandKind::ConcludeAssociatedProceedings,
    title: "Record that associated proceedings ended",
    guidance: "Once every associated proceeding has ended, publication may go ahead.",
    submit: "Record it",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        body != Body::LocalPolicingBody
            && file
                .associated_proceedings
                .iter()
                .any(|p| p.concluded_on.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let open = file
            .associated_proceedings
            .iter()
            .filter(|p| p.concluded_on.is_none())
            .map(|p| {
                choice(
                    p.id.to_string(),
                    format!(
                        "{}: {}",
                        crate::ui::chrome::words(&probity_domain::code_of(&p.kind)),
                        p.description
                    ),
                )
                .hint(format!(
                    "Recorded {}",
                    crate::ui::chrome::long_date(p.opened_on)
                ))
            })
            .collect();
        vec![Field::radios(
            "proceedings",
            "Which proceedings ended?",
            open,
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let proceedings = a.one("proceedings").parse::<u32>().ok();
        if proceedings.is_none() {
            errors.add("proceedings", "Choose the proceedings that ended");
        }
        Some(Command::ConcludeAssociatedProceedings(
            ConcludeAssociatedProceedings {
                proceedings: proceedings?,
            },
        ))
    },
};
