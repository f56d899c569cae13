//! The three uses as a person meets them, through the real binary (issue 8):
//! the nightly run (summary, progress bar, `--compare`, settings file), the
//! one-client review, the workbook, the lexicon commands and the shell
//! conventions. Every test writes its own tiny notes into a temp folder.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const CLIENT_FILE: &str = "\
Account: Kwame Asante

2026-01-15 - quarterly IT review
ME: Is there anyone you know who is fighting the same kind of IT headaches?
CLIENT: Honestly, I don't want to bother them. Let me think about it.
His colleague Dr. Nadia Ferreira is struggling with her practice's email migration.

Meeting 2/20/2026
Kwame said he's grateful we caught the failing drive before it took the server down.
His brother-in-law Kofi Mensah got hacked last week and wants to meet you.
Hal Brecker from his Rotary club is shopping for a new IT provider.
";

/// The same client a day later: Hal is gone, Kofi is mentioned again, and
/// a new meeting brings a new person.
const CLIENT_FILE_NEXT_DAY: &str = "\
Account: Kwame Asante

2026-01-15 - quarterly IT review
ME: Is there anyone you know who is fighting the same kind of IT headaches?
CLIENT: Honestly, I don't want to bother them. Let me think about it.
His colleague Dr. Nadia Ferreira is struggling with her practice's email migration.

Meeting 2/20/2026
Kwame said he's grateful we caught the failing drive before it took the server down.
His brother-in-law Kofi Mensah got hacked last week and wants to meet you.

2026-03-05 - check-in
Kofi Mensah asked for your card again.
His neighbor Priya Shah is worried about retirement and would love an introduction.
";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_circlescan"))
}

/// Runs the binary in `cwd` with no standard input.
fn run(cwd: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(cwd)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("circlescan runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A temp folder holding `notes/kwame-asante.md`.
fn workdir(notes: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(tmp.path().join("notes")).unwrap();
    std::fs::write(tmp.path().join("notes/kwame-asante.md"), notes).unwrap();
    tmp
}

fn assert_status(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A CSV file as its header and rows of column -> cell.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

const CANDIDATE_COLUMNS: &str = "client,person,relationship,circle,need,need_evidence,interest,readiness,next_step,client_flag,mentions,first_seen,last_seen,score,evidence,source";
const FLAG_COLUMNS: &str = "client,date,flag,objections,reason,evidence,source";

// 1. Nightly: summary and progress bar.

#[test]
fn summary_counts_notes_candidates_flags_and_problems_and_quiet_hides_it() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["scan", "notes", "--out", "out", "--summary"]);
    assert_status(&out, 0);
    let err = text(&out.stderr);
    assert!(err.contains("2 notes of 1 client from 1 file"), "{err}");
    assert!(err.contains("1 client"), "{err}");
    assert!(err.contains("ready"), "{err}");
    assert!(err.contains("nurture"), "{err}");
    assert!(err.contains("back_off"), "{err}");
    assert!(err.contains("ask_now"), "{err}");
    assert!(err.contains("problems    none"), "{err}");
    assert!(
        err.contains(" s\n") || err.contains("s\n"),
        "elapsed time: {err}"
    );
    assert!(err.contains("candidates.csv"), "names what it wrote: {err}");

    let quiet = run(
        tmp.path(),
        &["scan", "notes", "--out", "out", "--summary", "--quiet"],
    );
    assert_status(&quiet, 0);
    assert_eq!(text(&quiet.stderr), "");
}

#[test]
fn without_a_terminal_the_nightly_run_is_silent_so_cron_mails_only_problems() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["scan", "notes", "--out", "out"]);
    assert_status(&out, 0);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn summary_counts_problems_and_the_exit_code_stays_one() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(
        tmp.path(),
        &["scan", "notes", "missing.md", "--out", "out", "--summary"],
    );
    assert_status(&out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("missing.md"), "{err}");
    assert!(err.contains("problems    1 error"), "{err}");
}

