//! Publication (shared/domain.md §12): a draft checked against everything that identifies the
//! case's people, approved by a second person once all associated proceedings are complete,
//! shown from a chosen day, corrected as a new version with a public note, or withdrawn.

use super::{Decide, Decision, by, text};
use crate::anonymisation::{self, Hit};
use crate::case::{Case, Status};
use crate::command::{ApprovePublication, DraftPublication, WithdrawPublication};
use crate::event::{PublicationApproved, PublicationDrafted, PublicationWithdrawn};
use crate::publication::{Draft, FindingAt, pending_proceedings};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

const OVERSIGHT: &[Body] = &[Body::OversightBody];

/// The check's hits in one field of a draft, as the record keeps them.
fn findings(field: &str, text: &str, ctx: &Context) -> Vec<FindingAt> {
    anonymisation::check(text, &ctx.identifiers)
        .into_iter()
        .map(|h: Hit| FindingAt {
            field: field.to_string(),
            kind: h.kind,
            start: h.start,
            end: h.end,
            line: h.line,
            column: h.column,
            justified: None,
        })
        .collect()
}

/// Everything a publication makes public, checked: the title, the summary, and the text of
/// each learning recommendation and response, which the register publishes with it.
fn all_findings(case: &Case, title: &str, summary: &str, ctx: &Context) -> Vec<FindingAt> {
    let mut found = findings("title", title, ctx);
    found.extend(findings("summary", summary, ctx));
    for r in case.recommendations.values() {
        found.extend(findings(&format!("recommendation {}", r.id), &r.text, ctx));
        if let Some((_, text, _)) = &r.response {
            found.extend(findings(&response_field(r.id), text, ctx));
        }
    }
    found
}

/// The field a response's findings are recorded under in a draft.
pub(super) fn response_field(r: crate::RecommendationId) -> String {
    format!("response to {r}")
}

/// The findings in a response about to be published that the latest draft does not justify.
pub(super) fn unjustified_in_response(
    case: &Case,
    r: crate::RecommendationId,
    text: &str,
    ctx: &Context,
) -> Vec<FindingAt> {
    let field = response_field(r);
    let justified = |f: &FindingAt| {
        case.drafts.last().is_some_and(|d| {
            d.findings
                .iter()
                .any(|k| k.field == f.field && k.start == f.start && k.justified.is_some())
        })
    };
    findings(&field, text, ctx)
        .into_iter()
        .filter(|f| !justified(f))
        .collect()
}

/// Kinds and places, never the text found: refusals are audited.
pub(super) fn listed<'a>(found: impl Iterator<Item = &'a FindingAt>) -> String {
    found
        .map(|f| {
            format!(
                "{} in the {} at line {}, column {} (character {})",
                f.kind.label(),
                f.field,
                f.line,
                f.column,
                f.start
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Decide for DraftPublication {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "draft a publication")?;
        text("title", &self.title)?;
        text("summary", &self.summary)?;
        let published = case
            .publication
            .as_ref()
            .is_some_and(|p| p.withdrawn.is_none());
        let note = self
            .correction_note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if published && note.is_none() {
            return Err(Refusal::new(
                Rule::CorrectionNoteRequired,
                "a version is published: say what this one corrects",
            )
            .on("correction_note"));
        }
        if let Some(m) = &self.incident_month {
            let ok = m.len() == 7 && format!("{m}-01").parse::<jiff::civil::Date>().is_ok();
            if !ok {
                return Err(Refusal::new(
                    Rule::DateOutOfRange,
                    format!("the incident month '{m}' is not a month written YYYY-MM"),
                )
                .on("incident_month"));
            }
        }
        let mut found = all_findings(case, &self.title, &self.summary, ctx);
        for j in &self.justifications {
            let Some(f) = found
                .iter_mut()
                .find(|f| f.field == j.field && f.start == j.start)
            else {
                return Err(Refusal::new(
                    Rule::AnonymisationFinding,
                    format!(
                        "nothing was found at character {} of the {} to justify",
                        j.start, j.field
                    ),
                )
                .on("justifications"));
            };
            if j.reason.trim().is_empty() {
                return Err(Refusal::new(
                    Rule::MissingText,
                    format!(
                        "the justification for character {} of the {} is empty",
                        j.start, j.field
                    ),
                )
                .on("justifications"));
            }
            f.justified = Some(j.reason.trim().to_string());
        }
        Decision::one(PublicationDrafted {
            version: case.drafts.len() as u32 + 1,
            author: ctx.actor.id.clone(),
            item: self.item,
            title: self.title.trim().to_string(),
            summary: self.summary.trim().to_string(),
            themes: self
                .themes
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            incident_month: self.incident_month.clone(),
            findings: found,
            correction_note: note.map(str::to_string),
            on: ctx.on(),
        })
    }
}

fn draft(case: &Case, version: u32) -> Result<&Draft, Refusal> {
    let Some(d) = case.drafts.iter().find(|d| d.version == version) else {
        return refuse(Rule::UnknownDraft, format!("there is no draft {version}"));
    };
    if case.drafts.last().is_some_and(|l| l.version != version) {
        return refuse(
            Rule::UnknownDraft,
            format!(
                "draft {version} was replaced by draft {}",
                case.drafts.len()
            ),
        );
    }
    Ok(d)
}

impl Decide for ApprovePublication {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "approve a publication")?;
        let d = draft(case, self.version)?;
        if d.author == ctx.actor.id {
            return refuse(
                Rule::SecondPersonRequired,
                format!(
                    "draft {} is yours: another publications officer approves it",
                    d.version
                ),
            );
        }
        if case
            .publication
            .as_ref()
            .is_some_and(|p| p.version == d.version)
        {
            return refuse(
                Rule::AlreadyPublished,
                format!("draft {} is published", d.version),
            );
        }
        if case.status == Status::Withdrawn {
            return refuse(Rule::WrongStage, "the matter was withdrawn");
        }
        // Checked again: what identifies the case's people may have grown since the draft.
        let mut blocking: Vec<FindingAt> = d.blocking().cloned().collect();
        for f in all_findings(case, &d.title, &d.summary, ctx) {
            let known = d
                .findings
                .iter()
                .any(|k| k.field == f.field && k.start == f.start);
            if !known {
                blocking.push(f);
            }
        }
        if !blocking.is_empty() {
            return refuse(
                Rule::AnonymisationFinding,
                format!(
                    "remove or justify in a new draft: {}",
                    listed(blocking.iter())
                ),
            );
        }
        let pending = pending_proceedings(case);
        if !pending.is_empty() {
            return refuse(Rule::ProceedingsOpen, pending.join("; "));
        }
        let publish_on = self.publish_on.unwrap_or(ctx.on());
        if publish_on < ctx.on() {
            return refuse(
                Rule::DateOutOfRange,
                format!("publication cannot be dated before today ({})", ctx.on()),
            );
        }
        Decision::one(PublicationApproved {
            version: d.version,
            approved_by: ctx.actor.id.clone(),
            publish_on,
            on: ctx.on(),
        })
    }
}

impl Decide for WithdrawPublication {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, OVERSIGHT, "withdraw a publication")?;
        if case
            .publication
            .as_ref()
            .is_none_or(|p| p.withdrawn.is_some())
        {
            return refuse(Rule::NotPublished, "nothing of this case is published");
        }
        text("reason", &self.reason)?;
        Decision::one(PublicationWithdrawn {
            reason: self.reason.trim().to_string(),
            on: ctx.on(),
        })
    }
}
