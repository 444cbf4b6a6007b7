//! Learning, keeping people informed, the outcome and its review, re-investigation,
//! withdrawal, closure and publication (Sch3 paras 6A, 25, 28A-28B; PRA ss.13B, 20-21).

use super::{Decide, Decision, by, is_complainant, not_terminal, party, stage, text};
use crate::case::{Case, LearningRecommendation, ProposalStage, Status};
use crate::command::{
    ApplyForReview, Close, CloseRecommendation, ConcludeAssociatedProceedings, DecideLateReview,
    DecideOutcome, DecideReview, ExtendResponsePeriod, MakeLearningRecommendation, NotifyOutcome,
    OrderReinvestigation, PublishLearningResponse, RecordAssociatedProceedings,
    RecordLearningResponse, RecordNoLearning, SendLetter, SendTimelinessReport, UpdateParty,
    Withdraw,
};
use crate::event::Event;
use crate::event::{
    AssociatedProceedingsConcluded, AssociatedProceedingsOpened, CaseClosed,
    LateApplicationDecided, LearningRecommendationMade, LearningResponsePublished,
    LearningResponseReceived, LetterSent, MatterWithdrawn, NoLearningIdentified, OutcomeDecided,
    OutcomeNotified, PartyUpdated, RecommendationClosed, ReinvestigationOrdered,
    ResponsePeriodExtended, ReviewApplied, ReviewDecided,
};
use crate::ids::RecommendationId;
use crate::matter::MatterKind;
use crate::matter::UpdateKind;
use crate::party::PartyRole;
use crate::publication::misconduct_proceedings_open;
use crate::referral::InvestigationMode;
use crate::review::{ReviewBody, review_right};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

const OVERSIGHT: &[Body] = &[Body::OversightBody];
const EITHER: &[Body] = &[Body::AppropriateAuthority, Body::OversightBody];

impl Decide for MakeLearningRecommendation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "make a learning recommendation")?;
        if case.status == Status::Withdrawn {
            return refuse(Rule::WrongStage, "the matter was withdrawn");
        }
        learning_may_follow(case)?;
        text("recipient", &self.recipient)?;
        text("recommendation", &self.text)?;
        let on = ctx.on();
        Decision::one(LearningRecommendationMade {
            recommendation: RecommendationId(case.recommendations.len() as u32 + 1),
            recipient: self.recipient.trim().to_string(),
            text: self.text.trim().to_string(),
            response_due: crate::case::recommendation_response_due(on),
            on,
        })
    }
}

/// Sch3 para 28A(1): the Director General may recommend once a report on a directed or
/// independent investigation (or on a DSI matter) is in, or on a review the oversight body
/// determined; a local investigation's report gives it no such power.
fn learning_may_follow(case: &Case) -> Result<(), Refusal> {
    // A thematic or national programme holds recommendations of no one case.
    if case
        .matter()
        .is_some_and(|m| m.kind == MatterKind::LearningProgramme)
    {
        return Ok(());
    }
    let dsi = case
        .matter()
        .is_some_and(|m| m.kind == MatterKind::DsiMatter);
    let covered = |i: &crate::case::Investigation| {
        i.report_on.is_some()
            && (dsi
                || matches!(
                    i.mode,
                    InvestigationMode::Directed | InvestigationMode::Independent
                ))
    };
    let reported = case
        .investigation
        .iter()
        .chain(&case.earlier_investigations)
        .any(covered);
    let reviewed = case
        .reviews
        .iter()
        .any(|r| r.decision.is_some() && r.decided_by == Some(ReviewBody::OversightBody));
    if reported || reviewed {
        return Ok(());
    }
    let local = case
        .investigation
        .as_ref()
        .is_some_and(|i| i.report_on.is_some() && i.mode == InvestigationMode::Local);
    refuse(
        Rule::RecommendationTooEarly,
        if local {
            "a local investigation's report is not one that para 28A covers"
        } else {
            "there is no directed or independent investigation report, or review determination by the oversight body, yet"
        },
    )
}

