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

/// Reads one input of a known format from its bytes.
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
    match format {
        Format::Text => text::read_client_file(path, &decoded.text, &mut result),
        Format::Csv => table::read_table(path, &decoded.text, b',', columns, &mut result),
        Format::Tsv => table::read_table(path, &decoded.text, b'\t', columns, &mut result),
        Format::Jsonl => json::read_json_lines(path, &decoded.text, columns, &mut result),
        Format::Json => json::read_json(path, &decoded.text, columns, &mut result),
    }
    result
}
