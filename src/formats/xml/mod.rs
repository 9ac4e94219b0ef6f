//! XML documents (`.xml`, `.xml.gz`, `.xml.bz2`, `.gpx`, `.kml`): flattened
//! to one table, one row per record, `<stem>.parquet` as pyforge-cli 1.0.9
//! writes it, and nothing of a record dropped.
//!
//! `source` opens the bytes (decompressing) and turns them into UTF-8 (the
//! byte-order mark, the declaration or `--encoding`, through the charset
//! parser CSV and dBase use); `entities` reads the internal DTD's entities
//! and expands references within the limits; `parser` puts quick-xml behind
//! a small pull interface with names as `--namespace-handling` wants them
//! and every limit enforced, and `tokens` runs it on a thread of its own. The first pass (`structure`) counts every
//! element and attribute path and infers the type of its values; `record`
//! chooses the record element; `columns` plans the columns of the chosen
//! strategy; the second pass (`rows`) streams records into batches, lists
//! for repeated elements (`lists`) and JSON text for nested content
//! (`json_text`). `format` puts it behind the format interface and
//! `describe` is what `info` shows.

mod batch;
mod columns;
mod describe;
mod entities;
mod format;
mod json_text;
mod lists;
mod parser;
mod record;
mod rows;
mod source;
mod structure;
mod tokens;

use crate::formats::charset::Charset;
use crate::formats::{FormatEntry, OutputLayout};

pub use format::{preview_schema, read_document};

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "xml",
    name: "XML",
    extensions: &["xml", "xml.gz", "xml.bz2", "gpx", "kml"],
    description: "XML documents (also .xml.gz / .xml.bz2), flattened to one row per record",
    layout: OutputLayout::File,
    text_by_default: false,
    needs_local_copy: false,
    reader: &format::Xml,
};

/// How to flatten a document.
#[derive(Debug, Clone)]
pub struct XmlOptions {
    /// The record element, when the user names it (`--record-path`).
    pub record_path: Option<RecordPath>,
    pub flatten: Flatten,
    pub arrays: ArrayHandling,
    pub namespaces: Namespaces,
    /// The text encoding (`--encoding`); `None`: the byte-order mark or the
    /// declaration, else UTF-8.
    pub encoding: Option<Charset>,
    pub limits: Limits,
}

impl Default for XmlOptions {
    fn default() -> Self {
        XmlOptions {
            record_path: None,
            flatten: Flatten::Conservative,
            arrays: ArrayHandling::Expand,
            namespaces: Namespaces::Preserve,
            encoding: None,
            limits: Limits::DEFAULT,
        }
    }
}

/// How columns are named (`--flatten-strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flatten {
    /// By the whole path below the record: `customer_address_city`.
    Conservative,
    /// By the shortest end of that path no other column has: `city`.
    Moderate,
    /// One column per child of the record; nested content as JSON text.
    Aggressive,
}

impl Flatten {
    pub fn name(self) -> &'static str {
        match self {
            Flatten::Conservative => "conservative",
            Flatten::Moderate => "moderate",
            Flatten::Aggressive => "aggressive",
        }
    }
}

/// What becomes of elements repeated inside a record (`--array-handling`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrayHandling {
    /// A typed list column.
    Expand,
    /// The values joined by this separator, as text.
    Concatenate(String),
    /// A JSON array, as text.
    JsonString,
}

/// How namespace prefixes appear in names (`--namespace-handling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespaces {
    /// As written: `dc:creator`.
    Preserve,
    /// Dropped: `creator`.
    Strip,
    /// Joined by an underscore: `dc_creator`.
    Prefix,
}

impl Namespaces {
    /// `qualified` (`prefix:local` or `local`) as this handling names it.
    pub fn apply<'a>(self, qualified: &'a str) -> std::borrow::Cow<'a, str> {
        match (self, qualified.split_once(':')) {
            (_, None) | (Namespaces::Preserve, _) => qualified.into(),
            (Namespaces::Strip, Some((_, local))) => local.into(),
            (Namespaces::Prefix, Some((prefix, local))) => format!("{prefix}_{local}").into(),
        }
    }
}

