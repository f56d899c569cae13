//! CSV and TSV exports: one note a row, columns found by name (SPEC
//! "Exports") or named by `--*-column`.
//!
//! Input: decoded text. Output: `RawNote`s in row order, a diagnostic per
//! bad row. Column-name detection lives here and is shared with JSON.
use std::sync::Arc;

use super::date::{parse_date, why_unreadable};
use super::decode::clean_owned;
use super::html::html_to_text;
use super::{quoted, Columns, FileResult, RawNote};
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
    // JSON strings may spell invisible characters as `\u202e` escapes.
    let cell = |i: usize| cell(i).map(clean_owned);
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
                format!(
                    "unreadable date {}{}; note left undated",
                    quoted(&raw_date),
                    why_unreadable(&raw_date)
                ),
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

/// How many unbalanced quotes a file may have before the rest is skipped.
const MAX_QUOTE_PROBLEMS: usize = 100;

/// What reading an export has found so far, across the pieces a file is
/// read in when an unbalanced quote splits it.
#[derive(Default)]
struct TableState {
    picked: Option<Picked>,
    header_width: usize,
    header_tries: u32,
    rows: usize,
    first_problem: Option<(u32, String)>,
}

/// Reads a CSV (`b','`) or TSV (`b'\t'`) export.
pub fn read_table(
    path: &Arc<str>,
    text: &str,
    delimiter: u8,
    overrides: &Columns,
    out: &mut FileResult,
) {
    let mut state = TableState::default();
    let mut start = 0usize;
    let mut lines_before = 0u32;
    let mut problems = 0usize;
    loop {
        let piece = &text[start..];
        let Some(bad) = bad_quote(piece.as_bytes(), delimiter) else {
            read_rows(
                path,
                piece,
                lines_before,
                delimiter,
                overrides,
                &mut state,
                out,
            );
            break;
        };
        // Rows before the bad one are whole; the bad row is skipped up to
        // the end of the line its quote opens on, and reading resumes there.
        read_rows(
            path,
            &piece[..bad.record_start],
            lines_before,
            delimiter,
            overrides,
            &mut state,
            out,
        );
        let quote_line = lines_before.saturating_add(line_at(piece.as_bytes(), bad.quote_at));
        out.diagnostics.push(Diagnostic::error(
            path,
            quote_line,
            "bad CSV row: unbalanced quote (a quoted field is never closed); row skipped",
        ));
        problems += 1;
        let Some(eol) = memchr::memchr(b'\n', &piece.as_bytes()[bad.quote_at..]) else {
            break;
        };
        let resume = bad.quote_at + eol + 1;
        if problems >= MAX_QUOTE_PROBLEMS {
            out.diagnostics.push(Diagnostic::error(
                path,
                quote_line.saturating_add(1),
                format!("{MAX_QUOTE_PROBLEMS} unbalanced quotes; the rest of the file is skipped"),
            ));
            break;
        }
        lines_before = lines_before.saturating_add(line_at(piece.as_bytes(), resume) - 1);
        start += resume;
    }
    if state.header_tries == 0 {
        out.diagnostics.push(Diagnostic::warning(
            path,
            0,
            "empty file: no header and no rows",
        ));
    } else if state.picked.is_none() {
        if let Some((line, why)) = state.first_problem {
            out.diagnostics.push(Diagnostic::error(path, line, why));
        }
    } else if state.rows == 0 {
        out.diagnostics
            .push(Diagnostic::warning(path, 0, "header only, no rows"));
    }
}

