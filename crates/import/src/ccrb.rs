//! New York City's Civilian Complaint Review Board allegations, as ProPublica published them
//! (shared/data/ccrb/allegations_202007271729.csv): one row per officer per allegation, grouped
//! into one imported case per complaint (`CCRB-{complaint_id}`). Officers are known by the
//! board's `unique_mos_id`; their names are not read. The FADO type and allegation, the board's
//! disposition and the recorded characteristics of officer and complainant are kept as the file
//! writes them, beside our classification (`category_of`, `disposition_of`, `ethnicity_of`).
//!
//! Dates are months: received and closed. Every allegation in the file was fully investigated
//! and has a finding on its merits (ProPublica left out those the board closed otherwise), and
//! the file does not say what discipline the police department imposed: what the board
//! recommended is the action, and whether a sanction followed is not recorded.

use std::collections::HashMap;

use probity_domain::Reference;
use probity_domain::category::CategoryCode;
use probity_domain::imported::{
    AgeBand, Characteristics, Disposition, Ethnicity, ImportedAllegation, ImportedCase,
    ImportedSubject, Sex, SourceDate,
};

use crate::{FileError, Read, Rejected, Row};

pub const SOURCE: &str = "ccrb";
/// The body whose officers the board's complaints are about.
pub const BODY: &str = "nypd";

const COLUMNS: [&str; 19] = [
    "unique_mos_id",
    "complaint_id",
    "month_received",
    "year_received",
    "month_closed",
    "year_closed",
    "rank_incident",
    "mos_ethnicity",
    "mos_gender",
    "mos_age_incident",
    "complainant_ethnicity",
    "complainant_gender",
    "complainant_age_incident",
    "fado_type",
    "allegation",
    "precinct",
    "board_disposition",
    "command_at_incident",
    "shield_no",
];

/// One complaint's rows, gathered.
struct Complaint {
    line: u64,
    received: SourceDate,
    closed: Option<SourceDate>,
    area: Option<String>,
    subjects: Vec<ImportedSubject>,
    complainants: Vec<Characteristics>,
    allegations: Vec<ImportedAllegation>,
}

