//! RawNote -> Note: sentences with their speaker and source line.
//!
//! Input: a `RawNote` and the roster (client and team names). Output: a
//! `Note` whose sentences are byte spans of the note text, each tagged with
//! who speaks it (SPEC "Speakers"). It finds no people and judges nothing.
use crate::read::RawNote;

/// Who says a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// Prose: the advisor's account of the meeting.
    Narration,
    /// A transcript line labelled as the client.
    Client,
    /// A transcript line labelled as the advisor or the team.
    Advisor,
    /// A transcript line labelled with someone else's name.
    Other,
}

/// One sentence of a note.
#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    /// Byte span in `Note::text`.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// 1-based line in the input file.
    pub line: u32,
    /// Who says it.
    pub speaker: Speaker,
}

/// A note ready for detection.
#[derive(Debug, Clone)]
pub struct Note {
    /// The note as read.
    pub raw: RawNote,
    /// Its sentences in order.
    pub sentences: Vec<Sentence>,
    /// Written all in lowercase (or typed in capitals, then lowered):
    /// capitals mark no names.
    pub lowercase: bool,
}

impl Note {
    /// The text of sentence `i`.
    pub fn sentence_text(&self, i: usize) -> &str {
        let s = &self.sentences[i];
        &self.raw.text[s.start..s.end]
    }
}

/// Names that identify the two sides of a conversation.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Team members' names, lowercased (full names and first names).
    pub team: Vec<String>,
}

impl Roster {
    /// Builds a roster from team names as given (`Dana Whitaker`).
    pub fn new(team: &[String]) -> Self {
        let mut names = Vec::new();
        for t in team {
            let t = t.trim().to_lowercase();
            if t.is_empty() {
                continue;
            }
            if let Some(first) = t.split_whitespace().next() {
                names.push(first.to_string());
            }
            names.push(t);
        }
        names.sort();
        names.dedup();
        Roster { team: names }
    }

    /// Whether a surname is a team member's ("Ms. Olsen").
    pub fn is_team_surname(&self, surname: &str) -> bool {
        let lower = surname.trim().to_lowercase();
        self.team
            .iter()
            .any(|t| t.contains(' ') && t.rsplit(' ').next() == Some(lower.as_str()))
    }

    /// Whether a name (full or first) belongs to the team.
    pub fn is_team(&self, name: &str) -> bool {
        let lower = name.trim().to_lowercase();
        self.team.binary_search(&lower).is_ok()
    }
}

const CLIENT_LABELS: [&str; 8] = [
    "client", "c", "them", "prospect", "customer", "cl", "cust", "they",
];
const ADVISOR_LABELS: [&str; 12] = [
    "you", "me", "i", "advisor", "adviser", "agent", "rep", "a", "adv", "us", "we", "planner",
];

/// Splits a transcript line `LABEL: words` (also `LABEL - words`) into the
/// label's speaker and the offset where the words start.
fn speaker_label(line: &str, client: &str, roster: &Roster) -> Option<(Speaker, usize)> {
    let trimmed = line.trim_start_matches([' ', '\t', '-', '*', '•', '>']);
    let lead = line.len() - trimmed.len();
    let label_end = trimmed
        .char_indices()
        .take(32)
        .find(|(_, c)| matches!(c, ':' | '-' | '–' | '—'))
        .map(|(i, _)| i)?;
    let sep = trimmed[label_end..].chars().next()?;
    if sep != ':' && !trimmed[..label_end].ends_with(' ') {
        return None;
    }
    let label = trimmed[..label_end].trim().trim_matches('*').trim();
    if label.is_empty() || label.split_whitespace().count() > 3 {
        return None;
    }
    if !label
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '\''))
    {
        return None;
    }
    let words_at = lead + label_end + sep.len_utf8();
    let rest = &line[words_at..];
    let words_at = words_at + (rest.len() - rest.trim_start().len());
    let mut lower = label.to_lowercase();
    // "Farhan WhatsApp'd: ...", "Dana wrote: ...": who, and how they said it.
    if let Some((who, verb)) = lower.rsplit_once(' ') {
        let reported = verb.ends_with("'d")
            || verb.ends_with("’d")
            || matches!(
                verb,
                "said"
                    | "says"
                    | "wrote"
                    | "writes"
                    | "texted"
                    | "emailed"
                    | "replied"
                    | "messaged"
                    | "whatsapped"
                    | "added"
            );
        if reported {
            lower = who.to_string();
        }
    }
    let client_lower = client.to_lowercase();
    let client_first = client_lower.split_whitespace().next().unwrap_or("");
    let client_last = client_lower.split_whitespace().last().unwrap_or("");
    let speaker = if CLIENT_LABELS.contains(&lower.as_str())
        || lower == client_lower
        || lower == client_first
        || lower == client_last
        // "Mei Ling:" for Mei Ling Chua: the client's given names.
        || client_lower.starts_with(&format!("{lower} "))
        || lower.trim_start_matches(['m', 'r', 's', '.', ' ']) == client_last
    {
        Speaker::Client
    } else if ADVISOR_LABELS.contains(&lower.as_str()) || roster.is_team(&lower) {
        Speaker::Advisor
    } else if sep == ':'
        // "- Aunt Comfort: passed away in May": a bullet's heading, not
        // someone speaking.
        && lead == 0
        && label
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && label.split_whitespace().count() <= 2
        && !matches!(
            lower.as_str(),
            "next steps"
                | "note"
                | "notes"
                | "subject"
                | "re"
                | "fyi"
                | "todo"
                | "action items"
                | "summary"
                | "update"
                | "ps"
                | "nb"
        )
        && rest.trim().len() > 1
    {
        Speaker::Other
    } else {
        return None;
    };
    Some((speaker, words_at))
}

