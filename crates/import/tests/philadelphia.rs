//! Philadelphia's published complaints, loaded for real on each backend by the mapping shipped
//! in the repository (mappings/philadelphia.toml): no code of its own, every row loaded but the
//! file's one blank row, nothing twice on a second load, and the figures a plain count of the
//! source files gives.

mod common;

use std::collections::{HashMap, HashSet};

use common::{admin, analyst, backends};
use probity_app::FactFilter;
use probity_import::mapping;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/other/philadelphia/"
);
const MAPPING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../mappings/philadelphia.toml"
);

/// The rows of one of the files, by column name.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let mut csv = csv::Reader::from_path(format!("{DATA}{name}")).unwrap();
    let header = csv.headers().unwrap().clone();
    csv.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_philadelphia_files_load_by_their_mapping_and_count_as_the_source_does() {
    let text = std::fs::read_to_string(MAPPING).unwrap();
    let read = mapping::read_files(
        std::path::Path::new(&format!("{DATA}ppd_complaints.csv")),
        &text,
    )
    .unwrap();
    // The data set's own counts: 3,407 complaints, 8,463 findings, 3,577 complainants.
    assert_eq!(read.lines, 3_407 + 8_463 + 3_577);
    assert_eq!(read.rows.len(), 3_407);
    let rejected: Vec<String> = read
        .rejected
        .iter()
        .map(|r| format!("{} {}", r.line, r.reason))
        .collect();
    // The findings file ends with a row of empty cells; nothing else is turned away.
    assert_eq!(
        rejected,
        ["8464 ppd_complaint_disciplines.csv: complaint_id is empty"]
    );

    // What a plain count of the source files gives.
    let findings: Vec<_> = rows("ppd_complaint_disciplines.csv")
        .into_iter()
        .filter(|r| !r["complaint_id"].is_empty())
        .collect();
    let officers: HashSet<&str> = findings
        .iter()
        .map(|r| r["officer_id"].as_str())
        .filter(|o| !o.is_empty())
        .collect();
    let sustained = findings
        .iter()
        .filter(|r| r["investigative_findings"] == "Sustained Finding")
        .count() as u64;
    let identified = findings
        .iter()
        .filter(|r| !r["officer_id"].is_empty())
        .count() as u64;
    let complained_of: HashSet<&str> = findings
        .iter()
        .map(|r| r["complaint_id"].as_str())
        .collect();

    for b in backends().await {
        let desk = admin(&b.office).await;
        let report = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!(
            (report.added, report.rejected.len()),
            (3_407, 1),
            "{}",
            b.name
        );
        let again = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!((again.added, again.unchanged), (0, 3_407), "{}", b.name);

        let s = analyst(&b.office)
            .await
            .statistics(FactFilter {
                source: Some("philadelphia".into()),
                ..FactFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(s.cases, 3_407, "{}", b.name);
        // Every complaint counts, the three without a finding row too.
        assert_eq!(s.complaints, 3_407, "{}", b.name);
        assert_eq!(complained_of.len(), 3_404);
        assert_eq!(s.allegations, findings.len() as u64, "{}", b.name);
        assert_eq!(s.subjects, officers.len() as u64, "{}", b.name);
        let count = |cells: &[probity_domain::statistics::Cell], code: &str| {
            cells.iter().find(|c| c.code == code).and_then(|c| c.count)
        };
        assert_eq!(count(&s.findings, "substantiated"), Some(sustained));
        assert_eq!(
            count(&s.by_category, "B6"),
            Some(
                findings
                    .iter()
                    .filter(|r| r["allegations_investigated"] == "Physical Abuse")
                    .count() as u64
            ),
            "Physical Abuse is use of force"
        );
        let years: Vec<i16> = s.by_year.iter().map(|y| y.year).collect();
        assert_eq!(years, [2015, 2016, 2017, 2018, 2019, 2020]);
        assert!(s.by_year.iter().all(|y| y.body == "ppd"));
        // The subjects' figures count only the identified officers.
        assert!(identified < findings.len() as u64);
        let d = s
            .disproportionality_of("subject", "ethnicity", "substantiated")
            .unwrap();
        assert_eq!(d.reference_group, "white");
        // No narrative and no officer's key in the figures.
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            !json.contains("According to the complainant") && !json.contains("philadelphia:"),
            "{json}"
        );
    }
}
