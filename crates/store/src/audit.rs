//! The audit trail: every command, every read of a case file, every search and export, every
//! log-in and every denied attempt, in a hash chain of its own. Entries name what was touched,
//! never its content.

use std::borrow::Cow;

use probity_domain::CommandKind;
use sha2::{Digest, Sha256};

use crate::chain::{Hash, chained};
use crate::packed::Packed;
use crate::{Head, StoreError};

/// What was attempted. Stored as its code (`case.read`, `case.command.determine`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A case file read.
    CaseRead,
    /// A command on a case, allowed, refused or failed.
    CaseCommand(CommandKind),
    /// A command that no longer exists, in entries written while it did: the trail is never
    /// rewritten, so its code must still read (and hash) as written.
    RetiredCommand(&'static str),
    /// The case list, or a search over it.
    CasesList,
    /// Every allegation against one person, across cases.
    SubjectHistory,
    /// The audit trail itself.
    AuditRead,
    /// Both hash chains recomputed.
    ChainsVerify,
    /// Every read model rebuilt from the log.
    ReadModelsRebuild,
    /// A whole deployment moved into another store.
    StoreMove,
    SessionLogin,
    SessionLogout,
    UserAdd,
    UserDisable,
    UserPassword,
    UsersList,
    /// An account copied into a new store by a move.
    UserMigrated,
    TokenCreate,
    /// A request that came without valid credentials.
    RequestUnauthenticated,
    /// A request refused for coming too often (from one address, or from one user).
    RequestLimited,
    /// A checkpoint of both chain heads signed on request.
    CheckpointSign,
    /// The signed checkpoints read.
    CheckpointsRead,
    /// Newer bank-holiday data imported.
    HolidaysImport,
    /// A work queue of duties coming due and overdue.
    WorkRead,
    /// The report of overdue duties per force and team.
    OverdueReport,
    /// A notice of a duty coming due or overdue delivered to a team member.
    NoticeSent,
    /// The counts of the outbox read.
    OutboxRead,
    /// A letter made from a case, to preview or print (the sending is the case command).
    LetterRead,
    /// Statistics counted over the allegations.
    StatisticsRead,
}

const ACTIONS: &[(Action, &str)] = &[
    (Action::CaseRead, "case.read"),
    (Action::CasesList, "cases.list"),
    (Action::SubjectHistory, "subject.history"),
    (Action::AuditRead, "audit.read"),
    (Action::ChainsVerify, "audit.verify"),
    (Action::ReadModelsRebuild, "read_models.rebuild"),
    (Action::StoreMove, "store.move"),
    (Action::SessionLogin, "session.login"),
    (Action::SessionLogout, "session.logout"),
    (Action::UserAdd, "user.add"),
    (Action::UserDisable, "user.disable"),
    (Action::UserPassword, "user.password"),
    (Action::UsersList, "users.list"),
    (Action::UserMigrated, "user.migrated"),
    (Action::TokenCreate, "token.create"),
    (Action::RequestUnauthenticated, "request.unauthenticated"),
    (Action::RequestLimited, "request.limited"),
    (Action::CheckpointSign, "audit.checkpoint"),
    (Action::CheckpointsRead, "audit.checkpoints"),
    (Action::HolidaysImport, "holidays.import"),
    (Action::WorkRead, "work.read"),
    (Action::OverdueReport, "report.overdue"),
    (Action::NoticeSent, "notice.sent"),
    (Action::OutboxRead, "outbox.read"),
    (Action::LetterRead, "letter.read"),
    (Action::StatisticsRead, "statistics.read"),
];

const COMMAND_PREFIX: &str = "case.command.";

/// Commands since replaced: `publish` by drafting and a second person's approval.
const RETIRED_COMMANDS: &[&str] = &["publish"];

