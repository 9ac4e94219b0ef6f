//! What `info` (and `--preview-schema`) shows of a document: root, record
//! path and how it was chosen, the runners-up, elements and paths, text
//! encoding and compression, namespaces, and every column with its type
//! and where its values come from.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::columns::Shape;
use super::format::Document;
use super::record::{Candidate, ChoiceReason};
use super::source::EncodingSource;
use super::XmlOptions;
use crate::formats::{json_document, name_width, Description, Header};

/// `info --json` for an XML document, version 1 (after `schema_version`,
/// `file`, `format` and `bytes`).
///
/// ```json
/// { "root": "rss", "record_path": "/rss/channel/item", "record_choice": "detected",
///   "records": 99, "runners_up": [ { "path": "/rss/channel/atom:link", "elements": 2 } ],
///   "elements": 1550, "paths": 61, "encoding": "UTF-8", "encoding_source": "declaration",
///   "compression": "none", "namespaces": { "dc": "http://purl.org/dc/elements/1.1/" },
///   "entities": 0, "flatten_strategy": "conservative", "array_handling": "expand",
///   "columns": [ { "name": "title", "type": "string", "path": "title",
///                  "list": false, "carried": false } ] }
/// ```
/// `record_choice` is detected, root (no element repeats) or requested.
#[derive(Serialize)]
pub struct DocumentInfo {
    root: String,
    record_path: String,
    record_choice: ChoiceReason,
    records: u64,
    runners_up: Vec<Candidate>,
    elements: u64,
    paths: usize,
    encoding: &'static str,
    encoding_source: EncodingSource,
    compression: &'static str,
    namespaces: BTreeMap<String, String>,
    entities: usize,
    flatten_strategy: &'static str,
    array_handling: &'static str,
    columns: Vec<ColumnInfo>,
}

#[derive(Serialize)]
struct ColumnInfo {
    name: String,
    #[serde(rename = "type")]
    column_type: String,
    path: String,
    list: bool,
    carried: bool,
}

impl DocumentInfo {
    pub fn new(document: &Document, options: &XmlOptions) -> DocumentInfo {
        let structure = &document.structure;
        let record = document.choice.element;
        let plan = &document.plan;
        DocumentInfo {
            root: structure.element(super::structure::ROOT).qualified.clone(),
            record_path: structure.path_text(record),
            record_choice: document.choice.how,
            records: structure.element(record).count,
            runners_up: document.choice.runners_up.clone(),
            elements: structure.element_count,
            paths: structure.elements.len() + structure.attributes.len(),
            encoding: structure.source.charset.name(),
            encoding_source: structure.source.encoding_source,
            compression: structure.source.compression.name(),
            namespaces: structure.namespaces.clone(),
            entities: structure.declared_entities,
            flatten_strategy: options.flatten.name(),
            array_handling: match options.arrays {
                super::ArrayHandling::Expand => "expand",
                super::ArrayHandling::Concatenate(_) => "concatenate",
                super::ArrayHandling::JsonString => "json_string",
            },
            columns: plan
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.name.clone(),
                    column_type: plan.type_name(c),
                    path: c.path.clone(),
                    list: matches!(c.shape, Shape::List { .. }),
                    carried: c.carried,
                })
                .collect(),
        }
    }

    /// The record path and the columns (`--preview-schema`).
    pub fn schema_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.record_line());
        out.push_str(&self.columns_text());
        out
    }

    fn record_line(&self) -> String {
        let how = match self.record_choice {
            ChoiceReason::Detected => "detected",
            ChoiceReason::Root => "no element repeats: the root",
            ChoiceReason::Requested => "--record-path",
        };
        format!(
            "records:    {} ({} element(s); {how})",
            self.record_path, self.records
        )
    }

    fn columns_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "columns:    {} ({}, arrays: {})",
            self.columns.len(),
            self.flatten_strategy,
            self.array_handling
        );
        let width = name_width(self.columns.iter().map(|c| c.name.as_str()));
        for column in &self.columns {
            let from = if column.carried {
                format!(
                    "  (from /{}, on every row)",
                    column.path.trim_start_matches('/')
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {:width$}  {}{from}",
                column.name, column.column_type
            );
        }
        out
    }
}

impl Description for DocumentInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:       {}", header.file);
        let _ = writeln!(out, "format:     XML");
        let _ = writeln!(out, "size:       {} bytes", header.bytes);
        let source = match self.encoding_source {
            EncodingSource::Option => "from --encoding",
            EncodingSource::ByteOrderMark => "byte-order mark",
            EncodingSource::Declaration => "declared",
            EncodingSource::Default => "the XML default",
        };
        let _ = writeln!(out, "encoding:   {} ({source})", self.encoding);
        if self.compression != "none" {
            let _ = writeln!(out, "compressed: {}", self.compression);
        }
        let _ = writeln!(out, "root:       <{}>", self.root);
        let _ = writeln!(
            out,
            "elements:   {} ({} distinct element and attribute paths)",
            self.elements, self.paths
        );
        let _ = writeln!(out, "{}", self.record_line());
        for candidate in &self.runners_up {
            let _ = writeln!(
                out,
                "            or {} ({} element(s))",
                candidate.path, candidate.elements
            );
        }
        if !self.namespaces.is_empty() {
            let _ = writeln!(out, "namespaces:");
            for (prefix, uri) in &self.namespaces {
                let prefix = if prefix.is_empty() {
                    "(default)"
                } else {
                    prefix
                };
                let _ = writeln!(out, "  {prefix} = {uri}");
            }
        }
        if self.entities > 0 {
            let _ = writeln!(out, "entities:   {} declared", self.entities);
        }
        out.push_str(&self.columns_text());
        out
    }
}
