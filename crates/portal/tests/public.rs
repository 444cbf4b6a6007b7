//! The portal as the public uses it, in-process over a real store filled with the demo: what
//! is found, what is never there, and how bad input is answered.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::civil::{Date, date};
use probity_app::{Console, Office};
use probity_domain::access::StaffRole;
use probity_domain::command::Command;
use probity_domain::party::PartyRole;
use probity_domain::scenario;
use probity_portal::{Config, Portal};
use tower::ServiceExt;

const SYNTHETIC: u32 = 300;

struct Public {
    office: Office,
    _dir: tempfile::TempDir,
}

impl Public {
    async fn demo() -> Public {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::open(&format!("sqlite:{}", dir.path().join("p.db").display()))
            .await
            .unwrap();
        admin(&office).await.load_demo(SYNTHETIC).await.unwrap();
        Public { office, _dir: dir }
    }

    async fn admin(&self) -> probity_app::Desk {
        admin(&self.office).await
    }

    fn router(&self, today: Date) -> axum::Router {
        let mut config = Config::new("http://portal.test");
        config.today = Some(today);
        probity_portal::router(Portal::new(self.office.published_items(), config))
    }
}

async fn admin(office: &Office) -> probity_app::Desk {
    office
        .console(Console {
            actor: "test.admin".into(),
            role: Some(StaffRole::Administrator),
            ..Console::default()
        })
        .await
        .unwrap()
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &axum::Router, path: &str) -> Reply {
    get_with(app, path, None).await
}

async fn get_with(app: &axum::Router, path: &str, if_none_match: Option<&str>) -> Reply {
    let mut r = Request::get(path);
    if let Some(t) = if_none_match {
        r = r.header(header::IF_NONE_MATCH, t);
    }
    let answer = app
        .clone()
        .oneshot(r.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (answer.status(), answer.headers().clone());
    let bytes = answer.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn today() -> Date {
    date(2026, 12, 3)
}

/// Every name and service number the demo's scripts give a party.
fn identifiers() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut salt = probity_app::fresh_salt;
    let mut scripts = vec![scenario::reference_case(&mut salt)];
    scripts.extend((1..=SYNTHETIC).map(|n| scenario::synthetic_case(n, &mut salt)));
    let (mut names, mut numbers) = (BTreeSet::new(), BTreeSet::new());
    for step in scripts.into_iter().flatten() {
        if let Command::AddParty(p) = step.command {
            names.insert(p.personal_data.data.name.clone());
            names.extend(p.personal_data.data.nicknames.iter().cloned());
            if let PartyRole::Subject(s) = &p.role
                && let Some(n) = &s.service_number
            {
                numbers.insert(n.clone());
            }
        }
    }
    (names, numbers)
}

#[tokio::test]
async fn the_reference_case_is_found_and_no_party_is_named_anywhere_public() {
    let public = Public::demo().await;
    let app = public.router(today());
    let found = get(&app, "/search?q=informant").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains("/investigations/2020-134541"),
        "{}",
        found.body
    );
    assert!(
        found.body.contains("<mark>informant</mark>"),
        "the word is highlighted"
    );
    let item = get(&app, "/api/public/v1/investigations/2020-134541").await;
    let item: serde_json::Value = serde_json::from_str(&item.body).unwrap();
    assert_eq!(item["title"], scenario::REFERENCE_TITLE);
    assert_eq!(item["force"]["code"], "gloucestershire");

    // Every public surface: lists, each item (page and API), feeds and the bulk files.
    let jsonl = get(&app, "/downloads/items.jsonl").await.body;
    let references: Vec<String> = jsonl
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["reference"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        references.len() > 1,
        "the demo publishes more than the reference case: {references:?}"
    );
    let mut paths: Vec<String> = [
        "/",
        "/search",
        "/search?q=officer",
        "/recommendations",
        "/data",
        "/feeds/items.atom",
        "/feeds/recommendations.atom",
        "/downloads/items.csv",
        "/downloads/items.jsonl",
        "/downloads/recommendations.csv",
        "/downloads/recommendations.jsonl",
        "/api/public/v1/investigations",
        "/api/public/v1/recommendations",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for r in &references {
        paths.push(format!("/investigations/{r}"));
        paths.push(format!("/api/public/v1/investigations/{r}"));
    }
    let (names, numbers) = identifiers();
    assert!(
        names.len() > 20 && numbers.len() > 20,
        "{} names, {} numbers",
        names.len(),
        numbers.len()
    );
    for path in &paths {
        let reply = get(&app, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let body = reply.body.to_lowercase();
        for name in &names {
            assert!(!body.contains(&name.to_lowercase()), "{name} is on {path}");
        }
        for n in &numbers {
            let n = n.to_lowercase();
            assert!(
                !body.split(|c: char| !c.is_alphanumeric()).any(|w| w == n),
                "service number {n} is on {path}"
            );
        }
    }
    // And no search for a name finds anything.
    for name in &names {
        let q = serde_urlencoded::to_string([("q", name)]).unwrap();
        let reply = get(&app, &format!("/api/public/v1/investigations?{q}")).await;
        let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(v["total"], 0, "a search for {name} found {}", v["results"]);
    }
}

#[tokio::test]
async fn an_item_is_shown_from_its_day_until_the_retention_period_ends() {
    let public = Public::demo().await;
    let item = "/investigations/2020-134541";
    // The reference case was approved for 4 April 2022.
    assert_eq!(
        get(&public.router(date(2022, 4, 3)), item).await.status,
        StatusCode::NOT_FOUND
    );
    let shown = get(&public.router(date(2022, 4, 4)), item).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("4 April 2022") && shown.body.contains("April 2020"));
    assert_eq!(
        get(&public.router(date(2027, 4, 3)), item).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&public.router(date(2027, 4, 4)), item).await.status,
        StatusCode::NOT_FOUND,
        "five years on"
    );
    let search = get(
        &public.router(date(2022, 4, 3)),
        "/api/public/v1/investigations?q=informant",
    )
    .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&search.body).unwrap()["total"],
        0
    );
}

