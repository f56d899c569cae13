//! `scan --shard K/N` then `merge`: byte-identical to one whole run
//! (issue: past one machine), in every table format.
use crate::harness::{fixtures, run};

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

#[test]
fn merged_shards_equal_the_whole_run() {
    let root = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for format in ["csv", "json", "jsonl"] {
        let whole = t.join(format!("whole-{format}"));
        let out = run(
            &root,
            &[
                "scan",
                "notes",
                "--out",
                whole.to_str().unwrap(),
                "--format",
                format,
                "--team",
                "Dana Whitaker",
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut shard_dirs = Vec::new();
        for k in 0..3 {
            let dir = t.join(format!("shard-{format}-{k}"));
            let shard = format!("{k}/3");
            let out = run(
                &root,
                &[
                    "scan",
                    "notes",
                    "--out",
                    dir.to_str().unwrap(),
                    "--format",
                    format,
                    "--team",
                    "Dana Whitaker",
                    "--shard",
                    &shard,
                ],
                None,
            );
            assert_eq!(out.status.code(), Some(0));
            shard_dirs.push(dir);
        }
        // Each shard holds only part of the clients.
        let whole_rows = read(&whole, &format!("candidates.{format}"));
        for dir in &shard_dirs {
            assert!(read(dir, &format!("candidates.{format}")).len() < whole_rows.len());
        }
        let merged = t.join(format!("merged-{format}"));
        let mut args = vec!["merge".to_string()];
        args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap().to_string()));
        args.extend([
            "--out".into(),
            merged.to_str().unwrap().into(),
            "--format".into(),
            format.into(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&root, &args, None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for table in ["candidates", "flags"] {
            let name = format!("{table}.{format}");
            assert!(
                read(&whole, &name) == read(&merged, &name),
                "{name} differs after merge"
            );
        }
    }
}

#[test]
fn bad_shard_is_a_usage_error() {
    let out = run(
        &fixtures(),
        &["scan", "notes", "--out", "x", "--shard", "3/3"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("K must be from 0 to N-1"));
}

#[test]
fn big_exports_read_in_pieces_give_the_same_tables() {
    let root = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let pieces = tmp.path().join("pieces");
    let exports = "notes/exports";
    let out = run(
        &root,
        &["scan", exports, "--out", whole.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Pieces of 64 bytes: every record is cut apart from its neighbours.
    let out = run(
        &root,
        &[
            "scan",
            exports,
            "--out",
            pieces.to_str().unwrap(),
            "--chunk-bytes",
            "64",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for table in ["candidates.csv", "flags.csv"] {
        assert!(
            read(&whole, table) == read(&pieces, table),
            "{table} differs when read in pieces"
        );
    }
    assert!(
        read(&whole, "candidates.csv").len() > 300,
        "the exports yield candidates"
    );
}
