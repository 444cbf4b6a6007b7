//! Any other body's export, read as a mapping file says (`probity import csv FILE --mapping
//! MAPPING.toml`): which columns hold the case, its allegations, subjects and complainants, how
//! the source's words for categories, findings, sanctions, ethnicities and sexes read in ours,
//! the dates' formats, and how rows group into cases. A new jurisdiction needs a mapping, not
//! code. docs/import-mapping.md documents the format; mappings/philadelphia.toml is the worked
//! example.
//!
//! FILE holds the cases. The allegations are in FILE too, a row each (rows with the same case
//! key make one case, its dates and area from its first row), or in a file of their own named
//! by the mapping (beside FILE; `.gz` files are read compressed), joined to the case by its key.
//! Complainants likewise: on the allegation's row, or in a file of their own. Only the columns
//! the mapping names are read: a narrative or a name column the mapping does not name never
//! leaves the file.
//!
//! Cells are read trimmed of spaces. An empty cell is not recorded. A value the mapping's table
//! for that column does not hold rejects its row, naming the line, the column and the value,
//! unless the table has a `"*"` entry for any other value; our category is the exception: a
//! source category the table does not hold keeps its own words and has none of ours.

use std::collections::HashMap;
use std::path::Path;

use probity_domain::Reference;
use probity_domain::category::CategoryCode;
use probity_domain::imported::{
    AgeBand, Characteristics, Disposition, Ethnicity, ImportedAllegation, ImportedCase,
    ImportedSubject, Sex, SourceDate,
};
use serde::Deserialize;
use serde::de::IntoDeserializer as _;

use crate::{Read, Rejected, Row};

/// Importers' names a mapping may not take: theirs are read by code of their own.
const RESERVED: [&str; 4] = ["probity", "ccrb", "chicago", "iopc-recommendations"];

