//! SPEC "Outputs": the same input gives byte-identical output whatever the
//! thread count (STYLE §3). Known gaps are included: determinism does not
//! depend on the labels being right.
use crate::harness::{all_cases, diff, fixtures, scan, scan_case, Scan};

fn threads(n: &str) -> Vec<String> {
    vec!["--threads".to_string(), n.to_string()]
}

/// Describes how two runs differ, or `None` when they are identical.
fn compare(one: &Scan, eight: &Scan) -> Option<String> {
    let mut found = Vec::new();
    for (file, a, b) in [
        ("candidates", &one.candidates, &eight.candidates),
        ("flags", &one.flags, &eight.flags),
    ] {
        let (a, b) = (a.as_deref().unwrap_or(b""), b.as_deref().unwrap_or(b""));
        if let Some(d) = diff(a, b) {
            found.push(format!("  {file} (- 1 thread, + 8 threads):\n{d}"));
        }
    }
    if let Some(d) = diff(one.stderr.as_bytes(), eight.stderr.as_bytes()) {
        found.push(format!("  stderr (- 1 thread, + 8 threads):\n{d}"));
    }
    if one.status != eight.status {
        found.push(format!("  status: {} vs {}", one.status, eight.status));
    }
    (!found.is_empty()).then(|| found.join("\n"))
}

#[test]
fn every_case_is_identical_on_one_and_eight_threads() {
    let mut failures = Vec::new();
    for case in all_cases() {
        let one = scan_case(&case, &["--threads", "1"]);
        let eight = scan_case(&case, &["--threads", "8"]);
        assert!(
            one.candidates.is_some(),
            "{}: no candidates table",
            case.name
        );
        if let Some(d) = compare(&one, &eight) {
            failures.push(format!("{}:\n{d}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "thread count changed the output:\n{}",
        failures.join("\n")
    );
}

#[test]
fn all_cases_together_are_identical_on_one_and_eight_threads() {
    // Many files and clients in one run, so work really is split.
    let root = fixtures().join("cases");
    let inputs: Vec<String> = all_cases()
        .iter()
        .map(|c| format!("{}/notes", c.name))
        .collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    for format in ["csv", "json", "jsonl"] {
        let one = scan(&root, &inputs, format, &threads("1"));
        let eight = scan(&root, &inputs, format, &threads("8"));
        if let Some(d) = compare(&one, &eight) {
            panic!("--format {format}: thread count changed the output:\n{d}");
        }
    }
}

#[test]
fn sample_notes_are_identical_on_one_and_eight_threads() {
    let one = scan(&fixtures(), &["notes"], "csv", &threads("1"));
    let eight = scan(&fixtures(), &["notes"], "csv", &threads("8"));
    assert_eq!(
        one.status, 0,
        "fixtures/notes scans cleanly:\n{}",
        one.stderr
    );
    if let Some(d) = compare(&one, &eight) {
        panic!("thread count changed the output of fixtures/notes:\n{d}");
    }
}
