//! The steps of intake, recording and referral (the rules in decide/intake.rs).

use probity_app::CaseFile;
use probity_domain::category::{CategoryCode, SUBCATEGORIES};
use probity_domain::command::{
    AddAllegation, AddParty, CommandKind, ContactComplainant, DecideOutcome, DecideReferral,
    ErasePersonalData, FinaliseOutsideSchedule3, HandleOtherwiseThanByInvestigation,
    HandleOutsideSchedule3, RecordConductMatter, Refer, StartHandling, StartLocalInvestigation,
    UpdateParty, Withdraw,
};
use probity_domain::force::Force;
use probity_domain::matter::{HandlingOutcome, OutsideOutcome, UpdateKind};
use probity_domain::party::{
    ComplainantBasis, PartyRole, PersonalData, SealedPersonalData, SubjectKind, SubjectProfile,
    Vulnerability,
};
use probity_domain::referral::HandlingAssessment;
use probity_domain::referral::{
    InvestigationMode, MandatoryCriterion, ReferralBasis, ReferralDecision,
};
use probity_domain::{Body, Command, PartyId, Status, code_of};

use super::{
    Answers, Field, Step, any_body, choice, force_only, no_defaults, oversight_only, subjects,
};
use crate::ui::form::Errors;

use probity_domain::stages::OPEN;

pub const ADD_PARTY: Step = Step {
    slug: "add-party",
    kind: CommandKind::AddParty,
    title: "Add a person",
    guidance: "A complainant, a person serving with the police whose conduct is in question, a witness, or someone with an interest in being kept informed (Police Reform Act 2002 ss.12 and 21). Their name and contact details are personal data: kept apart from the record, and erasable.",
    submit: "Add the person",
    stages: OPEN,
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: party_fields,
    defaults: party_defaults,
    command: party_command,
};

const ROLES: &[(&str, &str, &str)] = &[
    (
        "complainant",
        "A complainant",
        "Someone the conduct was directed at, who was adversely affected by it, or who witnessed it",
    ),
    (
        "subject",
        "A person serving with the police",
        "An officer, special constable, member of staff or volunteer whose conduct is in question",
    ),
    ("witness", "A witness", ""),
    (
        "interested_person",
        "An interested person",
        "Someone with an interest in being kept informed, such as bereaved family (s.21)",
    ),
    (
        "affected_person",
        "A person affected who has not complained",
        "",
    ),
];

const VULNERABILITIES: &[(Vulnerability, &str)] = &[
    (Vulnerability::MentalHealth, "Mental health"),
    (Vulnerability::DomesticAbuse, "Domestic abuse"),
    (Vulnerability::SexualExploitation, "Sexual exploitation"),
    (Vulnerability::SubstanceMisuse, "Substance misuse"),
    (Vulnerability::Disability, "Disability"),
    (Vulnerability::Child, "A child"),
    (Vulnerability::OlderPerson, "An older person"),
    (Vulnerability::VictimOfCrime, "A victim of crime"),
    (Vulnerability::Informant, "An informant"),
];

