//! Reads a previous run's tables back for `--compare PREV_DIR`: the CSV,
//! JSON, JSON Lines or workbook that `scan` wrote there, each row as a map
//! from column name to the cell as CSV spells it. Nothing here compares.
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

/// One row of a table: column name -> cell (CSV spelling, guard undone).
pub type Record = BTreeMap<String, String>;

/// Both tables of a previous run.
#[derive(Debug, Default)]
pub struct Previous {
    /// Rows of the previous candidates table, in file order.
    pub candidates: Vec<Record>,
    /// Rows of the previous flags table, in file order.
    pub flags: Vec<Record>,
    /// What was read, for messages (`prev/candidates.csv`).
    pub read_from: Vec<PathBuf>,
}

/// Reads the tables `find_tables` found, whole.
pub fn read_previous(found: &Found) -> Result<Previous, String> {
    if let Found::Workbook(book) = found {
        return read_workbook(book);
    }
    let mut prev = Previous::default();
    prev.read_from = each_previous_row(found, &mut |table, row| {
        match table {
            PrevTable::Candidates => prev.candidates.push(row),
            PrevTable::Flags => prev.flags.push(row),
        }
        Ok(())
    })?;
    Ok(prev)
}

/// The table a previous row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrevTable {
    /// `candidates.<ext>` or the `Candidates` sheet.
    Candidates,
    /// `flags.<ext>` or the `Flags` sheet.
    Flags,
}

/// Like `read_previous`, but hands each row to `f` as it is read (every
/// candidate row, then every flag row, each in file order), so a large
/// previous run is never held whole (the workbook excepted). Returns the
/// files read.
pub fn each_previous_row(
    found: &Found,
    f: &mut dyn FnMut(PrevTable, Record) -> Result<(), String>,
) -> Result<Vec<PathBuf>, String> {
    match found {
        Found::Workbook(book) => {
            let prev = read_workbook(book)?;
            for row in prev.candidates {
                f(PrevTable::Candidates, row)?;
            }
            for row in prev.flags {
                f(PrevTable::Flags, row)?;
            }
            Ok(prev.read_from)
        }
        Found::Tables(ext, cand, flags) => {
            read_table(cand, ext, &mut |row| f(PrevTable::Candidates, row))?;
            read_table(flags, ext, &mut |row| f(PrevTable::Flags, row))?;
            Ok(vec![cand.clone(), flags.clone()])
        }
    }
}

/// Where a previous run's tables are.
#[derive(Debug)]
pub enum Found {
    /// `circlescan.xlsx`.
    Workbook(PathBuf),
    /// The extension, `candidates.<ext>` and `flags.<ext>`.
    Tables(&'static str, PathBuf, PathBuf),
}

/// Finds the tables a previous run wrote into `dir` without reading them:
/// `prefer` (an extension) first, then csv, jsonl, json and the workbook.
pub fn find_tables(dir: &Path, prefer: &str) -> Result<Found, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: --compare needs the folder of a previous run",
            dir.display()
        ));
    }
    let all = ["csv", "jsonl", "json", "xlsx"];
    let order = all
        .iter()
        .filter(|e| **e == prefer)
        .chain(all.iter().filter(|e| **e != prefer));
    for &ext in order {
        if ext == "xlsx" {
            let book = dir.join("circlescan.xlsx");
            if book.is_file() {
                return Ok(Found::Workbook(book));
            }
            continue;
        }
        let cand = dir.join(format!("candidates.{ext}"));
        let flags = dir.join(format!("flags.{ext}"));
        if cand.is_file() || flags.is_file() {
            return Ok(Found::Tables(ext, cand, flags));
        }
    }
    Err(format!(
        "{}: no candidates/flags tables (csv, json, jsonl) or circlescan.xlsx to compare with",
        dir.display()
    ))
}