/// Reads the rows of one well-quoted piece of an export that starts after
/// `lines_before` lines of the file.
fn read_rows(
    path: &Arc<str>,
    piece: &str,
    lines_before: u32,
    delimiter: u8,
    overrides: &Columns,
    state: &mut TableState,
    out: &mut FileResult,
) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(piece.as_bytes());
    let mut lines = LineCounter::new(piece.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        let at = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let byte = e.position().map_or(at, csv::Position::byte);
                let line = lines_before.saturating_add(lines.line_of_record(byte));
                out.diagnostics.push(Diagnostic::error(
                    path,
                    line,
                    format!("bad CSV row: {}", e.kind_text()),
                ));
                continue;
            }
        }
        // The record's own start, not the reader's line count: with CRLF
        // endings that count lags a line behind.
        let byte = record.position().map_or(at, csv::Position::byte);
        let line = lines_before.saturating_add(lines.line_of_record(byte));
        match state.picked {
            None => {
                let headers: Vec<String> = record.iter().map(str::to_string).collect();
                let p = pick_columns(&headers, overrides);
                state.header_tries += 1;
                let problem = missing_column(&p, overrides);
                if state.first_problem.is_none() {
                    state.first_problem = problem.clone().map(|m| (line, m));
                }
                if problem.is_none() {
                    warn_duplicates(path, line, &headers, out);
                    state.picked = Some(p);
                    state.header_width = headers.len();
                } else if state.header_tries >= 3 {
                    break;
                }
            }
            Some(p) => {
                state.rows += 1;
                if record.len() != state.header_width {
                    let text_missing = p.text.is_some_and(|i| i >= record.len());
                    let what = format!(
                        "row has {} field{}, the header {}",
                        record.len(),
                        if record.len() == 1 { "" } else { "s" },
                        state.header_width
                    );
                    if text_missing {
                        out.diagnostics.push(Diagnostic::error(
                            path,
                            line,
                            format!("bad CSV row: {what}; no text, skipped"),
                        ));
                        continue;
                    }
                    let tail = if record.len() > state.header_width {
                        "extra fields ignored"
                    } else {
                        "missing fields left empty"
                    };
                    out.diagnostics.push(Diagnostic::warning(
                        path,
                        line,
                        format!("ragged CSV row: {what}; {tail}"),
                    ));
                }
                let cell = |i: usize| record.get(i).map(str::to_string);
                if let Some(note) = note_from_cells(path, line, &p, cell, &mut out.diagnostics) {
                    out.notes.push(note);
                }
            }
        }
    }
}

/// 1-based line numbers of byte offsets met in increasing order.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` begins on: line breaks left
    /// over from the previous record's end are skipped first.
    fn line_of_record(&mut self, byte: u64) -> u32 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while byte < self.bytes.len() && matches!(self.bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte > self.at {
            let n = memchr::memchr_iter(b'\n', &self.bytes[self.at..byte]).count();
            self.line = self
                .line
                .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            self.at = byte;
        }
        self.line
    }
}

/// 1-based line of a byte offset.
fn line_at(bytes: &[u8], offset: usize) -> u32 {
    let n = memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count();
    u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1)
}

/// A quoted field that does not close as it should.
#[derive(Debug, PartialEq, Eq)]
struct BadQuote {
    /// Where the record holding it starts.
    record_start: usize,
    /// Where its opening quote is.
    quote_at: usize,
}

/// The first quoted field that is never closed, or that "closes" on a later
/// line at what is plainly the next row's opening quote (`Bo,"hi there`,
/// newline, `Cy,"x y"`: a quote right after a delimiter or line break and
/// followed by more text), having swallowed the rows between. Follows the
/// CSV reader's own states (RFC 4180: a quote opens a field only at its
/// start, `""` inside is a quote; a stray quote inside a line is kept).
fn bad_quote(bytes: &[u8], delimiter: u8) -> Option<BadQuote> {
    scan_quotes(bytes, delimiter, true)
}

