//! People in the client's circle: names, relationships, and who each
//! pronoun refers to (SPEC §1).
//!
//! Input: a `Note`. Output: `Mention`s pushed into `Findings` (excluded
//! people marked, not dropped) and the `Refs` that later detectors use to
//! find the subject of a phrase. Merging across notes happens in `aggregate`.
use super::clauses::{find_arrows, find_breaks, RefTok, Refs};
use super::{
    is_word, strip_possessive, tokenize, Detector, Exclusion, Findings, Group, Mention, Referent,
    Scanned, Tok,
};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::lexicon::Lower;
use crate::model::Circle;
use crate::notes::{Note, Speaker};

const DETERMINERS: [&str; 11] = [
    "my", "his", "her", "their", "our", "your", "a", "an", "the", "one", "another",
];
/// The pronouns that stand for a person in subject tracking, lowercase.
const PRONOUNS: [&str; 8] = ["i", "we", "you", "who", "whose", "he", "she", "they"];
const PARTICLES: [&str; 14] = [
    "van", "der", "de", "la", "del", "da", "di", "von", "le", "du", "dos", "das", "bin", "ter",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    Client,
    Team,
    Public,
    Given,
    Unsure,
}

#[derive(Debug, Clone)]
struct NameSpan {
    /// Token range [first, last].
    first: usize,
    last: usize,
    text: String,
    possessive: bool,
    class: NameClass,
    bound: bool,
}

#[derive(Debug, Clone)]
struct Rel {
    first: usize,
    last: usize,
    canonical: String,
    circle: Circle,
    has_det: bool,
    /// `his` or `her` (empty otherwise): whose relative it is depends on
    /// who came before.
    personal_word: &'static str,
    /// `siblings`, `partners`: names a list, never one unnamed person.
    plural: bool,
    definite: bool,
    /// `a colleague`: unless tied to a name or followed by `who`, it
    /// describes someone (`Alan is a dentist`) rather than naming a person.
    indefinite: bool,
    owner: Option<String>,
    bound_to: Option<usize>,
    someone: bool,
}

/// The people a client's notes have named so far, carried from one note
/// to the next in date order: "Dawn called me directly" three months after
/// "his sister-in-law, Dawn Fischer" is about her, as is shorthand's "kim
/// wants to meet!!" after "her bff Kim Pham".
#[derive(Debug, Default)]
pub struct Acquaintances {
    /// First names and aliases met (lowercase).
    known: Known,
    /// "Priscilla Owusu, who everyone calls Cilla": alias -> name key.
    aliases: FxHashMap<String, String>,
    /// First names (lowercase) of the client's spouse or partner: "Colette's
    /// sister" is then the client's sister-in-law.
    spouses: FxHashSet<String>,
    /// First name (lowercase) -> name key of people named in full, for a
    /// short form later ("Kath" after "Kathleen Doyle", "Sami" after
    /// "Samir Khoury").
    full_names: FxHashMap<String, String>,
    /// Words (lowercase) of the client's own nicknames: "Kuya Jun
    /// (Rodrigo)" makes "Jun" the client from then on.
    client_aliases: FxHashSet<String>,
}

/// First names already met (lowercase), with the byte length and first
/// letter of each, so that most words are ruled out without a lookup.
#[derive(Debug)]
struct Known {
    names: FxHashSet<String>,
    /// Per byte length (63 = longer), a bit per first byte (its low 6 bits).
    shapes: [u64; 64],
}

impl Default for Known {
    fn default() -> Self {
        Known {
            names: FxHashSet::default(),
            shapes: [0; 64],
        }
    }
}

fn shape(word: &str) -> (usize, u64) {
    let first = word.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    (word.len().min(63), 1 << (first & 63))
}

impl Acquaintances {
    /// The full name key that a one-word key turned out to be an alias or
    /// short form of: "G's golf mate Robbo" before "Peter Robinson (Robbo)".
    pub fn full_key(&self, key: &str) -> Option<&str> {
        self.aliases.get(key).map(String::as_str)
    }
}

impl Known {
    fn insert(&mut self, name: String) {
        let (len, bit) = shape(&name);
        self.shapes[len] |= bit;
        self.names.insert(name);
    }

    fn contains(&self, lower: &str) -> bool {
        self.names.contains(lower)
    }

    /// False when no known name has this ASCII word's length and first
    /// letter.
    fn may_have(&self, word: &str) -> bool {
        let (len, bit) = shape(word);
        self.shapes[len] & bit != 0
    }
}

