//! Publication (shared/domain.md §12): what a draft holds, the anonymisation findings it
//! carries (kinds and places, never the text found), and the derived fact "all associated
//! proceedings are complete", which holds publication back.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::case::{Case, ProposalStage};
use crate::conduct::Action;

/// What is published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ItemKind {
    #[default]
    InvestigationSummary,
    LearningRecommendation,
    Response,
}

/// One finding of the anonymisation check of a draft, as the record keeps it: which field,
/// what kind of identifier, where; and the written justification for keeping it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingAt {
    pub field: String,
    pub kind: crate::anonymisation::Kind,
    /// Characters from 0 within the field.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub justified: Option<String>,
}

/// A justification in writing for keeping what the check found at `start` of `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Justification {
    pub field: String,
    pub start: usize,
    pub reason: String,
}

/// One version of a text to publish, as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub version: u32,
    pub author: String,
    pub item: ItemKind,
    pub title: String,
    pub summary: String,
    pub themes: Vec<String>,
    /// The month of the incident, `YYYY-MM`, as the published title gives it.
    pub incident_month: Option<String>,
    pub findings: Vec<FindingAt>,
    /// What a correction changed, said publicly with the new version.
    pub correction_note: Option<String>,
    pub drafted_on: Date,
}

impl Draft {
    /// The findings that still block approval: neither removed nor justified.
    pub fn blocking(&self) -> impl Iterator<Item = &FindingAt> {
        self.findings.iter().filter(|f| f.justified.is_none())
    }
}

/// What still stands between the case and publication; empty when all associated proceedings
/// are complete. Each item is a sentence a publications officer can act on.
pub fn pending_proceedings(case: &Case) -> Vec<String> {
    let mut pending = Vec::new();
    let Some(inv) = case.investigation.as_ref() else {
        pending.push("there has been no investigation".to_string());
        return pending;
    };
    if inv.report_on.is_none() {
        pending.push("the investigation report has not been submitted".to_string());
    }
    if inv.determined.is_none() {
        pending.push("the case-to-answer determinations have not been made".to_string());
        return pending;
    }
    let with_case_to_answer: std::collections::BTreeSet<_> = inv
        .determinations
        .values()
        .filter(|f| f.case_to_answer.is_case_to_answer())
        .map(|f| f.subject)
        .collect();
    if !with_case_to_answer.is_empty() && inv.proposal != ProposalStage::Settled {
        pending.push(
            "the action to follow the case to answer has not been settled (Sch3 para 27)"
                .to_string(),
        );
    }
    pending.extend(misconduct_proceedings_open(case));
    for p in case.proceedings.values() {
        if p.concluded_on.is_some() && !p.is_complete() {
            pending.push(format!("{}: an appeal by {} is pending", p.id, p.subject));
        }
    }
    for (subject, c) in &case.criminal {
        if c.outcome.is_none() {
            pending.push(format!("{subject}: criminal proceedings are not concluded"));
        }
    }
    for a in case.associated.values() {
        if a.concluded_on.is_none() {
            pending.push(format!(
                "AP{}: the {} has not concluded",
                a.id,
                crate::code_of(&a.kind).replace('_', " ")
            ));
        }
    }
    pending
}

/// The agreed misconduct proceedings not yet held or not yet concluded, in words: what both the
/// outcome (PCMR reg 34) and publication wait for.
pub fn misconduct_proceedings_open(case: &Case) -> Vec<String> {
    let mut open = Vec::new();
    if let Some(inv) = case.investigation.as_ref() {
        for (subject, action) in &inv.settled {
            if let Action::Proceedings(_) = action
                && !case.proceedings.values().any(|p| p.subject == *subject)
            {
                open.push(format!(
                    "{subject}: the {} has not been held",
                    action.label()
                ));
            }
        }
    }
    for p in case.proceedings.values() {
        if p.concluded_on.is_none() {
            open.push(format!(
                "{}: proceedings against {} have not concluded",
                p.id, p.subject
            ));
        }
    }
    open
}

/// True when nothing holds publication back.
pub fn all_associated_proceedings_complete(case: &Case) -> bool {
    pending_proceedings(case).is_empty()
}
