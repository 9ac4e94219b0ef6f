//! The input formats pyforge knows: the registry, and the reader of each.
//!
//! Each format is one module implementing [`InputFormat`] (the seam in
//! `interface`) plus one [`FormatEntry`] in [`REGISTRY`]: its extensions,
//! how its output is laid out, whether its reader needs a local copy of an
//! input on a volume. `convert`, `info` and `validate` only go through the
//! registry.

pub mod access;
pub mod charset;
pub mod csv;
pub mod dbase;
pub mod excel;
mod interface;
pub mod pdf;
#[cfg(test)]
mod seam_probe;
mod title_block;
pub mod typed_text;
pub mod xml;

use std::path::Path;

use serde::Serialize;

pub use interface::{
    json_document, name_width, Description, FormatError, Header, InputFormat, ReadError,
    ReadSummary, Stop, TableName, TableSink, TableSlot, TextSink,
};

/// What readers are told: every format's own options, and what they share.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Every column as a string (`--all-strings`).
    pub all_strings: bool,
    pub csv: csv::CsvOptions,
    /// Sheets, header, error cells and merged areas (Excel).
    pub excel: excel::ExcelOptions,
    /// Code page, memo file, padding and deleted records (dBase).
    pub dbase: dbase::DbaseOptions,
    /// Java, the JAR set and the helper's heap, retries and timeout (Access).
    pub jvm: crate::jvm::setup::JvmSettings,
    /// Tables, password and engine (Access).
    pub access: access::AccessSelection,
    /// Record path, column names, lists, namespaces and limits (XML).
    pub xml: xml::XmlOptions,
    /// Pages, page markers, password and the worker's limits (PDF).
    pub pdf: pdf::PdfOptions,
}

/// How a format's output is laid out (pyforge-cli 1.0.9's layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputLayout {
    /// One file: `<stem>.parquet` (or `<stem>.txt`).
    File,
    /// A directory `<stem>_parquet/` with one file per table or sheet.
    Directory(TableFiles),
}

impl OutputLayout {
    pub fn is_directory(self) -> bool {
        matches!(self, OutputLayout::Directory(_))
    }
}

/// How the files of a directory output are named (pyforge-cli 1.0.9's
/// names). A table that is the whole input is `<stem>.parquet` in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFiles {
    /// `<table>.parquet` (Access tables, a dBase file's one table).
    TableName,
    /// `<stem>_<table>.parquet`, runs of whitespace and `/ \ : * ? " < > |`
    /// in the table name becoming one `_` (Excel sheets).
    StemAndTable,
}

/// One format in the registry.
pub struct FormatEntry {
    /// Its name in JSON documents and Parquet footers: `csv`, `access`...
    pub id: &'static str,
    /// Its name for a person: `CSV`, `Access`...
    pub name: &'static str,
    /// File extensions, lower case, without the dot.
    pub extensions: &'static [&'static str],
    pub description: &'static str,
    pub layout: OutputLayout,
    /// Writes text (`<stem>.txt`) unless asked for Parquet (PDF).
    pub text_by_default: bool,
    /// Its reader cannot open files on a volume: inputs there are copied
    /// to local disk first (Access, for the JVM).
    pub needs_local_copy: bool,
    pub reader: &'static dyn InputFormat,
}

/// Every format, in the order `pyforge formats` lists them.
static REGISTRY: &[&FormatEntry] = &[
    &csv::FORMAT,
    &excel::FORMAT,
    &dbase::FORMAT,
    &access::FORMAT,
    &xml::FORMAT,
    &pdf::FORMAT,
    #[cfg(test)]
    &seam_probe::FORMAT,
];

/// The one of `extensions` (lower case, no dot) `path`'s name ends with.
fn matching_extension(path: &Path, extensions: &[&'static str]) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    extensions.iter().copied().find(|extension| {
        name.len() > extension.len() + 1
            && name.ends_with(extension)
            && name.as_bytes()[name.len() - extension.len() - 1] == b'.'
    })
}

