//! Anchored chain heads: signed checkpoints of both chains, in the manner of certificate
//! transparency's signed tree heads. A checkpoint is an Ed25519 signature over the event log's
//! and the audit trail's heads (position and link) and the time. It is kept in the database and
//! exported to places the database's administrator does not control; a verifier holding an
//! exported checkpoint and the public key sees any later truncation, rewrite or re-sealing of
//! what the checkpoint covered.
//!
//! The key never enters the database: the shell loads it from a file and signs with it here.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::Hash;
use crate::query::{Query, Statement};
use crate::read_model::{ColumnType, Row, Value};
use crate::{Head, StoreError, Tables};

/// A signed statement of both chain heads at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unix microseconds.
    pub at: i64,
    /// The event log's head, `None` while it is empty.
    pub events: Option<Head>,
    /// The audit trail's head (`position` is its sequence number).
    pub audit: Option<Head>,
    /// The Ed25519 public key that signed it.
    pub key: [u8; 32],
    pub signature: [u8; 64],
}

/// Why a checkpoint cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a checkpoint is not readable: {0}")]
pub struct Unreadable(pub String);

impl Checkpoint {
    /// What is signed: a domain tag, the time, then each head's position and link (0 and the
    /// genesis link for an empty chain).
    pub fn message(at: i64, events: Option<Head>, audit: Option<Head>) -> Vec<u8> {
        let mut m = Vec::with_capacity(24 + 2 * 40);
        m.extend_from_slice(b"probity-checkpoint/v1\0");
        m.extend_from_slice(&at.to_be_bytes());
        for head in [events, audit] {
            let h = head.unwrap_or(Head {
                position: 0,
                hash: Hash::GENESIS,
            });
            m.extend_from_slice(&h.position.to_be_bytes());
            m.extend_from_slice(&h.hash.0);
        }
        m
    }

    /// Signs both heads as they are at `at`.
    pub fn sign(key: &SigningKey, at: i64, events: Option<Head>, audit: Option<Head>) -> Self {
        let signature = key.sign(&Checkpoint::message(at, events, audit));
        Checkpoint {
            at,
            events,
            audit,
            key: key.verifying_key().to_bytes(),
            signature: signature.to_bytes(),
        }
    }

    /// Whether the signature is the named key's over these heads.
    pub fn signature_holds(&self) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.key) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&self.signature);
        key.verify_strict(
            &Checkpoint::message(self.at, self.events, self.audit),
            &signature,
        )
        .is_ok()
    }

    /// A short name for the signing key: the first 8 bytes of its SHA-256, hex.
    pub fn key_id(&self) -> String {
        key_id(&self.key)
    }

    /// The time, as RFC 3339.
    pub fn time(&self) -> String {
        jiff::Timestamp::from_microsecond(self.at)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| self.at.to_string())
    }

    /// The exported form, the one a file, the log and the API all carry.
    pub fn exported(&self) -> Exported {
        let head = |h: Option<Head>| {
            h.map(|h| ExportedHead {
                position: h.position,
                hash: h.hash.hex(),
            })
        };
        Exported {
            at: self.time(),
            at_us: self.at,
            events: head(self.events),
            audit: head(self.audit),
            key: probity_domain::hex::encode(&self.key),
            signature: probity_domain::hex::encode(&self.signature),
        }
    }

    /// The exported form as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.exported()).expect("a checkpoint serialises")
    }

    pub fn from_json(text: &str) -> Result<Checkpoint, Unreadable> {
        let j: Exported = serde_json::from_str(text).map_err(|e| Unreadable(e.to_string()))?;
        let head = |h: Option<ExportedHead>| {
            h.map(|h| {
                Ok(Head {
                    position: h.position,
                    hash: hex_bytes(&h.hash).map(Hash)?,
                })
            })
            .transpose()
        };
        Ok(Checkpoint {
            at: j.at_us,
            events: head(j.events)?,
            audit: head(j.audit)?,
            key: hex_bytes(&j.key)?,
            signature: hex_bytes(&j.signature)?,
        })
    }

    /// The statement that keeps it in the database.
    pub fn insert(&self) -> Statement {
        let (ep, eh) = parts(self.events);
        let (ap, ah) = parts(self.audit);
        Statement {
            sql: "INSERT INTO checkpoints (at, event_position, event_hash, audit_seq, audit_hash, key, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)".into(),
            binds: vec![
                Value::Int(self.at),
                Value::Int(ep),
                Value::Bytes(eh.0.to_vec()),
                Value::Int(ap),
                Value::Bytes(ah.0.to_vec()),
                Value::Bytes(self.key.to_vec()),
                Value::Bytes(self.signature.to_vec()),
            ],
        }
    }

    fn from_row(row: Row) -> Result<Checkpoint, StoreError> {
        let corrupt = || StoreError::Corrupt("a stored checkpoint is not readable".into());
        let [
            Value::Int(at),
            Value::Int(ep),
            Value::Bytes(eh),
            Value::Int(ap),
            Value::Bytes(ah),
            Value::Bytes(key),
            Value::Bytes(sig),
        ] = row.as_slice()
        else {
            return Err(corrupt());
        };
        let head = |position: i64, hash: &[u8]| {
            let hash = Hash::from_slice(hash).ok_or_else(corrupt)?;
            Ok::<_, StoreError>((position > 0).then_some(Head { position, hash }))
        };
        Ok(Checkpoint {
            at: *at,
            events: head(*ep, eh)?,
            audit: head(*ap, ah)?,
            key: key.as_slice().try_into().map_err(|_| corrupt())?,
            signature: sig.as_slice().try_into().map_err(|_| corrupt())?,
        })
    }
}

