//! The IOPC's published learning recommendations and investigation summaries, as collected
//! from its web site (shared/data/uk/iopc_recommendations_bbc): one row a published page,
//! keyed by its address. A row with a recommendation becomes a learning-recommendation item
//! with one recommendation on the register; a row without one, an investigation summary.
//!
//! The file is untidy, and a row is loaded only when what it says can be read without a
//! guess: `#N/A` or `#VALUE!` stand for nothing (a national recommendation names its
//! recipient only in its heading, so the recipient is read from there); a reference not in
//! the `YYYY/NNNNNN` form (`no ref found`, `22017/082348`) is not the case's reference, and
//! the item gets one of its own; a page that was a `404 error` when collected, a second copy
//! of the header, or a recommendation without its dates is rejected with its line.

use std::collections::HashMap;

use jiff::civil::Date;
use probity_domain::Reference;
use probity_domain::command::{Command, ImportPublication};
use probity_domain::force::Force;
use probity_domain::imported::{ImportedFrom, ImportedItem, ImportedRecommendation};
use probity_domain::matter::Acceptance;
use probity_domain::publication::ItemKind;

use crate::{FileError, Read, Rejected, Row};

pub const SOURCE: &str = "iopc-recommendations";

/// The columns read, as the file names them.
const COLUMNS: [&str; 12] = [
    "url",
    "iopc_ref",
    "force",
    "category",
    "heading",
    "date_published",
    "content",
    "recommendation",
    "date_of_recommendation",
    "date_response_due",
    "accepted",
    "tags",
];

/// Reads the file's bytes. Fails only when the file is not this kind of file; each bad row
/// is a [`Rejected`] with its line.
pub fn read(bytes: &[u8]) -> Result<Read, FileError> {
    let mut csv = crate::reader(bytes);
    let at = crate::columns(&mut csv, &COLUMNS)?;
    let digest = crate::digest(bytes);
    let (mut rows, mut rejected) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, u64> = HashMap::new();
    let lines = crate::each_record(&mut csv, &mut rejected, |line, record, rejected| {
        let field = |c: usize| record.get(at[c]).unwrap_or("").trim();
        let page = Page {
            url: field(0),
            reference: field(1),
            force: field(2),
            category: field(3),
            heading: field(4),
            published: field(5),
            content: field(6),
            recommendation: field(7),
            made: field(8),
            due: field(9),
            accepted: field(10),
            tags: field(11),
        };
        match page.item(&digest, line) {
            Err(reason) => rejected.push(Rejected { line, reason }),
            Ok((reference, command)) => {
                if let Some(first) = seen.insert(page.url.to_string(), line) {
                    rejected.push(Rejected {
                        line,
                        reason: format!("the page's address is the same as line {first}'s"),
                    });
                    seen.insert(page.url.to_string(), first);
                    return;
                }
                rows.push(Row {
                    line,
                    reference,
                    command,
                });
            }
        }
    });
    one_name_a_recipient(&mut rows);
    Ok(Read {
        digest,
        lines,
        rows,
        rejected,
    })
}

/// A recipient that is not one of our forces is written several ways ("National Police Chiefs'
/// Council", "National Police Chiefs’ Council", "National Police Chiefs Council"): each takes
/// the way the file writes it most often, so the portal counts it once.
fn one_name_a_recipient(rows: &mut [Row]) {
    use probity_domain::imported::code_of_name;
    let mut ways: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for row in rows.iter() {
        if let Command::ImportPublication(c) = &row.command
            && c.item.force.is_none()
        {
            *ways
                .entry(code_of_name(&c.item.recipient))
                .or_default()
                .entry(c.item.recipient.clone())
                .or_default() += 1;
        }
    }
    let chosen: HashMap<String, String> = ways
        .into_iter()
        .filter_map(|(code, names)| {
            let best = names
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
            Some((code, best.0))
        })
        .collect();
    for row in rows.iter_mut() {
        if let Command::ImportPublication(c) = &mut row.command
            && c.item.force.is_none()
            && let Some(name) = chosen.get(&code_of_name(&c.item.recipient))
        {
            c.item.recipient = name.clone();
        }
    }
}

/// One row's fields, trimmed.
struct Page<'a> {
    url: &'a str,
    reference: &'a str,
    force: &'a str,
    category: &'a str,
    heading: &'a str,
    published: &'a str,
    content: &'a str,
    recommendation: &'a str,
    made: &'a str,
    due: &'a str,
    accepted: &'a str,
    tags: &'a str,
}

