//! Builds the effective lexicon set: the built-in files, with a user folder
//! (`--lexicons DIR`) laid over them by relative path.
//!
//! Input: an optional folder. Output: `LexiconSet` (category id -> entries)
//! or the first `LexiconError`. A user file whose relative path exists in the
//! built-in set replaces it; a new path adds a category. Never load-order.
use std::collections::BTreeMap;
use std::path::Path;

use super::builtin::FILES;
use super::parse::{parse_lexicon, parse_lexicon_with, Entry, LexiconError};
use super::shorthand::{self, Shorthand};

/// Category id (`objections/privacy`) -> its entries, in path order.
pub type LexiconSet = BTreeMap<String, Vec<Entry>>;

/// Loads the built-in lexicons, then the user's folder over them.
pub fn load_lexicons(user_dir: Option<&Path>) -> Result<LexiconSet, LexiconError> {
    let mut texts: BTreeMap<String, (String, String)> = FILES
        .iter()
        .map(|(rel, text)| {
            (
                category_id(rel),
                (format!("lexicons/{rel}"), (*text).to_string()),
            )
        })
        .collect();
    if let Some(dir) = user_dir {
        for (rel, display) in walk_user_dir(dir)? {
            let text = std::fs::read_to_string(dir.join(&rel)).map_err(|e| LexiconError {
                path: display.clone(),
                line: 0,
                message: format!("cannot read: {e}"),
            })?;
            texts.insert(category_id(&rel), (display, text));
        }
    }
    // The short forms first: every other file's patterns are widened by
    // them as they are read.
    let mut set = LexiconSet::new();
    if let Some((display, text)) = texts.remove(shorthand::CATEGORY) {
        set.insert(
            shorthand::CATEGORY.to_string(),
            parse_lexicon(&display, &text)?,
        );
    }
    let shorthand = Shorthand::from_set(&set);
    for (id, (display, text)) in texts {
        set.insert(id, parse_lexicon_with(&display, &text, Some(&shorthand))?);
    }
    Ok(set)
}

/// The display path of every built-in file, by category id.
pub fn builtin_display_paths() -> BTreeMap<String, String> {
    FILES
        .iter()
        .map(|(rel, _)| (category_id(rel), format!("lexicons/{rel}")))
        .collect()
}

fn category_id(rel: &str) -> String {
    rel.strip_suffix(".txt").unwrap_or(rel).to_string()
}

/// `.txt` files under `dir`, as (relative path with `/`, display path), sorted.
fn walk_user_dir(dir: &Path) -> Result<Vec<(String, String)>, LexiconError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let read = std::fs::read_dir(&current).map_err(|e| LexiconError {
            path: current.display().to_string(),
            line: 0,
            message: format!("cannot read lexicon folder: {e}"),
        })?;
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "txt") {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, path.display().to_string()));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_parses_without_duplicates_or_untrimmed_entries() {
        for (rel, text) in FILES {
            let entries = parse_lexicon(rel, text).unwrap();
            assert!(!entries.is_empty(), "{rel} is empty");
            let mut seen = std::collections::HashSet::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                assert_eq!(line, line.trim(), "{rel}:{} is untrimmed", n + 1);
                assert!(
                    seen.insert(line.to_lowercase()),
                    "{rel}:{} duplicates an earlier entry",
                    n + 1
                );
            }
            assert!(text.starts_with('#'), "{rel} must open with a comment");
        }
    }

    #[test]
    fn user_file_replaces_builtin_by_path_and_new_path_adds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("objections")).unwrap();
        std::fs::write(
            dir.path().join("objections/refusal.txt"),
            "# r\nnope never\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("objections/custom.txt"), "# c\nno way\n").unwrap();
        let set = load_lexicons(Some(dir.path())).unwrap();
        assert_eq!(set["objections/refusal"].len(), 1);
        assert_eq!(set["objections/custom"][0].canonical, "no way");
    }

    #[test]
    fn bad_user_entry_names_the_user_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.txt"), "# c\nre:[\n").unwrap();
        let err = load_lexicons(Some(dir.path())).unwrap_err();
        assert!(err.to_string().contains("x.txt:2: invalid regex"), "{err}");
    }
}
