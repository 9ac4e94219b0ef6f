//! Character sets every text-bearing format shares: the `--encoding` label
//! parser (CSV, dBase, and XML later), decoding to UTF-8, and a guess among
//! single-byte code pages for files that do not say which they use.
//!
//! A [`Charset`] is either one of `encoding_rs`'s (the WHATWG encodings:
//! UTF-8, UTF-16, the Windows and ISO code pages, the CJK encodings, IBM866)
//! or a DOS code page `encoding_rs` does not have (`dos`: 437, 850, 852 and
//! the other OEM pages from `oem_cp`, and Mazovia, Polish DOS). `reader`
//! wraps a byte stream so it yields UTF-8; `guess` scores candidate pages on
//! a sample.

mod dos;
pub mod guess;
mod reader;

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

pub use dos::DosCodePage;
pub use reader::Utf8Reader;

/// A character set pyforge can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// One of `encoding_rs`'s (WHATWG) encodings.
    Standard(&'static Encoding),
    /// A single-byte DOS code page.
    Dos(&'static DosCodePage),
}

impl Charset {
    pub const UTF_8: Charset = Charset::Standard(UTF_8);

    /// Its name in reports: `UTF-8`, `windows-1252`, `IBM850`, `Mazovia`.
    pub fn name(&self) -> &'static str {
        match self {
            Charset::Standard(encoding) => encoding.name(),
            Charset::Dos(page) => page.name,
        }
    }

    pub fn is_utf8(&self) -> bool {
        *self == Charset::UTF_8
    }

    /// The `encoding_rs` encoding, for the WHATWG ones.
    pub fn standard(&self) -> Option<&'static Encoding> {
        match self {
            Charset::Standard(encoding) => Some(encoding),
            Charset::Dos(_) => None,
        }
    }

    /// Every byte below 0x80 is ASCII and each other byte one character.
    pub fn is_single_byte(&self) -> bool {
        match self {
            Charset::Dos(_) => true,
            Charset::Standard(encoding) => encoding.is_single_byte(),
        }
    }

    /// `bytes` as text (no byte-order mark handling), and how many
    /// characters had no mapping: invalid sequences and bytes the code page
    /// leaves undefined, read as U+FFFD, or as the C1 control characters
    /// WHATWG maps a Windows page's undefined bytes to (Windows-1252's 0x81).
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> (Cow<'a, str>, usize) {
        match self {
            Charset::Dos(page) => page.decode(bytes),
            Charset::Standard(encoding) => {
                let (text, _) = encoding.decode_without_bom_handling(bytes);
                let undefined = if bytes.is_ascii() {
                    0
                } else {
                    count_unmapped(&text, *encoding != UTF_8 && encoding.is_single_byte())
                };
                (text, undefined)
            }
        }
    }
}

/// U+FFFD, and (for a single-byte Windows or ISO page) C1 controls.
fn count_unmapped(text: &str, c1_is_undefined: bool) -> usize {
    text.chars()
        .filter(|&c| c == '\u{FFFD}' || (c1_is_undefined && ('\u{80}'..='\u{9F}').contains(&c)))
        .count()
}

/// Looks up an encoding label: any WHATWG label (`utf-8`, `latin1`,
/// `windows-1251`, `shift_jis`, `ibm866`...), code page numbers with or
/// without a prefix (`1252`, `cp1252`, `cp437`, `ibm850`, `dos-852`,
/// `oem437`), `mazovia` (also `cp620`) and `kamenicky` (also `cp895`).
pub fn lookup(label: &str) -> Option<Charset> {
    let normalized = label.trim().to_ascii_lowercase();
    if let Some(page) = dos::by_label(&normalized) {
        return Some(Charset::Dos(page));
    }
    let aliases = [
        ("latin-1", "iso-8859-1"),
        ("utf8", "utf-8"),
        ("utf16", "utf-16"),
        ("utf16le", "utf-16le"),
        ("utf16be", "utf-16be"),
    ];
    if let Some((_, real)) = aliases.iter().find(|(alias, _)| *alias == normalized) {
        return Encoding::for_label(real.as_bytes()).map(Charset::Standard);
    }
    if let Some(number) = code_page_number(&normalized) {
        return by_code_page(number);
    }
    Encoding::for_label(normalized.as_bytes()).map(Charset::Standard)
}

