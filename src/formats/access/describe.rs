//! What an Access database holds, for `pyforge info`: its format, its tables
//! with their row counts, and every column's Access type and the Parquet
//! type `convert` would give it. Reads metadata only, no rows.

use std::path::Path;

use serde::Serialize;

use super::types::arrow_type;
use super::{run_session, AccessError, AccessSelection};
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::protocol::TableKind;
use crate::jvm::setup::JvmSettings;

/// A database as `info` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseInfo {
    /// Jackcess' name for the file format (`V2000`, `V2010`, ...).
    pub file_format: Option<String>,
    pub password_protected: bool,
    pub tables: Vec<TableInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableInfo {
    pub name: String,
    /// `table` or `linked` (temporary tables are left out).
    pub kind: TableKind,
    /// The row count the file states; `None` for a link to a missing database.
    pub rows: Option<u64>,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    pub access_type: String,
    /// The Arrow/Parquet type `convert` writes.
    pub parquet_type: String,
    /// A calculated column (its stored results are converted).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub calculated: bool,
}

/// Opens the database and describes every table (or those of `--tables`).
pub fn describe(
    input: &Path,
    jvm: &JvmSettings,
    selection: &AccessSelection,
) -> Result<DatabaseInfo, AccessError> {
    let attempted = run_session(jvm, async |helper: &mut Helper| {
        describe_all(helper, input, selection).await
    })?;
    attempted.value
}

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
    let names: Vec<String> = entries.iter().map(|t| t.name.clone()).collect();
    let wanted = if selection.tables.is_empty() {
        names
    } else {
        match super::select_tables(&names, &selection.tables) {
            Ok(chosen) => chosen,
            Err(e) => return Ok(Err(e)),
        }
    };
    let mut tables = Vec::new();
    for entry in entries.into_iter().filter(|e| wanted.contains(&e.name)) {
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
