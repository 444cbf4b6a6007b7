//! Who is calling: a session cookie from a browser, or a bearer token from a machine.
//! Log-in, log-out and password change.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use probity_app::accounts::{SESSION_HOURS, Secret};
use probity_domain::access::Principal;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::json::ApiJson;

pub const SESSION_COOKIE: &str = "probity_session";

/// The signed-in caller. Rejects with 401 when there is none.
pub struct CurrentUser {
    pub principal: Principal,
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
            let principal = state
                .book
                .token_principal(&Secret(token))
                .await
                .map_err(Problem::from)?;
            principal
                .map(|principal| CurrentUser {
                    principal,
                    session: None,
                })
                .ok_or("unknown or revoked token")
        } else if let Some(value) = cookie_value(&parts.headers, SESSION_COOKIE) {
            let session = Secret(value);
            let principal = state
                .book
                .session_principal(&session)
                .await
                .map_err(Problem::from)?;
            principal
                .map(|principal| CurrentUser {
                    principal,
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
                state
                    .book
                    .record_unauthenticated(&path, why)
                    .await
                    .map_err(Problem::from)?;
                Err(Problem::unauthenticated())
            }
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogIn {
    username: String,
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    username: String,
    role: &'static str,
    body: String,
    force: Option<&'static str>,
}

impl Me {
    fn of(p: &Principal) -> Me {
        Me {
            username: p.username.clone(),
            role: p.role.code(),
            body: probity_domain::code_of(&p.body),
            force: p.force.map(|f| f.code()),
        }
    }
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

/// `POST /api/v1/session`: sign in; the session is a cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LogIn, responses((status = 200, description = "Signed in; the session cookie is set", body = Me), (status = 401, description = "Wrong user name or password", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 429, description = "Too many failed log-ins", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub async fn log_in(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<LogIn>,
) -> ApiResult<Response> {
    let (secret, principal) = state
        .book
        .log_in(body.username.trim(), &body.password)
        .await?;
    let mut response = (StatusCode::OK, axum::Json(Me::of(&principal))).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&state, &secret.0, SESSION_HOURS * 3600),
    );
    Ok(response)
}

/// `DELETE /api/v1/session`: sign out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = [])))]
pub async fn log_out(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    if let Some(session) = &user.session {
        state.book.log_out(session, &user.principal).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// `GET /api/v1/session`: who am I.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, description = "The signed-in user", body = Me), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn me(user: CurrentUser) -> axum::Json<Me> {
    axum::Json(Me::of(&user.principal))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/v1/account/password`: change one's own password; all sessions end.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "session", request_body = PasswordChange, responses((status = 204, description = "Changed; every session of yours has ended"), (status = 400, description = "Too short", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Wrong current password", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state
        .book
        .change_password(&user.principal, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
