//! The steps of the investigation's record (the rules in decide/investigation.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    ChangeMode, CommandKind, ExhibitEvidence, LiftOfficerSuspension, RecordInterview, Resume,
    ServeNotice, SetTermsOfReference, SubmitReport, Suspend, SuspendOfficer, TakeWitnessAccount,
    TransferCustody,
};
use probity_domain::conduct::SuspensionGround;
use probity_domain::referral::InvestigationMode;
use probity_domain::stages::INVESTIGATION_OPEN;
use probity_domain::{Command, Status};

use super::{
    Field, Step, any_body, choice, investigating_body, no_defaults, subject_name, subjects,
};

use probity_domain::stages::INVESTIGATION_ACTIVE as ACTIVE;

pub const TERMS_OF_REFERENCE: Step = Step {
    slug: "terms-of-reference",
    kind: CommandKind::SetTermsOfReference,
    title: "Set the terms of reference",
    guidance: "What the investigation will look into: the complainant is told of them, and new terms replace the old with the change recorded (Statutory Guidance on the police complaints system, chapter 12).",
    submit: "Set the terms of reference",
    stages: INVESTIGATION_OPEN,
    when: investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("text", "The terms of reference")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let text = a.text("text", "Enter the terms of reference", errors);
        Some(Command::SetTermsOfReference(SetTermsOfReference { text }))
    },
};

pub const SERVE_NOTICE: Step = Step {
    slug: "serve-notice",
    kind: CommandKind::ServeNotice,
    title: "Serve a written notice",
    guidance: "A person serving with the police whose conduct is investigated is told in writing, as soon as practicable after the severity assessment, of the allegation, its severity and their rights (Police (Conduct) Regulations 2020 reg 17). Serve again after a new assessment.",
    submit: "Record the notice as served",
    stages: INVESTIGATION_OPEN,
    when: investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![Field::radios(
            "subject",
            "To whom was the notice served?",
            subjects(file),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose who the notice was served on", errors)?;
        Some(Command::ServeNotice(ServeNotice { subject }))
    },
};

fn everyone(file: &CaseFile) -> Vec<super::Choice> {
    file.parties
        .iter()
        .map(|p| choice(&p.party, subject_name(file, &p.party)).hint(&p.role))
        .collect()
}

pub const RECORD_INTERVIEW: Step = Step {
    slug: "record-interview",
    kind: CommandKind::RecordInterview,
    title: "Record an interview",
    guidance: "An interview of a subject (Police (Conduct) Regulations 2020 reg 22) or of anyone else the investigation hears, with what was said in summary.",
    submit: "Record the interview",
    stages: ACTIVE,
    when: investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("party", "Who was interviewed?", everyone(file)),
            Field::checkboxes(
                "under_caution",
                "Caution",
                vec![choice("true", "The interview was under criminal caution")],
            ),
            Field::text("summary", "A summary of the interview"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let party = a.party("party", "Choose who was interviewed", errors);
        let summary = a.text("summary", "Enter a summary of the interview", errors);
        Some(Command::RecordInterview(RecordInterview {
            party: party?,
            under_caution: a.yes("under_caution"),
            summary,
        }))
    },
};

pub const EXHIBIT_EVIDENCE: Step = Step {
    slug: "exhibit-evidence",
    kind: CommandKind::ExhibitEvidence,
    title: "Record an exhibit",
    guidance: "Each item of evidence gets an exhibit reference and a custodian, and every transfer after is recorded, so that its chain of custody can be shown.",
    submit: "Record the exhibit",
    stages: ACTIVE,
    when: investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::line("exhibit", "Exhibit reference").hint("For example, JB/1"),
            Field::text("description", "What it is"),
            Field::line("custodian", "Who holds it"),
            Field::line("sha256", "SHA-256 digest of a digital exhibit (optional)")
                .hint("64 hexadecimal characters: proves later that the content is unchanged"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let exhibit = a.text("exhibit", "Enter the exhibit reference", errors);
        let description = a.text("description", "Enter what the exhibit is", errors);
        let custodian = a.text("custodian", "Enter who holds the exhibit", errors);
        Some(Command::ExhibitEvidence(ExhibitEvidence {
            exhibit,
            description,
            sha256: a.optional("sha256"),
            custodian,
        }))
    },
};

pub const SUSPEND: Step = Step {
    slug: "suspend",
    kind: CommandKind::Suspend,
    title: "Suspend the investigation",
    guidance: "An investigation may be suspended while criminal proceedings could be prejudiced (Police (Complaints and Misconduct) Regulations 2020 reg 12). The clocks the rules name pause until it resumes.",
    submit: "Suspend the investigation",
    stages: ACTIVE,
    when: any_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("reason", "Why is it suspended?")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let reason = a.text("reason", "Enter why the investigation is suspended", errors);
        Some(Command::Suspend(Suspend { reason }))
    },
};

pub const RESUME: Step = Step {
    slug: "resume",
    kind: CommandKind::Resume,
    title: "Resume the investigation",
    guidance: "The investigation goes on from today; the clocks that paused run again.",
    submit: "Resume the investigation",
    stages: &[Status::Suspended],
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| Vec::new(),
    defaults: no_defaults,
    command: |_, _, _| Some(Command::Resume(Resume {})),
};

pub const SUBMIT_REPORT: Step = Step {
    slug: "submit-report",
    kind: CommandKind::SubmitReport,
    title: "Submit the investigation report",
    guidance: "The report summarises the evidence and gives the investigator's opinion on each subject on each allegation, recorded next (Police Reform Act 2002 Sch 3 paras 22 and 23; Police (Conduct) Regulations 2020 reg 23). No investigation work is recorded after it.",
    submit: "Continue",
    stages: ACTIVE,
    when: investigating_body,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("summary", "A summary of the report")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let summary = a.text("summary", "Enter a summary of the report", errors);
        Some(Command::SubmitReport(SubmitReport { summary }))
    },
};

