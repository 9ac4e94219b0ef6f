//! What an Access database holds, for `pyforge info`: its format, its tables
//! with their row counts, and every column's Access type and the Parquet
//! type `convert` would give it. Reads metadata only, no rows.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::metadata_cache::MetadataCache;
use super::types::arrow_type;
use super::{run_session, AccessError, AccessSelection};
use crate::formats::{json_document, name_width, Description, Header};
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::protocol::TableKind;
use crate::jvm::setup::JvmSettings;

/// A database as `info` shows it. `info --json`, version 1 (after
/// `schema_version`, `file`, `format` and `bytes`):
///
/// ```json
/// { "schema_version": 1, "file": "nwind.mdb", "format": "access", "bytes": 3002368,
///   "file_format": "V2000", "password_protected": false,
///   "tables": [ { "name": "Orders", "kind": "table", "rows": 830,
///                 "columns": [ { "name": "OrderID", "access_type": "LONG",
///                                "parquet_type": "Int32" } ] } ] }
/// ```
/// `rows` is the count the file states; null for a link to a missing database.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseInfo {
    /// Jackcess' name for the file format (`V2000`, `V2010`, ...).
    pub file_format: Option<String>,
    pub password_protected: bool,
    pub tables: Vec<TableInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    /// `table` or `linked` (temporary tables are left out).
    pub kind: TableKind,
    /// The row count the file states; `None` for a link to a missing database.
    pub rows: Option<u64>,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub access_type: String,
    /// The Arrow/Parquet type `convert` writes.
    pub parquet_type: String,
    /// A calculated column (its stored results are converted).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub calculated: bool,
}

impl Description for DatabaseInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:       {}", header.file);
        let _ = writeln!(
            out,
            "format:     Access ({}){}",
            self.file_format.as_deref().unwrap_or("unknown version"),
            if self.password_protected {
                ", password protected"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "size:       {} bytes", header.bytes);
        let _ = writeln!(out, "tables:     {}", self.tables.len());
        for table in &self.tables {
            let _ = match table.rows {
                Some(rows) => writeln!(
                    out,
                    "\n  {} ({rows} rows, {} columns)",
                    table.name,
                    table.columns.len()
                ),
                None => writeln!(out, "\n  {} (linked; its database is missing)", table.name),
            };
            let width = name_width(table.columns.iter().map(|c| c.name.as_str()));
            for column in &table.columns {
                let _ = writeln!(
                    out,
                    "    {:<width$}  {:<16} {}{}",
                    column.name,
                    column.access_type,
                    column.parquet_type,
                    if column.calculated {
                        "  (calculated)"
                    } else {
                        ""
                    }
                );
            }
        }
        out
    }
}

/// Opens the database and describes every table (or those of `--tables`).
/// With `--cache-metadata` a description of the same bytes is reused, and a
/// fresh one kept.
pub fn describe(
    input: &Path,
    jvm: &JvmSettings,
    selection: &AccessSelection,
) -> Result<DatabaseInfo, AccessError> {
    let cache = selection
        .cache_metadata
        .then(|| MetadataCache::for_database(input, jvm.jars_dir.as_deref()))
        .flatten();
    let whole = match cache.as_ref().and_then(MetadataCache::load) {
        Some(cached) => {
            tracing::info!("metadata of {} from the cache", input.display());
            cached
        }
        None => {
            let attempted = run_session(jvm, async |helper: &mut Helper| {
                describe_all(helper, input, selection).await
            })?;
            let whole = attempted.value?;
            if let Some(cache) = &cache {
                cache.store(&whole);
            }
            whole
        }
    };
    only_selected(whole, &selection.tables)
}

/// `info` with the tables of `--tables` only (all when empty); an unknown
/// name is an error listing the tables there are.
fn only_selected(mut info: DatabaseInfo, wanted: &[String]) -> Result<DatabaseInfo, AccessError> {
    if wanted.is_empty() {
        return Ok(info);
    }
    let names: Vec<String> = info.tables.iter().map(|t| t.name.clone()).collect();
    let chosen = super::select_tables(&names, wanted)?;
    info.tables.retain(|t| chosen.contains(&t.name));
    Ok(info)
}

/// Every table but the temporary ones, described.
async fn describe_all(
    helper: &mut Helper,
    input: &Path,
    selection: &AccessSelection,
) -> Result<Result<DatabaseInfo, AccessError>, HelperError> {
    let opened = helper
        .open(input, selection.engine, selection.password.clone())
        .await?;
    let entries: Vec<_> = helper
        .tables()
        .await?
        .tables
        .into_iter()
        .filter(|t| t.kind != TableKind::Temporary)
        .collect();
    let mut tables = Vec::new();
    for entry in entries {
        if entry.target_missing == Some(true) {
            tables.push(TableInfo {
                name: entry.name,
                kind: entry.kind,
                rows: None,
                columns: Vec::new(),
            });
            continue;
        }
        let schema = helper.schema(&entry.name).await?;
        tables.push(TableInfo {
            name: entry.name,
            kind: entry.kind,
            rows: Some(schema.row_count),
            columns: schema
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.name.clone(),
                    access_type: c.access_type.clone(),
                    parquet_type: arrow_type(c, false).to_string(),
                    calculated: c.calculated,
                })
                .collect(),
        });
    }
    Ok(Ok(DatabaseInfo {
        file_format: opened.file_format,
        password_protected: opened.password_protected,
        tables,
    }))
}
