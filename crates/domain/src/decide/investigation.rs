//! The investigation record: form, terms of reference, decision log, severity and notices,
//! interviews, evidence and custody, accounts, suspension, the report (PCMR 2020 regs 13-22).

use super::{Decide, Decision, by, investigation, not_terminal, party, stage, subject, text};
use crate::case::{Case, Investigation, Status};
use crate::command::{
    AssessSeverity, ChangeMode, ExhibitEvidence, LiftOfficerSuspension, LogDecision,
    RecordInterview, Resume, SendTimelinessReport, ServeNotice, SetTermsOfReference, SubmitReport,
    Suspend, SuspendOfficer, TakeWitnessAccount, TransferCustody,
};
use crate::conduct::{CaseToAnswer, Form, Severity, required_form};
use crate::event::{
    CustodyTransferred, DecisionLogged, EvidenceExhibited, InterviewRecorded,
    InvestigationModeChanged, InvestigationResumed, InvestigationSuspended, NoticeServed,
    OfficerSuspended, OfficerSuspensionLifted, ReportSubmitted, SeverityAssessed,
    TermsOfReferenceSet, TimelinessReportSent, WitnessAccountTaken,
};
use crate::referral::InvestigationMode;
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

use super::stages::INVESTIGATION_ACTIVE as ACTIVE;
use super::stages::INVESTIGATION_OPEN as OPEN;

/// The investigation whose record is being kept.
fn current(case: &Case) -> Result<&Investigation, Refusal> {
    investigation(case, "record investigation work")
}

/// A step of the investigation's own record: there is an investigation, the case is at one of
/// `at`, and the body running the investigation takes the step.
fn investigators<'a>(
    case: &'a Case,
    ctx: &Context,
    at: &[Status],
    step: &str,
) -> Result<&'a Investigation, Refusal> {
    let inv = current(case)?;
    stage(case, at, step)?;
    by(ctx, &[inv.mode.investigating_body()], step)?;
    Ok(inv)
}

impl Decide for LogDecision {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        not_terminal(case, "log a decision")?;
        text("decision", &self.decision)?;
        text("rationale", &self.rationale)?;
        Decision::one(DecisionLogged {
            decision: self.decision.trim().to_string(),
            rationale: self.rationale.trim().to_string(),
            acted: self.acted,
            on: ctx.on(),
        })
    }
}

