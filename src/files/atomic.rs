//! Write-then-rename, with the old target kept until the new one is complete.
//!
//! A file or directory is written under a hidden name in the target's own
//! directory (`.name.<pid>-<n>.tmp`: the leading dot keeps Spark and Auto
//! Loader from listing it) and moved onto the target only when complete. An
//! existing target is first moved aside (`.name.<pid>-<n>.old`), the new one
//! moved in, a last step run (an output's manifest), and only then the old
//! one removed; when a step fails the old target is put back whole.
//!
//! The writer holds an exclusive lock on its temporary file or directory
//! (and on a target it moved aside) for as long as it exists, so a later run
//! can tell a leftover of a killed writer from a live one (`leftovers`). The
//! guards remove an uncommitted temporary when dropped, and register it with
//! [`crate::cleanup`] so ctrl-c removes it too.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::cleanup;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The suffix of a temporary being written.
pub(super) const TEMP_SUFFIX: &str = "tmp";
/// The suffix of a target moved aside while its replacement goes in.
pub(super) const BACKUP_SUFFIX: &str = "old";

/// Why moving a finished temporary into place failed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// Nothing changed: an existing target is still in place.
    #[error("cannot move the finished output into place at {}: {source}", .target.display())]
    Rename { target: PathBuf, source: io::Error },
    /// The last step failed: the new target was removed and the old one,
    /// if there was one, put back.
    #[error("{source}{}", if *.restored { " (the earlier output is back in place)" } else { "" })]
    LastStep { source: io::Error, restored: bool },
}

/// A hidden temporary file or directory beside its target, locked by its
/// writer, that becomes the target on [`TempPath::commit`] and is removed
/// when dropped uncommitted.
#[derive(Debug)]
pub struct TempPath {
    temp: PathBuf,
    target: PathBuf,
    _lock: Option<File>,
    committed: bool,
}

impl TempPath {
    /// Creates the temporary file `.name.<pid>-<n>.tmp` beside `target` and
    /// returns it opened for writing.
    pub fn file(target: &Path) -> io::Result<(TempPath, File)> {
        let temp = sibling(target, TEMP_SUFFIX);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        // A second descriptor of the same open file: the lock lives as long
        // as the guard, whoever closes the writing handle first.
        let lock = file.try_clone().ok().filter(|l| l.try_lock().is_ok());
        Ok((TempPath::new(temp, target, lock), file))
    }

    /// Creates the hidden directory `.name.<pid>-<n>.tmp` beside `target`.
    pub fn dir(target: &Path) -> io::Result<TempPath> {
        let temp = sibling(target, TEMP_SUFFIX);
        std::fs::create_dir(&temp)?;
        let lock = File::open(&temp).ok().filter(|l| l.try_lock().is_ok());
        Ok(TempPath::new(temp, target, lock))
    }

    fn new(temp: PathBuf, target: &Path, lock: Option<File>) -> TempPath {
        cleanup::register(&temp);
        TempPath {
            temp,
            target: target.to_path_buf(),
            _lock: lock,
            committed: false,
        }
    }

    /// The hidden path being written.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Moves the temporary onto the target. Without `replace`, an existing
    /// target is left untouched and the temporary removed.
    pub fn commit(self, replace: bool) -> Result<(), CommitError> {
        self.commit_then(replace, || Ok(()))
    }

    /// Renames the temporary file over the target in one step (a file only:
    /// no backup is needed, the rename itself is atomic). Concurrent writers
    /// of the same target all succeed; the last rename wins.
    pub fn persist(mut self) -> Result<(), CommitError> {
        std::fs::rename(&self.temp, &self.target).map_err(|source| CommitError::Rename {
            target: self.target.clone(),
            source,
        })?;
        self.committed = true;
        cleanup::unregister(&self.temp);
        Ok(())
    }

    /// [`commit`](Self::commit), then `last_step`; if that fails, the new
    /// target is removed and the one it replaced put back whole. An old
    /// target is replaced whole, never merged.
    pub fn commit_then(
        mut self,
        replace: bool,
        last_step: impl FnOnce() -> io::Result<()>,
    ) -> Result<(), CommitError> {
        swap_in(&self.temp, &self.target, replace, last_step)?;
        self.committed = true;
        cleanup::unregister(&self.temp);
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_path(&self.temp);
            cleanup::unregister(&self.temp);
        }
    }
}

/// Moves the complete `new` onto `target`, then runs `last_step`. An
/// existing `target` (only with `replace`) is moved aside first and removed
/// at the very end; on any failure the state before the call comes back:
/// `new` stays where it was when the move failed, and is removed when
/// `last_step` failed.
pub fn swap_in(
    new: &Path,
    target: &Path,
    replace: bool,
    last_step: impl FnOnce() -> io::Result<()>,
) -> Result<(), CommitError> {
    let exists = target.symlink_metadata().is_ok();
    if exists && !replace {
        return Err(CommitError::Exists(target.to_path_buf()));
    }
    let rename_error = |source| CommitError::Rename {
        target: target.to_path_buf(),
        source,
    };
    let backup = if exists {
        Some(Backup::take(target).map_err(rename_error)?)
    } else {
        None
    };
    if let Err(source) = std::fs::rename(new, target) {
        if let Some(backup) = backup {
            backup.restore();
        }
        return Err(rename_error(source));
    }
    if let Err(source) = last_step() {
        let _ = remove_path(target);
        let restored = backup.map(Backup::restore).unwrap_or(false);
        return Err(CommitError::LastStep { source, restored });
    }
    if let Some(backup) = backup {
        backup.discard();
    }
    Ok(())
}

