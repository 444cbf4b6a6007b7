//! Traffic from no one known, and too much traffic from anyone: floods are refused and
//! counted without growing the audit trail per request, and no attacker can lock the holder
//! of an account out.

use std::net::SocketAddr;
use std::time::Duration;

use probity_domain::access::StaffRole;
use probity_web::limits::{LimitSettings, Rate};
use serde_json::json;

use crate::{PASSWORD, TestApp};

fn addr(last: u8) -> Option<SocketAddr> {
    Some(SocketAddr::from(([10, 0, 0, last], 40_000)))
}

async fn trail(app: &TestApp, auditor: &str) -> Vec<serde_json::Value> {
    app.get("/api/v1/audit?after=0&limit=1000", auditor)
        .await
        .body
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_flood_of_anonymous_requests_is_counted_not_written_one_by_one() {
    let wide = Rate {
        per_second: 100_000,
        burst: 100_000,
    };
    let settings = LimitSettings {
        per_address: wide,
        ..LimitSettings::default()
    };
    let app = TestApp::with_limits(settings, Duration::from_millis(300)).await;
    let auditor = app.user("auditor", StaffRole::Auditor, None).await;
    let before = trail(&app, &auditor).await.len();
    for _ in 0..1_000 {
        let reply = app
            .send("GET", "/api/v1/subjects/kent/KE1234/history", None, None)
            .await;
        assert_eq!(reply.status, 401);
    }
    let during = trail(&app, &auditor).await;
    // The first refusal and the auditor's own read, not a thousand entries.
    assert!(
        during.len() <= before + 2,
        "{} entries",
        during.len() - before
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = trail(&app, &auditor).await;
    let counted: Vec<_> = after
        .iter()
        .filter(|e| e["action"] == "request.unauthenticated")
        .collect();
    assert_eq!(counted.len(), 2, "{counted:?}");
    assert_eq!(
        counted[0]["target"],
        "/api/v1/subjects/{force}/{service_number}/history"
    );
    assert_eq!(counted[0]["detail"], "no credentials");
    assert_eq!(
        counted[1]["detail"],
        "no credentials: 999 more within 300ms"
    );
    assert!(
        after.iter().all(|e| !e.to_string().contains("KE1234")),
        "no identifier from a path reaches the trail"
    );
}

#[tokio::test]
async fn an_address_or_a_user_over_its_limit_is_refused_with_retry_after() {
    let slow = Rate {
        per_second: 1,
        burst: 5,
    };
    let app = TestApp::with_limits(
        LimitSettings {
            per_address: slow,
            per_user: Rate {
                per_second: 1,
                burst: 3,
            },
            logins_per_minute: 20,
        },
        Duration::from_secs(60),
    )
    .await;
    let first: Vec<u16> = statuses(&app, addr(1), 8, None).await;
    assert_eq!(&first[..5], &[200; 5], "{first:?}");
    assert!(first[5..].iter().all(|s| *s == 429), "{first:?}");
    let limited = app
        .send_from(addr(1), "GET", "/healthz", &[], None, None)
        .await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
    assert_eq!(limited.content_type, "text/html; charset=utf-8");
    // Another address is not held back by the first.
    assert_eq!(
        app.send_from(addr(2), "GET", "/healthz", &[], None, None)
            .await
            .status,
        200
    );
    // A user is limited whichever address they come from.
    let token = app.user("busy", StaffRole::DecisionMaker, None).await;
    let mut got = Vec::new();
    for n in 0..5u8 {
        got.extend(statuses(&app, addr(10 + n), 1, Some(&token)).await);
    }
    assert_eq!(&got[..3], &[200; 3], "{got:?}");
    assert_eq!(got[3], 429, "{got:?}");
}

/// Requests one after another from `from`, with their statuses.
async fn statuses(
    app: &TestApp,
    from: Option<SocketAddr>,
    n: usize,
    token: Option<&str>,
) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let path = if token.is_some() {
            "/api/v1/session"
        } else {
            "/healthz"
        };
        out.push(
            app.send_from(from, "GET", path, &[], token, None)
                .await
                .status
                .as_u16(),
        );
    }
    out
}

#[tokio::test]
async fn an_attacker_elsewhere_cannot_lock_the_account_holder_out() {
    let app = TestApp::new().await;
    app.user("dana", StaffRole::Investigator, None).await;
    let log_in = |password: &str| json!({"username": "dana", "password": password}).to_string();
    for _ in 0..5 {
        let r = app
            .send_from(
                addr(66),
                "POST",
                "/api/v1/session",
                &[],
                None,
                Some(&log_in("guess one two")),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let attacker = app
        .send_from(
            addr(66),
            "POST",
            "/api/v1/session",
            &[],
            None,
            Some(&log_in(PASSWORD)),
        )
        .await;
    assert_eq!(attacker.status, 429, "the guessing address is held back");
    let holder = app
        .send_from(
            addr(7),
            "POST",
            "/api/v1/session",
            &[],
            None,
            Some(&log_in(PASSWORD)),
        )
        .await;
    assert_eq!(
        holder.status, 200,
        "the holder signs in from their own: {}",
        holder.body
    );
}

#[tokio::test]
async fn a_name_that_is_no_account_is_kept_nowhere_and_looks_like_one() {
    let app = TestApp::new().await;
    let typed = "correct horse battery staple";
    let attempt = json!({"username": typed, "password": "whatever it is"}).to_string();
    let mut last = None;
    for _ in 0..6 {
        last = Some(
            app.send_from(
                addr(5),
                "POST",
                "/api/v1/session",
                &[],
                None,
                Some(&attempt),
            )
            .await
            .status,
        );
    }
    assert_eq!(last.unwrap(), 429, "throttled as an account would be");
    let auditor = app.user("auditor", StaffRole::Auditor, None).await;
    let entries = trail(&app, &auditor).await;
    assert!(
        entries.iter().all(|e| !e.to_string().contains("horse")),
        "the typed name is in the trail"
    );
    assert!(entries.iter().any(|e| e["detail"] == "no such account"));
}

#[tokio::test]
async fn a_cookie_and_a_token_together_are_refused() {
    let app = TestApp::new().await;
    let token = app.user("eve", StaffRole::DecisionMaker, None).await;
    let both = app
        .send_from(
            None,
            "GET",
            "/api/v1/session",
            &[("cookie", "probity_session=not-a-session")],
            Some(&token),
            None,
        )
        .await;
    assert_eq!(both.status, 401, "{}", both.body);
    assert_eq!(app.get("/api/v1/session", &token).await.status, 200);
}

/// A client that opens a connection and never finishes its headers loses it after the header
/// timeout; a well-behaved one on the next connection is served.
#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(probity_web::serve_with(
        listener,
        probity_web::AppState::new(app.office.clone(), false),
        async {
            let _ = stopped.await;
        },
        Duration::from_millis(300),
    ));
    let mut slow = tokio::net::TcpStream::connect(at).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: probity\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let mut good = tokio::net::TcpStream::connect(at).await.unwrap();
    good.write_all(b"GET /healthz HTTP/1.1\r\nHost: probity\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    good.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
