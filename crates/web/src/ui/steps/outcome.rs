//! The steps after the report: the investigator's opinion and the decision maker's
//! determination for each subject on each allegation, the proposals and their answer, and
//! reflective practice (the rules in decide/outcome.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    AnswerProposal, CommandKind, Determine, GiveOpinion, ProgressReflectivePractice, ProposeAction,
};
use probity_domain::conduct::{
    Action, CaseToAnswer, Finding, Form, FurtherAction, Proposal, ProposalResponse, ReflectiveStage,
};
use probity_domain::ids::AllegationId;
use probity_domain::{Body, Command, PartyId, Status, code_of};

use super::{
    Answers, Choice, Field, Step, allegation_line, choice, determining_body, investigating_body,
    no_defaults, subject_name, subjects,
};
use crate::ui::form::Errors;

fn case_to_answer() -> Vec<Choice> {
    vec![
        choice("gross_misconduct", "A case to answer for gross misconduct"),
        choice("misconduct", "A case to answer for misconduct"),
        choice("no_case_to_answer", "No case to answer"),
    ]
}

fn further_action() -> Vec<Choice> {
    vec![
        choice("none", "None"),
        choice(
            "reflective_practice",
            "The reflective practice review process",
        )
        .hint("Practice requiring improvement (Police (Conduct) Regulations 2020 Part 6)"),
        choice(
            "unsatisfactory_performance",
            "Unsatisfactory performance procedures",
        ),
    ]
}

/// The subject and allegation of a grid row: `P2-A1`.
fn pair_key(subject: &str, allegation: &str) -> String {
    format!("{subject}-{allegation}")
}

fn pair_of(key: &str) -> Option<(PartyId, AllegationId)> {
    let (s, a) = key.split_once('-')?;
    Some((PartyId::parse(s)?, AllegationId::parse(a)?))
}

fn pair_heading(file: &CaseFile, subject: &str, allegation: &str) -> String {
    format!(
        "{} on allegation {}",
        subject_name(file, subject),
        allegation_line(file, allegation)
    )
}

/// One subject on one allegation, read from the fields named `{prefix}-{subject}-{allegation}`.
fn finding(
    a: &Answers,
    subject: PartyId,
    allegation: AllegationId,
    names: [&str; 3],
    errors: &mut Errors,
) -> Option<Finding> {
    let [cta, further, reasons] = names;
    let case_to_answer =
        a.code::<CaseToAnswer>(cta, "Choose whether there is a case to answer", errors);
    let further_action = match a.one(further) {
        "" => Some(FurtherAction::None),
        v => probity_domain::from_code(v),
    };
    if further_action.is_none() {
        errors.add(further, "Choose the further action from the list");
    }
    let rationale = a.text(reasons, "Enter the reasons", errors);
    Some(Finding {
        subject,
        allegation,
        case_to_answer: case_to_answer?,
        performance_unsatisfactory: further_action
            == Some(FurtherAction::UnsatisfactoryPerformance),
        further_action: further_action?,
        rationale,
    })
}

pub const GIVE_OPINION: Step = Step {
    slug: "give-opinion",
    kind: CommandKind::GiveOpinion,
    title: "Give the investigator's opinion",
    guidance: "For each subject on each allegation, the investigator's opinion of whether there is a case to answer, and whether performance was unsatisfactory (Police Reform Act 2002 Sch 3 para 22; Police (Conduct) Regulations 2020 reg 23). One at a time: the case file shows which are still to give. The decision maker determines separately.",
    submit: "Record the opinion",
    stages: &[Status::ReportSubmitted],
    when: investigating_body,
    check: false,
    fields: |file| {
        let pairs = file
            .findings
            .iter()
            .map(|f| {
                let label = pair_heading(file, &f.subject, &f.allegation);
                let c = choice(pair_key(&f.subject, &f.allegation), label);
                match &f.opinion {
                    Some(o) => c.hint(format!(
                        "Opinion given: {}",
                        crate::ui::chrome::words(o).to_lowercase()
                    )),
                    None => c.hint("No opinion yet"),
                }
            })
            .collect();
        vec![
            Field::radios("pair", "Which subject, on which allegation?", pairs),
            Field::radios("cta", "The opinion", case_to_answer()),
            Field::radios("further", "Further action", further_action()),
            Field::text("reasons", "The reasons for the opinion"),
        ]
    },
    defaults: |file| {
        let mut a = Answers::default();
        if let Some(f) = file.findings.iter().find(|f| f.opinion.is_none()) {
            a.set("pair", pair_key(&f.subject, &f.allegation));
        }
        a.set("further", "none");
        a
    },
    command: |a, _, errors| {
        let pair = pair_of(a.one("pair"));
        if pair.is_none() {
            errors.add("pair", "Choose the subject and allegation");
        }
        let (s, al) = pair?;
        let finding = finding(a, s, al, ["cta", "further", "reasons"], errors)?;
        Some(Command::GiveOpinion(GiveOpinion { finding }))
    },
};

