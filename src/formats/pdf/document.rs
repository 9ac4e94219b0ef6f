//! One PDF opened with `pdf_oxide`, in this process: its facts (pages,
//! version, document information, encryption) and each page's text and
//! images.
//!
//! This is what the worker process runs (`worker`) and what the fuzz target
//! calls; `convert`, `info` and `validate` never call it directly, so a
//! file that makes the engine crash, hang or grow takes the worker down, not
//! the run. Every engine call is made through `panics::contain`.

use std::path::Path;

use pdf_oxide::document::PdfDocument;
use pdf_oxide::object::Object;
use serde::{Deserialize, Serialize};

use crate::panics;

/// Why a PDF, or one of its pages, could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum PdfError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("not a PDF: {0}")]
    NotPdf(String),
    #[error("the PDF is encrypted and needs a password")]
    NeedsPassword,
    #[error("the password does not open the PDF (tried as its user and its owner password)")]
    WrongPassword,
    #[error("the PDF is damaged: {0}")]
    Damaged(String),
    #[error("the PDF reader failed: {0}")]
    Engine(String),
}

impl PdfError {
    fn of(error: pdf_oxide::error::Error) -> PdfError {
        use pdf_oxide::error::Error;
        match error {
            Error::Io(e) => PdfError::Io(e.to_string()),
            Error::InvalidHeader(_) => PdfError::NotPdf("it does not start with %PDF-".into()),
            Error::EncryptedPdf => PdfError::NeedsPassword,
            other => PdfError::Damaged(other.to_string()),
        }
    }

    fn panicked(message: String) -> PdfError {
        PdfError::Engine(format!("it panicked: {message}"))
    }
}

/// How an encrypted PDF was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unlocked {
    /// Not encrypted.
    NotEncrypted,
    /// Encrypted with an empty user password: it opens without one.
    WithoutPassword,
    /// With the password given (as its user or its owner password).
    WithPassword,
}

/// What a PDF says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub pages: u32,
    /// `1.7`: the version in the header.
    pub version: String,
    /// The encryption dictionary, as `Standard V2 R3 128-bit`; `None` when
    /// the file is not encrypted.
    pub encryption: Option<String>,
    pub unlocked: Unlocked,
    /// The document information dictionary, non-empty entries in the order
    /// of [`METADATA_KEYS`], named as pyforge-cli 1.0.9 named them; dates
    /// as ISO 8601 where they parse.
    pub metadata: Vec<(String, String)>,
}

/// One page's text and images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContent {
    /// Its text, each line ending in a line break (empty when it has none).
    pub text: String,
    /// Image XObjects drawn on it, those inside its form XObjects included.
    pub images: u32,
}

impl PageContent {
    /// Whether the page has text other than white space.
    pub fn has_text(&self) -> bool {
        self.text.chars().any(|c| !c.is_whitespace())
    }
}

/// An open PDF.
pub struct PdfFile {
    document: PdfDocument,
    facts: Facts,
}

/// The information dictionary's keys `info` shows, in order, and their
/// names there.
pub const METADATA_KEYS: [(&str, &str); 8] = [
    ("Title", "title"),
    ("Author", "author"),
    ("Subject", "subject"),
    ("Keywords", "keywords"),
    ("Creator", "creator"),
    ("Producer", "producer"),
    ("CreationDate", "creation_date"),
    ("ModDate", "modification_date"),
];

/// How deep form XObjects are followed looking for images.
const FORM_DEPTH: u32 = 4;

impl PdfFile {
    /// Opens `path`; `password` is tried as the user and then the owner
    /// password of an encrypted file, and ignored by one that opens
    /// without it (its facts say so).
    pub fn open(path: &Path, password: Option<&str>) -> Result<PdfFile, PdfError> {
        let bytes = std::fs::read(path).map_err(|e| PdfError::Io(e.to_string()))?;
        PdfFile::from_bytes(bytes, password)
    }

