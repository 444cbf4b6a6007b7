//! Chicago Police complaints, 1967–2018, as the Invisible Institute published them
//! (shared/data/chicago, gzip-compressed CSV, read compressed): one imported case per complaint
//! of `complaints-complaints.csv.gz` (`CPD-{cr_id}`), each accused row of
//! `complaints-accused.csv.gz` one allegation against its officer (known by the data set's
//! `UID`), with its recommended and final findings and outcome as the files write them; the
//! complainants' recorded race, gender and age from `complaints-complainants.csv.gz`; officers'
//! race, gender and year of birth from `final-profiles.csv.gz` when it is there. Names and
//! addresses are not read.
//!
//! The set is not whole: 36,027 complainant rows name a complaint the complaints file does not
//! hold; each is rejected with its line (the complaints and accused rows all load). 38
//! complaints are closed, the files say, before they were filed: they load without a closing
//! date, and the date the file gives is in the case's `notes`.
//!
//! A complaint with one complainant links each allegation to them; with several, the files do
//! not say whose allegation is whose, so none is linked (the complainants are still counted).
//! Findings: SU sustained, NS not sustained, UN unfounded, EX exonerated; NAF (no affidavit) and
//! the rest closed without a finding on the merits, and not investigated for NAF; an empty
//! finding is not recorded. An outcome other than none (no action, sustained with no penalty,
//! a penalty not served, unknown) is a sanction.

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use probity_domain::Reference;
use probity_domain::category::CategoryCode;
use probity_domain::imported::{
    AgeBand, Characteristics, Disposition, Ethnicity, ImportedAllegation, ImportedCase,
    ImportedSubject, Sex, SourceDate,
};

use crate::{FileError, Read, Rejected, Row};

pub const SOURCE: &str = "chicago";
pub const BODY: &str = "cpd";

pub const COMPLAINTS: &str = "complaints-complaints.csv.gz";
pub const ACCUSED: &str = "complaints-accused.csv.gz";
pub const COMPLAINANTS: &str = "complaints-complainants.csv.gz";
pub const PROFILES: &str = "final-profiles.csv.gz";

/// Why the directory could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    #[error("cannot read {file}: {error}")]
    Io { file: String, error: std::io::Error },
    #[error("{file} is not gzip-compressed CSV: {error}")]
    NotGzip { file: String, error: std::io::Error },
    #[error("{file}, {error}")]
    File { file: String, error: FileError },
}

struct Complaint {
    id: String,
    line: u64,
    received: SourceDate,
    closed: Option<SourceDate>,
    area: Option<String>,
    subjects: Vec<ImportedSubject>,
    complainants: Vec<Characteristics>,
    allegations: Vec<ImportedAllegation>,
    notes: Vec<String>,
}

/// An officer's recorded characteristics and year of birth.
struct Profile {
    ethnicity: Option<Ethnicity>,
    source_ethnicity: Option<String>,
    sex: Option<Sex>,
    born: Option<i16>,
}

/// Reads `dir`: the complaints, their accused and complainants (and officers' profiles when
/// there). Fails only when a file is missing or is not what the importer reads; each bad row is
/// a [`Rejected`] with its line, its reason naming the file.
pub fn read_dir(dir: &Path) -> Result<Read, DirError> {
    let mut digests = Vec::new();
    let mut open = |name: &str, required: bool| -> Result<Option<Vec<u8>>, DirError> {
        let path = dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(DirError::Io {
                    file: path.display().to_string(),
                    error,
                });
            }
        };
        digests.push(format!("{name} {}\n", crate::digest(&bytes)));
        let csv = crate::gunzip(&bytes).map_err(|error| DirError::NotGzip {
            file: name.to_string(),
            error,
        })?;
        Ok(Some(csv))
    };
    let complaints = open(COMPLAINTS, true)?.expect("required");
    let accused = open(ACCUSED, true)?.expect("required");
    let complainants = open(COMPLAINANTS, true)?.expect("required");
    let profiles = open(PROFILES, false)?;
    let digest = crate::digest(digests.concat().as_bytes());
    read(
        &digest,
        &complaints,
        &accused,
        &complainants,
        profiles.as_deref(),
    )
}

