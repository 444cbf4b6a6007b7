//! The hash chain over the event log: each link is SHA-256 over the event's canonical bytes
//! and the previous link, so that changing, removing or reordering any stored event is seen.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::packed::Packed;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The link before the first event.
    pub const GENESIS: Hash = Hash([0; 32]);

    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        <[u8; 32]>::try_from(bytes).ok().map(Hash)
    }

    pub fn hex(&self) -> String {
        probity_domain::hex::encode(&self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// One event as stored: the hashed fields and the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Global, gap-free, in commit order, from 1.
    pub position: i64,
    pub case_id: String,
    /// Per case, from 1.
    pub version: i64,
    /// Unix microseconds.
    pub recorded_at: i64,
    pub actor: String,
    pub kind: String,
    /// The event's canonical JSON.
    pub payload: String,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl EventRecord {
    /// The link this record should carry, recomputed from its fields.
    pub fn expected_hash(&self) -> Hash {
        self.link().expected_hash()
    }

    /// The record as a borrowed link.
    pub fn link(&self) -> EventLink<'_> {
        EventLink {
            position: self.position,
            case_id: &self.case_id,
            version: self.version,
            recorded_at: self.recorded_at,
            actor: &self.actor,
            kind: &self.kind,
            payload: &self.payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }

    /// The record with its link filled in.
    pub fn sealed(mut self) -> Self {
        self.hash = self.expected_hash();
        self
    }
}

/// A stored event's hashed fields, borrowed: what verification reads, without copying them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLink<'a> {
    pub position: i64,
    pub case_id: &'a str,
    pub version: i64,
    pub recorded_at: i64,
    pub actor: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl EventLink<'_> {
    /// SHA-256 over a domain tag, the previous link, the numbers, and each text field with its
    /// length before it.
    pub fn expected_hash(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(b"probity-event/v1\0");
        h.update(self.prev_hash.0);
        h.update(self.position.to_be_bytes());
        h.update(self.version.to_be_bytes());
        h.update(self.recorded_at.to_be_bytes());
        for field in [self.case_id, self.actor, self.kind, self.payload] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        Hash(h.finalize().into())
    }

    pub fn to_record(&self) -> EventRecord {
        EventRecord {
            position: self.position,
            case_id: self.case_id.to_string(),
            version: self.version,
            recorded_at: self.recorded_at,
            actor: self.actor.to_string(),
            kind: self.kind.to_string(),
            payload: self.payload.to_string(),
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// A page of the log packed into one buffer (see `packed.rs`).
#[derive(Debug, Clone, Default)]
pub struct LogPage(Packed<EventFixed, 4>);

/// An event's numbers and links: what is not text.
#[derive(Debug, Clone, Copy)]
struct EventFixed {
    position: i64,
    version: i64,
    recorded_at: i64,
    prev_hash: Hash,
    hash: Hash,
}

impl LogPage {
    pub fn with_capacity(rows: usize, text_bytes: usize) -> LogPage {
        LogPage(Packed::with_capacity(rows, text_bytes))
    }

    pub fn push(&mut self, link: EventLink<'_>) -> Result<(), crate::StoreError> {
        let fixed = EventFixed {
            position: link.position,
            version: link.version,
            recorded_at: link.recorded_at,
            prev_hash: link.prev_hash,
            hash: link.hash,
        };
        self.0
            .push(fixed, [link.case_id, link.actor, link.kind, link.payload])
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// The position of the last row, if any.
    pub fn last_position(&self) -> Option<i64> {
        self.0.last().map(|f| f.position)
    }

    pub fn links(&self) -> impl Iterator<Item = EventLink<'_>> {
        self.0
            .iter()
            .map(|(f, [case_id, actor, kind, payload])| EventLink {
                position: f.position,
                case_id,
                version: f.version,
                recorded_at: f.recorded_at,
                actor,
                kind,
                payload,
                prev_hash: f.prev_hash,
                hash: f.hash,
            })
    }

    pub fn into_records(self) -> Vec<EventRecord> {
        self.links().map(|l| l.to_record()).collect()
    }
}

/// Where and why the chain broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {chain} chain is broken at position {position}: {reason}")]
pub struct BrokenLink {
    /// `event` or `audit`.
    pub chain: &'static str,
    pub position: i64,
    pub reason: String,
}

/// A record in a hash chain: the event log and the audit trail both are.
pub trait Link {
    fn position(&self) -> i64;
    fn prev_hash(&self) -> Hash;
    fn hash(&self) -> Hash;
    fn expected_hash(&self) -> Hash;
}

/// `Link` for a type with `prev_hash` and `hash` fields, numbered by its `$position` field and
/// rehashed by its own `expected_hash`.
macro_rules! chained {
    ($ty:ty, $position:ident) => {
        impl $crate::chain::Link for $ty {
            fn position(&self) -> i64 {
                self.$position
            }
            fn prev_hash(&self) -> $crate::chain::Hash {
                self.prev_hash
            }
            fn hash(&self) -> $crate::chain::Hash {
                self.hash
            }
            fn expected_hash(&self) -> $crate::chain::Hash {
                <$ty>::expected_hash(self)
            }
        }
    };
}

pub(crate) use chained;

chained!(EventLink<'_>, position);
chained!(EventRecord, position);

/// Who says which link a position must hold: an audit entry that recorded the last event its
/// command wrote, or a signed checkpoint of the chain's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Witness {
    /// The audit entry with this sequence number.
    AuditEntry(i64),
    /// The checkpoint signed at this time (Unix microseconds).
    Checkpoint(i64),
}

impl fmt::Display for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Witness::AuditEntry(seq) => write!(f, "audit entry {seq}"),
            Witness::Checkpoint(at) => match jiff::Timestamp::from_microsecond(*at) {
                Ok(t) => write!(f, "the checkpoint signed at {t}"),
                Err(_) => write!(f, "the checkpoint signed at {at}"),
            },
        }
    }
}

/// A link a position must hold, and who says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub position: i64,
    pub hash: Hash,
    pub witness: Witness,
}

