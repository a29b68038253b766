//! What a search result shows of a document: its record, the JSON array `[title, kind,
//! url, snippet, intro, [[id, heading, text], ...]]` kept in the index's chunks
//! (`files.rs`). `intro` is the text before the first heading, and each section's `text`
//! runs from its heading to the next one, whitespace collapsed. The browser finds in them
//! the sections that match a query and the excerpts around its words.
//!
//! Records hold every page's text, so writing them is a visible share of a build: the
//! text is collapsed and escaped in one pass over its bytes rather than split into words,
//! joined and serialized (see benches/README.md).

use std::ops::Range;

use super::Doc;

/// Snippet length in characters when a page has no summary.
const SNIPPET: usize = 180;

/// The record of `doc`, as JSON.
pub(super) fn record(doc: &Doc<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.text.len() + doc.title.len() + 256);
    let snippet;
    let snippet = if doc.summary.is_empty() {
        snippet = excerpt(doc.text);
        snippet.as_str()
    } else {
        doc.summary
    };
    let body = |range: Range<usize>| doc.text.get(range).unwrap_or("");
    out.push(b'[');
    for field in [doc.title, doc.kind, &doc.url, snippet] {
        push_json(&mut out, field);
        out.push(b',');
    }
    let intro_end = doc.spans.first().map_or(doc.text.len(), |s| s.start);
    push_collapsed(&mut out, body(0..intro_end));
    out.extend_from_slice(b",[");
    let starts = doc.spans.iter().map(|s| s.start).chain([doc.text.len()]);
    let sections = doc.headings.iter().zip(doc.spans).zip(starts.skip(1));
    for (n, ((&(id, heading), span), next)) in sections.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_json(&mut out, id);
        out.push(b',');
        push_json(&mut out, heading);
        out.push(b',');
        push_collapsed(&mut out, body(span.end..next));
        out.push(b']');
    }
    out.extend_from_slice(b"]]");
    out
}

