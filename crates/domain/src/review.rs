//! The complainant's right of review (Sch3 paras 6A, 25; PCMR 2020 regs 29, 32).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::case::{Case, Status};
use crate::matter::{AppropriateAuthority, MatterKind};
use crate::party::PartyRole;
use crate::referral::{InvestigationMode, ReferralBasis};

/// Which review a complainant may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// A complaint handled otherwise than by investigation (Sch3 para 6A).
    OtherwiseThanInvestigation,
    /// A complaint investigated by the appropriate authority on its own behalf (Sch3 para 25).
    LocalInvestigation,
}

/// The relevant review body (PCMR 2020 reg 32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReviewBody {
    LocalPolicingBody,
    OversightBody,
}

/// A review application first sent to the wrong body, which forwarded it (PCMR 2020 reg
/// 29(3); Sch3 paras 31-32): the days it spent being forwarded do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forwarding {
    /// The body that received it first (absent in applications recorded before 2026-12).
    #[serde(default)]
    pub first_received_by: Option<ReviewBody>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first_received_on: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRight {
    pub kind: ReviewKind,
    pub body: ReviewBody,
    pub information_given_on: Date,
    /// The last day of the 28 days starting the day after the information was given.
    pub deadline: Date,
}

/// The last day to apply: 28 days beginning with the day after `information_given_on`
/// (PCMR 2020 reg 29(2)).
pub fn review_deadline(information_given_on: Date) -> Date {
    information_given_on
        .checked_add(28.days())
        .expect("dates of this process are far from the calendar's end")
}

/// The review right that the outcome of this case gives, if any.
pub fn review_right(case: &Case, information_given_on: Date) -> Option<ReviewRight> {
    let matter = case.matter()?;
    if matter.kind != MatterKind::Complaint {
        return None;
    }
    let kind = match case.status {
        Status::HandledOtherwise => ReviewKind::OtherwiseThanInvestigation,
        _ => match case.investigation.as_ref().map(|i| i.mode) {
            Some(InvestigationMode::Local) => ReviewKind::LocalInvestigation,
            // No review right after directed or independent investigations (para 25(1)(b) repealed).
            Some(InvestigationMode::Directed | InvestigationMode::Independent) | None => {
                return None;
            }
        },
    };
    Some(ReviewRight {
        kind,
        body: relevant_review_body(case),
        information_given_on,
        deadline: review_deadline(information_given_on),
    })
}

/// Why the oversight body is the relevant review body (PCMR 2020 reg 32(1)): each limb the
/// case meets, in words. Empty: the local policing body reviews.
pub fn oversight_review_limbs(case: &Case) -> Vec<&'static str> {
    let mut limbs = Vec::new();
    let subject = |f: fn(&crate::party::SubjectProfile) -> bool| {
        case.parties
            .values()
            .any(|p| matches!(&p.role, PartyRole::Subject(s) if f(s)))
    };
    if subject(|s| s.senior_officer || s.chief_officer) {
        limbs.push("(a) it is about a senior officer");
    }
    let a = &case.assessment;
    if a.might_justify_proceedings || a.article_2_or_3 {
        limbs.push("(b) the appropriate authority could not be satisfied from the complaint alone that the conduct would not justify criminal or disciplinary proceedings, or would not involve an infringement of Article 2 or 3");
    }
    let treated = matches!(case.referral, Some((ReferralBasis::TreatedAsReferred, _)));
    if (case.referral.is_some() && !treated) || !case.mandatory_referral_criteria().is_empty() {
        limbs.push("(c) it was, or had to be, referred to the oversight body");
    }
    if treated {
        limbs.push("(d) the oversight body treated it as referred");
    }
    if a.same_incident {
        limbs.push("(e) it arises from the same incident as a matter meeting (a) to (d)");
    }
    if case
        .matter()
        .is_some_and(|m| m.appropriate_authority == AppropriateAuthority::LocalPolicingBody)
    {
        limbs.push("the local policing body is the appropriate authority");
    }
    limbs
}

/// PCMR 2020 reg 32: the oversight body reviews when any limb of reg 32(1) is met (any part of
/// the complaint meeting one is enough, limb (f)), or the local policing body is the
/// appropriate authority; the local policing body reviews the rest.
pub fn relevant_review_body(case: &Case) -> ReviewBody {
    if oversight_review_limbs(case).is_empty() {
        ReviewBody::LocalPolicingBody
    } else {
        ReviewBody::OversightBody
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn deadline_is_28_days_beginning_the_day_after() {
        // Information given on 1 March: the window runs 2 March to 29 March inclusive.
        assert_eq!(review_deadline(date(2021, 3, 1)), date(2021, 3, 29));
        // Across a leap day.
        assert_eq!(review_deadline(date(2024, 2, 10)), date(2024, 3, 9));
    }
}