/// Checks records in position order, carrying the head across calls so a long log can be
/// verified in pages. Links it was told to expect (`expect`) are compared as they pass, and
/// [`Verifier::finish`] reports any that lie beyond the end: a truncated chain.
#[derive(Debug, Clone)]
pub struct Verifier {
    pub chain: &'static str,
    pub head: Hash,
    pub position: i64,
    /// In position order; `next` is the first not yet reached.
    expected: Vec<Expected>,
    next: usize,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::for_chain("event")
    }
}

impl Verifier {
    pub fn for_chain(chain: &'static str) -> Self {
        Verifier {
            chain,
            head: Hash::GENESIS,
            position: 0,
            expected: Vec::new(),
            next: 0,
        }
    }

    /// Links the chain must hold where its witnesses say.
    pub fn expecting(mut self, mut expected: Vec<Expected>) -> Self {
        expected.sort_by_key(|e| e.position);
        self.expected = expected;
        self.next = 0;
        self
    }

    pub fn check(&mut self, r: &impl Link) -> Result<(), BrokenLink> {
        let chain = self.chain;
        let broken = |reason: String| BrokenLink {
            chain,
            position: r.position(),
            reason,
        };
        if r.position() != self.position + 1 {
            return Err(BrokenLink {
                chain,
                position: self.position + 1,
                reason: format!(
                    "expected position {}, found {}",
                    self.position + 1,
                    r.position()
                ),
            });
        }
        if r.prev_hash() != self.head {
            return Err(broken("it does not follow the previous link".into()));
        }
        if r.expected_hash() != r.hash() {
            return Err(broken("its content does not match its hash".into()));
        }
        while let Some(e) = self.expected.get(self.next)
            && e.position <= r.position()
        {
            if e.position == r.position() && e.hash != r.hash() {
                return Err(broken(format!(
                    "its link is not the one {} recorded",
                    e.witness
                )));
            }
            self.next += 1;
        }
        self.head = r.hash();
        self.position = r.position();
        Ok(())
    }

