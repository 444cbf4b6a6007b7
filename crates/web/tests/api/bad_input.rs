//! Bad input: each gets a clear problem+json and changes nothing.

use probity_domain::access::StaffRole;
use serde_json::json;

use crate::{TestApp, seg};

#[tokio::test]
async fn malformed_unknown_wrong_oversized_stale_and_unknown_requests_change_nothing() {
    let app = TestApp::new().await;
    let token = app.user("dm", StaffRole::DecisionMaker, None).await;
    let open = json!({"command": {"command": "log_matter", "reference": "PC/0001/26", "kind": "complaint", "force": "kent", "received_on": "2026-11-01", "summary": "Rude officer."}});
    assert_eq!(app.post("/api/v1/cases", &token, &open).await.status, 201);
    let path = format!("/api/v1/cases/{}/commands", seg("PC/0001/26"));
    let before = app.events().await;
    let big = "x".repeat(300 * 1024);
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("malformed JSON", "{\"expected_version\": 1, \"command\": ".to_string(), 400, "not valid"),
        ("unknown envelope field", json!({"expected_version": 1, "command": {"command": "resume"}, "colour": "red"}).to_string(), 400, "unknown field"),
        ("unknown command field", json!({"expected_version": 1, "command": {"command": "log_decision", "decision": "d", "rationale": "r", "colour": "red"}}).to_string(), 400, "unknown field"),
        ("unknown command", json!({"expected_version": 1, "command": {"command": "teleport"}}).to_string(), 400, "unknown variant"),
        ("wrong type", json!({"expected_version": "one", "command": {"command": "resume"}}).to_string(), 400, "invalid type"),
        ("bad category", json!({"expected_version": 1, "command": {"command": "add_allegation", "category": "Z9", "description": "d"}}).to_string(), 400, "not an allegation category"),
        ("oversized", json!({"expected_version": 1, "command": {"command": "log_decision", "decision": big, "rationale": "r"}}).to_string(), 413, "at most"),
        ("stale version", json!({"expected_version": 0, "command": {"command": "log_decision", "decision": "d", "rationale": "r"}}).to_string(), 409, "version"),
        ("refused by a rule", json!({"expected_version": 1, "command": {"command": "determine", "findings": []}}).to_string(), 422, "there is no investigation"),
        ("a NUL in text", json!({"expected_version": 1, "command": {"command": "log_decision", "decision": "\u{0}", "rationale": "r"}}).to_string(), 400, "control character"),
        ("an escape in text", json!({"expected_version": 1, "command": {"command": "log_decision", "decision": "d", "rationale": "r\u{1b}[31m"}}).to_string(), 400, "command.rationale"),
    ];
    for (what, body, status, words) in cases {
        let reply = app.send("POST", &path, Some(&token), Some(&body)).await;
        assert_eq!(reply.status.as_u16(), status, "{what}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json", "{what}");
        assert_eq!(reply.body["status"], status, "{what}");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(words), "{what}: {detail}");
        assert!(
            !detail.to_ascii_lowercase().contains("sqlite"),
            "{what}: no storage detail leaks"
        );
        assert_eq!(app.events().await, before, "{what} changed nothing");
    }
    let stale = app.post(&path, &token, &json!({"expected_version": 0, "command": {"command": "log_decision", "decision": "d", "rationale": "r"}})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["current_version"], 1);
    let unknown = app
        .post(
            &format!("/api/v1/cases/{}/commands", seg("PC/9999/26")),
            &token,
            &json!({"expected_version": 0, "command": {"command": "log_decision", "decision": "d", "rationale": "r"}}),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(unknown.body["type"], "/api/v1/problems/not-found");
    let not_json = app.send("POST", &path, Some(&token), None).await;
    assert_eq!(not_json.status, 415);
    let bad_ref = app.get("/api/v1/cases/no%20such%20thing!", &token).await;
    assert_eq!(bad_ref.status, 400);
    let bad_query = app.get("/api/v1/cases?colour=red", &token).await;
    assert_eq!(bad_query.status, 400);
    let bad_page = app.get("/api/v1/cases?per_page=100000", &token).await;
    assert_eq!(bad_page.status, 400);
    // A category as the document lists it, in capitals; anything else is refused, not guessed.
    for (category, status) in [
        ("a", 400),
        ("a1", 400),
        ("%20A", 400),
        ("A", 200),
        ("A1", 200),
    ] {
        let listed = app
            .get(&format!("/api/v1/cases?category={category}"), &token)
            .await;
        assert_eq!(listed.status, status, "{category:?}: {}", listed.body);
    }
    // Dates no record can carry open no case.
    for (received, summary) in [
        ("0000-01-01", "Rude officer."),
        ("1800-01-01", "Rude officer."),
        ("2026-11-01", "\u{0}"),
    ] {
        let open = json!({"command": {"command": "log_matter", "reference": "PC/0002/26", "kind": "complaint", "force": "kent", "received_on": received, "summary": summary}});
        let reply = app.post("/api/v1/cases", &token, &open).await;
        assert!(
            matches!(reply.status.as_u16(), 400 | 422),
            "{received}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.get(&format!("/api/v1/cases/{}", seg("PC/0002/26")), &token)
            .await
            .status,
        404
    );
    let no_route = app.get("/api/v1/nowhere", &token).await;
    assert_eq!(no_route.status, 404);
    assert_eq!(no_route.content_type, "application/problem+json");
    // Statistics take dates and codes, and say which parameter is wrong.
    for (query, says) in [
        ("from=yesterday", "from must be a date"),
        ("to=2020-13-01", "to must be a date"),
        ("body=Kent", "body is a code"),
        ("source=%27%3B--", "source is a code"),
        ("colour=red", "unknown field"),
    ] {
        let reply = app
            .get(&format!("/api/v1/statistics?{query}"), &token)
            .await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert!(reply.text.contains(says), "{query}: {}", reply.text);
    }
    let fine = app
        .get("/api/v1/statistics?from=2020-01-01&body=kent", &token)
        .await;
    assert_eq!(fine.status, 200, "{}", fine.body);
    // A range that admits nothing is empty figures, not an error.
    let empty = app
        .get("/api/v1/statistics?from=2021-01-01&to=2020-01-01", &token)
        .await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.body["cases"], 0);
    assert_eq!(app.events().await, before);
}
