//! Letters and reports made from the case, and sending them (crate::letter).

use super::*;
use crate::clock::{ClockName, ClockState, clock};
use crate::letter::{Addressee, Letter, LetterKind, LetterRequest, compose};

fn request(kind: LetterKind, to: Option<u32>) -> LetterRequest {
    LetterRequest {
        kind: Some(kind),
        to: to.map(PartyId),
        ..LetterRequest::default()
    }
}

fn preview(g: &Given, body: Body, req: &LetterRequest) -> Letter {
    compose(&g.case, req, &g.ctx(body)).unwrap_or_else(|r| panic!("{r}"))
}

fn send(req: &LetterRequest, letter: &Letter) -> Command {
    Command::SendLetter(SendLetter {
        letter: req.clone(),
        digest: letter.digest(),
    })
}

/// Whether any words of the letter contain `needle`.
fn says(letter: &Letter, needle: &str) -> bool {
    serde_json::to_string(letter).unwrap().contains(needle)
}

#[track_caller]
fn no_personal_data(letter: &Letter) {
    // The names given to the parties, and the subject's service number and rank.
    for personal in ["Pat Doe", "Officer Name", "KE1234", "Police Constable"] {
        assert!(!says(letter, personal), "{personal} in {letter:?}");
    }
}

#[test]
fn a_progress_update_is_sent_as_previewed_and_counts_as_the_update() {
    let mut g = Given::investigating_locally();
    g.after(10);
    let req = request(LetterKind::ProgressUpdate, Some(1));
    let letter = preview(&g, AA, &req);
    assert_eq!(letter.to, Addressee::Party(PartyId(1)));
    assert!(letter.missing.is_empty());
    assert!(says(
        &letter,
        "being investigated by the force's professional standards department"
    ));
    assert!(says(
        &letter,
        "An officer was served with a notice of investigation."
    ));
    no_personal_data(&letter);
    // The same case on the same day makes the same letter.
    assert_eq!(letter.digest(), preview(&g, AA, &req).digest());

    // A representative is kept informed as the complainant is, by the same rule.
    let personal_data = g.sealed("Rep Resentative");
    g.ok(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Representative {
                on_behalf_of: PartyId(1),
            },
            vulnerabilities: vec![],
            personal_data,
        }),
    );
    let to_rep = preview(&g, AA, &request(LetterKind::ProgressUpdate, Some(3)));
    assert_eq!(to_rep.to, Addressee::Party(PartyId(3)));
    let letter = preview(&g, AA, &req);
    // A subject is not kept informed; a digest of another letter is refused.
    g.refused(
        AA,
        send(&request(LetterKind::ProgressUpdate, Some(2)), &letter),
        Rule::NotEntitledToUpdates,
    );
    g.refused(
        AA,
        Command::SendLetter(SendLetter {
            letter: req.clone(),
            digest: "0".repeat(64),
        }),
        Rule::LetterChanged,
    );
    // A day later the letter is dated otherwise: the preview of yesterday is stale.
    g.after(1);
    g.refused(AA, send(&req, &letter), Rule::LetterChanged);
    let letter = preview(&g, AA, &req);
    let events = g.try_(AA, send(&req, &letter)).unwrap();
    assert_eq!(events.len(), 2);
    assert!(matches!(&events[0], Event::LetterSent(s) if s.digest == letter.digest()));
    assert!(matches!(&events[1], Event::PartyUpdated(u) if u.kind == UpdateKind::Progress));
    let sent = g.case.letters.last().unwrap();
    assert_eq!(sent.made_on_version, g.case.version - 2);
    // The letter is made again from the case as it was: the same digest.
    let stale = Case::replay(&g.log[..sent.made_on_version as usize]);
    assert_eq!(
        compose(&stale, &sent.letter, &g.ctx(AA)).unwrap().digest(),
        sent.digest
    );
    // And the next one tells only what happened since.
    let next = preview(&g, AA, &req);
    assert!(says(&next, "What has happened since we last wrote"));
    assert!(!says(&next, "served with a notice"));
}