/// The number in `cp1252`, `ibm-850`, `dos 437`, `oem437`, `windows1250` or
/// `1252`.
fn code_page_number(label: &str) -> Option<u16> {
    let digits = [
        "cp",
        "ibm",
        "dos",
        "oem",
        "windows",
        "code page",
        "codepage",
    ]
    .iter()
    .find_map(|prefix| label.strip_prefix(prefix))
    .unwrap_or(label)
    .trim_start_matches(['-', '_', ' ']);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A Windows / DOS code page number as a charset.
pub fn by_code_page(number: u16) -> Option<Charset> {
    if let Some(page) = dos::by_number(number) {
        return Some(Charset::Dos(page));
    }
    if (1250..=1258).contains(&number) {
        return Encoding::for_label(format!("windows-{number}").as_bytes()).map(Charset::Standard);
    }
    let label = match number {
        866 => "ibm866",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        10000 => "macintosh",
        10007 => "x-mac-cyrillic",
        20866 => "koi8-r",
        21866 => "koi8-u",
        28591 => "iso-8859-1",
        28592 => "iso-8859-2",
        28595 => "iso-8859-5",
        28597 => "iso-8859-7",
        54936 => "gb18030",
        65001 => "utf-8",
        _ => return None,
    };
    Encoding::for_label(label.as_bytes()).map(Charset::Standard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(label: &str) -> Option<&'static str> {
        lookup(label).map(|c| c.name())
    }

    #[test]
    fn labels() {
        assert_eq!(name("utf8"), Some("UTF-8"));
        assert_eq!(name("latin1"), Some("windows-1252"));
        assert_eq!(name("latin-1"), Some("windows-1252"));
        assert_eq!(name("cp1252"), Some("windows-1252"));
        assert_eq!(name("1251"), Some("windows-1251"));
        assert_eq!(name("Windows-1250"), Some("windows-1250"));
        assert_eq!(name("shift_jis"), Some("Shift_JIS"));
        assert_eq!(name("cp437"), Some("IBM437"));
        assert_eq!(name("IBM850"), Some("IBM850"));
        assert_eq!(name("dos-852"), Some("IBM852"));
        assert_eq!(name("cp866"), Some("IBM866"));
        assert_eq!(name("cp936"), Some("GBK"));
        assert_eq!(name("Mazovia"), Some("Mazovia"));
        assert_eq!(name("cp620"), Some("Mazovia"));
        assert_eq!(name("klingon"), None);
        assert_eq!(name("cp"), None);
        assert_eq!(name("cp99999"), None);
    }

    #[test]
    fn decoding_counts_what_has_no_mapping() {
        let cp850 = lookup("cp850").unwrap();
        assert_eq!(cp850.decode(b"\x8e\x94\x81!"), ("Äöü!".into(), 0));
        let cp1252 = lookup("cp1252").unwrap();
        // 0x81 is undefined in Windows-1252 (WHATWG reads it as U+0081).
        assert_eq!(cp1252.decode(b"\x8e\x94\x81!").1, 1);
        assert_eq!(Charset::UTF_8.decode(b"ok \xff").1, 1);
        assert_eq!(
            Charset::UTF_8.decode("Zürich".as_bytes()),
            ("Zürich".into(), 0)
        );
    }

    #[test]
    fn single_byte() {
        assert!(lookup("cp437").unwrap().is_single_byte());
        assert!(lookup("cp1251").unwrap().is_single_byte());
        assert!(!lookup("gbk").unwrap().is_single_byte());
        assert!(!Charset::UTF_8.is_single_byte());
    }
}