/// Reads the file's bytes. Fails only when the file is not this kind of file; each bad row
/// is a [`Rejected`] with its line.
pub fn read(bytes: &[u8]) -> Result<Read, FileError> {
    let mut csv = crate::reader(bytes);
    let at = crate::columns(&mut csv, &COLUMNS)?;
    let digest = crate::digest(bytes);
    let mut rejected = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut complaints: HashMap<String, Complaint> = HashMap::new();
    let lines = crate::each_record(&mut csv, &mut rejected, |line, record, rejected| {
        let field = |c: usize| record.get(at[c]).unwrap_or("").trim();
        if let Err(reason) = gather(&field, line, &mut order, &mut complaints) {
            rejected.push(Rejected { line, reason });
        }
    });
    let rows = order
        .into_iter()
        .map(|id| {
            let c = complaints.remove(&id).expect("gathered");
            let reference =
                Reference::parse(&format!("CCRB-{id}")).expect("digits make a reference");
            Row::record(
                SOURCE,
                reference,
                id,
                &digest,
                c.line,
                ImportedCase {
                    body: BODY.into(),
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
        digest,
        lines,
        rows,
        rejected,
    })
}

/// Adds one row to its complaint, or says why it cannot be read.
fn gather<'r>(
    field: &impl Fn(usize) -> &'r str,
    line: u64,
    order: &mut Vec<String>,
    complaints: &mut HashMap<String, Complaint>,
) -> Result<(), String> {
    let id = field(1);
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("complaint_id '{id}' is not a number"));
    }
    let officer = field(0);
    if officer.is_empty() || officer.len() > 20 || !officer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("unique_mos_id '{officer}' is not a number"));
    }
    let received = month(field(3), field(2)).ok_or_else(|| {
        format!(
            "received in month '{}' of year '{}', which is not a month",
            field(2),
            field(3)
        )
    })?;
    let closed =
        match (field(5), field(4)) {
            ("", "") => None,
            (y, m) => Some(month(y, m).ok_or_else(|| {
                format!("closed in month '{m}' of year '{y}', which is not a month")
            })?),
        };
    let fado = field(13);
    if fado.is_empty() {
        return Err("fado_type is empty".into());
    }
    let disposition = field(16);
    let finding = disposition_of(disposition)
        .ok_or_else(|| format!("board_disposition '{disposition}' is not one the board uses"))?;
    let complaint = match complaints.get_mut(id) {
        Some(c) => {
            if c.received != received || c.closed != closed {
                return Err(format!(
                    "complaint {id} was received or closed in another month on line {}",
                    c.line
                ));
            }
            c
        }
        None => {
            order.push(id.to_string());
            complaints.entry(id.to_string()).or_insert(Complaint {
                line,
                received,
                closed,
                area: Some(field(15).to_string()).filter(|p| !p.is_empty()),
                subjects: Vec::new(),
                complainants: Vec::new(),
                allegations: Vec::new(),
            })
        }
    };
    let subject = match complaint.subjects.iter().position(|s| s.key == officer) {
        Some(i) => i,
        None => {
            complaint.subjects.push(ImportedSubject {
                key: officer.to_string(),
                rank: Some(field(6).to_string()).filter(|r| !r.is_empty()),
                characteristics: Characteristics {
                    ethnicity: ethnicity_of(field(7)),
                    source_ethnicity: Some(field(7).to_string()).filter(|e| !e.is_empty()),
                    sex: sex_of(field(8)),
                    age_band: field(9).parse().ok().and_then(AgeBand::of),
                },
            });
            complaint.subjects.len() - 1
        }
    };
    let complainant = Characteristics {
        ethnicity: ethnicity_of(field(10)),
        source_ethnicity: Some(field(10).to_string()).filter(|e| !e.is_empty()),
        sex: sex_of(field(11)),
        age_band: field(12).parse().ok().and_then(AgeBand::of),
    };
    // A complainant of whom nothing is recorded is not told apart from another.
    let complainant = (complainant != Characteristics::default()).then(|| {
        match complaint
            .complainants
            .iter()
            .position(|c| *c == complainant)
        {
            Some(i) => i,
            None => {
                complaint.complainants.push(complainant);
                complaint.complainants.len() - 1
            }
        }
    });
    let allegation = field(14);
    let action = disposition
        .strip_prefix("Substantiated (")
        .and_then(|r| r.strip_suffix(')'))
        .map(str::to_string);
    complaint.allegations.push(ImportedAllegation {
        line,
        subject: Some(u32::try_from(subject).expect("a complaint's officers")),
        complainant: complainant.map(|c| u32::try_from(c).expect("a complaint's complainants")),
        category: category_of(fado, allegation),
        source_category: fado.to_string(),
        source_subcategory: Some(allegation.to_string()).filter(|a| !a.is_empty()),
        investigated: Some(true),
        recommended_finding: None,
        finding,
        source_finding: Some(disposition.to_string()),
        action,
        sanctioned: None,
    });
    Ok(())
}

fn month(year: &str, month: &str) -> Option<SourceDate> {
    SourceDate::month(year.parse().ok()?, month.parse().ok()?)
}

/// The board's dispositions: substantiated (with the discipline it recommended in brackets),
/// exonerated, unsubstantiated.
pub fn disposition_of(disposition: &str) -> Option<Disposition> {
    Some(match disposition {
        "Exonerated" => Disposition::Exonerated,
        "Unsubstantiated" => Disposition::NotSubstantiated,
        "Unfounded" => Disposition::Unfounded,
        d if d == "Substantiated" || d.starts_with("Substantiated (") => Disposition::Substantiated,
        _ => return None,
    })
}

/// The file's ethnicities in the census's broad groups: Hispanic, American Indian and "Other
/// Race" are none of the census's named groups, so "other" (the file's word is kept beside
/// it); "Unknown" and "Refused" are not a recorded ethnicity.
pub fn ethnicity_of(ethnicity: &str) -> Option<Ethnicity> {
    Some(match ethnicity {
        "Black" => Ethnicity::Black,
        "White" => Ethnicity::White,
        "Asian" => Ethnicity::Asian,
        "Hispanic" | "American Indian" | "Other Race" => Ethnicity::Other,
        _ => return None,
    })
}

