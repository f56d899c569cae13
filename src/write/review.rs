//! `circlescan review`: one client's tables as text for a person at a
//! terminal. Input: `Tables`. Output: a string; it prints nothing itself.
use std::fmt::Write;

use crate::model::Tables;

/// Renders the current flag and why, each candidate with its readiness,
/// next step and evidence, then each flag, newest first.
pub fn render_review(tables: &Tables) -> String {
    let mut out = String::new();
    let mut clients: Vec<&str> = tables
        .candidates
        .iter()
        .map(|c| c.client.as_str())
        .chain(tables.flags.iter().map(|f| f.client.as_str()))
        .collect();
    clients.dedup();
    clients.sort_unstable();
    clients.dedup();
    for client in clients {
        let flags: Vec<_> = tables.flags.iter().filter(|f| f.client == client).collect();
        let candidates: Vec<_> = tables
            .candidates
            .iter()
            .filter(|c| c.client == client)
            .collect();
        let current = candidates.first().and_then(|c| c.client_flag);
        let _ = writeln!(out, "{client}");
        match current {
            Some(flag) => {
                let why = flags
                    .iter()
                    .rev()
                    .find(|f| f.flag == flag)
                    .map(|f| f.reason.as_str())
                    .unwrap_or("");
                let _ = writeln!(out, "  current flag: {} — {why}", flag.as_str());
            }
            None => {
                let _ = writeln!(out, "  current flag: none");
            }
        }
        let _ = writeln!(out, "\n  Candidates ({})", candidates.len());
        for c in &candidates {
            let who = if c.person.is_empty() {
                format!("({})", c.relationship)
            } else {
                c.person.clone()
            };
            let rel = if c.person.is_empty() || c.relationship.is_empty() {
                String::new()
            } else {
                format!(", {}", c.relationship)
            };
            let _ = writeln!(
                out,
                "  - {who}{rel} [{}] {} — next: {} (score {})",
                c.circle.as_str(),
                c.readiness.as_str(),
                c.next_step.as_str(),
                c.score
            );
            let _ = writeln!(out, "      {}  ({})", c.evidence, c.source);
        }
        let _ = writeln!(out, "\n  Flags ({}), newest first", flags.len());
        for f in flags.iter().rev() {
            let date = if f.date.is_empty() {
                "undated"
            } else {
                &f.date
            };
            let _ = writeln!(out, "  - {date} {}: {}", f.flag.as_str(), f.reason);
            let _ = writeln!(out, "      {}  ({})", f.evidence, f.source);
        }
        out.push('\n');
    }
    out
}
