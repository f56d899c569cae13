//! Parses one lexicon file (SPEC "Lexicons") into validated entries.
//!
//! Input: the file's category path and its text. Output: `Vec<Entry>` or the
//! first `LexiconError` naming `path:line`. It never matches text.
use super::shorthand::Shorthand;
use regex_automata::{meta, Anchored, Input};
use std::fmt;

/// One validated line of a lexicon file.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What the line matches.
    pub pattern: Pattern,
    /// The normalised term the entry stands for (`bro => brother`); the
    /// phrase itself, lowercased, when the line gives none.
    pub canonical: String,
    /// 1-based line number in its file, for messages.
    pub line: u32,
}

/// The two kinds of entry: a literal phrase or a `re:` regular expression.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Matched case-insensitively on word boundaries.
    Phrase(String),
    /// Matched case-insensitively on word boundaries too.
    Regex(LazyRegex),
}

/// A regular expression checked when the lexicon is read but compiled only
/// when a text first needs it: a one-file review does not pay to compile a
/// hundred patterns it never runs.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    /// Literals every match starts with (lowercase), when there are few:
    /// the regex runs only on texts that hold one of them.
    prefixes: Option<Vec<String>>,
    compiled: std::sync::OnceLock<meta::Regex>,
}

/// Longest regex prefix kept for the automaton, in bytes.
const PREFIX_BYTES: usize = 10;

impl LazyRegex {
    /// Checks the syntax and works out the prefixes; compiles nothing.
    pub fn parse(source: &str) -> Result<LazyRegex, String> {
        let source = &longest_first(source);
        // Parsed as written: case folding changes neither the syntax nor
        // the shortest match, and would multiply the prefixes (matching
        // them ignores ASCII case anyway).
        let plain = regex_syntax::ParserBuilder::new()
            .build()
            .parse(source)
            .map_err(|e| format!("invalid regex: {}", first_line(&e.to_string())))?;
        if plain.properties().minimum_len() == Some(0) {
            return Err("regex matches the empty string".into());
        }
        let mut seq = regex_syntax::hir::literal::Extractor::new().extract(&plain);
        // Many long alternatives ("don't|do not|won't ... want to give|pass")
        // are cut to shorter prefixes until there are few enough.
        // A prefix only says where to try the regex: ten bytes tell as much
        // as the whole literal, and the short-form spellings would otherwise
        // multiply them into thousands more automaton patterns to build at
        // every start (the same tables, and no slower a scan).
        seq.keep_first_bytes(PREFIX_BYTES);
        seq.dedup();
        let mut keep = PREFIX_BYTES;
        while seq.len().is_some_and(|n| n > 64) && keep > 2 {
            seq.keep_first_bytes(keep);
            seq.dedup();
            keep -= 2;
        }
        let prefixes = seq.literals().and_then(|lits| {
            let mut out: Vec<String> = lits
                .iter()
                .map(|l| {
                    // A cut may end inside a character: keep whole ones.
                    let b = l.as_bytes();
                    let valid = std::str::from_utf8(b).map_or_else(|e| e.valid_up_to(), str::len);
                    String::from_utf8_lossy(&b[..valid]).to_lowercase()
                })
                .collect();
            out.sort();
            out.dedup();
            let usable = !out.is_empty() && out.len() <= 64 && out.iter().all(|l| l.len() >= 2);
            usable.then_some(out)
        });
        Ok(LazyRegex {
            source: source.to_string(),
            prefixes,
            compiled: std::sync::OnceLock::new(),
        })
    }

    /// Parses a pattern as a lexicon file writes it: apostrophes match
    /// straight, curly or none, and `\b` is ASCII.
    pub fn parse_written(written: &str) -> Result<LazyRegex, String> {
        // Sorted before apostrophes are loosened: `don['’]?t` is no plain word.
        LazyRegex::parse(&loose_apostrophes(&longest_first(written)))
    }

    /// The pattern as compiled.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Literals every match starts with, if the pattern has a few.
    pub fn prefixes(&self) -> Option<&[String]> {
        self.prefixes.as_deref()
    }

