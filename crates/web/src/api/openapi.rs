//! The OpenAPI 3.1 document of the internal API, generated from the handlers and the domain's
//! command types, served at `/api/v1/openapi.json` and snapshot-tested.

use probity_domain::Status;
use probity_domain::access::READ_PURPOSES;
use probity_domain::category::SUBCATEGORIES;
use probity_domain::clock::ClockName;
use probity_domain::force::FORCES;
use serde_json::{Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{audit, cases, letters, session, statistics, subjects, work};
use crate::auth;

/// An RFC 9457 problem document. Rule refusals add `rule` and `basis`; stale versions add
/// `current_version`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ProblemDoc {
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    rule: Option<String>,
    basis: Option<String>,
    current_version: Option<u64>,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Probity internal API",
        description = "Case management for police complaints and misconduct oversight. Every request is checked against the access matrix and recorded in the audit trail; writes carry the case version they were prepared against.",
        version = "1"
    ),
    paths(
        session::log_in,
        session::me,
        session::log_out,
        session::change_password,
        cases::list,
        work::work,
        work::overdue,
        cases::open,
        cases::show,
        cases::command,
        letters::preview,
        letters::print,
        letters::sent,
        subjects::subject_history,
        audit::audit,
        audit::case_audit,
        audit::checkpoints,
        statistics::statistics,
        statistics::chart,
    ),
    components(schemas(ProblemDoc, probity_domain::Command)),
    modifiers(&Security),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "cases", description = "Case files and the commands that change them"),
        (name = "subjects", description = "People complained about, across cases"),
        (name = "letters", description = "Letters and reports made from a case: preview, print, and letters sent made again"),
        (name = "work", description = "Work queues and overdue duties, from the statutory clocks"),
        (name = "audit", description = "The audit trail"),
        (name = "statistics", description = "Counts for analysts: codes and counts, never names"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> axum::Json<Value> {
    axum::Json(served())
}

/// The document as served: utoipa's, completed with what the handlers check but the derive
/// cannot say (the values a parameter may take, the answers every operation may give), so
/// that a request valid by the document is one the server takes, and the reverse. The values
/// come from the domain's own tables.
pub fn served() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serialises");
    flatten_commands(&mut doc);
    strict(&mut doc["components"]["schemas"]);
    constrain(&mut doc);
    common_answers(&mut doc);
    doc
}

/// Each command as one object (its tag beside its fields), not `allOf` a payload that
/// forbids other fields and an object holding the tag, which no value can satisfy.
fn flatten_commands(doc: &mut Value) {
    let schemas = doc["components"]["schemas"].clone();
    let Some(branches) = doc["components"]["schemas"]["Command"]["oneOf"].as_array_mut() else {
        return;
    };
    for branch in branches {
        let (Some(payload), Some(tag)) = (
            branch["allOf"][0]["$ref"].as_str(),
            branch["allOf"][1]["properties"]["command"].as_object(),
        ) else {
            continue;
        };
        let name = payload.rsplit('/').next().unwrap_or_default();
        let payload = &schemas[name];
        let mut properties = serde_json::Map::new();
        properties.insert("command".into(), Value::Object(tag.clone()));
        if let Some(fields) = payload["properties"].as_object() {
            properties.extend(fields.clone());
        }
        let mut required = vec![json!("command")];
        required.extend(payload["required"].as_array().cloned().unwrap_or_default());
        let mut merged = json!({
            "type": "object",
            "title": name,
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        });
        if let Some(d) = payload.get("description") {
            merged["description"] = d.clone();
        }
        *branch = merged;
    }
}

