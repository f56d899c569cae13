//! Groups note records by client, merges mentions into people, and builds
//! the two tables in their final order.
//!
//! Input: `NoteRecord`s in input order. Output: `Tables`. It decides
//! nothing: every judgment is a call into `rules`. Merge choices depend only
//! on the sorted note order, never on arrival order.
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::detect::{AttributeKind, Exclusion, Mention};
use crate::model::{CandidateRow, Circle, FlagRow, NextStep, Tables};
use crate::read::date::Date;
use crate::rules::{self, NoteVerdict};
use rayon::prelude::*;

/// A sentence kept as evidence, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The sentence, shared by every fact drawn from it.
    pub text: Arc<str>,
    /// 1-based line in the input.
    pub line: u32,
}

/// What aggregation needs of one note, without its full text.
#[derive(Debug, Clone)]
pub struct NoteRecord {
    /// Client as resolved.
    pub client: String,
    /// Note date.
    pub date: Option<Date>,
    /// Input path.
    pub path: Arc<str>,
    /// Line where the note starts.
    pub line: u32,
    /// Mentions with their sentence.
    pub mentions: Vec<(Mention, Evidence)>,
    /// (kind, mention index, evidence).
    pub attributes: Vec<(AttributeKind, usize, Evidence)>,
    /// (mention index, form).
    pub intro_forms: Vec<(usize, NextStep)>,
    /// Flags of the note, with evidence per flag.
    pub verdict: NoteVerdict,
    /// Evidence for each flag of `verdict`, same order.
    pub flag_evidence: Vec<Vec<Evidence>>,
}

#[derive(Debug, Default)]
struct Person {
    name: Option<String>,
    /// `name` split into lowercase words, for matching mentions.
    name_words: Vec<String>,
    relationship: Option<String>,
    circle: Option<Circle>,
    owner: Option<String>,
    excluded: Option<Exclusion>,
    mentions: u32,
    definite_only: bool,
    need: Vec<(Evidence, Arc<str>)>,
    interest: Vec<(Evidence, Arc<str>)>,
    forms: Vec<NextStep>,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    evidence: Vec<(Evidence, Arc<str>)>,
}

/// The key a client is grouped by: case and spacing folded.
pub fn client_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The shard (0..n) a client belongs to: FNV-1a of the client key, so the
/// same client lands in the same shard on every machine and every run.
pub fn shard_of(client: &str, n: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in client_key(client).bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    u32::try_from(hash % u64::from(n.max(1))).unwrap_or(0)
}

/// One client's key and note records, oldest first.
pub type ClientRecords = (String, Vec<NoteRecord>);

/// Builds both tables from every client's note records (`group_by_client`).
pub fn build_tables(clients: Vec<ClientRecords>) -> Tables {
    let mut tables = Tables::default();
    for (_, t) in tables_by_client(clients) {
        tables.candidates.extend(t.candidates);
        tables.flags.extend(t.flags);
    }
    tables
}

/// `items` (notes, note records) grouped by client key, in key order.
pub fn group_by_client<T>(items: Vec<T>, client: impl Fn(&T) -> &str) -> Vec<(String, Vec<T>)> {
    let mut by_client: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for item in items {
        by_client
            .entry(client_key(client(&item)))
            .or_default()
            .push(item);
    }
    by_client.into_iter().collect()
}

/// A client's notes in the order they are read and their tables built:
/// undated first, then by date, source and line.
pub fn oldest_first<T>(notes: &mut [T], key: impl Fn(&T) -> (Option<Date>, &str, u32)) {
    notes.sort_by(|a, b| key(a).cmp(&key(b)));
}

/// Each client's tables, sorted, in client-key order (`clients` as
/// `group_by_client` gives them): concatenated, they are the sorted whole
/// (the final order leads with the client key).
pub fn tables_by_client(clients: Vec<ClientRecords>) -> Vec<(String, Tables)> {
    // Clients are independent: each one's tables are built on any core and
    // come back in key order.
    clients
        .into_par_iter()
        .map(|(key, notes)| {
            let mut t = client_tables(notes);
            sort_tables(&mut t);
            (key, t)
        })
        .collect()
}

