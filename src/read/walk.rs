//! Expands the command line's paths into a sorted, de-duplicated list of
//! inputs with their formats.
//!
//! Input: paths as given. Output: `Input`s in sorted order, with their
//! sizes, plus diagnostics for paths that cannot be walked. It never opens a
//! file's contents, and asks the file system once per file (a folder of
//! 100,000 client files is walked in well under a second).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::Format;
use crate::diag::Diagnostic;

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Display path (as the user wrote it, joined with what the walk found).
    pub path: Arc<str>,
    /// How to read it.
    pub format: Format,
    /// Size in bytes when walked (0 when unknown).
    pub size: u64,
}

/// A file the walk found: display path, format, real path (links
/// followed: the same file reached twice is read once) and size.
type Found = (PathBuf, Format, PathBuf, u64);

/// Walks every path (folders recursively), sorted; `-` is not handled here.
///
/// A file named on the command line is read whatever it is (a named pipe
/// from `<(...)` included); in a folder, only regular files with a known
/// extension are, and hidden entries are skipped. Files inside `exclude`
/// (the output folder) are left out.
pub fn expand_paths(paths: &[PathBuf], exclude: Option<&Path>) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut found: Vec<Found> = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => diags.push(Diagnostic::error(
                &display,
                0,
                format!("cannot read: {}", unreachable_reason(path, &e)),
            )),
            Ok(meta) if meta.is_dir() => {
                let mut walk = Walk::default();
                let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                walk.dir(path, real, &mut found, &mut diags);
            }
            Ok(meta) => {
                // A file named explicitly is read even without a known extension.
                let format = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .and_then(Format::from_extension)
                    .unwrap_or(Format::Text);
                let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                found.push((path.clone(), format, real, meta.len()));
            }
        }
    }
    // The same file named twice (or reached twice) is read once.
    let mut seen = rustc_hash::FxHashSet::default();
    found.retain(|(_, _, real, _)| seen.insert(real.clone()));
    if let Some(out) = exclude.and_then(|o| std::fs::canonicalize(o).ok()) {
        found.retain(|(_, _, real, _)| !real.starts_with(&out));
    }
    let mut inputs = Vec::new();
    for (p, format, _, size) in found {
        match p.to_str() {
            Some(s) => inputs.push(Input {
                path: Arc::from(s),
                format,
                size,
            }),
            // Inputs are opened by their display path, which would not be
            // this file: say so rather than fail to find it.
            None => diags.push(Diagnostic::error(
                &p.display().to_string(),
                0,
                "cannot read: the file name is not valid UTF-8; rename it",
            )),
        }
    }
    inputs.sort();
    diags.sort();
    // A broken path named twice (or named and found) is one problem.
    diags.dedup();
    (inputs, diags)
}

/// Why a path that exists as a directory entry cannot be followed: a broken
/// symbolic link, a loop of them, or the error itself.
fn unreachable_reason(path: &Path, err: &std::io::Error) -> String {
    if std::fs::symlink_metadata(path).is_err() {
        return err.to_string();
    }
    // Follow the links by hand: a loop comes back to a link already seen;
    // a broken link ends at nothing.
    let mut seen = BTreeSet::new();
    let mut cur = path.to_path_buf();
    for _ in 0..64 {
        match std::fs::read_link(&cur) {
            Ok(target) => {
                let next = match cur.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
                if !seen.insert(next.clone()) {
                    return "symbolic link loop".into();
                }
                cur = next;
            }
            Err(_) if std::fs::symlink_metadata(&cur).is_err() => {
                return "broken symbolic link".into();
            }
            Err(_) => return err.to_string(),
        }
    }
    "symbolic link loop".into()
}

/// A folder's entry (hidden ones are skipped): path, real path, and what
/// the file system says it is.
type Entry = (PathBuf, PathBuf, std::io::Result<std::fs::Metadata>);

/// One top-level folder's walk.
#[derive(Default)]
struct Walk {
    /// Real paths of the folders being walked, outermost first: a link back
    /// to one of them is a loop.
    ancestors: Vec<PathBuf>,
    /// Real paths of every folder walked: a second way into one adds
    /// nothing.
    visited: BTreeSet<PathBuf>,
}

