//! The table-directory writer's destination (Access, Excel, dBase): a hidden
//! temporary directory beside the `<stem>_parquet/` target, one safe unique
//! file per table moved into it as each table completes; the directory is
//! committed whole by `convert::commit`.

use std::path::{Path, PathBuf};

use super::names::FileStems;
use super::{Destination, OutputError};
use crate::files::{CommitError, TempPath};

pub struct DirectoryDestination {
    temp: TempPath,
    stems: FileStems,
    /// Files moved in so far.
    kept: Vec<PathBuf>,
    /// The file name of the table being written.
    placing: Option<String>,
}

impl DirectoryDestination {
    /// Creates the hidden temporary directory beside `target`.
    pub fn new(target: &Path) -> Result<DirectoryDestination, OutputError> {
        let temp = TempPath::dir(target).map_err(|source| OutputError::TempDir {
            target: target.to_path_buf(),
            source,
        })?;
        Ok(DirectoryDestination {
            temp,
            stems: FileStems::default(),
            kept: Vec::new(),
            placing: None,
        })
    }
}

impl Destination for DirectoryDestination {
    fn place(&mut self, table: &str) -> Result<PathBuf, OutputError> {
        let file = format!("{}.parquet", self.stems.stem_for(table));
        let target = self.temp.path().join(&file);
        self.placing = Some(file);
        Ok(target)
    }

    fn names_tables(&self) -> bool {
        true
    }

    fn keep(&mut self, temp: TempPath) -> Result<String, CommitError> {
        let file = self
            .placing
            .take()
            .expect("a table placed before it is kept");
        let target = self.temp.path().join(&file);
        temp.commit(true)?;
        self.kept.push(target);
        Ok(file)
    }

    fn restart(&mut self) {
        for file in self.kept.drain(..) {
            let _ = std::fs::remove_file(file);
        }
        self.stems = FileStems::default();
        self.placing = None;
    }

    fn finish(self: Box<Self>) -> Result<TempPath, OutputError> {
        Ok(self.temp)
    }
}
