//! The rules: a command checked against a case's state yields events or a refusal.
//! One file per stage of the process, one function per command.

mod aftercare;
pub(crate) use aftercare::entitled_to_updates;
mod imported;
mod intake;
mod investigation;
mod need_to_know;
mod outcome;
mod publishing;

use jiff::civil::Date;

use crate::case::{Allegation, Case, Investigation, Party, Status};
use crate::command::Command;
use crate::event::Event;
use crate::ids::{AllegationId, PartyId};
use crate::party::{PartyRole, SealedPersonalData, SubjectProfile};
use crate::rule::{Refusal, Rule, refuse};
use crate::{Body, Context};

/// What an accepted command yields: the events to append, and the personal data to store or
/// erase beside them in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    pub events: Vec<Event>,
    pub personal_data: Vec<(PartyId, SealedPersonalData)>,
    pub erase: Vec<PartyId>,
}

impl Decision {
    fn one(event: impl Into<Event>) -> Result<Decision, Refusal> {
        Ok(Decision {
            events: vec![event.into()],
            ..Decision::default()
        })
    }
}

/// The rule of one command: checks it against the case and says what it yields. Each command's
/// rule is in the stage file named in `command.rs`.
pub(crate) trait Decide {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal>;
}

/// Checks `command` against `case` and, if every rule holds, returns what it yields.
pub fn decide(case: &Case, command: &Command, ctx: &Context) -> Result<Decision, Refusal> {
    // The day the act happened: never in the future, never before the matter was received.
    let (on, today) = (ctx.on(), ctx.today());
    if on > today {
        return refuse(
            Rule::DateOutOfRange,
            format!("{on} is in the future (today is {today})"),
        );
    }
    if on < EARLIEST {
        return refuse(
            Rule::DateOutOfRange,
            format!("{on} is before {EARLIEST}, the earliest date a record may carry"),
        );
    }
    if let Command::LogMatter(log) = command {
        if on < log.received_on {
            return Err(Refusal::new(
                Rule::DateOutOfRange,
                format!(
                    "a matter received on {} cannot be logged on {on}",
                    log.received_on
                ),
            )
            .on("received_on"));
        }
        return command.rule().decide(case, ctx);
    }
    // An imported item is not a case at a stage: its own rule says what may come in.
    if let Command::ImportPublication(_) | Command::ImportRecord(_) = command {
        return command.rule().decide(case, ctx);
    }
    let Some(matter) = case.matter() else {
        return refuse(
            Rule::CaseNotOpen,
            "no matter has been logged under this reference",
        );
    };
    if matter.kind == crate::matter::MatterKind::LearningProgramme && !programme_step(command) {
        return refuse(
            Rule::WrongStage,
            format!(
                "a thematic or national learning programme holds recommendations only; it cannot {}",
                command.name().replace('_', " ")
            ),
        );
    }
    if on < matter.received_on {
        return refuse(
            Rule::DateOutOfRange,
            format!(
                "{on} is before the matter was received on {}",
                matter.received_on
            ),
        );
    }
    command.rule().decide(case, ctx)
}

/// The steps a learning programme takes: its recommendations and who may see it.
fn programme_step(command: &Command) -> bool {
    use crate::command::CommandKind as K;
    matches!(
        command.kind(),
        K::MakeLearningRecommendation
            | K::RecordLearningResponse
            | K::ExtendResponsePeriod
            | K::PublishLearningResponse
            | K::CloseRecommendation
            | K::RestrictCase
            | K::LiftRestriction
            | K::AssignToTeam
            | K::RemoveFromTeam
            | K::GrantAccess
    )
}

// ---- helpers shared by the stages ----

fn stage(case: &Case, allowed: &[Status], step: &str) -> Result<(), Refusal> {
    if allowed.contains(&case.status) {
        return Ok(());
    }
    let allowed: Vec<_> = allowed.iter().map(|s| s.code()).collect();
    refuse(
        Rule::WrongStage,
        format!(
            "cannot {step} while the case is {}; this step belongs to: {}",
            case.status.code(),
            allowed.join(", ")
        ),
    )
}

fn not_terminal(case: &Case, step: &str) -> Result<(), Refusal> {
    if case.status.is_terminal() {
        return refuse(
            Rule::WrongStage,
            format!("cannot {step}: the case is {}", case.status.code()),
        );
    }
    Ok(())
}

fn by(ctx: &Context, allowed: &[Body], step: &str) -> Result<(), Refusal> {
    if allowed.contains(&ctx.actor.body) {
        return Ok(());
    }
    let names: Vec<_> = allowed.iter().map(|b| b.label()).collect();
    refuse(
        Rule::WrongBody,
        format!(
            "only the {} may {step}, not the {}",
            names.join(" or "),
            ctx.actor.body.label()
        ),
    )
}

fn text(field: &'static str, value: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        return Err(Refusal::new(Rule::MissingText, format!("{field} is required")).on(field));
    }
    Ok(())
}

fn party(case: &Case, id: PartyId) -> Result<&Party, Refusal> {
    case.parties.get(&id).ok_or_else(|| {
        Refusal::new(
            Rule::UnknownParty,
            format!("{id} is not a party to this case"),
        )
    })
}

fn subject(case: &Case, id: PartyId) -> Result<&SubjectProfile, Refusal> {
    party(case, id)?
        .subject_profile()
        .ok_or_else(|| Refusal::new(Rule::NotASubject, format!("{id} is not a subject")))
}

fn allegation(case: &Case, id: AllegationId) -> Result<&Allegation, Refusal> {
    case.allegations.get(&id).ok_or_else(|| {
        Refusal::new(
            Rule::UnknownAllegation,
            format!("{id} is not an allegation on this case"),
        )
    })
}