fn party_fields(file: &CaseFile) -> Vec<Field> {
    let _ = file;
    vec![
        Field::radios(
            "role",
            "Who are they in this case?",
            ROLES
                .iter()
                .map(|(v, l, h)| choice(*v, *l).hint(*h))
                .collect(),
        ),
        Field::line("name", "Full name"),
        Field::text("address", "Address (optional)"),
        Field::line("contact", "Contact details (optional)")
            .hint("A phone number or e-mail address to send letters and updates to"),
        Field::text("nicknames", "Other names they are known by (optional)")
            .hint("One per line. Publication checks that none of their names appears"),
        Field::text("vehicle_registrations", "Vehicle registrations (optional)")
            .hint("One per line"),
        Field::date("date_of_birth", "Date of birth (optional)"),
        Field::checkboxes(
            "vulnerabilities",
            "Vulnerabilities (optional)",
            VULNERABILITIES
                .iter()
                .map(|(v, l)| choice(code_of(v), *l))
                .collect(),
        )
        .hint("Select all that apply: they decide how the person is contacted and protected"),
        Field::select(
            "ethnicity",
            "Ethnic group (optional)",
            vec![
                choice("", "Not recorded"),
                choice("asian", "Asian or Asian British"),
                choice("black", "Black, Black British, Caribbean or African"),
                choice("mixed", "Mixed or multiple ethnic groups"),
                choice("white", "White"),
                choice("other", "Another ethnic group"),
            ],
        )
        .hint("As the person describes it, in the census's five groups. Counted in statistics as a code, never with their name")
        .group("Equality monitoring"),
        Field::select(
            "sex",
            "Sex (optional)",
            vec![
                choice("", "Not recorded"),
                choice("female", "Female"),
                choice("male", "Male"),
                choice("other", "Described another way"),
            ],
        ),
        Field::select(
            "age_band",
            "Age at the time (optional)",
            vec![
                choice("", "Not recorded"),
                choice("under_18", "Under 18"),
                choice("18_24", "18 to 24"),
                choice("25_34", "25 to 34"),
                choice("35_44", "35 to 44"),
                choice("45_54", "45 to 54"),
                choice("55_64", "55 to 64"),
                choice("65_and_over", "65 and over"),
            ],
        ),
        Field::radios(
            "basis",
            "For a complainant: on what basis do they complain?",
            vec![
                choice("directed_at", "The conduct was directed at them"),
                choice("adversely_affected", "They were adversely affected by it"),
                choice("witness", "They witnessed it"),
            ],
        )
        .hint("Police Reform Act 2002 s.12(1)")
        .group("For a complainant"),
        Field::radios(
            "subject_kind",
            "For a person serving with the police: what are they?",
            vec![
                choice("officer", "A police officer"),
                choice("special_constable", "A special constable"),
                choice("staff", "A member of police staff"),
                choice("volunteer", "A volunteer"),
            ],
        )
        .group("For a person serving with the police"),
        Field::line("rank", "Rank or grade (optional)"),
        Field::line("service_number", "Collar or staff number (optional)").hint(
            "Links this person's cases together, so their history is shown to decision makers",
        ),
        Field::select(
            "subject_force",
            "Force",
            Force::all().map(|f| choice(f.code(), f.name())).collect(),
        ),
        Field::checkboxes(
            "former",
            "Service",
            vec![choice("true", "No longer serving").hint(
                "The former-officer provisions apply (Police (Conduct) Regulations 2020 Sch 1)",
            )],
        ),
    ]
}

fn party_defaults(file: &CaseFile) -> Answers {
    let mut a = Answers::default();
    if let Some(f) = Force::all().find(|f| f.name() == file.force) {
        a.set("subject_force", f.code());
    }
    a
}

fn party_command(a: &Answers, _: &CaseFile, errors: &mut Errors) -> Option<Command> {
    let name = a.text("name", "Enter the person's full name", errors);
    let date_of_birth = a.date("date_of_birth", "Date of birth", false, errors);
    let mut vulnerabilities = Vec::new();
    for v in a.all("vulnerabilities") {
        match probity_domain::from_code::<Vulnerability>(v) {
            Some(v) => vulnerabilities.push(v),
            None => errors.add("vulnerabilities", "Choose vulnerabilities from the list"),
        }
    }
    let role = match a.one("role") {
        "complainant" => a
            .code::<ComplainantBasis>(
                "basis",
                "Choose the basis on which the complainant complains",
                errors,
            )
            .map(|basis| PartyRole::Complainant { basis }),
        "subject" => {
            let kind = a.code::<SubjectKind>(
                "subject_kind",
                "Choose what kind of person serving with the police they are",
                errors,
            );
            let force = Force::parse(a.one("subject_force")).ok();
            if force.is_none() {
                errors.add("subject_force", "Choose their force");
            }
            kind.zip(force).map(|(kind, force)| {
                PartyRole::Subject(SubjectProfile {
                    kind,
                    rank: a.optional("rank"),
                    service_number: a.optional("service_number"),
                    force,
                    former: a.yes("former"),
                    senior_officer: false,
                    chief_officer: false,
                    prior_sanctions: Vec::new(),
                })
            })
        }
        "witness" => Some(PartyRole::Witness),
        "interested_person" => Some(PartyRole::InterestedPerson),
        "affected_person" => Some(PartyRole::AffectedPerson),
        _ => {
            errors.add("role", "Choose who they are in this case");
            None
        }
    };
    let personal_data = SealedPersonalData::new(
        PersonalData {
            name,
            contact: a.optional("contact"),
            date_of_birth,
            address: a.optional("address"),
            nicknames: lines(a.one("nicknames")),
            vehicle_registrations: lines(a.one("vehicle_registrations")),
        },
        probity_app::fresh_salt(),
    );
    let characteristics = probity_domain::imported::Characteristics {
        ethnicity: a.optional_code(
            "ethnicity",
            "Choose an ethnic group from the list, or not recorded",
            errors,
        ),
        source_ethnicity: None,
        sex: a.optional_code("sex", "Choose a sex from the list, or not recorded", errors),
        age_band: a.optional_code(
            "age_band",
            "Choose an age from the list, or not recorded",
            errors,
        ),
    };
    Some(Command::AddParty(AddParty {
        characteristics,
        role: role?,
        vulnerabilities,
        personal_data,
    }))
}