impl Page<'_> {
    fn item(&self, digest: &str, line: u64) -> Result<(Reference, Command), String> {
        if self.url == "url" && self.heading == "heading" {
            return Err("a second copy of the header row".into());
        }
        if self.heading.eq_ignore_ascii_case("404 error") {
            return Err("the page was not there when the file was made (404 error)".into());
        }
        if !self.url.starts_with("https://") || self.url.contains(char::is_whitespace) {
            return Err(format!(
                "url '{}' is not the address of a page",
                clip(self.url)
            ));
        }
        let published_on = day("date_published", self.published)?;
        let recipient = given(self.force)
            .map(str::to_string)
            .or_else(|| recipient_in_heading(self.heading))
            .ok_or_else(|| "the row names no force and its heading no recipient".to_string())?;
        // A force named only in the heading is still the force.
        let force = force_named(self.force).or_else(|| force_named(&recipient));
        let recommendation = match given(self.recommendation) {
            None => None,
            Some(text) => Some(ImportedRecommendation {
                text: text.to_string(),
                made_on: day("date_of_recommendation", self.made)?,
                response_due: day("date_response_due", self.due)?,
                acceptance: acceptance(self.accepted)?,
            }),
        };
        let item = ImportedItem {
            item: if recommendation.is_some() {
                ItemKind::LearningRecommendation
            } else {
                ItemKind::InvestigationSummary
            },
            title: self.heading.to_string(),
            summary: self.content.to_string(),
            themes: themes(self.category, self.tags, &recipient, force),
            recipient,
            force,
            published_on,
            recommendation,
        };
        let reference = reference_of(self.reference, self.url);
        let command = Command::ImportPublication(ImportPublication {
            reference: reference.clone(),
            from: ImportedFrom {
                source: SOURCE.into(),
                key: self.url.to_string(),
                file_digest: digest.to_string(),
                line,
            },
            item,
        });
        Ok((reference, command))
    }
}

/// A field's value, unless it is empty or a spreadsheet's error (`#N/A`, `#VALUE!`).
fn given(value: &str) -> Option<&str> {
    (!value.is_empty() && !value.starts_with('#')).then_some(value)
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// A day written `YYYY-MM-DD`, alone or leading a time stamp (`2021-04-21T00:00:00+01:00`:
/// the day as the source wrote it, in London).
fn day(column: &str, value: &str) -> Result<Date, String> {
    let bad = || format!("{column} '{}' is not a date (YYYY-MM-DD)", clip(value));
    if value.is_empty() {
        return Err(format!("{column} is empty"));
    }
    let head = value.get(..10).ok_or_else(bad)?;
    if value.len() > 10 && !value[10..].starts_with('T') {
        return Err(bad());
    }
    head.parse::<Date>().map_err(|_| bad())
}

fn acceptance(value: &str) -> Result<Option<Acceptance>, String> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "accepted" => Ok(Some(Acceptance::Accepted)),
        "no" | "not accepted" => Ok(Some(Acceptance::NotAccepted)),
        "partially accepted" | "partly accepted" => Ok(Some(Acceptance::PartiallyAccepted)),
        "" | "awaiting response" => Ok(None),
        _ => Err(format!(
            "accepted '{}' is not Yes, No, Partially accepted or Awaiting response",
            clip(value)
        )),
    }
}

/// Our force the row names, by its name as the IOPC writes it ("Devon and Cornwall
/// Constabulary", "Dyfed Powys Police", "Metropolitan Police").
pub fn force_named(name: &str) -> Option<Force> {
    let key = force_key(name);
    if key.is_empty() {
        return None;
    }
    Force::all().find(|f| force_key(f.name()) == key || force_key(f.code()) == key)
}

/// A force's name reduced to the words that tell forces apart.
fn force_key(name: &str) -> String {
    const NOISE: [&str; 6] = ["police", "constabulary", "service", "and", "the", "of"];
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|w| !w.is_empty() && !NOISE.contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The recipient a heading names: "National recommendation - The College of Policing, June
/// 2021" names "The College of Policing".
fn recipient_in_heading(heading: &str) -> Option<String> {
    // The parts after the subject, last first: "…, June 2021", or "… - Kent Police - May 2018".
    let dashed = heading.replace(" – ", " - ");
    let parts: Vec<&str> = dashed.split(" - ").map(str::trim).collect();
    parts.iter().skip(1).rev().find_map(|part| {
        let name = match part.rsplit_once(',') {
            Some((name, when)) if is_month(when) => name.trim(),
            _ => part,
        };
        (!name.is_empty() && !is_month(name)).then(|| name.to_string())
    })
}

/// "June 2021", "March–May 2017": a month (or months) and a year.
fn is_month(s: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == '–' || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let digits = |w: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit())
    };
    // A day may lead it: "1 December 2018".
    words.iter().any(|w| digits(w, 4..=4))
        && words
            .iter()
            .all(|w| MONTHS.contains(&w.as_str()) || digits(w, 4..=4) || digits(w, 1..=2))
}

