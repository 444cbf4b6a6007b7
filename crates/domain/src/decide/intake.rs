//! Intake, parties, allegations, recording and referral (Sch3 paras 2, 4, 4A, 5, 15).

use super::{Decision, by, not_after, not_terminal, party, stage, text};
use crate::case::{Case, Status};
use crate::command::Command;
use crate::event::Event;
use crate::ids::{AllegationId, PartyId};
use crate::matter::MatterKind;
use crate::party::Role;
use crate::referral::{HandlingAssessment, RecordingReason, ReferralBasis, Schedule3Ground};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

pub(super) fn log_matter(
    case: &Case,
    command: &Command,
    ctx: &Context,
) -> Result<Decision, Refusal> {
    let Command::LogMatter {
        reference,
        kind,
        force,
        appropriate_authority,
        received_on,
        came_to_attention_on,
        incident_on,
        incident_location,
        summary,
        classification,
        complainant_wants_recording,
        death_or_serious_injury,
    } = command
    else {
        unreachable!("dispatched by variant")
    };
    if let Some(existing) = case.matter() {
        return refuse(
            Rule::CaseAlreadyOpen,
            format!(
                "{} was logged on {}",
                existing.reference, existing.received_on
            ),
        );
    }
    by(
        ctx,
        &[Body::AppropriateAuthority, Body::OversightBody],
        "log a matter",
    )?;
    text("summary", summary)?;
    let today = ctx.today();
    not_after(today, "received_on", *received_on)?;
    let came = came_to_attention_on.unwrap_or(*received_on);
    not_after(today, "came_to_attention_on", came)?;
    if let Some(incident) = incident_on
        && *incident > came.max(*received_on)
    {
        return refuse(
            Rule::DateOutOfRange,
            format!("the incident on {incident} is after the matter came to attention"),
        );
    }
    if *complainant_wants_recording && *kind != MatterKind::Complaint {
        return refuse(
            Rule::OnlyComplaints,
            "only a complainant can ask for recording",
        );
    }
    Decision::one(Event::MatterLogged {
        reference: reference.clone(),
        kind: *kind,
        force: *force,
        appropriate_authority: *appropriate_authority,
        received_on: *received_on,
        came_to_attention_on: came,
        incident_on: *incident_on,
        incident_location: incident_location.clone().filter(|l| !l.trim().is_empty()),
        summary: summary.trim().to_string(),
        classification: *classification,
        complainant_wants_recording: *complainant_wants_recording,
        death_or_serious_injury: *death_or_serious_injury || *kind == MatterKind::DsiMatter,
    })
}

