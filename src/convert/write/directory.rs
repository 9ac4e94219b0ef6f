//! The table-directory writer's destination (Access, Excel, dBase): a hidden
//! temporary directory beside the `<stem>_parquet/` target, one safe unique
//! file per table moved into it as each table completes; the directory is
//! committed whole by `convert::commit`.

use std::path::{Path, PathBuf};

use super::names::{sheet_file_part, FileStems};
use super::{Destination, OutputError};
use crate::files::{CommitError, TempPath};
use crate::formats::{TableFiles, TableName};

pub struct DirectoryDestination {
    temp: TempPath,
    files: TableFiles,
    /// The input's file stem, for `<stem>_<table>` and whole-input names.
    input_stem: String,
    stems: FileStems,
    /// Files moved in so far.
    kept: Vec<PathBuf>,
}

impl DirectoryDestination {
    /// Creates the hidden temporary directory beside `target`, for tables
    /// of the input whose file stem is `input_stem`, named as `files` says.
    pub fn new(
        target: &Path,
        files: TableFiles,
        input_stem: &str,
    ) -> Result<DirectoryDestination, OutputError> {
        let temp = TempPath::dir(target).map_err(|source| OutputError::TempDir {
            target: target.to_path_buf(),
            source,
        })?;
        Ok(DirectoryDestination {
            temp,
            files,
            input_stem: input_stem.to_string(),
            stems: FileStems::default(),
            kept: Vec::new(),
        })
    }
}

impl Destination for DirectoryDestination {
    fn place(&mut self, table: TableName) -> Result<PathBuf, OutputError> {
        let name = match (table.whole_input, self.files) {
            (true, _) => self.input_stem.clone(),
            (false, TableFiles::TableName) => table.name.to_string(),
            (false, TableFiles::StemAndTable) => {
                format!("{}_{}", self.input_stem, sheet_file_part(table.name))
            }
        };
        // A whole-input table cannot be told from a table of the same name.
        let key = if table.whole_input { "" } else { table.name };
        let file = format!("{}.parquet", self.stems.stem_for(key, &name));
        Ok(self.temp.path().join(file))
    }

    fn names_tables(&self) -> bool {
        true
    }

    fn keep(&mut self, temp: TempPath, placed: &Path) -> Result<String, CommitError> {
        temp.commit(true)?;
        self.kept.push(placed.to_path_buf());
        Ok(placed
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default())
    }

    fn restart(&mut self) {
        for file in self.kept.drain(..) {
            let _ = std::fs::remove_file(file);
        }
        self.stems = FileStems::default();
    }

    fn finish(self: Box<Self>) -> Result<TempPath, OutputError> {
        Ok(self.temp)
    }
}
