//! Intake, parties, allegations, recording and referral (Sch3 paras 2, 4, 4A, 5, 15).

use super::{Decide, Decision, by, not_after, not_terminal, party, stage, text};
use crate::case::{Case, Status};
use crate::command::{
    AddAllegation, AddParty, ContactComplainant, DecideReferral, ErasePersonalData,
    FinaliseOutsideSchedule3, HandleOtherwiseThanByInvestigation, HandleOutsideSchedule3,
    LogMatter, RecordConductMatter, RecordMatter, Refer, StartHandling, StartLocalInvestigation,
};
use crate::event::{
    AllegationAdded, ComplainantContacted, ConductMatterRecorded, FinalisedOutsideSchedule3,
    HandledOtherwiseThanByInvestigation, HandledOutsideSchedule3, HandlingStarted,
    LocalInvestigationStarted, MatterLogged, MatterRecorded, PartyAdded, PersonalDataErased,
    ReferralDecided, Referred,
};
use crate::ids::{AllegationId, PartyId};
use crate::matter::{AppropriateAuthority, MatterKind};
use crate::party::PartyRole;
use crate::referral::{
    HandlingAssessment, InvestigationMode, RecordingReason, ReferralBasis, ReferralDecision,
    Schedule3Ground,
};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

impl Decide for LogMatter {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if let Some(existing) = case.matter() {
            return Err(Refusal::new(
                Rule::CaseAlreadyOpen,
                format!(
                    "{} was logged on {}",
                    existing.reference, existing.received_on
                ),
            )
            .on("reference"));
        }
        by(
            ctx,
            &[Body::AppropriateAuthority, Body::OversightBody],
            "log a matter",
        )?;
        text("summary", &self.summary)?;
        let today = ctx.today();
        not_after(today, "received_on", self.received_on)?;
        let came = self.came_to_attention_on.unwrap_or(self.received_on);
        not_after(today, "came_to_attention_on", came)?;
        if let Some(incident) = self.incident_on {
            not_after(today, "incident_on", incident)?;
        }
        if let Some(incident) = self.incident_on
            && incident > came.max(self.received_on)
        {
            return Err(Refusal::new(
                Rule::DateOutOfRange,
                format!("the incident on {incident} is after the matter came to attention"),
            )
            .on("incident_on"));
        }
        if self.kind == MatterKind::LearningProgramme {
            by(
                ctx,
                &[Body::OversightBody],
                "open a thematic or national learning programme",
            )?;
        }
        if self.complainant_wants_recording && self.kind != MatterKind::Complaint {
            return Err(Refusal::new(
                Rule::OnlyComplaints,
                "only a complainant can ask for recording",
            )
            .on("complainant_wants_recording"));
        }
        Decision::one(MatterLogged {
            reference: self.reference.clone(),
            kind: self.kind,
            force: self.force,
            appropriate_authority: self.appropriate_authority,
            received_on: self.received_on,
            came_to_attention_on: came,
            incident_on: self.incident_on,
            incident_location: self
                .incident_location
                .clone()
                .filter(|l| !l.trim().is_empty()),
            summary: self.summary.trim().to_string(),
            classification: self.classification,
            complainant_wants_recording: self.complainant_wants_recording,
            death_or_serious_injury: self.death_or_serious_injury
                || self.kind == MatterKind::DsiMatter,
        })
    }
}

