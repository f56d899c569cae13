//! Client files (`.txt`, `.md`): the client header, then one note per date
//! line (SPEC "Client files").
//!
//! Input: a decoded file. Output: `RawNote`s in file order; text before the
//! first date line is an undated note. It does not split sentences.
use std::sync::Arc;

use super::date::{
    numeric_date_shape, parse_date_prefix, parse_date_prefix_any_year, short_tail, why_unreadable,
    Date,
};
use super::{decode, quoted, FileResult, RawNote};
use crate::diag::Diagnostic;

const CLIENT_KEYS: [&str; 4] = ["client", "account", "household", "contact"];
const META_KEYS: [&str; 6] = ["advisor", "author", "owner", "agent", "rep", "prepared by"];

/// A line that ends one note and starts the next.
enum DateLine {
    Dated(Date),
    /// Looked like a date line but the date could not be read.
    Unreadable,
}

/// Reads a client file into notes.
pub fn read_client_file(path: &Arc<str>, text: &str, out: &mut FileResult) {
    let mut client: Option<String> = None;
    let mut current: Option<(u32, Option<Date>, String)> = None;
    let mut undated = String::new();
    let mut undated_line = 0u32;
    let mut seen_date = false;
    let mut notes = Vec::new();
    for (idx, raw_line) in text.lines().enumerate() {
        let lineno = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let line = raw_line.trim();
        if idx < 40 && client.is_none() && !seen_date {
            if let Some(name) = header_value(line, &CLIENT_KEYS) {
                client = Some(name.to_string());
                continue;
            }
        }
        if line.len() < 80 && header_value(line, &META_KEYS).is_some() {
            continue;
        }
        if let Some((date_line, after_label)) = date_line(line) {
            if let Some((start, date, body)) = current.take() {
                notes.push((start, date, body));
            }
            seen_date = true;
            let date = match date_line {
                DateLine::Dated(d) => Some(d),
                DateLine::Unreadable => {
                    out.diagnostics.push(Diagnostic::warning(
                        path,
                        lineno,
                        format!(
                            "unreadable date {}{}; note left undated",
                            quoted(line),
                            why_unreadable(after_label)
                        ),
                    ));
                    None
                }
            };
            current = Some((lineno + 1, date, String::new()));
            continue;
        }
        let buf = match current.as_mut() {
            Some((_, _, body)) => body,
            None => {
                if undated.is_empty() {
                    undated_line = lineno;
                }
                &mut undated
            }
        };
        buf.push_str(raw_line);
        buf.push('\n');
    }
    if let Some(last) = current.take() {
        notes.push(last);
    }
    let client = client.unwrap_or_else(|| client_from_file_name(path));
    if !has_words(&undated) && !notes.iter().any(|(_, _, body)| has_words(body)) {
        out.diagnostics.push(Diagnostic::warning(
            path,
            0,
            "no notes: nothing but headers and date lines",
        ));
    }
    if has_words(&undated) {
        out.notes.push(RawNote {
            path: path.clone(),
            line: undated_line.max(1),
            client: client.clone(),
            date: None,
            author: None,
            text: undated,
        });
    }
    for (line, date, body) in notes {
        if has_words(&body) {
            out.notes.push(RawNote {
                path: path.clone(),
                line,
                client: client.clone(),
                date,
                author: None,
                text: body,
            });
        }
    }
}

fn has_words(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).nth(2).is_some()
}

/// `Client: Linda Park`, `**Client:** Linda`, `# Client - Linda` -> the value.
fn header_value<'a>(line: &'a str, keys: &[&str]) -> Option<&'a str> {
    let line = line.trim_start_matches(['#', '*', '>', ' ', '-']);
    for key in keys {
        if line
            .get(..key.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(key))
        {
            let rest = line[key.len()..].trim_start_matches(['*', ' ']);
            let rest = rest.strip_prefix(':')?;
            let value = rest.trim().trim_matches('*').trim();
            let value = value.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '.');
            if !value.is_empty() && value.len() <= 80 {
                return Some(value);
            }
        }
    }
    None
}

