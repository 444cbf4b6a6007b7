//! The complainant's right of review (Sch3 paras 6A, 25; PCMR 2020 regs 29, 32).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::case::{Case, Status};
use crate::matter::{AppropriateAuthority, MatterKind};
use crate::party::PartyRole;
use crate::referral::InvestigationMode;

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
pub enum ReviewBody {
    LocalPolicingBody,
    OversightBody,
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

/// PCMR 2020 reg 32: the oversight body reviews complaints about senior officers, complaints
/// that were or had to be referred, or were treated as referred, and those where the
/// appropriate authority is the local policing body; the local policing body reviews the rest.
pub fn relevant_review_body(case: &Case) -> ReviewBody {
    let senior = case
        .parties
        .values()
        .any(|p| matches!(&p.role, PartyRole::Subject(s) if s.senior_officer));
    let referred = case.referral.is_some() || !case.mandatory_referral_criteria().is_empty();
    let lpb_is_aa = case
        .matter()
        .is_some_and(|m| m.appropriate_authority == AppropriateAuthority::LocalPolicingBody);
    if senior || referred || lpb_is_aa {
        ReviewBody::OversightBody
    } else {
        ReviewBody::LocalPolicingBody
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