fn names(subject: &str, allegation: &str) -> [String; 3] {
    let k = pair_key(subject, allegation);
    [
        format!("cta-{k}"),
        format!("further-{k}"),
        format!("reasons-{k}"),
    ]
}

pub const DETERMINE: Step = Step {
    slug: "determine",
    kind: CommandKind::Determine,
    title: "Determine case to answer",
    guidance: "The decision maker's determination for every subject on every allegation: whether there is a case to answer for misconduct or gross misconduct, or none, and whether the matter goes to reflective practice or unsatisfactory performance procedures (Police Reform Act 2002 Sch 3 paras 23 and 24). Each starts from the investigator's opinion; all must be determined together.",
    submit: "Continue",
    stages: &[Status::ReportSubmitted],
    when: determining_body,
    check: true,
    fields: |file| {
        file.findings
            .iter()
            .flat_map(|f| {
                let [cta, further, reasons] = names(&f.subject, &f.allegation);
                let heading = pair_heading(file, &f.subject, &f.allegation);
                let opinion = f.opinion.as_deref().map_or_else(
                    || "The investigator gave no opinion".to_string(),
                    |o| {
                        format!(
                            "The investigator's opinion: {}",
                            crate::ui::chrome::words(o).to_lowercase()
                        )
                    },
                );
                [
                    Field::radios(cta, "The determination", case_to_answer())
                        .hint(opinion)
                        .group(heading),
                    Field::radios(further, "Further action", further_action()),
                    Field::text(reasons, "The reasons"),
                ]
            })
            .collect()
    },
    defaults: |file| {
        let mut a = Answers::default();
        for f in &file.findings {
            let [cta, further, _] = names(&f.subject, &f.allegation);
            if let Some(o) = &f.opinion {
                a.set(&cta, o.clone());
            }
            a.set(&further, "none");
        }
        a
    },
    command: |a, file, errors| {
        let mut findings = Vec::new();
        for f in &file.findings {
            let (Some(s), Some(al)) = (
                PartyId::parse(&f.subject),
                AllegationId::parse(&f.allegation),
            ) else {
                continue;
            };
            let [cta, further, reasons] = names(&f.subject, &f.allegation);
            if let Some(x) = finding(a, s, al, [&cta, &further, &reasons], errors) {
                findings.push(x);
            }
        }
        Some(Command::Determine(Determine { findings }))
    },
};

fn actions() -> Vec<Choice> {
    vec![
        choice("hearing", "A misconduct hearing"),
        choice("accelerated_hearing", "An accelerated misconduct hearing").hint(
            "Where the evidence is incontrovertible (Police (Conduct) Regulations 2020 reg 53)",
        ),
        choice("meeting", "A misconduct meeting"),
        choice(
            "reflective_practice",
            "The reflective practice review process",
        ),
        choice(
            "unsatisfactory_performance",
            "Unsatisfactory performance procedures",
        ),
        choice("no_action", "No action"),
    ]
}

fn action_of(code: &str) -> Option<Action> {
    Some(match code {
        "hearing" => Action::Proceedings(Form::Hearing),
        "accelerated_hearing" => Action::Proceedings(Form::AcceleratedHearing),
        "meeting" => Action::Proceedings(Form::Meeting),
        "reflective_practice" => Action::ReflectivePractice,
        "unsatisfactory_performance" => Action::UnsatisfactoryPerformance,
        "no_action" => Action::NoAction,
        _ => return None,
    })
}

/// The determinations of one subject, for the hint beside their proposal.
fn determined(file: &CaseFile, subject: &str) -> String {
    let all: Vec<String> = file
        .findings
        .iter()
        .filter(|f| f.subject == subject)
        .map(|f| {
            format!(
                "{}: {}",
                f.allegation,
                f.determination
                    .as_deref()
                    .map_or("not determined".into(), |d| crate::ui::chrome::words(d)
                        .to_lowercase())
            )
        })
        .collect();
    format!("Determined: {}", all.join("; "))
}

fn proposal_fields(file: &CaseFile, optional: bool) -> Vec<Field> {
    subjects(file)
        .into_iter()
        .map(|s| {
            let mut options = actions();
            if optional {
                options.insert(0, choice("", "As the force proposed"));
            }
            Field::radios(
                format!("action-{}", s.value),
                format!("What should follow for {}?", s.label),
                options,
            )
            .hint(determined(file, &s.value))
        })
        .collect()
}

fn proposals(a: &Answers, file: &CaseFile, required: bool, errors: &mut Errors) -> Vec<Proposal> {
    let mut out = Vec::new();
    for s in &file.subjects {
        let name = format!("action-{}", s.party);
        let v = a.one(&name);
        if v.is_empty() && !required {
            continue;
        }
        match (PartyId::parse(&s.party), action_of(v)) {
            (Some(subject), Some(action)) => out.push(Proposal { subject, action }),
            _ => errors.add(&name, "Choose what should follow for this person"),
        }
    }
    out
}

