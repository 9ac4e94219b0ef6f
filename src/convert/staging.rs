//! Inputs and outputs on Unity Catalog volumes. The Java helper cannot open
//! files there, and volumes take only whole files written front to back (no
//! append, random write, hard link or rename), so:
//!
//! - an input on a volume whose reader cannot open files there (Access: the
//!   Java helper) is copied into the local temp dir first, and the copy is
//!   removed afterwards, also on failure;
//! - an output bound for a volume is written in the local temp dir (with the
//!   usual temporary name and rename, which local disks allow), then copied
//!   whole onto the volume under a hidden name beside its target, and only
//!   then moved in, the earlier output kept aside until the manifest is
//!   written. Where the volume allows no rename, the earlier output (its
//!   manifest first) is removed only once the new one is complete beside it,
//!   and the new one copied into place.
//!
//! Everything staged lives in one private folder per job, locked while the
//! job runs, removed when it ends and registered for removal on ctrl-c; one
//! a killed run left is removed by the next job that stages.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::plan::Job;
use crate::cleanup;
use crate::databricks::volumes::is_on_volume;
use crate::files::atomic::{sibling, swap_in};
use crate::files::copy::is_unsupported;
use crate::files::{copy_sequential, copy_tree, leftovers, remove_path, CommitError, TempPath};
use crate::formats::Format;

/// A job with its volume paths replaced by local ones.
pub struct Staged {
    /// What the converter works on.
    pub job: Job,
    /// Where the output finally goes, when it is bound for a volume.
    publish_to: Option<PathBuf>,
    /// The private folder holding the copies (removed on drop).
    folder: Option<TempPath>,
}

