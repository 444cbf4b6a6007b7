//! The investigation record: form, terms of reference, decision log, severity and notices,
//! interviews, evidence and custody, accounts, suspension, the report (PCMR 2020 regs 13-22).

use super::{Decision, by, investigation, not_terminal, party, stage, subject, text};
use crate::case::{Case, Status};
use crate::command::Command;
use crate::conduct::{CaseToAnswer, Form, Severity, required_form};
use crate::event::Event;
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

const ACTIVE: &[Status] = &[Status::UnderInvestigation];
const OPEN: &[Status] = &[Status::UnderInvestigation, Status::Suspended];

pub(super) fn decide(case: &Case, command: &Command, ctx: &Context) -> Result<Decision, Refusal> {
    let today = ctx.today();
    if let Command::LogDecision {
        decision,
        rationale,
        acted,
    } = command
    {
        not_terminal(case, "log a decision")?;
        text("decision", decision)?;
        text("rationale", rationale)?;
        return Decision::one(Event::DecisionLogged {
            decision: decision.trim().to_string(),
            rationale: rationale.trim().to_string(),
            acted: *acted,
            on: today,
        });
    }
    if let Command::TransferCustody {
        exhibit,
        from,
        to,
        purpose,
    } = command
    {
        // Custody continues after the report, until the case ends.
        not_terminal(case, "transfer custody of an exhibit")?;
        let inv = investigation(case, "transfer custody")?;
        let Some(x) = inv.exhibits.get(exhibit) else {
            return refuse(Rule::UnknownExhibit, format!("no exhibit {exhibit}"));
        };
        text("to", to)?;
        text("purpose", purpose)?;
        if x.custodian != from.trim() {
            return refuse(
                Rule::CustodyBroken,
                format!("{exhibit} is held by {}, not {from}", x.custodian),
            );
        }
        if from.trim() == to.trim() {
            return refuse(Rule::CustodyBroken, "custody must pass to someone else");
        }
        return Decision::one(Event::CustodyTransferred {
            exhibit: exhibit.clone(),
            from: from.trim().to_string(),
            to: to.trim().to_string(),
            purpose: purpose.trim().to_string(),
            on: today,
        });
    }

    let inv = investigation(case, "record investigation work")?;
    let investigator = [inv.mode.investigating_body()];
    match command {
        Command::ChangeMode { to, reason } => {
            stage(case, OPEN, "change the form of investigation")?;
            by(
                ctx,
                &[Body::OversightBody],
                "change the form of an investigation",
            )?;
            text("reason", reason)?;
            if inv.mode == *to {
                return refuse(Rule::SameMode, format!("it is already {to:?}"));
            }
            Decision::one(Event::InvestigationModeChanged {
                from: inv.mode,
                to: *to,
                reason: reason.trim().to_string(),
                on: today,
            })
        }
        Command::SetTermsOfReference { text: tor } => {
            stage(case, OPEN, "set terms of reference")?;
            by(ctx, &investigator, "set the terms of reference")?;
            text("terms of reference", tor)?;
            Decision::one(Event::TermsOfReferenceSet {
                version: inv.terms_of_reference.len() as u32 + 1,
                text: tor.trim().to_string(),
                on: today,
            })
        }
        Command::AssessSeverity {
            subject: s,
            severity,
            likely_form,
            rationale,
        } => {
            stage(case, OPEN, "assess severity")?;
            // The Director General makes the assessment in directed and independent cases (reg 16).
            let assessor = match inv.mode {
                crate::referral::InvestigationMode::Local => Body::AppropriateAuthority,
                _ => Body::OversightBody,
            };
            by(ctx, &[assessor], "make the severity assessment")?;
            text("rationale", rationale)?;
            let profile = subject(case, *s)?;
            if !case.allegations.values().any(|a| a.subjects.contains(s)) {
                return refuse(
                    Rule::SubjectNotOnAllegation,
                    format!("{s} is named on no allegation"),
                );
            }
            let live = profile.live_final_written_warning(today);
            let cta = match severity {
                Severity::Misconduct => CaseToAnswer::Misconduct,
                Severity::GrossMisconduct => CaseToAnswer::GrossMisconduct,
            };
            let required = required_form(cta, live).expect("a severity is a case to answer");
            let ok = *likely_form == required
                || (*severity == Severity::GrossMisconduct
                    && *likely_form == Form::AcceleratedHearing);
            if !ok {
                return refuse(
                    Rule::SeverityForm,
                    format!(
                        "{severity:?} for {s}{} goes to a {required:?}",
                        if live {
                            " (live final written warning)"
                        } else {
                            ""
                        }
                    ),
                );
            }
            Decision::one(Event::SeverityAssessed {
                subject: *s,
                severity: *severity,
                likely_form: *likely_form,
                live_final_written_warning: live,
                by: ctx.actor.body,
                revision: inv.severity.contains_key(s),
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        Command::ServeNotice { subject: s } => {
            stage(case, OPEN, "serve a written notice")?;
            by(ctx, &investigator, "serve a written notice")?;
            subject(case, *s)?;
            let Some(sev) = inv.severity.get(s) else {
                return refuse(
                    Rule::NoticeNeedsAssessment,
                    format!("{s} has no severity assessment"),
                );
            };
            Decision::one(Event::NoticeServed {
                subject: *s,
                severity: sev.severity,
                likely_form: sev.likely_form,
                on: today,
            })
        }
        Command::RecordInterview {
            party: p,
            under_caution,
            summary,
        } => {
            stage(case, ACTIVE, "record an interview")?;
            by(ctx, &investigator, "interview")?;
            text("summary", summary)?;
            let who = party(case, *p)?;
            let named = case.allegations.values().any(|a| a.subjects.contains(p));
            if who.subject_profile().is_some() && named && !inv.notices.contains_key(p) {
                return refuse(
                    Rule::InterviewBeforeNotice,
                    format!("serve the written notice on {p} first"),
                );
            }
            Decision::one(Event::InterviewRecorded {
                party: *p,
                under_caution: *under_caution,
                summary: summary.trim().to_string(),
                on: today,
            })
        }
        Command::ExhibitEvidence {
            exhibit,
            description,
            sha256,
            custodian,
        } => {
            stage(case, ACTIVE, "record an exhibit")?;
            by(ctx, &investigator, "record an exhibit")?;
            text("exhibit reference", exhibit)?;
            text("description", description)?;
            text("custodian", custodian)?;
            let exhibit = exhibit.trim().to_string();
            if inv.exhibits.contains_key(&exhibit) {
                return refuse(
                    Rule::DuplicateExhibit,
                    format!("{exhibit} is already recorded"),
                );
            }
            let sha256 = match sha256 {
                None => None,
                Some(h) => {
                    let h = h.trim().to_ascii_lowercase();
                    if h.len() != 64 || crate::hex::decode(&h).is_none() {
                        return refuse(Rule::BadDigest, format!("'{h}' is not a SHA-256 digest"));
                    }
                    Some(h)
                }
            };
            Decision::one(Event::EvidenceExhibited {
                exhibit,
                description: description.trim().to_string(),
                sha256,
                custodian: custodian.trim().to_string(),
                on: today,
            })
        }
        Command::TakeWitnessAccount { party: p, summary } => {
            stage(case, ACTIVE, "take an account")?;
            by(ctx, &investigator, "take an account")?;
            party(case, *p)?;
            text("summary", summary)?;
            Decision::one(Event::WitnessAccountTaken {
                party: *p,
                summary: summary.trim().to_string(),
                on: today,
            })
        }
        Command::Suspend { reason } => {
            stage(case, ACTIVE, "suspend the investigation")?;
            by(
                ctx,
                &[inv.mode.investigating_body(), Body::OversightBody],
                "suspend an investigation",
            )?;
            text("reason", reason)?;
            Decision::one(Event::InvestigationSuspended {
                reason: reason.trim().to_string(),
                on: today,
            })
        }
        Command::Resume => {
            stage(case, &[Status::Suspended], "resume the investigation")?;
            by(
                ctx,
                &[inv.mode.investigating_body(), Body::OversightBody],
                "resume an investigation",
            )?;
            Decision::one(Event::InvestigationResumed { on: today })
        }
        Command::SubmitReport { summary } => {
            stage(case, ACTIVE, "submit the report")?;
            by(ctx, &investigator, "submit the investigation report")?;
            text("summary", summary)?;
            if case.allegations.is_empty() {
                return refuse(
                    Rule::ReportNeedsAllegations,
                    "record the allegations investigated",
                );
            }
            Decision::one(Event::ReportSubmitted {
                summary: summary.trim().to_string(),
                on: today,
            })
        }
        _ => unreachable!("dispatched by variant"),
    }
}