#[test]
fn the_outcome_letter_says_what_was_found_and_how_to_ask_for_a_review() {
    let mut g = Given::investigating_locally().reported(AA);
    let req = request(LetterKind::Outcome, Some(1));
    // Before the determinations there is no outcome to tell.
    let early = compose(&g.case, &req, &g.ctx(AA)).unwrap_err();
    assert_eq!(early.rule, Rule::WrongStage, "{early}");
    g = g.determined(AA, CaseToAnswer::NoCaseToAnswer);
    let letter = preview(&g, AA, &req);
    no_personal_data(&letter);
    assert!(says(&letter, "Officer A: no case to answer."), "{letter:?}");
    assert!(says(&letter, "the local policing body"));
    let deadline = g.day.checked_add(jiff::Span::new().days(28)).unwrap();
    assert!(says(&letter, &format!("Apply in writing by {deadline}")));

    let events = g.try_(AA, send(&req, &letter)).unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.name()).collect();
    assert_eq!(kinds, ["letter_sent", "outcome_notified", "party_updated"]);
    let right = g.case.review_right.unwrap();
    assert_eq!(right.body, ReviewBody::LocalPolicingBody);
    assert_eq!(right.deadline, deadline, "the letter and the record agree");
    assert_eq!(g.case.outcome_notified_on, Some(g.day));
}

#[test]
fn a_timeliness_report_needs_its_reasons_and_covers_the_oldest_period_unreported() {
    let mut g = Given::investigating_locally();
    let received = g.case.matter().unwrap().received_on;
    // Not 12 months yet: nothing to report.
    let req = request(LetterKind::TimelinessReport, None);
    assert_eq!(
        compose(&g.case, &req, &g.ctx(AA)).unwrap_err().rule,
        Rule::DateOutOfRange
    );
    // Four days after the period ended: within the 10 working days.
    g.after(370);
    let draft = preview(&g, AA, &req);
    let year = received.checked_add(jiff::Span::new().months(12)).unwrap();
    assert_eq!(draft.request.period_ending, Some(year));
    assert_eq!(
        draft.missing,
        [
            "reasons for the time taken",
            "planned steps",
            "estimated completion"
        ]
    );
    assert_eq!(
        draft.to,
        Addressee::Bodies(vec![TimelinessRecipient::OversightBody])
    );
    assert!(says(&draft, "[to be written: planned steps]"));
    g.refused(AA, send(&req, &draft), Rule::MissingText);

    let full = LetterRequest {
        reasons: Some("Expert evidence took five months.".into()),
        planned_steps: Some("Interview the second officer.".into()),
        estimated_completion: Some(g.day.checked_add(jiff::Span::new().days(90)).unwrap()),
        withheld: Some("The name of a witness, who fears reprisal.".into()),
        copied_to: vec![PartyId(2)],
        ..req.clone()
    };
    let letter = preview(&g, AA, &full);
    assert!(letter.missing.is_empty());
    assert!(says(&letter, "a copy to Officer A"));
    assert!(says(&letter, "12 months in"));
    no_personal_data(&letter);
    // The oversight body does not report on the authority's own investigation.
    g.refused(
        IOPC,
        send(&full, &preview(&g, IOPC, &full)),
        Rule::WrongBody,
    );
    let events = g.try_(AA, send(&full, &letter)).unwrap();
    assert!(
        matches!(&events[1], Event::TimelinessReportSent(t) if t.period_ending == year && t.copied_to == [PartyId(2)])
    );
    let c = clock(
        &g.case,
        ClockName::InvestigationTimeliness,
        g.day,
        crate::calendar::Calendar::england_and_wales(),
    )
    .unwrap();
    assert_eq!(c[0].state, ClockState::Met, "{c:?}");
    // The next draft is of the next period, not yet ended.
    assert_eq!(
        compose(&g.case, &req, &g.ctx(AA)).unwrap_err().rule,
        Rule::DateOutOfRange
    );
}