#[test]
fn progress_switch_draws_files_notes_and_rate_and_quiet_hides_it() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["scan", "notes", "--out", "out", "--progress"]);
    assert_status(&out, 0);
    let err = text(&out.stderr);
    assert!(err.contains("1/1 files, 2 notes"), "{err}");
    assert!(err.contains("B/s") && err.contains("ETA"), "{err}");
    // The bar never reaches standard output.
    let printed = run(tmp.path(), &["candidates", "notes", "--progress"]);
    assert!(
        !text(&printed.stdout).contains("files"),
        "{}",
        text(&printed.stdout)
    );
    assert!(text(&printed.stderr).contains("files"));

    let quiet = run(
        tmp.path(),
        &["scan", "notes", "--out", "out", "--progress", "--quiet"],
    );
    assert_eq!(text(&quiet.stderr), "");
}

// 2. Nightly: --compare.

#[test]
fn compare_marks_new_changed_and_same_rows_and_lists_removed_ones() {
    let tmp = workdir(CLIENT_FILE);
    assert_status(&run(tmp.path(), &["scan", "notes", "--out", "day1"]), 0);
    let (header, _) = read_csv(&tmp.path().join("day1/candidates.csv"));
    assert_eq!(
        header.join(","),
        CANDIDATE_COLUMNS,
        "no change column without --compare"
    );
    assert!(!tmp.path().join("day1/removed.csv").exists());

    std::fs::write(
        tmp.path().join("notes/kwame-asante.md"),
        CLIENT_FILE_NEXT_DAY,
    )
    .unwrap();
    let out = run(
        tmp.path(),
        &[
            "scan",
            "notes",
            "--out",
            "day2",
            "--compare",
            "day1",
            "--summary",
        ],
    );
    assert_status(&out, 0);

    let (header, rows) = read_csv(&tmp.path().join("day2/candidates.csv"));
    assert_eq!(header.join(","), format!("{CANDIDATE_COLUMNS},change"));
    let change = |person: &str| {
        rows.iter()
            .find(|r| r["person"] == person)
            .unwrap_or_else(|| panic!("{person} in {rows:#?}"))["change"]
            .clone()
    };
    assert_eq!(change("Priya Shah"), "new");
    assert_eq!(change("Kofi Mensah"), "changed", "mentioned again");
    assert_eq!(change("Nadia Ferreira"), "same");

    let (fheader, flags) = read_csv(&tmp.path().join("day2/flags.csv"));
    assert_eq!(fheader.join(","), format!("{FLAG_COLUMNS},change"));
    assert!(flags
        .iter()
        .any(|f| f["date"] == "2026-01-15" && f["change"] == "same"));

    let (rheader, removed) = read_csv(&tmp.path().join("day2/removed.csv"));
    assert_eq!(rheader[0], "table");
    assert!(
        removed
            .iter()
            .any(|r| r["table"] == "candidates" && r["person"] == "Hal Brecker"),
        "{removed:#?}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("changes     candidates 1 new, 1 changed, 1 same, 1 removed"),
        "{err}"
    );
}

#[test]
fn compare_reads_and_writes_json_lines_with_a_change_field() {
    let tmp = workdir(CLIENT_FILE);
    let scan = |dir: &str, extra: &[&str]| {
        let mut args = vec!["scan", "notes", "--out", dir, "--format", "jsonl"];
        args.extend(extra);
        assert_status(&run(tmp.path(), &args), 0);
    };
    scan("day1", &[]);
    scan("day2", &["--compare", "day1"]);
    let body = std::fs::read_to_string(tmp.path().join("day2/candidates.jsonl")).unwrap();
    for line in body.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["change"], "same", "{line}");
        assert!(row["need"].is_boolean());
    }
    let removed = std::fs::read_to_string(tmp.path().join("day2/removed.jsonl")).unwrap();
    assert_eq!(removed, "");
}

#[test]
fn compare_with_a_folder_that_holds_no_tables_is_a_usage_error_and_writes_nothing() {
    let tmp = workdir(CLIENT_FILE);
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let out = run(
        tmp.path(),
        &["scan", "notes", "--out", "out", "--compare", "empty"],
    );
    assert_status(&out, 2);
    assert!(text(&out.stderr).contains("empty"), "{}", text(&out.stderr));
    assert!(!tmp.path().join("out").exists());
}

