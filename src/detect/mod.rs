//! Detection: what the text of one note says, as facts (SPEC §1, §2).
//!
//! Input: a `Note`. Output: `Findings`: people mentioned, needs and interest
//! attributed to them, objections, tone cues and moments, each with its
//! sentence, side (who said it) and negation. No judgment is made here:
//! `rules` decides what the facts mean.
pub mod attributes;
pub mod clauses;
pub mod objections;
pub mod people;

use crate::lexicon::matcher::{Lower, TextHits, WordSet};
use crate::lexicon::Matcher;
use crate::model::{Circle, NextStep};
use crate::notes::{Note, Roster};

/// Why a mentioned person is not a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// Described as having died.
    Deceased,
    /// Described as a child.
    Minor,
    /// Already a client of the practice.
    ExistingClient,
}

/// Who a mention or a pronoun refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referent {
    /// The client.
    Client,
    /// The advisor or a team member.
    Advisor,
    /// A person in the circle: index into `Findings::mentions`.
    Person(usize),
    /// A public figure or company: nobody in the circle.
    Outsider,
}

/// One mention of a person in the client's circle (named or unnamed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Sentence index in the note.
    pub sentence: usize,
    /// Byte span of the mention in the note text.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// The name as written, title kept, possessive dropped.
    pub name: Option<String>,
    /// Normalised relationship term (`brother-in-law`).
    pub relationship: Option<String>,
    /// The relationship's circle.
    pub circle: Option<Circle>,
    /// `Tom's wife`: the person is related to Tom, not to the client.
    pub owner: Option<String>,
    /// Only `the accountant`: counts only if it joins a known person.
    pub definite: bool,
    /// A reason the person is not a candidate.
    pub exclusion: Option<Exclusion>,
    /// The name as merging compares it: lowercase words, the given name in
    /// its full form (`bob chen` -> `robert chen`), an alias resolved.
    pub key: Option<String>,
}

/// Need or interest, attributed to a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    /// Expressed a need in the advisor's areas.
    Need,
    /// Wants to talk to the advisor.
    Interest,
}

/// A need or interest phrase and the person it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Need or interest.
    pub kind: AttributeKind,
    /// The mention it is attributed to.
    pub mention: usize,
    /// Sentence index.
    pub sentence: usize,
    /// The matched phrase.
    pub phrase: String,
}

/// Which side of the conversation a phrase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client said or did it.
    Client,
    /// The advisor or team.
    Advisor,
    /// Someone else (a person the client mentioned).
    Other,
}

/// Categories of phrase in a note that bear on the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignalKind {
    /// Resistance to introductions; the lexicon kind names which.
    Objection,
    /// Body language or tone changed.
    Tone,
    /// "Please don't ask me again".
    NoMoreAsks,
    /// Conditional yes: later, on their terms.
    Later,
    /// Unhappy with the service.
    Complaint,
    /// Thanks or praise for the work.
    Gratitude,
    /// Willingness that takes back an objection.
    Resolution,
}

/// One phrase bearing on the flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    /// What it is.
    pub kind: SignalKind,
    /// The lexicon category stem (`privacy`, `brush_off`...).
    pub category: String,
    /// Sentence index.
    pub sentence: usize,
    /// Byte offset in the note, for ordering.
    pub start: usize,
    /// The matched words.
    pub phrase: String,
    /// Who it belongs to.
    pub side: Side,
    /// Negated (`no hesitation`, `didn't object`).
    pub negated: bool,
}

/// An introduction form the note mentions for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroForm {
    /// The mention it concerns.
    pub mention: usize,
    /// Which form.
    pub step: NextStep,
}

/// Everything detected in one note.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// People in the circle (including excluded ones, marked).
    pub mentions: Vec<Mention>,
    /// Needs and interest.
    pub attributes: Vec<Attribute>,
    /// Objections, tone cues and moments.
    pub signals: Vec<Signal>,
    /// Introduction forms.
    pub intro_forms: Vec<IntroForm>,
}

/// Shared, read-only detection context.
pub struct Detector<'a> {
    /// Compiled lexicons.
    pub matcher: &'a Matcher,
    /// Team names.
    pub roster: &'a Roster,
    /// The word lists looked up token by token, resolved once.
    pub words: Words<'a>,
    /// The matcher's id of each group, resolved once.
    groups: [Option<usize>; Group::ALL.len()],
    /// `names/nicknames`: nickname (lowercase) -> full given name.
    nicknames: Option<&'a std::collections::HashMap<String, String>>,
}