impl Action {
    pub fn code(self) -> Cow<'static, str> {
        match self {
            Action::CaseCommand(kind) => Cow::Owned(format!("{COMMAND_PREFIX}{}", kind.name())),
            Action::RetiredCommand(name) => Cow::Owned(format!("{COMMAND_PREFIX}{name}")),
            other => Cow::Borrowed(
                ACTIONS
                    .iter()
                    .find(|(a, _)| *a == other)
                    .map(|(_, code)| *code)
                    .expect("every other action has a code in ACTIONS"),
            ),
        }
    }

    /// Every action, as the audit trail names them.
    pub fn all() -> impl Iterator<Item = Action> {
        ACTIONS
            .iter()
            .map(|(a, _)| *a)
            .chain(CommandKind::ALL.iter().map(|k| Action::CaseCommand(*k)))
            .chain(RETIRED_COMMANDS.iter().map(|n| Action::RetiredCommand(n)))
    }

    pub fn parse(code: &str) -> Option<Action> {
        if let Some(name) = code.strip_prefix(COMMAND_PREFIX) {
            return CommandKind::parse(name)
                .map(Action::CaseCommand)
                .or_else(|| {
                    RETIRED_COMMANDS
                        .iter()
                        .find(|r| **r == name)
                        .map(|r| Action::RetiredCommand(r))
                });
        }
        ACTIONS.iter().find(|(_, c)| *c == code).map(|(a, _)| *a)
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Done.
    Allowed,
    /// Refused by the access policy (role, force, need-to-know) or for want of credentials.
    Denied,
    /// Refused by a statutory rule; the detail names it.
    Refused,
    /// Could not be done: no such case or user, a stale version, a broken chain.
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Allowed,
        Outcome::Denied,
        Outcome::Refused,
        Outcome::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unix microseconds.
    pub recorded_at: i64,
    /// Who: the user name, `console:NAME` at the command line, or `-` before anyone signed in.
    pub actor: String,
    /// The role they acted in, or `-`.
    pub role: String,
    pub action: Action,
    /// What it was attempted on: a case reference, a user name, or `-`.
    pub target: String,
    pub outcome: Outcome,
    /// Why the user needed it (case work, review, audit...).
    pub purpose: String,
    /// Short, never personal data: a rule code, a filter, a count.
    pub detail: String,
    /// The last event a command wrote (its position and link), which ties the audit chain to
    /// the event log; filled in by the store when the events get their positions.
    pub wrote: Option<Head>,
}

impl AuditEntry {
    /// Reads back an entry from its stored columns; `None` when the action or outcome is not
    /// one this version writes.
    #[allow(clippy::too_many_arguments)]
    fn from_stored(
        recorded_at: i64,
        actor: String,
        role: String,
        action: &str,
        target: String,
        outcome: &str,
        purpose: String,
        detail: String,
        wrote: &str,
    ) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            recorded_at,
            actor,
            role,
            action: Action::parse(action)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown audit action '{action}'")))?,
            target,
            outcome: Outcome::parse(outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown audit outcome '{outcome}'")))?,
            purpose,
            detail,
            wrote: parse_wrote(wrote)
                .ok_or_else(|| StoreError::Corrupt(format!("unreadable audit tie '{wrote}'")))?,
        })
    }

    /// The stored form of `wrote`: `position:link`, or empty.
    pub fn wrote_text(&self) -> String {
        self.wrote
            .map(|h| format!("{}:{}", h.position, h.hash.hex()))
            .unwrap_or_default()
    }
}

/// Reads `position:link` (`Some(None)` for the empty text; `None` when unreadable).
fn parse_wrote(text: &str) -> Option<Option<Head>> {
    if text.is_empty() {
        return Some(None);
    }
    let (position, hash) = text.split_once(':')?;
    let hash = probity_domain::hex::decode(hash).and_then(|b| Hash::from_slice(&b))?;
    Some(Some(Head {
        position: position.parse().ok()?,
        hash,
    }))
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
        r.hash = r.expected_hash();
        r
    }
}

