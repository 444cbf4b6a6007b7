//! The case file's step forms over HTTP: offered by role, body and stage; a refusal on its
//! field with its rule; the check page before a step with legal consequences; a second
//! submission records nothing.

use crate::TestApp;
use crate::ui::{intake, signed_in, token_in, version_in};
use probity_domain::access::StaffRole;

const CASE: &str = "/cases/KE%2F0004%2F20";

/// A form's fields with its token and version, and the answers given.
fn answers<'a>(page: &str, given: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut all = vec![
        ("csrf".to_string(), token_in(page)),
        ("expected_version".to_string(), version_in(page)),
    ];
    all.extend(given.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    all
}

async fn post(
    app: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(String, String)],
) -> crate::Reply {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.form(path, Some(cookie), &[], &fields).await
}

/// Signs the Kent assessor in and logs the case the tests take steps on: their session.
async fn log_the_case(app: &TestApp) -> String {
    let kent = signed_in(app, "kent.assessor").await;
    let token = token_in(&app.page("/cases/new", Some(&kent)).await.text);
    let logged = app
        .form(
            "/cases/new",
            Some(&kent),
            &[],
            &intake(&token, "KE/0004/20", "2020"),
        )
        .await;
    assert_eq!(logged.status, 303, "{}", logged.text);
    kent
}

/// Opens the step's form and sends it with `given`.
async fn take(app: &TestApp, cookie: &str, step: &str, given: &[(&str, &str)]) -> crate::Reply {
    let path = format!("{CASE}/steps/{step}");
    let form = app.page(&path, Some(cookie)).await;
    assert_eq!(form.status, 200, "{step}: {}", form.text);
    post(app, cookie, &path, &answers(&form.text, given)).await
}

