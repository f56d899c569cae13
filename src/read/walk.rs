//! Expands the command line's paths into a sorted, de-duplicated list of
//! inputs with their formats.
//!
//! Input: paths as given. Output: `Input`s in sorted order plus diagnostics
//! for paths that cannot be walked. It never opens a file's contents.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Format;
use crate::diag::Diagnostic;

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Display path (as the user wrote it, joined with what the walk found).
    pub path: Arc<str>,
    /// How to read it.
    pub format: Format,
}

/// Walks every path (folders recursively), sorted; `-` is not handled here.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut found: Vec<(PathBuf, Format)> = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => {
                let reason = if std::fs::symlink_metadata(path).is_ok() {
                    "broken symbolic link".to_string()
                } else {
                    e.to_string()
                };
                diags.push(Diagnostic::error(
                    &display,
                    0,
                    format!("cannot read: {reason}"),
                ));
            }
            Ok(meta) if meta.is_dir() => {
                let mut visited = BTreeSet::new();
                walk_dir(path, &mut visited, &mut found, &mut diags);
            }
            Ok(_) => {
                // A file named explicitly is read even without a known extension.
                let format = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .and_then(Format::from_extension)
                    .unwrap_or(Format::Text);
                found.push((path.clone(), format));
            }
        }
    }
    // The same file named twice (or reached twice) is read once.
    let mut seen = BTreeSet::new();
    found.retain(|(p, _)| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    let mut inputs: Vec<Input> = found
        .into_iter()
        .map(|(p, format)| Input {
            path: Arc::from(p.display().to_string()),
            format,
        })
        .collect();
    inputs.sort();
    diags.sort();
    (inputs, diags)
}

fn walk_dir(
    dir: &Path,
    visited: &mut BTreeSet<PathBuf>,
    found: &mut Vec<(PathBuf, Format)>,
    diags: &mut Vec<Diagnostic>,
) {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        diags.push(Diagnostic::warning(
            &dir.display().to_string(),
            0,
            "symbolic link loop, skipped",
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                &dir.display().to_string(),
                0,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        match std::fs::metadata(&path) {
            Err(e) => {
                let reason = if std::fs::symlink_metadata(&path).is_ok() {
                    "broken symbolic link".to_string()
                } else {
                    e.to_string()
                };
                diags.push(Diagnostic::error(
                    &path.display().to_string(),
                    0,
                    format!("cannot read: {reason}"),
                ));
            }
            Ok(meta) if meta.is_dir() => walk_dir(&path, visited, found, diags),
            Ok(_) => {
                if let Some(format) = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .and_then(Format::from_extension)
                {
                    found.push((path, format));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_walk_sorted_and_skip_unknown_extensions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/z.md"), "x").unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        std::fs::write(dir.path().join("c.png"), "x").unwrap();
        let (inputs, diags) = expand_paths(&[dir.path().to_path_buf()]);
        assert!(diags.is_empty());
        let names: Vec<_> = inputs
            .iter()
            .map(|i| i.path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a.csv", "z.md"]);
        assert_eq!(inputs[0].format, Format::Csv);
    }

    #[test]
    fn missing_path_is_a_diagnostic_and_duplicates_collapse() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("n.txt");
        std::fs::write(&f, "x").unwrap();
        let (inputs, diags) = expand_paths(&[f.clone(), f, dir.path().join("nope.md")]);
        assert_eq!(inputs.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("cannot read"));
    }
}