impl Decide for RecordLearningResponse {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let recommendation = &self.recommendation;
        let r = learning_recommendation(case, *recommendation)?;
        if r.response.is_some() {
            return refuse(
                Rule::RecommendationAnswered,
                format!("{recommendation} was answered already"),
            );
        }
        text("narrative", &self.narrative)?;
        Decision::one(LearningResponseReceived {
            recommendation: *recommendation,
            accepted: self.accepted,
            narrative: self.narrative.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for ExtendResponsePeriod {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let (recommendation, until) = (&self.recommendation, &self.until);
        let on = ctx.on();
        let applied_on = self.applied_on.unwrap_or(on);
        by(ctx, OVERSIGHT, "extend the response period")?;
        let r = learning_recommendation(case, *recommendation)?;
        if r.response.is_some() {
            return refuse(
                Rule::RecommendationAnswered,
                format!("{recommendation} was answered already"),
            );
        }
        if applied_on > on || applied_on < r.made_on {
            return refuse(
                Rule::DateOutOfRange,
                format!(
                    "the application of {applied_on} must fall between the recommendation ({}) and the grant ({on})",
                    r.made_on
                ),
            );
        }
        // The application, not the grant, must come within the period (para 28B(3)).
        if applied_on > r.response_due || *until <= r.response_due {
            return refuse(
                Rule::DateOutOfRange,
                format!(
                    "the period ends {}; an extension is applied for within it, to a later date",
                    r.response_due
                ),
            );
        }
        Decision::one(ResponsePeriodExtended {
            recommendation: *recommendation,
            until: *until,
            applied_on,
            on,
        })
    }
}

impl Decide for PublishLearningResponse {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let recommendation = &self.recommendation;
        by(
            ctx,
            OVERSIGHT,
            "publish a response to a learning recommendation",
        )?;
        let r = learning_recommendation(case, *recommendation)?;
        let Some((_, text, _)) = r
            .response
            .as_ref()
            .filter(|_| r.response_published_on.is_none())
        else {
            return refuse(
                Rule::ResponseNotReceived,
                format!("{recommendation} has no unpublished response"),
            );
        };
        let found = super::publishing::unjustified_in_response(case, *recommendation, text, ctx);
        if !found.is_empty() {
            return refuse(
                Rule::AnonymisationFinding,
                format!(
                    "the response identifies someone; justify each finding in a new draft of the publication first: {}",
                    super::publishing::listed(found.iter())
                ),
            );
        }
        Decision::one(LearningResponsePublished {
            recommendation: *recommendation,
            on: ctx.on(),
        })
    }
}

impl Decide for RecordNoLearning {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "record that no learning was identified")?;
        learning_may_follow(case)?;
        if !case.recommendations.is_empty() || case.no_learning_on.is_some() {
            return refuse(
                Rule::WrongStage,
                "learning has already been recorded for this case",
            );
        }
        text("rationale", &self.rationale)?;
        Decision::one(NoLearningIdentified {
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

/// The party, when it is one kept informed: a complainant, their representative or an
/// interested person (PRA ss.20-21). The updates and the letters ask the same question here.
pub(crate) fn entitled_to_updates(
    case: &Case,
    p: crate::PartyId,
) -> Result<&crate::case::Party, Refusal> {
    let who = party(case, p)?;
    let entitled = matches!(
        who.role,
        PartyRole::Complainant { .. }
            | PartyRole::Representative { .. }
            | PartyRole::InterestedPerson
    );
    if !entitled {
        return refuse(
            Rule::NotEntitledToUpdates,
            format!("{p} is a {}", who.role.label()),
        );
    }
    Ok(who)
}

impl Decide for UpdateParty {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let p = &self.party;
        by(ctx, EITHER, "send an update")?;
        entitled_to_updates(case, *p)?;
        Decision::one(PartyUpdated {
            party: *p,
            kind: self.kind,
            on: ctx.on(),
        })
    }
}

impl Decide for NotifyOutcome {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let on = ctx.on();
        by(ctx, EITHER, "notify the outcome")?;
        stage(
            case,
            &[
                Status::Determined,
                Status::ActionsInProgress,
                Status::HandledOtherwise,
            ],
            "notify the outcome",
        )?;
        if case.status == Status::Determined {
            let inv = case
                .investigation
                .as_ref()
                .expect("determined cases have an investigation");
            let needs_action = inv
                .determinations
                .values()
                .any(|f| f.case_to_answer.is_case_to_answer());
            if needs_action && inv.proposal != ProposalStage::Settled {
                return refuse(
                    Rule::OutcomeNotReady,
                    "settle the action after the case to answer first",
                );
            }
        }
        if case.status == Status::HandledOtherwise && case.handling_outcome.is_none() {
            return refuse(
                Rule::OutcomeNotReady,
                "decide the outcome of the handling first (decide_outcome)",
            );
        }
        // The outcome includes that of the agreed proceedings (PCMR reg 34; §14.3 A: "all
        // actions concluded"): it waits for them.
        let open = misconduct_proceedings_open(case);
        if !open.is_empty() {
            return refuse(Rule::OutcomeNotReady, open.join("; "));
        }
        Decision::one(OutcomeNotified {
            review_right: review_right(case, on),
            on,
        })
    }
}

impl Decide for SendLetter {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        use crate::letter::{LetterKind, compose};
        let letter = compose(case, &self.letter, ctx)?;
        if !letter.missing.is_empty() {
            return refuse(
                Rule::MissingText,
                format!("write the {} first", letter.missing.join(", ")),
            );
        }
        if letter.digest() != self.digest.trim() {
            return refuse(
                Rule::LetterChanged,
                format!(
                    "the letter is now {} (dated {}); preview it again and send that",
                    letter.digest(),
                    letter.dated
                ),
            );
        }
        let on = ctx.on();
        let mut events: Vec<Event> = vec![
            LetterSent {
                letter: letter.request.clone(),
                digest: letter.digest(),
                on,
            }
            .into(),
        ];
        let mut then = |d: Result<Decision, Refusal>| -> Result<(), Refusal> {
            events.extend(d?.events);
            Ok(())
        };
        let req = &letter.request;
        match letter.kind {
            LetterKind::ProgressUpdate => then(
                UpdateParty {
                    party: req.to.expect("composed with an addressee"),
                    kind: UpdateKind::Progress,
                }
                .decide(case, ctx),
            )?,
            LetterKind::Outcome => {
                if case.outcome_notified_on.is_none() {
                    then(NotifyOutcome {}.decide(case, ctx))?;
                }
                then(
                    UpdateParty {
                        party: req.to.expect("composed with an addressee"),
                        kind: UpdateKind::Outcome,
                    }
                    .decide(case, ctx),
                )?;
            }
            LetterKind::TimelinessReport => then(
                SendTimelinessReport {
                    period_ending: req.period_ending.expect("composed with a period"),
                    recipients: match &letter.to {
                        crate::letter::Addressee::Bodies(b) => b.clone(),
                        crate::letter::Addressee::Party(_) => Vec::new(),
                    },
                    copied_to: req.copied_to.clone(),
                    withheld: req.withheld.clone().filter(|w| !w.trim().is_empty()),
                }
                .decide(case, ctx),
            )?,
        }
        Ok(Decision {
            events,
            ..Decision::default()
        })
    }
}

