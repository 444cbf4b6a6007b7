//! The public portal: what was published, for everyone. Latest items, search with facets, each
//! item's page, the learning-recommendations register, Atom feeds, bulk downloads (CSV, JSON
//! Lines) and a read API under `/api/public/v1/` with its own OpenAPI document.
//!
//! Architecture invariant: this crate reads [`PublishedItems`] and nothing else. It depends on
//! no other probity crate (`tests/isolation.rs` checks the dependency graph), so no case, party
//! or unpublished text is reachable from here by construction. Its server is its own listener.

mod answer;
pub mod api;
mod bounded;
mod bulk;
mod feed;
mod pages;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use jiff::civil::Date;
use probity_published::{PublishedItems, Window};

pub use answer::Failure;

/// How the portal is run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Years an item stays public after its day (the retention period): five by default.
    pub retention_years: i16,
    /// The address the portal is reached at, for the feeds' absolute links
    /// (`http://127.0.0.1:8081`).
    pub base_url: String,
    /// A fixed day to show the portal on (tests, previews); otherwise today in London.
    pub today: Option<Date>,
}

impl Config {
    pub fn new(base_url: impl Into<String>) -> Config {
        Config {
            retention_years: 5,
            base_url: base_url.into().trim_end_matches('/').to_string(),
            today: None,
        }
    }
}

/// The portal's state: the port and its configuration.
#[derive(Clone)]
pub struct Portal {
    items: Arc<dyn PublishedItems>,
    config: Arc<Config>,
}

impl Portal {
    pub fn new(items: Arc<dyn PublishedItems>, config: Config) -> Portal {
        Portal {
            items: Arc::new(bounded::Bounded::new(items)),
            config: Arc::new(config),
        }
    }

    /// The days shown now: up to today in London, back to the retention period's start.
    fn window(&self) -> Window {
        // England and Wales, from the bundled time-zone database, looked up once.
        static LONDON: std::sync::LazyLock<jiff::tz::TimeZone> = std::sync::LazyLock::new(|| {
            jiff::tz::TimeZone::get("Europe/London")
                .expect("the bundled database has Europe/London")
        });
        let today = self
            .config
            .today
            .unwrap_or_else(|| LONDON.to_datetime(jiff::Timestamp::now()).date());
        Window::retaining(today, self.config.retention_years)
    }
}

/// Every route of the portal.
pub fn router(portal: Portal) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/investigations/{reference}", get(pages::item))
        .route("/recommendations", get(pages::register))
        .route("/data", get(pages::data))
        .route("/feeds/items.atom", get(feed::items))
        .route("/feeds/recommendations.atom", get(feed::recommendations))
        .route("/downloads/{name}", get(bulk::download))
        .route("/api/public/v1/investigations", get(api::investigations))
        .route(
            "/api/public/v1/investigations/{reference}",
            get(api::investigation),
        )
        .route("/api/public/v1/recommendations", get(api::recommendations))
        .route(
            "/api/public/v1/recommendations/{reference}",
            get(api::recommendation),
        )
        .route("/api/public/v1/openapi.json", get(api::openapi))
        .route("/assets/{name}", get(pages::asset))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .with_state(portal)
}

/// How long a client has to send its headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the portal on `listener` until `shutdown`, HTTP/1.1 with a header timeout (so a
/// client that opens connections and sends nothing holds none for long).
pub async fn serve(
    listener: tokio::net::TcpListener,
    portal: Portal,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let app = router(portal);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "a public connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The query string's parameters in order; an undecodable one is a 400.
fn params(raw: Option<&str>) -> Result<Vec<(String, String)>, Failure> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map_err(|_| Failure::BadRequest("the query string is not URL-encoded text".into()))
}

/// A public reference from a URL: letters, digits and `-`, as the portal writes them.
fn reference(raw: &str) -> Result<String, Failure> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(raw.to_ascii_uppercase())
    } else {
        Err(Failure::BadRequest(
            "a reference is letters, digits and '-', like 2020-134541".into(),
        ))
    }
}

/// "6 April 2020".
fn long_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[(d.month() - 1) as usize],
        d.year()
    )
}

/// "April 2020" from `2020-04`.
fn month(m: &str) -> String {
    format!("{m}-01")
        .parse::<Date>()
        .map(|d| {
            long_date(d)
                .split_once(' ')
                .map(|(_, r)| r.to_string())
                .unwrap_or_default()
        })
        .unwrap_or_else(|_| m.to_string())
}
