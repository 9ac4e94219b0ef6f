//! PDF documents: their text, as `<stem>.txt` (pyforge-cli 1.0.9's output)
//! or one Parquet row per page (`--format parquet`).
//!
//! `pages` parses `--pages`; `document` opens a PDF with `pdf_oxide` and
//! reads its facts and pages; `worker` runs that in a process of its own
//! with a time and a memory limit, so a file that crashes or hangs the
//! engine fails alone; `text` lays pages out as 1.0.9 did (`--metadata`
//! markers, pages without text left out); `format` puts it behind the
//! format interface and `describe` is what `info` shows.

mod describe;
pub mod document;
mod format;
pub mod pages;
mod text;
pub mod worker;

use crate::formats::{FormatEntry, OutputLayout};

pub use pages::PageRanges;
pub use worker::WorkerLimits;

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "pdf",
    name: "PDF",
    extensions: &["pdf"],
    description: "PDF documents: text, or one Parquet row per page",
    layout: OutputLayout::File,
    text_by_default: true,
    needs_local_copy: false,
    reader: &format::Pdf,
};

/// How to read a PDF.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Only these pages (`--pages`); `None`: every page.
    pub pages: Option<PageRanges>,
    /// Each page's text between `--- Page N ---` and `--- End Page N ---`
    /// lines (`--metadata`), in the text form.
    pub page_markers: bool,
    /// Tried as the user, then the owner password (`--password`,
    /// `PYFORGE_PDF_PASSWORD`).
    pub password: Option<String>,
    /// The worker process's time and memory limits.
    pub limits: WorkerLimits,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            pages: None,
            page_markers: false,
            password: None,
            limits: WorkerLimits {
                step: std::time::Duration::from_secs(DEFAULT_PAGE_TIMEOUT_SECS),
                memory_mb: None,
            },
        }
    }
}

/// How long the worker may take to open a file or read one page, by default.
pub const DEFAULT_PAGE_TIMEOUT_SECS: u64 = 60;
