//! A letter or report as a page to print: the letter's head (reference, date, addressee),
//! its sections, and what is still to be written. The title carries the kind and reference
//! only, never a name.

use axum::http::StatusCode;
use axum::response::Response;
use probity_app::PreparedLetter;

use super::escape;

pub fn page(l: &PreparedLetter) -> Response {
    let letter = &l.letter;
    let mut body = String::new();
    body.push_str("<div class=\"letter\">\n<dl class=\"head\">\n");
    let mut head = |k: &str, v: &str| {
        body.push_str(&format!("<dt>{k}</dt><dd>{}</dd>\n", escape(v)));
    };
    head("Reference", &letter.reference);
    head("Dated", &letter.dated.to_string());
    head("To", &l.to_line());
    if let Some(address) = l.recipient.as_ref().and_then(|r| r.address.as_ref()) {
        head("Address", address);
    }
    if let Some(sent) = l.sent_on {
        head("Sent", &sent.to_string());
    }
    body.push_str("</dl>\n");
    if !letter.missing.is_empty() {
        body.push_str(&format!(
            "<div class=\"warning\" role=\"alert\"><p><strong>Not ready to send.</strong> Write the {}.</p></div>\n",
            escape(&letter.missing.join(", "))
        ));
    }
    for s in &letter.sections {
        body.push_str(&format!("<h2>{}</h2>\n", escape(&s.heading)));
        for p in &s.paragraphs {
            body.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
    }
    body.push_str(&format!(
        "<p class=\"digest\">Letter digest <code>{}</code></p>\n</div>",
        escape(&l.digest)
    ));
    let title = format!("{} {}", letter.title, letter.reference);
    super::page(StatusCode::OK, &title, &body)
}
