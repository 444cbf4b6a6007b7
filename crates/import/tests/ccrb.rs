//! New York's complaint file, loaded for real on each backend: one case per complaint, nothing
//! twice on a second load, and the statistics reproduce every figure the file's publishers
//! printed that `published_figures.json` marks verified, and every count of the board's own
//! data dictionary (`layout_fado.csv`).

mod common;

use std::collections::HashMap;

use common::{admin, analyst, backends};
use probity_app::FactFilter;
use probity_domain::statistics::Statistics;
use probity_import::ccrb;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/ccrb/");

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{name}")).unwrap()
}

/// The allegations of one FADO type, or of one type and allegation.
fn source_count(s: &Statistics, category: &str, sub: Option<&str>) -> u64 {
    s.by_source_category
        .iter()
        .find(|c| c.source == "ccrb" && c.category == category && c.subcategory.as_deref() == sub)
        .and_then(|c| c.count)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_new_york_file_loads_once_and_its_published_figures_come_out() {
    let bytes = file("allegations_202007271729.csv");
    let read = ccrb::read(&bytes).unwrap();
    assert_eq!(read.lines, 33_358);
    assert!(
        read.rejected.is_empty(),
        "{:?}",
        &read.rejected[..3.min(read.rejected.len())]
    );
    assert_eq!(read.rows.len(), 12_056);
    let figures: serde_json::Value =
        serde_json::from_slice(&file("published_figures.json")).unwrap();
    for b in backends().await {
        let desk = admin(&b.office).await;
        let report = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!(
            (report.lines, report.added, report.rejected.len()),
            (33_358, 12_056, 0),
            "{}",
            b.name
        );
        let again = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!((again.added, again.unchanged), (0, 12_056), "{}", b.name);

        let all = FactFilter {
            source: Some("ccrb".into()),
            ..FactFilter::default()
        };
        let s = analyst(&b.office).await.statistics(all).await.unwrap();
        let mut checked = 0;
        for f in figures["figures"].as_array().unwrap() {
            if f["verified_in_file"] != true {
                continue;
            }
            let want = f["value"].as_u64().or(f["file_value"].as_u64());
            let got = match f["name"].as_str().unwrap() {
                "allegation_rows" => s.allegations,
                "distinct_officers" => s.subjects,
                "distinct_complaints" => s.complaints,
                "fado_abuse_of_authority" => source_count(&s, "Abuse of Authority", None),
                "fado_force" => source_count(&s, "Force", None),
                "fado_discourtesy" => source_count(&s, "Discourtesy", None),
                "fado_offensive_language" => source_count(&s, "Offensive Language", None),
                "officers_with_5plus_substantiated_allegations" => {
                    s.subject_figures.with_5_or_more_substantiated
                }
                "officers_with_40plus_allegations" => {
                    s.subject_figures.with_more_than_40_allegations
                }
                "physical_force_allegations" => source_count(&s, "Force", Some("Physical force")),
                "frisk_allegations" => source_count(&s, "Abuse of Authority", Some("Frisk")),
                "gun_pointed_allegations" => source_count(&s, "Force", Some("Gun Pointed")),
                "period" => {
                    let years: Vec<i16> = s.by_year.iter().map(|y| y.year).collect();
                    assert_eq!(
                        (years.first(), years.last()),
                        (Some(&1985), Some(&2020)),
                        "received September 1985 to January 2020"
                    );
                    checked += 1;
                    continue;
                }
                "per_allegation_type_counts" => {
                    // The board's own counts of each type and allegation (one row has none).
                    let layout = file("layout_fado.csv");
                    let mut csv = csv::Reader::from_reader(&layout[..]);
                    let mut types = 0;
                    for row in csv.records() {
                        let row = row.unwrap();
                        let n: u64 = row[2].parse().unwrap();
                        let got = source_count(&s, &row[0], Some(&row[1]));
                        // The statistics suppress a count below 10; the file prints every one.
                        if n >= probity_domain::statistics::SUPPRESS_BELOW {
                            assert_eq!(got, n, "{} / {} on {}", &row[0], &row[1], b.name);
                        } else {
                            assert_eq!(got, 0, "{} / {} suppressed", &row[0], &row[1]);
                        }
                        types += 1;
                    }
                    assert_eq!(types, 118);
                    checked += 1;
                    continue;
                }
                other => panic!("a verified figure this test does not know: {other}"),
            };
            assert_eq!(Some(got), want, "{} on {}", f["name"], b.name);
            checked += 1;
        }
        assert_eq!(checked, 14, "every verified figure was checked");

        // Codes and counts only: no officer's name, nor the key that tells subjects apart.
        let json = serde_json::to_string(&s).unwrap();
        for name in ["Ruiz", "Sears", "ccrb:"] {
            assert!(!json.contains(name), "{name} in the statistics");
        }
        // Disproportionality reads the board's recorded characteristics.
        let d = s
            .disproportionality_of("complainant", "ethnicity", "substantiated")
            .unwrap();
        assert_eq!(d.reference_group, "white");
        let by_group: HashMap<&str, _> = d.groups.iter().map(|g| (g.group.as_str(), g)).collect();
        let white = by_group["white"];
        assert_eq!(white.rri, Some(1.0));
        assert!(by_group["black"].rri.is_some() && by_group["black"].ci_low.is_some());
        assert!(
            s.time_to_finalise
                .as_ref()
                .is_some_and(|t| t.months_only && t.cases == 12_056),
            "{:?}",
            s.time_to_finalise
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_force_s_staff_count_their_own_force_alone_and_others_may_not_count() {
    let bytes = file("allegations_202007271729.csv");
    let mut read = ccrb::read(&bytes).unwrap();
    read.rows.truncate(50);
    let b = &backends().await[0];
    probity_import::load(&admin(&b.office).await, read)
        .await
        .unwrap();
    let force_analyst = b
        .office
        .console(probity_app::Console {
            actor: "sussex.analyst".into(),
            role: Some(probity_domain::access::StaffRole::Analyst),
            force: Some(probity_domain::force::Force::parse("sussex").unwrap()),
            ..probity_app::Console::default()
        })
        .await
        .unwrap();
    let s = force_analyst
        .statistics(FactFilter::default())
        .await
        .unwrap();
    assert_eq!(s.allegations, 0, "New York's allegations are not Sussex's");
    let other = FactFilter {
        body: Some("nypd".into()),
        ..FactFilter::default()
    };
    assert!(force_analyst.statistics(other).await.is_err());
    assert!(
        admin(&b.office)
            .await
            .statistics(FactFilter::default())
            .await
            .is_err()
    );
    let s = analyst(&b.office)
        .await
        .statistics(FactFilter::default())
        .await
        .unwrap();
    assert!(s.allegations >= 50);
}
