//! The steps after the report: the investigator's opinion and the decision maker's
//! determination for each subject on each allegation, the proposals and their answer, and
//! reflective practice (the rules in decide/outcome.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    AgreeReflectiveReport, AnswerProposal, AnswerRecommendation, ArrangeProceedings, CommandKind,
    ConcludeCriminalProceedings, ConcludeProceedings, Determine, DetermineAppeal, GiveOpinion,
    LodgeAppeal, NotifySanction, ProgressReflectivePractice, ProposeAction, RecordLeavingService,
    ReferToBarredList, ReferToProsecutors,
};
use probity_domain::conduct::{
    Action, AppealOutcome, CaseToAnswer, CriminalOutcome, Finding, Form, FurtherAction, Proposal,
    ProposalResponse, ProvenFinding, ReflectiveAction, ReflectiveReport, ReflectiveStage, Sanction,
};
use probity_domain::ids::{AllegationId, ProceedingsId};
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

/// The questions of one subject on one allegation: the opinion's (one pair at a time) or a row
/// of the determination's grid (named after its pair).
struct FindingFields {
    cta: String,
    further: String,
    performance: String,
    reasons: String,
}

impl FindingFields {
    /// Named after the pair (`cta-P2-A1`, ...), or plain when the form asks about one pair.
    fn new(pair: Option<(&str, &str)>) -> FindingFields {
        let name = |base: &str| match pair {
            Some((s, a)) => format!("{base}-{}", pair_key(s, a)),
            None => base.to_string(),
        };
        FindingFields {
            cta: name("cta"),
            further: name("further"),
            performance: name("performance"),
            reasons: name("reasons"),
        }
    }

    fn fields(&self, cta_label: &str) -> Vec<Field> {
        vec![
            Field::radios(self.cta.clone(), cta_label, case_to_answer()),
            Field::radios(self.further.clone(), "Further action", further_action()),
            Field::checkboxes(
                self.performance.clone(),
                "Performance",
                vec![
                    choice("true", "Performance was unsatisfactory")
                        .hint("Police Reform Act 2002 Sch 3 para 27(3A)"),
                ],
            ),
            Field::text(self.reasons.clone(), "The reasons"),
        ]
    }

    fn read(
        &self,
        a: &Answers,
        subject: PartyId,
        allegation: AllegationId,
        errors: &mut Errors,
    ) -> Option<Finding> {
        let case_to_answer = a.code::<CaseToAnswer>(
            &self.cta,
            "Choose whether there is a case to answer",
            errors,
        );
        let further_action = match a.one(&self.further) {
            "" => Some(FurtherAction::None),
            v => probity_domain::from_code(v),
        };
        if further_action.is_none() {
            errors.add(&self.further, "Choose the further action from the list");
        }
        let rationale = a.text(&self.reasons, "Enter the reasons", errors);
        Some(Finding {
            subject,
            allegation,
            case_to_answer: case_to_answer?,
            performance_unsatisfactory: a.yes(&self.performance),
            further_action: further_action?,
            rationale,
        })
    }
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
    history: true,
    facts: super::no_facts,
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
        let mut fields = vec![Field::radios(
            "pair",
            "Which subject, on which allegation?",
            pairs,
        )];
        fields.extend(FindingFields::new(None).fields("The opinion"));
        fields
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
        let finding = FindingFields::new(None).read(a, s, al, errors)?;
        Some(Command::GiveOpinion(GiveOpinion { finding }))
    },
};