/// Answers everyone waiting on a group commit of audit entries: each gets the records of its
/// own entries, in order, or the group's failure.
pub fn answer_group<W>(
    group: Vec<(Vec<AuditEntry>, W)>,
    written: Result<Vec<AuditRecord>, StoreError>,
    answer: impl Fn(W, Result<Vec<AuditRecord>, StoreError>),
) {
    match written {
        Ok(records) => {
            let mut rest = records.as_slice();
            for (mine, waiter) in group {
                let (theirs, tail) = rest.split_at(mine.len().min(rest.len()));
                rest = tail;
                answer(waiter, Ok(theirs.to_vec()));
            }
        }
        Err(e) => {
            for (_, waiter) in group {
                answer(waiter, Err(StoreError::Unavailable(e.to_string())));
            }
        }
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

impl AuditRecord {
    /// The link this record should carry, recomputed from its fields (its action code is made
    /// here, so this allocates for commands; verification reads [`AuditPage`]s instead).
    pub fn expected_hash(&self) -> Hash {
        let e = &self.entry;
        let action = e.action.code();
        let wrote = e.wrote_text();
        AuditLink {
            seq: self.seq,
            recorded_at: e.recorded_at,
            actor: &e.actor,
            role: &e.role,
            action: &action,
            target: &e.target,
            outcome: e.outcome.code(),
            purpose: &e.purpose,
            detail: &e.detail,
            wrote: &wrote,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
        .expected_hash()
    }
}

/// An audit record's hashed fields as stored, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditLink<'a> {
    pub seq: i64,
    pub recorded_at: i64,
    pub actor: &'a str,
    pub role: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub outcome: &'a str,
    pub purpose: &'a str,
    pub detail: &'a str,
    /// `position:link` of the last event a command wrote, or empty.
    pub wrote: &'a str,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl AuditLink<'_> {
    /// SHA-256 over the audit chain's own domain tag, the previous link, the numbers, and each
    /// text field with its length before it. An entry tied to events is `v2`, with the tie
    /// last; one without is hashed as before ties existed.
    pub fn expected_hash(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(if self.wrote.is_empty() {
            &b"probity-audit/v1\0"[..]
        } else {
            &b"probity-audit/v2\0"[..]
        });
        h.update(self.prev_hash.0);
        h.update(self.seq.to_be_bytes());
        h.update(self.recorded_at.to_be_bytes());
        for field in [
            self.actor,
            self.role,
            self.action,
            self.target,
            self.outcome,
            self.purpose,
            self.detail,
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        if !self.wrote.is_empty() {
            h.update((self.wrote.len() as u64).to_be_bytes());
            h.update(self.wrote.as_bytes());
        }
        Hash(h.finalize().into())
    }

    /// The last event this entry says its command wrote; `None` when it names none (or the
    /// tie is unreadable, which its hash then fails to cover).
    pub fn wrote(&self) -> Option<Head> {
        parse_wrote(self.wrote).flatten()
    }
}

impl AuditLink<'_> {
    /// The stored record this link is, its action and outcome read back.
    pub fn to_record(&self) -> Result<AuditRecord, StoreError> {
        Ok(AuditRecord {
            seq: self.seq,
            entry: AuditEntry::from_stored(
                self.recorded_at,
                self.actor.to_string(),
                self.role.to_string(),
                self.action,
                self.target.to_string(),
                self.outcome,
                self.purpose.to_string(),
                self.detail.to_string(),
                self.wrote,
            )?,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

chained!(AuditRecord, seq);
chained!(AuditLink<'_>, seq);

/// A page of the audit trail packed into one buffer, as stored (see `packed.rs`).
#[derive(Debug, Clone, Default)]
pub struct AuditPage(Packed<AuditFixed, 8>);

/// An audit record's numbers and links.
#[derive(Debug, Clone, Copy)]
struct AuditFixed {
    seq: i64,
    recorded_at: i64,
    prev_hash: Hash,
    hash: Hash,
}

impl AuditPage {
    pub fn with_capacity(rows: usize, text_bytes: usize) -> AuditPage {
        AuditPage(Packed::with_capacity(rows, text_bytes))
    }

    pub fn push(&mut self, link: AuditLink<'_>) -> Result<(), StoreError> {
        let fixed = AuditFixed {
            seq: link.seq,
            recorded_at: link.recorded_at,
            prev_hash: link.prev_hash,
            hash: link.hash,
        };
        let fields = [
            link.actor,
            link.role,
            link.action,
            link.target,
            link.outcome,
            link.purpose,
            link.detail,
            link.wrote,
        ];
        self.0.push(fixed, fields)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    pub fn last_seq(&self) -> Option<i64> {
        self.0.last().map(|f| f.seq)
    }

    pub fn links(&self) -> impl Iterator<Item = AuditLink<'_>> {
        self.0.iter().map(
            |(f, [actor, role, action, target, outcome, purpose, detail, wrote])| AuditLink {
                seq: f.seq,
                recorded_at: f.recorded_at,
                actor,
                role,
                action,
                target,
                outcome,
                purpose,
                detail,
                wrote,
                prev_hash: f.prev_hash,
                hash: f.hash,
            },
        )
    }

    /// The stored records, their actions and outcomes read back.
    pub fn into_records(self) -> Result<Vec<AuditRecord>, StoreError> {
        self.links().map(|l| l.to_record()).collect()
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
            action: Action::CaseRead,
            target: "2020/134541".into(),
            outcome: Outcome::Allowed,
            purpose: "case work".into(),
            detail: String::new(),
            wrote: None,
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
        records[2].entry.outcome = Outcome::Denied;
        let mut v = Verifier::default();
        let err = records.iter().try_for_each(|r| v.check(r)).unwrap_err();
        assert_eq!(err.position, 3);
    }

    #[test]
    fn the_tie_to_the_events_is_covered_and_reads_back() {
        let untied = AuditRecord::sealed(1, entry(1), Hash::GENESIS);
        let mut tied_entry = entry(1);
        tied_entry.wrote = Some(Head {
            position: 42,
            hash: Hash([7; 32]),
        });
        let tied = AuditRecord::sealed(1, tied_entry, Hash::GENESIS);
        assert_ne!(untied.hash, tied.hash);
        assert_eq!(
            tied.entry.wrote_text(),
            format!("42:{}", Hash([7; 32]).hex())
        );
        let text = tied.entry.wrote_text();
        assert_eq!(parse_wrote(&text), Some(tied.entry.wrote));
        assert_eq!(parse_wrote(""), Some(None));
        assert_eq!(parse_wrote("42:zz"), None);
        let mut moved = tied.clone();
        moved.entry.wrote = Some(Head {
            position: 41,
            hash: Hash([7; 32]),
        });
        assert_ne!(moved.expected_hash(), moved.hash);
    }

    #[test]
    fn a_packed_page_keeps_every_link() {
        let records = seal_entries(None, &(1..=6).map(entry).collect::<Vec<_>>());
        let mut page = AuditPage::default();
        for r in &records {
            let action = r.entry.action.code();
            page.push(AuditLink {
                seq: r.seq,
                recorded_at: r.entry.recorded_at,
                actor: &r.entry.actor,
                role: &r.entry.role,
                action: &action,
                target: &r.entry.target,
                outcome: r.entry.outcome.code(),
                purpose: &r.entry.purpose,
                detail: &r.entry.detail,
                wrote: "",
                prev_hash: r.prev_hash,
                hash: r.hash,
            })
            .unwrap();
        }
        let mut v = Verifier::default();
        let links: Vec<_> = page.links().collect();
        assert_eq!(links.len(), 6);
        assert!(links.iter().all(|l| v.check(l).is_ok()));
        assert_eq!(links[2].action, "case.read");
        assert_eq!(page.last_seq(), Some(6));
    }

    #[test]
    fn every_action_and_outcome_reads_back_from_its_code() {
        let mut codes = std::collections::HashSet::new();
        for (a, _) in ACTIONS {
            assert_eq!(Action::parse(&a.code()), Some(*a));
            assert!(codes.insert(a.code()));
        }
        for kind in CommandKind::ALL {
            let a = Action::CaseCommand(*kind);
            assert_eq!(Action::parse(&a.code()), Some(a));
            assert!(codes.insert(a.code()));
        }
        assert_eq!(
            Action::CaseCommand(CommandKind::Determine).code(),
            "case.command.determine"
        );
        // A retired command still reads, and writes back, as it was stored.
        let old = Action::parse("case.command.publish").expect("retired, not unknown");
        assert_eq!(old.code(), "case.command.publish");
        assert!(Action::all().any(|a| a == old));
        assert_eq!(Action::parse("case.command.no_such"), None);
        assert_eq!(Action::parse("case.shred"), None);
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.code()), Some(o));
        }
    }
}