/// The mapping file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    source: String,
    prefix: String,
    body: String,
    cases: WrittenCases,
    allegations: WrittenAllegations,
    #[serde(default)]
    complainants: Option<WrittenComplainants>,
    #[serde(default)]
    categories: HashMap<String, String>,
    #[serde(default)]
    findings: HashMap<String, WrittenFinding>,
    #[serde(default)]
    sanctions: HashMap<String, WrittenSanction>,
    #[serde(default)]
    ethnicities: HashMap<String, String>,
    #[serde(default)]
    sexes: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenCases {
    key: String,
    received: WrittenDate,
    #[serde(default)]
    closed: Option<WrittenDate>,
    #[serde(default)]
    area: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum WrittenDate {
    Column(String),
    Formatted { column: String, format: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenAllegations {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    subject_rank: Option<String>,
    #[serde(default)]
    subject_ethnicity: Option<String>,
    #[serde(default)]
    subject_sex: Option<String>,
    #[serde(default)]
    subject_age: Option<String>,
    category: String,
    #[serde(default)]
    subcategory: Option<String>,
    finding: String,
    #[serde(default)]
    recommended_finding: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenComplainants {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    ethnicity: Option<String>,
    #[serde(default)]
    sex: Option<String>,
    #[serde(default)]
    age: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum WrittenSanction {
    Known(bool),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum WrittenFinding {
    Word(String),
    Full {
        finding: String,
        #[serde(default)]
        investigated: Option<bool>,
    },
}

/// A finding as the mapping reads a source's word for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Finding {
    finding: Disposition,
    investigated: Option<bool>,
}

/// A column's values in our words: the source's value, else `"*"`.
#[derive(Debug, Clone)]
struct Table<T> {
    name: &'static str,
    values: HashMap<String, T>,
}

impl<T: Clone> Table<T> {
    fn get(&self, value: &str) -> Option<T> {
        self.values
            .get(value)
            .or_else(|| self.values.get("*"))
            .cloned()
    }

    /// Our word for a cell's value; an empty cell not in the table is not recorded.
    fn read(&self, column: &str, value: &str) -> Result<Option<T>, String> {
        match self.get(value) {
            Some(v) => Ok(Some(v)),
            None if value.is_empty() => Ok(None),
            None => Err(format!(
                "{column} '{value}' is not in the mapping's [{}]",
                self.name
            )),
        }
    }
}

/// Where the files' dates are and how they are written.
#[derive(Debug, Clone)]
struct DateColumn {
    column: String,
    format: String,
}

/// A mapping, checked: every word read, every table entry one of ours.
#[derive(Debug)]
pub struct Mapping {
    pub source: String,
    pub prefix: String,
    pub body: String,
    written: Written,
    received: DateColumn,
    closed: Option<DateColumn>,
    categories: HashMap<String, CategoryCode>,
    findings: Table<Finding>,
    sanctions: Table<Option<bool>>,
    ethnicities: Table<Option<Ethnicity>>,
    sexes: Table<Option<Sex>>,
}

/// Why a mapping or its files could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("the mapping is not valid TOML or not in the documented form: {0}")]
    Toml(String),
    #[error("the mapping's {key}: {reason}")]
    Invalid { key: String, reason: String },
    #[error("cannot read {file}: {error}")]
    Io { file: String, error: std::io::Error },
    #[error("{file} ends in .gz but is not gzip-compressed: {error}")]
    NotGzip { file: String, error: std::io::Error },
    #[error("{file}, line 1: the header cannot be read: {error}")]
    Header { file: String, error: String },
    #[error("{file}, line 1: the header has no '{column}' column (the mapping's {key})")]
    MissingColumn {
        file: String,
        column: String,
        key: String,
    },
}

fn invalid(key: impl Into<String>, reason: impl Into<String>) -> MappingError {
    MappingError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

/// One of our words, as serde spells it (`not_substantiated`, `black`).
fn word<T: for<'de> Deserialize<'de>>(key: &str, value: &str) -> Result<T, MappingError> {
    T::deserialize(value.into_deserializer())
        .map_err(|e: serde::de::value::Error| invalid(key, e.to_string()))
}

fn recorded<T: for<'de> Deserialize<'de>>(
    key: &str,
    value: &str,
) -> Result<Option<T>, MappingError> {
    if value == "not_recorded" {
        Ok(None)
    } else {
        word::<T>(key, value).map(Some).map_err(|e| match e {
            MappingError::Invalid { key, reason } => MappingError::Invalid {
                key,
                reason: format!("{reason}, or `not_recorded`"),
            },
            e => e,
        })
    }
}

impl Mapping {
    /// Reads and checks a mapping file's text.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let written: Written =
            toml::from_str(text).map_err(|e| MappingError::Toml(e.to_string()))?;
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 40
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !name_ok(&written.source) {
            return Err(invalid(
                "source",
                "must be 1 to 40 lower-case letters, digits and '-'",
            ));
        }
        if RESERVED.contains(&written.source.as_str()) {
            return Err(invalid(
                "source",
                format!(
                    "'{}' is a name of Probity's own or of an importer of its own",
                    written.source
                ),
            ));
        }
        if !name_ok(&written.body) {
            return Err(invalid(
                "body",
                "must be 1 to 40 lower-case letters, digits and '-' (a code, such as `ppd`)",
            ));
        }
        if written.prefix.is_empty()
            || written.prefix.len() > 12
            || !written.prefix.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "prefix",
                "must be 1 to 12 letters and digits: references are PREFIX-KEY",
            ));
        }
        let date = |key: &str, d: &WrittenDate| -> Result<DateColumn, MappingError> {
            let (column, format) = match d {
                WrittenDate::Column(c) => (c.clone(), "%Y-%m-%d".to_string()),
                WrittenDate::Formatted { column, format } => (column.clone(), format.clone()),
            };
            if !["%Y", "%y", "%F", "%D"].iter().any(|y| format.contains(y)) {
                return Err(invalid(
                    format!("{key}.format"),
                    format!("'{format}' has no year (%Y, %y, %F or %D)"),
                ));
            }
            Ok(DateColumn { column, format })
        };
        let received = date("cases.received", &written.cases.received)?;
        let closed = written
            .cases
            .closed
            .as_ref()
            .map(|d| date("cases.closed", d))
            .transpose()?;
        let mut categories = HashMap::new();
        for (source, code) in &written.categories {
            let code = CategoryCode::parse(code).map_err(|_| {
                invalid(
                    format!("categories.\"{source}\""),
                    format!(
                        "'{code}' is not a category code of the 2020 scheme (`probity categories`)"
                    ),
                )
            })?;
            categories.insert(source.clone(), code);
        }
        let mut findings = HashMap::new();
        for (source, f) in &written.findings {
            let key = format!("findings.\"{source}\"");
            let (finding, investigated) = match f {
                WrittenFinding::Word(w) => (w.as_str(), None),
                WrittenFinding::Full {
                    finding,
                    investigated,
                } => (finding.as_str(), *investigated),
            };
            let finding: Disposition = word(&key, finding)?;
            // A finding on the merits was reached by investigating; the rest say nothing of it.
            let investigated = investigated.or(match finding {
                Disposition::Substantiated
                | Disposition::NotSubstantiated
                | Disposition::Exonerated
                | Disposition::Unfounded => Some(true),
                _ => None,
            });
            findings.insert(
                source.clone(),
                Finding {
                    finding,
                    investigated,
                },
            );
        }
        if findings.is_empty() {
            return Err(invalid(
                "findings",
                "the table is empty: say what each of the source's findings is in ours",
            ));
        }
        let mut sanctions = HashMap::new();
        for (source, s) in &written.sanctions {
            let sanctioned = match s {
                WrittenSanction::Known(b) => Some(*b),
                WrittenSanction::Word(w) if w == "not_recorded" => None,
                WrittenSanction::Word(w) => {
                    return Err(invalid(
                        format!("sanctions.\"{source}\""),
                        format!("'{w}' is not true, false or `not_recorded`"),
                    ));
                }
            };
            sanctions.insert(source.clone(), sanctioned);
        }
        let mut ethnicities = HashMap::new();
        for (source, e) in &written.ethnicities {
            ethnicities.insert(
                source.clone(),
                recorded::<Ethnicity>(&format!("ethnicities.\"{source}\""), e)?,
            );
        }
        let mut sexes = HashMap::new();
        for (source, s) in &written.sexes {
            sexes.insert(
                source.clone(),
                recorded::<Sex>(&format!("sexes.\"{source}\""), s)?,
            );
        }
        let a = &written.allegations;
        let c = written.complainants.as_ref();
        let needs = |column: bool, empty: bool, key: &str, name: &str| {
            if column && empty {
                Err(invalid(
                    key,
                    format!("a column is named but [{name}] is empty"),
                ))
            } else {
                Ok(())
            }
        };
        needs(
            a.subject_ethnicity.is_some() || c.is_some_and(|c| c.ethnicity.is_some()),
            ethnicities.is_empty(),
            "ethnicities",
            "ethnicities",
        )?;
        needs(
            a.subject_sex.is_some() || c.is_some_and(|c| c.sex.is_some()),
            sexes.is_empty(),
            "sexes",
            "sexes",
        )?;
        if a.file.is_some() && a.case.is_none() {
            return Err(invalid(
                "allegations.case",
                "the allegations are in a file of their own: name its column holding the case's key",
            ));
        }
        if let Some(c) = c
            && c.file.is_some()
            && c.case.is_none()
        {
            return Err(invalid(
                "complainants.case",
                "the complainants are in a file of their own: name its column holding the case's key",
            ));
        }
        if a.subject.is_none()
            && (a.subject_rank.is_some()
                || a.subject_ethnicity.is_some()
                || a.subject_sex.is_some()
                || a.subject_age.is_some())
        {
            return Err(invalid(
                "allegations.subject",
                "the subject's characteristics are named but not the column that identifies the subject",
            ));
        }
        Ok(Mapping {
            source: written.source.clone(),
            prefix: written.prefix.to_ascii_uppercase(),
            body: written.body.clone(),
            received,
            closed,
            categories,
            findings: Table {
                name: "findings",
                values: findings,
            },
            sanctions: Table {
                name: "sanctions",
                values: sanctions,
            },
            ethnicities: Table {
                name: "ethnicities",
                values: ethnicities,
            },
            sexes: Table {
                name: "sexes",
                values: sexes,
            },
            written,
        })
    }

    /// The files the mapping reads besides the cases' file, by name.
    pub fn other_files(&self) -> Vec<&str> {
        let mut files = Vec::new();
        if let Some(f) = &self.written.allegations.file {
            files.push(f.as_str());
        }
        if let Some(f) = self
            .written
            .complainants
            .as_ref()
            .and_then(|c| c.file.as_ref())
        {
            files.push(f.as_str());
        }
        files
    }
}

/// A file's name and its CSV bytes.
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Reads `cases` (FILE) and the files the mapping names beside it, as `mapping_text` says.
pub fn read_files(cases: &Path, mapping_text: &str) -> Result<Read, MappingError> {
    let mapping = Mapping::parse(mapping_text)?;
    let dir = cases.parent().unwrap_or(Path::new("."));
    let mut digests = vec![format!(
        "mapping {}\n",
        crate::digest(mapping_text.as_bytes())
    )];
    let mut load = |path: &Path| -> Result<(String, Vec<u8>), MappingError> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let bytes = std::fs::read(path).map_err(|error| MappingError::Io {
            file: path.display().to_string(),
            error,
        })?;
        digests.push(format!("{name} {}\n", crate::digest(&bytes)));
        if name.ends_with(".gz") {
            let csv = crate::gunzip(&bytes).map_err(|error| MappingError::NotGzip {
                file: name.clone(),
                error,
            })?;
            return Ok((name, csv));
        }
        Ok((name, bytes))
    };
    let case_file = load(cases)?;
    let others = mapping
        .other_files()
        .into_iter()
        .map(|f| load(&dir.join(f)))
        .collect::<Result<Vec<_>, _>>()?;
    let digest = crate::digest(digests.concat().as_bytes());
    let file = |name: &Option<String>| {
        name.as_ref().map(|n| {
            let (name, bytes) = others
                .iter()
                .find(|(f, _)| {
                    Path::new(n)
                        .file_name()
                        .is_some_and(|x| x.to_string_lossy() == *f)
                })
                .expect("loaded above");
            File { name, bytes }
        })
    };
    let allegations = file(&mapping.written.allegations.file);
    let complainants = file(
        &mapping
            .written
            .complainants
            .as_ref()
            .and_then(|c| c.file.clone()),
    );
    read(
        &mapping,
        &digest,
        File {
            name: &case_file.0,
            bytes: &case_file.1,
        },
        allegations,
        complainants,
    )
}

