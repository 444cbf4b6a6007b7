//! The portal's pages: latest items and search (one page: results with highlighted snippets
//! and facet counts), each item, the recommendations register, and how to get the data.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use probity_published::query::PAGE_SIZE;
use probity_published::{Count, Facets, Item, RecommendationStatus, RegisterQuery, Search};

use crate::answer::{Failure, PAGE_MAX_AGE, cached, guard, plain};
use crate::{Portal, long_date, month, params, reference};

const HTML: &str = "text/html; charset=utf-8";

fn page<T: Template>(headers: &HeaderMap, t: &T) -> Response {
    match t.render() {
        Ok(html) => cached(headers, HTML, PAGE_MAX_AGE, html.into_bytes()),
        Err(e) => {
            tracing::error!(error = %e, "a public page could not be rendered");
            failure(Failure::Unavailable)
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    heading: &'static str,
    message: String,
}

/// A failure as a page.
pub(crate) fn failure(f: Failure) -> Response {
    let heading = match f {
        Failure::BadRequest(_) => "There is a problem with the address",
        Failure::NotFound => "Page not found",
        Failure::Busy => "The portal is busy",
        Failure::Unavailable => "Sorry, there is a problem with the portal",
    };
    let html = ErrorPage {
        heading,
        message: f.message(),
    }
    .render()
    .unwrap_or_else(|_| f.message());
    plain(f.status(), HTML, html)
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::failure(Failure::NotFound)
    } else {
        failure(Failure::NotFound)
    }
}

/// A link to the same list with `params`.
fn href(path: &str, params: &[(&'static str, String)]) -> String {
    if params.is_empty() {
        path.to_string()
    } else {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    }
}

/// `params` with `name` set to `value` (or removed, for None).
fn with(
    params: &[(&'static str, String)],
    name: &'static str,
    value: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut p: Vec<_> = params.iter().filter(|(k, _)| *k != name).cloned().collect();
    if let Some(v) = value {
        p.push((name, v.to_string()));
    }
    p
}

struct FacetLink {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

struct FacetGroup {
    legend: &'static str,
    links: Vec<FacetLink>,
}

fn group(
    legend: &'static str,
    name: &'static str,
    counts: &[Count],
    current: Option<&str>,
    path: &str,
    params: &[(&'static str, String)],
) -> FacetGroup {
    FacetGroup {
        legend,
        links: counts
            .iter()
            .map(|c| {
                let selected = current == Some(c.value.as_str());
                FacetLink {
                    label: c.label.clone(),
                    count: c.count,
                    href: href(
                        path,
                        &with(params, name, if selected { None } else { Some(&c.value) }),
                    ),
                    selected,
                }
            })
            .collect(),
    }
}

struct Pagination {
    page: u32,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
}

fn pagination(page: u32, total: u64, path: &str, params: &[(&'static str, String)]) -> Pagination {
    let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
        .unwrap_or(u32::MAX)
        .clamp(1, probity_published::query::MAX_PAGE);
    let at = |n: u32| {
        href(
            path,
            &with(params, "page", (n > 1).then(|| n.to_string()).as_deref()),
        )
    };
    Pagination {
        page,
        pages,
        previous: (page > 1).then(|| at(page - 1)),
        next: (page < pages).then(|| at(page + 1)),
    }
}

struct HitView {
    href: String,
    title: String,
    kind: &'static str,
    force: String,
    themes: String,
    date: String,
    pieces: Vec<(String, bool)>,
}

struct Active {
    label: String,
    remove: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    heading: &'static str,
    q: String,
    total: u64,
    hits: Vec<HitView>,
    groups: Vec<FacetGroup>,
    active: Vec<Active>,
    pagination: Pagination,
    feed: String,
    api: String,
}

fn active_filters(
    search: &Search,
    facets: &Facets,
    params: &[(&'static str, String)],
) -> Vec<Active> {
    let label = |counts: &[Count], v: &str| {
        counts
            .iter()
            .find(|c| c.value == v)
            .map_or(v.to_string(), |c| c.label.clone())
    };
    let mut out = Vec::new();
    if let Some(f) = &search.force {
        out.push(Active {
            label: format!("Force: {}", label(&facets.force, f)),
            remove: href("/search", &with(params, "force", None)),
        });
    }
    if let Some(t) = &search.theme {
        out.push(Active {
            label: format!("Theme: {t}"),
            remove: href("/search", &with(params, "theme", None)),
        });
    }
    if let Some(k) = search.kind {
        out.push(Active {
            label: format!("Kind: {}", k.label()),
            remove: href("/search", &with(params, "kind", None)),
        });
    }
    if let Some(y) = search.year {
        out.push(Active {
            label: format!("Year: {y}"),
            remove: href("/search", &with(params, "year", None)),
        });
    }
    out
}

async fn results(
    portal: &Portal,
    raw: Option<&str>,
    headers: &HeaderMap,
    heading: &'static str,
) -> Result<Response, Failure> {
    let search = Search::parse(&params(raw)?)?;
    let found = portal.items.search(&search, portal.window()).await?;
    let p = search.to_params();
    let hits = found
        .hits
        .into_iter()
        .map(|h| HitView {
            href: format!("/investigations/{}", h.reference),
            kind: h.kind.label(),
            force: h.force.name,
            themes: h.themes.join(", "),
            date: long_date(h.published_on),
            pieces: h.snippet.pieces(),
            title: h.title,
        })
        .collect();
    let groups = vec![
        group(
            "Force",
            "force",
            &found.facets.force,
            search.force.as_deref(),
            "/search",
            &p,
        ),
        group(
            "Theme",
            "theme",
            &found.facets.theme,
            search.theme.as_deref(),
            "/search",
            &p,
        ),
        group(
            "Kind",
            "kind",
            &found.facets.kind,
            search.kind.map(|k| k.code()),
            "/search",
            &p,
        ),
        group(
            "Year published",
            "year",
            &found.facets.year,
            search.year.map(|y| y.to_string()).as_deref(),
            "/search",
            &p,
        ),
    ];
    let view = SearchPage {
        heading,
        q: search.terms.join(" "),
        total: found.total,
        hits,
        active: active_filters(&search, &found.facets, &p),
        groups,
        pagination: pagination(search.page, found.total, "/search", &p),
        feed: href("/feeds/items.atom", &p),
        api: href("/api/public/v1/investigations", &p),
    };
    Ok(page(headers, &view))
}

/// `GET /`: the newest published items.
pub async fn home(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    results(
        &portal,
        raw.as_deref(),
        &headers,
        "Published investigations and learning",
    )
    .await
    .unwrap_or_else(failure)
}

/// `GET /search`.
pub async fn search(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    results(
        &portal,
        raw.as_deref(),
        &headers,
        "Search published investigations and learning",
    )
    .await
    .unwrap_or_else(failure)
}

struct RecommendationView {
    anchor: String,
    item_href: String,
    recipient: String,
    force: String,
    paragraphs: Vec<String>,
    made: String,
    due: String,
    status: &'static str,
    tag: &'static str,
    response: Option<(String, Vec<String>, String)>,
}

fn tag(s: RecommendationStatus) -> &'static str {
    match s {
        RecommendationStatus::AwaitingResponse => "govuk-tag--blue",
        RecommendationStatus::Overdue => "govuk-tag--red",
        RecommendationStatus::Responded => "govuk-tag--green",
        RecommendationStatus::Closed => "govuk-tag--grey",
    }
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn recommendation_view(r: probity_published::Recommendation) -> RecommendationView {
    RecommendationView {
        anchor: r.reference.clone(),
        item_href: format!("/investigations/{}#{}", r.item, r.reference),
        recipient: r.recipient,
        force: r.force.name,
        paragraphs: paragraphs(&r.text),
        made: long_date(r.made_on),
        due: long_date(r.response_due),
        status: r.status.label(),
        tag: tag(r.status),
        response: r.response.map(|x| {
            (
                x.acceptance.label().to_string(),
                paragraphs(&x.text),
                x.published_on.map(long_date).unwrap_or_default(),
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    item: Item,
    kind: &'static str,
    paragraphs: Vec<String>,
    date: String,
    incident: Option<String>,
    corrections: Vec<(String, String)>,
    themes: Vec<(String, String)>,
    recommendations: Vec<RecommendationView>,
    api: String,
    /// Where an imported item was first published: (address to link, when it is one; words).
    source: Option<(Option<String>, String)>,
}

/// `GET /investigations/{reference}`.
pub async fn item(
    State(portal): State<Portal>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let r = reference(&raw)?;
        let mut item = portal
            .items
            .item(&r, portal.window())
            .await?
            .ok_or(Failure::NotFound)?;
        let recommendations = std::mem::take(&mut item.recommendations)
            .into_iter()
            .map(recommendation_view)
            .collect();
        let view = ItemPage {
            kind: item.kind.label(),
            paragraphs: paragraphs(&item.summary),
            date: long_date(item.published_on),
            incident: item.incident_month.as_deref().map(month),
            corrections: item
                .corrections
                .iter()
                .map(|c| (long_date(c.published_on), c.note.clone()))
                .collect(),
            recommendations,
            themes: item
                .themes
                .iter()
                .map(|t| (t.clone(), href("/search", &[("theme", t.clone())])))
                .collect(),
            api: format!("/api/public/v1/investigations/{}", item.reference),
            source: item.source.as_ref().map(|s| {
                let link = (s.starts_with("https://") && !s.contains(['"', '<', '>', ' ']))
                    .then(|| s.clone());
                (link, s.clone())
            }),
            item,
        };
        Ok::<_, Failure>(page(&headers, &view))
    };
    run.await.unwrap_or_else(failure)
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    q: String,
    total: u64,
    recommendations: Vec<RecommendationView>,
    statuses: FacetGroup,
    pagination: Pagination,
    feed: String,
    api: String,
}

/// `GET /recommendations`: the learning-recommendations register.
pub async fn register(
    State(portal): State<Portal>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let q = RegisterQuery::parse(&params(raw.as_deref())?)?;
        let found = portal.items.register(&q, portal.window()).await?;
        let p = q.to_params();
        let view = RegisterPage {
            q: q.terms.join(" "),
            total: found.total,
            recommendations: found
                .recommendations
                .into_iter()
                .map(recommendation_view)
                .collect(),
            statuses: group(
                "Status",
                "status",
                &found.by_status,
                q.status.map(|s| s.code()),
                "/recommendations",
                &p,
            ),
            pagination: pagination(q.page, found.total, "/recommendations", &p),
            feed: href("/feeds/recommendations.atom", &p),
            api: href("/api/public/v1/recommendations", &p),
        };
        Ok::<_, Failure>(page(&headers, &view))
    };
    run.await.unwrap_or_else(failure)
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    item_columns: String,
    recommendation_columns: String,
}

/// `GET /data`: the feeds, downloads and API.
pub async fn data(headers: HeaderMap) -> Response {
    page(
        &headers,
        &DataPage {
            item_columns: crate::bulk::ITEM_COLUMNS.join(", "),
            recommendation_columns: crate::bulk::RECOMMENDATION_COLUMNS.join(", "),
        },
    )
}

struct Asset {
    name: &'static str,
    kind: &'static str,
    body: &'static [u8],
}

/// The portal's style sheets: the caseworkers' govuk-frontend build (vendored once, in the web
/// crate's assets) and the portal's own few rules.
const ASSETS: &[Asset] = &[
    Asset {
        name: "govuk-frontend.min.css",
        kind: "text/css; charset=utf-8",
        body: include_bytes!("../../web/assets/govuk-frontend.min.css"),
    },
    Asset {
        name: "portal.css",
        kind: "text/css; charset=utf-8",
        body: include_bytes!("../assets/portal.css"),
    },
];

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    let Some(a) = ASSETS.iter().find(|a| a.name == name) else {
        return failure(Failure::NotFound);
    };
    let mut r = a.body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.kind));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    guard(h);
    r
}
