//! The seam between a format and what becomes of what it reads.
//!
//! A format ([`InputFormat`]) describes an input for `info` and reads it by
//! pushing each table's bounded Arrow batches into a [`TableSink`] it is
//! handed. It never knows whether the batches are written (the convert
//! layer's writers) or checked and dropped (`validate`), never decides an
//! output path and never writes Parquet. What to do with an incomplete or
//! unreadable table (`--allow-partial`) is the sink's decision too.

use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use serde::Serialize;

use super::ReadOptions;
use crate::progress::ProgressRef;

/// A reader of one input format.
pub trait InputFormat: Sync {
    /// What `input` holds, for `info`.
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError>;

    /// Reads every table of `input` (those selected by `options`) into
    /// `tables`, one after another.
    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError>;

    /// Reads `input` as text into `text` (`--format txt`). Only formats
    /// whose registry entry says `text_by_default` have a text form.
    fn read_text(
        &self,
        input: &Path,
        _options: &ReadOptions,
        _text: &mut dyn TextSink,
        _progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        Err(ReadError::Failed(FormatError {
            message: format!("{}: this format has no text form", input.display()),
            hint: None,
        }))
    }
}

/// Where a format's text form goes (`--format txt`): one part (a PDF
/// page, with whatever separates it from the one before) at a time.
pub trait TextSink {
    fn write_part(&mut self, part: &str) -> Result<(), Stop>;
}

/// Where a format pushes what it reads. A call answered with [`Stop`]
/// ends the read: the format returns [`ReadError::Stopped`] (or, after
/// [`failed`](TableSink::failed), its own error).
///
/// Each table begun is named by its [`TableSlot`] until it ends, so a reader
/// may have several tables open at once (Access reads the tables of one
/// database side by side); the sink keeps the tables in the order they were
/// begun, whatever order they end in.
pub trait TableSink {
    /// The reader starts over (it restarted its helper process): everything
    /// pushed so far, open tables included, is forgotten.
    fn restart(&mut self);

    /// A table begins; its batches follow. `stated_rows` is the row count
    /// the file states, where it states one.
    fn begin(
        &mut self,
        table: TableName,
        schema: &SchemaRef,
        stated_rows: Option<u64>,
    ) -> Result<TableSlot, Stop>;

    /// One bounded batch of the table begun as `slot`.
    fn write(&mut self, slot: TableSlot, batch: RecordBatch) -> Result<(), Stop>;

    /// The table begun as `slot` is over: `rows` were pushed, and `damage`
    /// says why the read stopped early when the file's damage stopped it.
    fn end(&mut self, slot: TableSlot, rows: u64, damage: Option<String>) -> Result<(), Stop>;

    /// `table` could not be read (`damage`: its data is damaged, rather
    /// than something else having failed); `slot` when it had been begun,
    /// and what was pushed of it is dropped. Answered with `Ok` the reader
    /// goes on to the next table; with [`Stop`] it returns `error`.
    fn failed(
        &mut self,
        table: &str,
        slot: Option<TableSlot>,
        error: &FormatError,
        damage: bool,
    ) -> Result<(), Stop>;
}

/// A table open in a [`TableSink`]: the sink numbers the tables it begins,
/// from 0, in the order they are begun (and from 0 again after a restart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableSlot(usize);

impl TableSlot {
    /// The slot of the `index`th table begun.
    pub fn new(index: usize) -> TableSlot {
        TableSlot(index)
    }

    /// Where the table stands in the order of beginning.
    pub fn index(self) -> usize {
        self.0
    }
}

/// How a format names a table it pushes: by its name in the input (a
/// database table, a sheet), which footers, reports and errors show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableName<'a> {
    pub name: &'a str,
    /// The table stands for the whole input (every sheet of a workbook
    /// combined): a directory output names its file after the input alone.
    pub whole_input: bool,
}

impl<'a> TableName<'a> {
    /// One table of the input.
    pub fn part(name: &'a str) -> TableName<'a> {
        TableName {
            name,
            whole_input: false,
        }
    }

    /// A table that is the whole input, `name` being what it is called in
    /// footers and errors.
    pub fn whole(name: &'a str) -> TableName<'a> {
        TableName {
            name,
            whole_input: true,
        }
    }
}

/// A sink's answer that the read must end. The sink keeps the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop;

/// What a finished read reports besides its tables.
#[derive(Debug, Default)]
pub struct ReadSummary {
    /// Things worth knowing that did not stop the read.
    pub notes: Vec<String>,
    /// Restarts of a helper process after recoverable failures.
    pub retries: u32,
}

/// Why a read ended without finishing.
#[derive(Debug)]
pub enum ReadError {
    /// The sink answered [`Stop`]; it has the reason.
    Stopped,
    /// The format failed.
    Failed(FormatError),
}

impl From<Stop> for ReadError {
    fn from(_: Stop) -> Self {
        ReadError::Stopped
    }
}

impl From<FormatError> for ReadError {
    fn from(error: FormatError) -> Self {
        ReadError::Failed(error)
    }
}

/// A format's failure, as one line and an optional hint. Every cause in the
/// error's chain is in the message once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub message: String,
    pub hint: Option<String>,
}

impl FormatError {
    /// `error` and every cause of it not already in its text, with `hint`.
    pub fn new(error: &dyn std::error::Error, hint: Option<String>) -> FormatError {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = cause.source();
        }
        FormatError { message, hint }
    }
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What `info` shows of an input, as a JSON document and as text.
pub trait Description {
    /// `info --json`: `header`'s fields, then the format's own; pretty-printed
    /// (see [`json_document`]).
    fn json(&self, header: &Header) -> String;
    /// `info`: lines for a person, each ending in a line break.
    fn text(&self, header: &Header) -> String;
}

/// What every description starts with, given by the caller: the input as
/// the user named it (a reader may have been handed a local copy).
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub schema_version: u32,
    pub file: String,
    pub format: &'static str,
    pub bytes: u64,
}

/// `header`'s fields followed by `details`' own, pretty-printed.
pub fn json_document(header: &Header, details: &impl Serialize) -> String {
    #[derive(Serialize)]
    struct Document<'a, T: Serialize> {
        #[serde(flatten)]
        header: &'a Header,
        #[serde(flatten)]
        details: &'a T,
    }
    serde_json::to_string_pretty(&Document { header, details }).expect("descriptions serialize")
}

/// The width of a column of names in a text table: the longest name, kept
/// between 4 and 40 characters.
pub fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40)
}
