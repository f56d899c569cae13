//! Compiles a `LexiconSet` once into a `Matcher` shared by `&` across threads.
//!
//! Input: the effective lexicons. Output: per-group hits over a text, each
//! with its category and span, on word boundaries, non-overlapping
//! (leftmost-longest). Literals of a group share one Aho-Corasick DFA; `re:`
//! entries run only where their group occurs. It knows nothing of notes.
use std::collections::{BTreeMap, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::{meta, Anchored, Input, PatternSet};

use super::overlay::LexiconSet;
use super::parse::{apostrophe_variants, LazyRegex, LexiconError, Pattern};
use super::shorthand::Shorthand;

/// One match of a lexicon entry in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the category in `Matcher::category_name`.
    pub category: u16,
    /// Global entry index, for `Matcher::canonical`.
    pub entry: u32,
    /// Byte span in the text searched.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
}

/// What a pattern of the one automaton stands for.
#[derive(Debug, Clone, Copy)]
enum Literal {
    /// A phrase entry: (group id, global entry index).
    Phrase(usize, u32),
    /// A prefix every match of the regexes of trigger group `g` starts
    /// with: try them here.
    Trigger(usize),
}

/// Each thread's regex search caches for one matcher: by regex index, then
/// by trigger group after them.
#[derive(Default)]
struct Caches {
    matcher: Option<usize>,
    slots: Vec<Option<meta::Cache>>,
}

impl Caches {
    fn slot(
        &mut self,
        matcher: usize,
        i: usize,
        make: impl FnOnce() -> meta::Cache,
    ) -> &mut meta::Cache {
        if self.matcher != Some(matcher) {
            self.matcher = Some(matcher);
            self.slots.clear();
        }
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i].get_or_insert_with(make)
    }
}

thread_local! {
    static CACHES: std::cell::RefCell<Caches> = std::cell::RefCell::new(Caches::default());
}

/// Regexes that share their prefixes ("asked " starts a dozen): where a
/// prefix occurs, one search of all of them at once says which match.
struct TriggerGroup {
    /// Indexes in `Matcher::regexes`.
    members: Vec<usize>,
    /// All members as one pattern set (built on first use; groups of one
    /// run their own regex).
    set: std::sync::OnceLock<meta::Regex>,
}

/// Every hit of one text, per group: what `Matcher::scan` found in one pass.
#[derive(Debug, Default)]
pub struct TextHits {
    /// Per group id (see `Matcher::group_id`), non-overlapping, in order.
    by_group: Vec<Vec<Hit>>,
}

impl TextHits {
    /// Hits of `group` lying wholly in `start..end`, offsets made relative
    /// to `start`.
    pub fn within(&self, group: usize, start: usize, end: usize) -> Vec<Hit> {
        let Some(hits) = self.by_group.get(group) else {
            return Vec::new();
        };
        let first = hits.partition_point(|h| h.start < start);
        hits[first..]
            .iter()
            .take_while(|h| h.start < end)
            .filter(|h| h.end <= end)
            .map(|h| Hit {
                start: h.start - start,
                end: h.end - start,
                ..*h
            })
            .collect()
    }
}

/// All lexicons compiled for matching.
pub struct Matcher {
    /// Unique per matcher in the process: the key of each thread's regex
    /// search caches.
    id: usize,
    /// Group names in id order, for `scan`.
    group_names: Vec<String>,
    /// Group name -> id.
    group_ids: FxHashMap<String, usize>,
    /// Every phrase of the scanned groups in one automaton (overlapping
    /// matches, so each group still gets its own leftmost-longest choice).
    all_literals: Option<AhoCorasick>,
    /// Pattern id of `all_literals` -> its uses in `literal_uses`: one
    /// pattern per distinct text, however many entries and regex prefixes
    /// share it ("asked " starts a dozen regexes).
    pattern_uses: Vec<std::ops::Range<u32>>,
    /// What each use is: a phrase (group id, global entry index) or the
    /// prefix of a regex (index in `regexes`).
    literal_uses: Vec<Literal>,
    /// Every regex of the scanned groups: (group id, regex, entry index).
    regexes: Vec<(usize, LazyRegex, u32)>,
    /// Regexes with no usable prefix: run on every text.
    unprefixed: Vec<usize>,
    /// Regexes grouped by their prefixes, for `Literal::Trigger`.
    trigger_groups: Vec<TriggerGroup>,
    /// The most members of one group.
    largest_group: usize,
    categories: Vec<String>,
    /// Global entry index -> (category index, canonical term).
    entries: Vec<(u16, String)>,
    word_sets: HashMap<String, Words>,
    /// Per category, literal phrase (lowercase) -> its `=> canonical` term,
    /// where the file gives one.
    canonicals: HashMap<String, HashMap<String, String>>,
}

