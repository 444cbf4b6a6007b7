//! Who is calling: a session cookie from a browser, or a bearer token from a machine. The
//! office turns either into a desk; the JSON API and the web pages share this extractor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
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
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let fail = |e: probity_app::AppError| Problem::from(e).into_response();
        let token = bearer(&parts.headers);
        let cookie = cookie_value(&parts.headers, SESSION_COOKIE);
        let found = if token.is_some() && cookie.is_some() {
            // Which of the two speaks for the request? Neither: ambiguity is refused.
            Err("both a session cookie and a token")
        } else if let Some(token) = token {
            let desk = state.office.token(&Secret(token)).await.map_err(fail)?;
            desk.map(|desk| CurrentUser {
                desk,
                session: None,
            })
            .ok_or("unknown or revoked token")
        } else if let Some(value) = cookie {
            let session = Secret(value);
            let desk = state.office.session(&session).await.map_err(fail)?;
            desk.map(|desk| CurrentUser {
                desk,
                session: Some(session),
            })
            .ok_or("unknown or ended session")
        } else {
            Err("no credentials")
        };
        match found {
            Ok(user) => {
                if let Some(wait) = state.limits.user(&user.desk.principal().username) {
                    let route = crate::limits::route(&parts.extensions).to_string();
                    state
                        .office
                        .refuse_too_many(&route, "one user")
                        .await
                        .map_err(fail)?;
                    let api = parts.uri.path().starts_with("/api/");
                    return Err(crate::limits::too_many(wait, api));
                }
                Ok(user)
            }
            Err(why) => {
                // Every refused attempt is counted in the trail, under the route's pattern.
                let route = crate::limits::route(&parts.extensions).to_string();
                state
                    .office
                    .refuse_unauthenticated(&route, why)
                    .await
                    .map_err(fail)?;
                Err(Problem::unauthenticated().into_response())
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
