//! What every caseworker's page shares: who is signed in (or a redirect to sign in), the
//! navigation, the form token that stops another site posting a form as the user, and the
//! words and dates people read in place of codes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{PageProblem, Problem};

/// The section of the application a page belongs to, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    Work,
    Cases,
    Audit,
    Statistics,
    Users,
}

/// The signed-in user as the page header shows them.
pub struct SignedIn {
    pub username: String,
    pub role: String,
    /// The form token of this session.
    pub csrf: String,
}

/// The parts of the layout that depend on the request.
pub struct Chrome {
    pub user: Option<SignedIn>,
    pub section: Section,
    /// The user lists cases (and so has work).
    pub cases: bool,
    /// The user reads the audit trail.
    pub audit: bool,
    /// The user counts statistics.
    pub statistics: bool,
    /// The user administers accounts.
    pub users: bool,
}

impl Chrome {
    pub fn signed_out() -> Chrome {
        Chrome {
            user: None,
            section: Section::None,
            cases: false,
            audit: false,
            statistics: false,
            users: false,
        }
    }

    /// The navigation: address, label, and whether it is the current section.
    pub fn sections(&self) -> Vec<(&'static str, &'static str, bool)> {
        let mut all = Vec::new();
        if self.cases {
            all.push(("/work", "My work", self.section == Section::Work));
            all.push(("/cases", "Cases", self.section == Section::Cases));
        }
        if self.audit {
            all.push(("/audit", "Audit", self.section == Section::Audit));
        }
        if self.statistics {
            all.push((
                "/statistics",
                "Statistics",
                self.section == Section::Statistics,
            ));
        }
        if self.users {
            all.push(("/users", "Users", self.section == Section::Users));
        }
        all
    }
}

/// A signed-in user of the pages. Anyone else is sent to the sign-in page (a page never
/// answers 401 to a person).
pub struct PageUser {
    pub user: CurrentUser,
    /// The form token; `None` for a caller with a bearer token (no forms for machines).
    pub csrf: Option<String>,
}

impl PageUser {
    pub fn chrome(&self, section: Section) -> Chrome {
        let p = self.user.desk.principal();
        Chrome {
            user: Some(SignedIn {
                username: p.username.clone(),
                role: words(p.role.code()),
                csrf: self.csrf.clone().unwrap_or_default(),
            }),
            section,
            cases: self.user.desk.may_list_cases(),
            audit: self.user.desk.may_read_audit(),
            statistics: self.user.desk.may_view_statistics(),
            users: self.user.desk.may_manage_users(),
        }
    }

    /// Where this user's work starts: the first section their role may use.
    pub fn start(&self) -> &'static str {
        start_of(&self.user.desk)
    }

    /// Refuses a form that does not carry this session's token (or came from another site).
    pub fn check_form(&self, headers: &HeaderMap, token: &str) -> Result<(), PageProblem> {
        same_origin(headers)?;
        match &self.csrf {
            Some(expected) if constant_time_eq(expected.as_bytes(), token.as_bytes()) => Ok(()),
            _ => Err(forged()),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => {
                let csrf = user.session.as_ref().map(|s| form_token(&s.0));
                Ok(PageUser { user, csrf })
            }
            Err(refused) if refused.status() == StatusCode::UNAUTHORIZED => {
                Err(Redirect::to("/sign-in").into_response())
            }
            Err(refused) => Err(refused),
        }
    }
}

/// The first section a role may use: My work, else the audit trail, else the users.
pub fn start_of(desk: &probity_app::Desk) -> &'static str {
    if desk.may_list_cases() {
        "/work"
    } else if desk.may_read_audit() {
        "/audit"
    } else if desk.may_view_statistics() {
        "/statistics"
    } else if desk.may_manage_users() {
        "/users"
    } else {
        "/account/password"
    }
}