/// The lexicon groups whose hits detection reads, sentence by sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `lexicons/clauses`.
    Clauses,
    /// `lexicons/cues`.
    Cues,
    /// `lexicons/exclusions`.
    Exclusions,
    /// `lexicons/interest`.
    Interest,
    /// `lexicons/intro`.
    Intro,
    /// `lexicons/moments`.
    Moments,
    /// `lexicons/needs`.
    Needs,
    /// `lexicons/objections`.
    Objections,
    /// `lexicons/people`.
    People,
}

impl Group {
    const ALL: [Group; 9] = [
        Group::Clauses,
        Group::Cues,
        Group::Exclusions,
        Group::Interest,
        Group::Intro,
        Group::Moments,
        Group::Needs,
        Group::Objections,
        Group::People,
    ];

    /// The group's folder under `lexicons/`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Clauses => "clauses",
            Group::Cues => "cues",
            Group::Exclusions => "exclusions",
            Group::Interest => "interest",
            Group::Intro => "intro",
            Group::Moments => "moments",
            Group::Needs => "needs",
            Group::Objections => "objections",
            Group::People => "people",
        }
    }
}

/// Word lists used token by token.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    /// `names/given`.
    pub given: WordSet<'a>,
    /// `names/not_names`.
    pub not_names: WordSet<'a>,
    /// `names/public_figures`.
    pub public_figures: WordSet<'a>,
    /// `names/titles`.
    pub titles: WordSet<'a>,
    /// `names/institutions`.
    pub institutions: WordSet<'a>,
    /// `names/before_person`.
    pub before_person: WordSet<'a>,
    /// `names/after_person`.
    pub after_person: WordSet<'a>,
    /// `names/person_nouns`.
    pub person_nouns: WordSet<'a>,
    /// `people/family`.
    pub family: WordSet<'a>,
    /// `negation/negators`.
    pub negators: WordSet<'a>,
    /// `grammar/advisor_openers`.
    pub advisor_openers: WordSet<'a>,
    /// `grammar/prepositions`.
    pub prepositions: WordSet<'a>,
    /// `grammar/object_verbs`.
    pub object_verbs: WordSet<'a>,
}

impl<'a> Detector<'a> {
    /// A detector over compiled lexicons and a roster.
    pub fn new(matcher: &'a Matcher, roster: &'a Roster) -> Self {
        Detector {
            matcher,
            roster,
            words: Words {
                given: matcher.word_set("names/given"),
                not_names: matcher.word_set("names/not_names"),
                public_figures: matcher.word_set("names/public_figures"),
                before_person: matcher.word_set("names/before_person"),
                after_person: matcher.word_set("names/after_person"),
                person_nouns: matcher.word_set("names/person_nouns"),
                family: matcher.word_set("people/family"),
                titles: matcher.word_set("names/titles"),
                institutions: matcher.word_set("names/institutions"),
                negators: matcher.word_set("negation/negators"),
                advisor_openers: matcher.word_set("grammar/advisor_openers"),
                prepositions: matcher.word_set("grammar/prepositions"),
                object_verbs: matcher.word_set("grammar/object_verbs"),
            },
            groups: Group::ALL.map(|g| matcher.group_id(g.name())),
            nicknames: matcher.canonicals("names/nicknames"),
        }
    }

    /// The reporting verbs ("said", "mentioned that", "replied") among the
    /// hits in `note.text[start..end]`, relative to `start`, in text order.
    pub fn reporting(&self, scan: &Scanned, start: usize, end: usize) -> Vec<crate::lexicon::Hit> {
        let mut hits = scan.within(Group::Clauses, start, end);
        hits.retain(|h| self.matcher.kind(h.category) == "reporting");
        hits
    }

