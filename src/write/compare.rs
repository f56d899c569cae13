//! `--compare PREV_DIR`: which rows of this run are new, changed or the
//! same as in a previous run's tables, and which rows disappeared.
//!
//! Input: this run's `Tables` and the `Previous` rows. Output: one `Change`
//! per row, the removed rows, and renderings of the tables with a final
//! `change` column. Row identity (documented in the README):
//! - a candidate is its client and person (case-insensitive), or, when
//!   never named, its client and relationship; a named row that matches no
//!   previous row takes over a previous row of the same client that was
//!   the same relationship unnamed, or a shorter form of the name
//!   (`aggregate::same_name`: `Tom` -> `Tom Reyes`);
//! - a flag is its client, date and flag.
//!
//! Two rows with the same identity are told apart by their order. A kept
//! row is `changed` when any column other than the evidence, the source
//! and the score differs (those move when a note is merely edited or a
//! sentence added; the score follows the columns that are compared).
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use serde::Serialize;

use super::cells::{candidate_cells, flag_cells};
use super::csv::{CANDIDATE_HEADER, FLAG_HEADER};
use super::previous::{Previous, Record};
use super::stream::{self, OutFile};
use super::RenderOptions;
use crate::aggregate::{client_key, same_name};
use crate::model::Tables;

/// How a row compares with the previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// No previous row has its identity.
    New,
    /// A previous row has its identity, with different columns.
    Changed,
    /// A previous row has its identity and the same columns.
    Same,
}

impl Change {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Same => "same",
        }
    }
}

/// Columns never compared: they move without news.
const IGNORED: [&str; 5] = ["evidence", "need_evidence", "source", "score", "change"];

/// Header of `removed.<ext>`.
pub const REMOVED_HEADER: [&str; 9] = [
    "table",
    "client",
    "person",
    "relationship",
    "readiness",
    "date",
    "flag",
    "evidence",
    "source",
];

/// A previous row with no counterpart in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// `candidates` or `flags`.
    pub table: &'static str,
    /// The client.
    pub client: String,
    /// Candidates: the person (may be empty).
    pub person: String,
    /// Candidates: the relationship.
    pub relationship: String,
    /// Candidates: the readiness it had.
    pub readiness: String,
    /// Flags: the note's date.
    pub date: String,
    /// Flags: the flag.
    pub flag: String,
    /// The evidence it had.
    pub evidence: String,
    /// Where that evidence was.
    pub source: String,
}

impl Removed {
    fn cells(&self) -> [String; 9] {
        [
            self.table.to_string(),
            self.client.clone(),
            self.person.clone(),
            self.relationship.clone(),
            self.readiness.clone(),
            self.date.clone(),
            self.flag.clone(),
            self.evidence.clone(),
            self.source.clone(),
        ]
    }
}

/// The comparison of one run with a previous one.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// One per candidate row, in table order.
    pub candidates: Vec<Change>,
    /// One per flag row, in table order.
    pub flags: Vec<Change>,
    /// Previous rows that are gone: candidates first, then flags.
    pub removed: Vec<Removed>,
}

/// Counts of one table's changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    /// Rows marked `new`.
    pub new: usize,
    /// Rows marked `changed`.
    pub changed: usize,
    /// Rows marked `same`.
    pub same: usize,
    /// Previous rows that disappeared.
    pub removed: usize,
}

impl ChangeCounts {
    /// Adds other counts.
    pub fn add(&mut self, other: ChangeCounts) {
        self.new += other.new;
        self.changed += other.changed;
        self.same += other.same;
        self.removed += other.removed;
    }
}

impl Changes {
    /// Counts for the candidates table and the flags table.
    pub fn counts(&self) -> (ChangeCounts, ChangeCounts) {
        let count = |changes: &[Change], table: &str| ChangeCounts {
            new: changes.iter().filter(|c| **c == Change::New).count(),
            changed: changes.iter().filter(|c| **c == Change::Changed).count(),
            same: changes.iter().filter(|c| **c == Change::Same).count(),
            removed: self.removed.iter().filter(|r| r.table == table).count(),
        };
        (
            count(&self.candidates, "candidates"),
            count(&self.flags, "flags"),
        )
    }
}

fn record<const N: usize>(header: [&str; N], cells: [String; N]) -> Record {
    header.iter().map(|h| h.to_string()).zip(cells).collect()
}

fn get<'a>(r: &'a Record, col: &str) -> &'a str {
    r.get(col).map_or("", String::as_str)
}

fn candidate_key(r: &Record) -> String {
    let person = get(r, "person").trim();
    if person.is_empty() {
        format!("{}\u{0}r:{}", get(r, "client"), get(r, "relationship"))
    } else {
        format!("{}\u{0}p:{}", get(r, "client"), person.to_lowercase())
    }
}

fn flag_key(r: &Record) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        get(r, "client"),
        get(r, "date"),
        get(r, "flag")
    )
}

/// Keys made unique by their occurrence: the second `(client, brother)`
/// unnamed row is `...#1`.
fn numbered(rows: &[Record], key: fn(&Record) -> String) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    rows.iter()
        .map(|r| {
            let k = key(r);
            let n = seen.entry(k.clone()).or_insert(0);
            *n += 1;
            format!("{k}#{}", *n - 1)
        })
        .collect()
}

