//! The caseworkers' pages over HTTP, as a browser without JavaScript uses them: signing in and
//! out with forms, the session cookie, the form token, and what a refused form leaves behind.
//! (The same pages in a real browser, with axe-core: `tests/browser`.)

use crate::TestApp;
use crate::harness::PASSWORD;
use probity_domain::access::StaffRole;

/// The session cookie's `name=value` from a `Set-Cookie` header.
fn cookie_of(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// The form token in a page.
pub(crate) fn token_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..at + 64].to_string()
}

pub(crate) async fn signed_in(app: &TestApp, username: &str) -> String {
    signed_in_with(app, username, PASSWORD).await
}

async fn signed_in_with(app: &TestApp, username: &str, password: &str) -> String {
    let reply = app
        .form(
            "/sign-in",
            None,
            &[],
            &[("username", username), ("password", password)],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    cookie_of(reply.set_cookie.as_deref().expect("a session cookie"))
}

#[tokio::test]
async fn the_front_door_leads_to_sign_in_and_a_session_leads_to_my_work() {
    let app = TestApp::new().await;
    app.user("case.worker", StaffRole::Investigator, None).await;
    let home = app.page("/", None).await;
    assert_eq!(home.status, 303);
    assert_eq!(home.headers["location"], "/sign-in");
    let work = app.page("/work", None).await;
    assert_eq!(work.status, 303, "no page answers 401 to a person");
    assert_eq!(work.headers["location"], "/sign-in");
    let form = app.page("/sign-in", None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("<title>Sign in - Probity</title>"));
    assert!(
        form.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );

    let cookie = signed_in(&app, "case.worker").await;
    let work = app.page("/work", Some(&cookie)).await;
    assert_eq!(work.status, 200, "{}", work.text);
    assert!(work.text.contains("<title>My work - Probity</title>"));
    assert!(work.text.contains("case.worker, Investigator"));
    let cases = app.page("/cases", Some(&cookie)).await;
    assert_eq!(cases.status, 200);
    assert!(cases.text.contains("0 cases you may see match"));
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_keeping_the_name_and_never_the_password() {
    let app = TestApp::new().await;
    app.user("case.worker", StaffRole::Investigator, None).await;
    let reply = app
        .form(
            "/sign-in",
            None,
            &[],
            &[
                ("username", "case.worker"),
                ("password", "wrong-secret-typed"),
            ],
        )
        .await;
    assert_eq!(reply.status, 401);
    assert!(reply.set_cookie.is_none());
    assert!(
        reply
            .text
            .contains("<title>Error: Sign in - Probity</title>")
    );
    assert!(reply.text.contains("govuk-error-summary"));
    assert!(
        reply
            .text
            .contains("href=\"#username\">Enter a correct user name and password")
    );
    assert!(reply.text.contains("value=\"case.worker\""));
    assert!(!reply.text.contains("wrong-secret-typed"));
    let empty = app
        .form("/sign-in", None, &[], &[("username", ""), ("password", "")])
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty
            .text
            .contains("Enter your user name and your password")
    );
}

#[tokio::test]
async fn a_form_without_the_sessions_token_or_from_another_site_does_nothing() {
    let app = TestApp::new().await;
    app.user("case.worker", StaffRole::Investigator, None).await;
    let cookie = signed_in(&app, "case.worker").await;
    let work = app.page("/work", Some(&cookie)).await;
    let token = token_in(&work.text);

    for (headers, fields) in [
        (vec![], vec![("csrf", "")]),
        (vec![], vec![("csrf", "0".repeat(64).leak() as &str)]),
        (
            vec![
                ("origin", "http://elsewhere.example"),
                ("host", "127.0.0.1:8080"),
            ],
            vec![("csrf", token.as_str())],
        ),
        (
            vec![("sec-fetch-site", "cross-site")],
            vec![("csrf", token.as_str())],
        ),
    ] {
        let out = app
            .form("/sign-out", Some(&cookie), &headers, &fields)
            .await;
        assert_eq!(out.status, 403, "{headers:?}: {}", out.text);
        assert!(out.text.contains("This form has expired"));
        let still = app.page("/work", Some(&cookie)).await;
        assert_eq!(still.status, 200, "{headers:?}: the session goes on");
    }
    // Signing in from another site's form is refused too, and sets no cookie.
    let forged = app
        .form(
            "/sign-in",
            None,
            &[("sec-fetch-site", "cross-site")],
            &[("username", "case.worker"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(forged.set_cookie.is_none());

    let out = app
        .form(
            "/sign-out",
            Some(&cookie),
            &[("sec-fetch-site", "same-origin")],
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.headers["location"], "/sign-in?ended=true");
    let after = app.page("/work", Some(&cookie)).await;
    assert_eq!(after.status, 303, "the session has ended");
    // A token is the session's own: another session's page carries another.
    let again = signed_in(&app, "case.worker").await;
    let other = token_in(&app.page("/work", Some(&again)).await.text);
    assert_ne!(other, token);
}

#[tokio::test]
async fn the_front_end_files_are_served_from_the_binary_and_may_be_cached() {
    let app = TestApp::new().await;
    for (path, kind) in [
        ("/assets/govuk-frontend.min.css", "text/css; charset=utf-8"),
        ("/assets/probity.js", "text/javascript; charset=utf-8"),
        ("/assets/htmx.min.js", "text/javascript; charset=utf-8"),
    ] {
        let r = app.page(path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.content_type, kind, "{path}");
        assert_eq!(
            r.headers["cache-control"], "public, max-age=86400",
            "{path}"
        );
        assert!(!r.text.is_empty());
    }
    let css = app.page("/assets/govuk-frontend.min.css", None).await.text;
    assert!(!css.contains("GDS Transport"), "not the GOV.UK font");
    assert!(!css.contains("govuk-crest"), "not the crown");
    let missing = app.page("/assets/nothing.js", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn a_bad_filter_is_shown_on_its_field_and_a_case_page_titles_no_one() {
    let app = TestApp::new().await;
    app.user("case.worker", StaffRole::DecisionMaker, None)
        .await;
    let desk = app.console(StaffRole::Administrator).await;
    desk.load_demo(3).await.unwrap();
    let cookie = signed_in(&app, "case.worker").await;
    let bad = app
        .page("/cases?received_from=31%2F02%2F2020", Some(&cookie))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("<title>Error: Cases - Probity</title>"));
    assert!(bad.text.contains("href=\"#received_from\""));
    assert!(
        bad.text.contains("value=\"31/02/2020\""),
        "what was typed is kept"
    );
    let list = app.page("/cases", Some(&cookie)).await;
    assert!(list.text.contains("href=\"/cases/2020%2F134541\""));
    // Found by the beginning of its reference, by category and by mode; a wildcard is refused.
    for filter in [
        "reference=2020%2F13",
        "category=G",
        "category=G2",
        "mode=independent",
    ] {
        let found = app.page(&format!("/cases?{filter}"), Some(&cookie)).await;
        assert_eq!(found.status, 200, "{filter}");
        assert!(
            found.text.contains("href=\"/cases/2020%2F134541\""),
            "{filter}"
        );
    }
    let chosen = app
        .page(
            "/cases?force=gloucestershire&mode=independent",
            Some(&cookie),
        )
        .await;
    assert!(
        chosen
            .text
            .contains("<option value=\"gloucestershire\" selected>")
    );
    assert!(
        chosen
            .text
            .contains("<option value=\"independent\" selected>")
    );
    assert!(!chosen.text.contains("<option value=\"kent\" selected>"));
    let none = app.page("/cases?reference=SYN%2F", Some(&cookie)).await;
    assert!(!none.text.contains("href=\"/cases/2020%2F134541\""));
    let wild = app.page("/cases?reference=%25", Some(&cookie)).await;
    assert_eq!(wild.status, 400);
    assert!(wild.text.contains("href=\"#reference\""));
    let file = app.page("/cases/2020%2F134541", Some(&cookie)).await;
    assert_eq!(file.status, 200, "{}", file.text);
    assert!(file.text.contains("<title>Case file - Probity</title>"));
    assert!(file.text.contains("Each subject on each allegation"));
    let missing = app.page("/cases/2020%2F999999", Some(&cookie)).await;
    assert_eq!(missing.status, 404);
}

/// The fields of a good intake form, with the session's token.
pub(crate) fn intake<'a>(
    token: &'a str,
    reference: &'a str,
    year: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("kind", "complaint"),
        ("reference", reference),
        ("force", "kent"),
        ("received_on-day", "6"),
        ("received_on-month", "4"),
        ("received_on-year", year),
        ("summary", "A complaint about the handling of a call."),
        ("classification", "official_sensitive"),
        ("complainant_wants_recording", "true"),
    ]
}

#[tokio::test]
async fn intake_logs_a_matter_once_and_a_refusal_keeps_what_was_typed_on_its_field() {
    let app = TestApp::new().await;
    app.user("the.assessor", StaffRole::Assessor, None).await;
    app.user("the.analyst", StaffRole::Analyst, None).await;
    let analyst = signed_in(&app, "the.analyst").await;
    assert_eq!(app.page("/cases/new", Some(&analyst)).await.status, 403);
    let list = app.page("/cases", Some(&analyst)).await;
    assert!(!list.text.contains("href=\"/cases/new\""), "not offered");

    let cookie = signed_in(&app, "the.assessor").await;
    let list = app.page("/cases", Some(&cookie)).await;
    assert!(list.text.contains("href=\"/cases/new\""), "offered");
    let form = app.page("/cases/new", Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.text);
    assert!(
        form.text
            .contains("<title>Log a new matter - Probity</title>")
    );
    let token = token_in(&form.text);
    let before = app.events().await;

    // Nothing typed: every problem listed, each linked to its field, nothing written.
    let empty = app
        .form("/cases/new", Some(&cookie), &[], &[("csrf", &token)])
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty
            .text
            .contains("<title>Error: Log a new matter - Probity</title>")
    );
    for link in [
        "href=\"#kind-complaint\"",
        "href=\"#reference\"",
        "href=\"#force\"",
        "href=\"#received_on-day\"",
        "href=\"#summary\"",
    ] {
        assert!(empty.text.contains(link), "{link} missing from the summary");
    }
    assert_eq!(app.events().await, before);

    // Without the form token nothing happens.
    let mut forged = intake("", "KE/0001/20", "2020");
    forged[0] = ("csrf", "");
    let refused = app.form("/cases/new", Some(&cookie), &[], &forged).await;
    assert_eq!(refused.status, 403);
    assert_eq!(app.events().await, before);

    // A day in the future is refused by the rule, on its field, with the basis.
    let future = app
        .form(
            "/cases/new",
            Some(&cookie),
            &[],
            &intake(&token, "KE/0001/20", "2999"),
        )
        .await;
    assert_eq!(future.status, 422, "{}", future.text);
    assert!(
        future.text.contains("href=\"#received_on-day\""),
        "{}",
        future.text
    );
    assert!(future.text.contains("the record must be true to the facts"));
    assert!(
        future
            .text
            .contains("A complaint about the handling of a call."),
        "kept"
    );
    assert!(future.text.contains("value=\"KE/0001/20\""), "kept");
    assert_eq!(app.events().await, before);

    let done = app
        .form(
            "/cases/new",
            Some(&cookie),
            &[],
            &intake(&token, "KE/0001/20", "2020"),
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.headers["location"], "/cases/KE%2F0001%2F20");
    assert_eq!(app.events().await, before + 1);

    // The same form sent twice does one thing: the second is refused on the reference.
    let twice = app
        .form(
            "/cases/new",
            Some(&cookie),
            &[],
            &intake(&token, "KE/0001/20", "2020"),
        )
        .await;
    assert_eq!(twice.status, 422);
    assert!(
        twice
            .text
            .contains("href=\"#reference\">A case with this reference is already open")
    );
    assert_eq!(app.events().await, before + 1);
}

/// The version a form carries.
pub(crate) fn version_in(html: &str) -> String {
    let at = html
        .find("name=\"expected_version\" value=\"")
        .expect("a version")
        + 31;
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_decision_is_recorded_once_and_a_stale_form_says_what_changed() {
    let app = TestApp::new().await;
    app.user("the.assessor", StaffRole::Assessor, None).await;
    app.user("the.investigator", StaffRole::Investigator, None)
        .await;
    app.user("the.analyst", StaffRole::Analyst, None).await;
    let assessor = signed_in(&app, "the.assessor").await;
    let token = token_in(&app.page("/cases/new", Some(&assessor)).await.text);
    let logged = app
        .form(
            "/cases/new",
            Some(&assessor),
            &[],
            &intake(&token, "KE/0002/20", "2020"),
        )
        .await;
    assert_eq!(logged.status, 303);

    let cookie = signed_in(&app, "the.investigator").await;
    let file = app.page("/cases/KE%2F0002%2F20", Some(&cookie)).await;
    assert!(
        file.text
            .contains("href=\"/cases/KE%2F0002%2F20/decisions/new\""),
        "offered"
    );
    let analyst = signed_in(&app, "the.analyst").await;
    let seen = app.page("/cases/KE%2F0002%2F20", Some(&analyst)).await;
    assert!(
        !seen.text.contains("/decisions/new"),
        "not offered to a role that cannot"
    );
    assert_eq!(
        app.page("/cases/KE%2F0002%2F20/decisions/new", Some(&analyst))
            .await
            .status,
        403
    );

    let form = app
        .page("/cases/KE%2F0002%2F20/decisions/new", Some(&cookie))
        .await;
    assert_eq!(form.status, 200, "{}", form.text);
    let token = token_in(&form.text);
    let version = version_in(&form.text);
    let before = app.events().await;
    let path = "/cases/KE%2F0002%2F20/decisions";
    let empty = app
        .form(
            path,
            Some(&cookie),
            &[],
            &[("csrf", &token), ("expected_version", &version)],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.text.contains("href=\"#decision\">Enter the decision"));
    assert!(empty.text.contains("href=\"#rationale\">Enter the reasons"));
    assert_eq!(app.events().await, before);

    let fields = [
        ("csrf", token.as_str()),
        ("expected_version", version.as_str()),
        ("decision", "Obtain the call recording"),
        ("rationale", "It shows what the officers were told."),
        ("acted", "true"),
    ];
    let done = app.form(path, Some(&cookie), &[], &fields).await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(app.events().await, before + 1);

    // The same form again: the case has moved on, so nothing is recorded and the user is told
    // what was recorded since they opened it, with what they typed kept.
    let stale = app.form(path, Some(&cookie), &[], &fields).await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert!(
        stale
            .text
            .contains("The case changed after you opened this form")
    );
    assert!(
        stale.text.contains("Obtain the call recording"),
        "{}",
        stale.text
    );
    assert!(
        stale.text.contains("value=\"Obtain the call recording\""),
        "kept"
    );
    assert_ne!(
        version_in(&stale.text),
        version,
        "the form now carries the new version"
    );
    assert_eq!(app.events().await, before + 1);
}

#[tokio::test]
async fn the_audit_trail_is_searched_newest_first_by_page_and_by_api_and_only_by_auditors() {
    let app = TestApp::new().await;
    let auditor_token = app.user("the.auditor", StaffRole::Auditor, None).await;
    app.user("the.investigator", StaffRole::Investigator, None)
        .await;
    let desk = app.console(StaffRole::Administrator).await;
    desk.load_demo(2).await.unwrap();
    let investigator = signed_in(&app, "the.investigator").await;
    for _ in 0..3 {
        let r = app.page("/cases/2020%2F134541", Some(&investigator)).await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(app.page("/audit", Some(&investigator)).await.status, 403);
    let work = app.page("/work", Some(&investigator)).await;
    assert!(!work.text.contains("href=\"/audit\""), "not offered");

    // The API: newest first, each filter narrowing, a cursor for the next page.
    let all = app
        .get("/api/v1/audit?limit=1000", &auditor_token)
        .await
        .body;
    let seqs: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
    let reads = app
        .get(
            "/api/v1/audit?actor=the.investigator&action=case.read&case=2020%2F134541&outcome=allowed",
            &auditor_token,
        )
        .await
        .body;
    let reads = reads.as_array().unwrap();
    assert_eq!(reads.len(), 3, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|e| e["actor"] == "the.investigator" && e["target"] == "2020/134541")
    );
    let first = app
        .get(
            "/api/v1/audit?actor=the.investigator&limit=2",
            &auditor_token,
        )
        .await
        .body;
    let first = first.as_array().unwrap();
    let cursor = first[1]["seq"].as_i64().unwrap();
    let next = app
        .get(
            &format!("/api/v1/audit?actor=the.investigator&limit=2&before={cursor}"),
            &auditor_token,
        )
        .await
        .body;
    assert!(
        next.as_array()
            .unwrap()
            .iter()
            .all(|e| e["seq"].as_i64().unwrap() < cursor)
    );
    let today = probity_domain::london()
        .to_datetime(jiff::Timestamp::now())
        .date();
    let yesterday = today.yesterday().unwrap();
    let none = app
        .get(&format!("/api/v1/audit?until={yesterday}"), &auditor_token)
        .await
        .body;
    assert_eq!(
        none.as_array().unwrap().len(),
        0,
        "nothing was recorded before today"
    );
    let some = app
        .get(
            &format!("/api/v1/audit?since={today}&until={today}"),
            &auditor_token,
        )
        .await
        .body;
    assert!(!some.as_array().unwrap().is_empty());
    for bad in [
        "since=31%2F02%2F2020",
        "action=case.eat",
        "outcome=maybe",
        "case=%3Cx%3E",
        "limit=0",
    ] {
        let r = app
            .get(&format!("/api/v1/audit?{bad}"), &auditor_token)
            .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }
    // The read of the trail is itself recorded, naming the filters but not their values.
    let last = app
        .get("/api/v1/audit?action=audit.read&limit=10", &auditor_token)
        .await
        .body;
    let details: Vec<&str> = last
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("3 by actor, action, outcome")),
        "{details:?}"
    );
    assert!(
        details.iter().all(|d| !d.contains("the.investigator")),
        "{details:?}"
    );

    // The page: the same search, and a bad day shown on its field.
    app.user("page.auditor", StaffRole::Auditor, None).await;
    let auditor = signed_in(&app, "page.auditor").await;
    let page = app
        .page(
            "/audit?actor=the.investigator&action=case.read",
            Some(&auditor),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("<title>Audit trail - Probity</title>"));
    assert!(
        page.text.contains("href=\"/audit\""),
        "offered in the navigation"
    );
    assert_eq!(
        page.text.matches("case.read on 2020/134541").count(),
        3,
        "{}",
        page.text
    );
    let bad = app.page("/audit?since=yesterday", Some(&auditor)).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("href=\"#since\""));
    assert!(bad.text.contains("value=\"yesterday\""));
}