/// A case being gathered from its rows.
struct Gathered {
    key: String,
    reference: Reference,
    line: u64,
    received: SourceDate,
    closed: Option<SourceDate>,
    area: Option<String>,
    subjects: Vec<ImportedSubject>,
    complainants: Vec<Characteristics>,
    complainant_keys: Vec<Option<String>>,
    allegations: Vec<ImportedAllegation>,
}

/// A CSV file's header, found by the names the mapping gives.
struct Header {
    file: String,
    names: Vec<String>,
}

impl Header {
    fn of<R: std::io::Read>(file: &str, csv: &mut csv::Reader<R>) -> Result<Header, MappingError> {
        let names = csv
            .headers()
            .map_err(|e| MappingError::Header {
                file: file.into(),
                error: e.to_string(),
            })?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        Ok(Header {
            file: file.into(),
            names,
        })
    }

    fn at(&self, column: &str, key: &str) -> Result<usize, MappingError> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| MappingError::MissingColumn {
                file: self.file.clone(),
                column: column.into(),
                key: key.into(),
            })
    }

    fn maybe(&self, column: &Option<String>, key: &str) -> Result<Option<usize>, MappingError> {
        column.as_ref().map(|c| self.at(c, key)).transpose()
    }
}

/// Where an allegation's fields are in its file.
struct AllegationAt {
    subject: Option<usize>,
    rank: Option<usize>,
    ethnicity: Option<usize>,
    sex: Option<usize>,
    age: Option<usize>,
    category: usize,
    subcategory: Option<usize>,
    finding: usize,
    recommended: Option<usize>,
    action: Option<usize>,
}

/// Where a complainant's fields are in their file.
struct ComplainantAt {
    key: Option<usize>,
    ethnicity: Option<usize>,
    sex: Option<usize>,
    age: Option<usize>,
}

