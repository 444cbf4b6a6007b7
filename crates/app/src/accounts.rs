//! Accounts: argon2id passwords, server-side sessions, hashed API tokens, log-in throttling.
//! Every change and every log-in attempt is audited.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use jiff::Timestamp;
use probity_domain::Body;
use probity_domain::access::{Principal, StaffRole};
use probity_domain::force::Force;
use probity_store::{AccountStore, AuditEntry, AuditStore, Hash, UserRecord};
use sha2::{Digest, Sha256};

use crate::casebook::{AppError, Casebook};

/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed log-ins allowed per user within [`THROTTLE_MINUTES`] before log-in is refused.
pub const THROTTLE_FAILURES: i64 = 5;
pub const THROTTLE_MINUTES: i64 = 15;
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A secret handed to a client once: a session cookie value or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl Secret {
    fn fresh(prefix: &str) -> Secret {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Secret(format!("{prefix}{}", probity_domain::hex::encode(&bytes)))
    }

    /// What the store keeps: the SHA-256 of the secret.
    pub fn stored_hash(&self) -> Hash {
        Hash(Sha256::digest(self.0.as_bytes()).into())
    }
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::BadInput(format!("the password cannot be hashed: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// Hashing is slow on purpose: keep it off the async threads.
async fn hash_off_thread(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::BadInput(format!("hashing failed: {e}")))?
}

async fn verify_off_thread(password: &str, stored: String) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the user is unknown so that timing does not
/// tell which user names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, never used").expect("hashes"))
}

pub fn check_password_strength(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadInput(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

pub fn check_username(username: &str) -> Result<(), AppError> {
    let ok = (2..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(AppError::BadInput(format!(
            "'{username}' is not a user name: use 2 to 64 letters, digits, '.', '-' or '_'"
        )))
    }
}

/// The principal a stored user acts as.
pub fn principal(user: &UserRecord) -> Result<Principal, AppError> {
    let role = StaffRole::parse(&user.role).ok_or_else(|| {
        AppError::Store(probity_store::StoreError::Corrupt(format!(
            "unknown role {}",
            user.role
        )))
    })?;
    let body = match user.body.as_str() {
        "oversight_body" => Body::OversightBody,
        "appropriate_authority" => Body::AppropriateAuthority,
        "local_policing_body" => Body::LocalPolicingBody,
        other => {
            return Err(AppError::Store(probity_store::StoreError::Corrupt(
                format!("unknown body {other}"),
            )));
        }
    };
    let force = user
        .force
        .as_deref()
        .map(Force::parse)
        .transpose()
        .map_err(|e| AppError::Store(probity_store::StoreError::Corrupt(e.to_string())))?;
    Ok(Principal {
        username: user.username.clone(),
        role,
        body,
        force,
    })
}

/// An audit entry about accounts, at the present moment.
pub fn account_entry(
    actor: &str,
    role: &str,
    action: &str,
    target: &str,
    outcome: &str,
    detail: &str,
) -> AuditEntry {
    AuditEntry {
        recorded_at: Timestamp::now().as_microsecond(),
        actor: actor.to_string(),
        role: role.to_string(),
        action: action.to_string(),
        target: target.to_string(),
        outcome: outcome.to_string(),
        purpose: "account management".to_string(),
        detail: detail.to_string(),
    }
}

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub role: StaffRole,
    pub body: Body,
    pub force: Option<Force>,
    pub password: String,
}

impl Casebook {
    /// Creates an account. `by` is who did it (an administrator, or `cli` at the console).
    pub async fn add_user(&self, new: NewUser, by: &str) -> Result<(), AppError> {
        check_username(&new.username)?;
        check_password_strength(&new.password)?;
        if new.body != Body::OversightBody && new.force.is_none() {
            return Err(AppError::BadInput(
                "staff of a force or a local policing body need --force".into(),
            ));
        }
        if new.role == StaffRole::ForceLiaison && new.force.is_none() {
            return Err(AppError::BadInput(
                "a force liaison account needs --force".into(),
            ));
        }
        let hash = hash_off_thread(&new.password).await?;
        let record = UserRecord {
            username: new.username.clone(),
            role: new.role.code().to_string(),
            body: probity_domain::code_of(&new.body),
            force: new.force.map(|f| f.code().to_string()),
            password_hash: hash,
            disabled: false,
            created_at: Timestamp::now().as_microsecond(),
        };
        let entry = account_entry(
            by,
            "administrator",
            "user.add",
            &new.username,
            "allowed",
            new.role.code(),
        );
        self.db().add_user(&record, &entry).await?;
        Ok(())
    }

    pub async fn disable_user(&self, username: &str, by: &str) -> Result<(), AppError> {
        let entry = account_entry(by, "administrator", "user.disable", username, "allowed", "");
        if self.db().disable_user(username, &entry).await? {
            Ok(())
        } else {
            Err(AppError::BadInput(format!("there is no user {username}")))
        }
    }

    /// Issues an API token for `username`; the token is shown once and stored hashed.
    pub async fn create_token(
        &self,
        username: &str,
        label: &str,
        by: &str,
    ) -> Result<Secret, AppError> {
        let user = self
            .db()
            .user(username)
            .await?
            .ok_or_else(|| AppError::BadInput(format!("there is no user {username}")))?;
        if user.disabled {
            return Err(AppError::BadInput(format!("{username} is disabled")));
        }
        let token = Secret::fresh("prb_");
        let entry = account_entry(
            by,
            "administrator",
            "token.create",
            username,
            "allowed",
            label,
        );
        self.db()
            .create_token(token.stored_hash(), username, label, &entry)
            .await?;
        Ok(token)
    }

    /// Checks a password and opens a session. Throttled per user name.
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(Secret, Principal), AppError> {
        let now = Timestamp::now().as_microsecond();
        let since = now - THROTTLE_MINUTES * 60 * 1_000_000;
        if self.db().login_failures(username, since).await? >= THROTTLE_FAILURES {
            let entry = account_entry(
                username,
                "-",
                "session.login",
                username,
                "denied",
                "throttled",
            );
            self.db()
                .record_login_failure(username, now, &entry)
                .await?;
            return Err(AppError::Throttled);
        }
        let user = self.db().user(username).await?;
        let stored = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_string());
        let matches = verify_off_thread(password, stored).await;
        let user = match user {
            Some(u) if matches && !u.disabled => u,
            _ => {
                let entry = account_entry(
                    username,
                    "-",
                    "session.login",
                    username,
                    "denied",
                    "bad credentials",
                );
                self.db()
                    .record_login_failure(username, now, &entry)
                    .await?;
                return Err(AppError::Unauthenticated);
            }
        };
        let who = principal(&user)?;
        let secret = Secret::fresh("");
        let entry = account_entry(
            username,
            who.role.code(),
            "session.login",
            username,
            "allowed",
            "",
        );
        self.db()
            .create_session(
                secret.stored_hash(),
                username,
                now + SESSION_HOURS * 3600 * 1_000_000,
                &entry,
            )
            .await?;
        self.db().clear_login_failures(username).await?;
        Ok((secret, who))
    }

    pub async fn log_out(&self, session: &Secret, who: &Principal) -> Result<(), AppError> {
        let entry = account_entry(
            &who.username,
            who.role.code(),
            "session.logout",
            &who.username,
            "allowed",
            "",
        );
        Ok(self.db().end_session(session.stored_hash(), &entry).await?)
    }

    /// The principal holding this session cookie, if it is live.
    pub async fn session_principal(&self, session: &Secret) -> Result<Option<Principal>, AppError> {
        let user = self
            .db()
            .session_user(session.stored_hash(), Timestamp::now().as_microsecond())
            .await?;
        user.as_ref().map(principal).transpose()
    }

    /// The principal holding this API token, if it is live.
    pub async fn token_principal(&self, token: &Secret) -> Result<Option<Principal>, AppError> {
        let user = self.db().token_user(token.stored_hash()).await?;
        user.as_ref().map(principal).transpose()
    }

    /// Changes a user's own password; every session of theirs ends.
    pub async fn change_password(
        &self,
        who: &Principal,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        check_password_strength(new)?;
        let user = self
            .db()
            .user(&who.username)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let ok = verify_off_thread(current, user.password_hash.clone()).await;
        if !ok {
            let entry = account_entry(
                &who.username,
                who.role.code(),
                "user.password",
                &who.username,
                "denied",
                "wrong current password",
            );
            self.db().audit(&[entry]).await?;
            return Err(AppError::Unauthenticated);
        }
        let hash = hash_off_thread(new).await?;
        let entry = account_entry(
            &who.username,
            who.role.code(),
            "user.password",
            &who.username,
            "allowed",
            "",
        );
        self.db().set_password(&who.username, &hash, &entry).await?;
        Ok(())
    }
}