impl Walk {
    /// Walks folder `dir`, whose real path (links followed) is `real`.
    fn dir(
        &mut self,
        dir: &Path,
        real: PathBuf,
        found: &mut Vec<Found>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.ancestors.contains(&real) {
            diags.push(Diagnostic::warning(
                &dir.display().to_string(),
                0,
                "symbolic link loop, skipped",
            ));
            return;
        }
        if !self.visited.insert(real.clone()) {
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
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                // Whether it is a link comes with the entry, at no cost.
                Ok(e) => paths.push((e.path(), e.file_type().map_or(true, |t| t.is_symlink()))),
                Err(e) => diags.push(Diagnostic::error(
                    &dir.display().to_string(),
                    0,
                    format!("cannot read folder: {e}"),
                )),
            }
        }
        paths.sort();
        // What each entry is, asked of the file system on every core.
        let entries: Vec<Entry> = paths
            .into_par_iter()
            .filter(|(path, _)| {
                !path
                    .file_name()
                    .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
            })
            .map(|(path, link)| {
                // The real path of an entry that is no link is its folder's
                // real path and its name: only links need resolving.
                let entry_real = match path.file_name() {
                    Some(name) if !link => real.join(name),
                    _ => std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone()),
                };
                let meta = std::fs::metadata(&path);
                (path, entry_real, meta)
            })
            .collect();
        self.ancestors.push(real);
        for entry in entries {
            self.entry(entry, found, diags);
        }
        self.ancestors.pop();
    }

    fn entry(&mut self, entry: Entry, found: &mut Vec<Found>, diags: &mut Vec<Diagnostic>) {
        let (path, real, meta) = entry;
        let format = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        match meta {
            // An unknown extension is not ours to complain about.
            Err(_) if format.is_none() => {}
            Err(e) => diags.push(Diagnostic::error(
                &path.display().to_string(),
                0,
                format!("cannot read: {}", unreachable_reason(&path, &e)),
            )),
            Ok(meta) if meta.is_dir() => self.dir(&path, real, found, diags),
            Ok(meta) => {
                let Some(format) = format else { return };
                if meta.is_file() {
                    found.push((path, format, real, meta.len()));
                } else {
                    // A named pipe would block the scan; a device is no export.
                    diags.push(Diagnostic::warning(
                        &path.display().to_string(),
                        0,
                        "not a regular file, skipped",
                    ));
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
        let (inputs, diags) = expand_paths(&[dir.path().to_path_buf()], None);
        assert!(diags.is_empty());
        let names: Vec<_> = inputs
            .iter()
            .map(|i| i.path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a.csv", "z.md"]);
        assert_eq!(inputs[0].format, Format::Csv);
    }

    #[cfg(unix)]
    #[test]
    fn links_broken_looping_and_repeated() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/a.md"), "x").unwrap();
        symlink("nowhere.md", d.join("broken.md")).unwrap();
        symlink("self.md", d.join("self.md")).unwrap();
        symlink("ping.md", d.join("pong.md")).unwrap();
        symlink("pong.md", d.join("ping.md")).unwrap();
        symlink("..", d.join("sub/up")).unwrap();
        symlink("sub", d.join("again")).unwrap();
        symlink("nowhere", d.join("no-ext")).unwrap();
        let (inputs, diags) = expand_paths(&[d.to_path_buf()], None);
        assert_eq!(inputs.len(), 1, "{inputs:?}");
        let got: Vec<String> = diags
            .iter()
            .map(|g| {
                let name = g.path.strip_prefix(&d.display().to_string()).unwrap();
                format!("{name}: {}", g.message)
            })
            .collect();
        assert_eq!(
            got,
            [
                // `again` sorts before `sub`, so the walk goes in that way.
                "/again/up: symbolic link loop, skipped",
                "/broken.md: cannot read: broken symbolic link",
                "/ping.md: cannot read: symbolic link loop",
                "/pong.md: cannot read: symbolic link loop",
                "/self.md: cannot read: symbolic link loop",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn pipes_in_folders_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            return;
        }
        let (inputs, diags) = expand_paths(&[dir.path().to_path_buf()], None);
        assert!(inputs.is_empty());
        assert_eq!(diags[0].message, "not a regular file, skipped");
    }

    #[test]
    fn missing_path_is_a_diagnostic_and_duplicates_collapse() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("n.txt");
        std::fs::write(&f, "x").unwrap();
        let (inputs, diags) = expand_paths(&[f.clone(), f, dir.path().join("nope.md")], None);
        assert_eq!(inputs.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("cannot read"));
    }
}
