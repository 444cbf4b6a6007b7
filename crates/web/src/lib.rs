//! Probity's HTTP server: the JSON API under `/api/v1` (`api/`) and the web pages (`ui/`),
//! sharing one way of knowing who is calling (`auth.rs`) and one error type (`error.rs`).
//!
//! Architecture invariant: this is the only crate that knows HTTP. Handlers parse, call a
//! desk (the application shell's one door), and render; no statutory rule and no access rule is
//! decided here.

pub mod api;
pub mod auth;
pub mod error;
mod harden;
pub mod limits;
pub mod ui;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use probity_app::Office;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub office: Office,
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    pub limits: std::sync::Arc<limits::Limits>,
}

impl AppState {
    /// A server's state with the default rate limits.
    pub fn new(office: Office, secure_cookies: bool) -> AppState {
        AppState::with_limits(office, secure_cookies, limits::LimitSettings::default())
    }

    pub fn with_limits(
        office: Office,
        secure_cookies: bool,
        settings: limits::LimitSettings,
    ) -> AppState {
        AppState {
            office,
            secure_cookies,
            limits: limits::Limits::new(settings),
        }
    }
}

/// Every route of the internal listener.
pub fn router(state: AppState) -> Router {
    use api::{audit, cases, letters, openapi, session, statistics, subjects, work};
    let api = Router::new()
        .route(
            "/session",
            post(session::log_in)
                .get(session::me)
                .delete(session::log_out),
        )
        .route("/account/password", post(session::change_password))
        .route("/cases", get(cases::list).post(cases::open))
        .route("/cases/{reference}", get(cases::show))
        .route("/cases/{reference}/commands", post(cases::command))
        .route("/cases/{reference}/audit", get(audit::case_audit))
        .route("/cases/{reference}/letters/preview", post(letters::preview))
        .route("/cases/{reference}/letters/print", get(letters::print))
        .route("/cases/{reference}/letters/{n}", get(letters::sent))
        .route(
            "/subjects/{force}/{service_number}/history",
            get(subjects::subject_history),
        )
        .route("/work", get(work::work))
        .route("/reports/overdue", get(work::overdue))
        .route("/statistics", get(statistics::statistics))
        .route("/statistics/charts/{chart}", get(statistics::chart))
        .route("/audit", get(audit::audit))
        .route("/checkpoints", get(audit::checkpoints))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { harden::problem_for(StatusCode::NOT_FOUND) });
    Router::new()
        .route("/", get(ui::home))
        .route(
            "/sign-in",
            get(ui::sign_in::form).post(ui::sign_in::sign_in),
        )
        .route("/sign-out", post(ui::sign_in::sign_out))
        .route("/work", get(ui::work::work))
        .route("/cases", get(ui::cases::list))
        .route("/cases/new", get(ui::intake::form).post(ui::intake::log))
        .route("/cases/{reference}", get(ui::cases::show))
        .route("/cases/{reference}/decisions/new", get(ui::decisions::form))
        .route("/cases/{reference}/decisions", post(ui::decisions::record))
        .route(
            "/cases/{reference}/record",
            get(ui::record::form).post(ui::record::record),
        )
        .route(
            "/cases/{reference}/steps/{step}",
            get(ui::steps::form).post(ui::steps::take),
        )
        .route("/cases/{reference}/letters/new", get(ui::letters::preview))
        .route("/cases/{reference}/letters", post(ui::letters::send))
        .route(
            "/cases/{reference}/severity/{party}",
            get(ui::severity::form).post(ui::severity::assess),
        )
        .route("/audit", get(ui::audit::audit))
        .route("/statistics", get(ui::statistics::statistics))
        .route(
            "/account/password",
            get(ui::account::form).post(ui::account::change),
        )
        .route("/users", get(ui::users::list).post(ui::users::add))
        .route("/users/disable", post(ui::users::disable))
        .route("/users/password", post(ui::users::reset))
        .route("/users/tokens", post(ui::users::token))
        .route("/assets/{name}", get(ui::assets::asset))
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", api)
        .fallback(ui::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::by_address,
        ))
        .layer(axum::middleware::from_fn(harden::harden))
        .layer(
            // Method, route and status only: bodies, queries, headers and the path itself (a
            // service number, a reference) may carry personal data, so the route's pattern is
            // logged in its place.
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("(no route)", |p| p.as_str());
                    tracing::info_span!("request", method = %req.method(), route)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// How long a client has to send a request's headers (on a new connection, or between the
/// requests of a kept-alive one) before the connection is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, HEADER_TIMEOUT).await
}

/// [`serve`], with the time a client has to send its headers. Each connection is HTTP/1.1
/// with that timeout, so a client that opens connections and never finishes a request holds
/// none of them for longer.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    header_timeout: Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it was taken: go on.
                    tracing::warn!(error = %e, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let mut request = request.map(axum::body::Body::new);
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is no error of ours.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
