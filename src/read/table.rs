//! CSV and TSV exports: one note a row, columns found by name (SPEC
//! "Exports") or named by `--*-column`.
//!
//! Input: decoded text. Output: `RawNote`s in row order, a diagnostic per
//! bad row. Column-name detection lives here and is shared with JSON.
use std::sync::Arc;

use super::date::parse_date;
use super::html::html_to_text;
use super::{Columns, FileResult, RawNote};
use crate::diag::Diagnostic;

const CLIENT: &[&str] = &[
    "client",
    "clientname",
    "account",
    "accountname",
    "contact",
    "contactname",
    "household",
    "householdname",
    "customer",
    "customername",
    "relatedto",
    "whatname",
    "whoname",
];
const DATE: &[&str] = &[
    "date",
    "meetingdate",
    "activitydate",
    "created",
    "createddate",
    "timestamp",
    "notedate",
    "createdat",
    "date/time",
];
const TEXT: &[&str] = &[
    "note",
    "notes",
    "body",
    "text",
    "description",
    "comments",
    "comment",
    "content",
    "details",
    "notebody",
    "notetext",
];
const AUTHOR: &[&str] = &[
    "author",
    "owner",
    "ownername",
    "advisor",
    "createdby",
    "createdbyname",
    "assignedto",
    "hubspotowner",
    "hubspotownerid",
    "user",
];

/// Column positions of one export.
#[derive(Debug, Clone, Copy, Default)]
pub struct Picked {
    /// Client column.
    pub client: Option<usize>,
    /// Date column.
    pub date: Option<usize>,
    /// Text column.
    pub text: Option<usize>,
    /// Author column.
    pub author: Option<usize>,
}

/// `Account.Name`, `hs_note_body`, `Activity Date` -> `accountname`,
/// `notebody`, `activitydate`: case, punctuation and HubSpot's `hs_` ignored.
pub fn squash(name: &str) -> String {
    let s: String = name
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    s.strip_prefix("hs")
        .filter(|rest| !rest.is_empty() && name.to_ascii_lowercase().starts_with("hs_"))
        .map(str::to_string)
        .unwrap_or(s)
}

/// Finds each column by the user's name or the SPEC's names; first wins.
pub fn pick_columns(headers: &[String], overrides: &Columns) -> Picked {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let find = |user: &Option<String>, names: &[&str]| -> Option<usize> {
        match user {
            Some(u) => {
                let u = squash(u);
                squashed.iter().position(|h| *h == u)
            }
            None => names
                .iter()
                .find_map(|n| squashed.iter().position(|h| h == n)),
        }
    };
    Picked {
        client: find(&overrides.client, CLIENT),
        date: find(&overrides.date, DATE),
        text: find(&overrides.text, TEXT),
        author: find(&overrides.author, AUTHOR),
    }
}

/// Says which required column is missing, if any.
pub fn missing_column(picked: &Picked, overrides: &Columns) -> Option<String> {
    let name = |user: &Option<String>, what: &str| match user {
        Some(u) => format!("no column {u:?} ({what})"),
        None => format!("no {what} column (looked for {what}, notes, body, ...)"),
    };
    if picked.text.is_none() {
        return Some(name(&overrides.text, "text"));
    }
    if picked.client.is_none() {
        return Some(name(&overrides.client, "client"));
    }
    None
}

/// "Albright, Denise" -> "Denise Albright" (CRM "Last, First").
pub fn normalise_client(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((last, first)) = name.split_once(", ") {
        let words = |s: &str| s.split(' ').count();
        let capital = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
        if !first.contains(',')
            && words(last) <= 2
            && words(first) <= 2
            && capital(last)
            && capital(first)
        {
            return format!("{first} {last}");
        }
    }
    name
}

