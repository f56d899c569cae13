//! Shared machinery: run the binary in a temp dir, find the golden cases,
//! and describe byte differences readably. No assertions live here.
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `circlescan` binary Cargo built for this test run.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_circlescan"))
}

/// `fixtures/` at the crate root.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Whether `BLESS=1` asks to rewrite the expectations.
pub fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v == "1")
}

/// A golden case: `fixtures/cases/<name>/` with `notes/`, an optional
/// `args` file and `expected/`.
#[derive(Debug, Clone)]
pub struct Case {
    /// Directory name, which names the phenomenon.
    pub name: String,
    /// The case directory.
    pub dir: PathBuf,
}

impl Case {
    /// Extra CLI arguments from the `args` file, one per line (blank lines
    /// and `#` comments skipped).
    pub fn args(&self) -> Vec<String> {
        match std::fs::read_to_string(self.dir.join("args")) {
            Ok(text) => text
                .lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// `expected/<file>`.
    pub fn expected(&self, file: &str) -> PathBuf {
        self.dir.join("expected").join(file)
    }
}

/// Every case directory under `fixtures/cases/`, sorted by name.
pub fn all_cases() -> Vec<Case> {
    let root = fixtures().join("cases");
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|entry| entry.expect("readable fixtures/cases entry").path())
        .filter(|p| p.is_dir())
        .map(|dir| Case {
            name: dir
                .file_name()
                .expect("a directory has a name")
                .to_string_lossy()
                .into_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!cases.is_empty(), "no cases under {}", root.display());
    cases
}

/// Case names listed in `fixtures/cases/KNOWN_GAPS` (one a line, `#`
/// comments): behaviour the binary does not get right yet.
pub fn known_gaps() -> BTreeSet<String> {
    let path = fixtures().join("cases").join("KNOWN_GAPS");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// What one `scan` run produced.
#[derive(Debug)]
pub struct Scan {
    /// Exit code (`-1` when killed by a signal).
    pub status: i32,
    /// Standard error, as text.
    pub stderr: String,
    /// `candidates.<ext>` bytes, `None` when not written.
    pub candidates: Option<Vec<u8>>,
    /// `flags.<ext>` bytes, `None` when not written.
    pub flags: Option<Vec<u8>>,
}

/// Runs `circlescan scan <inputs> --out <tmp> --format <format> <extra>`
/// with `cwd` as the working directory, so `source` columns hold paths
/// relative to it (`notes/x.md:7`).
pub fn scan(cwd: &Path, inputs: &[&str], format: &str, extra: &[String]) -> Scan {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut args: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
    args.extend(["--format".to_string(), format.to_string()]);
    args.extend(extra.iter().cloned());
    let (status, stderr, files) = scan_into(cwd, &args, &tmp.path().join("out"));
    let take = |name: String| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
    };
    Scan {
        status,
        stderr,
        candidates: take(format!("candidates.{format}")),
        flags: take(format!("flags.{format}")),
    }
}

/// Runs `circlescan scan <args> --out <out>` from `cwd`: exit code, standard
/// error, and every file the output folder holds afterwards, by name.
pub fn scan_into(cwd: &Path, args: &[String], out: &Path) -> (i32, String, Vec<(String, Vec<u8>)>) {
    let output = bin()
        .current_dir(cwd)
        .arg("scan")
        .args(args)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .expect("circlescan runs");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .map(|dir| {
            dir.map(|e| {
                let e = e.expect("entry");
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).expect("readable"))
            })
            .collect()
        })
        .unwrap_or_default();
    files.sort();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        files,
    )
}

/// Runs a golden case the way its expectations were made: `scan notes
/// --out TMP --format csv` plus its `args`, from the case directory.
pub fn scan_case(case: &Case, extra: &[&str]) -> Scan {
    let mut args = case.args();
    args.extend(extra.iter().map(|s| s.to_string()));
    scan(&case.dir, &["notes"], "csv", &args)
}

/// Runs any subcommand from `cwd` and returns its output.
pub fn run(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = bin();
    cmd.current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        None => {
            cmd.stdin(Stdio::null());
            cmd.output().expect("circlescan runs")
        }
        Some(bytes) => {
            cmd.stdin(Stdio::piped());
            let mut child = cmd.spawn().expect("circlescan starts");
            let mut pipe = child.stdin.take().expect("piped stdin");
            pipe.write_all(bytes).expect("write stdin");
            drop(pipe);
            child.wait_with_output().expect("circlescan finishes")
        }
    }
}

/// A line diff of `expected` against `got` (`-` expected only, `+` got
/// only), or `None` when the bytes are equal. Line endings are not shown;
/// when only they (or the final newline) differ, the diff says so.
pub fn diff(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let lines = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .split_inclusive('\n')
            .map(|l| l.trim_end_matches(['\r', '\n']).to_string())
            .collect()
    };
    let (a, b) = (lines(expected), lines(got));
    // Longest common subsequence table; the files are small.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "    - {}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "    + {}", b[j]);
            j += 1;
        }
    }
    if out.is_empty() {
        out.push_str("    (same lines; line endings or the final newline differ)\n");
    }
    Some(out)
}

/// For two CSV tables, the cells that changed in rows found in both (rows
/// matched by the `key` columns), as `key: column: expected -> got` lines.
/// Rows present on one side only are left to [`diff`].
pub fn changed_cells(expected: &[u8], got: &[u8], key: &[usize]) -> String {
    let parse = |bytes: &[u8]| -> Option<(csv::StringRecord, Vec<csv::StringRecord>)> {
        let mut reader = csv::Reader::from_reader(bytes);
        let header = reader.headers().ok()?.clone();
        let rows = reader.records().collect::<Result<Vec<_>, _>>().ok()?;
        Some((header, rows))
    };
    let (Some((header, want)), Some((_, have))) = (parse(expected), parse(got)) else {
        return String::new();
    };
    let key_of = |r: &csv::StringRecord| -> Vec<String> {
        key.iter()
            .map(|&k| r.get(k).unwrap_or("").to_string())
            .collect()
    };
    let mut out = String::new();
    for w in &want {
        let Some(g) = have.iter().find(|g| key_of(g) == key_of(w)) else {
            continue;
        };
        for (col, name) in header.iter().enumerate() {
            let (a, b) = (w.get(col).unwrap_or(""), g.get(col).unwrap_or(""));
            if a != b {
                let _ = writeln!(out, "    {}: {name}: {a:?} -> {b:?}", key_of(w).join(" / "));
            }
        }
    }
    out
}

/// Writes `bytes` to `path`, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create expected/");
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
