//! A JSON array or JSON Lines export from arbitrary bytes (the first byte
//! picks which).
#![no_main]
use std::sync::Arc;

use circlescan::read::{read_bytes, Columns, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, bytes) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => (Format::Jsonl, rest),
        Some((_, rest)) => (Format::Json, rest),
        None => (Format::Json, data),
    };
    let path: Arc<str> = Arc::from("fuzz/export.json");
    let result = read_bytes(&path, format, bytes, &Columns::default());
    for note in &result.notes {
        assert!(note.line >= 1, "objects start on a real line");
    }
});
