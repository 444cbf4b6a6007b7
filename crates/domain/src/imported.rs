//! What another body already published or recorded, brought in as it stands: a published
//! item with its learning recommendation, as the source shows it, or a complaint case from
//! another body's export ([`ImportedCase`]). An imported item is never
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

/// A complaint case another body recorded, as its export holds it: the body, when it came
/// and was closed, the officers complained of (known by the source's own identifier), the
/// complainants' recorded characteristics, and each allegation with the source's own words for
/// its type and finding beside our classification of them. Never decided again against the
/// rules of England and Wales, which did not govern it. Names are not imported: statistics and
/// subject histories need the source's identifier, not the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedCase {
    /// The body whose record it is, as a code (`nypd`, `cpd`).
    pub body: String,
    /// Where in the body it happened, in its own terms (a precinct, a beat), when recorded.
    #[serde(default)]
    pub area: Option<String>,
    pub received: SourceDate,
    #[serde(default)]
    pub closed: Option<SourceDate>,
    pub subjects: Vec<ImportedSubject>,
    #[serde(default)]
    pub complainants: Vec<Characteristics>,
    pub allegations: Vec<ImportedAllegation>,
    /// What the source wrote that the importer could not use as written (a closing date
    /// before the complaint's), in words: kept, so the record still says what the source said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A date as precise as the source gives it: `on` is its first day when only the month (or
/// the year) is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceDate {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub precision: DatePrecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DatePrecision {
    Day,
    Month,
    Year,
}

impl SourceDate {
    pub fn day(on: Date) -> SourceDate {
        SourceDate {
            on,
            precision: DatePrecision::Day,
        }
    }

    pub fn month(year: i16, month: i8) -> Option<SourceDate> {
        Some(SourceDate {
            on: Date::new(year, month, 1).ok()?,
            precision: DatePrecision::Month,
        })
    }

    /// The last day it may stand for.
    pub fn last_day(&self) -> Date {
        match self.precision {
            DatePrecision::Day => self.on,
            DatePrecision::Month => self.on.last_of_month(),
            DatePrecision::Year => self.on.last_of_year(),
        }
    }
}

/// A person serving with the police complained of, as the source knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedSubject {
    /// The source's own identifier of the officer: what recognises them across its cases.
    pub key: String,
    #[serde(default)]
    pub rank: Option<String>,
    #[serde(default)]
    pub characteristics: Characteristics,
}

/// Recorded characteristics of a complainant or a subject, as codes outside the erasable
/// personal data (shared/domain.md §11.1: "who complains and who is subject to complaints").
/// Each beside the source's own term, so nothing of what it recorded is lost to our mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Characteristics {
    #[serde(default)]
    pub ethnicity: Option<Ethnicity>,
    /// The source's own word for the ethnicity, when it recorded one.
    #[serde(default)]
    pub source_ethnicity: Option<String>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub age_band: Option<AgeBand>,
}

impl Characteristics {
    /// Nothing recorded.
    pub fn is_unrecorded(&self) -> bool {
        *self == Characteristics::default()
    }
}

/// The five broad ethnic groups of the England and Wales census, which police complaints
/// data is collected in, with "other" for any the source records that none of them names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Ethnicity {
    Asian,
    Black,
    Mixed,
    White,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    Female,
    Male,
    /// Recorded, as neither (a gender identity the source names otherwise).
    Other,
}

/// An age at the incident, in the bands official statistics publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "18_24")]
    From18To24,
    #[serde(rename = "25_34")]
    From25To34,
    #[serde(rename = "35_44")]
    From35To44,
    #[serde(rename = "45_54")]
    From45To54,
    #[serde(rename = "55_64")]
    From55To64,
    #[serde(rename = "65_and_over")]
    From65,
}

impl AgeBand {
    /// The band of an age in years; None for an age no person has (a source's 0 or 150).
    pub fn of(age: i64) -> Option<AgeBand> {
        Some(match age {
            1..=17 => AgeBand::Under18,
            18..=24 => AgeBand::From18To24,
            25..=34 => AgeBand::From25To34,
            35..=44 => AgeBand::From35To44,
            45..=54 => AgeBand::From45To54,
            55..=64 => AgeBand::From55To64,
            65..=110 => AgeBand::From65,
            _ => return None,
        })
    }
}

/// One allegation against one subject, as the source recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedAllegation {
    /// The line of the file it was read from.
    pub line: u64,
    /// The subject it is made against: an index into `subjects`, from 0; null for an officer
    /// the source did not identify (counted as an allegation, never as a subject).
    pub subject: Option<u32>,
    /// The complainant who made it, when recorded: an index into `complainants`, from 0.
    #[serde(default)]
    pub complainant: Option<u32>,
    /// Our classification of it (the 2020 scheme), when the source's type maps to one.
    #[serde(default)]
    pub category: Option<crate::category::CategoryCode>,
    /// The source's own type and subtype (FADO type and allegation, a Chicago category).
    pub source_category: String,
    #[serde(default)]
    pub source_subcategory: Option<String>,
    /// Whether it was investigated, when the source says.
    #[serde(default)]
    pub investigated: Option<bool>,
    /// A finding recommended before the final one (Chicago's investigators), in the source's words.
    #[serde(default)]
    pub recommended_finding: Option<String>,
    /// Our classification of the final finding, and the source's words for it.
    pub finding: Disposition,
    #[serde(default)]
    pub source_finding: Option<String>,
    /// The discipline or action that followed, in the source's words, when recorded.
    #[serde(default)]
    pub action: Option<String>,
    /// Whether a sanction was imposed, when the source says.
    #[serde(default)]
    pub sanctioned: Option<bool>,
}

/// Where an allegation ended, in words that read across bodies: each importer says how its
/// source's findings map to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Disposition {
    /// The conduct occurred and broke the rules (sustained, substantiated, proven).
    Substantiated,
    /// Investigated, and it could not be shown either way.
    NotSubstantiated,
    /// It occurred, and broke no rule.
    Exonerated,
    /// It did not occur, or the subject was not involved.
    Unfounded,
    /// Closed without a finding on its merits (withdrawn, no affidavit, administratively closed).
    NoFinding,
    /// Not yet decided.
    Pending,
    /// The source records no finding.
    NotRecorded,
}

/// An imported complaint case in a case's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedRecord {
    pub reference: crate::ids::Reference,
    pub from: ImportedFrom,
    pub case: ImportedCase,
    pub first_imported_on: Date,
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