/// The lines of a text box, trimmed, without the empty ones.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

pub const ADD_ALLEGATION: Step = Step {
    slug: "add-allegation",
    kind: CommandKind::AddAllegation,
    title: "Add an allegation",
    guidance: "One allegation of what was done, against one or more of the people serving with the police, classified by the IOPC's categories (Guidance on the recording of complaints). Each subject on each allegation gets its own severity, opinion and determination.",
    submit: "Add the allegation",
    stages: probity_domain::stages::ALLEGATIONS,
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: allegation_fields,
    defaults: no_defaults,
    command: allegation_command,
};

fn allegation_fields(file: &CaseFile) -> Vec<Field> {
    vec![
        Field::checkboxes("subjects", "Against whom?", subjects(file)).hint(
            "Select everyone the allegation is made against; leave all unticked when they are not yet identified",
        ),
        Field::select(
            "category",
            "Category",
            SUBCATEGORIES
                .iter()
                .map(|s| choice(s.code, format!("{} {}: {}", s.code, s.category, s.name)))
                .collect(),
        ),
        Field::text("description", "What is alleged")
            .hint("In plain words, without the names of people who are not parties"),
    ]
}

fn allegation_command(a: &Answers, _: &CaseFile, errors: &mut Errors) -> Option<Command> {
    let mut subjects = Vec::new();
    for s in a.all("subjects") {
        match PartyId::parse(s) {
            Some(p) => subjects.push(p),
            None => errors.add("subjects", "Choose subjects from the list"),
        }
    }
    let category = CategoryCode::parse(a.one("category"))
        .map_err(|_| errors.add("category", "Choose the category"))
        .ok();
    let description = a.text("description", "Enter what is alleged", errors);
    Some(Command::AddAllegation(AddAllegation {
        subjects,
        category: category?,
        description,
        conduct_matter: None,
    }))
}

pub const REFER: Step = Step {
    slug: "refer",
    kind: CommandKind::Refer,
    title: "Refer the matter to the IOPC",
    guidance: "A matter that meets a mandatory referral criterion must be referred by the end of the day after the day it became clear it should be (Police Reform Act 2002 Sch 3 para 4; Police (Complaints and Misconduct) Regulations 2020 reg 4). The criteria the case's recording answers bring in are chosen for you.",
    submit: "Refer the matter",
    stages: probity_domain::stages::REFERABLE,
    when: force_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: refer_fields,
    defaults: refer_defaults,
    command: refer_command,
};

const CRITERIA: &[(MandatoryCriterion, &str)] = &[
    (
        MandatoryCriterion::DeathOrSeriousInjury,
        "Death or serious injury",
    ),
    (MandatoryCriterion::SeriousAssault, "A serious assault"),
    (
        MandatoryCriterion::SeriousSexualOffence,
        "A serious sexual offence",
    ),
    (
        MandatoryCriterion::SeriousCorruption,
        "Serious corruption, including abuse of position for a sexual purpose",
    ),
    (
        MandatoryCriterion::DiscriminationAggravated,
        "A criminal offence or behaviour aggravated by discrimination",
    ),
    (MandatoryCriterion::RelevantOffence, "A relevant offence"),
    (
        MandatoryCriterion::SameIncident,
        "The same incident as a matter that meets a criterion",
    ),
    (MandatoryCriterion::ChiefOfficer, "A chief officer"),
];

fn refer_fields(_: &CaseFile) -> Vec<Field> {
    let mut options: Vec<_> = CRITERIA
        .iter()
        .map(|(c, l)| choice(format!("mandatory:{}", code_of(c)), *l).hint(c.basis()))
        .collect();
    options.push(
        choice("voluntary", "A voluntary referral")
            .hint("For the gravity of the matter or exceptional circumstances (Sch 3 para 4(2))"),
    );
    options.push(
        choice("local_policing_body", "The local policing body refers it").hint("Sch 3 para 4(3)"),
    );
    options.push(
        choice("called_in", "The Director General required the referral")
            .hint("Sch 3 para 4(1)(c)"),
    );
    vec![Field::radios(
        "basis",
        "On what basis is it referred?",
        options,
    )]
}

