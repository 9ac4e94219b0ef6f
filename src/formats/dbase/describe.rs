//! What `info` shows of a dBase table: version, code page and how it was
//! chosen, records (stated, present, live, deleted), the memo file, and
//! every field with its declared type and the column type it becomes.

use std::fmt::Write as _;

use serde::Serialize;

use super::code_page::CodePageSource;
use super::fields;
use super::format::DbaseTable;
use super::memo::MemoKind;
use super::records::{RecordChunks, RecordFlag};
use super::DbaseError;
use crate::formats::{json_document, name_width, Description, Header};

/// `info --json` for a dBase table, version 1 (after `schema_version`,
/// `file`, `format` and `bytes`).
///
/// ```json
/// { "version": "dBase III / FoxBASE+ (no memo)", "version_byte": "0x03",
///   "last_update": "2014-08-02", "code_page": "windows-1252",
///   "code_page_source": "language_driver", "language_driver": "0x03",
///   "records": { "stated": 3, "present": 3, "live": 2, "deleted": 1 },
///   "memo_file": null,
///   "fields": [ { "name": "NAME", "declared": "C(16)", "type": "Utf8" } ] }
/// ```
/// `code_page_source` is forced, language_driver, cpg_file or detected.
#[derive(Serialize)]
pub struct TableInfo {
    version: &'static str,
    version_byte: String,
    last_update: Option<String>,
    code_page: &'static str,
    code_page_source: CodePageSource,
    language_driver: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    language_driver_name: Option<String>,
    /// What the header declares, when it is not what was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    declared_code_page: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_page_detail: Option<String>,
    header_bytes: u64,
    record_bytes: usize,
    records: Records,
    memo_file: Option<MemoInfo>,
    fields: Vec<FieldInfo>,
}

#[derive(Serialize)]
struct Records {
    /// What the header states.
    stated: u64,
    /// Whole records in the file (fewer than stated: truncated).
    present: u64,
    live: u64,
    deleted: u64,
    /// Live records whose flag byte is neither blank nor `*`.
    unusual_flags: u64,
    /// Bytes after the last record (the end marker included).
    trailing_bytes: u64,
}

#[derive(Serialize)]
struct MemoInfo {
    /// The file's name, or `null` when it is missing.
    file: Option<String>,
    kind: Option<MemoKind>,
    block_size: Option<u64>,
    memo_fields: usize,
}

#[derive(Serialize)]
struct FieldInfo {
    name: String,
    declared: String,
    #[serde(rename = "type")]
    column_type: String,
}

impl TableInfo {
    pub fn new(table: &DbaseTable, all_strings: bool) -> Result<TableInfo, DbaseError> {
        let header = &table.header;
        let flags = count_flags(table)?;
        let schema = table.schema(all_strings);
        let declared = table
            .code_page
            .declared
            .filter(|d| *d != table.code_page.charset);
        Ok(TableInfo {
            version: header.version.describe(),
            version_byte: format!("0x{:02X}", header.version.byte),
            last_update: header
                .last_update
                .filter(|&(_, m, d)| (1..=12).contains(&m) && (1..=31).contains(&d))
                .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            code_page: table.code_page.charset.name(),
            code_page_source: table.code_page.source,
            language_driver: format!("0x{:02X}", header.language_driver),
            language_driver_name: header.language_driver_name.clone(),
            declared_code_page: declared.map(|d| d.name()),
            code_page_detail: table.code_page.detail.clone(),
            header_bytes: header.header_length,
            record_bytes: table.span.stride,
            records: Records {
                stated: table.span.stated,
                present: table.span.present,
                live: table.span.present - flags.0,
                deleted: flags.0,
                unusual_flags: flags.1,
                trailing_bytes: table.span.trailing,
            },
            memo_file: (table.memo_fields > 0).then(|| MemoInfo {
                file: table.memo.as_ref().map(|m| {
                    m.path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                }),
                kind: table.memo.as_ref().map(|m| m.kind),
                block_size: table.memo.as_ref().map(|m| m.block_size),
                memo_fields: table.memo_fields,
            }),
            fields: table
                .columns
                .iter()
                .zip(schema.fields())
                .map(|(column, field)| FieldInfo {
                    name: column.name.clone(),
                    declared: fields::declared(&header.fields[column.field]),
                    column_type: field.data_type().to_string(),
                })
                .collect(),
        })
    }
}

/// Deleted records and records with an unusual flag byte.
fn count_flags(table: &DbaseTable) -> Result<(u64, u64), DbaseError> {
    let file = std::fs::File::open(&table.path).map_err(DbaseError::Io)?;
    let mut chunks = RecordChunks::new(file, table.header.header_length, &table.span, 8 << 20)
        .map_err(DbaseError::Io)?;
    let (mut deleted, mut unusual) = (0, 0);
    while let Some(chunk) = chunks.next_chunk().map_err(DbaseError::Io)? {
        for record in chunk.chunks_exact(table.span.stride) {
            match RecordFlag::of(record[0]) {
                RecordFlag::Deleted => deleted += 1,
                RecordFlag::Unusual => unusual += 1,
                RecordFlag::Live => {}
            }
        }
    }
    Ok((deleted, unusual))
}

impl Description for TableInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:       {}", header.file);
        let _ = writeln!(out, "format:     dBase");
        let _ = writeln!(out, "size:       {} bytes", header.bytes);
        let _ = writeln!(out, "version:    {} ({})", self.version, self.version_byte);
        if let Some(date) = &self.last_update {
            let _ = writeln!(out, "updated:    {date}");
        }
        let source = match self.code_page_source {
            CodePageSource::Forced => "from --encoding".to_string(),
            CodePageSource::LanguageDriver => format!("language driver {}", self.language_driver),
            CodePageSource::CpgFile => "from the .cpg file".to_string(),
            CodePageSource::Detected => "detected".to_string(),
        };
        let _ = writeln!(out, "code page:  {} ({source})", self.code_page);
        if let Some(detail) = &self.code_page_detail {
            let _ = writeln!(out, "            {detail}");
        }
        let r = &self.records;
        let _ = writeln!(
            out,
            "records:    {} live, {} deleted ({} stated by the header{})",
            r.live,
            r.deleted,
            r.stated,
            if r.present < r.stated {
                format!(", only {} in the file: truncated", r.present)
            } else {
                String::new()
            }
        );
        if let Some(memo) = &self.memo_file {
            let _ = writeln!(
                out,
                "memo file:  {} ({} memo field(s))",
                memo.file.as_deref().unwrap_or("missing"),
                memo.memo_fields
            );
        }
        let _ = writeln!(out, "fields:     {}", self.fields.len());
        let width = name_width(self.fields.iter().map(|f| f.name.as_str()));
        let _ = writeln!(
            out,
            "  {:>4}  {:<width$}  {:<9} type",
            "#", "name", "declared"
        );
        for (i, f) in self.fields.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:>4}  {:<width$}  {:<9} {}",
                i + 1,
                f.name,
                f.declared,
                f.column_type
            );
        }
        out
    }
}
