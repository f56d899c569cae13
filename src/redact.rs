//! `--redact`: every person's name in the tables replaced with a stable
//! pseudonym, so output can be shared outside the practice.
//!
//! Input: finished `Tables`. Output: the same tables with clients named
//! `Client 1, 2...` and people `Person 1, 2...` in the order they first
//! appear, in every column and every evidence sentence. The same name gets
//! the same pseudonym everywhere within a run.
use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::lexicon::matcher::is_bounded;
use crate::model::Tables;

/// Replaces every client's and person's name in `tables`.
pub fn redact(tables: &mut Tables) {
    // Full names first, then their single words (first names, surnames).
    let mut full: Vec<(String, String)> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |name: &str, kind: &str, full: &mut Vec<(String, String)>| -> String {
        let key = name.trim().to_lowercase();
        if let Some(p) = seen.get(&key) {
            return p.clone();
        }
        let n = full.iter().filter(|(_, p)| p.starts_with(kind)).count() + 1;
        let pseudonym = format!("{kind} {n}");
        seen.insert(key, pseudonym.clone());
        full.push((name.trim().to_string(), pseudonym.clone()));
        pseudonym
    };
    for c in &mut tables.candidates {
        c.client = add(&c.client, "Client", &mut full);
    }
    for f in &mut tables.flags {
        f.client = add(&f.client, "Client", &mut full);
    }
    // People after clients, so "Client N" numbering does not depend on them.
    let people: Vec<String> = tables.candidates.iter().map(|c| c.person.clone()).collect();
    for (c, person) in tables.candidates.iter_mut().zip(people) {
        if !person.is_empty() {
            c.person = add(&person, "Person", &mut full);
        }
    }
    let mut patterns: Vec<(String, String)> = full.clone();
    for (name, pseudonym) in &full {
        for word in name.split_whitespace() {
            let word = word.trim_end_matches('.');
            if word.chars().count() > 1
                && !patterns.iter().any(|(p, _)| p.eq_ignore_ascii_case(word))
            {
                patterns.push((word.to_string(), pseudonym.clone()));
            }
        }
    }
    if patterns.is_empty() {
        return;
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(patterns.iter().map(|(p, _)| p))
    else {
        return;
    };
    let replace = |text: &mut String| {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in ac.find_iter(text.as_str()) {
            if is_bounded(text, m.start(), m.end()) {
                out.push_str(&text[last..m.start()]);
                out.push_str(&patterns[m.pattern().as_usize()].1);
                last = m.end();
            }
        }
        out.push_str(&text[last..]);
        *text = out;
    };
    for c in &mut tables.candidates {
        replace(&mut c.evidence);
        replace(&mut c.need_evidence);
        replace(&mut c.relationship);
    }
    for f in &mut tables.flags {
        replace(&mut f.evidence);
        replace(&mut f.reason);
    }
}
