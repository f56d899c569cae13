//! `circlescan lexicons list|show|check|export`: the phrase lists as a user
//! sees them. Input: the subcommand. Output: a `Report` (text for stdout
//! and stderr, and whether it failed); `main` prints it.
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use circlescan::cli::LexiconsAction;
use circlescan::config::Fatal;
use circlescan::lexicon::builtin::FILES;
use circlescan::lexicon::parse::parse_lexicon;
use circlescan::lexicon::{load_lexicons, Matcher};

/// What a lexicons subcommand has to say.
#[derive(Debug, Default)]
pub struct Report {
    /// For standard output.
    pub out: String,
    /// For standard error (`path:line: message` lines).
    pub err: String,
    /// Something was wrong: exit 2.
    pub failed: bool,
}

/// Runs one lexicons subcommand.
pub fn run(action: &LexiconsAction) -> Result<Report, Fatal> {
    match action {
        LexiconsAction::List(source) => list(source.lexicons.as_deref()),
        LexiconsAction::Show { category, source } => show(category, source.lexicons.as_deref()),
        LexiconsAction::Check { dir } => Ok(check(dir)),
        LexiconsAction::Export { dir, force } => export(dir, *force),
    }
}

fn category_id(rel: &str) -> &str {
    rel.strip_suffix(".txt").unwrap_or(rel)
}

fn list(user: Option<&Path>) -> Result<Report, Fatal> {
    let set = load_lexicons(user).map_err(Fatal::Lexicon)?;
    let width = set.keys().map(String::len).max().unwrap_or(8).max(8);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  entries  file", "category");
    let mut total = 0;
    for (id, entries) in &set {
        total += entries.len();
        let from = match user.map(|d| d.join(format!("{id}.txt"))) {
            Some(p) if p.is_file() => p.display().to_string(),
            _ => format!("lexicons/{id}.txt (built in)"),
        };
        let _ = writeln!(out, "{id:<width$}  {:>7}  {from}", entries.len());
    }
    let _ = writeln!(out, "{} categories, {total} entries", set.len());
    Ok(Report {
        out,
        ..Report::default()
    })
}

fn show(category: &str, user: Option<&Path>) -> Result<Report, Fatal> {
    let wanted = category_id(category.trim_start_matches("lexicons/"));
    let mut ids: BTreeSet<String> = FILES
        .iter()
        .map(|(rel, _)| category_id(rel).to_string())
        .collect();
    if let Some(dir) = user {
        ids.extend(
            walk(dir)
                .into_iter()
                .map(|rel| category_id(&rel).to_string()),
        );
    }
    // A bare stem (`privacy`) names the one category that ends in it.
    let matches: Vec<&String> = if ids.contains(wanted) {
        ids.iter().filter(|id| *id == wanted).collect()
    } else {
        ids.iter()
            .filter(|id| id.rsplit('/').next() == Some(wanted))
            .collect()
    };
    let id = match matches.as_slice() {
        [one] => one.as_str(),
        [] => {
            return Err(Fatal::Usage(format!(
                "no lexicon category {category:?}; `circlescan lexicons list` shows them"
            )))
        }
        many => {
            let names: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            return Err(Fatal::Usage(format!(
                "{category:?} could be any of {}; give the whole name",
                names.join(", ")
            )));
        }
    };
    let rel = format!("{id}.txt");
    let text = match user.map(|d| d.join(&rel)).filter(|p| p.is_file()) {
        Some(p) => std::fs::read_to_string(&p)
            .map_err(|e| Fatal::Usage(format!("{}: cannot read: {e}", p.display())))?,
        None => FILES
            .iter()
            .find(|(r, _)| *r == rel)
            .map(|(_, t)| (*t).to_string())
            .ok_or_else(|| Fatal::Usage(format!("no lexicon category {category:?}")))?,
    };
    Ok(Report {
        out: text,
        ..Report::default()
    })
}

/// `.txt` files under `dir` as relative paths with `/`, sorted.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "txt") {
                if let Ok(rel) = path.strip_prefix(dir) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}

fn check(dir: &Path) -> Report {
    let mut report = Report::default();
    if !dir.is_dir() {
        report.err = format!("{}: not a folder\n", dir.display());
        report.failed = true;
        return report;
    }
    let files = walk(dir);
    if files.is_empty() {
        report.err = format!(
            "{}: no lexicon files (.txt) in this folder\n",
            dir.display()
        );
        report.failed = true;
        return report;
    }
    let builtin: BTreeSet<&str> = FILES.iter().map(|(rel, _)| *rel).collect();
    let (mut entries, mut replacing) = (0, 0);
    for rel in &files {
        let path = dir.join(rel);
        let display = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(report.err, "{display}: cannot read: {e}");
                report.failed = true;
                continue;
            }
        };
        match parse_lexicon(&display, &text) {
            Ok(list) => {
                entries += list.len();
                if list.is_empty() {
                    let _ = writeln!(report.err, "{display}: warning: no entries");
                }
            }
            Err(e) => {
                let _ = writeln!(report.err, "{e}");
                report.failed = true;
            }
        }
        warn_duplicates(&mut report.err, &display, &text);
        if builtin.contains(rel.as_str()) {
            replacing += 1;
        }
    }
    if !report.failed {
        // The folder laid over the built-in lists must compile as a whole.
        if let Err(e) = load_lexicons(Some(dir)).and_then(|set| Matcher::new(&set).map(|_| ())) {
            let _ = writeln!(report.err, "{e}");
            report.failed = true;
        }
    }
    if !report.failed {
        let _ = writeln!(
            report.out,
            "{}: {} with {entries} entries are fine ({replacing} replace built-in files, {} add categories)",
            dir.display(),
            if files.len() == 1 { "1 file".to_string() } else { format!("{} files", files.len()) },
            files.len() - replacing
        );
    }
    report
}

fn warn_duplicates(err: &mut String, display: &str, text: &str) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(first) = seen.insert(t.to_lowercase(), i + 1) {
            let _ = writeln!(err, "{display}:{}: warning: repeats line {first}", i + 1);
            seen.insert(t.to_lowercase(), first);
        }
    }
}

fn export(dir: &Path, force: bool) -> Result<Report, Fatal> {
    let targets: Vec<(PathBuf, &str)> = FILES
        .iter()
        .map(|(rel, text)| (dir.join(rel), *text))
        .collect();
    if !force {
        let existing: Vec<String> = targets
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if let Some(first) = existing.first() {
            return Err(Fatal::Usage(format!(
                "{first} exists{}; pass --force to overwrite",
                if existing.len() > 1 {
                    format!(" (and {} more)", existing.len() - 1)
                } else {
                    String::new()
                }
            )));
        }
    }
    for (path, text) in &targets {
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)
        };
        write().map_err(|e| Fatal::Output(format!("{}: cannot write: {e}", path.display())))?;
    }
    let d = dir.display();
    Ok(Report {
        out: format!(
            "wrote {n} lexicon files to {d}\n\
             Edit them, delete the ones you leave alone (so you keep getting the built-in updates),\n\
             check with `circlescan lexicons check {d}`, and scan with `--lexicons {d}`.\n",
            n = targets.len()
        ),
        ..Report::default()
    })
}
