//! Date parsing: every form the SPEC lists, normalised to `YYYY-MM-DD`.
//!
//! Input: a date string (a cell, a key, or the start of a line). Output: a
//! validated `Date` or `None`. It never decides what an unparsed date means.
use std::fmt;

/// A calendar date, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Four-digit year.
    pub year: u16,
    /// 1-12.
    pub month: u8,
    /// 1-31, valid for the month.
    pub day: u8,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The years a note's date may have; outside them a date is a typo.
pub const YEARS: std::ops::RangeInclusive<u32> = 1900..=2199;

impl Date {
    /// A date if the parts make a real calendar day between 1900 and 2199.
    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        Date::new_in(year, month, day, Years::Checked)
    }

    fn new_in(year: u32, month: u32, day: u32, years: Years) -> Option<Date> {
        let year_ok = match years {
            Years::Checked => YEARS.contains(&year),
            Years::Any => year <= 9999,
        };
        if !year_ok || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if day > days[(month - 1) as usize] {
            return None;
        }
        Some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }
}

/// Whether the year range applies while parsing.
#[derive(Clone, Copy)]
enum Years {
    /// 1900-2199 only.
    Checked,
    /// Any four-digit year: used to explain why a date was refused.
    Any,
}

/// Parses a whole cell: the date must be all of it (a time may follow).
pub fn parse_date(text: &str) -> Option<Date> {
    parse_whole(text, Years::Checked)
}

fn parse_whole(text: &str, years: Years) -> Option<Date> {
    let text = text.trim();
    let (date, rest) = parse_prefix_in(text, years)?;
    let rest = rest.trim();
    if rest.is_empty() || looks_like_time(rest) {
        Some(date)
    } else {
        None
    }
}

/// Why a date cell or date line that did not parse was refused, as a
/// parenthesis for the diagnostic: `" (year 1850 is outside 1900-2199)"`,
/// or empty when it is simply not a date.
pub fn why_unreadable(text: &str) -> String {
    let text = text.trim();
    let parsed = parse_whole(text, Years::Any).or_else(|| {
        parse_prefix_in(text, Years::Any)
            .filter(|(_, rest)| short_tail(rest))
            .map(|(d, _)| d)
    });
    match parsed {
        Some(d) if !YEARS.contains(&u32::from(d.year)) => format!(
            " (year {} is outside {}-{})",
            d.year,
            YEARS.start(),
            YEARS.end()
        ),
        _ => String::new(),
    }
}

/// Whether what follows a date reads as a title (`- annual review`), not
/// as a sentence that merely starts with a date.
pub fn short_tail(rest: &str) -> bool {
    let rest = rest.trim();
    let words = rest.split_whitespace().take(10).count();
    let sentence_like = rest.ends_with('.') && words > 3;
    words <= 8 && !sentence_like
}

/// Whether `text` starts with something shaped like a numeric date with a
/// four-digit year (`1850-01-01`, `13/45/2026`, `2026-02-30`), valid or not;
/// returns the text after it.
pub fn numeric_date_shape(text: &str) -> Option<&str> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let a = digits(text);
    let sep = *text.as_bytes().get(a)?;
    if !(1..=4).contains(&a) || !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let rest = &text[a + 1..];
    let b = digits(rest);
    if !(1..=2).contains(&b) || rest.as_bytes().get(b) != Some(&sep) {
        return None;
    }
    let rest = &rest[b + 1..];
    let c = digits(rest);
    if !(1..=4).contains(&c) || (a != 4 && c != 4) {
        return None;
    }
    Some(&rest[c..])
}

fn looks_like_time(rest: &str) -> bool {
    let rest = rest.trim_start_matches(['T', 't', ' ', ',']);
    rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '+' | '-' | ' '))
}

/// Parses a date at the start of `text`; returns it and the text after it.
pub fn parse_date_prefix(text: &str) -> Option<(Date, &str)> {
    parse_prefix_in(text, Years::Checked)
}

/// `parse_date_prefix` without the year range: a date that is real but
/// out of range (`1850-01-01`) is still found, to be reported.
pub fn parse_date_prefix_any_year(text: &str) -> Option<(Date, &str)> {
    parse_prefix_in(text, Years::Any)
}

fn parse_prefix_in(text: &str, years: Years) -> Option<(Date, &str)> {
    numeric_date(text, years).or_else(|| month_name_date(text, years))
}

