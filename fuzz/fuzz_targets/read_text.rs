//! A client file (`.txt`, `.md`) from arbitrary bytes: decoding, the client
//! header, date lines, notes.
#![no_main]
use std::sync::Arc;

use circlescan::read::{read_bytes, Columns, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz/client-file.md");
    let result = read_bytes(&path, Format::Text, data, &Columns::default());
    for note in &result.notes {
        assert!(note.line >= 1, "notes start on a real line");
    }
});
