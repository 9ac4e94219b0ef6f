//! Whole files written front to back: the only write pattern Unity Catalog
//! volumes allow (no append, random write or hard link), and the plain way
//! to copy or write small files anywhere else.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use super::atomic::{remove_path, TempPath};

/// Copies `from` to `to` front to back in one pass into a new file (an
/// existing `to` is removed first). A failed copy removes `to`.
pub fn copy_sequential(from: &Path, to: &Path) -> io::Result<u64> {
    let result = (|| {
        let mut source = File::open(from)?;
        // A new file, never one opened for overwriting in place.
        match std::fs::remove_file(to) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut target = File::create_new(to)?;
        let mut buffer = vec![0u8; 4 << 20];
        let mut total = 0u64;
        loop {
            let n = read_some(&mut source, &mut buffer)?;
            if n == 0 {
                break;
            }
            target.write_all(&buffer[..n])?;
            total += n as u64;
        }
        target.sync_all()?;
        Ok(total)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(to);
    }
    result
}

/// One `read`, retried when a signal interrupted it; 0 at the end.
pub fn read_some(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Copies a file, or a directory with everything below it, file by file in
/// name order. A failed copy removes what it wrote.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if !from.is_dir() {
        return copy_sequential(from, to).map(drop);
    }
    let result = copy_dir(from, to);
    if result.is_err() {
        let _ = remove_path(to);
    }
    result
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            copy_sequential(&entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Writes `bytes` as a new file at `path` (an existing one is removed
/// first), front to back: small files on volumes, where nothing can be
/// renamed.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    File::create_new(path)?.write_all(bytes)
}

/// Writes `bytes` to `path` all or nothing: under a hidden temporary name,
/// flushed, then renamed over any old file in one step, so a reader sees the
/// old file or the new one, and the old one stays whole when anything fails.
/// Two writers of the same bytes at once both succeed. Where the folder
/// allows no rename (a volume), falls back to [`write_whole`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (temp, mut file) = TempPath::file(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    match temp.persist() {
        Ok(()) => Ok(()),
        Err(super::CommitError::Rename { source, .. }) if is_unsupported(&source) => {
            write_whole(path, bytes)
        }
        Err(e) => Err(io::Error::other(e)),
    }
}

/// An error meaning "this file system does not do that" (rename on a FUSE
/// mount that does not implement it).
pub fn is_unsupported(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::Unsupported | io::ErrorKind::CrossesDevices
    ) || matches!(
        error.raw_os_error(),
        Some(libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_copy_replaces_the_target_whole() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("a");
        let to = dir.path().join("b");
        std::fs::write(&from, vec![7u8; 5_000_000]).unwrap();
        std::fs::write(&to, b"an older and different file").unwrap();
        assert_eq!(copy_sequential(&from, &to).unwrap(), 5_000_000);
        assert_eq!(std::fs::read(&to).unwrap(), vec![7u8; 5_000_000]);
        assert!(copy_sequential(&dir.path().join("missing"), &to).is_err());
        assert!(!to.exists(), "a failed copy leaves no target");
    }

    #[test]
    fn a_tree_is_copied_whole() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        std::fs::create_dir_all(from.join("sub")).unwrap();
        std::fs::write(from.join("a.parquet"), b"a").unwrap();
        std::fs::write(from.join("sub/b.parquet"), b"b").unwrap();
        let to = dir.path().join("to");
        copy_tree(&from, &to).unwrap();
        assert_eq!(std::fs::read(to.join("sub/b.parquet")).unwrap(), b"b");
        assert_eq!(std::fs::read(to.join("a.parquet")).unwrap(), b"a");
    }

    #[test]
    fn an_atomic_write_replaces_or_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".m.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Into a folder that is gone: an error, nothing half-written.
        assert!(write_atomic(&dir.path().join("gone/m.json"), b"x").is_err());
    }
}
