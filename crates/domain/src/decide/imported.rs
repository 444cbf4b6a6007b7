//! An item another body already published, brought in as it stands (see `crate::imported`).

use super::{Decide, Decision, text};
use crate::Context;
use crate::case::Case;
use crate::command::ImportPublication;
use crate::event::PublicationImported;
use crate::rule::{Refusal, Rule, refuse};

impl Decide for ImportPublication {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case.matter().is_some() {
            return refuse(
                Rule::NotImportable,
                format!(
                    "{} is a case recorded here; an import never writes over it",
                    self.reference
                ),
            );
        }
        if let Some(held) = &case.imported
            && (held.from.source != self.from.source || held.from.key != self.from.key)
        {
            return refuse(
                Rule::NotImportable,
                format!(
                    "{} already holds another item of {} (first read from line {}); two items cannot share a reference",
                    self.reference, held.from.source, held.from.line
                ),
            );
        }
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