/// A short name for a public key: the first 8 bytes of its SHA-256, hex.
pub fn key_id(key: &[u8; 32]) -> String {
    probity_domain::hex::encode(&Sha256::digest(key)[..8])
}

fn parts(head: Option<Head>) -> (i64, Hash) {
    head.map_or((0, Hash::GENESIS), |h| (h.position, h.hash))
}

fn hex_bytes<const N: usize>(text: &str) -> Result<[u8; N], Unreadable> {
    probity_domain::hex::decode(text)
        .and_then(|b| <[u8; N]>::try_from(b).ok())
        .ok_or_else(|| Unreadable(format!("'{text}' is not {N} bytes of hex")))
}

/// A chain head as exported: its position and link, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedHead {
    pub position: i64,
    pub hash: String,
}

/// A signed checkpoint as exported (files, the log, `GET /api/v1/checkpoints`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exported {
    /// When it was signed (RFC 3339), and the same in Unix microseconds.
    pub at: String,
    pub at_us: i64,
    /// The event log's head (absent while the log is empty).
    pub events: Option<ExportedHead>,
    /// The audit trail's head: its sequence number and link.
    pub audit: Option<ExportedHead>,
    /// The Ed25519 public key that signed it, hex.
    pub key: String,
    /// The signature over `probity-checkpoint/v1`, the time and both heads, hex.
    pub signature: String,
}

const CHECKPOINTS: &str =
    "SELECT at, event_position, event_hash, audit_seq, audit_hash, key, signature FROM checkpoints";

/// Every checkpoint kept in the database, oldest first.
pub async fn checkpoints<S: Tables + ?Sized>(store: &S) -> Result<Vec<Checkpoint>, StoreError> {
    read(store, format!("{CHECKPOINTS} ORDER BY seq")).await
}

/// The newest checkpoint kept in the database.
pub async fn last_checkpoint<S: Tables + ?Sized>(
    store: &S,
) -> Result<Option<Checkpoint>, StoreError> {
    Ok(
        read(store, format!("{CHECKPOINTS} ORDER BY seq DESC LIMIT 1"))
            .await?
            .pop(),
    )
}

async fn read<S: Tables + ?Sized>(store: &S, sql: String) -> Result<Vec<Checkpoint>, StoreError> {
    let q = Query {
        sql,
        binds: vec![],
        columns: vec![
            ColumnType::Int,
            ColumnType::Int,
            ColumnType::Bytes,
            ColumnType::Int,
            ColumnType::Bytes,
            ColumnType::Bytes,
            ColumnType::Bytes,
        ],
        point: false,
    };
    let rows = store.query(&[q]).await?.pop().unwrap_or_default();
    rows.into_iter().map(Checkpoint::from_row).collect()
}

/// The audit trail's head (its last sequence number and link).
pub async fn audit_head<S: Tables + ?Sized>(store: &S) -> Result<Option<Head>, StoreError> {
    let q = Query {
        sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1".into(),
        binds: vec![],
        columns: vec![ColumnType::Int, ColumnType::Bytes],
        point: true,
    };
    let row = store.query(&[q]).await?.pop().unwrap_or_default().pop();
    match row.as_deref() {
        None => Ok(None),
        Some([Value::Int(position), Value::Bytes(hash)]) => Ok(Some(Head {
            position: *position,
            hash: Hash::from_slice(hash)
                .ok_or_else(|| StoreError::Corrupt("the audit head is not 32 bytes".into()))?,
        })),
        Some(_) => Err(StoreError::Corrupt("the audit head is not readable".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn head(position: i64, n: u8) -> Option<Head> {
        Some(Head {
            position,
            hash: Hash([n; 32]),
        })
    }

    #[test]
    fn a_signature_covers_every_field() {
        let c = Checkpoint::sign(&key(1), 1_700_000_000_000_000, head(10, 1), head(20, 2));
        assert!(c.signature_holds());
        let mut later = c.clone();
        later.at += 1;
        let mut shorter = c.clone();
        shorter.events = head(9, 1);
        let mut other_link = c.clone();
        other_link.audit = head(20, 3);
        let mut empty = c.clone();
        empty.events = None;
        let mut other_key = c.clone();
        other_key.key = key(2).verifying_key().to_bytes();
        for forged in [later, shorter, other_link, empty, other_key] {
            assert!(!forged.signature_holds(), "{forged:?}");
        }
    }

    #[test]
    fn the_exported_form_reads_back() {
        let c = Checkpoint::sign(&key(7), 1_700_000_000_000_000, head(3, 9), None);
        let text = c.to_json();
        assert!(text.contains("\"at\":\"2023-11-14T22:13:20Z\""), "{text}");
        assert_eq!(Checkpoint::from_json(&text), Ok(c.clone()));
        assert!(Checkpoint::from_json(&text.replace("\"key\"", "\"kee\"")).is_err());
        assert_eq!(c.key_id().len(), 16);
    }
}
