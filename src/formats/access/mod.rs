//! Microsoft Access databases (`.mdb`, `.accdb`) → one Parquet file per table.
//!
//! The Java helper (`jvm::helper`) reads the file; this module finds Java and
//! the JAR set, runs the helper with retries, turns each table's schema into
//! an Arrow schema (`types`), streams its rows into bounded Arrow batches for
//! the sink, and checks the rows read against the row count the file states.
//! The tables are written into a hidden temporary directory beside the
//! `<stem>_parquet/` target, which is renamed into place only when every
//! table is complete.

mod describe;
mod names;
mod types;

pub use describe::{describe, DatabaseInfo};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};
use serde::Serialize;

use crate::jvm::helper::{with_retries, Helper, HelperError};
use crate::jvm::protocol::{Engine, ErrorKind, TableKind, TableSchema};
use crate::jvm::setup::{JvmSettings, SetupError};
use crate::progress::NoProgress;
use crate::sink::{ParquetSink, SinkError, SinkOptions, TempDir};

use types::ColumnBuilder;

/// Rows per `rows` message asked of the helper.
const READ_BATCH_ROWS: u32 = 5000;
/// Rows per Arrow batch handed to the sink.
const SINK_BATCH_ROWS: usize = 64 * 1024;
/// Footer key holding the table's name as stored in the database.
pub const SOURCE_TABLE_KEY: &str = "pyforge.source_table";

/// Settings for one Access conversion.
#[derive(Debug, Clone)]
pub struct AccessOptions {
    pub sink: SinkOptions,
    pub all_strings: bool,
    pub force: bool,
    pub jvm: JvmSettings,
    pub selection: AccessSelection,
}

/// What to read from a database and how.
#[derive(Debug, Clone)]
pub struct AccessSelection {
    /// `--tables`: only these (every name must exist); empty means all.
    pub tables: Vec<String>,
    /// `--password`: sent to the helper in the `open` request on its stdin.
    pub password: Option<String>,
    /// `--engine`.
    pub engine: Engine,
}

impl Default for AccessSelection {
    fn default() -> Self {
        AccessSelection {
            tables: Vec::new(),
            password: None,
            engine: Engine::Jackcess,
        }
    }
}

/// One converted table.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    /// The table's name in the database.
    pub table: String,
    /// The Parquet file written for it (inside the output directory).
    pub file: String,
    pub rows: u64,
    pub columns: usize,
    pub bytes: u64,
}

/// What a finished conversion wrote.
#[derive(Debug, Clone)]
pub struct AccessSummary {
    pub output: PathBuf,
    pub tables: Vec<TableReport>,
    pub notes: Vec<String>,
    pub retries: u32,
}

