//! The web pages beside the API: every page in the same accessible frame, and failures outside
//! the API as HTML pages, from the same error type the API renders as problem+json.

use crate::TestApp;

#[tokio::test]
async fn pages_and_unknown_pages_are_html_and_the_api_keeps_problem_json() {
    let app = TestApp::new().await;
    let home = app.send("GET", "/sign-in", None, None).await;
    assert_eq!(home.status, 200);
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    for part in [
        "<html lang=\"en-GB\" class=\"govuk-template\">",
        "<title>Sign in - Probity</title>",
        "href=\"#main-content\"",
        "id=\"main-content\"",
        "/assets/govuk-frontend.min.css",
    ] {
        assert!(
            home.text.contains(part),
            "{part} missing from {}",
            home.text
        );
    }
    assert_eq!(
        home.headers["content-security-policy"],
        probity_web::ui::chrome::PAGE_CSP
    );
    let missing = app
        .send(
            "GET",
            "/nowhere/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            None,
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, "text/html; charset=utf-8");
    assert!(
        missing.text.contains("<h1>Page not found</h1>"),
        "{}",
        missing.text
    );
    assert!(
        !missing.text.contains("<script>"),
        "nothing of the address is echoed"
    );
    let api = app.send("GET", "/api/v1/nowhere", None, None).await;
    assert_eq!(api.status, 404);
    assert_eq!(api.content_type, "application/problem+json");
}

/// Every answer carries the headers that keep case data out of caches and stop browsers
/// guessing types, and no error goes without a body: a wrong method, a path that is not
/// UTF-8, a timeout or an extractor's rejection is problem+json under /api/ and a page outside.
#[tokio::test]
async fn every_answer_is_hardened_and_every_error_has_a_body() {
    let app = TestApp::new().await;
    let cases = [
        ("GET", "/sign-in", 200, "text/html; charset=utf-8"),
        ("POST", "/", 405, "text/html; charset=utf-8"),
        ("DELETE", "/api/v1/cases", 405, "application/problem+json"),
        (
            "PUT",
            "/api/v1/openapi.json",
            405,
            "application/problem+json",
        ),
        (
            "GET",
            "/api/v1/cases/%FF%FE",
            401,
            "application/problem+json",
        ),
        ("GET", "/api/v1/openapi.json", 200, "application/json"),
        ("GET", "/api/v1/nowhere", 404, "application/problem+json"),
    ];
    for (method, path, status, content_type) in cases {
        let reply = app.send(method, path, None, None).await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text);
        assert_eq!(reply.content_type, content_type, "{method} {path}");
        assert!(!reply.text.is_empty(), "{method} {path} has a body");
        assert_eq!(
            reply.headers["cache-control"], "no-store",
            "{method} {path}"
        );
        assert_eq!(
            reply.headers["x-content-type-options"], "nosniff",
            "{method} {path}"
        );
    }
    let wrong = app.send("DELETE", "/api/v1/cases", None, None).await;
    assert!(
        wrong.headers.contains_key("allow"),
        "a 405 says what is allowed"
    );
    // Signed in, a path that is not UTF-8 is refused as problem+json.
    let token = app
        .user(
            "reader",
            probity_domain::access::StaffRole::DecisionMaker,
            None,
        )
        .await;
    let bad = app.get("/api/v1/cases/%FF%FE", &token).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["type"], "/api/v1/problems/bad-request");
}