/// Whether a line is a meeting's date line (SPEC "Client files"); with it,
/// the line after its `#` and `Date:` label.
fn date_line(line: &str) -> Option<(DateLine, &str)> {
    let heading = line.starts_with('#');
    let mut s = line
        .trim_start_matches(['#', '*', ' '])
        .trim_end_matches(['*', ' ']);
    let mut labelled = false;
    for prefix in ["meeting date", "date", "meeting", "call", "session"] {
        if s.len() > prefix.len()
            && s.is_char_boundary(prefix.len())
            && s[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            let rest = s[prefix.len()..].trim_start_matches(['*', ':', ' ', '-']);
            if rest.len() < s.len() - prefix.len() {
                s = rest;
                labelled = true;
                break;
            }
        }
    }
    let found = match parse_date_prefix(s) {
        // "2026-03-14 - annual review" is a date line; a sentence that
        // merely starts with a date is not.
        Some((date, rest)) => short_tail(rest).then_some(DateLine::Dated(date)),
        None => {
            let digits = s.chars().next().is_some_and(|c| c.is_ascii_digit());
            let short = s.split_whitespace().take(5).count() <= 4;
            let date_label = line
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("date"));
            // A real date in a year out of range, or a numeric date that is
            // no calendar day (`2026-02-30`), shaped as a date line.
            let out_of_range = parse_date_prefix_any_year(s).is_some_and(|(_, r)| short_tail(r));
            let bad_numeric = numeric_date_shape(s).is_some_and(short_tail);
            (out_of_range
                || bad_numeric
                || labelled && date_label && short
                || heading && digits && short)
                .then_some(DateLine::Unreadable)
        }
    };
    found.map(|d| (d, s))
}

/// `linda-park.md` -> `Linda Park`.
pub fn client_from_file_name(path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(path);
    let stem = decode::clean(stem);
    stem.split(['-', '_', ' ', '.'])
        .flat_map(|w| w.split(char::is_control))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &str) -> FileResult {
        let mut out = FileResult::default();
        read_client_file(&Arc::from(name), text, &mut out);
        out
    }

    #[test]
    fn every_date_line_form_starts_a_note() {
        let text = "Client: Linda Park\n\nIntro before dates.\n## 2026-03-14\nOne.\nDate: 2026-03-15\nTwo.\n2026-03-16 - annual review\nThree.\nMeeting 3/17/2026\nFour.\nMarch 18, 2026\nFive.\n";
        let r = read("x.md", text);
        let dates: Vec<String> = r
            .notes
            .iter()
            .map(|n| n.date.map(|d| d.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            dates,
            [
                "",
                "2026-03-14",
                "2026-03-15",
                "2026-03-16",
                "2026-03-17",
                "2026-03-18"
            ]
        );
        assert!(r.notes.iter().all(|n| n.client == "Linda Park"));
        assert_eq!(r.notes[1].line, 5);
    }

    #[test]
    fn file_name_names_the_client_when_no_header() {
        let r = read("dir/linda-park.md", "## 2026-01-02\nHello there.\n");
        assert_eq!(r.notes[0].client, "Linda Park");
    }

    #[test]
    fn unreadable_date_is_reported_and_note_kept_undated() {
        let r = read("a.md", "Client: A B\nDate: 2026-02-30\nSome words here.\n");
        assert_eq!(r.notes.len(), 1);
        assert_eq!(r.notes[0].date, None);
        assert_eq!(r.diagnostics[0].line, 2);
    }

    #[test]
    fn a_sentence_starting_with_a_date_is_not_a_date_line() {
        let r = read(
            "a.md",
            "Client: A B\n## 2026-01-01\nMarch 3, 2026 was when we met again at the office.\n",
        );
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn out_of_range_and_impossible_date_lines_are_reported() {
        let r = read(
            "a.md",
            "Client: A B\n1850-01-01 - review\nOne note here.\n2026-02-30\nTwo notes here.\n",
        );
        assert_eq!(r.notes.len(), 2);
        assert!(r.notes.iter().all(|n| n.date.is_none()));
        let got: Vec<String> = r.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "a.md:2: warning: unreadable date \"1850-01-01 - review\" (year 1850 is outside 1900-2199); note left undated",
                "a.md:4: warning: unreadable date \"2026-02-30\"; note left undated",
            ]
        );
    }

    #[test]
    fn headers_alone_are_no_notes() {
        let r = read("a.md", "Client: A B\nAdvisor: Dana\n## 2026-01-02\n");
        assert!(r.notes.is_empty());
        assert_eq!(
            r.diagnostics[0].message,
            "no notes: nothing but headers and date lines"
        );
    }

    #[test]
    fn a_huge_unreadable_date_line_is_quoted_short() {
        let line = format!("## 1 {}", "x".repeat(100_000));
        let r = read("a.md", &format!("{line}\nSome words here.\n"));
        assert!(r.diagnostics[0].message.len() < 200);
    }

    #[test]
    fn hidden_characters_leave_file_names() {
        assert_eq!(
            client_from_file_name("d/ann\u{202E}-lee\u{200F}.md"),
            "Ann Lee"
        );
        assert_eq!(client_from_file_name("d/bo\nli\u{7}.md"), "Bo Li");
    }
}