// 3. Nightly: the settings file.

#[test]
fn settings_file_supplies_team_format_and_output_folder_and_flags_override_it() {
    let tmp = workdir(CLIENT_FILE);
    std::fs::write(
        tmp.path().join("circlescan.toml"),
        "# nightly\nteam = [\"Kofi Mensah\"]\nout = \"results\"\nformat = \"jsonl\"\n\n[columns]\nclient = \"Account Name\"\n",
    )
    .unwrap();
    assert_status(&run(tmp.path(), &["scan", "notes"]), 0);
    let body = std::fs::read_to_string(tmp.path().join("results/candidates.jsonl")).unwrap();
    assert!(body.contains("Nadia Ferreira"), "{body}");
    assert!(
        !body.contains("\"person\":\"Kofi Mensah\""),
        "team from the settings: {body}"
    );

    // Flags win: another format, folder and team.
    let out = run(
        tmp.path(),
        &[
            "scan", "notes", "--out", "flagged", "--format", "csv", "--team", "Nobody",
        ],
    );
    assert_status(&out, 0);
    let body = std::fs::read_to_string(tmp.path().join("flagged/candidates.csv")).unwrap();
    assert!(body.contains("Kofi Mensah"), "{body}");

    // --config names another file; its relative paths are its own folder's.
    std::fs::create_dir(tmp.path().join("etc")).unwrap();
    std::fs::write(tmp.path().join("etc/nightly.toml"), "out = \"../night\"\n").unwrap();
    assert_status(
        &run(
            tmp.path(),
            &["scan", "notes", "--config", "etc/nightly.toml"],
        ),
        0,
    );
    assert!(tmp.path().join("night/candidates.csv").is_file());
}

#[test]
fn bad_settings_file_is_a_usage_error_naming_file_and_line() {
    let tmp = workdir(CLIENT_FILE);
    std::fs::write(
        tmp.path().join("circlescan.toml"),
        "out = \"results\"\nteem = [\"Dana\"]\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["scan", "notes"]);
    assert_status(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("circlescan.toml:2:"), "{err}");
    assert!(err.contains("teem"), "{err}");
    assert!(!tmp.path().join("results").exists());

    let missing = run(tmp.path(), &["scan", "notes", "--config", "nope.toml"]);
    assert_status(&missing, 2);
    assert!(text(&missing.stderr).contains("nope.toml"));
}

#[test]
fn scan_without_an_output_folder_anywhere_says_how_to_give_one() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["scan", "notes"]);
    assert_status(&out, 2);
    assert!(text(&out.stderr).contains("--out"), "{}", text(&out.stderr));
}

// 4. Spreadsheets: the workbook.

#[test]
fn xlsx_workbook_has_both_sheets_with_dates_numbers_and_text() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let tmp = workdir(CLIENT_FILE);
    let out = run(
        tmp.path(),
        &["scan", "notes", "--out", "out", "--format", "xlsx"],
    );
    assert_status(&out, 0);
    assert!(!tmp.path().join("out/candidates.csv").exists());
    let mut book: Xlsx<_> = open_workbook(tmp.path().join("out/circlescan.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["Candidates", "Flags"]);

    let cand = book.worksheet_range("Candidates").unwrap();
    let header: Vec<String> = cand
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.join(","), CANDIDATE_COLUMNS);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let kofi = cand
        .rows()
        .find(|r| r[col("person")] == Data::String("Kofi Mensah".into()))
        .expect("Kofi's row");
    assert_eq!(kofi[col("client")], Data::String("Kwame Asante".into()));
    assert_eq!(kofi[col("readiness")], Data::String("ready".into()));
    assert_eq!(kofi[col("need")], Data::String("yes".into()));
    assert_eq!(kofi[col("mentions")], Data::Float(1.0));
    assert!(matches!(kofi[col("score")], Data::Float(s) if s > 0.0));
    match &kofi[col("first_seen")] {
        // 2026-02-20 is day 46073 of the 1900 date system.
        Data::DateTime(d) => assert_eq!(d.as_f64(), 46073.0),
        other => panic!("first_seen should be a date, got {other:?}"),
    }
    assert!(matches!(&kofi[col("evidence")], Data::String(s) if s.contains("wants to meet you")));

    let flags = book.worksheet_range("Flags").unwrap();
    let fheader: Vec<String> = flags
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(fheader.join(","), FLAG_COLUMNS);
    let back_off = flags
        .rows()
        .find(|r| r[2] == Data::String("back_off".into()))
        .expect("back_off row");
    assert_eq!(back_off[3], Data::Float(2.0));
    assert!(matches!(back_off[1], Data::DateTime(_)));
}

