//! Scripted cases: the reference scenario (the published case 2020/134541, told with invented
//! names, `reference.rs`) and a deterministic generator of synthetic cases at every stage
//! (`synthetic.rs`). Used by tests, the demo database and benchmarks. Pure: salts for personal
//! data come from the caller.

mod reference;
mod synthetic;

pub use reference::{REFERENCE_CASE, REFERENCE_TITLE, reference_case};
pub use synthetic::{Depth, Rng, synthetic_case};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::category::CategoryCode;
use crate::command::*;
use crate::conduct::{CaseToAnswer, Finding, FurtherAction};
use crate::force::Force;
use crate::ids::{AllegationId, PartyId};
use crate::party::{
    PartyRole, PersonalData, SealedPersonalData, SubjectKind, SubjectProfile, Vulnerability,
};
use crate::rule::Rule;
use crate::{Actor, Body, Context, london};

/// One scripted command, and whether it must be refused.
#[derive(Debug, Clone)]
pub struct Step {
    pub context: Context,
    pub command: Command,
    /// `Some(rule)`: the step is a mistake the rules must refuse with that rule.
    pub refused_by: Option<Rule>,
}

/// Ten in the morning, London time, on `day`.
pub fn morning(day: Date) -> Timestamp {
    london()
        .to_timestamp(day.at(10, 0, 0, 0))
        .expect("a valid London time")
}

struct Script<'a> {
    steps: Vec<Step>,
    salt: &'a mut dyn FnMut() -> [u8; 16],
    /// Steps due on a day, written before the first step dated after it (the duties that recur
    /// through a case, such as progress updates).
    scheduled: Vec<(Date, Actor, Command)>,
}

impl Script<'_> {
    fn new(salt: &mut dyn FnMut() -> [u8; 16]) -> Script<'_> {
        Script {
            steps: Vec::new(),
            salt,
            scheduled: Vec::new(),
        }
    }

    fn schedule(&mut self, on: Date, actor: &Actor, command: Command) {
        self.scheduled.push((on, actor.clone(), command));
        self.scheduled.sort_by_key(|(d, _, _)| *d);
    }

    /// Writes the scheduled steps due before `day` (all of them with `None`).
    fn flush(&mut self, day: Option<Date>) {
        while let Some((due, _, _)) = self.scheduled.first()
            && day.is_none_or(|d| *due < d)
        {
            let (due, actor, command) = self.scheduled.remove(0);
            self.write(due, &actor, command, None);
        }
    }

    fn finish(mut self) -> Vec<Step> {
        self.flush(None);
        self.steps
    }

    fn ok(&mut self, on: Date, actor: &Actor, command: Command) {
        self.push(on, actor, command, None);
    }

    fn refused(&mut self, on: Date, actor: &Actor, command: Command, rule: Rule) {
        self.push(on, actor, command, Some(rule));
    }

    fn push(&mut self, on: Date, actor: &Actor, command: Command, refused_by: Option<Rule>) {
        self.flush(Some(on));
        self.write(on, actor, command, refused_by);
    }

    fn write(&mut self, on: Date, actor: &Actor, command: Command, refused_by: Option<Rule>) {
        self.steps.push(Step {
            context: Context {
                at: morning(on),
                actor: actor.clone(),
                on: None,
                records: Vec::new(),
                identifiers: Vec::new(),
            },
            command,
            refused_by,
        });
    }

    fn party(
        &mut self,
        on: Date,
        actor: &Actor,
        role: PartyRole,
        name: &str,
        vulnerabilities: Vec<Vulnerability>,
    ) {
        self.party_described(on, actor, role, name, vulnerabilities, Default::default());
    }

    /// A party with the characteristics recorded of them.
    fn party_described(
        &mut self,
        on: Date,
        actor: &Actor,
        role: PartyRole,
        name: &str,
        vulnerabilities: Vec<Vulnerability>,
        characteristics: crate::imported::Characteristics,
    ) {
        let sealed = SealedPersonalData::new(
            PersonalData {
                name: name.to_string(),
                contact: None,
                date_of_birth: None,
                address: None,
                nicknames: Vec::new(),
                vehicle_registrations: Vec::new(),
            },
            (self.salt)(),
        );
        self.ok(
            on,
            actor,
            Command::AddParty(AddParty {
                characteristics,
                role,
                vulnerabilities,
                personal_data: sealed,
            }),
        );
    }
}

fn actor(id: &str, body: Body) -> Actor {
    Actor {
        id: id.to_string(),
        body,
    }
}

fn officer(force: Force, rank: &str, number: &str) -> PartyRole {
    PartyRole::Subject(SubjectProfile {
        kind: SubjectKind::Officer,
        rank: Some(rank.to_string()),
        service_number: Some(number.to_string()),
        force,
        former: false,
        senior_officer: false,
        chief_officer: false,
        prior_sanctions: Vec::new(),
    })
}

fn code(c: &str) -> CategoryCode {
    CategoryCode::parse(c).expect("a code from the table")
}

pub(crate) fn finding(
    subject: u32,
    allegation: u32,
    cta: CaseToAnswer,
    rationale: &str,
) -> Finding {
    Finding {
        subject: PartyId(subject),
        allegation: AllegationId(allegation),
        case_to_answer: cta,
        performance_unsatisfactory: false,
        further_action: FurtherAction::None,
        rationale: rationale.to_string(),
    }
}
