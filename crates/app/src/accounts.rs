//! Accounts: argon2id passwords, the secrets of sessions and API tokens (only their SHA-256 is
//! stored), and the principal a stored account acts as. The operations on accounts are the
//! office's (log-in) and the desk's (everything else), each audited there.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use probity_domain::Body;
use probity_domain::access::{Principal, StaffRole};
use probity_domain::force::Force;
use probity_store::{Hash, UserRecord};
use sha2::{Digest, Sha256};

use crate::casebook::AppError;

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
    pub(crate) fn fresh(prefix: &str) -> Secret {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Secret(format!("{prefix}{}", probity_domain::hex::encode(&bytes)))
    }

    /// What the store keeps: the SHA-256 of the secret.
    pub fn stored_hash(&self) -> Hash {
        Hash(Sha256::digest(self.0.as_bytes()).into())
    }
}

pub(crate) fn hash_password(password: &str) -> Result<String, AppError> {
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
pub(crate) async fn hash_off_thread(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::BadInput(format!("hashing failed: {e}")))?
}

pub(crate) async fn verify_off_thread(password: &str, stored: String) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the user is unknown so that timing does not
/// tell which user names exist.
pub(crate) fn dummy_hash() -> &'static str {
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
pub(crate) fn principal(user: &UserRecord) -> Result<Principal, AppError> {
    let role = StaffRole::parse(&user.role).ok_or_else(|| {
        AppError::Store(probity_store::StoreError::Corrupt(format!(
            "unknown role {}",
            user.role
        )))
    })?;
    let body = Body::parse(&user.body).ok_or_else(|| {
        AppError::Store(probity_store::StoreError::Corrupt(format!(
            "unknown body {}",
            user.body
        )))
    })?;
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

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub role: StaffRole,
    pub body: Body,
    pub force: Option<Force>,
    pub password: String,
}
