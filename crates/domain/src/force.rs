//! The police forces of England and Wales under the 2020 complaints regime: the 43 territorial
//! forces and British Transport Police (on the regime from 4 January 2021).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForceInfo {
    pub code: &'static str,
    pub name: &'static str,
}

const fn f(code: &'static str, name: &'static str) -> ForceInfo {
    ForceInfo { code, name }
}

pub static FORCES: &[ForceInfo] = &[
    f("avon-somerset", "Avon and Somerset Constabulary"),
    f("bedfordshire", "Bedfordshire Police"),
    f("btp", "British Transport Police"),
    f("cambridgeshire", "Cambridgeshire Constabulary"),
    f("cheshire", "Cheshire Constabulary"),
    f("city-of-london", "City of London Police"),
    f("cleveland", "Cleveland Police"),
    f("cumbria", "Cumbria Constabulary"),
    f("derbyshire", "Derbyshire Constabulary"),
    f("devon-cornwall", "Devon and Cornwall Police"),
    f("dorset", "Dorset Police"),
    f("durham", "Durham Constabulary"),
    f("dyfed-powys", "Dyfed-Powys Police"),
    f("essex", "Essex Police"),
    f("gloucestershire", "Gloucestershire Constabulary"),
    f("greater-manchester", "Greater Manchester Police"),
    f("gwent", "Gwent Police"),
    f("hampshire", "Hampshire and Isle of Wight Constabulary"),
    f("hertfordshire", "Hertfordshire Constabulary"),
    f("humberside", "Humberside Police"),
    f("kent", "Kent Police"),
    f("lancashire", "Lancashire Constabulary"),
    f("leicestershire", "Leicestershire Police"),
    f("lincolnshire", "Lincolnshire Police"),
    f("merseyside", "Merseyside Police"),
    f("metropolitan", "Metropolitan Police Service"),
    f("norfolk", "Norfolk Constabulary"),
    f("north-wales", "North Wales Police"),
    f("north-yorkshire", "North Yorkshire Police"),
    f("northamptonshire", "Northamptonshire Police"),
    f("northumbria", "Northumbria Police"),
    f("nottinghamshire", "Nottinghamshire Police"),
    f("south-wales", "South Wales Police"),
    f("south-yorkshire", "South Yorkshire Police"),
    f("staffordshire", "Staffordshire Police"),
    f("suffolk", "Suffolk Constabulary"),
    f("surrey", "Surrey Police"),
    f("sussex", "Sussex Police"),
    f("thames-valley", "Thames Valley Police"),
    f("warwickshire", "Warwickshire Police"),
    f("west-mercia", "West Mercia Police"),
    f("west-midlands", "West Midlands Police"),
    f("west-yorkshire", "West Yorkshire Police"),
    f("wiltshire", "Wiltshire Police"),
];

/// A force known to the table, by its short code (`gloucestershire`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "gloucestershire"))]
pub struct Force(&'static ForceInfo);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a force: use a force code such as 'gloucestershire' or 'metropolitan' (see `probity forces`)"
)]
pub struct UnknownForce(pub String);

impl Force {
    /// Accepts the code or the full name, ignoring case.
    pub fn parse(s: &str) -> Result<Self, UnknownForce> {
        let wanted = s.trim();
        FORCES
            .iter()
            .find(|f| f.code.eq_ignore_ascii_case(wanted) || f.name.eq_ignore_ascii_case(wanted))
            .map(Force)
            .ok_or_else(|| UnknownForce(s.to_string()))
    }

    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn all() -> impl Iterator<Item = Force> {
        FORCES.iter().map(Force)
    }
}

impl TryFrom<String> for Force {
    type Error = UnknownForce;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Force::parse(&s)
    }
}

impl From<Force> for String {
    fn from(f: Force) -> String {
        f.0.code.to_string()
    }
}

impl fmt::Display for Force {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_three_territorial_forces_and_btp() {
        assert_eq!(FORCES.len(), 44);
        let mut codes: Vec<_> = FORCES.iter().map(|f| f.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), 44, "codes are sorted and unique");
    }

    #[test]
    fn parses_code_or_name() {
        assert_eq!(
            Force::parse("Gloucestershire").unwrap().code(),
            "gloucestershire"
        );
        assert_eq!(
            Force::parse("gloucestershire constabulary").unwrap().name(),
            "Gloucestershire Constabulary"
        );
        assert!(Force::parse("Atlantis Police").is_err());
    }
}
