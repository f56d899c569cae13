//! `scan` writes its tables client by client from partitions set aside on
//! disk; `candidates` and `flags` build the whole tables in memory. Both
//! must give the same bytes, however many partitions and pieces there are,
//! and the partitions must not outlive the run.
use std::path::Path;

use crate::harness::{all_cases, diff, fixtures, run, scan, scan_into};

/// Every input of the fixtures at once: the golden cases' folders and the
/// held-out set (client files, CSV and JSONL exports).
fn inputs() -> Vec<String> {
    let mut inputs: Vec<String> = all_cases()
        .iter()
        .map(|c| format!("cases/{}/notes", c.name))
        .collect();
    inputs.push("eval/notes".to_string());
    inputs
}

/// A table printed by `candidates` / `flags`: (status, stdout, stderr).
fn in_memory(cwd: &Path, table: &str, inputs: &[&str], format: &str) -> (i32, Vec<u8>, String) {
    let mut args = vec![table];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--format", format]);
    let out = run(cwd, &args, None);
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn tables_written_from_partitions_equal_the_tables_built_whole() {
    let root = fixtures();
    let inputs = inputs();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    // One partition; the most there can be; and big exports read in many
    // small pieces, so one client's notes arrive from several pieces.
    let variants: [&[&str]; 3] = [
        &[],
        &["--partition-bytes", "1"],
        &["--partition-bytes", "2000", "--chunk-bytes", "3000"],
    ];
    for format in ["csv", "json", "jsonl"] {
        // Some cases hold bad input on purpose: both runs tell the same.
        let (status, whole_candidates, stderr) = in_memory(&root, "candidates", &inputs, format);
        let (_, whole_flags, _) = in_memory(&root, "flags", &inputs, format);
        assert!(
            whole_candidates.len() > 10_000,
            "the fixtures give many rows"
        );
        for extra in variants {
            let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
            let got = scan(&root, &inputs, format, &extra);
            assert_eq!(got.status, status, "{format} {extra:?}: {}", got.stderr);
            assert_eq!(got.stderr, stderr, "{format} {extra:?}");
            for (table, whole, streamed) in [
                ("candidates", &whole_candidates, &got.candidates),
                ("flags", &whole_flags, &got.flags),
            ] {
                let streamed = streamed.as_deref().unwrap_or(b"");
                if let Some(d) = diff(whole, streamed) {
                    panic!("{table}.{format} with {extra:?} differs from the whole table:\n{d}");
                }
            }
        }
    }
}

#[test]
fn nothing_but_the_tables_is_left_in_the_output_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = fixtures();
    let out = tmp.path().join("out");
    let status = crate::harness::bin()
        .current_dir(&root)
        .args(["scan", "eval/notes", "--partition-bytes", "1000", "--out"])
        .arg(&out)
        .status()
        .expect("circlescan runs");
    assert!(status.success());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["candidates.csv", "flags.csv"]);
}

#[test]
fn an_empty_scan_writes_empty_tables_in_every_format() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(tmp.path().join("notes")).expect("mkdir");
    for format in ["csv", "json", "jsonl"] {
        let got = scan(tmp.path(), &["notes"], format, &[]);
        let (_, whole, _) = in_memory(tmp.path(), "flags", &["notes"], format);
        assert_eq!(got.flags.as_deref(), Some(&whole[..]), "{format}");
        let expected: &[u8] = match format {
            "json" => b"[]\n",
            "jsonl" => b"",
            _ => b"client,date,flag,objections,reason,evidence,source\r\n",
        };
        assert_eq!(got.flags.as_deref(), Some(expected), "{format}");
    }
}