/// One category's literal entries in lowercase, with the byte lengths and
/// first bytes among them: most words looked up are ruled out by those
/// before they are lowercased and hashed.
#[derive(Debug, Default)]
struct Words {
    set: FxHashSet<String>,
    /// Bit `n` set when an entry has `n` bytes (63: that many or more).
    lens: u64,
    /// Bit `b` set when an entry starts with byte `b`.
    firsts: [u64; 4],
}

impl Words {
    fn insert(&mut self, word: String) {
        self.lens |= 1 << word.len().min(63);
        if let Some(&b) = word.as_bytes().first() {
            self.firsts[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        self.set.insert(word);
    }

    /// False only when no entry can equal the lowercase of `word`, an ASCII
    /// word (lowercasing keeps its length and maps its first byte alone).
    fn may_hold_ascii(&self, word: &[u8]) -> bool {
        let first = word.first().map_or(0, u8::to_ascii_lowercase);
        self.lens & (1 << word.len().min(63)) != 0
            && self.firsts[usize::from(first >> 6)] & (1 << (first & 63)) != 0
    }
}

/// One category's literal entries, for word-by-word lookups.
#[derive(Clone, Copy)]
pub struct WordSet<'a>(Option<&'a Words>);

impl WordSet<'_> {
    /// Whether the set holds `word`, case-insensitively.
    pub fn contains(&self, word: &str) -> bool {
        let Some(words) = self.0 else {
            return false;
        };
        if word.is_ascii() && !words.may_hold_ascii(word.as_bytes()) {
            return false;
        }
        words.set.contains(Lower::new(word).as_str())
    }
}

/// A word in lowercase, on the stack when it is short ASCII (most words
/// are): lowercasing runs for nearly every token, and allocating each time
/// was a large share of the time.
pub struct Lower {
    buf: [u8; 32],
    len: usize,
    heap: Option<String>,
}

impl Lower {
    /// `word` lowercased.
    pub fn new(word: &str) -> Lower {
        let mut buf = [0u8; 32];
        if word.is_ascii() && word.len() <= buf.len() {
            buf[..word.len()].copy_from_slice(word.as_bytes());
            buf[..word.len()].make_ascii_lowercase();
            Lower {
                buf,
                len: word.len(),
                heap: None,
            }
        } else {
            Lower {
                buf,
                len: 0,
                heap: Some(word.to_lowercase()),
            }
        }
    }

    /// The lowercase text.
    pub fn as_str(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            // Only ASCII bytes were copied in: always valid UTF-8.
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default(),
        }
    }
}

impl Matcher {
    /// Builds the automaton and regex set of the scanned groups (a group is
    /// the first path component of a category).
    pub fn new(set: &LexiconSet) -> Result<Self, LexiconError> {
        Matcher::with_kind(set, AhoCorasickKind::DFA)
    }

