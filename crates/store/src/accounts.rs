//! Staff accounts, sessions and API tokens as stored. Passwords and tokens are stored hashed;
//! the hashing itself is the shell's.

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub role: String,
    /// `oversight_body`, `appropriate_authority` or `local_policing_body`.
    pub body: String,
    pub force: Option<String>,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: i64,
}