fn same_columns(current: &Record, previous: &Record) -> bool {
    current
        .iter()
        .filter(|(col, _)| !IGNORED.contains(&col.as_str()))
        // A column the previous file lacks (an older version) is not news.
        .all(|(col, v)| previous.get(col).is_none_or(|p| p == v))
}

/// Matches current rows to previous ones; returns each current row's
/// change and the indices of unmatched previous rows.
fn diff(
    current: &[Record],
    previous: &[Record],
    key: fn(&Record) -> String,
    adopt_unnamed: bool,
) -> (Vec<Change>, Vec<usize>) {
    let prev_keys = numbered(previous, key);
    let mut by_key: BTreeMap<&str, usize> = prev_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let cur_keys = numbered(current, key);
    let mut matched: Vec<Option<usize>> =
        cur_keys.iter().map(|k| by_key.remove(k.as_str())).collect();
    if adopt_unnamed {
        // The same person seen differently: named today after being an
        // unnamed relative yesterday, or named more fully (`Tom` ->
        // `Tom Reyes`), as `aggregate` merges mentions.
        for (c, m) in current.iter().zip(matched.iter_mut()) {
            let person = get(c, "person").trim();
            if m.is_some() || person.is_empty() {
                continue;
            }
            // Only the same client's rows: their keys start with its name.
            let prefix = format!("{}\u{0}", get(c, "client"));
            let mut same_client = by_key
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(&prefix));
            let found = same_client.find_map(|(k, &i)| {
                let p = &previous[i];
                let prev_person = get(p, "person").trim();
                let same = get(p, "client") == get(c, "client")
                    && if prev_person.is_empty() {
                        get(p, "relationship") == get(c, "relationship")
                    } else {
                        same_name(prev_person, person)
                    };
                same.then(|| (k.to_string(), i))
            });
            if let Some((k, i)) = found {
                by_key.remove(k.as_str());
                *m = Some(i);
            }
        }
    }
    let changes = current
        .iter()
        .zip(&matched)
        .map(|(c, m)| match m {
            None => Change::New,
            Some(i) if same_columns(c, &previous[*i]) => Change::Same,
            Some(_) => Change::Changed,
        })
        .collect();
    let mut gone: Vec<usize> = by_key.into_values().collect();
    gone.sort_unstable();
    (changes, gone)
}

/// Compares this run's tables with a previous run's.
pub fn compare(tables: &Tables, previous: &Previous) -> Changes {
    let cand: Vec<Record> = tables
        .candidates
        .iter()
        .map(|r| record(CANDIDATE_HEADER, candidate_cells(r)))
        .collect();
    let flags: Vec<Record> = tables
        .flags
        .iter()
        .map(|r| record(FLAG_HEADER, flag_cells(r)))
        .collect();
    let (candidates, mut gone_c) = diff(&cand, &previous.candidates, candidate_key, true);
    let (flag_changes, mut gone_f) = diff(&flags, &previous.flags, flag_key, false);
    // Gone rows by client (as the tables are), then in previous-file order:
    // the order a run that goes client by client gives too.
    gone_c.sort_by_cached_key(|&i| (client_key(get(&previous.candidates[i], "client")), i));
    gone_f.sort_by_cached_key(|&i| (client_key(get(&previous.flags[i], "client")), i));
    let removed_row = |table: &'static str, r: &Record| Removed {
        table,
        client: get(r, "client").into(),
        person: get(r, "person").into(),
        relationship: get(r, "relationship").into(),
        readiness: get(r, "readiness").into(),
        date: get(r, "date").into(),
        flag: get(r, "flag").into(),
        evidence: get(r, "evidence").into(),
        source: get(r, "source").into(),
    };
    let removed = gone_c
        .iter()
        .map(|&i| removed_row("candidates", &previous.candidates[i]))
        .chain(
            gone_f
                .iter()
                .map(|&i| removed_row("flags", &previous.flags[i])),
        )
        .collect();
    Changes {
        candidates,
        flags: flag_changes,
        removed,
    }
}

/// A row with its `change` as the last field, for JSON.
#[derive(Serialize)]
struct WithChange<'a, T: Serialize> {
    #[serde(flatten)]
    row: &'a T,
    change: Change,
}

/// A table's rows with their `change` as the last cell, as a piece.
fn changed_rows<T: Serialize, const N: usize>(
    rows: &[T],
    cells: fn(&T) -> [String; N],
    changes: &[Change],
    o: RenderOptions,
) -> Vec<u8> {
    let with: Vec<WithChange<'_, T>> = rows
        .iter()
        .zip(changes)
        .map(|(row, &change)| WithChange { row, change })
        .collect();
    stream::rows(
        &with,
        |w| {
            let mut v = cells(w.row).to_vec();
            v.push(w.change.as_str().to_string());
            v
        },
        o,
    )
}