/// Reads the files' (decompressed) bytes as `mapping` says; `digest` stands for the set.
pub fn read(
    mapping: &Mapping,
    digest: &str,
    cases: File<'_>,
    allegations: Option<File<'_>>,
    complainants: Option<File<'_>>,
) -> Result<Read, MappingError> {
    let w = &mapping.written;
    let mut rejected = Vec::new();
    let mut order: Vec<Gathered> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();

    let allegation_at = |h: &Header| -> Result<AllegationAt, MappingError> {
        let a = &w.allegations;
        Ok(AllegationAt {
            subject: h.maybe(&a.subject, "allegations.subject")?,
            rank: h.maybe(&a.subject_rank, "allegations.subject_rank")?,
            ethnicity: h.maybe(&a.subject_ethnicity, "allegations.subject_ethnicity")?,
            sex: h.maybe(&a.subject_sex, "allegations.subject_sex")?,
            age: h.maybe(&a.subject_age, "allegations.subject_age")?,
            category: h.at(&a.category, "allegations.category")?,
            subcategory: h.maybe(&a.subcategory, "allegations.subcategory")?,
            finding: h.at(&a.finding, "allegations.finding")?,
            recommended: h.maybe(&a.recommended_finding, "allegations.recommended_finding")?,
            action: h.maybe(&a.action, "allegations.action")?,
        })
    };
    let complainant_at = |h: &Header| -> Result<Option<ComplainantAt>, MappingError> {
        let Some(c) = &w.complainants else {
            return Ok(None);
        };
        Ok(Some(ComplainantAt {
            key: h.maybe(&c.key, "complainants.key")?,
            ethnicity: h.maybe(&c.ethnicity, "complainants.ethnicity")?,
            sex: h.maybe(&c.sex, "complainants.sex")?,
            age: h.maybe(&c.age, "complainants.age")?,
        }))
    };
    let complainants_apart = w.complainants.as_ref().is_some_and(|c| c.file.is_some());

    // The cases' file: a row a case, or a row an allegation grouped by the case's key.
    let mut csv = crate::reader(cases.bytes);
    let header = Header::of(cases.name, &mut csv)?;
    let key_at = header.at(&w.cases.key, "cases.key")?;
    let received_at = header.at(&mapping.received.column, "cases.received")?;
    let closed_at = mapping
        .closed
        .as_ref()
        .map(|c| header.at(&c.column, "cases.closed"))
        .transpose()?;
    let area_at = header.maybe(&w.cases.area, "cases.area")?;
    let here = if allegations.is_none() {
        Some(allegation_at(&header)?)
    } else {
        None
    };
    // Complainants on the allegation's row: this file's rows, when they are the allegations.
    let complainants_here = if complainants_apart || here.is_none() {
        None
    } else {
        complainant_at(&header)?
    };
    let mut bad = Vec::new();
    let mut lines = crate::each_record(&mut csv, &mut bad, |line, r, bad| {
        let f = |c: usize| r.get(c).unwrap_or("").trim();
        let result = (|| {
            let key = f(key_at);
            let (received, closed) = dates(mapping, f(received_at), closed_at.map(f))?;
            let i = match index.get(key) {
                Some(&i) if here.is_none() => {
                    return Err(format!(
                        "case {key} is listed twice (first on line {})",
                        order[i].line
                    ));
                }
                Some(&i) => i,
                None => {
                    let reference = reference(mapping, &w.cases.key, key)?;
                    order.push(Gathered {
                        key: key.to_string(),
                        reference,
                        line,
                        received,
                        closed,
                        area: area_at.map(f).filter(|a| !a.is_empty()).map(str::to_string),
                        subjects: Vec::new(),
                        complainants: Vec::new(),
                        complainant_keys: Vec::new(),
                        allegations: Vec::new(),
                    });
                    index.insert(key.to_string(), order.len() - 1);
                    order.len() - 1
                }
            };
            if let Some(at) = &here
                && let Err(reason) = allegation_row(
                    mapping,
                    at,
                    complainants_here.as_ref(),
                    &f,
                    line,
                    &mut order[i],
                )
            {
                // A rejected row leaves nothing behind: not even the case it began.
                if order[i].line == line {
                    order.pop();
                    index.remove(key);
                }
                return Err(reason);
            }
            Ok(())
        })();
        if let Err(reason) = result {
            bad.push(Rejected {
                line,
                reason: format!("{}: {reason}", cases.name),
            });
        }
    });
    rejected.append(&mut bad);

    // The allegations' file, joined to the cases by key.
    if let Some(file) = &allegations {
        let key = (
            w.allegations.case.as_deref().expect("checked"),
            "allegations.case",
        );
        lines += joined(
            file,
            key,
            &index,
            cases.name,
            &mut order,
            &mut rejected,
            |header| {
                let at = allegation_at(header)?;
                let complainants_here = if complainants_apart {
                    None
                } else {
                    complainant_at(header)?
                };
                Ok(
                    move |r: &csv::StringRecord, line: u64, case: &mut Gathered| {
                        let f = |c: usize| r.get(c).unwrap_or("").trim();
                        allegation_row(mapping, &at, complainants_here.as_ref(), &f, line, case)
                    },
                )
            },
        )?;
    }

    // The complainants' file, joined to the cases by key.
    if let Some(file) = &complainants {
        let written = w.complainants.as_ref().expect("a file is named");
        let key = (
            written.case.as_deref().expect("checked"),
            "complainants.case",
        );
        lines += joined(
            file,
            key,
            &index,
            cases.name,
            &mut order,
            &mut rejected,
            |header| {
                let at = complainant_at(header)?.expect("a file is named");
                Ok(move |r: &csv::StringRecord, _: u64, case: &mut Gathered| {
                    let f = |c: usize| r.get(c).unwrap_or("").trim();
                    complainant(mapping, &at, &f, true, case).map(|_| ())
                })
            },
        )?;
    }

    let rows = order
        .into_iter()
        .map(|mut c| {
            // One complainant in a file of their own: every allegation is theirs. With several,
            // the files do not say whose allegation is whose.
            if complainants_apart && c.complainants.len() == 1 {
                for a in &mut c.allegations {
                    a.complainant = Some(0);
                }
            }
            Row::record(
                &mapping.source,
                c.reference,
                c.key,
                digest,
                c.line,
                ImportedCase {
                    body: mapping.body.clone(),
                    area: c.area,
                    received: c.received,
                    closed: c.closed,
                    subjects: c.subjects,
                    complainants: c.complainants,
                    allegations: c.allegations,
                    notes: Vec::new(),
                },
            )
        })
        .collect();
    Ok(Read {
        digest: digest.to_string(),
        lines,
        rows,
        rejected,
    })
}

