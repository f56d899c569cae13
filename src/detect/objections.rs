//! Objections, tone cues and moments (SPEC §2), each with the side that
//! said it and whether it is negated.
//!
//! Input: a note and its referents. Output: `Signal`s. Counting them and
//! raising flags is `rules`' job; this file only reports what was said.
use super::clauses::Refs;
use super::{tokenize, Detector, Findings, Group, Referent, Scanned, Side, Signal, SignalKind};
use crate::notes::{Note, Speaker};

/// Finds every signal phrase in the note.
pub fn find_signals(
    det: &Detector<'_>,
    scan: &Scanned,
    note: &Note,
    refs: &Refs,
    out: &mut Findings,
) {
    for s in 0..note.sentences.len() {
        let sent = note.sentences[s];
        let text = &note.raw.text[sent.start..sent.end];
        // "She came from Merrill because they never called her back": a
        // complaint after words that name another firm is about that firm.
        let hits = [Group::Objections, Group::Cues, Group::Moments]
            .map(|group| (group, scan.within(group, sent.start, sent.end)));
        let elsewhere: Option<usize> = hits[2]
            .1
            .iter()
            .filter(|h| det.matcher.kind(h.category) == "elsewhere")
            .map(|h| h.start)
            .min();
        for (group, group_hits) in hits {
            for hit in group_hits {
                let category = det.matcher.kind(hit.category);
                if category == "complaint" && elsewhere.is_some_and(|e| e < hit.start) {
                    continue;
                }
                let kind = match (group, category) {
                    (Group::Objections, _) => SignalKind::Objection,
                    (Group::Cues, _) => SignalKind::Tone,
                    (_, "do_not_ask") => SignalKind::NoMoreAsks,
                    (_, "later") => SignalKind::Later,
                    (_, "complaint") => SignalKind::Complaint,
                    (_, "gratitude") => SignalKind::Gratitude,
                    (_, "resolution") => SignalKind::Resolution,
                    _ => continue,
                };
                let pos = sent.start + hit.start;
                // Doubt, privacy and imposition are about other people by
                // nature ("Chidi already has an advisor", "Ingmar is a very
                // private man", "he wouldn't want to put him on the spot"):
                // what counts is who said it.
                // Imposition is also what the client says of themselves ("he
                // doesn't want to bother her"): either way it counts.
                let side = match category {
                    "doubt" | "privacy" => speaker_side(det, scan, note, refs, s, pos),
                    "imposition" => match speaker_side(det, scan, note, refs, s, pos) {
                        Side::Client => Side::Client,
                        _ => side_of(note, refs, s, pos),
                    },
                    _ => side_of(note, refs, s, pos),
                };
                out.signals.push(Signal {
                    kind,
                    category: category.to_string(),
                    sentence: s,
                    start: pos,
                    phrase: text[hit.start..hit.end].to_string(),
                    side,
                    negated: is_negated(det, note, sent.start, pos),
                });
            }
        }
    }
}

/// Who said the phrase at `pos`: the transcript label, or in prose the
/// subject of its clause (the client when no one else is named).
pub fn side_of(note: &Note, refs: &Refs, s: usize, pos: usize) -> Side {
    match note.sentences[s].speaker {
        Speaker::Client => Side::Client,
        Speaker::Advisor => Side::Advisor,
        Speaker::Other => Side::Other,
        // "asked hector abt intros -> nah man": after an arrow, the reply
        // is the client's unless someone else is named as saying it.
        // Inside a quotation: someone else named as its subject says it;
        // otherwise the one quoted does ("You guys stepped up, thank you").
        Speaker::Narration if refs.quote_at(s, pos).is_some() => {
            let (open, speaker) = refs.quote_at(s, pos).unwrap_or((pos, Referent::Client));
            let subject = refs.first_in(s, open, pos).map(|t| t.referent);
            let who = match subject {
                Some(Referent::Person(i)) => Referent::Person(i),
                _ => speaker,
            };
            match who {
                Referent::Client => Side::Client,
                Referent::Advisor => Side::Advisor,
                Referent::Person(_) | Referent::Outsider => Side::Other,
            }
        }
        Speaker::Narration if refs.arrow_before(s, pos).is_some() => {
            let arrow = refs.arrow_before(s, pos).unwrap_or(pos);
            match refs.first_in(s, arrow, pos).map(|t| t.referent) {
                None | Some(Referent::Client) => Side::Client,
                Some(Referent::Advisor) => Side::Advisor,
                Some(Referent::Person(_) | Referent::Outsider) => Side::Other,
            }
        }
        Speaker::Narration => match refs.subject_tok_at(s, pos).map(|t| {
            // "asked if he'd mention me to earl and he hesitated": after
            // the advisor's question, whoever answers.
            if t.referent != Referent::Advisor {
                return t;
            }
            refs.tokens[s]
                .iter()
                .rev()
                .find(|r| {
                    r.pos > t.pos
                        && r.pos < pos
                        && !r.modifier
                        && matches!(r.referent, Referent::Client | Referent::Person(_))
                })
                .copied()
                .unwrap_or(t)
        }) {
            None => Side::Client,
            Some(t) => match t.referent {
                Referent::Client => Side::Client,
                Referent::Advisor => Side::Advisor,
                // A sentence-initial "he"/"she" in an advisor's note is the
                // client unless this sentence names someone else.
                Referent::Person(_) if t.carried => Side::Client,
                Referent::Person(_) | Referent::Outsider => Side::Other,
            },
        },
    }
}

/// The side of whoever reports the words at `pos`: the subject before the
/// last reporting verb (`He said ...`), else the clause's subject.
fn speaker_side(
    det: &Detector<'_>,
    scan: &Scanned,
    note: &Note,
    refs: &Refs,
    s: usize,
    pos: usize,
) -> Side {
    let sent = note.sentences[s];
    match det.reporting(scan, sent.start, pos).last() {
        Some(h) => side_of(note, refs, s, sent.start + h.start),
        None => side_of(note, refs, s, pos),
    }
}

/// A negator among the (up to four) words just before the phrase, in the
/// same stretch of text (no punctuation or `to` between): `no hesitation`,
/// `did not object`, `not at all uncomfortable`.
fn is_negated(det: &Detector<'_>, note: &Note, sentence_start: usize, pos: usize) -> bool {
    let toks = tokenize(&note.raw.text, sentence_start, pos);
    toks.iter()
        .rev()
        .take(4)
        // "does not want to put them on the spot": the negation belongs to
        // the wanting, which is the objection itself; stop at "to".
        .take_while(|t| t.text.chars().any(char::is_alphanumeric) && t.text != "to")
        .any(|t| det.words.negators.contains(t.text))
}
