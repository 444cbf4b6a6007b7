//! The steps of the investigation's record (the rules in decide/investigation.rs).

use probity_app::CaseFile;
use probity_domain::command::{
    CommandKind, ExhibitEvidence, RecordInterview, Resume, ServeNotice, SetTermsOfReference,
    SubmitReport, Suspend,
};
use probity_domain::stages::INVESTIGATION_OPEN;
use probity_domain::{Command, PartyId, Status};

use super::{
    Answers, Field, Step, any_body, choice, investigating_body, no_defaults, subject_name, subjects,
};
use crate::ui::form::Errors;

const ACTIVE: &[Status] = &[Status::UnderInvestigation];

pub const TERMS_OF_REFERENCE: Step = Step {
    slug: "terms-of-reference",
    kind: CommandKind::SetTermsOfReference,
    title: "Set the terms of reference",
    guidance: "What the investigation will look into: the complainant is told of them, and new terms replace the old with the change recorded (Statutory Guidance on the police complaints system, chapter 12).",
    submit: "Set the terms of reference",
    stages: INVESTIGATION_OPEN,
    when: investigating_body,
    check: false,
    fields: |_| vec![Field::text("text", "The terms of reference")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let text = a.text("text", "Enter the terms of reference", errors);
        Some(Command::SetTermsOfReference(SetTermsOfReference { text }))
    },
};

fn party(a: &Answers, name: &str, missing: &str, errors: &mut Errors) -> Option<PartyId> {
    let p = PartyId::parse(a.one(name));
    if p.is_none() {
        errors.add(name, missing);
    }
    p
}

pub const SERVE_NOTICE: Step = Step {
    slug: "serve-notice",
    kind: CommandKind::ServeNotice,
    title: "Serve a written notice",
    guidance: "A person serving with the police whose conduct is investigated is told in writing, as soon as practicable after the severity assessment, of the allegation, its severity and their rights (Police (Conduct) Regulations 2020 reg 17). Serve again after a new assessment.",
    submit: "Record the notice as served",
    stages: INVESTIGATION_OPEN,
    when: investigating_body,
    check: false,
    fields: |file| {
        vec![Field::radios(
            "subject",
            "To whom was the notice served?",
            subjects(file),
        )]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let subject = party(a, "subject", "Choose who the notice was served on", errors)?;
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
        let party = party(a, "party", "Choose who was interviewed", errors);
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
    fields: |_| vec![Field::text("summary", "A summary of the report")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let summary = a.text("summary", "Enter a summary of the report", errors);
        Some(Command::SubmitReport(SubmitReport { summary }))
    },
};
