//! Bytes to text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
//! sniffed from its zero bytes), and Latin-1 / Windows-1252. Binary files
//! are refused. Invisible characters that could hide or reorder text
//! (control characters, bidirectional overrides) are removed.
//!
//! Input: a file's bytes. Output: its text, or a reason it is not text, plus
//! an optional warning (invalid UTF-8 bytes replaced at line N). Valid UTF-8
//! is borrowed, not copied, so a large file is held once.
use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The result of decoding one file.
pub struct Decoded<'a> {
    /// The text, BOM removed.
    pub text: Cow<'a, str>,
    /// A problem worth telling the user about, with its 1-based line.
    pub warning: Option<(u32, String)>,
}

/// How much of a file is sniffed for NUL bytes and UTF-16.
const SNIFF: usize = 8192;

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(decode_utf8_or_legacy(rest));
    }
    if let Some(enc) = utf16(bytes) {
        // Removes the BOM when there is one; decodes as `enc` either way.
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        let warning = had_errors.then(|| {
            let at = text.find('\u{FFFD}').unwrap_or(0);
            (
                line_of(text.as_bytes(), at),
                "invalid UTF-16 replaced".to_string(),
            )
        });
        return Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            warning,
        });
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary file (NUL bytes), skipped".into());
    }
    Ok(decode_utf8_or_legacy(bytes))
}

/// UTF-16 by its BOM, or without one by zero bytes on one side only of each
/// ASCII character (`h\0i\0`), as Windows "Unicode" exports are.
fn utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.starts_with(b"\xFF\xFE") {
        return Some(UTF_16LE);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Some(UTF_16BE);
    }
    let head = &bytes[..bytes.len().min(SNIFF) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let text = |b: u8| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b);
    let (mut le, mut be) = (0usize, 0usize);
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
        le += usize::from(pair[1] == 0 && text(pair[0]));
        be += usize::from(pair[0] == 0 && text(pair[1]));
    }
    // Mostly ASCII text in UTF-16 is a printable byte and a zero in nearly
    // every pair, always the same way round; a binary file has zeros on
    // both sides, or bytes that are not text beside them.
    if le * 4 >= pairs * 3 && even_zero == 0 {
        Some(UTF_16LE)
    } else if be * 4 >= pairs * 3 && odd_zero == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_utf8_or_legacy(bytes: &[u8]) -> Decoded<'_> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            warning: None,
        },
        Err(e) => {
            let (mut non_ascii, mut invalid) = (0usize, 0usize);
            for chunk in bytes.utf8_chunks() {
                non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                invalid += usize::from(!chunk.invalid().is_empty());
            }
            // Latin-1 text is seldom also valid UTF-8 ("Ã©"): any real
            // multi-byte character at least as often as a bad byte means
            // UTF-8 with damage, not Latin-1.
            let valid_multibyte = non_ascii > 0 && non_ascii >= invalid;
            if valid_multibyte {
                // Mostly UTF-8 with a few bad bytes: keep the UTF-8 reading.
                let line = line_of(bytes, e.valid_up_to());
                Decoded {
                    text: Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
                    warning: Some((line, "invalid UTF-8 replaced with U+FFFD".into())),
                }
            } else {
                // Latin-1 and Windows-1252 exports: 1252 is a superset.
                let (text, _, _) = WINDOWS_1252.decode(bytes);
                Decoded {
                    text: Cow::Owned(text.into_owned()),
                    warning: None,
                }
            }
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let n = memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() + 1;
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether a character is removed from everything read: control characters
/// other than tab and line breaks, the bidirectional marks, embeddings,
/// overrides and isolates that can reorder a name on screen, and a stray
/// BOM. Vertical tab, form feed and NEL become spaces (see `clean`).
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Whether `text` holds a character `is_invisible` names, read from its
/// UTF-8 bytes: every note and cell passes through here, and decoding each
/// character only to find none was a noticeable share of a scan.
pub fn has_invisible(text: &str) -> bool {
    let b = text.as_bytes();
    // Eight bytes at a time: a word of printable ASCII (the bulk of any
    // note) holds nothing invisible and is passed over whole.
    let mut at = 0;
    while at + 8 <= b.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[at..at + 8]);
        if !plain_ascii(u64::from_le_bytes(word)) && has_invisible_from(b, at, at + 8) {
            return true;
        }
        at += 8;
    }
    has_invisible_from(b, at, b.len())
}

