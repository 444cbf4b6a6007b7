//! Letters over HTTP: a progress update and a timeliness report previewed, printed, sent with
//! the digest previewed, and made again once sent; the duty they discharge leaves the queue;
//! no other party's personal data is in them; another force cannot make them.

use probity_domain::access::StaffRole;
use serde_json::{Value, json};

use crate::{TestApp, seg};

#[tokio::test]
async fn letters_are_previewed_printed_sent_as_read_and_made_again() {
    for app in TestApp::on_every_backend().await {
        letters(app).await;
    }
}

async fn letters(app: TestApp) {
    let token = app
        .user(
            "kent.decision-maker",
            StaffRole::DecisionMaker,
            Some("kent"),
        )
        .await;
    let elsewhere = app
        .user("essex.investigator", StaffRole::Investigator, Some("essex"))
        .await;
    let analyst = app.user("kent.analyst", StaffRole::Analyst, None).await;
    let reference = "KE/0202/25";
    let log = json!({
        "on": "2025-01-06",
        "command": {
            "command": "log_matter", "reference": reference, "kind": "complaint",
            "force": "kent", "received_on": "2025-01-06",
            "summary": "A complaint about an arrest."
        }
    });
    let reply = app.post("/api/v1/cases", &token, &log).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let commands = format!("/api/v1/cases/{}/commands", seg(reference));
    let preview_path = format!("/api/v1/cases/{}/letters/preview", seg(reference));
    let version = std::cell::Cell::new(reply.body["version"].as_u64().unwrap());
    let run = async |on: Option<&str>, command: &Value| {
        let mut body = json!({ "expected_version": version.get(), "command": command });
        if let Some(on) = on {
            body["on"] = json!(on);
        }
        let reply = app.post(&commands, &token, &body).await;
        if reply.status.is_success() {
            version.set(reply.body["version"].as_u64().unwrap());
        }
        reply
    };
    for (on, command) in [
        (
            "2025-01-06",
            json!({"command": "add_party", "role": {"role": "complainant", "basis": "directed_at"}, "personal_data": {"name": "Robin Example", "address": "1 High Street, Maidstone"}}),
        ),
        (
            "2025-01-06",
            json!({"command": "add_party", "role": {"role": "subject", "kind": "officer", "force": "kent", "service_number": "KE4402", "rank": "Sergeant"}, "personal_data": {"name": "Jo Officer"}}),
        ),
        (
            "2025-01-06",
            json!({"command": "add_party", "role": {"role": "witness"}, "personal_data": {"name": "Sam Witness"}}),
        ),
        (
            "2025-01-06",
            json!({"command": "add_allegation", "subjects": [2], "category": "B6", "description": "The arrest was not explained."}),
        ),
        ("2025-01-07", json!({"command": "start_handling"})),
        ("2025-01-08", json!({"command": "record_matter"})),
        (
            "2025-01-10",
            json!({"command": "start_local_investigation"}),
        ),
    ] {
        let reply = run(Some(on), &command).await;
        assert!(reply.status.is_success(), "{command}: {}", reply.body);
    }

    // The queue offers the letter that discharges each duty.
    let work = app.get("/api/v1/work", &token).await;
    let offered: Vec<_> = work.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["clock"].as_str().unwrap(), i["letter"].as_str()))
        .collect();
    assert_eq!(
        offered,
        [
            ("progress_update", Some("progress_update")),
            ("investigation_timeliness", Some("timeliness_report")),
        ]
    );

    // The progress update: the complainant's own name and address, nobody else's.
    let update = json!({"letter": {"kind": "progress_update", "to": 1}});
    let preview = app.post(&preview_path, &token, &update).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["recipient"]["name"], "Robin Example");
    assert_eq!(preview.body["letter"]["missing"], json!([]));
    for other in ["Jo Officer", "Sam Witness", "KE4402", "Sergeant"] {
        assert!(!preview.text.contains(other), "{other} in {}", preview.text);
    }
    let print = app
        .get(
            &format!(
                "/api/v1/cases/{}/letters/print?kind=progress_update&to=P1",
                seg(reference)
            ),
            &token,
        )
        .await;
    assert_eq!(print.status, 200, "{}", print.text);
    assert!(print.content_type.starts_with("text/html"));
    assert!(print.text.contains("Robin Example"));
    assert!(print.text.contains("1 High Street, Maidstone"));
    assert!(
        print
            .text
            .contains("<title>Progress update KE/0202/25 - Probity</title>")
    );
    assert!(!print.text.contains("Jo Officer"));

    // A digest not previewed is refused and changes nothing; the one previewed is sent.
    let before = version.get();
    let mut wrong = preview.body["send"].clone();
    wrong["digest"] = json!("0".repeat(64));
    let refused = run(None, &wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["rule"], "letter-changed", "{}", refused.body);
    assert_eq!(version.get(), before);
    let sent = run(None, &preview.body["send"]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let kinds: Vec<_> = sent.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["letter_sent", "party_updated"]);
    let work = app.get("/api/v1/work?clock=progress_update", &token).await;
    assert_eq!(work.body["items"][0]["overdue"], false, "{}", work.body);

    // The timeliness report, 12 months on: drafted with what the record shows, not sendable
    // until the investigator writes the reasons, the plan and the estimate.
    let report = json!({"letter": {"kind": "timeliness_report"}});
    let draft = app.post(&preview_path, &token, &report).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(
        draft.body["letter"]["request"],
        Value::Null,
        "the request is not shown twice"
    );
    assert_eq!(
        draft.body["letter"]["missing"],
        json!([
            "reasons for the time taken",
            "planned steps",
            "estimated completion"
        ])
    );
    assert_eq!(draft.body["send"]["letter"]["period_ending"], "2026-01-06");
    let refused = run(None, &draft.body["send"]).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["rule"], "missing-text", "{}", refused.body);
    let printed = app
        .get(
            &format!(
                "/api/v1/cases/{}/letters/print?kind=timeliness_report",
                seg(reference)
            ),
            &token,
        )
        .await;
    assert!(
        printed.text.contains("Not ready to send."),
        "{}",
        printed.text
    );
    // Two periods have ended unreported (12 and 18 months): each report in turn.
    let mut digests = Vec::new();
    for period_ending in ["2026-01-06", "2026-07-06"] {
        let full = json!({"letter": {
            "kind": "timeliness_report",
            "reasons": "The officer was on long-term leave.",
            "planned_steps": "Interview the officer under caution.",
            "estimated_completion": "2027-03-31",
            "withheld": "The witness's account, which would identify them."
        }});
        let ready = app.post(&preview_path, &token, &full).await;
        assert_eq!(ready.body["letter"]["missing"], json!([]), "{}", ready.body);
        assert_eq!(ready.body["send"]["letter"]["period_ending"], period_ending);
        assert!(ready.text.contains("oversight_body"), "{}", ready.text);
        let sent = run(None, &ready.body["send"]).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        digests.push(ready.body["digest"].as_str().unwrap().to_string());
    }
    let overdue = app
        .get(
            "/api/v1/work?clock=investigation_timeliness&overdue=true",
            &token,
        )
        .await;
    assert_eq!(overdue.body["total"], 0, "{}", overdue.body);

    // Letters sent are made again from the case as it was, and match their digests.
    let first = app
        .get(
            &format!("/api/v1/cases/{}/letters/1", seg(reference)),
            &token,
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert!(
        first
            .text
            .contains(preview.body["digest"].as_str().unwrap())
    );
    assert!(first.text.contains("Robin Example"));
    let second = app
        .get(
            &format!("/api/v1/cases/{}/letters/2", seg(reference)),
            &token,
        )
        .await;
    assert!(second.text.contains("The officer was on long-term leave."));
    assert!(second.text.contains(&digests[0]));
    let fourth = app
        .get(
            &format!("/api/v1/cases/{}/letters/4", seg(reference)),
            &token,
        )
        .await;
    assert_eq!(fourth.status, 404, "{}", fourth.text);
    assert!(
        fourth.text.contains("there is no letter 4"),
        "{}",
        fourth.text
    );

    // Another force's investigator, and an analyst, make no letters of this case.
    let theirs = app.post(&preview_path, &elsewhere, &update).await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let analyst = app.post(&preview_path, &analyst, &update).await;
    assert_eq!(analyst.status, 403, "{}", analyst.body);
    // Bad input is a clear error.
    let bad = app
        .get(
            &format!(
                "/api/v1/cases/{}/letters/print?kind=postcard",
                seg(reference)
            ),
            &token,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["detail"]
            .as_str()
            .unwrap()
            .contains("progress_update")
    );
}