    /// The compiled regex (compiled on first use).
    pub fn get(&self) -> &meta::Regex {
        self.compiled.get_or_init(|| {
            meta::Regex::builder()
                .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                .configure(meta::Config::new().nfa_size_limit(Some(1 << 24)))
                .build(&self.source)
                .expect("the syntax was checked when the lexicon was read")
        })
    }

    /// The match starting exactly at `at`, if any (look-behind such as
    /// `\b` still sees the text before `at`).
    pub fn match_at(&self, text: &str, at: usize) -> Option<std::ops::Range<usize>> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.get().search(&input).map(|m| m.range())
    }

    /// Like `match_at`, with the caller's search cache (one per thread:
    /// the regex's shared pool of caches is contended on many cores).
    pub fn match_at_with(
        &self,
        cache: &mut meta::Cache,
        text: &str,
        at: usize,
    ) -> Option<std::ops::Range<usize>> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.get().search_with(cache, &input).map(|m| m.range())
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }
}

/// A bad lexicon line. Displays as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    /// The file as the user knows it (`lexicons/objections/privacy.txt`).
    pub path: String,
    /// 1-based line, 0 when the whole file is at fault.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for LexiconError {}

/// Parses the text of one lexicon file. `display_path` is used in errors.
pub fn parse_lexicon(display_path: &str, text: &str) -> Result<Vec<Entry>, LexiconError> {
    parse_lexicon_with(display_path, text, None)
}

/// Like `parse_lexicon`, with each regex widened by the short forms of
/// `grammar/shorthand` as it is read (`abt` wherever a pattern says
/// `about`), so that every pattern is parsed once.
pub fn parse_lexicon_with(
    display_path: &str,
    text: &str,
    shorthand: Option<&Shorthand>,
) -> Result<Vec<Entry>, LexiconError> {
    let mut entries = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let err = |message: String| LexiconError {
            path: display_path.to_string(),
            line,
            message,
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // `phrase => canonical`: the normalised term the phrase stands for.
        let (body, canonical) = match trimmed.rsplit_once(" => ") {
            Some((b, c)) if !b.trim().is_empty() && !c.trim().is_empty() => {
                (b.trim(), Some(c.trim().to_lowercase()))
            }
            Some(_) => return Err(err("empty side of `=>`".into())),
            None => (trimmed, None),
        };
        let (pattern, fallback) = if let Some(re) = body.strip_prefix("re:") {
            let re = re.trim();
            if re.is_empty() {
                return Err(err("empty regular expression".into()));
            }
            let wide = shorthand.and_then(|sh| sh.regex_source(&longest_first(re)));
            let lazy = match wide {
                Some(wide) => LazyRegex::parse_written(&wide).map_err(|message| {
                    // The pattern's own fault, or its short forms'.
                    match LazyRegex::parse_written(re) {
                        Err(own) => err(own),
                        Ok(_) => err(format!("with its short forms: {message}")),
                    }
                })?,
                None => LazyRegex::parse_written(re).map_err(err)?,
            };
            (Pattern::Regex(lazy), re.to_lowercase())
        } else {
            if body.chars().any(char::is_control) {
                return Err(err("control character in phrase".into()));
            }
            let phrase = body.split_whitespace().collect::<Vec<_>>().join(" ");
            (Pattern::Phrase(phrase.clone()), phrase.to_lowercase())
        };
        entries.push(Entry {
            pattern,
            canonical: canonical.unwrap_or(fallback),
            line,
        });
    }
    Ok(entries)
}

