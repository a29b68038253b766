//! Where the raw words of a text lie, found eight bytes at a time: this runs over every
//! byte of every page and was most of the time of indexing (see benches/README.md).
//!
//! A run of ASCII bytes is decided as one `u64` (SWAR: whether each byte is an ASCII
//! letter or digit, in the high bit of each byte), so that a word of plain letters ends
//! after one or two steps rather than one branch per byte. A byte beyond ASCII stops the
//! run; the accented letters of French are then decided without decoding the character,
//! anything else by `char::is_alphanumeric`.

use std::ops::Range;

/// Each byte of a `u64` set to 1.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a `u64`.
const HIGH: u64 = ONES * 0x80;

/// The spans of the maximal runs of alphanumeric characters of `text`, in order: what
/// `split(|c| !c.is_alphanumeric())` gives, less the empty ones, as byte ranges.
pub(super) fn spans(text: &str) -> impl Iterator<Item = Range<usize>> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let span = next_span(text, i)?;
        i = span.end;
        Some(span)
    })
}

/// The span of the first word of `text` at or after byte `i` (a character boundary that
/// is not inside a word), if any: [`spans`] one at a time, for a loop that the compiler
/// makes one with its caller's.
#[inline]
pub(super) fn next_span(text: &str, i: usize) -> Option<Range<usize>> {
    let start = next_start(text, i)?;
    Some(start..end_of_word(text, start))
}

/// The bytes of the word at `span` of `bytes` in one number, if it has at most 16: its
/// bytes then zeros. A word is a run of alphanumeric characters, which never holds a
/// zero byte (UTF-8 puts none in a character but U+0000), so no two words pack to the
/// same number.
#[inline]
pub(super) fn pack(bytes: &[u8], span: Range<usize>) -> Option<u128> {
    let len = span.len();
    if len > 16 || len == 0 {
        return None;
    }
    // Sixteen bytes from the word's start, less those past its end; near the end of the
    // text, where there are not sixteen, the word's bytes copied.
    let window = match bytes[span.start..].first_chunk::<16>() {
        Some(window) => *window,
        None => {
            let mut window = [0; 16];
            window[..len].copy_from_slice(&bytes[span]);
            window
        }
    };
    Some(u128::from_le_bytes(window) & KEEP[len])
}

/// For each length of word up to 16, the bits of its bytes in a packed window.
static KEEP: [u128; 17] = {
    let mut keep = [0; 17];
    let mut len = 1;
    while len <= 16 {
        keep[len] = u128::MAX >> (8 * (16 - len));
        len += 1;
    }
    keep
};

/// Where the first word at or after `i` starts.
#[inline]
fn next_start(text: &str, mut i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Most words follow one ASCII separator (a space): decided from these two bytes. A
    // byte beyond ASCII here starts a character, whose next byte is not ASCII.
    if let Some(&[separator, next]) = bytes[i..].first_chunk()
        && !separator.is_ascii_alphanumeric()
        && next.is_ascii_alphanumeric()
    {
        return Some(i + 1);
    }
    loop {
        match chunk_at(bytes, i) {
            Some(chunk) => {
                // The first byte that is alphanumeric or beyond ASCII, if any.
                let stop = alphanumeric_bits(chunk) | (chunk & HIGH);
                if stop == 0 {
                    i += 8;
                    continue;
                }
                i += (stop.trailing_zeros() / 8) as usize;
                if chunk & stop & stop.wrapping_neg() == 0 {
                    return Some(i);
                }
            }
            None => match *bytes.get(i)? {
                b if b.is_ascii_alphanumeric() => return Some(i),
                b if b.is_ascii() => {
                    i += 1;
                    continue;
                }
                _ => {}
            },
        }
        let (alphanumeric, len) = beyond_ascii(text, i);
        if alphanumeric {
            return Some(i);
        }
        i += len;
    }
}

/// Where the word starting at `i` ends.
#[inline]
fn end_of_word(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        match chunk_at(bytes, i) {
            Some(chunk) => {
                // The first byte that is not an ASCII letter or digit, if any.
                let stop = !alphanumeric_bits(chunk) & HIGH;
                if stop == 0 {
                    i += 8;
                    continue;
                }
                i += (stop.trailing_zeros() / 8) as usize;
                if chunk & stop & stop.wrapping_neg() == 0 {
                    return i;
                }
            }
            None => match bytes.get(i) {
                Some(b) if b.is_ascii_alphanumeric() => {
                    i += 1;
                    continue;
                }
                Some(b) if !b.is_ascii() => {}
                _ => return i,
            },
        }
        let (alphanumeric, len) = beyond_ascii(text, i);
        if !alphanumeric {
            return i;
        }
        i += len;
    }
}

/// The eight bytes of `bytes` from `i`, if there are eight.
#[inline]
fn chunk_at(bytes: &[u8], i: usize) -> Option<u64> {
    bytes[i..]
        .first_chunk()
        .map(|chunk| u64::from_le_bytes(*chunk))
}

