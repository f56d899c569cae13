//! Shorthand spellings of lexicon words (`abt` for `about`, `w/` for
//! `with`), read from `grammar/shorthand`: every phrase and pattern of the
//! scanned lexicons also matches the way quick notes abbreviate it.
//!
//! Input: the lexicon set. Output: the spellings of a phrase, and a regex
//! source with each listed word widened to its short forms.
use super::overlay::LexiconSet;
use super::parse::Pattern;
use std::collections::HashMap;

/// The category that lists short forms as `short => word`.
pub const CATEGORY: &str = "grammar/shorthand";

/// More spellings than this of one phrase are not generated.
const MAX_VARIANTS: usize = 16;

/// Word (lowercase) -> its short forms, in file order.
#[derive(Debug, Default)]
pub struct Shorthand {
    forms: HashMap<String, Vec<String>>,
}

impl Shorthand {
    /// The short forms listed in `grammar/shorthand` (none when absent).
    pub fn from_set(set: &LexiconSet) -> Shorthand {
        let mut forms: HashMap<String, Vec<String>> = HashMap::new();
        for entry in set.get(CATEGORY).into_iter().flatten() {
            if let Pattern::Phrase(short) = &entry.pattern {
                let short = short.to_lowercase();
                if short != entry.canonical {
                    forms
                        .entry(entry.canonical.clone())
                        .or_default()
                        .push(short);
                }
            }
        }
        Shorthand { forms }
    }

    /// The short forms of a word: those listed, and speech's dropped g
    /// (`frettin'` for `fretting`), apostrophe included.
    fn shorts(&self, word: &str) -> Vec<String> {
        let lower = word.to_lowercase();
        let mut out: Vec<String> = self.forms.get(&lower).cloned().unwrap_or_default();
        if let Some(stem) = dropped_g(&lower) {
            out.push(format!("{stem}in'"));
        }
        out
    }

    /// The phrase as written, then its spellings with listed words in
    /// short form (`very private about` -> `v private abt`, ...).
    pub fn phrase_variants(&self, phrase: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        for (i, word) in phrase.split(' ').enumerate() {
            let alternatives = self.shorts(word);
            let mut next = Vec::with_capacity(out.len());
            for stem in &out {
                let sep = if i == 0 { "" } else { " " };
                next.push(format!("{stem}{sep}{word}"));
                for short in &alternatives {
                    if next.len() < MAX_VARIANTS {
                        next.push(format!("{stem}{sep}{short}"));
                    }
                }
            }
            out = next;
        }
        out
    }

    /// The regex source with each listed word that stands alone between
    /// spaces, brackets or bars widened to `(?:word|short...)`; `None` when
    /// no word is listed.
    pub fn regex_source(&self, source: &str) -> Option<String> {
        let bytes = source.as_bytes();
        let mut out = String::with_capacity(source.len() + 16);
        let mut changed = false;
        let mut in_class = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\\' {
                // An escape and what it escapes (`\s`, `\b`, `\.`) as written.
                let len = source[i + 1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&source[i..i + 1 + len]);
                i += 1 + len;
                continue;
            }
            if in_class {
                in_class = b != b']';
            } else if b == b'[' {
                in_class = true;
            } else if b.is_ascii_alphabetic() {
                // A word may hold an apostrophe between letters ("don't").
                let mut end = i;
                while end < bytes.len() {
                    if bytes[end].is_ascii_alphabetic() {
                        end += 1;
                    } else if bytes[end] == b'\''
                        && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic)
                    {
                        end += 2;
                    } else {
                        break;
                    }
                }
                let word = &source[i..end];
                let before_ok = i == 0 || matches!(bytes[i - 1], b' ' | b'(' | b'|' | b':');
                // `(?i)`, `(?P<x>` are flags and names, not words.
                let flag = i >= 1 && bytes[i - 1] == b'?';
                let after_ok = end == bytes.len() || matches!(bytes[end], b' ' | b')' | b'|');
                let shorts = if before_ok && !flag && after_ok {
                    self.shorts(word)
                } else {
                    Vec::new()
                };
                if !shorts.is_empty() {
                    // A whole alternative (`(?:me|us|you)`) gains its short
                    // forms as alternatives beside it, so that the longest
                    // can be tried first ("us" before "u"); a word inside
                    // a phrase gets a group of its own.
                    let alternative = i >= 1
                        && matches!(bytes[i - 1], b'|' | b':')
                        && end < bytes.len()
                        && matches!(bytes[end], b'|' | b')');
                    if !alternative {
                        out.push_str("(?:");
                    }
                    out.push_str(word);
                    for short in &shorts {
                        out.push('|');
                        // The dropped g's apostrophe in any form or none.
                        match short.strip_suffix('\'') {
                            Some(stem) => {
                                out.push_str(&regex_syntax::escape(stem));
                                out.push_str("['’]?");
                            }
                            None => out.push_str(&regex_syntax::escape(short)),
                        }
                    }
                    if !alternative {
                        out.push(')');
                    }
                    changed = true;
                } else {
                    out.push_str(word);
                }
                i = end;
                continue;
            }
            let len = source[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&source[i..i + len]);
            i += len;
        }
        changed.then_some(out)
    }
}

