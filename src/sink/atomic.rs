//! Write-then-rename for outputs.
//!
//! An output is written under a hidden temporary name in the target's own
//! directory (`.name.parquet.<pid>-<n>.tmp`: the leading dot keeps Spark and
//! Auto Loader from picking it up) and renamed onto the target only when it is
//! complete. The guard removes the temporary file when dropped uncommitted, and
//! registers it with [`crate::cleanup`] so ctrl-c removes it too.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::cleanup;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file beside `target` that becomes `target` on [`TempFile::commit`].
#[derive(Debug)]
pub struct TempFile {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

/// Why committing a finished output failed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{} already exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    #[error("cannot move the finished output into place at {}: {source}", .target.display())]
    Rename { target: PathBuf, source: io::Error },
}

impl TempFile {
    /// Creates the temporary file and returns it opened for writing.
    pub fn create(target: &Path) -> io::Result<(TempFile, File)> {
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        cleanup::register(&temp);
        Ok((
            TempFile {
                temp,
                target: target.to_path_buf(),
                committed: false,
            },
            file,
        ))
    }

    /// The hidden path being written.
    #[cfg(test)]
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Renames the temporary file onto the target. Without `replace`, an
    /// existing target is left untouched and the temporary file is removed.
    pub fn commit(mut self, replace: bool) -> Result<(), CommitError> {
        if !replace && self.target.exists() {
            return Err(CommitError::Exists(self.target.clone()));
        }
        std::fs::rename(&self.temp, &self.target).map_err(|source| CommitError::Rename {
            target: self.target.clone(),
            source,
        })?;
        self.committed = true;
        cleanup::unregister(&self.temp);
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
            cleanup::unregister(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn dropped_uncommitted_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        let (temp, mut file) = TempFile::create(&target).unwrap();
        file.write_all(b"partial").unwrap();
        let temp_path = temp.temp_path().to_path_buf();
        assert!(temp_path.exists());
        assert!(temp_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with('.'));
        drop(temp);
        assert!(!temp_path.exists());
        assert!(!target.exists());
    }

    #[test]
    fn commit_without_replace_keeps_existing_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        std::fs::write(&target, b"old").unwrap();
        let (temp, mut file) = TempFile::create(&target).unwrap();
        file.write_all(b"new").unwrap();
        assert!(matches!(temp.commit(false), Err(CommitError::Exists(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_with_replace_swaps_content() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        std::fs::write(&target, b"old").unwrap();
        let (temp, mut file) = TempFile::create(&target).unwrap();
        file.write_all(b"new").unwrap();
        temp.commit(true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }
}