    /// Opens a PDF held in memory (the fuzz target's way in).
    pub fn from_bytes(bytes: Vec<u8>, password: Option<&str>) -> Result<PdfFile, PdfError> {
        if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
            return Err(PdfError::NotPdf(
                "no %PDF- header in its first kilobyte".into(),
            ));
        }
        let document = panics::contain(|| PdfDocument::from_bytes(bytes))
            .map_err(PdfError::panicked)?
            .map_err(PdfError::of)?;
        let unlocked = unlock(&document, password)?;
        let facts =
            panics::contain(|| read_facts(&document, unlocked)).map_err(PdfError::panicked)??;
        Ok(PdfFile { document, facts })
    }

    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// Page `number` (from 1): its text and images.
    pub fn page(&self, number: u32) -> Result<PageContent, PdfError> {
        let index = number as usize - 1;
        panics::contain(|| {
            let text = self.document.extract_text(index).map_err(PdfError::of)?;
            let images = page_images(&self.document, index);
            Ok(PageContent {
                text: with_final_line_break(text),
                images,
            })
        })
        .map_err(PdfError::panicked)?
    }
}

/// Authenticates an encrypted document as `password` asks.
fn unlock(document: &PdfDocument, password: Option<&str>) -> Result<Unlocked, PdfError> {
    panics::contain(|| {
        if !document.is_encrypted() {
            return Ok(Unlocked::NotEncrypted);
        }
        if document.is_authenticated() {
            return Ok(Unlocked::WithoutPassword);
        }
        let Some(password) = password else {
            return Err(PdfError::NeedsPassword);
        };
        match document.authenticate(password.as_bytes()) {
            Ok(true) => Ok(Unlocked::WithPassword),
            Ok(false) => Err(PdfError::WrongPassword),
            Err(e) => Err(PdfError::of(e)),
        }
    })
    .map_err(PdfError::panicked)?
}

