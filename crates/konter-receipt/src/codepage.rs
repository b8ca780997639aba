//! Text that a thermal printer can print: Unicode in, code page 437 out.
//!
//! **Why CP437 and not PC858.** CP437 is table 0, the power-on default of every ESC/POS
//! printer, so a printer that ignores or renumbers `ESC t` still prints our bytes right.
//! PC858 has no fixed number: python-escpos's printer profiles put it at 19 (Epson), 14, 6
//! or 4, and cheap 58 mm clones of the kind konter shops buy (ZJ-5870) and older Epsons
//! (TM-T88II, TM-U220) do not have it at all. What PC858 adds over CP437 — `€` and more
//! accented capitals — Indonesian receipts never need: the language is plain Latin script
//! and `Rp10.000` is ASCII.
//!
//! **What is kept.** Printable ASCII, plus the accented Latin letters and a few signs of
//! CP437's upper half that a customer name might carry (`é`, `ü`, `ñ`, `Ç`, …). All of them
//! sit in bytes `0x80..=0xAF`. Nothing at `0xB0` or above is ever emitted (box drawing, Greek,
//! `ß`, `±`, `°` are transliterated instead), so no printed text byte can be a UTF-8 lead byte
//! (`0xC2..=0xF4`) and no run of our text bytes can be mistaken for — or be — UTF-8.
//!
//! **How.** Every string is NFC-normalised first (a decomposed `e` + U+0301 becomes the
//! single `é` the table knows; the `escpos` crate would otherwise send the combining mark
//! as UTF-8 bytes), whitespace becomes one space, control and invisible format characters
//! go (an `ESC` typed into a shop name must not become a printer command), and anything
//! else outside the table is transliterated (`deunicode`), falling back to `?`.

use unicode_normalization::UnicodeNormalization;

/// The upper half of code page 437, byte `0x80 + index`. Used to encode the kept letters
/// and, in tests, to map printed bytes back to text.
pub const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', // 0x80
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', // 0x90
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', // 0xA0
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', // 0xB0
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', // 0xC0
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', // 0xD0
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', // 0xE0
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■',
    '\u{A0}', // 0xF0
];

/// Whether a CP437 upper-half byte is one we print. Kept: the accented letters and
/// currency signs `0x80..=0x9D`, `á í ó ú ñ Ñ ª º ¿` (`0xA0..=0xA8`) and `½ ¼ ¡ « »`
/// (`0xAB..=0xAF`). Left out: `₧ ƒ ⌐ ¬`, which no receipt needs, and everything from
/// `0xB0` up, so that no text byte is ever a UTF-8 lead byte (see the module docs).
pub const fn is_kept_high_byte(byte: u8) -> bool {
    matches!(byte, 0x80..=0x9D | 0xA0..=0xA8 | 0xAB..=0xAF)
}

/// The byte a character prints as, if it is one we print: printable ASCII as itself, a
/// kept letter as its CP437 byte. Control characters are never printable.
pub fn encode_char(c: char) -> Option<u8> {
    if c == ' ' || c.is_ascii_graphic() {
        return u8::try_from(c).ok();
    }
    CP437_HIGH
        .iter()
        .position(|&t| t == c)
        .and_then(|i| u8::try_from(0x80 + i).ok())
        .filter(|&b| is_kept_high_byte(b))
}

/// The character a printed text byte stands for (the inverse of [`encode_char`] on what
/// it produces). `None` for bytes our text never contains.
pub fn decode_byte(byte: u8) -> Option<char> {
    match byte {
        0x20..=0x7E => Some(char::from(byte)),
        _ if is_kept_high_byte(byte) => CP437_HIGH.get(usize::from(byte - 0x80)).copied(),
        _ => None,
    }
}

/// Characters that are invisible or only shape neighbouring text: zero-width spaces and
/// joiners, direction marks, the soft hyphen and the byte-order mark. They are dropped
/// rather than transliterated so they never widen a line.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
    )
}

