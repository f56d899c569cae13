//! The two questions (seed 002): need and interest, attributed to the
//! person the phrase is about (SPEC §1).
//!
//! Input: a note and its referents. Output: `Attribute`s tied to mentions.
//! A phrase whose subject is the client, the advisor or nobody is dropped:
//! the client's own needs are not a person's.
use super::clauses::Refs;
use super::{
    is_word, Attribute, AttributeKind, Detector, Findings, Group, IntroForm, Referent, Scanned,
};
use crate::model::NextStep;
use crate::notes::Note;

/// Finds need and interest phrases and the introduction forms mentioned.
pub fn attribute(det: &Detector<'_>, scan: &Scanned, note: &Note, refs: &Refs, out: &mut Findings) {
    for s in 0..note.sentences.len() {
        let sent = note.sentences[s];
        let text = &note.raw.text[sent.start..sent.end];
        for (group, kind) in [
            (Group::Needs, AttributeKind::Need),
            (Group::Interest, AttributeKind::Interest),
        ] {
            for hit in scan.within(group, sent.start, sent.end) {
                let pos = sent.start + hit.start;
                if asked_by_advisor(refs, s, text, sent.start, pos) {
                    continue;
                }
                // Nobody asks for their own card: when the clause's subject
                // is the advisor, the sentence's subject is meant.
                // "asked rick for my # -> wants help": after an arrow, the
                // subject is named after it or is the sentence's own.
                let subject = match refs.arrow_before(s, pos) {
                    Some(arrow) => refs
                        .first_in(s, arrow, pos)
                        .or_else(|| refs.first_in(s, 0, pos))
                        .map(|t| t.referent),
                    None => refs.subject_at(s, pos),
                };
                let subject = match subject {
                    Some(Referent::Advisor) => refs.tokens[s].first().map(|t| t.referent),
                    other => other,
                };
                if let Some(Referent::Person(mention)) = subject {
                    for mention in listed_with(note, out, mention, pos) {
                        out.attributes.push(Attribute {
                            kind,
                            mention,
                            sentence: s,
                            phrase: text[hit.start..hit.end].to_string(),
                        });
                    }
                }
            }
        }
        for hit in scan.within(Group::Intro, sent.start, sent.end) {
            let Some(step) = NextStep::from_kind(det.matcher.kind(hit.category)) else {
                continue;
            };
            let mut persons: Vec<usize> = refs.persons_in(s).collect();
            persons.sort_unstable();
            persons.dedup();
            for mention in persons {
                out.intro_forms.push(IntroForm { mention, step });
            }
        }
    }
}

/// "I asked Gwen whether her sister-in-law would be open to a call": what
/// the advisor asks about is a question, not something anyone said. True
/// when the advisor speaks before `pos` and a `whether` or `if` stands
/// between, in the same clause, with no relative clause after it ("whether
/// Paulette, who just sold her bakery, ..." states the sale).
fn asked_by_advisor(refs: &Refs, s: usize, text: &str, start: usize, pos: usize) -> bool {
    refs.tokens[s]
        .iter()
        .filter(|t| t.referent == Referent::Advisor && t.pos < pos)
        .any(|t| {
            let between = &text[t.pos - start..pos - start];
            if between.contains([';', ':']) {
                return false;
            }
            // A relative clause runs to its comma; the question goes on after.
            let (mut question, mut relative) = (false, false);
            for w in between.split_inclusive(|c: char| !c.is_alphanumeric()) {
                let word = w.trim_end_matches(|c: char| !c.is_alphanumeric());
                if is_word(word, &["whether", "if"]) {
                    question = true;
                } else if is_word(word, &["who", "whose"]) {
                    relative = true;
                }
                if w.ends_with(',') {
                    relative = false;
                }
            }
            question && !relative
        })
}

/// `mention` and the people named in one list with it before `pos`
/// ("Lucia and Marta are both starting college", "His partners Ana Ruiz,
/// Raj Mehta and Lorna Fitch all work from home"): between two of them
/// only commas, `and`, `&` and spaces.
fn listed_with(note: &Note, out: &Findings, mention: usize, pos: usize) -> Vec<usize> {
    let text = &note.raw.text;
    let m = &out.mentions;
    let joins = |a: usize, b: usize| {
        let (first, second) = (&m[a], &m[b]);
        first.sentence == second.sentence
            && first.name.is_some()
            && second.name.is_some()
            && first.end <= second.start
            && text[first.end..second.start]
                .split(|c: char| c == ',' || c.is_whitespace())
                .all(|w| w.is_empty() || w.eq_ignore_ascii_case("and") || w == "&")
    };
    // Mentions of one sentence are in text order, one after another.
    let mut first = mention;
    while first > 0 && joins(first - 1, first) {
        first -= 1;
    }
    let mut last = mention;
    while last + 1 < m.len() && m[last + 1].end <= pos && joins(last, last + 1) {
        last += 1;
    }
    (first..=last).collect()
}
