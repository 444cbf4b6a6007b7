//! Whole journeys: the reference case over HTTP, audited reads, and logs free of names.

use probity_domain::Reference;
use probity_domain::access::StaffRole;
use probity_domain::scenario::{self, REFERENCE_CASE};
use serde_json::{Value, json};

use crate::{TestApp, drive_over_http, salts, seg};

/// What must agree between two runs of the scenario, leaving out times and hashes.
fn essentials(file: &Value) -> Value {
    let kinds: Vec<_> = file["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    let days: Vec<_> = file["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["on"].clone())
        .collect();
    json!({
        "reference": file["reference"],
        "status": file["status"],
        "version": file["version"],
        "parties": file["parties"],
        "subjects": file["subjects"],
        "allegations": file["allegations"],
        "findings": file["findings"],
        "proceedings": file["proceedings"],
        "stages": file["reflective_practice"].as_array().unwrap().iter().map(|r| r["stage"].clone()).collect::<Vec<_>>(),
        "title": file["publication"]["title"],
        "tags": file["publication"]["tags"],
        "kinds": kinds,
        "days": days,
    })
}

#[tokio::test]
async fn the_reference_case_over_http_gives_the_same_case_file_as_the_cli() {
    for app in TestApp::on_every_backend().await {
        reference_case_over_http_matches_the_cli(&app).await;
    }
}

async fn reference_case_over_http_matches_the_cli(app: &TestApp) {
    let over_http = drive_over_http(app).await;

    let cli = TestApp::new().await;
    let reference = Reference::parse(REFERENCE_CASE).unwrap();
    for step in scenario::reference_case(&mut salts())
        .into_iter()
        .filter(|s| s.refused_by.is_none())
    {
        cli.import(&[(reference.clone(), step.command, step.context)])
            .await;
    }
    let file = cli
        .console(StaffRole::DecisionMaker)
        .await
        .case_file(&reference, probity_domain::access::ReadPurpose::CASE_WORK)
        .await
        .unwrap();
    let by_cli = serde_json::to_value(&*file).unwrap();
    assert_eq!(
        essentials(&over_http),
        essentials(&by_cli),
        "on {}",
        app.backend
    );
    assert_eq!(over_http["status"], "closed");
    assert_eq!(over_http["findings"].as_array().unwrap().len(), 7);
    let first = &over_http["events"][0];
    assert_eq!(first["on"], "2020-04-06");
}

