//! What the events of learning, keeping people informed, the outcome and its review,
//! re-investigation, withdrawal, closure and publication do.

use super::{Case, LearningRecommendation, Publication, Review, SentLetter, Status, words};
use crate::event::{
    AssociatedProceedingsConcluded, AssociatedProceedingsOpened, CaseClosed, Fact,
    LateApplicationDecided, LearningRecommendationMade, LearningResponsePublished,
    LearningResponseReceived, LetterSent, MatterWithdrawn, NoLearningIdentified, OutcomeDecided,
    OutcomeNotified, PartyUpdated, RecommendationClosed, ReinvestigationOrdered,
    ResponsePeriodExtended, ReviewApplied, ReviewDecided, SummaryPublished,
};

impl Fact for LearningRecommendationMade {
    fn apply(&self, case: &mut Case) {
        case.recommendations.insert(
            self.recommendation,
            LearningRecommendation {
                id: self.recommendation,
                recipient: self.recipient.clone(),
                text: self.text.clone(),
                made_on: self.on,
                response_due: self.response_due,
                extended: false,
                response: None,
                response_published_on: None,
                extension_applied_on: None,
                closed_on: None,
            },
        );
    }

    fn describe(&self) -> String {
        format!("learning recommendation {} made", self.recommendation)
    }
}

impl Fact for LearningResponseReceived {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.recommendations.get_mut(&self.recommendation) {
            r.response = Some((self.accepted, self.narrative.clone(), self.on));
        }
    }

    fn describe(&self) -> String {
        format!(
            "response to {}: {}",
            self.recommendation,
            words(&self.accepted)
        )
    }
}

impl Fact for NoLearningIdentified {
    fn apply(&self, case: &mut Case) {
        case.no_learning_on = Some(self.on);
    }

    fn describe(&self) -> String {
        "no learning identified".into()
    }
}

impl Fact for PartyUpdated {
    fn apply(&self, case: &mut Case) {
        case.updates.push((self.party, self.kind, self.on));
    }

    fn describe(&self) -> String {
        format!("{} sent a {} update", self.party, words(&self.kind))
    }
}

impl Fact for OutcomeNotified {
    fn apply(&self, case: &mut Case) {
        case.outcome_notified_on = Some(self.on);
        case.review_right = self.review_right;
        case.status = Status::OutcomeNotified;
    }

    fn describe(&self) -> String {
        format!(
            "outcome notified{}",
            match &self.review_right {
                Some(r) => format!("; review by the {} until {}", words(&r.body), r.deadline),
                None => "; no right of review".into(),
            }
        )
    }
}

impl Fact for LetterSent {
    fn apply(&self, case: &mut Case) {
        case.letters.push(SentLetter {
            letter: self.letter.clone(),
            digest: self.digest.clone(),
            on: self.on,
            made_on_version: case.version - 1,
        });
    }

    fn describe(&self) -> String {
        let kind = self.letter.kind.map_or("letter", |k| k.title());
        match self.letter.to {
            Some(p) => format!("{kind} sent to {p}"),
            None => format!("{kind} sent"),
        }
    }
}

impl Fact for ReviewApplied {
    fn apply(&self, case: &mut Case) {
        case.reviews.push(Review {
            applicant: self.applicant,
            applied_on: self.on,
            late_reason: self.late_reason.clone(),
            forwarded: self.forwarded,
            awaiting_acceptance: self.awaiting_acceptance,
            late_decision: None,
            decision: None,
            decided_by: None,
        });
        // A late application waits for the relevant review body to accept it.
        if !self.awaiting_acceptance {
            case.status = Status::UnderReview;
        }
    }

    fn describe(&self) -> String {
        format!("review applied for by {}", self.applicant)
    }
}

impl Fact for ResponsePeriodExtended {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.recommendations.get_mut(&self.recommendation) {
            r.response_due = self.until;
            r.extended = true;
            r.extension_applied_on = Some(self.applied_on);
        }
    }

    fn describe(&self) -> String {
        format!("response to {} due by {}", self.recommendation, self.until)
    }
}

