//! After the report: opinions, determinations, proposals and the oversight body's answer,
//! proceedings and sanctions, appeals, the barred list, reflective practice, prosecutors
//! (Sch3 paras 22-27; PCR 2020 regs 23, 42-47, Part 6).

use std::collections::{BTreeMap, BTreeSet};

use super::{Decision, allegation, by, investigation, stage, subject, text};
use crate::case::{Case, Investigation, ProposalStage, Status};
use crate::command::Command;
use crate::conduct::{
    Action, AppealOutcome, CaseToAnswer, Finding, Form, Proposal, ProposalResponse, ProvenFinding,
    ReflectiveStage, SanctionContext, check_sanction, required_form,
};
use crate::event::Event;
use crate::ids::{PartyId, ProceedingsId};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

const AFTER_REPORT: &[Status] = &[
    Status::ReportSubmitted,
    Status::Determined,
    Status::ActionsInProgress,
    Status::OutcomeNotified,
    Status::UnderReview,
    Status::Closed,
];

pub(super) fn decide(case: &Case, command: &Command, ctx: &Context) -> Result<Decision, Refusal> {
    let today = ctx.today();
    let aa = [Body::AppropriateAuthority];
    match command {
        Command::GiveOpinion { finding } => {
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
            check_pair(case, finding)?;
            Decision::one(Event::OpinionGiven {
                finding: tidy(finding),
                on: today,
            })
        }
        Command::Determine { findings } => {
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
            for f in findings {
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
            Decision::one(Event::CaseDetermined {
                by: ctx.actor.body,
                findings: findings.iter().map(tidy).collect(),
                on: today,
            })
        }
        Command::ReferToProsecutors { subject: s } => {
            let inv = investigation(case, "refer to prosecutors")?;
            stage(case, AFTER_REPORT, "refer to prosecutors")?;
            by(
                ctx,
                &[inv.mode.determining_body()],
                "refer a subject to prosecutors",
            )?;
            subject(case, *s)?;
            if case.criminal.get(s).is_some_and(|c| c.outcome.is_none()) {
                return refuse(Rule::WrongStage, format!("{s} is already with prosecutors"));
            }
            Decision::one(Event::ReferredToProsecutors {
                subject: *s,
                on: today,
            })
        }
        Command::ConcludeCriminalProceedings {
            subject: s,
            outcome,
        } => {
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
            Decision::one(Event::CriminalProceedingsConcluded {
                subject: *s,
                outcome: *outcome,
                on: today,
            })
        }
        Command::ProposeAction {
            proposals,
            rationale,
        } => {
            let inv = investigation(case, "propose action")?;
            stage(case, &[Status::Determined], "propose action")?;
            by(ctx, &aa, "propose the action to follow the determinations")?;
            text("rationale", rationale)?;
            if inv.proposal != ProposalStage::None {
                return refuse(Rule::WrongStage, "proposals have already been made");
            }
            check_proposals(case, inv, proposals, true)?;
            Decision::one(Event::ActionProposed {
                proposals: sorted(proposals),
                rationale: rationale.trim().to_string(),
                settled: inv.mode == crate::referral::InvestigationMode::Local,
                on: today,
            })
        }
        Command::AnswerProposal {
            response,
            rationale,
        } => {
            let inv = investigation(case, "answer a proposal")?;
            by(
                ctx,
                &[Body::OversightBody],
                "answer the appropriate authority's proposals",
            )?;
            text("rationale", rationale)?;
            if !matches!(inv.proposal, ProposalStage::Proposed(_)) {
                return refuse(
                    Rule::NothingToAnswer,
                    "no proposal is waiting for the oversight body",
                );
            }
            if let ProposalResponse::Recommend(p) | ProposalResponse::Direct(p) = response {
                check_proposals(case, inv, p, false)?;
            }
            let response = match response {
                ProposalResponse::Recommend(p) => ProposalResponse::Recommend(sorted(p)),
                ProposalResponse::Direct(p) => ProposalResponse::Direct(sorted(p)),
                ProposalResponse::Agree => ProposalResponse::Agree,
            };
            Decision::one(Event::ProposalAnswered {
                response,
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        Command::AnswerRecommendation {
            accepted,
            rationale,
        } => {
            let inv = investigation(case, "answer a recommendation")?;
            by(ctx, &aa, "answer the oversight body's recommendation")?;
            text("rationale", rationale)?;
            if !matches!(inv.proposal, ProposalStage::Recommended(_)) {
                return refuse(
                    Rule::NothingToAnswer,
                    "no recommendation is waiting for the appropriate authority",
                );
            }
            Decision::one(Event::RecommendationOnProceedingsAnswered {
                accepted: *accepted,
                rationale: rationale.trim().to_string(),
                on: today,
            })
        }
        Command::ArrangeProceedings {
            subject: s,
            form,
            allegations,
            on,
        } => {
            let inv = investigation(case, "arrange proceedings")?;
            stage(case, &[Status::ActionsInProgress], "arrange proceedings")?;
            by(ctx, &aa, "arrange misconduct proceedings")?;
            subject(case, *s)?;
            match inv.settled.get(s) {
                Some(Action::Proceedings(settled)) if settled == form => {}
                Some(Action::Proceedings(settled)) => {
                    return refuse(
                        Rule::ProceedingsForm,
                        format!("the settled form for {s} is {settled:?}"),
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
            if allegations.is_empty() {
                return refuse(
                    Rule::FindingsIncomplete,
                    "name the allegations before the proceedings",
                );
            }
            let mut list = allegations.clone();
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
            if *on < case.matter().expect("open").received_on {
                return refuse(
                    Rule::DateOutOfRange,
                    "proceedings cannot precede the matter",
                );
            }
            Decision::one(Event::ProceedingsArranged {
                proceedings: ProceedingsId(case.proceedings.len() as u32 + 1),
                subject: *s,
                form: *form,
                allegations: list,
                on: *on,
            })
        }
        Command::ConcludeProceedings {
            proceedings,
            findings,
            sanction,
            unconnected_incidents,
        } => {
            stage(case, &[Status::ActionsInProgress], "conclude proceedings")?;
            by(ctx, &aa, "record the outcome of proceedings")?;
            let p = proceedings_of(case, *proceedings)?;
            if p.concluded_on.is_some() {
                return refuse(
                    Rule::ProceedingsConcluded,
                    format!(
                        "{proceedings} concluded on {}",
                        p.concluded_on.unwrap_or(today)
                    ),
                );
            }
            let mut found: BTreeMap<_, _> = BTreeMap::new();
            for (a, f) in findings {
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
                    format!("{proceedings} must find on {:?}", p.allegations),
                );
            }
            let worst = worst_finding(found.values().copied());
            check_sanction(
                sanction_context(case, p.subject, p.form, *unconnected_incidents),
                worst,
                *sanction,
            )
            .map_err(|rule| {
                Refusal::new(
                    rule,
                    format!("{proceedings}: {:?} with {:?}", worst, sanction),
                )
            })?;
            Decision::one(Event::ProceedingsConcluded {
                proceedings: *proceedings,
                findings: found.into_iter().collect(),
                sanction: *sanction,
                unconnected_incidents: *unconnected_incidents,
                on: today,
            })
        }
        Command::LodgeAppeal { proceedings } => {
            by(ctx, &aa, "record an appeal")?;
            let p = proceedings_of(case, *proceedings)?;
            if p.concluded_on.is_none() || p.appeal_lodged_on.is_some() {
                return refuse(
                    Rule::AppealNotOpen,
                    format!("{proceedings} has not concluded, or was appealed already"),
                );
            }
            Decision::one(Event::AppealLodged {
                proceedings: *proceedings,
                on: today,
            })
        }
        Command::DetermineAppeal {
            proceedings,
            outcome,
        } => {
            by(ctx, &aa, "record an appeal determination")?;
            let p = proceedings_of(case, *proceedings)?;
            if p.appeal_lodged_on.is_none() || p.appeal.is_some() {
                return refuse(
                    Rule::AppealNotOpen,
                    format!("no appeal on {proceedings} awaits determination"),
                );
            }
            if let AppealOutcome::Substituted(s) = outcome {
                let worst = worst_finding(p.findings.iter().map(|(_, f)| *f));
                check_sanction(sanction_context(case, p.subject, p.form, false), worst, *s)
                    .map_err(|rule| Refusal::new(rule, format!("the appeal body can substitute only what {proceedings} could impose")))?;
            }
            Decision::one(Event::AppealDetermined {
                proceedings: *proceedings,
                outcome: *outcome,
                on: today,
            })
        }
        Command::ReferToBarredList { subject: s } => {
            by(ctx, &aa, "refer to the barred list")?;
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
            if case.barred_list.contains(s) {
                return refuse(Rule::WrongStage, format!("{s} is already referred"));
            }
            Decision::one(Event::BarredListReferred {
                subject: *s,
                on: today,
            })
        }
        Command::RecordLeavingService { subject: s } => {
            by(ctx, &aa, "record that a subject left the service")?;
            crate::decide::not_terminal(case, "record that a subject left the service")?;
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
            Decision::one(Event::SubjectLeftService {
                subject: *s,
                advisory_list: investigated || proceedings_open,
                on: today,
            })
        }
        Command::ProgressReflectivePractice {
            subject: s,
            stage: next,
        } => {
            by(ctx, &aa, "record reflective practice")?;
            let Some(r) = case.reflective_practice.get(s) else {
                return refuse(
                    Rule::ReflectivePracticeNotReferred,
                    format!("{s} is not in reflective practice"),
                );
            };
            let from = r.stage;
            let ok = match next {
                _ if matches!(
                    from,
                    ReflectiveStage::Closed | ReflectiveStage::EscalatedToFormal
                ) =>
                {
                    false
                }
                ReflectiveStage::EscalatedToFormal => true,
                ReflectiveStage::Closed => from == ReflectiveStage::ReportAgreed,
                ReflectiveStage::ReportAgreed | ReflectiveStage::Referred => false,
                n => *n > from && from < ReflectiveStage::ReportAgreed,
            };
            if !ok {
                return refuse(
                    Rule::ReflectiveStageOrder,
                    format!("{s} is at {from:?}; cannot move to {next:?}"),
                );
            }
            Decision::one(Event::ReflectivePracticeProgressed {
                subject: *s,
                stage: *next,
                on: today,
            })
        }
        Command::AgreeReflectiveReport { subject: s, report } => {
            by(ctx, &aa, "agree the reflective review development report")?;
            let Some(r) = case.reflective_practice.get(s) else {
                return refuse(
                    Rule::ReflectivePracticeNotReferred,
                    format!("{s} is not in reflective practice"),
                );
            };
            if r.stage != ReflectiveStage::Discussion {
                return refuse(
                    Rule::ReflectiveStageOrder,
                    format!("the report follows the discussion; {s} is at {:?}", r.stage),
                );
            }
            let missing = report.missing_parts();
            if !missing.is_empty() {
                return refuse(
                    Rule::ReflectiveReportIncomplete,
                    format!("missing: {}", missing.join("; ")),
                );
            }
            Decision::one(Event::ReflectiveReportAgreed {
                subject: *s,
                report: report.clone(),
                on: today,
            })
        }
        _ => unreachable!("dispatched by variant"),
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
        if let Action::Proceedings(form) = p.action {
            if !cta.is_case_to_answer() {
                return refuse(
                    Rule::ProceedingsWithoutCaseToAnswer,
                    format!("{} has no case to answer", p.subject),
                );
            }
            let live = inv
                .severity
                .get(&p.subject)
                .is_some_and(|s| s.live_final_written_warning);
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

fn sanction_context(
    case: &Case,
    subject: PartyId,
    form: Form,
    unconnected: bool,
) -> SanctionContext {
    let live = case
        .investigation
        .as_ref()
        .and_then(|i| i.severity.get(&subject))
        .is_some_and(|s| s.live_final_written_warning);
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