pub(super) fn parties_and_allegations(
    case: &Case,
    command: &Command,
    ctx: &Context,
) -> Result<Decision, Refusal> {
    let kind = case.matter().map(|m| m.kind);
    match command {
        Command::AddParty {
            role,
            vulnerabilities,
            personal_data,
        } => {
            not_terminal(case, "add a party")?;
            match role {
                Role::Complainant { .. } | Role::Representative { .. }
                    if kind != Some(MatterKind::Complaint) =>
                {
                    return refuse(Rule::OnlyComplaints, "only a complaint has a complainant");
                }
                Role::Representative { on_behalf_of }
                    if !matches!(party(case, *on_behalf_of)?.role, Role::Complainant { .. }) =>
                {
                    return refuse(
                        Rule::UnknownParty,
                        format!("{on_behalf_of} is not a complainant"),
                    );
                }
                _ => {}
            }
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
            let mut vulnerabilities = vulnerabilities.clone();
            vulnerabilities.sort();
            vulnerabilities.dedup();
            Ok(Decision {
                events: vec![Event::PartyAdded {
                    party: id,
                    role: role.clone(),
                    vulnerabilities,
                    personal_data: personal_data.commitment(),
                }],
                personal_data: vec![(id, personal_data.clone())],
                erase: Vec::new(),
            })
        }
        Command::ErasePersonalData { party: id, reason } => {
            text("reason", reason)?;
            if party(case, *id)?.erased {
                return refuse(Rule::PersonalDataErased, format!("{id} was erased before"));
            }
            Ok(Decision {
                events: vec![Event::PersonalDataErased {
                    party: *id,
                    reason: reason.trim().to_string(),
                }],
                personal_data: Vec::new(),
                erase: vec![*id],
            })
        }
        Command::AddAllegation {
            subjects,
            category,
            description,
        } => {
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
            stage(
                case,
                &[
                    Status::Logged,
                    Status::HandledOutsideSchedule3,
                    Status::Recorded,
                    Status::Referred,
                    Status::ReturnedToAppropriateAuthority,
                    Status::UnderInvestigation,
                    Status::Suspended,
                    Status::HandledOtherwise,
                ],
                "add an allegation",
            )?;
            text("description", description)?;
            let mut seen = Vec::new();
            for s in subjects {
                super::subject(case, *s)?;
                if seen.contains(s) {
                    return refuse(Rule::NotASubject, format!("{s} is named twice"));
                }
                seen.push(*s);
            }
            seen.sort();
            Decision::one(Event::AllegationAdded {
                allegation: AllegationId(case.allegations.len() as u32 + 1),
                subjects: seen,
                category: *category,
                description: description.trim().to_string(),
            })
        }
        _ => unreachable!("dispatched by variant"),
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
    if !case.mandatory_referral_criteria().is_empty() {
        grounds.push(Schedule3Ground::MandatoryReferral);
    }
    grounds
}

fn must_refer_first(case: &Case) -> Result<(), Refusal> {
    let criteria = case.mandatory_referral_criteria();
    if case.referral.is_none() && !criteria.is_empty() {
        let named: Vec<_> = criteria
            .iter()
            .map(|c| format!("{c:?} ({})", c.basis()))
            .collect();
        return refuse(
            Rule::MandatoryReferral,
            format!("the allegations meet: {}", named.join(", ")),
        );
    }
    Ok(())
}

pub(super) fn handling(case: &Case, command: &Command, ctx: &Context) -> Result<Decision, Refusal> {
    let today = ctx.today();
    let kind = case.matter().map(|m| m.kind);
    let aa = [Body::AppropriateAuthority];
    match command {
        Command::HandleOutsideSchedule3 {
            assessment,
            rationale,
        } => {
            if kind != Some(MatterKind::Complaint) {
                return refuse(
                    Rule::OnlyComplaints,
                    "conduct and DSI matters are always recorded",
                );
            }
            stage(
                case,
                &[Status::Logged],
                "handle the complaint outside Schedule 3",
            )?;
            by(ctx, &aa, "decide how a complaint is handled")?;
            text("rationale", rationale)?;
            let grounds = schedule3_grounds(case, assessment);
            if !grounds.is_empty() {
                return refuse(Rule::Schedule3Required, format!("grounds: {grounds:?}"));
            }
            Decision::one(Event::HandledOutsideSchedule3 {
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        Command::FinaliseOutsideSchedule3 { outcome } => {
            stage(
                case,
                &[Status::HandledOutsideSchedule3],
                "finalise handling outside Schedule 3",
            )?;
            by(ctx, &aa, "finalise handling outside Schedule 3")?;
            Decision::one(Event::FinalisedOutsideSchedule3 {
                outcome: *outcome,
                on: today,
            })
        }
        Command::RecordMatter { assessment } => {
            stage(
                case,
                &[Status::Logged, Status::HandledOutsideSchedule3],
                "record the matter",
            )?;
            by(
                ctx,
                &[Body::AppropriateAuthority, Body::LocalPolicingBody],
                "record a matter",
            )?;
            let grounds = schedule3_grounds(case, assessment);
            let m = case.matter().expect("checked open");
            let reason = if case.status == Status::HandledOutsideSchedule3 {
                RecordingReason::DissatisfiedWithHandlingOutsideSchedule3
            } else if m.complainant_wants_recording {
                RecordingReason::ComplainantWish
            } else if grounds.contains(&Schedule3Ground::MandatoryReferral) {
                RecordingReason::MandatoryCriteria
            } else {
                RecordingReason::AppropriateAuthorityDecision
            };
            Decision::one(Event::MatterRecorded {
                reason,
                grounds,
                on: today,
            })
        }
        Command::Refer { basis } => {
            match basis {
                ReferralBasis::Mandatory(_) | ReferralBasis::Voluntary => {
                    by(ctx, &aa, "refer a matter")?;
                    stage(
                        case,
                        &[Status::Recorded, Status::ReturnedToAppropriateAuthority],
                        "refer the matter",
                    )?;
                }
                ReferralBasis::LocalPolicingBody => {
                    by(
                        ctx,
                        &[Body::LocalPolicingBody],
                        "make a local policing body referral",
                    )?;
                    stage(
                        case,
                        &[Status::Recorded, Status::ReturnedToAppropriateAuthority],
                        "refer the matter",
                    )?;
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
                            Status::HandledOutsideSchedule3,
                            Status::Recorded,
                            Status::ReturnedToAppropriateAuthority,
                            Status::HandledOtherwise,
                        ],
                        "call in the matter",
                    )?;
                }
            }
            if case.status == Status::ReturnedToAppropriateAuthority
                && matches!(basis, ReferralBasis::Mandatory(_))
            {
                // A returned matter is referred again only when something new makes it mandatory.
                let already = case.referral.map(|(b, _)| b);
                if already == Some(*basis) {
                    return refuse(
                        Rule::WrongStage,
                        "the oversight body has already decided on this referral",
                    );
                }
            }
            Decision::one(Event::Referred {
                basis: *basis,
                on: today,
            })
        }
        Command::DecideReferral {
            decision,
            rationale,
        } => {
            stage(case, &[Status::Referred], "decide on a referral")?;
            by(
                ctx,
                &[Body::OversightBody],
                "decide whether and how a referred matter is investigated",
            )?;
            text("rationale", rationale)?;
            Decision::one(Event::ReferralDecided {
                decision: *decision,
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        Command::StartLocalInvestigation => {
            stage(
                case,
                &[Status::Recorded, Status::ReturnedToAppropriateAuthority],
                "start a local investigation",
            )?;
            by(ctx, &aa, "start a local investigation")?;
            if case.status == Status::Recorded {
                must_refer_first(case)?;
            }
            Decision::one(Event::LocalInvestigationStarted { on: today })
        }
        Command::HandleOtherwiseThanByInvestigation { rationale } => {
            if kind != Some(MatterKind::Complaint) {
                return refuse(
                    Rule::OnlyComplaints,
                    "handling otherwise than by investigation is for complaints",
                );
            }
            stage(
                case,
                &[Status::Recorded, Status::ReturnedToAppropriateAuthority],
                "handle otherwise than by investigation",
            )?;
            by(
                ctx,
                &aa,
                "handle a complaint otherwise than by investigation",
            )?;
            text("rationale", rationale)?;
            if case.status == Status::Recorded {
                must_refer_first(case)?;
            }
            Decision::one(Event::HandledOtherwiseThanByInvestigation {
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        _ => unreachable!("dispatched by variant"),
    }
}
