//! The input formats pyforge knows, and the reader for each.
//!
//! [`Format::of`] decides a file's format from its extension; each format has
//! one reader module yielding Arrow record batches for the sink. Formats not
//! built yet are listed (so `formats` and error messages can name them) and
//! answer "not supported yet".

pub mod access;
pub mod csv;

use std::path::Path;

use serde::Serialize;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Excel,
    Dbf,
    Access,
    Xml,
    Pdf,
}

/// How a format's output is laid out (pyforge-cli 1.0.9's layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputLayout {
    /// One file: `<stem>.parquet` (or `<stem>.txt`).
    File,
    /// A directory `<stem>_parquet/` with one file per table or sheet.
    Directory,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Csv,
        Format::Excel,
        Format::Dbf,
        Format::Access,
        Format::Xml,
        Format::Pdf,
    ];

    /// The format of `path`, from its extension (case-insensitive).
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&extension.as_str()))
    }

    /// The format of a file named explicitly on the command line: there,
    /// `.txt` and `.dat` also count as delimited text (not when a directory
    /// or a glob is expanded, where they are too often something else).
    pub fn of_named_file(path: &Path) -> Option<Format> {
        Format::of(path).or_else(|| {
            let extension = path.extension()?.to_str()?.to_ascii_lowercase();
            matches!(extension.as_str(), "txt" | "dat").then_some(Format::Csv)
        })
    }

    pub fn extensions(&self) -> &'static [&'static str] {
        match self {
            Format::Csv => &["csv", "tsv", "psv", "tab"],
            Format::Excel => &["xlsx", "xlsm", "xls", "xlsb", "ods"],
            Format::Dbf => &["dbf"],
            Format::Access => &["mdb", "accdb"],
            Format::Xml => &["xml"],
            Format::Pdf => &["pdf"],
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Excel => "Excel",
            Format::Dbf => "dBase",
            Format::Access => "Access",
            Format::Xml => "XML",
            Format::Pdf => "PDF",
        }
    }

    pub fn description(&self) -> &'static str {
        match self {
            Format::Csv => "delimited text (comma, semicolon, tab, pipe, colon)",
            Format::Excel => "Excel workbooks, one Parquet file per sheet",
            Format::Dbf => "dBase / FoxPro tables",
            Format::Access => "Microsoft Access databases, one Parquet file per table",
            Format::Xml => "XML documents, flattened to rows",
            Format::Pdf => "PDF documents, text extraction",
        }
    }

    /// Whether this build converts the format.
    pub fn is_supported(&self) -> bool {
        matches!(self, Format::Csv | Format::Access)
    }

    pub fn layout(&self) -> OutputLayout {
        match self {
            Format::Csv | Format::Xml | Format::Pdf => OutputLayout::File,
            Format::Excel | Format::Dbf | Format::Access => OutputLayout::Directory,
        }
    }

    /// What `--format` defaults to: text for PDF, Parquet for the rest.
    pub fn default_output_is_text(&self) -> bool {
        matches!(self, Format::Pdf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/b.CSV")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("x.tsv")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("db.accdb")), Some(Format::Access));
        assert_eq!(Format::of(Path::new("noext")), None);
        assert_eq!(Format::of(Path::new("a.parquet")), None);
    }
}