impl Fact for LearningResponsePublished {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.recommendations.get_mut(&self.recommendation) {
            r.response_published_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!("response to {} published", self.recommendation)
    }
}

impl Fact for ReviewDecided {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.reviews.last_mut() {
            r.decision = Some((self.upheld, self.on));
            r.decided_by = Some(self.by);
        }
        case.status = match (self.upheld, self.reinvestigation) {
            (false, _) => Status::Closed,
            (true, Some(mode)) => {
                case.start_investigation(mode, self.on, true);
                Status::UnderInvestigation
            }
            // Upheld with recommendations: the appropriate authority decides afresh.
            (true, None) => Status::Recorded,
        };
        if case.status == Status::Closed {
            case.closed_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!(
            "review {}",
            if self.upheld { "upheld" } else { "not upheld" }
        )
    }
}

impl Fact for ReinvestigationOrdered {
    fn apply(&self, case: &mut Case) {
        case.start_investigation(self.mode, self.on, true);
    }

    fn describe(&self) -> String {
        format!("re-investigation ordered ({})", words(&self.mode))
    }
}

impl Fact for MatterWithdrawn {
    fn apply(&self, case: &mut Case) {
        case.withdrawn_on = Some(self.on);
        case.status = Status::Withdrawn;
    }

    fn describe(&self) -> String {
        "withdrawn by the complainant".into()
    }
}

impl Fact for CaseClosed {
    fn apply(&self, case: &mut Case) {
        case.closed_on = Some(self.on);
        case.status = Status::Closed;
    }

    fn describe(&self) -> String {
        "case closed".into()
    }
}

impl Fact for SummaryPublished {
    fn apply(&self, case: &mut Case) {
        case.publication = Some(Publication {
            title: self.title.clone(),
            summary: self.summary.clone(),
            tags: self.tags.clone(),
            published_on: self.on,
            item: crate::publication::ItemKind::InvestigationSummary,
            incident_month: None,
            version: 0,
            author: None,
            approved_by: None,
            corrections: Vec::new(),
            withdrawn: None,
        });
    }

    fn describe(&self) -> String {
        format!("summary published: {}", self.title)
    }
}

impl Fact for OutcomeDecided {
    fn apply(&self, case: &mut Case) {
        case.handling_outcome = Some((self.outcome, self.on));
    }

    fn describe(&self) -> String {
        format!("outcome decided: {}", words(&self.outcome))
    }
}

impl Fact for LateApplicationDecided {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.reviews.last_mut() {
            r.late_decision = Some((self.accepted, self.on));
            r.awaiting_acceptance = false;
        }
        if self.accepted {
            case.status = Status::UnderReview;
        }
    }

    fn describe(&self) -> String {
        if self.accepted {
            "late review application accepted".into()
        } else {
            "late review application not accepted".into()
        }
    }
}

impl Fact for RecommendationClosed {
    fn apply(&self, case: &mut Case) {
        if let Some(r) = case.recommendations.get_mut(&self.recommendation) {
            r.closed_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!("learning recommendation {} closed", self.recommendation)
    }
}

impl Fact for AssociatedProceedingsOpened {
    fn apply(&self, case: &mut Case) {
        case.associated.insert(
            self.proceedings,
            super::AssociatedProceedings {
                id: self.proceedings,
                kind: self.kind,
                description: self.description.clone(),
                opened_on: self.on,
                concluded_on: None,
            },
        );
    }

    fn describe(&self) -> String {
        format!("{} recorded (AP{})", words(&self.kind), self.proceedings)
    }
}

impl Fact for AssociatedProceedingsConcluded {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.associated.get_mut(&self.proceedings) {
            p.concluded_on = Some(self.on);
        }
    }

    fn describe(&self) -> String {
        format!("associated proceedings AP{} concluded", self.proceedings)
    }
}
