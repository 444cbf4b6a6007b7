//! Atom feeds (RFC 4287): the newest published items, or recommendations, under any filter the
//! search or the register takes (`/feeds/items.atom?force=GL&theme=Custody`).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use probity_published::{RegisterQuery, Search};

use crate::answer::{Failure, PAGE_MAX_AGE, cached, plain};
use crate::{Portal, params};

const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Text as XML character data: escaped, and without the characters XML 1.0 cannot hold.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

fn query_string(p: &[(&'static str, String)]) -> String {
    if p.is_empty() {
        return String::new();
    }
    format!("?{}", serde_urlencoded::to_string(p).unwrap_or_default())
}

struct Entry {
    title: String,
    href: String,
    day: Date,
    summary: String,
    categories: Vec<String>,
}

fn feed(title: &str, self_href: &str, html_href: &str, today: Date, entries: Vec<Entry>) -> String {
    let updated = entries.iter().map(|e| e.day).max().unwrap_or(today);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    x.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n",
        xml(title),
        xml(self_href)
    ));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(self_href)
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(html_href)
    ));
    x.push_str(&format!(
        "<updated>{}</updated>\n<author><name>Probity</name></author>\n",
        stamp(updated)
    ));
    for e in entries {
        x.push_str("<entry>\n");
        x.push_str(&format!(
            "<title>{}</title>\n<id>{}</id>\n",
            xml(&e.title),
            xml(&e.href)
        ));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&e.href)
        ));
        x.push_str(&format!(
            "<published>{0}</published>\n<updated>{0}</updated>\n",
            stamp(e.day)
        ));
        for c in e.categories {
            x.push_str(&format!("<category term=\"{}\"/>\n", xml(&c)));
        }
        x.push_str(&format!(
            "<summary type=\"text\">{}</summary>\n",
            xml(&e.summary)
        ));
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn failure(f: Failure) -> Response {
    plain(f.status(), "text/plain; charset=utf-8", f.message()).into_response()
}

/// `GET /feeds/items.atom`: the newest published items under the search's filters.
pub async fn items(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let mut search = Search::parse(&params(raw.as_deref())?)?;
        search.newest = true;
        search.page = 1;
        let window = portal.window();
        let found = portal.items.search(&search, window).await?;
        let base = &portal.config.base_url;
        let q = query_string(&search.to_params());
        let entries = found
            .hits
            .into_iter()
            .map(|h| Entry {
                href: format!("{base}/investigations/{}", h.reference),
                title: h.title,
                day: h.published_on,
                summary: h.snippet.text,
                categories: std::iter::once(h.force.name).chain(h.themes).collect(),
            })
            .collect();
        let body = feed(
            "Probity: published investigation summaries and recommendations",
            &format!("{base}/feeds/items.atom{q}"),
            &format!("{base}/search{q}"),
            window.today,
            entries,
        );
        Ok::<_, Failure>(cached(&headers, ATOM, PAGE_MAX_AGE, body.into_bytes()))
    };
    run.await.unwrap_or_else(failure)
}

/// `GET /feeds/recommendations.atom`: the newest recommendations on the register.
pub async fn recommendations(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let mut q = RegisterQuery::parse(&params(raw.as_deref())?)?;
        q.page = 1;
        let window = portal.window();
        let found = portal.items.register(&q, window).await?;
        let base = &portal.config.base_url;
        let qs = query_string(&q.to_params());
        let entries = found
            .recommendations
            .into_iter()
            .map(|r| Entry {
                title: format!("Recommendation to {} ({})", r.recipient, r.status.label()),
                href: format!("{base}/investigations/{}#{}", r.item, r.reference),
                day: r.made_on,
                summary: r.text,
                categories: std::iter::once(r.force.name).chain(r.themes).collect(),
            })
            .collect();
        let body = feed(
            "Probity: learning recommendations",
            &format!("{base}/feeds/recommendations.atom{qs}"),
            &format!("{base}/recommendations{qs}"),
            window.today,
            entries,
        );
        Ok::<_, Failure>(cached(&headers, ATOM, PAGE_MAX_AGE, body.into_bytes()))
    };
    run.await.unwrap_or_else(failure)
}
