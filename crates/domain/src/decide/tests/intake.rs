//! Intake, parties, allegations, recording and referral.

use super::*;

#[test]
fn log_matter_opens_once_and_checks_dates() {
    let mut g = Given::new();
    g.refused(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
        Rule::CaseNotOpen,
    );
    let tomorrow = g.day.tomorrow().unwrap();
    g.refused(
        AA,
        log_matter(MatterKind::Complaint, tomorrow),
        Rule::DateOutOfRange,
    );
    for slip in [jiff::civil::date(0, 1, 1), jiff::civil::date(1800, 1, 1)] {
        g.refused(
            AA,
            log_matter(MatterKind::Complaint, slip),
            Rule::DateOutOfRange,
        );
    }
    g.refused(
        LPB,
        log_matter(MatterKind::Complaint, g.day),
        Rule::WrongBody,
    );
    let mut blank = log_matter(MatterKind::Complaint, g.day);
    if let Command::LogMatter(LogMatter { summary, .. }) = &mut blank {
        *summary = "  ".into();
    }
    g.refused(AA, blank, Rule::MissingText);
    g.log_complaint(MatterKind::Complaint);
    assert_eq!(g.status(), Status::Logged);
    let day = g.day;
    g.refused(
        AA,
        log_matter(MatterKind::Complaint, day),
        Rule::CaseAlreadyOpen,
    );
}

#[test]
fn parties_need_names_and_complaints_need_complainants() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::ConductMatter);
    let pd = g.sealed("X");
    g.refused(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Complainant {
                basis: ComplainantBasis::Witness,
            },
            vulnerabilities: vec![],
            personal_data: pd,
        }),
        Rule::OnlyComplaints,
    );
    let mut pd = g.sealed(" ");
    g.refused(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Witness,
            vulnerabilities: vec![],
            personal_data: pd.clone(),
        }),
        Rule::PersonalDataInvalid,
    );
    pd.data.name = "Y".into();
    pd.salt = "abc".into();
    g.refused(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Witness,
            vulnerabilities: vec![],
            personal_data: pd,
        }),
        Rule::PersonalDataInvalid,
    );
    let pd = g.sealed("Someone");
    g.refused(
        AA,
        Command::AddParty(AddParty {
            characteristics: Default::default(),
            role: PartyRole::Representative {
                on_behalf_of: PartyId(1),
            },
            vulnerabilities: vec![],
            personal_data: pd,
        }),
        Rule::OnlyComplaints,
    );
}

#[test]
fn allegations_name_subjects_only() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile());
    g.refused(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(1)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
            conduct_matter: None,
        }),
        Rule::NotASubject,
    );
    g.refused(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(9)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
            conduct_matter: None,
        }),
        Rule::UnknownParty,
    );
    g.refused(
        AA,
        Command::AddAllegation(AddAllegation {
            subjects: vec![PartyId(2), PartyId(2)],
            category: CategoryCode::parse("A1").unwrap(),
            description: "x".into(),
            conduct_matter: None,
        }),
        Rule::NotASubject,
    );
    g.allege(&[2], "A1");
    assert_eq!(g.case.allegations.len(), 1);
    // An allegation against an unidentified officer is allowed.
    g.allege(&[], "A3");
}

#[test]
fn outside_schedule3_only_when_no_ground_applies() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint)
        .add_complainant()
        .add_officer(profile())
        .allege(&[2], "A3");
    g.refused(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: HandlingAssessment {
                might_justify_proceedings: true,
                article_2_or_3: false,
                ..HandlingAssessment::default()
            },
            rationale: "r".into(),
        }),
        Rule::Schedule3Required,
    );
    g.refused(
        IOPC,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "service issue".into(),
        }),
    );
    assert_eq!(g.status(), Status::HandledOutsideSchedule3);
    // Dissatisfied complainant: recorded after all.
    let mut h = Given::new();
    h.log_complaint(MatterKind::Complaint).add_complainant();
    h.ok(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        }),
    );
    h.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    assert_eq!(
        h.case.recorded.unwrap().0,
        RecordingReason::DissatisfiedWithHandlingOutsideSchedule3
    );
    g.ok(
        AA,
        Command::FinaliseOutsideSchedule3(FinaliseOutsideSchedule3 {
            outcome: OutsideOutcome::ServiceAcceptable,
        }),
    );
    assert_eq!(g.status(), Status::FinalisedOutsideSchedule3);
    g.refused(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
        Rule::WrongStage,
    );
}

#[test]
fn complainant_wish_and_conduct_matters_force_recording() {
    let mut g = Given::new();
    let mut cmd = log_matter(MatterKind::Complaint, g.day);
    if let Command::LogMatter(LogMatter {
        complainant_wants_recording,
        ..
    }) = &mut cmd
    {
        *complainant_wants_recording = true;
    }
    g.ok(AA, cmd);
    g.refused(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        }),
        Rule::Schedule3Required,
    );
    g.ok(
        AA,
        Command::RecordMatter(RecordMatter {
            assessment: Default::default(),
        }),
    );
    assert_eq!(g.case.recorded.unwrap().0, RecordingReason::ComplainantWish);

    let mut c = Given::new();
    c.log_complaint(MatterKind::ConductMatter);
    c.refused(
        AA,
        Command::HandleOutsideSchedule3(HandleOutsideSchedule3 {
            assessment: Default::default(),
            rationale: "r".into(),
        }),
        Rule::OnlyComplaints,
    );
    c.refused(
        AA,
        Command::Withdraw(Withdraw {
            continue_as_conduct_matter: false,
        }),
        Rule::OnlyComplaints,
    );
}

