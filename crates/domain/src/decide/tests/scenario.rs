//! The reference scenario end to end, the synthetic generator, and the stored form of commands and events.

use super::*;
use crate::scenario;

#[test]
fn reference_scenario_yields_the_published_outcome() {
    let mut salt = salts();
    let steps = scenario::reference_case(&mut salt);
    let mut case = Case::default();
    let mut log = Vec::new();
    let mut refusals = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let result = decide(&case, &step.command, &step.context);
        match (&step.refused_by, result) {
            (None, Ok(d)) => {
                for e in d.events {
                    case.apply(&e);
                    log.push(e);
                }
            }
            (Some(rule), Err(r)) => {
                assert_eq!(r.rule, *rule, "step {i} {:?}: {r}", step.command.name());
                refusals.push(r.rule);
            }
            (None, Err(r)) => panic!("step {i} {} refused: {r}", step.command.name()),
            (Some(rule), Ok(_)) => panic!(
                "step {i} {} accepted; expected {rule:?}",
                step.command.name()
            ),
        }
    }
    let mistakes = steps.iter().filter(|s| s.refused_by.is_some()).count();
    assert_eq!(
        refusals.len(),
        mistakes,
        "every scripted mistake is refused"
    );
    assert!(mistakes >= 10);

    let m = case.matter().unwrap();
    assert_eq!(m.reference.as_str(), "2020/134541");
    assert_eq!(m.force.name(), "Gloucestershire Constabulary");
    assert_eq!(
        case.referral.map(|r| r.0),
        Some(ReferralBasis::Mandatory(
            MandatoryCriterion::SeriousCorruption
        ))
    );
    let inv = case.investigation.as_ref().unwrap();
    assert_eq!(inv.mode, InvestigationMode::Independent);
    assert_eq!(
        inv.report_on,
        Some(date(2021, 3, 15)),
        "concluded in March 2021"
    );
    assert_eq!(
        inv.determined,
        Some((Body::OversightBody, date(2021, 3, 26)))
    );
    // Case to answer for misconduct: both officers on the informant allegation, one on the second woman's.
    let cta: Vec<_> = inv
        .determinations
        .values()
        .filter(|f| f.case_to_answer == CaseToAnswer::Misconduct)
        .map(|f| (f.subject.0, f.allegation.0))
        .collect();
    assert_eq!(cta, [(2, 2), (2, 4), (3, 2)]);
    assert_eq!(
        inv.determinations.len(),
        7,
        "every subject on every allegation has a finding"
    );
    assert!(
        inv.determinations
            .values()
            .filter(|f| f.case_to_answer == CaseToAnswer::NoCaseToAnswer)
            .count()
            == 4
    );
    // Opinions are kept apart from determinations.
    assert_eq!(inv.opinions.len(), 7);
    // The force's proposal of reflective practice, agreed.
    assert_eq!(inv.proposal, ProposalStage::Settled);
    assert!(
        inv.settled
            .values()
            .all(|a| *a == Action::ReflectivePractice)
    );
    assert_eq!(case.reflective_practice.len(), 2);
    assert!(case.proceedings.is_empty(), "no disciplinary proceedings");
    assert!(
        case.recommendations.is_empty() && case.no_learning_on.is_some(),
        "no learning recommendations"
    );
    assert_eq!(
        case.review_right, None,
        "an independent investigation gives no review right"
    );
    assert_eq!(case.status, Status::Closed);
    let p = case.publication.as_ref().unwrap();
    assert_eq!(p.published_on, date(2022, 4, 4));
    assert_eq!(p.title, scenario::REFERENCE_TITLE);
    assert_eq!(
        p.tags,
        [
            "Gloucestershire Constabulary",
            "Corruption and abuse of power"
        ]
    );
    // Handling began with the call-back on the day of the complaint.
    assert_eq!(case.handling_started_on, Some(date(2020, 4, 6)));
    assert_eq!(case.contacts, [(PartyId(1), true, date(2020, 4, 6))]);
    // The second woman's allegation is a conduct matter that came to light during the
    // investigation, with its own date.
    assert_eq!(
        case.conduct_matters[&1].came_to_attention_on,
        date(2020, 5, 11)
    );
    assert_eq!(case.allegations[&AllegationId(4)].conduct_matter, Some(1));
    assert_eq!(
        case.allegations[&AllegationId(4)].added_on,
        date(2020, 5, 11)
    );
    assert!(
        case.allegations
            .values()
            .take(3)
            .all(|a| a.conduct_matter.is_none())
    );
    // The complainant was kept informed at least every four weeks until the outcome.
    let mut told: Vec<Date> = case
        .updates
        .iter()
        .filter(|(p, _, _)| *p == PartyId(1))
        .map(|(_, _, on)| *on)
        .collect();
    told.insert(0, date(2020, 4, 6));
    for pair in told.windows(2) {
        let gap = pair[1].since(pair[0]).unwrap().get_days();
        assert!(gap <= 28, "{} to {} is {gap} days", pair[0], pair[1]);
    }
    assert_eq!(told.last(), Some(&date(2022, 3, 1)), "the outcome letter");
    // Every event carries the day it happened, not the day it was typed.
    assert!(
        log.iter()
            .all(|e| e.on() >= date(2020, 4, 6) && e.on() <= date(2022, 4, 4))
    );
    // Replaying the log gives the same state.
    assert_eq!(Case::replay(&log), case);
    assert_eq!(case.version as usize, log.len());
}

