//! Probity's functional core: the police complaints and misconduct process of England and
//! Wales (Police Reform Act 2002 Sch 3; PCMR 2020; PCR 2020) as pure functions over events.
//!
//! A case's state is the fold of its events ([`Case::replay`]). A [`Command`] is checked
//! against that state and a [`Context`] (the time and the actor) by [`decide`], which yields
//! new events or a [`Refusal`] naming the rule and its statutory basis.
//!
//! Architecture invariant: no I/O, no clock, no randomness, no async, no SQL, no HTTP.

pub mod access;
pub mod anonymisation;
pub mod calendar;
pub mod case;
pub mod category;
pub mod clock;
pub mod command;
pub mod conduct;
mod decide;
pub mod event;
pub mod force;
pub mod hex;
pub mod ids;
pub mod imported;
pub mod letter;
pub mod matter;
pub mod party;
pub mod publication;
pub mod referral;
pub mod review;
pub mod rule;
pub mod scenario;
pub mod statistics;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub use case::{Case, Status};
pub use command::{Command, CommandKind};
pub use decide::{Decision, EARLIEST, decide, stages};
pub use event::{Event, EventKind};
pub use ids::{AllegationId, CaseId, PartyId, ProceedingsId, RecommendationId, Reference};
pub use rule::{Refusal, Rule};

/// The bodies that act in the process. Which body may take a step is a statutory rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// The chief officer (or local policing body) and the professional standards department
    /// acting under delegation.
    AppropriateAuthority,
    /// The Independent Office for Police Conduct (the Director General and delegates).
    OversightBody,
    /// The police and crime commissioner or equivalent.
    LocalPolicingBody,
}

impl Body {
    pub const ALL: [Body; 3] = [
        Body::AppropriateAuthority,
        Body::OversightBody,
        Body::LocalPolicingBody,
    ];

    /// The stored and JSON form (`oversight_body`).
    pub fn code(self) -> &'static str {
        match self {
            Body::AppropriateAuthority => "appropriate_authority",
            Body::OversightBody => "oversight_body",
            Body::LocalPolicingBody => "local_policing_body",
        }
    }

    pub fn parse(code: &str) -> Option<Body> {
        let code = code.trim().replace('-', "_");
        Body::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Body::AppropriateAuthority => "appropriate authority",
            Body::OversightBody => "oversight body",
            Body::LocalPolicingBody => "local policing body",
        }
    }
}

/// Who is acting: a user of the system and the body they act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub body: Body,
}

/// What a decision may know besides the case: when it is, when the act happened, and who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The moment of acting: entry into the record.
    pub at: Timestamp,
    pub actor: Actor,
    /// The day the act happened in the world, when it is not today (an interview typed up
    /// later, a case of 2018 being imported). Refused if in the future or before the matter
    /// was received.
    pub on: Option<Date>,
    /// The record of the case's subjects elsewhere (their sanctions in other cases), as the
    /// shell found it: the safeguards that depend on a person's record read it here.
    pub records: Vec<party::SubjectRecord>,
    /// What the case holds that would identify its people (from their personal data, which the
    /// shell keeps): the anonymisation check of a text to publish looks for each.
    pub identifiers: Vec<anonymisation::Identifier>,
}

impl Context {
    pub fn new(at: Timestamp, actor_id: impl Into<String>, body: Body) -> Self {
        Context {
            at,
            actor: Actor {
                id: actor_id.into(),
                body,
            },
            on: None,
            records: Vec::new(),
            identifiers: Vec::new(),
        }
    }

    /// The same context, knowing what would identify the case's people.
    pub fn with_identifiers(self, identifiers: Vec<anonymisation::Identifier>) -> Self {
        Context {
            identifiers,
            ..self
        }
    }

    /// The same context, knowing the subjects' records elsewhere.
    pub fn with_records(self, records: Vec<party::SubjectRecord>) -> Self {
        Context { records, ..self }
    }

    /// The same context, for an act that happened on `on` (today when `None`).
    pub fn dated(self, on: Option<Date>) -> Self {
        Context { on, ..self }
    }

    /// The day the act happened: as given, or today.
    pub fn on(&self) -> Date {
        self.on.unwrap_or_else(|| self.today())
    }

    /// The civil date in England and Wales at the moment of acting.
    pub fn today(&self) -> Date {
        london().to_datetime(self.at).date()
    }
}

/// Europe/London, from the time-zone database bundled into the binary.
pub fn london() -> &'static TimeZone {
    static LONDON: std::sync::LazyLock<TimeZone> = std::sync::LazyLock::new(|| {
        TimeZone::get("Europe/London").expect("the bundled time-zone database has Europe/London")
    });
    &LONDON
}

/// The name a value has in JSON and in storage (`"no_case_to_answer"`, `"independent"`).
pub fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The value a name stands for, the reverse of [`code_of`]; `None` for an unknown name.
/// A code as words in a sentence: `gross_misconduct` is "gross misconduct".
pub fn spoken<T: Serialize>(value: &T) -> String {
    code_of(value).replace('_', " ")
}

pub fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_codes_are_their_json_names() {
        for b in Body::ALL {
            assert_eq!(code_of(&b), b.code());
            assert_eq!(Body::parse(b.code()), Some(b));
        }
        assert_eq!(Body::parse("oversight-body"), Some(Body::OversightBody));
        assert_eq!(Body::parse("police"), None);
    }

    #[test]
    fn from_code_reads_back_what_code_of_writes() {
        for b in Body::ALL {
            assert_eq!(from_code::<Body>(&code_of(&b)), Some(b));
        }
        assert_eq!(from_code::<Status>("closed"), Some(Status::Closed));
        assert_eq!(from_code::<Status>("Closed"), None);
    }
}
