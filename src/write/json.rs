//! JSON and JSON Lines rendering (`true`/`false`, no formula guard: JSON
//! is never read by a spreadsheet as a formula).
use serde::Serialize;

/// One JSON object per line.
pub fn to_jsonl<T: Serialize>(rows: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        serde_json::to_writer(&mut out, r).expect("rows always serialise");
        out.push(b'\n');
    }
    out
}

/// The inside of the pretty-printed JSON array of `rows`: what sits between
/// `[\n` and `\n]`, so pieces joined by `,\n` make the whole array.
pub fn array_items<T: Serialize>(rows: &[T]) -> Vec<u8> {
    if rows.is_empty() {
        return Vec::new();
    }
    let all = serde_json::to_vec_pretty(rows).expect("rows always serialise");
    all[2..all.len() - 2].to_vec()
}