#[test]
fn xlsx_compare_adds_change_column_and_removed_sheet() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let tmp = workdir(CLIENT_FILE);
    let args = ["scan", "notes", "--format", "xlsx", "--out"];
    assert_status(&run(tmp.path(), &[&args[..], &["day1"]].concat()), 0);
    std::fs::write(
        tmp.path().join("notes/kwame-asante.md"),
        CLIENT_FILE_NEXT_DAY,
    )
    .unwrap();
    assert_status(
        &run(
            tmp.path(),
            &[&args[..], &["day2", "--compare", "day1"]].concat(),
        ),
        0,
    );
    let mut book: Xlsx<_> = open_workbook(tmp.path().join("day2/circlescan.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["Candidates", "Flags", "Removed"]);
    let cand = book.worksheet_range("Candidates").unwrap();
    let header = cand.rows().next().unwrap();
    assert_eq!(header.last(), Some(&Data::String("change".into())));
    let removed = book.worksheet_range("Removed").unwrap();
    assert!(removed
        .rows()
        .any(|r| r.contains(&Data::String("Hal Brecker".into()))));
}

// 5. Lexicons as a user sees them.

#[test]
fn lexicons_list_and_show() {
    let tmp = tempfile::tempdir().unwrap();
    let list = run(tmp.path(), &["lexicons", "list"]);
    assert_status(&list, 0);
    let out = text(&list.stdout);
    let privacy = out
        .lines()
        .find(|l| l.starts_with("objections/privacy "))
        .unwrap_or_else(|| panic!("{out}"));
    let count: usize = privacy.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(count > 0, "{privacy}");

    let show = run(tmp.path(), &["lexicons", "show", "objections/privacy"]);
    assert_status(&show, 0);
    assert!(text(&show.stdout).starts_with('#'));
    let short = run(tmp.path(), &["lexicons", "show", "privacy"]);
    assert_eq!(short.stdout, show.stdout, "a unique stem is enough");

    let unknown = run(tmp.path(), &["lexicons", "show", "no/such"]);
    assert_status(&unknown, 2);
}

#[test]
fn lexicons_export_then_check_then_a_bad_line_is_reported_with_path_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let export = run(tmp.path(), &["lexicons", "export", "mine"]);
    assert_status(&export, 0);
    let privacy = tmp.path().join("mine/objections/privacy.txt");
    assert!(privacy.is_file());
    assert_status(&run(tmp.path(), &["lexicons", "export", "mine"]), 2);
    assert_status(
        &run(tmp.path(), &["lexicons", "export", "mine", "--force"]),
        0,
    );

    let ok = run(tmp.path(), &["lexicons", "check", "mine"]);
    assert_status(&ok, 0);
    assert!(text(&ok.stdout).contains("fine"), "{}", text(&ok.stdout));

    std::fs::write(&privacy, "# privacy\nprivate people\nre:(unclosed\n").unwrap();
    let bad = run(tmp.path(), &["lexicons", "check", "mine"]);
    assert_status(&bad, 2);
    let err = text(&bad.stderr);
    assert!(err.contains("privacy.txt:3: invalid regex"), "{err}");

    // The user's file shows in list and show.
    std::fs::write(&privacy, "# privacy\nprivate people\n").unwrap();
    let list = run(tmp.path(), &["lexicons", "list", "--lexicons", "mine"]);
    let listed = text(&list.stdout);
    let line = listed
        .lines()
        .find(|l| l.starts_with("objections/privacy "))
        .unwrap_or_else(|| panic!("{listed}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[1], "1", "{line}");
    assert!(cells[2].ends_with("privacy.txt"), "{line}");
}

// 6. Conventions.

#[test]
fn completions_for_each_shell_and_a_man_page() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(tmp.path(), &["completions", shell]);
        assert_status(&out, 0);
        let script = text(&out.stdout);
        assert!(script.contains("circlescan"), "{shell}");
        assert!(script.contains("compare"), "{shell} completes --compare");
    }
    let man = run(tmp.path(), &["man"]);
    assert_status(&man, 0);
    assert!(text(&man.stdout).contains(".TH circlescan 1"));
}