/// One client's candidate and flag rows (unsorted).
fn client_tables(mut notes: Vec<NoteRecord>) -> Tables {
    let mut tables = Tables::default();
    // Already in order when they come from `analyse_client`: one pass.
    oldest_first(&mut notes, |n| (n.date, &n.path, n.line));
    let client = notes[0].client.clone();
    {
        let mut verdicts: Vec<&mut NoteVerdict> =
            notes.iter_mut().map(|n| &mut n.verdict).collect();
        rules::escalate(&mut verdicts);
    }
    let flag = rules::client_flag(notes.iter().map(|n| (n.date.is_some(), &n.verdict)));
    for note in &notes {
        push_flags(&client, note, &mut tables.flags);
    }
    for p in merge_people(&notes) {
        let need = !p.need.is_empty();
        let interest = !p.interest.is_empty();
        let readiness = rules::readiness(need, interest);
        let mut evidence = p.need.clone();
        evidence.extend(p.interest.iter().cloned());
        evidence.extend(p.evidence.iter().cloned());
        let (evidence_text, source) = join_evidence(&evidence);
        let (need_text, _) = join_evidence(&p.need);
        tables.candidates.push(CandidateRow {
            client: client.clone(),
            person: p.name.clone().unwrap_or_default(),
            relationship: p.relationship.clone().unwrap_or_default(),
            circle: p.circle.unwrap_or(Circle::Unknown),
            need,
            need_evidence: need_text,
            interest,
            readiness,
            next_step: rules::next_step(readiness, interest, &p.forms),
            client_flag: flag,
            mentions: p.mentions,
            first_seen: p.first_seen.map(|d| d.to_string()).unwrap_or_default(),
            last_seen: p.last_seen.map(|d| d.to_string()).unwrap_or_default(),
            score: rules::score(readiness, interest, p.mentions, flag),
            evidence: evidence_text,
            source,
        });
    }
    tables
}

/// The final order: a total order whose last key is unique enough that no
/// two rows tie (STYLE §3).
pub fn sort_tables(tables: &mut Tables) {
    // Keys computed once per row, not once per comparison.
    tables.candidates.sort_by_cached_key(|r| {
        (
            client_key(&r.client),
            std::cmp::Reverse(r.score),
            r.person.clone(),
            r.relationship.clone(),
            r.source.clone(),
        )
    });
    tables.flags.sort_by_cached_key(|r| {
        (
            client_key(&r.client),
            r.date.clone(),
            r.flag.as_str(),
            r.source.clone(),
        )
    });
}

fn push_flags(client: &str, note: &NoteRecord, out: &mut Vec<FlagRow>) {
    for (i, f) in note.verdict.flags.iter().enumerate() {
        let ev: Vec<(Evidence, Arc<str>)> = note
            .flag_evidence
            .get(i)
            .map(|v| v.iter().map(|e| (e.clone(), note.path.clone())).collect())
            .unwrap_or_default();
        let (evidence, source) = join_evidence(&ev);
        out.push(FlagRow {
            client: client.to_string(),
            date: note.date.map(|d| d.to_string()).unwrap_or_default(),
            flag: f.kind,
            objections: note.verdict.objections,
            reason: f.reason.clone(),
            evidence,
            source: if source.is_empty() {
                format!("{}:{}", note.path, note.line)
            } else {
                source
            },
        });
    }
}

/// At most 240 characters of distinct sentences joined with ` | `; the
/// source is the first one's `path:line`.
fn join_evidence(items: &[(Evidence, Arc<str>)]) -> (String, String) {
    const LIMIT: usize = 240;
    let mut out = String::new();
    // Characters in `out` so far.
    let mut used = 0usize;
    let mut seen: Vec<&str> = Vec::new();
    for (e, _) in items {
        let text: &str = &e.text;
        if seen.contains(&text) {
            continue;
        }
        seen.push(text);
        let sep = if out.is_empty() { "" } else { " | " };
        let room = LIMIT.saturating_sub(used + sep.chars().count());
        if room < 20 && !out.is_empty() {
            break;
        }
        // The sentence with its runs of whitespace made one space, built
        // only as far as it can fit (one character past, to know it did not).
        let mut piece = String::new();
        let mut chars = 0usize;
        for (k, word) in text.split_whitespace().enumerate() {
            if chars > room {
                break;
            }
            if k > 0 {
                piece.push(' ');
                chars += 1;
            }
            piece.push_str(word);
            chars += word.chars().count();
        }
        out.push_str(sep);
        used += sep.chars().count();
        if chars > room {
            out.extend(piece.chars().take(room.saturating_sub(1)));
            out.push('…');
            break;
        }
        out.push_str(&piece);
        used += chars;
    }
    let source = items
        .first()
        .map(|(e, p)| format!("{p}:{}", e.line))
        .unwrap_or_default();
    (out, source)
}

fn name_words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect()
}

/// Whether a lowercase word, without its dot, is a title of the built-in
/// `names/titles` list ("dr", "mdm", "chief"): before a surname it names one
/// person (`Dr. Patel`, `Mdm Lim`).
pub fn is_title(word: &str) -> bool {
    static TITLES: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    TITLES
        .get_or_init(|| {
            let text = crate::lexicon::builtin::FILES
                .iter()
                .find(|(path, _)| *path == "names/titles.txt")
                .map_or("", |(_, text)| text);
            crate::lexicon::parse::parse_lexicon("names/titles.txt", text)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| match e.pattern {
                    crate::lexicon::Pattern::Phrase(p) => Some(p.to_lowercase()),
                    crate::lexicon::Pattern::Regex(_) => None,
                })
                .collect()
        })
        .contains(word)
}

/// Same person: one name's words start the other's (`Tom` ~ `Tom Reyes`),
/// or a title and surname match a full name's surname (`Dr. Patel`).
pub fn same_name(a: &str, b: &str) -> bool {
    same_words(&name_words(a), &name_words(b))
}