impl Decide for AddParty {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let kind = case.matter().map(|m| m.kind);
        not_terminal(case, "add a party")?;
        match &self.role {
            PartyRole::Complainant { .. } | PartyRole::Representative { .. }
                if kind != Some(MatterKind::Complaint) =>
            {
                return refuse(Rule::OnlyComplaints, "only a complaint has a complainant");
            }
            PartyRole::Representative { on_behalf_of }
                if !matches!(
                    party(case, *on_behalf_of)?.role,
                    PartyRole::Complainant { .. }
                ) =>
            {
                return refuse(
                    Rule::UnknownParty,
                    format!("{on_behalf_of} is not a complainant"),
                );
            }
            _ => {}
        }
        if let PartyRole::Subject(profile) = &self.role
            && profile.chief_officer
            && case
                .matter()
                .is_some_and(|m| m.appropriate_authority != AppropriateAuthority::LocalPolicingBody)
        {
            return refuse(
                Rule::ChiefOfficerAuthority,
                "the appropriate authority for a chief officer is the local policing body: log the matter with that authority",
            );
        }
        let personal_data = &self.personal_data;
        if personal_data.data.name.trim().is_empty() {
            return refuse(
                Rule::PersonalDataInvalid,
                "a party needs a name (it is kept apart from the log)",
            );
        }
        if !personal_data.salt_is_valid() {
            return refuse(
                Rule::PersonalDataInvalid,
                "the personal data must be sealed with 16 random bytes",
            );
        }
        if let Some(dob) = personal_data.data.date_of_birth {
            not_after(ctx.today(), "date_of_birth", dob)?;
        }
        let id = PartyId(case.parties.len() as u32 + 1);
        // A subject's profile takes the sanctions their record holds elsewhere.
        let role = match &self.role {
            PartyRole::Subject(profile) => PartyRole::Subject(profile.with_record(&ctx.records)),
            other => other.clone(),
        };
        // Codes only: a word of the person's own for their ethnicity is free text, which a
        // case recorded here keeps in personal data, never in its events.
        if self.characteristics.source_ethnicity.is_some() {
            return Err(Refusal::new(
                Rule::PersonalDataInvalid,
                "characteristics are codes: a self-described ethnicity goes in the personal data",
            )
            .on("characteristics"));
        }
        let mut vulnerabilities = self.vulnerabilities.clone();
        vulnerabilities.sort();
        vulnerabilities.dedup();
        Ok(Decision {
            events: vec![
                PartyAdded {
                    party: id,
                    role,
                    vulnerabilities,
                    personal_data: personal_data.commitment(),
                    on: ctx.on(),
                    characteristics: self.characteristics.clone(),
                }
                .into(),
            ],
            personal_data: vec![(id, personal_data.clone())],
            erase: Vec::new(),
        })
    }
}

impl Decide for ErasePersonalData {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        text("reason", &self.reason)?;
        if party(case, self.party)?.erased {
            return refuse(
                Rule::PersonalDataErased,
                format!("{} was erased before", self.party),
            );
        }
        Ok(Decision {
            events: vec![
                PersonalDataErased {
                    party: self.party,
                    reason: self.reason.trim().to_string(),
                    on: ctx.on(),
                }
                .into(),
            ],
            personal_data: Vec::new(),
            erase: vec![self.party],
        })
    }
}

impl Decide for AddAllegation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case
            .investigation
            .as_ref()
            .is_some_and(|i| i.report_on.is_some())
        {
            return refuse(
                Rule::AllegationsFixed,
                "the report has been submitted; a new matter needs a new case or a re-investigation",
            );
        }
        stage(case, super::stages::ALLEGATIONS, "add an allegation")?;
        text("description", &self.description)?;
        if let Some(m) = self.conduct_matter
            && !case.conduct_matters.contains_key(&m)
        {
            return refuse(
                Rule::ConductMatterUnknown,
                format!("CM{m} has not been recorded on this case"),
            );
        }
        let mut seen = Vec::new();
        for s in &self.subjects {
            super::subject(case, *s)?;
            if seen.contains(s) {
                return refuse(Rule::NotASubject, format!("{s} is named twice"));
            }
            seen.push(*s);
        }
        seen.sort();
        Decision::one(AllegationAdded {
            allegation: AllegationId(case.allegations.len() as u32 + 1),
            subjects: seen,
            category: self.category,
            description: self.description.trim().to_string(),
            conduct_matter: self.conduct_matter,
            on: ctx.on(),
        })
    }
}

/// The grounds on which the complaint must be handled under Schedule 3 (para 2(6A)-(6B)).
pub(crate) fn schedule3_grounds(
    case: &Case,
    assessment: &HandlingAssessment,
) -> Vec<Schedule3Ground> {
    let Some(m) = case.matter() else {
        return Vec::new();
    };
    let mut grounds = Vec::new();
    if m.complainant_wants_recording {
        grounds.push(Schedule3Ground::ComplainantAskedForRecording);
    }
    if m.death_or_serious_injury {
        grounds.push(Schedule3Ground::DeathOrSeriousInjury);
    }
    if assessment.might_justify_proceedings {
        grounds.push(Schedule3Ground::CriminalOrDisciplinaryConduct);
    }
    if assessment.article_2_or_3 {
        grounds.push(Schedule3Ground::Article2Or3);
    }
    if !case.mandatory_referral_criteria_with(assessment).is_empty() {
        grounds.push(Schedule3Ground::MandatoryReferral);
    }
    grounds
}

