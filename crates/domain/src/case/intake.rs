//! What the intake events do: the matter, its parties and allegations, Schedule 3 handling,
//! recording and referral.

use super::{Allegation, Case, Party, Status, words};
use crate::event::{
    AllegationAdded, ComplainantContacted, ConductMatterRecorded, Fact, FinalisedOutsideSchedule3,
    HandledOtherwiseThanByInvestigation, HandledOutsideSchedule3, HandlingStarted,
    LocalInvestigationStarted, MatterLogged, MatterRecorded, PartyAdded, PersonalDataErased,
    ReferralDecided, Referred,
};
use crate::ids::PartyId;
use crate::referral::{InvestigationMode, RecordingReason, ReferralBasis, ReferralDecision};

impl Fact for MatterLogged {
    fn apply(&self, case: &mut Case) {
        case.matter = Some(self.clone());
        case.status = Status::Logged;
    }

    fn describe(&self) -> String {
        format!("{} {} logged", self.kind.label(), self.reference)
    }
}

impl Fact for PartyAdded {
    fn apply(&self, case: &mut Case) {
        case.parties.insert(
            self.party,
            Party {
                id: self.party,
                role: self.role.clone(),
                vulnerabilities: self.vulnerabilities.clone(),
                personal_data: self.personal_data.clone(),
                erased: false,
                characteristics: self.characteristics.clone(),
            },
        );
    }

    fn describe(&self) -> String {
        format!("{} added as {}", self.party, self.role.label())
    }
}

impl Fact for PersonalDataErased {
    fn apply(&self, case: &mut Case) {
        if let Some(p) = case.parties.get_mut(&self.party) {
            p.erased = true;
        }
    }

    fn describe(&self) -> String {
        format!("personal data of {} erased", self.party)
    }
}

impl Fact for AllegationAdded {
    fn apply(&self, case: &mut Case) {
        case.allegations.insert(
            self.allegation,
            Allegation {
                id: self.allegation,
                subjects: self.subjects.clone(),
                category: self.category,
                description: self.description.clone(),
                conduct_matter: self.conduct_matter,
                added_on: self.on,
            },
        );
    }

    fn describe(&self) -> String {
        format!(
            "{} added ({}) against {}",
            self.allegation,
            self.category,
            list(&self.subjects)
        )
    }
}

impl Fact for HandledOutsideSchedule3 {
    fn apply(&self, case: &mut Case) {
        case.outside_schedule3_on = Some(self.on);
        case.status = Status::HandledOutsideSchedule3;
    }

    fn describe(&self) -> String {
        "to be handled outside Schedule 3".into()
    }
}

impl Fact for FinalisedOutsideSchedule3 {
    fn apply(&self, case: &mut Case) {
        case.status = Status::FinalisedOutsideSchedule3;
    }

    fn describe(&self) -> String {
        format!("finalised outside Schedule 3: {}", words(&self.outcome))
    }
}

impl Fact for MatterRecorded {
    fn apply(&self, case: &mut Case) {
        case.recorded = Some((self.reason, self.on));
        case.assessment = self.assessment;
        case.recording_grounds = self.grounds.clone();
        case.status = Status::Recorded;
    }

    fn describe(&self) -> String {
        format!("recorded under Schedule 3 ({})", words(&self.reason))
    }
}

impl Fact for Referred {
    fn apply(&self, case: &mut Case) {
        case.referral = Some((self.basis, self.on));
        if case.recorded.is_none() {
            case.recorded = Some((RecordingReason::TreatedAsReferred, self.on));
        }
        case.status = Status::Referred;
    }

    fn describe(&self) -> String {
        let basis = match &self.basis {
            ReferralBasis::Mandatory(c) => format!("mandatory: {}", words(c)),
            ReferralBasis::Voluntary => "voluntary".into(),
            ReferralBasis::LocalPolicingBody => "by the local policing body".into(),
            ReferralBasis::CalledIn => "called in".into(),
            ReferralBasis::TreatedAsReferred => "treated as referred".into(),
        };
        format!("referred to the oversight body ({basis})")
    }
}

impl Fact for ReferralDecided {
    fn apply(&self, case: &mut Case) {
        case.referral_decided_on = Some(self.on);
        match self.decision {
            ReferralDecision::Investigate(mode) => case.start_investigation(mode, self.on, false),
            ReferralDecision::ReturnToAppropriateAuthority => {
                case.status = Status::ReturnedToAppropriateAuthority;
            }
        }
    }

    fn describe(&self) -> String {
        match self.decision {
            ReferralDecision::Investigate(mode) => {
                format!("referral decided: {} investigation", words(&mode))
            }
            ReferralDecision::ReturnToAppropriateAuthority => {
                "referral decided: returned to the appropriate authority".into()
            }
        }
    }
}

impl Fact for LocalInvestigationStarted {
    fn apply(&self, case: &mut Case) {
        case.start_investigation(InvestigationMode::Local, self.on, false);
    }

    fn describe(&self) -> String {
        "local investigation started".into()
    }
}

impl Fact for HandledOtherwiseThanByInvestigation {
    fn apply(&self, case: &mut Case) {
        case.handled_otherwise_on = Some(self.on);
        case.status = Status::HandledOtherwise;
    }

    fn describe(&self) -> String {
        "to be handled otherwise than by investigation".into()
    }
}

fn list(ids: &[PartyId]) -> String {
    if ids.is_empty() {
        return "unidentified subjects".into();
    }
    ids.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Fact for HandlingStarted {
    fn apply(&self, case: &mut Case) {
        case.handling_started_on.get_or_insert(self.on);
        if case.status == Status::Logged {
            case.status = Status::Assessed;
        }
    }

    fn describe(&self) -> String {
        "handling started".into()
    }
}

impl Fact for ComplainantContacted {
    fn apply(&self, case: &mut Case) {
        case.contacts.push((self.party, self.views_sought, self.on));
    }

    fn describe(&self) -> String {
        if self.views_sought {
            format!(
                "{} contacted and their views on handling sought",
                self.party
            )
        } else {
            format!("{} contacted", self.party)
        }
    }
}

impl Fact for ConductMatterRecorded {
    fn apply(&self, case: &mut Case) {
        case.conduct_matters.insert(
            self.matter,
            super::ConductMatter {
                summary: self.summary.clone(),
                came_to_attention_on: self.on,
            },
        );
    }

    fn describe(&self) -> String {
        format!(
            "conduct matter CM{} recorded, found during the investigation",
            self.matter
        )
    }
}