/// `same_name` on names already split into lowercase words.
fn same_words(a: &[String], b: &[String]) -> bool {
    let titled = |w: &[String]| w.first().is_some_and(|f| is_title(f));
    // "Mdm Lim" is Lim Siew Hoon too: a surname may come first.
    if titled(a) || titled(b) {
        let (t, other) = if titled(a) { (a, b) } else { (b, a) };
        let surname = t.last();
        return surname.is_some()
            && (surname == other.last() || (!titled(other) && surname == other.first()));
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long[..short.len()] == short[..]
}

fn merge_people(notes: &[NoteRecord]) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    for note in notes {
        // Mention index in this note -> person index.
        let mut slot: Vec<Option<usize>> = Vec::with_capacity(note.mentions.len());
        for (m, ev) in &note.mentions {
            let rel_key = (m.relationship.clone(), m.owner.clone());
            let words = m.key.as_deref().or(m.name.as_deref()).map(name_words);
            let found = match &m.name {
                Some(_) => people
                    .iter()
                    .position(|p| {
                        let w = words.as_deref().unwrap_or_default();
                        !p.name_words.is_empty() && same_words(&p.name_words, w)
                    })
                    .or_else(|| {
                        // A name given to a relationship seen unnamed before.
                        m.relationship.as_ref()?;
                        people.iter().position(|p| {
                            p.name.is_none() && (p.relationship.clone(), p.owner.clone()) == rel_key
                        })
                    }),
                None => people
                    .iter()
                    .rposition(|p| {
                        p.name.is_some()
                            && p.relationship.is_some()
                            && (p.relationship.clone(), p.owner.clone()) == rel_key
                    })
                    .or_else(|| {
                        people.iter().position(|p| {
                            p.name.is_none() && (p.relationship.clone(), p.owner.clone()) == rel_key
                        })
                    }),
            };
            let idx = match found {
                Some(i) => i,
                None => {
                    people.push(Person {
                        definite_only: true,
                        ..Person::default()
                    });
                    people.len() - 1
                }
            };
            let p = &mut people[idx];
            if let Some(name) = &m.name {
                // The fullest name used.
                let w = words.clone().unwrap_or_default();
                // A nickname keyed to a full name gives way to the full name.
                let count = |n: &str| n.split_whitespace().count();
                let fuller = p
                    .name
                    .as_deref()
                    .is_some_and(|old| w.len() == p.name_words.len() && count(name) > count(old));
                if p.name.is_none() || w.len() > p.name_words.len() || fuller {
                    p.name = Some(name.clone());
                    p.name_words = w;
                }
            }
            if p.relationship.is_none() && m.relationship.is_some() {
                p.relationship = m.relationship.clone();
                p.owner = m.owner.clone();
                p.circle = m.circle;
            }
            if p.circle.is_none() || p.circle == Some(Circle::Unknown) && m.circle.is_some() {
                p.circle = m.circle.or(p.circle);
            }
            if m.exclusion.is_some() {
                p.excluded = p.excluded.or(m.exclusion);
            }
            p.definite_only &= m.definite;
            p.mentions += 1;
            if note.date.is_some() {
                p.first_seen = p.first_seen.min(note.date).or(note.date);
                p.last_seen = p.last_seen.max(note.date);
            }
            if p.evidence.len() < 3 {
                p.evidence.push((ev.clone(), note.path.clone()));
            }
            slot.push(Some(idx));
        }
        for (kind, mention, ev) in &note.attributes {
            let Some(Some(idx)) = slot.get(*mention) else {
                continue;
            };
            let list = match kind {
                AttributeKind::Need => &mut people[*idx].need,
                AttributeKind::Interest => &mut people[*idx].interest,
            };
            if list.len() < 3 {
                list.push((ev.clone(), note.path.clone()));
            }
        }
        for (mention, step) in &note.intro_forms {
            if let Some(Some(idx)) = slot.get(*mention) {
                people[*idx].forms.push(*step);
            }
        }
    }
    people.retain(|p| {
        let named_fully = p
            .name
            .as_deref()
            .is_some_and(|n| n.split_whitespace().count() > 1 || p.relationship.is_some());
        // "her father's farmhouse" after Rosalie: Rosalie's father is not
        // in the client's circle unless the notes name him.
        let unnamed_ok =
            p.name.is_none() && p.relationship.is_some() && p.owner.is_none() && !p.definite_only;
        p.excluded.is_none() && (named_fully || unnamed_ok)
    });
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_merge_by_leading_words_and_titled_surnames() {
        assert!(same_name("Tom", "Tom Reyes"));
        assert!(same_name("Dr. Patel", "Anand Patel"));
        assert!(!same_name("Tom Reyes", "Tom Ford"));
        assert!(!same_name("Luis Delgado", "Frank Delgado"));
    }

    #[test]
    fn evidence_is_capped_at_240_characters() {
        let long = "word ".repeat(100);
        let items = vec![(
            Evidence {
                text: Arc::from(long),
                line: 3,
            },
            Arc::from("a.md"),
        )];
        let (text, source) = join_evidence(&items);
        assert!(text.chars().count() <= 240);
        assert_eq!(source, "a.md:3");
    }
}