#[test]
fn mandatory_referral_before_local_handling() {
    let mut g = Given::recorded("J1");
    assert_eq!(
        g.case.mandatory_referral_criteria(),
        [MandatoryCriterion::SeriousSexualOffence]
    );
    // Each criterion comes with why; an answer at recording adds its own.
    let reasons = g.case.mandatory_referral_reasons(&g.case.assessment);
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].0, MandatoryCriterion::SeriousSexualOffence);
    assert!(
        reasons[0].1.starts_with("allegation A1 is of J1"),
        "{}",
        reasons[0].1
    );
    let assault = crate::referral::HandlingAssessment {
        serious_assault: true,
        ..g.case.assessment
    };
    let with = g.case.mandatory_referral_reasons(&assault);
    assert_eq!(with.len(), 2);
    assert!(with.iter().any(
        |(c, why)| *c == MandatoryCriterion::SeriousAssault && why.contains("serious assault")
    ));
    g.refused(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
        Rule::MandatoryReferral,
    );
    g.refused(
        AA,
        Command::HandleOtherwiseThanByInvestigation(HandleOtherwiseThanByInvestigation {
            rationale: "r".into(),
        }),
        Rule::MandatoryReferral,
    );
    g.refused(
        IOPC,
        Command::Refer(Refer {
            basis: ReferralBasis::Voluntary,
        }),
        Rule::WrongBody,
    );
    g.ok(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::Mandatory(MandatoryCriterion::SeriousSexualOffence),
        }),
    );
    assert_eq!(g.status(), Status::Referred);
    g.refused(
        AA,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::ReturnToAppropriateAuthority,
            rationale: "r".into(),
        }),
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::DecideReferral(DecideReferral {
            decision: ReferralDecision::ReturnToAppropriateAuthority,
            rationale: "local handling proportionate".into(),
        }),
    );
    assert_eq!(g.status(), Status::ReturnedToAppropriateAuthority);
    // Returned: the authority now decides itself.
    g.ok(
        AA,
        Command::StartLocalInvestigation(StartLocalInvestigation {}),
    );
    assert_eq!(
        g.case.investigation.as_ref().unwrap().mode,
        InvestigationMode::Local
    );
}

#[test]
fn oversight_body_can_call_in_or_treat_as_referred() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint).add_complainant();
    g.refused(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::TreatedAsReferred,
        }),
        Rule::WrongBody,
    );
    g.ok(
        IOPC,
        Command::Refer(Refer {
            basis: ReferralBasis::TreatedAsReferred,
        }),
    );
    assert_eq!(g.status(), Status::Referred);
    assert_eq!(
        g.case.recorded.unwrap().0,
        RecordingReason::TreatedAsReferred,
        "treating as referred records it"
    );
    let mut l = Given::recorded("A1");
    l.refused(
        AA,
        Command::Refer(Refer {
            basis: ReferralBasis::LocalPolicingBody,
        }),
        Rule::WrongBody,
    );
    l.ok(
        LPB,
        Command::Refer(Refer {
            basis: ReferralBasis::LocalPolicingBody,
        }),
    );
}

#[test]
fn erasure_is_recorded_once_and_returns_the_party_to_erase() {
    let mut g = Given::investigating_locally();
    let d = decide(
        &g.case,
        &Command::ErasePersonalData(ErasePersonalData {
            party: PartyId(1),
            reason: "retention period ended".into(),
        }),
        &g.ctx(AA),
    )
    .unwrap();
    assert_eq!(d.erase, [PartyId(1)]);
    g.ok(
        AA,
        Command::ErasePersonalData(ErasePersonalData {
            party: PartyId(1),
            reason: "retention period ended".into(),
        }),
    );
    g.refused(
        AA,
        Command::ErasePersonalData(ErasePersonalData {
            party: PartyId(1),
            reason: "again".into(),
        }),
        Rule::PersonalDataErased,
    );
    assert!(g.case.parties[&PartyId(1)].erased);
}

#[test]
fn a_party_s_characteristics_are_codes_kept_outside_the_personal_data() {
    use crate::imported::{AgeBand, Characteristics, Ethnicity, Sex};
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint);
    let recorded = Characteristics {
        ethnicity: Some(Ethnicity::Black),
        source_ethnicity: None,
        sex: Some(Sex::Female),
        age_band: AgeBand::of(30),
    };
    let add = |g: &mut Given, characteristics: Characteristics| {
        let personal_data = g.sealed("Ann Example");
        Command::AddParty(AddParty {
            characteristics,
            role: PartyRole::Witness,
            vulnerabilities: vec![],
            personal_data,
        })
    };
    let free_text = Characteristics {
        source_ethnicity: Some("Ann's own words".into()),
        ..recorded.clone()
    };
    let refused = add(&mut g, free_text);
    g.refused(AA, refused, Rule::PersonalDataInvalid);
    let ok = add(&mut g, recorded.clone());
    let events = g.try_(AA, ok).unwrap();
    let json = serde_json::to_string(&events[0]).unwrap();
    assert!(json.contains("\"ethnicity\":\"black\""), "{json}");
    let party = g.case.parties.values().last().unwrap();
    assert_eq!(party.characteristics, recorded);
    // Unrecorded, nothing is written: events made before characteristics existed read the same.
    let plain = add(&mut g, Characteristics::default());
    let events = g.try_(AA, plain).unwrap();
    assert!(
        !serde_json::to_string(&events[0])
            .unwrap()
            .contains("characteristics")
    );
}