const ABBREVIATIONS: [&str; 24] = [
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "inc",
    "co", "no", "approx", "prof", "mt", "ft", "ave", "dept", "est", "corp",
];

/// Splits a note into sentences with speakers and lines.
pub fn split_note(mut raw: RawNote, roster: &Roster) -> Note {
    raw.text = unmark(std::mem::take(&mut raw.text));
    // A note typed in capitals ("CLIENT CALLED ABOUT BROTHER KEITH") is
    // read in lowercase, as a dictated note is: capitals then mark no names.
    let case = Casing::of(&raw.text);
    if case.shouted() {
        raw.text.make_ascii_lowercase();
    }
    // In a note all in lowercase a sentence starts in lowercase too.
    let lowercase = case.shouted() || case.lowercase();
    if lowercase {
        spoken_punctuation(&mut raw.text);
    }
    let text = raw.text.as_str();
    let mut sentences = Vec::new();
    let mut line_no = raw.line;
    let mut offset = 0usize;
    let mut para: Option<(usize, u32, Speaker)> = None; // start, line, speaker
    let mut prev_line_end_punct = true;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        let label = speaker_label(content, &raw.client, roster);
        let bullet = trimmed.starts_with(['-', '*', '•']) && label.is_none();
        let starts_lower = trimmed.chars().next().is_some_and(char::is_lowercase);
        let continues = para.is_some()
            && !trimmed.is_empty()
            && label.is_none()
            && !bullet
            && !prev_line_end_punct
            && starts_lower;
        if !continues {
            if let Some((start, l, speaker)) = para.take() {
                split_paragraph(text, start, offset, l, speaker, lowercase, &mut sentences);
            }
            if !trimmed.is_empty() {
                let (speaker, skip) = label.unwrap_or((Speaker::Narration, 0));
                let lead = content.len() - content.trim_start().len();
                para = Some((offset + skip.max(lead), line_no, speaker));
            }
        }
        prev_line_end_punct = trimmed.ends_with(['.', '!', '?', ':', ';', '"', '”', ')']);
        offset += line.len();
        line_no = line_no.saturating_add(1);
    }
    if let Some((start, l, speaker)) = para.take() {
        split_paragraph(
            text,
            start,
            text.len(),
            l,
            speaker,
            lowercase,
            &mut sentences,
        );
    }
    Note {
        raw,
        sentences,
        lowercase,
    }
}

/// The letters of a note by case, and its blanks (about its word count):
/// counted in plain passes over the bytes.
struct Casing {
    upper: usize,
    lower: usize,
    blanks: usize,
    /// Capitals that start a word.
    initials: usize,
}

impl Casing {
    fn of(text: &str) -> Casing {
        // Counted in blocks small enough for byte-wide counters, which the
        // compiler keeps in vector registers.
        let (mut upper, mut lower, mut blanks, mut initials) = (0, 0, 0, 0);
        let mut prev_alpha = false;
        for block in text.as_bytes().chunks(255) {
            let (mut u, mut l, mut b, mut i) = (0u8, 0u8, 0u8, 0u8);
            for &c in block {
                let up = c.is_ascii_uppercase();
                u += u8::from(up);
                l += u8::from(c.is_ascii_lowercase());
                b += u8::from(c == b' ' || c == b'\n');
                i += u8::from(up && !prev_alpha);
                prev_alpha = c.is_ascii_alphabetic();
            }
            upper += usize::from(u);
            lower += usize::from(l);
            blanks += usize::from(b);
            initials += usize::from(i);
        }
        Casing {
            upper,
            lower,
            blanks,
            initials,
        }
    }

