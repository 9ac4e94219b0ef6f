//! `pyforge convert`: flags to a plan and settings, the run, the summary.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::{read_options, UsageError, EXIT_FAILED, EXIT_OK};
use crate::cli::{Compression, ConvertArgs, OutputFormat};
use crate::convert::{
    self, InputReport, Job, JobSettings, Outcome, PlanRequest, ProgressFactory, WriteSettings,
};
use crate::diagnostics;
use crate::progress::{Bar, NoProgress, ProgressRef};
use crate::sink::{self, SinkOptions};

/// The `--json` summary, version 1.
///
/// ```json
/// { "schema_version": 1, "pyforge_version": "2.0.0-dev.1", "ok": true,
///   "converted": 1, "failed": 0, "skipped": 0,
///   "inputs": [ { "input": "a.csv", "format": "csv", "seconds": 0.01,
///                 "status": "converted", "output": "a.parquet",
///                 "rows": 3, "columns": 2, "bytes": 812, "notes": [] } ] }
/// ```
/// A converted input also has `"retries"` (restarts of the Java helper) and,
/// for outputs with one file per table (Access), `"tables"`. A failed input has `"status": "failed"`, `"error"`
/// and maybe `"hint"`; an input not started after an earlier failure has
/// `"status": "skipped"`; one whose output is up to date under
/// `--skip-existing` has `"status": "up_to_date"` and `"output"`. A run
/// interrupted by ctrl-c or SIGTERM still prints its summary, with
/// `"interrupted": true`, the input being converted then marked
/// `"status": "interrupted"` and those not started `"skipped"`.
#[derive(Serialize)]
struct Summary<'a> {
    schema_version: u32,
    pyforge_version: &'static str,
    ok: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
    converted: usize,
    failed: usize,
    skipped: usize,
    /// Left alone by `--skip-existing`.
    up_to_date: usize,
    inputs: &'a [InputReport],
}

impl Summary<'_> {
    fn of(reports: &[InputReport], interrupted: bool) -> Summary<'_> {
        let count = |f: fn(&Outcome) -> bool| reports.iter().filter(|r| f(&r.outcome)).count();
        let failed = count(|o| matches!(o, Outcome::Failed { .. }));
        Summary {
            schema_version: 1,
            pyforge_version: env!("CARGO_PKG_VERSION"),
            ok: failed == 0 && !interrupted,
            interrupted,
            converted: count(|o| matches!(o, Outcome::Converted { .. })),
            failed,
            skipped: count(|o| matches!(o, Outcome::Skipped)),
            up_to_date: count(|o| matches!(o, Outcome::UpToDate { .. })),
            inputs: reports,
        }
    }
}

/// What is known of a run while it goes, for the `--json` summary of a run
/// that is interrupted.
struct Journal {
    /// Inputs rejected while planning.
    before: Vec<InputReport>,
    jobs: Vec<Job>,
    /// Per job: `None` before it starts, `Some(None)` while it runs.
    states: Mutex<Vec<Option<Option<InputReport>>>>,
    /// Inputs left alone as up to date.
    after: Vec<InputReport>,
}

impl Journal {
    fn index(&self, job: &Job) -> Option<usize> {
        self.jobs.iter().position(|j| j.input == job.input)
    }

    fn started(&self, job: &Job) {
        if let Some(index) = self.index(job) {
            self.states.lock().unwrap_or_else(|p| p.into_inner())[index] = Some(None);
        }
    }

    fn finished(&self, job: &Job, report: &InputReport) {
        if let Some(index) = self.index(job) {
            self.states.lock().unwrap_or_else(|p| p.into_inner())[index] =
                Some(Some(report.clone()));
        }
    }

    /// Every input's report as of now; running ones are interrupted.
    fn reports_so_far(&self) -> Vec<InputReport> {
        let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = self.jobs.iter().zip(states.iter()).map(|(job, state)| {
            let outcome = match state {
                Some(Some(report)) => return report.clone(),
                Some(None) => Outcome::Interrupted,
                None => Outcome::Skipped,
            };
            InputReport {
                input: job.input.clone(),
                format: Some(job.format),
                seconds: 0.0,
                outcome,
            }
        });
        self.before
            .iter()
            .cloned()
            .chain(jobs)
            .chain(self.after.iter().cloned())
            .collect()
    }
}

pub fn run(args: &ConvertArgs, quiet: bool) -> ExitCode {
    let paths = match super::local_paths(&args.paths) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let output_dir = match args
        .output_dir
        .as_ref()
        .map(|d| super::local_paths(std::slice::from_ref(d)))
    {
        Some(Ok(mut dirs)) => dirs.pop(),
        Some(Err(code)) => return code,
        None => None,
    };
    if args.preview_schema {
        return preview_schema(args, paths, output_dir);
    }
    match prepare(args, paths, output_dir) {
        Ok((plan, settings)) => execute(args, quiet, plan, settings),
        Err(usage) => usage.exit(),
    }
}