pub const PROPOSE_ACTION: Step = Step {
    slug: "propose-action",
    kind: CommandKind::ProposeAction,
    title: "Propose the action to follow",
    guidance: "After the determinations the appropriate authority says what it will do for each subject: proceedings and their form, reflective practice, unsatisfactory performance procedures or no action. In a directed or independent investigation the IOPC then agrees, recommends or directs (Police Reform Act 2002 Sch 3 para 27).",
    submit: "Continue",
    stages: &[Status::Determined],
    when: |file, body| {
        body == Body::AppropriateAuthority && file.proposal_stage.as_deref() == Some("none")
    },
    check: true,
    fields: |file| {
        let mut f = proposal_fields(file, false);
        f.push(Field::text("rationale", "The reasons for the proposals"));
        f
    },
    defaults: no_defaults,
    command: |a, file, errors| {
        let proposals = proposals(a, file, true, errors);
        let rationale = a.text("rationale", "Enter the reasons for the proposals", errors);
        Some(Command::ProposeAction(ProposeAction {
            proposals,
            rationale,
        }))
    },
};

pub const ANSWER_PROPOSAL: Step = Step {
    slug: "answer-proposal",
    kind: CommandKind::AnswerProposal,
    title: "Answer the force's proposals",
    guidance: "The IOPC agrees with what the appropriate authority proposes, recommends other action, or directs it (Police Reform Act 2002 Sch 3 para 27(3) and (4)). A recommendation goes back to the force to accept or not; a direction must be complied with.",
    submit: "Continue",
    stages: &[Status::Determined],
    when: |file, body| {
        body == Body::OversightBody && file.proposal_stage.as_deref() == Some("proposed")
    },
    check: true,
    fields: |file| {
        let mut f = vec![Field::radios(
            "response",
            "What is the answer?",
            vec![
                choice("agree", "Agree with the proposals"),
                choice("recommend", "Recommend other action").hint("For the subjects chosen below"),
                choice("direct", "Direct other action").hint("For the subjects chosen below"),
            ],
        )];
        f.extend(proposal_fields(file, true));
        f.push(Field::text("rationale", "The reasons for the answer"));
        f
    },
    defaults: no_defaults,
    command: |a, file, errors| {
        let mut others = || proposals(a, file, false, errors);
        let response = match a.one("response") {
            "agree" => Some(ProposalResponse::Agree),
            "recommend" => Some(ProposalResponse::Recommend(others())),
            "direct" => Some(ProposalResponse::Direct(others())),
            _ => None,
        };
        if response.is_none() {
            errors.add("response", "Choose the answer to the proposals");
        }
        let rationale = a.text("rationale", "Enter the reasons for the answer", errors);
        Some(Command::AnswerProposal(AnswerProposal {
            response: response?,
            rationale,
        }))
    },
};

pub const PROGRESS_REFLECTIVE_PRACTICE: Step = Step {
    slug: "reflective-practice",
    kind: CommandKind::ProgressReflectivePractice,
    title: "Record a reflective practice stage",
    guidance: "The reflective practice review process for a subject referred to it: the written notice, the account within 5 working days, fact finding, the reflective discussion and the agreed report (Police (Conduct) Regulations 2020 regs 63 to 70).",
    submit: "Record the stage",
    stages: &[
        Status::ActionsInProgress,
        Status::OutcomeNotified,
        Status::UnderReview,
    ],
    when: |file, _| !file.reflective_practice.is_empty(),
    check: false,
    fields: |file| {
        let referred = file
            .reflective_practice
            .iter()
            .map(|r| {
                choice(&r.subject, subject_name(file, &r.subject)).hint(format!(
                    "At: {}",
                    crate::ui::chrome::words(&r.stage).to_lowercase()
                ))
            })
            .collect();
        let stages = [
            ReflectiveStage::Notified,
            ReflectiveStage::AccountGiven,
            ReflectiveStage::NoAccountGiven,
            ReflectiveStage::FactFinding,
            ReflectiveStage::Discussion,
            ReflectiveStage::SentToAppropriateAuthority,
            ReflectiveStage::ReviewedAtDevelopmentReview,
            ReflectiveStage::Closed,
            ReflectiveStage::EscalatedToFormal,
        ]
        .iter()
        .map(|s| choice(code_of(s), crate::ui::chrome::words(&code_of(s))))
        .collect();
        vec![
            Field::radios("subject", "For whom?", referred),
            Field::radios("stage", "The stage reached", stages),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = PartyId::parse(a.one("subject"));
        if subject.is_none() {
            errors.add("subject", "Choose the subject");
        }
        let stage = a.code::<ReflectiveStage>("stage", "Choose the stage reached", errors);
        Some(Command::ProgressReflectivePractice(
            ProgressReflectivePractice {
                subject: subject?,
                stage: stage?,
            },
        ))
    },
};
