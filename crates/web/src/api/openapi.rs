//! The OpenAPI 3.1 document of the internal API, generated from the handlers and the domain's
//! command types, served at `/api/v1/openapi.json` and snapshot-tested.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{audit, cases, session, subjects};
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
        cases::open,
        cases::show,
        cases::command,
        subjects::subject_history,
        audit::audit,
        audit::case_audit,
        audit::checkpoints,
    ),
    components(schemas(ProblemDoc, probity_domain::Command)),
    modifiers(&Security),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "cases", description = "Case files and the commands that change them"),
        (name = "subjects", description = "People complained about, across cases"),
        (name = "audit", description = "The audit trail"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
