//! The national allegation categories (IOPC data-capture guidance, 2020 scheme).
//!
//! This table is the one place the codes live. Codes G2, G3, J1, J2 and J3 are verified against
//! published tables; the other letters and numbers follow the published table order
//! (shared/domain.md §11.2) and are marked `verified: false`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::referral::MandatoryCriterion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subcategory {
    pub code: &'static str,
    pub category: &'static str,
    pub name: &'static str,
    pub verified: bool,
    /// The mandatory-referral description this subcategory meets on its face (PCMR reg 4(1)(a)).
    pub mandatory_referral: Option<MandatoryCriterion>,
    /// Counted as sexual misconduct in force reporting (G2, G3, J1-J3).
    pub sexual_misconduct: bool,
}

const fn sub(code: &'static str, category: &'static str, name: &'static str) -> Subcategory {
    Subcategory {
        code,
        category,
        name,
        verified: false,
        mandatory_referral: None,
        sexual_misconduct: false,
    }
}

const fn sexual(
    code: &'static str,
    category: &'static str,
    name: &'static str,
    criterion: Option<MandatoryCriterion>,
) -> Subcategory {
    Subcategory {
        code,
        category,
        name,
        verified: true,
        mandatory_referral: criterion,
        sexual_misconduct: true,
    }
}

const A: &str = "Delivery of duties and service";
const B: &str = "Police powers, policies and procedures";
const C: &str = "Handling of or damage to property/premises";
const D: &str = "Access and/or disclosure of information";
const E: &str = "Use of police vehicles";
const F: &str = "Discriminatory behaviour";
const G: &str = "Abuse of position/corruption";
const H: &str = "Individual behaviours";
const J: &str = "Sexual conduct";
const K: &str = "Discreditable conduct";
const L: &str = "Other";

pub static SUBCATEGORIES: &[Subcategory] = &[
    sub("A1", A, "Police action following contact"),
    sub("A2", A, "Decisions"),
    sub("A3", A, "General level of service"),
    sub("A4", A, "Information"),
    sub("B1", B, "Stops, and stop and search"),
    sub("B2", B, "Searches of premises and seizure of property"),
    sub("B3", B, "Power to arrest and detain"),
    sub("B4", B, "Detention in police custody"),
    sub("B5", B, "Bail, identification and interview procedures"),
    sub("B6", B, "Use of force"),
    sub("B7", B, "Evidential procedures"),
    sub("B8", B, "Out of court disposals"),
    sub("B9", B, "Other policies and procedures"),
    sub("C1", C, "Handling of or damage to property/premises"),
    sub("D1", D, "Use of police systems"),
    sub("D2", D, "Disclosure of information"),
    sub("D3", D, "Handling of information"),
    sub(
        "D4",
        D,
        "Accessing and handling of information from other sources",
    ),
    sub("E1", E, "Use of police vehicles"),
    sub("F1", F, "Age"),
    sub("F2", F, "Disability"),
    sub("F3", F, "Gender reassignment"),
    sub("F4", F, "Marriage and civil partnership"),
    sub("F5", F, "Pregnancy and maternity"),
    sub("F6", F, "Race"),
    sub("F7", F, "Religion or belief"),
    sub("F8", F, "Sex"),
    sub("F9", F, "Sexual orientation"),
    sub("F10", F, "Other"),
    sub("G1", G, "Abuse of position for financial purpose"),
    sexual(
        "G2",
        G,
        "Abuse of position for sexual purpose",
        Some(MandatoryCriterion::SeriousCorruption),
    ),
    sexual(
        "G3",
        G,
        "Abuse of position for the purpose of pursuing an inappropriate emotional relationship",
        Some(MandatoryCriterion::SeriousCorruption),
    ),
    sub("G4", G, "Abuse of position for other purpose"),
    sub("G5", G, "Obstruction of justice"),
    sub("G6", G, "Organisational corruption"),
    sub("H1", H, "Impolite language or tone"),
    sub("H2", H, "Impolite and intolerant actions"),
    sub("H3", H, "Lack of fairness and impartiality"),
    sub("H4", H, "Overbearing or harassing behaviours"),
    sub("H5", H, "Unprofessional attitude and disrespect"),
    sexual(
        "J1",
        J,
        "Sexual assault",
        Some(MandatoryCriterion::SeriousSexualOffence),
    ),
    sexual("J2", J, "Sexual harassment", None),
    sexual("J3", J, "Other sexual conduct", None),
    sub("K1", K, "Discreditable conduct"),
    sub("L1", L, "Other"),
];

/// A subcategory code known to the table (`G2`, `B6`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "G2"))]
pub struct CategoryCode(&'static Subcategory);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not an allegation category code: use a subcategory code such as A1, B6 or G2 (see `probity categories`)"
)]
pub struct UnknownCategory(pub String);

impl CategoryCode {
    pub fn parse(s: &str) -> Result<Self, UnknownCategory> {
        let wanted = s.trim().to_ascii_uppercase();
        SUBCATEGORIES
            .iter()
            .find(|c| c.code == wanted)
            .map(CategoryCode)
            .ok_or_else(|| UnknownCategory(s.to_string()))
    }

    pub fn info(&self) -> &'static Subcategory {
        self.0
    }

    pub fn code(&self) -> &'static str {
        self.0.code
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = UnknownCategory;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CategoryCode::parse(&s)
    }
}

impl From<CategoryCode> for String {
    fn from(c: CategoryCode) -> String {
        c.0.code.to_string()
    }
}

impl fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.code, self.0.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_belong_to_their_letter() {
        let mut seen = std::collections::HashSet::new();
        for s in SUBCATEGORIES {
            assert!(seen.insert(s.code), "duplicate code {}", s.code);
        }
        let first_of = |cat: &str| {
            SUBCATEGORIES
                .iter()
                .filter(|s| s.category == cat)
                .map(|s| &s.code[..1])
                .collect::<std::collections::HashSet<_>>()
        };
        for s in SUBCATEGORIES {
            assert_eq!(
                first_of(s.category).len(),
                1,
                "{} mixes letters",
                s.category
            );
        }
    }

    #[test]
    fn sexual_misconduct_is_exactly_g2_g3_and_j() {
        let codes: Vec<_> = SUBCATEGORIES
            .iter()
            .filter(|s| s.sexual_misconduct)
            .map(|s| s.code)
            .collect();
        assert_eq!(codes, ["G2", "G3", "J1", "J2", "J3"]);
    }

    #[test]
    fn parse_is_case_insensitive_and_refuses_unknown_codes() {
        assert_eq!(CategoryCode::parse("g2").unwrap().code(), "G2");
        assert!(CategoryCode::parse("I1").is_err());
        assert!(CategoryCode::parse("G").is_err());
        let json = serde_json::to_string(&CategoryCode::parse("B6").unwrap()).unwrap();
        assert_eq!(json, "\"B6\"");
        assert!(serde_json::from_str::<CategoryCode>("\"Z9\"").is_err());
    }
}