/// Reads a file joined to the cases by the case's key (its column, and the mapping's key that
/// names it): each row handed to what `prepare` makes of the header, with its case; a row whose
/// case is not there, or that the handler refuses, is rejected with its line, named by its file.
/// The rows read.
fn joined<H>(
    file: &File<'_>,
    (column, key): (&str, &str),
    index: &HashMap<String, usize>,
    cases: &str,
    order: &mut [Gathered],
    rejected: &mut Vec<Rejected>,
    prepare: impl FnOnce(&Header) -> Result<H, MappingError>,
) -> Result<usize, MappingError>
where
    H: FnMut(&csv::StringRecord, u64, &mut Gathered) -> Result<(), String>,
{
    let mut csv = crate::reader(file.bytes);
    let header = Header::of(file.name, &mut csv)?;
    let case_at = header.at(column, key)?;
    let mut handle = prepare(&header)?;
    let mut bad = Vec::new();
    let lines = crate::each_record(&mut csv, &mut bad, |line, r, bad| {
        let result = case_of(
            index,
            &header,
            case_at,
            r.get(case_at).unwrap_or("").trim(),
            cases,
        )
        .and_then(|i| handle(r, line, &mut order[i]));
        if let Err(reason) = result {
            bad.push(Rejected {
                line,
                reason: format!("{}: {reason}", file.name),
            });
        }
    });
    rejected.append(&mut bad);
    Ok(lines)
}

fn reference(mapping: &Mapping, column: &str, key: &str) -> Result<Reference, String> {
    if key.is_empty() {
        return Err(format!("{column} is empty"));
    }
    Reference::parse(&format!("{}-{key}", mapping.prefix)).map_err(|_| {
        format!(
            "{column} '{key}' cannot make a reference: {}-{key} would need letters, digits, '-' and '/' only, 32 characters at most",
            mapping.prefix
        )
    })
}

fn case_of(
    index: &HashMap<String, usize>,
    header: &Header,
    at: usize,
    key: &str,
    cases: &str,
) -> Result<usize, String> {
    if key.is_empty() {
        return Err(format!("{} is empty", header.names[at]));
    }
    index
        .get(key)
        .copied()
        .ok_or_else(|| format!("case {key} is not in {cases}"))
}

fn dates(
    mapping: &Mapping,
    received: &str,
    closed: Option<&str>,
) -> Result<(SourceDate, Option<SourceDate>), String> {
    let received_on = date(&mapping.received, received)?
        .ok_or_else(|| format!("{} is empty", mapping.received.column))?;
    let closed_on = match (&mapping.closed, closed) {
        (Some(c), Some(v)) => date(c, v)?,
        _ => None,
    };
    if let Some(c) = closed_on
        && c.last_day() < received_on.on
    {
        return Err(format!(
            "closed on {} before it was received on {}",
            c.on, received_on.on
        ));
    }
    Ok((received_on, closed_on))
}

/// A date as the mapping's format writes it, as precise as the format is.
fn date(column: &DateColumn, value: &str) -> Result<Option<SourceDate>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let not = || {
        format!(
            "{} '{value}' is not a date written {}",
            column.column, column.format
        )
    };
    let parsed = jiff::fmt::strtime::parse(&column.format, value).map_err(|_| not())?;
    let year = parsed.year().ok_or_else(not)?;
    let on = match (parsed.month(), parsed.day()) {
        (Some(m), Some(d)) => {
            SourceDate::day(jiff::civil::Date::new(year, m, d).map_err(|_| not())?)
        }
        (Some(m), None) => SourceDate::month(year, m).ok_or_else(not)?,
        _ => SourceDate {
            on: jiff::civil::Date::new(year, 1, 1).map_err(|_| not())?,
            precision: probity_domain::imported::DatePrecision::Year,
        },
    };
    Ok(Some(on))
}

/// An age in years (`44`, `44.0`); an age no person has is not recorded.
fn age(column: &str, value: &str) -> Result<Option<AgeBand>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let years = value.strip_suffix(".0").unwrap_or(value);
    years
        .parse::<i64>()
        .map(AgeBand::of)
        .map_err(|_| format!("{column} '{value}' is not an age in years"))
}

fn characteristics<'r>(
    mapping: &Mapping,
    f: &impl Fn(usize) -> &'r str,
    ethnicity: Option<usize>,
    sex: Option<usize>,
    age_at: Option<usize>,
    names: [&str; 3],
) -> Result<Characteristics, String> {
    let cell = |at: Option<usize>| at.map(f).unwrap_or("");
    Ok(Characteristics {
        ethnicity: mapping
            .ethnicities
            .read(names[0], cell(ethnicity))?
            .flatten(),
        source_ethnicity: Some(cell(ethnicity).to_string()).filter(|e| !e.is_empty()),
        sex: mapping.sexes.read(names[1], cell(sex))?.flatten(),
        age_band: age(names[2], cell(age_at))?,
    })
}

/// Adds the row's complainant to the case. In a file of their own each row is a complainant,
/// unless a key column says two rows are one; on the allegation's row, without a key, the same
/// recorded characteristics in one case are the same complainant, and nothing recorded is none.
fn complainant<'r>(
    mapping: &Mapping,
    at: &ComplainantAt,
    f: &impl Fn(usize) -> &'r str,
    apart: bool,
    case: &mut Gathered,
) -> Result<Option<u32>, String> {
    let c = mapping
        .written
        .complainants
        .as_ref()
        .expect("complainants are mapped");
    let name = |n: &Option<String>| n.clone().unwrap_or_default();
    let traits = characteristics(
        mapping,
        f,
        at.ethnicity,
        at.sex,
        at.age,
        [&name(&c.ethnicity), &name(&c.sex), &name(&c.age)],
    )?;
    let key = at.key.map(f).filter(|k| !k.is_empty()).map(str::to_string);
    let same = match &key {
        Some(_) => case.complainant_keys.iter().position(|k| *k == key),
        None if apart => None,
        None if traits.is_unrecorded() => return Ok(None),
        None => case
            .complainants
            .iter()
            .zip(&case.complainant_keys)
            .position(|(t, k)| k.is_none() && *t == traits),
    };
    let i = same.unwrap_or_else(|| {
        case.complainants.push(traits);
        case.complainant_keys.push(key);
        case.complainants.len() - 1
    });
    Ok(Some(u32::try_from(i).expect("a case's complainants")))
}

