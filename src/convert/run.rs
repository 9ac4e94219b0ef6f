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
use crate::files::TempPath;
use crate::formats::access::{self, AccessOptions, TableReport};
use crate::formats::csv::{CsvOptions, CsvTable};
use crate::formats::Format;
use crate::progress::ProgressRef;
use crate::sink::{ParquetSink, SinkOptions};

/// Settings shared by every job of a run.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub sink: SinkOptions,
    pub csv: CsvOptions,
    /// Every column as a string (`--all-strings`); CSV carries its own copy.
    pub all_strings: bool,
    pub jobs: usize,
    pub keep_going: bool,
    /// Java, the JAR set and the helper's heap, retries and timeout (Access).
    pub jvm: crate::jvm::setup::JvmSettings,
    /// Tables, password and engine (Access).
    pub access: crate::formats::access::AccessSelection,
    /// Keep Access tables read short of their row count (`--allow-partial`).
    pub allow_partial: bool,
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
        rows: u64,
        columns: usize,
        bytes: u64,
        /// Things worth knowing that did not stop the conversion.
        notes: Vec<String>,
        /// Outputs with one file per table (Access): each table's file and
        /// counts; `rows`, `columns` and `bytes` above are the totals.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tables: Vec<TableReport>,
        /// Restarts of the Java helper after recoverable failures.
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

impl<E: std::error::Error> From<E> for JobFailure {
    fn from(e: E) -> Self {
        let mut error = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !error.contains(&text) {
                error.push_str(": ");
                error.push_str(&text);
            }
            source = cause.source();
        }
        JobFailure { error, hint: None }
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
    if !job.format.is_supported() {
        return Err(JobFailure {
            error: format!("not supported yet: {} conversion", job.format.name()),
            hint: Some("run `pyforge formats` to see what this build converts".into()),
        });
    }
    ensure_parent_dir(&job.output)?;
    let cleaned = commit::clean_leftovers(job);
    let staged = Staged::prepare(job, &settings.jvm.temp_dir)?;
    let (mut outcome, finished) = match job.format {
        Format::Csv => convert_csv(&staged.job, settings, progress),
        Format::Access => convert_access(&staged.job, settings, progress),
        other => unreachable!("{other:?} is not supported"),
    }?;
    commit::commit(finished, job, &staged, settings.hash_inputs).map_err(|e| JobFailure {
        hint: e.hint(),
        ..JobFailure::from(e)
    })?;
    if let Outcome::Converted { output, notes, .. } = &mut outcome {
        output.clone_from(&job.output);
        notes.extend(cleaned);
    }
    Ok(outcome)
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

fn convert_csv(
    job: &Job,
    settings: &JobSettings,
    progress: ProgressRef,
) -> Result<(Outcome, TempPath), JobFailure> {
    let table = CsvTable::open(&job.input, &settings.csv, progress.clone()).map_err(csv_failure)?;
    let metadata = vec![
        ("pyforge.source".to_string(), source_name(&job.input)),
        ("pyforge.source_format".to_string(), "csv".to_string()),
    ];
    let mut sink = ParquetSink::create(&job.output, &table.schema(), metadata, &settings.sink)?;
    for batch in table.batches(progress).map_err(csv_failure)? {
        sink.write(&batch.map_err(csv_failure)?)?;
    }
    let (summary, temp) = sink.finish()?;
    let mut notes = Vec::new();
    if table.short_rows > 0 {
        notes.push(format!(
            "{} row(s) had fewer fields than the header and were padded with nulls",
            table.short_rows
        ));
    }
    if table.long_rows > 0 {
        notes.push(format!(
            "{} row(s) had more fields than the header; the extra cells are in columns named column_<n>",
            table.long_rows
        ));
    }
    if table.replaced_sequences > 0 {
        notes.push(format!(
            "{} invalid UTF-8 byte sequence(s) read as U+FFFD (--encoding-errors replace)",
            table.replaced_sequences
        ));
    } else if let Some(evidence) = table.encoding_evidence {
        notes.push(format!(
            "read as {}: the file is not UTF-8 ({})",
            table.encoding.name(),
            evidence.describe()
        ));
    }
    if table.dialect.skip_lines > 0 {
        notes.push(format!(
            "skipped {} line(s) before the header",
            table.dialect.skip_lines
        ));
    }
    let outcome = Outcome::Converted {
        output: summary.path,
        rows: summary.rows,
        columns: table.columns.len(),
        bytes: summary.bytes,
        notes,
        tables: Vec::new(),
        retries: 0,
    };
    Ok((outcome, temp))
}

fn convert_access(
    job: &Job,
    settings: &JobSettings,
    progress: ProgressRef,
) -> Result<(Outcome, TempPath), JobFailure> {
    let options = AccessOptions {
        sink: settings.sink.clone(),
        all_strings: settings.all_strings,
        jvm: settings.jvm.clone(),
        selection: settings.access.clone(),
        allow_partial: settings.allow_partial,
    };
    let summary =
        access::convert(&job.input, &job.output, &options, progress.as_ref()).map_err(|e| {
            JobFailure {
                hint: e.hint(),
                ..JobFailure::from(e)
            }
        })?;
    let mut notes = summary.notes;
    if summary.retries > 0 {
        notes.push(format!(
            "the Java helper was restarted {} time(s) after recoverable failures",
            summary.retries
        ));
    }
    let outcome = Outcome::Converted {
        output: job.output.clone(),
        rows: summary.tables.iter().map(|t| t.rows).sum(),
        columns: summary.tables.iter().map(|t| t.columns).sum(),
        bytes: summary.tables.iter().map(|t| t.bytes).sum(),
        notes,
        tables: summary.tables,
        retries: summary.retries,
    };
    Ok((outcome, summary.pending))
}

fn csv_failure(e: crate::formats::csv::CsvError) -> JobFailure {
    let hint = e.hint().map(str::to_string);
    JobFailure {
        hint,
        ..JobFailure::from(e)
    }
}

/// The input's file name, kept in the Parquet footer.
fn source_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