/// A target moved aside under a hidden name, locked while it waits.
struct Backup {
    path: PathBuf,
    target: PathBuf,
    _lock: Option<File>,
}

impl Backup {
    fn take(target: &Path) -> io::Result<Backup> {
        // Locked before the move, so the lock travels with it: a concurrent
        // run never takes it for a killed writer's leftover.
        let lock = File::open(target).ok().filter(|l| l.try_lock().is_ok());
        let path = sibling(target, BACKUP_SUFFIX);
        std::fs::rename(target, &path)?;
        Ok(Backup {
            path,
            target: target.to_path_buf(),
            _lock: lock,
        })
    }

    /// Puts the old target back; `true` when it is back.
    fn restore(self) -> bool {
        std::fs::rename(&self.path, &self.target).is_ok()
    }

    fn discard(self) {
        if let Err(e) = remove_path(&self.path) {
            tracing::warn!("cannot remove {}: {e}", self.path.display());
        }
    }
}

/// Removes a file, a symbolic link or a whole directory; a missing path is fine.
pub fn remove_path(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A hidden name beside `target`: `.name.<pid>-<n>.<suffix>`.
pub fn sibling(target: &Path, suffix: &str) -> PathBuf {
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

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn dropped_uncommitted_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        let (temp, mut file) = TempPath::file(&target).unwrap();
        file.write_all(b"partial").unwrap();
        let temp_path = temp.path().to_path_buf();
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
        let (temp, mut file) = TempPath::file(&target).unwrap();
        file.write_all(b"new").unwrap();
        assert!(matches!(temp.commit(false), Err(CommitError::Exists(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["out.parquet"]);
    }

    #[test]
    fn commit_with_replace_swaps_content() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        std::fs::write(&target, b"old").unwrap();
        let (temp, mut file) = TempPath::file(&target).unwrap();
        file.write_all(b"new").unwrap();
        temp.commit(true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["out.parquet"]);
    }

    #[test]
    fn a_failed_last_step_puts_the_old_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        std::fs::write(&target, b"old").unwrap();
        let (temp, mut file) = TempPath::file(&target).unwrap();
        file.write_all(b"new").unwrap();
        let error = temp
            .commit_then(true, || {
                // The new file is in place when the last step runs.
                assert_eq!(std::fs::read(&target).unwrap(), b"new");
                Err(io::Error::other("disk full"))
            })
            .unwrap_err();
        assert!(matches!(
            error,
            CommitError::LastStep { restored: true, .. }
        ));
        assert!(error.to_string().contains("back in place"), "{error}");
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["out.parquet"]);
    }

    #[test]
    fn a_failed_last_step_without_an_old_target_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("db_parquet");
        let temp = TempPath::dir(&target).unwrap();
        std::fs::write(temp.path().join("t.parquet"), b"new").unwrap();
        let error = temp
            .commit_then(false, || Err(io::Error::other("no room")))
            .unwrap_err();
        assert!(matches!(
            error,
            CommitError::LastStep {
                restored: false,
                ..
            }
        ));
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn temp_dir_commit_replaces_whole_and_drop_removes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("db_parquet");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("stale.parquet"), b"old").unwrap();

        let dropped = TempPath::dir(&target).unwrap();
        let dropped_path = dropped.path().to_path_buf();
        drop(dropped);
        assert!(!dropped_path.exists());

        let temp = TempPath::dir(&target).unwrap();
        std::fs::write(temp.path().join("new.parquet"), b"new").unwrap();
        assert!(matches!(
            TempPath::dir(&target)
                .unwrap()
                .commit_then(false, || Ok(())),
            Err(CommitError::Exists(_))
        ));
        temp.commit_then(true, || Ok(())).unwrap();
        assert_eq!(names(&target), ["new.parquet"]);
        assert_eq!(names(dir.path()), ["db_parquet"]);
    }

    #[test]
    fn a_failed_last_step_puts_the_old_directory_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("db_parquet");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("a.parquet"), b"old a").unwrap();
        std::fs::write(target.join("b.parquet"), b"old b").unwrap();
        let temp = TempPath::dir(&target).unwrap();
        std::fs::write(temp.path().join("a.parquet"), b"new a").unwrap();
        assert!(temp
            .commit_then(true, || Err(io::Error::other("manifest")))
            .is_err());
        assert_eq!(names(&target), ["a.parquet", "b.parquet"]);
        assert_eq!(std::fs::read(target.join("a.parquet")).unwrap(), b"old a");
        assert_eq!(names(dir.path()), ["db_parquet"]);
    }

    #[test]
    fn the_writer_holds_a_lock_on_its_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let (temp, file) = TempPath::file(&dir.path().join("a.parquet")).unwrap();
        drop(file);
        let other = File::open(temp.path()).unwrap();
        assert!(other.try_lock().is_err(), "the guard holds the lock");
        let temp_dir = TempPath::dir(&dir.path().join("d_parquet")).unwrap();
        let other = File::open(temp_dir.path()).unwrap();
        assert!(other.try_lock().is_err(), "the guard holds the lock");
    }
}
