//! What a killed writer left beside a target, and its removal.
//!
//! A writer holds an exclusive lock on its hidden temporary (`atomic`), so a
//! leftover is one nobody holds a lock on: its writer is gone, whatever its
//! pid says (pids are reused). A leftover temporary (`.name.<pid>-<n>.tmp`)
//! is removed; a target moved aside (`.name.<pid>-<n>.old`) is removed when
//! the target is back, and put back when the target is missing.
//!
//! A lock only speaks for this machine: on a folder several machines share
//! (a Unity Catalog volume) the caller also asks for a minimum age.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::atomic::{remove_path, BACKUP_SUFFIX, TEMP_SUFFIX};

/// What [`clean`] did with one leftover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleaned {
    Removed(PathBuf),
    /// A target moved aside by a killed run, put back in its place.
    Restored(PathBuf),
}

/// Removes the leftovers of killed writers beside `target` that no live
/// writer holds and that are at least `min_age` old.
pub fn clean(target: &Path, min_age: Duration) -> Vec<Cleaned> {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!(".{name}.");
    let mut done = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(suffix) = leftover_suffix(&file_name, &prefix) else {
            continue;
        };
        let path = entry.path();
        if !is_old_enough(&path, min_age) {
            continue;
        }
        // Held while we look at it: a live writer's, or it vanishes with us.
        let Ok(handle) = File::open(&path) else {
            continue;
        };
        match handle.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => continue,
            // A file system without locks: only age can tell.
            Err(TryLockError::Error(_)) if !min_age.is_zero() => {}
            Err(TryLockError::Error(_)) => continue,
        }
        let outcome = if suffix == BACKUP_SUFFIX && target.symlink_metadata().is_err() {
            std::fs::rename(&path, target).map(|_| Cleaned::Restored(target.to_path_buf()))
        } else {
            remove_path(&path).map(|_| Cleaned::Removed(path.clone()))
        };
        match outcome {
            Ok(cleaned) => done.push(cleaned),
            Err(e) => tracing::warn!("cannot clean up {}: {e}", path.display()),
        }
    }
    done
}

/// `tmp` or `old` when `file_name` is `<prefix><pid>-<n>.<suffix>`.
fn leftover_suffix<'a>(file_name: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = file_name.strip_prefix(prefix)?;
    let (counters, suffix) = rest.rsplit_once('.')?;
    let (pid, n) = counters.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n) && (suffix == TEMP_SUFFIX || suffix == BACKUP_SUFFIX))
        .then_some(suffix)
}

fn is_old_enough(path: &Path, min_age: Duration) -> bool {
    if min_age.is_zero() {
        return true;
    }
    path.symlink_metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age >= min_age)
}

#[cfg(test)]
mod tests {
    use super::super::atomic::{sibling, TempPath};
    use super::*;

    #[test]
    fn names_are_matched_exactly() {
        assert_eq!(leftover_suffix(".a.csv.12-0.tmp", ".a.csv."), Some("tmp"));
        assert_eq!(leftover_suffix(".a.csv.12-3.old", ".a.csv."), Some("old"));
        assert_eq!(leftover_suffix(".a.csv.x-0.tmp", ".a.csv."), None);
        assert_eq!(leftover_suffix(".a.csv.12-0.bak", ".a.csv."), None);
        assert_eq!(leftover_suffix(".a.csv.pyforge.json", ".a.csv."), None);
        assert_eq!(leftover_suffix(".a.csv.b.12-0.tmp", ".a.csv."), None);
    }

    #[test]
    fn unlocked_leftovers_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("db_parquet");
        // Left by a killed writer: nobody holds them.
        let dead_dir = sibling(&target, TEMP_SUFFIX);
        std::fs::create_dir(&dead_dir).unwrap();
        std::fs::write(dead_dir.join("t.parquet"), b"partial").unwrap();
        let dead_file = sibling(&target, TEMP_SUFFIX);
        std::fs::write(&dead_file, b"partial").unwrap();
        // Being written right now.
        let live = TempPath::dir(&target).unwrap();
        let (live_file, _handle) = TempPath::file(&target).unwrap();
        // Someone else's.
        std::fs::write(dir.path().join(".other.1-0.tmp"), b"x").unwrap();

        let mut cleaned = clean(&target, Duration::ZERO);
        cleaned.sort_by_key(|c| format!("{c:?}"));
        let mut expected = vec![Cleaned::Removed(dead_dir), Cleaned::Removed(dead_file)];
        expected.sort_by_key(|c| format!("{c:?}"));
        assert_eq!(cleaned, expected);
        assert!(live.path().exists());
        assert!(live_file.path().exists());
        assert!(dir.path().join(".other.1-0.tmp").exists());
        // Too young to be judged on a shared folder.
        let young = sibling(&target, TEMP_SUFFIX);
        std::fs::write(&young, b"x").unwrap();
        assert!(clean(&target, Duration::from_secs(3600)).is_empty());
        assert!(young.exists());
    }

    #[test]
    fn a_backup_comes_back_when_its_target_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        let backup = sibling(&target, BACKUP_SUFFIX);
        std::fs::write(&backup, b"old").unwrap();
        assert_eq!(
            clean(&target, Duration::ZERO),
            [Cleaned::Restored(target.clone())]
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        // With the target in place, a backup is only clutter.
        let backup = sibling(&target, BACKUP_SUFFIX);
        std::fs::write(&backup, b"older").unwrap();
        assert_eq!(clean(&target, Duration::ZERO), [Cleaned::Removed(backup)]);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
    }
}