#[test]
fn version_and_help_with_examples_for_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let version = run(tmp.path(), &["--version"]);
    assert_status(&version, 0);
    assert_eq!(
        text(&version.stdout).trim(),
        format!("circlescan {}", env!("CARGO_PKG_VERSION"))
    );
    for sub in [
        "scan",
        "candidates",
        "flags",
        "review",
        "lexicons",
        "completions",
        "man",
    ] {
        let help = run(tmp.path(), &[sub, "--help"]);
        assert_status(&help, 0);
        let out = text(&help.stdout);
        assert!(out.contains("Examples:"), "{sub}:\n{out}");
        assert!(out.contains(&format!("circlescan {sub}")), "{sub}:\n{out}");
    }
}

#[test]
fn broken_pipe_ends_quietly_with_success() {
    let tmp = workdir(CLIENT_FILE);
    for args in [
        &["review", "notes"][..],
        &["candidates", "notes"],
        &["lexicons", "show", "people/family"],
        &["man"],
    ] {
        let mut child = bin()
            .current_dir(tmp.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before anything is written, like `| head -0`.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_status(&out, 0);
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

// 7. One client: review.

#[test]
fn review_shows_flag_and_why_then_candidates_then_flags_newest_first() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["review", "notes/kwame-asante.md"]);
    assert_status(&out, 0);
    let s = text(&out.stdout);
    assert!(!s.contains('\x1b'), "no colour into a pipe:\n{s}");
    assert!(s.starts_with("Kwame Asante\n"), "{s}");
    assert!(
        s.contains("current flag: ask_now (2026-02-20): thanked"),
        "{s}"
    );
    let pos = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} in\n{s}"));
    assert!(pos("Kofi Mensah, brother-in-law") < pos("Flags ("));
    assert!(s.contains("ready — next: three_way_meeting"), "{s}");
    assert!(
        s.contains("> His brother-in-law Kofi Mensah got hacked"),
        "{s}"
    );
    assert!(s.contains("notes/kwame-asante.md:10"), "{s}");
    // Newest first.
    assert!(
        pos("- 2026-02-20 ask_now") < pos("- 2026-01-15 back_off"),
        "{s}"
    );
}

