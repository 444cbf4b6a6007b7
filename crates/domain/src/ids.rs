//! Identifiers: parsed once at the edge, trusted everywhere after.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The public reference of a matter. Oversight-body references look like `2020/134541`
/// (year of referral, six-digit sequence); force references like `PC/1234/22`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "2020/134541"))]
pub struct Reference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a case reference: use an oversight reference like 2020/134541 or a force reference like PC/1234/22 (letters, digits and '/', '-', at most 32 characters)"
)]
pub struct BadReference(pub String);

impl Reference {
    pub fn parse(raw: &str) -> Result<Self, BadReference> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-');
        if ok {
            Ok(Reference(s.to_ascii_uppercase()))
        } else {
            Err(BadReference(raw.to_string()))
        }
    }

    /// True for the oversight body's own `YYYY/NNNNNN` form.
    pub fn is_oversight(&self) -> bool {
        let b = self.0.as_bytes();
        b.len() == 11
            && b[4] == b'/'
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[5..].iter().all(u8::is_ascii_digit)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reference {
    type Error = BadReference;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Reference::parse(&s)
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> String {
        r.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identity of a case's event stream. Derived from the reference, so that opening a
/// case twice under one reference meets the stream's version check instead of making a twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseId([u8; 16]);

impl CaseId {
    pub fn for_reference(reference: &Reference) -> Self {
        let digest = Sha256::new()
            .chain_update(b"probity-case/v1\0")
            .chain_update(reference.as_str().as_bytes())
            .finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        // Shape it as an RFC 9562 version-8 (custom) UUID so tools display it sensibly.
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        CaseId(b)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let hex: String = s.chars().filter(|c| *c != '-').collect();
        if hex.len() != 32 || s.len() != 36 {
            return None;
        }
        let bytes = crate::hex::decode(&hex)?;
        let mut b = [0u8; 16];
        b.copy_from_slice(&bytes);
        Some(CaseId(b))
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = crate::hex::encode(&self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Parses the displayed form (`P1`, `A2`, ...) or a bare number.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                let digits = s
                    .strip_prefix($prefix)
                    .or_else(|| s.strip_prefix(&$prefix.to_ascii_lowercase()))
                    .unwrap_or(s);
                digits.parse().ok().filter(|n| *n > 0).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }
    };
}

local_id!(
    /// A person's place in one case (complainant, subject, witness...), numbered from 1.
    PartyId,
    "P"
);
local_id!(
    /// An allegation within one case, numbered from 1.
    AllegationId,
    "A"
);
local_id!(
    /// One set of misconduct proceedings (meeting or hearing) within a case.
    ProceedingsId,
    "M"
);
local_id!(
    /// A learning recommendation made on a case.
    RecommendationId,
    "R"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_normalise() {
        let r = Reference::parse(" 2020/134541 ").unwrap();
        assert_eq!(r.as_str(), "2020/134541");
        assert!(r.is_oversight());
        let f = Reference::parse("pc/1234/22").unwrap();
        assert_eq!(f.as_str(), "PC/1234/22");
        assert!(!f.is_oversight());
        for bad in ["", "/2020", "2020 134541", "a;drop", &"x".repeat(33)] {
            assert!(Reference::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn case_id_is_stable_and_round_trips() {
        let r = Reference::parse("2020/134541").unwrap();
        let id = CaseId::for_reference(&r);
        assert_eq!(id, CaseId::for_reference(&r));
        assert_ne!(
            id,
            CaseId::for_reference(&Reference::parse("2020/134542").unwrap())
        );
        let shown = id.to_string();
        assert_eq!(shown.len(), 36);
        assert_eq!(CaseId::parse(&shown), Some(id));
        assert_eq!(CaseId::parse("not-a-uuid"), None);
    }

    #[test]
    fn local_ids_parse_their_display_form() {
        assert_eq!(PartyId::parse("P3"), Some(PartyId(3)));
        assert_eq!(AllegationId::parse("a2"), Some(AllegationId(2)));
        assert_eq!(AllegationId::parse("7"), Some(AllegationId(7)));
        assert_eq!(PartyId::parse("P0"), None);
        assert_eq!(PartyId(4).to_string(), "P4");
    }
}
