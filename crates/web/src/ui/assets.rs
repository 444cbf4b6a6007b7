//! The front-end files, embedded in the binary (`assets/`, made by `assets/vendor.sh`): the
//! server needs no folder beside it and no network.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    kind: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "govuk-frontend.min.css",
        kind: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/govuk-frontend.min.css"),
    },
    Asset {
        name: "govuk-frontend.min.js",
        kind: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/govuk-frontend.min.js"),
    },
    Asset {
        name: "moj-frontend.min.css",
        kind: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/moj-frontend.min.css"),
    },
    Asset {
        name: "htmx.min.js",
        kind: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/htmx.min.js"),
    },
    Asset {
        name: "probity.css",
        kind: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/probity.css"),
    },
    Asset {
        name: "probity.js",
        kind: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/probity.js"),
    },
];

/// `GET /assets/{name}`: public files, the same for everyone, cached for a day.
pub async fn asset(Path(name): Path<String>) -> Response {
    let Some(a) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut r = a.body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.kind));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    r
}