fn take_digits(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

fn numeric_date(s: &str, years: Years) -> Option<(Date, &str)> {
    let (a, rest) = take_digits(s, 1, 4)?;
    let sep = rest.chars().next()?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let (b, rest) = take_digits(&rest[1..], 1, 2)?;
    if !rest.starts_with(sep) {
        return None;
    }
    let (c, rest) = take_digits(&rest[1..], 1, 4)?;
    let a_len = s.bytes().take_while(u8::is_ascii_digit).count();
    let date = if a_len == 4 {
        Date::new_in(a, b, c, years)?
    } else {
        // US order month/day/year; a two-digit year is this century.
        let year = if c < 100 { 2000 + c } else { c };
        Date::new_in(year, a, b, years).or_else(|| Date::new_in(year, b, a, years))?
    };
    if rest.chars().next().is_some_and(|ch| ch.is_ascii_digit()) {
        return None;
    }
    Some((date, rest))
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

fn word_prefix(s: &str) -> (&str, &str) {
    let n = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphabetic() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    (&s[..n], &s[n..])
}

fn month_name_date(s: &str, years: Years) -> Option<(Date, &str)> {
    // "March 14, 2026" / "Mar 14 2026" / "Tuesday, March 14, 2026"
    let s = skip_weekday(s);
    if let Some((day, rest)) = take_digits(s, 1, 2) {
        // "14 Mar 2026" / "14 March, 2026"
        let rest = rest.trim_start_matches(['t', 'h', 's', 'n', 'd', 'r']);
        let (word, rest) = word_prefix(rest.trim_start());
        let month = month_number(word)?;
        let rest = rest.trim_start_matches([',', ' ']);
        let (year, rest) = take_digits(rest, 4, 4)?;
        return Some((Date::new_in(year, month, day, years)?, rest));
    }
    let (word, rest) = word_prefix(s);
    let month = month_number(word)?;
    let (day, rest) = take_digits(rest.trim_start(), 1, 2)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let rest = rest.trim_start_matches([',', ' ']);
    let (year, rest) = take_digits(rest, 4, 4)?;
    Some((Date::new_in(year, month, day, years)?, rest))
}

fn skip_weekday(s: &str) -> &str {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let (word, rest) = word_prefix(s);
    let lower = word.to_ascii_lowercase();
    if word.len() >= 3 && DAYS.iter().any(|d| lower.starts_with(d)) && month_number(word).is_none()
    {
        rest.trim_start_matches([',', ' '])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_string())
    }

    #[test]
    fn every_spec_form_normalises() {
        let cases = [
            ("2026-03-14", "2026-03-14"),
            ("3/14/2026", "2026-03-14"),
            ("03/14/26", "2026-03-14"),
            ("March 14, 2026", "2026-03-14"),
            ("Mar 14 2026", "2026-03-14"),
            ("14 Mar 2026", "2026-03-14"),
            ("14th March, 2026", "2026-03-14"),
            ("2025-08-27T10:00:00-04:00", "2025-08-27"),
            ("2025-08-27 10:00", "2025-08-27"),
            ("Tuesday, March 3, 2026", "2026-03-03"),
            ("2026/3/4", "2026-03-04"),
        ];
        for (input, want) in cases {
            assert_eq!(iso(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn impossible_or_foreign_dates_are_none() {
        for bad in [
            "2026-02-30",
            "13/45/2026",
            "soon",
            "1850-01-01",
            "2026-03-14 notes",
            "",
        ] {
            assert_eq!(iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn years_outside_the_range_are_explained() {
        assert_eq!(iso("2200-01-01"), None);
        assert_eq!(iso("2199-12-31").as_deref(), Some("2199-12-31"));
        assert_eq!(iso("1900-01-01").as_deref(), Some("1900-01-01"));
        assert_eq!(
            why_unreadable("1850-01-01"),
            " (year 1850 is outside 1900-2199)"
        );
        assert_eq!(
            why_unreadable("March 3, 2300"),
            " (year 2300 is outside 1900-2199)"
        );
        assert_eq!(why_unreadable("2026-02-30"), "");
        assert_eq!(why_unreadable("soon"), "");
    }

    #[test]
    fn numeric_shapes_need_a_four_digit_year() {
        assert_eq!(numeric_date_shape("13/45/2026 review"), Some(" review"));
        assert_eq!(numeric_date_shape("1850-01-01"), Some(""));
        assert_eq!(numeric_date_shape("1.2.3 release"), None);
        assert_eq!(numeric_date_shape("12345"), None);
        assert_eq!(numeric_date_shape(""), None);
    }

    #[test]
    fn prefix_returns_the_rest() {
        let (d, rest) = parse_date_prefix("2026-03-14 - annual review").unwrap();
        assert_eq!(d.to_string(), "2026-03-14");
        assert_eq!(rest, " - annual review");
    }
}