/// The audit search is portable SQL: the same answers on each backend.
#[tokio::test]
async fn the_audit_search_answers_alike_on_every_backend() {
    for app in TestApp::on_every_backend().await {
        let auditor = app.user("the.auditor", StaffRole::Auditor, None).await;
        let reader = app.user("the.reader", StaffRole::DecisionMaker, None).await;
        for _ in 0..2 {
            app.get("/api/v1/cases/KE%2F0404%2F20", &reader).await;
        }
        let failed = app
            .get(
                "/api/v1/audit?actor=the.reader&action=case.read&case=KE%2F0404%2F20&outcome=failed",
                &auditor,
            )
            .await;
        assert_eq!(failed.status, 200, "{}: {}", app.backend, failed.body);
        let failed = failed.body.as_array().unwrap().clone();
        assert_eq!(failed.len(), 2, "{}: {failed:?}", app.backend);
        assert!(failed[0]["seq"].as_i64() > failed[1]["seq"].as_i64());
        assert_eq!(failed[0]["hash"].as_str().unwrap().len(), 64);
        let after = failed[1]["seq"].as_i64().unwrap() - 1;
        let forward = app
            .get(
                &format!("/api/v1/audit?actor=the.reader&after={after}"),
                &auditor,
            )
            .await
            .body;
        let forward = forward.as_array().unwrap();
        assert_eq!(
            forward[0]["seq"], failed[1]["seq"],
            "{}: oldest first after",
            app.backend
        );
    }
}