/// Appends `text` as a JSON string.
fn push_json(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Appends `text` as a JSON string with each run of whitespace made one space, trimmed:
/// what `text.split_whitespace()` joined by spaces gives, escaped as `serde_json` does.
fn push_collapsed(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.push(b'"');
    // `start` is where the run of bytes still to copy begins; `gap`, whether whitespace
    // was seen since the last word (leading whitespace is dropped).
    let (mut i, mut start, mut gap, mut wrote) = (0, 0, true, false);
    while i < bytes.len() {
        // Most bytes are plain: skip their run at once, then decide the byte after it. A
        // lone space between two plain bytes is written as it is, so it does not end the
        // run: most runs are then whole sentences, copied at once.
        let run = i;
        while let Some(&b) = bytes.get(i) {
            match CLASS[usize::from(b)] {
                PLAIN => i += 1,
                SPACE
                    if b == b' '
                        && i > run
                        && bytes
                            .get(i + 1)
                            .is_some_and(|&next| CLASS[usize::from(next)] == PLAIN) =>
                {
                    i += 2
                }
                _ => break,
            }
        }
        if i > run && gap {
            if wrote {
                out.push(b' ');
            }
            (gap, wrote, start) = (false, true, run);
        }
        let Some(&b) = bytes.get(i) else { break };
        let (space, len) = match CLASS[usize::from(b)] {
            SPACE => (true, 1),
            ESCAPE => (false, 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or('\0');
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if space {
            if !gap {
                out.extend_from_slice(&bytes[start..i]);
                gap = true;
            }
        } else {
            if gap {
                if wrote {
                    out.push(b' ');
                }
                (gap, wrote, start) = (false, true, i);
            }
            if CLASS[usize::from(b)] == ESCAPE {
                out.extend_from_slice(&bytes[start..i]);
                push_escape(out, b);
                start = i + 1;
            }
        }
        i += len;
    }
    if !gap {
        out.extend_from_slice(&bytes[start..]);
    }
    out.push(b'"');
}

/// Bytes copied as they are (a character's continuation bytes too).
const PLAIN: u8 = 0;
/// ASCII whitespace, as `char::is_whitespace` has it.
const SPACE: u8 = 1;
/// A quote, a backslash or another control character: escaped.
const ESCAPE: u8 = 2;
/// The first byte of the characters that may be Unicode whitespace (U+0085, U+00A0,
/// U+1680, U+2000 to U+205F, U+3000): decoded to tell. French text is full of accented
/// letters, and decoding each of them was most of the time of [`push_collapsed`].
const MAYBE_SPACE: u8 = 3;

/// The class of each byte.
static CLASS: [u8; 256] = {
    let mut class = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        class[b] = ESCAPE;
        b += 1;
    }
    let mut b = b'\t';
    while b <= b'\r' {
        class[b as usize] = SPACE;
        b += 1;
    }
    class[b' ' as usize] = SPACE;
    class[b'"' as usize] = ESCAPE;
    class[b'\\' as usize] = ESCAPE;
    class[0xc2] = MAYBE_SPACE;
    class[0xe1] = MAYBE_SPACE;
    class[0xe2] = MAYBE_SPACE;
    class[0xe3] = MAYBE_SPACE;
    class
};

/// The JSON escape of a quote, a backslash or a control character that is not
/// whitespace (`serde_json`'s choices).
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

/// The start of `text`, whitespace collapsed, cut at a word before [`SNIPPET`]
/// characters (with `…`) when longer. Only the words that can be shown are collapsed.
fn excerpt(text: &str) -> String {
    let (mut out, mut chars) = (String::new(), 0);
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
        if chars > SNIPPET {
            break;
        }
    }
    match out.char_indices().nth(SNIPPET) {
        None => out,
        Some((cut, _)) => {
            let cut = out[..cut].rfind(' ').unwrap_or(cut);
            format!("{}…", &out[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the record was before this module: split, joined, then serialized.
    fn collapsed_by_serde(text: &str) -> String {
        serde_json::to_string(&text.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap()
    }

    #[test]
    fn collapsing_matches_split_join_and_serde() {
        for text in [
            "",
            "   ",
            "un",
            "  deux  mots ",
            "a\tb\nc\r\nd\x0be\x0cf",
            "guillemets \"ici\" et \\ là",
            "contrôle\x01\x08\x1f\x7f fin",
            "espaces\u{a0}insécables\u{2028}ligne\u{3000}idéographique\u{85}x",
            "é à ç œ — « citation » …",
            "\u{feff}bom\u{200b}zero-width",
        ] {
            let mut out = Vec::new();
            push_collapsed(&mut out, text);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                collapsed_by_serde(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_character_of_the_first_plane_is_collapsed_as_split_whitespace_does() {
        let mut out = Vec::new();
        for c in (0..=0xffff).filter_map(char::from_u32) {
            let text = format!(" a{c}b {c}");
            out.clear();
            push_collapsed(&mut out, &text);
            assert_eq!(
                out,
                collapsed_by_serde(&text).as_bytes(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn records_hold_sections_and_an_excerpt_when_there_is_no_summary() {
        let text = "Avant   le\ttitre. Écoute Tout \"écouter\". Suite Encore";
        let at = |word: &str| text.find(word).unwrap();
        let spans = [at("Écoute")..at(" Tout"), at("Suite")..at(" Encore")];
        let doc = Doc {
            title: "Titre \"cité\"",
            kind: "K",
            url: "x/".into(),
            summary: "",
            tags: vec![],
            headings: vec![("ecoute", "Écoute"), ("suite", "Suite")],
            spans: &spans,
            text,
        };
        let expected = serde_json::json!([
            "Titre \"cité\"",
            "K",
            "x/",
            "Avant le titre. Écoute Tout \"écouter\". Suite Encore",
            "Avant le titre.",
            [
                ["ecoute", "Écoute", "Tout \"écouter\"."],
                ["suite", "Suite", "Encore"]
            ]
        ]);
        let got: serde_json::Value = serde_json::from_slice(&record(&doc)).unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn excerpts_cut_long_texts_at_a_word() {
        let long = "mot ".repeat(100);
        let cut = excerpt(&long);
        assert!(cut.ends_with("mot…"), "{cut}");
        assert!(cut.chars().count() <= SNIPPET + 1);
        let whole: String = long.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(whole.starts_with(cut.trim_end_matches('…')));
        assert_eq!(excerpt("  court\n texte "), "court texte");
    }
}
