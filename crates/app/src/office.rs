//! The office: the way into the shell. It opens the store and admits principals, each to a
//! [`Desk`] of their own: a signed-in user from the web (a session or an API token), or someone
//! at the console with the database itself. A request that cannot say who it is gets no desk,
//! and the refusal is recorded.

use std::sync::Arc;

use jiff::Timestamp;
use probity_domain::Body;
use probity_domain::access::{Principal, StaffRole};
use probity_domain::force::Force;
use probity_store::AccountStore;
use probity_store::{Action, AuditEntry, Outcome};

use crate::accounts::{
    SESSION_HOURS, Secret, THROTTLE_FAILURES, THROTTLE_MINUTES, check_username, dummy_hash,
    principal, verify_off_thread,
};
use crate::anchors::Signer;
use crate::casebook::{AppError, Casebook};
use crate::db::Db;
use crate::desk::{Desk, Door};
use crate::refusals::{Refusals, Strangers, anonymous};
use probity_store::anchor::Checkpoint;

/// The way in. Cheap to clone: every clone shares one store and one set of kept case files.
#[derive(Debug, Clone)]
pub struct Office {
    book: Arc<Casebook>,
    refusals: Arc<Refusals>,
    strangers: Arc<Strangers>,
    /// The public side's port, with its search index: one per office, built on first search.
    public: Arc<std::sync::OnceLock<Arc<probity_search::Indexed<dyn probity_store::Store>>>>,
}

/// How long refusals of one kind are counted before their count is written.
const REFUSAL_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// Who is at the console, as they said on the command line.
#[derive(Debug, Clone, Default)]
pub struct Console {
    /// Their name: `--actor`, or the operating system's user.
    pub actor: String,
    /// The role they act in (`--as`); without it, the role of the account of the same name,
    /// else `default_role`.
    pub role: Option<StaffRole>,
    pub body: Option<Body>,
    pub force: Option<Force>,
    /// The role the command acts in when nothing else says (local administration).
    pub default_role: Option<StaffRole>,
}

impl Office {
    /// Opens the store at `url` (`sqlite:PATH` or `postgres://...`), creating it if needed.
    pub async fn open(url: &str) -> Result<Office, AppError> {
        Office::over(crate::db::connect(url).await?).ready().await
    }

    /// A PostgreSQL store in a schema of its own in the database at `url` (tests, benchmarks).
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Office, AppError> {
        Office::over(crate::db::postgres_in_schema(url, schema).await?)
            .ready()
            .await
    }

    /// Counts working days with the bank holidays the store holds, and fills the read models
    /// a migration added (once, audited as a rebuild by `system`).
    async fn ready(self) -> Result<Office, AppError> {
        let db = self.book.db();
        probity_store::projection::set_calendar(probity_store::holidays::calendar(&**db).await?);
        let pending = probity_store::holidays::pending_rebuilds(&**db).await?;
        if !pending.is_empty() {
            let system = Principal {
                username: "system".into(),
                role: StaffRole::Administrator,
                body: Body::OversightBody,
                force: None,
            };
            let desk = self.desk(system, Door::Console);
            desk.rebuild().await?;
            probity_store::holidays::rebuilt(&**db, &desk.maintenance_entry(&pending.join(", ")))
                .await?;
        }
        Ok(self)
    }

    /// Finishes with the store cleanly (after a server stops, or before copying its file),
    /// writing the counts of refusals still being counted.
    pub async fn close(&self) -> Result<(), AppError> {
        self.refusals.close(self.book.db(), None).await?;
        Ok(self.book.db().close().await?)
    }

    pub(crate) fn over(db: Db) -> Office {
        Office {
            book: Arc::new(Casebook::new(db)),
            refusals: Refusals::new(REFUSAL_WINDOW),
            strangers: Arc::default(),
            public: Arc::default(),
        }
    }

    /// Writes the counts of refusals still being counted (before a last checkpoint).
    pub async fn flush_refusals(&self) -> Result<(), AppError> {
        self.refusals.close(self.book.db(), None).await
    }

