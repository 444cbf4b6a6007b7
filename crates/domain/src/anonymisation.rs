//! The anonymisation check of a text meant for publication (shared/domain.md §12): every
//! identifier the case holds about its people (names and their parts, nicknames, collar and
//! service numbers, addresses, dates of birth, contact details, vehicle registrations) and every
//! generic pattern of personal data (UK postcodes, phone numbers, e-mail addresses, registration
//! plates, dates of birth), found in the text with its position. Each hit blocks publication
//! until it is removed or justified in writing.
//!
//! Pure: the shell hands in the personal data it holds; nothing here reads or keeps it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::PartyId;
use crate::case::Case;
use crate::party::{PartyRole, PersonalData};

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Name,
    NamePart,
    Nickname,
    ServiceNumber,
    Address,
    DateOfBirth,
    Contact,
    VehicleRegistration,
    Postcode,
    PhoneNumber,
    EmailAddress,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Name => "a name",
            Kind::NamePart => "part of a name",
            Kind::Nickname => "a nickname",
            Kind::ServiceNumber => "a collar or service number",
            Kind::Address => "an address",
            Kind::DateOfBirth => "a date of birth",
            Kind::Contact => "contact details",
            Kind::VehicleRegistration => "a vehicle registration",
            Kind::Postcode => "a postcode",
            Kind::PhoneNumber => "a phone number",
            Kind::EmailAddress => "an e-mail address",
        }
    }
}

/// Something the case holds that would identify one of its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub kind: Kind,
    pub value: String,
    pub party: PartyId,
}

/// One finding: where in the text (in characters from 0, and as line and column from 1), what
/// was found, and whose it is when it is one of the case's own identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub found: String,
    /// The party it identifies; `None` for a generic pattern.
    pub party: Option<PartyId>,
}

/// Titles and ranks: parts of a name that identify no one.
const NOT_A_NAME: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "pc", "ps", "dc", "ds", "sgt", "insp",
    "di", "dci", "supt", "the", "and", "van", "von", "der", "de", "la", "le",
];

/// Every identifier the case holds about its people: from their personal data (the shell's)
/// and from the case itself (service numbers). Erased parties have no personal data left.
pub fn identifiers_of(case: &Case, personal: &BTreeMap<PartyId, PersonalData>) -> Vec<Identifier> {
    let mut out = Vec::new();
    for party in case.parties.values() {
        let id = party.id;
        let mut push = |kind, value: &str| {
            let value = value.trim();
            if !value.is_empty() {
                out.push(Identifier {
                    kind,
                    value: value.to_string(),
                    party: id,
                });
            }
        };
        if let PartyRole::Subject(profile) = &party.role
            && let Some(n) = &profile.service_number
        {
            push(Kind::ServiceNumber, n);
        }
        let Some(data) = personal.get(&id).filter(|_| !party.erased) else {
            continue;
        };
        push(Kind::Name, &data.name);
        for part in name_parts(&data.name) {
            push(Kind::NamePart, part);
        }
        for nickname in &data.nicknames {
            push(Kind::Nickname, nickname);
        }
        for plate in &data.vehicle_registrations {
            push(Kind::VehicleRegistration, plate);
        }
        for (kind, text) in [
            (Kind::Address, &data.address),
            (Kind::Contact, &data.contact),
        ] {
            for segment in text.iter().flat_map(|t| t.split([',', '\n', ';'])) {
                if segment
                    .trim()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count()
                    >= 4
                {
                    push(kind, segment);
                }
            }
        }
        if let Some(born) = data.date_of_birth {
            for written in date_forms(born) {
                push(Kind::DateOfBirth, &written);
            }
        }
    }
    out
}

/// The parts of a name that could identify on their own: not titles, not initials.
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|p| p.chars().count() >= 3 && !NOT_A_NAME.contains(&p.to_lowercase().as_str()))
}

