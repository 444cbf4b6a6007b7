//! Everything published at once: items and recommendations as CSV (RFC 4180, a header row
//! naming the documented columns) and as JSON Lines (one item or recommendation a line, as the
//! API gives them).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use probity_published::Item;

use crate::Portal;
use crate::answer::{BULK_MAX_AGE, Failure, cached, plain};

/// Items read from the store at a time.
const PAGE: u32 = 1_000;

/// The columns of `items.csv`, in order.
pub const ITEM_COLUMNS: &[&str] = &[
    "reference",
    "kind",
    "title",
    "force",
    "force_name",
    "themes",
    "incident_month",
    "published_on",
    "version",
    "corrections",
    "recommendations",
    "summary",
    "source",
];

/// The columns of `recommendations.csv`, in order.
pub const RECOMMENDATION_COLUMNS: &[&str] = &[
    "reference",
    "item",
    "recipient",
    "force",
    "force_name",
    "made_on",
    "response_due",
    "status",
    "acceptance",
    "response_published_on",
    "text",
    "response",
];

async fn all(portal: &Portal) -> Result<Vec<Item>, Failure> {
    let window = portal.window();
    let mut items: Vec<Item> = Vec::new();
    loop {
        let after = items.last().map(|i| i.reference.clone());
        let page = portal
            .items
            .everything(after.as_deref(), PAGE, window)
            .await?;
        let done = page.len() < PAGE as usize;
        items.extend(page);
        if done {
            return Ok(items);
        }
    }
}

fn csv_of(rows: impl Iterator<Item = Vec<String>>, header: &[&str]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn item_row(i: &Item) -> Vec<String> {
    vec![
        i.reference.clone(),
        i.kind.code().to_string(),
        i.title.clone(),
        i.force.code.clone(),
        i.force.name.clone(),
        i.themes.join("; "),
        i.incident_month.clone().unwrap_or_default(),
        i.published_on.to_string(),
        i.version.to_string(),
        i.corrections
            .iter()
            .map(|c| format!("{}: {}", c.published_on, c.note))
            .collect::<Vec<_>>()
            .join("; "),
        i.recommendations
            .iter()
            .map(|r| r.reference.clone())
            .collect::<Vec<_>>()
            .join("; "),
        i.summary.clone(),
        i.source.clone().unwrap_or_default(),
    ]
}

fn recommendation_row(r: &probity_published::Recommendation) -> Vec<String> {
    vec![
        r.reference.clone(),
        r.item.clone(),
        r.recipient.clone(),
        r.force.code.clone(),
        r.force.name.clone(),
        r.made_on.to_string(),
        r.response_due.to_string(),
        r.status.code().to_string(),
        r.response
            .as_ref()
            .map(|x| x.acceptance.code().to_string())
            .unwrap_or_default(),
        r.response
            .as_ref()
            .and_then(|x| x.published_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        r.text.clone(),
        r.response
            .as_ref()
            .map(|x| x.text.clone())
            .unwrap_or_default(),
    ]
}

fn lines<T: serde::Serialize>(values: impl Iterator<Item = T>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        serde_json::to_writer(&mut out, &v).expect("writing to memory");
        out.push(b'\n');
    }
    out
}

/// `GET /downloads/{items,recommendations}.{csv,jsonl}`.
pub async fn download(
    State(portal): State<Portal>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    const CSV: &str = "text/csv; charset=utf-8; header=present";
    const JSONL: &str = "application/jsonl; charset=utf-8";
    let run = async {
        let (content_type, body) = match name.as_str() {
            "items.csv" => (
                CSV,
                csv_of(all(&portal).await?.iter().map(item_row), ITEM_COLUMNS),
            ),
            "items.jsonl" => (JSONL, lines(all(&portal).await?.into_iter())),
            "recommendations.csv" => {
                let items = all(&portal).await?;
                (
                    CSV,
                    csv_of(
                        items
                            .iter()
                            .flat_map(|i| i.recommendations.iter().map(recommendation_row)),
                        RECOMMENDATION_COLUMNS,
                    ),
                )
            }
            "recommendations.jsonl" => {
                let items = all(&portal).await?;
                (
                    JSONL,
                    lines(items.into_iter().flat_map(|i| i.recommendations)),
                )
            }
            _ => return Err(Failure::NotFound),
        };
        let mut r = cached(&headers, content_type, BULK_MAX_AGE, body);
        r.headers_mut().insert(
            axum::http::header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_str(&format!("attachment; filename=\"probity-{name}\""))
                .expect("a header value"),
        );
        Ok(r)
    };
    run.await.unwrap_or_else(|f: Failure| {
        plain(f.status(), "text/plain; charset=utf-8", f.message()).into_response()
    })
}
