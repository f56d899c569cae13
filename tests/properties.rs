//! Property tests (issue 7): the date parser, the CSV formula guard and the
//! name merger, over generated input. Garbage must never panic.
use circlescan::aggregate::{is_title, same_name};
use circlescan::read::date::{
    numeric_date_shape, parse_date, parse_date_prefix, parse_date_prefix_any_year, why_unreadable,
    Date,
};
use circlescan::read::decode::{has_invisible, is_invisible};
use circlescan::write::csv::{guard_cell, FORMULA_START};
use proptest::prelude::*;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Any real calendar day the parser accepts (1900-2199).
fn any_date() -> impl Strategy<Value = Date> {
    (1900u32..=2199, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| Date::new(y, m, d))
}

/// Every supported spelling of `d`, picked by `form`.
fn spell(d: Date, form: usize) -> Option<String> {
    let (y, m, day) = (d.year, usize::from(d.month), d.day);
    let month = MONTHS[m - 1];
    let short = &month[..3];
    let th = match day {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    Some(match form {
        0 => format!("{y:04}-{m:02}-{day:02}"),
        1 => format!("{y}-{m}-{day}"),
        2 => format!("{y}/{m}/{day}"),
        3 => format!("{y}.{m:02}.{day:02}"),
        4 => format!("{m}/{day}/{y}"),
        5 => format!("{m:02}/{day:02}/{y}"),
        6 => format!("{m}-{day}-{y}"),
        // Two-digit years are this century.
        7 if (2000..=2099).contains(&y) => format!("{m}/{day}/{:02}", y % 100),
        7 => format!("{m}/{day}/{y}"),
        8 => format!("{month} {day}, {y}"),
        9 => format!("{short} {day} {y}"),
        10 => format!("{short}. {day}, {y}"),
        11 => format!("{day} {short} {y}"),
        12 => format!("{day} {month}, {y}"),
        13 => format!("{day}{th} {month}, {y}"),
        14 => format!("Tuesday, {month} {day}, {y}"),
        15 => format!("{}  {day},{y}", month.to_uppercase()),
        16 => format!("{y:04}-{m:02}-{day:02}T10:00:00Z"),
        17 => format!("{y:04}-{m:02}-{day:02}T23:59:59.123-04:00"),
        18 => format!("{y:04}-{m:02}-{day:02} 10:00"),
        19 => format!("  {m}/{day}/{y}  "),
        _ => return None,
    })
}

const FORMS: usize = 20;

/// Text mixing plain words with the characters around the invisible
/// ones: controls, C1 controls, bidirectional marks, their UTF-8 neighbours.
fn near_invisible() -> impl Strategy<Value = String> {
    let tricky = prop_oneof![
        any::<char>(),
        (0u32..0x20).prop_map(|c| char::from_u32(c).expect("ascii")),
        (0x7Eu32..0xA1).prop_map(|c| char::from_u32(c).expect("latin")),
        (0x0600u32..0x0640).prop_map(|c| char::from_u32(c).expect("arabic")),
        (0x2000u32..0x2070).prop_map(|c| char::from_u32(c).expect("punctuation")),
        (0xFEF0u32..0xFF10).prop_map(|c| char::from_u32(c).expect("forms")),
        Just('a'),
        Just(' '),
    ];
    proptest::collection::vec(tricky, 0..24).prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn invisible_characters_are_found_from_the_bytes_as_from_the_characters(text in near_invisible()) {
        prop_assert_eq!(has_invisible(&text), text.chars().any(is_invisible), "{:?}", text);
    }

    #[test]
    fn every_spelling_of_a_date_parses_back_to_it(d in any_date(), form in 0..FORMS) {
        let text = spell(d, form).expect("form in range");
        prop_assert_eq!(parse_date(&text), Some(d), "{:?}", text);
        prop_assert_eq!(parse_date(&d.to_string()), Some(d));
    }

    #[test]
    fn a_date_line_prefix_keeps_what_follows(d in any_date(), form in 0..16usize, tail in "[ -~]{0,20}") {
        let text = spell(d, form).expect("form in range");
        let line = format!("{text} - {tail}");
        let (got, rest) = parse_date_prefix(&line).expect("a date line");
        prop_assert_eq!(got, d);
        prop_assert!(line.ends_with(rest));
    }

    #[test]
    fn years_out_of_range_are_refused_and_explained(
        y in prop_oneof![1000u32..1900, 2200u32..=9999],
        m in 1u32..=12,
        day in 1u32..=28,
    ) {
        let text = format!("{y:04}-{m:02}-{day:02}");
        prop_assert_eq!(parse_date(&text), None);
        let why = why_unreadable(&text);
        prop_assert!(why.contains(&format!("year {y} is outside 1900-2199")), "{}", why);
    }

    #[test]
    fn garbage_never_panics(s in any::<String>()) {
        check_no_panic(&s);
    }

    #[test]
    fn date_like_garbage_never_panics(s in "[0-9/.,: TtZ+-]{0,24}|[A-Za-z0-9.,/ -]{0,24}") {
        check_no_panic(&s);
    }

    #[test]
    fn formula_guard_leaves_nothing_to_run(s in cell()) {
        let guarded = guard_cell(&s, true);
        prop_assert!(!guarded.starts_with(FORMULA_START), "{:?} -> {:?}", s, guarded);
        prop_assert!(!guarded.chars().any(is_invisible), "{:?}", guarded);
        let clean: String = s.chars().filter(|&c| !is_invisible(c)).collect();
        if clean.starts_with(FORMULA_START) {
            // Stripping the guard's `'` gives the input back, minus the
            // invisible characters.
            prop_assert_eq!(guarded.strip_prefix('\''), Some(clean.as_str()));
        } else {
            prop_assert_eq!(&guarded, &clean);
        }
        prop_assert_eq!(guard_cell(&s, false), clean);
    }

    #[test]
    fn same_name_is_reflexive(s in name()) {
        prop_assume!(!s.trim().is_empty());
        prop_assert!(same_name(&s, &s), "{:?}", s);
    }

    #[test]
    fn same_name_is_symmetric(a in name(), b in name()) {
        prop_assert_eq!(same_name(&a, &b), same_name(&b, &a), "{:?} / {:?}", a, b);
    }

    #[test]
    fn a_first_name_is_the_same_person_as_the_full_name(first in "[A-Z][a-z]{1,8}", last in "[A-Z][a-z]{1,8}") {
        prop_assume!(!is_title(&first.to_lowercase()));
        let full = format!("{first} {last}");
        prop_assert!(same_name(&first, &full));
        prop_assert!(same_name(&full, &first));
        let titled = format!("Dr. {}", last);
        prop_assert!(same_name(&titled, &full));
    }
}

fn check_no_panic(s: &str) {
    let _ = parse_date(s);
    let _ = parse_date_prefix(s);
    let _ = parse_date_prefix_any_year(s);
    let _ = why_unreadable(s);
    let _ = numeric_date_shape(s);
}

/// Cells: anything, and things that start like formulas or hide them.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[=+@\t\r\n-][ -~]{0,12}",
        "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}]{1,3}[=+@\t\r\n'a-z-][ -~]{0,8}",
        "'[=+@-]?[ -~]{0,8}",
    ]
}

/// Names: anything, and names with titles, initials and case changes that
/// reach every branch of the merger.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "((Dr|Mr|Mrs|Ms|Miss|Prof)\\.? )?[A-Za-z]{1,6}( [A-Za-z]{1,6}\\.?){0,2}",
        "[ ]{0,2}(Tom|tom|TOM|T\\.|Reyes|Dr\\.|Dr)( (Tom|Reyes|reyes|Dr\\.)){0,2}[ ]{0,2}",
    ]
}