/// Adds an allegation's row to its case: the allegation and the row's complainant, or, when
/// the row is rejected, nothing.
fn allegation_row<'r>(
    mapping: &Mapping,
    at: &AllegationAt,
    complainants: Option<&ComplainantAt>,
    f: &impl Fn(usize) -> &'r str,
    line: u64,
    case: &mut Gathered,
) -> Result<(), String> {
    let before = case.complainants.len();
    let complainant = match complainants {
        Some(c) => complainant(mapping, c, f, false, case)?,
        None => None,
    };
    allegation(mapping, at, f, line, complainant, case).inspect_err(|_| {
        case.complainants.truncate(before);
        case.complainant_keys.truncate(before);
    })
}

/// Adds the row's allegation (and its subject, the first time the case names them).
fn allegation<'r>(
    mapping: &Mapping,
    at: &AllegationAt,
    f: &impl Fn(usize) -> &'r str,
    line: u64,
    complainant: Option<u32>,
    case: &mut Gathered,
) -> Result<(), String> {
    let a = &mapping.written.allegations;
    let name = |n: &Option<String>| n.clone().unwrap_or_default();
    let source_category = f(at.category);
    if source_category.is_empty() {
        return Err(format!(
            "{} is empty: an allegation needs its type",
            a.category
        ));
    }
    let source_finding = f(at.finding);
    let finding = mapping
        .findings
        .read(&a.finding, source_finding)?
        .unwrap_or(Finding {
            finding: Disposition::NotRecorded,
            investigated: None,
        });
    let action = at.action.map(f).unwrap_or("");
    let sanctioned = if action.is_empty() || mapping.sanctions.values.is_empty() {
        None
    } else {
        mapping.sanctions.read(&name(&a.action), action)?.flatten()
    };
    let subject = match at.subject.map(f).filter(|k| !k.is_empty()) {
        // An officer the source did not identify: the allegation stands, without a subject.
        None => None,
        Some(key) => Some(match case.subjects.iter().position(|s| s.key == key) {
            Some(i) => i,
            None => {
                let characteristics = characteristics(
                    mapping,
                    f,
                    at.ethnicity,
                    at.sex,
                    at.age,
                    [
                        &name(&a.subject_ethnicity),
                        &name(&a.subject_sex),
                        &name(&a.subject_age),
                    ],
                )?;
                case.subjects.push(ImportedSubject {
                    key: key.to_string(),
                    rank: at.rank.map(f).filter(|r| !r.is_empty()).map(str::to_string),
                    characteristics,
                });
                case.subjects.len() - 1
            }
        }),
    };
    case.allegations.push(ImportedAllegation {
        line,
        subject: subject.map(|s| u32::try_from(s).expect("a case's subjects")),
        complainant,
        category: mapping.categories.get(source_category).copied(),
        source_category: source_category.to_string(),
        source_subcategory: at
            .subcategory
            .map(f)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        investigated: finding.investigated,
        recommended_finding: at
            .recommended
            .map(f)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        finding: finding.finding,
        source_finding: Some(source_finding.to_string()).filter(|s| !s.is_empty()),
        action: Some(action.to_string()).filter(|s| !s.is_empty()),
        sanctioned,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::command::Command;

    /// One file, a row per allegation: grouped into cases by their key.
    const ONE_FILE: &str = r#"
source = "testshire"
prefix = "TS"
body = "tsp"

[cases]
key = "case no"
received = { column = "logged", format = "%d/%m/%Y" }
closed = { column = "closed", format = "%m/%Y" }
area = "district"

[allegations]
subject = "officer"
subject_rank = "rank"
subject_ethnicity = "officer race"
subject_age = "officer age"
category = "type"
subcategory = "detail"
finding = "outcome"
action = "discipline"

[complainants]
ethnicity = "complainant race"
sex = "complainant sex"

[categories]
"Force" = "B6"

[findings]
"Proven" = "substantiated"
"Not proven" = "not_substantiated"
"Withdrawn" = { finding = "no_finding", investigated = false }

[sanctions]
"Dismissed" = true
"*" = false

[ethnicities]
"B" = "black"
"W" = "white"
"U" = "not_recorded"

[sexes]
"F" = "female"
"M" = "male"
"#;

    fn read_one(csv: &str) -> Read {
        let mapping = Mapping::parse(ONE_FILE).unwrap();
        read(
            &mapping,
            "d",
            File {
                name: "export.csv",
                bytes: csv.as_bytes(),
            },
            None,
            None,
        )
        .unwrap()
    }

    fn record(row: &Row) -> &ImportedCase {
        let Command::ImportRecord(c) = &row.command else {
            panic!()
        };
        &c.record
    }

    #[test]
    fn rows_group_into_cases_and_read_in_our_words_beside_the_sources() {
        let read = read_one(
            "case no,logged,closed,district,officer,rank,officer race,officer age,type,detail,outcome,discipline,complainant race,complainant sex,narrative\n\
             101,03/02/2019,05/2019, North ,77,PC,B,29,Force,Punch,Proven,Dismissed,W,F,Officer Jo Bloggs hit me\n\
             101,03/02/2019,05/2019,North,78,Sgt,W,51,Rudeness,,Not proven,,W,F,\n\
             101,03/02/2019,05/2019,North,77,PC,B,29,Rudeness,,Withdrawn,Words of advice,,,\n\
             102,4/2/2019,,South,,,,,Force,,Not proven,,U,M,\n",
        );
        assert!(read.rejected.is_empty(), "{:?}", read.rejected);
        assert_eq!((read.rows.len(), read.lines), (2, 4));
        assert_eq!(read.rows[0].reference.as_str(), "TS-101");
        let c = record(&read.rows[0]);
        assert_eq!(c.body, "tsp");
        assert_eq!(c.area.as_deref(), Some("North"));
        assert_eq!(c.received, SourceDate::day(jiff::civil::date(2019, 2, 3)));
        assert_eq!(c.closed, SourceDate::month(2019, 5));
        assert_eq!((c.subjects.len(), c.allegations.len()), (2, 3));
        assert_eq!(c.subjects[0].key, "77");
        assert_eq!(c.subjects[0].rank.as_deref(), Some("PC"));
        assert_eq!(
            c.subjects[0].characteristics,
            Characteristics {
                ethnicity: Some(Ethnicity::Black),
                source_ethnicity: Some("B".into()),
                sex: None,
                age_band: Some(AgeBand::From25To34),
            }
        );
        let [force, rude, withdrawn] = &c.allegations[..] else {
            panic!()
        };
        assert_eq!(force.category.map(|c| c.code()), Some("B6"));
        assert_eq!(force.source_subcategory.as_deref(), Some("Punch"));
        assert_eq!(
            (force.finding, force.investigated, force.sanctioned),
            (Disposition::Substantiated, Some(true), Some(true))
        );
        assert_eq!((rude.category, rude.subject), (None, Some(1)));
        assert_eq!(
            (rude.finding, rude.sanctioned),
            (Disposition::NotSubstantiated, None),
            "no action recorded"
        );
        assert_eq!(
            (
                withdrawn.investigated,
                withdrawn.sanctioned,
                withdrawn.subject
            ),
            (Some(false), Some(false), Some(0)),
            "any other discipline is no sanction; the same officer again"
        );
        // The same complainant's characteristics on two rows are one complainant; nothing
        // recorded is none.
        assert_eq!(c.complainants.len(), 1);
        assert_eq!(
            (force.complainant, rude.complainant, withdrawn.complainant),
            (Some(0), Some(0), None)
        );
        // An unidentified officer: an allegation without a subject.
        let c = record(&read.rows[1]);
        assert_eq!((c.subjects.len(), c.allegations[0].subject), (0, None));
        assert_eq!(c.complainants[0].ethnicity, None, "U is not recorded");
        assert_eq!(c.complainants[0].source_ethnicity.as_deref(), Some("U"));
        // Only the columns the mapping names are read.
        let json = serde_json::to_string(&read.rows[0].command).unwrap();
        assert!(!json.contains("Bloggs"), "{json}");
    }

    #[test]
    fn each_bad_row_is_rejected_with_its_line_and_what_is_wrong() {
        let read = read_one(
            "case no,logged,closed,district,officer,rank,officer race,officer age,type,detail,outcome,discipline,complainant race,complainant sex\n\
             1,31/02/2019,,,7,,,,Force,,Proven,,,\n\
             2,01/02/2019,01/2018,,7,,,,Force,,Proven,,,\n\
             3,01/02/2019,,,7,,X,,Force,,Proven,,,\n\
             4,01/02/2019,,,7,,,,Force,,Cleared,,,\n\
             5,01/02/2019,,,7,,,,,,Proven,,,\n\
             6,01/02/2019,,,7,,,ninety,Force,,Proven,,,\n\
             a b,01/02/2019,,,7,,,,Force,,Proven,,,\n\
             ,01/02/2019,,,7,,,,Force,,Proven,,,\n\
             9,01/02/2019,,,7\n\
             10,01/02/2019,,,7,,,,Force,,Proven,,,\n",
        );
        let reasons: Vec<String> = read
            .rejected
            .iter()
            .map(|r| format!("{} {}", r.line, r.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                "2 export.csv: logged '31/02/2019' is not a date written %d/%m/%Y",
                "3 export.csv: closed on 2018-01-01 before it was received on 2019-02-01",
                "4 export.csv: officer race 'X' is not in the mapping's [ethnicities]",
                "5 export.csv: outcome 'Cleared' is not in the mapping's [findings]",
                "6 export.csv: type is empty: an allegation needs its type",
                "7 export.csv: officer age 'ninety' is not an age in years",
                "8 export.csv: case no 'a b' cannot make a reference: TS-a b would need letters, digits, '-' and '/' only, 32 characters at most",
                "9 export.csv: case no is empty",
                "10 the row has 5 fields; the header has 14",
            ]
        );
        assert_eq!(read.rows.len(), 1, "the good row");
        assert_eq!(read.lines, 10);
    }

    #[test]
    fn files_of_their_own_join_by_the_case_key() {
        let mapping = Mapping::parse(
            &ONE_FILE
                .replace(
                    "[allegations]\n",
                    "[allegations]\nfile = \"allegations.csv\"\ncase = \"ref\"\n",
                )
                .replace(
                    "[complainants]\n",
                    "[complainants]\nfile = \"people.csv\"\ncase = \"ref\"\n",
                ),
        )
        .unwrap();
        assert_eq!(mapping.other_files(), ["allegations.csv", "people.csv"]);
        let read = read(
            &mapping,
            "d",
            File {
                name: "cases.csv",
                bytes: b"case no,logged,closed,district\n1,01/02/2019,,\n1,01/02/2019,,\n2,01/02/2019,,\n",
            },
            Some(File {
                name: "allegations.csv",
                bytes: b"ref,officer,rank,officer race,officer age,type,detail,outcome,discipline\n1,7,,,,Force,,Proven,\n3,7,,,,Force,,Proven,\n2,7,,,,Force,,Proven,\n2,8,,,,Force,,Proven,\n",
            }),
            Some(File {
                name: "people.csv",
                bytes: b"ref,complainant race,complainant sex\n1,B,F\n2,,\n2,W,M\n9,,\n",
            }),
        )
        .unwrap();
        let reasons: Vec<String> = read
            .rejected
            .iter()
            .map(|r| format!("{} {}", r.line, r.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                "3 cases.csv: case 1 is listed twice (first on line 2)",
                "3 allegations.csv: case 3 is not in cases.csv",
                "5 people.csv: case 9 is not in cases.csv",
            ]
        );
        let one = record(&read.rows[0]);
        assert_eq!(
            (one.complainants.len(), one.allegations[0].complainant),
            (1, Some(0)),
            "one complainant: every allegation is theirs"
        );
        let two = record(&read.rows[1]);
        assert_eq!(two.complainants.len(), 2, "each row a complainant");
        assert_eq!(two.allegations[0].complainant, None, "whose is not known");
        assert_eq!(two.subjects.len(), 2);
        assert_eq!(read.lines, 3 + 4 + 4);
    }

    #[test]
    fn complainants_on_the_rows_of_an_allegations_file_are_read_there() {
        let mapping = Mapping::parse(&ONE_FILE.replace(
            "[allegations]\n",
            "[allegations]\nfile = \"allegations.csv\"\ncase = \"ref\"\n",
        ))
        .unwrap();
        let read = read(
            &mapping,
            "d",
            File {
                name: "cases.csv",
                bytes: b"case no,logged,closed,district\n1,01/02/2019,,\n",
            },
            Some(File {
                name: "allegations.csv",
                bytes: b"ref,officer,rank,officer race,officer age,type,detail,outcome,discipline,complainant race,complainant sex\n1,7,,,,Force,,Proven,,B,F\n",
            }),
            None,
        )
        .unwrap();
        assert!(read.rejected.is_empty(), "{:?}", read.rejected);
        let case = record(&read.rows[0]);
        assert_eq!(case.complainants[0].ethnicity, Some(Ethnicity::Black));
        assert_eq!(case.allegations[0].complainant, Some(0));
    }

    #[test]
    fn a_mapping_that_cannot_be_right_is_refused_naming_the_key() {
        let refused = |from: &str, to: &str| {
            let text = ONE_FILE.replace(from, to);
            assert_ne!(text, ONE_FILE, "{from}");
            Mapping::parse(&text).unwrap_err().to_string()
        };
        let e = refused("\"Force\" = \"B6\"", "\"Force\" = \"Z9\"");
        assert!(
            e.contains("categories.\"Force\"") && e.contains("'Z9'"),
            "{e}"
        );
        let e = refused("\"Proven\" = \"substantiated\"", "\"Proven\" = \"upheld\"");
        assert!(
            e.contains("findings.\"Proven\"") && e.contains("upheld"),
            "{e}"
        );
        let e = refused("\"B\" = \"black\"", "\"B\" = \"blak\"");
        assert!(
            e.contains("ethnicities.\"B\"") && e.contains("not_recorded"),
            "{e}"
        );
        let e = refused("\"Dismissed\" = true", "\"Dismissed\" = \"yes\"");
        assert!(e.contains("sanctions.\"Dismissed\""), "{e}");
        let e = refused("source = \"testshire\"", "source = \"ccrb\"");
        assert!(e.contains("source") && e.contains("'ccrb'"), "{e}");
        let e = refused("prefix = \"TS\"", "prefix = \"T S\"");
        assert!(e.contains("prefix"), "{e}");
        let e = refused("format = \"%m/%Y\"", "format = \"%m\"");
        assert!(
            e.contains("cases.closed.format") && e.contains("no year"),
            "{e}"
        );
        let e = refused("subject = \"officer\"\n", "");
        assert!(e.contains("allegations.subject"), "{e}");
        let e = refused("[allegations]\n", "[allegations]\nfile = \"a.csv\"\n");
        assert!(e.contains("allegations.case"), "{e}");
        let e = refused("area = \"district\"", "area = \"district\"\nareas = 1");
        assert!(e.contains("TOML") && e.contains("areas"), "{e}");
        let e = refused("[findings]", "[outcomes]");
        assert!(e.contains("outcomes"), "{e}");
        // A column the file does not have is named with the mapping's key.
        let mapping = Mapping::parse(ONE_FILE).unwrap();
        let e = read(
            &mapping,
            "d",
            File {
                name: "export.csv",
                bytes: b"case no,logged\n1,01/01/2020\n",
            },
            None,
            None,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "export.csv, line 1: the header has no 'closed' column (the mapping's cases.closed)"
        );
    }

    #[test]
    fn dates_are_as_precise_as_their_format() {
        let column = |format: &str| DateColumn {
            column: "d".into(),
            format: format.into(),
        };
        assert_eq!(
            date(&column("%Y-%m-%d %H:%M:%S"), "2020-04-30 13:05:00").unwrap(),
            Some(SourceDate::day(jiff::civil::date(2020, 4, 30)))
        );
        assert_eq!(
            date(&column("%b %Y"), "Nov 2011").unwrap(),
            SourceDate::month(2011, 11)
        );
        let year = date(&column("%Y"), "2011").unwrap().unwrap();
        assert_eq!(
            (year.on, year.precision),
            (
                jiff::civil::date(2011, 1, 1),
                probity_domain::imported::DatePrecision::Year
            )
        );
        assert_eq!(date(&column("%Y"), "").unwrap(), None);
        assert!(date(&column("%Y-%m-%d"), "2020-04-30 13:05").is_err());
    }
}