fn must_refer_first(case: &Case) -> Result<(), Refusal> {
    let criteria = case.mandatory_referral_criteria();
    if case.referral.is_none() && !criteria.is_empty() {
        let named: Vec<_> = criteria
            .iter()
            .map(|c| format!("{} ({})", crate::code_of(c).replace('_', " "), c.basis()))
            .collect();
        return refuse(
            Rule::MandatoryReferral,
            format!("the allegations meet: {}", named.join(", ")),
        );
    }
    Ok(())
}

const AA: &[Body] = &[Body::AppropriateAuthority];

/// PCMR reg 10: a DSI matter involving a chief officer must be investigated, and not locally.
pub(crate) fn no_local_dsi_of_chief_officer(case: &Case) -> Result<(), Refusal> {
    let dsi = case
        .matter()
        .is_some_and(|m| m.kind == MatterKind::DsiMatter);
    if dsi && case.about_chief_officer() {
        return refuse(
            Rule::ChiefOfficerAuthority,
            "a DSI matter involving a chief officer is investigated by or under the direction of the oversight body",
        );
    }
    Ok(())
}

impl Decide for HandleOutsideSchedule3 {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case.matter().map(|m| m.kind) != Some(MatterKind::Complaint) {
            return refuse(
                Rule::OnlyComplaints,
                "conduct and DSI matters are always recorded",
            );
        }
        stage(
            case,
            &[Status::Logged, Status::Assessed],
            "handle the complaint outside Schedule 3",
        )?;
        by(ctx, AA, "decide how a complaint is handled")?;
        text("rationale", &self.rationale)?;
        let grounds = schedule3_grounds(case, &self.assessment);
        if !grounds.is_empty() {
            return refuse(Rule::Schedule3Required, format!("grounds: {grounds:?}"));
        }
        Decision::one(HandledOutsideSchedule3 {
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for FinaliseOutsideSchedule3 {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(
            case,
            &[Status::HandledOutsideSchedule3],
            "finalise handling outside Schedule 3",
        )?;
        by(ctx, AA, "finalise handling outside Schedule 3")?;
        Decision::one(FinalisedOutsideSchedule3 {
            outcome: self.outcome,
            on: ctx.on(),
        })
    }
}

impl Decide for RecordMatter {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(case, super::stages::RECORDING, "record the matter")?;
        by(ctx, super::stages::RECORDERS, "record a matter")?;
        let grounds = schedule3_grounds(case, &self.assessment);
        let m = case.matter().expect("checked open");
        let informal = matches!(
            case.status,
            Status::HandledOutsideSchedule3 | Status::FinalisedOutsideSchedule3
        );
        let reason = if informal {
            RecordingReason::DissatisfiedWithHandlingOutsideSchedule3
        } else if m.complainant_wants_recording {
            RecordingReason::ComplainantWish
        } else if grounds.contains(&Schedule3Ground::MandatoryReferral) {
            RecordingReason::MandatoryCriteria
        } else {
            RecordingReason::AppropriateAuthorityDecision
        };
        Decision::one(MatterRecorded {
            reason,
            grounds,
            assessment: self.assessment,
            on: ctx.on(),
        })
    }
}

impl Decide for Refer {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let referable = super::stages::REFERABLE;
        match self.basis {
            ReferralBasis::Mandatory(_) | ReferralBasis::Voluntary => {
                by(ctx, AA, "refer a matter")?;
                stage(case, referable, "refer the matter")?;
            }
            ReferralBasis::LocalPolicingBody => {
                by(
                    ctx,
                    &[Body::LocalPolicingBody],
                    "make a local policing body referral",
                )?;
                stage(case, referable, "refer the matter")?;
            }
            ReferralBasis::CalledIn | ReferralBasis::TreatedAsReferred => {
                by(
                    ctx,
                    &[Body::OversightBody],
                    "call in a matter or treat it as referred",
                )?;
                stage(
                    case,
                    &[
                        Status::Logged,
                        Status::Assessed,
                        Status::HandledOutsideSchedule3,
                        Status::Recorded,
                        Status::ReturnedToAppropriateAuthority,
                        Status::HandledOtherwise,
                    ],
                    "call in the matter",
                )?;
            }
        }
        if let ReferralBasis::Mandatory(criterion) = self.basis {
            let met = case.mandatory_referral_criteria();
            if !met.contains(&criterion) {
                let met: Vec<_> = met.iter().map(crate::code_of).collect();
                return refuse(
                    Rule::CriterionNotMet,
                    format!(
                        "{} ({}) is not met; the case meets: {}",
                        crate::code_of(&criterion),
                        criterion.basis(),
                        if met.is_empty() {
                            "none".to_string()
                        } else {
                            met.join(", ")
                        }
                    ),
                );
            }
        }
        if case.status == Status::ReturnedToAppropriateAuthority
            && matches!(self.basis, ReferralBasis::Mandatory(_))
        {
            // A returned matter is referred again only when something new makes it mandatory.
            let already = case.referral.map(|(b, _)| b);
            if already == Some(self.basis) {
                return refuse(
                    Rule::WrongStage,
                    "the oversight body has already decided on this referral",
                );
            }
        }
        Decision::one(Referred {
            basis: self.basis,
            on: ctx.on(),
        })
    }
}

