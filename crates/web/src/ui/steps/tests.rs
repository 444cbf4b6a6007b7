use super::*;

#[test]
fn every_step_has_its_own_address_and_a_command_of_its_kind() {
    let mut slugs = std::collections::BTreeSet::new();
    for s in STEPS {
        assert!(slugs.insert(s.slug), "{} twice", s.slug);
        assert!(!s.stages.is_empty(), "{}", s.slug);
        assert!(s.guidance.contains(' '), "{}", s.slug);
    }
}

#[test]
fn answers_keep_repeated_names_and_dates_in_three_boxes() {
    let a = Answers::from_pairs(vec![
        ("subjects".into(), "P2".into()),
        ("subjects".into(), "P3".into()),
        ("on-day".into(), "6".into()),
        ("on-month".into(), "4".into()),
        ("on-year".into(), "2020".into()),
        ("csrf".into(), "t".into()),
    ]);
    assert_eq!(a.all("subjects").collect::<Vec<_>>(), ["P2", "P3"]);
    assert!(a.has("subjects", "P3") && !a.has("subjects", "P4"));
    assert_eq!(a.date_parts("on"), ["6", "4", "2020"]);
    let mut e = Errors::default();
    assert_eq!(
        a.date("on", "The day", true, &mut e),
        Some(jiff::civil::date(2020, 4, 6))
    );
    assert!(a.carried().iter().all(|(k, _)| k != "csrf"));
    assert_eq!(a.one("missing"), "");
    assert!(e.is_empty());
    let none: Option<probity_domain::conduct::Severity> = a.code("severity", "Choose", &mut e);
    assert!(none.is_none());
    assert_eq!(e.get("severity"), Some("Choose"));
}

/// Every command of a case file has a form: a step here, or a page of its own. An import is no
/// command of a case file: it comes from a file, at the console.
#[test]
fn every_case_command_has_a_form() {
    use probity_domain::command::CommandKind as C;
    // Pages of their own: intake, recording, the decision log, severity with the subject's
    // history, and letters (which send timeliness reports too).
    let own_page = [
        C::LogMatter,
        C::RecordMatter,
        C::LogDecision,
        C::AssessSeverity,
        C::SendLetter,
        C::SendTimelinessReport,
    ];
    let not_a_step = [C::ImportPublication, C::ImportRecord];
    let missing: Vec<_> = C::ALL
        .iter()
        .filter(|k| !own_page.contains(k) && !not_a_step.contains(k))
        .filter(|k| !STEPS.iter().any(|s| s.kind == **k))
        .map(|k| k.name())
        .collect();
    assert!(missing.is_empty(), "no form for {missing:?}");
}
