//! HTML in export note bodies (`<p>`, `<br>`, entities) reduced to text.
//!
//! Input: a note body. Output: plain text with block tags as line breaks.
//! Text without tags or entities is returned untouched (borrowed).
use std::borrow::Cow;

/// The longest tag read as a tag, `<` to `>`.
const MAX_TAG: usize = 200;

const BLOCK_TAGS: [&str; 9] = ["p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2"];

/// Strips tags and decodes entities when the body looks like HTML.
pub fn html_to_text(body: &str) -> Cow<'_, str> {
    let has_tag = body.contains('<') && body.contains('>');
    let has_entity = body.contains('&') && body.contains(';');
    if !has_tag && !has_entity {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('<') {
            match tag_at(rest) {
                Some((name, len)) => {
                    if BLOCK_TAGS.contains(&name.as_str()) {
                        out.push('\n');
                    }
                    rest = &rest[len..];
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            match entity_at(rest) {
                Some((c, len)) => {
                    out.push(c);
                    rest = &rest[len..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `<name ...>` or `</name>` at the start: lowercase name and length.
fn tag_at(s: &str) -> Option<(String, usize)> {
    // Only a short tag counts; looking further would make a body of many
    // `<` and no `>` quadratic.
    let end = memchr::memchr(b'>', &s.as_bytes()[..s.len().min(MAX_TAG + 1)])?;
    let inner = s[1..end].trim_start_matches('/');
    let name: String = inner
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() || !inner.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    Some((name, end + 1))
}

fn entity_at(s: &str) -> Option<(char, usize)> {
    // Bytes, not a `str` slice: byte 12 may fall inside a character.
    let end = memchr::memchr(b';', &s.as_bytes()[..s.len().min(12)])?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" | "lsquo" => '\'',
        "rdquo" | "ldquo" => '"',
        "mdash" => '—',
        "ndash" => '–',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_breaks_and_entities_decode() {
        let got = html_to_text("<p>Tom&#39;s wife &amp; kids</p><p>Next<br/>steps</p>");
        assert_eq!(got, "\nTom's wife & kids\n\nNext\nsteps\n");
    }

    #[test]
    fn entity_search_stops_at_a_character_boundary() {
        // Found by fuzzing: byte 12 fell inside the `Ê`.
        assert_eq!(html_to_text("&abcdefghij\u{ca};"), "&abcdefghij\u{ca};");
        assert_eq!(html_to_text("<p>a&#233;\u{ca}</p>"), "\na\u{e9}\u{ca}\n");
    }

    #[test]
    fn many_open_brackets_stay_linear() {
        let body = format!("{}>", "<".repeat(200_000));
        assert_eq!(html_to_text(&body).len(), body.len());
    }

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(html_to_text("plain"), "plain");
        assert_eq!(html_to_text("3 < 4 & 5 > 2"), "3 < 4 & 5 > 2");
    }
}