/// Finds every mention in the note; returns the referents per sentence.
pub fn find_people(
    det: &Detector<'_>,
    scan: &Scanned,
    note: &Note,
    met: &mut Acquaintances,
    out: &mut Findings,
) -> Refs {
    let mut refs = Refs::default();
    let mut client_words: Vec<String> = note
        .raw
        .client
        .split_whitespace()
        .map(|w| w.trim_matches(',').to_lowercase())
        .collect();
    // Its first given name: in brackets after a name, that name is the
    // client's nickname.
    let first_given = client_words.first().cloned().unwrap_or_default();
    client_words.extend(met.client_aliases.iter().cloned());
    let mut prev_subject: Option<Referent> = None;
    let mut prev_person: Option<usize> = None;
    let mut prev_addressee: Option<Referent> = None;
    // First names of people already met in this note or an earlier one:
    // "Gideon" after "Gideon Shore" is the same person even if no list
    // knows the name.
    let Acquaintances {
        known,
        aliases,
        spouses,
        full_names,
        client_aliases,
    } = met;
    let second_person = written_to_advisor(det, note);
    let lowercase_note = note.lowercase;
    for s in 0..note.sentences.len() {
        let sent = note.sentences[s];
        let toks = tokenize(&note.raw.text, sent.start, sent.end);
        let mut rels = find_relationships(det, scan, note, s, &toks, spouses);
        // Relationship words, before any gives way to a name ("Friend Tom").
        let rel_spans: Vec<(usize, usize)> = rels.iter().map(|r| (r.first, r.last)).collect();
        // Tokens right after a relationship word ("her brother ___", "my
        // neighbor, ___"): where a person's name stands.
        let named_slots: Vec<usize> = rels
            .iter()
            .flat_map(|r| {
                let comma = toks.get(r.last + 1).is_some_and(|t| t.text == ",");
                [r.last + 1, if comma { r.last + 2 } else { r.last + 1 }]
            })
            .collect();
        // ... and where a relative's name stands: "his daughter Fiona" is
        // no team member, whatever the team's first names.
        let family_slots: Vec<usize> = rels
            .iter()
            .filter(|r| r.circle == Circle::Family)
            .map(|r| r.last + 1)
            .collect();
        let lowercase_slots: Vec<usize> = if lowercase_note {
            rels.iter().flat_map(|r| r.last + 1..=r.last + 4).collect()
        } else {
            Vec::new()
        };
        let slots = Slots {
            named: &named_slots,
            family: &family_slots,
            lowercase: &lowercase_slots,
        };
        let mut names = find_names(det, &toks, &client_words, known, slots);
        // "Visited Kuya Jun (Rodrigo) at his shop": a name with the
        // client's first name in brackets after it is the client's nickname.
        for n in names
            .iter_mut()
            .filter(|n| matches!(n.class, NameClass::Given | NameClass::Unsure))
        {
            let bracketed = bracketed_word(&toks, n.last)
                .is_some_and(|t| t.text.eq_ignore_ascii_case(&first_given));
            if bracketed {
                n.class = NameClass::Client;
                for w in n.text.split_whitespace() {
                    let bare = w.trim_end_matches('.');
                    if !det.words.family.contains(bare) && !det.words.titles.contains(bare) {
                        client_aliases.insert(bare.to_lowercase());
                        client_words.push(bare.to_lowercase());
                    }
                }
            }
        }
        // "Separately, his brother-in-law rang": an adverb opening the
        // sentence is no name, whatever stands beside it.
        names.retain(|n| {
            !(n.class == NameClass::Unsure
                && n.first == 0
                && n.first == n.last
                && n.text.len() > 4
                && n.text.ends_with("ly")
                && !det.words.given.contains(&n.text))
        });
        // "Hubby Dario", "Bro Matteo": a capitalised relationship word in
        // front of a name is not part of it.
        // So is one that is no given name in front of a given one ("Cousin
        // Nour", "Aunt Comfort").
        for n in names.iter_mut().filter(|n| {
            n.class == NameClass::Unsure
                || (n.class == NameClass::Given && !det.words.given.contains(toks[n.first].text))
        }) {
            if let Some(r) = rels.iter().find(|r| r.first == n.first && r.last < n.last) {
                n.first = r.last + 1;
                let mut rest: Vec<&str> = toks[n.first..=n.last]
                    .iter()
                    .map(|t| strip_possessive(t.text).0)
                    .filter(|w| *w != ".")
                    .collect();
                // "Wife Mdm Goh Siew Hoon" is Goh Siew Hoon ("Wife Mdm Goh"
                // keeps the title: a surname alone names no one).
                if rest.len() >= 3 && det.words.titles.contains(rest[0].trim_end_matches('.')) {
                    rest.remove(0);
                }
                n.text = rest.join(" ");
                if det.words.given.contains(rest[0]) || known.contains(&rest[0].to_lowercase()) {
                    n.class = NameClass::Given;
                }
            }
        }
        // A relationship word inside a given name loses ("Bishop"); an
        // unsure capitalised word that is a relationship is one ("Rotary").
        rels.retain(|r| {
            !names
                .iter()
                .any(|n| n.class != NameClass::Unsure && overlaps(n.first, n.last, r.first, r.last))
        });
        names.retain(|n| {
            n.class != NameClass::Unsure
                || !rels
                    .iter()
                    .any(|r| overlaps(n.first, n.last, r.first, r.last))
        });
        bind(det, &toks, &mut names, &mut rels);
        // "Priscilla inherited her mom's house": after someone else's name,
        // his/her is that person's, and the relative is theirs, not the
        // client's. Not when the same his/her already gave the client a
        // relative in this sentence ("his sister Folake in Houston and his
        // brother Kunle"), nor when the name's relationship says the other
        // sex ("his daughter Fiona ..., while his son Callum").
        for ri in 0..rels.len() {
            let r = &rels[ri];
            if !r.personal_det() || r.owner.is_some() {
                continue;
            }
            let before = names
                .iter()
                .enumerate()
                .filter(|(ni, n)| n.last < r.first && r.bound_to != Some(*ni))
                .max_by_key(|(_, n)| n.last);
            if let Some((ni, n)) = before {
                // "His brother Tom mentioned that his wife ...": what Tom
                // reports of "his" is Tom's.
                let reported = !det
                    .reporting(scan, toks[n.last].end, toks[r.first].start)
                    .is_empty();
                let again = rels[..ri].iter().any(|e| {
                    e.personal_word == r.personal_word
                        && e.owner.is_none()
                        && !strip_possessive(toks[e.last].text).1
                });
                if again && !reported {
                    continue;
                }
                let person = n.class == NameClass::Given || n.bound;
                let sex = rels
                    .iter()
                    .find(|e| e.bound_to == Some(ni))
                    .and_then(|e| male(&e.canonical));
                let other_sex = match (sex, r.personal_word) {
                    (Some(m), "his") => !m,
                    (Some(m), "her") => m,
                    _ => false,
                };
                if person && !other_sex {
                    rels[ri].owner = n.text.split_whitespace().next().map(str::to_string);
                }
            }
        }

        let quotes = quote_spans(&toks);
        // Mentions of this sentence, and referent tokens in text order.
        let mut tokens: Vec<RefTok> = Vec::new();
        let first_mention = out.mentions.len();
        for (ni, n) in names.iter().enumerate() {
            let pos = toks[n.first].start;
            let referent = match n.class {
                NameClass::Client => Referent::Client,
                NameClass::Team => Referent::Advisor,
                NameClass::Public => Referent::Outsider,
                NameClass::Given | NameClass::Unsure => {
                    let rel = rels.iter().find(|r| r.bound_to == Some(ni));
                    if n.class == NameClass::Unsure && rel.is_none() {
                        continue;
                    }
                    // An initial is no first name to know someone by; nor is
                    // a listed word or a relationship word that a name took
                    // in: in lowercase they stay words ("will", "friend").
                    let word_like = rel_spans.iter().any(|&(a, b)| (a..=b).contains(&n.first));
                    if let Some(first) = n
                        .text
                        .split_whitespace()
                        .find(|w| !w.ends_with('.') && w.chars().count() > 1)
                        .filter(|w| !word_like && !det.words.not_names.contains(w))
                    {
                        known.insert(first.to_lowercase());
                    }
                    if rel.is_some_and(|r| r.owner.is_none() && spouse(&r.canonical)) {
                        if let Some(first) = n.text.split_whitespace().next() {
                            spouses.insert(first.to_lowercase());
                        }
                    }
                    // "Kath" after "Kathleen Doyle": a short form of one
                    // person's first name is that person.
                    let lower = n.text.to_lowercase();
                    if !lower.contains(' ') && !aliases.contains_key(&lower) {
                        let mut longer = full_names
                            .iter()
                            .filter(|(f, _)| short_form(&lower, f))
                            .map(|(_, k)| k);
                        if let (Some(k), None) = (longer.next(), longer.next()) {
                            aliases.insert(lower.clone(), k.clone());
                        }
                    }
                    let mut key = name_key(det, &n.text, aliases);
                    // "Nanay Pacing (Pacita Manalo)", "Mrs. Oanh - Oanh Pham -":
                    // a fuller name set off right after a name is that
                    // person's, and the first is an alias of it.
                    // Fuller: more words, or as many with no title or
                    // kinship word in front ("Jun Santos (Kuya Jun)" stays).
                    let fuller = names.get(ni + 1).filter(|m| {
                        let words = |x: &str| x.split_whitespace().count();
                        let honorific = |x: &str| {
                            x.split_whitespace().next().is_some_and(|f| {
                                let f = f.trim_end_matches('.');
                                det.words.titles.contains(f) || det.words.family.contains(f)
                            })
                        };
                        m.first == n.last + 2
                            && matches!(toks[n.last + 1].text, "(" | "-" | "–" | "—")
                            && matches!(m.class, NameClass::Given | NameClass::Unsure)
                            && words(&m.text) >= 2
                            && !honorific(&m.text)
                            && (words(&m.text) > words(&n.text) || honorific(&n.text))
                    });
                    let mut shown = &n.text;
                    if let Some(m) = fuller {
                        let full = name_key(det, &m.text, aliases);
                        if full != key {
                            aliases.insert(lower.clone(), full.clone());
                            key = full;
                            shown = &m.text;
                        }
                    }
                    if let Some((first, _)) = key.split_once(' ') {
                        full_names.insert(first.to_string(), key.clone());
                    }
                    if let Some(alias) = alias_after(det, &toks, n) {
                        known.insert(alias.to_lowercase());
                        aliases.insert(alias.to_lowercase(), key.clone());
                    }
                    let idx = out.mentions.len();
                    out.mentions.push(Mention {
                        sentence: s,
                        start: pos,
                        end: toks[n.last].end,
                        name: Some(shown.clone()),
                        relationship: rel.map(relationship_text),
                        circle: Some(rel.map_or(Circle::Unknown, |r| {
                            if r.owner.is_some() {
                                Circle::Unknown
                            } else {
                                r.circle
                            }
                        })),
                        owner: None,
                        definite: false,
                        exclusion: None,
                        key: Some(key),
                    });
                    Referent::Person(idx)
                }
            };
            // "Wolfgang's cousin Ilona is buying": the possessor is not the
            // subject; "Nadia's company is evaluating" keeps Nadia as topic.
            let phrase_start = rels
                .iter()
                .find(|r| r.bound_to == Some(ni))
                .map_or(n.first, |r| r.first.min(n.first));
            // "don't take it personal, Luis, but I don't ...": a name
            // called out between commas is spoken to, not about.
            // ... also with a word of address after it ("Imran bhai,").
            let address = toks.get(n.last + 1).is_some_and(|t| {
                is_word(
                    t.text,
                    &[
                        "bhai", "ji", "sahib", "saab", "bhaiya", "didi", "sir", "bro", "mate",
                    ],
                )
            });
            let end = n.last + 1 + usize::from(address);
            let vocative = n.first > 0
                && matches!(toks[n.first - 1].text, "," | "\"" | "“")
                && toks.get(end).is_some_and(|t| matches!(t.text, "," | "!"))
                && quotes.iter().any(|&(a, b)| a < n.first && n.last < b);
            let modifier = (n.possessive
                && rels
                    .iter()
                    .any(|r| r.first > n.last && r.first <= n.last + 3))
                || after_preposition(det, &toks, phrase_start)
                || vocative;
            tokens.push(RefTok {
                pos,
                referent,
                carried: false,
                modifier,
                owned: false,
            });
        }
        for r in rels.iter().filter(|r| r.bound_to.is_none()) {
            let usable = if r.plural {
                false
            } else if r.circle == Circle::Community {
                r.someone
            } else {
                (r.has_det && !r.indefinite)
                    || toks[..r.first]
                        .iter()
                        .all(|t| !t.text.chars().any(char::is_alphanumeric))
            };
            if !usable {
                continue;
            }
            let idx = out.mentions.len();
            out.mentions.push(Mention {
                sentence: s,
                start: toks[r.first].start,
                end: toks[r.last].end,
                name: None,
                relationship: Some(relationship_text(r)),
                circle: Some(if r.owner.is_some() {
                    Circle::Unknown
                } else {
                    r.circle
                }),
                owner: r.owner.clone(),
                definite: r.definite,
                exclusion: None,
                key: None,
            });
            let possessive = strip_possessive(toks[r.last].text).1
                || toks
                    .get(r.last + 1)
                    .is_some_and(|t| t.text == "'s" || t.text == "’s");
            tokens.push(RefTok {
                pos: toks[r.first].start,
                referent: Referent::Person(idx),
                carried: false,
                modifier: (possessive && r.first > 1) || after_preposition(det, &toks, r.first),
                owned: r.personal_det() && r.owner.is_some(),
            });
        }
        // "Asked Cosima if anyone comes to mind": shorthand drops the "I".
        if sent.speaker == Speaker::Narration
            && toks
                .first()
                .is_some_and(|t| det.words.advisor_openers.contains(t.text))
        {
            tokens.push(RefTok {
                pos: toks[0].start,
                referent: Referent::Advisor,
                carried: false,
                modifier: false,
                owned: false,
            });
        }
        // Pronouns: resolved against this sentence, then the previous one.
        let mut pronouns: Vec<(&str, (Referent, bool))> = Vec::new();
        let mut quoted: Vec<(usize, usize, Referent)> = Vec::new();
        for (ti, t) in toks.iter().enumerate() {
            // Only short words starting with one of the pronouns' first
            // letters can be one; the rest are not compared. A contraction
            // of a third person is that person ("he'd", "she's", "they're");
            // "We'll think about it" in a note stays the client's words.
            if !t.text.as_bytes().first().is_some_and(|b| {
                matches!(
                    b.to_ascii_lowercase(),
                    b'i' | b'w' | b'y' | b'h' | b's' | b't'
                )
            }) {
                continue;
            }
            let (word, contracted) = match t.text.split_once(['\'', '’']) {
                Some((stem, _)) => (stem, true),
                None => (t.text, false),
            };
            let lower = if word.len() <= 5 {
                PRONOUNS
                    .iter()
                    .find(|p| p.eq_ignore_ascii_case(word))
                    .map_or("", |p| *p)
            } else {
                ""
            };
            let lower = if contracted && !matches!(lower, "he" | "she" | "they" | "who") {
                ""
            } else {
                lower
            };
            let mut carried = false;
            // Inside quotation marks in prose, "I" is whoever is quoted:
            // `Robert said, "If I think of anyone..."` (the client by default).
            if sent.speaker == Speaker::Narration && matches!(lower, "i" | "we" | "you") {
                if let Some(&(open, _)) = quotes.iter().find(|(a, b)| *a < ti && ti < *b) {
                    let speaker = quote_speaker(&tokens, &toks, open);
                    let referent = match (lower, speaker) {
                        ("you", Referent::Advisor) => Referent::Client,
                        ("you", _) => Referent::Advisor,
                        (_, s) => s,
                    };
                    tokens.push(RefTok {
                        pos: t.start,
                        referent,
                        carried: false,
                        modifier: false,
                        owned: false,
                    });
                    continue;
                }
            }
            let referent = match (lower, sent.speaker) {
                // Object pronouns (me, us) are never a clause's subject.
                ("i" | "we", Speaker::Client) => Some(Referent::Client),
                ("you", Speaker::Client) => Some(Referent::Advisor),
                ("i" | "we", _) => Some(Referent::Advisor),
                ("you", _) if second_person => Some(Referent::Advisor),
                ("you", _) => Some(Referent::Client),
                ("who" | "whose", _) => antecedent(&tokens, &toks, ti),
                // "Asked if she'd mention me to Mrs Pugh": the one the
                // advisor asks, in a note about the client, is the client.
                ("he" | "she" | "they", _) if asked_client(det, &toks, ti) => {
                    Some(Referent::Client)
                }
                ("he" | "she" | "they", _) => {
                    // The same pronoun earlier in the sentence means the same
                    // person ("whether she ..., she went quiet"); otherwise
                    // the nearest person before it ("Curtis said he").
                    let same = pronouns
                        .iter()
                        .rev()
                        .find(|(w, _)| *w == lower)
                        .map(|(_, r)| *r);
                    let earlier = tokens
                        .iter()
                        .filter(|r| r.pos < t.start && !r.modifier)
                        .filter(|r| matches!(r.referent, Referent::Client | Referent::Person(_)))
                        .max_by_key(|r| r.pos)
                        .map(|r| (r.referent, r.carried));
                    match same.or(earlier) {
                        Some((r, was_carried)) => {
                            carried = was_carried;
                            Some(r)
                        }
                        None => {
                            carried = true;
                            // "asked if he'd intro me to wade": he is not
                            // someone this sentence names after him.
                            let first_of = |i: usize| {
                                out.mentions[i]
                                    .key
                                    .as_deref()
                                    .and_then(|k| k.split_whitespace().next())
                            };
                            let named_after = |i: usize| {
                                tokens.iter().any(|r| match r.referent {
                                    Referent::Person(j) if r.pos > t.start => {
                                        j == i
                                            || (first_of(j).is_some() && first_of(j) == first_of(i))
                                    }
                                    _ => false,
                                })
                            };
                            Some(match prev_subject {
                                Some(Referent::Person(i)) if named_after(i) => Referent::Client,
                                Some(Referent::Person(i)) => Referent::Person(i),
                                Some(Referent::Client) => Referent::Client,
                                // "I asked Douglas whether... He told me": the
                                // one the advisor spoke to.
                                Some(Referent::Advisor) => {
                                    prev_addressee.unwrap_or(Referent::Client)
                                }
                                _ => prev_person.map_or(Referent::Client, Referent::Person),
                            })
                        }
                    }
                }
                _ => None,
            };
            if let Some(referent) = referent {
                if matches!(lower, "he" | "she" | "they") {
                    pronouns.push((lower, (referent, carried)));
                }
                // "pleased with how we had handled it": the advisor inside
                // a how/what clause is no subject of the sentence.
                let subordinate = referent == Referent::Advisor
                    && ti
                        .checked_sub(1)
                        .is_some_and(|p| is_word(toks[p].text, &["how", "what", "why", "which"]));
                tokens.push(RefTok {
                    pos: t.start,
                    referent,
                    carried,
                    modifier: subordinate,
                    owned: false,
                });
            }
        }
        tokens.sort_by_key(|r| r.pos);
        if sent.speaker == Speaker::Narration {
            for &(open, close) in &quotes {
                let end = toks.get(close).map_or(sent.end, |t| t.start);
                quoted.push((toks[open].start, end, quote_speaker(&tokens, &toks, open)));
            }
        }
        mark_exclusions(
            det,
            scan,
            &toks,
            &tokens,
            &mut out.mentions[first_mention..],
            first_mention,
        );
        // A sentence about no one keeps the previous focus.
        if !tokens.is_empty() {
            // The dead are talked about, not the ones the next sentence's
            // "she" goes on with ("Her aunty Huia passed in August.").
            let deceased = |r: &RefTok| match r.referent {
                Referent::Person(i) => out.mentions[i].exclusion == Some(Exclusion::Deceased),
                _ => false,
            };
            prev_subject = tokens
                .iter()
                .find(|r| !matches!(r.referent, Referent::Outsider) && !deceased(r))
                .map(|r| r.referent);
            // "Marcus mentioned that his sister Dawn inherited a farm",
            // "becca texted: kim wants to meet!!": the client only reports;
            // the one reported on is who the next sentence goes on about.
            if let Some(client_at) = tokens
                .iter()
                .find(|r| r.referent == Referent::Client)
                .filter(|_| prev_subject == Some(Referent::Client))
                .map(|r| r.pos)
            {
                let text = &note.raw.text[client_at..sent.end];
                let report = det
                    .reporting(scan, client_at, sent.end)
                    .iter()
                    .map(|h| client_at + h.end)
                    .chain(text.find(':').map(|c| client_at + c + 1))
                    .min();
                if let Some(report) = report {
                    if let Some(reported) = tokens.iter().find(|r| {
                        r.pos >= report && !r.modifier && matches!(r.referent, Referent::Person(_))
                    }) {
                        prev_subject = Some(reported.referent);
                    }
                }
            }
            prev_addressee = tokens
                .iter()
                .skip_while(|r| r.referent == Referent::Advisor)
                .find(|r| matches!(r.referent, Referent::Client | Referent::Person(_)))
                .map(|r| r.referent);
            prev_person = tokens.iter().rev().find_map(|r| match r.referent {
                Referent::Person(i) if !deceased(r) => Some(i),
                _ => None,
            });
        }
        let arrows = find_arrows(note, s);
        // Clause breaks only ever place a referent: a sentence with none
        // needs none.
        refs.breaks.push(if tokens.is_empty() {
            Vec::new()
        } else {
            let mut breaks = find_breaks(scan, note, s, &arrows);
            // "... and danny told him he knows he needs it": a subject
            // after "and", "but", "then" or "so" starts a clause of its own.
            let coordinated = tokens.iter().filter(|r| !r.modifier).filter(|r| {
                toks.binary_search_by_key(&r.pos, |t| t.start)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .is_some_and(|p| is_word(toks[p].text, &["and", "but", "then", "so"]))
            });
            let before = breaks.len();
            breaks.extend(coordinated.map(|r| r.pos));
            if breaks.len() > before {
                breaks.sort_unstable();
            }
            breaks
        });
        refs.tokens.push(tokens);
        refs.arrows.push(arrows);
        refs.quotes.push(quoted);
        let mut asides = Vec::new();
        for (open, t) in toks.iter().enumerate().filter(|(_, t)| t.text == "(") {
            if let Some(close) = toks[open..].iter().find(|c| c.text == ")") {
                asides.push((t.start, close.end));
            }
        }
        refs.asides.push(asides);
    }
    refs
}

