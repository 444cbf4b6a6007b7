//! User administration for administrators: the accounts, adding one, disabling one, resetting
//! a password and making an API token, through the same desk operations as `probity user` and
//! `probity token`. User names travel in form bodies, never in addresses.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use probity_app::{AppError, NewUser};
use probity_domain::access::{StaffRole, default_body};
use probity_domain::force::Force;
use probity_store::StoreError;
use serde::Deserialize;

use super::chrome::{Chrome, PageUser, Section, html, words};
use super::form::Errors;
use crate::error::PageProblem;

#[derive(Deserialize, Default)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    force: String,
    #[serde(default)]
    password: String,
}

pub struct UserRow {
    username: String,
    role: String,
    body: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    csrf: String,
    errors: Errors,
    done: Option<String>,
    secret: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    forces: Vec<(&'static str, &'static str)>,
    min_password: usize,
    form: AddForm,
}

/// The page as it stands, with what was typed, a problem or what was done.
async fn page(
    user: &PageUser,
    form: AddForm,
    errors: Errors,
    done: Option<String>,
    secret: Option<String>,
) -> Result<UsersPage, PageProblem> {
    let users = user
        .user
        .desk
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            body: match &u.force {
                Some(f) => format!(
                    "{}, {}",
                    words(&u.body),
                    Force::parse(f).map(|f| f.name()).unwrap_or(f)
                ),
                None => words(&u.body),
            },
            role: words(&u.role),
            username: u.username,
            disabled: u.disabled,
        })
        .collect();
    Ok(UsersPage {
        chrome: user.chrome(Section::Users),
        csrf: user.csrf.clone().unwrap_or_default(),
        errors,
        done,
        secret,
        users,
        roles: StaffRole::ALL
            .iter()
            .map(|r| (r.code(), words(r.code())))
            .collect(),
        forces: Force::all().map(|f| (f.code(), f.name())).collect(),
        min_password: probity_app::MIN_PASSWORD_CHARS,
        form,
    })
}

fn status(errors: &Errors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    }
}

/// `GET /users`
pub async fn list(user: PageUser) -> Result<Response, PageProblem> {
    let p = page(&user, AddForm::default(), Errors::default(), None, None).await?;
    Ok(html(StatusCode::OK, p.render()))
}

/// The field a refusal to add a user concerns, from the desk's words.
fn add_field(why: &str) -> &'static str {
    let why = why.to_ascii_lowercase();
    if why.contains("password") {
        "password"
    } else if why.contains("force") {
        "force"
    } else if why.contains("role") || why.contains("body") {
        "role"
    } else {
        "username"
    }
}

/// `POST /users`: add a user.
pub async fn add(
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<AddForm>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let mut errors = Errors::default();
    let role = StaffRole::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose the role");
    }
    let force = match form.force.as_str() {
        "" => None,
        f => Force::parse(f)
            .map_err(|e| errors.add("force", e.to_string()))
            .ok(),
    };
    if form.username.trim().is_empty() {
        errors.add("username", "Enter the user name");
    }
    let mut done = None;
    if let (Some(role), true) = (role, errors.is_empty()) {
        let username = form.username.trim().to_string();
        let added = user
            .user
            .desk
            .add_user(NewUser {
                username: username.clone(),
                role,
                body: default_body(force),
                force,
                password: form.password.clone(),
            })
            .await;
        match added {
            Ok(()) => done = Some(format!("{username} can now sign in")),
            Err(AppError::BadInput(why)) => errors.add(add_field(&why), why),
            Err(AppError::Store(StoreError::Duplicate(_))) => {
                errors.add("username", format!("There is already a user {username}"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let keep = if done.is_some() {
        AddForm::default()
    } else {
        form
    };
    let p = page(&user, keep, errors, done, None).await?;
    Ok(html(status(&p.errors), p.render()))
}

#[derive(Deserialize)]
pub struct Named {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// Set by the confirmation page: the administrator confirmed.
    #[serde(default)]
    confirmed: String,
}

/// Disabling someone ends their work at once: the administrator confirms first.
#[derive(Template)]
#[template(path = "confirm_disable.html")]
struct ConfirmDisable {
    chrome: Chrome,
    csrf: String,
    username: String,
}

/// The page again after an account action: what was done (and a secret to show once), or the
/// desk's refusal of what was typed on the field `field_of` names.
async fn after(
    user: &PageUser,
    result: Result<(String, Option<String>), AppError>,
    field_of: impl Fn(&str) -> &'static str,
) -> Result<Response, PageProblem> {
    let mut errors = Errors::default();
    let (done, secret) = match result {
        Ok((done, secret)) => (Some(done), secret),
        Err(AppError::BadInput(why)) => {
            errors.add(field_of(&why), why);
            (None, None)
        }
        Err(e) => return Err(e.into()),
    };
    let p = page(user, AddForm::default(), errors, done, secret).await?;
    Ok(html(status(&p.errors), p.render()))
}

/// `POST /users/disable`: the account can no longer sign in; its sessions and tokens end.
pub async fn disable(
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Named>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let name = form.username.trim();
    if form.confirmed != "true" && !name.is_empty() {
        let page = ConfirmDisable {
            chrome: user.chrome(Section::Users),
            csrf: user.csrf.clone().unwrap_or_default(),
            username: name.to_string(),
        };
        return Ok(html(StatusCode::OK, page.render()));
    }
    let result = user.user.desk.disable_user(name).await;
    after(
        &user,
        result.map(|()| (format!("{name} is disabled"), None)),
        |_| "username",
    )
    .await
}

/// `POST /users/password`: a new password for someone who forgot theirs.
pub async fn reset(
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Named>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let name = form.username.trim();
    let result = if name.is_empty() {
        Err(AppError::BadInput("Enter the user name".into()))
    } else {
        user.user.desk.reset_password(name, &form.password).await
    };
    let done = format!("{name}'s password is reset; their sessions and tokens have ended");
    after(&user, result.map(|()| (done, None)), |why| {
        if why.contains("password") {
            "reset_password"
        } else {
            "reset_username"
        }
    })
    .await
}

/// `POST /users/tokens`: an API token for a machine acting as this user, shown once.
pub async fn token(
    user: PageUser,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Named>,
) -> Result<Response, PageProblem> {
    user.check_form(&headers, &form.csrf)?;
    let name = form.username.trim();
    let result = user
        .user
        .desk
        .create_token(name, "made on the users page")
        .await;
    let done = format!("A new API token for {name}");
    after(&user, result.map(|s| (done, Some(s.0))), |_| "username").await
}
