//! Who is the subject where a phrase occurs: referent tokens per sentence
//! and clause breaks (reporting verbs, conjunctions, `;`).
//!
//! Input: the referents `people` found and the note. Output: `Refs`, asked
//! `subject_at(sentence, offset)`. It finds no people itself.
use super::{Group, Referent, Scanned};
use crate::notes::Note;

/// A token that refers to someone: a name, a relationship, a pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefTok {
    /// Byte offset in the note.
    pub pos: usize,
    /// Who it refers to.
    pub referent: Referent,
    /// A pronoun resolved from the previous sentence, not this one.
    pub carried: bool,
    /// A possessive inside a clause (`her mom's house`): never its subject.
    pub modifier: bool,
    /// A relative of someone named before it (`Rose lost her husband`):
    /// an object, never the subject a later clause leaves unsaid.
    pub owned: bool,
}

/// Referents and clause breaks of every sentence of a note.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Per sentence, in text order.
    pub tokens: Vec<Vec<RefTok>>,
    /// Per sentence, byte offsets where a new clause starts.
    pub breaks: Vec<Vec<usize>>,
    /// Per sentence, byte offsets just after an arrow (`->`): in shorthand
    /// what follows is the reply to what came before.
    pub arrows: Vec<Vec<usize>>,
    /// Per sentence, quotations as (open, close) byte offsets and who is
    /// quoted: `Yusuf: "You guys really stepped up, thank you."`
    pub quotes: Vec<Vec<(usize, usize, Referent)>>,
    /// Per sentence, bracketed asides as (open, close) byte offsets:
    /// `Niamh Gallagher (wife of her brother Cathal), recently accepted`.
    pub asides: Vec<Vec<(usize, usize)>>,
}

impl Refs {
    /// The subject of the clause holding `pos`: the first referent between
    /// the clause start and `pos`; failing that, the nearest referent before
    /// `pos` (a clause that shares an earlier subject: `Ken ..., and is worried`).
    pub fn subject_at(&self, sentence: usize, pos: usize) -> Option<Referent> {
        self.subject_tok_at(sentence, pos).map(|t| t.referent)
    }

    /// Like `subject_at`, with the token itself.
    pub fn subject_tok_at(&self, sentence: usize, pos: usize) -> Option<RefTok> {
        let toks = &self.tokens[sentence];
        let clause_start = self.breaks[sentence]
            .iter()
            .copied()
            .filter(|&b| b <= pos)
            .max()
            .unwrap_or(0);
        // Who speaks inside a quotation is no subject outside it: `told me
        // "you are the first advisor ..." and thanked me`.
        let here = self.quote_at(sentence, pos).map(|q| q.0);
        let seen = |t: &&RefTok| {
            self.quote_at(sentence, t.pos)
                .is_none_or(|q| Some(q.0) == here)
        };
        // Someone named in an aside that closed before `pos` is not who
        // the clause goes on about, when anyone outside it could be.
        let aside = |t: &&RefTok| {
            self.asides[sentence]
                .iter()
                .any(|&(open, close)| open < t.pos && t.pos < close && close <= pos)
        };
        let subject = |skip_asides: bool| {
            let visible = |t: &&RefTok| seen(t) && !(skip_asides && aside(t));
            toks.iter()
                .filter(visible)
                .find(|t| t.pos >= clause_start && t.pos < pos && !t.modifier)
                .or_else(|| {
                    // A public figure after a verb is its object ("quoted
                    // Warren Buffett ..., and thanked us"), never the one
                    // acting; nor is someone's relative ("Rose lost her
                    // husband in May and is overwhelmed": Rose is).
                    toks.iter().rev().filter(visible).find(|t| {
                        t.pos < pos && !t.modifier && !t.owned && t.referent != Referent::Outsider
                    })
                })
        };
        subject(true).or_else(|| subject(false)).copied()
    }

    /// The first referent in `from..to` of a sentence that can be a subject.
    pub fn first_in(&self, sentence: usize, from: usize, to: usize) -> Option<RefTok> {
        self.tokens[sentence]
            .iter()
            .find(|t| t.pos >= from && t.pos < to && !t.modifier)
            .copied()
    }

    /// The quotation holding `pos`, if any: (open offset, who is quoted).
    pub fn quote_at(&self, sentence: usize, pos: usize) -> Option<(usize, Referent)> {
        self.quotes[sentence]
            .iter()
            .find(|(open, close, _)| *open < pos && pos < *close)
            .map(|(open, _, who)| (*open, *who))
    }

    /// The last arrow before `pos` in a sentence.
    pub fn arrow_before(&self, sentence: usize, pos: usize) -> Option<usize> {
        self.arrows[sentence]
            .iter()
            .copied()
            .filter(|&a| a <= pos)
            .max()
    }

    /// Every person referred to in a sentence.
    pub fn persons_in(&self, sentence: usize) -> impl Iterator<Item = usize> + '_ {
        self.tokens[sentence]
            .iter()
            .filter_map(|t| match t.referent {
                Referent::Person(i) => Some(i),
                _ => None,
            })
    }
}

/// Byte offsets just after each `->`, `=>` or `→` in sentence `s`.
pub fn find_arrows(note: &Note, s: usize) -> Vec<usize> {
    let sent = note.sentences[s];
    let text = &note.raw.text[sent.start..sent.end];
    let mut out = Vec::new();
    if memchr::memchr(b'>', text.as_bytes()).is_none() && !text.contains('→') {
        return out;
    }
    for arrow in ["->", "=>", "→"] {
        out.extend(
            text.match_indices(arrow)
                .map(|(i, a)| sent.start + i + a.len()),
        );
    }
    out.sort_unstable();
    out
}

/// The bytes a clause break starts with (`find_breaks`), for a quick test.
const BREAK_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let bytes = *b";:(),\"\xE2";
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// Byte offsets in sentence `s` where a clause starts: after `,`, `;`, `:`, and
/// after reporting verbs and conjunctions listed in `lexicons/clauses/`, and
/// after the sentence's `arrows` (`find_arrows`).
pub fn find_breaks(scan: &Scanned, note: &Note, s: usize, arrows: &[usize]) -> Vec<usize> {
    let sent = note.sentences[s];
    let text = &note.raw.text[sent.start..sent.end];
    let mut breaks: Vec<usize> = scan
        .within(Group::Clauses, sent.start, sent.end)
        .iter()
        .map(|h| sent.start + h.end)
        .collect();
    // `;` `:` `(` `)` `,` `"`, and `—` `“` `”` (E2 80 94/9C/9D in UTF-8),
    // found from the bytes.
    let b = text.as_bytes();
    for (i, &x) in b.iter().enumerate() {
        if !BREAK_BYTES[usize::from(x)] {
            continue;
        }
        let len = match x {
            b';' | b':' | b'(' | b')' | b',' | b'"' => 1,
            0xE2 if b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0x94 | 0x9C | 0x9D)) =>
            {
                3
            }
            _ => continue,
        };
        breaks.push(sent.start + i + len);
    }
    breaks.extend_from_slice(arrows);
    breaks.sort_unstable();
    breaks
}
