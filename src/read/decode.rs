//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, and
//! Latin-1 / Windows-1252. Binary files are refused.
//!
//! Input: a file's bytes. Output: its text, or a reason it is not text, plus
//! an optional warning (invalid UTF-8 bytes replaced at line N).
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The result of decoding one file.
pub struct Decoded {
    /// The text, BOM removed.
    pub text: String,
    /// A problem worth telling the user about, with its 1-based line.
    pub warning: Option<(u32, String)>,
}

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(decode_utf8_or_legacy(rest));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        let (text, _, had_errors) = enc.decode(bytes);
        let warning = had_errors.then(|| (0, "invalid UTF-16 replaced".to_string()));
        return Ok(Decoded {
            text: text.into_owned(),
            warning,
        });
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary file (NUL bytes), skipped".into());
    }
    Ok(decode_utf8_or_legacy(bytes))
}

fn decode_utf8_or_legacy(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            warning: None,
        },
        Err(e) => {
            let (mut non_ascii, mut invalid) = (0usize, 0usize);
            for chunk in bytes.utf8_chunks() {
                non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                invalid += usize::from(!chunk.invalid().is_empty());
            }
            let valid_multibyte = non_ascii > invalid;
            if valid_multibyte {
                // Mostly UTF-8 with a few bad bytes: keep the UTF-8 reading.
                let line = line_of(bytes, e.valid_up_to());
                Decoded {
                    text: String::from_utf8_lossy(bytes).into_owned(),
                    warning: Some((line, "invalid UTF-8 replaced with U+FFFD".into())),
                }
            } else {
                // Latin-1 and Windows-1252 exports: 1252 is a superset.
                let (text, _, _) = WINDOWS_1252.decode(bytes);
                Decoded {
                    text: text.into_owned(),
                    warning: None,
                }
            }
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let n = memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1;
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_read_as_windows_1252() {
        let d = decode(b"Ren\xe9e is my neighbor").unwrap();
        assert_eq!(d.text, "Renée is my neighbor");
        assert!(d.warning.is_none());
    }

    #[test]
    fn utf8_bom_and_utf16_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap().text, "hi");
        assert_eq!(decode(b"\xFF\xFEh\0i\0").unwrap().text, "hi");
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x7fELF\0\0\x01").is_err());
    }

    #[test]
    fn stray_byte_in_utf8_warns_with_line() {
        let d = decode(b"Zo\xc3\xab\nJos\xc3\xa9\nbad \xff here").unwrap();
        assert!(d.text.starts_with("Zoë"));
        assert_eq!(d.warning.unwrap().0, 3);
    }
}
