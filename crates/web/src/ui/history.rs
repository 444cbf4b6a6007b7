//! The subject history panel: every allegation against a person serving with the police in
//! the other cases the user may see, whatever its outcome, shown beside a decision about them.
//! Reading it is recorded in the audit trail as shown beside that decision on that case.

use probity_app::{AppError, CaseFile};
use probity_domain::Reference;
use probity_domain::command::CommandKind;
use probity_domain::force::Force;

use super::chrome::{PageUser, case_href, long_date, words};
use crate::error::PageProblem;

pub struct HistoryRow {
    pub reference: String,
    pub href: String,
    pub received_on: String,
    pub category: String,
    pub outcome: String,
}

/// One subject's panel: their name, the rows, and what to say when there are none.
pub struct Panel {
    pub name: String,
    pub rows: Vec<HistoryRow>,
    pub none: String,
}

/// The force and service number by which a subject of `file` is found in other cases.
pub fn lookup(file: &CaseFile, party: &str) -> Option<(Force, String)> {
    let s = file.subjects.iter().find(|s| s.party == party)?;
    let number = s.service_number.clone()?;
    Force::all()
        .find(|f| f.name() == s.force)
        .map(|f| (f, number))
}

/// The rows of one person's history, read as shown beside `kind` on case `r`, and what to say
/// when there are none.
pub async fn rows(
    user: &PageUser,
    r: &Reference,
    lookup: Option<(Force, String)>,
    kind: CommandKind,
) -> Result<(Vec<HistoryRow>, String), PageProblem> {
    let Some((force, number)) = lookup else {
        return Ok((
            Vec::new(),
            "No service number is recorded for this person, so their other cases cannot be found."
                .to_string(),
        ));
    };
    let shown = user
        .user
        .desk
        .subject_history_shown(force, &number, Some((kind, r)))
        .await;
    match shown {
        Ok(rows) => Ok((
            rows.into_iter()
                .filter(|h| h.case.reference != *r)
                .map(|h| HistoryRow {
                    href: case_href(h.case.reference.as_str()),
                    reference: h.case.reference.to_string(),
                    received_on: long_date(h.case.received_on),
                    category: format!(
                        "{}: {} ({})",
                        h.allegation,
                        h.category.info().name,
                        h.category.code()
                    ),
                    outcome: outcome(h.determination, &h.outcome),
                })
                .collect(),
            "No other case you may see names this person.".to_string(),
        )),
        Err(AppError::Denied(_)) => Ok((
            Vec::new(),
            "Your role does not see this person's other cases.".to_string(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A panel for each subject of the case, read as shown beside `kind`.
pub async fn panels(
    user: &PageUser,
    file: &CaseFile,
    kind: CommandKind,
) -> Result<Vec<Panel>, PageProblem> {
    let r = Reference::parse(&file.reference)
        .map_err(|_| PageProblem(crate::error::Problem::not_found()))?;
    let mut out = Vec::new();
    for s in &file.subjects {
        let (rows, none) = rows(user, &r, lookup(file, &s.party), kind).await?;
        out.push(Panel {
            name: s
                .name
                .clone()
                .unwrap_or_else(|| format!("{} (name erased)", s.party)),
            rows,
            none,
        });
    }
    Ok(out)
}

/// The determination and the outcome, said once when they say the same.
fn outcome(determination: Option<probity_domain::conduct::CaseToAnswer>, outcome: &str) -> String {
    let outcome = words(outcome);
    match determination.map(|d| words(&probity_domain::code_of(&d))) {
        Some(d) if !d.eq_ignore_ascii_case(&outcome) => format!("{d}; {}", outcome.to_lowercase()),
        _ => outcome,
    }
}