pub const TRANSFER_CUSTODY: Step = Step {
    slug: "transfer-custody",
    kind: CommandKind::TransferCustody,
    title: "Record a transfer of an exhibit",
    guidance: "Every movement of an exhibit is recorded, from whom to whom and why, so that its chain of custody is unbroken.",
    submit: "Record the transfer",
    stages: ACTIVE,
    when: |file, body| {
        investigating_body(file, body)
            && file
                .investigation
                .as_ref()
                .is_some_and(|i| !i.exhibits.is_empty())
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let exhibits = file
            .investigation
            .iter()
            .flat_map(|i| &i.exhibits)
            .map(|e| {
                choice(&e.exhibit, format!("{}: {}", e.exhibit, e.description))
                    .hint(format!("Held by {}", e.custodian))
            })
            .collect();
        vec![
            Field::radios("exhibit", "Which exhibit?", exhibits),
            Field::line("from", "From whom"),
            Field::line("to", "To whom"),
            Field::line("purpose", "Why").hint("For example, forensic examination"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let exhibit = a.text("exhibit", "Choose the exhibit", errors);
        let from = a.text("from", "Enter who handed it over", errors);
        let to = a.text("to", "Enter who received it", errors);
        let purpose = a.text("purpose", "Enter why it moved", errors);
        Some(Command::TransferCustody(TransferCustody {
            exhibit,
            from,
            to,
            purpose,
        }))
    },
};

pub const TAKE_WITNESS_ACCOUNT: Step = Step {
    slug: "witness-account",
    kind: CommandKind::TakeWitnessAccount,
    title: "Record an account taken",
    guidance: "An account taken from a witness or another party, in summary.",
    submit: "Record the account",
    stages: ACTIVE,
    when: investigating_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("party", "From whom?", everyone(file)),
            Field::text("summary", "A summary of the account"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let party = a.party("party", "Choose whom the account was taken from", errors);
        let summary = a.text("summary", "Enter a summary of the account", errors);
        Some(Command::TakeWitnessAccount(TakeWitnessAccount {
            party: party?,
            summary,
        }))
    },
};

pub const CHANGE_MODE: Step = Step {
    slug: "change-mode",
    kind: CommandKind::ChangeMode,
    title: "Change the mode of investigation",
    guidance: "The Director General may redetermine the form of an investigation as it goes (Police Reform Act 2002 Sch 3 para 15(5)). Who investigates, who determines and who reports on timeliness follow the new mode.",
    submit: "Continue",
    stages: INVESTIGATION_OPEN,
    when: super::oversight_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::radios(
                "to",
                "The new mode",
                vec![
                    choice("independent", "An independent investigation"),
                    choice("directed", "A directed investigation"),
                    choice("local", "A local investigation"),
                ],
            ),
            Field::text("reason", "Why it changes"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let to = a.code::<InvestigationMode>("to", "Choose the new mode", errors);
        let reason = a.text("reason", "Enter why the mode changes", errors);
        Some(Command::ChangeMode(ChangeMode { to: to?, reason }))
    },
};

pub const SUSPEND_OFFICER: Step = Step {
    slug: "suspend-officer",
    kind: CommandKind::SuspendOfficer,
    title: "Suspend an officer",
    guidance: "An officer may be suspended only after temporary redeployment to alternative duties has been considered, where the investigation may be prejudiced or the public interest requires it (Police (Conduct) Regulations 2020 reg 11). Suspension is reviewed at least every four weeks.",
    submit: "Continue",
    stages: probity_domain::stages::OPEN,
    when: super::force_only,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        vec![
            Field::radios("subject", "Which officer?", subjects(file)),
            Field::radios(
                "ground",
                "On what ground?",
                vec![
                    choice(
                        "investigation_prejudiced",
                        "The investigation may be prejudiced",
                    ),
                    choice("public_interest", "The public interest requires it"),
                ],
            )
            .hint("Police (Conduct) Regulations 2020 reg 11(2); the wording is to be verified"),
            Field::checkboxes(
                "redeployment_considered",
                "Redeployment",
                vec![choice(
                    "true",
                    "Temporary redeployment to alternative duties was considered first",
                )],
            ),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose the officer", errors);
        let ground = a.code::<SuspensionGround>("ground", "Choose the ground", errors);
        Some(Command::SuspendOfficer(SuspendOfficer {
            subject: subject?,
            ground: ground?,
            redeployment_considered: a.yes("redeployment_considered"),
        }))
    },
};

pub const LIFT_OFFICER_SUSPENSION: Step = Step {
    slug: "lift-officer-suspension",
    kind: CommandKind::LiftOfficerSuspension,
    title: "Lift an officer's suspension",
    guidance: "The officer returns to duty, or to alternative duties.",
    submit: "Lift the suspension",
    stages: probity_domain::stages::OPEN,
    when: |file, body| {
        super::force_only(file, body)
            && file
                .subjects
                .iter()
                .any(|s| s.suspensions.iter().any(|x| x.until.is_none()))
    },
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |file| {
        let suspended = file
            .subjects
            .iter()
            .filter(|s| s.suspensions.iter().any(|x| x.until.is_none()))
            .map(|s| choice(&s.party, subject_name(file, &s.party)))
            .collect();
        vec![Field::radios("subject", "Which officer?", suspended)]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = a.party("subject", "Choose the officer", errors)?;
        Some(Command::LiftOfficerSuspension(LiftOfficerSuspension {
            subject,
        }))
    },
};