impl Decide for DecideReferral {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(case, &[Status::Referred], "decide on a referral")?;
        by(
            ctx,
            &[Body::OversightBody],
            "decide whether and how a referred matter is investigated",
        )?;
        text("rationale", &self.rationale)?;
        if self.decision == ReferralDecision::Investigate(InvestigationMode::Local) {
            no_local_dsi_of_chief_officer(case)?;
        }
        Decision::one(ReferralDecided {
            decision: self.decision,
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for StartLocalInvestigation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        stage(
            case,
            super::stages::REFERABLE,
            "start a local investigation",
        )?;
        by(ctx, AA, "start a local investigation")?;
        if case.status == Status::Recorded {
            must_refer_first(case)?;
        }
        no_local_dsi_of_chief_officer(case)?;
        Decision::one(LocalInvestigationStarted { on: ctx.on() })
    }
}

impl Decide for HandleOtherwiseThanByInvestigation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case.matter().map(|m| m.kind) != Some(MatterKind::Complaint) {
            return refuse(
                Rule::OnlyComplaints,
                "handling otherwise than by investigation is for complaints",
            );
        }
        stage(
            case,
            super::stages::REFERABLE,
            "handle otherwise than by investigation",
        )?;
        by(
            ctx,
            AA,
            "handle a complaint otherwise than by investigation",
        )?;
        text("rationale", &self.rationale)?;
        if case.status == Status::Recorded {
            must_refer_first(case)?;
        }
        Decision::one(HandledOtherwiseThanByInvestigation {
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for StartHandling {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, AA, "start handling")?;
        stage(case, &[Status::Logged], "start handling")?;
        Decision::one(HandlingStarted { on: ctx.on() })
    }
}

impl Decide for ContactComplainant {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(
            ctx,
            &[Body::AppropriateAuthority, Body::LocalPolicingBody],
            "contact the complainant",
        )?;
        not_terminal(case, "contact the complainant")?;
        if !super::is_complainant(case, self.party) {
            party(case, self.party)?;
            return refuse(
                Rule::NotAComplainant,
                format!(
                    "{} is not the complainant or their representative",
                    self.party
                ),
            );
        }
        let on = ctx.on();
        let mut events = Vec::new();
        // Contacting the complainant and seeking their views is the start of handling.
        if self.views_sought && case.handling_started_on.is_none() && case.status == Status::Logged
        {
            events.push(HandlingStarted { on }.into());
        }
        events.push(
            ComplainantContacted {
                party: self.party,
                views_sought: self.views_sought,
                on,
            }
            .into(),
        );
        Ok(Decision {
            events,
            ..Decision::default()
        })
    }
}

impl Decide for RecordConductMatter {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        if case.matter().map(|m| m.kind) != Some(MatterKind::Complaint) {
            return refuse(
                Rule::OnlyComplaints,
                "a conduct matter found during an investigation is recorded beside a complaint; a matter of its own is logged as one",
            );
        }
        stage(
            case,
            &[Status::UnderInvestigation, Status::Suspended],
            "record a conduct matter found during the investigation",
        )?;
        by(
            ctx,
            &[Body::AppropriateAuthority, Body::OversightBody],
            "record a conduct matter",
        )?;
        text("summary", &self.summary)?;
        Decision::one(ConductMatterRecorded {
            matter: case.conduct_matters.len() as u32 + 1,
            summary: self.summary.trim().to_string(),
            on: ctx.on(),
        })
    }
}