/// The form token of a session: derived from its secret (which only the browser holds, in an
/// HttpOnly cookie), so nothing more is stored and another site cannot know it.
pub fn form_token(session_secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"probity form token\0")
        .chain_update(session_secret.as_bytes())
        .finalize();
    probity_domain::hex::encode(&digest)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forged() -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::FORBIDDEN,
        "form-not-ours",
        "This form has expired",
        "The form was not sent from this service's own page, or your session has changed since \
         it was opened. Go back, reload the page and send it again.",
    ))
}

/// A form posted from another site is refused: browsers send `Sec-Fetch-Site` (and `Origin`)
/// with every form; when they say another site, nothing is done.
pub fn same_origin(headers: &HeaderMap) -> Result<(), PageProblem> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(site, Some(s) if s != "same-origin" && s != "none") {
        return Err(forged());
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let (Some(origin), Some(host)) = (origin, host) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin != "null" && origin_host != host {
            return Err(forged());
        }
    }
    Ok(())
}

/// A code as words: `actions_in_progress` is "Actions in progress".
pub fn words(code: &str) -> String {
    // The Schedule is a name: `outside_schedule3` reads "outside Schedule 3".
    let mut out = code.replace('_', " ").replace("schedule3", "Schedule 3");
    if let Some(first) = out.get(..1) {
        let upper = first.to_ascii_uppercase();
        out.replace_range(..1, &upper);
    }
    out
}

/// A day as people write it: "6 April 2020".
pub fn long_date(day: jiff::civil::Date) -> String {
    day.strftime("%-d %B %Y").to_string()
}

/// [`long_date`] of an ISO day, or the text as it is when it is not one.
pub fn long_date_text(day: &str) -> String {
    day.parse::<jiff::civil::Date>()
        .map(long_date)
        .unwrap_or_else(|_| day.to_string())
}

/// The tag class of a clock's state: no state is told by colour alone, each has its words.
pub fn state_class(state: &str) -> &'static str {
    match state {
        "missed" | "overdue" | "uncounted" => "govuk-tag--red",
        "met_late" => "govuk-tag--orange",
        "running" | "due" => "govuk-tag--blue",
        "paused" => "govuk-tag--yellow",
        "met" => "govuk-tag--green",
        _ => "govuk-tag--grey",
    }
}

/// The address of a case's file: the reference's `/` sent as `%2F`, as the API takes it.
pub fn case_href(reference: &str) -> String {
    format!("/cases/{}", reference.replace('/', "%2F"))
}

/// A page rendered from its template, with the headers every page carries.
pub fn html(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => {
            let mut r = (status, body).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static(PAGE_CSP),
            );
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            PageProblem(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "page-failed",
                "Sorry, there is a problem with the service",
                "The page could not be shown. Try again later.",
            ))
            .into_response()
        }
    }
}

/// Scripts, styles and images from this server only; forms post here only; no frames.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words_and_days_as_people_write_them() {
        assert_eq!(words("actions_in_progress"), "Actions in progress");
        assert_eq!(words(""), "");
        assert_eq!(
            words("finalised_outside_schedule3"),
            "Finalised outside Schedule 3"
        );
        assert_eq!(long_date(jiff::civil::date(2020, 4, 6)), "6 April 2020");
        assert_eq!(long_date_text("2023-05-08"), "8 May 2023");
        assert_eq!(long_date_text("not a day"), "not a day");
        assert_eq!(case_href("2020/134541"), "/cases/2020%2F134541");
    }

    #[test]
    fn the_form_token_is_the_sessions_own() {
        let a = form_token("secret-a");
        assert_eq!(a, form_token("secret-a"));
        assert_ne!(a, form_token("secret-b"));
        assert_eq!(a.len(), 64);
        assert!(constant_time_eq(a.as_bytes(), a.as_bytes()));
        assert!(!constant_time_eq(a.as_bytes(), form_token("x").as_bytes()));
    }

    #[test]
    fn a_form_from_another_site_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(same_origin(&h).is_err());
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_origin(&h).is_err());
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h).is_ok());
    }
}