/// Removed rows of one table, as a piece.
fn removed_rows(changes: &Changes, table: &str, o: RenderOptions) -> Vec<u8> {
    let gone: Vec<&Removed> = changes
        .removed
        .iter()
        .filter(|r| r.table == table)
        .collect();
    stream::rows(&gone, |r| r.cells(), o)
}

/// A header with the `change` column last.
fn with_change(header: &[&'static str]) -> Vec<&'static str> {
    let mut h = header.to_vec();
    h.push("change");
    h
}

/// `candidates.<ext>` with a final `change` column.
pub fn render_candidates(t: &Tables, changes: &Changes, o: RenderOptions) -> Vec<u8> {
    let rows = changed_rows(&t.candidates, candidate_cells, &changes.candidates, o);
    stream::assemble(o, &with_change(&CANDIDATE_HEADER), &[&rows])
}

/// `flags.<ext>` with a final `change` column.
pub fn render_flags(t: &Tables, changes: &Changes, o: RenderOptions) -> Vec<u8> {
    let rows = changed_rows(&t.flags, flag_cells, &changes.flags, o);
    stream::assemble(o, &with_change(&FLAG_HEADER), &[&rows])
}

/// One client's rows as pieces of the four streams a run writes under
/// `--compare`: candidates and flags with their `change`, and the client's
/// removed candidate and flag rows.
pub fn render_pieces(t: &Tables, changes: &Changes, o: RenderOptions) -> [Vec<u8>; 4] {
    [
        changed_rows(&t.candidates, candidate_cells, &changes.candidates, o),
        changed_rows(&t.flags, flag_cells, &changes.flags, o),
        removed_rows(changes, "candidates", o),
        removed_rows(changes, "flags", o),
    ]
}

/// The files a run under `--compare` writes, filled from the four streams
/// of `render_pieces`: both tables with `change`, and `removed.<ext>`
/// (removed candidates, then removed flags).
pub fn change_files(o: RenderOptions) -> Vec<OutFile> {
    let ext = o.format.ext();
    vec![
        OutFile {
            name: format!("candidates.{ext}"),
            header: with_change(&CANDIDATE_HEADER),
            streams: vec![0],
        },
        OutFile {
            name: format!("flags.{ext}"),
            header: with_change(&FLAG_HEADER),
            streams: vec![1],
        },
        OutFile {
            name: format!("removed.{ext}"),
            header: REMOVED_HEADER.to_vec(),
            streams: vec![2, 3],
        },
    ]
}

/// `removed.<ext>`: the rows of the previous run that are gone.
pub fn render_removed(changes: &Changes, o: RenderOptions) -> Vec<u8> {
    let pieces = [
        removed_rows(changes, "candidates", o),
        removed_rows(changes, "flags", o),
    ];
    stream::assemble(o, &REMOVED_HEADER, &[&pieces[0], &pieces[1]])
}

/// The cells of each removed row, `REMOVED_HEADER` order (for the workbook).
pub fn removed_cells(changes: &Changes) -> Vec<[String; 9]> {
    changes.removed.iter().map(Removed::cells).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn named_person_takes_over_the_unnamed_relative() {
        let prev = vec![rec(&[
            ("client", "A"),
            ("person", ""),
            ("relationship", "brother"),
            ("readiness", "noted"),
        ])];
        let cur = vec![rec(&[
            ("client", "A"),
            ("person", "Tom"),
            ("relationship", "brother"),
            ("readiness", "noted"),
        ])];
        let (changes, gone) = diff(&cur, &prev, candidate_key, true);
        assert_eq!(changes, vec![Change::Changed]);
        assert!(gone.is_empty());
    }

    #[test]
    fn another_client_s_relative_is_never_taken_over() {
        let row = |client: &str, person: &str| {
            rec(&[
                ("client", client),
                ("person", person),
                ("relationship", "brother"),
                ("readiness", "noted"),
            ])
        };
        // "A" sorts before "A B" and "AB": neither is A's row.
        let prev = vec![row("A B", ""), row("AB", ""), row("C", "Tom Reyes")];
        let cur = vec![row("A", "Tom"), row("C", "Tom")];
        let (changes, gone) = diff(&cur, &prev, candidate_key, true);
        assert_eq!(changes, vec![Change::New, Change::Changed]);
        assert_eq!(gone, vec![0, 1]);
    }

    #[test]
    fn evidence_and_score_moves_are_not_changes() {
        let prev = vec![rec(&[
            ("client", "A"),
            ("person", "Tom"),
            ("score", "40"),
            ("evidence", "x"),
        ])];
        let cur = vec![rec(&[
            ("client", "A"),
            ("person", "Tom"),
            ("score", "45"),
            ("evidence", "y"),
        ])];
        let (changes, _) = diff(&cur, &prev, candidate_key, true);
        assert_eq!(changes, vec![Change::Same]);
    }

    #[test]
    fn repeated_identities_pair_up_in_order() {
        let row = rec(&[("client", "A"), ("date", ""), ("flag", "explore")]);
        let (changes, gone) = diff(
            std::slice::from_ref(&row),
            &[row.clone(), row.clone()],
            flag_key,
            false,
        );
        assert_eq!(changes, vec![Change::Same]);
        assert_eq!(gone, vec![1]);
    }
}
