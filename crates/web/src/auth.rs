//! Who is calling: a session cookie from a browser, or a bearer token from a machine. The
//! office turns either into a desk; the JSON API and the web pages share this extractor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use probity_app::{Desk, Secret};

use crate::AppState;
use crate::error::Problem;

pub const SESSION_COOKIE: &str = "probity_session";

/// The signed-in caller's desk. Rejects with 401 when there is none, after recording the
/// attempt.
pub struct CurrentUser {
    pub desk: Desk,
    /// The session secret, when the caller came with a cookie (for log-out).
    pub session: Option<Secret>,
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let found = if let Some(token) = bearer(&parts.headers) {
            let desk = state.office.token(&Secret(token)).await?;
            desk.map(|desk| CurrentUser {
                desk,
                session: None,
            })
            .ok_or("unknown or revoked token")
        } else if let Some(value) = cookie_value(&parts.headers, SESSION_COOKIE) {
            let session = Secret(value);
            let desk = state.office.session(&session).await?;
            desk.map(|desk| CurrentUser {
                desk,
                session: Some(session),
            })
            .ok_or("unknown or ended session")
        } else {
            Err("no credentials")
        };
        match found {
            Ok(user) => Ok(user),
            Err(why) => {
                // Every refused attempt is recorded, signed in or not.
                let path = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or_else(|| parts.uri.path().to_string(), |u| u.0.path().to_string());
                state.office.refuse_unauthenticated(&path, why).await?;
                Err(Problem::unauthenticated())
            }
        }
    }
}

/// The `Set-Cookie` value for a session (an empty value and no age end it).
pub fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}