fn refer_defaults(file: &CaseFile) -> Answers {
    let mut a = Answers::default();
    let met = CRITERIA.iter().find(|(c, _)| {
        let words = format!("{} (", code_of(c).replace('_', " "));
        file.mandatory_referral_criteria
            .iter()
            .any(|m| m.starts_with(&words))
    });
    match met {
        Some((c, _)) => a.set("basis", format!("mandatory:{}", code_of(c))),
        None => a.set("basis", "voluntary"),
    }
    a
}

fn refer_command(a: &Answers, _: &CaseFile, errors: &mut Errors) -> Option<Command> {
    let v = a.one("basis");
    let basis = match v.strip_prefix("mandatory:") {
        Some(c) => probity_domain::from_code(c).map(ReferralBasis::Mandatory),
        None => match v {
            "voluntary" => Some(ReferralBasis::Voluntary),
            "local_policing_body" => Some(ReferralBasis::LocalPolicingBody),
            "called_in" => Some(ReferralBasis::CalledIn),
            _ => None,
        },
    };
    if basis.is_none() {
        errors.add("basis", "Choose the basis of the referral");
    }
    Some(Command::Refer(Refer { basis: basis? }))
}

pub const DECIDE_REFERRAL: Step = Step {
    slug: "decide-referral",
    kind: CommandKind::DecideReferral,
    title: "Decide how the referral is handled",
    guidance: "The Director General decides whether the matter is investigated and, if so, in which mode, considering its seriousness and the public interest (Police Reform Act 2002 Sch 3 para 15). The mode decides who investigates, who determines, and who reports on timeliness.",
    submit: "Continue",
    stages: &[Status::Referred],
    when: oversight_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: decide_referral_fields,
    defaults: no_defaults,
    command: decide_referral_command,
};

fn decide_referral_fields(_: &CaseFile) -> Vec<Field> {
    vec![
        Field::radios(
            "decision",
            "What is decided?",
            vec![
                choice("independent", "An independent investigation")
                    .hint("By the IOPC's own investigators"),
                choice("directed", "A directed investigation")
                    .hint("By the force, under the IOPC's direction and control"),
                choice("local", "A local investigation").hint("By the force on its own behalf"),
                choice("return", "Return the matter to the force")
                    .hint("Investigation is not necessary; the force handles it as it decides"),
            ],
        ),
        Field::text("rationale", "The reasons for the decision"),
    ]
}

fn decide_referral_command(a: &Answers, _: &CaseFile, errors: &mut Errors) -> Option<Command> {
    let decision = match a.one("decision") {
        "return" => Some(ReferralDecision::ReturnToAppropriateAuthority),
        other => {
            probity_domain::from_code::<InvestigationMode>(other).map(ReferralDecision::Investigate)
        }
    };
    if decision.is_none() {
        errors.add("decision", "Choose what is decided");
    }
    let rationale = a.text("rationale", "Enter the reasons for the decision", errors);
    Some(Command::DecideReferral(DecideReferral {
        decision: decision?,
        rationale,
    }))
}

pub const START_LOCAL_INVESTIGATION: Step = Step {
    slug: "start-local-investigation",
    kind: CommandKind::StartLocalInvestigation,
    title: "Start a local investigation",
    guidance: "The appropriate authority investigates on its own behalf: a matter that was not referred, or that the IOPC returned (Police Reform Act 2002 Sch 3 paras 6 and 16). The investigation clocks start today.",
    submit: "Start the investigation",
    stages: probity_domain::stages::REFERABLE,
    when: force_only,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::StartLocalInvestigation(StartLocalInvestigation {})),
};

/// The complainants and interested persons: those kept informed.
fn informed(file: &CaseFile) -> Vec<super::Choice> {
    super::parties(file, &["complainant", "interested_person"])
}

pub const START_HANDLING: Step = Step {
    slug: "start-handling",
    kind: CommandKind::StartHandling,
    title: "Start handling the complaint",
    guidance: "Handling begins: the complainant is to be contacted and their views sought as soon as practicable (Police Reform Act 2002 Sch 3 para 2(6)). The first progress update falls due from today.",
    submit: "Start handling",
    stages: &[Status::Logged],
    when: force_only,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::StartHandling(StartHandling {})),
};

