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
        let temp = sibling(target, "tmp");
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

/// A hidden temporary directory beside `target` that becomes `target` on
/// [`TempDir::commit`] (outputs with one file per table). It is removed when
/// dropped uncommitted and registered with [`crate::cleanup`] meanwhile.
#[derive(Debug)]
pub struct TempDir {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl TempDir {
    /// Creates the hidden directory `.name.<pid>-<n>.tmp` beside `target`.
    pub fn create(target: &Path) -> io::Result<TempDir> {
        let temp = sibling(target, "tmp");
        std::fs::create_dir(&temp)?;
        cleanup::register(&temp);
        Ok(TempDir {
            temp,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The hidden directory being filled.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Renames the directory onto the target. Without `replace`, an existing
    /// target is an error and stays untouched. With it, the old target is
    /// replaced whole (moved aside, the new one moved in, the old one
    /// removed), never merged.
    pub fn commit(mut self, replace: bool) -> Result<(), CommitError> {
        let exists = self.target.symlink_metadata().is_ok();
        if exists && !replace {
            return Err(CommitError::Exists(self.target.clone()));
        }
        let rename_error = |source| CommitError::Rename {
            target: self.target.clone(),
            source,
        };
        let old = if exists {
            let old = sibling(&self.target, "old");
            std::fs::rename(&self.target, &old).map_err(rename_error)?;
            cleanup::register(&old);
            Some(old)
        } else {
            None
        };
        if let Err(source) = std::fs::rename(&self.temp, &self.target) {
            if let Some(old) = &old {
                // Put the old output back rather than leave nothing.
                let _ = std::fs::rename(old, &self.target);
                cleanup::unregister(old);
            }
            return Err(rename_error(source));
        }
        self.committed = true;
        cleanup::unregister(&self.temp);
        if let Some(old) = old {
            let _ = if old.is_dir() {
                std::fs::remove_dir_all(&old)
            } else {
                std::fs::remove_file(&old)
            };
            cleanup::unregister(&old);
        }
        Ok(())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
            cleanup::unregister(&self.temp);
        }
    }
}

/// A hidden name beside `target`: `.name.<pid>-<n>.<suffix>`.
fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}-{n}.{suffix}", std::process::id()))
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

    #[test]
    fn temp_dir_commit_replaces_whole_and_drop_removes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("db_parquet");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("stale.parquet"), b"old").unwrap();

        let dropped = TempDir::create(&target).unwrap();
        let dropped_path = dropped.path().to_path_buf();
        drop(dropped);
        assert!(!dropped_path.exists());

        let temp = TempDir::create(&target).unwrap();
        std::fs::write(temp.path().join("new.parquet"), b"new").unwrap();
        assert!(matches!(
            TempDir::create(&target).unwrap().commit(false),
            Err(CommitError::Exists(_))
        ));
        temp.commit(true).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["new.parquet"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
