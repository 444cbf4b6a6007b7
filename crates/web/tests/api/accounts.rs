//! Log-in, sessions, tokens, throttling, password change, disabling.

use probity_domain::access::StaffRole;
use serde_json::json;

use crate::{PASSWORD, TestApp};

#[tokio::test]
async fn a_session_cookie_signs_in_and_out() {
    let app = TestApp::new().await;
    app.user("ann", StaffRole::Investigator, None).await;
    let login = app
        .send(
            "POST",
            "/api/v1/session",
            None,
            Some(&json!({"username": "ann", "password": PASSWORD}).to_string()),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie = login.set_cookie.unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "not behind TLS in this test");
    let value = cookie.split(';').next().unwrap().to_string();
    let me = app.router.clone();
    let req = axum::http::Request::builder()
        .uri("/api/v1/session")
        .header("cookie", &value)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = tower::ServiceExt::oneshot(me, req).await.unwrap();
    assert_eq!(reply.status(), 200);
    let req = axum::http::Request::builder()
        .method("DELETE")
        .uri("/api/v1/session")
        .header("cookie", &value)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(reply.status(), 204);
    let req = axum::http::Request::builder()
        .uri("/api/v1/session")
        .header("cookie", &value)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(reply.status(), 401, "the session ended");
}

#[tokio::test]
async fn wrong_passwords_are_throttled_and_unknown_users_look_the_same() {
    let app = TestApp::new().await;
    app.user("bob", StaffRole::Assessor, None).await;
    let attempt =
        |user: &str, password: &str| json!({"username": user, "password": password}).to_string();
    let unknown = app
        .send(
            "POST",
            "/api/v1/session",
            None,
            Some(&attempt("nobody", "whatever it is")),
        )
        .await;
    let wrong = app
        .send(
            "POST",
            "/api/v1/session",
            None,
            Some(&attempt("bob", "not the password")),
        )
        .await;
    assert_eq!(
        (unknown.status, wrong.status),
        (
            axum::http::StatusCode::UNAUTHORIZED,
            axum::http::StatusCode::UNAUTHORIZED
        )
    );
    assert_eq!(
        unknown.body["detail"], wrong.body["detail"],
        "no hint which user names exist"
    );
    for _ in 0..4 {
        app.send(
            "POST",
            "/api/v1/session",
            None,
            Some(&attempt("bob", "not the password")),
        )
        .await;
    }
    let right = app
        .send(
            "POST",
            "/api/v1/session",
            None,
            Some(&attempt("bob", PASSWORD)),
        )
        .await;
    assert_eq!(
        right.status, 429,
        "five failures lock the user name for a while: {}",
        right.body
    );
}

#[tokio::test]
async fn disabling_a_user_ends_their_tokens_and_a_password_change_needs_the_current_one() {
    let app = TestApp::new().await;
    let token = app.user("cat", StaffRole::DecisionMaker, None).await;
    let spare = app.admin.create_token("cat", "spare").await.unwrap().0;
    assert_eq!(app.get("/api/v1/session", &token).await.status, 200);
    let bad = app
        .post(
            "/api/v1/account/password",
            &token,
            &json!({"current_password": "wrong one here", "new_password": "another long password"}),
        )
        .await;
    assert_eq!(bad.status, 401);
    let short = app
        .post(
            "/api/v1/account/password",
            &token,
            &json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(short.status, 400);
    let ok = app
        .post(
            "/api/v1/account/password",
            &token,
            &json!({"current_password": PASSWORD, "new_password": "another long password"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(
        app.get("/api/v1/session", &token).await.status,
        401,
        "a new password revokes the old tokens"
    );
    let token = app.admin.create_token("cat", "after").await.unwrap().0;
    assert_eq!(app.get("/api/v1/session", &spare).await.status, 401);
    app.admin.disable_user("cat").await.unwrap();
    assert_eq!(
        app.get("/api/v1/session", &token).await.status,
        401,
        "the token ended with the account"
    );
    let login = app
        .send(
            "POST",
            "/api/v1/session",
            None,
            Some(&json!({"username": "cat", "password": "another long password"}).to_string()),
        )
        .await;
    assert_eq!(login.status, 401);
}

#[tokio::test]
async fn no_credentials_no_access() {
    let app = TestApp::new().await;
    for path in [
        "/api/v1/cases",
        "/api/v1/audit",
        "/api/v1/cases/2020%2F134541",
    ] {
        let reply = app.send("GET", path, None, None).await;
        assert_eq!(reply.status, 401, "{path}");
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let reply = app
        .send("GET", "/api/v1/cases", Some("prb_forged"), None)
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(app.send("GET", "/healthz", None, None).await.status, 200);
    // Each refused attempt is in the audit trail.
    let auditor = app.user("auditor", StaffRole::Auditor, None).await;
    let trail = app
        .get("/api/v1/audit?after=0&limit=1000", &auditor)
        .await
        .body;
    let refused: Vec<_> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "request.unauthenticated")
        .map(|e| {
            (
                e["target"].as_str().unwrap().to_string(),
                e["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(refused.contains(&(
        "/api/v1/cases".to_string(),
        "unknown or revoked token".to_string()
    )));
}
