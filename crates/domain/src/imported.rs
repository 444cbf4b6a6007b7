//! What another body already published, brought into the record as it stands: a published
//! item with its learning recommendation, as the source shows it. An imported item is never
//! decided again against the rules that govern what is published here (no draft, check or
//! second approval: it was public before it came), and it never writes over a case recorded
//! here. The shell reads the source files (`probity-import`); the core keeps what they said.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::force::Force;
use crate::matter::Acceptance;
use crate::publication::ItemKind;

/// Where an imported item came from: the source, its own key for the item (what a re-import
/// is matched by), and the file and line it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedFrom {
    /// The importer's name (`iopc-recommendations`).
    pub source: String,
    /// The source's own identifier of the item (for the IOPC, the page's address).
    pub key: String,
    /// SHA-256 of the file read, in lower-case hex.
    pub file_digest: String,
    /// The line the item's row starts on (1 is the header).
    pub line: u64,
}

/// The item as the source published it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedItem {
    pub item: ItemKind,
    pub title: String,
    pub summary: String,
    /// Whom it concerns, as the source names them (a force, the College of Policing, ...).
    pub recipient: String,
    /// The force, when the recipient is one of ours.
    #[serde(default)]
    pub force: Option<Force>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub published_on: Date,
    #[serde(default)]
    pub recommendation: Option<ImportedRecommendation>,
}

/// A learning recommendation as the source published it, with the answer it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedRecommendation {
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub made_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub response_due: Date,
    /// None while the source shows it awaiting a response.
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
}

/// An imported item in a case's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub reference: crate::ids::Reference,
    pub from: ImportedFrom,
    pub item: ImportedItem,
    /// The day it was first imported: what its retention counts from.
    pub first_imported_on: Date,
    /// How many times its text has been imported (a changed source gives a new version).
    pub version: u32,
}

impl ImportedFrom {
    /// Where the public can find the original: the source's address for the item when it is
    /// one, else the source's name.
    pub fn public_source(&self) -> &str {
        if self.key.starts_with("https://") {
            &self.key
        } else {
            &self.source
        }
    }
}

impl ImportedItem {
    /// The force's code and name as the public side files it: ours when the recipient is one
    /// of our forces, else the recipient's own name, written as a code (`college-of-policing`).
    pub fn force_code_and_name(&self) -> (String, String) {
        match self.force {
            Some(f) => (f.code().to_string(), f.name().to_string()),
            None => (code_of_name(&self.recipient), self.recipient.clone()),
        }
    }
}

/// A name written as a code: lower-case letters and digits, words joined by `-`, at most 40
/// characters (what the public force filter accepts).
pub fn code_of_name(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut code = String::new();
    for w in words {
        if code.len() + w.len() + usize::from(!code.is_empty()) > 40 {
            break;
        }
        if !code.is_empty() {
            code.push('-');
        }
        code.push_str(&w);
    }
    if code.is_empty() {
        "unnamed".into()
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_becomes_a_code_the_force_filter_accepts() {
        assert_eq!(
            code_of_name("The College of Policing"),
            "the-college-of-policing"
        );
        assert_eq!(
            code_of_name("Police and Crime Panel – Cambridgeshire"),
            "police-and-crime-panel-cambridgeshire"
        );
        assert_eq!(code_of_name("#N/A"), "n-a");
        assert_eq!(code_of_name("…"), "unnamed");
        let long = code_of_name(&"word ".repeat(30));
        assert!(long.len() <= 40 && !long.ends_with('-'), "{long}");
    }
}