#[test]
fn review_highlights_names_and_matched_phrases_only_when_colour_is_wanted() {
    let tmp = workdir(CLIENT_FILE);
    let out = run(tmp.path(), &["review", "notes", "--color", "always"]);
    assert_status(&out, 0);
    let s = text(&out.stdout);
    assert!(
        s.contains("\x1b[1mKofi Mensah\x1b[0m"),
        "name in bold:\n{s}"
    );
    assert!(
        s.contains("\x1b[1;32mwants to meet you\x1b[0m"),
        "interest phrase:\n{s}"
    );
    assert!(
        s.contains("\x1b[1;31mdon't want to bother\x1b[0m"),
        "objection:\n{s}"
    );

    let never = run(tmp.path(), &["review", "notes", "--color", "never"]);
    assert!(!text(&never.stdout).contains('\x1b'));
    // NO_COLOR is honoured (and a pipe is no terminal either).
    let no_color = bin()
        .current_dir(tmp.path())
        .args(["review", "notes"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!text(&no_color.stdout).contains('\x1b'));
}

/// A scan stopped by Ctrl-C (or a scheduler's SIGTERM) takes its temporary
/// folder, as big as the input, with it; a previous day's tables in the
/// folder stay as they were.
#[cfg(unix)]
#[test]
fn an_interrupted_scan_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // Big enough that the scan is still running when it is stopped.
    let mut csv = String::from("client,date,note\n");
    let note = CLIENT_FILE
        .lines()
        .skip(3)
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', "'");
    for i in 0..40_000 {
        csv.push_str(&format!("Client {i},2026-01-15,\"{note}\"\n"));
    }
    std::fs::write(tmp.path().join("export.csv"), csv).expect("write");
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("candidates.csv"), "yesterday\n").expect("write");
    let mut child = bin()
        .current_dir(tmp.path())
        .args(["scan", "export.csv", "--out", "out", "--quiet"])
        .stdin(Stdio::null())
        .spawn()
        .expect("circlescan starts");
    let started = std::time::Instant::now();
    let spilling = || {
        std::fs::read_dir(&out).expect("out").any(|e| {
            e.expect("entry")
                .file_name()
                .to_string_lossy()
                .starts_with(".circlescan-spill.")
        })
    };
    while !spilling() {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the scan ended before its temporary folder was seen"
        );
        assert!(started.elapsed().as_secs() < 60, "no temporary folder");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "{status:?}");
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["candidates.csv"]);
    assert_eq!(
        std::fs::read_to_string(out.join("candidates.csv")).expect("read"),
        "yesterday\n"
    );
}

/// A run killed outright (SIGKILL, the out-of-memory killer) cannot remove
/// its temporary folder; the next scan into the same folder does, and
/// leaves alone the folders of runs still going or of other machines.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_run_s_temporary_folder_is_removed_by_the_next_scan() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(tmp.path().join("notes")).expect("mkdir");
    std::fs::write(tmp.path().join("notes/kwame.md"), CLIENT_FILE).expect("write");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("hostname")
        .trim()
        .replace('.', "-");
    // A process that has ended: its id names no one now.
    let mut gone = Command::new("true").spawn().expect("true runs");
    let dead = gone.id();
    gone.wait().expect("true ends");
    let alive = std::process::id();
    let out = tmp.path().join("out");
    let folders = [
        (format!(".circlescan-spill.{host}.{dead}.k1lLd"), false),
        (format!(".circlescan-spill.{host}.{alive}.l1v3x"), true),
        (format!(".circlescan-spill.elsewhere.{dead}.0th3r"), true),
        ("keep-me".to_string(), true),
    ];
    for (name, _) in &folders {
        std::fs::create_dir_all(out.join(name)).expect("mkdir");
        std::fs::write(out.join(name).join("notes-0000.bin"), "x").expect("write");
    }
    let run = run(tmp.path(), &["scan", "notes", "--out", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    for (name, kept) in &folders {
        assert_eq!(out.join(name).exists(), *kept, "{name}");
    }
    assert!(out.join("candidates.csv").is_file());
}

/// The nightly job often writes its tables into the folder it scans: the
/// tables of the night before (and a link to them) are never read as notes.
#[cfg(unix)]
#[test]
fn an_output_folder_inside_the_scanned_folder_is_not_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let notes = tmp.path().join("notes");
    std::fs::create_dir_all(&notes).expect("notes folder");
    std::fs::write(notes.join("kwame-asante.md"), CLIENT_FILE).expect("client file");
    let first = run(tmp.path(), &["scan", "notes", "--out", "notes/out"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let tables = std::fs::read(notes.join("out/candidates.csv")).expect("candidates");
    std::os::unix::fs::symlink("out/candidates.csv", notes.join("latest.csv")).expect("link");
    let second = run(
        tmp.path(),
        &["scan", "notes", "--out", "notes/out", "--summary"],
    );
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(
        std::fs::read(notes.join("out/candidates.csv")).expect("again"),
        tables
    );
    assert!(
        text(&second.stderr).contains("from 1 file,"),
        "only the client file is read: {}",
        text(&second.stderr)
    );
}
