//! The OpenAPI document: served, complete, and unchanged unless a change means it.

use probity_domain::access::StaffRole;

use crate::TestApp;

#[tokio::test]
async fn the_openapi_document_is_served_and_snapshot() {
    let app = TestApp::new().await;
    let token = app.user("reader", StaffRole::Investigator, None).await;
    let doc = app.get("/api/v1/openapi.json", &token).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths: Vec<&str> = doc.body["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for route in [
        "/api/v1/session",
        "/api/v1/account/password",
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/commands",
        "/api/v1/cases/{reference}/audit",
        "/api/v1/subjects/{force}/{service_number}/history",
        "/api/v1/audit",
        "/api/v1/checkpoints",
    ] {
        assert!(paths.contains(&route), "{route} is not documented");
    }
    // Every command of the case file is in the schema, each with a payload schema of its own
    // beside its tag.
    let schemas = &doc.body["components"]["schemas"];
    let commands: Vec<String> = schemas["Command"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            // One object a command: its tag beside its payload's fields, nothing else.
            let payload = v["title"].as_str().unwrap();
            let fields = &schemas[payload]["properties"];
            if let Some(fields) = fields.as_object() {
                for field in fields.keys() {
                    assert!(v["properties"].get(field).is_some(), "{payload}.{field}");
                }
            }
            assert_eq!(v["additionalProperties"], false, "{payload}");
            assert_eq!(v["required"][0], "command", "{payload}");
            v["properties"]["command"]["enum"][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for name in [
        "log_matter",
        "determine",
        "propose_action",
        "conclude_proceedings",
        "draft_publication",
        "approve_publication",
        "grant_access",
        "apply_for_review",
    ] {
        assert!(commands.iter().any(|c| c == name), "{name} is missing");
    }
    assert!(
        commands.len() >= 55,
        "{} commands documented",
        commands.len()
    );
    // Every parameter says the values the server takes.
    let list = &doc.body["paths"]["/api/v1/cases"]["get"]["parameters"];
    let param = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["schema"]
            .clone()
    };
    assert_eq!(param("page")["minimum"], 1);
    assert_eq!(param("per_page")["maximum"], 200);
    assert!(param("force")["enum"].as_array().unwrap().len() >= 43);
    assert!(
        param("category")["enum"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "G2")
    );
    // And every operation the answers any may give.
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in ["400", "429"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} {status}"
                );
            }
        }
    }
    insta::assert_json_snapshot!("openapi", doc.body);
}
