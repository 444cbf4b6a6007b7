//! The test harness shared by the API test binaries: a real router over a real SQLite file.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use probity_app::{Console, Desk, NewUser, Office};
use probity_domain::Command;
use probity_domain::access::StaffRole;
use probity_domain::command::*;
use probity_domain::force::Force;
use probity_domain::scenario::{self, REFERENCE_CASE};
use serde_json::{Value, json};
use std::collections::HashMap;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long enough password";

pub struct TestApp {
    pub office: Office,
    /// An administrator at the console: adds the test's users and loads its cases.
    pub admin: Desk,
    pub router: Router,
    /// Which backend: "sqlite" or "postgres".
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A PostgreSQL test store lives in a schema of its own; drop it on a thread of its own,
        // since no runtime can be entered from here.
        if let Some((url, schema)) = self.schema.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                        let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub set_cookie: Option<String>,
    pub body: Value,
    /// The body as text (for pages).
    pub text: String,
    pub headers: axum::http::HeaderMap,
}

impl TestApp {
    /// On SQLite in a temporary directory.
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("p.db").display());
        let office = Office::open(&url).await.unwrap();
        TestApp::with(office, "sqlite", dir, None).await
    }

    async fn with(
        office: Office,
        backend: &'static str,
        dir: tempfile::TempDir,
        schema: Option<(String, String)>,
    ) -> TestApp {
        TestApp::limited(office, backend, dir, schema, Default::default()).await
    }

    /// On SQLite, with these rate limits and refusals counted for `window`.
    pub async fn with_limits(
        settings: probity_web::limits::LimitSettings,
        window: std::time::Duration,
    ) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("p.db").display());
        let office = Office::open(&url)
            .await
            .unwrap()
            .counting_refusals_for(window);
        TestApp::limited(office, "sqlite", dir, None, settings).await
    }

    async fn limited(
        office: Office,
        backend: &'static str,
        dir: tempfile::TempDir,
        schema: Option<(String, String)>,
        settings: probity_web::limits::LimitSettings,
    ) -> TestApp {
        let router = probity_web::router(probity_web::AppState::with_limits(
            office.clone(),
            false,
            settings,
        ));
        let admin = console(&office, StaffRole::Administrator).await;
        TestApp {
            office,
            admin,
            router,
            backend,
            _dir: dir,
            schema,
        }
    }

    /// On PostgreSQL, in a fresh schema of the database `TEST_PG_URL` names; `None` (and a
    /// notice) when it names none.
    pub async fn on_postgres() -> Option<TestApp> {
        let url = std::env::var("TEST_PG_URL")
            .ok()
            .filter(|u| !u.trim().is_empty());
        let Some(url) = url else {
            eprintln!("skipped on PostgreSQL: set TEST_PG_URL to run this test there too");
            return None;
        };
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).unwrap();
        let schema = format!("t_{}", probity_domain::hex::encode(&b));
        let office = Office::open_in_schema(&url, &schema).await.unwrap();
        Some(
            TestApp::with(
                office,
                "postgres",
                tempfile::tempdir().unwrap(),
                Some((url, schema)),
            )
            .await,
        )
    }

    /// The same app with limits no test reaches: the access matrix is hundreds of requests
    /// from one address within a second, which is what the default limits are there to stop.
    pub fn without_limits(mut self) -> TestApp {
        use probity_web::limits::{LimitSettings, Rate};
        let huge = Rate {
            per_second: 1_000_000,
            burst: 1_000_000,
        };
        self.router = probity_web::router(probity_web::AppState::with_limits(
            self.office.clone(),
            false,
            LimitSettings {
                per_address: huge,
                per_user: huge,
                logins_per_minute: 1_000_000,
            },
        ));
        self
    }

    /// One app on each backend this run can reach: SQLite always, PostgreSQL when configured.
    pub async fn on_every_backend() -> Vec<TestApp> {
        let mut apps = vec![TestApp::new().await];
        apps.extend(TestApp::on_postgres().await);
        apps
    }

    pub async fn user(&self, username: &str, role: StaffRole, force: Option<&str>) -> String {
        let force = force.map(|f| Force::parse(f).unwrap());
        self.admin
            .add_user(NewUser {
                username: username.into(),
                role,
                body: probity_domain::access::default_body(force),
                force,
                password: PASSWORD.into(),
            })
            .await
            .unwrap();
        self.admin.create_token(username, "test").await.unwrap().0
    }

    /// Someone at the console in `role`.
    pub async fn console(&self, role: StaffRole) -> Desk {
        console(&self.office, role).await
    }

    /// Loads commands as the console administrator, each with its own actor and time.
    pub async fn import(
        &self,
        items: &[(probity_domain::Reference, Command, probity_domain::Context)],
    ) {
        self.admin.import(items).await.unwrap();
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        self.send_from(None, method, path, &[], token, body).await
    }

    /// A request from `from` (the server's view of the peer), with extra headers.
    pub async fn send_from(
        &self,
        from: Option<std::net::SocketAddr>,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(addr) = from {
            req = req.extension(axum::extract::ConnectInfo(addr));
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.reply(req).await
    }

    async fn reply(&self, req: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let set_cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_string());
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            set_cookie,
            body,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
        }
    }

    /// A form posted as a browser would: URL-encoded, with the session cookie if given.
    pub async fn form(
        &self,
        path: &str,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.reply(req.body(Body::from(body)).unwrap()).await
    }

    /// A page read as a browser would, with the session cookie if given.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::builder().uri(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.reply(req.body(Body::empty()).unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send("POST", path, Some(token), Some(&body.to_string()))
            .await
    }

    pub async fn events(&self) -> i64 {
        self.admin.counts().await.unwrap().events
    }
}