/// `bad_quote`, jumping inside fields to the next byte that can change the
/// state when `jump` is set, else stepping one byte at a time (the plain
/// reading the tests hold the jumps to).
fn scan_quotes(bytes: &[u8], delimiter: u8, jump: bool) -> Option<BadQuote> {
    enum State {
        FieldStart,
        InField,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut record_start = 0usize;
    let mut quote_at = 0usize;
    let mut spans_lines = false;
    let mut closed_at_boundary = false;
    let mut prev = b'\n';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Inside a field only a few bytes change the state: jump to the next.
        let next = match state {
            _ if !jump => None,
            State::Quoted if b != b'"' => {
                let rest = &bytes[i..];
                let q = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                spans_lines |= memchr::memchr2(b'\n', b'\r', &rest[..q]).is_some();
                Some(q)
            }
            State::InField if b != delimiter && b != b'\n' && b != b'\r' => {
                let rest = &bytes[i..];
                Some(memchr::memchr3(delimiter, b'\n', b'\r', rest).unwrap_or(rest.len()))
            }
            _ => None,
        };
        if let Some(q) = next {
            prev = bytes[i + q - 1];
            i += q;
            continue;
        }
        let end_of_record = b == b'\n' || b == b'\r';
        state = match state {
            State::FieldStart | State::InField if end_of_record => {
                record_start = i + 1;
                State::FieldStart
            }
            State::FieldStart if b == b'"' => {
                quote_at = i;
                spans_lines = false;
                State::Quoted
            }
            State::FieldStart | State::InField if b == delimiter => State::FieldStart,
            State::FieldStart | State::InField => State::InField,
            State::Quoted if b == b'"' => {
                closed_at_boundary = matches!(prev, b'\n' | b'\r') || prev == delimiter;
                State::QuoteInQuoted
            }
            State::Quoted => {
                spans_lines |= end_of_record;
                State::Quoted
            }
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted if b == delimiter => State::FieldStart,
            State::QuoteInQuoted if end_of_record => {
                record_start = i + 1;
                State::FieldStart
            }
            State::QuoteInQuoted if spans_lines && closed_at_boundary => {
                return Some(BadQuote {
                    record_start,
                    quote_at,
                })
            }
            State::QuoteInQuoted => State::InField,
        };
        prev = b;
        i += 1;
    }
    matches!(state, State::Quoted).then_some(BadQuote {
        record_start,
        quote_at,
    })
}

