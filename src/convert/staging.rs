//! Inputs and outputs on Unity Catalog volumes. The Java helper cannot open
//! files there, and volumes take only whole files written front to back (no
//! append, random write, hard link or rename), so:
//!
//! - an Access database on a volume is copied into the local temp dir before
//!   the helper opens it, and the copy is removed afterwards, also on failure;
//! - an output bound for a volume is written in the local temp dir (with the
//!   sink's usual temporary name and rename, which local disks allow) and
//!   then copied into place file by file.
//!
//! Everything staged lives in one private folder per job, removed when the
//! job ends and registered for removal on ctrl-c.

use std::path::{Path, PathBuf};

use super::plan::Job;
use crate::cleanup;
use crate::databricks::volumes::{copy_sequential, is_on_volume};
use crate::formats::Format;

/// A job with its volume paths replaced by local ones.
pub struct Staged {
    /// What the converter works on.
    pub job: Job,
    /// Where the output finally goes, when it is bound for a volume.
    publish_to: Option<PathBuf>,
    /// The private folder holding the copies (removed on drop).
    folder: Option<PathBuf>,
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
}

impl Staged {
    /// Stages `job` through `temp_dir` where a volume is involved; a job with
    /// nothing on a volume comes back as it is.
    pub fn prepare(job: &Job, temp_dir: &Path) -> Result<Staged, StagingError> {
        let copy_input = job.format == Format::Access && is_on_volume(&job.input);
        let publish = !job.output.as_os_str().is_empty() && is_on_volume(&job.output);
        let mut staged = Staged {
            job: job.clone(),
            publish_to: None,
            folder: None,
        };
        if !copy_input && !publish {
            return Ok(staged);
        }
        let folder = private_folder(temp_dir)?;
        staged.folder = Some(folder.clone());
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

    /// An input to read in place (`info`, `validate`): an Access database on
    /// a volume is copied to local disk, anything else is left alone.
    pub fn for_reading(
        input: &Path,
        format: Format,
        temp_dir: &Path,
    ) -> Result<Staged, StagingError> {
        let job = Job {
            input: input.to_path_buf(),
            format,
            output: PathBuf::new(),
            replace: false,
        };
        Staged::prepare(&job, temp_dir)
    }

    /// The final place of an output path reported by the converter.
    pub fn final_path(&self, local: &Path) -> PathBuf {
        match &self.publish_to {
            Some(target) if local == self.job.output => target.clone(),
            _ => local.to_path_buf(),
        }
    }

    /// Copies a staged output into its place on the volume: a file whole, a
    /// directory file by file. An existing output (allowed by `--force`) is
    /// removed first. A failed copy removes what it wrote.
    pub fn publish(&self) -> Result<(), StagingError> {
        let Some(target) = &self.publish_to else {
            return Ok(());
        };
        let local = &self.job.output;
        let fail = |source| StagingError::CopyOut {
            to: target.clone(),
            source,
        };
        remove_existing(target).map_err(fail)?;
        let result = if local.is_dir() {
            copy_dir(local, target)
        } else {
            copy_sequential(local, target).map(drop)
        };
        if result.is_err() {
            let _ = remove_existing(target);
        }
        result.map_err(fail)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(folder) = self.folder.take() {
            let _ = std::fs::remove_dir_all(&folder);
            cleanup::unregister(&folder);
        }
    }
}

/// `temp_dir/pyforge-stage-<pid>-<n>`, created empty and registered for
/// removal on interruption.
fn private_folder(temp_dir: &Path) -> Result<PathBuf, StagingError> {
    let fail = |source| StagingError::Folder {
        temp_dir: temp_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(temp_dir).map_err(fail)?;
    let folder = tempfile::Builder::new()
        .prefix(&format!("pyforge-stage-{}-", std::process::id()))
        .tempdir_in(temp_dir)
        .map_err(fail)?
        .keep();
    cleanup::register(&folder);
    Ok(folder)
}

fn file_name(path: &Path) -> &std::ffi::OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

fn remove_existing(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A folder's files, one after the other (sub-folders too).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
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
