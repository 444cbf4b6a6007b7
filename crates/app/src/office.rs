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
use probity_store::anchor::Checkpoint;

/// The way in. Cheap to clone: every clone shares one store and one set of kept case files.
#[derive(Debug, Clone)]
pub struct Office {
    book: Arc<Casebook>,
}

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

/// An audit entry made before anyone is known.
fn anonymous(action: Action, target: &str, outcome: Outcome, detail: &str) -> AuditEntry {
    AuditEntry {
        recorded_at: Timestamp::now().as_microsecond(),
        actor: "-".into(),
        role: "-".into(),
        action,
        target: target.chars().take(200).collect(),
        outcome,
        purpose: "-".into(),
        detail: detail.into(),
        wrote: None,
    }
}

impl Office {
    /// Opens the store at `url` (`sqlite:PATH` or `postgres://...`), creating it if needed.
    pub async fn open(url: &str) -> Result<Office, AppError> {
        Ok(Office::over(crate::db::connect(url).await?))
    }

    /// A PostgreSQL store in a schema of its own in the database at `url` (tests, benchmarks).
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Office, AppError> {
        Ok(Office::over(
            crate::db::postgres_in_schema(url, schema).await?,
        ))
    }

    /// Finishes with the store cleanly (after a server stops, or before copying its file).
    pub async fn close(&self) -> Result<(), AppError> {
        Ok(self.book.db().close().await?)
    }

    pub(crate) fn over(db: Db) -> Office {
        Office {
            book: Arc::new(Casebook::new(db)),
        }
    }

    pub(crate) fn book(&self) -> &Arc<Casebook> {
        &self.book
    }

    fn desk(&self, who: Principal, door: Door) -> Desk {
        Desk::new(Arc::clone(&self.book), who, door)
    }

    /// Checks a password and opens a session. Throttled per user name; every attempt is audited.
    pub async fn log_in(&self, username: &str, password: &str) -> Result<(Secret, Desk), AppError> {
        let db = self.book.db();
        let now = Timestamp::now().as_microsecond();
        let since = now - THROTTLE_MINUTES * 60 * 1_000_000;
        let attempt = |outcome, role: &str, detail: &str| AuditEntry {
            actor: username.to_string(),
            role: role.to_string(),
            purpose: "account management".into(),
            ..anonymous(Action::SessionLogin, username, outcome, detail)
        };
        if db.login_failures(username, since).await? >= THROTTLE_FAILURES {
            let entry = attempt(Outcome::Denied, "-", "throttled");
            db.record_login_failure(username, now, &entry).await?;
            return Err(AppError::Throttled);
        }
        let user = db.user(username).await?;
        let stored = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_string());
        let matches = verify_off_thread(password, stored).await;
        let user = match user {
            Some(u) if matches && !u.disabled => u,
            _ => {
                let entry = attempt(Outcome::Denied, "-", "bad credentials");
                db.record_login_failure(username, now, &entry).await?;
                return Err(AppError::Unauthenticated);
            }
        };
        let who = principal(&user)?;
        let secret = Secret::fresh("");
        let entry = attempt(Outcome::Allowed, who.role.code(), "");
        db.create_session(
            secret.stored_hash(),
            username,
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

    /// Records a request that came without valid credentials: `why` says which way it failed.
    pub async fn refuse_unauthenticated(&self, path: &str, why: &str) -> Result<(), AppError> {
        let entry = anonymous(Action::RequestUnauthenticated, path, Outcome::Denied, why);
        self.book.db().audit(&[entry]).await?;
        Ok(())
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