/// `path`'s file name without the one of `extensions` it ends with (else
/// without its last extension).
pub fn stem_without(path: &Path, extensions: &[&'static str]) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match matching_extension(path, extensions) {
        Some(extension) => name[..name.len() - extension.len() - 1].to_string(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(name),
    }
}

/// An input format: a handle on its registry entry.
#[derive(Clone, Copy)]
pub struct Format(&'static FormatEntry);

impl Format {
    /// Every format in the registry.
    pub fn all() -> impl Iterator<Item = Format> {
        REGISTRY.iter().map(|entry| Format(entry))
    }

    /// The format of `path`, from its extension (case-insensitive; the
    /// longest wins, so `orders.xml.gz` is XML).
    pub fn of(path: &Path) -> Option<Format> {
        Format::all()
            .filter_map(|f| f.matching_extension(path).map(|e| (e.len(), f)))
            .max_by_key(|(length, _)| *length)
            .map(|(_, format)| format)
    }

    /// The extension of this format `path` ends with, if any.
    fn matching_extension(&self, path: &Path) -> Option<&'static str> {
        matching_extension(path, self.0.extensions)
    }

    /// `path`'s file name without this format's extension (`orders.xml.gz`
    /// gives `orders`): what outputs are named after.
    pub fn stem(&self, path: &Path) -> String {
        stem_without(path, self.0.extensions)
    }

    /// The format of a file named explicitly on the command line: there,
    /// `.txt` and `.dat` also count as delimited text (not when a directory
    /// or a glob is expanded, where they are too often something else).
    pub fn of_named_file(path: &Path) -> Option<Format> {
        Format::of(path).or_else(|| {
            let extension = path.extension()?.to_str()?.to_ascii_lowercase();
            matches!(extension.as_str(), "txt" | "dat").then(|| Format(&csv::FORMAT))
        })
    }

    pub fn id(&self) -> &'static str {
        self.0.id
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn extensions(&self) -> &'static [&'static str] {
        self.0.extensions
    }

    pub fn description(&self) -> &'static str {
        self.0.description
    }

    pub fn layout(&self) -> OutputLayout {
        self.0.layout
    }

    /// What `--format` defaults to: text for PDF, Parquet for the rest.
    pub fn default_output_is_text(&self) -> bool {
        self.0.text_by_default
    }

    /// Whether an input on a volume is copied to local disk for the reader.
    pub fn needs_local_copy(&self) -> bool {
        self.0.needs_local_copy
    }

    /// The format's reader.
    pub fn reader(&self) -> &'static dyn InputFormat {
        self.0.reader
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Format {}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id.cmp(other.0.id)
    }
}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id)
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_of(path: &str) -> Option<&'static str> {
        Format::of(Path::new(path)).map(|f| f.id())
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(id_of("a/b.CSV"), Some("csv"));
        assert_eq!(id_of("x.tsv"), Some("csv"));
        assert_eq!(id_of("db.accdb"), Some("access"));
        assert_eq!(id_of("noext"), None);
        assert_eq!(id_of("orders.XML.gz"), Some("xml"));
        assert_eq!(id_of("orders.xml.bz2"), Some("xml"));
        assert_eq!(id_of("archive.gz"), None);
        assert_eq!(id_of(".xml"), None);
        let xml = Format::of(Path::new("x.xml")).unwrap();
        assert_eq!(xml.stem(Path::new("dir/Orders.XML.gz")), "Orders");
        assert_eq!(xml.stem(Path::new("a.b.xml")), "a.b");
        assert_eq!(id_of("a.parquet"), None);
        assert_eq!(
            Format::of_named_file(Path::new("a.txt")).map(|f| f.id()),
            Some("csv")
        );
    }

    #[test]
    fn every_extension_belongs_to_one_format() {
        let mut seen = std::collections::HashSet::new();
        for format in Format::all() {
            assert!(seen.insert(format.id()), "{} twice", format.id());
            for extension in format.extensions() {
                assert_eq!(
                    Format::of(Path::new(&format!("x.{extension}"))),
                    Some(format)
                );
            }
        }
    }
}