/// `--preview-schema`: each XML input's record path and columns on stdout,
/// nothing written, no question asked. Exits 1 when an input cannot be read.
fn preview_schema(
    args: &ConvertArgs,
    paths: Vec<std::path::PathBuf>,
    output_dir: Option<std::path::PathBuf>,
) -> ExitCode {
    let request = PlanRequest {
        paths,
        output_dir,
        text_output: None,
        force: true,
        skip_existing: false,
    };
    let plan = match convert::plan(&request) {
        Ok(plan) => plan,
        Err(e) => {
            return UsageError {
                hint: e.hint().map(str::to_string),
                message: e.to_string(),
            }
            .exit()
        }
    };
    let options = match read_options(&args.reader, args.all_strings) {
        Ok(options) => options,
        Err(usage) => return usage.exit(),
    };
    let mut failed = false;
    for job in &plan.jobs {
        if job.format.id() != "xml" {
            crate::diagnostics::warning(
                &job.input,
                "--preview-schema shows XML documents only: left alone",
            );
            continue;
        }
        match crate::formats::xml::preview_schema(&job.input, &options.xml, args.all_strings) {
            Ok(text) => print!("{}\n{text}", job.input.display()),
            Err(error) => {
                crate::diagnostics::error(Some(&job.input), &error.message, error.hint.as_deref());
                failed = true;
            }
        }
    }
    for rejected in &plan.rejected {
        crate::diagnostics::error(
            Some(&rejected.input),
            &rejected.reason,
            rejected.hint.as_deref(),
        );
        failed = true;
    }
    ExitCode::from(if failed { super::EXIT_FAILED } else { 0 })
}

fn prepare(
    args: &ConvertArgs,
    paths: Vec<std::path::PathBuf>,
    output_dir: Option<std::path::PathBuf>,
) -> Result<(convert::Plan, JobSettings), UsageError> {
    let request = PlanRequest {
        paths,
        output_dir,
        text_output: args.format.map(|f| f == OutputFormat::Txt),
        force: args.force,
        skip_existing: args.skip_existing,
    };
    let plan = convert::plan(&request).map_err(|e| UsageError {
        hint: e.hint().map(str::to_string),
        message: e.to_string(),
    })?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = match args.jobs {
        Some(0) => {
            return Err(UsageError {
                message: "--jobs must be at least 1".into(),
                hint: None,
            })
        }
        Some(n) => n,
        None => cpus,
    };
    // Inputs converted at once share the CPUs for their own parallel reading.
    let mut read = read_options(&args.reader, args.all_strings)?;
    read.excel.combine = args.combine;
    if read.csv.threads == 0 {
        read.csv.threads = (cpus / jobs.min(plan.jobs.len()).max(1)).max(1);
        read.dbase.threads = read.csv.threads;
        read.access.threads = read.csv.threads;
    }
    let settings = JobSettings {
        read,
        write: WriteSettings {
            sink: SinkOptions {
                compression: match args.compression {
                    Compression::Snappy => sink::Compression::Snappy,
                    Compression::Gzip => sink::Compression::Gzip,
                    Compression::Zstd => sink::Compression::Zstd,
                    Compression::None => sink::Compression::None,
                },
                ..SinkOptions::default()
            },
            allow_partial: args.allow_partial,
        },
        hash_inputs: args.skip_existing,
        jobs,
        keep_going: args.keep_going,
    };
    Ok((plan, settings))
}

