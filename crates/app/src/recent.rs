//! Case files recently built, kept in memory by case and version.
//!
//! A case file depends only on the case's events and its parties' personal data, and both
//! change only by appending events, which moves the case's version on. So a file built at
//! version v serves every read while the case is still at v: a read checks the version in the
//! read model (one indexed row) instead of reading, folding and serialising the whole stream.
//! Appends made through this process drop the case's entry at once, so erased personal data
//! does not linger in memory; appends by another process or server are caught by the version
//! check. Access is still decided, and every read still audited, on each request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use probity_domain::CaseId;
use probity_domain::access::CaseAccess;

use crate::case_file::CaseFile;

/// Case files kept at most (about 6 KB each for a typical case).
pub const CAPACITY: usize = 4096;

/// A case file as built at one version, with the facts access is decided on.
#[derive(Debug)]
pub struct BuiltFile<F = CaseFile> {
    pub version: u64,
    /// The day its clocks were read on: a file built yesterday shows yesterday's clocks.
    pub day: jiff::civil::Date,
    pub access: CaseAccess,
    pub file: Arc<F>,
}

#[derive(Debug)]
pub struct RecentFiles<F = CaseFile> {
    files: Mutex<HashMap<CaseId, Arc<BuiltFile<F>>>>,
}

impl<F> Default for RecentFiles<F> {
    fn default() -> Self {
        RecentFiles {
            files: Mutex::new(HashMap::new()),
        }
    }
}

impl<F> RecentFiles<F> {
    /// The file of `case_id` if it was built at `version` on `day`.
    pub fn get(
        &self,
        case_id: CaseId,
        version: u64,
        day: jiff::civil::Date,
    ) -> Option<Arc<BuiltFile<F>>> {
        let files = self.files.lock().ok()?;
        files
            .get(&case_id)
            .filter(|f| f.version == version && f.day == day)
            .cloned()
    }

    pub fn keep(&self, case_id: CaseId, file: Arc<BuiltFile<F>>) {
        if let Ok(mut files) = self.files.lock() {
            if files.len() >= CAPACITY && !files.contains_key(&case_id) {
                // The map's order is its hash order: this drops an arbitrary entry.
                if let Some(victim) = files.keys().next().copied() {
                    files.remove(&victim);
                }
            }
            // A slower reader must not put back an older version than one already kept.
            match files.get(&case_id) {
                Some(kept) if kept.version > file.version => {}
                _ => {
                    files.insert(case_id, file);
                }
            }
        }
    }

    /// Drops the files of cases that have just changed.
    pub fn forget(&self, cases: impl IntoIterator<Item = CaseId>) {
        if let Ok(mut files) = self.files.lock() {
            for case_id in cases {
                files.remove(&case_id);
            }
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.files.lock().map(|f| f.len()).unwrap_or(0)
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::Reference;

    const DAY: jiff::civil::Date = jiff::civil::date(2026, 12, 2);

    fn id(n: usize) -> CaseId {
        CaseId::for_reference(&Reference::parse(&format!("T/{n}")).unwrap())
    }

    fn file(version: u64) -> Arc<BuiltFile<String>> {
        Arc::new(BuiltFile {
            version,
            day: DAY,
            access: CaseAccess::default(),
            file: Arc::new(format!("file at version {version}")),
        })
    }

    #[test]
    fn a_file_serves_only_its_own_version() {
        let recent = RecentFiles::<String>::default();
        recent.keep(id(1), file(3));
        assert!(recent.get(id(1), 3, DAY).is_some());
        assert!(recent.get(id(1), 4, DAY).is_none(), "the case has moved on");
        assert!(recent.get(id(2), 3, DAY).is_none());
    }

    #[test]
    fn an_older_build_does_not_replace_a_newer_one() {
        let recent = RecentFiles::<String>::default();
        recent.keep(id(1), file(5));
        recent.keep(id(1), file(4));
        assert!(recent.get(id(1), 5, DAY).is_some());
        recent.keep(id(1), file(6));
        assert!(recent.get(id(1), 6, DAY).is_some());
    }

    #[test]
    fn forgetting_drops_the_file_and_the_store_stays_bounded() {
        let recent = RecentFiles::<String>::default();
        for n in 0..CAPACITY + 10 {
            recent.keep(id(n), file(1));
        }
        assert_eq!(recent.len(), CAPACITY);
        let kept = (0..CAPACITY + 10)
            .find(|n| recent.get(id(*n), 1, DAY).is_some())
            .unwrap();
        recent.forget([id(kept)]);
        assert!(recent.get(id(kept), 1, DAY).is_none());
        assert_eq!(recent.len(), CAPACITY - 1);
    }
}
