//! What kind of matter a case is, and the small vocabularies around it.

use serde::{Deserialize, Serialize};

/// The four kinds of matter under Part 2 of the Police Reform Act 2002.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MatterKind {
    Complaint,
    RecordableConductMatter,
    /// An internal conduct matter, under the Conduct Regulations alone.
    ConductMatter,
    /// Death or serious injury matter (Sch3 Part 2A).
    DsiMatter,
    /// Learning not tied to one case: a thematic or national programme of the oversight body,
    /// which holds its recommendations (Sch3 para 28A; shared/domain.md §8).
    LearningProgramme,
}

impl MatterKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Complaint => "complaint",
            Self::RecordableConductMatter => "recordable conduct matter",
            Self::ConductMatter => "conduct matter",
            Self::DsiMatter => "DSI matter",
            Self::LearningProgramme => "thematic or national learning",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Complaint => "complaint",
            Self::RecordableConductMatter => "recordable_conduct_matter",
            Self::ConductMatter => "conduct_matter",
            Self::DsiMatter => "dsi_matter",
            Self::LearningProgramme => "learning_programme",
        }
    }
}

/// The outcome decided for a complaint handled otherwise than by investigation: whether the
/// service provided was acceptable (Statutory Guidance 2020 ch.3; shared/domain.md §3.2, §14.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HandlingOutcome {
    ServiceAcceptable,
    ServiceNotAcceptable,
    /// No further action (the set of outcome codes is UNVERIFIED, shared/domain.md §14.2).
    NoFurtherAction,
}

/// Proceedings besides misconduct and criminal ones that hold publication back until they end
/// (shared/domain.md §12: "all associated proceedings").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AssociatedKind {
    Inquest,
    CivilClaim,
    Other,
}

/// Who a timeliness report goes to (PCMR 2020 reg 13; PCR 2020 reg 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimelinessRecipient {
    LocalPolicingBody,
    OversightBody,
    ChiefOfficer,
}

/// The chief officer, or the local policing body where the chief officer's own conduct is in issue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppropriateAuthority {
    #[default]
    ChiefOfficer,
    LocalPolicingBody,
}

/// Government Security Classifications: case files are OFFICIAL or OFFICIAL-SENSITIVE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Classification {
    Official,
    #[default]
    OfficialSensitive,
}

/// Why a case is restricted to its named team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RestrictionReason {
    /// The subject works in professional standards or oversight.
    SubjectInProfessionalStandards,
    InformantInvolvement,
    SexualMisconduct,
    VulnerablePerson,
    Other,
}

/// The outcome of handling outside Schedule 3 or otherwise than by investigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OutsideOutcome {
    ServiceAcceptable,
    ServiceNotAcceptable,
    ResolvedToComplainantsSatisfaction,
}

/// What a letter to a complainant or interested person was about (PCMR 2020 regs 33-34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UpdateKind {
    Progress,
    Outcome,
    ReviewRights,
    CriminalProceedings,
}

/// A recipient's answer to a learning recommendation (Sch3 para 28B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Acceptance {
    Accepted,
    PartiallyAccepted,
    NotAccepted,
}
