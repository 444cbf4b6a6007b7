//! The caseworkers' pages on the internal listener, beside the JSON API and sharing its
//! sign-in, access decisions and audit: each page parses a form, calls the same desk operation
//! as its API twin, and renders a template (`templates/`, compiled in). Every failure outside
//! the API is an HTML page (the same [`Problem`] the API renders as problem+json).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{PageProblem, Problem};

pub mod account;
pub mod assets;
pub mod audit;
pub mod cases;
pub mod chrome;
pub mod decisions;
pub mod form;
pub mod history;
pub mod intake;
pub mod letter;
pub mod letters;
pub mod record;
pub mod severity;
pub mod sign_in;
pub mod statistics;
pub mod steps;
pub mod users;
pub mod work;

/// Text made safe to place in HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` is plain text (escaped here), `body` is HTML already made safe.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} - Probity</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to main content</a>\n\
         <header><p class=\"service\">Probity</p></header>\n\
         <main id=\"main\">\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#0b0c0c;line-height:1.5}\
header{background:#0b0c0c;color:#fff;padding:.75rem 1.5rem}.service{margin:0;font-weight:700}\
main{max-width:40rem;padding:1.5rem}a{color:#1d70b8}a:focus,.skip:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}\
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:block;padding:.5rem}\
.lead{font-size:1.2rem}code{font-size:1rem}\
.head{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}.head dt{font-weight:700}.head dd{margin:0}\
.warning{border-left:5px solid #d4351c;padding:.5rem 1rem}.digest{font-size:.8rem;color:#505a5f;word-break:break-all}\
@media print{header,.skip{display:none}main{max-width:none;padding:0}body{font-size:11pt}}";

/// `GET /`: where this user's work starts (signing in first, when not signed in).
pub async fn home(user: chrome::PageUser) -> axum::response::Redirect {
    axum::response::Redirect::to(user.start())
}

/// Any other path outside the API.
pub async fn not_found() -> PageProblem {
    PageProblem(Problem::new(
        StatusCode::NOT_FOUND,
        "no-page",
        "Page not found",
        "There is no page at this address. Check it, or go to the home page at /.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