/// What the server's reading of a body enforces everywhere: no object takes a field it does
/// not name (every request type refuses unknown fields), a tuple has its members, and no
/// text holds a control character but a line break or a tab (`command_from_json`).
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            // Numbers travel as JSON, exact to 2^53: no count, version or position gets near it.
            if map.get("type").is_some_and(|t| t == "integer") && !map.contains_key("maximum") {
                map.insert("maximum".into(), json!(MAX_EXACT));
            }
            // A tuple is read with exactly its members.
            if let Some(n) = map
                .get("prefixItems")
                .and_then(Value::as_array)
                .map(Vec::len)
            {
                map.insert("minItems".into(), json!(n));
                map.insert("maxItems".into(), json!(n));
            }
            let is_text = match map.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            let free = ["enum", "pattern", "format", "const"]
                .iter()
                .all(|k| !map.contains_key(*k));
            if is_text && free {
                map.insert("pattern".into(), json!(PLAIN_TEXT));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The largest integer a JSON number carries exactly.
const MAX_EXACT: i64 = (1 << 53) - 1;

/// Text without control characters, line breaks and tabs apart.
const PLAIN_TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Every clock: its name, what it measures, its basis and how it is counted, and where the
/// figure is not verified against the regulations, what is not.
fn clock_descriptions() -> String {
    let mut text =
        String::from("Only this clock. The clocks, their basis and how each is counted:\n");
    for name in ClockName::ALL {
        let i = name.info();
        let mut counting = i.counting.chars();
        let first = counting.next().map(|c| c.to_uppercase().to_string());
        text.push_str(&format!(
            "\n- `{}`: {} ({}). {}{}.",
            name.code(),
            i.title,
            i.basis,
            first.unwrap_or_default(),
            counting.as_str()
        ));
        if let Some(u) = i.unverified {
            text.push_str(&format!(" UNVERIFIED: {u}."));
        }
    }
    text
}

/// The values each parameter may take, as the handlers check them.
fn constrain(doc: &mut Value) {
    let forces: Vec<&str> = FORCES.iter().map(|f| f.code).collect();
    let purposes: Vec<&str> = READ_PURPOSES.iter().map(|(c, _)| *c).collect();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.code()).collect();
    let mut categories: Vec<String> = SUBCATEGORIES.iter().map(|c| c.code.to_string()).collect();
    for c in SUBCATEGORIES {
        let letter = c.code[..1].to_string();
        if !categories.contains(&letter) {
            categories.push(letter);
        }
    }
    let clocks: Vec<&str> = ClockName::ALL.iter().map(|c| c.code()).collect();
    let actions: Vec<String> = probity_store::Action::all()
        .map(|a| a.code().into_owned())
        .collect();
    let reference = json!({"type": "string", "pattern": REFERENCE_PATTERN});
    let constraint = |name: &str| -> Option<Value> {
        Some(match name {
            "reference" => reference.clone(),
            "force" => json!({"type": "string", "enum": forces}),
            "status" => json!({"type": "string", "enum": statuses}),
            "category" => json!({"type": "string", "enum": categories}),
            "service_number" => {
                json!({"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9]+$"})
            }
            "purpose" | "Probity-Purpose" => json!({"type": "string", "enum": purposes}),
            "received_from" | "received_to" => {
                json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
            }
            "page" => {
                json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 1_000_000})
            }
            "per_page" => {
                json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 200})
            }
            "clock" => json!({"type": "string", "enum": clocks}),
            "scope" => json!({"type": "string", "enum": ["mine", "team", "all"]}),
            "after" => json!({"type": "integer", "format": "int64", "minimum": 0}),
            "before" => json!({"type": "integer", "format": "int64", "minimum": 1}),
            "mode" => json!({"type": "string", "enum": ["local", "directed", "independent"]}),
            "case" => reference.clone(),
            "action" => json!({"type": "string", "enum": actions}),
            "outcome" => {
                json!({"type": "string", "enum": ["allowed", "denied", "refused", "failed"]})
            }
            "since" | "until" => {
                json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
            }
            "limit" => json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 1000}),
            _ => return None,
        })
    };
    for operation in operations(doc) {
        let parameters = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut);
        for p in parameters.into_iter().flatten() {
            if let Some(schema) = p["name"].as_str().and_then(constraint) {
                p["schema"] = schema;
            }
            if p["name"] == "clock" {
                p["description"] = json!(clock_descriptions());
            }
        }
    }
    let codes: Vec<&str> = SUBCATEGORIES.iter().map(|c| c.code).collect();
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let mut set = |name: &str, key: &str, value: Value| {
        if let Some(schema) = schemas.get_mut(name).and_then(Value::as_object_mut) {
            schema.remove("pattern");
            schema.insert(key.into(), value);
        }
    };
    set("Reference", "pattern", json!(REFERENCE_PATTERN));
    set("Force", "enum", json!(forces));
    set("CategoryCode", "enum", json!(codes));
    for schema in schemas.values_mut() {
        let new = schema
            .get_mut("properties")
            .and_then(|p| p.get_mut("new_password"));
        if let Some(new) = new {
            new["minLength"] = json!(probity_app::MIN_PASSWORD_CHARS);
        }
    }
}

/// What any operation may answer beside its own: 400 for input it cannot read, 415 for a
/// body that is not JSON, 429 over a rate limit, 401 without credentials where it needs them.
fn common_answers(doc: &mut Value) {
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDoc"}}}
        })
    };
    for operation in operations(doc) {
        let takes_body = operation.get("requestBody").is_some();
        let secured = operation.get("security").is_some();
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut add = |status: &str, description: &str| {
            responses
                .entry(status)
                .or_insert_with(|| problem(description));
        };
        add("400", "Bad input");
        add("429", "Too many requests: wait as long as Retry-After says");
        if takes_body {
            add("415", "The body is not JSON");
        }
        if secured {
            add("401", "Not signed in");
        }
    }
}

fn operations(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|methods| methods.values_mut())
}

/// What `Reference::parse` takes.
const REFERENCE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$";
