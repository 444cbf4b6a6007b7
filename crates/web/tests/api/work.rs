//! Work queues and the overdue report over HTTP: a case whose duties were missed shows them,
//! overdue, to the team whose duties they are, and to no one outside its force.

use probity_domain::access::StaffRole;
use serde_json::{Value, json};

use crate::{TestApp, seg};

#[tokio::test]
async fn a_case_whose_duties_were_missed_shows_them_overdue_in_the_queue_and_the_report() {
    for app in TestApp::on_every_backend().await {
        missed_duties_are_queued(app).await;
    }
}

async fn missed_duties_are_queued(app: TestApp) {
    let token = app
        .user("kent.caseworker", StaffRole::DecisionMaker, Some("kent"))
        .await;
    let elsewhere = app
        .user("essex.caseworker", StaffRole::DecisionMaker, Some("essex"))
        .await;
    let reference = "KE/0101/25";
    let log = json!({
        "on": "2025-01-06",
        "command": {
            "command": "log_matter", "reference": reference, "kind": "complaint",
            "force": "kent", "received_on": "2025-01-06",
            "summary": "A complaint about a stop and search."
        }
    });
    let reply = app.post("/api/v1/cases", &token, &log).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let path = format!("/api/v1/cases/{}/commands", seg(reference));
    let mut version = reply.body["version"].as_u64().unwrap();
    let mut send = async |on: Option<&str>, command: Value| {
        let mut body = json!({ "expected_version": version, "command": command });
        if let Some(on) = on {
            body["on"] = json!(on);
        }
        let reply = app.post(&path, &token, &body).await;
        assert!(reply.status.is_success(), "{command}: {}", reply.body);
        version = reply.body["version"].as_u64().unwrap();
    };
    for (on, command) in [
        (
            "2025-01-06",
            json!({"command": "add_party", "role": {"role": "complainant", "basis": "directed_at"}, "personal_data": {"name": "Robin Example"}}),
        ),
        (
            "2025-01-06",
            json!({"command": "add_party", "role": {"role": "subject", "kind": "officer", "force": "kent", "service_number": "KE4401"}, "personal_data": {"name": "Jo Officer"}}),
        ),
        (
            "2025-01-06",
            json!({"command": "add_allegation", "subjects": [2], "category": "B6", "description": "The search was not explained."}),
        ),
        ("2025-01-07", json!({"command": "start_handling"})),
        ("2025-01-08", json!({"command": "record_matter"})),
        (
            "2025-01-10",
            json!({"command": "start_local_investigation"}),
        ),
    ] {
        send(Some(on), command).await;
    }

    // No update since handling started on 7 January 2025, and no timeliness report after 12
    // months: both overdue, next due first.
    let work = app.get("/api/v1/work", &token).await;
    assert_eq!(work.status, 200, "{}", work.body);
    let items = work.body["items"].as_array().unwrap();
    let clocks: Vec<_> = items
        .iter()
        .map(|i| (i["clock"].as_str().unwrap(), i["due"].as_str().unwrap()))
        .collect();
    assert_eq!(
        clocks,
        [
            ("progress_update", "2025-02-04"),
            ("investigation_timeliness", "2026-01-20"),
        ]
    );
    assert!(items.iter().all(|i| i["overdue"] == true));
    assert!(items[0]["days_overdue"].as_i64().unwrap() > 300);
    assert_eq!(items[0]["about"], "P1");
    assert_eq!(items[0]["owner"], "appropriate_authority");
    assert_eq!(items[0]["mine"], false);
    assert_eq!(work.body["overdue"], 2);
    // Not on the case's team: nothing is "mine" until assigned.
    let mine = app.get("/api/v1/work?scope=mine", &token).await;
    assert_eq!(mine.body["total"], 0);
    send(
        None,
        json!({"command": "assign_to_team", "user": "kent.caseworker"}),
    )
    .await;
    let mine = app.get("/api/v1/work?scope=mine", &token).await;
    assert_eq!(mine.body["total"], 2);
    assert_eq!(mine.body["items"][0]["mine"], true);
    // Filters, and a clear error for a clock that does not exist.
    let one = app.get("/api/v1/work?clock=progress_update", &token).await;
    assert_eq!(one.body["total"], 1);
    let bad = app.get("/api/v1/work?clock=tea_break", &token).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["detail"]
            .as_str()
            .unwrap()
            .contains("progress_update")
    );

    let report = app.get("/api/v1/reports/overdue", &token).await;
    assert_eq!(report.status, 200);
    let lines: Vec<_> = report.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["force"].as_str().unwrap(),
                l["clock"].as_str().unwrap(),
                l["overdue"].as_i64().unwrap(),
                l["oldest_due"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("kent", "investigation_timeliness", 1, "2026-01-20"),
            ("kent", "progress_update", 1, "2025-02-04"),
        ]
    );
    // Another force sees none of it.
    let theirs = app.get("/api/v1/work", &elsewhere).await;
    assert_eq!(theirs.body["total"], 0);
    let theirs = app.get("/api/v1/reports/overdue", &elsewhere).await;
    assert_eq!(theirs.body["total"], 0);

    // The case file shows the clock missed, with its basis.
    let file = app
        .get(&format!("/api/v1/cases/{}", seg(reference)), &token)
        .await
        .body;
    let update = file["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "progress_update")
        .unwrap();
    assert_eq!(update["state"], "missed");
    assert_eq!(update["due"], "2025-02-04");
    assert!(update["basis"].as_str().unwrap().contains("reg 34"));

    // An update today: the missed period was met late, the next is due in 4 weeks.
    send(
        None,
        json!({"command": "update_party", "party": 1, "kind": "progress"}),
    )
    .await;
    let work = app.get("/api/v1/work?clock=progress_update", &token).await;
    let item = &work.body["items"][0];
    let today = work.body["today"].as_str().unwrap();
    let due: jiff::civil::Date = item["due"].as_str().unwrap().parse().unwrap();
    let today: jiff::civil::Date = today.parse().unwrap();
    assert_eq!((due - today).get_days(), 28);
    assert_eq!(item["overdue"], false);
    let file = app
        .get(&format!("/api/v1/cases/{}", seg(reference)), &token)
        .await
        .body;
    let states: Vec<_> = file["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "progress_update")
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["met_late", "running"]);
}
