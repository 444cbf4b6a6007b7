//! Signing in and out, who am I, and changing one's own password.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use probity_app::SESSION_HOURS;
use probity_domain::access::Principal;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::json::ApiJson;
use crate::auth::{CurrentUser, session_cookie};
use crate::error::ApiResult;

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
    body: &'static str,
    force: Option<&'static str>,
}

impl Me {
    fn of(p: &Principal) -> Me {
        Me {
            username: p.username.clone(),
            role: p.role.code(),
            body: p.body.code(),
            force: p.force.map(|f| f.code()),
        }
    }
}

/// `POST /api/v1/session`: sign in; the session is a cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LogIn, responses((status = 200, description = "Signed in; the session cookie is set", body = Me), (status = 401, description = "Wrong user name or password", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 429, description = "Too many failed log-ins", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub async fn log_in(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    ApiJson(body): ApiJson<LogIn>,
) -> ApiResult<Response> {
    if let Err(refused) = crate::limits::check_login(&state, &extensions).await {
        return Ok(refused);
    }
    let source = crate::limits::source(&extensions).to_string();
    let (secret, desk) = state
        .office
        .log_in(body.username.trim(), &body.password, &source)
        .await?;
    let mut response = (StatusCode::OK, axum::Json(Me::of(desk.principal()))).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&state, &secret.0, SESSION_HOURS * 3600),
    );
    Ok(response)
}

/// `DELETE /api/v1/session`: sign out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out"), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn log_out(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    if let Some(session) = &user.session {
        user.desk.log_out(session).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// `GET /api/v1/session`: who am I.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, description = "The signed-in user", body = Me), (status = 401, description = "Not signed in", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn me(user: CurrentUser) -> axum::Json<Me> {
    axum::Json(Me::of(user.desk.principal()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/v1/account/password`: change one's own password; all sessions end.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "session", request_body = PasswordChange, responses((status = 204, description = "Changed; every session of yours has ended"), (status = 400, description = "Too short", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Wrong current password", body = crate::api::openapi::ProblemDoc, content_type = "application/problem+json")), security(("session" = []), ("token" = [])))]
pub async fn change_password(
    user: CurrentUser,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    user.desk
        .change_password(&body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
