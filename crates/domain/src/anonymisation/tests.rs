use super::*;
use crate::command::{Command, DraftPublication};
use crate::scenario;

/// The reference case as the rules leave it, with the personal data its script gives.
fn reference() -> (Case, BTreeMap<PartyId, PersonalData>, String) {
    let mut n = 0u8;
    let mut salt = move || {
        n = n.wrapping_add(1);
        [n; 16]
    };
    let mut case = Case::default();
    let mut personal = BTreeMap::new();
    let mut published = String::new();
    for step in scenario::reference_case(&mut salt) {
        if step.refused_by.is_some() {
            continue;
        }
        if let Command::DraftPublication(DraftPublication { summary, .. }) = &step.command {
            published = summary.clone();
        }
        let d = crate::decide(&case, &step.command, &step.context).expect("scripted");
        for (party, sealed) in d.personal_data {
            personal.insert(party, sealed.data);
        }
        for e in &d.events {
            case.apply(e);
        }
    }
    (case, personal, published)
}

#[test]
fn the_reference_cases_published_summary_names_no_one() {
    let (case, personal, published) = reference();
    let ids = identifiers_of(&case, &personal);
    assert!(
        ids.iter()
            .any(|i| i.kind == Kind::ServiceNumber && i.value == "GL1042")
    );
    assert!(
        ids.iter()
            .any(|i| i.kind == Kind::NamePart && i.value == "Ashby")
    );
    assert!(published.len() > 500, "the summary as published");
    assert_eq!(check(&published, &ids), Vec::new());
}

#[test]
fn a_draft_seeded_with_identifiers_has_each_found_where_it_is() {
    let (case, mut personal, _) = reference();
    let complainant = PartyId(1);
    let d = personal.get_mut(&complainant).unwrap();
    d.nicknames.push("Ro".into());
    d.nicknames.push("Bunny".into());
    d.vehicle_registrations.push("WR19 KXT".into());
    d.address = Some("14 Orchard Close, Tewkesbury".into());
    d.date_of_birth = Some(jiff::civil::date(1991, 3, 9));
    let ids = identifiers_of(&case, &personal);
    let draft = "Officers visited Rowan Ashby (known as Bunny) at 14 Orchard Close.\n\
                 PC Morrow, collar number GL 1042, and Ellis Tanner drove WR19KXT. \
                 She was born on 9 March 1991; write to GL20 1AB or call 07700 900123, \
                 or ro.ashby@example.org. A second car, KL64 WSD, was seen.";
    let hits = check(draft, &ids);
    let found: Vec<(Kind, &str, Option<PartyId>)> = hits
        .iter()
        .map(|h| (h.kind, h.found.as_str(), h.party))
        .collect();
    let p = |n| Some(PartyId(n));
    assert_eq!(
        found,
        [
            (Kind::Name, "Rowan Ashby", p(1)),
            (Kind::Nickname, "Bunny", p(1)),
            (Kind::Address, "14 Orchard Close", p(1)),
            (Kind::NamePart, "Morrow", p(2)),
            (Kind::ServiceNumber, "GL 1042", p(2)),
            (Kind::Name, "Ellis Tanner", p(3)),
            (Kind::VehicleRegistration, "WR19KXT", p(1)),
            (Kind::DateOfBirth, "born on 9 March 1991", None),
            (Kind::Postcode, "GL20 1AB", None),
            (Kind::PhoneNumber, "07700 900123", None),
            (Kind::EmailAddress, "ro.ashby@example.org", None),
            (Kind::VehicleRegistration, "KL64 WSD", None),
        ]
    );
    // Positions are characters from 0, lines and columns from 1.
    let name = &hits[0];
    assert_eq!(
        (name.start, name.end, name.line, name.column),
        (17, 28, 1, 18)
    );
    let number = &hits[4];
    assert_eq!(number.line, 2);
    assert_eq!(
        &draft.chars().collect::<String>()[..][number.start..number.end],
        "GL 1042"
    );
}

#[test]
fn a_date_of_birth_is_found_as_people_write_it_and_ordinary_text_is_not_flagged() {
    let (case, mut personal, _) = reference();
    personal.get_mut(&PartyId(4)).unwrap().date_of_birth = Some(jiff::civil::date(1988, 11, 2));
    let ids = identifiers_of(&case, &personal);
    for written in ["2 November 1988", "02/11/1988", "1988-11-02", "2 Nov 1988"] {
        let hits = check(&format!("The witness, {written}, said so."), &ids);
        assert_eq!(hits.len(), 1, "{written}: {hits:?}");
        assert_eq!(hits[0].kind, Kind::DateOfBirth);
    }
    let plain = "In April 2020 officers of Gloucestershire Constabulary attended; the case \
                 2020/134541 was referred under PCMR 2020 reg 4(1) and category G2 applied. \
                 On 6 April 2020 the IOPC began an independent investigation, 12 months long.";
    assert_eq!(check(plain, &ids), Vec::new());
}

#[test]
fn an_erased_party_leaves_no_identifier_but_their_service_number() {
    let (mut case, personal, _) = reference();
    case.parties.get_mut(&PartyId(2)).unwrap().erased = true;
    let ids = identifiers_of(&case, &personal);
    let theirs: Vec<_> = ids.iter().filter(|i| i.party == PartyId(2)).collect();
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0].kind, Kind::ServiceNumber);
}
