//! Error paths (SPEC "Errors") and the other ways in and out of the binary:
//! standard input, JSON output read back strictly, the `candidates`,
//! `flags` and `review` subcommands.
use std::path::Path;

use serde::Deserialize;

use crate::harness::{fixtures, run, scan};

const CANDIDATE_COLUMNS: [&str; 16] = [
    "client",
    "person",
    "relationship",
    "circle",
    "need",
    "need_evidence",
    "interest",
    "readiness",
    "next_step",
    "client_flag",
    "mentions",
    "first_seen",
    "last_seen",
    "score",
    "evidence",
    "source",
];
const FLAG_COLUMNS: [&str; 7] = [
    "client",
    "date",
    "flag",
    "objections",
    "reason",
    "evidence",
    "source",
];

/// A good client file: one candidate, one gratitude note.
const GOOD_NOTE: &str = "Client: Harriet Voss\n\n## 2026-02-10\n\
Harriet thanked me for sorting out the annuity paperwork.\n\
Her brother Anton is worried about retirement and wants to meet you.\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write fixture");
}

fn text(bytes: &Option<Vec<u8>>) -> String {
    String::from_utf8_lossy(bytes.as_deref().unwrap_or(b"")).into_owned()
}

#[test]
fn unreadable_input_is_named_and_the_rest_is_still_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(tmp.path(), "notes/harriet-voss.md", GOOD_NOTE.as_bytes());
    write(
        tmp.path(),
        "notes/scan.txt",
        b"%PDF-1.7\x00\x01\x02\xff\xfe\x00binary",
    );
    let got = scan(tmp.path(), &["notes"], "csv", &[]);
    assert_eq!(got.status, 1, "stderr:\n{}", got.stderr);
    assert!(
        got.stderr.contains("notes/scan.txt"),
        "stderr names the file:\n{}",
        got.stderr
    );
    assert!(
        !got.stderr.contains("harriet-voss"),
        "good file not blamed:\n{}",
        got.stderr
    );
    assert!(text(&got.candidates).contains("Harriet Voss,Anton,brother"));
    assert!(text(&got.flags).contains("Harriet Voss,2026-02-10,ask_now"));
}

#[test]
fn bad_export_row_is_named_with_its_line_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(tmp.path(), "notes/harriet-voss.md", GOOD_NOTE.as_bytes());
    write(
        tmp.path(),
        "notes/export.jsonl",
        b"{\"contact\": \"Omar Reyes\", \"timestamp\": \"2026-01-03\", \"body\": \"Omar thanked us for the claim help.\"}\n{\"contact\": \"Omar Reyes\", \"body\": oops}\n",
    );
    let got = scan(tmp.path(), &["notes"], "csv", &[]);
    assert_eq!(got.status, 1, "stderr:\n{}", got.stderr);
    assert!(
        got.stderr.contains("notes/export.jsonl:2"),
        "stderr names file:line:\n{}",
        got.stderr
    );
    assert!(
        text(&got.flags).contains("Omar Reyes,2026-01-03,ask_now"),
        "{}",
        text(&got.flags)
    );
    assert!(text(&got.candidates).contains("Harriet Voss,Anton"));
}

#[test]
fn bad_lexicon_line_is_reported_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(tmp.path(), "notes/harriet-voss.md", GOOD_NOTE.as_bytes());
    write(
        tmp.path(),
        "lex/objections/refusal.txt",
        b"# Refusal, overridden for this test.\nre:(unclosed\nI don't give referrals\n",
    );
    let got = scan(
        tmp.path(),
        &["notes"],
        "csv",
        &["--lexicons".into(), "lex".into()],
    );
    assert_eq!(got.status, 2, "stderr:\n{}", got.stderr);
    assert!(
        got.stderr.contains("refusal.txt:2: invalid regex"),
        "stderr names file:line:\n{}",
        got.stderr
    );
    assert!(
        got.candidates.is_none() && got.flags.is_none(),
        "no tables on a fatal error"
    );
}