#[tokio::test]
async fn each_step_is_offered_to_whom_the_rules_allow_refusals_sit_on_their_fields_and_legal_steps_are_checked_first()
 {
    let app = TestApp::new().await;
    app.user("kent.assessor", StaffRole::Assessor, Some("kent"))
        .await;
    app.user("iopc.assessor", StaffRole::Assessor, None).await;
    app.user("iopc.investigator", StaffRole::Investigator, None)
        .await;
    app.user("kent.analyst", StaffRole::Analyst, Some("kent"))
        .await;
    let kent = log_the_case(&app).await;
    let record = app
        .page(
            &format!("{CASE}/record?check=true&serious_assault=true"),
            Some(&kent),
        )
        .await;
    let recorded = post(
        &app,
        &kent,
        &format!("{CASE}/record"),
        &answers(&record.text, &[("serious_assault", "true")]),
    )
    .await;
    assert_eq!(recorded.status, 303, "{}", recorded.text);

    let file = app.page(CASE, Some(&kent)).await;
    for step in [
        "add-party",
        "add-allegation",
        "refer",
        "start-local-investigation",
    ] {
        assert!(
            file.text.contains(&format!("{CASE}/steps/{step}\"")),
            "{step} offered"
        );
    }
    assert!(
        !file.text.contains("steps/decide-referral"),
        "the oversight body's step"
    );
    let analyst = signed_in(&app, "kent.analyst").await;
    assert!(
        !app.page(CASE, Some(&analyst))
            .await
            .text
            .contains("/steps/")
    );
    assert_eq!(
        app.page(&format!("{CASE}/steps/refer"), Some(&analyst))
            .await
            .status,
        403
    );
    assert_eq!(
        app.page(&format!("{CASE}/steps/no-such-step"), Some(&kent))
            .await
            .status,
        404
    );

    // A person: a complainant without the basis of their complaint is refused on that question,
    // and what was typed is kept.
    let before = app.events().await;
    let missing = take(
        &app,
        &kent,
        "add-party",
        &[("role", "complainant"), ("name", "Ann Example")],
    )
    .await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    assert!(
        missing
            .text
            .contains("href=\"#basis-directed_at\">Choose the basis"),
        "{}",
        missing.text
    );
    assert!(missing.text.contains("value=\"Ann Example\""));
    assert_eq!(app.events().await, before);
    let added = take(
        &app,
        &kent,
        "add-party",
        &[
            ("role", "complainant"),
            ("basis", "directed_at"),
            ("name", "Ann Example"),
            ("vulnerabilities", "mental_health"),
            ("vulnerabilities", "victim_of_crime"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text);
    let officer = take(
        &app,
        &kent,
        "add-party",
        &[
            ("role", "subject"),
            ("name", "Alan Rook"),
            ("subject_kind", "officer"),
            ("rank", "PC"),
            ("service_number", "4471"),
            ("subject_force", "kent"),
        ],
    )
    .await;
    assert_eq!(officer.status, 303, "{}", officer.text);
    let allegation = take(
        &app,
        &kent,
        "add-allegation",
        &[
            ("subjects", "P2"),
            ("category", "H1"),
            (
                "description",
                "The officer pushed the complainant to the ground.",
            ),
        ],
    )
    .await;
    assert_eq!(allegation.status, 303, "{}", allegation.text);
    let file = app.page(CASE, Some(&kent)).await;
    assert!(
        file.text.contains("Alan Rook") && file.text.contains("Mental health"),
        "{}",
        file.text
    );
    assert_eq!(app.events().await, before + 3);
    // The people kept informed are offered by their role: the complainant, not the officer.
    let contact = app
        .page(&format!("{CASE}/steps/contact-complainant"), Some(&kent))
        .await;
    assert!(contact.text.contains("id=\"party-P1\""), "{}", contact.text);
    assert!(!contact.text.contains("id=\"party-P2\""));

    // A local investigation of a matter that must be referred: the rule and its basis, on the
    // form, and nothing recorded.
    let refused = take(&app, &kent, "start-local-investigation", &[]).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("govuk-error-summary"));
    assert!(
        refused
            .text
            .contains("href=\"#step-submit\">The matter meets a mandatory referral criterion"),
        "{}",
        refused.text
    );
    assert!(
        refused
            .text
            .contains("serious assault (PCMR 2020 reg 4(1)(a)(i))")
    );
    assert!(
        refused
            .text
            .contains("(rule: Sch3 para 4(1); PCMR 2020 reg 4)")
    );
    assert_eq!(app.events().await, before + 3);

    // The referral starts from the criterion the recording answers brought in, and is shown to
    // check before it is made.
    let path = format!("{CASE}/steps/refer");
    let form = app.page(&path, Some(&kent)).await;
    assert!(
        form.text
            .contains("value=\"mandatory:serious_assault\" checked"),
        "{}",
        form.text
    );
    let fields = answers(&form.text, &[("basis", "mandatory:serious_assault")]);
    let check = post(&app, &kent, &path, &fields).await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert!(check.text.contains("Check your answers"));
    assert!(check.text.contains("A serious assault"));
    assert_eq!(app.events().await, before + 3, "nothing before confirming");
    let change = post(
        &app,
        &kent,
        &path,
        &[fields.clone(), vec![("intent".into(), "change".into())]].concat(),
    )
    .await;
    assert!(
        change
            .text
            .contains("value=\"mandatory:serious_assault\" checked"),
        "kept"
    );
    let confirm = [fields, vec![("intent".into(), "record".into())]].concat();
    let referred = post(&app, &kent, &path, &confirm).await;
    assert_eq!(referred.status, 303, "{}", referred.text);
    assert_eq!(app.events().await, before + 4);
    let twice = post(&app, &kent, &path, &confirm).await;
    assert_ne!(twice.status, 303, "a second submission records nothing");
    assert_eq!(app.events().await, before + 4);

    // Now the oversight body's: its assessor is offered the decision, the force's is not.
    let iopc = signed_in(&app, "iopc.assessor").await;
    assert!(
        app.page(CASE, Some(&iopc))
            .await
            .text
            .contains("steps/decide-referral\"")
    );
    assert!(
        !app.page(CASE, Some(&kent))
            .await
            .text
            .contains("steps/decide-referral")
    );
    assert_eq!(
        app.page(&format!("{CASE}/steps/decide-referral"), Some(&kent))
            .await
            .status,
        409
    );
    let decided = take(
        &app,
        &iopc,
        "decide-referral",
        &[
            ("decision", "independent"),
            ("rationale", "Serious."),
            ("intent", "record"),
        ],
    )
    .await;
    assert_eq!(decided.status, 303, "{}", decided.text);
    let file = app.page(CASE, Some(&iopc)).await;
    assert!(file.text.contains("Under investigation"), "{}", file.text);

    // The investigation's record, as the case file shows it: the terms in force (and how many
    // versions), the exhibits with who holds them.
    let inv = signed_in(&app, "iopc.investigator").await;
    for text in [
        "Whether the officer used force.",
        "Whether the force used was necessary and proportionate.",
    ] {
        let set = take(&app, &inv, "terms-of-reference", &[("text", text)]).await;
        assert_eq!(set.status, 303, "{}", set.text);
    }
    let exhibit = take(
        &app,
        &inv,
        "exhibit-evidence",
        &[
            ("exhibit", "AR/1"),
            ("description", "Body-worn video of the arrest"),
            ("custodian", "Evidence store"),
        ],
    )
    .await;
    assert_eq!(exhibit.status, 303, "{}", exhibit.text);
    let file = app.page(CASE, Some(&inv)).await.text;
    assert!(
        file.contains("Whether the force used was necessary and proportionate."),
        "{file}"
    );
    assert!(file.contains("Version 2 of 2"), "{file}");
    assert!(
        file.contains("AR/1") && file.contains("Held by Evidence store"),
        "{file}"
    );
    assert!(!file.contains("steps/decide-referral"), "decided once");
}

#[tokio::test]
async fn a_person_s_recorded_characteristics_are_kept_as_codes_and_counted() {
    let app = TestApp::new().await;
    let assessor = app
        .user("kent.assessor", StaffRole::Assessor, Some("kent"))
        .await;
    let analyst = app
        .user("kent.analyst", StaffRole::Analyst, Some("kent"))
        .await;
    let kent = log_the_case(&app).await;
    let form = app
        .page(&format!("{CASE}/steps/add-party"), Some(&kent))
        .await;
    assert!(
        form.text.contains("Equality monitoring") && form.text.contains("value=\"25_34\""),
        "{}",
        form.text
    );
    // A code that is not one of ours is refused on its field, and nothing is added.
    let bad = take(
        &app,
        &kent,
        "add-party",
        &[
            ("role", "complainant"),
            ("basis", "directed_at"),
            ("name", "Sam Example"),
            ("ethnicity", "martian"),
        ],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.text.contains("Choose an ethnic group from the list"));
    let added = take(
        &app,
        &kent,
        "add-party",
        &[
            ("role", "complainant"),
            ("basis", "directed_at"),
            ("name", "Sam Example"),
            ("ethnicity", "black"),
            ("sex", "female"),
            ("age_band", "25_34"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text);
    // With a subject and an allegation, the complainant's characteristics are counted: as
    // codes, beside no name.
    let path = "/api/v1/cases/KE%2F0004%2F20/commands";
    let mut version = app
        .get("/api/v1/cases/KE%2F0004%2F20", &assessor)
        .await
        .body["version"]
        .as_u64()
        .unwrap();
    for command in [
        serde_json::json!({"command": "add_party", "role": {"role": "subject", "kind": "officer", "force": "kent", "service_number": "KE7001"}, "personal_data": {"name": "Alex Officer"}}),
        serde_json::json!({"command": "add_allegation", "subjects": [2], "category": "A3", "description": "The report was not followed up."}),
        serde_json::json!({"command": "contact_complainant", "party": 1}),
        serde_json::json!({"command": "record_matter"}),
        serde_json::json!({"command": "handle_otherwise_than_by_investigation", "rationale": "An explanation and an apology are proportionate."}),
    ] {
        let reply = app
            .post(
                path,
                &assessor,
                &serde_json::json!({"expected_version": version, "command": command}),
            )
            .await;
        assert!(reply.status.is_success(), "{}", reply.text);
        version = reply.body["version"].as_u64().unwrap();
    }
    let stats = app.get("/api/v1/statistics?source=probity", &analyst).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    let table = stats.body["disproportionality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["party"] == "complainant" && d["characteristic"] == "ethnicity")
        .cloned()
        .unwrap_or_else(|| panic!("{}", stats.text));
    assert!(
        table["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["group"] == "black"),
        "{table}"
    );
    assert!(!stats.text.contains("Sam Example"));
}