/// The themes: the category and the tags, without the force's or the recipient's name.
fn themes(category: &str, tags: &str, recipient: &str, force: Option<Force>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in given(category).into_iter().chain(tag_list(tags)) {
        let not_theme = t == recipient
            || force.is_some_and(|f| t == f.name())
            || force_named(t).is_some()
            || given(t).is_none()
            || t.eq_ignore_ascii_case("404 error");
        if !not_theme && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The items of a list written as Python writes one: `['Custody', "Officers' conduct"]`.
fn tag_list(tags: &str) -> Vec<&str> {
    let Some(inner) = tags
        .trim()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = inner.trim_start();
    while let Some(quote) = rest.chars().next() {
        if quote != '\'' && quote != '"' {
            break;
        }
        let body = &rest[1..];
        let Some(end) = body.find(quote) else {
            break;
        };
        out.push(body[..end].trim());
        rest = body[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    out
}

/// The item's reference: the IOPC's own (`2020/135656`) with a mark of the page, since one
/// investigation may have several pages (`IOPC-2020-135656-1A2B`), or, for a page without
/// one, a mark of the page alone (`IOPC-P-1A2B3C4D`). The mark is the head of the SHA-256 of
/// the page's address, so the same page has the same reference in every file.
fn reference_of(raw: &str, url: &str) -> Reference {
    let mark = crate::digest(url.as_bytes()).to_ascii_uppercase();
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let shaped = raw.len() <= 11
        && digits.len() == 10
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == '-');
    let text = if shaped {
        format!("IOPC-{}-{}-{}", &digits[..4], &digits[4..], &mark[..4])
    } else {
        format!("IOPC-P-{}", &mark[..8])
    };
    Reference::parse(&text).expect("letters, digits and '-' within 32 characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "url,iopc_ref,force,category,heading,date_published,content,recs_heading,recommendation,date_of_recommendation,date_response_due,accepted,tags\n";

    fn item(command: &Command) -> &ImportedItem {
        match command {
            Command::ImportPublication(c) => &c.item,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_row_with_a_recommendation_is_a_learning_recommendation_on_the_register() {
        let file = format!(
            "{HEADER}https://policeconduct.gov.uk/recommendations/a,2020/135656,Sussex Police,Custody and detention,\"Recommendations - Sussex Police, April 2021\",2021-06-25,\"A man was arrested.\nHe was detained.\",Recommendations,The IOPC recommends a review.,2021-04-21T00:00:00+01:00,2021-06-16T00:00:00+01:00,Yes,\"['Custody and detention', 'Sussex Police']\"\n"
        );
        let read = read(file.as_bytes()).unwrap();
        assert!(read.rejected.is_empty(), "{:?}", read.rejected);
        let row = &read.rows[0];
        assert_eq!(row.line, 2);
        assert!(row.reference.as_str().starts_with("IOPC-2020-135656-"));
        let i = item(&row.command);
        assert_eq!(i.item, ItemKind::LearningRecommendation);
        assert_eq!(i.force.map(|f| f.code()), Some("sussex"));
        assert_eq!(i.themes, ["Custody and detention"]);
        assert_eq!(i.summary, "A man was arrested.\nHe was detained.");
        let r = i.recommendation.as_ref().unwrap();
        assert_eq!(
            (r.made_on, r.response_due, r.acceptance),
            (
                "2021-04-21".parse().unwrap(),
                "2021-06-16".parse().unwrap(),
                Some(Acceptance::Accepted)
            )
        );
    }

    #[test]
    fn a_national_recommendation_names_its_recipient_from_its_heading() {
        let file = format!(
            "{HEADER}https://x.example/n,2020/137342,#N/A,#N/A,\"National recommendation - The College of Policing, June 2021\",2021-06-23,Text.,,Explore it.,2021-05-01T00:00:00+01:00,2021-06-26T00:00:00+01:00,Awaiting response,\"['Domestic abuse']\"\n"
        );
        let read = read(file.as_bytes()).unwrap();
        let i = item(&read.rows[0].command);
        assert_eq!(
            (i.recipient.as_str(), i.force),
            ("The College of Policing", None)
        );
        assert_eq!(i.themes, ["Domestic abuse"]);
        assert_eq!(i.recommendation.as_ref().unwrap().acceptance, None);
    }

    #[test]
    fn each_bad_row_is_rejected_with_its_line_and_the_rest_are_read() {
        let file = format!(
            "{HEADER}\
https://x.example/404,2020/143637,#N/A,#N/A,404 error,404 error,404 error,404 error,404 error,404 error,404 error,404 error,['404 error']\n\
url,,Force,#VALUE!,heading,date,content,recsheading,recommendation,dateofrecommendation_stamp,dateresponsedue_stamp,accepted,tags\n\
https://x.example/ok,no ref found,Kent Police,#N/A,\"A summary - Kent Police, May 2018\",2018-05-01,\"Two\nlines\",,,,,,[]\n\
https://x.example/nodate,2018/000001,Kent Police,#N/A,Heading,2018-05-01,Text,Recommendations,Do it.,,,Yes,[]\n\
https://x.example/ok,2018/000002,Kent Police,#N/A,Heading,2018-05-01,Text,,,,,,[]\n\
https://x.example/short,2018/000003,Kent Police\n\
https://x.example/bad,2018/000004,Kent Police,#N/A,Heading,2018-05-01,Text,Recommendations,Do it.,2018-01-01,2018-02-01,Maybe,[]\n"
        );
        let read = read(file.as_bytes()).unwrap();
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.rows[0].line, 4);
        assert!(read.rows[0].reference.as_str().starts_with("IOPC-P-"));
        let lines: Vec<u64> = read.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 6, 7, 8, 9], "{:#?}", read.rejected);
        let reason = |line: u64| {
            read.rejected
                .iter()
                .find(|r| r.line == line)
                .map(|r| r.reason.clone())
                .unwrap()
        };
        assert!(reason(2).contains("404"));
        assert!(reason(3).contains("header"));
        assert!(reason(6).contains("date_of_recommendation is empty"));
        assert!(reason(7).contains("same as line 4"));
        assert!(reason(8).contains("fields"));
        assert!(reason(9).contains("'Maybe'"));
    }

    #[test]
    fn a_file_without_the_columns_is_not_read() {
        let err = read(b"a,b\n1,2\n").unwrap_err();
        assert!(matches!(err, FileError::MissingColumn("url")), "{err}");
    }

    #[test]
    fn a_row_that_is_not_utf8_is_rejected_by_line() {
        let mut file = HEADER.as_bytes().to_vec();
        file.extend_from_slice(
            b"https://x.example/a,2018/000001,Kent Police,#N/A,H\xff,2018-05-01,T,,,,,,[]\n",
        );
        file.extend_from_slice(
            b"https://x.example/b,2018/000002,Kent Police,#N/A,H,2018-05-01,T,,,,,,[]\n",
        );
        let read = read(&file).unwrap();
        assert_eq!(read.rejected.len(), 1);
        assert_eq!(read.rejected[0].line, 2);
        assert!(read.rejected[0].reason.contains("UTF-8"));
        assert_eq!(read.rows.len(), 1);
    }

    #[test]
    fn a_recipient_is_read_from_the_heading_without_its_date() {
        for (heading, recipient) in [
            (
                "National recommendation - The College of Policing, June 2021",
                Some("The College of Policing"),
            ),
            (
                "Custody death - Greater Manchester Police - April 2016",
                Some("Greater Manchester Police"),
            ),
            (
                "Contact with a man – Kent Police, March–May 2017",
                Some("Kent Police"),
            ),
            ("A heading with no recipient", None),
            ("Something - April 2016", None),
            (
                "A review - Metropolitan Police Service, 1 December 2018",
                Some("Metropolitan Police Service"),
            ),
        ] {
            assert_eq!(
                recipient_in_heading(heading).as_deref(),
                recipient,
                "{heading}"
            );
        }
    }

    #[test]
    fn forces_are_recognised_by_the_names_the_source_writes() {
        for (name, code) in [
            ("Devon and Cornwall Constabulary", "devon-cornwall"),
            ("Dyfed Powys Police", "dyfed-powys"),
            ("Metropolitan Police", "metropolitan"),
            ("Hampshire Constabulary", "hampshire"),
            ("Avon and Somerset Constabulary", "avon-somerset"),
            ("City of London Police", "city-of-london"),
        ] {
            assert_eq!(force_named(name).map(|f| f.code()), Some(code), "{name}");
        }
        assert_eq!(force_named("#N/A"), None);
        assert_eq!(force_named("Police and Crime Panel"), None);
    }

    #[test]
    fn references_are_the_iopcs_with_a_mark_of_the_page() {
        let a = reference_of("2017-091299", "https://x/a");
        assert!(a.as_str().starts_with("IOPC-2017-091299-"), "{a}");
        assert_eq!(a, reference_of("2017/091299", "https://x/a"), "stable");
        assert_ne!(a, reference_of("2017/091299", "https://x/b"));
        assert!(
            reference_of("22017/082348", "https://x/a")
                .as_str()
                .starts_with("IOPC-P-")
        );
        assert!(
            reference_of("2017090856", "https://x/a")
                .as_str()
                .starts_with("IOPC-2017-090856-")
        );
    }
}