#[tokio::test]
async fn the_severity_assessment_shows_the_subjects_other_cases_and_the_trail_proves_it() {
    use probity_domain::scenario;
    let app = TestApp::new().await;
    let auditor = app.user("the.auditor", StaffRole::Auditor, None).await;
    app.user("the.dm", StaffRole::DecisionMaker, None).await;
    let steps: Vec<_> = scenario::reference_case(&mut crate::harness::salts())
        .into_iter()
        .filter(|s| s.refused_by.is_none())
        .collect();
    let earlier = probity_domain::Reference::parse(scenario::REFERENCE_CASE).unwrap();
    for s in &steps {
        app.import(&[(earlier.clone(), s.command.clone(), s.context.clone())])
            .await;
    }
    // The same officers in a second case, now under investigation, before any assessment.
    let now = probity_domain::Reference::parse("2021/000001").unwrap();
    for s in steps
        .iter()
        .take_while(|s| !matches!(s.command, probity_domain::Command::AssessSeverity(_)))
    {
        let mut command = s.command.clone();
        if let probity_domain::Command::LogMatter(log) = &mut command {
            log.reference = now.clone();
        }
        app.import(&[(now.clone(), command, s.context.clone())])
            .await;
    }
    let cookie = signed_in(&app, "the.dm").await;
    let file = app.page("/cases/2021%2F000001", Some(&cookie)).await;
    assert_eq!(file.status, 200);
    assert!(
        file.text
            .contains("href=\"/cases/2021%2F000001/severity/P2\""),
        "offered"
    );

    let page = app
        .page("/cases/2021%2F000001/severity/P2", Some(&cookie))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text
            .contains("<title>Assess severity - Probity</title>"),
        "no name in the title"
    );
    assert!(
        page.text
            .contains("What other cases hold about this person")
    );
    assert!(
        page.text.contains("href=\"/cases/2020%2F134541\""),
        "the earlier case is listed"
    );
    let seen = app
        .get(
            "/api/v1/audit?actor=the.dm&action=subject.history",
            &auditor,
        )
        .await
        .body;
    assert!(
        seen.as_array().unwrap().iter().any(|e| e["detail"]
            .as_str()
            .unwrap()
            .ends_with("shown beside assess_severity on 2021/000001")),
        "{seen}"
    );

    let token = token_in(&page.text);
    let version = version_in(&page.text);
    let path = "/cases/2021%2F000001/severity/P2";
    let before = app.events().await;
    let empty = app
        .form(
            path,
            Some(&cookie),
            &[],
            &[("csrf", &token), ("expected_version", &version)],
        )
        .await;
    assert_eq!(empty.status, 400);
    for link in ["#severity-misconduct", "#likely_form-meeting", "#rationale"] {
        assert!(empty.text.contains(&format!("href=\"{link}\"")), "{link}");
    }
    // Misconduct goes to a meeting: a hearing is refused by the rule, on the form's field.
    let wrong = app
        .form(
            path,
            Some(&cookie),
            &[],
            &[
                ("csrf", &token),
                ("expected_version", &version),
                ("severity", "misconduct"),
                ("likely_form", "hearing"),
                ("rationale", "Inappropriate messages."),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert!(
        wrong.text.contains("href=\"#likely_form-meeting\""),
        "{}",
        wrong.text
    );
    assert!(wrong.text.contains("Inappropriate messages."), "kept");
    assert_eq!(app.events().await, before);
    let done = app
        .form(
            path,
            Some(&cookie),
            &[],
            &[
                ("csrf", &token),
                ("expected_version", &version),
                ("severity", "gross_misconduct"),
                ("likely_form", "hearing"),
                (
                    "rationale",
                    "Abuse of position for a sexual purpose would justify dismissal.",
                ),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(app.events().await, before + 1);
}

#[tokio::test]
async fn a_password_is_changed_on_its_page_and_every_session_ends() {
    let app = TestApp::new().await;
    app.user("case.worker", StaffRole::Investigator, None).await;
    let cookie = signed_in(&app, "case.worker").await;
    let page = app.page("/account/password", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text
            .contains("<title>Change your password - Probity</title>")
    );
    let token = token_in(&page.text);
    let new = "a brand new long passphrase";
    for (fields, field) in [
        (
            vec![("current", "wrong password!"), ("new", new), ("again", new)],
            "#current",
        ),
        (
            vec![
                ("current", PASSWORD),
                ("new", new),
                ("again", "something else"),
            ],
            "#again",
        ),
        (
            vec![("current", PASSWORD), ("new", "short"), ("again", "short")],
            "#new",
        ),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields);
        let r = app
            .form("/account/password", Some(&cookie), &[], &all)
            .await;
        assert_eq!(r.status, 400, "{field}: {}", r.text);
        assert!(r.text.contains(&format!("href=\"{field}\"")), "{field}");
        assert_eq!(
            app.page("/work", Some(&cookie)).await.status,
            200,
            "unchanged"
        );
    }
    let done = app
        .form(
            "/account/password",
            Some(&cookie),
            &[],
            &[
                ("csrf", &token),
                ("current", PASSWORD),
                ("new", new),
                ("again", new),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.headers["location"], "/sign-in?changed=true");
    assert_eq!(
        app.page("/work", Some(&cookie)).await.status,
        303,
        "the session ended"
    );
    signed_in_with(&app, "case.worker", new).await;
}

#[tokio::test]
async fn administrators_add_disable_reset_and_make_tokens_and_no_one_else_can() {
    let app = TestApp::new().await;
    app.user("the.admin", StaffRole::Administrator, None).await;
    app.user("case.worker", StaffRole::Investigator, None).await;
    let worker = signed_in(&app, "case.worker").await;
    assert_eq!(app.page("/users", Some(&worker)).await.status, 403);
    let worker_token = token_in(&app.page("/work", Some(&worker)).await.text);
    let sneaky = app
        .form(
            "/users",
            Some(&worker),
            &[],
            &[
                ("csrf", &worker_token),
                ("username", "sneaky"),
                ("role", "auditor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(sneaky.status, 403);

    let signed = app
        .form(
            "/sign-in",
            None,
            &[],
            &[("username", "the.admin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        signed.headers["location"], "/users",
        "an administrator's work starts there"
    );
    let admin = cookie_of(signed.set_cookie.as_deref().unwrap());
    let page = app.page("/users", Some(&admin)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("case.worker"));
    assert!(
        !page.text.contains("href=\"/work\""),
        "no case list for an administrator"
    );
    let token = token_in(&page.text);

    let short = app
        .form(
            "/users",
            Some(&admin),
            &[],
            &[
                ("csrf", &token),
                ("username", "new.auditor"),
                ("role", "auditor"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400);
    assert!(short.text.contains("href=\"#password\""), "{}", short.text);
    assert!(short.text.contains("value=\"new.auditor\""), "kept");
    let added = app
        .form(
            "/users",
            Some(&admin),
            &[],
            &[
                ("csrf", &token),
                ("username", "new.auditor"),
                ("role", "auditor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(added.text.contains("new.auditor can now sign in"));
    let again = app
        .form(
            "/users",
            Some(&admin),
            &[],
            &[
                ("csrf", &token),
                ("username", "new.auditor"),
                ("role", "auditor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again.text.contains("There is already a user new.auditor"));
    let auditor = signed_in(&app, "new.auditor").await;

    let made = app
        .form(
            "/users/tokens",
            Some(&admin),
            &[],
            &[("csrf", &token), ("username", "new.auditor")],
        )
        .await;
    assert_eq!(made.status, 200);
    let at = made.text.find("class=\"probity-secret\">").unwrap() + 23;
    let secret = made.text[at..].split('<').next().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/audit?limit=1", &secret).await.status,
        200,
        "the token works"
    );

    let reset = app
        .form(
            "/users/password",
            Some(&admin),
            &[],
            &[
                ("csrf", &token),
                ("username", "new.auditor"),
                ("password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(
        app.page("/audit", Some(&auditor)).await.status,
        303,
        "their session ended"
    );
    assert_eq!(
        app.get("/api/v1/audit?limit=1", &secret).await.status,
        401,
        "and their token"
    );
    let auditor = signed_in_with(&app, "new.auditor", "another long passphrase").await;

    // Disabling asks first; nothing changes until confirmed.
    let ask = app
        .form(
            "/users/disable",
            Some(&admin),
            &[],
            &[("csrf", &token), ("username", "new.auditor")],
        )
        .await;
    assert_eq!(ask.status, 200);
    assert!(ask.text.contains("Disable new.auditor?"), "{}", ask.text);
    assert_eq!(
        app.page("/audit", Some(&auditor)).await.status,
        200,
        "not yet"
    );
    let off = app
        .form(
            "/users/disable",
            Some(&admin),
            &[],
            &[
                ("csrf", &token),
                ("username", "new.auditor"),
                ("confirmed", "true"),
            ],
        )
        .await;
    assert_eq!(off.status, 200);
    assert!(off.text.contains("new.auditor is disabled"));
    assert_eq!(app.page("/audit", Some(&auditor)).await.status, 303);
    let refused = app
        .form(
            "/sign-in",
            None,
            &[],
            &[
                ("username", "new.auditor"),
                ("password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn a_letter_is_previewed_in_the_page_and_sent_only_as_previewed() {
    let app = TestApp::new().await;
    let desk = app.console(StaffRole::Administrator).await;
    desk.load_demo(12).await.unwrap();
    // The demo puts its investigator on every synthetic case's team.
    desk.add_user(probity_app::NewUser {
        username: probity_app::DEMO_CASEWORKER.into(),
        role: StaffRole::Investigator,
        body: probity_domain::Body::OversightBody,
        force: None,
        password: PASSWORD.into(),
    })
    .await
    .unwrap();
    let cookie = signed_in(&app, probity_app::DEMO_CASEWORKER).await;
    let work = app.page("/work?clock=progress_update", Some(&cookie)).await;
    let case = work
        .text
        .split("href=\"/cases/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a progress update is due in the demo")
        .to_string();
    let file = app.page(&format!("/cases/{case}"), Some(&cookie)).await;
    let draft = file
        .text
        .split("href=\"")
        .filter_map(|r| r.split('"').next())
        .find(|h| h.contains("/letters/new?kind=progress_update"))
        .expect("the case file offers the letter")
        .replace("&#38;", "&");
    let preview = app.page(&draft, Some(&cookie)).await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert!(
        preview.text.contains("<title>Letter - Probity</title>"),
        "no name in the title"
    );
    assert!(preview.text.contains("Printable version"));
    let token = token_in(&preview.text);
    let at = preview.text.find("name=\"digest\" value=\"").unwrap() + 21;
    let digest = preview.text[at..at + 64].to_string();
    let to = draft.split("to=").nth(1).unwrap_or("").to_string();
    let before = app.events().await;
    let path = format!("/cases/{case}/letters");
    let send = |digest: String| {
        let (path, cookie, token, to) = (path.clone(), cookie.clone(), token.clone(), to.clone());
        let app = &app;
        async move {
            let fields = [
                ("csrf", token.as_str()),
                ("kind", "progress_update"),
                ("to", to.as_str()),
                ("digest", digest.as_str()),
                ("step", "send"),
            ];
            app.form(&path, Some(&cookie), &[], &fields).await
        }
    };
    let stale = send("0".repeat(64)).await;
    assert_eq!(stale.status, 200, "{}", stale.text);
    assert!(stale.text.contains("so it was not sent"));
    assert_eq!(app.events().await, before, "nothing sent");
    let sent = send(digest).await;
    assert_eq!(sent.status, 303, "{}", sent.text);
    assert!(
        app.events().await > before,
        "the letter is recorded as sent"
    );
    let after = app.page(&format!("/cases/{case}"), Some(&cookie)).await;
    let items = |html: &str| html.matches("class=\"moj-timeline__item\"").count();
    assert!(
        items(&after.text) > items(&file.text),
        "the timeline says so"
    );
}

#[tokio::test]
async fn recording_says_which_referral_criteria_the_answers_bring_in_and_why() {
    let app = TestApp::new().await;
    app.user("kent.assessor", StaffRole::Assessor, Some("kent"))
        .await;
    let cookie = signed_in(&app, "kent.assessor").await;
    let token = token_in(&app.page("/cases/new", Some(&cookie)).await.text);
    let logged = app
        .form(
            "/cases/new",
            Some(&cookie),
            &[],
            &intake(&token, "KE/0003/20", "2020"),
        )
        .await;
    assert_eq!(logged.status, 303, "{}", logged.text);
    let file = app.page("/cases/KE%2F0003%2F20", Some(&cookie)).await;
    assert!(
        file.text.contains("href=\"/cases/KE%2F0003%2F20/record\""),
        "offered"
    );

    let path = "/cases/KE%2F0003%2F20/record";
    let plain = app.page(&format!("{path}?check=true"), Some(&cookie)).await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    assert!(
        plain
            .text
            .contains("no mandatory referral criterion applies")
    );
    let assault = app
        .page(
            &format!("{path}?check=true&serious_assault=true"),
            Some(&cookie),
        )
        .await;
    assert!(assault.text.contains("Serious assault"), "{}", assault.text);
    assert!(assault.text.contains("PCMR 2020 reg 4(1)(a)(i)"));
    assert!(
        assault
            .text
            .contains("Because the conduct alleged would be a serious assault.")
    );
    assert!(assault.text.contains("It must be referred"));

    let token = token_in(&assault.text);
    let version = version_in(&assault.text);
    let before = app.events().await;
    let done = app
        .form(
            path,
            Some(&cookie),
            &[],
            &[
                ("csrf", &token),
                ("expected_version", &version),
                ("serious_assault", "true"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert!(app.events().await > before);
    let file = app.page("/cases/KE%2F0003%2F20", Some(&cookie)).await;
    assert!(
        file.text.contains("Serious assault"),
        "the criterion is on the case file"
    );
    assert!(
        !file.text.contains("/record\""),
        "recorded once: no longer offered"
    );
}

#[tokio::test]
async fn an_analyst_counts_on_the_statistics_page_with_its_charts_and_no_one_else_can() {
    let app = TestApp::new().await;
    app.user("the.analyst", StaffRole::Analyst, None).await;
    app.user("the.investigator", StaffRole::Investigator, None)
        .await;
    let desk = app.console(StaffRole::Administrator).await;
    desk.load_demo(40).await.unwrap();
    let analyst = signed_in(&app, "the.analyst").await;
    // The navigation offers the analyst their statistics.
    let work = app.page("/work", Some(&analyst)).await;
    assert!(work.text.contains("href=\"/statistics\""), "{}", work.text);
    let page = app.page("/statistics", Some(&analyst)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let t = &page.text;
    assert!(t.contains("<title>Statistics - Probity</title>"), "{t}");
    assert!(t.contains("aria-current=\"page\""), "the section is shown");
    for chart in probity_charts::Chart::ALL {
        let n = chart.name();
        assert!(
            t.contains(&format!(
                "aria-labelledby=\"chart-{n}-title chart-{n}-desc\""
            )),
            "{n} drawn in the page"
        );
        assert!(
            t.contains(&format!("/api/v1/statistics/charts/{n}.svg?")),
            "{n} offered as SVG"
        );
    }
    // The same figures as the API's.
    let token = app.user("api.analyst", StaffRole::Analyst, None).await;
    let api = app.get("/api/v1/statistics", &token).await.body;
    let allegations = api["allegations"].as_u64().unwrap();
    assert!(allegations > 0);
    assert!(
        t.contains(&format!(
            "<dd class=\"govuk-summary-list__value\">{allegations}</dd>"
        )),
        "{t}"
    );
    // A table for every stage and characteristic the figures hold.
    let tables = api["disproportionality"].as_array().unwrap();
    assert!(!tables.is_empty());
    for d in tables {
        let id = format!(
            "{}-{}-{}",
            d["party"].as_str().unwrap(),
            d["characteristic"].as_str().unwrap(),
            d["stage"].as_str().unwrap()
        );
        assert!(
            t.contains(&format!(
                "<caption class=\"govuk-table__caption govuk-table__caption--s\" id=\"{id}\">"
            )),
            "{id}"
        );
    }
    // The demo's finalised cases, in days and in working days.
    assert!(
        t.contains("working days, over")
            && api["time_to_finalise"]["working_days"]["cases"].as_u64() > Some(0),
        "{t}"
    );
    // No party's name on the page: the demo's scripts give these.
    let mut salt = probity_app::fresh_salt;
    let mut scripts = vec![probity_domain::scenario::reference_case(&mut salt)];
    scripts.extend((1..=40).map(|n| probity_domain::scenario::synthetic_case(n, &mut salt)));
    let mut names = 0;
    for step in scripts.into_iter().flatten() {
        if let probity_domain::Command::AddParty(p) = step.command {
            let name = &p.personal_data.data.name;
            assert!(!t.contains(name.as_str()), "{name} on the statistics page");
            names += 1;
        }
    }
    assert!(names > 40);
    // The chart downloads with the session, by the link the page offers, filters and all.
    let filtered = app
        .page("/statistics?from=2019-01-01&source=probity", Some(&analyst))
        .await;
    let at = filtered
        .text
        .find("href=\"/api/v1/statistics/charts/years.svg?")
        .expect("a download link")
        + 6;
    let link = &filtered.text[at..];
    let link = link[..link.find('"').unwrap()]
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert_eq!(
        link,
        "/api/v1/statistics/charts/years.svg?from=2019-01-01&source=probity"
    );
    let svg = app.page(&link, Some(&analyst)).await;
    assert_eq!(svg.status, 200, "{}", svg.text);
    assert!(svg.content_type.starts_with("image/svg+xml"));
    assert!(svg.text.contains("Allegations by year received"));
    // A bad filter is shown on its field; a role that counts nothing is refused.
    let bad = app
        .page("/statistics?from=yesterday&to=2020-01-01", Some(&analyst))
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.text
            .contains("<title>Error: Statistics - Probity</title>")
    );
    assert!(
        bad.text
            .contains("from must be a date like 2020-01-31, not &#39;yesterday&#39;"),
        "{}",
        bad.text
    );
    let investigator = signed_in(&app, "the.investigator").await;
    assert_eq!(
        app.page("/statistics", Some(&investigator)).await.status,
        403
    );
    let work = app.page("/work", Some(&investigator)).await;
    assert!(!work.text.contains("href=\"/statistics\""), "not offered");
}