pub const CONTACT_COMPLAINANT: Step = Step {
    slug: "contact-complainant",
    kind: CommandKind::ContactComplainant,
    title: "Record contact with the complainant",
    guidance: "The complainant was contacted and, where it is the first contact, their views on how the complaint should be handled were sought (Police Reform Act 2002 Sch 3 para 2(6)).",
    submit: "Record the contact",
    stages: OPEN,
    when: force_only,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("party", "Who was contacted?", informed(file)),
            Field::checkboxes(
                "views_sought",
                "Their views",
                vec![choice("true", "Their views on the handling were sought")],
            ),
        ]
    },
    defaults: |_| {
        let mut a = Answers::default();
        a.set("views_sought", "true");
        a
    },
    command: |a, _, errors| {
        let party = a.party("party", "Choose who was contacted", errors)?;
        Some(Command::ContactComplainant(ContactComplainant {
            party,
            views_sought: a.yes("views_sought"),
        }))
    },
};

const OUTSIDE_OUTCOMES: &[(&str, &str)] = &[
    ("service_acceptable", "The service was acceptable"),
    ("service_not_acceptable", "The service was not acceptable"),
    (
        "resolved_to_complainants_satisfaction",
        "Resolved to the complainant's satisfaction",
    ),
];

pub const HANDLE_OUTSIDE_SCHEDULE3: Step = Step {
    slug: "handle-outside-schedule-3",
    kind: CommandKind::HandleOutsideSchedule3,
    title: "Handle outside Schedule 3",
    guidance: "A complaint may be handled outside Schedule 3, to the complainant's satisfaction, unless they want it recorded or it meets a ground that requires handling under the Schedule: a mandatory referral criterion, or conduct that might justify criminal or disciplinary proceedings (Police Reform Act 2002 Sch 3 para 2(6A) and (6B)).",
    submit: "Continue",
    stages: &[Status::Logged, Status::Assessed],
    when: force_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::checkboxes(
                "assessment",
                "What the complaint involves",
                crate::ui::record::QUESTIONS
                    .iter()
                    .map(|(name, label, hint)| choice(*name, *label).hint(*hint))
                    .collect(),
            )
            .hint("Select all that apply: any of them requires handling under Schedule 3"),
            Field::text("rationale", "Why it can be handled outside Schedule 3"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let rationale = a.text(
            "rationale",
            "Enter why it can be handled outside Schedule 3",
            errors,
        );
        let assessment = HandlingAssessment {
            might_justify_proceedings: a.has("assessment", "might_justify_proceedings"),
            article_2_or_3: a.has("assessment", "article_2_or_3"),
            serious_assault: a.has("assessment", "serious_assault"),
            relevant_offence: a.has("assessment", "relevant_offence"),
            same_incident: a.has("assessment", "same_incident"),
        };
        Some(Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment,
            rationale,
        }))
    },
};

pub const FINALISE_OUTSIDE_SCHEDULE3: Step = Step {
    slug: "finalise-outside-schedule-3",
    kind: CommandKind::FinaliseOutsideSchedule3,
    title: "Finalise handling outside Schedule 3",
    guidance: "The outcome of handling outside Schedule 3. The complainant may still ask for the complaint to be recorded afterwards (Police Reform Act 2002 Sch 3 para 2(6A)).",
    submit: "Finalise",
    stages: &[Status::HandledOutsideSchedule3],
    when: force_only,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![Field::radios(
            "outcome",
            "What was the outcome?",
            OUTSIDE_OUTCOMES
                .iter()
                .map(|(v, l)| choice(*v, *l))
                .collect(),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let outcome = a.code::<OutsideOutcome>("outcome", "Choose the outcome", errors)?;
        Some(Command::FinaliseOutsideSchedule3(
            FinaliseOutsideSchedule3 { outcome },
        ))
    },
};

pub const HANDLE_OTHERWISE: Step = Step {
    slug: "handle-otherwise",
    kind: CommandKind::HandleOtherwiseThanByInvestigation,
    title: "Handle otherwise than by investigation",
    guidance: "A recorded complaint that need not be investigated is handled otherwise, in a reasonable and proportionate way (Police Reform Act 2002 Sch 3 para 6(2A)). A matter that must be referred cannot be handled so until the IOPC returns it.",
    submit: "Continue",
    stages: probity_domain::stages::REFERABLE,
    when: force_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("rationale", "Why investigation is not needed")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let rationale = a.text("rationale", "Enter why investigation is not needed", errors);
        Some(Command::HandleOtherwiseThanByInvestigation(
            HandleOtherwiseThanByInvestigation { rationale },
        ))
    },
};

