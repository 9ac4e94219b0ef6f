//! Putting a finished output in place, with its manifest, as one step that
//! either completes or leaves the earlier output as it was.
//!
//! A reader's output is finished under a hidden temporary name (a file, or a
//! directory of tables). Here the rules are checked once more (`ownership`,
//! in case the folder changed since the plan), the output is moved onto its
//! target, and the manifest written last. An output it replaces is kept
//! aside until the manifest is written and put back whole if anything fails
//! (`files::atomic`); outputs bound for a volume go through
//! `staging::Staged::publish`, which follows the same order.

use std::io;
use std::path::Path;
use std::time::Duration;

use super::manifest;
use super::ownership;
use super::plan::Job;
use super::staging::{Staged, StagingError};
use crate::databricks::volumes::is_on_volume;
use crate::files::leftovers::{self, Cleaned};
use crate::files::{CommitError, TempPath};

/// How old a leftover on a volume must be before it is taken for a killed
/// run's: locks only speak for this machine, and a volume is shared.
const SHARED_LEFTOVER_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Why an output could not be put in place. The earlier output, if any, is
/// untouched (or back in place).
#[derive(Debug, thiserror::Error)]
pub enum CommitFailure {
    #[error("the output {} appeared while this input was converted (another run?)", .0.display())]
    AppearedMeanwhile(std::path::PathBuf),
    #[error("{reason}")]
    Refused { reason: String, hint: String },
    #[error(transparent)]
    Commit(CommitError),
    #[error(transparent)]
    Staging(#[from] StagingError),
}

impl CommitFailure {
    pub fn hint(&self) -> Option<String> {
        match self {
            CommitFailure::AppearedMeanwhile(_) => {
                Some("nothing was replaced; pass --force to replace it".into())
            }
            CommitFailure::Refused { hint, .. } => Some(hint.clone()),
            _ => None,
        }
    }
}

impl From<CommitError> for CommitFailure {
    fn from(error: CommitError) -> Self {
        match error {
            CommitError::Exists(target) => CommitFailure::AppearedMeanwhile(target),
            other => CommitFailure::Commit(other),
        }
    }
}

/// Removes what killed runs left beside `job`'s output and its manifest;
/// returns a note for each.
pub fn clean_leftovers(job: &Job) -> Vec<String> {
    let min_age = if is_on_volume(&job.output) {
        SHARED_LEFTOVER_AGE
    } else {
        Duration::ZERO
    };
    let mut notes = Vec::new();
    for path in [job.output.clone(), manifest::path_for(&job.output)] {
        for cleaned in leftovers::clean(&path, min_age) {
            notes.push(match cleaned {
                Cleaned::Removed(path) => {
                    format!("removed {}, left by an interrupted run", path.display())
                }
                Cleaned::Restored(path) => format!(
                    "put back {}, which an interrupted run had moved aside",
                    path.display()
                ),
            });
        }
    }
    notes
}

/// Moves `finished` (a complete file or directory under its temporary
/// name) onto `job.output`, through the volume when `staged` publishes one,
/// and writes the manifest; `hash_input` puts the input's SHA-256 in it.
pub fn commit(
    finished: TempPath,
    job: &Job,
    staged: &Staged,
    hash_input: bool,
) -> Result<(), CommitFailure> {
    let target = &job.output;
    if job.replace {
        ownership::may_replace(
            target,
            job.format.layout(),
            &job.input,
            std::slice::from_ref(&job.input),
        )
        .map_err(|refusal| CommitFailure::Refused {
            reason: refusal.reason,
            hint: refusal.hint,
        })?;
    }
    let write_manifest = || write_manifest(target, &job.input, hash_input);
    if staged.publishes() {
        finished.commit_then(false, || Ok(()))?;
        staged.publish(job.replace, &manifest::path_for(target), write_manifest)?;
    } else {
        finished.commit_then(job.replace, write_manifest)?;
    }
    Ok(())
}

fn write_manifest(output: &Path, input: &Path, hash: bool) -> io::Result<()> {
    manifest::write(output, input, hash).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write the manifest beside {}: {e}", output.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losing_a_race_to_another_run_says_what_happened_and_what_to_do() {
        let failure = CommitFailure::from(CommitError::Exists("out.parquet".into()));
        assert_eq!(
            failure.to_string(),
            "the output out.parquet appeared while this input was converted (another run?)"
        );
        assert!(failure.hint().unwrap().contains("--force"));
    }
}