#[test]
fn compared_tables_from_partitions_equal_the_compared_whole_tables() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = fixtures();
    let cases: Vec<String> = all_cases()
        .iter()
        .map(|c| format!("cases/{}/notes", c.name))
        .collect();
    let half = cases.len() / 2;
    // Yesterday: the first two thirds of the cases, and the held-out set
    // without its team list (so team members were candidates). Today: the
    // last two thirds, and the team list known. Rows are new, gone, changed
    // and the same.
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut yesterday: Vec<String> = cases[..half + half / 3].to_vec();
    yesterday.push("eval/notes".into());
    let mut today: Vec<String> = cases[half - half / 3..].to_vec();
    today.extend(strings(&["eval/notes", "--team-file", "eval/TEAM.txt"]));
    for prev_format in ["csv", "jsonl"] {
        let prev = tmp.path().join(format!("prev-{prev_format}"));
        let mut args = yesterday.clone();
        args.extend(strings(&["--format", prev_format]));
        scan_into(&root, &args, &prev);
        for format in ["csv", "json", "jsonl"] {
            let mut base = today.clone();
            base.extend(strings(&["--format", format, "--compare"]));
            base.push(prev.display().to_string());
            let mut whole_args = base.clone();
            whole_args.push("--in-memory".into());
            let whole = scan_into(&root, &whole_args, &tmp.path().join("whole"));
            let names: Vec<&str> = whole.2.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names.len(), 3, "{names:?}");
            let removed = &whole
                .2
                .iter()
                .find(|(n, _)| n.starts_with("removed"))
                .expect("removed")
                .1;
            assert!(removed.len() > 1000, "rows are removed");
            for extra in [&[][..], &["--partition-bytes", "1"][..]] {
                let mut args = base.clone();
                args.extend(strings(extra));
                let out = tmp.path().join("streamed");
                let streamed = scan_into(&root, &args, &out);
                assert_eq!(
                    (streamed.0, &streamed.1),
                    (whole.0, &whole.1),
                    "{prev_format} -> {format} {extra:?}"
                );
                for ((name, a), (_, b)) in whole.2.iter().zip(&streamed.2) {
                    if let Some(d) = diff(a, b) {
                        panic!("{prev_format} -> {format} {extra:?}: {name} differs:\n{d}");
                    }
                }
                assert_eq!(whole.2.len(), streamed.2.len());
                std::fs::remove_dir_all(&out).expect("clean");
            }
            std::fs::remove_dir_all(tmp.path().join("whole")).expect("clean");
        }
    }
}

#[test]
fn standard_input_read_in_pieces_gives_what_it_gives_read_whole() {
    let root = fixtures();
    // The exports of the held-out set, each with a broken record at the end:
    // its line number must come out the same from the last of many pieces.
    let exports = [
        (
            "eval/notes/exports/salesforce_activities.csv",
            "csv",
            "Ada Broken,\"never closed\n",
        ),
        (
            "eval/notes/exports/hubspot_notes.jsonl",
            "jsonl",
            "{\"not\": json\n",
        ),
    ];
    for (path, format, broken) in exports {
        let mut input = std::fs::read(root.join(path)).expect("export");
        input.extend_from_slice(broken.as_bytes());
        for table in ["candidates", "flags"] {
            let whole = run(&root, &[table, "-", "--input-format", format], Some(&input));
            // Pieces of a few records each, well under the input's size.
            let pieces = run(
                &root,
                &[table, "-", "--input-format", format, "--chunk-bytes", "300"],
                Some(&input),
            );
            let stderr = String::from_utf8_lossy(&whole.stderr);
            assert!(
                stderr.contains("-:"),
                "{path}: the broken record is told: {stderr}"
            );
            assert!(whole.stdout.len() > 500, "{path}: rows found");
            assert_eq!(whole.status.code(), pieces.status.code(), "{path} {table}");
            assert_eq!(
                stderr,
                String::from_utf8_lossy(&pieces.stderr),
                "{path} {table}"
            );
            if let Some(d) = diff(&whole.stdout, &pieces.stdout) {
                panic!("{table} of {path} read in pieces differs:\n{d}");
            }
        }
    }
}
