//! After the report: opinions, determinations, proposals and the oversight body's answer,
//! proceedings and sanctions, appeals, the barred list, reflective practice, prosecutors
//! (Sch3 paras 22-27; PCR 2020 regs 23, 42-47, Part 6).

use std::collections::{BTreeMap, BTreeSet};

use super::{Decide, Decision, allegation, by, investigation, stage, subject, text};
use crate::case::{Case, Investigation, ProposalStage, Status};
use crate::command::{
    AgreeReflectiveReport, AnswerProposal, AnswerRecommendation, ArrangeProceedings,
    ConcludeCriminalProceedings, ConcludeProceedings, Determine, DetermineAppeal, GiveOpinion,
    LodgeAppeal, NotifySanction, ProgressReflectivePractice, ProposeAction, RecordLeavingService,
    ReferToBarredList, ReferToProsecutors,
};
use crate::conduct::{
    Action, AppealOutcome, CaseToAnswer, Finding, Form, Proposal, ProposalResponse, ProvenFinding,
    ReflectiveStage, SanctionContext, check_sanction, required_form,
};
use crate::event::{
    ActionProposed, AppealDetermined, AppealLodged, BarredListReferred, CaseDetermined,
    CriminalProceedingsConcluded, OpinionGiven, ProceedingsArranged, ProceedingsConcluded,
    ProposalAnswered, RecommendationOnProceedingsAnswered, ReferredToProsecutors,
    ReflectivePracticeProgressed, ReflectiveReportAgreed, SanctionNotified, SubjectLeftService,
};
use crate::ids::{PartyId, ProceedingsId};
use crate::referral::InvestigationMode;
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

const AA: &[Body] = &[Body::AppropriateAuthority];

impl Decide for GiveOpinion {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigation(case, "give an opinion")?;
        if inv.report_on.is_none() {
            return refuse(
                Rule::OpinionBeforeReport,
                "submit the investigation report first",
            );
        }
        stage(
            case,
            &[Status::ReportSubmitted],
            "give the investigator's opinion",
        )?;
        by(
            ctx,
            &[inv.mode.investigating_body()],
            "give the investigator's opinion",
        )?;
        check_pair(case, &self.finding)?;
        Decision::one(OpinionGiven {
            finding: tidy(&self.finding),
            on: ctx.on(),
        })
    }
}

impl Decide for Determine {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigation(case, "determine")?;
        if inv.report_on.is_none() {
            return refuse(
                Rule::WrongStage,
                "determinations follow the investigation report",
            );
        }
        stage(case, &[Status::ReportSubmitted], "make the determinations")?;
        by(
            ctx,
            &[inv.mode.determining_body()],
            "determine case to answer on this investigation",
        )?;
        let mut given = BTreeSet::new();
        for f in &self.findings {
            check_pair(case, f)
                .map_err(|r| Refusal::new(Rule::DeterminationIncomplete, r.detail))?;
            if !given.insert((f.subject, f.allegation)) {
                return refuse(
                    Rule::DeterminationIncomplete,
                    format!("{} / {} is determined twice", f.subject, f.allegation),
                );
            }
        }
        let missing: Vec<_> = case
            .pairs()
            .into_iter()
            .filter(|p| !given.contains(p))
            .map(|(s, a)| format!("{s} / {a}"))
            .collect();
        if !missing.is_empty() {
            return refuse(
                Rule::DeterminationIncomplete,
                format!("no finding for {}", missing.join(", ")),
            );
        }
        Decision::one(CaseDetermined {
            by: ctx.actor.body,
            findings: self.findings.iter().map(tidy).collect(),
            on: ctx.on(),
        })
    }
}

