//! The web pages beside the API: a home page that says what the server is, and failures
//! outside the API as HTML pages, from the same error type the API renders as problem+json.

use crate::TestApp;

#[tokio::test]
async fn the_home_page_and_unknown_pages_are_html_and_the_api_keeps_problem_json() {
    let app = TestApp::new().await;
    let home = app.send("GET", "/", None, None).await;
    assert_eq!(home.status, 200);
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    for part in [
        "<html lang=\"en-GB\">",
        "<title>Case management for police complaints and misconduct - Probity</title>",
        "href=\"#main\"",
        "<main id=\"main\">",
        "/api/v1/openapi.json",
    ] {
        assert!(
            home.text.contains(part),
            "{part} missing from {}",
            home.text
        );
    }
    assert_eq!(
        home.headers["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    let missing = app
        .send(
            "GET",
            "/cases/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
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