fn investigation<'a>(case: &'a Case, step: &str) -> Result<&'a Investigation, Refusal> {
    case.investigation.as_ref().ok_or_else(|| {
        Refusal::new(
            Rule::WrongStage,
            format!("cannot {step}: there is no investigation"),
        )
    })
}

fn is_complainant(case: &Case, id: PartyId) -> bool {
    match case.parties.get(&id).map(|p| &p.role) {
        Some(PartyRole::Complainant { .. }) => true,
        Some(PartyRole::Representative { on_behalf_of }) => {
            matches!(
                case.parties.get(on_behalf_of).map(|p| &p.role),
                Some(PartyRole::Complainant { .. })
            )
        }
        _ => false,
    }
}

/// The earliest date any record may carry: before it a date is a typing slip (`0000-01-01`,
/// `1800-01-01`), not history. Imported records of other systems begin long after it.
pub const EARLIEST: Date = jiff::civil::date(1900, 1, 1);

/// The stages at which the steps a caseworker's page offers may be taken: the rules below
/// check them, and a page asks the same lists before offering a form.
pub mod stages {
    use crate::{Body, Status};

    /// The bodies that record a matter (Sch3 paras 2, 10): never the oversight body.
    pub const RECORDERS: &[Body] = &[Body::AppropriateAuthority, Body::LocalPolicingBody];

    /// An investigation is running, not suspended: evidence is gathered, the report submitted.
    pub const INVESTIGATION_ACTIVE: &[Status] = &[Status::UnderInvestigation];

    /// An investigation is running (or suspended): its record is kept, severity assessed.
    pub const INVESTIGATION_OPEN: &[Status] = &[Status::UnderInvestigation, Status::Suspended];

    /// The matter may be recorded. The complainant may ask for recording at any time, also
    /// after handling outside Schedule 3 was finalised (para 2(6A)).
    pub const RECORDING: &[Status] = &[
        Status::Logged,
        Status::Assessed,
        Status::HandledOutsideSchedule3,
        Status::FinalisedOutsideSchedule3,
    ];

    /// A recorded matter the appropriate authority refers, investigates locally or handles
    /// otherwise (Sch3 paras 4, 6, 16).
    pub const REFERABLE: &[Status] = &[Status::Recorded, Status::ReturnedToAppropriateAuthority];

    /// Allegations are added until the report.
    pub const ALLEGATIONS: &[Status] = &[
        Status::Logged,
        Status::Assessed,
        Status::HandledOutsideSchedule3,
        Status::Recorded,
        Status::Referred,
        Status::ReturnedToAppropriateAuthority,
        Status::UnderInvestigation,
        Status::Suspended,
        Status::HandledOtherwise,
    ];

    /// From the investigation report on.
    pub const AFTER_REPORT: &[Status] = &[
        Status::ReportSubmitted,
        Status::Determined,
        Status::ActionsInProgress,
        Status::OutcomeNotified,
        Status::UnderReview,
        Status::Closed,
    ];

    /// Agreed proceedings run until they conclude. The outcome waits for them (aftercare.rs),
    /// but logs written before that rule may hold a notified outcome with proceedings still to
    /// hold: they can still conclude, so that every case can reach publication. Reflective
    /// practice runs at the same stages.
    pub const PROCEEDINGS: &[Status] = &[
        Status::ActionsInProgress,
        Status::OutcomeNotified,
        Status::UnderReview,
    ];

    /// A case is open: logged and not closed, withdrawn or finalised.
    pub const OPEN: &[Status] = &[
        Status::Logged,
        Status::Assessed,
        Status::HandledOutsideSchedule3,
        Status::Recorded,
        Status::Referred,
        Status::ReturnedToAppropriateAuthority,
        Status::UnderInvestigation,
        Status::Suspended,
        Status::ReportSubmitted,
        Status::Determined,
        Status::ActionsInProgress,
        Status::HandledOtherwise,
        Status::OutcomeNotified,
        Status::UnderReview,
    ];

    /// Every stage of a logged case, closed and withdrawn ones too.
    pub const ANY: &[Status] = &[
        Status::Logged,
        Status::Assessed,
        Status::HandledOutsideSchedule3,
        Status::FinalisedOutsideSchedule3,
        Status::Recorded,
        Status::Referred,
        Status::ReturnedToAppropriateAuthority,
        Status::UnderInvestigation,
        Status::Suspended,
        Status::ReportSubmitted,
        Status::Determined,
        Status::ActionsInProgress,
        Status::HandledOtherwise,
        Status::OutcomeNotified,
        Status::UnderReview,
        Status::Closed,
        Status::Withdrawn,
    ];

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_open_and_any_lists_are_what_their_names_say() {
            let logged: Vec<Status> = Status::ALL
                .iter()
                .copied()
                .filter(|s| *s != Status::New)
                .collect();
            assert_eq!(ANY, logged.as_slice());
            let open: Vec<Status> = logged.into_iter().filter(|s| !s.is_terminal()).collect();
            assert_eq!(OPEN, open.as_slice());
        }
    }
}

/// A date of the past (or today), and not before [`EARLIEST`].
fn not_after(today: Date, field: &'static str, date: Date) -> Result<(), Refusal> {
    let out_of_range = |detail: String| Err(Refusal::new(Rule::DateOutOfRange, detail).on(field));
    if date < EARLIEST {
        return out_of_range(format!(
            "{field} {date} is before {EARLIEST}, the earliest date a record may carry"
        ));
    }
    if date > today {
        return out_of_range(format!(
            "{field} {date} is in the future (today is {today})"
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
