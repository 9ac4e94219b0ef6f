//! `pyforge validate` for Access: every table read to the end exactly as
//! `convert` reads it (values decoded into Arrow batches, which are then
//! dropped), each table's rows checked against the count the file states.
//! Unlike `convert`, a bad table does not stop the others from being read.

use std::path::Path;

use serde::Serialize;

use super::{open_user_tables, read, run_session, table_failure, AccessError, AccessSelection};
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::setup::JvmSettings;
use crate::progress::NoProgress;

/// One table as `validate` found it.
#[derive(Debug, Clone, Serialize)]
pub struct TableCheck {
    pub table: String,
    /// Rows read.
    pub rows: u64,
    /// The row count the file states (`None` when even that failed).
    pub row_count: Option<u64>,
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole database as `validate` found it.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseCheck {
    pub tables: Vec<TableCheck>,
    /// Tables skipped (links to a missing database).
    pub notes: Vec<String>,
}

/// Reads every table of `input` (or those of `--tables`).
pub fn validate(
    input: &Path,
    jvm: &JvmSettings,
    selection: &AccessSelection,
) -> Result<DatabaseCheck, AccessError> {
    let attempted = run_session(jvm, async |helper: &mut Helper| {
        check_all(helper, input, selection).await
    })?;
    attempted.value
}

async fn check_all(
    helper: &mut Helper,
    input: &Path,
    selection: &AccessSelection,
) -> Result<Result<DatabaseCheck, AccessError>, HelperError> {
    let (names, notes) = match open_user_tables(helper, input, selection).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    let mut tables = Vec::new();
    for name in names {
        let failed = |row_count, error: AccessError| TableCheck {
            table: name.clone(),
            rows: 0,
            row_count,
            valid: false,
            error: Some(error.to_string()),
        };
        let schema = match helper.schema(&name).await {
            Ok(schema) => schema,
            Err(e) => {
                tables.push(failed(None, table_failure(&name, e)?));
                continue;
            }
        };
        let arrow_schema = read::arrow_schema(&schema, false);
        let read = match read::read_table(helper, &schema, &arrow_schema, None, &NoProgress).await {
            Ok(Ok(read)) => read,
            // A value this side cannot decode: the read was abandoned
            // mid-stream, so the session cannot go on to other tables.
            Ok(Err(e)) => return Ok(Err(e)),
            Err(e) => {
                tables.push(failed(Some(schema.row_count), table_failure(&name, e)?));
                continue;
            }
        };
        let shortfall = read.shortfall();
        tables.push(TableCheck {
            table: name.clone(),
            rows: read.rows,
            row_count: Some(read.row_count),
            valid: shortfall.is_none(),
            error: shortfall.map(|e| e.to_string()),
        });
    }
    Ok(Ok(DatabaseCheck { tables, notes }))
}