pub const DECIDE_OUTCOME: Step = Step {
    slug: "decide-outcome",
    kind: CommandKind::DecideOutcome,
    title: "Decide the outcome of the handling",
    guidance: "Whether the service was acceptable, with the reasons: what the complainant is told, with their right of review (Police (Complaints and Misconduct) Regulations 2020 reg 29).",
    submit: "Continue",
    stages: &[Status::HandledOtherwise],
    when: force_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::radios(
                "outcome",
                "What is the outcome?",
                vec![
                    choice("service_acceptable", "The service was acceptable"),
                    choice("service_not_acceptable", "The service was not acceptable"),
                    choice("no_further_action", "No further action"),
                ],
            ),
            Field::text("rationale", "The reasons"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let outcome = a.code::<HandlingOutcome>("outcome", "Choose the outcome", errors);
        let rationale = a.text("rationale", "Enter the reasons", errors);
        Some(Command::DecideOutcome(DecideOutcome {
            outcome: outcome?,
            rationale,
        }))
    },
};

pub const RECORD_CONDUCT_MATTER: Step = Step {
    slug: "record-conduct-matter",
    kind: CommandKind::RecordConductMatter,
    title: "Record a conduct matter found during the investigation",
    guidance: "Conduct that comes to light during the investigation of a complaint and is not part of it is recorded as a conduct matter (Police Reform Act 2002 Sch 3 paras 10 and 11); its allegations are then added to it.",
    submit: "Record the conduct matter",
    stages: &[Status::UnderInvestigation, Status::Suspended],
    when: super::investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("summary", "What came to light")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let summary = a.text("summary", "Enter what came to light", errors);
        Some(Command::RecordConductMatter(RecordConductMatter {
            summary,
        }))
    },
};

pub const UPDATE_PARTY: Step = Step {
    slug: "record-update",
    kind: CommandKind::UpdateParty,
    title: "Record an update given another way",
    guidance: "An update given by telephone or in person rather than by a letter from this service: it counts as the update it is for the clocks (Police (Complaints and Misconduct) Regulations 2020 regs 33 and 34). Letters sent from the case file record themselves.",
    submit: "Record the update",
    stages: OPEN,
    when: |_, b| b != Body::LocalPolicingBody,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("party", "Who was updated?", informed(file)),
            Field::radios(
                "kind",
                "What was the update?",
                vec![
                    choice("progress", "Progress"),
                    choice("outcome", "The outcome"),
                    choice("review_rights", "Their right of review"),
                    choice("criminal_proceedings", "Criminal proceedings"),
                ],
            ),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let party = a.party("party", "Choose who was updated", errors);
        let kind = a.code::<UpdateKind>("kind", "Choose what the update was", errors);
        Some(Command::UpdateParty(UpdateParty {
            party: party?,
            kind: kind?,
        }))
    },
};

pub const WITHDRAW: Step = Step {
    slug: "withdraw",
    kind: CommandKind::Withdraw,
    title: "Record a withdrawal",
    guidance: "The complainant withdrew the complaint. The appropriate authority decides whether it continues as a conduct matter in the public interest (Police (Complaints and Misconduct) Regulations 2020 regs 38 and 39).",
    submit: "Continue",
    stages: OPEN,
    when: any_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![Field::checkboxes(
            "continue_as_conduct_matter",
            "Public interest",
            vec![choice("true", "It continues as a conduct matter")],
        )]
    },
    defaults: no_defaults,
    command: |a, _, _| {
        Some(Command::Withdraw(Withdraw {
            continue_as_conduct_matter: a.yes("continue_as_conduct_matter"),
        }))
    },
};

pub const ERASE_PERSONAL_DATA: Step = Step {
    slug: "erase-personal-data",
    kind: CommandKind::ErasePersonalData,
    title: "Erase a person's personal data",
    guidance: "The person's name and contact details are destroyed; the record keeps that they were a party, and the hash chain still proves the record. This cannot be undone.",
    submit: "Continue",
    stages: probity_domain::stages::ANY,
    when: any_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let people = file
            .parties
            .iter()
            .filter(|p| p.name.is_some())
            .map(|p| choice(&p.party, super::subject_name(file, &p.party)).hint(&p.role))
            .collect();
        vec![
            Field::radios("party", "Whose personal data?", people),
            Field::text("reason", "Why it is erased")
                .hint("The lawful basis, without personal data"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let party = a.party("party", "Choose whose personal data is erased", errors);
        let reason = a.text("reason", "Enter why it is erased", errors);
        Some(Command::ErasePersonalData(ErasePersonalData {
            party: party?,
            reason,
        }))
    },
};