/// "You met Gwen at her office. You asked about Bethany's loans.": notes
/// written to the advisor in the second person, where "you" in prose is
/// the advisor, not the client. Told by a sentence of prose that opens
/// with "You" and an advisor's verb.
fn written_to_advisor(det: &Detector<'_>, note: &Note) -> bool {
    note.sentences
        .iter()
        .filter(|s| s.speaker == Speaker::Narration)
        .any(|s| {
            let text = &note.raw.text[s.start..s.end];
            let Some(rest) = text.strip_prefix("You ") else {
                return false;
            };
            let verb = rest
                .split(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            det.words.advisor_openers.contains(verb)
                || det.words.object_verbs.contains(verb)
                || matches!(
                    verb,
                    "met" | "sat" | "walked" | "went" | "spoke" | "reviewed" | "dropped"
                )
        })
}

/// Who a quotation in prose quotes: the last person named before it (the
/// client when no one is).
fn quote_speaker(tokens: &[RefTok], toks: &[Tok<'_>], open: usize) -> Referent {
    let speaker = tokens
        .iter()
        .filter(|r| r.pos < toks[open].start && !r.modifier)
        .max_by_key(|r| r.pos)
        .map(|r| r.referent)
        .filter(|r| *r != Referent::Outsider)
        .unwrap_or(Referent::Client);
    // "Asked Pepe if anyone at the shop needs a ride — "I don't hand out
    // numbers"": after the advisor's question, the quotation is the answer,
    // from whoever was asked.
    let asked = || {
        toks[..open]
            .iter()
            .any(|t| t.text == "?" || is_word(t.text, &["if", "whether", "about", "abt"]))
    };
    if speaker != Referent::Advisor || !asked() {
        return speaker;
    }
    tokens
        .iter()
        .filter(|r| r.pos < toks[open].start)
        .find(|r| matches!(r.referent, Referent::Client | Referent::Person(_)))
        .map_or(Referent::Client, |r| r.referent)
}

/// Token index pairs (open, close) of quotations in a sentence; an
/// unclosed quote runs to the end.
fn quote_spans(toks: &[Tok<'_>]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    // Most sentences quote no one: every quotation mark starts with `"` or
    // the first byte of `“`/`”`.
    if !toks
        .iter()
        .any(|t| matches!(t.text.as_bytes()[0], b'"' | 0xE2))
    {
        return spans;
    }
    let mut open: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        match (t.text, open) {
            ("\"" | "“", None) => open = Some(i),
            ("\"" | "”", Some(o)) => {
                spans.push((o, i));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        spans.push((o, toks.len()));
    }
    spans
}

fn overlaps(a0: usize, a1: usize, b0: usize, b1: usize) -> bool {
    a0 <= b1 && b0 <= a1
}

/// Whether a relationship is the client's spouse or partner.
fn spouse(canonical: &str) -> bool {
    matches!(canonical, "husband" | "wife" | "spouse" | "partner")
}

/// Whether a relationship names a man (`Some(true)`: `brother-in-law`,
/// `stepson`), a woman (`Some(false)`: `godmother`, `wife`) or either.
fn male(canonical: &str) -> Option<bool> {
    const MEN: [&str; 12] = [
        "husband",
        "father",
        "dad",
        "brother",
        "son",
        "uncle",
        "nephew",
        "boyfriend",
        "fiance",
        "fiancé",
        "widower",
        "grandpa",
    ];
    const WOMEN: [&str; 14] = [
        "wife",
        "mother",
        "mom",
        "mum",
        "sister",
        "daughter",
        "aunt",
        "niece",
        "girlfriend",
        "fiancee",
        "fiancée",
        "widow",
        "grandma",
        "granny",
    ];
    canonical.split(['-', ' ']).find_map(|part| {
        let root = ["grand", "step", "god", "half"]
            .iter()
            .fold(part, |p, pre| p.strip_prefix(pre).unwrap_or(p));
        if MEN.contains(&root) {
            Some(true)
        } else if WOMEN.contains(&root) {
            Some(false)
        } else {
            None
        }
    })
}

fn relationship_text(r: &Rel) -> String {
    match &r.owner {
        Some(owner) => format!("{owner}'s {}", r.canonical),
        None => r.canonical.clone(),
    }
}

/// `who` refers to the referent just before it (`Dave Holcomb, who`).
fn antecedent(tokens: &[RefTok], toks: &[Tok<'_>], ti: usize) -> Option<Referent> {
    let window_start = toks[ti.saturating_sub(4)].start;
    tokens
        .iter()
        .filter(|r| r.pos < toks[ti].start && r.pos >= window_start)
        .max_by_key(|r| r.pos)
        .map(|r| r.referent)
}

/// The name as merging compares it: lowercase words without titles, the
/// given name in its full form (`Bob` -> `robert`), an alias resolved.
fn name_key(det: &Detector<'_>, name: &str, aliases: &FxHashMap<String, String>) -> String {
    // "Dr. Lindqvist" keeps its title: a title and a surname are matched
    // to a full name by the surname.
    let titled = name.split_whitespace().count() == 2
        && name
            .split_whitespace()
            .next()
            .is_some_and(|t| det.words.titles.contains(t.trim_end_matches('.')));
    if titled {
        return name.replace('.', "").to_lowercase();
    }
    let words: Vec<String> = name
        .split_whitespace()
        .filter(|w| !w.ends_with('.'))
        .map(str::to_lowercase)
        .collect();
    if let Some(full) = aliases.get(&words.join(" ")) {
        return full.clone();
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        match det.nickname(w) {
            Some(full) if i == 0 => out.push(full.to_string()),
            _ => out.push(w.clone()),
        }
    }
    if out.is_empty() {
        name.to_lowercase()
    } else {
        out.join(" ")
    }
}

/// A nickname given right after a name: `Dmitri "Dima" Sokolov` (skipped
/// inside the name), `Priscilla Owusu, who everyone calls Cilla`,
/// `Robert Hale, who goes by Bobby`, `known as`, `aka`.
fn alias_after(det: &Detector<'_>, toks: &[Tok<'_>], n: &NameSpan) -> Option<String> {
    // A quoted nickname inside the span.
    for k in n.first..n.last {
        if matches!(toks[k].text, "\"" | "“")
            && toks
                .get(k + 2)
                .is_some_and(|q| matches!(q.text, "\"" | "”"))
        {
            return Some(toks[k + 1].text.to_string());
        }
    }
    // "Peter Robinson (Robbo)": one capitalised word in brackets after a
    // full name, that begins as one of the name's words does or is a
    // listed nickname of its first ("Margaret Lyons (Peggy)").
    // ... and any word quoted there: `Kavitha ("Kavi")`, `Kavitha "Kavi"`.
    let after = &toks[(n.last + 1).min(toks.len())..];
    let quoted = match after {
        [open, q1, word, q2, close, ..]
            if open.text == "("
                && close.text == ")"
                && matches!(q1.text, "\"" | "“")
                && matches!(q2.text, "\"" | "”") =>
        {
            Some(word)
        }
        [q1, word, q2, ..] if matches!(q1.text, "\"" | "“") && matches!(q2.text, "\"" | "”") => {
            Some(word)
        }
        _ => None,
    };
    if let Some(word) = quoted.filter(|w| is_cap(w.text) && w.text.chars().all(char::is_alphabetic))
    {
        return Some(word.text.to_string());
    }
    if let Some(word) = bracketed_word(toks, n.last) {
        let name: Vec<&str> = n.text.split_whitespace().collect();
        let stem = strip_possessive(word.text).0;
        let prefix = |w: &str| w.chars().take(2).collect::<String>().to_lowercase();
        let like = |w: &str| w.chars().count() >= 3 && prefix(w) == prefix(stem);
        if name.len() >= 2
            && is_cap(stem)
            && stem.chars().all(char::is_alphabetic)
            && stem.chars().any(char::is_lowercase)
            && (name.iter().any(|w| like(w))
                || det
                    .nickname(&stem.to_lowercase())
                    .is_some_and(|full| full.eq_ignore_ascii_case(name[0])))
        {
            return Some(stem.to_string());
        }
    }
    // "Priscilla Owusu, who everyone calls Cilla", "Ruaraidh Gillespie
    // (everybody calls him Rory)", "Olena Hnatiuk (goes by Lena)".
    let after: Vec<usize> = (n.last + 1..toks.len().min(n.last + 9))
        .filter(|&i| !matches!(toks[i].text, "," | "("))
        .collect();
    let rest: Vec<String> = after.iter().map(|&i| toks[i].text.to_lowercase()).collect();
    let words: Vec<&str> = rest.iter().map(String::as_str).collect();
    let callers = |w: &str| {
        matches!(
            w,
            "everyone" | "everybody" | "people" | "we" | "most" | "they"
        )
    };
    let skip = match words.as_slice() {
        ["who", c, "calls" | "call", "him" | "her" | "them", ..] if callers(c) => 4,
        ["who", c, "calls" | "call", ..] if callers(c) => 3,
        [c, "all", "call" | "calls", "him" | "her" | "them", ..] if callers(c) => 4,
        [c, "calls" | "call", "him" | "her" | "them", ..] if callers(c) => 3,
        ["who", "goes", "by", ..] => 3,
        ["goes", "by", ..] | ["known", "as", ..] => 2,
        ["aka", ..] => 1,
        _ => return None,
    };
    let alias = &toks[*after.get(skip)?];
    is_cap(alias.text).then(|| strip_possessive(alias.text).0.to_string())
}

/// The one word in brackets right after token `last`: "(Robbo)".
fn bracketed_word<'t>(toks: &'t [Tok<'t>], last: usize) -> Option<&'t Tok<'t>> {
    match toks.get(last + 1..)? {
        [open, word, close, ..] if open.text == "(" && close.text == ")" => Some(word),
        _ => None,
    }
}

/// Whether the pronoun at `ti` follows "Asked if" / "Asked her whether"
/// at the start of a sentence: an advisor's question to no one named.
fn asked_client(det: &Detector<'_>, toks: &[Tok<'_>], ti: usize) -> bool {
    let Some(conj) = ti.checked_sub(1) else {
        return false;
    };
    conj >= 1
        && is_word(toks[conj].text, &["if", "whether"])
        && det.words.advisor_openers.contains(toks[0].text)
        && toks[1..conj]
            .iter()
            .all(|t| is_word(t.text, &["her", "him", "them", "the", "client"]))
}

/// "with Arturo", "about his brother": an object of a preposition, looking
/// back over a determiner and up to two adjectives.
fn after_preposition(det: &Detector<'_>, toks: &[Tok<'_>], idx: usize) -> bool {
    let mut k = idx;
    for _ in 0..4 {
        let Some(prev) = k.checked_sub(1) else {
            return false;
        };
        let w = toks[prev].text;
        // "asked re: Joaquín": shorthand's "re" with its colon.
        if w == ":" && prev > 0 && is_word(toks[prev - 1].text, &["re"]) {
            return true;
        }
        // "with Arturo", and "asked Gareth", "told Nadia": objects both.
        if det.words.prepositions.contains(w) || det.words.object_verbs.contains(w) {
            return true;
        }
        let lower = Lower::new(w);
        // "told me her brother-in-law Tom": the object was "me".
        if matches!(lower.as_str(), "me" | "us" | "him" | "them" | "you" | "it") {
            return false;
        }
        let skippable = DETERMINERS.contains(&lower.as_str())
            || strip_possessive(w).1
            || (w.chars().any(char::is_alphabetic)
                && w.chars().all(|c| c.is_lowercase() || c == '-'));
        if !skippable {
            return false;
        }
        k = prev;
    }
    false
}

/// `marisol` -> `Marisol`.
fn capitalise(word: &str) -> String {
    let mut cs = word.chars();
    cs.next()
        .map(|f| f.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

fn is_cap(word: &str) -> bool {
    // Most words are ASCII, and most start in lowercase: decided from the
    // bytes, the first byte first.
    let b = word.as_bytes();
    if b.first().is_some_and(u8::is_ascii) {
        if !b[0].is_ascii_uppercase() {
            return false;
        }
        if b.len() == 1 {
            return word != "I";
        }
        if word.is_ascii() {
            return b.iter().any(u8::is_ascii_lowercase);
        }
    }
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    // "CPA", "IRA": acronyms are not names; nor is "I".
    first.is_uppercase()
        && word != "I"
        && (word.chars().count() == 1 || word.chars().any(char::is_lowercase))
}

/// Days and months: after a given name they are when, not a surname
/// ("met Denis Friday").
const CALENDAR: [&str; 17] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Dec",
];

/// Words that go on with a sentence after a name: conjunctions, adverbs
/// and irregular verbs (regular ones end in -ed, -ing or -s of these).
const SENTENCE_WORDS: [&str; 58] = [
    "and", "or", "but", "so", "that", "if", "too", "also", "now", "then", "still", "just",
    "really", "already", "always", "never", "came", "come", "went", "go", "got", "get", "gave",
    "give", "took", "take", "made", "make", "said", "say", "told", "tell", "saw", "see", "ran",
    "run", "sold", "sell", "bought", "buy", "lost", "lose", "left", "leave", "met", "meet", "paid",
    "pay", "sent", "send", "spent", "put", "felt", "kept", "keep", "brought", "thought", "knew",
];

/// A lowercase word that can be the surname after a given name: alphabetic
/// and none of the words a sentence goes on with ("bobby reyes just", not
/// "marty who", "donna came").
fn lowercase_surname(det: &Detector<'_>, word: &str) -> bool {
    let w = det.words;
    word.chars().count() >= 2
        && word.chars().all(char::is_alphabetic)
        && !word.ends_with("ed")
        && !word.ends_with("ing")
        && !PRONOUNS.contains(&word)
        && !DETERMINERS.contains(&word)
        && !SENTENCE_WORDS.contains(&word)
        && !(word.ends_with('s') && SENTENCE_WORDS.contains(&&word[..word.len() - 1]))
        && !w.not_names.contains(word)
        && !w.after_person.contains(word)
        && !w.prepositions.contains(word)
        && !w.object_verbs.contains(word)
        && !w.negators.contains(word)
        && !w.family.contains(word)
}

/// Token indexes where a name follows a relationship word.
#[derive(Clone, Copy)]
struct Slots<'a> {
    /// After any relationship word ("her brother ___", "my neighbor, ___").
    named: &'a [usize],
    /// Right after a family word ("his daughter ___").
    family: &'a [usize],
    /// In a note written all in lowercase: the few words after each
    /// relationship word ("his son in law bobby reyes", "his buddy from the
    /// vfw lonnie hargrove"), where a listed given name is a name.
    lowercase: &'a [usize],
}

fn find_names(
    det: &Detector<'_>,
    toks: &[Tok<'_>],
    client: &[String],
    known: &Known,
    slots: Slots<'_>,
) -> Vec<NameSpan> {
    let named_slots = slots.named;
    let w = det.words;
    let mut spans = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let is_title = toks
            .get(i + 1)
            .is_some_and(|t| t.text == "." || is_cap(t.text))
            && w.titles.contains(toks[i].text);
        // Shorthand writes names in lowercase once they are known:
        // "marisol buying the building", "jen says".
        let (stem, poss) = strip_possessive(toks[i].text);
        // An ASCII word of no known name's length and first letter, nor the
        // client's, is ruled out before it is lowercased (most words are).
        let shorthand = !is_cap(stem)
            && (!stem.is_ascii()
                || known.may_have(stem)
                || spans.iter().any(|n: &NameSpan| {
                    let first = n.text.split_once(' ').map_or(n.text.as_str(), |(f, _)| f);
                    shape(first) == shape(stem)
                })
                || client.first().is_some_and(|c| shape(c) == shape(stem)))
            && stem.chars().all(char::is_alphabetic)
            && stem.chars().count() >= 3;
        let class = shorthand
            .then(|| {
                let lower = Lower::new(stem);
                let lower = lower.as_str();
                if client.first().is_some_and(|c| c == lower) {
                    Some(NameClass::Client)
                } else {
                    // A name that is also a common word ("Will", "June")
                    // is that word when written in lowercase.
                    // ... also when named earlier in this sentence
                    // ("Ousmane Diallo is retiring and ousmane is worried").
                    let earlier = spans.iter().any(|n: &NameSpan| {
                        n.class == NameClass::Given
                            && n.text
                                .split_whitespace()
                                .next()
                                .is_some_and(|f| f.eq_ignore_ascii_case(lower))
                    });
                    ((known.contains(lower) || earlier) && !w.not_names.contains(stem))
                        .then_some(NameClass::Given)
                }
            })
            .flatten();
        if let Some(class) = class {
            spans.push(NameSpan {
                first: i,
                last: i,
                text: capitalise(stem),
                possessive: poss,
                class,
                bound: false,
            });
            i += 1;
            continue;
        }
        // Dictated notes in lowercase: "his son in law bobby reyes just had
        // twins": a listed given name near a relationship word, and the
        // surname after it when it is no function word.
        if slots.lowercase.contains(&i)
            && !is_cap(stem)
            && stem.chars().all(char::is_alphabetic)
            && stem.chars().count() >= 3
            && w.given.contains(stem)
            && !w.not_names.contains(stem)
            && !w.family.contains(stem)
        {
            let mut last = i;
            let mut text = capitalise(stem);
            let mut possessive = poss;
            if !poss {
                if let Some(next) = toks.get(i + 1) {
                    let (sur, sur_poss) = strip_possessive(next.text);
                    if lowercase_surname(det, sur) {
                        last = i + 1;
                        text = format!("{text} {}", capitalise(sur));
                        possessive = sur_poss;
                    }
                }
            }
            spans.push(NameSpan {
                first: i,
                last,
                text,
                possessive,
                class: NameClass::Given,
                bound: false,
            });
            i = last + 1;
            continue;
        }
        // Where a name stands, a listed word followed by a capitalised word
        // starts the name: "her brother Will Turner", "my aunt June Carter".
        let in_slot = named_slots.contains(&i);
        let slot_name = in_slot
            && toks.get(i + 1).is_some_and(|n| {
                let next = strip_possessive(n.text).0;
                is_cap(next) && !w.not_names.contains(next)
            });
        if !is_cap(toks[i].text)
            || (!is_title && !slot_name && w.not_names.contains(strip_possessive(toks[i].text).0))
        {
            i += 1;
            continue;
        }
        // Gather the capitalised run: names, particles, initials.
        let mut words: Vec<&str> = Vec::new();
        let mut j = i;
        let mut possessive = false;
        let mut title = false;
        while j < toks.len() && words.len() < 5 {
            let t = toks[j].text;
            if j == i && is_title {
                title = true;
                words.push(t);
                j += 1;
                if toks.get(j).is_some_and(|t| t.text == ".") {
                    j += 1;
                }
                continue;
            }
            let (stem, poss) = strip_possessive(t);
            // The first word was looked up already (`not_names` above);
            // after a title any capitalised word is the name ("Mrs. Grace").
            if is_cap(stem)
                && (j == i || (title && words.len() == 1) || !w.not_names.contains(stem))
            {
                words.push(stem);
                j += 1;
                if poss {
                    possessive = true;
                    break;
                }
                // Initial: "J." inside a name.
                if stem.chars().count() == 1 && toks.get(j).is_some_and(|t| t.text == ".") {
                    j += 1;
                }
                continue;
            }
            // Dmitri "Dima" Sokolov: a nickname in quotes inside a name.
            if !words.is_empty()
                && matches!(t, "\"" | "“")
                && toks.get(j + 1).is_some_and(|n| is_cap(n.text))
                && toks
                    .get(j + 2)
                    .is_some_and(|q| matches!(q.text, "\"" | "”"))
                && toks.get(j + 3).is_some_and(|n| is_cap(n.text))
            {
                j += 3;
                continue;
            }
            // "Anselm Roth": a surname that is also a listed word, right
            // after a given name (never an initial: "Plan G. Client is")
            // and ending the name.
            // After a title too: "Dr. Steven Park".
            let given_at = usize::from(title);
            if words.len() == given_at + 1
                && words[given_at].chars().count() > 1
                && is_cap(stem)
                && !w.institutions.contains(stem)
                && !CALENDAR.iter().any(|c| c.eq_ignore_ascii_case(stem))
                && (i > 0 || title || w.given.contains(words[0]))
                && (!title || w.given.contains(words[given_at]))
                && !toks.get(j + 1).is_some_and(|n| is_cap(n.text))
            {
                words.push(stem);
                j += 1;
                possessive = poss;
                break;
            }
            if PARTICLES.contains(&t)
                && toks.get(j + 1).is_some_and(|n| is_cap(n.text))
                && !words.is_empty()
            {
                words.push(t);
                j += 1;
                continue;
            }
            break;
        }
        let lone_letter = words.len() == 1 && words[0].chars().count() == 1;
        if words.is_empty() || (title && words.len() == 1) || lone_letter {
            i = j.max(i + 1);
            continue;
        }
        let last = j - 1;
        // "Dr. Patel" keeps its title (the surname alone names no one);
        // "Dr. Anjali Patel" is Anjali Patel.
        let text = if title && words.len() == 2 {
            // "Dr. Patel" keeps its dot, "Mdm Lim" has none.
            let dot = if toks.get(i + 1).is_some_and(|t| t.text == ".") {
                "."
            } else {
                ""
            };
            format!("{}{dot} {}", words[0], words[1])
        } else if title {
            words[1..].join(" ")
        } else {
            words.join(" ")
        };
        let bare: Vec<String> = words[usize::from(title)..]
            .iter()
            .map(|w| w.to_lowercase())
            .collect();
        // "Lincoln Elementary", "Harrow Lane Brewing": a business or place;
        // but where a name stands, a given name and one such word is a
        // person ("her neighbor Grace Park", "his partner Lois Lane").
        // (One word is the first word, looked up already.)
        let surname_like = in_slot
            && !title
            && words.len() == 2
            && (w.given.contains(words[0]) || known.contains(&words[0].to_lowercase()));
        if (words.len() > 1 && w.not_names.contains(&text))
            || (!surname_like && !title && words.iter().any(|x| w.institutions.contains(x)))
        {
            i = j.max(i + 1);
            continue;
        }
        let class = if w.public_figures.contains(&text) {
            NameClass::Public
        } else if (!bare.is_empty() && bare.iter().all(|w| client.contains(w)))
            || (bare.len() == 1 && short_for_client(det, client, &bare[0], known))
        {
            NameClass::Client
        } else if (det.roster.is_team(&bare.join(" "))
            && !(bare.len() == 1 && slots.family.contains(&i)))
            || (title && bare.len() == 1 && det.roster.is_team_surname(&bare[0]))
        {
            NameClass::Team
        } else if title
            || w.given.contains(words[0])
            || known.contains(&bare[0])
            || (bare.len() == 1 && known.names.iter().any(|k| short_form(&bare[0], k)))
            || is_unlisted_name(det, toks, i, last, &words)
        {
            NameClass::Given
        } else {
            NameClass::Unsure
        };
        spans.push(NameSpan {
            first: i,
            last,
            text,
            possessive,
            class,
            bound: false,
        });
        i = j.max(i + 1);
    }
    spans
}

/// Whether `short` (lowercase) shortens the first name `full`: "kath" of
/// "kathleen", "sami" of "samir": at least three letters, and shorter.
fn short_form(short: &str, full: &str) -> bool {
    full.len() > short.len() && full.starts_with(short) && short.chars().count() >= 3
}

/// "Gwen" in the notes of Gwendolyn Ashby, "Iggy" in Ignatius Oyelowo's:
/// the client's first name shortened, or one of its listed nicknames,
/// unless it is already someone else's name in these notes, or a listed
/// nickname of another name ("Dan" is Daniel's, not Danielle's).
fn short_for_client(det: &Detector<'_>, client: &[String], word: &str, known: &Known) -> bool {
    // Every given name of the client: "Cris" for Maria Cristina Santos.
    let given = &client[..client.len().saturating_sub(1)];
    if given.is_empty() || client.iter().any(|c| c == word) || known.contains(word) {
        return false;
    }
    // Spellings apart by an h are one name (Christina, Cristina).
    let plain = |x: &str| x.to_lowercase().replace('h', "");
    let nickname = det.nickname(word);
    given.iter().any(|first| {
        if nickname.is_some_and(|full| plain(full) == plain(first)) {
            return true;
        }
        // A listed nickname of another name needs four letters to count
        // ("Dan" is Daniel's, not Danielle's). A name's end is not
        // enough: Enzo is not Lorenzo.
        let n = word.chars().count();
        let least = if nickname.is_some() { 4 } else { 3 };
        short_form(word, first) && n >= least && first.chars().count() >= n + 2
    })
}

/// A name not in the given-names list ("Gideon Shore") is still a person
/// when it is two or three capitalised words inside a sentence, right
/// after or before a word that goes with people ("brought Gideon Shore",
/// "Gideon Shore, who"), or set off by commas beside a word for a person
/// ("Rigo Salinas, a man from her church,", "the fellow she rows with,
/// Bartholomew Quist,").
fn is_unlisted_name(
    det: &Detector<'_>,
    toks: &[Tok<'_>],
    first: usize,
    last: usize,
    words: &[&str],
) -> bool {
    let shaped = (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        });
    if !shaped {
        return false;
    }
    // At the start of a sentence only an apposition tells a name apart.
    let before = first.checked_sub(1).map_or("", |b| toks[b].text);
    let after = toks.get(last + 1).map_or("", |t| t.text);
    let after2 = toks.get(last + 2).map_or("", |t| t.text);
    let w = det.words;
    let person_near = |range: std::ops::Range<usize>| {
        toks[range]
            .iter()
            .any(|t| w.person_nouns.contains(strip_possessive(t.text).0))
    };
    let apposition = after == ","
        && is_word(after2, &["a", "an"])
        && person_near(last + 3..(last + 5).min(toks.len()));
    apposition
        || (first > 0
            && (w.before_person.contains(before)
                || w.after_person.contains(after)
                || (after == "," && w.after_person.contains(after2))
                || (before == "," && person_near(first.saturating_sub(7)..first - 1))))
}

fn find_relationships(
    det: &Detector<'_>,
    scan: &Scanned,
    note: &Note,
    s: usize,
    toks: &[Tok<'_>],
    spouses: &FxHashSet<String>,
) -> Vec<Rel> {
    let sent = note.sentences[s];
    let mut rels = Vec::new();
    for hit in scan.within(Group::People, sent.start, sent.end) {
        let (start, end) = (sent.start + hit.start, sent.start + hit.end);
        let Some(first) = toks.iter().position(|t| t.end > start) else {
            continue;
        };
        let last = toks
            .iter()
            .rposition(|t| t.start < end)
            .unwrap_or(first)
            .max(first);
        let Some(circle) = Circle::from_kind(det.matcher.kind(hit.category)) else {
            continue;
        };
        // Look back over up to two adjectives for a determiner or "Tom's".
        let mut has_det = false;
        let mut definite = false;
        let mut personal_word = "";
        let mut in_law = false;
        let mut indefinite = false;
        let mut owner = None;
        let mut someone = false;
        let mut k = first;
        let mut adjectives = 0;
        while k > 0 {
            k -= 1;
            let w = toks[k].text;
            let lower = Lower::new(w);
            if matches!(
                lower.as_str(),
                "someone"
                    | "somebody"
                    | "member"
                    | "members"
                    | "woman"
                    | "man"
                    | "guy"
                    | "lady"
                    | "couple"
                    | "people"
                    | "friend"
                    | "person"
            ) {
                someone = true;
            }
            if DETERMINERS.contains(&lower.as_str()) {
                has_det = true;
                definite = lower.as_str() == "the";
                // "their CPA" after "Emiko" is still the household's CPA.
                personal_word = match lower.as_str() {
                    "his" => "his",
                    "her" => "her",
                    _ => "",
                };
                indefinite = matches!(lower.as_str(), "a" | "an" | "another");
                break;
            }
            let (stem, poss) = strip_possessive(w);
            if poss {
                has_det = true;
                let stem_lower = stem.to_lowercase();
                let is_client = note
                    .raw
                    .client
                    .to_lowercase()
                    .split_whitespace()
                    .any(|c| c == stem_lower)
                    || stem_lower == "client"
                    // Shorthand's "G's golf mate" for Graeme's.
                    || (stem.len() == 1
                        && note.raw.client.get(..1).is_some_and(|c| c.eq_ignore_ascii_case(stem)));
                // "her husband's twin": a relative of the client's relative
                // is family of the client's; a spouse's parent or sibling
                // an in-law.
                let relative = det.words.family.contains(stem);
                if relative {
                    let lower = stem.to_lowercase();
                    let term = det
                        .matcher
                        .canonical_of("people/family", stem)
                        .unwrap_or(&lower);
                    in_law = spouse(term);
                }
                // "Colette's sister" once Colette is known as the wife.
                let of_spouse = spouses.contains(&stem.to_lowercase());
                in_law |= of_spouse;
                let relative = relative || of_spouse;
                // "Tom's wife", and in shorthand "chidi's sis".
                if stem.chars().all(char::is_alphabetic) && !is_client && !relative {
                    owner = Some(capitalise(stem));
                }
                break;
            }
            let adjective = w.chars().all(|c| c.is_alphabetic() || c == '-')
                && w.chars().next().is_some_and(char::is_lowercase);
            if !adjective || adjectives >= 2 {
                break;
            }
            adjectives += 1;
        }
        // "someone from her book club": look a little further back.
        if circle == Circle::Community && !someone {
            someone = toks[first.saturating_sub(5)..first].iter().any(|t| {
                matches!(
                    t.text.to_lowercase().as_str(),
                    "someone"
                        | "somebody"
                        | "member"
                        | "woman"
                        | "man"
                        | "guy"
                        | "lady"
                        | "couple"
                        | "friend"
                )
            });
        }
        let canonical = det.matcher.canonical(hit.entry);
        let canonical = match (in_law, canonical) {
            (true, "sister" | "brother" | "mother" | "father") => format!("{canonical}-in-law"),
            (true, "son" | "daughter") => format!("step{canonical}"),
            _ => canonical.to_string(),
        };
        rels.push(Rel {
            first,
            last,
            canonical,
            circle,
            has_det,
            personal_word,
            plural: {
                let said = toks[first..=last]
                    .iter()
                    .map(|t| t.text.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" ");
                let canonical = det.matcher.canonical(hit.entry);
                said != canonical
                    && ((said.ends_with('s') && !canonical.ends_with('s')) || said.ends_with("ren"))
            },
            definite,
            indefinite: indefinite
                && !toks
                    .get(last + 1)
                    .is_some_and(|t| matches!(t.text, "who" | "whose" | "named" | "called" | "of")),
            owner,
            bound_to: None,
            someone,
        });
    }
    rels
}

/// Ties relationships to names: `her brother Tom`, `Dave, her neighbor`,
/// `a colleague at the plant, Stan Wolski`, `Gordon, who sits on the board`.
#[allow(clippy::needless_range_loop)] // rels[ri] is read and written while names is searched
/// What sets a name off from its relationship: "her neighbor, Kevin",
/// "Dad (Yusuf Khoury, 71)", "Neighbor: Kevin Pham", "Earl Stubbs - Dale's
/// fishing buddy".
fn is_separator(tok: &str) -> bool {
    matches!(tok, "," | "(" | ":" | "-" | "–" | "—")
}

fn bind(det: &Detector<'_>, toks: &[Tok<'_>], names: &mut [NameSpan], rels: &mut Vec<Rel>) {
    let free = |names: &[NameSpan], i: usize| {
        !names[i].bound && matches!(names[i].class, NameClass::Given | NameClass::Unsure)
    };
    // (relationship, name) pairs found for the other names of a list.
    let mut listed: Vec<(usize, usize)> = Vec::new();
    for ri in 0..rels.len() {
        // "her husband's sister Ines": the husband's is a modifier; the
        // sister is the one named.
        if rels[ri].bound_to.is_some() || strip_possessive(toks[rels[ri].last].text).1 {
            continue;
        }
        // Right: R [,] [named|called] Name, or R + short phrase + ", Name".
        let mut j = rels[ri].last + 1;
        let mut hops = 0;
        let mut target = None;
        // "Her boss, managing partner Graham Lowe": relationships in a row
        // name one person.
        let mut chained: Vec<usize> = Vec::new();
        let prepositional = toks
            .get(j)
            .is_some_and(|t| det.words.prepositions.contains(t.text));
        while j < toks.len() && hops <= 6 {
            if let Some(rj) = (ri + 1..rels.len()).find(|&rj| rels[rj].first == j) {
                // "wife of her brother Yonas": Yonas is the brother's; "the
                // husband of his sister Patrícia, Henrique Souza": the name
                // after the sister's is the husband's.
                let since = chained.last().map_or(rels[ri].last, |&c| rels[c].last);
                if toks[since + 1..j].iter().any(|t| is_word(t.text, &["of"])) {
                    j = rels[rj].last + 1;
                    if let Some(n) = names.iter().find(|n| n.first == j) {
                        j = n.last + 1;
                    }
                    hops += 1;
                    continue;
                }
                chained.push(rj);
                j = rels[rj].last + 1;
                hops = 0;
                continue;
            }
            // "at the Dayton plant, Oksana": a capitalised word used as an
            // adjective is part of the phrase, not the name.
            if let Some(ni) = names.iter().position(|n| n.first == j) {
                // ... and so is a place after a preposition when a name
                // follows it ("at the council in Swansea, Delyth Pugh").
                // ("in Daly City": the place runs over capitalised words).
                let mut after = names[ni].last + 1;
                while toks.get(after).is_some_and(|t| is_cap(t.text)) {
                    after += 1;
                }
                let place = hops > 0
                    && matches!(
                        names[ni].class,
                        NameClass::Unsure | NameClass::Given | NameClass::Public
                    )
                    && det.words.prepositions.contains(toks[j - 1].text)
                    && toks.get(after).is_some_and(|t| t.text == ",")
                    && names.iter().any(|n| n.first == after + 1);
                if place {
                    j = after;
                    hops += 1;
                    continue;
                }
                let modifies_next = hops > 0
                    && names[ni].class == NameClass::Unsure
                    && toks
                        .get(names[ni].last + 1)
                        .is_some_and(|t| t.text.chars().next().is_some_and(char::is_lowercase));
                if modifies_next {
                    j = names[ni].last + 1;
                    hops += 1;
                    continue;
                }
            }
            if let Some(ni) = names.iter().position(|n| n.first == j) {
                // "her bff from college Kim Pham": a short phrase with no comma.
                if free(names, ni)
                    && (hops == 0
                        || is_separator(toks[j - 1].text)
                        || matches!(toks[j - 1].text, "named" | "called")
                        // ... but right after the preposition a name is
                        // its object: "her classmate in Austin".
                        || (prepositional
                            && (2..=3).contains(&hops)
                            && names[ni].class == NameClass::Given))
                {
                    target = Some(ni);
                }
                break;
            }
            let w = toks[j].text;
            // "Her husband is Rafael, an electrician."
            if hops == 0 && matches!(w, "is" | "was") {
                if let Some(ni) = names.iter().position(|n| n.first == j + 1) {
                    let after = toks.get(names[ni].last + 1).map_or(".", |t| t.text);
                    if free(names, ni) && matches!(after, "," | "." | ";" | "and") {
                        target = Some(ni);
                    }
                }
                break;
            }
            let plain_word = w == "@"
                || w.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'');
            if !(is_separator(w) || plain_word)
                || matches!(w, "who" | "and" | "is" | "was" | "has" | "had")
            {
                break;
            }
            j += 1;
            hops += 1;
        }
        // Left: Name , det R   or   Name ( det R
        if target.is_none() && !rels[ri].possessive_owner() {
            let mut k = rels[ri].first;
            let mut steps = 0;
            while k > 0 && steps < 4 {
                k -= 1;
                steps += 1;
                if is_separator(toks[k].text) {
                    if let Some(ni) = names.iter().position(|n| n.last + 1 == k) {
                        if free(names, ni) && !names[ni].possessive {
                            target = Some(ni);
                        }
                    }
                    break;
                }
            }
        }
        // Relative clause: Name, who ... R
        if target.is_none() {
            for (ni, n) in names.iter().enumerate() {
                let who = toks
                    .get(n.last + 2)
                    .is_some_and(|t| t.text.eq_ignore_ascii_case("who"))
                    && toks.get(n.last + 1).is_some_and(|t| t.text == ",");
                if who && n.last + 2 < rels[ri].first && free(names, ni) {
                    let between_name = names
                        .iter()
                        .any(|m| m.first > n.last && m.first < rels[ri].first);
                    if !between_name {
                        target = Some(ni);
                    }
                }
            }
        }
        // A community word with one free name in the sentence.
        if target.is_none() && rels[ri].circle == Circle::Community {
            let free_names: Vec<usize> = (0..names.len())
                .filter(|&i| free(names, i) && names[i].class == NameClass::Given)
                .collect();
            if free_names.len() == 1 {
                target = Some(free_names[0]);
            }
        }
        if let Some(ni) = target {
            names[ni].bound = true;
            rels[ri].bound_to = Some(ni);
            for rj in chained {
                rels[rj].bound_to = Some(ni);
            }
            // "his siblings Britt, Lars and Ingrid"
            if rels[ri].plural {
                let mut k = names[ni].last + 1;
                loop {
                    let mut m = k;
                    while toks
                        .get(m)
                        .is_some_and(|t| matches!(t.text, "," | "and" | "&"))
                    {
                        m += 1;
                    }
                    if m == k {
                        break;
                    }
                    match names.iter().position(|n| n.first == m) {
                        Some(nj) if free(names, nj) => {
                            names[nj].bound = true;
                            listed.push((ri, nj));
                            k = names[nj].last + 1;
                        }
                        _ => break,
                    }
                }
            }
        }
    }
    for (ri, nj) in listed {
        let mut copy = rels[ri].clone();
        copy.bound_to = Some(nj);
        rels.push(copy);
    }
}

impl Rel {
    /// `his`/`her` stands before it.
    fn personal_det(&self) -> bool {
        !self.personal_word.is_empty()
    }

    fn possessive_owner(&self) -> bool {
        self.owner.is_some()
    }
}

/// Marks deceased people, minors and existing clients among this
/// sentence's mentions (`mentions` starts at global index `base`).
fn mark_exclusions(
    det: &Detector<'_>,
    scan: &Scanned,
    toks: &[Tok<'_>],
    refs: &[RefTok],
    mentions: &mut [Mention],
    base: usize,
) {
    if mentions.is_empty() {
        return;
    }
    let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
        return;
    };
    let persons: Vec<(usize, usize)> = refs
        .iter()
        .filter_map(|r| match r.referent {
            Referent::Person(i) if i >= base => Some((r.pos, i - base)),
            _ => None,
        })
        .collect();
    for hit in scan.within(Group::Exclusions, first.start, last.end) {
        let pos = first.start + hit.start;
        let kind = match det.matcher.kind(hit.category) {
            "deceased" => Exclusion::Deceased,
            "minor" => Exclusion::Minor,
            "existing_client" => Exclusion::ExistingClient,
            _ => continue,
        };
        let phrase = det.matcher.canonical(hit.entry);
        let forward = phrase == "late" || phrase.starts_with("the late") || phrase.ends_with(" of");
        // "lost her husband": a person inside the words is the one meant.
        let end = first.start + hit.end;
        let inside = persons.iter().find(|(p, _)| *p >= pos && *p < end);
        let target = if inside.is_some() {
            inside
        } else if forward {
            // "her late husband, Ron": only the person right after it.
            let reach = first.start + hit.end + 24;
            persons.iter().find(|(p, _)| *p > pos && *p <= reach)
        } else if kind == Exclusion::Minor {
            // "her teenage son" (before it), "Max, who is in high school"
            // (after it); "Luis had his first baby" is not about Luis's age.
            if phrase.starts_with("in ") {
                persons
                    .iter()
                    .rev()
                    .find(|(p, _)| *p < pos && pos - *p <= 40)
            } else {
                persons.iter().find(|(p, _)| *p > pos && *p - pos <= 24)
            }
        } else if kind == Exclusion::ExistingClient {
            // "Mr. Ostrowski, who recommended us, has been a client of ours":
            // whoever the sentence is about before the words.
            persons.iter().rev().find(|(p, _)| *p < pos)
        } else {
            // "Her father passed away": the person just before the words;
            // "their file server died" says nothing of Nico, named earlier.
            persons
                .iter()
                .rev()
                .find(|(p, _)| *p < pos && pos - *p <= 48)
                .or_else(|| persons.iter().find(|(p, _)| *p > pos && *p - pos <= 24))
        };
        if let Some(&(_, i)) = target {
            mentions[i].exclusion.get_or_insert(kind);
        }
    }
    // Ages: "Jake, 12", "(12)", "age 12", "12-year-old son".
    for (ti, t) in toks.iter().enumerate() {
        let age = if t.text.ends_with("-year-old") || t.text.ends_with("-yr-old") {
            t.text.split('-').next().and_then(|n| n.parse::<u32>().ok())
        } else if t.text.chars().all(|c| c.is_ascii_digit()) && t.text.len() <= 2 {
            let prev = ti.checked_sub(1).map(|p| Lower::new(toks[p].text));
            let prev = prev.as_ref().map(Lower::as_str);
            let next = toks.get(ti + 1).map(|n| n.text);
            let after_comma =
                prev == Some(",") && matches!(next, None | Some("," | "." | ")" | ";" | "and"));
            // "(16)", "Yesenia (16, just got her license)".
            let paren = prev == Some("(") && matches!(next, Some(")" | "," | ";"));
            let aged = matches!(prev, Some("age" | "aged"));
            // "2 kids (Ada 9, Kelechi 6)": a number right after a name.
            let after_name = ti > 0
                && is_cap(toks[ti - 1].text)
                && matches!(next, Some("," | ")" | ";"))
                && persons
                    .iter()
                    .any(|(p, _)| *p <= toks[ti - 1].start && toks[ti - 1].start - *p < 30);
            // "his daughter ..., she is 15.", "Their boy Colt is 15 and
            // showing steers", "Ava just turned 16".
            let is_age = matches!(prev, Some("is" | "turns" | "turned"))
                && ti >= 2
                && (is_word(toks[ti - 2].text, &["she", "he"])
                    || persons.iter().any(|(p, _)| *p == toks[ti - 2].start))
                && matches!(next, None | Some("," | "." | ";" | "and" | "years" | "yrs"));
            (after_comma || paren || aged || is_age || after_name)
                .then(|| t.text.parse::<u32>().ok())
                .flatten()
        } else {
            None
        };
        let Some(age) = age else { continue };
        if age >= 18 {
            continue;
        }
        let target = if t.text.contains("-year-old") || t.text.contains("-yr-old") {
            persons.iter().find(|(p, _)| *p > t.start)
        } else {
            persons.iter().rev().find(|(p, _)| *p < t.start)
        };
        if let Some(&(_, i)) = target {
            mentions[i].exclusion.get_or_insert(Exclusion::Minor);
        }
    }
}
