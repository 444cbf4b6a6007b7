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
