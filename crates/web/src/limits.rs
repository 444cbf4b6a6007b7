//! Rate limits: every request against its source address, every signed-in request against its
//! user, and log-in attempts against their address more tightly. A request over a limit is
//! answered 429 with `Retry-After` and counted with the anonymous refusals (one audit entry
//! per window and route, however many), so a flood neither reaches the store nor grows the
//! audit trail. The limits are kept in this server's memory: servers sharing one database
//! each keep their own.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;
use crate::error::Problem;

/// Requests a second, and the burst allowed above that rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: u32,
    pub burst: u32,
}

/// The limits a server applies; see [`Limits::default`] for the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    pub per_address: Rate,
    pub per_user: Rate,
    /// Log-in attempts a minute from one address.
    pub logins_per_minute: u32,
}

impl Default for LimitSettings {
    /// Far above what a person at a screen does (a page is a handful of requests), well
    /// below what a script flooding the server does.
    fn default() -> Self {
        LimitSettings {
            per_address: Rate {
                per_second: 200,
                burst: 400,
            },
            per_user: Rate {
                per_second: 100,
                burst: 200,
            },
            logins_per_minute: 20,
        }
    }
}

pub struct Limits {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_user: DefaultKeyedRateLimiter<String>,
    logins: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("addresses", &self.by_address.len())
            .finish()
    }
}

fn quota(rate: Rate) -> Quota {
    let n = |v: u32| NonZeroU32::new(v.max(1)).expect("at least one");
    Quota::per_second(n(rate.per_second)).allow_burst(n(rate.burst))
}

/// How often the limiters forget keys that are back at full allowance.
const FORGET_EVERY: u64 = 10_000;

impl Limits {
    pub fn new(s: LimitSettings) -> Arc<Limits> {
        let per_minute = NonZeroU32::new(s.logins_per_minute.max(1)).expect("at least one");
        Arc::new(Limits {
            by_address: RateLimiter::keyed(quota(s.per_address)),
            by_user: RateLimiter::keyed(quota(s.per_user)),
            logins: RateLimiter::keyed(Quota::per_minute(per_minute)),
            checks: AtomicU64::new(0),
        })
    }

    fn tidy(&self) {
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(FORGET_EVERY)
        {
            self.by_address.retain_recent();
            self.by_user.retain_recent();
            self.logins.retain_recent();
        }
    }

    /// Seconds to wait when `address` is over its limit.
    fn address(&self, address: IpAddr) -> Option<u64> {
        self.tidy();
        wait(self.by_address.check_key(&address))
    }

    /// Seconds to wait when `user` is over their limit.
    pub fn user(&self, user: &str) -> Option<u64> {
        wait(self.by_user.check_key(&user.to_string()))
    }

    /// Seconds to wait when `address` has tried to sign in too often.
    pub fn login(&self, address: IpAddr) -> Option<u64> {
        wait(self.logins.check_key(&address))
    }
}

fn wait<T>(
    checked: Result<T, governor::NotUntil<<DefaultClock as Clock>::Instant>>,
) -> Option<u64> {
    checked.err().map(|until| {
        let wait = until.wait_time_from(DefaultClock::default().now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    })
}

/// The address a request came from; unspecified when the server was not told (a test calling
/// the router directly).
pub fn source(parts_extensions: &axum::http::Extensions) -> IpAddr {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The route a request matched, as its pattern (never the path, which may carry identifiers).
pub fn route(extensions: &axum::http::Extensions) -> &str {
    extensions
        .get::<MatchedPath>()
        .map_or("(no route)", |p| p.as_str())
}

/// The 429 answer.
pub fn too_many(wait: u64, api: bool) -> Response {
    let p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("Slow down: try again in {wait} s."),
    );
    let mut response = if api {
        p.into_response()
    } else {
        p.into_page()
    };
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Refuses a request over its source address's limit before anything else is done.
pub async fn by_address(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let address = source(request.extensions());
    if let Some(wait) = state.limits.address(address) {
        let api = request.uri().path().starts_with("/api/");
        let r = route(request.extensions()).to_string();
        if let Err(e) = state.office.refuse_too_many(&r, "source address").await {
            return Problem::from(e).into_response();
        }
        return too_many(wait, api);
    }
    next.run(request).await
}

/// Whether the request is a log-in over its address's allowance (answered 429 by the caller).
pub async fn check_login(
    state: &AppState,
    extensions: &axum::http::Extensions,
) -> Result<(), Response> {
    match state.limits.login(source(extensions)) {
        None => Ok(()),
        Some(wait) => {
            if let Err(e) = state
                .office
                .refuse_too_many("/api/v1/session", "log-ins from one address")
                .await
            {
                return Err(Problem::from(e).into_response());
            }
            Err(too_many(wait, true))
        }
    }
}
