//! JSON Lines and JSON array exports: one note an object, keys found by the
//! same names as CSV columns (nested keys flattened: `Account.Name`).
//!
//! Input: decoded text. Output: `RawNote`s in order, a diagnostic per bad
//! line or a syntax error with its line.
use std::sync::Arc;

use serde_json::{Map, Value};

use super::table::{missing_column, note_from_cells, pick_columns};
use super::{Columns, FileResult};
use crate::diag::Diagnostic;

/// Reads JSON Lines: a bad line is reported and skipped.
pub fn read_json_lines(path: &Arc<str>, text: &str, cols: &Columns, out: &mut FileResult) {
    for (idx, line) in text.lines().enumerate() {
        let lineno = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => object_note(path, lineno, &obj, cols, out),
            Ok(_) => out.diagnostics.push(Diagnostic::error(
                path,
                lineno,
                "not a JSON object; skipped",
            )),
            Err(e) => out.diagnostics.push(Diagnostic::error(
                path,
                lineno,
                format!("bad JSON: {}", strip_position(&e.to_string())),
            )),
        }
    }
}

/// Reads a JSON array of objects (or an object holding one such array).
pub fn read_json(path: &Arc<str>, text: &str, cols: &Columns, out: &mut FileResult) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
            out.diagnostics.push(Diagnostic::error(
                path,
                line,
                format!("bad JSON: {}", strip_position(&e.to_string())),
            ));
            return;
        }
    };
    let (key, items) = match value {
        Value::Array(items) => (None, items),
        Value::Object(obj) => match obj.into_iter().find_map(|(k, v)| match v {
            Value::Array(a) => Some((k, a)),
            _ => None,
        }) {
            Some((k, a)) => (Some(k), a),
            None => {
                out.diagnostics
                    .push(Diagnostic::error(path, 1, "no array of notes in this JSON"));
                return;
            }
        },
        _ => {
            out.diagnostics
                .push(Diagnostic::error(path, 1, "expected a JSON array of notes"));
            return;
        }
    };
    // Parsed objects carry no positions: find where each item starts.
    let starts = item_starts(text)
        .into_iter()
        .rev()
        .find(|(k, _)| *k == key)
        .map(|(_, starts)| starts)
        .filter(|starts| starts.len() == items.len());
    let mut lines = starts.map(|starts| LineOf::new(text, starts));
    for (idx, item) in items.iter().enumerate() {
        // The item's line; its position in the array if that is unknown.
        let line = match lines.as_mut() {
            Some(l) => l.line(idx),
            None => u32::try_from(idx + 1).unwrap_or(u32::MAX),
        };
        match item {
            Value::Object(obj) => object_note(path, line, obj, cols, out),
            _ => out.diagnostics.push(Diagnostic::error(
                path,
                line,
                "array item is not an object; skipped",
            )),
        }
    }
}

/// 1-based lines of increasing byte offsets.
struct LineOf<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
    at: usize,
    line: u32,
}

impl<'a> LineOf<'a> {
    fn new(text: &'a str, starts: Vec<usize>) -> Self {
        LineOf {
            bytes: text.as_bytes(),
            starts,
            at: 0,
            line: 1,
        }
    }

    fn line(&mut self, idx: usize) -> u32 {
        let to = self.starts[idx].clamp(self.at, self.bytes.len());
        let n = memchr::memchr_iter(b'\n', &self.bytes[self.at..to]).count();
        self.line = self
            .line
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self.at = to;
        self.line
    }
}

/// Where each item of the notes array starts, by byte: the top-level array
/// (key `None`), or each array that is a member of a top-level object (its
/// key). Reads valid JSON only; strings are skipped with their escapes.
fn item_starts(text: &str) -> Vec<(Option<String>, Vec<usize>)> {
    let b = text.as_bytes();
    let mut out: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut depth = 0usize;
    let mut tracked: Option<usize> = None;
    let mut expect_item = false;
    let mut top_object = false;
    let mut expect_key = false;
    let mut after_colon = false;
    let mut key: Option<String> = None;
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if expect_item && tracked == Some(depth) && c != b']' {
            if let Some((_, starts)) = out.last_mut() {
                starts.push(i);
            }
        }
        expect_item = false;
        match c {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if top_object && depth == 1 && expect_key {
                    let raw = text.get(start..(i + 1).min(b.len())).unwrap_or("");
                    key = serde_json::from_str::<String>(raw).ok();
                    expect_key = false;
                }
                after_colon = false;
            }
            b'[' => {
                depth += 1;
                if depth == 1 && !top_object {
                    tracked = Some(1);
                    out.push((None, Vec::new()));
                    expect_item = true;
                } else if depth == 2 && top_object && after_colon {
                    tracked = Some(2);
                    out.push((key.take(), Vec::new()));
                    expect_item = true;
                }
                after_colon = false;
            }
            b'{' => {
                depth += 1;
                if depth == 1 {
                    top_object = true;
                    expect_key = true;
                }
                after_colon = false;
            }
            b']' | b'}' => {
                if tracked == Some(depth) {
                    tracked = None;
                }
                depth = depth.saturating_sub(1);
                after_colon = false;
            }
            b',' => {
                expect_item = tracked == Some(depth);
                expect_key = top_object && depth == 1;
                after_colon = false;
            }
            b':' => after_colon = top_object && depth == 1,
            _ => after_colon = false,
        }
        i += 1;
    }
    out
}