    /// Like `new`, with the automaton kind chosen: the DFA searches fastest
    /// and is worth its build time (tens of milliseconds) on a whole export;
    /// a contiguous NFA builds in a few, for a look at one small file.
    pub fn with_kind(set: &LexiconSet, kind: AhoCorasickKind) -> Result<Self, LexiconError> {
        let mut categories = Vec::new();
        let mut entries = Vec::new();
        // Per group: literal phrases, their entry ids, and the regexes.
        type Parts = (Vec<String>, Vec<u32>, Vec<(LazyRegex, u32)>);
        let mut by_group: BTreeMap<String, Parts> = BTreeMap::new();
        let mut word_sets = HashMap::new();
        let mut canonicals: HashMap<String, HashMap<String, String>> = HashMap::new();
        let shorthand = Shorthand::from_set(set);
        for (id, list) in set {
            let cat = u16::try_from(categories.len()).map_err(|_| LexiconError {
                path: id.clone(),
                line: 0,
                message: "too many lexicon categories".into(),
            })?;
            categories.push(id.clone());
            let group = id.split('/').next().unwrap_or(id).to_string();
            let slot = by_group.entry(group).or_default();
            let mut words = Words::default();
            for entry in list {
                let idx = u32::try_from(entries.len()).expect("fewer than 4 billion entries");
                entries.push((cat, entry.canonical.clone()));
                match &entry.pattern {
                    Pattern::Phrase(p) => {
                        if entry.canonical != p.to_lowercase() {
                            canonicals
                                .entry(id.clone())
                                .or_default()
                                .insert(p.to_lowercase(), entry.canonical.clone());
                        }
                        for spelled in shorthand.phrase_variants(p) {
                            for variant in apostrophe_variants(&spelled) {
                                words.insert(variant.to_lowercase());
                                slot.0.push(variant);
                                slot.1.push(idx);
                            }
                        }
                    }
                    Pattern::Regex(r) => slot.2.push((r.clone(), idx)),
                }
            }
            word_sets.insert(id.clone(), words);
        }
        let mut group_names = Vec::new();
        let mut all_phrases = Vec::new();
        let mut all_literal_entries = Vec::new();
        let mut regexes_all = Vec::new();
        for (name, (phrases, literal_entries, regexes)) in by_group {
            // Name lists are looked up word by word, never scanned.
            if SCAN_SKIPS.contains(&name.as_str()) {
                continue;
            }
            let gid = group_names.len();
            group_names.push(name);
            all_phrases.extend(phrases);
            all_literal_entries
                .extend(literal_entries.into_iter().map(|e| Literal::Phrase(gid, e)));
            regexes_all.extend(regexes.into_iter().map(|(r, e)| (gid, r, e)));
        }
        // Each regex runs only on texts holding one of its prefixes; the
        // prefixes ride in the same automaton as the phrases.
        let mut unprefixed = Vec::new();
        let mut by_prefixes: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
        for (k, (_, re, _)) in regexes_all.iter().enumerate() {
            match re.prefixes() {
                Some(prefixes) => by_prefixes.entry(prefixes.to_vec()).or_default().push(k),
                None => unprefixed.push(k),
            }
        }
        let mut trigger_groups = Vec::with_capacity(by_prefixes.len());
        for (prefixes, members) in by_prefixes {
            for p in prefixes {
                all_phrases.push(p);
                all_literal_entries.push(Literal::Trigger(trigger_groups.len()));
            }
            trigger_groups.push(TriggerGroup {
                members,
                set: std::sync::OnceLock::new(),
            });
        }
        let compile_error = |message: String| LexiconError {
            path: "lexicons".into(),
            line: 0,
            message,
        };
        // One pattern per distinct text (ASCII case folded, as matched),
        // its uses in their first order.
        let mut distinct: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut uses: Vec<Vec<Literal>> = Vec::new();
        for (text, entry) in all_phrases.into_iter().zip(all_literal_entries) {
            let id = *distinct
                .entry(text.to_ascii_lowercase())
                .or_insert_with(|| {
                    patterns.push(text);
                    uses.push(Vec::new());
                    patterns.len() - 1
                });
            uses[id].push(entry);
        }
        let mut literal_uses = Vec::new();
        let mut pattern_uses = Vec::with_capacity(uses.len());
        for u in uses {
            let start = literal_uses.len() as u32;
            literal_uses.extend(u);
            pattern_uses.push(start..literal_uses.len() as u32);
        }
        let all_literals = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(kind))
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&patterns)
                    .map_err(|e| compile_error(format!("cannot compile phrases: {e}")))?,
            )
        };
        static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        Ok(Matcher {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            canonicals,
            group_ids: group_names
                .iter()
                .enumerate()
                .map(|(i, g)| (g.clone(), i))
                .collect(),
            group_names,
            all_literals,
            pattern_uses,
            literal_uses,
            regexes: regexes_all,
            unprefixed,
            largest_group: trigger_groups
                .iter()
                .map(|g| g.members.len())
                .max()
                .unwrap_or(0),
            trigger_groups,
            categories,
            entries,
            word_sets,
        })
    }

    /// The id of a scanned group, for `TextHits::within`.
    pub fn group_id(&self, group: &str) -> Option<usize> {
        self.group_ids.get(group).copied()
    }

    /// Every scanned group's hits in `text`, in one pass of one automaton
    /// plus the few regexes that occur at all. Per group the hits are
    /// leftmost-longest and non-overlapping, as `find` gives them.
    pub fn scan(&self, text: &str) -> TextHits {
        let mut by_group: Vec<Vec<Hit>> = vec![Vec::new(); self.group_names.len()];
        // (regex, offset) where a literal every match of it starts with occurs.
        let mut triggers: Vec<(usize, usize)> = Vec::new();
        if let Some(ac) = &self.all_literals {
            for m in ac.find_overlapping_iter(text) {
                let range = self.pattern_uses[m.pattern().as_usize()].clone();
                let mut bounded = None;
                for &lit in &self.literal_uses[range.start as usize..range.end as usize] {
                    match lit {
                        Literal::Phrase(gid, entry) => {
                            if *bounded.get_or_insert_with(|| is_bounded(text, m.start(), m.end()))
                            {
                                by_group[gid].push(self.hit(entry, m.start(), m.end()));
                            }
                        }
                        Literal::Trigger(k) => triggers.push((k, m.start())),
                    }
                }
            }
        }
        let mut push = |k: usize, start: usize, end: usize| {
            let (gid, _, entry) = &self.regexes[k];
            // A pattern may end on the punctuation that closes its
            // phrase ("wants to meet!"); the hit is the words.
            let end = start
                + text[start..end]
                    .trim_end_matches(['.', ',', ';', '!', '?', ' ', '-', '>'])
                    .len();
            if start < end && is_bounded(text, start, end) {
                by_group[*gid].push(self.hit(*entry, start, end));
            }
        };
        for &k in &self.unprefixed {
            for m in self.regexes[k].1.get().find_iter(text) {
                push(k, m.start(), m.end());
            }
        }
        // A prefixed regex is tried only where its prefix occurs, anchored
        // there: never a search over the whole text. Matches of one regex
        // do not overlap, as `find_iter` would give them.
        triggers.sort_unstable();
        triggers.dedup();
        // Which regexes of each group match where their prefix occurs.
        let mut candidates: Vec<(usize, usize)> = Vec::with_capacity(triggers.len());
        let mut found: Option<PatternSet> = None;
        for (g, at) in triggers {
            let group = &self.trigger_groups[g];
            if let [only] = group.members[..] {
                candidates.push((only, at));
                continue;
            }
            let set = group.set.get_or_init(|| self.pattern_set(&group.members));
            let found = found.get_or_insert_with(|| PatternSet::new(self.largest_group));
            found.clear();
            let input = Input::new(text).range(at..).anchored(Anchored::Yes);
            let slot = self.regexes.len() + g;
            CACHES.with_borrow_mut(|caches| {
                let cache = caches.slot(self.id, slot, || set.create_cache());
                set.which_overlapping_matches_with(cache, &input, found);
            });
            candidates.extend(found.iter().map(|p| (group.members[p.as_usize()], at)));
        }
        candidates.sort_unstable();
        let mut last: Option<(usize, usize)> = None;
        for (k, at) in candidates {
            if last.is_some_and(|(lk, end)| lk == k && at < end) {
                continue;
            }
            let found = self.with_cache(k, |re, cache| re.match_at_with(cache, text, at));
            if let Some(m) = found {
                push(k, m.start, m.end);
                last = Some((k, m.end.max(m.start + 1)));
            }
        }
        for hits in &mut by_group {
            *hits = leftmost_longest(std::mem::take(hits));
        }
        TextHits { by_group }
    }

    /// Runs `f` on regex `k` with this thread's search cache for it.
    fn with_cache<T>(&self, k: usize, f: impl FnOnce(&LazyRegex, &mut meta::Cache) -> T) -> T {
        let re = &self.regexes[k].1;
        CACHES.with_borrow_mut(|caches| {
            let cache = caches.slot(self.id, k, || re.get().create_cache());
            f(re, cache)
        })
    }

    /// The regexes `members` as one set that reports every one matching.
    fn pattern_set(&self, members: &[usize]) -> meta::Regex {
        let sources: Vec<&str> = members
            .iter()
            .map(|&k| self.regexes[k].1.as_str())
            .collect();
        meta::Regex::builder()
            .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
            .configure(
                meta::Config::new()
                    .match_kind(regex_automata::MatchKind::All)
                    .nfa_size_limit(Some(1 << 26)),
            )
            .build_many(&sources)
            .expect("each pattern was checked when the lexicon was read")
    }

    /// Non-overlapping hits of a group's entries in `text`, in text order.
    pub fn find(&self, group: &str, text: &str) -> Vec<Hit> {
        match self.group_id(group) {
            Some(id) => self.scan(text).within(id, 0, text.len()),
            None => Vec::new(),
        }
    }

    fn hit(&self, entry: u32, start: usize, end: usize) -> Hit {
        Hit {
            category: self.entries[entry as usize].0,
            entry,
            start,
            end,
        }
    }

    /// The category id of a hit (`objections/privacy`).
    pub fn category_name(&self, category: u16) -> &str {
        &self.categories[category as usize]
    }

    /// The file stem of a hit's category (`privacy`).
    pub fn kind(&self, category: u16) -> &str {
        let name = self.category_name(category);
        name.rsplit('/').next().unwrap_or(name)
    }

    /// The normalised term an entry stands for.
    pub fn canonical(&self, entry: u32) -> &str {
        &self.entries[entry as usize].1
    }

    /// Whether a category lists `word` as a literal (case-insensitive).
    pub fn has_word(&self, category: &str, word: &str) -> bool {
        self.word_set(category).contains(word)
    }

    /// The `=> canonical` term a category gives for `word` (`bob` ->
    /// `robert` in `names/nicknames`), if any.
    pub fn canonical_of(&self, category: &str, word: &str) -> Option<&str> {
        self.canonicals
            .get(category)?
            .get(&word.to_lowercase())
            .map(String::as_str)
    }

    /// A category's `phrase => canonical` terms (lowercase phrases).
    pub fn canonicals(&self, category: &str) -> Option<&HashMap<String, String>> {
        self.canonicals.get(category)
    }

    /// A category's literals for repeated lookups (empty if no such file).
    pub fn word_set(&self, category: &str) -> WordSet<'_> {
        WordSet(self.word_sets.get(category))
    }

    /// Every category id with its entry count, sorted.
    pub fn category_counts(&self) -> Vec<(String, usize)> {
        let mut counts = vec![0usize; self.categories.len()];
        for (cat, _) in &self.entries {
            counts[*cat as usize] += 1;
        }
        self.categories.iter().cloned().zip(counts).collect()
    }
}

