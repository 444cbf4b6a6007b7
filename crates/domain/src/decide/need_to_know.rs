//! Need-to-know: restricting a case to its named team, and time-limited grants with a reason.

use super::{Decision, text};
use crate::Context;
use crate::case::Case;
use crate::command::Command;
use crate::event::Event;
use crate::rule::{Refusal, Rule, refuse};

fn user(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
        return refuse(Rule::TeamChange, format!("'{name}' is not a user name"));
    }
    Ok(name.to_string())
}

pub(super) fn decide(case: &Case, command: &Command, ctx: &Context) -> Result<Decision, Refusal> {
    let today = ctx.today();
    match command {
        Command::RestrictCase {
            reason,
            explanation,
        } => {
            text("explanation", explanation)?;
            if case.restriction.is_some() {
                return refuse(Rule::TeamChange, "the case is already restricted");
            }
            let mut events = vec![Event::CaseRestricted {
                reason: *reason,
                explanation: explanation.trim().to_string(),
                on: today,
            }];
            // Whoever restricts a case keeps sight of it.
            if !case.team.contains(&ctx.actor.id) {
                events.push(Event::TeamMemberAssigned {
                    user: ctx.actor.id.clone(),
                    on: today,
                });
            }
            Ok(Decision {
                events,
                ..Decision::default()
            })
        }
        Command::LiftRestriction { explanation } => {
            text("explanation", explanation)?;
            if case.restriction.is_none() {
                return refuse(Rule::TeamChange, "the case is not restricted");
            }
            Decision::one(Event::RestrictionLifted {
                explanation: explanation.trim().to_string(),
                on: today,
            })
        }
        Command::AssignToTeam { user: u } => {
            let u = user(u)?;
            if case.team.contains(&u) {
                return refuse(Rule::TeamChange, format!("{u} is already on the team"));
            }
            Decision::one(Event::TeamMemberAssigned { user: u, on: today })
        }
        Command::RemoveFromTeam { user: u } => {
            let u = user(u)?;
            if !case.team.contains(&u) {
                return refuse(Rule::TeamChange, format!("{u} is not on the team"));
            }
            if case.restriction.is_some() && case.team.len() == 1 {
                return refuse(
                    Rule::TeamChange,
                    "a restricted case keeps at least one team member",
                );
            }
            Decision::one(Event::TeamMemberRemoved { user: u, on: today })
        }
        Command::GrantAccess {
            user: u,
            until,
            reason,
        } => {
            let u = user(u)?;
            text("reason", reason)?;
            if *until < today {
                return refuse(
                    Rule::DateOutOfRange,
                    format!("a grant until {until} would already have ended"),
                );
            }
            if until.since(today).map(|s| s.get_days()).unwrap_or(i32::MAX) > 366 {
                return refuse(
                    Rule::DateOutOfRange,
                    "grants run for at most a year; renew them with a new reason",
                );
            }
            Decision::one(Event::AccessGranted {
                user: u,
                until: *until,
                reason: reason.trim().to_string(),
                on: today,
            })
        }
        _ => unreachable!("dispatched by variant"),
    }
}
