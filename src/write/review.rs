//! `circlescan review`: one client's tables as text for a person at a
//! terminal. Input: `Tables` (and, for highlighting, the `Matcher` the scan
//! used). Output: a string; it prints nothing itself and never decides
//! whether the terminal takes colour: the caller says so in `ReviewStyle`.
use std::fmt::Write;

use crate::lexicon::matcher::is_bounded;
use crate::lexicon::Matcher;
use crate::model::{CandidateRow, FlagKind, FlagRow, Readiness, Tables};

/// How to render: with ANSI bold and colour or plain, and which lexicons
/// find the words to highlight.
#[derive(Clone, Copy, Default)]
pub struct ReviewStyle<'a> {
    /// Use ANSI bold and colour.
    pub color: bool,
    /// Lexicons to find need, interest, objection and moment phrases in
    /// the evidence; without it only names and relationships stand out.
    pub matcher: Option<&'a Matcher>,
}

const BOLD: &str = "1";
const RED: &str = "1;31";
const GREEN: &str = "1;32";
const YELLOW: &str = "1;33";
const BLUE: &str = "1;34";
const MAGENTA: &str = "1;35";
const CYAN: &str = "1;36";
const DIM: &str = "2";

impl ReviewStyle<'_> {
    fn paint(&self, text: &str, code: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Renders without colour or lexicon highlights.
pub fn render_review(tables: &Tables) -> String {
    render_review_styled(tables, &ReviewStyle::default())
}

fn flag_color(flag: FlagKind) -> &'static str {
    match flag {
        FlagKind::DoNotAsk | FlagKind::BackOff => RED,
        FlagKind::FixService | FlagKind::Explore => YELLOW,
        FlagKind::Later => BLUE,
        FlagKind::AskNow => GREEN,
    }
}

fn readiness_color(r: Readiness) -> &'static str {
    match r {
        Readiness::Ready => GREEN,
        Readiness::Nurture => YELLOW,
        Readiness::Noted => DIM,
    }
}

/// The current flag from the flag rows alone (SPEC §2), for a client with
/// no candidates to carry it: `do_not_ask` once raised, else the most
/// severe flag of the latest dated note, else of the latest undated one.
fn current_from_flags(flags: &[&FlagRow]) -> Option<FlagKind> {
    if flags.iter().any(|f| f.flag == FlagKind::DoNotAsk) {
        return Some(FlagKind::DoNotAsk);
    }
    let latest = flags
        .iter()
        .filter(|f| !f.date.is_empty())
        .map(|f| f.date.as_str())
        .max()
        .unwrap_or("");
    flags
        .iter()
        .filter(|f| f.date == latest)
        .map(|f| f.flag)
        .max_by_key(|k| k.severity())
}

/// Renders the current flag and why, each candidate with its readiness,
/// next step and evidence, then each flag with its evidence, newest first.
pub fn render_review_styled(tables: &Tables, style: &ReviewStyle<'_>) -> String {
    let mut out = String::new();
    let mut clients: Vec<&str> = tables
        .candidates
        .iter()
        .map(|c| c.client.as_str())
        .chain(tables.flags.iter().map(|f| f.client.as_str()))
        .collect();
    clients.sort_unstable();
    clients.dedup();
    if clients.is_empty() {
        out.push_str("No candidates and no flags in these notes.\n");
    }
    for client in clients {
        let flags: Vec<&FlagRow> = tables.flags.iter().filter(|f| f.client == client).collect();
        let candidates: Vec<&CandidateRow> = tables
            .candidates
            .iter()
            .filter(|c| c.client == client)
            .collect();
        let current = match candidates.first() {
            Some(c) => c.client_flag,
            None => current_from_flags(&flags),
        };
        let _ = writeln!(out, "{}", style.paint(client, BOLD));
        match current {
            Some(flag) => {
                // The newest row of that flag says why.
                let why = flags.iter().rev().find(|f| f.flag == flag);
                let date = why
                    .filter(|f| !f.date.is_empty())
                    .map(|f| format!(" ({})", f.date))
                    .unwrap_or_default();
                let reason = why.map_or(String::new(), |f| format!(": {}", f.reason));
                let _ = writeln!(
                    out,
                    "  current flag: {}{date}{reason}",
                    style.paint(flag.as_str(), flag_color(flag))
                );
                if let Some(f) = why {
                    write_evidence(&mut out, &f.evidence, &f.source, &[], FLAG_GROUPS, style);
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "  current flag: none (no objection, complaint or thanks noted)"
                );
            }
        }
        let _ = writeln!(out, "\n  Candidates ({})", candidates.len());
        for c in &candidates {
            write_candidate(&mut out, c, style);
        }
        let _ = writeln!(out, "\n  Flags ({}), newest first", flags.len());
        for f in flags.iter().rev() {
            let date = if f.date.is_empty() {
                "undated"
            } else {
                &f.date
            };
            let _ = writeln!(
                out,
                "  - {date} {}: {}",
                style.paint(f.flag.as_str(), flag_color(f.flag)),
                f.reason
            );
            write_evidence(&mut out, &f.evidence, &f.source, &[], FLAG_GROUPS, style);
        }
        out.push('\n');
    }
    out
}