impl Decide for ApplyForReview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let on = ctx.on();
        let applicant = &self.applicant;
        if case
            .matter()
            .is_some_and(|m| m.kind != MatterKind::Complaint)
        {
            return refuse(Rule::NoReviewRight, "only a complaint can be reviewed");
        }
        if !is_complainant(case, *applicant) {
            party(case, *applicant)?;
            return refuse(
                Rule::ReviewApplicantNotComplainant,
                format!("{applicant} is not the complainant"),
            );
        }
        stage(case, &[Status::OutcomeNotified], "apply for a review")?;
        if case.reviews.last().is_some_and(|r| r.awaiting_acceptance) {
            return refuse(
                Rule::WrongStage,
                "a late application already awaits the relevant review body",
            );
        }
        let Some(right) = case.review_right else {
            let why = match case.investigation.as_ref().map(|i| i.mode) {
                Some(m) => format!("a {m:?} investigation gives no right of review"),
                None => "the outcome gave no right of review".to_string(),
            };
            return refuse(Rule::NoReviewRight, why);
        };
        let late_reason = self
            .late_reason
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        // The days a misdirected application spent being forwarded do not count (reg 29(3)):
        // it is in time if it first arrived in time.
        let arrived = match self.forwarded {
            Some(f) => {
                if f.first_received_on > on || f.first_received_on < right.information_given_on {
                    return refuse(
                        Rule::DateOutOfRange,
                        format!(
                            "it was first received on {}, which must fall between the review information ({}) and its arrival ({on})",
                            f.first_received_on, right.information_given_on
                        ),
                    );
                }
                if f.first_received_by == Some(right.body) {
                    return refuse(
                        Rule::WrongBody,
                        "it was first sent to the relevant review body: nothing was forwarded",
                    );
                }
                f.first_received_on
            }
            None => on,
        };
        let late = arrived > right.deadline;
        if late && late_reason.is_none() {
            return refuse(
                Rule::ReviewOutOfTime,
                format!(
                    "the window closed on {}; give the special circumstances for the relevant review body to decide",
                    right.deadline
                ),
            );
        }
        Decision::one(ReviewApplied {
            applicant: *applicant,
            late_reason: late_reason.filter(|_| late),
            forwarded: self.forwarded,
            awaiting_acceptance: late,
            on,
        })
    }
}

