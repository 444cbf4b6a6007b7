//! The steps of publication: drafting a text (checked against every identifier of the case,
//! each finding removed or justified in writing), its approval by a second person once all
//! associated proceedings are complete, and withdrawal (the rules in decide/publishing.rs).

use probity_app::{CaseFile, DraftView};
use probity_domain::Command;
use probity_domain::command::{
    ApprovePublication, CommandKind, DraftPublication, WithdrawPublication,
};
use probity_domain::publication::{ItemKind, Justification};

use super::{Answers, Field, Step, choice, no_defaults, oversight_only};
use crate::ui::chrome::long_date_text;
use crate::ui::form::Errors;

/// Summaries follow an investigation's report, and go on after closure.
use probity_domain::stages::AFTER_REPORT as STAGES;
fn latest(file: &CaseFile) -> Option<&DraftView> {
    file.drafts.last()
}

/// Whether the latest draft is the version published (nothing new to approve).
fn published_latest(file: &CaseFile) -> bool {
    let published = file
        .publication
        .as_ref()
        .filter(|p| p.withdrawn.is_none())
        .map(|p| p.version);
    latest(file).is_some_and(|d| Some(d.version) == published)
}

/// The name of the field that justifies one finding of the latest draft.
fn justify(field: &str, start: usize) -> String {
    format!("justify-{field}-{start}")
}

pub const DRAFT_PUBLICATION: Step = Step {
    slug: "draft-publication",
    kind: CommandKind::DraftPublication,
    title: "Draft the text to publish",
    guidance: "An anonymised summary of what was investigated, found and done. The text is checked against every identifier the case holds (names and their parts, nicknames, service numbers, addresses, contact details, dates of birth, vehicle registrations) and for postcodes, phone numbers, e-mail addresses, plates and dates of birth: each finding must be removed, or justified in writing, before a second person can approve it.",
    submit: "Save the draft",
    stages: STAGES,
    when: oversight_only,
    check: false,
    history: false,
    facts: |file| {
        let Some(d) = latest(file) else {
            return Vec::new();
        };
        let mut rows = vec![(
            "Latest draft".to_string(),
            format!(
                "Draft {} by {}, {}",
                d.version,
                d.author,
                long_date_text(&d.drafted_on)
            ),
        )];
        for f in d.findings.iter() {
            rows.push((
                format!("Found in the {}", f.field),
                match &f.justified {
                    Some(why) => format!(
                        "{} at line {}, column {}: kept, because {why}",
                        f.label, f.line, f.column
                    ),
                    None => format!(
                        "{} at line {}, column {}: remove it, or justify it below",
                        f.label, f.line, f.column
                    ),
                },
            ));
        }
        rows
    },
    fields: |file| {
        let mut fields = vec![
            Field::radios(
                "item",
                "What is it?",
                vec![
                    choice("investigation_summary", "An investigation summary"),
                    choice("learning_recommendation", "A learning recommendation"),
                    choice("response", "A response to a recommendation"),
                ],
            ),
            Field::line("title", "Title").hint(
                "A short description, the force and the month of the incident: \"Allegations that officers abused their position - Gloucestershire Constabulary, April 2020\"",
            ),
            Field::text("summary", "The summary")
                .hint("What happened, what was investigated, what was found and done, without naming anyone"),
            Field::text("themes", "Themes (optional)")
                .hint("One per line, such as Corruption and abuse of power; the force is added"),
            Field::line("incident_month", "Month of the incident (optional)").hint("Written YYYY-MM, like 2020-04"),
        ];
        if file
            .publication
            .as_ref()
            .is_some_and(|p| p.withdrawn.is_none())
        {
            fields.push(
                Field::text("correction_note", "What this version corrects")
                    .hint("Published with the new version, with its date"),
            );
        }
        for f in latest(file)
            .iter()
            .flat_map(|d| &d.findings)
            .filter(|f| f.justified.is_none())
        {
            fields.push(
                Field::text(
                    justify(&f.field, f.start),
                    format!(
                        "Why {} at line {}, column {} of the {} may stay (optional)",
                        f.label, f.line, f.column, f.field
                    ),
                )
                .hint("Only when the text there is unchanged; otherwise remove it from the text"),
            );
        }
        fields
    },
    defaults: |file| {
        let mut a = Answers::default();
        match latest(file) {
            Some(d) => {
                a.set("item", d.item.clone());
                a.set("title", d.title.clone());
                a.set("summary", d.summary.clone());
                a.set("themes", d.themes.join("\n"));
                a.set(
                    "incident_month",
                    d.incident_month.clone().unwrap_or_default(),
                );
            }
            None => a.set("item", "investigation_summary"),
        }
        a
    },
    command: |a, file, errors| {
        let item = a.code::<ItemKind>("item", "Choose what it is", errors);
        let title = a.text("title", "Enter the title", errors);
        let summary = a.text("summary", "Enter the summary", errors);
        let justifications = latest(file)
            .iter()
            .flat_map(|d| &d.findings)
            .filter_map(|f| {
                a.optional(&justify(&f.field, f.start))
                    .map(|reason| Justification {
                        field: f.field.clone(),
                        start: f.start,
                        reason,
                    })
            })
            .collect();
        Some(Command::DraftPublication(DraftPublication {
            item: item?,
            title,
            summary,
            themes: a
                .one("themes")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            incident_month: a.optional("incident_month"),
            justifications,
            correction_note: a.optional("correction_note"),
        }))
    },
};