#[test]
fn every_event_kind_round_trips_through_json() {
    let mut salt = salts();
    let mut all = Vec::new();
    for n in 0..60 {
        for step in scenario::synthetic_case(n, &mut salt) {
            all.push(step);
        }
    }
    let mut kinds = std::collections::BTreeSet::new();
    let mut case = Case::default();
    let mut last_ref = None;
    for step in scenario::reference_case(&mut salt).into_iter().chain(all) {
        if let Command::LogMatter(LogMatter { reference, .. }) = &step.command
            && last_ref.as_ref() != Some(reference)
        {
            case = Case::default();
            last_ref = Some(reference.clone());
        }
        if let Ok(d) = decide(&case, &step.command, &step.context) {
            for e in d.events {
                let json = serde_json::to_string(&e).unwrap();
                assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e, "{json}");
                kinds.insert(e.kind());
                case.apply(&e);
            }
        }
    }
    assert!(kinds.len() >= 30, "only {} kinds exercised", kinds.len());
}

#[test]
fn synthetic_cases_are_valid_and_deterministic() {
    for n in 0..200 {
        let a = scenario::synthetic_case(n, &mut salts());
        let b = scenario::synthetic_case(n, &mut salts());
        assert_eq!(a.len(), b.len());
        let mut case = Case::default();
        for step in &a {
            let d = decide(&case, &step.command, &step.context)
                .unwrap_or_else(|r| panic!("case {n} {}: {r}", step.command.name()));
            for e in &d.events {
                case.apply(e);
            }
        }
    }
}

/// The JSON of every command and event of the reference case and 60 synthetic cases, with the
/// rule of every refusal, is byte for byte what it was when this digest was taken (last: when
/// events came to carry the day they happened, 2026-12). Stored payloads are covered by the
/// hash chain and never rewritten, so a change here must come with an upcast of the old form
/// in `event::decode` (and the previous release's database, `crates/app/tests/fixtures`, must
/// still read); a wire-format change breaks API clients.
#[test]
fn the_stored_and_wire_forms_are_unchanged() {
    use sha2::{Digest, Sha256};
    let mut salt = salts();
    let mut scripts = vec![scenario::reference_case(&mut salt)];
    scripts.extend((1..=60).map(|n| scenario::synthetic_case(n, &mut salt)));
    let (mut text, mut commands, mut events) = (String::new(), 0, 0);
    for steps in scripts {
        let mut case = Case::default();
        for step in steps {
            let json = serde_json::to_string(&step.command).unwrap();
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&json).unwrap()["command"],
                step.command.name(),
                "the wire tag is the command's name"
            );
            text.push_str(&format!("C {json}\n"));
            commands += 1;
            match decide(&case, &step.command, &step.context) {
                Ok(d) => {
                    for e in d.events {
                        let json = serde_json::to_string(&e).unwrap();
                        assert!(json.starts_with(&format!("{{\"{}\":", e.name())));
                        text.push_str(&format!("E {json}\n"));
                        events += 1;
                        case.apply(&e);
                    }
                }
                Err(r) => text.push_str(&format!("R {}\n", r.rule.code())),
            }
        }
    }
    assert_eq!((commands, events), (1111, 1156));
    // Last changed when synthetic parties gained characteristics: a new field, written only
    // when recorded, so every payload stored before reads as it was.
    assert_eq!(
        crate::hex::encode(&Sha256::digest(text.as_bytes())),
        "6d52687a9e43b06de35cacd13d750229fa4aec5b26d163ae2a4e7605bf4b969a"
    );
}
