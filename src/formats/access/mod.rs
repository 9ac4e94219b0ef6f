//! Microsoft Access databases (`.mdb`, `.accdb`): one table of output per
//! database table.
//!
//! The Java helper (`jvm::helper`) reads the file; this module finds Java and
//! the JAR set and runs the helper with retries (`run_session`), one session
//! per database. `read_all` streams every selected table through it into
//! the table sink (`read` turns one table's rows into bounded Arrow batches,
//! `types` each column into an Arrow type); `describe` (for `info`) reads
//! metadata only. `format` puts all of it behind the format interface.

mod cell;
mod describe;
mod format;
mod metadata_cache;
mod read;
mod read_all;
mod types;

use std::path::Path;

use crate::formats::{FormatEntry, FormatError, OutputLayout, TableFiles};
use crate::jvm::helper::{with_retries, Attempted, Helper, HelperError};
use crate::jvm::protocol::{Engine, ErrorKind, TableKind};
use crate::jvm::retry::Verdict;
use crate::jvm::setup::{JvmSettings, SetupError};
use crate::progress::NoProgress;

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "access",
    name: "Access",
    extensions: &["mdb", "accdb"],
    description: "Microsoft Access databases, one Parquet file per table",
    layout: OutputLayout::Directory(TableFiles::TableName),
    text_by_default: false,
    needs_local_copy: true,
    reader: &format::Access,
};

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
    /// The threads this database may use (`PYFORGE_THREADS`, or its share
    /// of the CPUs; 0 decides by the CPUs): a table read side by side with
    /// others takes about two (see `read_all`).
    pub threads: usize,
}

impl Default for AccessSelection {
    fn default() -> Self {
        AccessSelection {
            tables: Vec::new(),
            password: None,
            engine: Engine::Jackcess,
            cache_metadata: false,
            threads: 0,
        }
    }
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
    #[error("table `{table}`: {}", helper_message(.source))]
    Table { table: String, source: HelperError },
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
                ErrorKind::Encrypted => "the database is encoded or encrypted (reading it needs the jackcess-encrypt add-on)",
                ErrorKind::UnsupportedVersion => "the database format is newer than the JAR set's Jackcess reads",
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
    pub(super) fn is_damage(&self) -> bool {
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
            }) => Some(
                "run `pyforge jars install --with encrypt`, then convert again (with --password if it has one)".into(),
            ),
            AccessError::Helper(HelperError::Reported {
                kind: ErrorKind::UnsupportedVersion,
                ..
            }) => Some("save it in Access 2007-2019 format (.accdb) first".into()),
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

impl From<AccessError> for FormatError {
    fn from(error: AccessError) -> Self {
        let hint = error.hint();
        FormatError::new(&error, hint)
    }
}

/// With `--cache-metadata` and `--tables`: a name the cached table list
/// lacks is refused before Java starts.
pub(super) fn refuse_unknown_tables_from_cache(
    input: &Path,
    jvm: &JvmSettings,
    selection: &AccessSelection,
) -> Result<(), AccessError> {
    if !selection.cache_metadata || selection.tables.is_empty() {
        return Ok(());
    }
    let cached = metadata_cache::MetadataCache::for_database(input, jvm.jars_dir.as_deref())
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