/// The stem of a spoken `-ing` word long enough to drop its g
/// ("fretting" -> "frett"); `None` for "thing", "king", "bring".
fn dropped_g(word: &str) -> Option<&str> {
    let stem = word.strip_suffix("ing")?;
    (stem.len() >= 3 && stem.bytes().all(|b| b.is_ascii_lowercase())).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shorthand(pairs: &[(&str, &str)]) -> Shorthand {
        let mut forms: HashMap<String, Vec<String>> = HashMap::new();
        for (short, word) in pairs {
            forms
                .entry(word.to_string())
                .or_default()
                .push(short.to_string());
        }
        Shorthand { forms }
    }

    #[test]
    fn phrases_gain_every_short_spelling() {
        let s = shorthand(&[("abt", "about"), ("v", "very"), ("bout", "about")]);
        assert_eq!(
            s.phrase_variants("very private about"),
            [
                "very private about",
                "very private abt",
                "very private bout",
                "v private about",
                "v private abt",
                "v private bout"
            ]
        );
        assert_eq!(s.phrase_variants("all set"), ["all set"]);
        // Speech drops the g of a longer -ing word, not of "bring".
        assert_eq!(
            s.phrase_variants("fretting about"),
            [
                "fretting about",
                "fretting abt",
                "fretting bout",
                "frettin' about",
                "frettin' abt",
                "frettin' bout"
            ]
        );
        assert_eq!(s.phrase_variants("bring it"), ["bring it"]);
    }

    #[test]
    fn regexes_widen_whole_words_only() {
        let s = shorthand(&[("abt", "about"), ("w/", "with"), ("dinnae", "don't")]);
        let cases = [
            (
                r"talk (?:to|with) (?:me|us) about",
                r"talk (?:to|with|w/) (?:me|us) (?:about|abt)",
            ),
            // A word with an apostrophe, a dropped g, a group of one word,
            // a word inside a phrase.
            (r"(?:don't|never) ask", r"(?:don't|dinnae|never) ask"),
            (
                r"fixing to (?:sell|buy)",
                r"(?:fixing|fixin['’]?) to (?:sell|buy)",
            ),
            (r"(?:with)?", r"(?:with|w/)?"),
            (r"go with (?:me|us)", r"go (?:with|w/) (?:me|us)"),
        ];
        for (source, widened) in cases {
            assert_eq!(s.regex_source(source).as_deref(), Some(widened), "{source}");
        }
        // Escapes, classes, words with quantifiers and inside longer words
        // stay as written.
        assert_eq!(s.regex_source(r"\bwithout [^about]+ abouts? withx"), None);
    }
}