/// Why staging failed.
#[derive(Debug, thiserror::Error)]
pub enum StagingError {
    #[error("cannot create a staging folder in {}: {source}", .temp_dir.display())]
    Folder {
        temp_dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot copy {} from the volume to local disk: {source}", .from.display())]
    CopyIn {
        from: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot copy the output into {}: {source}", .to.display())]
    CopyOut { to: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Commit(#[from] CommitError),
}

impl Staged {
    /// Stages `job` through `temp_dir` where a volume is involved; a job with
    /// nothing on a volume comes back as it is.
    pub fn prepare(job: &Job, temp_dir: &Path) -> Result<Staged, StagingError> {
        let copy_input = job.format.needs_local_copy() && is_on_volume(&job.input);
        let publish = !job.output.as_os_str().is_empty() && is_on_volume(&job.output);
        let mut staged = Staged {
            job: job.clone(),
            publish_to: None,
            folder: None,
        };
        if !copy_input && !publish {
            return Ok(staged);
        }
        let private = private_folder(temp_dir)?;
        let folder = private.path().to_path_buf();
        staged.folder = Some(private);
        if copy_input {
            let local = folder.join(file_name(&job.input));
            tracing::info!(
                "copying {} to {} (the Java helper cannot read volumes)",
                job.input.display(),
                local.display()
            );
            copy_sequential(&job.input, &local).map_err(|source| StagingError::CopyIn {
                from: job.input.clone(),
                source,
            })?;
            staged.job.input = local;
        }
        if publish {
            let out = folder.join("out");
            std::fs::create_dir(&out).map_err(|source| StagingError::Folder {
                temp_dir: temp_dir.to_path_buf(),
                source,
            })?;
            staged.job.output = out.join(file_name(&job.output));
            staged.publish_to = Some(job.output.clone());
        }
        Ok(staged)
    }

    /// An input to read in place (`info`, `validate`): one on a volume whose
    /// reader needs local files is copied to local disk, anything else is
    /// left alone.
    pub fn for_reading(
        input: &Path,
        format: Format,
        temp_dir: &Path,
    ) -> Result<Staged, StagingError> {
        let job = Job {
            input: input.to_path_buf(),
            format,
            output: PathBuf::new(),
            text: false,
            replace: false,
        };
        Staged::prepare(&job, temp_dir)
    }

    /// Whether the output goes to a volume through [`publish`](Self::publish).
    pub fn publishes(&self) -> bool {
        self.publish_to.is_some()
    }

    /// Copies the staged output (a file, or a directory file by file) onto
    /// the volume, complete under a hidden name beside its target before
    /// anything is replaced, then moves it in and runs `last_step` (the
    /// manifest at `manifest`). An existing output (only with `replace`)
    /// stays until the new one is in place and `last_step` succeeded.
    pub fn publish(
        &self,
        replace: bool,
        manifest: &Path,
        last_step: impl Fn() -> io::Result<()>,
    ) -> Result<(), StagingError> {
        let Some(target) = &self.publish_to else {
            return Ok(());
        };
        let local = &self.job.output;
        let beside = sibling(target, "tmp");
        cleanup::register(&beside);
        let result = copy_tree(local, &beside)
            .map_err(|source| StagingError::CopyOut {
                to: target.clone(),
                source,
            })
            .and_then(|()| match swap_in(&beside, target, replace, &last_step) {
                Err(CommitError::Rename { source, .. }) if is_unsupported(&source) => {
                    replace_by_copy(local, target, replace, manifest, &last_step)
                }
                other => Ok(other?),
            });
        let _ = remove_path(&beside);
        cleanup::unregister(&beside);
        result
    }
}

/// For a volume that allows no rename, once the new output proved complete
/// beside the old one: the old output goes (its manifest first, so nothing
/// claims a half-copied output is complete), the new one is copied in from
/// local disk, then `last_step` runs. A failed copy removes what it wrote.
fn replace_by_copy(
    local: &Path,
    target: &Path,
    replace: bool,
    manifest: &Path,
    last_step: impl Fn() -> io::Result<()>,
) -> Result<(), StagingError> {
    let fail = |source| StagingError::CopyOut {
        to: target.to_path_buf(),
        source,
    };
    if target.symlink_metadata().is_ok() {
        if !replace {
            return Err(CommitError::Exists(target.to_path_buf()).into());
        }
        remove_path(manifest).map_err(fail)?;
        remove_path(target).map_err(fail)?;
    }
    copy_tree(local, target).map_err(fail)?;
    last_step().map_err(|source| {
        let _ = remove_path(target);
        StagingError::Commit(CommitError::LastStep {
            source,
            restored: false,
        })
    })
}

/// `temp_dir/.pyforge-stage.<pid>-<n>.tmp`, created empty, locked and
/// registered for removal on interruption; unlocked ones that killed runs
/// left are removed first.
fn private_folder(temp_dir: &Path) -> Result<TempPath, StagingError> {
    let fail = |source| StagingError::Folder {
        temp_dir: temp_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(temp_dir).map_err(fail)?;
    let name = temp_dir.join("pyforge-stage");
    leftovers::clean(&name, Duration::ZERO);
    TempPath::dir(&name).map_err(fail)
}

fn file_name(path: &Path) -> &std::ffi::OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_rename_the_old_output_goes_only_once_the_new_one_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("local_parquet");
        std::fs::create_dir(&local).unwrap();
        std::fs::write(local.join("new.parquet"), b"new").unwrap();
        let target = dir.path().join("db_parquet");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.parquet"), b"old").unwrap();
        let manifest = dir.path().join(".db_parquet.pyforge.json");
        std::fs::write(&manifest, b"{}").unwrap();

        // Without --force nothing is touched.
        assert!(replace_by_copy(&local, &target, false, &manifest, || Ok(())).is_err());
        assert!(target.join("old.parquet").exists() && manifest.exists());

        let written = std::cell::Cell::new(false);
        replace_by_copy(&local, &target, true, &manifest, || {
            // The old manifest went first; the new output is whole here.
            assert!(!manifest.exists());
            assert_eq!(std::fs::read(target.join("new.parquet")).unwrap(), b"new");
            written.set(true);
            Ok(())
        })
        .unwrap();
        assert!(written.get());
        assert!(!target.join("old.parquet").exists());

        // A failed last step leaves no half-published output.
        let error = replace_by_copy(&local, &target, true, &manifest, || {
            Err(io::Error::other("no room"))
        })
        .unwrap_err();
        assert!(error.to_string().contains("no room"), "{error}");
        assert!(!target.exists());
    }
}