    /// Typed in capitals: four in five letters.
    fn shouted(&self) -> bool {
        self.upper + self.lower >= 40 && self.upper > 4 * self.lower
    }

    /// Written in lowercase: fewer capitalised words than one in
    /// twenty-five.
    fn lowercase(&self) -> bool {
        self.blanks + 1 >= 20 && self.initials * 25 < self.blanks + 1
    }
}

/// Dictated punctuation spoken as words in a lowercase note ("bury him
/// period asked if he'd mention me", "new paragraph") becomes the mark
/// itself, padded with spaces so that offsets do not move.
fn spoken_punctuation(text: &mut String) {
    for (word, mark) in [
        (" new paragraph", ". "),
        (" full stop", ". "),
        (" period", ". "),
        (" comma", ", "),
    ] {
        let mut from = 0;
        while let Some(at) = text[from..].find(word).map(|i| from + i) {
            let end = at + word.len();
            let bounded = text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if bounded {
                let padded = format!("{mark}{}", " ".repeat(word.len() - mark.len()));
                text.replace_range(at..end, &padded);
            }
            from = end;
        }
    }
}

/// Markdown emphasis (`**Emeka Oduya** (husband)`, `*not* happy`,
/// `__Heads-up__`) is dropped, so that the words inside read as words next
/// to their neighbours; a `*` that starts a bullet stays. Lines do not move.
fn unmark(text: String) -> String {
    if memchr::memchr2(b'*', b'_', text.as_bytes()).is_none() {
        return text;
    }
    let bytes = text.as_bytes();
    let mut kept = Vec::with_capacity(bytes.len());
    // Only blanks so far on this line.
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => line_start = true,
            b' ' | b'\t' | b'\r' => {}
            b'*' => {
                let bullet = line_start && matches!(bytes.get(i + 1), Some(b' ' | b'\t'));
                line_start = false;
                if !bullet {
                    i += 1;
                    continue;
                }
            }
            b'_' if bytes.get(i + 1) == Some(&b'_') => {
                line_start = false;
                i += 2;
                continue;
            }
            _ => line_start = false,
        }
        kept.push(b);
        i += 1;
    }
    // Only whole ASCII bytes were dropped: still UTF-8.
    String::from_utf8(kept).unwrap_or(text)
}

/// Whether a quotation opened in `text` is still open at its end.
fn quote_open(text: &str) -> bool {
    let straight = text.bytes().filter(|&b| b == b'"').count();
    straight % 2 == 1 || text.matches('“').count() > text.matches('”').count()
}

fn split_paragraph(
    text: &str,
    start: usize,
    end: usize,
    line: u32,
    speaker: Speaker,
    lowercase: bool,
    out: &mut Vec<Sentence>,
) {
    let para = &text[start..end];
    let bytes = para.as_bytes();
    let mut s_start = 0usize;
    let mut s_line = line;
    let mut i = 0usize;
    // Line breaks in `bytes[..counted]`, counted as sentences start.
    let mut counted = 0usize;
    let mut newlines = 0u32;
    let push = |a: usize, b: usize, l: u32, out: &mut Vec<Sentence>| {
        // A "sentence" far longer than any written one (a pasted log, a note
        // with no punctuation) is cut at spaces, so detection stays linear.
        let mut a = a;
        while b - a > MAX_SENTENCE {
            // The last space before the limit, else the limit itself (on a
            // character boundary, which is always past `a`).
            let mut limit = a + MAX_SENTENCE;
            while !para.is_char_boundary(limit) {
                limit -= 1;
            }
            let cut = para[a..limit]
                .rfind(char::is_whitespace)
                .map_or(limit, |w| a + w + 1);
            push_piece(para, start, a, cut, l, speaker, out);
            a = cut;
        }
        push_piece(para, start, a, b, l, speaker, out);
    };
    // Only terminal punctuation can end a sentence: jump from one to the next.
    while let Some(at) = memchr::memchr3(b'.', b'!', b'?', &bytes[i..]) {
        i += at;
        let b = bytes[i];
        // Run of terminal punctuation and closing quotes.
        let mut j = i + 1;
        while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')') {
            j += 1;
        }
        // Curly closing quote.
        if para[j..].starts_with('”') || para[j..].starts_with('’') {
            j += 3;
        }
        let next_ws = j >= bytes.len() || bytes[j].is_ascii_whitespace();
        if next_ws && !(b == b'.' && is_abbreviation(&para[s_start..i])) {
            let mut k = j;
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            let next_ok = k >= bytes.len()
                || para[k..].chars().next().is_some_and(|c| {
                    !c.is_lowercase()
                            || b != b'.'
                            // Not inside a quotation: "oh i couldnt. rosa
                            // would kill me" is one reply.
                            || (lowercase && !quote_open(&para[s_start..i]))
                });
            if next_ok {
                push(s_start, j, s_line, out);
                // Count newlines up to the next sentence start.
                // A sentence long at most: a plain count, which vectorises.
                newlines += bytes[counted..k].iter().filter(|&&c| c == b'\n').count() as u32;
                counted = k;
                s_start = k;
                s_line = line + newlines;
                i = k;
                continue;
            }
        }
        i += 1;
    }
    push(s_start, bytes.len(), s_line, out);
}

