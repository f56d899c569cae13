//! `scan` writes its tables client by client from partitions set aside on
//! disk; `candidates` and `flags` build the whole tables in memory. Both
//! must give the same bytes, however many partitions and pieces there are,
//! and the partitions must not outlive the run.
use std::path::Path;

use crate::harness::{all_cases, diff, fixtures, run, scan};

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
