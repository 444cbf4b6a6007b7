//! The steps of need-to-know: restricting a case to its insiders, its team, and time-limited
//! grants (the rules in decide/need_to_know.rs).

use probity_domain::Command;
use probity_domain::command::{
    AssignToTeam, CommandKind, GrantAccess, LiftRestriction, RemoveFromTeam, RestrictCase,
};
use probity_domain::matter::RestrictionReason;

use super::{Field, Step, any_body, choice, no_defaults};

pub const RESTRICT_CASE: Step = Step {
    slug: "restrict",
    kind: CommandKind::RestrictCase,
    title: "Restrict the case",
    guidance: "A restricted case is seen only by its team and those granted access: everyone else finds nothing, in lists, searches and histories alike.",
    submit: "Continue",
    stages: probity_domain::stages::ANY,
    when: |file, _| !file.restricted,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::radios(
                "reason",
                "Why is it restricted?",
                vec![
                    choice(
                        "subject_in_professional_standards",
                        "A subject works in professional standards or oversight",
                    ),
                    choice("informant_involvement", "An informant is involved"),
                    choice("sexual_misconduct", "Sexual misconduct"),
                    choice("vulnerable_person", "A vulnerable person"),
                    choice("other", "Another reason"),
                ],
            ),
            Field::text("explanation", "The explanation")
                .hint("Recorded in the case's history; without personal data"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let reason = a.code::<RestrictionReason>("reason", "Choose why it is restricted", errors);
        let explanation = a.text("explanation", "Enter the explanation", errors);
        Some(Command::RestrictCase(RestrictCase {
            reason: reason?,
            explanation,
        }))
    },
};

pub const LIFT_RESTRICTION: Step = Step {
    slug: "lift-restriction",
    kind: CommandKind::LiftRestriction,
    title: "Lift the restriction",
    guidance: "The case becomes visible again to everyone whose role and organisation may see it.",
    submit: "Continue",
    stages: probity_domain::stages::ANY,
    when: |file, _| file.restricted,
    check: true,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::text("explanation", "Why it is lifted")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let explanation = a.text("explanation", "Enter why the restriction is lifted", errors);
        Some(Command::LiftRestriction(LiftRestriction { explanation }))
    },
};

pub const ASSIGN_TO_TEAM: Step = Step {
    slug: "assign-to-team",
    kind: CommandKind::AssignToTeam,
    title: "Add someone to the case's team",
    guidance: "The team sees the case in their work and, when it is restricted, are among the few who may see it at all.",
    submit: "Add them",
    stages: probity_domain::stages::ANY,
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::line("user", "User name").hint("For example, oversight.investigator")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let user = a.text("user", "Enter the user name", errors);
        Some(Command::AssignToTeam(AssignToTeam { user }))
    },
};

pub const REMOVE_FROM_TEAM: Step = Step {
    slug: "remove-from-team",
    kind: CommandKind::RemoveFromTeam,
    title: "Remove someone from the case's team",
    guidance: "They no longer see the case in their work; a restricted case disappears from their view.",
    submit: "Remove them",
    stages: probity_domain::stages::ANY,
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| vec![Field::line("user", "User name")],
    defaults: no_defaults,
    command: |a, _, errors| {
        let user = a.text("user", "Enter the user name", errors);
        Some(Command::RemoveFromTeam(RemoveFromTeam { user }))
    },
};

pub const GRANT_ACCESS: Step = Step {
    slug: "grant-access",
    kind: CommandKind::GrantAccess,
    title: "Grant someone access for a time",
    guidance: "Access to a restricted case for one person, until a day, for a stated reason: a second opinion, a review, legal advice.",
    submit: "Grant access",
    stages: probity_domain::stages::ANY,
    when: any_body,
    check: false,
    history: false,
    facts: super::no_facts,
    fields: |_| {
        vec![
            Field::line("user", "User name"),
            Field::date("until", "The last day of access"),
            Field::text("reason", "Why they need it"),
        ]
    },
    defaults: no_defaults,
    command: |a, _, errors| {
        let user = a.text("user", "Enter the user name", errors);
        let until = a.date("until", "The last day of access", true, errors);
        let reason = a.text("reason", "Enter why they need access", errors);
        Some(Command::GrantAccess(GrantAccess {
            user,
            until: until?,
            reason,
        }))
    },
};