impl Decide for DecideLateReview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if !case.reviews.last().is_some_and(|r| r.awaiting_acceptance) {
            return refuse(
                Rule::LateApplication,
                "no late application awaits a decision",
            );
        }
        by(
            ctx,
            &[relevant_body(case)],
            "decide on a late application (the relevant review body, PCMR reg 32)",
        )?;
        text("rationale", &self.rationale)?;
        Decision::one(LateApplicationDecided {
            accepted: self.accepted,
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

/// The body that decides the review of this case.
fn relevant_body(case: &Case) -> Body {
    match case
        .review_right
        .map(|r| r.body)
        .unwrap_or(ReviewBody::OversightBody)
    {
        ReviewBody::LocalPolicingBody => Body::LocalPolicingBody,
        ReviewBody::OversightBody => Body::OversightBody,
    }
}

impl Decide for DecideReview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(case, &[Status::UnderReview], "decide a review")?;
        let body = case
            .review_right
            .map(|r| r.body)
            .unwrap_or(ReviewBody::OversightBody);
        let needed = relevant_body(case);
        by(
            ctx,
            &[needed],
            "decide this review (the relevant review body, PCMR reg 32)",
        )?;
        if self.reinvestigation.is_some() && !self.upheld {
            return refuse(
                Rule::WrongStage,
                "re-investigation follows only an upheld review",
            );
        }
        if self.reinvestigation.is_some() && needed != Body::OversightBody {
            return refuse(
                Rule::WrongBody,
                "only the oversight body can direct re-investigation (Sch3 para 25)",
            );
        }
        Decision::one(ReviewDecided {
            by: body,
            upheld: self.upheld,
            recommendations: self
                .recommendations
                .iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect(),
            reinvestigation: self.reinvestigation,
            on: ctx.on(),
        })
    }
}

