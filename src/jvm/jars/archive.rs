//! `install --from`: the files from a folder or a zip-shaped archive.
//!
//! A folder may hold the files anywhere below it (an unpacked wheel, a Maven
//! local repository); an archive (.zip, .jar, .whl) at any depth. Files are
//! matched by name and each must match its pin before it lands; other files
//! are ignored. Entry names are never used as paths to write to, and an
//! archive with an entry name that is absolute or climbs out with `..` is
//! refused whole: such an archive was made to attack extractors.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use super::{copy_hashing, CopyError, Digest, JarPin, JarsError, Staged};
use crate::files::TempPath;
use crate::progress::Progress;

/// Folders deeper than this below `--from` are not searched.
const MAX_DEPTH: usize = 12;

/// Where `install --from` takes the files from.
pub(super) enum Source {
    Dir(PathBuf),
    Zip(PathBuf),
}

impl Source {
    pub(super) fn open(path: &Path) -> Result<Source, JarsError> {
        let metadata = std::fs::metadata(path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                JarsError::SourceNotFound(path.to_path_buf())
            } else {
                JarsError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Ok(if metadata.is_dir() {
            Source::Dir(path.to_path_buf())
        } else {
            Source::Zip(path.to_path_buf())
        })
    }

    /// Verified temporary copies of every file of `needed` in `dir`.
    pub(super) fn stage_all(
        &self,
        needed: &[&JarPin],
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Staged>, JarsError> {
        match self {
            Source::Dir(root) => stage_from_dir(root, needed, dir, progress),
            Source::Zip(archive) => stage_from_zip(archive, needed, dir, progress),
        }
    }
}

/// Picks, for each pin, the first candidate whose bytes match; reports the
/// first candidate's mismatch when none does. `copy` stages one candidate.
fn stage_each<C>(
    needed: &[&JarPin],
    candidates: &HashMap<String, Vec<C>>,
    dir: &Path,
    progress: &dyn Progress,
    mut copy: impl FnMut(&JarPin, &C, &mut File) -> Result<(Digest, String), JarsError>,
) -> Result<Vec<Staged>, JarsError> {
    let total: u64 = needed.iter().map(|p| p.size).sum();
    let mut done = 0u64;
    let mut staged = Vec::with_capacity(needed.len());
    for pin in needed {
        let mut first_mismatch = None;
        for candidate in &candidates[&pin.file] {
            let (temp, mut file) =
                TempPath::file(&dir.join(&pin.file)).map_err(|source| JarsError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            let (digest, source_name) = copy(pin, candidate, &mut file)?;
            if digest.matches(pin) {
                tracing::info!("copied {} from {source_name}", pin.file);
                staged.push(Staged { temp });
                first_mismatch = None;
                break;
            }
            tracing::info!("{source_name} does not match the pin of {}", pin.file);
            progress.start("copy", total);
            progress.advance(done);
            first_mismatch.get_or_insert_with(|| digest.mismatch(pin, source_name));
        }
        if let Some(error) = first_mismatch {
            return Err(error);
        }
        done += pin.size;
    }
    Ok(staged)
}

/// Fails with the files of `needed` that have no candidate.
fn require_all<C>(
    needed: &[&JarPin],
    candidates: &HashMap<String, Vec<C>>,
    source: &Path,
) -> Result<(), JarsError> {
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| candidates[&p.file].is_empty())
        .map(|p| p.file.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(JarsError::SourceIncomplete {
            source_path: source.to_path_buf(),
            files: missing,
        })
    }
}

fn empty_candidates<C>(needed: &[&JarPin]) -> HashMap<String, Vec<C>> {
    needed
        .iter()
        .map(|p| (p.file.clone(), Vec::new()))
        .collect()
}

fn stage_from_dir(
    root: &Path,
    needed: &[&JarPin],
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Vec<Staged>, JarsError> {
    let mut candidates: HashMap<String, Vec<PathBuf>> = empty_candidates(needed);
    // Depth-first, in name order, without following links to folders (a
    // link loop cannot trap the walk).
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((folder, depth)) = stack.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(source) if depth == 0 => {
                return Err(JarsError::Io {
                    path: folder,
                    source,
                })
            }
            Err(e) => {
                tracing::debug!("skipping {}: {e}", folder.display());
                continue;
            }
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
        for entry in entries {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let name = entry.file_name();
            if let Some(list) = name.to_str().and_then(|n| candidates.get_mut(n)) {
                if path.is_file() {
                    list.push(path);
                }
            }
        }
    }
    for list in candidates.values_mut() {
        list.sort();
    }
    require_all(needed, &candidates, root)?;
    stage_each(needed, &candidates, dir, progress, |pin, path, file| {
        let source = File::open(path).map_err(|source| JarsError::Io {
            path: path.clone(),
            source,
        })?;
        let digest = copy_hashing(source, file, pin.size, progress).map_err(|e| {
            let (CopyError::Read(source) | CopyError::Write(source)) = e;
            JarsError::Io {
                path: path.clone(),
                source,
            }
        })?;
        Ok((digest, path.display().to_string()))
    })
}

/// Whether a zip entry name is absolute or climbs out with `..` (with either
/// slash, or a drive letter).
fn is_unsafe_entry_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\0')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

fn stage_from_zip(
    archive_path: &Path,
    needed: &[&JarPin],
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Vec<Staged>, JarsError> {
    let file = File::open(archive_path).map_err(|source| JarsError::Io {
        path: archive_path.to_path_buf(),
        source,
    })?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| JarsError::NotAnArchive {
            path: archive_path.to_path_buf(),
            message: e.to_string(),
        })?;
    let archive_error = |entry: &str, message: String| JarsError::Archive {
        archive: archive_path.to_path_buf(),
        entry: entry.to_string(),
        message,
    };

    // Every name is checked before anything is extracted.
    let mut candidates: HashMap<String, Vec<(usize, String)>> = empty_candidates(needed);
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| archive_error(&format!("#{index}"), e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| archive_error(&format!("#{index}"), e.to_string()))?
            .into_owned();
        if is_unsafe_entry_name(&name) || entry.enclosed_name().is_none() {
            return Err(JarsError::UnsafeEntry {
                archive: archive_path.to_path_buf(),
                entry: name,
            });
        }
        if !entry.is_file() {
            continue;
        }
        let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
        if let Some(list) = candidates.get_mut(base) {
            list.push((index, name));
        }
    }
    require_all(needed, &candidates, archive_path)?;

    stage_each(
        needed,
        &candidates,
        dir,
        progress,
        |pin, (index, name), file| {
            let entry = archive
                .by_index(*index)
                .map_err(|e| archive_error(name, e.to_string()))?;
            let digest = copy_hashing(entry, file, pin.size, progress).map_err(|e| match e {
                CopyError::Read(e) => archive_error(name, e.to_string()),
                CopyError::Write(source) => JarsError::Io {
                    path: dir.to_path_buf(),
                    source,
                },
            })?;
            Ok((digest, format!("{} ({name})", archive_path.display())))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_escape_are_unsafe() {
        for name in [
            "../evil.jar",
            "a/../../evil.jar",
            "a/..",
            "/etc/passwd",
            "\\windows\\evil.jar",
            "C:/evil.jar",
            "a\\..\\b.jar",
        ] {
            assert!(is_unsafe_entry_name(name), "{name}");
        }
        for name in [
            "pyforge_cli/data/jars/hsqldb-2.5.0.jar",
            "hsqldb-2.5.0.jar",
            "a/..b/c.jar",
            "dir/",
        ] {
            assert!(!is_unsafe_entry_name(name), "{name}");
        }
    }
}
