//! Access behind the format interface: `describe` for `info` (metadata
//! only, `--cache-metadata` honoured), `read` for `convert` and `validate`.

use std::path::Path;

use super::describe::describe;
use super::read_all::read_all;
use crate::formats::{
    Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, TableSink,
};
use crate::progress::ProgressRef;

/// The Access reader.
pub struct Access;

impl InputFormat for Access {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        Ok(Box::new(describe(input, &options.jvm, &options.access)?))
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        read_all(input, options, tables, progress.as_ref())
    }
}