pub const DETERMINE: Step = Step {
    slug: "determine",
    kind: CommandKind::Determine,
    title: "Determine case to answer",
    guidance: "The decision maker's determination for every subject on every allegation: whether there is a case to answer for misconduct or gross misconduct, or none, and whether the matter goes to reflective practice or unsatisfactory performance procedures (Police Reform Act 2002 Sch 3 paras 23 and 24). Each starts from the investigator's opinion; all must be determined together.",
    submit: "Continue",
    stages: &[Status::ReportSubmitted],
    when: determining_body,
    check: true,
    history: true,
    facts: super::no_facts,
    fields: |file| {
        file.findings
            .iter()
            .flat_map(|f| {
                let names = FindingFields::new(Some((&f.subject, &f.allegation)));
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
                let mut fields = names.fields("The determination");
                fields[0] = fields[0].clone().hint(opinion).group(heading);
                fields
            })
            .collect()
    },
    defaults: |file| {
        let mut a = Answers::default();
        for f in &file.findings {
            let names = FindingFields::new(Some((&f.subject, &f.allegation)));
            if let Some(o) = &f.opinion {
                a.set(&names.cta, o.clone());
            }
            a.set(&names.further, "none");
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
            let names = FindingFields::new(Some((&f.subject, &f.allegation)));
            if let Some(x) = names.read(a, s, al, errors) {
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
    history: true,
    facts: super::no_facts,
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
    history: true,
    facts: super::no_facts,
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
    stages: probity_domain::stages::PROCEEDINGS,
    when: |file, _| !file.reflective_practice.is_empty(),
    check: false,
    history: false,
    facts: super::no_facts,
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

fn force(_: &CaseFile, body: Body) -> bool {
    body == Body::AppropriateAuthority
}

fn one_proceedings(a: &Answers, errors: &mut Errors) -> Option<ProceedingsId> {
    let p = ProceedingsId::parse(a.one("proceedings"));
    if p.is_none() {
        errors.add("proceedings", "Choose the proceedings");
    }
    p
}

/// Proceedings as choices: their number, form and subject.
fn proceedings_choices(
    file: &CaseFile,
    keep: impl Fn(&probity_domain::case::Proceedings) -> bool,
) -> Vec<Choice> {
    file.proceedings
        .iter()
        .filter(|p| keep(p))
        .map(|p| {
            choice(
                p.id.to_string(),
                format!(
                    "{}: a {} for {}",
                    p.id,
                    probity_domain::spoken(&p.form),
                    subject_name(file, &p.subject.to_string())
                ),
            )
            .hint(format!(
                "Arranged for {}",
                crate::ui::chrome::long_date(p.arranged_for)
            ))
        })
        .collect()
}

fn sanctions(none: &str) -> Vec<Choice> {
    let mut c = vec![choice("", none)];
    c.extend(
        [
            Sanction::WrittenWarning,
            Sanction::FinalWrittenWarning,
            Sanction::ReductionInRank,
            Sanction::DismissalWithoutNotice,
            Sanction::WouldHaveBeenDismissed,
        ]
        .iter()
        .map(|s| choice(code_of(s), crate::ui::chrome::words(s.label()))),
    );
    c
}

fn sanction_of(a: &Answers, name: &str, errors: &mut Errors) -> Option<Option<Sanction>> {
    match a.one(name) {
        "" => Some(None),
        v => match probity_domain::from_code::<Sanction>(v) {
            Some(s) => Some(Some(s)),
            None => {
                errors.add(name, "Choose the sanction from the list");
                None
            }
        },
    }
}

pub const REFER_TO_PROSECUTORS: Step = Step {
    slug: "refer-to-prosecutors",
    kind: CommandKind::ReferToProsecutors,
    title: "Refer a subject to the Crown Prosecution Service",
    guidance: "Where the report indicates a criminal offence may have been committed, the matter goes to the Director of Public Prosecutions (Police Reform Act 2002 Sch 3 para 23(2)); misconduct proceedings may wait for the decision.",
    submit: "Continue",
    stages: probity_domain::stages::AFTER_REPORT,
    when: determining_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| vec![Field::radios("subject", "Who is referred?", subjects(file))],
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose who is referred", errors)?;
        Some(Command::ReferToProsecutors(ReferToProsecutors { subject }))
    },
};

pub const CONCLUDE_CRIMINAL_PROCEEDINGS: Step = Step {
    slug: "conclude-criminal-proceedings",
    kind: CommandKind::ConcludeCriminalProceedings,
    title: "Record the outcome of criminal proceedings",
    guidance: "What the prosecutors or the court decided for a subject referred to them. Publication waits for it.",
    submit: "Record the outcome",
    stages: probity_domain::stages::AFTER_REPORT,
    when: |_, body| body != Body::LocalPolicingBody,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("subject", "For whom?", subjects(file)),
            Field::radios(
                "outcome",
                "The outcome",
                [
                    CriminalOutcome::NoFurtherAction,
                    CriminalOutcome::Convicted,
                    CriminalOutcome::Acquitted,
                    CriminalOutcome::Discontinued,
                ]
                .iter()
                .map(|o| choice(code_of(o), crate::ui::chrome::words(&code_of(o))))
                .collect(),
            ),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose the subject", errors);
        let outcome = a.code::<CriminalOutcome>("outcome", "Choose the outcome", errors);
        Some(Command::ConcludeCriminalProceedings(
            ConcludeCriminalProceedings {
                subject: subject?,
                outcome: outcome?,
            },
        ))
    },
};

pub const ANSWER_RECOMMENDATION: Step = Step {
    slug: "answer-recommendation",
    kind: CommandKind::AnswerRecommendation,
    title: "Answer the IOPC's recommendation",
    guidance: "The appropriate authority says whether it accepts the action the IOPC recommended; if it does not, the IOPC may direct it (Police Reform Act 2002 Sch 3 para 27(4) to (6)).",
    submit: "Continue",
    stages: &[Status::Determined],
    when: |file, body| {
        body == Body::AppropriateAuthority && file.proposal_stage.as_deref() == Some("recommended")
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::yes_or_no(
                "accepted",
                "Is the recommendation accepted?",
                "Accepted",
                "Not accepted",
            ),
            Field::text("rationale", "The reasons"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let accepted = a.yes_or_no(
            "accepted",
            "Choose whether the recommendation is accepted",
            errors,
        );
        let rationale = a.text("rationale", "Enter the reasons", errors);
        Some(Command::AnswerRecommendation(AnswerRecommendation {
            accepted: accepted?,
            rationale,
        }))
    },
};

pub const ARRANGE_PROCEEDINGS: Step = Step {
    slug: "arrange-proceedings",
    kind: CommandKind::ArrangeProceedings,
    title: "Arrange misconduct proceedings",
    guidance: "The officer is given written notice of the meeting or hearing, the allegations it will decide and its date: at least 10 working days for a meeting, at least 10 working days for a hearing with the documents first (Police (Conduct) Regulations 2020 regs 30 and 31).",
    submit: "Continue",
    stages: probity_domain::stages::PROCEEDINGS,
    when: force,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let allegations = file
            .allegations
            .iter()
            .map(|a| {
                choice(
                    &a.allegation,
                    format!("{}: {}", a.allegation, a.description),
                )
            })
            .collect();
        vec![
            Field::radios("subject", "For whom?", subjects(file)),
            Field::radios(
                "form",
                "What form?",
                vec![
                    choice("meeting", "A misconduct meeting"),
                    choice("hearing", "A misconduct hearing"),
                    choice("accelerated_hearing", "An accelerated misconduct hearing"),
                ],
            )
            .hint("The form settled after the determinations"),
            Field::checkboxes("allegations", "On which allegations?", allegations)
                .hint("Each must have a case to answer for this subject"),
            Field::date("on", "The day of the meeting or hearing"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose the subject", errors);
        let form = a.code::<Form>("form", "Choose the form of proceedings", errors);
        let allegations: Vec<_> = a
            .all("allegations")
            .filter_map(AllegationId::parse)
            .collect();
        if allegations.is_empty() {
            errors.add(
                "allegations",
                "Choose the allegations the proceedings will decide",
            );
        }
        let on = a.date("on", "The day of the meeting or hearing", true, errors);
        Some(Command::ArrangeProceedings(ArrangeProceedings {
            subject: subject?,
            form: form?,
            allegations,
            on: on?,
        }))
    },
};

fn proven() -> Vec<Choice> {
    vec![
        choice("gross_misconduct", "Gross misconduct"),
        choice("misconduct", "Misconduct"),
        choice(
            "neither_reflective_practice",
            "Neither: referred to reflective practice",
        ),
        choice("not_proven", "Not proven"),
    ]
}

pub const CONCLUDE_PROCEEDINGS: Step = Step {
    slug: "conclude-proceedings",
    kind: CommandKind::ConcludeProceedings,
    title: "Record the outcome of misconduct proceedings",
    guidance: "The finding on each allegation and the disciplinary action, which must be one the form of proceedings may impose given the officer's record (Police (Conduct) Regulations 2020 reg 42). Answer only for the proceedings chosen.",
    submit: "Continue",
    stages: probity_domain::stages::PROCEEDINGS,
    when: |file, body| {
        force(file, body) && file.proceedings.iter().any(|p| p.concluded_on.is_none())
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let mut fields = vec![Field::radios(
            "proceedings",
            "Which proceedings?",
            proceedings_choices(file, |p| p.concluded_on.is_none()),
        )];
        for p in file.proceedings.iter().filter(|p| p.concluded_on.is_none()) {
            for (n, al) in p.allegations.iter().enumerate() {
                let mut f = Field::radios(
                    format!("found-{}-{al}", p.id),
                    format!("The finding on {}", allegation_line(file, &al.to_string())),
                    proven(),
                );
                if n == 0 {
                    f = f.group(format!(
                        "{}: {}",
                        p.id,
                        subject_name(file, &p.subject.to_string())
                    ));
                }
                fields.push(f);
            }
        }
        fields.push(Field::radios(
            "sanction",
            "Disciplinary action",
            sanctions("None"),
        ));
        fields.push(Field::checkboxes(
            "unconnected_incidents",
            "The officer's record",
            vec![choice(
                "true",
                "The finding concerns incidents unconnected with those of a live final written warning",
            )],
        ));
        fields
    },
    defaults: no_defaults,
    command: |a, file, errors| {
        let id = one_proceedings(a, errors)?;
        let Some(p) = file.proceedings.iter().find(|p| p.id == id) else {
            errors.add("proceedings", "Choose the proceedings from the list");
            return None;
        };
        let mut findings = Vec::new();
        for al in &p.allegations {
            let name = format!("found-{id}-{al}");
            match probity_domain::from_code::<ProvenFinding>(a.one(&name)) {
                Some(f) => findings.push((*al, f)),
                None => errors.add(&name, "Choose the finding on this allegation"),
            }
        }
        let sanction = sanction_of(a, "sanction", errors)?;
        Some(Command::ConcludeProceedings(ConcludeProceedings {
            proceedings: id,
            findings,
            sanction,
            unconnected_incidents: a.yes("unconnected_incidents"),
        }))
    },
};

pub const NOTIFY_SANCTION: Step = Step {
    slug: "notify-sanction",
    kind: CommandKind::NotifySanction,
    title: "Record that the officer was told of the sanction",
    guidance: "A warning takes effect from the day the officer is notified of it, and its live period runs from then (Police (Conduct) Regulations 2020 reg 42(4)).",
    submit: "Record it",
    stages: probity_domain::stages::PROCEEDINGS,
    when: |file, body| {
        force(file, body)
            && file
                .proceedings
                .iter()
                .any(|p| p.sanction.is_some() && p.sanction_notified_on.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![Field::radios(
            "proceedings",
            "Which proceedings?",
            proceedings_choices(file, |p| {
                p.sanction.is_some() && p.sanction_notified_on.is_none()
            }),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let proceedings = one_proceedings(a, errors)?;
        Some(Command::NotifySanction(NotifySanction { proceedings }))
    },
};

pub const LODGE_APPEAL: Step = Step {
    slug: "lodge-appeal",
    kind: CommandKind::LodgeAppeal,
    title: "Record an appeal to the Police Appeals Tribunal",
    guidance: "An officer may appeal against the finding or the disciplinary action of a misconduct hearing (Police Appeals Tribunals Rules 2020). Publication waits for the appeal.",
    submit: "Record the appeal",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        force(file, body)
            && file
                .proceedings
                .iter()
                .any(|p| p.concluded_on.is_some() && p.appeal_lodged_on.is_none())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![Field::radios(
            "proceedings",
            "Against which proceedings?",
            proceedings_choices(file, |p| {
                p.concluded_on.is_some() && p.appeal_lodged_on.is_none()
            }),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let proceedings = one_proceedings(a, errors)?;
        Some(Command::LodgeAppeal(LodgeAppeal { proceedings }))
    },
};

pub const DETERMINE_APPEAL: Step = Step {
    slug: "determine-appeal",
    kind: CommandKind::DetermineAppeal,
    title: "Record the appeal's determination",
    guidance: "The tribunal confirms the outcome, substitutes another disciplinary action, or reverses it.",
    submit: "Continue",
    stages: probity_domain::stages::ANY,
    when: |file, body| {
        force(file, body)
            && file
                .proceedings
                .iter()
                .any(|p| p.appeal_lodged_on.is_some() && p.appeal.is_none())
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios(
                "proceedings",
                "Which appeal?",
                proceedings_choices(file, |p| p.appeal_lodged_on.is_some() && p.appeal.is_none()),
            ),
            Field::radios(
                "outcome",
                "The determination",
                vec![
                    choice("confirmed", "Confirmed"),
                    choice("substituted", "Another disciplinary action substituted"),
                    choice("reversed", "Reversed"),
                ],
            ),
            Field::radios(
                "substitute",
                "The action substituted",
                sanctions("No disciplinary action"),
            )
            .hint("Only when another action was substituted"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let proceedings = one_proceedings(a, errors);
        let outcome = match a.one("outcome") {
            "confirmed" => Some(AppealOutcome::Confirmed),
            "reversed" => Some(AppealOutcome::Reversed),
            "substituted" => sanction_of(a, "substitute", errors).map(AppealOutcome::Substituted),
            _ => {
                errors.add("outcome", "Choose the determination");
                None
            }
        };
        Some(Command::DetermineAppeal(DetermineAppeal {
            proceedings: proceedings?,
            outcome: outcome?,
        }))
    },
};

pub const REFER_TO_BARRED_LIST: Step = Step {
    slug: "refer-to-barred-list",
    kind: CommandKind::ReferToBarredList,
    title: "Refer to the police barred list",
    guidance: "An officer dismissed, or who would have been dismissed, is reported to the College of Policing for the barred list (Police Act 1996 s.88C; Police Barred List and Police Advisory List Regulations 2017).",
    submit: "Continue",
    stages: probity_domain::stages::PROCEEDINGS,
    when: force,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| vec![Field::radios("subject", "Who is referred?", subjects(file))],
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose who is referred", errors)?;
        Some(Command::ReferToBarredList(ReferToBarredList { subject }))
    },
};

pub const RECORD_LEAVING_SERVICE: Step = Step {
    slug: "leaving-service",
    kind: CommandKind::RecordLeavingService,
    title: "Record that a subject left the service",
    guidance: "A subject who resigns or retires stays subject to the process as a former officer (Police (Conduct) Regulations 2020 Sch 1): the sanctions open change.",
    submit: "Record it",
    stages: probity_domain::stages::OPEN,
    when: force,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let serving = file
            .subjects
            .iter()
            .filter(|s| !s.former)
            .map(|s| choice(&s.party, subject_name(file, &s.party)))
            .collect();
        vec![Field::radios("subject", "Who left?", serving)]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose who left the service", errors)?;
        Some(Command::RecordLeavingService(RecordLeavingService {
            subject,
        }))
    },
};

pub const AGREE_REFLECTIVE_REPORT: Step = Step {
    slug: "reflective-report",
    kind: CommandKind::AgreeReflectiveReport,
    title: "Agree the reflective review development report",
    guidance: "After the reflective discussion the report records the issue, the discussion, the actions agreed with their dates, the lessons for the officer and for the organisation, and when it is reviewed, within 12 months (Police (Conduct) Regulations 2020 reg 70).",
    submit: "Continue",
    stages: probity_domain::stages::PROCEEDINGS,
    when: |file, body| {
        force(file, body)
            && file
                .reflective_practice
                .iter()
                .any(|r| r.stage == "discussion")
    },
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let ready = file
            .reflective_practice
            .iter()
            .filter(|r| r.stage == "discussion")
            .map(|r| choice(&r.subject, subject_name(file, &r.subject)))
            .collect();
        vec![
            Field::radios("subject", "For whom?", ready),
            Field::text("issue_summary", "The issue"),
            Field::text("discussion_summary", "The discussion"),
            Field::text("actions", "The actions agreed")
                .hint("One per line, each ending with the day it is due, like: Complete the vulnerability training by 2027-03-31"),
            Field::text("lessons_for_officer", "Lessons for the officer"),
            Field::text("lessons_for_organisation", "Lessons for the organisation"),
            Field::line("review_period_months", "Reviewed within how many months?")
                .hint("At most 12"),
        ]
    },
    defaults: |_| {
        let mut a = Answers::default();
        a.set("review_period_months", "12");
        a
    },
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose the subject", errors);
        let issue_summary = a.text("issue_summary", "Enter the issue", errors);
        let discussion_summary = a.text("discussion_summary", "Enter the discussion", errors);
        let mut actions = Vec::new();
        for line in a
            .one("actions")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let parsed = line.rsplit_once(" by ").and_then(|(what, by)| {
                Some((what.trim(), by.trim().parse::<jiff::civil::Date>().ok()?))
            });
            match parsed {
                Some((action, by)) => actions.push(ReflectiveAction {
                    action: action.to_string(),
                    by,
                }),
                None => errors.add(
                    "actions",
                    format!("End each action with \"by\" and its day, like 2027-03-31: \"{line}\""),
                ),
            }
        }
        let lessons_for_officer = a.text(
            "lessons_for_officer",
            "Enter the lessons for the officer",
            errors,
        );
        let lessons_for_organisation = a.text(
            "lessons_for_organisation",
            "Enter the lessons for the organisation",
            errors,
        );
        let months = a
            .one("review_period_months")
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|m| (1..=12).contains(m));
        if months.is_none() {
            errors.add(
                "review_period_months",
                "Enter a number of months from 1 to 12",
            );
        }
        Some(Command::AgreeReflectiveReport(AgreeReflectiveReport {
            subject: subject?,
            report: ReflectiveReport {
                issue_summary,
                discussion_summary,
                actions,
                lessons_for_officer,
                lessons_for_organisation,
                review_period_months: months?,
            },
        }))
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether performance was unsatisfactory is its own answer (Sch 3 para 27(3A)), not read
    /// off the further action chosen.
    #[test]
    fn a_finding_reads_each_of_its_own_answers() {
        let names = FindingFields::new(Some(("P2", "A1")));
        assert_eq!(names.performance, "performance-P2-A1");
        let a = Answers::from_pairs(vec![
            ("cta-P2-A1".into(), "misconduct".into()),
            ("further-P2-A1".into(), "reflective_practice".into()),
            ("performance-P2-A1".into(), "true".into()),
            ("reasons-P2-A1".into(), " As the report says. ".into()),
        ]);
        let mut errors = Errors::default();
        let f = names
            .read(&a, PartyId(2), AllegationId(1), &mut errors)
            .unwrap();
        assert!(errors.is_empty());
        assert_eq!(f.case_to_answer, CaseToAnswer::Misconduct);
        assert_eq!(f.further_action, FurtherAction::ReflectivePractice);
        assert!(f.performance_unsatisfactory);
        assert_eq!(f.rationale, "As the report says.");
        let none = Answers::from_pairs(vec![("cta-P2-A1".into(), "no_case_to_answer".into())]);
        let f = names.read(&none, PartyId(2), AllegationId(1), &mut errors);
        assert!(f.is_some_and(|f| !f.performance_unsatisfactory));
        assert_eq!(errors.get("reasons-P2-A1"), Some("Enter the reasons"));
    }
}
