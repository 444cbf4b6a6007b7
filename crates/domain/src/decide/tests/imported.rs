//! An item another body published, imported as it stands.

use super::*;
use crate::imported::{ImportedFrom, ImportedItem, ImportedRecommendation};
use crate::publication::ItemKind;

fn import(reference: &str, key: &str, title: &str) -> Command {
    Command::ImportPublication(ImportPublication {
        reference: Reference::parse(reference).unwrap(),
        from: ImportedFrom {
            source: "iopc-recommendations".into(),
            key: key.into(),
            file_digest: "ab".repeat(32),
            line: 2,
        },
        item: ImportedItem {
            item: ItemKind::LearningRecommendation,
            title: title.into(),
            summary: "A man was detained in custody.".into(),
            recipient: "Sussex Police".into(),
            force: Some(Force::parse("sussex").unwrap()),
            themes: vec!["Custody and detention".into()],
            published_on: date(2021, 6, 25),
            recommendation: Some(ImportedRecommendation {
                text: "Review the cell extraction policy.".into(),
                made_on: date(2021, 4, 21),
                response_due: date(2021, 6, 16),
                acceptance: Some(Acceptance::Accepted),
            }),
        },
    })
}

fn edit(command: Command, change: impl FnOnce(&mut ImportPublication)) -> Command {
    let Command::ImportPublication(mut c) = command else {
        unreachable!()
    };
    change(&mut c);
    Command::ImportPublication(c)
}

#[test]
fn an_import_holds_the_item_as_published_and_the_same_text_again_adds_nothing() {
    let mut g = Given::new();
    let first = import("IOPC-2020-135656-1A2B", "https://example.org/a", "Title");
    let events = g.try_(IOPC, first.clone()).unwrap();
    assert_eq!(events.len(), 1);
    let held = g.case.imported.clone().expect("imported");
    assert_eq!((held.version, held.first_imported_on), (1, g.day));
    assert_eq!(held.item.title, "Title");
    // No matter is logged: the rules of a case here never apply to it.
    assert!(g.case.matter().is_none());
    g.refused(IOPC, super::approve(1), Rule::CaseNotOpen);

    // The same row read again, from another file and line, writes nothing.
    let again = edit(first.clone(), |c| {
        c.from.line = 9;
        c.from.file_digest = "cd".repeat(32);
    });
    assert!(g.after(3).try_(IOPC, again).unwrap().is_empty());
    // A changed text is a new version; its retention still counts from the first import.
    let changed = edit(first, |c| c.item.title = "Corrected title".into());
    assert_eq!(g.try_(IOPC, changed).unwrap().len(), 1);
    let held = g.case.imported.clone().unwrap();
    assert_eq!(held.version, 2);
    assert_eq!(held.item.title, "Corrected title");
    assert_eq!(held.first_imported_on, date(2023, 3, 1));
}

#[test]
fn an_import_never_writes_over_a_case_recorded_here_nor_over_another_item() {
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint);
    let Some(reference) = g.case.matter().map(|m| m.reference.to_string()) else {
        unreachable!()
    };
    g.refused(
        AA,
        import(&reference, "https://example.org/a", "T"),
        Rule::NotImportable,
    );

    let mut g = Given::new();
    g.ok(IOPC, import("IOPC-X-1", "https://example.org/a", "T"));
    g.refused(
        IOPC,
        import("IOPC-X-1", "https://example.org/b", "T"),
        Rule::NotImportable,
    );
}

#[test]
fn an_imported_item_needs_its_text_and_dates_that_can_be_true() {
    let mut g = Given::new();
    let good = import("IOPC-X-2", "https://example.org/c", "T");
    g.refused(
        IOPC,
        edit(good.clone(), |c| c.item.title = " ".into()),
        Rule::MissingText,
    );
    g.refused(
        IOPC,
        edit(good.clone(), |c| {
            c.item.summary.clear();
            c.item.recommendation = None;
        }),
        Rule::MissingText,
    );
    g.refused(
        IOPC,
        edit(good.clone(), |c| c.item.published_on = date(2024, 1, 1)),
        Rule::DateOutOfRange,
    );
    g.refused(
        IOPC,
        edit(good.clone(), |c| {
            if let Some(r) = &mut c.item.recommendation {
                r.response_due = date(2021, 1, 1);
            }
        }),
        Rule::DateOutOfRange,
    );
    // Without a recommendation, a summary alone is an item.
    g.ok(IOPC, edit(good, |c| c.item.recommendation = None));
}