fn object_note(
    path: &Arc<str>,
    line: u32,
    obj: &Map<String, Value>,
    cols: &Columns,
    out: &mut FileResult,
) {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    flatten("", obj, &mut keys, &mut values);
    let picked = pick_columns(&keys, cols);
    if let Some(why) = missing_column(&picked, cols) {
        out.diagnostics.push(Diagnostic::error(path, line, why));
        return;
    }
    let cell = |i: usize| values.get(i).cloned().flatten();
    if let Some(note) = note_from_cells(path, line, &picked, cell, &mut out.diagnostics) {
        out.notes.push(note);
    }
}

fn flatten(
    prefix: &str,
    obj: &Map<String, Value>,
    keys: &mut Vec<String>,
    values: &mut Vec<Option<String>>,
) {
    for (k, v) in obj {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => flatten(&key, inner, keys, values),
            Value::String(s) => {
                keys.push(key);
                values.push(Some(s.clone()));
            }
            Value::Number(n) => {
                keys.push(key);
                values.push(Some(n.to_string()));
            }
            Value::Bool(b) => {
                keys.push(key);
                values.push(Some(b.to_string()));
            }
            _ => {
                keys.push(key);
                values.push(None);
            }
        }
    }
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_bad_line_is_skipped_with_its_line() {
        let text = "{\"contact\":\"Ann Lee\",\"timestamp\":\"2026-01-02\",\"body\":\"hi there\"}\n{oops\n{\"contact\":\"Bo Li\",\"body\":\"yo yo\"}\n";
        let mut out = FileResult::default();
        read_json_lines(&Arc::from("n.jsonl"), text, &Columns::default(), &mut out);
        assert_eq!(out.notes.len(), 2);
        assert_eq!(out.diagnostics[0].line, 2);
        assert_eq!(out.notes[1].line, 3);
    }

    #[test]
    fn json_array_with_nested_keys() {
        let text = r#"[{"Account": {"Name": "Ann Lee"}, "Description": "words", "ActivityDate": "2026-02-03"}]"#;
        let mut out = FileResult::default();
        read_json(&Arc::from("n.json"), text, &Columns::default(), &mut out);
        assert_eq!(out.notes[0].client, "Ann Lee");
    }

    #[test]
    fn json_array_items_are_named_by_their_line() {
        let text = "{\"meta\": {\"n\": [1, 2]},\n \"notes\": [\n  {\"client\": \"A B\", \"note\": \"one [x], {y}\"},\n\n  {\"client\": \"C \\\"D\\\"\", \"note\": \"two\"}, 7\n]}";
        let mut out = FileResult::default();
        read_json(&Arc::from("n.json"), text, &Columns::default(), &mut out);
        let lines: Vec<u32> = out.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, [3, 5]);
        assert_eq!(out.diagnostics[0].line, 5);
        let mut out = FileResult::default();
        read_json(
            &Arc::from("n.json"),
            "[{\"client\": \"A B\", \"note\": \"x\"},\n{\"client\": \"A B\", \"note\": \"y\"}]",
            &Columns::default(),
            &mut out,
        );
        let lines: Vec<u32> = out.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, [1, 2]);
    }

    #[test]
    fn item_starts_of_odd_shapes_do_not_panic() {
        for text in [
            "",
            "[",
            "]]]",
            "{\"a\":[",
            "\"\\",
            "[\"\\\"]",
            "{\"a\"::[1,,]}",
        ] {
            let _ = item_starts(text);
        }
    }

    #[test]
    fn json_syntax_error_names_its_line() {
        let mut out = FileResult::default();
        read_json(
            &Arc::from("n.json"),
            "[\n{\"a\": 1},\n{oops}\n]",
            &Columns::default(),
            &mut out,
        );
        assert_eq!(out.diagnostics[0].line, 3);
    }
}
