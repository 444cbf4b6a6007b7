//! What another body already published or recorded, brought in as it stands (see
//! `crate::imported`). Only what an import may not do is decided here: write over a case
//! recorded here or another import, or bring a record that contradicts itself.

use super::{Decide, Decision, EARLIEST, text};
use crate::Context;
use crate::case::Case;
use crate::command::{ImportPublication, ImportRecord};
use crate::event::{PublicationImported, RecordImported};
use crate::ids::Reference;
use crate::imported::ImportedFrom;
use crate::rule::{Refusal, Rule, refuse};

/// What an import brings: a published item or a case.
#[derive(PartialEq)]
enum Kind {
    Item,
    Case,
}

/// An import writes only where nothing is held but the same source's same item (or case).
fn importable(
    case: &Case,
    reference: &Reference,
    from: &ImportedFrom,
    kind: Kind,
) -> Result<(), Refusal> {
    if case.matter().is_some() {
        return refuse(
            Rule::NotImportable,
            format!("{reference} is a case recorded here; an import never writes over it"),
        );
    }
    let held = case
        .imported
        .as_ref()
        .map(|i| (&i.from, Kind::Item))
        .or(case.imported_record.as_ref().map(|r| (&r.from, Kind::Case)));
    if let Some((held, what)) = held
        && (what != kind || held.source != from.source || held.key != from.key)
    {
        let what = if what == Kind::Item { "item" } else { "case" };
        return refuse(
            Rule::NotImportable,
            format!(
                "{reference} already holds another {what} of {} (first read from line {}); two cannot share a reference",
                held.source, held.line
            ),
        );
    }
    Ok(())
}

impl Decide for ImportPublication {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        importable(case, &self.reference, &self.from, Kind::Item)?;
        let item = &self.item;
        text("title", &item.title)?;
        text("recipient", &item.recipient)?;
        if item.summary.trim().is_empty() && item.recommendation.is_none() {
            return Err(Refusal::new(
                Rule::MissingText,
                "an imported item needs a summary or a recommendation",
            )
            .on("summary"));
        }
        if item.published_on > ctx.on() {
            return Err(Refusal::new(
                Rule::DateOutOfRange,
                format!(
                    "published on {}, after the day it is imported ({})",
                    item.published_on,
                    ctx.on()
                ),
            )
            .on("published_on"));
        }
        if let Some(r) = &item.recommendation {
            text("recommendation", &r.text)?;
            if r.response_due < r.made_on {
                return Err(Refusal::new(
                    Rule::DateOutOfRange,
                    format!(
                        "the response was due on {}, before the recommendation was made on {}",
                        r.response_due, r.made_on
                    ),
                )
                .on("response_due"));
            }
        }
        if case
            .imported
            .as_ref()
            .is_some_and(|held| held.item == *item)
        {
            // The same text again: a re-import adds nothing.
            return Ok(Decision::default());
        }
        Decision::one(PublicationImported {
            reference: self.reference.clone(),
            from: self.from.clone(),
            item: item.clone(),
            on: ctx.on(),
        })
    }
}

impl Decide for ImportRecord {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        importable(case, &self.reference, &self.from, Kind::Case)?;
        let record = &self.record;
        // A complaint may name no officer (the source could not identify one): it is a case
        // without allegations.
        text("body", &record.body)?;
        let mut keys = std::collections::HashSet::new();
        for s in &record.subjects {
            text("subject", &s.key)?;
            if !keys.insert(s.key.as_str()) {
                return Err(Refusal::new(
                    Rule::UnknownParty,
                    format!("subject {} is listed twice", s.key),
                )
                .on("subjects"));
            }
        }
        for a in &record.allegations {
            text("source_category", &a.source_category)?;
            if let Some(subject) = a.subject
                && subject as usize >= record.subjects.len()
            {
                return Err(Refusal::new(
                    Rule::UnknownParty,
                    format!(
                        "the allegation of line {} is against subject {}, but the case has {}",
                        a.line,
                        subject + 1,
                        record.subjects.len()
                    ),
                )
                .on("allegations"));
            }
            if a.complainant
                .is_some_and(|c| c as usize >= record.complainants.len())
            {
                return Err(Refusal::new(
                    Rule::UnknownParty,
                    format!(
                        "the allegation of line {} names a complainant the case does not have",
                        a.line
                    ),
                )
                .on("allegations"));
            }
        }
        let received = record.received.on;
        if received < EARLIEST || received > ctx.on() {
            return Err(Refusal::new(
                Rule::DateOutOfRange,
                format!(
                    "received on {received}, which is not between {EARLIEST} and the day it is imported ({})",
                    ctx.on()
                ),
            )
            .on("received"));
        }
        if let Some(closed) = record.closed
            && (closed.last_day() < received || closed.on > ctx.on())
        {
            return Err(Refusal::new(
                Rule::DateOutOfRange,
                format!(
                    "closed on {}, before it was received ({received}) or after the day it is imported",
                    closed.on
                ),
            )
            .on("closed"));
        }
        if case
            .imported_record
            .as_ref()
            .is_some_and(|held| held.case == *record)
        {
            return Ok(Decision::default());
        }
        Decision::one(RecordImported {
            reference: self.reference.clone(),
            from: self.from.clone(),
            record: record.clone(),
            on: ctx.on(),
        })
    }
}