    /// The full given name a nickname stands for (`bob` -> `Robert`).
    pub fn nickname(&self, word: &str) -> Option<&'a str> {
        let lower = Lower::new(word);
        self.nicknames?.get(lower.as_str()).map(String::as_str)
    }

    /// Detects every fact in a note of a client whose earlier notes named
    /// the people in `met` (and adds this note's).
    pub fn detect(&self, note: &Note, met: &mut people::Acquaintances) -> Findings {
        let mut findings = Findings::default();
        // One pass of the lexicons over the whole note; stages then take
        // the hits of each sentence.
        let hits = self.matcher.scan(&note.raw.text);
        let scan = Scanned {
            groups: self.groups,
            hits,
        };
        let refs = people::find_people(self, &scan, note, met, &mut findings);
        attributes::attribute(self, &scan, note, &refs, &mut findings);
        objections::find_signals(self, &scan, note, &refs, &mut findings);
        findings
    }
}

/// The lexicon hits of one note.
pub struct Scanned {
    groups: [Option<usize>; Group::ALL.len()],
    hits: TextHits,
}

impl Scanned {
    /// Hits of `group` in `note.text[start..end]`, relative to `start`.
    pub fn within(&self, group: Group, start: usize, end: usize) -> Vec<crate::lexicon::Hit> {
        match self.groups[group as usize] {
            Some(id) => self.hits.within(id, start, end),
            None => Vec::new(),
        }
    }
}

/// A word of a sentence with its byte span in the note.
#[derive(Debug, Clone, Copy)]
pub struct Tok<'t> {
    /// The word (apostrophes and hyphens inside kept).
    pub text: &'t str,
    /// Start in the note text.
    pub start: usize,
    /// End in the note text.
    pub end: usize,
}

/// Words of `text[start..end]`: letters/digits with inner `'`, `’`, `-`, `.`
/// (for `e.g.`), and single punctuation marks as their own tokens.
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Tok<'_>> {
    let s = &text[start..end];
    let b = s.as_bytes();
    // ASCII is decoded byte by byte; anything else one character at a time.
    let char_at = |i: usize| -> (char, usize) {
        if b[i] < 0x80 {
            (char::from(b[i]), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        }
    };
    let alnum = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        }
    };
    let mut toks = Vec::with_capacity(b.len() / 4 + 1);
    let mut push = |i: usize, j: usize| {
        toks.push(Tok {
            text: &s[i..j],
            start: start + i,
            end: start + j,
        });
    };
    let mut i = 0;
    while i < b.len() {
        let (c, n) = char_at(i);
        if alnum(c) {
            let mut j = i + n;
            while j < b.len() {
                let (d, m) = char_at(j);
                // "O'Neil", "brother-in-law", "AT&T": joiners inside a word.
                let inner = matches!(d, '\'' | '’' | '-' | '&')
                    && j + m < b.len()
                    && alnum(char_at(j + m).0);
                if alnum(d) || inner {
                    j += m;
                } else {
                    break;
                }
            }
            push(i, j);
            i = j;
        } else {
            if !c.is_whitespace() {
                push(i, i + n);
            }
            i += n;
        }
    }
    toks
}

/// Whether a word is one of `words`, ignoring ASCII case.
pub fn is_word(word: &str, words: &[&str]) -> bool {
    words.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// `Tom's` -> (`Tom`, true).
pub fn strip_possessive(word: &str) -> (&str, bool) {
    // Every suffix ends in `s`, `'` or the last byte of `’`.
    if !word
        .as_bytes()
        .last()
        .is_some_and(|b| matches!(b, b's' | b'\'' | 0x99))
    {
        return (word, false);
    }
    for suffix in ["'s", "’s", "'", "’"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, true);
            }
        }
    }
    (word, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_inner_apostrophes_and_hyphens() {
        let t = "Mary-Kate O'Neil's brother-in-law, Zoë.";
        let words: Vec<&str> = tokenize(t, 0, t.len()).iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            ["Mary-Kate", "O'Neil's", "brother-in-law", ",", "Zoë", "."]
        );
    }

    #[test]
    fn tokens_of_any_script_keep_their_offsets() {
        let t = "x Søren’s AT&T — 2x-ok… Ünal-'s -a &";
        let toks = tokenize(t, 2, t.len());
        let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            [
                "Søren’s",
                "AT&T",
                "—",
                "2x-ok",
                "…",
                "Ünal",
                "-",
                "'",
                "s",
                "-",
                "a",
                "&"
            ]
        );
        for tok in toks {
            assert_eq!(&t[tok.start..tok.end], tok.text);
        }
    }
}