/// What a document may ask of the reader: every limit has a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes entity references may expand to in one document.
    pub entity_expansion: u64,
    /// How deep entities may refer to other entities.
    pub entity_depth: u32,
    /// How deep elements may nest.
    pub depth: u32,
    /// Attributes of one element.
    pub attributes: u32,
    /// Bytes of one piece of markup or text.
    pub text_bytes: u64,
    /// Distinct element and attribute paths.
    pub paths: u32,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        entity_expansion: 16 << 20,
        entity_depth: 2,
        depth: 512,
        attributes: 512,
        text_bytes: 64 << 20,
        paths: 20_000,
    };
}

/// An element path from the root, as `--record-path` takes it:
/// `/orders/order`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPath(pub Vec<String>);

impl RecordPath {
    /// Reads `/a/b/c` (the leading slash may be left out).
    pub fn parse(text: &str) -> Result<RecordPath, String> {
        let trimmed = text.trim().trim_start_matches('/').trim_end_matches('/');
        if trimmed.is_empty() {
            return Err("names no element".into());
        }
        let segments: Vec<String> = trimmed.split('/').map(str::to_string).collect();
        if let Some(bad) = segments
            .iter()
            .find(|s| s.is_empty() || s.contains(char::is_whitespace) || s.contains(['@', '[']))
        {
            return Err(format!(
                "`{bad}` is not an element name (give element names only, no attributes or predicates)"
            ));
        }
        Ok(RecordPath(segments))
    }
}

impl std::fmt::Display for RecordPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for segment in &self.0 {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

/// Why a document could not be read. Positions are lines of the document.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("cannot read the file")]
    Io(#[source] std::io::Error),
    #[error("cannot decompress the file ({kind})")]
    Decompress {
        kind: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown encoding `{0}` in the XML declaration")]
    UnknownEncoding(String),
    #[error("not well-formed XML at line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("line {line}: {message}")]
    Limit { line: u64, message: String },
    #[error("line {line}: {message}")]
    Entity { line: u64, message: String },
    #[error("the document has no root element")]
    Empty,
    #[error("the <{0}> records hold no value (no text, no attribute): nothing to write")]
    NoValues(String),
    #[error("no element is at --record-path {path}")]
    UnknownRecordPath {
        path: String,
        candidates: Vec<String>,
    },
    #[error("the file changed while it was read: {0}")]
    Changed(String),
}

impl XmlError {
    pub fn hint(&self) -> Option<String> {
        match self {
            XmlError::UnknownEncoding(_) => {
                Some("pass --encoding with a label pyforge knows (utf-8, windows-1252, shift_jis, cp850...)".into())
            }
            XmlError::Malformed { message, .. } if message.contains("UTF-8") => Some(
                "the document declares no other encoding; if it is not UTF-8, pass --encoding".into(),
            ),
            XmlError::Limit { message, .. } => limit_flag(message)
                .map(|flag| format!("raise {flag} if the document is trusted")),
            XmlError::UnknownRecordPath { candidates, .. } if !candidates.is_empty() => Some(
                format!("paths with repeated elements: {}", candidates.join(", ")),
            ),
            _ => None,
        }
    }
}

/// The flag named in a limit's message.
fn limit_flag(message: &str) -> Option<&str> {
    let start = message.find("--max-")?;
    let rest = &message[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_paths_parse() {
        assert_eq!(
            RecordPath::parse("/gpx/trk/trkseg/trkpt")
                .unwrap()
                .to_string(),
            "/gpx/trk/trkseg/trkpt"
        );
        assert_eq!(RecordPath::parse("a/b/").unwrap().0, vec!["a", "b"]);
        assert!(RecordPath::parse("/").is_err());
        assert!(RecordPath::parse("/a//b").is_err());
        assert!(RecordPath::parse("/a/@id").is_err());
    }

    #[test]
    fn namespace_handling_names() {
        assert_eq!(Namespaces::Preserve.apply("dc:creator"), "dc:creator");
        assert_eq!(Namespaces::Strip.apply("dc:creator"), "creator");
        assert_eq!(Namespaces::Prefix.apply("dc:creator"), "dc_creator");
        assert_eq!(Namespaces::Prefix.apply("item"), "item");
    }

    #[test]
    fn limit_messages_name_their_flag() {
        assert_eq!(
            limit_flag("elements nest deeper than 512 (--max-depth)"),
            Some("--max-depth")
        );
    }
}
