//! What the events of publication do.

use super::{Case, Publication};
use crate::event::{
    Fact, PublicationApproved, PublicationDrafted, PublicationImported, PublicationWithdrawn,
};
use crate::imported::Imported;
use crate::publication::Draft;

impl Fact for PublicationDrafted {
    fn apply(&self, case: &mut Case) {
        case.drafts.push(Draft {
            version: self.version,
            author: self.author.clone(),
            item: self.item,
            title: self.title.clone(),
            summary: self.summary.clone(),
            themes: self.themes.clone(),
            incident_month: self.incident_month.clone(),
            findings: self.findings.clone(),
            correction_note: self.correction_note.clone(),
            drafted_on: self.on,
        });
    }

    fn describe(&self) -> String {
        let open = self
            .findings
            .iter()
            .filter(|f| f.justified.is_none())
            .count();
        format!(
            "draft {} of the publication{}",
            self.version,
            match open {
                0 => String::new(),
                n => format!(", {n} anonymisation findings to resolve"),
            }
        )
    }
}

impl Fact for PublicationApproved {
    fn apply(&self, case: &mut Case) {
        let Some(d) = case.drafts.iter().find(|d| d.version == self.version) else {
            return;
        };
        let mut corrections = case
            .publication
            .as_ref()
            .map(|p| p.corrections.clone())
            .unwrap_or_default();
        if let Some(note) = &d.correction_note {
            corrections.push((self.publish_on, note.clone()));
        }
        let mut tags = Vec::new();
        if let Some(m) = case.matter() {
            tags.push(m.force.name().to_string());
        }
        tags.extend(
            d.themes
                .iter()
                .filter(|t| !tags.contains(t))
                .cloned()
                .collect::<Vec<_>>(),
        );
        case.publication = Some(Publication {
            title: d.title.clone(),
            summary: d.summary.clone(),
            tags,
            published_on: self.publish_on,
            item: d.item,
            incident_month: d.incident_month.clone(),
            version: d.version,
            author: Some(d.author.clone()),
            approved_by: Some(self.approved_by.clone()),
            corrections,
            withdrawn: None,
        });
    }

    fn describe(&self) -> String {
        format!(
            "publication approved (draft {}), shown from {}",
            self.version, self.publish_on
        )
    }
}

impl Fact for PublicationWithdrawn {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.publication.as_mut() {
            p.withdrawn = Some((self.on, self.reason.clone()));
        }
    }

    fn describe(&self) -> String {
        "publication withdrawn".to_string()
    }
}

impl Fact for PublicationImported {
    fn apply(&self, case: &mut Case) {
        let (first, version) = case
            .imported
            .as_ref()
            .map_or((self.on, 1), |i| (i.first_imported_on, i.version + 1));
        case.imported = Some(Imported {
            reference: self.reference.clone(),
            from: self.from.clone(),
            item: self.item.clone(),
            first_imported_on: first,
            version,
        });
    }

    fn describe(&self) -> String {
        format!(
            "published item imported from {} (line {})",
            self.from.source, self.from.line
        )
    }
}
