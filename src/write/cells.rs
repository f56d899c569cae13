//! Each row as its cells in SPEC column order, spelled as CSV spells them
//! (`yes`/`no`, empty for no flag), with no formula guard. Shared by the
//! comparison with a previous run and by the workbook writer, so both see
//! the very values the CSV holds.
use crate::model::{CandidateRow, FlagRow};

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A candidate row's 16 cells, `csv::CANDIDATE_HEADER` order.
pub fn candidate_cells(r: &CandidateRow) -> [String; 16] {
    [
        r.client.clone(),
        r.person.clone(),
        r.relationship.clone(),
        r.circle.as_str().to_string(),
        yes_no(r.need).to_string(),
        r.need_evidence.clone(),
        yes_no(r.interest).to_string(),
        r.readiness.as_str().to_string(),
        r.next_step.as_str().to_string(),
        r.client_flag.map(|f| f.as_str()).unwrap_or("").to_string(),
        r.mentions.to_string(),
        r.first_seen.clone(),
        r.last_seen.clone(),
        r.score.to_string(),
        r.evidence.clone(),
        r.source.clone(),
    ]
}

/// A flag row's 7 cells, `csv::FLAG_HEADER` order.
pub fn flag_cells(r: &FlagRow) -> [String; 7] {
    [
        r.client.clone(),
        r.date.clone(),
        r.flag.as_str().to_string(),
        r.objections.to_string(),
        r.reason.clone(),
        r.evidence.clone(),
        r.source.clone(),
    ]
}