/// Builds a note from one row's cells, or explains why the row is skipped.
pub fn note_from_cells(
    path: &Arc<str>,
    line: u32,
    picked: &Picked,
    cell: impl Fn(usize) -> Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawNote> {
    let text = picked.text.and_then(&cell).unwrap_or_default();
    let client = picked.client.and_then(&cell).unwrap_or_default();
    let client = normalise_client(&client);
    if text.trim().is_empty() {
        return None;
    }
    if client.is_empty() {
        diagnostics.push(Diagnostic::error(path, line, "row has no client; skipped"));
        return None;
    }
    let raw_date = picked.date.and_then(&cell).unwrap_or_default();
    let date = if raw_date.trim().is_empty() {
        None
    } else {
        let d = parse_date(&raw_date);
        if d.is_none() {
            diagnostics.push(Diagnostic::warning(
                path,
                line,
                format!("unreadable date {:?}; note left undated", raw_date.trim()),
            ));
        }
        d
    };
    Some(RawNote {
        path: path.clone(),
        line,
        client,
        date,
        author: picked
            .author
            .and_then(&cell)
            .filter(|a| !a.trim().is_empty()),
        text: html_to_text(&text).into_owned(),
    })
}

/// Reads a CSV (`b','`) or TSV (`b'\t'`) export.
pub fn read_table(
    path: &Arc<str>,
    text: &str,
    delimiter: u8,
    overrides: &Columns,
    out: &mut FileResult,
) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut picked: Option<Picked> = None;
    let mut header_tries = 0;
    let mut first_problem: Option<(u32, String)> = None;
    let mut record = csv::StringRecord::new();
    loop {
        let line = u32::try_from(reader.position().line()).unwrap_or(u32::MAX);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(line, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                out.diagnostics.push(Diagnostic::error(
                    path,
                    line,
                    format!("bad CSV row: {}", e.kind_text()),
                ));
                continue;
            }
        }
        match picked {
            None => {
                let headers: Vec<String> = record.iter().map(str::to_string).collect();
                let p = pick_columns(&headers, overrides);
                header_tries += 1;
                let problem = missing_column(&p, overrides);
                if first_problem.is_none() {
                    first_problem = problem.clone().map(|m| (line, m));
                }
                if problem.is_none() {
                    warn_duplicates(path, line, &headers, out);
                    picked = Some(p);
                } else if header_tries >= 3 {
                    break;
                }
            }
            Some(p) => {
                let cell = |i: usize| record.get(i).map(str::to_string);
                if let Some(note) = note_from_cells(path, line, &p, cell, &mut out.diagnostics) {
                    out.notes.push(note);
                }
            }
        }
    }
    if header_tries == 0 {
        out.diagnostics.push(Diagnostic::warning(
            path,
            0,
            "empty file: no header and no rows",
        ));
    } else if picked.is_none() {
        if let Some((line, why)) = first_problem {
            out.diagnostics.push(Diagnostic::error(path, line, why));
        }
    }
}

fn warn_duplicates(path: &Arc<str>, line: u32, headers: &[String], out: &mut FileResult) {
    for (i, h) in headers.iter().enumerate() {
        if !h.trim().is_empty() && headers[..i].iter().any(|e| squash(e) == squash(h)) {
            out.diagnostics.push(Diagnostic::warning(
                path,
                line,
                format!("duplicate column {h:?}; the first is used"),
            ));
        }
    }
}

/// Short reason text of a CSV error, without the crate's position prefix.
trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for csv::Error {
    fn kind_text(&self) -> String {
        match self.kind() {
            csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".into(),
            csv::ErrorKind::UnequalLengths { .. } => "wrong number of fields".into(),
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, delimiter: u8, cols: &Columns) -> FileResult {
        let mut out = FileResult::default();
        read_table(&Arc::from("e.csv"), text, delimiter, cols, &mut out);
        out
    }

    #[test]
    fn salesforce_and_hubspot_names_are_detected() {
        let sf = "Id,Account.Name,ActivityDate,Owner.Name,Description\n1,Ann Lee,2026-01-02,Bo,\"Hi, there\nsecond\"\n";
        let r = read(sf, b',', &Columns::default());
        assert_eq!(r.notes.len(), 1);
        assert_eq!(r.notes[0].client, "Ann Lee");
        assert_eq!(r.notes[0].text, "Hi, there\nsecond");
        assert_eq!(r.notes[0].line, 2);
        let hs = "contact_name\ths_timestamp\thubspot_owner\ths_note_body\nLee, Ann\t2026-01-02T10:00:00Z\tBo\t<p>x &amp; y</p>\n";
        let r = read(hs, b'\t', &Columns::default());
        assert_eq!(r.notes[0].client, "Ann Lee");
        assert_eq!(r.notes[0].date.unwrap().to_string(), "2026-01-02");
        assert_eq!(r.notes[0].text.trim(), "x & y");
    }

    #[test]
    fn override_names_the_column() {
        let t = "who,when,what\nAnn Lee,3/4/2026,words here\n";
        let cols = Columns {
            client: Some("who".into()),
            date: Some("when".into()),
            text: Some("what".into()),
            ..Columns::default()
        };
        let r = read(t, b',', &cols);
        assert_eq!(r.notes[0].date.unwrap().to_string(), "2026-03-04");
    }

    #[test]
    fn missing_text_column_is_an_error_naming_the_line() {
        let r = read("client,date\nA,2026-01-01\n", b',', &Columns::default());
        assert!(r.notes.is_empty());
        assert!(r.diagnostics[0].message.contains("no text column"));
    }

    #[test]
    fn header_on_second_line_is_found() {
        let r = read(
            "Export of notes\nclient,note\nAnn Lee,hello there\n",
            b',',
            &Columns::default(),
        );
        assert_eq!(r.notes.len(), 1);
    }
}
