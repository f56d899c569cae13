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
    let items = match value {
        Value::Array(items) => items,
        Value::Object(obj) => match obj.into_iter().find_map(|(_, v)| match v {
            Value::Array(a) => Some(a),
            _ => None,
        }) {
            Some(a) => a,
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
    // Objects carry no line numbers once parsed; rows count from 1.
    for (idx, item) in items.iter().enumerate() {
        let row = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        match item {
            Value::Object(obj) => object_note(path, row, obj, cols, out),
            _ => out.diagnostics.push(Diagnostic::error(
                path,
                row,
                "array item is not an object; skipped",
            )),
        }
    }
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
