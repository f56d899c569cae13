//! `--format xlsx`: both tables as one workbook, `circlescan.xlsx`, with the
//! sheets `Candidates` and `Flags` (and `Removed` under `--compare`).
//!
//! Input: `Tables` (and the comparison). Output: the workbook's bytes. Each
//! sheet has a bold, frozen header row with an autofilter; dates are dates,
//! counts and scores numbers, evidence wrapped. Cells are written as text,
//! never as formulas, so no formula guard is needed.
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::cells::{candidate_cells, flag_cells};
use super::compare::{removed_cells, Changes, REMOVED_HEADER};
use super::csv::{CANDIDATE_HEADER, FLAG_HEADER};
use crate::model::Tables;

/// How a column is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text, as wide as its longest cell (within reason).
    Text,
    /// Long text, wrapped in a column of the given width.
    Wrap(u16),
    /// A whole number.
    Number,
    /// `YYYY-MM-DD` written as a date.
    Date,
}

fn kind(column: &str) -> Kind {
    match column {
        "evidence" => Kind::Wrap(60),
        "need_evidence" => Kind::Wrap(45),
        "reason" => Kind::Wrap(40),
        "mentions" | "score" | "objections" => Kind::Number,
        "first_seen" | "last_seen" | "date" => Kind::Date,
        _ => Kind::Text,
    }
}

struct Formats {
    header: Format,
    wrap: Format,
    date: Format,
    top: Format,
}

/// The workbook's bytes.
pub fn workbook(tables: &Tables, changes: Option<&Changes>) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        header: Format::new().set_bold(),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        date: Format::new()
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Top),
        top: Format::new().set_align(FormatAlign::Top),
    };
    let with_change = |mut header: Vec<&'static str>| {
        if changes.is_some() {
            header.push("change");
        }
        header
    };
    let change_cell = |list: fn(&Changes) -> &[super::compare::Change], i: usize| {
        changes
            .and_then(|c| list(c).get(i))
            .map(|c| c.as_str().to_string())
    };
    let candidates: Vec<Vec<String>> = tables
        .candidates
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = candidate_cells(r).to_vec();
            v.extend(change_cell(|c| &c.candidates, i));
            v
        })
        .collect();
    let flags: Vec<Vec<String>> = tables
        .flags
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = flag_cells(r).to_vec();
            v.extend(change_cell(|c| &c.flags, i));
            v
        })
        .collect();
    let mut book = Workbook::new();
    write_sheet(
        book.add_worksheet(),
        "Candidates",
        &with_change(CANDIDATE_HEADER.to_vec()),
        &candidates,
        &formats,
    )?;
    write_sheet(
        book.add_worksheet(),
        "Flags",
        &with_change(FLAG_HEADER.to_vec()),
        &flags,
        &formats,
    )?;
    if let Some(changes) = changes {
        let removed: Vec<Vec<String>> = removed_cells(changes)
            .into_iter()
            .map(|r| r.to_vec())
            .collect();
        write_sheet(
            book.add_worksheet(),
            "Removed",
            &REMOVED_HEADER,
            &removed,
            &formats,
        )?;
    }
    book.save_to_buffer()
}

fn write_sheet(
    sheet: &mut Worksheet,
    name: &str,
    header: &[&str],
    rows: &[Vec<String>],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (c, h) in header.iter().enumerate() {
        let col = col_num(c);
        sheet.write_string_with_format(0, col, *h, &f.header)?;
        let k = kind(h);
        let longest = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|v| v.chars().count())
            .chain([h.chars().count()])
            .max()
            .unwrap_or(0);
        let width = match k {
            Kind::Wrap(w) => f64::from(w),
            Kind::Date => 11.0,
            Kind::Number => (longest + 2).clamp(7, 12) as f64,
            Kind::Text => (longest + 2).clamp(8, 40) as f64,
        };
        sheet.set_column_width(col, width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, value) in row.iter().enumerate() {
            let col = col_num(c);
            if value.is_empty() {
                continue;
            }
            match header.get(c).map_or(Kind::Text, |h| kind(h)) {
                Kind::Number => match value.parse::<f64>() {
                    Ok(n) => sheet.write_number_with_format(r, col, n, &f.top)?,
                    Err(_) => sheet.write_string_with_format(r, col, value, &f.top)?,
                },
                Kind::Date => match parse_date(value) {
                    Some(d) => sheet.write_datetime_with_format(r, col, d, &f.date)?,
                    None => sheet.write_string_with_format(r, col, value, &f.top)?,
                },
                Kind::Wrap(_) => sheet.write_string_with_format(r, col, value, &f.wrap)?,
                Kind::Text => sheet.write_string_with_format(r, col, value, &f.top)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, last_row, col_num(header.len().saturating_sub(1)))?;
    Ok(())
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).expect("tables have fewer than 65536 columns")
}

fn parse_date(value: &str) -> Option<ExcelDateTime> {
    let mut parts = value.splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    ExcelDateTime::from_ymd(y, m, d).ok()
}
