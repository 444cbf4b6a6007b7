//! Every answer the portal gives: an ETag (the body's SHA-256) that a matching If-None-Match
//! turns into a 304, Cache-Control, and headers that keep the pages to themselves.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long a public answer may be kept by a cache.
pub(crate) const PAGE_MAX_AGE: u32 = 300;
pub(crate) const BULK_MAX_AGE: u32 = 3600;

/// A body answered with its validators.
pub(crate) fn cached(
    headers: &HeaderMap,
    content_type: &'static str,
    max_age: u32,
    body: Vec<u8>,
) -> Response {
    let digest = Sha256::digest(&body);
    let tag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == tag
        });
    let mut r = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = r.headers_mut();
    if !matches {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex is a header value"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&format!("public, max-age={max_age}")).expect("a header value"),
    );
    guard(h);
    r
}

/// Headers on every answer: nothing framed, sniffed, referred or scripted from elsewhere.
pub(crate) fn guard(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// Why a public request was not answered with what it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    BadRequest(String),
    NotFound,
    /// Too many requests at once: come back in a few seconds.
    Busy,
    /// The store could not answer (logged; the public sees no detail).
    Unavailable,
}

impl Failure {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            Failure::BadRequest(m) => m.clone(),
            Failure::NotFound => "Nothing is published at this address.".into(),
            Failure::Busy => "The portal is busy. Try again in a few seconds.".into(),
            Failure::Unavailable => {
                "The portal cannot answer just now. Try again in a minute.".into()
            }
        }
    }
}

impl From<probity_published::Unavailable> for Failure {
    fn from(e: probity_published::Unavailable) -> Failure {
        if e.0 == crate::bounded::BUSY {
            return Failure::Busy;
        }
        tracing::error!(error = %e, "the published items could not be read");
        Failure::Unavailable
    }
}

impl From<probity_published::SearchError> for Failure {
    fn from(e: probity_published::SearchError) -> Failure {
        Failure::BadRequest(e.to_string())
    }
}

/// An answer with no validators (errors), with the guard headers.
pub(crate) fn plain(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    guard(r.headers_mut());
    r
}