fn record(reference: &str, key: &str) -> Command {
    use crate::imported::*;
    let black = Characteristics {
        ethnicity: Some(Ethnicity::Black),
        source_ethnicity: Some("Black".into()),
        sex: Some(Sex::Male),
        age_band: AgeBand::of(26),
    };
    Command::ImportRecord(ImportRecord {
        reference: Reference::parse(reference).unwrap(),
        from: ImportedFrom {
            source: "ccrb".into(),
            key: key.into(),
            file_digest: "ab".repeat(32),
            line: 3,
        },
        record: ImportedCase {
            body: "nypd".into(),
            area: Some("67".into()),
            received: SourceDate::month(2011, 11).unwrap(),
            closed: SourceDate::month(2012, 8),
            subjects: vec![ImportedSubject {
                key: "10007".into(),
                rank: Some("Police Officer".into()),
                characteristics: Characteristics::default(),
            }],
            complainants: vec![black],
            allegations: vec![ImportedAllegation {
                line: 3,
                subject: Some(0),
                complainant: Some(0),
                category: Some(CategoryCode::parse("H2").unwrap()),
                source_category: "Discourtesy".into(),
                source_subcategory: Some("Action".into()),
                investigated: Some(true),
                recommended_finding: None,
                finding: Disposition::Substantiated,
                source_finding: Some("Substantiated (Charges)".into()),
                action: Some("Charges".into()),
                sanctioned: None,
            }],
            notes: Vec::new(),
        },
    })
}

fn edit_record(command: Command, change: impl FnOnce(&mut ImportRecord)) -> Command {
    let Command::ImportRecord(mut c) = command else {
        unreachable!()
    };
    change(&mut c);
    Command::ImportRecord(c)
}

#[test]
fn an_imported_case_is_held_as_recorded_never_decided_and_the_same_record_adds_nothing() {
    let mut g = Given::new();
    let first = record("CCRB-24601", "24601");
    assert_eq!(g.try_(IOPC, first.clone()).unwrap().len(), 1);
    let held = g.case.imported_record.clone().expect("imported");
    assert_eq!((held.version, held.first_imported_on), (1, g.day));
    assert_eq!(held.case.allegations[0].source_category, "Discourtesy");
    // No matter: no statutory rule of England and Wales applies to it, nor any step.
    assert!(g.case.matter().is_none());
    g.refused(IOPC, super::approve(1), Rule::CaseNotOpen);
    let calendar = crate::calendar::Calendar::england_and_wales();
    assert!(
        crate::clock::clocks(&g.case, g.day, calendar)
            .iter()
            .all(|c| c.state == crate::clock::ClockState::NotApplicable),
        "no statutory clock runs on it"
    );
    assert!(crate::clock::open_duties(&g.case, calendar).is_empty());

    let again = edit_record(first.clone(), |c| c.from.line = 40);
    assert!(g.after(3).try_(IOPC, again).unwrap().is_empty());
    let changed = edit_record(first, |c| {
        c.record.allegations[0].finding = crate::imported::Disposition::Exonerated;
    });
    assert_eq!(g.try_(IOPC, changed).unwrap().len(), 1);
    let held = g.case.imported_record.clone().unwrap();
    assert_eq!(held.version, 2);
    assert_eq!(held.first_imported_on, date(2023, 3, 1));

    // Another key, or a published item, under the same reference is refused.
    g.refused(IOPC, record("CCRB-24601", "24602"), Rule::NotImportable);
    g.refused(
        IOPC,
        import("CCRB-24601", "https://example.org/a", "T"),
        Rule::NotImportable,
    );
    let mut g = Given::new();
    g.ok(IOPC, import("IOPC-X-3", "https://example.org/d", "T"));
    g.refused(
        IOPC,
        record("IOPC-X-3", "https://example.org/d"),
        Rule::NotImportable,
    );
    let mut g = Given::new();
    g.log_complaint(MatterKind::Complaint);
    let reference = g.case.matter().unwrap().reference.to_string();
    g.refused(AA, record(&reference, "1"), Rule::NotImportable);
}

#[test]
fn an_imported_case_must_not_contradict_itself() {
    use crate::imported::SourceDate;
    let mut g = Given::new();
    let good = record("CCRB-1", "1");
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| c.record.body = "".into()),
        Rule::MissingText,
    );
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| c.record.allegations[0].subject = Some(1)),
        Rule::UnknownParty,
    );
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| {
            c.record.allegations[0].complainant = Some(4)
        }),
        Rule::UnknownParty,
    );
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| {
            let s = c.record.subjects[0].clone();
            c.record.subjects.push(s);
        }),
        Rule::UnknownParty,
    );
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| {
            c.record.closed = SourceDate::month(2011, 10)
        }),
        Rule::DateOutOfRange,
    );
    g.refused(
        IOPC,
        edit_record(good.clone(), |c| {
            c.record.received = SourceDate::month(2030, 1).unwrap()
        }),
        Rule::DateOutOfRange,
    );
    // Closed in the month it was received: the days are not known, so it can be true.
    g.ok(
        IOPC,
        edit_record(good, |c| c.record.closed = SourceDate::month(2011, 11)),
    );
    // A complaint that names no officer is a case without allegations.
    let mut g = Given::new();
    g.ok(
        IOPC,
        edit_record(record("CCRB-2", "2"), |c| {
            c.record.allegations.clear();
            c.record.subjects.clear();
        }),
    );
    // An allegation against an officer the source did not identify is held without a subject.
    let mut g = Given::new();
    g.ok(
        IOPC,
        edit_record(record("CCRB-3", "3"), |c| {
            c.record.allegations[0].subject = None;
            c.record.subjects.clear();
        }),
    );
}