/// Groups that are word lists, looked up one word at a time, not scanned.
const SCAN_SKIPS: [&str; 2] = ["names", "grammar"];

/// Leftmost-longest across literals and regexes alike: sorted by start,
/// longest first, then every hit overlapping a kept one dropped.
fn leftmost_longest(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.entry.cmp(&b.entry))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if kept.last().is_none_or(|k| h.start >= k.end) {
            kept.push(h);
        }
    }
    kept
}

/// A match stands alone as words: no letter or digit touches either end.
pub fn is_bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let touches = |outer: Option<char>, inner: Option<char>| matches!((outer, inner), (Some(o), Some(i)) if is_word_char(o) && is_word_char(i));
    !touches(before, first) && !touches(after, last)
}

/// Letters, digits and `_` make words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::parse::parse_lexicon;

    fn matcher(files: &[(&str, &str)]) -> Matcher {
        let mut set = LexiconSet::new();
        for (id, text) in files {
            set.insert(id.to_string(), parse_lexicon(id, text).unwrap());
        }
        Matcher::new(&set).unwrap()
    }

    #[test]
    fn both_automaton_kinds_find_the_same_hits() {
        let set = crate::lexicon::load_lexicons(None).unwrap();
        let dfa = Matcher::new(&set).unwrap();
        let nfa = Matcher::with_kind(&set, AhoCorasickKind::ContiguousNFA).unwrap();
        let text = "Her brother-in-law Tom is worried about retirement and asked for my card. I don't give referrals.";
        for group in ["people", "needs", "interest", "objections"] {
            assert_eq!(dfa.find(group, text), nfa.find(group, text), "{group}");
        }
    }

    #[test]
    fn literals_match_case_insensitively_on_word_boundaries() {
        let m = matcher(&[("people/family", "# f\nbro => brother\nbrother-in-law\n")]);
        let text = "Her Bro brought his brother-in-law.";
        let hits = m.find("people", text);
        assert_eq!(hits.len(), 2);
        assert_eq!(m.canonical(hits[0].entry), "brother");
        assert_eq!(&text[hits[1].start..hits[1].end], "brother-in-law");
        assert_eq!(m.kind(hits[1].category), "family");
    }

    #[test]
    fn regex_and_literal_overlaps_keep_the_longest() {
        let m = matcher(&[
            ("o/a", "# a\nrather not\n"),
            ("o/b", "# b\nre:rather not \\w+\n"),
        ]);
        let hits = m.find("o", "I'd rather not say.");
        assert_eq!(hits.len(), 1);
        assert_eq!(m.kind(hits[0].category), "b");
    }

    #[test]
    fn non_ascii_letters_are_word_characters() {
        assert!(!is_bounded("Zoëbro", 4, 7));
        assert!(is_bounded("Zoë bro", 5, 8));
    }
}
