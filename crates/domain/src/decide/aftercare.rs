//! Learning, keeping people informed, the outcome and its review, re-investigation,
//! withdrawal, closure and publication (Sch3 paras 6A, 25, 28A-28B; PRA ss.13B, 20-21).

use super::{Decide, Decision, by, is_complainant, not_terminal, party, stage, text};
use crate::case::{Case, LearningRecommendation, ProposalStage, Status};
use crate::command::{
    ApplyForReview, Close, DecideReview, ExtendResponsePeriod, MakeLearningRecommendation,
    NotifyOutcome, OrderReinvestigation, Publish, PublishLearningResponse, RecordLearningResponse,
    RecordNoLearning, UpdateParty, Withdraw,
};
use crate::event::{
    CaseClosed, LearningRecommendationMade, LearningResponsePublished, LearningResponseReceived,
    MatterWithdrawn, NoLearningIdentified, OutcomeNotified, PartyUpdated, ReinvestigationOrdered,
    ResponsePeriodExtended, ReviewApplied, ReviewDecided, SummaryPublished,
};
use crate::ids::RecommendationId;
use crate::matter::MatterKind;
use crate::party::PartyRole;
use crate::publication::pending_proceedings;
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
        let reported = case
            .investigation
            .as_ref()
            .is_some_and(|i| i.report_on.is_some());
        let reviewed = case.reviews.iter().any(|r| r.decision.is_some());
        if !reported && !reviewed {
            return refuse(
                Rule::RecommendationTooEarly,
                "there is no report or review determination yet",
            );
        }
        text("recipient", &self.recipient)?;
        text("recommendation", &self.text)?;
        Decision::one(LearningRecommendationMade {
            recommendation: RecommendationId(case.recommendations.len() as u32 + 1),
            recipient: self.recipient.trim().to_string(),
            text: self.text.trim().to_string(),
            on: ctx.today(),
        })
    }
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
            on: ctx.today(),
        })
    }
}

impl Decide for ExtendResponsePeriod {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let (recommendation, until) = (&self.recommendation, &self.until);
        let today = ctx.today();
        by(ctx, OVERSIGHT, "extend the response period")?;
        let r = learning_recommendation(case, *recommendation)?;
        if r.response.is_some() {
            return refuse(
                Rule::RecommendationAnswered,
                format!("{recommendation} was answered already"),
            );
        }
        // The application must come within the period (para 28B(3)).
        if today > r.response_due || *until <= r.response_due {
            return refuse(
                Rule::DateOutOfRange,
                format!(
                    "the period ends {}; an extension is granted within it, to a later date",
                    r.response_due
                ),
            );
        }
        Decision::one(ResponsePeriodExtended {
            recommendation: *recommendation,
            until: *until,
            on: today,
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
        if r.response.is_none() || r.response_published_on.is_some() {
            return refuse(
                Rule::ResponseNotReceived,
                format!("{recommendation} has no unpublished response"),
            );
        }
        Decision::one(LearningResponsePublished {
            recommendation: *recommendation,
            on: ctx.today(),
        })
    }
}

impl Decide for RecordNoLearning {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "record that no learning was identified")?;
        let reported = case
            .investigation
            .as_ref()
            .is_some_and(|i| i.report_on.is_some());
        if !reported {
            return refuse(
                Rule::RecommendationTooEarly,
                "learning is considered once the report is in",
            );
        }
        if !case.recommendations.is_empty() || case.no_learning_on.is_some() {
            return refuse(
                Rule::WrongStage,
                "learning has already been recorded for this case",
            );
        }
        text("rationale", &self.rationale)?;
        Decision::one(NoLearningIdentified {
            rationale: self.rationale.trim().to_string(),
            on: ctx.today(),
        })
    }
}

impl Decide for UpdateParty {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let p = &self.party;
        by(ctx, EITHER, "send an update")?;
        let who = party(case, *p)?;
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
        Decision::one(PartyUpdated {
            party: *p,
            kind: self.kind,
            on: ctx.today(),
        })
    }
}

impl Decide for NotifyOutcome {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let today = ctx.today();
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
        Decision::one(OutcomeNotified {
            review_right: review_right(case, today),
            on: today,
        })
    }
}

impl Decide for ApplyForReview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let today = ctx.today();
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
        let Some(right) = case.review_right else {
            let why = match case.investigation.as_ref().map(|i| i.mode) {
                Some(m) => format!("a {m:?} investigation gives no right of review"),
                None => "the outcome gave no right of review".to_string(),
            };
            return refuse(Rule::NoReviewRight, why);
        };
        let late = self
            .late_reason
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if self.forwarding_days > 90 {
            return refuse(
                Rule::DateOutOfRange,
                "forwarding between review bodies takes days, not months",
            );
        }
        let deadline = right
            .deadline
            .checked_add(jiff::Span::new().days(i64::from(self.forwarding_days)))
            .expect("bounded above");
        if today > deadline && late.is_none() {
            return refuse(
                Rule::ReviewOutOfTime,
                format!(
                    "the window closed on {deadline}; record special circumstances to accept it late"
                ),
            );
        }
        Decision::one(ReviewApplied {
            applicant: *applicant,
            late_reason: late.filter(|_| today > deadline),
            forwarding_days: self.forwarding_days,
            on: today,
        })
    }
}

impl Decide for DecideReview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(case, &[Status::UnderReview], "decide a review")?;
        let body = case
            .review_right
            .map(|r| r.body)
            .unwrap_or(ReviewBody::OversightBody);
        let needed = match body {
            ReviewBody::LocalPolicingBody => Body::LocalPolicingBody,
            ReviewBody::OversightBody => Body::OversightBody,
        };
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
            on: ctx.today(),
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
            on: ctx.today(),
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
            on: ctx.today(),
        })
    }
}

impl Decide for Close {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let today = ctx.today();
        by(ctx, EITHER, "close the case")?;
        stage(case, &[Status::OutcomeNotified], "close the case")?;
        if let Some(right) = case.review_right
            && today <= right.deadline
        {
            return refuse(
                Rule::ReviewWindowOpen,
                format!("the complainant may apply until {}", right.deadline),
            );
        }
        Decision::one(CaseClosed { on: today })
    }
}

impl Decide for Publish {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "publish an investigation summary")?;
        if case.publication.is_some() {
            return refuse(
                Rule::AlreadyPublished,
                "publish a correction as a new summary instead",
            );
        }
        if case.status == Status::Withdrawn {
            return refuse(Rule::WrongStage, "the matter was withdrawn");
        }
        let pending = pending_proceedings(case);
        if !pending.is_empty() {
            return refuse(Rule::ProceedingsOpen, pending.join("; "));
        }
        text("title", &self.title)?;
        text("summary", &self.summary)?;
        let mut tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let force = case.matter().expect("open").force.name().to_string();
        if !tags.contains(&force) {
            tags.insert(0, force);
        }
        Decision::one(SummaryPublished {
            title: self.title.trim().to_string(),
            summary: self.summary.trim().to_string(),
            tags,
            on: ctx.today(),
        })
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