/// Officers are recorded `M` or `F`; complainants by their gender as they described it.
pub fn sex_of(sex: &str) -> Option<Sex> {
    Some(match sex {
        "M" | "Male" | "Transman (FTM)" => Sex::Male,
        "F" | "Female" | "Transwoman (MTF)" => Sex::Female,
        "Gender non-conforming" => Sex::Other,
        _ => return None,
    })
}

/// Our classification (the 2020 scheme) of a FADO type and allegation: Probity's mapping,
/// not the board's. None where no subcategory says what the allegation is.
pub fn category_of(fado: &str, allegation: &str) -> Option<CategoryCode> {
    let a = allegation.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| a.contains(w));
    let code = match fado {
        "Force" => "B6",
        "Discourtesy" if has(&["gay", "lesbian"]) => "F9",
        "Discourtesy" if has(&["sexist"]) => "F8",
        "Discourtesy" if has(&["action", "gesture"]) => "H2",
        "Discourtesy" => "H1",
        "Offensive Language" if has(&["sexual orientation"]) => "F9",
        "Offensive Language" if has(&["gender identity"]) => "F3",
        "Offensive Language" if has(&["gender"]) => "F8",
        "Offensive Language" if has(&["religion", "jewish"]) => "F7",
        "Offensive Language" if has(&["disability"]) => "F2",
        "Offensive Language"
            if has(&[
                "race", "ethnic", "black", "white", "hispanic", "asian", "oriental",
            ]) =>
        {
            "F6"
        }
        "Offensive Language" => "F10",
        "Abuse of Authority" if has(&["sex"]) => "J2",
        "Abuse of Authority" if has(&["gun", "threat of force"]) => "B6",
        "Abuse of Authority" if has(&["premise", "entry", "seiz", "seized"]) => "B2",
        "Abuse of Authority" if has(&["property"]) => "C1",
        "Abuse of Authority" if has(&["stop", "frisk", "search", "question"]) => "B1",
        "Abuse of Authority" if has(&["arrest", "summons", "detention", "d. a. t."]) => "B3",
        "Abuse of Authority"
            if has(&["medical info", "recording", "photography", "electronic"]) =>
        {
            "D3"
        }
        "Abuse of Authority" => "B9",
        _ => return None,
    };
    CategoryCode::parse(code).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::command::Command;

    const HEADER: &str = "\"unique_mos_id\",\"first_name\",\"last_name\",\"command_now\",\"shield_no\",\"complaint_id\",\"month_received\",\"year_received\",\"month_closed\",\"year_closed\",\"command_at_incident\",\"rank_abbrev_incident\",\"rank_abbrev_now\",\"rank_now\",\"rank_incident\",\"mos_ethnicity\",\"mos_gender\",\"mos_age_incident\",\"complainant_ethnicity\",\"complainant_gender\",\"complainant_age_incident\",\"fado_type\",\"allegation\",\"precinct\",\"contact_reason\",\"outcome_description\",\"board_disposition\"\n";

    fn row(officer: &str, complaint: &str, received: (&str, &str), disposition: &str) -> String {
        format!(
            "\"{officer}\",\"Jane\",\"Doe\",\"078 PCT\",\"8409\",\"{complaint}\",\"{}\",\"{}\",\"5\",\"2020\",\"078 PCT\",\"POM\",\"POM\",\"Police Officer\",\"Police Officer\",\"Hispanic\",\"F\",\"32\",\"Black\",\"Female\",\"38\",\"Abuse of Authority\",\"Frisk\",\"78\",\"Report\",\"No arrest\",\"{disposition}\"\n",
            received.0, received.1
        )
    }

    #[test]
    fn rows_become_one_case_per_complaint_with_each_officer_once_and_no_names() {
        let file = format!(
            "{HEADER}{}{}{}",
            row("10004", "42835", ("7", "2019"), "Substantiated (Charges)"),
            row("10005", "42836", ("8", "2019"), "Exonerated"),
            row("10004", "42835", ("7", "2019"), "Unsubstantiated"),
        );
        let read = read(file.as_bytes()).unwrap();
        assert!(read.rejected.is_empty(), "{:?}", read.rejected);
        assert_eq!(read.rows.len(), 2);
        let Command::ImportRecord(c) = &read.rows[0].command else {
            panic!()
        };
        assert_eq!(c.reference.as_str(), "CCRB-42835");
        assert_eq!((c.from.key.as_str(), c.from.line), ("42835", 2));
        let r = &c.record;
        assert_eq!(r.subjects.len(), 1, "one officer, two allegations");
        assert_eq!(r.complainants.len(), 1, "the same complainant twice");
        assert_eq!(r.allegations.len(), 2);
        assert_eq!(r.allegations[1].line, 4);
        assert_eq!(r.allegations[0].finding, Disposition::Substantiated);
        assert_eq!(r.allegations[0].action.as_deref(), Some("Charges"));
        assert_eq!(r.allegations[0].category.map(|c| c.code()), Some("B1"));
        assert_eq!(r.allegations[1].finding, Disposition::NotSubstantiated);
        assert_eq!(r.received, SourceDate::month(2019, 7).unwrap());
        let officer = &r.subjects[0].characteristics;
        assert_eq!(
            (
                officer.ethnicity,
                officer.source_ethnicity.as_deref(),
                officer.sex
            ),
            (Some(Ethnicity::Other), Some("Hispanic"), Some(Sex::Female))
        );
        assert_eq!(officer.age_band, Some(AgeBand::From25To34));
        let json = serde_json::to_string(&read.rows[0].command).unwrap();
        assert!(
            !json.contains("Jane") && !json.contains("Doe") && !json.contains("8409"),
            "names and shield numbers are not imported: {json}"
        );
    }

    #[test]
    fn each_bad_row_is_rejected_with_its_line_and_the_rest_is_read() {
        let file = format!(
            "{HEADER}{}{}{}{}{}\"1\",\"2\"\n",
            row("10004", "42835", ("7", "2019"), "Substantiated (Charges)"),
            row("10004", "x1", ("7", "2019"), "Exonerated"),
            row("10004", "42837", ("13", "2019"), "Exonerated"),
            row("10004", "42838", ("7", "2019"), "Found guilty"),
            row("10005", "42835", ("8", "2019"), "Exonerated"),
        );
        let read = read(file.as_bytes()).unwrap();
        assert_eq!(read.rows.len(), 1);
        let lines: Vec<u64> = read.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7], "{:?}", read.rejected);
        assert!(read.rejected[0].reason.contains("complaint_id 'x1'"));
        assert!(read.rejected[1].reason.contains("not a month"));
        assert!(read.rejected[2].reason.contains("Found guilty"));
        assert!(read.rejected[3].reason.contains("on line 2"));
        assert!(read.rejected[4].reason.contains("fields"));
        let missing = read_err("\"unique_mos_id\",\"complaint_id\"\n1,2\n");
        assert!(missing.contains("month_received"), "{missing}");
    }

    fn read_err(file: &str) -> String {
        super::read(file.as_bytes()).err().unwrap().to_string()
    }

    #[test]
    fn the_board_s_types_map_to_our_categories() {
        let code = |f, a| category_of(f, a).map(|c| c.code());
        assert_eq!(code("Force", "Physical force"), Some("B6"));
        assert_eq!(
            code("Abuse of Authority", "Premises entered and/or searched"),
            Some("B2")
        );
        assert_eq!(code("Abuse of Authority", "Vehicle stop"), Some("B1"));
        assert_eq!(code("Abuse of Authority", "Gun pointed"), Some("B6"));
        assert_eq!(code("Abuse of Authority", "Retaliatory arrest"), Some("B3"));
        assert_eq!(code("Abuse of Authority", "Property damaged"), Some("C1"));
        assert_eq!(
            code(
                "Abuse of Authority",
                "Sex Miscon (Sexual Harassment, Verbal)"
            ),
            Some("J2")
        );
        assert_eq!(
            code(
                "Abuse of Authority",
                "Refusal to provide name/shield number"
            ),
            Some("B9")
        );
        assert_eq!(code("Discourtesy", "Word"), Some("H1"));
        assert_eq!(code("Discourtesy", "Rude Gesture"), Some("H2"));
        assert_eq!(code("Offensive Language", "Race"), Some("F6"));
        assert_eq!(code("Offensive Language", "Gender Identity"), Some("F3"));
        assert_eq!(code("Offensive Language", "Other"), Some("F10"));
        assert_eq!(code("Something else", "Other"), None);
    }
}