fn read_table(
    path: &Path,
    ext: &str,
    f: &mut dyn FnMut(Record) -> Result<(), String>,
) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("{}: cannot read: {e}", path.display());
    let mut reader = BufReader::with_capacity(256 << 10, File::open(path).map_err(cannot)?);
    // A BOM (written with --bom) is not part of the first column's name.
    if reader
        .fill_buf()
        .map_err(cannot)?
        .starts_with(b"\xEF\xBB\xBF")
    {
        reader.consume(3);
    }
    match ext {
        "csv" => read_csv(path, reader, f),
        "json" => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            RowSink(f)
                .deserialize(&mut de)
                .and_then(|()| de.end())
                .map_err(|e| json_error(path, &e))
        }
        _ => {
            let mut line = Vec::new();
            let mut n = 0;
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line).map_err(cannot)? == 0 {
                    return Ok(());
                }
                n += 1;
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let row: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&line)
                    .map_err(|e| format!("{}:{n}: not a JSON object: {e}", path.display()))?;
                f(record_from_json(row))?;
            }
        }
    }
}

/// The rows of a JSON array, one at a time.
struct RowSink<'f>(&'f mut dyn FnMut(Record) -> Result<(), String>);

impl<'de> DeserializeSeed<'de> for RowSink<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowSink<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(row) = seq.next_element::<serde_json::Map<String, serde_json::Value>>()? {
            (self.0)(record_from_json(row)).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

fn json_error(path: &Path, e: &serde_json::Error) -> String {
    format!(
        "{}:{}: not a JSON array of rows: {e}",
        path.display(),
        e.line()
    )
}

fn read_csv(
    path: &Path,
    input: impl Read,
    f: &mut dyn FnMut(Record) -> Result<(), String>,
) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: cannot read the header: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rec = csv::StringRecord::new();
    let mut n = 1;
    loop {
        n += 1;
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(format!("{}:{n}: {e}", path.display())),
        }
        f(header
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.clone(), unguard(v).to_string()))
            .collect())?;
    }
}

/// Undoes the formula guard (`'=x` was written for `=x`).
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) => rest,
        _ => cell,
    }
}

fn record_from_json(row: serde_json::Map<String, serde_json::Value>) -> Record {
    use serde_json::Value;
    row.into_iter()
        .map(|(k, v)| {
            let cell = match v {
                Value::String(s) => s,
                Value::Bool(true) => "yes".to_string(),
                Value::Bool(false) => "no".to_string(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, cell)
        })
        .collect()
}

fn read_workbook(path: &Path) -> Result<Previous, String> {
    use calamine::{open_workbook, Reader, Xlsx};
    let fail =
        |e: &dyn std::fmt::Display| format!("{}: cannot read the workbook: {e}", path.display());
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| fail(&e))?;
    let mut sheet = |name: &str| -> Result<Vec<Record>, String> {
        let range = book.worksheet_range(name).map_err(|e| fail(&e))?;
        let mut rows = range.rows();
        let header: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(cell_text).collect())
            .unwrap_or_default();
        Ok(rows
            .map(|r| {
                header
                    .iter()
                    .cloned()
                    .zip(r.iter().map(cell_text))
                    .collect()
            })
            .collect())
    };
    Ok(Previous {
        candidates: sheet("Candidates")?,
        flags: sheet("Flags")?,
        read_from: vec![path.to_path_buf()],
    })
}

fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "yes".to_string(),
        Data::Bool(false) => "no".to_string(),
        Data::DateTime(d) => date_from_serial(d.as_f64()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// `YYYY-MM-DD` of a spreadsheet day number (1900 date system).
pub fn date_from_serial(serial: f64) -> String {
    // Day 25569 is 1970-01-01; civil-from-days after Howard Hinnant.
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_day_numbers_become_iso_dates() {
        assert_eq!(date_from_serial(25569.0), "1970-01-01");
        assert_eq!(date_from_serial(46095.0), "2026-03-14");
        assert_eq!(date_from_serial(45351.5), "2024-02-29");
    }

    #[test]
    fn guard_is_undone_only_before_formula_characters() {
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'tis"), "'tis");
    }
}