fn read_facts(document: &PdfDocument, unlocked: Unlocked) -> Result<Facts, PdfError> {
    let pages = document.page_count().map_err(PdfError::of)?;
    let pages =
        u32::try_from(pages).map_err(|_| PdfError::Damaged(format!("it states {pages} pages")))?;
    let (major, minor) = document.version();
    let trailer = document.trailer().as_dict();
    let lookup = |key: &str| -> Option<Object> {
        let value = trailer?.get(key)?;
        document.resolve_object(value).ok()
    };
    let encryption = lookup("Encrypt").map(|e| describe_encryption(document, &e));
    let metadata = match lookup("Info") {
        Some(info) => METADATA_KEYS
            .iter()
            .filter_map(|(key, name)| {
                let value = document.resolve_object(info.as_dict()?.get(*key)?).ok()?;
                let text = text_string(value.as_string()?);
                let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
                let text = match key.ends_with("Date") {
                    true => pdf_date(text).unwrap_or_else(|| text.to_string()),
                    false => text.to_string(),
                };
                (!text.is_empty()).then(|| (name.to_string(), text))
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Facts {
        pages,
        version: format!("{major}.{minor}"),
        encryption,
        unlocked,
        metadata,
    })
}

/// `Standard V2 R3 128-bit` from an encryption dictionary.
fn describe_encryption(document: &PdfDocument, encrypt: &Object) -> String {
    let Some(dict) = encrypt.as_dict() else {
        return "unknown".into();
    };
    let field = |key: &str| dict.get(key).and_then(|v| document.resolve_object(v).ok());
    let filter = field("Filter")
        .and_then(|f| f.as_name().map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    let mut text = filter;
    for (key, prefix) in [("V", " V"), ("R", " R")] {
        if let Some(Object::Integer(n)) = field(key) {
            text.push_str(&format!("{prefix}{n}"));
        }
    }
    let bits = match (field("Length"), field("V")) {
        (Some(Object::Integer(n)), _) => Some(n),
        (None, Some(Object::Integer(1))) => Some(40),
        (None, Some(Object::Integer(5))) => Some(256),
        _ => None,
    };
    if let Some(bits) = bits {
        text.push_str(&format!(" {bits}-bit"));
    }
    text
}

/// A PDF text string: UTF-16BE or UTF-8 after their byte-order marks,
/// else PDFDocEncoding (read as Latin-1, which it equals for the letters).
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// A PDF date (`D:20220414132421+05'24'`) as ISO 8601
/// (`2022-04-14T13:24:21+05:24`); `None` when it does not parse. Fields
/// after the year may be left out, as the format allows.
fn pdf_date(text: &str) -> Option<String> {
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 || digits % 2 != 0 || digits > 14 {
        return None;
    }
    let field = |from: usize, default: &'static str| {
        text.get(from..from + 2)
            .filter(|_| from + 2 <= digits)
            .unwrap_or(default)
    };
    let mut iso = format!(
        "{}-{}-{}T{}:{}:{}",
        &text[..4],
        field(4, "01"),
        field(6, "01"),
        field(8, "00"),
        field(10, "00"),
        field(12, "00")
    );
    let zone = text[digits..].trim_end_matches('\'');
    match zone.as_bytes().first() {
        None => {}
        Some(b'Z') => iso.push('Z'),
        Some(b'+' | b'-') => {
            let (hours, minutes) = zone[1..].split_once('\'').unwrap_or((&zone[1..], "00"));
            if hours.len() != 2 || !hours.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let minutes = if minutes.is_empty() { "00" } else { minutes };
            iso.push_str(&format!("{}{hours}:{minutes:0>2}", &zone[..1]));
        }
        Some(_) => return None,
    }
    Some(iso)
}

/// Image XObjects in page `index`'s resources, following form XObjects.
fn page_images(document: &PdfDocument, index: usize) -> u32 {
    let Ok(page) = document.get_page(index) else {
        return 0;
    };
    let resources = page
        .as_dict()
        .and_then(|d| d.get("Resources"))
        .and_then(|r| document.resolve_object(r).ok());
    resources.map_or(0, |r| images_in(document, &r, FORM_DEPTH))
}

fn images_in(document: &PdfDocument, resources: &Object, depth: u32) -> u32 {
    let Some(xobjects) = resources
        .as_dict()
        .and_then(|d| d.get("XObject"))
        .and_then(|x| document.resolve_object(x).ok())
    else {
        return 0;
    };
    let Some(xobjects) = xobjects.as_dict() else {
        return 0;
    };
    let mut count = 0u32;
    for value in xobjects.values() {
        let Ok(xobject) = document.resolve_object(value) else {
            continue;
        };
        let Some(dict) = xobject.as_dict() else {
            continue;
        };
        match dict.get("Subtype").and_then(Object::as_name) {
            Some("Image") => count = count.saturating_add(1),
            Some("Form") if depth > 0 => {
                if let Some(inner) = dict
                    .get("Resources")
                    .and_then(|r| document.resolve_object(r).ok())
                {
                    count = count.saturating_add(images_in(document, &inner, depth - 1));
                }
            }
            _ => {}
        }
    }
    count
}

/// `text` with a line break after its last line, as every other line has
/// one (PyMuPDF's form, which pyforge-cli 1.0.9 wrote).
fn with_final_line_break(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_in_each_encoding() {
        assert_eq!(text_string(b"Caf\xe9"), "Café");
        assert_eq!(text_string(b"\xfe\xff\x00A\x04\x14"), "AД");
        assert_eq!(text_string(b"\xef\xbb\xbfZ\xc3\xbc"), "Zü");
    }

    #[test]
    fn pdf_dates_become_iso_8601() {
        assert_eq!(
            pdf_date("D:20220414132421+05'24'").as_deref(),
            Some("2022-04-14T13:24:21+05:24")
        );
        assert_eq!(
            pdf_date("D:20220415113826").as_deref(),
            Some("2022-04-15T11:38:26")
        );
        assert_eq!(
            pdf_date("D:19990209153925Z").as_deref(),
            Some("1999-02-09T15:39:25Z")
        );
        assert_eq!(pdf_date("D:2001").as_deref(), Some("2001-01-01T00:00:00"));
        assert_eq!(
            pdf_date("D:20011231-08'00").as_deref(),
            Some("2001-12-31T00:00:00-08:00")
        );
        assert_eq!(pdf_date("yesterday"), None);
        assert_eq!(pdf_date("D:2001123"), None);
    }

    #[test]
    fn bytes_without_a_header_are_not_a_pdf() {
        let error = PdfFile::from_bytes(b"hello".to_vec(), None).err().unwrap();
        assert!(matches!(error, PdfError::NotPdf(_)), "{error:?}");
    }

    #[test]
    fn a_header_and_nothing_else_is_an_error_not_a_panic() {
        for bytes in [
            &b"%PDF-1.4\n"[..],
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        ] {
            assert!(PdfFile::from_bytes(bytes.to_vec(), None).is_err());
        }
    }
}
