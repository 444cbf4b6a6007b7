//! Restriction to the case team and grants.

use super::*;

#[test]
fn restriction_keeps_its_restrictor_on_the_team() {
    let mut g = Given::investigating_locally();
    g.refused(
        AA,
        Command::LiftRestriction(LiftRestriction {
            explanation: "x".into(),
        }),
        Rule::TeamChange,
    );
    g.ok(
        AA,
        Command::RestrictCase(RestrictCase {
            reason: RestrictionReason::InformantInvolvement,
            explanation: "informant named".into(),
        }),
    );
    assert_eq!(g.case.team, ["AppropriateAuthority"]);
    assert!(crate::access::CaseAccess::of(&g.case).restricted);
    g.refused(
        AA,
        Command::RestrictCase(RestrictCase {
            reason: RestrictionReason::Other,
            explanation: "again".into(),
        }),
        Rule::TeamChange,
    );
    g.refused(
        AA,
        Command::RemoveFromTeam(RemoveFromTeam {
            user: "AppropriateAuthority".into(),
        }),
        Rule::TeamChange,
    );
    g.ok(
        AA,
        Command::AssignToTeam(AssignToTeam {
            user: "jo.investigator".into(),
        }),
    );
    g.refused(
        AA,
        Command::AssignToTeam(AssignToTeam {
            user: "jo.investigator".into(),
        }),
        Rule::TeamChange,
    );
    g.refused(
        AA,
        Command::AssignToTeam(AssignToTeam {
            user: "two words".into(),
        }),
        Rule::TeamChange,
    );
    let yesterday = g.day.yesterday().unwrap();
    g.refused(
        AA,
        Command::GrantAccess(GrantAccess {
            user: "lee.reviewer".into(),
            until: yesterday,
            reason: "review".into(),
        }),
        Rule::DateOutOfRange,
    );
    let next_week = g.day.checked_add(jiff::Span::new().days(7)).unwrap();
    g.refused(
        AA,
        Command::GrantAccess(GrantAccess {
            user: "lee.reviewer".into(),
            until: next_week,
            reason: " ".into(),
        }),
        Rule::MissingText,
    );
    g.ok(
        AA,
        Command::GrantAccess(GrantAccess {
            user: "lee.reviewer".into(),
            until: next_week,
            reason: "second opinion on severity".into(),
        }),
    );
    let access = crate::access::CaseAccess::of(&g.case);
    assert!(access.is_insider("lee.reviewer", next_week));
    assert!(!access.is_insider("lee.reviewer", next_week.tomorrow().unwrap()));
    g.ok(
        AA,
        Command::LiftRestriction(LiftRestriction {
            explanation: "informant no longer at risk".into(),
        }),
    );
    assert!(!crate::access::CaseAccess::of(&g.case).restricted);
}
