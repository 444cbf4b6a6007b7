//! A case another body recorded, as it came in (`crate::imported::ImportedCase`).

use super::Case;
use crate::event::Fact;

impl Fact for crate::event::RecordImported {
    fn apply(&self, case: &mut Case) {
        let (first, version) = case
            .imported_record
            .as_ref()
            .map_or((self.on, 1), |r| (r.first_imported_on, r.version + 1));
        case.imported_record = Some(crate::imported::ImportedRecord {
            reference: self.reference.clone(),
            from: self.from.clone(),
            case: self.record.clone(),
            first_imported_on: first,
            version,
        });
    }

    fn describe(&self) -> String {
        format!(
            "case imported from {} (line {})",
            self.from.source, self.from.line
        )
    }
}