impl Decide for ReferToProsecutors {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let s = &self.subject;
        let inv = investigation(case, "refer to prosecutors")?;
        stage(case, super::stages::AFTER_REPORT, "refer to prosecutors")?;
        by(
            ctx,
            &[inv.mode.determining_body()],
            "refer a subject to prosecutors",
        )?;
        subject(case, *s)?;
        if case.criminal.get(s).is_some_and(|c| c.outcome.is_none()) {
            return refuse(Rule::WrongStage, format!("{s} is already with prosecutors"));
        }
        Decision::one(ReferredToProsecutors {
            subject: *s,
            on: ctx.on(),
        })
    }
}

impl Decide for ConcludeCriminalProceedings {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let s = &self.subject;
        let open = case.criminal.get(s).is_some_and(|c| c.outcome.is_none());
        if !open {
            return refuse(
                Rule::ProsecutionNotReferred,
                format!("{s} has no open referral to prosecutors"),
            );
        }
        by(
            ctx,
            &[Body::AppropriateAuthority, Body::OversightBody],
            "record criminal proceedings",
        )?;
        Decision::one(CriminalProceedingsConcluded {
            subject: *s,
            outcome: self.outcome,
            on: ctx.on(),
        })
    }
}

impl Decide for ProposeAction {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigation(case, "propose action")?;
        stage(case, &[Status::Determined], "propose action")?;
        by(ctx, AA, "propose the action to follow the determinations")?;
        text("rationale", &self.rationale)?;
        if inv.proposal != ProposalStage::None {
            return refuse(Rule::WrongStage, "proposals have already been made");
        }
        check_proposals(case, ctx, inv, &self.proposals, true)?;
        Decision::one(ActionProposed {
            proposals: sorted(&self.proposals),
            rationale: self.rationale.trim().to_string(),
            settled: inv.mode == InvestigationMode::Local,
            on: ctx.on(),
        })
    }
}

