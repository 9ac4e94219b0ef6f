//! Microsoft Access databases (`.mdb`, `.accdb`) → one Parquet file per table.
//!
//! The Java helper (`jvm::helper`) reads the file; this module finds Java and
//! the JAR set, runs the helper with retries, turns each table's schema into
//! an Arrow schema (`types`), streams its rows into bounded Arrow batches for
//! the sink (`read`), and checks the rows read against the row count the
//! file states. The tables are written into a hidden temporary directory
//! beside the `<stem>_parquet/` target, handed back uncommitted: the convert
//! layer moves it into place once every table is complete. `describe` (for `info`) reads metadata
//! only; `check` (for `validate`) reads every row and writes nothing.

mod check;
mod describe;
mod metadata_cache;
mod names;
mod read;
mod types;

pub use check::{validate, TableCheck};
pub use describe::{describe, DatabaseInfo};

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::files::TempPath;
use crate::jvm::helper::{with_retries, Attempted, Helper, HelperError};
use crate::jvm::protocol::{Engine, ErrorKind, TableKind};
use crate::jvm::retry::Verdict;
use crate::jvm::setup::{JvmSettings, SetupError};
use crate::progress::{NoProgress, Progress};
use crate::sink::{ParquetSink, SinkError, SinkOptions};

/// Footer key holding the table's name as stored in the database.
pub const SOURCE_TABLE_KEY: &str = "pyforge.source_table";

/// Settings for one Access conversion.
#[derive(Debug, Clone)]
pub struct AccessOptions {
    pub sink: SinkOptions,
    pub all_strings: bool,
    pub jvm: JvmSettings,
    pub selection: AccessSelection,
    /// Keep a table read short of its stated row count (or stopped by
    /// damage) instead of failing: `--allow-partial`.
    pub allow_partial: bool,
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
    /// `--cache-metadata`: reuse (and keep) table lists and schemas by the
    /// file's SHA-256.
    pub cache_metadata: bool,
}

