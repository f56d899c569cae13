//! `merge`: the tables of `scan --shard K/N` runs joined into the tables one
//! whole run writes. Every client lies wholly in one shard, so the union of
//! the shards' rows, put in the final order again, is the whole run.
//!
//! Input: shard output folders. Output: `Tables` (and whether the shards
//! carried a byte-order mark). It reads tables; it never reads notes.
use std::path::{Path, PathBuf};

use crate::aggregate::sort_tables;
use crate::model::{CandidateRow, FlagRow, FromSpelling, Tables};
use crate::write::csv::{CANDIDATE_HEADER, FLAG_HEADER};
use crate::write::OutputFormat;

/// A shard table that cannot be read. Displays as `path:row: reason`.
#[derive(Debug)]
pub struct MergeError {
    /// The table file.
    pub path: PathBuf,
    /// 1-based row (0: the whole file).
    pub row: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.row == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.row, self.message)
        }
    }
}

impl std::error::Error for MergeError {}

/// Reads every shard folder's tables and puts the rows in final order.
/// Returns the tables and whether the shards' CSV began with a BOM.
pub fn merge_dirs(dirs: &[PathBuf], format: OutputFormat) -> Result<(Tables, bool), MergeError> {
    let mut tables = Tables::default();
    let mut bom = false;
    for dir in dirs {
        let ext = format.ext();
        let cand = dir.join(format!("candidates.{ext}"));
        let flags = dir.join(format!("flags.{ext}"));
        match format {
            OutputFormat::Csv => {
                let (rows, b) = read_csv(&cand, &CANDIDATE_HEADER, candidate_from_cells)?;
                tables.candidates.extend(rows);
                let (rows, b2) = read_csv(&flags, &FLAG_HEADER, flag_from_cells)?;
                tables.flags.extend(rows);
                bom |= b || b2;
            }
            OutputFormat::Json | OutputFormat::Jsonl => {
                let jsonl = format == OutputFormat::Jsonl;
                tables
                    .candidates
                    .extend(read_json::<CandidateRow>(&cand, jsonl)?);
                tables.flags.extend(read_json::<FlagRow>(&flags, jsonl)?);
            }
        }
    }
    sort_tables(&mut tables);
    Ok((tables, bom))
}

fn read_file(path: &Path) -> Result<Vec<u8>, MergeError> {
    std::fs::read(path).map_err(|e| MergeError {
        path: path.to_path_buf(),
        row: 0,
        message: format!("cannot read: {e}"),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    lines: bool,
) -> Result<Vec<T>, MergeError> {
    let bytes = read_file(path)?;
    let err = |row: u64, e: serde_json::Error| MergeError {
        path: path.to_path_buf(),
        row,
        message: format!("not a circlescan table: {e}"),
    };
    if lines {
        let mut rows = Vec::new();
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            rows.push(serde_json::from_slice(line).map_err(|e| err(i as u64 + 1, e))?);
        }
        Ok(rows)
    } else {
        serde_json::from_slice(&bytes).map_err(|e| err(e.line() as u64, e))
    }
}

/// A written cell back to its value: the formula guard's `'` removed.
fn unguard(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

type FromCells<T> = fn(&[String]) -> Option<T>;

fn read_csv<T>(
    path: &Path,
    header: &[&str],
    from_cells: FromCells<T>,
) -> Result<(Vec<T>, bool), MergeError> {
    let bytes = read_file(path)?;
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (&bytes[..], false),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let err = |row: u64, message: String| MergeError {
        path: path.to_path_buf(),
        row,
        message,
    };
    let found = reader
        .headers()
        .map_err(|e| err(1, format!("bad CSV: {e}")))?
        .clone();
    if found.iter().ne(header.iter().copied()) {
        return Err(err(1, "not a circlescan table: unexpected columns".into()));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        let record = record.map_err(|e| err(row, format!("bad CSV: {e}")))?;
        let cells: Vec<String> = record.iter().map(unguard).collect();
        rows.push(from_cells(&cells).ok_or_else(|| err(row, "not a circlescan row".into()))?);
    }
    Ok((rows, bom))
}

fn yes_no(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn candidate_from_cells(c: &[String]) -> Option<CandidateRow> {
    Some(CandidateRow {
        client: c.first()?.clone(),
        person: c.get(1)?.clone(),
        relationship: c.get(2)?.clone(),
        circle: FromSpelling::from_spelling(c.get(3)?)?,
        need: yes_no(c.get(4)?)?,
        need_evidence: c.get(5)?.clone(),
        interest: yes_no(c.get(6)?)?,
        readiness: FromSpelling::from_spelling(c.get(7)?)?,
        next_step: FromSpelling::from_spelling(c.get(8)?)?,
        client_flag: match c.get(9)?.as_str() {
            "" => None,
            s => Some(FromSpelling::from_spelling(s)?),
        },
        mentions: c.get(10)?.parse().ok()?,
        first_seen: c.get(11)?.clone(),
        last_seen: c.get(12)?.clone(),
        score: c.get(13)?.parse().ok()?,
        evidence: c.get(14)?.clone(),
        source: c.get(15)?.clone(),
    })
}

fn flag_from_cells(c: &[String]) -> Option<FlagRow> {
    Some(FlagRow {
        client: c.first()?.clone(),
        date: c.get(1)?.clone(),
        flag: FromSpelling::from_spelling(c.get(2)?)?,
        objections: c.get(3)?.parse().ok()?,
        reason: c.get(4)?.clone(),
        evidence: c.get(5)?.clone(),
        source: c.get(6)?.clone(),
    })
}