impl Decide for OrderReinvestigation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "order a re-investigation")?;
        text("reason", &self.reason)?;
        if case.status == Status::Withdrawn {
            return refuse(Rule::WrongStage, "the matter was withdrawn");
        }
        let eligible = case.investigation.as_ref().is_some_and(|i| {
            i.report_on.is_some()
                && matches!(
                    i.mode,
                    InvestigationMode::Directed | InvestigationMode::Independent
                )
        });
        if !eligible {
            return refuse(
                Rule::ReinvestigationNotOpen,
                "there is no directed or independent investigation report",
            );
        }
        if self.mode == InvestigationMode::Local {
            return refuse(
                Rule::ReinvestigationNotOpen,
                "a re-investigation is directed or independent",
            );
        }
        Decision::one(ReinvestigationOrdered {
            mode: self.mode,
            reason: self.reason.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for Withdraw {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case
            .matter()
            .is_some_and(|m| m.kind != MatterKind::Complaint)
        {
            return refuse(Rule::OnlyComplaints, "only a complainant can withdraw");
        }
        not_terminal(case, "record a withdrawal")?;
        by(ctx, EITHER, "record a withdrawal")?;
        Decision::one(MatterWithdrawn {
            continue_as_conduct_matter: self.continue_as_conduct_matter,
            on: ctx.on(),
        })
    }
}

impl Decide for Close {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let on = ctx.on();
        by(ctx, EITHER, "close the case")?;
        stage(case, &[Status::OutcomeNotified], "close the case")?;
        if case.reviews.last().is_some_and(|r| r.awaiting_acceptance) {
            return refuse(
                Rule::LateApplication,
                "a late review application awaits the relevant review body's decision",
            );
        }
        if let Some(right) = case.review_right
            && on <= right.deadline
        {
            return refuse(
                Rule::ReviewWindowOpen,
                format!("the complainant may apply until {}", right.deadline),
            );
        }
        Decision::one(CaseClosed { on })
    }
}

fn learning_recommendation(
    case: &Case,
    id: RecommendationId,
) -> Result<&LearningRecommendation, Refusal> {
    case.recommendations.get(&id).ok_or_else(|| {
        Refusal::new(
            Rule::UnknownRecommendation,
            format!("no recommendation {id}"),
        )
    })
}

impl Decide for DecideOutcome {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(
            ctx,
            &[Body::AppropriateAuthority],
            "decide the outcome of the handling",
        )?;
        stage(
            case,
            &[Status::HandledOtherwise],
            "decide the outcome of the handling",
        )?;
        if case.handling_outcome.is_some() {
            return refuse(Rule::WrongStage, "the outcome has already been decided");
        }
        text("rationale", &self.rationale)?;
        Decision::one(OutcomeDecided {
            outcome: self.outcome,
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for CloseRecommendation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "close a learning recommendation")?;
        let r = learning_recommendation(case, self.recommendation)?;
        if r.response.is_none() || r.response_published_on.is_none() {
            return refuse(
                Rule::ResponseNotReceived,
                format!(
                    "{} closes once its response is received and published",
                    self.recommendation
                ),
            );
        }
        if r.closed_on.is_some() {
            return refuse(
                Rule::WrongStage,
                format!("{} is closed", self.recommendation),
            );
        }
        Decision::one(RecommendationClosed {
            recommendation: self.recommendation,
            on: ctx.on(),
        })
    }
}

impl Decide for RecordAssociatedProceedings {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, EITHER, "record associated proceedings")?;
        text("description", &self.description)?;
        if case.publication.is_some() {
            return refuse(Rule::AlreadyPublished, "the summary is already published");
        }
        Decision::one(AssociatedProceedingsOpened {
            proceedings: case.associated.len() as u32 + 1,
            kind: self.kind,
            description: self.description.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for ConcludeAssociatedProceedings {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, EITHER, "record the end of associated proceedings")?;
        let Some(p) = case.associated.get(&self.proceedings) else {
            return refuse(
                Rule::UnknownProceedings,
                format!("no associated proceedings AP{}", self.proceedings),
            );
        };
        if let Some(on) = p.concluded_on {
            return refuse(
                Rule::ProceedingsConcluded,
                format!("AP{} concluded on {on}", self.proceedings),
            );
        }
        Decision::one(AssociatedProceedingsConcluded {
            proceedings: self.proceedings,
            on: ctx.on(),
        })
    }
}
