//! The whole note pipeline: a client file read from arbitrary bytes, each
//! note split, detected and flagged, the records aggregated into tables and
//! rendered as CSV.
#![no_main]
use std::sync::{Arc, OnceLock};

use circlescan::detect::Detector;
use circlescan::lexicon::{load_lexicons, Matcher};
use circlescan::notes::Roster;
use circlescan::read::{read_bytes, Columns, Format};
use circlescan::write::{render_candidates, render_flags, OutputFormat, RenderOptions};
use libfuzzer_sys::fuzz_target;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let set = load_lexicons(None).expect("the built-in lexicons parse");
        Matcher::new(&set).expect("the built-in lexicons compile")
    })
}

fn roster() -> &'static Roster {
    static ROSTER: OnceLock<Roster> = OnceLock::new();
    ROSTER.get_or_init(|| Roster::new(&["Dana Whitaker".to_string()]))
}

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz/linda-park.md");
    let result = read_bytes(&path, Format::Text, data, &Columns::default());
    let detector = Detector::new(matcher(), roster());
    let clients: Vec<_> =
        circlescan::aggregate::group_by_client(result.notes, |n| n.client.as_str())
            .into_iter()
            .map(|(key, notes)| (key, circlescan::analyse_client(notes, &detector)))
            .collect();
    let tables = circlescan::aggregate::build_tables(clients);
    let options = RenderOptions {
        format: OutputFormat::Csv,
        formula_guard: true,
        bom: false,
    };
    let _ = render_candidates(&tables, options);
    let _ = render_flags(&tables, options);
});
