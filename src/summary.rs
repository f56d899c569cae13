//! The summary `scan` prints on standard error at the end: notes, files and
//! clients read, candidates by readiness, flags by kind, changes since the
//! previous run, problems, the time taken and what was written.
//!
//! Input: the `Scan`, the comparison and the files written. Output: text.
//! It prints nothing itself.
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

use circlescan::diag::Severity;
use circlescan::model::{FlagKind, Readiness};
use circlescan::write::compare::ChangeCounts;
use circlescan::Scan;

/// The summary's lines, each ending in a newline.
pub fn render(
    scan: &Scan,
    changes: Option<(ChangeCounts, ChangeCounts)>,
    written: &[PathBuf],
    elapsed: Duration,
) -> String {
    let t = &scan.counts;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "circlescan: {} of {} from {}, in {}",
        plural(scan.notes, "note"),
        plural(scan.clients, "client"),
        plural(scan.files, "file"),
        duration(elapsed)
    );
    let readiness = [Readiness::Ready, Readiness::Nurture, Readiness::Noted]
        .iter()
        .map(|r| {
            let n = t.with_readiness(*r);
            format!("{n} {}", r.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  candidates  {} ({readiness})", t.candidates);
    let kinds: Vec<String> = FlagKind::ALL
        .iter()
        .filter_map(|k| {
            let n = t.with_flag(*k);
            (n > 0).then(|| format!("{n} {}", k.as_str()))
        })
        .collect();
    if kinds.is_empty() {
        let _ = writeln!(out, "  flags       0");
    } else {
        let _ = writeln!(out, "  flags       {} ({})", t.flags, kinds.join(", "));
    }
    if let Some((cand, flags)) = changes {
        let _ = writeln!(out, "  changes     candidates {}", counts(cand));
        let _ = writeln!(out, "              flags {}", counts(flags));
    }
    let errors = scan
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = scan.diagnostics.len() - errors;
    if errors + warnings == 0 {
        let _ = writeln!(out, "  problems    none");
    } else {
        let _ = writeln!(
            out,
            "  problems    {}, {} (listed above)",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    if !written.is_empty() {
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        let _ = writeln!(out, "  wrote       {}", names.join(", "));
    }
    out
}

fn counts(c: ChangeCounts) -> String {
    format!(
        "{} new, {} changed, {} same, {} removed",
        c.new, c.changed, c.same, c.removed
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}
