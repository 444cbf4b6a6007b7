//! The case in words, for the people it is read to: the case file and the letters.

use crate::code_of;
use crate::conduct::{Action, FurtherAction};
use crate::ids::{AllegationId, PartyId};

use super::{Case, ProposalStage};

/// The outcome so far for one subject on one allegation, in words.
pub fn outcome(case: &Case, subject: PartyId, allegation: AllegationId) -> String {
    let Some(inv) = case.investigation.as_ref() else {
        return "not investigated".into();
    };
    let Some(det) = inv.determinations.get(&(subject, allegation)) else {
        return if inv.report_on.is_some() {
            "awaiting determination".into()
        } else {
            "under investigation".into()
        };
    };
    if !det.case_to_answer.is_case_to_answer() {
        return match det.further_action {
            FurtherAction::None => "no case to answer".into(),
            FurtherAction::ReflectivePractice => "no case to answer; reflective practice".into(),
            FurtherAction::UnsatisfactoryPerformance => {
                "no case to answer; unsatisfactory performance procedures".into()
            }
        };
    }
    if let Some(p) = case
        .proceedings
        .values()
        .rev()
        .find(|p| p.subject == subject && p.allegations.contains(&allegation))
    {
        return match (
            p.concluded_on,
            p.findings.iter().find(|(a, _)| *a == allegation),
        ) {
            (Some(_), Some((_, f))) => {
                let sanction = p
                    .final_sanction()
                    .map(|s| s.label())
                    .unwrap_or("no disciplinary action");
                let appeal = if p.appeal_lodged_on.is_some() && p.appeal.is_none() {
                    "; appeal pending"
                } else {
                    ""
                };
                format!(
                    "{}: {}; {sanction}{appeal}",
                    Action::Proceedings(p.form).label(),
                    code_of(f).replace('_', " ")
                )
            }
            _ => format!("{} pending", Action::Proceedings(p.form).label()),
        };
    }
    match (inv.settled.get(&subject), &inv.proposal) {
        (Some(Action::ReflectivePractice), _) => {
            let stage = case
                .reflective_practice
                .get(&subject)
                .map(|r| code_of(&r.stage).replace('_', " "))
                .unwrap_or_else(|| "referred".into());
            format!(
                "{}; reflective practice ({stage})",
                det.case_to_answer.label()
            )
        }
        (Some(a), _) => format!("{}; {}", det.case_to_answer.label(), a.label()),
        (None, ProposalStage::Proposed(_) | ProposalStage::Recommended(_)) => {
            format!(
                "{}; action proposed, awaiting agreement",
                det.case_to_answer.label()
            )
        }
        (None, _) => format!("{}; action to be decided", det.case_to_answer.label()),
    }
}