    /// Counts refusals of one kind for `window` before writing their number (60 s unless
    /// told; tests shorten it).
    pub fn counting_refusals_for(mut self, window: std::time::Duration) -> Office {
        self.refusals = Refusals::new(window);
        self
    }

    /// The delivery worker of this server's outbox.
    pub fn postman(&self, config: crate::mail::MailConfig) -> crate::mail::Postman {
        crate::mail::Postman::new(Arc::clone(&self.book), config)
    }

    /// What the public side reads: the published items of this store, and nothing else, with
    /// their search answered by this server's index (`probity-search`). Public reads are not
    /// audited: they read only what was approved for everyone.
    pub fn published_items(&self) -> Arc<dyn probity_published::PublishedItems> {
        let indexed = self
            .public
            .get_or_init(|| Arc::new(probity_search::Indexed::new(Arc::clone(self.book.db()))));
        Arc::clone(indexed) as Arc<dyn probity_published::PublishedItems>
    }

    pub(crate) fn book(&self) -> &Arc<Casebook> {
        &self.book
    }

    fn desk(&self, who: Principal, door: Door) -> Desk {
        Desk::new(Arc::clone(&self.book), who, door)
    }

    /// Checks a password and opens a session. Failed attempts on an account are counted per
    /// account and source address (`source`): after [`THROTTLE_FAILURES`] in
    /// [`THROTTLE_MINUTES`] that address is refused for that account, while its holder signs
    /// in from their own. An attempt on an account is audited under its name; one on a name
    /// that is no account is counted with the anonymous refusals, and the name typed is kept
    /// nowhere (it may be a password typed in the wrong box).
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
        source: &str,
    ) -> Result<(Secret, Desk), AppError> {
        let db = self.book.db();
        let now = Timestamp::now().as_microsecond();
        let since = now - THROTTLE_MINUTES * 60 * 1_000_000;
        let attempt = |outcome, role: &str, detail: &str| AuditEntry {
            actor: username.to_string(),
            role: role.to_string(),
            purpose: "account management".into(),
            ..anonymous(Action::SessionLogin, username, outcome, detail)
        };
        let user = db.user(username).await?;
        let Some(user) = user else {
            // Throttled and timed as an account would be, so names cannot be told apart.
            if self.strangers.count(username, source, since) >= THROTTLE_FAILURES {
                self.refusals
                    .refuse(db, Action::SessionLogin, "-", "throttled")
                    .await?;
                return Err(AppError::Throttled);
            }
            verify_off_thread(password, dummy_hash().to_string()).await;
            self.strangers.record(username, source, now, since);
            self.refusals
                .refuse(db, Action::SessionLogin, "-", "no such account")
                .await?;
            return Err(AppError::Unauthenticated);
        };
        if db.login_failures(username, source, since).await? >= THROTTLE_FAILURES {
            self.refusals
                .refuse(db, Action::SessionLogin, username, "throttled")
                .await?;
            return Err(AppError::Throttled);
        }
        let matches = verify_off_thread(password, user.password_hash.clone()).await;
        if !matches || user.disabled {
            let entry = attempt(Outcome::Denied, "-", "bad credentials");
            db.record_login_failure(username, source, now, since, &entry)
                .await?;
            return Err(AppError::Unauthenticated);
        }
        let who = principal(&user)?;
        let secret = Secret::fresh("");
        let entry = attempt(Outcome::Allowed, who.role.code(), "");
        db.create_session(
            secret.stored_hash(),
            username,
            source,
            now + SESSION_HOURS * 3600 * 1_000_000,
            &entry,
        )
        .await?;
        Ok((secret, self.desk(who, Door::Web)))
    }

    /// The desk of whoever holds this session cookie, if it is live.
    pub async fn session(&self, session: &Secret) -> Result<Option<Desk>, AppError> {
        let user = self
            .book
            .db()
            .session_user(session.stored_hash(), Timestamp::now().as_microsecond())
            .await?;
        user.as_ref()
            .map(|u| Ok(self.desk(principal(u)?, Door::Web)))
            .transpose()
    }

    /// The desk of whoever holds this API token, if it is live.
    pub async fn token(&self, token: &Secret) -> Result<Option<Desk>, AppError> {
        let user = self.book.db().token_user(token.stored_hash()).await?;
        user.as_ref()
            .map(|u| Ok(self.desk(principal(u)?, Door::Web)))
            .transpose()
    }

    /// Signs a checkpoint of both heads when they have moved since the last one: what a server
    /// does at its interval. Not an operation of anyone's, so it leaves no audit entry (which
    /// would move the head again); the checkpoint row is its record.
    pub async fn checkpoint_if_moved(
        &self,
        signer: &Signer,
    ) -> Result<Option<Checkpoint>, AppError> {
        sign_checkpoint(&self.book, signer, true).await
    }

    /// Records a request that came without valid credentials, to the route `route` (its
    /// pattern, never the path): `why` says which way it failed. Counted with the other
    /// anonymous refusals of its kind.
    pub async fn refuse_unauthenticated(
        &self,
        route: &str,
        why: &'static str,
    ) -> Result<(), AppError> {
        self.refusals
            .refuse(self.book.db(), Action::RequestUnauthenticated, route, why)
            .await
    }

    /// Records a request refused for coming too often, from an address or a user: counted
    /// with the anonymous refusals of its kind, since a flood must not grow the trail.
    pub async fn refuse_too_many(&self, route: &str, why: &'static str) -> Result<(), AppError> {
        self.refusals
            .refuse(self.book.db(), Action::RequestLimited, route, why)
            .await
    }

    /// The desk of someone at the console. They act as the role they name; without one, as
    /// the account of the same name, or in the command's default role. Their every operation
    /// is access-checked and audited like anyone's, under `console:NAME`.
    pub async fn console(&self, c: Console) -> Result<Desk, AppError> {
        let actor = c.actor.trim().to_string();
        check_username(&actor)?;
        let account = match c.role {
            Some(_) => None,
            None => self.book.db().user(&actor).await?.filter(|u| !u.disabled),
        };
        let account = account.as_ref().map(principal).transpose()?;
        let role = c
            .role
            .or(account.as_ref().map(|p| p.role))
            .or(c.default_role)
            .ok_or_else(|| {
                AppError::BadInput(format!(
                    "say which role you act in at the console with --as ROLE (there is no account named {actor})"
                ))
            })?;
        let force = c.force.or(account.as_ref().and_then(|p| p.force));
        let body = c
            .body
            .or(account.as_ref().map(|p| p.body))
            .unwrap_or_else(|| probity_domain::access::default_body(force));
        probity_domain::access::check_account(role, body, force)
            .map_err(|p| AppError::BadInput(p.to_string()))?;
        let who = Principal {
            username: actor,
            role,
            body,
            force,
        };
        Ok(self.desk(who, Door::Console))
    }
}

/// Signs both chain heads as they stand (unless `only_if_moved` and the last checkpoint in the
/// database already has them), keeps the checkpoint in the database, exports it, and writes it
/// to the log for a collector to keep.
pub(crate) async fn sign_checkpoint(
    book: &Casebook,
    signer: &Signer,
    only_if_moved: bool,
) -> Result<Option<Checkpoint>, AppError> {
    let db = book.db();
    let events = db.head().await?;
    let audit = probity_store::anchor::audit_head(&**db).await?;
    if only_if_moved
        && let Some(last) = probity_store::anchor::last_checkpoint(&**db).await?
        && last.events == events
        && last.audit == audit
        && last.key == signer.public_key()
    {
        return Ok(None);
    }
    let c = signer.sign(Timestamp::now().as_microsecond(), events, audit);
    db.execute(&[c.insert()], &[]).await?;
    signer.export(&c)?;
    tracing::info!(target: "probity::checkpoint", checkpoint = %c.to_json(), "checkpoint signed");
    Ok(Some(c))
}
