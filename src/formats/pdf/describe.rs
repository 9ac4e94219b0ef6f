//! What `info` shows of a PDF: version, pages, encryption and how it was
//! opened, the document information, and what its pages hold (text pages,
//! image pages, pages with images only), as JSON fields and as text.

use std::fmt::Write as _;

use serde::Serialize;

use super::document::{Facts, Unlocked};
use super::format::{page_list, Tally};
use crate::formats::{json_document, Description, Header};

/// `info --json` for a PDF, version 1 (after `schema_version`, `file`,
/// `format` and `bytes`).
///
/// ```json
/// { "schema_version": 1, "file": "a.pdf", "format": "pdf", "bytes": 15450,
///   "pdf_version": "1.7", "pages": 6, "encryption": "Standard V1 R2 40-bit",
///   "opened": "with_password", "metadata": { "author": "...", "creation_date": "2022-04-14T13:24:21+05:24" },
///   "pages_read": 6, "text_pages": 0, "image_pages": 6,
///   "image_only_pages": [1, 2, 3, 4, 5, 6], "characters": 0 }
/// ```
/// `metadata` holds the document information's non-empty entries among
/// title, author, subject, keywords, creator, producer, creation_date and
/// modification_date (pyforge-cli 1.0.9's names; dates as ISO 8601 where
/// they parse). `opened` is `not_encrypted`, `without_password` (an empty user password)
/// or `with_password`; `pages_read` is what `--pages` selected.
#[derive(Serialize)]
pub struct PdfInfo {
    pdf_version: String,
    pages: u32,
    encryption: Option<String>,
    opened: Unlocked,
    #[serde(serialize_with = "as_map")]
    metadata: Vec<(String, String)>,
    pages_read: u64,
    text_pages: u64,
    image_pages: u64,
    image_only_pages: Vec<u32>,
    characters: u64,
}

impl PdfInfo {
    pub fn new(facts: &Facts) -> PdfInfo {
        PdfInfo {
            pdf_version: facts.version.clone(),
            pages: facts.pages,
            encryption: facts.encryption.clone(),
            opened: facts.unlocked,
            metadata: facts.metadata.clone(),
            pages_read: 0,
            text_pages: 0,
            image_pages: 0,
            image_only_pages: Vec::new(),
            characters: 0,
        }
    }

    /// What the pages read held.
    pub fn add_pages(&mut self, tally: &Tally) {
        self.pages_read = tally.read;
        self.text_pages = tally.with_text;
        self.image_pages = tally.with_images;
        self.image_only_pages = tally.image_only.clone();
        self.characters = tally.characters;
    }
}

impl Description for PdfInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:        {}", header.file);
        let _ = writeln!(out, "format:      PDF {}", self.pdf_version);
        let _ = writeln!(out, "size:        {} bytes", header.bytes);
        let _ = writeln!(out, "pages:       {}", self.pages);
        let encryption = match (&self.encryption, self.opened) {
            (None, _) => "none".to_string(),
            (Some(e), Unlocked::WithoutPassword) => format!("{e} (opens without a password)"),
            (Some(e), _) => format!("{e} (opened with the password)"),
        };
        let _ = writeln!(out, "encryption:  {encryption}");
        for (key, value) in &self.metadata {
            let _ = writeln!(out, "{:<13}{value}", format!("{}:", metadata_label(key)));
        }
        if self.pages_read != u64::from(self.pages) {
            let _ = writeln!(out, "pages read:  {} (--pages)", self.pages_read);
        }
        let _ = writeln!(out, "with text:   {} page(s)", self.text_pages);
        let _ = writeln!(out, "with images: {} page(s)", self.image_pages);
        if !self.image_only_pages.is_empty() {
            let _ = writeln!(
                out,
                "images only: {} (no text layer: scans need OCR)",
                page_list(&self.image_only_pages)
            );
        }
        let _ = writeln!(out, "characters:  {}", self.characters);
        out
    }
}

/// `creation_date` → `created`: the document information's names in words.
fn metadata_label(name: &str) -> &str {
    match name {
        "creation_date" => "created",
        "modification_date" => "modified",
        other => other,
    }
}

/// Pairs as a JSON object, in their order.
fn as_map<S: serde::Serializer>(
    pairs: &[(String, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (key, value) in pairs {
        map.serialize_entry(key, value)?;
    }
    map.end()
}
