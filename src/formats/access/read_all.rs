//! One helper session reading every selected table of a database into the
//! table sink: open, list, then each table's schema and rows. A session the
//! helper's failure cut short is run again from the start (the sink is told
//! to forget what it had); what the sink does with an incomplete table is
//! its decision.

use std::path::Path;

use super::read::{self, RowsFailure};
use super::{
    open_user_tables, refuse_unknown_tables_from_cache, run_session, table_failure, AccessError,
};
use crate::formats::{FormatError, ReadError, ReadOptions, ReadSummary, TableName, TableSink};
use crate::jvm::helper::{Helper, HelperError};
use crate::progress::Progress;

/// Reads the database at `input` into `tables`.
pub(super) fn read_all(
    input: &Path,
    options: &ReadOptions,
    tables: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<ReadSummary, ReadError> {
    refuse_unknown_tables_from_cache(input, &options.jvm, &options.access)
        .map_err(FormatError::from)?;
    let attempted = run_session(&options.jvm, async |helper: &mut Helper| {
        tables.restart();
        read_session(helper, input, options, &mut *tables, progress).await
    })
    .map_err(FormatError::from)?;
    let mut notes = attempted.value?;
    if attempted.retries > 0 {
        notes.push(format!(
            "the Java helper was restarted {} time(s) after recoverable failures",
            attempted.retries
        ));
    }
    Ok(ReadSummary {
        notes,
        retries: attempted.retries,
    })
}

/// One session. Helper failures are `Err` (and may be retried); the rest
/// is `Ok(Err)`, final.
async fn read_session(
    helper: &mut Helper,
    input: &Path,
    options: &ReadOptions,
    tables: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<Result<Vec<String>, ReadError>, HelperError> {
    let (names, mut notes) = match open_user_tables(helper, input, &options.access).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(FormatError::from(e).into())),
    };
    if names.is_empty() {
        notes.push("the database holds no user tables: the output directory is empty".into());
    }
    for name in &names {
        if let Err(e) = read_one(helper, name, options, tables, progress).await? {
            return Ok(Err(e));
        }
    }
    Ok(Ok(notes))
}

/// One table: its schema, then its rows. A table the helper could not read
/// is offered to the sink, which says whether the read goes on.
async fn read_one(
    helper: &mut Helper,
    table: &str,
    options: &ReadOptions,
    tables: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<Result<(), ReadError>, HelperError> {
    let schema = match helper.schema(table).await {
        Ok(schema) => schema,
        Err(e) => {
            let error = table_failure(table, e)?;
            let damage = error.is_damage();
            return Ok(offer_failure(tables, table, error, damage));
        }
    };
    let arrow_schema = read::arrow_schema(&schema, options.all_strings);
    if tables
        .begin(
            TableName::part(table),
            &arrow_schema,
            Some(schema.row_count),
        )
        .is_err()
    {
        return Ok(Err(ReadError::Stopped));
    }
    match read::read_table(helper, &schema, &arrow_schema, tables, progress).await {
        Ok(Ok(read)) => Ok(tables
            .end(read.rows, read.damage)
            .map_err(|_| ReadError::Stopped)),
        Ok(Err(RowsFailure::Value(e))) => Ok(Err(FormatError::from(e).into())),
        Ok(Err(RowsFailure::Stopped)) => Ok(Err(ReadError::Stopped)),
        Err(e) => {
            let error = table_failure(table, e)?;
            Ok(offer_failure(tables, table, error, false))
        }
    }
}

/// Tells the sink `table` failed; its answer decides whether the read goes
/// on or ends with `error`.
fn offer_failure(
    tables: &mut dyn TableSink,
    table: &str,
    error: AccessError,
    damage: bool,
) -> Result<(), ReadError> {
    let failure = FormatError::from(error);
    match tables.failed(table, &failure, damage) {
        Ok(()) => Ok(()),
        Err(_) => Err(ReadError::Failed(failure)),
    }
}
