//! Importers: files other systems wrote, read into commands and loaded through the office's
//! import door (an administrator, one audit entry per command). Reading a file is apart from
//! loading it: a reader gives each good row as a command with its line, and each bad row as
//! a [`Rejected`] with its line and reason; [`load`] commits the rows in batches, each batch
//! all or nothing, and reports a row the rules refuse as rejected too, loading the rest.
//! Loading again adds nothing twice: a command says what the source holds, and the same text
//! again yields no event.

pub mod ccrb;
pub mod chicago;
pub mod iopc;
pub mod mapping;
pub mod synthetic;

use jiff::Timestamp;
use probity_app::{AppError, Desk, Stopped};
use probity_domain::{CaseId, Command, Context, Reference};

/// Rows committed in one transaction.
pub const BATCH: usize = 500;

/// A row that was not loaded: its line in the file (the line it starts on) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// A good row, as the command it becomes.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub reference: Reference,
    pub command: Command,
}

impl Row {
    /// A case another body recorded, as the command that imports it: keyed by the source's
    /// own identifier, from the line its first row is on.
    fn record(
        source: &str,
        reference: Reference,
        key: String,
        digest: &str,
        line: u64,
        record: probity_domain::imported::ImportedCase,
    ) -> Row {
        Row {
            line,
            reference: reference.clone(),
            command: Command::ImportRecord(probity_domain::command::ImportRecord {
                reference,
                from: probity_domain::imported::ImportedFrom {
                    source: source.into(),
                    key,
                    file_digest: digest.into(),
                    line,
                },
                record,
            }),
        }
    }
}

/// What a reader made of a file.
#[derive(Debug, Clone)]
pub struct Read {
    /// SHA-256 of the file, lower-case hex.
    pub digest: String,
    /// The file's rows read, good and bad (several may make one case).
    pub lines: usize,
    pub rows: Vec<Row>,
    pub rejected: Vec<Rejected>,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("line 1: the header has no '{0}' column, so this is not the file the importer reads")]
    MissingColumn(&'static str),
    #[error("line 1: the header cannot be read: {0}")]
    Header(String),
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The file's rows read, good and bad.
    pub lines: usize,
    /// Records read, good and bad: a case each when good.
    pub rows: usize,
    /// Rows that made a new case.
    pub added: usize,
    /// Rows whose case held an older text.
    pub updated: usize,
    /// Rows whose case already held the same text.
    pub unchanged: usize,
    /// Rows not loaded, by line: those the reader rejected and those the rules refused.
    pub rejected: Vec<Rejected>,
}

/// A load that stopped on something other than a row: the batches before it are in.
#[derive(Debug, thiserror::Error)]
#[error("the import stopped after {} rows: {error}", .report.added + .report.updated + .report.unchanged)]
pub struct Interrupted {
    pub report: Report,
    pub error: AppError,
}

/// Loads what `read` holds through `desk`, [`BATCH`] rows a transaction.
pub async fn load(desk: &Desk, read: Read) -> Result<Report, Interrupted> {
    load_telling(desk, read, |_| {}).await
}

