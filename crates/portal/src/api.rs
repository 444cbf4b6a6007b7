//! The open read API, `/api/public/v1/`: the same search, items and register as the pages, as
//! JSON, documented by its own OpenAPI document (`/api/public/v1/openapi.json`).

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use probity_published::query::PAGE_SIZE;
use probity_published::{Count, Facets, Hit, Item, Recommendation, RegisterQuery, Search};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::answer::{Failure, PAGE_MAX_AGE, cached, plain};
use crate::{Portal, params, reference};

/// A page of published items.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestigationList {
    pub page: u32,
    pub per_page: u32,
    /// Items matching, on every page.
    pub total: u64,
    /// Best first when words were given, else newest first.
    pub results: Vec<Hit>,
    pub facets: Facets,
}

/// A page of the learning-recommendations register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationList {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub by_status: Vec<Count>,
    pub results: Vec<Recommendation>,
}

/// An error, as RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    pub status: u16,
    pub title: String,
    pub detail: String,
}

fn problem(f: Failure) -> Response {
    let status = f.status();
    let body = Problem {
        status: status.as_u16(),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        detail: f.message(),
    };
    plain(
        status,
        "application/problem+json",
        serde_json::to_string(&body).expect("a problem serialises"),
    )
}

fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    cached(
        headers,
        "application/json",
        PAGE_MAX_AGE,
        serde_json::to_vec(value).expect("published items serialise"),
    )
}

fn answer(result: Result<Response, Failure>) -> Response {
    result.unwrap_or_else(problem)
}

#[utoipa::path(get, path = "/api/public/v1/investigations", tag = "published",
    params(
        ("q" = Option<String>, Query, max_length = 500, description = "Words to find, all of them (any text: what is not a letter or digit separates words)"),
        ("force" = Option<String>, Query, pattern = "^[A-Za-z0-9-]{0,40}$", description = "A force's code, as in the facets"),
        ("theme" = Option<String>, Query, max_length = 100, description = "A theme, as in the facets"),
        ("kind" = Option<probity_published::Kind>, Query, description = "investigation_summary, learning_recommendation or response"),
        ("year" = Option<i32>, Query, minimum = 1990, maximum = 2100, description = "The year of publication"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 500, description = "From 1 to 500; 20 results a page"),
    ),
    responses(
        (status = 200, description = "Matching published items with facet counts", body = InvestigationList),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter is not understood", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn investigations(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let search = Search::parse(&params(raw.as_deref())?)?;
            let found = portal.items.search(&search, portal.window()).await?;
            Ok(json(
                &headers,
                &InvestigationList {
                    page: search.page,
                    per_page: PAGE_SIZE,
                    total: found.total,
                    results: found.hits,
                    facets: found.facets,
                },
            ))
        }
        .await,
    )
}

#[utoipa::path(get, path = "/api/public/v1/investigations/{reference}", tag = "published",
    params(("reference" = String, Path, pattern = "^[A-Za-z0-9-]{1,40}$", description = "The public reference, like 2020-134541")),
    responses(
        (status = 200, description = "The published item, with its recommendations", body = Item),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "Not a reference", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing is published under it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn investigation(
    State(portal): State<Portal>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let r = reference(&raw)?;
            let item = portal
                .items
                .item(&r, portal.window())
                .await?
                .ok_or(Failure::NotFound)?;
            Ok(json(&headers, &item))
        }
        .await,
    )
}

#[utoipa::path(get, path = "/api/public/v1/recommendations", tag = "published",
    params(
        ("q" = Option<String>, Query, max_length = 500, description = "Words to find in the recommendation, its recipient or its response"),
        ("force" = Option<String>, Query, pattern = "^[A-Za-z0-9-]{0,40}$", description = "A force's code"),
        ("status" = Option<probity_published::RecommendationStatus>, Query, description = "awaiting_response, overdue, responded or closed"),
        ("year" = Option<i32>, Query, minimum = 1990, maximum = 2100, description = "The year it was made"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 500, description = "From 1 to 500; 20 a page"),
    ),
    responses(
        (status = 200, description = "The register, newest first", body = RecommendationList),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter is not understood", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recommendations(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let q = RegisterQuery::parse(&params(raw.as_deref())?)?;
            let found = portal.items.register(&q, portal.window()).await?;
            Ok(json(
                &headers,
                &RecommendationList {
                    page: q.page,
                    per_page: PAGE_SIZE,
                    total: found.total,
                    by_status: found.by_status,
                    results: found.recommendations,
                },
            ))
        }
        .await,
    )
}

/// The item and number of a recommendation's reference (`2020-134541-R1`).
pub(crate) fn recommendation_reference(raw: &str) -> Result<(String, u32), Failure> {
    let r = reference(raw)?;
    r.rsplit_once("-R")
        .and_then(|(item, n)| Some((item.to_string(), n.parse::<u32>().ok()?)))
        .filter(|(item, _)| !item.is_empty())
        .ok_or_else(|| {
            Failure::BadRequest(
                "a recommendation's reference is its item's and a number, like 2020-134541-R1"
                    .into(),
            )
        })
}

#[utoipa::path(get, path = "/api/public/v1/recommendations/{reference}", tag = "published",
    params(("reference" = String, Path, pattern = "^[A-Za-z0-9-]{1,30}-R[0-9]{1,6}$", description = "The recommendation's reference, like 2020-134541-R1")),
    responses(
        (status = 200, description = "The recommendation", body = Recommendation),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "Not a recommendation's reference", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing is published under it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recommendation(
    State(portal): State<Portal>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let (item, n) = recommendation_reference(&raw)?;
            let item = portal
                .items
                .item(&item, portal.window())
                .await?
                .ok_or(Failure::NotFound)?;
            let wanted = format!("{}-R{n}", item.reference);
            let r = item
                .recommendations
                .into_iter()
                .find(|r| r.reference == wanted)
                .ok_or(Failure::NotFound)?;
            Ok(json(&headers, &r))
        }
        .await,
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Probity public API",
        description = "What the oversight body has published: anonymised investigation summaries, learning recommendations and responses, searchable and in bulk. Read-only and open: no sign-in. Every answer carries an ETag and Cache-Control; send If-None-Match to be told 304 when nothing changed. Everything at once: /downloads/items.csv, /downloads/items.jsonl, /downloads/recommendations.csv, /downloads/recommendations.jsonl.",
        version = "1",
        license(name = "Open Government Licence v3.0", url = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    ),
    paths(investigations, investigation, recommendations, recommendation),
    components(schemas(InvestigationList, RecommendationList, Problem, Item, Hit, Recommendation, Facets, Count)),
    tags((name = "published", description = "Published items and the recommendations register"))
)]
pub struct PublicApi;

/// `GET /api/public/v1/openapi.json`.
pub async fn openapi(headers: HeaderMap) -> Response {
    let doc = PublicApi::openapi()
        .to_json()
        .expect("the document serialises");
    cached(&headers, "application/json", PAGE_MAX_AGE, doc.into_bytes())
}

/// A failure as the API answers it (used by the routes' fallback for `/api/` paths).
pub(crate) fn failure(f: Failure) -> Response {
    problem(f)
}
