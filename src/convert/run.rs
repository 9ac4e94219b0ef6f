//! Running the planned jobs: a small worker pool, one reader and sink per job.
//!
//! Without `--keep-going` the first failure stops new jobs from starting (the
//! ones already running finish). Every failure is reported with its input;
//! nothing here prints.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use super::commit;
use super::plan::Job;
use super::staging::Staged;
use super::write::{OutputError, OutputWriter, TableReport, TextWriter, WriteSettings, Written};
use crate::formats::{Format, FormatError, ReadError, ReadOptions, ReadSummary};
use crate::progress::ProgressRef;

/// Settings shared by every job of a run.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// What the readers are told.
    pub read: ReadOptions,
    /// What the writers are told.
    pub write: WriteSettings,
    pub jobs: usize,
    pub keep_going: bool,
    /// Hash inputs into the output manifests (`--skip-existing`).
    pub hash_inputs: bool,
}

/// Gives each job a progress handle (a bar on a terminal, nothing otherwise).
pub trait ProgressFactory: Sync {
    fn for_job(&self, job: &Job) -> ProgressRef;
    fn job_done(&self, job: &Job);
    /// How `job` ended, as soon as it did (for a summary of an interrupted run).
    fn job_report(&self, _job: &Job, _report: &InputReport) {}
}

/// How one input ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Converted {
        output: PathBuf,
        /// `parquet`, or `txt` for a format's text form (PDF), whose `rows`
        /// are the pages written and `columns` 0.
        output_format: &'static str,
        rows: u64,
        columns: usize,
        bytes: u64,
        /// Things worth knowing that did not stop the conversion.
        notes: Vec<String>,
        /// Outputs with one file per table (a directory): each table's file
        /// and counts; `rows`, `columns` and `bytes` above are the totals.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tables: Vec<TableReport>,
        /// Restarts of a helper process (Access: the Java helper) after
        /// recoverable failures.
        retries: u32,
    },
    /// Left alone: the output is up to date (`--skip-existing`).
    UpToDate { output: PathBuf },
    Failed {
        error: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
    },
    /// Not started because an earlier input failed (no `--keep-going`),
    /// or because the run was interrupted first.
    Skipped,
    /// Being converted when the run was interrupted (ctrl-c, SIGTERM); its
    /// temporary output was removed.
    Interrupted,
}

/// The report for one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub input: PathBuf,
    pub format: Option<Format>,
    pub seconds: f64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A failure while converting one input, with an optional hint.
struct JobFailure {
    error: String,
    hint: Option<String>,
}

impl From<FormatError> for JobFailure {
    fn from(e: FormatError) -> Self {
        JobFailure {
            error: e.message,
            hint: e.hint,
        }
    }
}

impl JobFailure {
    /// `error` with every cause in its chain, and `hint`.
    fn of(error: &dyn std::error::Error, hint: Option<String>) -> JobFailure {
        FormatError::new(error, hint).into()
    }
}

/// Runs `jobs`; returns one report per job, in the order given.
pub fn run(
    jobs: &[Job],
    settings: &JobSettings,
    progress: &dyn ProgressFactory,
) -> Vec<InputReport> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let reports: Mutex<Vec<Option<InputReport>>> = Mutex::new(vec![None; jobs.len()]);
    let workers = settings.jobs.clamp(1, jobs.len().max(1));

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(index) else { break };
                let report = if stop.load(Ordering::SeqCst) {
                    InputReport {
                        input: job.input.clone(),
                        format: Some(job.format),
                        seconds: 0.0,
                        outcome: Outcome::Skipped,
                    }
                } else {
                    let report = run_one(job, settings, progress);
                    if matches!(report.outcome, Outcome::Failed { .. }) && !settings.keep_going {
                        stop.store(true, Ordering::SeqCst);
                    }
                    report
                };
                reports.lock().expect("reports lock")[index] = Some(report);
            });
        }
    });
    reports
        .into_inner()
        .expect("reports lock")
        .into_iter()
        .map(|r| r.expect("every job reported"))
        .collect()
}

fn run_one(job: &Job, settings: &JobSettings, progress: &dyn ProgressFactory) -> InputReport {
    let started = Instant::now();
    let handle = progress.for_job(job);
    let result = convert(job, settings, handle);
    progress.job_done(job);
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(failure) => Outcome::Failed {
            error: failure.error,
            hint: failure.hint,
        },
    };
    let report = InputReport {
        input: job.input.clone(),
        format: Some(job.format),
        seconds: started.elapsed().as_secs_f64(),
        outcome,
    };
    progress.job_report(job, &report);
    report
}

fn convert(
    job: &Job,
    settings: &JobSettings,
    progress: ProgressRef,
) -> Result<Outcome, JobFailure> {
    let reader = job.format.reader();
    ensure_parent_dir(&job.output)?;
    let cleaned = commit::clean_leftovers(job);
    let staged =
        Staged::prepare(job, &settings.read.jvm.temp_dir).map_err(|e| JobFailure::of(&e, None))?;
    let (input, output) = (&staged.job.input, &staged.job.output);
    let (summary, written) = if job.text {
        let mut writer = TextWriter::new(output).map_err(|e| JobFailure::of(&e, e.hint()))?;
        let read = reader.read_text(input, &settings.read, &mut writer, &progress);
        let summary = read_outcome(read, || writer.take_error())?;
        (summary, writer.finish())
    } else {
        let mut writer = OutputWriter::new(input, job.format, output, &settings.write)
            .map_err(|e| JobFailure::of(&e, e.hint()))?;
        let read = reader.read(input, &settings.read, &mut writer, &progress);
        let summary = read_outcome(read, || writer.take_error())?;
        (summary, writer.finish())
    };
    let written: Written = written.map_err(|e| JobFailure::of(&e, e.hint()))?;
    commit::commit(written.pending, job, &staged, settings.hash_inputs)
        .map_err(|e| JobFailure::of(&e, e.hint()))?;
    let mut notes = summary.notes;
    notes.extend(written.notes);
    notes.extend(cleaned);
    Ok(Outcome::Converted {
        output: job.output.clone(),
        output_format: if job.text { "txt" } else { "parquet" },
        rows: written.rows,
        columns: written.columns,
        bytes: written.bytes,
        notes,
        tables: written.tables,
        retries: summary.retries,
    })
}

/// A read's summary, or why it failed: its own error, or the writer's
/// (`writer_error`) when the writer stopped it.
fn read_outcome(
    read: Result<ReadSummary, ReadError>,
    writer_error: impl FnOnce() -> Option<OutputError>,
) -> Result<ReadSummary, JobFailure> {
    match read {
        Ok(summary) => Ok(summary),
        Err(ReadError::Failed(e)) => Err(e.into()),
        Err(ReadError::Stopped) => Err(match writer_error() {
            Some(e) => JobFailure::of(&e, e.hint()),
            None => JobFailure {
                error: "the reader stopped without a reason".into(),
                hint: None,
            },
        }),
    }
}

fn ensure_parent_dir(output: &Path) -> Result<(), JobFailure> {
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| JobFailure {
            error: format!(
                "cannot create the output directory {}: {e}",
                parent.display()
            ),
            hint: None,
        })?;
    }
    Ok(())
}
