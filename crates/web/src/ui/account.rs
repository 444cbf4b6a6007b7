//! Changing one's own password, as `POST /api/v1/account/password` does: every session and
//! token of the user ends, so they sign in again.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::AppError;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, html};
use super::form::Errors;
use crate::AppState;
use crate::auth::session_cookie;
use crate::error::PageProblem;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    csrf: String,
    errors: Errors,
    fields: Vec<(&'static str, &'static str, String, &'static str)>,
}

impl PasswordPage {
    fn new(user: &PageUser, errors: Errors) -> PasswordPage {
        PasswordPage {
            chrome: user.chrome(Section::None),
            csrf: user.csrf.clone().unwrap_or_default(),
            errors,
            fields: vec![
                (
                    "current",
                    "Your password now",
                    String::new(),
                    "current-password",
                ),
                (
                    "new",
                    "The new password",
                    format!(
                        "At least {} characters; a few unrelated words are easy to remember",
                        probity_app::MIN_PASSWORD_CHARS
                    ),
                    "new-password",
                ),
                (
                    "again",
                    "The new password again",
                    String::new(),
                    "new-password",
                ),
            ],
        }
    }
}

/// `GET /account/password`
pub async fn form(user: PageUser) -> Response {
    html(
        StatusCode::OK,
        PasswordPage::new(&user, Errors::default()).render(),
    )
}

#[derive(Deserialize)]
pub struct Change {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

/// `POST /account/password`
pub async fn change(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Change>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let mut errors = Errors::default();
    if form.current.is_empty() {
        errors.add("current", "Enter your password now");
    }
    if form.new.is_empty() {
        errors.add("new", "Enter the new password");
    } else if form.new != form.again {
        errors.add("again", "The two new passwords are not the same");
    }
    if errors.is_empty() {
        match user
            .user
            .desk
            .change_password(&form.current, &form.new)
            .await
        {
            Ok(()) => {
                let mut r = Redirect::to("/sign-in?changed=true").into_response();
                r.headers_mut()
                    .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
                return Ok(r);
            }
            Err(AppError::Unauthenticated) => {
                errors.add("current", "Your password now is not right")
            }
            Err(AppError::BadInput(why)) => errors.add("new", why),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(html(
        StatusCode::BAD_REQUEST,
        PasswordPage::new(&user, errors).render(),
    ))
}