impl Default for AccessSelection {
    fn default() -> Self {
        AccessSelection {
            tables: Vec::new(),
            password: None,
            engine: Engine::Jackcess,
            cache_metadata: false,
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
#[derive(Debug)]
pub struct AccessSummary {
    /// The complete output directory under its temporary name, to be
    /// committed onto the target.
    pub pending: TempPath,
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
    #[error("table `{table}`: {message}, after {rows} of the {row_count} rows the file states")]
    Damaged {
        table: String,
        rows: u64,
        row_count: u64,
        message: String,
    },
    #[error("table `{table}`: {}", helper_message(.source))]
    Table { table: String, source: HelperError },
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
            if message.to_lowercase().starts_with(&what.to_lowercase()) {
                message.clone()
            } else {
                format!("{what}: {message}")
            }
        }
        other => other.to_string(),
    }
}

impl AccessError {
    /// A table whose data the helper found damaged before any row was read.
    fn is_damage(&self) -> bool {
        matches!(
            self,
            AccessError::Table {
                source: HelperError::Reported {
                    kind: ErrorKind::Corrupt,
                    ..
                },
                ..
            }
        )
    }

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
            AccessError::Damaged { .. } | AccessError::RowCount { .. } => Some(
                "--allow-partial keeps the rows that could be read; `pyforge validate` checks every table"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// Converts the database at `input` into the directory `output`, reporting
/// each table's rows to `progress`.
pub fn convert(
    input: &Path,
    output: &Path,
    options: &AccessOptions,
    progress: &dyn Progress,
) -> Result<AccessSummary, AccessError> {
    refuse_unknown_tables_from_cache(input, options)?;
    let temp = TempPath::dir(output).map_err(|source| AccessError::TempDir {
        target: output.to_path_buf(),
        source,
    })?;
    let dir = temp.path().to_path_buf();
    let attempted = run_session(&options.jvm, async |helper: &mut Helper| {
        convert_all(helper, input, &dir, options, progress).await
    })?;
    let (tables, notes) = attempted.value?;
    Ok(AccessSummary {
        pending: temp,
        tables,
        notes,
        retries: attempted.retries,
    })
}

/// With `--cache-metadata` and `--tables`: a name the cached table list
/// lacks is refused before Java starts.
fn refuse_unknown_tables_from_cache(
    input: &Path,
    options: &AccessOptions,
) -> Result<(), AccessError> {
    let selection = &options.selection;
    if !selection.cache_metadata || selection.tables.is_empty() {
        return Ok(());
    }
    let cached =
        metadata_cache::MetadataCache::for_database(input, options.jvm.jars_dir.as_deref())
            .and_then(|cache| cache.load());
    match cached {
        Some(info) => {
            let names: Vec<String> = info.tables.into_iter().map(|t| t.name).collect();
            select_tables(&names, &selection.tables).map(drop)
        }
        None => Ok(()),
    }
}

/// Runs `work` on a Java helper, with the retries of `jvm`, on a runtime of
/// its own (each database gets its own helper and runtime).
pub(super) fn run_session<T>(
    jvm: &JvmSettings,
    work: impl AsyncFnMut(&mut Helper) -> Result<T, HelperError>,
) -> Result<Attempted<T>, AccessError> {
    let config = jvm.helper_config(&NoProgress)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AccessError::Runtime)?;
    Ok(runtime.block_on(with_retries(&config, &jvm.retry_policy(), work))?)
}

/// Opens `input` and returns the user tables to read (temporary tables,
/// links to a missing database and tables outside `--tables` left out),
/// with a note for each table skipped.
pub(super) async fn open_user_tables(
    helper: &mut Helper,
    input: &Path,
    selection: &AccessSelection,
) -> Result<Result<(Vec<String>, Vec<String>), AccessError>, HelperError> {
    helper
        .open(input, selection.engine, selection.password.clone())
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
    if !selection.tables.is_empty() {
        names = match select_tables(&names, &selection.tables) {
            Ok(selected) => selected,
            Err(e) => return Ok(Err(e)),
        };
    }
    Ok(Ok((names, notes)))
}

/// A helper failure while working on `table`: what the helper reported
/// (final, not retried) becomes an error naming the table; process
/// failures go up to be retried.
pub(super) fn table_failure(table: &str, error: HelperError) -> Result<AccessError, HelperError> {
    match error {
        HelperError::Reported { .. } if matches!(error.verdict(), Verdict::Final) => {
            Ok(AccessError::Table {
                table: table.to_string(),
                source: error,
            })
        }
        other => Err(other),
    }
}

type Converted = Result<(Vec<TableReport>, Vec<String>), AccessError>;

/// One helper session: open, list, convert every table. Helper failures are
/// returned as `Err` (and may be retried); table failures as `Ok(Err)`.
async fn convert_all(
    helper: &mut Helper,
    input: &Path,
    dir: &Path,
    options: &AccessOptions,
    progress: &dyn Progress,
) -> Result<Converted, HelperError> {
    let (names, mut notes) = match open_user_tables(helper, input, &options.selection).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    if names.is_empty() {
        notes.push("the database holds no user tables: the output directory is empty".into());
    }
    let stems = names::safe_stems(&names);
    let mut reports = Vec::new();
    for (name, stem) in names.iter().zip(stems) {
        let file = format!("{stem}.parquet");
        match convert_table(helper, name, input, &file, dir, options, progress).await? {
            Ok((report, note)) => {
                reports.push(report);
                notes.extend(note);
            }
            Err(e) if options.allow_partial && e.is_damage() => {
                notes.push(format!("{e}; the table was skipped (--allow-partial)"));
            }
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

/// Writes one table to `dir/file`. A table read short of its stated row
/// count fails, unless `--allow-partial` keeps it (with a note).
async fn convert_table(
    helper: &mut Helper,
    table: &str,
    input: &Path,
    file: &str,
    dir: &Path,
    options: &AccessOptions,
    progress: &dyn Progress,
) -> Result<Result<(TableReport, Option<String>), AccessError>, HelperError> {
    let schema = match helper.schema(table).await {
        Ok(schema) => schema,
        Err(e) => return table_failure(table, e).map(Err),
    };
    let arrow_schema = read::arrow_schema(&schema, options.all_strings);
    let metadata = vec![
        ("pyforge.source".to_string(), source_name(input)),
        ("pyforge.source_format".to_string(), "access".to_string()),
        (SOURCE_TABLE_KEY.to_string(), table.to_string()),
    ];
    let sink_error = |source| AccessError::Sink {
        table: table.to_string(),
        source,
    };
    let target = dir.join(file);
    let sink = match ParquetSink::create(&target, &arrow_schema, metadata, &options.sink) {
        Ok(sink) => sink,
        Err(e) => return Ok(Err(sink_error(e))),
    };
    let mut read =
        match read::read_table(helper, &schema, &arrow_schema, Some(sink), progress).await {
            Ok(Ok(read)) => read,
            Ok(Err(e)) => return Ok(Err(e)),
            Err(e) => return table_failure(table, e).map(Err),
        };
    let sink = read.sink.take().expect("the sink comes back");
    let note = match read.shortfall() {
        None => None,
        Some(shortfall) if options.allow_partial => Some(format!(
            "{shortfall}; kept the {} rows read (--allow-partial)",
            read.rows
        )),
        Some(shortfall) => return Ok(Err(shortfall)),
    };
    let finished = sink
        .finish()
        .and_then(|(summary, temp)| Ok(temp.commit(true).map(|_| summary)?));
    let summary = match finished {
        Ok(summary) => summary,
        Err(e) => return Ok(Err(sink_error(e))),
    };
    let report = TableReport {
        table: table.to_string(),
        file: file.to_string(),
        rows: summary.rows,
        columns: schema.columns.len(),
        bytes: summary.bytes,
    };
    Ok(Ok((report, note)))
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