/// A day as people write it: "6 April 1990", "06/04/1990", "6/4/1990", "1990-04-06", ...
fn date_forms(d: jiff::civil::Date) -> Vec<String> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let month = d.strftime("%B").to_string();
    let short = d.strftime("%b").to_string();
    vec![
        format!("{day} {month} {y}"),
        format!("{day} {short} {y}"),
        format!("{month} {day}, {y}"),
        format!("{day:02}/{m:02}/{y}"),
        format!("{day}/{m}/{y}"),
        format!("{day:02}.{m:02}.{y}"),
        format!("{day:02}-{m:02}-{y}"),
        d.to_string(),
    ]
}

fn ci(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .expect("the patterns are valid")
}

/// The generic patterns, each with its kind. Registration plates are matched in capitals
/// only: in lower case they read as words and numbers.
static PATTERNS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Kind::Postcode,
            ci(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b"),
        ),
        (
            Kind::EmailAddress,
            ci(r"\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}\b"),
        ),
        // A UK number: 0 (or +44) and nine or ten more digits, spaced or not.
        (
            Kind::PhoneNumber,
            Regex::new(r"(?:\+44[\s-]?\(?0?\)?[\s-]?|\b0)\d(?:[\s-]?\d){8,9}\b").expect("valid"),
        ),
        (
            Kind::VehicleRegistration,
            Regex::new(r"\b(?:[A-Z]{2}[0-9]{2} ?[A-Z]{3}|[A-Z][0-9]{1,3} ?[A-Z]{3}|[A-Z]{3} ?[0-9]{1,3}[A-Z])\b")
                .expect("valid"),
        ),
        (
            Kind::DateOfBirth,
            ci(r"\b(?:born(?:\s+on)?|date\s+of\s+birth|d\.?o\.?b\.?)\W{0,3}(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4})"),
        ),
    ]
});

/// A case's own identifier as a pattern: the words in order, whole, in any case, with any
/// spacing (and none inside a number: "GL 1042" is "GL1042").
fn literal(id: &Identifier) -> Option<Regex> {
    let compact = matches!(id.kind, Kind::ServiceNumber | Kind::VehicleRegistration);
    let value = id.value.trim();
    let chars: Vec<char> = value
        .chars()
        .filter(|c| !(compact && c.is_whitespace()))
        .collect();
    if chars.iter().filter(|c| c.is_alphanumeric()).count() < 2 {
        return None;
    }
    let mut body = String::new();
    let mut gap = false;
    for (i, c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap {
            body.push_str(r"\s+");
            gap = false;
        } else if compact && i > 0 {
            body.push_str(r"[\s-]?");
        }
        body.push_str(&regex::escape(&c.to_string()));
    }
    let edge = |c: Option<&char>| {
        if c.is_some_and(|c| c.is_alphanumeric()) {
            r"\b"
        } else {
            ""
        }
    };
    Some(ci(&format!(
        "{}{body}{}",
        edge(chars.first()),
        edge(chars.last())
    )))
}

/// Every hit in `text`: the case's own identifiers first claim their spans; a hit inside a
/// longer one is left out ("Daniel" inside "Daniel Morrow").
pub fn check(text: &str, identifiers: &[Identifier]) -> Vec<Hit> {
    let mut spans: Vec<(usize, usize, Kind, Option<PartyId>)> = Vec::new();
    for id in identifiers {
        let Some(re) = literal(id) else { continue };
        for m in re.find_iter(text) {
            spans.push((m.start(), m.end(), id.kind, Some(id.party)));
        }
    }
    for (kind, re) in PATTERNS.iter() {
        for m in re.find_iter(text) {
            spans.push((m.start(), m.end(), *kind, None));
        }
    }
    // Longest first at each start, then drop what an earlier span covers.
    spans.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.3.is_none().cmp(&b.3.is_none()))
    });
    let mut kept: Vec<(usize, usize, Kind, Option<PartyId>)> = Vec::new();
    for s in spans {
        if kept.iter().any(|k| k.0 <= s.0 && s.1 <= k.1) {
            continue;
        }
        kept.push(s);
    }
    kept.into_iter()
        .map(|(start, end, kind, party)| {
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Hit {
                kind,
                start: before.chars().count(),
                end: before.chars().count() + text[start..end].chars().count(),
                line,
                column,
                found: text[start..end].to_string(),
                party,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
