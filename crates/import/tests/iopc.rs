//! The IOPC's published file, loaded for real on each backend: every good row once, every bad
//! row reported by line, nothing twice on a second load, and the public search's best answers
//! on the real text the same on SQLite and PostgreSQL.

mod common;

use common::{admin, backends};
use probity_app::Office;
use probity_import::iopc;
use probity_published::{RegisterQuery, Search, Window};

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/uk/iopc_recommendations_bbc/iopc_recommendations_2021-06.csv"
);

fn today() -> jiff::civil::Date {
    probity_domain::london()
        .to_datetime(jiff::Timestamp::now())
        .date()
}

async fn top(office: &Office, q: &str) -> Vec<(String, String)> {
    let search = Search {
        terms: probity_published::terms(q),
        page: 1,
        ..Search::default()
    };
    office
        .published_items()
        .search(&search, Window::retaining(today(), 5))
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.reference, h.title))
        .collect()
}

#[tokio::test]
async fn the_published_file_loads_once_with_each_bad_row_named_and_searches_alike() {
    let bytes = std::fs::read(FILE).unwrap();
    let read = iopc::read(&bytes).unwrap();
    let lines: Vec<u64> = read.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [66, 545, 7731], "{:#?}", read.rejected);
    let mut answers = Vec::new();
    assert_eq!(read.rows.len() + read.rejected.len(), 1321);
    for b in backends().await {
        let desk = admin(&b.office).await;
        let report = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!(report.added, read.rows.len(), "{}: {report:?}", b.name);
        assert_eq!(
            report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            lines,
            "{}: the rules refuse no row the reader took",
            b.name
        );
        let events = desk.counts().await.unwrap().events;
        let again = probity_import::load(&desk, read.clone()).await.unwrap();
        assert_eq!(
            (again.added, again.updated, again.unchanged),
            (0, 0, read.rows.len()),
            "{}: a second load adds nothing",
            b.name
        );
        assert_eq!(desk.counts().await.unwrap().events, events);
        for (q, best) in BEST {
            let found = top(&b.office, q).await;
            let refs: Vec<&str> = found.iter().map(|h| h.0.as_str()).collect();
            assert!(
                refs.len() >= best.len() && refs[..best.len()] == **best,
                "{}: {q:?} gave {found:#?}",
                b.name
            );
        }
        // The four items whose titles name the Taser come first.
        let taser = top(&b.office, "taser").await;
        assert!(
            taser[..4]
                .iter()
                .all(|(_, t)| t.to_lowercase().contains("taser")),
            "{}: {taser:#?}",
            b.name
        );
        let mut mine = Vec::new();
        for q in [
            "custody",
            "mental health",
            "pursuit",
            "restraint",
            "domestic abuse",
        ] {
            mine.push(top(&b.office, q).await);
        }
        answers.push(mine);
        let register = b
            .office
            .published_items()
            .register(
                &RegisterQuery {
                    terms: probity_published::terms("cell extraction spit guard"),
                    page: 1,
                    ..RegisterQuery::default()
                },
                Window::retaining(today(), 5),
            )
            .await
            .unwrap();
        assert_eq!(
            register
                .recommendations
                .iter()
                .map(|r| r.reference.as_str())
                .collect::<Vec<_>>(),
            ["IOPC-2020-135656-AEF4-R1"],
            "{}: the register finds the recommendation by its own words",
            b.name
        );
        let r = &register.recommendations[0];
        assert_eq!(
            (r.made_on.to_string(), r.response_due.to_string()),
            ("2021-04-21".to_string(), "2021-06-16".to_string())
        );
        assert_eq!(
            r.response.as_ref().map(|x| x.acceptance),
            Some(probity_published::Acceptance::Accepted)
        );
    }
    same_everywhere(&answers);
}

/// One index on every backend: the same results in the same order.
fn same_everywhere(answers: &[Vec<Vec<(String, String)>>]) {
    for other in answers.iter().skip(1) {
        assert_eq!(&answers[0], other, "the backends answer alike");
    }
}

/// Queries whose best answers can be justified from the text, in order, on both backends.
const BEST: &[(&str, &[&str])] = &[
    // The Sussex recommendation on removing a spit guard during a cell extraction (the only
    // item that names one in its summary, under a title that does not).
    ("spit guard", &["IOPC-2020-135656-AEF4"]),
    // "Use of Taser" (Durham): the word in a short title, the item most about it.
    ("taser", &["IOPC-2017-081251-7DCB"]),
    // Officers finding a man with a ligature around his neck (Essex): the word in its title.
    ("ligature", &["IOPC-2018-112636-15B2"]),
    // The only two summaries in which someone drowned.
    (
        "drowned",
        &["IOPC-2016-074637-ACDD", "IOPC-2017-080420-EC5B"],
    ),
];
