//! The single-file writer's destination: the output is the one table's
//! Parquet file itself (CSV, XML).

use std::path::{Path, PathBuf};

use super::{Destination, OutputError};
use crate::files::{CommitError, TempPath};
use crate::formats::TableName;

pub struct FileDestination {
    target: PathBuf,
    placed: bool,
    kept: Option<TempPath>,
}

impl FileDestination {
    pub fn new(target: &Path) -> FileDestination {
        FileDestination {
            target: target.to_path_buf(),
            placed: false,
            kept: None,
        }
    }
}

impl Destination for FileDestination {
    fn place(&mut self, _table: TableName) -> Result<PathBuf, OutputError> {
        if self.placed {
            return Err(OutputError::Layout(
                "the input holds more than one table, but its output is one file",
            ));
        }
        self.placed = true;
        Ok(self.target.clone())
    }

    fn names_tables(&self) -> bool {
        false
    }

    fn keep(&mut self, temp: TempPath, _placed: &Path) -> Result<String, CommitError> {
        self.kept = Some(temp);
        Ok(self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default())
    }

    fn restart(&mut self) {
        self.placed = false;
        self.kept = None;
    }

    fn finish(self: Box<Self>) -> Result<TempPath, OutputError> {
        self.kept
            .ok_or(OutputError::Layout("the input held no table to write"))
    }
}
