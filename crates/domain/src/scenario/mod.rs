//! Scripted cases: the reference scenario (the published case 2020/134541, told with invented
//! names, `reference.rs`) and a deterministic generator of synthetic cases at every stage
//! (`synthetic.rs`). Used by tests, the demo database and benchmarks. Pure: salts for personal
//! data come from the caller.

mod reference;
mod synthetic;

pub use reference::{REFERENCE_CASE, REFERENCE_TITLE, reference_case};
pub use synthetic::{Depth, synthetic_case};

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
}

impl Script<'_> {
    fn ok(&mut self, on: Date, actor: &Actor, command: Command) {
        self.push(on, actor, command, None);
    }

    fn refused(&mut self, on: Date, actor: &Actor, command: Command, rule: Rule) {
        self.push(on, actor, command, Some(rule));
    }

    fn push(&mut self, on: Date, actor: &Actor, command: Command, refused_by: Option<Rule>) {
        self.steps.push(Step {
            context: Context {
                at: morning(on),
                actor: actor.clone(),
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
        let sealed = SealedPersonalData::new(
            PersonalData {
                name: name.to_string(),
                contact: None,
                date_of_birth: None,
                address: None,
            },
            (self.salt)(),
        );
        self.ok(
            on,
            actor,
            Command::AddParty(AddParty {
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