/// Punctuation that `deunicode` would spell out longer than we want on a 32-column line.
fn punctuation(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => "\"",
        '\u{2022}' | '\u{00B7}' => "*",
        '\u{2026}' => "...",
        _ => return None,
    })
}

/// Appends one character's printable form to `out`. Returns nothing to say: whatever the
/// input, only characters for which [`encode_char`] is `Some` are appended.
fn push_printable(out: &mut String, c: char) {
    if encode_char(c).is_some() {
        out.push(c);
        return;
    }
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    if c.is_control() || is_invisible(c) {
        return;
    }
    let spelled = punctuation(c).or_else(|| deunicode::deunicode_char(c));
    match spelled {
        Some(ascii) => {
            for a in ascii.chars() {
                // deunicode answers in ASCII, but its tables are data we did not write:
                // check every character again instead of trusting them.
                if encode_char(a).is_some() {
                    out.push(a);
                } else if a.is_whitespace() {
                    out.push(' ');
                }
            }
        }
        None => out.push('?'),
    }
}

/// One line of printable text: NFC-normalised, transliterated to what CP437 prints,
/// whitespace runs (including newlines and tabs) collapsed to one space, trimmed.
pub fn printable_line(input: &str) -> String {
    let mut raw = String::with_capacity(input.len());
    for c in input.nfc() {
        push_printable(&mut raw, c);
    }
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The CP437 bytes of a printable line, appended to `out`; `None` (and `out` unchanged
/// past its old length) if any character is not one we print.
pub fn encode_line(text: &str, out: &mut Vec<u8>) -> Option<()> {
    let start = out.len();
    for c in text.chars() {
        match encode_char(c) {
            Some(b) => out.push(b),
            None => {
                out.truncate(start);
                return None;
            }
        }
    }
    Some(())
}

/// Whether every character of `text` prints as one byte of our code page: what
/// [`printable_line`] guarantees, and what a caller showing text typed for a receipt (the
/// settings screen) can check.
pub fn is_printable(text: &str) -> bool {
    text.chars().all(|c| encode_char(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_kept_letters_pass_through() {
        assert_eq!(
            printable_line("Rp10.000 José Müller"),
            "Rp10.000 José Müller"
        );
        assert_eq!(encode_char('é'), Some(0x82));
        assert_eq!(encode_char('Ñ'), Some(0xA5));
        assert_eq!(decode_byte(0x82), Some('é'));
    }

    #[test]
    fn decomposed_accents_are_composed_first() {
        // The escpos crate's silent UTF-8 fallback (see encode.rs): `e` + U+0301 must not
        // reach the printer as UTF-8.
        assert_eq!(printable_line("Jose\u{301}"), "José");
        // A combining mark with no precomposed form is dropped, not sent.
        assert_eq!(printable_line("q\u{301}"), "q");
    }

    #[test]
    fn everything_else_is_transliterated() {
        assert_eq!(
            printable_line("BUKTI PESANAN — BELUM SELESAI"),
            "BUKTI PESANAN - BELUM SELESAI"
        );
        assert_eq!(printable_line("“Ádi” Łukasz"), "\"Adi\" Lukasz");
        assert_eq!(printable_line("Straße ±5°"), "Strasse +-5deg");
        assert!(printable_line("北京").is_ascii());
    }

    #[test]
    fn controls_never_survive() {
        assert_eq!(printable_line("TOKO\u{1b}@\u{1d}V\u{0}X"), "TOKO@VX");
        assert_eq!(printable_line("  a\t\n b\r\n"), "a b");
        assert_eq!(printable_line("a\u{200B}b\u{FEFF}"), "ab");
    }

    #[test]
    fn no_kept_byte_can_lead_utf8() {
        for byte in 0x80..=0xFFu8 {
            if is_kept_high_byte(byte) {
                assert!(byte < 0xC0, "{byte:#x} could start a UTF-8 sequence");
                let c = decode_byte(byte).expect("kept bytes decode");
                assert_eq!(encode_char(c), Some(byte), "round trip of {byte:#x}");
            }
        }
    }
}