/// A case received in 2018 and closed in 2019, entered now with its own dates: the case file
/// shows them, and a day in the future is refused by a rule.
#[tokio::test]
async fn a_historical_case_keeps_its_own_dates() {
    let app = TestApp::new().await;
    let token = app
        .user("psd.caseworker", StaffRole::DecisionMaker, Some("kent"))
        .await;
    let reference = "PC/0042/18";
    let log = json!({
        "on": "2018-02-13",
        "command": {
            "command": "log_matter", "reference": reference, "kind": "complaint",
            "force": "kent", "received_on": "2018-02-12",
            "summary": "A complaint about the handling of a burglary report."
        }
    });
    let reply = app.post("/api/v1/cases", &token, &log).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let path = format!("/api/v1/cases/{}/commands", seg(reference));
    let mut version = reply.body["version"].as_u64().unwrap();
    let mut send = async |on: &str, command: Value| {
        let body = json!({ "expected_version": version, "on": on, "command": command });
        let reply = app.post(&path, &token, &body).await;
        if reply.status.is_success() {
            version = reply.body["version"].as_u64().unwrap();
        }
        reply
    };
    let steps = [
        (
            "2018-02-13",
            json!({"command": "add_party", "role": {"role": "complainant", "basis": "directed_at"}, "personal_data": {"name": "Sam Example"}}),
        ),
        (
            "2018-02-13",
            json!({"command": "add_party", "role": {"role": "subject", "kind": "officer", "force": "kent", "service_number": "KE7001"}, "personal_data": {"name": "Alex Officer"}}),
        ),
        (
            "2018-02-13",
            json!({"command": "add_allegation", "subjects": [2], "category": "A3", "description": "The report was not followed up."}),
        ),
        (
            "2018-02-14",
            json!({"command": "contact_complainant", "party": 1}),
        ),
        ("2018-02-20", json!({"command": "record_matter"})),
        (
            "2018-03-01",
            json!({"command": "handle_otherwise_than_by_investigation", "rationale": "An explanation and an apology are proportionate."}),
        ),
        (
            "2018-12-10",
            json!({"command": "decide_outcome", "outcome": "service_not_acceptable", "rationale": "The report should have been followed up."}),
        ),
        ("2018-12-12", json!({"command": "notify_outcome"})),
        ("2019-01-14", json!({"command": "close"})),
    ];
    for (on, command) in steps {
        let reply = send(on, command.clone()).await;
        assert!(reply.status.is_success(), "{command}: {}", reply.body);
    }
    // A day in the future, and a day before the matter was received, are refused.
    for on in ["2099-01-01", "2018-02-11"] {
        let reply = send(
            on,
            json!({"command": "assign_to_team", "user": "psd.caseworker"}),
        )
        .await;
        assert_eq!(reply.status, 422, "{on}: {}", reply.body);
        assert_eq!(reply.body["rule"], "date-out-of-range");
    }
    let file = app
        .get(&format!("/api/v1/cases/{}", seg(reference)), &token)
        .await
        .body;
    assert_eq!(file["status"], "closed");
    let days: Vec<_> = file["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["on"].as_str().unwrap())
        .collect();
    assert_eq!(
        days.first(),
        Some(&"2018-02-12"),
        "the matter is dated by its receipt"
    );
    assert_eq!(days.last(), Some(&"2019-01-14"));
    assert!(
        days.iter()
            .all(|d| d.starts_with("2018") || d.starts_with("2019"))
    );
    assert_eq!(file["review_right"]["deadline"], "2019-01-09");
}

#[tokio::test]
async fn every_read_of_a_case_file_leaves_exactly_one_audit_entry() {
    let app = TestApp::new().await;
    drive_over_http(&app).await;
    let reader = app.user("reader", StaffRole::Investigator, None).await;
    let auditor = app.user("auditor", StaffRole::Auditor, None).await;
    let before = app
        .get(
            &format!("/api/v1/cases/{}/audit?limit=1000", seg(REFERENCE_CASE)),
            &auditor,
        )
        .await
        .body;
    let reads = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "case.read" && e["actor"] == "reader")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(reads(&before).is_empty());
    // A purpose is one of a fixed list: free text could put a name in the trail for ever.
    let free = app
        .send(
            "GET",
            &format!(
                "/api/v1/cases/{}?purpose=letter%20to%20Rowan%20Ashby",
                seg(REFERENCE_CASE)
            ),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(free.status, 400, "{}", free.body);
    assert!(
        free.body["detail"]
            .as_str()
            .unwrap()
            .contains("correspondence")
    );
    let reply = app
        .send(
            "GET",
            &format!("/api/v1/cases/{}?purpose=Review", seg(REFERENCE_CASE)),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(reply.status, 200);
    let after = app
        .get(
            &format!("/api/v1/cases/{}/audit?limit=1000", seg(REFERENCE_CASE)),
            &auditor,
        )
        .await
        .body;
    let entries = reads(&after);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["purpose"], "review");
    assert_eq!(entries[0]["outcome"], "allowed");
    assert!(entries[0]["at"].as_str().unwrap().starts_with("20"));
    // A second read is a second entry.
    app.get(&format!("/api/v1/cases/{}", seg(REFERENCE_CASE)), &reader)
        .await;
    let again = app
        .get(
            &format!("/api/v1/cases/{}/audit?limit=1000", seg(REFERENCE_CASE)),
            &auditor,
        )
        .await
        .body;
    assert_eq!(reads(&again).len(), 2);
    assert_eq!(reads(&again)[1]["purpose"], "case work");
    // Both chains verify after all this.
    let verified = app
        .console(StaffRole::Auditor)
        .await
        .verify()
        .await
        .unwrap();
    assert!(verified.audit_entries > 0);
}