async fn console(office: &Office, role: StaffRole) -> Desk {
    office
        .console(Console {
            actor: format!("test.{}", role.code()),
            role: Some(role),
            ..Console::default()
        })
        .await
        .unwrap()
}

/// `2020/134541` as a path segment.
pub fn seg(reference: &str) -> String {
    reference.replace('/', "%2F")
}

pub fn salts() -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n += 1;
        [n; 16]
    }
}

/// The scenario's actors as accounts.
pub async fn scenario_users(app: &TestApp) -> HashMap<String, String> {
    let mut tokens = HashMap::new();
    for (name, role, force) in [
        ("psd.assessor", StaffRole::Assessor, Some("gloucestershire")),
        (
            "psd.decision-maker",
            StaffRole::DecisionMaker,
            Some("gloucestershire"),
        ),
        ("oversight.assessor", StaffRole::Assessor, None),
        ("oversight.investigator", StaffRole::Investigator, None),
        ("oversight.decision-maker", StaffRole::DecisionMaker, None),
        (
            "oversight.publications",
            StaffRole::PublicationsOfficer,
            None,
        ),
        (
            "oversight.publications-approver",
            StaffRole::PublicationsOfficer,
            None,
        ),
    ] {
        tokens.insert(name.to_string(), app.user(name, role, force).await);
    }
    tokens
}

/// Drives the reference scenario through the API; returns the final case file.
pub async fn drive_over_http(app: &TestApp) -> Value {
    let tokens = scenario_users(app).await;
    let path = format!("/api/v1/cases/{}/commands", seg(REFERENCE_CASE));
    let mut version = 0u64;
    for step in scenario::reference_case(&mut salts()) {
        let token = &tokens[&step.context.actor.id];
        let command = serde_json::to_value(&step.command).unwrap();
        // Each step on the day it happened.
        let on = step.context.on();
        let reply = if let Command::LogMatter(LogMatter { .. }) = step.command {
            app.post(
                "/api/v1/cases",
                token,
                &json!({ "on": on, "command": command }),
            )
            .await
        } else {
            app.post(
                &path,
                token,
                &json!({ "expected_version": version, "on": on, "command": command }),
            )
            .await
        };
        match step.refused_by {
            None => {
                assert!(
                    reply.status.is_success(),
                    "{}: {} {}",
                    step.command.name(),
                    reply.status,
                    reply.body
                );
                version = reply.body["version"].as_u64().unwrap();
            }
            Some(rule) => {
                assert_eq!(reply.status, 422, "{}: {}", step.command.name(), reply.body);
                assert_eq!(reply.content_type, "application/problem+json");
                assert_eq!(reply.body["rule"], rule.code());
            }
        }
    }
    app.get(
        &format!("/api/v1/cases/{}", seg(REFERENCE_CASE)),
        &tokens["oversight.decision-maker"],
    )
    .await
    .body
}