#[tokio::test]
async fn an_imported_item_shows_its_own_date_links_to_its_source_and_is_retained_from_import() {
    use probity_domain::command::ImportPublication;
    use probity_domain::imported::{ImportedFrom, ImportedItem};
    let public = Public::demo().await;
    let admin = public.admin().await;
    let reference = probity_domain::Reference::parse("IOPC-2018-000001-ABCD").unwrap();
    let command = Command::ImportPublication(ImportPublication {
        reference: reference.clone(),
        from: ImportedFrom {
            source: "iopc-recommendations".into(),
            key: "https://policeconduct.gov.uk/recommendations/example".into(),
            file_digest: "00".repeat(32),
            line: 2,
        },
        item: ImportedItem {
            item: probity_domain::publication::ItemKind::InvestigationSummary,
            title: "Response to a 999 call - Kent Police, May 2018".into(),
            summary: "Officers attended a report of a disturbance.".into(),
            recipient: "Kent Police".into(),
            force: Some(probity_domain::force::Force::parse("kent").unwrap()),
            themes: vec!["Road traffic incidents".into()],
            published_on: date(2018, 5, 1),
            recommendation: None,
        },
    });
    let now = jiff::Timestamp::now();
    let ctx = probity_domain::Context::new(now, "test.admin", probity_domain::Body::OversightBody);
    admin.import(&[(reference, command, ctx)]).await.unwrap();
    let today = probity_domain::london().to_datetime(now).date();
    let app = public.router(today);
    let page = get(&app, "/investigations/IOPC-2018-000001-ABCD").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("1 May 2018"), "its own date");
    assert!(
        page.body.contains(
            r#"<a class="govuk-link" href="https://policeconduct.gov.uk/recommendations/example">"#
        ),
        "a link to where it was first published"
    );
    let found = get(&app, "/search?q=disturbance&force=kent").await;
    assert!(
        found.body.contains("IOPC-2018-000001-ABCD"),
        "{}",
        found.body
    );
    // Five years from the day it was imported, not from 2018.
    let later = today.checked_add(jiff::Span::new().years(5)).unwrap();
    assert_eq!(
        get(
            &public.router(later),
            "/investigations/IOPC-2018-000001-ABCD"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let before = later.yesterday().unwrap();
    assert_eq!(
        get(
            &public.router(before),
            "/investigations/IOPC-2018-000001-ABCD"
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_any_text_is_a_query() {
    let public = Public::demo().await;
    let app = public.router(today());
    for q in [
        "%22informant",
        "informant%20OR%201%3D1%3B%20--",
        "NEAR(a",
        "%2A",
        "%27",
        "%00",
        "a%20AND%20NOT%20b",
        "%F0%9F%94%8D",
        "%E2%80%AE",
    ] {
        for path in [
            "/search",
            "/api/public/v1/investigations",
            "/recommendations",
            "/feeds/items.atom",
        ] {
            let reply = get(&app, &format!("{path}?q={q}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}?q={q}: {}", reply.body);
        }
    }
    let long = "a".repeat(501);
    for (path, wanted) in [
        ("/search?page=0".to_string(), "page"),
        ("/search?page=100000000000".to_string(), "page"),
        ("/api/public/v1/investigations?page=501".to_string(), "page"),
        (
            "/api/public/v1/investigations?year=twenty".to_string(),
            "year",
        ),
        (
            "/api/public/v1/investigations?kind=secret".to_string(),
            "kind",
        ),
        (
            "/api/public/v1/investigations?force=gloucestershire%27%20OR%201%3D1".to_string(),
            "force",
        ),
        (
            "/api/public/v1/investigations?sort=date".to_string(),
            "parameter",
        ),
        (format!("/api/public/v1/investigations?q={long}"), "longer"),
        (
            "/api/public/v1/recommendations?status=lost".to_string(),
            "status",
        ),
        (
            "/api/public/v1/investigations/2020%2F134541".to_string(),
            "reference",
        ),
        (
            "/api/public/v1/investigations/%3Cscript%3E".to_string(),
            "reference",
        ),
        (
            "/api/public/v1/recommendations/2020-134541".to_string(),
            "recommendation",
        ),
    ] {
        let reply = get(&app, &path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.body
        );
        assert!(
            reply.body.to_lowercase().contains(wanted),
            "{path}: {}",
            reply.body
        );
        if path.starts_with("/api/") {
            assert_eq!(
                reply.headers[header::CONTENT_TYPE],
                "application/problem+json"
            );
        }
    }
    assert_eq!(
        get(&app, "/api/public/v1/investigations/1999-000001")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/public/v1/nothing").await.status,
        StatusCode::NOT_FOUND
    );
    let missing = get(&app, "/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page not found"));
    // Echoed text is escaped.
    let echoed = get(&app, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!echoed.body.contains("<script>"));
}

#[tokio::test]
async fn answers_carry_an_etag_and_cache_control_and_revalidate() {
    let public = Public::demo().await;
    let app = public.router(today());
    for path in [
        "/",
        "/investigations/2020-134541",
        "/api/public/v1/investigations",
        "/api/public/v1/investigations/2020-134541",
        "/api/public/v1/openapi.json",
        "/feeds/items.atom",
        "/downloads/items.csv",
    ] {
        let first = get(&app, path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let tag = first.headers[header::ETAG].to_str().unwrap().to_string();
        assert!(tag.starts_with('"') && tag.len() == 34, "{path}: {tag}");
        assert!(
            first.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("public, max-age=")
        );
        assert!(first.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        let again = get_with(&app, path, Some(&tag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        let other = get_with(&app, path, Some("\"0000\"")).await;
        assert_eq!(other.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_bulk_csv_reads_in_a_standard_reader_with_the_documented_columns() {
    let public = Public::demo().await;
    let app = public.router(today());
    let csv = get(&app, "/downloads/items.csv").await.body;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let documented = get(&app, "/data").await.body;
    for column in &header {
        assert!(
            documented.contains(column.as_str()),
            "{column} is not documented"
        );
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let reference = rows
        .iter()
        .find(|r| &r[0] == "2020-134541")
        .expect("the reference case");
    assert_eq!(&reference[3], "gloucestershire");
    assert!(reference[11].contains("unofficial informant"));
    let jsonl = get(&app, "/downloads/items.jsonl").await.body;
    assert_eq!(rows.len(), jsonl.lines().count());
    // Python's own csv module reads it the same way, when Python is here.
    if let Some(python) = python() {
        let out = run_python(
            &python,
            "import csv,sys\nrows=list(csv.reader(sys.stdin))\nprint(len(rows)-1, rows[0][0], len(rows[0]))",
            &csv,
        );
        assert_eq!(
            out.trim(),
            format!("{} reference {}", rows.len(), header.len())
        );
    }
}

/// Atom as a real parser sees it (Python's feedparser, which `.ci/run` installs): well formed,
/// with the entries and links the feed means.
#[tokio::test]
async fn the_feeds_are_atom_that_a_real_parser_reads() {
    let public = Public::demo().await;
    let app = public.router(today());
    let Some(python) = python() else {
        assert!(
            std::env::var_os("PROBITY_LONG_TESTS").is_none(),
            "PROBITY_TEST_PYTHON (with feedparser) is needed"
        );
        eprintln!("skipped: set PROBITY_TEST_PYTHON to a Python with feedparser");
        return;
    };
    let script = "import feedparser,sys\nf=feedparser.parse(sys.stdin.buffer.read())\nassert not f.bozo, f.bozo_exception\nassert f.version=='atom10', f.version\nprint(len(f.entries))\nfor e in f.entries: print(e.id, e.link, e.published_parsed is not None, e.title)";
    for path in [
        "/feeds/items.atom",
        "/feeds/items.atom?q=informant",
        "/feeds/items.atom?force=gloucestershire",
        "/feeds/recommendations.atom",
    ] {
        let feed = get(&app, path).await;
        assert_eq!(
            feed.headers[header::CONTENT_TYPE],
            "application/atom+xml; charset=utf-8"
        );
        let out = run_python(&python, script, &feed.body);
        let mut lines = out.lines();
        let n: usize = lines.next().unwrap().parse().unwrap();
        if path.contains("informant") {
            assert!(n >= 1, "{out}");
            assert!(out.contains("http://portal.test/investigations/2020-134541 http://portal.test/investigations/2020-134541 True"), "{out}");
        }
        for l in lines {
            assert!(
                l.starts_with("http://portal.test/investigations/"),
                "{path}: {l}"
            );
        }
    }
}

fn python() -> Option<String> {
    let p = std::env::var("PROBITY_TEST_PYTHON").ok()?;
    let ok = std::process::Command::new(&p)
        .args(["-c", "import feedparser"])
        .status()
        .ok()?
        .success();
    ok.then_some(p)
}

fn run_python(python: &str, script: &str, input: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