impl Decide for TransferCustody {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        // Custody continues after the report, until the case ends.
        not_terminal(case, "transfer custody of an exhibit")?;
        let inv = investigation(case, "transfer custody")?;
        let exhibit = &self.exhibit;
        let Some(x) = inv.exhibits.get(exhibit) else {
            return refuse(Rule::UnknownExhibit, format!("no exhibit {exhibit}"));
        };
        text("to", &self.to)?;
        text("purpose", &self.purpose)?;
        if x.custodian != self.from.trim() {
            return refuse(
                Rule::CustodyBroken,
                format!("{exhibit} is held by {}, not {}", x.custodian, self.from),
            );
        }
        if self.from.trim() == self.to.trim() {
            return refuse(Rule::CustodyBroken, "custody must pass to someone else");
        }
        Decision::one(CustodyTransferred {
            exhibit: exhibit.clone(),
            from: self.from.trim().to_string(),
            to: self.to.trim().to_string(),
            purpose: self.purpose.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for ChangeMode {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = current(case)?;
        stage(case, OPEN, "change the form of investigation")?;
        by(
            ctx,
            &[Body::OversightBody],
            "change the form of an investigation",
        )?;
        text("reason", &self.reason)?;
        if inv.mode == self.to {
            return refuse(
                Rule::SameMode,
                format!("it is already {}", crate::spoken(&self.to)),
            );
        }
        if self.to == crate::referral::InvestigationMode::Local {
            super::intake::no_local_dsi_of_chief_officer(case)?;
        }
        Decision::one(InvestigationModeChanged {
            from: inv.mode,
            to: self.to,
            reason: self.reason.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for SetTermsOfReference {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigators(case, ctx, OPEN, "set the terms of reference")?;
        text("terms of reference", &self.text)?;
        Decision::one(TermsOfReferenceSet {
            version: inv.terms_of_reference.len() as u32 + 1,
            text: self.text.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for AssessSeverity {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = current(case)?;
        let on = ctx.on();
        let s = &self.subject;
        stage(case, OPEN, "assess severity")?;
        // The Director General makes the assessment in directed and independent cases (reg 16).
        let assessor = match inv.mode {
            InvestigationMode::Local => Body::AppropriateAuthority,
            _ => Body::OversightBody,
        };
        by(ctx, &[assessor], "make the severity assessment")?;
        text("rationale", &self.rationale)?;
        let profile = subject(case, *s)?;
        if !case.allegations.values().any(|a| a.subjects.contains(s)) {
            return refuse(
                Rule::SubjectNotOnAllegation,
                format!("{s} is named on no allegation"),
            );
        }
        // The person's whole record: this case's profile and what other cases hold.
        let live = profile
            .with_record(&ctx.records)
            .live_final_written_warning(on);
        let cta = match self.severity {
            Severity::Misconduct => CaseToAnswer::Misconduct,
            Severity::GrossMisconduct => CaseToAnswer::GrossMisconduct,
        };
        let required = required_form(cta, live).expect("a severity is a case to answer");
        let ok = self.likely_form == required
            || (self.severity == Severity::GrossMisconduct
                && self.likely_form == Form::AcceleratedHearing);
        if !ok {
            return Err(Refusal::new(
                Rule::SeverityForm,
                format!(
                    "{} for {s}{} goes to a {}",
                    crate::spoken(&self.severity),
                    if live {
                        " (live final written warning)"
                    } else {
                        ""
                    },
                    crate::spoken(&required)
                ),
            )
            .on("likely_form"));
        }
        Decision::one(SeverityAssessed {
            subject: *s,
            severity: self.severity,
            likely_form: self.likely_form,
            live_final_written_warning: live,
            by: ctx.actor.body,
            revision: inv.severity.contains_key(s),
            rationale: self.rationale.trim().to_string(),
            on,
        })
    }
}

impl Decide for ServeNotice {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigators(case, ctx, OPEN, "serve a written notice")?;
        let s = &self.subject;
        subject(case, *s)?;
        let Some(sev) = inv.severity.get(s) else {
            return refuse(
                Rule::NoticeNeedsAssessment,
                format!("{s} has no severity assessment"),
            );
        };
        Decision::one(NoticeServed {
            subject: *s,
            severity: sev.severity,
            likely_form: sev.likely_form,
            on: ctx.on(),
        })
    }
}

impl Decide for RecordInterview {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigators(case, ctx, ACTIVE, "record an interview")?;
        let p = &self.party;
        text("summary", &self.summary)?;
        let who = party(case, *p)?;
        let named = case.allegations.values().any(|a| a.subjects.contains(p));
        if who.subject_profile().is_some() && named && !inv.notices.contains_key(p) {
            return refuse(
                Rule::InterviewBeforeNotice,
                format!("serve the written notice on {p} first"),
            );
        }
        Decision::one(InterviewRecorded {
            party: *p,
            under_caution: self.under_caution,
            summary: self.summary.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for ExhibitEvidence {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigators(case, ctx, ACTIVE, "record an exhibit")?;
        text("exhibit reference", &self.exhibit)?;
        text("description", &self.description)?;
        text("custodian", &self.custodian)?;
        let exhibit = self.exhibit.trim().to_string();
        if inv.exhibits.contains_key(&exhibit) {
            return refuse(
                Rule::DuplicateExhibit,
                format!("{exhibit} is already recorded"),
            );
        }
        let sha256 = match &self.sha256 {
            None => None,
            Some(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h.len() != 64 || crate::hex::decode(&h).is_none() {
                    return refuse(Rule::BadDigest, format!("'{h}' is not a SHA-256 digest"));
                }
                Some(h)
            }
        };
        Decision::one(EvidenceExhibited {
            exhibit,
            description: self.description.trim().to_string(),
            sha256,
            custodian: self.custodian.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for TakeWitnessAccount {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        investigators(case, ctx, ACTIVE, "take an account")?;
        party(case, self.party)?;
        text("summary", &self.summary)?;
        Decision::one(WitnessAccountTaken {
            party: self.party,
            summary: self.summary.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for Suspend {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = current(case)?;
        stage(case, ACTIVE, "suspend the investigation")?;
        by(
            ctx,
            &[inv.mode.investigating_body(), Body::OversightBody],
            "suspend an investigation",
        )?;
        text("reason", &self.reason)?;
        Decision::one(InvestigationSuspended {
            reason: self.reason.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for Resume {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = current(case)?;
        stage(case, &[Status::Suspended], "resume the investigation")?;
        by(
            ctx,
            &[inv.mode.investigating_body(), Body::OversightBody],
            "resume an investigation",
        )?;
        Decision::one(InvestigationResumed { on: ctx.on() })
    }
}

impl Decide for SubmitReport {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        investigators(case, ctx, ACTIVE, "submit the investigation report")?;
        text("summary", &self.summary)?;
        if case.allegations.is_empty() {
            return refuse(
                Rule::ReportNeedsAllegations,
                "record the allegations investigated",
            );
        }
        Decision::one(ReportSubmitted {
            summary: self.summary.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for SuspendOfficer {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, &[Body::AppropriateAuthority], "suspend an officer")?;
        not_terminal(case, "suspend an officer")?;
        subject(case, self.subject)?;
        if !self.redeployment_considered {
            return refuse(
                Rule::SuspensionConditions,
                "consider temporary redeployment to alternative duties first",
            );
        }
        if suspended(case, self.subject) {
            return refuse(
                Rule::SuspensionConditions,
                format!("{} is already suspended", self.subject),
            );
        }
        Decision::one(OfficerSuspended {
            subject: self.subject,
            ground: self.ground,
            on: ctx.on(),
        })
    }
}

impl Decide for LiftOfficerSuspension {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(
            ctx,
            &[Body::AppropriateAuthority],
            "lift an officer's suspension",
        )?;
        subject(case, self.subject)?;
        if !suspended(case, self.subject) {
            return refuse(
                Rule::SuspensionConditions,
                format!("{} is not suspended", self.subject),
            );
        }
        Decision::one(OfficerSuspensionLifted {
            subject: self.subject,
            on: ctx.on(),
        })
    }
}

fn suspended(case: &Case, subject: crate::ids::PartyId) -> bool {
    case.officer_suspensions
        .get(&subject)
        .and_then(|v| v.last())
        .is_some_and(|s| s.until.is_none())
}

impl Decide for SendTimelinessReport {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        use crate::matter::TimelinessRecipient as R;
        let inv = investigation(case, "report on timeliness")?;
        stage(case, OPEN, "report on the time the investigation is taking")?;
        // Local: the appropriate authority reports; directed and independent: the oversight body.
        let (body, needed) = match inv.mode {
            InvestigationMode::Local => (Body::AppropriateAuthority, R::OversightBody),
            InvestigationMode::Directed | InvestigationMode::Independent => {
                (Body::OversightBody, R::LocalPolicingBody)
            }
        };
        by(
            ctx,
            &[body],
            "send this timeliness report (PCMR 2020 reg 13)",
        )?;
        let mut recipients = self.recipients.clone();
        recipients.sort();
        recipients.dedup();
        if !recipients.contains(&needed) {
            return refuse(
                Rule::TimelinessRecipients,
                format!(
                    "a {} investigation's report goes to the {}",
                    crate::spoken(&inv.mode),
                    crate::code_of(&needed).replace('_', " ")
                ),
            );
        }
        let on = ctx.on();
        if self.period_ending > on || self.period_ending < inv.started_on {
            return refuse(
                Rule::DateOutOfRange,
                format!(
                    "the period reported on ends between the start of the investigation ({}) and the day of the report ({on})",
                    inv.started_on
                ),
            );
        }
        for s in &self.copied_to {
            subject(case, *s)?;
        }
        let withheld = self
            .withheld
            .as_ref()
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty());
        Decision::one(TimelinessReportSent {
            period_ending: self.period_ending,
            recipients,
            copied_to: self.copied_to.clone(),
            withheld,
            on,
        })
    }
}
