//! A lexicon file (`#` comments, `re:` entries) from arbitrary text.
#![no_main]
use circlescan::lexicon::parse::parse_lexicon;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_lexicon("fuzz/people/family.txt", &text);
});