#[test]
fn user_lexicon_adds_to_the_builtin_ones() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(
        tmp.path(),
        "notes/omar-reyes.md",
        b"Client: Omar Reyes\n\n## 2026-03-02\nOmar said referrals are against his religion.\n",
    );
    let without = scan(tmp.path(), &["notes"], "csv", &[]);
    assert!(
        !text(&without.flags).contains("explore"),
        "{}",
        text(&without.flags)
    );
    write(
        tmp.path(),
        "lex/objections/belief.txt",
        b"# Belief: a personal rule against referrals.\nagainst his religion\n",
    );
    let with = scan(
        tmp.path(),
        &["notes"],
        "csv",
        &["--lexicons".into(), "lex".into()],
    );
    assert_eq!(with.status, 0, "stderr:\n{}", with.stderr);
    assert!(
        text(&with.flags).contains("Omar Reyes,2026-03-02,explore,1"),
        "{}",
        text(&with.flags)
    );
}

#[test]
fn standard_input_needs_input_format() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = run(
        tmp.path(),
        &["scan", "-", "--out", "out"],
        Some(b"client,note\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--input-format"));
    assert!(
        !tmp.path().join("out").exists(),
        "nothing written on a usage error"
    );
}

#[test]
fn standard_input_is_read_as_csv() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let csv = b"Account Name,Activity Date,Description\r\n\
Omar Reyes,2026-01-03,\"His sister Leila is buying a house and asked for your card.\"\r\n";
    let out = run(
        tmp.path(),
        &["scan", "-", "--input-format", "csv", "--out", "out"],
        Some(csv),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let candidates =
        std::fs::read_to_string(tmp.path().join("out/candidates.csv")).expect("written");
    assert!(
        candidates.contains("Omar Reyes,Leila,sister,family,yes,"),
        "{candidates}"
    );
    assert!(candidates.contains(",yes,ready,"), "{candidates}");
}

#[test]
fn output_folder_that_cannot_be_written_exits_2() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(tmp.path(), "notes/harriet-voss.md", GOOD_NOTE.as_bytes());
    write(tmp.path(), "out", b"a file, not a folder");
    let out = run(tmp.path(), &["scan", "notes", "--out", "out"], None);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(tmp.path().join("out")).expect("still a file"),
        b"a file, not a folder"
    );
}

