//! Reading inputs: paths to `RawNote`s, one file at a time.
//!
//! Input: an `Input` (a path and its format). Output: a `FileResult` of raw
//! notes in file order, and diagnostics. Readers never look inside a note.
pub mod chunk;
pub mod date;
pub mod decode;
pub mod html;
pub mod json;
pub mod table;
pub mod text;
pub mod walk;

use std::sync::Arc;

use crate::diag::Diagnostic;
use date::Date;

/// Input formats, by extension or `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// A client file: `.txt`, `.md`, `.markdown`.
    Text,
    /// A comma-separated export.
    Csv,
    /// A tab-separated export.
    Tsv,
    /// One JSON object a line.
    Jsonl,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// The format an extension names, if any.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "md" | "markdown" => Some(Format::Text),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Export column names chosen by the user, overriding detection.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// `--client-column`.
    pub client: Option<String>,
    /// `--date-column`.
    pub date: Option<String>,
    /// `--text-column`.
    pub text: Option<String>,
    /// `--author-column`.
    pub author: Option<String>,
    /// `--id-column`.
    pub id: Option<String>,
}

/// One note as a reader found it, before any analysis.
#[derive(Debug, Clone)]
pub struct RawNote {
    /// The input path as the user gave it (or `-`).
    pub path: Arc<str>,
    /// 1-based line in the file where `text` starts.
    pub line: u32,
    /// The client as the file or row names it.
    pub client: String,
    /// The note's date, if it had a readable one.
    pub date: Option<Date>,
    /// Who wrote it, if the export says.
    pub author: Option<String>,
    /// The note text.
    pub text: String,
}

/// What one input yielded.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Notes in file order.
    pub notes: Vec<RawNote>,
    /// Problems met while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one input of a known format from its bytes. Never panics, whatever
/// the bytes: every problem is a diagnostic naming the line or row.
pub fn read_bytes(path: &Arc<str>, format: Format, bytes: &[u8], columns: &Columns) -> FileResult {
    let mut result = FileResult::default();
    let decoded = match decode::decode(bytes) {
        Ok(d) => d,
        Err(reason) => {
            result.diagnostics.push(Diagnostic::error(path, 0, reason));
            return result;
        }
    };
    if let Some((line, message)) = decoded.warning {
        result
            .diagnostics
            .push(Diagnostic::warning(path, line, message));
    }
    let text = decode::clean(&decoded.text);
    if text.trim().is_empty() {
        result
            .diagnostics
            .push(Diagnostic::warning(path, 0, "empty file, no notes"));
        return result;
    }
    match format {
        Format::Text => text::read_client_file(path, &text, &mut result),
        Format::Csv => table::read_table(path, &text, b',', columns, &mut result),
        Format::Tsv => table::read_table(path, &text, b'\t', columns, &mut result),
        Format::Jsonl => json::read_json_lines(path, &text, columns, &mut result),
        Format::Json => json::read_json(path, &text, columns, &mut result),
    }
    result
}

/// Input text quoted for a diagnostic, cut short: a date "cell" may be a
/// megabyte long.
pub(crate) fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}...", &text[..cut]),
        None => format!("{text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, format: Format, bytes: &[u8]) -> FileResult {
        read_bytes(&Arc::from(name), format, bytes, &Columns::default())
    }

    #[test]
    fn empty_files_of_every_format_are_one_warning() {
        for format in [
            Format::Text,
            Format::Csv,
            Format::Tsv,
            Format::Json,
            Format::Jsonl,
        ] {
            let r = read("e", format, b" \r\n\n");
            assert!(r.notes.is_empty());
            assert_eq!(r.diagnostics.len(), 1, "{format:?}");
            assert_eq!(r.diagnostics[0].message, "empty file, no notes");
        }
    }

    #[test]
    fn long_text_is_quoted_short() {
        assert_eq!(quoted(" soon "), "\"soon\"");
        let long = quoted(&"x".repeat(1000));
        assert!(long.len() < 70 && long.ends_with("\"..."));
        assert_eq!(quoted("\u{1b}"), "\"\\u{1b}\"");
    }
}