fn execute(
    args: &ConvertArgs,
    quiet: bool,
    plan: convert::Plan,
    settings: JobSettings,
) -> ExitCode {
    // Inputs rejected while planning count as failures; without --keep-going
    // nothing is converted when one of them is bad.
    let mut reports: Vec<InputReport> = plan
        .rejected
        .iter()
        .map(|r| InputReport {
            input: r.input.clone(),
            format: crate::formats::Format::of_named_file(&r.input),
            seconds: 0.0,
            outcome: Outcome::Failed {
                error: r.reason.clone(),
                hint: r.hint.clone(),
            },
        })
        .collect();
    if reports.is_empty() || settings.keep_going {
        let mut bars = Bars::new(show_progress(args, quiet));
        if args.json {
            let journal = Arc::new(Journal {
                before: reports.clone(),
                jobs: plan.jobs.clone(),
                states: Mutex::new(vec![None; plan.jobs.len()]),
                after: up_to_date_reports(&plan),
            });
            let last = journal.clone();
            crate::cleanup::set_last_words(move || {
                super::print_json(&Summary::of(&last.reports_so_far(), true));
            });
            bars.journal = Some(journal);
        }
        reports.extend(convert::run(&plan.jobs, &settings, &bars));
        crate::cleanup::clear_last_words();
    } else {
        reports.extend(plan.jobs.iter().map(|job| InputReport {
            input: job.input.clone(),
            format: Some(job.format),
            seconds: 0.0,
            outcome: Outcome::Skipped,
        }));
    }

    reports.extend(up_to_date_reports(&plan));

    let summary = Summary::of(&reports, false);
    let (converted, failed, skipped, up_to_date) = (
        summary.converted,
        summary.failed,
        summary.skipped,
        summary.up_to_date,
    );
    for report in &reports {
        print_report(report, quiet);
    }
    if args.json {
        super::print_json(&summary);
    } else if !quiet && reports.len() > 1 {
        eprintln!(
            "{converted} converted, {failed} failed, {skipped} skipped, {up_to_date} up to date"
        );
    }
    if failed == 0 && converted + up_to_date > 0 {
        ExitCode::from(EXIT_OK)
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

fn up_to_date_reports(plan: &convert::Plan) -> Vec<InputReport> {
    plan.up_to_date
        .iter()
        .map(|job| InputReport {
            input: job.input.clone(),
            format: Some(job.format),
            seconds: 0.0,
            outcome: Outcome::UpToDate {
                output: job.output.clone(),
            },
        })
        .collect()
}

/// One line per input on stderr (errors always, the rest unless quiet).
fn print_report(report: &InputReport, quiet: bool) {
    match &report.outcome {
        Outcome::Converted {
            output,
            output_format,
            rows,
            columns,
            bytes,
            notes,
            tables,
            ..
        } => {
            if quiet {
                return;
            }
            let counts = match *output_format {
                "txt" => format!("{} of text", plural(*rows, "page")),
                _ => format!(
                    "{}, {}",
                    plural(*rows, "row"),
                    plural(*columns as u64, "column")
                ),
            };
            eprintln!(
                "converted {} -> {} ({counts}, {}, {:.2}s)",
                report.input.display(),
                output.display(),
                super::human_bytes(*bytes),
                report.seconds
            );
            for table in tables {
                eprintln!(
                    "  table {:?}: {}, {} -> {}",
                    table.table,
                    plural(table.rows, "row"),
                    plural(table.columns as u64, "column"),
                    table.file
                );
            }
            for note in notes {
                eprintln!("  note: {note}");
            }
        }
        Outcome::Failed { error, hint } => {
            diagnostics::error(Some(&report.input), error, hint.as_deref())
        }
        Outcome::UpToDate { output } => {
            if !quiet {
                eprintln!(
                    "up to date: {} -> {} (--skip-existing)",
                    report.input.display(),
                    output.display()
                );
            }
        }
        Outcome::Interrupted => {
            diagnostics::error(Some(&report.input), "interrupted", None);
        }
        Outcome::Skipped => {
            if !quiet {
                eprintln!(
                    "skipped {} (an earlier input failed; see --keep-going)",
                    report.input.display()
                );
            }
        }
    }
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Bars only for a person watching a terminal.
fn show_progress(args: &ConvertArgs, quiet: bool) -> bool {
    !quiet
        && !args.json
        && crate::settings::variables::progress_allowed()
        && std::io::stderr().is_terminal()
}

/// Progress bars for a run, one per running input, and the journal of an
/// interruptible `--json` run.
struct Bars {
    multi: Option<indicatif::MultiProgress>,
    active: Mutex<Vec<(std::path::PathBuf, Arc<Bar>)>>,
    journal: Option<Arc<Journal>>,
}

impl Bars {
    fn new(enabled: bool) -> Bars {
        Bars {
            multi: enabled.then(indicatif::MultiProgress::new),
            active: Mutex::new(Vec::new()),
            journal: None,
        }
    }
}

impl ProgressFactory for Bars {
    fn job_report(&self, job: &Job, report: &InputReport) {
        if let Some(journal) = &self.journal {
            journal.finished(job, report);
        }
    }

    fn for_job(&self, job: &Job) -> ProgressRef {
        if let Some(journal) = &self.journal {
            journal.started(job);
        }
        let Some(multi) = &self.multi else {
            return Arc::new(NoProgress);
        };
        let label = file_label(&job.input);
        let bar = Arc::new(Bar::new(multi, label));
        self.active
            .lock()
            .expect("bars lock")
            .push((job.input.clone(), bar.clone()));
        bar
    }

    fn job_done(&self, job: &Job) {
        let mut active = self.active.lock().expect("bars lock");
        if let Some(index) = active.iter().position(|(input, _)| input == &job.input) {
            active.swap_remove(index).1.finish();
        }
    }
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
