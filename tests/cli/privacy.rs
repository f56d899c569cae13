//! `--redact`: no client's or person's name survives in the tables, and
//! the same name always gets the same pseudonym.
use crate::harness::{fixtures, run};

fn table(dir: &std::path::Path, name: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
    r.records().map(Result::unwrap).collect()
}

#[test]
fn redacted_tables_name_nobody() {
    let root = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let redacted = tmp.path().join("redacted");
    for (dir, extra) in [(&plain, None), (&redacted, Some("--redact"))] {
        let mut args = vec![
            "scan",
            "notes",
            "--out",
            dir.to_str().unwrap(),
            "--team",
            "Dana Whitaker",
        ];
        args.extend(extra);
        let out = run(&root, &args, None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let plain_rows = table(&plain, "candidates.csv");
    let red_rows = table(&redacted, "candidates.csv");
    assert_eq!(plain_rows.len(), red_rows.len());
    let all = std::fs::read_to_string(redacted.join("candidates.csv")).unwrap()
        + &std::fs::read_to_string(redacted.join("flags.csv")).unwrap();
    for row in &plain_rows {
        for name in [&row[0], &row[1]] {
            for word in name.split_whitespace().filter(|w| w.len() > 2) {
                assert!(!all.contains(word), "{word:?} survives redaction");
            }
        }
    }
    for row in &red_rows {
        assert!(row[0].starts_with("Client "), "{:?}", &row[0]);
        assert!(
            row[1].is_empty() || row[1].starts_with("Person "),
            "{:?}",
            &row[1]
        );
        // The person's pseudonym is what the evidence says too, when named there.
        if !row[1].is_empty() && row[14].contains("Person ") {
            assert!(
                row[14].contains(&row[1]) || row[5].contains(&row[1]),
                "{:?}",
                row
            );
        }
    }
}
