//! The people on a case and their roles. Names, contact details, dates of birth and addresses
//! are personal data: they never enter an event. An event carries only a salted commitment to
//! them, so that erasing the personal data leaves the hash chain intact.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::conduct::Sanction;
use crate::force::Force;
use crate::ids::PartyId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PartyRole {
    Complainant {
        basis: ComplainantBasis,
    },
    /// Acting on behalf of a complainant (s.12 PRA).
    Representative {
        on_behalf_of: PartyId,
    },
    /// A person with an interest in being kept informed (s.21 PRA), e.g. bereaved family.
    InterestedPerson,
    Subject(SubjectProfile),
    Witness,
    /// Someone the conduct was directed at who has not complained.
    AffectedPerson,
}

impl PartyRole {
    pub fn label(&self) -> &'static str {
        match self {
            PartyRole::Complainant { .. } => "complainant",
            PartyRole::Representative { .. } => "representative",
            PartyRole::InterestedPerson => "interested person",
            PartyRole::Subject(_) => "subject",
            PartyRole::Witness => "witness",
            PartyRole::AffectedPerson => "affected person",
        }
    }
}

/// Who may complain about conduct (s.12(1) PRA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ComplainantBasis {
    DirectedAt,
    AdverselyAffected,
    Witness,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SubjectKind {
    Officer,
    SpecialConstable,
    Staff,
    Volunteer,
}

/// A person serving with the police who is the subject of allegations. Their name is personal
/// data; what is here is what the process needs to apply its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectProfile {
    pub kind: SubjectKind,
    #[serde(default)]
    pub rank: Option<String>,
    /// Collar or staff number, unique within the force: links a person's cases together.
    #[serde(default)]
    pub service_number: Option<String>,
    pub force: Force,
    /// No longer serving: the former-officer provisions apply (PCR 2020 Sch 1).
    #[serde(default)]
    pub former: bool,
    /// Above the rank of chief superintendent: the oversight body reviews (PCMR reg 32(a)).
    #[serde(default)]
    pub senior_officer: bool,
    /// The chief officer (or the Deputy Commissioner of the Metropolis): the local policing
    /// body is the appropriate authority (PRA s.29(1)), and a complaint that might justify
    /// proceedings must be referred (PCMR reg 4(1)(c)).
    #[serde(default)]
    pub chief_officer: bool,
    /// Warnings already on the person's record, which decide the forms and sanctions open later.
    #[serde(default)]
    pub prior_sanctions: Vec<PriorSanction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorSanction {
    pub sanction: Sanction,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub effective_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expires_on: Date,
}

/// What the rest of the record holds about one person serving with the police, found by the
/// shell from the other cases naming them (by force and service number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRecord {
    pub force: Force,
    pub service_number: String,
    pub sanctions: Vec<PriorSanction>,
}

impl SubjectProfile {
    /// This profile with the sanctions the rest of the record holds for the same person.
    pub fn with_record(&self, records: &[SubjectRecord]) -> SubjectProfile {
        let mut profile = self.clone();
        let Some(number) = &self.service_number else {
            return profile;
        };
        for r in records
            .iter()
            .filter(|r| r.force == self.force && &r.service_number == number)
        {
            for s in &r.sanctions {
                if !profile.prior_sanctions.contains(s) {
                    profile.prior_sanctions.push(*s);
                }
            }
        }
        profile
            .prior_sanctions
            .sort_by_key(|s| (s.effective_on, s.expires_on));
        profile
    }

    /// A final written warning in force on `on` (PCR 2020 reg 42; live period 2 years from a meeting).
    pub fn live_final_written_warning(&self, on: Date) -> bool {
        self.prior_sanctions.iter().any(|p| {
            p.sanction == Sanction::FinalWrittenWarning && p.effective_on <= on && on < p.expires_on
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Vulnerability {
    MentalHealth,
    DomesticAbuse,
    SexualExploitation,
    SubstanceMisuse,
    Disability,
    Child,
    OlderPerson,
    VictimOfCrime,
    Informant,
}

/// The personal data of a party: kept out of the log, erasable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalData {
    pub name: String,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date_of_birth: Option<Date>,
    #[serde(default)]
    pub address: Option<String>,
    /// Names the person is known by: the anonymisation check looks for them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nicknames: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vehicle_registrations: Vec<String>,
}

/// Personal data with the random salt the shell drew for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedPersonalData {
    pub data: PersonalData,
    /// 16 random bytes, hex: without it the commitment cannot be tested against guesses.
    /// Clients may leave it out and send the personal data alone; the server seals it.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub salt: String,
}

/// SHA-256 over the salt and the canonical personal data, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Commitment(pub String);

impl SealedPersonalData {
    pub fn new(data: PersonalData, salt: [u8; 16]) -> Self {
        SealedPersonalData {
            data,
            salt: crate::hex::encode(&salt),
        }
    }

    pub fn commitment(&self) -> Commitment {
        let canonical = serde_json::to_vec(&self.data).expect("personal data serialises");
        let digest = Sha256::new()
            .chain_update(b"probity-personal/v1\0")
            .chain_update(self.salt.as_bytes())
            .chain_update(b"\0")
            .chain_update(&canonical)
            .finalize();
        Commitment(crate::hex::encode(&digest))
    }

    pub fn salt_is_valid(&self) -> bool {
        crate::hex::decode(&self.salt).is_some_and(|b| b.len() == 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> PersonalData {
        PersonalData {
            name: name.into(),
            contact: None,
            date_of_birth: None,
            address: None,
            nicknames: Vec::new(),
            vehicle_registrations: Vec::new(),
        }
    }

    #[test]
    fn commitment_depends_on_salt_and_data() {
        let a = SealedPersonalData::new(data("Ann"), [1; 16]);
        assert_eq!(
            a.commitment(),
            SealedPersonalData::new(data("Ann"), [1; 16]).commitment()
        );
        assert_ne!(
            a.commitment(),
            SealedPersonalData::new(data("Ann"), [2; 16]).commitment()
        );
        assert_ne!(
            a.commitment(),
            SealedPersonalData::new(data("Anne"), [1; 16]).commitment()
        );
        assert!(a.salt_is_valid());
        assert!(
            !SealedPersonalData {
                data: data("x"),
                salt: "00".into()
            }
            .salt_is_valid()
        );
    }

    #[test]
    fn live_final_written_warning_is_bounded_by_its_dates() {
        let profile = SubjectProfile {
            kind: SubjectKind::Officer,
            rank: None,
            service_number: None,
            force: Force::parse("kent").unwrap(),
            former: false,
            senior_officer: false,
            chief_officer: false,
            prior_sanctions: vec![PriorSanction {
                sanction: Sanction::FinalWrittenWarning,
                effective_on: jiff::civil::date(2019, 1, 10),
                expires_on: jiff::civil::date(2021, 1, 10),
            }],
        };
        assert!(!profile.live_final_written_warning(jiff::civil::date(2019, 1, 9)));
        assert!(profile.live_final_written_warning(jiff::civil::date(2019, 1, 10)));
        assert!(profile.live_final_written_warning(jiff::civil::date(2021, 1, 9)));
        assert!(!profile.live_final_written_warning(jiff::civil::date(2021, 1, 10)));
    }
}
