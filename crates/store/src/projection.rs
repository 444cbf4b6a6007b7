//! Read models: rows derived from a case's state. Written in the same transaction as the
//! events that change them, and rebuildable from the log at any time.

use probity_domain::case::{Case, ProposalStage};
use probity_domain::conduct::Action;
use probity_domain::{AllegationId, CaseId, PartyId, code_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub case_id: String,
    pub reference: String,
    pub kind: String,
    pub force: String,
    pub status: String,
    pub received_on: String,
    pub mode: Option<String>,
    pub sexual_misconduct: bool,
    pub published_on: Option<String>,
    pub version: i64,
    /// Need-to-know: only the team and live grant holders see it.
    pub restricted: bool,
    /// Nothing holds publication back, or it is published.
    pub publishable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRow {
    pub party: i64,
    pub subject_kind: String,
    pub rank: Option<String>,
    pub service_number: Option<String>,
    pub force: String,
    pub former: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllegationRow {
    pub allegation: i64,
    pub category: String,
}

/// One subject on one allegation: the investigator's opinion, the decision maker's
/// determination and what followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub subject: i64,
    pub allegation: i64,
    pub opinion: Option<String>,
    pub determination: Option<String>,
    pub outcome: String,
}

/// Every read-model row of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseProjection {
    pub case: CaseRow,
    pub subjects: Vec<SubjectRow>,
    pub allegations: Vec<AllegationRow>,
    pub findings: Vec<FindingRow>,
    /// Who may see a restricted case: team members (no end date) and grant holders (last day).
    pub access: Vec<(String, Option<String>)>,
}

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
            probity_domain::conduct::FurtherAction::None => "no case to answer".into(),
            probity_domain::conduct::FurtherAction::ReflectivePractice => {
                "no case to answer; reflective practice".into()
            }
            probity_domain::conduct::FurtherAction::UnsatisfactoryPerformance => {
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

/// The read-model rows of a case.
pub fn project(case_id: CaseId, case: &Case) -> Option<CaseProjection> {
    let matter = case.matter()?;
    let inv = case.investigation.as_ref();
    let row = CaseRow {
        case_id: case_id.to_string(),
        reference: matter.reference.to_string(),
        kind: matter.kind.code().to_string(),
        force: matter.force.code().to_string(),
        status: case.status.code().to_string(),
        received_on: matter.received_on.to_string(),
        mode: inv.map(|i| code_of(&i.mode)),
        sexual_misconduct: case.involves_sexual_misconduct(),
        published_on: case
            .publication
            .as_ref()
            .map(|p| p.published_on.to_string()),
        version: case.version as i64,
        restricted: case.restriction.is_some(),
        publishable: probity_domain::access::CaseAccess::of(case).publishable,
    };
    let access = case
        .team
        .iter()
        .map(|u| (u.clone(), None))
        .chain(
            case.grants
                .iter()
                .map(|g| (g.user.clone(), Some(g.until.to_string()))),
        )
        .collect();
    let subjects = case
        .subjects()
        .filter_map(|p| {
            let s = p.subject_profile()?;
            Some(SubjectRow {
                party: i64::from(p.id.0),
                subject_kind: code_of(&s.kind),
                rank: s.rank.clone(),
                service_number: s.service_number.clone(),
                force: s.force.code().to_string(),
                former: s.former,
            })
        })
        .collect();
    let allegations = case
        .allegations
        .values()
        .map(|a| AllegationRow {
            allegation: i64::from(a.id.0),
            category: a.category.code().to_string(),
        })
        .collect();
    let findings = case
        .pairs()
        .into_iter()
        .map(|(s, a)| FindingRow {
            subject: i64::from(s.0),
            allegation: i64::from(a.0),
            opinion: inv
                .and_then(|i| i.opinions.get(&(s, a)))
                .map(|f| code_of(&f.case_to_answer)),
            determination: inv
                .and_then(|i| i.determinations.get(&(s, a)))
                .map(|f| code_of(&f.case_to_answer)),
            outcome: outcome(case, s, a),
        })
        .collect();
    Some(CaseProjection {
        case: row,
        subjects,
        allegations,
        findings,
        access,
    })
}