#[test]
fn output_folder_holds_only_the_two_tables() {
    let got = tempfile::tempdir().expect("temp dir");
    let out = run(
        &fixtures(),
        &[
            "scan",
            "notes",
            "--out",
            got.path().to_str().expect("utf-8 temp path"),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(got.path())
        .expect("out exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["candidates.csv", "flags.csv"],
        "no temporary files left behind"
    );
}

#[test]
fn csv_headers_are_the_spec_columns_in_order() {
    let got = scan(&fixtures(), &["notes"], "csv", &[]);
    let header = |t: &Option<Vec<u8>>| text(t).lines().next().unwrap_or("").to_string();
    assert_eq!(header(&got.candidates), CANDIDATE_COLUMNS.join(","));
    assert_eq!(header(&got.flags), FLAG_COLUMNS.join(","));
}

/// One candidate as SPEC "Outputs" defines it, and nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Fields exist to be checked by the deserialiser.
struct Candidate {
    client: String,
    person: String,
    relationship: String,
    circle: String,
    need: bool,
    need_evidence: String,
    interest: bool,
    readiness: String,
    next_step: String,
    client_flag: Option<String>,
    mentions: u32,
    first_seen: String,
    last_seen: String,
    score: u8,
    evidence: String,
    source: String,
}

/// One flag row as SPEC "Outputs" defines it, and nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Fields exist to be checked by the deserialiser.
struct Flag {
    client: String,
    date: String,
    flag: String,
    objections: u32,
    reason: String,
    evidence: String,
    source: String,
}

/// Every object has every SPEC key (serde would let an absent
/// `client_flag` through as `None`).
fn assert_keys(rows: &[serde_json::Value], columns: &[&str]) {
    for row in rows {
        let obj = row.as_object().expect("each row is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want = columns.to_vec();
        keys.sort_unstable();
        want.sort_unstable();
        assert_eq!(keys, want, "row keys of {row}");
    }
}

fn check_json_rows(candidates: &[serde_json::Value], flags: &[serde_json::Value]) {
    assert!(
        !candidates.is_empty() && !flags.is_empty(),
        "the sample has rows"
    );
    assert_keys(candidates, &CANDIDATE_COLUMNS);
    assert_keys(flags, &FLAG_COLUMNS);
    let candidates: Vec<Candidate> = candidates
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}")))
        .collect();
    let flags: Vec<Flag> = flags
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}")))
        .collect();
    let circles = [
        "family",
        "work",
        "social",
        "community",
        "professional",
        "unknown",
    ];
    let kinds = [
        "do_not_ask",
        "back_off",
        "fix_service",
        "explore",
        "later",
        "ask_now",
    ];
    for c in &candidates {
        assert!(circles.contains(&c.circle.as_str()), "{c:?}");
        assert!(
            ["ready", "nurture", "noted"].contains(&c.readiness.as_str()),
            "{c:?}"
        );
        let readiness = match (c.need, c.interest) {
            (true, true) => "ready",
            (true, false) => "nurture",
            (false, _) => "noted",
        };
        assert_eq!(
            c.readiness, readiness,
            "readiness follows need and interest: {c:?}"
        );
        assert!(c.score <= 100, "{c:?}");
        assert!(c.mentions >= 1, "{c:?}");
        if let Some(flag) = &c.client_flag {
            assert!(kinds.contains(&flag.as_str()), "{c:?}");
        }
    }
    for f in &flags {
        assert!(kinds.contains(&f.flag.as_str()), "{f:?}");
    }
}

#[test]
fn json_output_has_exactly_the_spec_fields() {
    let got = scan(&fixtures(), &["notes"], "json", &[]);
    assert_eq!(got.status, 0, "{}", got.stderr);
    let parse = |b: &Option<Vec<u8>>| -> Vec<serde_json::Value> {
        serde_json::from_slice(b.as_deref().expect("written")).expect("a JSON array")
    };
    check_json_rows(&parse(&got.candidates), &parse(&got.flags));
}

#[test]
fn jsonl_output_has_exactly_the_spec_fields() {
    let got = scan(&fixtures(), &["notes"], "jsonl", &[]);
    assert_eq!(got.status, 0, "{}", got.stderr);
    let parse = |b: &Option<Vec<u8>>| -> Vec<serde_json::Value> {
        text(b)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    };
    check_json_rows(&parse(&got.candidates), &parse(&got.flags));
}

#[test]
fn candidates_and_flags_subcommands_print_the_tables() {
    let files = scan(&fixtures(), &["notes"], "csv", &[]);
    for (sub, table) in [("candidates", &files.candidates), ("flags", &files.flags)] {
        let out = run(&fixtures(), &[sub, "notes"], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.stdout,
            table.clone().expect("written"),
            "`circlescan {sub}` prints what `scan` writes"
        );
    }
}

#[test]
fn review_shows_the_client_and_evidence_sources() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(tmp.path(), "harriet-voss.md", GOOD_NOTE.as_bytes());
    let out = run(tmp.path(), &["review", "harriet-voss.md"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Harriet Voss"), "{stdout}");
    assert!(stdout.contains("Anton"), "{stdout}");
    assert!(
        stdout.contains("harriet-voss.md:5"),
        "evidence path:line:\n{stdout}"
    );
    assert!(stdout.contains("ask_now"), "{stdout}");
}

#[test]
fn output_folder_inside_the_scanned_folder_is_not_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        notes.join("ana-lima.md"),
        "Client: Ana Lima\n\n## 2026-01-05\nHer brother Caio Lima is selling his bakery and asked for my card.\n",
    )
    .unwrap();
    for _ in 0..2 {
        let out = crate::harness::run(&notes, &["scan", ".", "--out", "out"], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