/// The longest sentence analysed as one (bytes); longer runs are cut.
const MAX_SENTENCE: usize = 2_000;

fn push_piece(
    para: &str,
    start: usize,
    a: usize,
    b: usize,
    line: u32,
    speaker: Speaker,
    out: &mut Vec<Sentence>,
) {
    let piece = &para[a..b];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if piece.trim().chars().any(char::is_alphanumeric) {
        out.push(Sentence {
            start: start + a + lead,
            end: start + b - trail,
            line,
            speaker,
        });
    }
}

/// Whether the text before a period ends in an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    // The list is lowercase ASCII: no need to lowercase the word.
    if ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word)) {
        return true;
    }
    // "J." as an initial, "U.S." as an acronym.
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // "Richard d. 2023": a lone letter is an abbreviation too.
    letters == 1 && word.chars().count() <= 2 || word.contains('.') && word.len() <= 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn note(text: &str) -> Note {
        let raw = RawNote {
            path: Arc::from("t.md"),
            line: 10,
            client: "Kevin Ashworth".into(),
            date: None,
            author: None,
            text: text.into(),
        };
        split_note(raw, &Roster::new(&["Owen Castillo".to_string()]))
    }

    fn texts(n: &Note) -> Vec<String> {
        (0..n.sentences.len())
            .map(|i| n.sentence_text(i).to_string())
            .collect()
    }

    #[test]
    fn sentences_split_on_punctuation_but_not_titles() {
        let n = note("Dr. Patel called. He asked about fees! Then Mrs. Okafor left.");
        assert_eq!(
            texts(&n),
            [
                "Dr. Patel called.",
                "He asked about fees!",
                "Then Mrs. Okafor left."
            ]
        );
    }

    #[test]
    fn transcript_labels_set_speakers_and_lines() {
        let n = note("Intro line.\n\nOWEN: Would you introduce me?\nKEVIN: If I think of anyone, I'll let you know.\nCLIENT: No.\n");
        let speakers: Vec<Speaker> = n.sentences.iter().map(|s| s.speaker).collect();
        assert_eq!(
            speakers,
            [
                Speaker::Narration,
                Speaker::Advisor,
                Speaker::Client,
                Speaker::Client
            ]
        );
        assert_eq!(n.sentence_text(1), "Would you introduce me?");
        assert_eq!(n.sentences[2].line, 13);
    }

    #[test]
    fn overlong_runs_are_cut_into_bounded_sentences() {
        let text = "word ".repeat(2_000);
        let n = note(&text);
        assert!(n.sentences.len() >= 5);
        assert!(n.sentences.iter().all(|s| s.end - s.start <= MAX_SENTENCE));
        let one = "é".repeat(3_000);
        let n = note(&one);
        assert!(n
            .sentences
            .iter()
            .all(|s| n.raw.text.is_char_boundary(s.start)));
    }

    #[test]
    fn next_steps_is_not_a_speaker() {
        let n = note("Next steps: send the forms.");
        assert_eq!(n.sentences[0].speaker, Speaker::Narration);
    }

    #[test]
    fn emphasis_is_dropped_bullets_and_lines_kept() {
        let text = "**Heads-up:** Ana was *not* happy.\n* - **Ilse** (sister)\n__Note__ snake_case";
        assert_eq!(
            unmark(text.to_string()),
            "Heads-up: Ana was not happy.\n* - Ilse (sister)\nNote snake_case"
        );
        let n = note("Ana was *not* happy.\n\n* **Ilse** called.");
        assert_eq!(texts(&n), ["Ana was not happy.", "* Ilse called."]);
        assert_eq!(n.sentences[1].line, 12);
    }
}
