//! The audit trail: every command, every read of a case file, every search and export, every
//! log-in and every denied attempt, in a hash chain of its own. Entries name what was touched,
//! never its content.

use sha2::{Digest, Sha256};

use crate::chain::{Hash, Link};

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unix microseconds.
    pub recorded_at: i64,
    /// The user name, or `-` before anyone is signed in.
    pub actor: String,
    pub role: String,
    /// What was attempted: `case.read`, `case.command.determine`, `cases.list`, `session.login`...
    pub action: String,
    /// What it was attempted on: a case reference, a user name, or `-`.
    pub target: String,
    /// `allowed`, `denied`, `refused` or `failed`.
    pub outcome: String,
    /// Why the user needed it (case work, review, audit...).
    pub purpose: String,
    /// Short, never personal data: a rule code, a filter, a count.
    pub detail: String,
}

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub entry: AuditEntry,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl AuditRecord {
    pub fn sealed(seq: i64, entry: AuditEntry, prev_hash: Hash) -> Self {
        let mut r = AuditRecord {
            seq,
            entry,
            prev_hash,
            hash: Hash::GENESIS,
        };
        r.hash = Link::expected_hash(&r);
        r
    }
}

/// Seals entries into records that follow `head` (the last sequence number and link).
pub fn seal_entries(head: Option<(i64, Hash)>, entries: &[AuditEntry]) -> Vec<AuditRecord> {
    let (mut seq, mut prev) = head.unwrap_or((0, Hash::GENESIS));
    entries
        .iter()
        .map(|e| {
            seq += 1;
            let r = AuditRecord::sealed(seq, e.clone(), prev);
            prev = r.hash;
            r
        })
        .collect()
}

impl Link for AuditRecord {
    fn position(&self) -> i64 {
        self.seq
    }
    fn prev_hash(&self) -> Hash {
        self.prev_hash
    }
    fn hash(&self) -> Hash {
        self.hash
    }
    fn expected_hash(&self) -> Hash {
        let e = &self.entry;
        let mut h = Sha256::new();
        h.update(b"probity-audit/v1\0");
        h.update(self.prev_hash.0);
        h.update(self.seq.to_be_bytes());
        h.update(e.recorded_at.to_be_bytes());
        for field in [
            &e.actor, &e.role, &e.action, &e.target, &e.outcome, &e.purpose, &e.detail,
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        Hash(h.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::Verifier;

    fn entry(n: i64) -> AuditEntry {
        AuditEntry {
            recorded_at: n,
            actor: "u".into(),
            role: "investigator".into(),
            action: "case.read".into(),
            target: "2020/134541".into(),
            outcome: "allowed".into(),
            purpose: "case work".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn the_audit_chain_verifies_and_detects_changes() {
        let mut prev = Hash::GENESIS;
        let mut records: Vec<_> = (1..=5)
            .map(|n| {
                let r = AuditRecord::sealed(n, entry(n), prev);
                prev = r.hash;
                r
            })
            .collect();
        let mut v = Verifier::default();
        assert!(records.iter().all(|r| v.check(r).is_ok()));
        records[2].entry.outcome = "denied".into();
        let mut v = Verifier::default();
        let err = records.iter().try_for_each(|r| v.check(r)).unwrap_err();
        assert_eq!(err.position, 3);
    }
}