    /// After the last record: a link expected beyond the end means records were removed.
    pub fn finish(&self) -> Result<(), BrokenLink> {
        match self.expected[self.next..].iter().max_by_key(|e| e.position) {
            Some(e) if e.position > self.position => Err(BrokenLink {
                chain: self.chain,
                position: self.position + 1,
                reason: format!(
                    "the chain ends at position {}, but {} recorded position {}",
                    self.position, e.witness, e.position
                ),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(n: usize) -> Vec<EventRecord> {
        let mut prev = Hash::GENESIS;
        (1..=n as i64)
            .map(|position| {
                let r = EventRecord {
                    position,
                    case_id: format!("case-{}", position % 3),
                    version: position,
                    recorded_at: 1_600_000_000_000_000 + position,
                    actor: "tester".into(),
                    kind: "kind".into(),
                    payload: format!("{{\"n\":{position}}}"),
                    prev_hash: prev,
                    hash: Hash::GENESIS,
                }
                .sealed();
                prev = r.hash;
                r
            })
            .collect()
    }

    #[test]
    fn a_packed_page_gives_back_its_records_and_their_links() {
        let records = chain(7);
        let mut page = LogPage::default();
        for r in &records {
            page.push(r.link()).unwrap();
        }
        assert_eq!(page.len(), 7);
        assert_eq!(page.last_position(), Some(7));
        let mut v = Verifier::default();
        assert!(page.links().all(|l| v.check(&l).is_ok()));
        assert_eq!(page.into_records(), records);
    }

    fn verify(records: &[EventRecord]) -> Result<(), BrokenLink> {
        let mut v = Verifier::default();
        records.iter().try_for_each(|r| v.check(r))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(20)), Ok(()));
    }

    #[test]
    fn expected_links_are_compared_and_a_shortened_chain_is_seen() {
        let records = chain(10);
        let at = |position: i64, witness| Expected {
            position,
            hash: records[position as usize - 1].hash,
            witness,
        };
        let checked = |expected: Vec<Expected>, upto: usize| {
            let mut v = Verifier::default().expecting(expected);
            records[..upto].iter().try_for_each(|r| v.check(r))?;
            v.finish()
        };
        let witnesses = vec![
            at(10, Witness::Checkpoint(1_700_000_000_000_000)),
            at(4, Witness::AuditEntry(2)),
        ];
        assert_eq!(checked(witnesses.clone(), 10), Ok(()));
        let cut = checked(witnesses.clone(), 9).unwrap_err();
        assert_eq!(cut.position, 10);
        assert!(
            cut.reason
                .contains("the checkpoint signed at 2023-11-14T22:13:20Z recorded position 10"),
            "{}",
            cut.reason
        );
        let mut other = witnesses;
        other[1].hash = Hash([9; 32]);
        let err = checked(other, 10).unwrap_err();
        assert_eq!(err.position, 4);
        assert!(err.reason.contains("audit entry 2"), "{}", err.reason);
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let a = chain(1).remove(0);
        let mut b = a.clone();
        b.case_id.push('x');
        b.actor = b.actor[1..].to_string();
        assert_ne!(a.expected_hash(), b.expected_hash());
    }

    proptest! {
        #[test]
        fn changing_any_byte_breaks_the_chain(which in 0usize..20, field in 0u8..5, at in any::<usize>(), bit in 0u8..8) {
            let mut records = chain(20);
            let r = &mut records[which];
            let flip = |s: &mut String| {
                let mut bytes = std::mem::take(s).into_bytes();
                let i = at % bytes.len();
                bytes[i] ^= 1 << (bit % 7); // stay within ASCII
                *s = String::from_utf8(bytes).unwrap();
            };
            match field {
                0 => flip(&mut r.payload),
                1 => flip(&mut r.actor),
                2 => flip(&mut r.case_id),
                3 => r.recorded_at ^= 1 << bit,
                _ => r.hash.0[at % 32] ^= 1 << bit,
            }
            let err = verify(&records).unwrap_err();
            prop_assert!(err.position == which as i64 + 1 || err.position == which as i64 + 2);
        }

        #[test]
        fn removing_or_swapping_events_breaks_the_chain(i in 0usize..19) {
            let mut removed = chain(20);
            removed.remove(i);
            prop_assert!(verify(&removed).is_err());
            let mut swapped = chain(20);
            swapped.swap(i, i + 1);
            prop_assert!(verify(&swapped).is_err());
        }
    }
}