/// Notes write "don't", "don’t" and, typed fast, "dont": an apostrophe in a
/// regex (outside a character class) matches any of the three. A `\b` is
/// made ASCII (`(?-u:\b)`): a Unicode word boundary stops the lazy DFA on
/// the first non-ASCII byte and every note would be searched the slow way.
fn loose_apostrophes(re: &str) -> String {
    let mut out = String::with_capacity(re.len() + 8);
    let mut in_class = false;
    let mut escaped = false;
    for c in re.chars() {
        match c {
            'b' | 'B' if escaped && !in_class => {
                escaped = false;
                // Replace the `\` already pushed.
                out.pop();
                out.push_str(if c == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
            }
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            '\\' => {
                escaped = true;
                out.push(c);
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '\'' | '’' if !in_class => out.push_str("['’]?"),
            _ => out.push(c),
        }
    }
    out
}

/// The spellings of a phrase that notes use for its apostrophes: as
/// written, with a curly one, and without (`don't`, `don’t`, `dont`).
pub fn apostrophe_variants(phrase: &str) -> Vec<String> {
    if !phrase.contains(['\'', '’']) {
        return vec![phrase.to_string()];
    }
    let straight = phrase.replace('’', "'");
    let mut v = vec![
        straight.clone(),
        straight.replace('\'', "’"),
        straight.replace('\'', ""),
    ];
    v.dedup();
    v
}

/// The regex with each group of plain words (`(?:use|uses|used)`) put
/// longest first. A regex takes the first alternative that lets the whole
/// pattern match, so `use` would end a match inside "uses", which then
/// fails the word-boundary check; two plain words can only both match at
/// one place when one starts the other, so the order changes nothing else.
pub fn longest_first(source: &str) -> String {
    let plain = |alt: &str| !alt.contains(|c: char| "\\[](){}?*+.^$".contains(c));
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(open) = rest.find("(?:") {
        let (before, group) = rest.split_at(open + 3);
        out.push_str(before);
        match group.find(')') {
            Some(close) if plain(&group[..close]) && !group[..close].contains('(') => {
                let mut alts: Vec<&str> = group[..close].split('|').collect();
                alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
                out.push_str(&alts.join("|"));
                rest = &group[close..];
            }
            _ => rest = group,
        }
    }
    out.push_str(rest);
    out
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('^'))
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_phrases() {
        let e = parse_lexicon("x.txt", "# head\n\n  rather not  \nbro => brother\n").unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].canonical, "rather not");
        assert_eq!(e[0].line, 3);
        assert_eq!(e[1].canonical, "brother");
    }

    #[test]
    fn bad_regex_names_file_and_line() {
        let err = parse_lexicon("lexicons/a/b.txt", "ok\nre:(unclosed\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err
            .to_string()
            .starts_with("lexicons/a/b.txt:2: invalid regex"));
    }

    #[test]
    fn apostrophes_match_straight_curly_or_missing() {
        let e = parse_lexicon("f", "re:I don't give").unwrap();
        let Pattern::Regex(r) = &e[0].pattern else {
            panic!()
        };
        for s in ["I don't give", "I don’t give", "i dont give"] {
            assert!(r.is_match(s), "{s}");
        }
        assert_eq!(apostrophe_variants("won't"), ["won't", "won’t", "wont"]);
        assert_eq!(loose_apostrophes(r"a\bb"), r"a(?-u:\b)b");
        let e = parse_lexicon("f", r"re:[\w'-]+ x").unwrap();
        let Pattern::Regex(r) = &e[0].pattern else {
            panic!()
        };
        assert!(r.is_match("o'neil x"));
        assert!(r.prefixes().is_none(), "a class is no literal prefix");
        let e = parse_lexicon("f", "re:(?:Asked|told) for").unwrap();
        let Pattern::Regex(r) = &e[0].pattern else {
            panic!()
        };
        assert_eq!(r.prefixes().unwrap(), ["asked for", "told for"]);
    }

    #[test]
    fn empty_matching_regex_is_rejected() {
        assert!(parse_lexicon("f", "re:a*").is_err());
    }

    #[test]
    fn plain_word_groups_put_the_longest_first() {
        assert_eq!(
            longest_first(r"who (?:I|he) (?:use|uses|go to)"),
            r"who (?:he|I) (?:go to|uses|use)"
        );
        // Groups holding classes, escapes or other groups stay as written;
        // plain groups inside them are sorted.
        assert_eq!(
            longest_first(r"(?:a|[^\s]+ ){0,2}(?:x|\.y)(?:(?:a|ab)c)"),
            r"(?:a|[^\s]+ ){0,2}(?:x|\.y)(?:(?:ab|a)c)"
        );
        let re = LazyRegex::parse(r"asked who (?:I|she) (?:use|uses)").expect("valid");
        assert_eq!(re.match_at("asked who she uses", 0), Some(0..18));
    }
}
