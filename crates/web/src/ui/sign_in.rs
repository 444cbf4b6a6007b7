//! Signing in and out of the pages: the same log-in, session cookie and audit as the API's
//! `/api/v1/session`, as forms.

use askama::Template;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::{AppError, SESSION_HOURS};
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, html, same_origin};
use super::form::Errors;
use crate::AppState;
use crate::auth::session_cookie;
use crate::error::PageProblem;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    errors: Errors,
    username: String,
    ended: bool,
    changed: bool,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    #[serde(default)]
    ended: bool,
    #[serde(default)]
    changed: bool,
}

/// `GET /sign-in`
pub async fn form(axum::extract::Query(q): axum::extract::Query<SignInQuery>) -> Response {
    let page = SignInPage {
        chrome: Chrome::signed_out(),
        errors: Errors::default(),
        username: String::new(),
        ended: q.ended,
        changed: q.changed,
    };
    html(StatusCode::OK, page.render())
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /sign-in`: a wrong name or password shows the form again with what was typed (never
/// the password) and one message that does not say which of the two was wrong.
pub async fn sign_in(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SignIn>,
) -> Result<Response, PageProblem> {
    same_origin(&headers)?;
    if let Err(refused) = crate::limits::check_login(&state, &extensions).await {
        return Ok(refused);
    }
    let username = form.username.trim().to_string();
    let again = |status: StatusCode, message: &str| {
        let mut errors = Errors::default();
        errors.add("username", message);
        let page = SignInPage {
            chrome: Chrome::signed_out(),
            errors,
            username: username.clone(),
            ended: false,
            changed: false,
        };
        html(status, page.render())
    };
    if username.is_empty() || form.password.is_empty() {
        return Ok(again(
            StatusCode::BAD_REQUEST,
            "Enter your user name and your password",
        ));
    }
    let source = crate::limits::source(&extensions).to_string();
    match state
        .office
        .log_in(&username, &form.password, &source)
        .await
    {
        Ok((secret, desk)) => {
            let mut r = Redirect::to(super::chrome::start_of(&desk)).into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, &secret.0, SESSION_HOURS * 3600),
            );
            Ok(r)
        }
        Err(AppError::Unauthenticated) => Ok(again(
            StatusCode::UNAUTHORIZED,
            "Enter a correct user name and password",
        )),
        Err(AppError::Throttled) => Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-ins for this user name: wait a quarter of an hour and try again",
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    csrf: String,
}

/// `POST /sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Token>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    if let Some(session) = &user.user.session {
        user.user.desk.log_out(session).await?;
    }
    let mut r = Redirect::to("/sign-in?ended=true").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(r)
}
