//! CSV rendering: header, `yes`/`no`, RFC 4180 quoting, and the formula
//! guard that keeps spreadsheets from running a cell.
use std::borrow::Cow;

use crate::read::decode::{has_invisible, is_invisible};

/// Header of `candidates.csv`, SPEC order.
pub const CANDIDATE_HEADER: [&str; 16] = [
    "client",
    "person",
    "relationship",
    "circle",
    "need",
    "need_evidence",
    "interest",
    "readiness",
    "next_step",
    "client_flag",
    "mentions",
    "first_seen",
    "last_seen",
    "score",
    "evidence",
    "source",
];
/// Header of `flags.csv`, SPEC order.
pub const FLAG_HEADER: [&str; 7] = [
    "client",
    "date",
    "flag",
    "objections",
    "reason",
    "evidence",
    "source",
];

/// The characters that make a spreadsheet read a cell as a formula (or, for
/// the line breaks, hide one on the line below) when they lead it.
pub const FORMULA_START: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// Cell text safe for spreadsheets: control characters and bidirectional
/// marks dropped (tab and line breaks kept inside a cell), and a leading
/// `=`, `+`, `-`, `@`, tab, CR or LF defused with `'` when `guard` is on.
pub fn guard_cell(value: &str, guard: bool) -> String {
    guarded(value, guard).into_owned()
}

/// `guard_cell`, borrowing the cell when there is nothing to change (most
/// cells): the tables hold millions of them.
fn guarded(value: &str, guard: bool) -> Cow<'_, str> {
    let clean: Cow<'_, str> = if has_invisible(value) {
        Cow::Owned(value.chars().filter(|&c| !is_invisible(c)).collect())
    } else {
        Cow::Borrowed(value)
    };
    if guard && clean.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// The start of a CSV file: optional BOM and the header record.
pub fn head(header: &[&str], bom: bool) -> Vec<u8> {
    let mut buf = Vec::new();
    if bom {
        buf.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = writer(buf);
    w.write_record(header)
        .expect("writing to memory cannot fail");
    w.into_inner().expect("flushing memory cannot fail")
}

/// CSV records of rows, no header: pieces of one file concatenate.
pub fn records<R: AsRef<[String]>>(rows: impl Iterator<Item = R>, guard: bool) -> Vec<u8> {
    let mut w = writer(Vec::new());
    for row in rows {
        let cells: Vec<Cow<'_, str>> = row.as_ref().iter().map(|c| guarded(c, guard)).collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("flushing memory cannot fail")
}

fn writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_controls_removed() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")", true), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("@SUM(A1)", true), "'@SUM(A1)");
        assert_eq!(guard_cell("+1-555", true), "'+1-555");
        assert_eq!(guard_cell("-2", false), "-2");
        assert_eq!(guard_cell("a\u{7}b", true), "ab");
        assert_eq!(guard_cell("Tom", true), "Tom");
        assert_eq!(guard_cell("\nx", true), "'\nx");
        assert_eq!(guard_cell("\u{7}=1+1", true), "'=1+1");
        assert_eq!(guard_cell("\u{202E}=1+1", true), "'=1+1");
        assert_eq!(guard_cell("Linda\u{202E}kraP\u{200F}", false), "LindakraP");
        assert_eq!(guard_cell("a\nb\tc", true), "a\nb\tc");
    }
}
