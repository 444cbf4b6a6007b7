//! One error type for the whole server, rendered two ways: RFC 9457 problem+json for the API
//! ([`Problem`] as a response) and an HTML page for browsers ([`PageProblem`]). A refusal by a
//! statutory rule is 422 and names the rule; a case the user may not know of is 404, exactly
//! like one that does not exist.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use probity_app::AppError;
use probity_domain::access::Denial;
use probity_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: String,
    pub detail: String,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Text with control characters (which a detail may quote from the request) shown as `�`.
fn plain(text: String) -> String {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        text.chars()
            .map(|c| {
                if c.is_control() && !matches!(c, '\n' | '\t') {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect()
    } else {
        text
    }
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            code,
            title: title.into(),
            detail: plain(detail.into()),
            extra: serde_json::Map::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "The request is not understood",
            detail,
        )
    }

    pub fn not_found() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "There is no such case, or it is not yours to see.",
        )
    }

    pub fn unauthenticated() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign in first",
            "Send a session cookie or an 'Authorization: Bearer' token.",
        )
    }
}

impl Problem {
    /// The problem as an HTML page, for a browser.
    pub fn into_page(self) -> Response {
        let mut body = format!("<p class=\"lead\">{}</p>", crate::ui::escape(&self.detail));
        if let (Some(rule), Some(basis)) = (
            self.extra.get("rule").and_then(|v| v.as_str()),
            self.extra.get("basis").and_then(|v| v.as_str()),
        ) {
            body.push_str(&format!(
                "<p>Rule <code>{}</code>; basis: {}.</p>",
                crate::ui::escape(rule),
                crate::ui::escape(basis)
            ));
        }
        crate::ui::page(self.status, &self.title, &body)
    }
}

/// A problem rendered as an HTML page.
pub struct PageProblem(pub Problem);

impl IntoResponse for PageProblem {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}

impl From<Problem> for PageProblem {
    fn from(p: Problem) -> Self {
        PageProblem(p)
    }
}

impl From<AppError> for PageProblem {
    fn from(e: AppError) -> Self {
        PageProblem(e.into())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": format!("/api/v1/problems/{}", self.code),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Some(map) = body.as_object_mut() {
            map.extend(self.extra);
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        if e.is_no_such_case() {
            return Problem::not_found();
        }
        match e {
            AppError::Refused(r) => {
                let mut p = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "rule",
                    r.rule.summary(),
                    r.detail.clone(),
                );
                p.extra.insert("rule".into(), json!(r.rule.code()));
                p.extra.insert("basis".into(), json!(r.rule.basis()));
                p
            }
            AppError::NotFound(_) | AppError::Denied(Denial::Hidden) => Problem::not_found(),
            AppError::Missing(detail) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
            }
            AppError::Denied(d) => Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed",
                d.to_string(),
            ),
            AppError::BadInput(detail) => Problem::bad_request(detail),
            AppError::Unauthenticated => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Not signed in",
                "The user name or password is wrong, or the session has ended.",
            ),
            AppError::Throttled => Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "Too many failed log-ins",
                "Wait a quarter of an hour and try again.",
            ),
            AppError::Store(StoreError::Conflict {
                expected, actual, ..
            }) => {
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "stale-version",
                    "The case has changed since you read it",
                    format!(
                        "you sent version {expected}; the case is at version {actual}. Reload it and try again."
                    ),
                );
                p.extra.insert("current_version".into(), json!(actual));
                p
            }
            AppError::Store(StoreError::Duplicate(what)) => Problem::new(
                StatusCode::CONFLICT,
                "duplicate",
                "Already exists",
                format!("{what} already exists"),
            ),
            AppError::Tampered(found) => {
                tracing::error!(findings = found.len(), "integrity failure");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "integrity",
                    "The record failed its integrity check",
                    "An administrator has been alerted.",
                )
            }
            AppError::Broken(b) => {
                tracing::error!(chain = b.chain, position = b.position, "integrity failure");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "integrity",
                    "The record failed its integrity check",
                    "An administrator has been alerted.",
                )
            }
            AppError::Store(other) => {
                tracing::error!(error = %other, "storage failure");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The service cannot reach its data",
                    "Try again shortly.",
                )
            }
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;