pub const APPROVE_PUBLICATION: Step = Step {
    slug: "approve-publication",
    kind: CommandKind::ApprovePublication,
    title: "Approve the publication",
    guidance: "A second person reads the latest draft and approves it: never its author. It is refused while any associated proceedings are open, or while the check finds anything not justified. It is shown on the public portal from the day chosen.",
    submit: "Continue",
    stages: STAGES,
    when: |file, body| {
        oversight_only(file, body) && latest(file).is_some() && !published_latest(file)
    },
    check: true,
    history: false,
    facts: |file| {
        let Some(d) = latest(file) else {
            return Vec::new();
        };
        let open = d.findings.iter().filter(|f| f.justified.is_none()).count();
        let mut rows = vec![
            (
                "Draft".to_string(),
                format!(
                    "{} by {}, {}",
                    d.version,
                    d.author,
                    long_date_text(&d.drafted_on)
                ),
            ),
            ("Title".to_string(), d.title.clone()),
            ("Summary".to_string(), d.summary.clone()),
            ("Themes".to_string(), d.themes.join("; ")),
            (
                "Anonymisation check".to_string(),
                match open {
                    0 => format!("{} findings, each justified", d.findings.len()),
                    n => format!("{n} findings to remove or justify in a new draft"),
                },
            ),
        ];
        if let Some(note) = &d.correction_note {
            rows.push(("Correction".to_string(), note.clone()));
        }
        if !file.publication_held_by.is_empty() {
            rows.push((
                "Held back by".to_string(),
                file.publication_held_by.join("; "),
            ));
        }
        rows
    },
    fields: |_| {
        vec![
            Field::date("publish_on", "Show it from (optional)")
                .hint("Leave empty to show it today. For example, 4 4 2022"),
        ]
    },
    defaults: no_defaults,
    command: |a, file, errors| {
        let publish_on = a.date("publish_on", "The day to show it from", false, errors);
        let Some(d) = latest(file) else {
            errors.add("publish_on", "There is no draft to approve");
            return None;
        };
        Some(Command::ApprovePublication(ApprovePublication {
            version: d.version,
            publish_on,
        }))
    },
};

pub const WITHDRAW_PUBLICATION: Step = Step {
    slug: "withdraw-publication",
    kind: CommandKind::WithdrawPublication,
    title: "Withdraw the publication",
    guidance: "The summary comes off the public portal, its feeds and downloads; the record keeps that it was published, when, and why it was withdrawn.",
    submit: "Continue",
    stages: STAGES,
    when: |file, body| {
        oversight_only(file, body)
            && file
                .publication
                .as_ref()
                .is_some_and(|p| p.withdrawn.is_none())
    },
    check: true,
    history: false,
    facts: |file| {
        file.publication
            .iter()
            .map(|p| {
                (
                    "Published".to_string(),
                    format!("{}, from {}", p.title, p.published_on),
                )
            })
            .collect()
    },
    fields: |_| vec![Field::text("reason", "Why it is withdrawn")],
    defaults: no_defaults,
    command: |a, _, errors: &mut Errors| {
        let reason = a.text("reason", "Enter why it is withdrawn", errors);
        Some(Command::WithdrawPublication(WithdrawPublication { reason }))
    },
};