fn file_error(file: &str) -> impl Fn(FileError) -> DirError + '_ {
    move |error| DirError::File {
        file: file.to_string(),
        error,
    }
}

/// Reads the files' decompressed bytes; `digest` stands for the set.
pub fn read(
    digest: &str,
    complaints: &[u8],
    accused: &[u8],
    complainants: &[u8],
    profiles: Option<&[u8]>,
) -> Result<Read, DirError> {
    let mut rejected = Vec::new();
    let reject = |rejected: &mut Vec<Rejected>, file: &str, line: u64, reason: String| {
        rejected.push(Rejected {
            line,
            reason: format!("{file}: {reason}"),
        });
    };

    // Officers' profiles: UID → characteristics.
    let mut officers: HashMap<String, Profile> = HashMap::new();
    if let Some(bytes) = profiles {
        let mut csv = crate::reader(bytes);
        let at = crate::columns(&mut csv, &["UID", "birth_year", "race", "gender"])
            .map_err(file_error(PROFILES))?;
        let mut bad = Vec::new();
        crate::each_record(&mut csv, &mut bad, |_, r, _| {
            let f = |c: usize| r.get(at[c]).unwrap_or("").trim();
            if let Some(uid) = number(f(0)) {
                officers.insert(
                    uid,
                    Profile {
                        ethnicity: ethnicity_of(f(2)),
                        source_ethnicity: Some(f(2).to_string()).filter(|e| !e.is_empty()),
                        sex: sex_of(f(3)),
                        born: number(f(1)).and_then(|y| y.parse().ok()),
                    },
                );
            }
        });
        // A profile that cannot be read leaves its officer's characteristics unrecorded.
    }

    // Complaints.
    let mut order: Vec<Complaint> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut csv = crate::reader(complaints);
    let at = crate::columns(
        &mut csv,
        &[
            "cr_id",
            "incident_date",
            "complaint_date",
            "closed_date",
            "beat",
        ],
    )
    .map_err(file_error(COMPLAINTS))?;
    let mut bad = Vec::new();
    let mut lines = crate::each_record(&mut csv, &mut bad, |line, r, bad| {
        let f = |c: usize| r.get(at[c]).unwrap_or("").trim();
        let id = f(0);
        let reason = if !valid_id(id) {
            Some(format!("cr_id '{id}' is not a complaint number"))
        } else if index.contains_key(id) {
            Some(format!("complaint {id} is listed twice"))
        } else {
            None
        };
        if let Some(reason) = reason {
            return reject(bad, COMPLAINTS, line, reason);
        }
        // Filed on its complaint date; the few without one, on the day of the incident.
        let filed = if f(2).is_empty() { f(1) } else { f(2) };
        let Some(received) = day(filed) else {
            return reject(
                bad,
                COMPLAINTS,
                line,
                format!("complaint_date '{filed}' is not a date"),
            );
        };
        let closed = match f(3) {
            "" => None,
            d => match day(d) {
                Some(c) => Some(c),
                None => {
                    return reject(
                        bad,
                        COMPLAINTS,
                        line,
                        format!("closed_date '{d}' is not a date"),
                    );
                }
            },
        };
        // 38 complaints were closed, the files say, before they were filed: the complaint
        // is kept, without a closing date it cannot have had, and the file's date is noted.
        let (closed, notes) = match closed {
            Some(c) if c.on < received.on => (
                None,
                vec![format!(
                    "closed_date {} is before the complaint date {}: not used",
                    c.on, received.on
                )],
            ),
            c => (c, Vec::new()),
        };
        index.insert(id.to_string(), order.len());
        order.push(Complaint {
            id: id.to_string(),
            line,
            received,
            closed,
            area: Some(f(4).trim_end_matches(".0").to_string()).filter(|b| !b.is_empty()),
            subjects: Vec::new(),
            complainants: Vec::new(),
            allegations: Vec::new(),
            notes,
        });
    });
    rejected.append(&mut bad);

    // Complainants.
    let mut csv = crate::reader(complainants);
    let at = crate::columns(&mut csv, &["cr_id", "age", "gender", "race", "birth_year"])
        .map_err(file_error(COMPLAINANTS))?;
    let mut bad = Vec::new();
    lines += crate::each_record(&mut csv, &mut bad, |line, r, bad| {
        let f = |c: usize| r.get(at[c]).unwrap_or("").trim();
        let Some(&i) = index.get(f(0)) else {
            return reject(
                bad,
                COMPLAINANTS,
                line,
                format!("complaint {} is not in {COMPLAINTS}", f(0)),
            );
        };
        // The age, else the year of birth against the year of the complaint.
        let year = i64::from(order[i].received.on.year());
        let age = number(f(1))
            .and_then(|a| a.parse::<i64>().ok())
            .or_else(|| {
                number(f(4))
                    .and_then(|b| b.parse::<i64>().ok())
                    .map(|born| year - born)
            });
        order[i].complainants.push(Characteristics {
            ethnicity: ethnicity_of(f(3)),
            source_ethnicity: Some(f(3).to_string()).filter(|e| !e.is_empty()),
            sex: sex_of(f(2)),
            age_band: age.and_then(AgeBand::of),
        });
    });
    rejected.append(&mut bad);

    // Accused: one allegation a row.
    let mut csv = crate::reader(accused);
    let at = crate::columns(
        &mut csv,
        &[
            "UID",
            "complaint_category",
            "complaint_code",
            "cr_id",
            "final_finding",
            "final_outcome",
            "recc_finding",
            "recc_outcome",
        ],
    )
    .map_err(file_error(ACCUSED))?;
    let mut bad = Vec::new();
    lines += crate::each_record(&mut csv, &mut bad, |line, r, bad| {
        let f = |c: usize| r.get(at[c]).unwrap_or("").trim();
        let Some(&i) = index.get(f(3)) else {
            return reject(
                bad,
                ACCUSED,
                line,
                format!("complaint {} is not in {COMPLAINTS}", f(3)),
            );
        };
        let Some(uid) = number(f(0)) else {
            return reject(
                bad,
                ACCUSED,
                line,
                format!("UID '{}' is not an officer's number", f(0)),
            );
        };
        let c = &mut order[i];
        let subject = match c.subjects.iter().position(|s| s.key == uid) {
            Some(s) => s,
            None => {
                let p = officers.get(&uid);
                let age = p
                    .and_then(|p| p.born)
                    .map(|born| i64::from(c.received.on.year()) - i64::from(born));
                c.subjects.push(ImportedSubject {
                    key: uid,
                    rank: None,
                    characteristics: Characteristics {
                        ethnicity: p.and_then(|p| p.ethnicity),
                        source_ethnicity: p.and_then(|p| p.source_ethnicity.clone()),
                        sex: p.and_then(|p| p.sex),
                        age_band: age.and_then(AgeBand::of),
                    },
                });
                c.subjects.len() - 1
            }
        };
        let (category, sub) = match f(1).split_once(':') {
            Some((cat, sub)) => (cat.trim(), Some(sub.trim())),
            None => (f(1), None),
        };
        let finding = f(4);
        let outcome = f(5);
        let code = f(2);
        c.allegations.push(ImportedAllegation {
            line,
            subject: Some(u32::try_from(subject).expect("a complaint's officers")),
            // Set once every complainant is read (below).
            complainant: None,
            category: category_of(f(1)),
            source_category: if category.is_empty() {
                format!("code {code}")
            } else {
                category.to_string()
            },
            source_subcategory: sub.filter(|s| !s.is_empty()).map(str::to_string),
            investigated: match finding {
                "" => None,
                "NAF" => Some(false),
                _ => Some(true),
            },
            recommended_finding: Some(f(6).to_string()).filter(|x| !x.is_empty()),
            finding: disposition_of(finding),
            source_finding: Some(finding.to_string()).filter(|x| !x.is_empty()),
            action: Some(outcome.to_string()).filter(|x| !x.is_empty()),
            sanctioned: sanctioned(outcome),
        });
    });
    rejected.append(&mut bad);

    let rows = order
        .into_iter()
        .map(|mut c| {
            if c.complainants.len() == 1 {
                for a in &mut c.allegations {
                    a.complainant = Some(0);
                }
            }
            let reference = Reference::parse(&format!("CPD-{}", c.id)).expect("a valid id");
            Row::record(
                SOURCE,
                reference,
                c.id,
                digest,
                c.line,
                ImportedCase {
                    body: BODY.into(),
                    area: c.area,
                    received: c.received,
                    closed: c.closed,
                    subjects: c.subjects,
                    complainants: c.complainants,
                    allegations: c.allegations,
                    notes: c.notes,
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

/// A complaint number: digits, or `C` and digits for the oldest.
fn valid_id(id: &str) -> bool {
    let digits = id.strip_prefix('C').unwrap_or(id);
    !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A whole number as the files write it (`130469.0`).
fn number(s: &str) -> Option<String> {
    let n = s.strip_suffix(".0").unwrap_or(s);
    (!n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit())).then(|| n.to_string())
}

fn day(s: &str) -> Option<SourceDate> {
    s.parse::<Date>().ok().map(SourceDate::day)
}

pub fn disposition_of(finding: &str) -> Disposition {
    match finding {
        "SU" => Disposition::Substantiated,
        "NS" => Disposition::NotSubstantiated,
        "UN" => Disposition::Unfounded,
        "EX" => Disposition::Exonerated,
        "" => Disposition::NotRecorded,
        _ => Disposition::NoFinding,
    }
}

/// Whether an outcome is a sanction; None when the files do not know.
pub fn sanctioned(outcome: &str) -> Option<bool> {
    let o = outcome.to_ascii_uppercase();
    match o.as_str() {
        "" | "UNKNOWN" => None,
        "NO ACTION TAKEN" | "SUSTAINED-NO PENALTY" | "VIOLATION NOTED" => Some(false),
        _ if o.contains("NOT SERVED") || o.starts_with("REINSTATED") => Some(false),
        _ => Some(true),
    }
}

pub fn ethnicity_of(race: &str) -> Option<Ethnicity> {
    Some(match race {
        "BLACK" => Ethnicity::Black,
        "WHITE" => Ethnicity::White,
        "ASIAN/PACIFIC ISLANDER" => Ethnicity::Asian,
        "HISPANIC" | "NATIVE AMERICAN/ALASKAN NATIVE" => Ethnicity::Other,
        _ => return None,
    })
}

pub fn sex_of(gender: &str) -> Option<Sex> {
    Some(match gender {
        "MALE" => Sex::Male,
        "FEMALE" => Sex::Female,
        _ => return None,
    })
}

/// Our classification (the 2020 scheme) of a Chicago category: Probity's mapping, not the
/// city's. None where no subcategory says what the allegation is.
pub fn category_of(category: &str) -> Option<CategoryCode> {
    let c = category.to_ascii_uppercase();
    let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
    let code = if has(&["RACIAL", "ETHNIC", "SEXUAL ORIENTATION"]) {
        if has(&["SEXUAL ORIENTATION"]) {
            "F9"
        } else {
            "F6"
        }
    } else if has(&["SEXUAL"]) {
        "J3"
    } else if has(&["BRIBERY", "CORRUPT"]) {
        "G4"
    } else if has(&["FORCE", "PHYSICAL CONTACT", "ARRESTEE", "WEAPON"]) {
        "B6"
    } else if has(&["SEARCH OF PREMISE", "PREMISE"]) {
        "B2"
    } else if has(&["SEARCH"]) {
        "B1"
    } else if has(&["LOCKUP", "DETENTION", "CUSTODY"]) {
        "B4"
    } else if has(&["ARREST"]) {
        "B3"
    } else if has(&["PROFANITY", "VERBAL ABUSE", "DISCOURTESY"]) {
        "H1"
    } else if has(&["CIVIL RIGHTS"]) {
        "F10"
    } else if has(&["PROPERTY", "INVENTORY"]) {
        "C1"
    } else if has(&[
        "FAILURE TO PROVIDE SERVICE",
        "NEGLECT OF DUTY",
        "SUPERVISOR",
    ]) {
        "A1"
    } else if has(&[
        "CONDUCT UNBECOMING",
        "COMMISSION OF CRIME",
        "DOMESTIC",
        "INTOXICATED",
    ]) {
        "K1"
    } else if has(&["REPORTS", "PROCEDURE", "OPERATION", "TRAFFIC", "CITATION"]) {
        "B9"
    } else if c.is_empty() {
        return None;
    } else {
        "L1"
    };
    CategoryCode::parse(code).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::command::Command;

    const COMPLAINTS_CSV: &str = "cr_id,cv,incident_date,complaint_date,closed_date,add1,add2,beat,city,full_address,location\n\
1000194,2,2006-10-02,2006-10-02,,7809,S SOUTH SHORE DR ,0421,CHICAGO IL,,17\n\
C170981,1,1987-01-01,1987-01-05,1988-02-01,,,832.0,,,\n\
bad id,1,1987-01-01,1987-01-05,,,,,,,\n\
1000195,2,2006-10-02,yesterday,,,,,,,\n";
    const ACCUSED_CSV: &str = "UID,complaint_category,complaint_code,cr_id,cv,final_finding,final_outcome,recc_finding,recc_outcome,link_UID\n\
130469.0,SUPERVISOR RESPONSIBILITY:  FAIL TO OBTAIN COMPLAINT REGISTER NO.,12D,C170981,1,NS,NO ACTION TAKEN,,,20040.0\n\
103495.0,EXCESSIVE FORCE:  ARRESTEE - DURING ARREST,05A,C170981,1,SU,5 DAY SUSPENSION,SU,10 DAY SUSPENSION,7727.0\n\
103495.0,ILLEGAL ARREST,06A,C170981,1,UN,NO ACTION TAKEN,,,7727.0\n\
103495.0,ILLEGAL ARREST,06A,9999999,1,UN,NO ACTION TAKEN,,,7727.0\n";
    const COMPLAINANTS_CSV: &str =
        "age,birth_year,cr_id,cv,gender,race\n50.0,,C170981,1,MALE,WHITE\n";
    const PROFILES_CSV: &str =
        "UID,first_name,last_name,birth_year,race,gender\n103495,Jo,Bloggs,1950.0,BLACK,FEMALE\n";

    #[test]
    fn each_complaint_is_a_case_with_its_accused_findings_and_complainants() {
        let read = read(
            "d",
            COMPLAINTS_CSV.as_bytes(),
            ACCUSED_CSV.as_bytes(),
            COMPLAINANTS_CSV.as_bytes(),
            Some(PROFILES_CSV.as_bytes()),
        )
        .unwrap();
        assert_eq!(read.rows.len(), 2, "{:?}", read.rejected);
        let reasons: Vec<String> = read
            .rejected
            .iter()
            .map(|r| format!("{} {}", r.line, r.reason))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("5 complaints-accused.csv.gz: complaint 9999999"))
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("4 complaints-complaints.csv.gz: cr_id 'bad id'"))
        );
        assert!(
            reasons.iter().any(
                |r| r.starts_with("5 complaints-complaints.csv.gz: complaint_date 'yesterday'")
            )
        );
        let Command::ImportRecord(c) = &read.rows[1].command else {
            panic!()
        };
        assert_eq!(c.reference.as_str(), "CPD-C170981");
        let r = &c.record;
        assert_eq!((r.subjects.len(), r.allegations.len()), (2, 3));
        assert_eq!(r.area.as_deref(), Some("832"));
        let force = &r.allegations[1];
        assert_eq!(force.source_category, "EXCESSIVE FORCE");
        assert_eq!(
            force.source_subcategory.as_deref(),
            Some("ARRESTEE - DURING ARREST")
        );
        assert_eq!(force.category.map(|c| c.code()), Some("B6"));
        assert_eq!(
            (force.finding, force.recommended_finding.as_deref()),
            (Disposition::Substantiated, Some("SU"))
        );
        assert_eq!(
            (force.action.as_deref(), force.sanctioned),
            (Some("5 DAY SUSPENSION"), Some(true))
        );
        assert_eq!(force.complainant, Some(0), "the one complainant's");
        let officer = &r.subjects[1].characteristics;
        assert_eq!(
            (officer.ethnicity, officer.sex),
            (Some(Ethnicity::Black), Some(Sex::Female))
        );
        assert_eq!(
            officer.age_band,
            Some(AgeBand::From35To44),
            "born 1950, complaint 1987"
        );
        assert!(
            r.subjects[0].characteristics == Characteristics::default(),
            "no profile"
        );
        let json = serde_json::to_string(&read.rows[1].command).unwrap();
        assert!(
            !json.contains("Bloggs") && !json.contains("SHORE"),
            "{json}"
        );
        // The complaint without accused is a case without allegations.
        let Command::ImportRecord(c) = &read.rows[0].command else {
            panic!()
        };
        assert!(c.record.allegations.is_empty());
        assert_eq!(read.lines, 4 + 4 + 1);
    }

    #[test]
    fn a_complaint_closed_before_it_was_filed_loads_without_that_date_and_says_so() {
        let complaints = "cr_id,incident_date,complaint_date,closed_date,beat\n1,2006-10-01,2006-10-02,1929-12-31,\n";
        let read = read("d", complaints.as_bytes(), b"UID,complaint_category,complaint_code,cr_id,final_finding,final_outcome,recc_finding,recc_outcome\n", b"cr_id,age,gender,race,birth_year\n", None).unwrap();
        assert!(read.rejected.is_empty(), "{:?}", read.rejected);
        let Command::ImportRecord(c) = &read.rows[0].command else {
            panic!()
        };
        assert_eq!(c.record.closed, None);
        assert_eq!(
            c.record.notes,
            ["closed_date 1929-12-31 is before the complaint date 2006-10-02: not used"]
        );
    }

    #[test]
    fn outcomes_and_findings_read_as_the_files_mean_them() {
        assert_eq!(disposition_of("NAF"), Disposition::NoFinding);
        assert_eq!(disposition_of(""), Disposition::NotRecorded);
        assert_eq!(sanctioned("RESIGNED -NOT SERVED"), Some(false));
        assert_eq!(sanctioned("Reprimand"), Some(true));
        assert_eq!(sanctioned("SEPARATION"), Some(true));
        assert_eq!(sanctioned("Unknown"), None);
        assert_eq!(
            category_of("VERBAL ABUSE - RACIAL/ETHNIC/ETC.").map(|c| c.code()),
            Some("F6")
        );
        assert_eq!(
            category_of("SEARCH OF PREMISE/VEHICLE WITHOUT WARRANT").map(|c| c.code()),
            Some("B2")
        );
        assert_eq!(category_of("").map(|c| c.code()), None);
    }

    #[test]
    fn a_file_that_is_not_gzip_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for name in [COMPLAINTS, ACCUSED, COMPLAINANTS] {
            std::fs::write(dir.path().join(name), "cr_id\n1\n").unwrap();
        }
        let e = read_dir(dir.path()).err().unwrap().to_string();
        assert!(e.contains(COMPLAINTS) && e.contains("gzip"), "{e}");
        let e = read_dir(&dir.path().join("nowhere"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("cannot read"), "{e}");
    }
}
