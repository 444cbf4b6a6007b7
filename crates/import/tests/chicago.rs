//! Chicago's complaint files, read for real (compressed, as published): every complaint a case,
//! every accused row an allegation against its officer, the recommended and final findings as
//! the source rows hold them. Loading the whole set and counting it again from the statistics
//! is long, so it runs when `PROBITY_LONG_TESTS` is set (`.ci/run` sets it).

mod common;

use std::collections::HashSet;

use probity_domain::command::Command;
use probity_domain::imported::{Disposition, ImportedAllegation};
use probity_import::chicago;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/chicago");

fn long_tests() -> bool {
    std::env::var("PROBITY_LONG_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The allegation read from `line` of the accused file, in complaint `cr_id`.
fn accused<'r>(read: &'r probity_import::Read, cr_id: &str, line: u64) -> &'r ImportedAllegation {
    read.rows
        .iter()
        .find_map(|r| match &r.command {
            Command::ImportRecord(c) if c.from.key == cr_id => {
                c.record.allegations.iter().find(|a| a.line == line)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("line {line} of complaint {cr_id}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_complaint_and_accused_row_of_chicago_is_read_and_counted() {
    let read = chicago::read_dir(std::path::Path::new(DIR)).unwrap();
    // The published set names complaints in its complainants file that its complaints file
    // does not hold: those rows are reported, each by line; every other row is read.
    assert_eq!(read.rejected.len(), 36_027);
    assert!(
        read.rejected.iter().all(|r| r
            .reason
            .starts_with("complaints-complainants.csv.gz: complaint ")
            && r.reason.ends_with("is not in complaints-complaints.csv.gz")),
        "{:?}",
        read.rejected
            .iter()
            .find(|r| !r.reason.starts_with("complaints-complainants"))
    );
    assert_eq!(read.rejected[0].line, 672);
    assert_eq!(read.rows.len(), 181_412, "the data set's complaints");
    let mut allegations = 0;
    let mut officers = HashSet::new();
    for r in &read.rows {
        let Command::ImportRecord(c) = &r.command else {
            panic!()
        };
        allegations += c.record.allegations.len();
        officers.extend(c.record.subjects.iter().map(|s| s.key.clone()));
    }
    assert_eq!(allegations, 244_436, "the data set's accused rows");
    let noted = read
        .rows
        .iter()
        .filter(|r| matches!(&r.command, Command::ImportRecord(c) if !c.record.notes.is_empty()))
        .count();
    assert_eq!(
        noted, 38,
        "closed before they were filed: kept, the date noted"
    );
    assert_eq!(officers.len(), 22_813, "officers accused");

    // Recommended against final findings, as the source rows hold them (line: its row).
    let a = accused(&read, "259020", 117_871);
    assert_eq!(a.recommended_finding.as_deref(), Some("SU"));
    assert_eq!(
        (a.finding, a.source_finding.as_deref()),
        (Disposition::NotRecorded, None)
    );
    assert_eq!(
        (a.action.as_deref(), a.sanctioned),
        (Some("No Action Taken"), Some(false))
    );
    let a = accused(&read, "301542", 167_535);
    assert_eq!(a.recommended_finding.as_deref(), Some("UN"));
    assert_eq!(a.finding, Disposition::NotSubstantiated, "NS in the end");
    let a = accused(&read, "1081550", 242_697);
    assert_eq!(
        (a.recommended_finding.as_deref(), a.action.as_deref()),
        (Some("UN"), Some("Unknown"))
    );
    assert_eq!(a.sanctioned, None, "an unknown outcome is not recorded");

    if !long_tests() {
        eprintln!("the load of all of Chicago runs when PROBITY_LONG_TESTS is set");
        return;
    }
    let b = &common::backends().await[0];
    let report = probity_import::load(&common::admin(&b.office).await, read)
        .await
        .unwrap();
    assert_eq!(
        (report.added, report.rejected.len()),
        (181_412, 36_027),
        "{}",
        b.name
    );
    let s = common::analyst(&b.office)
        .await
        .statistics(probity_app::FactFilter {
            source: Some("chicago".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (s.complaints, s.allegations, s.subjects),
        (181_412, 244_436, 22_813)
    );
}