/// Lexicon groups highlighted in a candidate's evidence, with colours.
const CANDIDATE_GROUPS: &[(&str, &str)] =
    &[("needs", YELLOW), ("interest", GREEN), ("intro", CYAN)];
/// Lexicon groups highlighted in a flag's evidence.
const FLAG_GROUPS: &[(&str, &str)] = &[("objections", RED), ("cues", MAGENTA), ("moments", CYAN)];

fn write_candidate(out: &mut String, c: &CandidateRow, style: &ReviewStyle<'_>) {
    let who = if c.person.is_empty() {
        format!("({})", c.relationship)
    } else {
        c.person.clone()
    };
    let rel = if c.person.is_empty() || c.relationship.is_empty() {
        String::new()
    } else {
        format!(", {}", c.relationship)
    };
    let _ = writeln!(
        out,
        "  - {}{rel} [{}] {} — next: {} (score {})",
        style.paint(&who, BOLD),
        c.circle.as_str(),
        style.paint(c.readiness.as_str(), readiness_color(c.readiness)),
        c.next_step.as_str(),
        c.score
    );
    let seen = match (c.first_seen.as_str(), c.last_seen.as_str()) {
        ("", "") => String::new(),
        (a, b) if a == b || b.is_empty() => format!(", {a}"),
        ("", b) => format!(", {b}"),
        (a, b) => format!(", {a} to {b}"),
    };
    let plural = if c.mentions == 1 { "" } else { "s" };
    let _ = writeln!(
        out,
        "      need: {}, interest: {}, {} mention{plural}{seen}",
        yes_no(c.need),
        yes_no(c.interest),
        c.mentions
    );
    // The whole name first, so it lights up as one; then each of its words.
    let mut words: Vec<&str> = vec![c.person.as_str()];
    words.retain(|w| !w.is_empty());
    words.extend(
        c.person
            .split_whitespace()
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| w.chars().count() >= 2),
    );
    if !c.relationship.is_empty() {
        words.push(&c.relationship);
    }
    write_evidence(out, &c.evidence, &c.source, &words, CANDIDATE_GROUPS, style);
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Each ` | `-joined sentence on its own `>` line, matched words
/// highlighted, then the source.
fn write_evidence(
    out: &mut String,
    evidence: &str,
    source: &str,
    words: &[&str],
    groups: &[(&str, &str)],
    style: &ReviewStyle<'_>,
) {
    for sentence in evidence.split(" | ").filter(|s| !s.is_empty()) {
        let _ = writeln!(out, "      > {}", highlight(sentence, words, groups, style));
    }
    if !source.is_empty() {
        let _ = writeln!(out, "        {}", style.paint(source, DIM));
    }
}

/// `text` with each word of `words` in bold and each phrase of `groups`
/// in its group's colour; plain when the style has no colour.
fn highlight(
    text: &str,
    words: &[&str],
    groups: &[(&str, &str)],
    style: &ReviewStyle<'_>,
) -> String {
    if !style.color {
        return text.to_string();
    }
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    if let Some(m) = style.matcher {
        for (group, color) in groups {
            spans.extend(m.find(group, text).iter().map(|h| (h.start, h.end, *color)));
        }
    }
    // ASCII lowercasing keeps byte offsets.
    let lower = text.to_ascii_lowercase();
    for w in words {
        let w = w.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(&w) {
            let (s, e) = (from + i, from + i + w.len());
            if is_bounded(text, s, e) {
                spans.push((s, e, BOLD));
            }
            from = e;
        }
    }
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::new();
    let mut at = 0;
    for (s, e, color) in spans {
        if s < at {
            continue; // overlaps a span already painted
        }
        out.push_str(&text[at..s]);
        out.push_str(&style.paint(&text[s..e], color));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bold_on_word_boundaries_only() {
        let style = ReviewStyle {
            color: true,
            matcher: None,
        };
        let got = highlight("Tom met Tommy and tom.", &["Tom"], &[], &style);
        assert_eq!(got, "\x1b[1mTom\x1b[0m met Tommy and \x1b[1mtom\x1b[0m.");
    }

    #[test]
    fn plain_style_leaves_text_alone() {
        let got = highlight("Tom", &["Tom"], &[], &ReviewStyle::default());
        assert_eq!(got, "Tom");
    }
}