/// The high bit of each byte of `chunk` that is an ASCII letter or digit.
#[inline]
fn alphanumeric_bits(chunk: u64) -> u64 {
    // Each byte's low seven bits: adding at most 0x80 to one never carries into the next.
    let low = chunk & !HIGH;
    // The high bit of each byte of `v` (of seven bits) that is at least `bound`.
    let at_least = |v: u64, bound: u8| (v + ONES * u64::from(0x80 - bound)) & HIGH;
    let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
    let lower = low | (ONES * 0x20);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    (digit | letter) & !chunk
}

/// Whether the character beyond ASCII at `i` of `text` is alphanumeric, and its length
/// in bytes.
fn beyond_ascii(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    match bytes[i] {
        // U+00C0 to U+00FF are letters but for `×` and `÷`; U+0100 to U+017F all are.
        0xc3 => (!matches!(bytes.get(i + 1), Some(0x97 | 0xb7)), 2),
        0xc4 | 0xc5 => (true, 2),
        _ => text[i..]
            .chars()
            .next()
            .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the spans must be: the runs of `char::is_alphanumeric`.
    fn expected(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect()
    }

    fn words(text: &str) -> Vec<&str> {
        spans(text).map(|span| &text[span]).collect()
    }

    /// Each ASCII byte alone in a chunk of letters, at each of its eight places: the
    /// eight-byte test must class it as `is_ascii_alphanumeric` does.
    #[test]
    fn every_ascii_byte_at_every_place_of_a_chunk() {
        for b in 0..0x80u8 {
            for place in 0..8 {
                let mut chunk = *b"abcdefgh";
                chunk[place] = b;
                let bits = alphanumeric_bits(u64::from_le_bytes(chunk));
                for (k, &c) in chunk.iter().enumerate() {
                    let set = (bits >> (8 * k + 7)) & 1 == 1;
                    assert_eq!(set, c.is_ascii_alphanumeric(), "{b:#04x} at {place}");
                }
            }
        }
    }

    /// A byte beyond ASCII is never taken for an ASCII letter, whatever its low bits
    /// (0xc1 is `A` with the high bit set).
    #[test]
    fn bytes_beyond_ascii_are_not_ascii_letters() {
        for b in 0x80..=0xffu8 {
            let bits = alphanumeric_bits(u64::from_le_bytes([b; 8]));
            assert_eq!(bits, 0, "{b:#04x}");
        }
    }

    /// Words ending at each place of a chunk, crossing one or two chunk boundaries,
    /// of 7 to 9 and 15 to 17 bytes; accented letters at a chunk's edges; digits,
    /// non-Latin letters and separators beyond ASCII.
    #[test]
    fn words_are_the_runs_of_alphanumerics_across_chunks() {
        let texts = [
            "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii",
            "abcdefg abcdefgh abcdefghi abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq",
            "1234567-12345678.123456789 x2024y 0 9 /:@[`{",
            "abcdefgé abcdefghé éabcdefgh abcdéfgh abcdefg« »abcdefgh",
            "       réseau       coopération........écouter",
            "Ελληνικά русский 日本語テキスト mélangé×mot÷fin ǅemal² x½ œuvre…suite",
            "abcdefgh\u{a0}ijklmnop\u{2014}qrstuvwx",
            "Zz@[`{09/:",
            "",
            "        ",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ];
        for text in texts {
            assert_eq!(words(text), expected(text), "{text:?}");
            // The same text at each offset from the start of a chunk.
            for pad in 1..8 {
                let text = format!("{}{text}", " ".repeat(pad));
                assert_eq!(words(&text), expected(&text), "{text:?}");
            }
        }
    }

    /// Every character after seven ASCII letters (so that it straddles the end of the
    /// first chunk when it is longer than one byte), and after one space.
    #[test]
    fn every_character_at_the_edge_of_a_chunk() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("abcdefg{c}hijklmn {c}x");
            assert_eq!(words(&text), expected(&text), "U+{:04X}", u32::from(c));
        }
    }

    /// A word's packed bytes are its bytes then zeros, wherever it lies in the text
    /// (with sixteen bytes after its start or not), and only for words of up to 16.
    #[test]
    fn packed_words_are_their_bytes_then_zeros() {
        let text = "a abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq écologiquement \
                    Réorganisations x fin";
        for span in spans(text) {
            let word = &text[span.clone()];
            let mut bytes = word.as_bytes().to_vec();
            let want = (bytes.len() <= 16).then(|| {
                bytes.resize(16, 0);
                u128::from_le_bytes(bytes.try_into().unwrap())
            });
            assert_eq!(pack(text.as_bytes(), span), want, "{word}");
        }
        assert_eq!(pack(b"abc", 1..1), None);
    }
}