/// As [`load`], telling `progress` how many rows are in after each batch.
pub async fn load_telling(
    desk: &Desk,
    read: Read,
    mut progress: impl FnMut(usize),
) -> Result<Report, Interrupted> {
    let mut report = Report {
        lines: read.lines,
        rows: read.rows.len() + read.rejected.len(),
        rejected: read.rejected,
        ..Report::default()
    };
    let who = desk.principal();
    for chunk in read.rows.chunks(BATCH) {
        let mut rows: Vec<&Row> = chunk.iter().collect();
        loop {
            let ctx = Context::new(Timestamp::now(), &who.username, who.body);
            let items: Vec<(Reference, Command, Context)> = rows
                .iter()
                .map(|r| (r.reference.clone(), r.command.clone(), ctx.clone()))
                .collect();
            match desk.import_or_stop(&items).await {
                Ok(done) => {
                    tally(&mut report, &rows, &done);
                    break;
                }
                // A row the rules refuse: reported with its line; the batch goes in without it.
                Err(Stopped {
                    at: Some(at),
                    error: AppError::Refused(refusal),
                }) => {
                    let row = rows.remove(at);
                    report.rejected.push(Rejected {
                        line: row.line,
                        reason: refusal.to_string(),
                    });
                    if rows.is_empty() {
                        break;
                    }
                }
                Err(Stopped { error, .. }) => return Err(Interrupted { report, error }),
            }
        }
        progress(report.added + report.updated + report.unchanged + report.rejected.len());
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

fn tally(report: &mut Report, rows: &[&Row], done: &[probity_app::Executed]) {
    let versions: std::collections::HashMap<String, (u64, usize)> = done
        .iter()
        .filter_map(|e| {
            let first = e.records.first()?;
            Some((first.case_id.clone(), (e.version, e.records.len())))
        })
        .collect();
    for row in rows {
        match versions.get(&CaseId::for_reference(&row.reference).to_string()) {
            None => report.unchanged += 1,
            Some((version, written)) if *version as usize == *written => report.added += 1,
            Some(_) => report.updated += 1,
        }
    }
}

/// A CSV reader whose rows end at a line feed, so the line a row is on is the line a person
/// finds it on: with the csv crate's default ending (CR, LF or CRLF), a CRLF file's rows are
/// placed one line early. The CR left at a row's end is trimmed with the rest of its last cell.
fn reader<R: std::io::Read>(from: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(from)
}

/// Where each of `names` is in the file's header.
fn columns<R: std::io::Read, const N: usize>(
    csv: &mut csv::Reader<R>,
    names: &[&'static str; N],
) -> Result<[usize; N], FileError> {
    let header = csv
        .headers()
        .map_err(|e| FileError::Header(e.to_string()))?;
    let mut at = [0usize; N];
    for (i, name) in names.iter().enumerate() {
        at[i] = header
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == *name)
            .ok_or(FileError::MissingColumn(name))?;
    }
    Ok(at)
}

/// Hands each row of a CSV to `each` with the line it starts on; a row that cannot be read
/// (not UTF-8, or not as many fields as the header: a truncated file's last row) is rejected
/// with its line, and a failure to read the file itself ends it, rejected at the line reached.
fn each_record<R: std::io::Read>(
    csv: &mut csv::Reader<R>,
    rejected: &mut Vec<Rejected>,
    mut each: impl FnMut(u64, &csv::StringRecord, &mut Vec<Rejected>),
) -> usize {
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                rows += 1;
                let line = record.position().map_or(line, csv::Position::line);
                each(line, &record, rejected);
            }
            Err(e) => {
                rows += 1;
                let line = e.position().map_or(line, csv::Position::line);
                let (reason, go_on) = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => ("the row is not UTF-8 text".to_string(), true),
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => (
                        format!("the row has {len} fields; the header has {expected_len}"),
                        true,
                    ),
                    _ => (format!("the file cannot be read from here: {e}"), false),
                };
                rejected.push(Rejected { line, reason });
                if !go_on {
                    break;
                }
            }
        }
    }
    rows
}

/// A gzip-compressed file's bytes, decompressed.
fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out)?;
    Ok(out)
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    probity_domain::hex::encode(&sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_row_s_line_is_the_line_it_is_on_whatever_the_line_ending() {
        for file in [
            &b"a,b\n1,2\n\"x\ny\",3\n,\n"[..],
            &b"a,b\r\n1,2\r\n\"x\r\ny\",3\r\n,\r\n"[..],
        ] {
            let mut csv = crate::reader(file);
            let mut rejected = Vec::new();
            let mut lines = Vec::new();
            let mut last = Vec::new();
            crate::each_record(&mut csv, &mut rejected, |line, r, _| {
                lines.push(line);
                last.push(r[1].trim().to_string());
            });
            assert_eq!(lines, [2, 3, 5], "{}", String::from_utf8_lossy(file));
            assert_eq!(last, ["2", "3", ""]);
        }
    }
}