/// Why an Access conversion failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{}", helper_message(.0))]
    Helper(#[from] HelperError),
    #[error("table `{table}`: {source}")]
    Value {
        table: String,
        source: types::ValueError,
    },
    #[error("table `{table}`: read {rows_sent} rows but the file states {row_count} (a damaged table or a stale row count)")]
    RowCount {
        table: String,
        rows_sent: u64,
        row_count: u64,
    },
    #[error("table `{table}`: {source}")]
    Sink { table: String, source: SinkError },
    #[error("cannot create a temporary directory beside {}: {source}", .target.display())]
    TempDir {
        target: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Commit(#[from] crate::sink::CommitError),
    #[error("no table named {} (the tables are: {})", quoted(.unknown), quoted(.available))]
    UnknownTables {
        unknown: Vec<String>,
        available: Vec<String>,
    },
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn helper_message(error: &HelperError) -> String {
    match error {
        HelperError::Reported { kind, message } => {
            let what = match kind {
                ErrorKind::Password => "password required or wrong",
                ErrorKind::Encrypted => "the database is encrypted (needs jackcess-encrypt, which is not in the JAR set)",
                ErrorKind::UnsupportedVersion => "the database format is newer than Jackcess 3.0.1 reads (Access 2019?)",
                ErrorKind::Corrupt => "the database is damaged",
                ErrorKind::NotAccess => "not an Access database",
                ErrorKind::NotFound => "not found",
                _ => "the Access reader failed",
            };
            if message.to_lowercase().starts_with(what) {
                message.clone()
            } else {
                format!("{what}: {message}")
            }
        }
        other => other.to_string(),
    }
}

impl AccessError {
    /// What the user can do about it, if there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            AccessError::Setup(e) => e.hint().map(str::to_string),
            AccessError::Helper(HelperError::Reported {
                kind: ErrorKind::Encrypted,
                ..
            }) => Some("decrypt it in Access first (File → Info → Decrypt Database)".into()),
            AccessError::Helper(HelperError::Reported {
                kind: ErrorKind::UnsupportedVersion,
                ..
            }) => Some("save it in Access 2007-2016 format (.accdb) first".into()),
            AccessError::Helper(HelperError::Reported {
                kind: ErrorKind::Password,
                ..
            }) => Some(
                "pass it with --password, or PYFORGE_ACCESS_PASSWORD to keep it off the command line"
                    .into(),
            ),
            AccessError::Helper(HelperError::Reported { .. }) => None,
            AccessError::Helper(_) => {
                Some("`pyforge env-info` checks Java, the JAR set and the helper".into())
            }
            _ => None,
        }
    }
}

/// A table-level failure inside a helper session: not retried.
enum TableFailure {
    Value(types::ValueError),
    Sink(SinkError),
}

/// Converts the database at `input` into the directory `output`.
pub fn convert(
    input: &Path,
    output: &Path,
    options: &AccessOptions,
) -> Result<AccessSummary, AccessError> {
    let config = options.jvm.helper_config(&NoProgress)?;
    let policy = options.jvm.retry_policy();
    let temp = TempDir::create(output).map_err(|source| AccessError::TempDir {
        target: output.to_path_buf(),
        source,
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AccessError::Runtime)?;
    let dir = temp.path().to_path_buf();
    let attempted = runtime.block_on(with_retries(
        &config,
        &policy,
        async |helper: &mut Helper| convert_all(helper, input, &dir, options).await,
    ))?;
    drop(runtime);
    let (tables, notes) = attempted.value?;
    temp.commit(options.force)?;
    Ok(AccessSummary {
        output: output.to_path_buf(),
        tables,
        notes,
        retries: attempted.retries,
    })
}

type Converted = Result<(Vec<TableReport>, Vec<String>), AccessError>;

/// One helper session: open, list, convert every table. Helper failures are
/// returned as `Err` (and may be retried); table failures as `Ok(Err)`.
async fn convert_all(
    helper: &mut Helper,
    input: &Path,
    dir: &Path,
    options: &AccessOptions,
) -> Result<Converted, HelperError> {
    helper
        .open(
            input,
            options.selection.engine,
            options.selection.password.clone(),
        )
        .await?;
    let mut notes = Vec::new();
    let mut names = Vec::new();
    for entry in helper.tables().await?.tables {
        match entry.kind {
            TableKind::Temporary => continue,
            TableKind::Linked if entry.target_missing == Some(true) => {
                notes.push(format!(
                    "skipped linked table `{}`: its database {} is missing",
                    entry.name,
                    entry.linked_db.as_deref().unwrap_or("(unknown)")
                ));
                continue;
            }
            _ => names.push(entry.name),
        }
    }
    if !options.selection.tables.is_empty() {
        names = match select_tables(&names, &options.selection.tables) {
            Ok(selected) => selected,
            Err(e) => return Ok(Err(e)),
        };
    }
    if names.is_empty() {
        notes.push("the database holds no user tables: the output directory is empty".into());
    }
    let stems = names::safe_stems(&names);
    let mut reports = Vec::new();
    for (name, stem) in names.iter().zip(stems) {
        let schema = helper.schema(name).await?;
        let file = format!("{stem}.parquet");
        match convert_table(helper, &schema, input, &dir.join(&file), options).await? {
            Ok(report) => reports.push(TableReport { file, ..report }),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok((reports, notes)))
}

/// The tables named by `--tables`, in the database's order. A name matches
/// exactly or, failing that, ignoring case; an unknown name is an error
/// that lists the tables there are.
pub(super) fn select_tables(
    available: &[String],
    wanted: &[String],
) -> Result<Vec<String>, AccessError> {
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for name in wanted {
        let found = available.iter().find(|a| *a == name).or_else(|| {
            available
                .iter()
                .find(|a| a.to_lowercase() == name.to_lowercase())
        });
        match found {
            Some(table) if !chosen.contains(table) => chosen.push(table.clone()),
            Some(_) => {}
            None => unknown.push(name.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(AccessError::UnknownTables {
            unknown,
            available: available.to_vec(),
        });
    }
    Ok(available
        .iter()
        .filter(|a| chosen.contains(a))
        .cloned()
        .collect())
}

async fn convert_table(
    helper: &mut Helper,
    schema: &TableSchema,
    input: &Path,
    target: &Path,
    options: &AccessOptions,
) -> Result<Result<TableReport, AccessError>, HelperError> {
    let table = schema.table.clone();
    let fields: Vec<_> = schema
        .columns
        .iter()
        .map(|c| types::arrow_field(c, options.all_strings))
        .collect();
    let arrow_schema: SchemaRef = Arc::new(Schema::new(fields));
    let metadata = vec![
        ("pyforge.source".to_string(), source_name(input)),
        ("pyforge.source_format".to_string(), "access".to_string()),
        (SOURCE_TABLE_KEY.to_string(), table.clone()),
    ];
    let sink_error = |source| AccessError::Sink {
        table: table.clone(),
        source,
    };
    let mut sink = match ParquetSink::create(target, &arrow_schema, metadata, &options.sink) {
        Ok(sink) => sink,
        Err(e) => return Ok(Err(sink_error(e))),
    };
    let mut builders: Vec<ColumnBuilder> = arrow_schema
        .fields()
        .iter()
        .map(|f| ColumnBuilder::new(f.data_type()))
        .collect();
    let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    let mut pending = 0usize;

    let flush = |builders: &mut Vec<ColumnBuilder>, sink: &mut ParquetSink| {
        let arrays = builders.iter_mut().map(ColumnBuilder::finish).collect();
        let batch =
            RecordBatch::try_new(arrow_schema.clone(), arrays).expect("builders match the schema");
        sink.write(&batch).map_err(TableFailure::Sink)
    };

    let end = helper
        .read(&table, READ_BATCH_ROWS, |rows| {
            for row in rows {
                for ((builder, value), name) in builders.iter_mut().zip(&row).zip(&names) {
                    builder.append(value, name).map_err(TableFailure::Value)?;
                }
                // A short row (never sent by a correct helper) still gets
                // nulls so the columns stay aligned.
                for builder in builders.iter_mut().skip(row.len()) {
                    builder
                        .append(&serde_json::Value::Null, "")
                        .map_err(TableFailure::Value)?;
                }
                pending += 1;
            }
            if pending >= SINK_BATCH_ROWS {
                flush(&mut builders, &mut sink)?;
                pending = 0;
            }
            Ok(())
        })
        .await?;
    let end = match end {
        Ok(end) => end,
        Err(TableFailure::Value(source)) => return Ok(Err(AccessError::Value { table, source })),
        Err(TableFailure::Sink(source)) => return Ok(Err(sink_error(source))),
    };
    if pending > 0 {
        if let Err(TableFailure::Sink(source)) = flush(&mut builders, &mut sink) {
            return Ok(Err(sink_error(source)));
        }
    }
    if end.rows_sent != end.row_count {
        return Ok(Err(AccessError::RowCount {
            table,
            rows_sent: end.rows_sent,
            row_count: end.row_count,
        }));
    }
    let summary = match sink.finish(true) {
        Ok(summary) => summary,
        Err(e) => return Ok(Err(sink_error(e))),
    };
    Ok(Ok(TableReport {
        table,
        file: String::new(),
        rows: summary.rows,
        columns: schema.columns.len(),
        bytes: summary.bytes,
    }))
}

/// The input's file name, kept in the Parquet footer.
fn source_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tables_are_chosen_in_database_order_ignoring_case_as_a_fallback() {
        let available = names(&["Orders", "Customers", "order details"]);
        let chosen = select_tables(&available, &names(&["customers", "Orders", "Orders"])).unwrap();
        assert_eq!(chosen, names(&["Orders", "Customers"]));
        let error = select_tables(&available, &names(&["Nope"])).unwrap_err();
        assert!(error.to_string().contains("`Nope`"), "{error}");
        assert!(error.to_string().contains("`Customers`"), "{error}");
    }
}
