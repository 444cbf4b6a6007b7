//! Need-to-know: restricting a case to its named team, and time-limited grants with a reason.

use super::{Decide, Decision, text};
use crate::Context;
use crate::case::Case;
use crate::command::{AssignToTeam, GrantAccess, LiftRestriction, RemoveFromTeam, RestrictCase};
use crate::event::{
    AccessGranted, CaseRestricted, RestrictionLifted, TeamMemberAssigned, TeamMemberRemoved,
};
use crate::rule::{Refusal, Rule, refuse};

fn user(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
        return refuse(Rule::TeamChange, format!("'{name}' is not a user name"));
    }
    Ok(name.to_string())
}

impl Decide for RestrictCase {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let on = ctx.on();
        text("explanation", &self.explanation)?;
        if case.restriction.is_some() {
            return refuse(Rule::TeamChange, "the case is already restricted");
        }
        let mut events = vec![
            CaseRestricted {
                reason: self.reason,
                explanation: self.explanation.trim().to_string(),
                on,
            }
            .into(),
        ];
        // Whoever restricts a case keeps sight of it.
        if !case.team.contains(&ctx.actor.id) {
            events.push(
                TeamMemberAssigned {
                    user: ctx.actor.id.clone(),
                    on,
                }
                .into(),
            );
        }
        Ok(Decision {
            events,
            ..Decision::default()
        })
    }
}

impl Decide for LiftRestriction {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        text("explanation", &self.explanation)?;
        if case.restriction.is_none() {
            return refuse(Rule::TeamChange, "the case is not restricted");
        }
        Decision::one(RestrictionLifted {
            explanation: self.explanation.trim().to_string(),
            on: ctx.on(),
        })
    }
}

impl Decide for AssignToTeam {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let u = user(&self.user)?;
        if case.team.contains(&u) {
            return refuse(Rule::TeamChange, format!("{u} is already on the team"));
        }
        Decision::one(TeamMemberAssigned {
            user: u,
            on: ctx.on(),
        })
    }
}

impl Decide for RemoveFromTeam {
    fn decide(&self, case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let u = user(&self.user)?;
        if !case.team.contains(&u) {
            return refuse(Rule::TeamChange, format!("{u} is not on the team"));
        }
        if case.restriction.is_some() && case.team.len() == 1 {
            return refuse(
                Rule::TeamChange,
                "a restricted case keeps at least one team member",
            );
        }
        Decision::one(TeamMemberRemoved {
            user: u,
            on: ctx.on(),
        })
    }
}

impl Decide for GrantAccess {
    fn decide(&self, _case: &Case, ctx: &Context) -> Result<Decision, Refusal> {
        let today = ctx.today();
        let until = self.until;
        let u = user(&self.user)?;
        text("reason", &self.reason)?;
        if until < today {
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
        Decision::one(AccessGranted {
            user: u,
            until,
            reason: self.reason.trim().to_string(),
            on: ctx.on(),
        })
    }
}