fn warn_duplicates(path: &Arc<str>, line: u32, headers: &[String], out: &mut FileResult) {
    for (i, h) in headers.iter().enumerate() {
        if !h.trim().is_empty() && headers[..i].iter().any(|e| squash(e) == squash(h)) {
            out.diagnostics.push(Diagnostic::warning(
                path,
                line,
                format!("duplicate column {}; the first is used", quoted(h)),
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

    fn lines(r: &FileResult) -> Vec<u32> {
        r.notes.iter().map(|n| n.line).collect()
    }

    fn messages(r: &FileResult) -> Vec<String> {
        r.diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn crlf_rows_keep_their_lines() {
        let lf = "client,note\nAnn Lee,one\nBo Li,\"two\nlines\"\n\nCy Po,three\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf, &crlf] {
            let r = read(text, b',', &Columns::default());
            assert_eq!(lines(&r), [2, 3, 6], "{text:?}");
        }
        let r = read(
            "Export\r\nclient,note\r\nAnn Lee,one\r\n",
            b',',
            &Columns::default(),
        );
        assert_eq!(lines(&r), [3]);
    }

    #[test]
    fn unbalanced_quote_at_the_end_is_reported_and_rows_after_it_read() {
        let text = "client,note\r\nAnn Lee,fine\r\nBo Li,\"never closed\r\nCy Po,also fine\r\n";
        let r = read(text, b',', &Columns::default());
        let clients: Vec<&str> = r.notes.iter().map(|n| n.client.as_str()).collect();
        assert_eq!(clients, ["Ann Lee", "Cy Po"]);
        assert_eq!(lines(&r), [2, 4]);
        assert_eq!(
            messages(&r),
            ["e.csv:3: error: bad CSV row: unbalanced quote (a quoted field is never closed); row skipped"]
        );
    }

    #[test]
    fn unbalanced_quote_that_swallows_the_next_row_is_caught() {
        let text =
            "client,note\nAnn Lee,\"open\nBo Li,\"closed, properly\"\nCy Po,\"multi\nline\"\n";
        let r = read(text, b',', &Columns::default());
        let clients: Vec<&str> = r.notes.iter().map(|n| n.client.as_str()).collect();
        assert_eq!(clients, ["Bo Li", "Cy Po"]);
        assert_eq!(r.notes[1].text, "multi\nline");
        assert_eq!(lines(&r), [3, 4]);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, 2);
    }

    #[test]
    fn stray_quotes_inside_a_field_are_kept() {
        let text =
            "client,note\nAnn Lee,\"He said \"\"hi\"\" and left\"\nBo Li,5\" tall \"friend\"\n";
        let r = read(text, b',', &Columns::default());
        assert!(r.diagnostics.is_empty(), "{:?}", messages(&r));
        assert_eq!(r.notes[0].text, "He said \"hi\" and left");
        assert_eq!(r.notes[1].text, "5\" tall \"friend\"");
    }

    #[test]
    fn many_unbalanced_quotes_stop_reading() {
        let mut text = String::from("client,note\n");
        for _ in 0..(MAX_QUOTE_PROBLEMS + 10) {
            text.push_str("Ann Lee,\"open\nBo Li,\"x\" y\n");
        }
        let r = read(&text, b',', &Columns::default());
        assert_eq!(r.diagnostics.len(), MAX_QUOTE_PROBLEMS + 1);
    }

    #[test]
    fn ragged_rows_are_reported() {
        let text = "client,date,note\nAnn Lee,2026-01-01,one,extra\nBo Li,2026-01-02\nCy Po,2026-01-03,three\n";
        let r = read(text, b',', &Columns::default());
        assert_eq!(lines(&r), [2, 4]);
        assert_eq!(
            messages(&r),
            [
                "e.csv:2: warning: ragged CSV row: row has 4 fields, the header 3; extra fields ignored",
                "e.csv:3: error: bad CSV row: row has 2 fields, the header 3; no text, skipped",
            ]
        );
    }

    #[test]
    fn header_only_and_duplicate_headers_warn() {
        let r = read("client,note\n", b',', &Columns::default());
        assert_eq!(messages(&r), ["e.csv: warning: header only, no rows"]);
        let r = read(
            "client,note,Note\nAnn Lee,first,second\n",
            b',',
            &Columns::default(),
        );
        assert_eq!(r.notes[0].text, "first");
        assert_eq!(
            messages(&r),
            ["e.csv:1: warning: duplicate column \"Note\"; the first is used"]
        );
    }

    #[test]
    fn out_of_range_dates_say_why() {
        let r = read(
            "client,date,note\nAnn Lee,1850-01-01,hello there\n",
            b',',
            &Columns::default(),
        );
        assert_eq!(r.notes[0].date, None);
        assert_eq!(
            messages(&r),
            ["e.csv:2: warning: unreadable date \"1850-01-01\" (year 1850 is outside 1900-2199); note left undated"]
        );
    }

    #[test]
    fn bad_quote_scanner_cases() {
        let q = |s: &str| bad_quote(s.as_bytes(), b',').map(|b| (b.record_start, b.quote_at));
        assert_eq!(q("a,b\nc,\"d"), Some((4, 6)));
        assert_eq!(q("a,\"b\nc\",d\n"), None);
        assert_eq!(q("a,\"b\"\"c\"\n"), None);
        assert_eq!(q("a,\"x\nb,\"y\"\n"), Some((0, 2)));
        assert_eq!(q(""), None);
        assert_eq!(q("\""), Some((0, 0)));
    }

    proptest::proptest! {
        #[test]
        fn bad_quote_jumps_agree_with_the_bytewise_scanner(
            text in "[ab,\"\\n\\r\\t]{0,40}"
        ) {
            for delimiter in [b',', b'\t'] {
                let fast = bad_quote(text.as_bytes(), delimiter).map(|b| (b.record_start, b.quote_at));
                let slow = scan_quotes(text.as_bytes(), delimiter, false).map(|b| (b.record_start, b.quote_at));
                proptest::prop_assert_eq!(fast, slow);
            }
        }
    }
}
