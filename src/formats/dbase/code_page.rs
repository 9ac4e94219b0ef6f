//! Which code page a table's text is in. In order: `--encoding`; the
//! language driver byte (header byte 29, or dBase 7's driver name), unless
//! the text holds bytes that page leaves undefined (a file declaring
//! Windows-1252 that holds DOS text); a `.cpg` file beside the table (what
//! shapefile writers leave); otherwise detected from the text.

use std::path::Path;

use serde::Serialize;

use super::header::TableHeader;
use crate::formats::charset::{self, guess, Charset};

/// How the code page was chosen, shown by `info` and in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePageSource {
    /// `--encoding`.
    Forced,
    /// The header's language driver.
    LanguageDriver,
    /// A `.cpg` file beside the table.
    CpgFile,
    /// Read from the text: the header names none (or one pyforge has no
    /// table for), or the one it names leaves some bytes undefined.
    Detected,
}

/// The chosen code page and why.
#[derive(Debug, Clone)]
pub struct CodePage {
    pub charset: Charset,
    pub source: CodePageSource,
    /// What the header declares (`None`: byte 0, or an unknown byte).
    pub declared: Option<Charset>,
    /// Why the declared page was not used, or what the header named that
    /// has no table here.
    pub detail: Option<String>,
    /// The text sampled was all ASCII: any ASCII-compatible page reads it
    /// the same, so the choice is not worth a note.
    pub ascii_sample: bool,
}

/// The code page of language driver `id`, or `None` for 0 and unknown
/// ids. The ids and pages of dbfread, the Python `dbf`
/// package, infused/dbf and Free Pascal's TDbf.
pub fn language_driver(id: u8) -> Option<u16> {
    Some(match id {
        0x01 | 0x09 | 0x0B | 0x0D | 0x0F | 0x11 | 0x15 | 0x18 | 0x19 | 0x1B | 0x5E | 0x5F => 437,
        0x02 | 0x0A | 0x0C | 0x0E | 0x10 | 0x12 | 0x14 | 0x16 | 0x1A | 0x1D | 0x25 | 0x37
        | 0x60 | 0x9C => 850,
        0x03 | 0x57 | 0x58 | 0x59 | 0x61 | 0x62 => 1252,
        0x04 => 10000,
        0x08 | 0x17 | 0x66 => 865,
        0x13 | 0x56 | 0x7B => 932,
        0x1C | 0x6C => 863,
        0x1F | 0x22 | 0x23 | 0x40 | 0x64 | 0x87 => 852,
        0x24 => 860,
        0x26 | 0x65 => 866,
        0x4D | 0x7A => 936,
        0x4E | 0x79 => 949,
        0x4F | 0x78 => 950,
        0x50 | 0x7C => 874,
        0x67 => 861,
        0x68 => 895,
        0x69 => 620,
        0x6A | 0x86 => 737,
        0x6B | 0x88 => 857,
        0x7D => 1255,
        0x7E => 1256,
        0x85 => 862,
        0x96 => 10007,
        0x97 => 10029,
        0x98 => 10006,
        0x9B | 0xC8 => 1250,
        0xC9 => 1251,
        0xCA => 1254,
        0xCB => 1253,
        0xCC => 1257,
        _ => return None,
    })
}

/// dBase 7's language driver name (`DBWINUS0`, `DB437US0`, `DB850DE0`):
/// its code page.
fn driver_name_page(name: &str) -> Option<u16> {
    let rest = name.strip_prefix("DB")?;
    if rest.starts_with("WIN") {
        return Some(1252);
    }
    if rest.starts_with("HEBREW") {
        return Some(1255);
    }
    let digits: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    (digits.len() >= 3).then(|| digits.parse().ok()).flatten()
}

/// Chooses the code page of `header`'s table at `path`, `text` being a
/// sample of its text fields' bytes.
pub fn choose(path: &Path, header: &TableHeader, forced: Option<Charset>, text: &[u8]) -> CodePage {
    let declared_page = header
        .language_driver_name
        .as_deref()
        .and_then(driver_name_page)
        .or_else(|| language_driver(header.language_driver));
    let declared = declared_page.and_then(charset::by_code_page);
    let ascii_sample = text.is_ascii();
    if let Some(charset) = forced {
        return CodePage {
            charset,
            source: CodePageSource::Forced,
            declared,
            detail: None,
            ascii_sample,
        };
    }
    let detail = match (header.language_driver, declared_page, declared) {
        (0, _, _) => None,
        (id, None, _) => Some(format!(
            "language driver 0x{id:02X} is not one pyforge knows"
        )),
        (id, Some(page), None) => Some(format!(
            "language driver 0x{id:02X} names code page {page}, which pyforge has no table for"
        )),
        _ => None,
    };
    if let Some(charset) = declared {
        let undefined = charset.decode(text).1;
        if undefined == 0 {
            return CodePage {
                charset,
                source: CodePageSource::LanguageDriver,
                declared,
                detail: None,
                ascii_sample,
            };
        }
        let detected = match declared_page {
            Some(page) if charset.is_single_byte() => guess::best_related(text, page),
            _ => guess::guess(text),
        };
        return CodePage {
            charset: detected,
            source: CodePageSource::Detected,
            declared,
            detail: Some(format!(
                "the header declares {} but {undefined} character(s) of the text are undefined there",
                charset.name()
            )),
            ascii_sample,
        };
    }
    if let Some(charset) = cpg_file(path) {
        return CodePage {
            charset,
            source: CodePageSource::CpgFile,
            declared,
            detail,
            ascii_sample,
        };
    }
    CodePage {
        charset: guess::guess(text),
        source: CodePageSource::Detected,
        declared,
        detail,
        ascii_sample,
    }
}

/// The encoding a `<stem>.cpg` file beside the table names (`UTF-8`,
/// `1252`, `ISO-8859-1`...), found whatever its case.
fn cpg_file(table: &Path) -> Option<Charset> {
    let text = std::fs::read(super::sibling(table, "cpg")?).ok()?;
    if text.len() > 64 {
        return None;
    }
    charset::lookup(std::str::from_utf8(&text).ok()?.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_drivers() {
        let name = |id| {
            language_driver(id)
                .and_then(charset::by_code_page)
                .map(|c| c.name())
        };
        assert_eq!(name(0x01), Some("IBM437"));
        assert_eq!(name(0x02), Some("IBM850"));
        assert_eq!(name(0x03), Some("windows-1252"));
        assert_eq!(name(0x4D), Some("GBK"));
        assert_eq!(name(0x64), Some("IBM852"));
        assert_eq!(name(0x65), Some("IBM866"));
        assert_eq!(name(0x69), Some("Mazovia"));
        assert_eq!(name(0xC9), Some("windows-1251"));
        assert_eq!(name(0x00), None);
        assert_eq!(name(0x68), Some("Kamenicky"));
    }

    #[test]
    fn dbase7_driver_names() {
        assert_eq!(driver_name_page("DBWINUS0"), Some(1252));
        assert_eq!(driver_name_page("DB437US0"), Some(437));
        assert_eq!(driver_name_page("DB850DE0"), Some(850));
        assert_eq!(driver_name_page("FOXSWE"), None);
    }
}
