//! Recording, handling and referral to the oversight body (Sch3 paras 2, 4, 4A, 5, 15).

use serde::{Deserialize, Serialize};

/// The descriptions of complaint that must be referred (Sch3 para 4(1); PCMR reg 4(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MandatoryCriterion {
    DeathOrSeriousInjury,
    SeriousAssault,
    SeriousSexualOffence,
    /// Includes abuse of position for a sexual purpose or an improper emotional relationship.
    SeriousCorruption,
    DiscriminationAggravated,
    RelevantOffence,
    /// Arises from the same incident as a matter meeting another criterion.
    SameIncident,
    ChiefOfficer,
}

impl MandatoryCriterion {
    pub fn basis(self) -> &'static str {
        match self {
            Self::DeathOrSeriousInjury => "Sch3 para 4(1)(a)",
            Self::SeriousAssault => "PCMR 2020 reg 4(1)(a)(i)",
            Self::SeriousSexualOffence => "PCMR 2020 reg 4(1)(a)(ii)",
            Self::SeriousCorruption => "PCMR 2020 reg 4(1)(a)(iii)",
            Self::DiscriminationAggravated => "PCMR 2020 reg 4(1)(a)(iv)",
            Self::RelevantOffence => "PCMR 2020 reg 4(1)(a)(v)",
            Self::SameIncident => "PCMR 2020 reg 4(1)(b)",
            Self::ChiefOfficer => "PCMR 2020 reg 4(1)(c)",
        }
    }
}

/// How a matter reached the oversight body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "basis",
    content = "criterion",
    deny_unknown_fields
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReferralBasis {
    Mandatory(MandatoryCriterion),
    /// The appropriate authority chose to refer for gravity or exceptional circumstances (para 4(2)).
    Voluntary,
    /// The local policing body referred it (para 4(3)).
    LocalPolicingBody,
    /// The Director General required it to be referred (para 4(1)(c)).
    CalledIn,
    /// The Director General treated it as referred (para 4A).
    TreatedAsReferred,
}

/// The form of an investigation (Sch3 para 15(4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvestigationMode {
    /// The appropriate authority on its own behalf.
    Local,
    /// The appropriate authority under the direction of the Director General.
    Directed,
    /// By the Director General.
    Independent,
}

impl InvestigationMode {
    /// Which body runs the investigation, and so keeps its records.
    pub fn investigating_body(self) -> crate::Body {
        match self {
            Self::Local | Self::Directed => crate::Body::AppropriateAuthority,
            Self::Independent => crate::Body::OversightBody,
        }
    }

    /// Which body makes the case-to-answer determinations (Sch3 paras 23, 24).
    pub fn determining_body(self) -> crate::Body {
        match self {
            Self::Local => crate::Body::AppropriateAuthority,
            Self::Directed | Self::Independent => crate::Body::OversightBody,
        }
    }
}

/// The oversight body's decision on a referral (Sch3 paras 5, 14, 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "decision",
    content = "mode",
    deny_unknown_fields
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReferralDecision {
    Investigate(InvestigationMode),
    /// Investigation is not necessary; the appropriate authority handles it as it determines.
    ReturnToAppropriateAuthority,
}

/// Why a complaint or matter was recorded (Sch3 para 2(6A), para 4A, para 11, para 14A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordingReason {
    ComplainantWish,
    MandatoryCriteria,
    AppropriateAuthorityDecision,
    DissatisfiedWithHandlingOutsideSchedule3,
    TreatedAsReferred,
}

/// The grounds on which a complaint must be handled under Schedule 3 (para 2(6B)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule3Ground {
    ComplainantAskedForRecording,
    DeathOrSeriousInjury,
    CriminalOrDisciplinaryConduct,
    Article2Or3,
    MandatoryReferral,
}

/// What the assessor found when deciding how to handle the matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlingAssessment {
    /// The conduct alleged, if proved, might be a criminal offence or justify disciplinary proceedings.
    #[serde(default)]
    pub might_justify_proceedings: bool,
    /// The matter might involve an infringement of Article 2 or 3 ECHR.
    #[serde(default)]
    pub article_2_or_3: bool,
    /// The conduct alleged would be a serious assault (PCMR reg 4(1)(a)(i), as the Director
    /// General's guidance determines).
    #[serde(default)]
    pub serious_assault: bool,
    /// The conduct alleged would be a relevant offence: one with a sentence fixed by law, or for
    /// which an adult without previous convictions could be sentenced to seven years (reg 4(1)(a)(v)).
    #[serde(default)]
    pub relevant_offence: bool,
    /// The matter arises from the same incident as one that meets a mandatory referral criterion
    /// or involves a death or serious injury (reg 4(1)(b)); the other matter is named in the
    /// decision log.
    #[serde(default)]
    pub same_incident: bool,
}
