//! Diagnostics: problems with input that do not stop the run.
//!
//! A `Diagnostic` names the file and, where known, the line or row. Stages
//! return them as values; only `main` prints them, sorted by (path, line).
use std::fmt;

use crate::read::decode::is_invisible;

/// How bad a problem is. Any `Error` makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something was read, but not all of it as written (a bad date, say).
    Warning,
    /// A file, row or record could not be read at all.
    Error,
}

/// One problem with one input, as one line: `path:line: severity: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The input as the user named it.
    pub path: String,
    /// 1-based line or row; 0 when the whole file is at fault.
    pub line: u32,
    /// Warning or error.
    pub severity: Severity,
    /// What went wrong, in plain words.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path:line`.
    pub fn error(path: &str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_string(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at `path:line`.
    pub fn warning(path: &str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // Control characters in a path or message must not reach a
        // terminal, nor bidirectional marks reorder the line on it.
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_control() || is_invisible(c) {
                        '?'
                    } else {
                        c
                    }
                })
                .collect()
        };
        if self.line == 0 {
            write!(
                f,
                "{}: {level}: {}",
                clean(&self.path),
                clean(&self.message)
            )
        } else {
            write!(
                f,
                "{}:{}: {level}: {}",
                clean(&self.path),
                self.line,
                clean(&self.message)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_with_nothing_hidden() {
        let d = Diagnostic::error("a\nb\u{202E}dm.csv", 3, "bad \u{1b}[31mrow");
        assert_eq!(d.to_string(), "a?b?dm.csv:3: error: bad ?[31mrow");
        let d = Diagnostic::warning("x.md", 0, "empty file, no notes");
        assert_eq!(d.to_string(), "x.md: warning: empty file, no notes");
    }
}