impl Decide for AnswerProposal {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigation(case, "answer a proposal")?;
        by(
            ctx,
            &[Body::OversightBody],
            "answer the appropriate authority's proposals",
        )?;
        text("rationale", &self.rationale)?;
        if !matches!(inv.proposal, ProposalStage::Proposed(_)) {
            return refuse(
                Rule::NothingToAnswer,
                "no proposal is waiting for the oversight body",
            );
        }
        if let ProposalResponse::Recommend(p) | ProposalResponse::Direct(p) = &self.response {
            check_proposals(case, ctx, inv, p, false)?;
        }
        let response = match &self.response {
            ProposalResponse::Recommend(p) => ProposalResponse::Recommend(sorted(p)),
            ProposalResponse::Direct(p) => ProposalResponse::Direct(sorted(p)),
            ProposalResponse::Agree => ProposalResponse::Agree,
        };
        Decision::one(ProposalAnswered {
            response,
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for AnswerRecommendation {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let inv = investigation(case, "answer a recommendation")?;
        by(ctx, AA, "answer the oversight body's recommendation")?;
        text("rationale", &self.rationale)?;
        if !matches!(inv.proposal, ProposalStage::Recommended(_)) {
            return refuse(
                Rule::NothingToAnswer,
                "no recommendation is waiting for the appropriate authority",
            );
        }
        Decision::one(RecommendationOnProceedingsAnswered {
            accepted: self.accepted,
            rationale: self.rationale.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for ArrangeProceedings {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let (s, form) = (&self.subject, &self.form);
        let inv = investigation(case, "arrange proceedings")?;
        stage(case, super::stages::PROCEEDINGS, "arrange proceedings")?;
        by(ctx, AA, "arrange misconduct proceedings")?;
        subject(case, *s)?;
        match inv.settled.get(s) {
            Some(Action::Proceedings(settled)) if settled == form => {}
            Some(Action::Proceedings(settled)) => {
                return refuse(
                    Rule::ProceedingsForm,
                    format!("the settled form for {s} is a {}", crate::spoken(settled)),
                );
            }
            _ => {
                return refuse(
                    Rule::ProceedingsNotSettled,
                    format!("no proceedings were settled for {s}"),
                );
            }
        }
        if case
            .proceedings
            .values()
            .any(|p| p.subject == *s && p.concluded_on.is_none())
        {
            return refuse(
                Rule::WrongStage,
                format!("proceedings against {s} are already arranged"),
            );
        }
        if self.allegations.is_empty() {
            return refuse(
                Rule::FindingsIncomplete,
                "name the allegations before the proceedings",
            );
        }
        let mut list = self.allegations.clone();
        list.sort();
        list.dedup();
        for a in &list {
            allegation(case, *a)?;
            let cta = inv.determinations.get(&(*s, *a)).map(|f| f.case_to_answer);
            if !cta.is_some_and(CaseToAnswer::is_case_to_answer) {
                return refuse(
                    Rule::ProceedingsWithoutCaseToAnswer,
                    format!("{s} has no case to answer on {a}"),
                );
            }
        }
        if self.on < case.matter().expect("open").received_on {
            return refuse(
                Rule::DateOutOfRange,
                "proceedings cannot precede the matter",
            );
        }
        if self.on < ctx.on() {
            return refuse(
                Rule::DateOutOfRange,
                format!(
                    "the notice of the proceedings ({}) cannot come after the day they are arranged for ({})",
                    ctx.on(),
                    self.on
                ),
            );
        }
        Decision::one(ProceedingsArranged {
            proceedings: ProceedingsId(case.proceedings.len() as u32 + 1),
            subject: *s,
            form: *form,
            allegations: list,
            notice_on: ctx.on(),
            on: self.on,
        })
    }
}

impl Decide for ConcludeProceedings {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let on = ctx.on();
        let proceedings = &self.proceedings;
        stage(case, super::stages::PROCEEDINGS, "conclude proceedings")?;
        by(ctx, AA, "record the outcome of proceedings")?;
        let p = proceedings_of(case, *proceedings)?;
        if p.concluded_on.is_some() {
            return refuse(
                Rule::ProceedingsConcluded,
                format!(
                    "{proceedings} concluded on {}",
                    p.concluded_on.unwrap_or(on)
                ),
            );
        }
        let mut found: BTreeMap<_, _> = BTreeMap::new();
        for (a, f) in &self.findings {
            if !p.allegations.contains(a) || found.insert(*a, *f).is_some() {
                return refuse(
                    Rule::FindingsIncomplete,
                    format!("{a} is not before {proceedings}, or is found twice"),
                );
            }
        }
        if found.len() != p.allegations.len() {
            return refuse(
                Rule::FindingsIncomplete,
                format!(
                    "{proceedings} must find on {}",
                    p.allegations
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let worst = worst_finding(found.values().copied());
        check_sanction(
            sanction_context(case, ctx, p.subject, p.form, self.unconnected_incidents),
            worst,
            self.sanction,
        )
        .map_err(|rule| {
            Refusal::new(
                rule,
                format!(
                    "{proceedings}: {} with {}",
                    crate::spoken(&worst),
                    self.sanction
                        .as_ref()
                        .map_or_else(|| "no sanction".to_string(), crate::spoken)
                ),
            )
        })?;
        Decision::one(ProceedingsConcluded {
            proceedings: *proceedings,
            findings: found.into_iter().collect(),
            sanction: self.sanction,
            unconnected_incidents: self.unconnected_incidents,
            on,
        })
    }
}

impl Decide for LodgeAppeal {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let proceedings = &self.proceedings;
        by(ctx, AA, "record an appeal")?;
        let p = proceedings_of(case, *proceedings)?;
        if p.concluded_on.is_none() || p.appeal_lodged_on.is_some() {
            return refuse(
                Rule::AppealNotOpen,
                format!("{proceedings} has not concluded, or was appealed already"),
            );
        }
        Decision::one(AppealLodged {
            proceedings: *proceedings,
            on: ctx.on(),
        })
    }
}

impl Decide for DetermineAppeal {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let proceedings = &self.proceedings;
        by(ctx, AA, "record an appeal determination")?;
        let p = proceedings_of(case, *proceedings)?;
        if p.appeal_lodged_on.is_none() || p.appeal.is_some() {
            return refuse(
                Rule::AppealNotOpen,
                format!("no appeal on {proceedings} awaits determination"),
            );
        }
        if let AppealOutcome::Substituted(s) = self.outcome {
            let worst = worst_finding(p.findings.iter().map(|(_, f)| *f));
            check_sanction(
                sanction_context(case, ctx, p.subject, p.form, false),
                worst,
                s,
            )
            .map_err(|rule| {
                Refusal::new(
                    rule,
                    format!("the appeal body can substitute only what {proceedings} could impose"),
                )
            })?;
        }
        Decision::one(AppealDetermined {
            proceedings: *proceedings,
            outcome: self.outcome,
            on: ctx.on(),
        })
    }
}

impl Decide for ReferToBarredList {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let s = &self.subject;
        by(ctx, AA, "refer to the barred list")?;
        subject(case, *s)?;
        let dismissed = case.proceedings.values().any(|p| {
            p.subject == *s
                && p.is_complete()
                && p.final_sanction().is_some_and(|x| x.is_dismissal())
        });
        if !dismissed {
            return refuse(
                Rule::BarredListNeedsDismissal,
                format!("{s} has no final dismissal"),
            );
        }
        if case.barred_list.contains_key(s) {
            return refuse(Rule::WrongStage, format!("{s} is already referred"));
        }
        Decision::one(BarredListReferred {
            subject: *s,
            on: ctx.on(),
        })
    }
}

impl Decide for RecordLeavingService {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let s = &self.subject;
        by(ctx, AA, "record that a subject left the service")?;
        super::not_terminal(case, "record that a subject left the service")?;
        if subject(case, *s)?.former {
            return refuse(
                Rule::AlreadyFormer,
                format!("{s} is already a former officer"),
            );
        }
        // Under investigation: a notice served and no final outcome yet; or proceedings pending.
        let investigated = case.investigation.as_ref().is_some_and(|i| {
            i.notices.contains_key(s)
                && (i.determined.is_none()
                    || i.determinations
                        .iter()
                        .any(|((d, _), f)| d == s && f.case_to_answer.is_case_to_answer()))
        });
        let proceedings_open = case
            .proceedings
            .values()
            .any(|p| p.subject == *s && !p.is_complete());
        Decision::one(SubjectLeftService {
            subject: *s,
            advisory_list: investigated || proceedings_open,
            on: ctx.on(),
        })
    }
}

impl Decide for ProgressReflectivePractice {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let (s, next) = (&self.subject, &self.stage);
        by(ctx, AA, "record reflective practice")?;
        let Some(r) = case.reflective_practice.get(s) else {
            return refuse(
                Rule::ReflectivePracticeNotReferred,
                format!("{s} is not in reflective practice"),
            );
        };
        let from = r.stage;
        use ReflectiveStage as S;
        let ok = match next {
            _ if matches!(from, S::Closed | S::EscalatedToFormal) => false,
            S::EscalatedToFormal => true,
            // The report is agreed with its own command; the referral opens the process.
            S::ReportAgreed | S::Referred => false,
            // An account, or none, follows the notice: one or the other (PCR 2020 Part 6).
            S::AccountGiven | S::NoAccountGiven => from == S::Notified,
            S::SentToAppropriateAuthority => from == S::ReportAgreed,
            S::ReviewedAtDevelopmentReview => from == S::SentToAppropriateAuthority,
            S::Closed => matches!(
                from,
                S::SentToAppropriateAuthority | S::ReviewedAtDevelopmentReview
            ),
            n => *n > from && from < S::ReportAgreed,
        };
        if !ok {
            return refuse(
                Rule::ReflectiveStageOrder,
                format!("{s} is at {from:?}; cannot move to {next:?}"),
            );
        }
        Decision::one(ReflectivePracticeProgressed {
            subject: *s,
            stage: *next,
            on: ctx.on(),
        })
    }
}

impl Decide for AgreeReflectiveReport {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let s = &self.subject;
        by(ctx, AA, "agree the reflective review development report")?;
        let Some(r) = case.reflective_practice.get(s) else {
            return refuse(
                Rule::ReflectivePracticeNotReferred,
                format!("{s} is not in reflective practice"),
            );
        };
        if r.stage != ReflectiveStage::Discussion {
            return refuse(
                Rule::ReflectiveStageOrder,
                format!(
                    "the report follows the discussion; {s} is at {}",
                    crate::spoken(&r.stage)
                ),
            );
        }
        let missing = self.report.missing_parts();
        if !missing.is_empty() {
            return refuse(
                Rule::ReflectiveReportIncomplete,
                format!("missing: {}", missing.join("; ")),
            );
        }
        Decision::one(ReflectiveReportAgreed {
            subject: *s,
            report: self.report.clone(),
            on: ctx.on(),
        })
    }
}

fn tidy(f: &Finding) -> Finding {
    Finding {
        rationale: f.rationale.trim().to_string(),
        ..f.clone()
    }
}

fn sorted(p: &[Proposal]) -> Vec<Proposal> {
    let mut p = p.to_vec();
    p.sort_by_key(|p| p.subject);
    p
}

fn check_pair(case: &Case, f: &Finding) -> Result<(), Refusal> {
    subject(case, f.subject)?;
    let a = allegation(case, f.allegation)?;
    if !a.subjects.contains(&f.subject) {
        return refuse(
            Rule::SubjectNotOnAllegation,
            format!("{} is not named on {}", f.subject, f.allegation),
        );
    }
    Ok(())
}

fn proceedings_of(case: &Case, id: ProceedingsId) -> Result<&crate::case::Proceedings, Refusal> {
    case.proceedings
        .get(&id)
        .ok_or_else(|| Refusal::new(Rule::UnknownProceedings, format!("no proceedings {id}")))
}

/// The most serious case to answer determined for each subject.
fn worst_case_to_answer(inv: &Investigation) -> BTreeMap<PartyId, CaseToAnswer> {
    let mut out: BTreeMap<PartyId, CaseToAnswer> = BTreeMap::new();
    for f in inv.determinations.values() {
        let rank = |c: CaseToAnswer| match c {
            CaseToAnswer::NoCaseToAnswer => 0,
            CaseToAnswer::Misconduct => 1,
            CaseToAnswer::GrossMisconduct => 2,
        };
        let e = out.entry(f.subject).or_insert(CaseToAnswer::NoCaseToAnswer);
        if rank(f.case_to_answer) > rank(*e) {
            *e = f.case_to_answer;
        }
    }
    out
}

fn worst_finding(found: impl Iterator<Item = ProvenFinding>) -> ProvenFinding {
    let rank = |f: ProvenFinding| match f {
        ProvenFinding::NotProven => 0,
        ProvenFinding::NeitherReflectivePractice => 1,
        ProvenFinding::Misconduct => 2,
        ProvenFinding::GrossMisconduct => 3,
    };
    found
        .max_by_key(|f| rank(*f))
        .unwrap_or(ProvenFinding::NotProven)
}

/// Checks proposals against the determinations. `complete`: they must cover every subject
/// with a case to answer (the authority's own proposals); otherwise they may amend some.
fn check_proposals(
    case: &Case,
    ctx: &Context,
    inv: &Investigation,
    proposals: &[Proposal],
    complete: bool,
) -> Result<(), Refusal> {
    let worst = worst_case_to_answer(inv);
    let mut named = BTreeSet::new();
    for p in proposals {
        subject(case, p.subject)?;
        if !named.insert(p.subject) {
            return refuse(
                Rule::ProposalIncomplete,
                format!("{} is named twice", p.subject),
            );
        }
        let cta = worst
            .get(&p.subject)
            .copied()
            .unwrap_or(CaseToAnswer::NoCaseToAnswer);
        if cta == CaseToAnswer::GrossMisconduct && !matches!(p.action, Action::Proceedings(_)) {
            return refuse(
                Rule::GrossMisconductToHearing,
                format!(
                    "{} has a case to answer for gross misconduct, so not {}",
                    p.subject,
                    p.action.label()
                ),
            );
        }
        if let Action::Proceedings(form) = p.action {
            if !cta.is_case_to_answer() {
                return refuse(
                    Rule::ProceedingsWithoutCaseToAnswer,
                    format!("{} has no case to answer", p.subject),
                );
            }
            let live = live_final_written_warning(case, ctx, inv, p.subject);
            let required = required_form(cta, live).expect("a case to answer has a form");
            let ok = form == required
                || (cta == CaseToAnswer::GrossMisconduct && form == Form::AcceleratedHearing);
            if !ok {
                return refuse(
                    Rule::ProceedingsForm,
                    format!("{} needs a {required:?}, not a {form:?}", p.subject),
                );
            }
        }
    }
    if complete {
        let missing: Vec<_> = worst
            .iter()
            .filter(|(s, c)| c.is_case_to_answer() && !named.contains(*s))
            .map(|(s, _)| s.to_string())
            .collect();
        if !missing.is_empty() {
            return refuse(
                Rule::ProposalIncomplete,
                format!("no proposal for {}", missing.join(", ")),
            );
        }
    }
    Ok(())
}

/// Whether a final written warning was live at the severity assessment (PCR 2020 reg 23):
/// as recorded then, or from the subject's record at the assessment, or failing one at the
/// determination. A safeguard never defaults to its permissive side: no assessment does not
/// mean no warning.
fn live_final_written_warning(
    case: &Case,
    ctx: &Context,
    inv: &Investigation,
    subject: PartyId,
) -> bool {
    let assessed = inv.severity.get(&subject);
    if assessed.is_some_and(|s| s.live_final_written_warning) {
        return true;
    }
    let at = assessed
        .map(|s| s.assessed_on)
        .or(inv.determined.map(|(_, on)| on))
        .or(inv.report_on);
    let profile = case
        .parties
        .get(&subject)
        .and_then(|p| p.subject_profile())
        .map(|p| p.with_record(&ctx.records));
    match (profile.as_ref(), at) {
        (Some(p), Some(at)) => p.live_final_written_warning(at),
        // With no date to hold the record against, any final written warning counts.
        (Some(p), None) => p
            .prior_sanctions
            .iter()
            .any(|s| s.sanction == crate::conduct::Sanction::FinalWrittenWarning),
        (None, _) => false,
    }
}

fn sanction_context(
    case: &Case,
    ctx: &Context,
    subject: PartyId,
    form: Form,
    unconnected: bool,
) -> SanctionContext {
    let live = case
        .investigation
        .as_ref()
        .is_some_and(|i| live_final_written_warning(case, ctx, i, subject));
    let former = case
        .parties
        .get(&subject)
        .and_then(|p| p.subject_profile())
        .is_some_and(|p| p.former);
    SanctionContext {
        form,
        live_final_written_warning: live,
        unconnected_incidents: unconnected,
        former_officer: former,
    }
}

impl Decide for NotifySanction {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        by(ctx, AA, "record that a sanction was notified")?;
        let p = proceedings_of(case, self.proceedings)?;
        let (Some(concluded), Some(_)) = (p.concluded_on, p.sanction) else {
            return refuse(
                Rule::SanctionNotNotified,
                format!("{} imposed no sanction", self.proceedings),
            );
        };
        if p.sanction_notified_on.is_some() {
            return refuse(
                Rule::SanctionNotNotified,
                format!("{} was notified already", self.proceedings),
            );
        }
        let on = ctx.on();
        if on < concluded {
            return refuse(
                Rule::DateOutOfRange,
                format!("the sanction was imposed on {concluded}"),
            );
        }
        Decision::one(SanctionNotified {
            proceedings: self.proceedings,
            on,
        })
    }
}
