//! The lexicon files compiled into the binary by `build.rs`.
//!
//! Output: `(relative_path, text)` pairs in sorted path order. Nothing here
//! parses or matches.

/// Every built-in lexicon file as `(path relative to lexicons/, text)`.
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/lexicons.rs"));
