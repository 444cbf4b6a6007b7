//! A Probity server with the demo loaded, a chromedriver, and a browser session on them.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use probity_app::Office;

/// Why the browser tests cannot run here, when they cannot.
fn missing() -> Option<String> {
    if which("chromedriver").is_none() {
        return Some(
            "chromedriver is not installed (apt-get install chromium chromium-driver)".into(),
        );
    }
    if axe_path().is_none() {
        return Some(
            "axe-core is not installed (npm install axe-core@4.14.1 --prefix ~/.cache/probity-axe, \
             or set PROBITY_AXE_JS to axe.min.js)"
                .into(),
        );
    }
    None
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| PathBuf::from(d).join(program))
        .find(|p| p.is_file())
}

fn axe_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROBITY_AXE_JS") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".cache/probity-axe/node_modules/axe-core/axe.min.js"))
        .filter(|p| p.is_file())
}

/// The demo's accounts: user name and password.
pub struct Accounts(pub Vec<(String, String)>);

impl Accounts {
    pub fn password(&self, username: &str) -> &str {
        &self
            .0
            .iter()
            .find(|(u, _)| u == username)
            .expect("a demo account")
            .1
    }
}

pub struct Session {
    pub client: Client,
    /// The server's office, for what someone else does meanwhile.
    pub office: Office,
    pub base: String,
    /// The public portal, served from the same store.
    pub public: String,
    pub accounts: Accounts,
    axe: String,
    shots: PathBuf,
    driver: Child,
    _dir: tempfile::TempDir,
    _server: tokio::task::JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A server and a browser, or `None` (and a notice) when this machine has no browser and the
/// tests are not demanded.
pub async fn start() -> Option<Session> {
    if let Some(why) = missing() {
        if std::env::var("PROBITY_BROWSER_TESTS").as_deref() == Ok("1") {
            panic!("the browser tests could not run: {why}");
        }
        // Straight to the terminal: the test harness keeps what passing tests print.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("browser tests skipped: {why}\n").as_bytes(),
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("p.db").display());
    let office = Office::open(&url).await.unwrap();
    let admin = probity_app::Console {
        actor: "browser-test".into(),
        role: Some(probity_domain::access::StaffRole::Administrator),
        ..probity_app::Console::default()
    };
    let desk = office.console(admin).await.unwrap();
    desk.load_demo(12).await.unwrap();
    let accounts = Accounts(
        desk.add_demo_users()
            .await
            .unwrap()
            .into_iter()
            .map(|(u, _, p)| (u, p))
            .collect(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = probity_web::AppState::new(office.clone(), false);
    let server = tokio::spawn(async move {
        probity_web::serve(listener, state, std::future::pending())
            .await
            .unwrap();
    });
    let public_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}", public_listener.local_addr().unwrap());
    let portal = probity_portal::Portal::new(
        office.published_items(),
        probity_portal::Config::new(public.clone()),
    );
    tokio::spawn(async move {
        probity_portal::serve(public_listener, portal, std::future::pending())
            .await
            .unwrap();
    });
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": which("chromium").map(|p| p.display().to_string()).unwrap_or_else(|| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,1024"],
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let client = client.expect("chromedriver answers within ten seconds");
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    Some(Session {
        client,
        office,
        base,
        public,
        accounts,
        axe: std::fs::read_to_string(axe_path().unwrap()).unwrap(),
        shots,
        driver,
        _dir: dir,
        _server: server,
    })
}

impl Session {
    /// Someone at the server's console in `role`, acting as `actor` (what others do meanwhile).
    pub async fn console(
        &self,
        actor: &str,
        role: probity_domain::access::StaffRole,
    ) -> probity_app::Desk {
        self.office
            .console(probity_app::Console {
                actor: actor.into(),
                role: Some(role),
                ..probity_app::Console::default()
            })
            .await
            .unwrap()
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits (up to five seconds) until the browser is at `path`.
    pub async fn wait_for_path(&self, path: &str) {
        for _ in 0..50 {
            if self.path().await == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser is at {}, not {path}", self.path().await);
    }

    /// Waits (up to five seconds) until the page's title is `title`.
    pub async fn wait_for_title(&self, title: &str) {
        for _ in 0..50 {
            if self.title().await == title {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(self.title().await, title);
    }

    pub async fn title(&self) -> String {
        self.client.title().await.unwrap()
    }

    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap(),
            Err(e) => panic!("no {css} on {}: {e}", self.path().await),
        }
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn sign_in(&self, username: &str) {
        self.sign_in_with(username, self.accounts.password(username))
            .await;
    }

    pub async fn sign_in_with(&self, username: &str, password: &str) {
        self.goto("/sign-in").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("form[action='/sign-in'] button").await;
        for _ in 0..50 {
            if !self.path().await.starts_with("/sign-in") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{username} could not sign in");
    }

    pub async fn sign_out(&self) {
        self.click("form[action='/sign-out'] button").await;
        self.wait_for_path("/sign-in?ended=true").await;
    }

    /// Runs axe-core on the page and fails on any serious or critical violation.
    pub async fn check_accessibility(&self, page: &str) {
        let found = self.violations().await;
        assert!(
            found.is_empty(),
            "axe-core on {page}:\n{}",
            found.join("\n")
        );
    }

    /// The serious and critical violations axe-core finds on the page.
    pub async fn violations(&self) -> Vec<String> {
        self.client.execute(&self.axe, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                          v.nodes.map(n => n.target.join(' ')).join(', '))));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Presses a key in whatever has the focus.
    pub async fn press(&self, key: fantoccini::key::Key) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&char::from(key).to_string())
            .await
            .unwrap();
    }

    /// Types into whatever has the focus.
    pub async fn type_here(&self, text: &str) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// What has the focus: its id, or its tag and text.
    pub async fn focused(&self) -> String {
        let e = self.client.active_element().await.unwrap();
        match e.attr("id").await.unwrap().filter(|i| !i.is_empty()) {
            Some(id) => format!("#{id}"),
            None => format!(
                "{} {}",
                e.tag_name().await.unwrap(),
                e.text().await.unwrap().trim()
            ),
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    /// Visits `path`, checks it with axe-core and keeps a screenshot.
    pub async fn visit(&self, path: &str, name: &str) {
        self.goto(path).await;
        self.check_accessibility(name).await;
        self.screenshot(name).await;
    }

    /// Visits `path` on the public portal, checks it with axe-core and keeps a screenshot.
    pub async fn visit_public(&self, path: &str, name: &str) {
        self.client
            .goto(&format!("{}{path}", self.public))
            .await
            .unwrap();
        self.check_accessibility(name).await;
        self.screenshot(name).await;
    }

    pub async fn close(self) {
        self.client.clone().close().await.unwrap();
    }
}
