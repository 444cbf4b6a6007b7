//! What every response of the internal listener carries, and what none may lack: headers that
//! keep case data out of caches and stop browsers guessing types, and a body for every error.
//! An error that reaches here without one (axum's 405, the timeout's 408, an extractor's
//! plain-text rejection) is answered as problem+json under `/api/`, else as an HTML page, with
//! its status kept and nothing of the request echoed.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Problem;

/// The problem a bare status stands for.
pub fn problem_for(status: StatusCode) -> Problem {
    let (code, title, detail) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "Method not allowed",
            "This address does not take that method; see /api/v1/openapi.json.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "The request took too long",
            "The server stopped waiting for the request or its answer. Try again.",
        ),
        StatusCode::NOT_FOUND => ("no-route", "Not found", "There is nothing at this address."),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too-large",
            "The request is too large",
            "Send less: bodies are limited to 256 KiB.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "Unsupported media type",
            "Send JSON with 'Content-Type: application/json'.",
        ),
        s if s.is_client_error() => (
            "bad-request",
            "The request is not understood",
            "Check the address, its parameters and the body against /api/v1/openapi.json.",
        ),
        _ => (
            "server-error",
            "Something went wrong",
            "The failure was logged. Try again shortly.",
        ),
    };
    Problem::new(status, code, title, detail)
}

fn has_body_type(r: &Response) -> bool {
    r.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/problem+json") || t.starts_with("text/html"))
}

pub async fn harden(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    // The front-end files are public and the same for all: they may be cached.
    let asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let status = response.status();
    if (status.is_client_error() || status.is_server_error()) && !has_body_type(&response) {
        let problem = problem_for(status);
        let allow = response.headers().get(header::ALLOW).cloned();
        response = if api {
            problem.into_response()
        } else {
            problem.into_page()
        };
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    let headers = response.headers_mut();
    if !(asset && status.is_success()) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