/// Whether every byte of `w` is in 0x20..=0x7E (no control, DEL or
/// non-ASCII byte), with the usual word-at-a-time arithmetic.
fn plain_ascii(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20 borrows when 0x20 is taken from it; a byte of 0x7F
    // or more sets its high bit when 0x01 is added (or already has it).
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let del_or_high = w.wrapping_add(ONES) | w;
    (below_space | del_or_high) & HIGH == 0
}

/// `has_invisible` over the characters starting in `b[from..to]` (a
/// character may run past `to`).
fn has_invisible_from(b: &[u8], from: usize, to: usize) -> bool {
    for (i, &x) in b.iter().enumerate().take(to).skip(from) {
        let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
        let hit = match x {
            b'\t' | b'\n' | b'\r' => false,
            0x00..=0x1F | 0x7F => true,
            // U+0080..U+009F, the C1 controls.
            0xC2 => matches!(next(1), 0x80..=0x9F),
            // U+061C.
            0xD8 => next(1) == 0x9C,
            // U+200E, U+200F, U+202A..U+202E; U+2066..U+2069.
            0xE2 => matches!(
                (next(1), next(2)),
                (0x80, 0x8E | 0x8F | 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
            ),
            // U+FEFF.
            0xEF => next(1) == 0xBB && next(2) == 0xBF,
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// `text` without invisible characters (`is_invisible`); borrowed when it
/// has none. Line breaks are kept, so line numbers do not move.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !has_invisible(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\u{0B}' | '\u{0C}' | '\u{85}' => Some(' '),
                c if is_invisible(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// `clean` for an owned string, reusing it when there is nothing to remove.
pub fn clean_owned(text: String) -> String {
    match clean(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_read_as_windows_1252() {
        let d = decode(b"Ren\xe9e is my neighbor").unwrap();
        assert_eq!(d.text, "Renée is my neighbor");
        assert!(d.warning.is_none());
        let d = decode(b"\x93Tom\x94 \x96 caf\xe9").unwrap();
        assert_eq!(d.text, "\u{201c}Tom\u{201d} \u{2013} café");
    }

    #[test]
    fn utf8_bom_and_utf16_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap().text, "hi");
        assert_eq!(decode(b"\xFF\xFEh\0i\0").unwrap().text, "hi");
        assert_eq!(decode(b"\xFE\xFF\0h\0i").unwrap().text, "hi");
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let le: Vec<u8> = "Client: Ann\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&le).unwrap().text, "Client: Ann\n");
        let be: Vec<u8> = "Client: Ann\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(&be).unwrap().text, "Client: Ann\n");
    }

    #[test]
    fn odd_utf16_is_replaced_with_a_warning_and_its_line() {
        let d = decode(b"\xFF\xFEa\0\n\0b").unwrap();
        assert_eq!(d.text, "a\n\u{FFFD}");
        assert_eq!(d.warning.unwrap().0, 2);
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x7fELF\0\0\x01").is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
    }

    #[test]
    fn stray_byte_in_utf8_warns_with_line() {
        let d = decode(b"Zo\xc3\xab\nJos\xc3\xa9\nbad \xff here").unwrap();
        assert!(d.text.starts_with("Zoë"));
        assert_eq!(d.warning.unwrap().0, 3);
    }

    #[test]
    fn valid_utf8_is_borrowed() {
        assert!(matches!(decode(b"plain").unwrap().text, Cow::Borrowed(_)));
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_characters_are_removed_and_lines_kept() {
        assert_eq!(clean("Linda\u{202E}Park\u{200F}"), "LindaPark");
        assert_eq!(clean("a\u{7}b\u{1b}[31mc\0"), "ab[31mc");
        assert_eq!(clean("a\u{c}b\r\n\tc\u{2067}"), "a b\r\n\tc");
        assert_eq!(clean("\u{85}x\u{9b}"), " x");
        // Joiners inside words and scripts are kept.
        assert_eq!(clean("a\u{200D}b"), "a\u{200D}b");
    }
}
