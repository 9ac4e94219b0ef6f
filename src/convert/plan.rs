//! From the paths on the command line to a list of jobs: input, format, output.
//!
//! Everything that can be decided before reading a byte is decided here:
//! expanding directories and globs, telling a trailing OUTPUT from an input,
//! output names (pyforge-cli 1.0.9's layout), and the rules that keep a run
//! safe: an input is never an output, two inputs never share an output, and
//! an existing output is only replaced with `--force`, and only when
//! `ownership` allows it (never a folder holding an input or files pyforge
//! did not write).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::manifest::{self, Freshness};
use super::ownership;
use crate::formats::{Format, OutputLayout};

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub paths: Vec<PathBuf>,
    pub output_dir: Option<PathBuf>,
    /// `--format txt` (or an OUTPUT ending in `.txt`) asks for text.
    pub text_output: Option<bool>,
    pub force: bool,
    /// `--skip-existing`: leave inputs whose outputs are up to date (see
    /// `manifest`), and replace outputs pyforge wrote from an older input.
    pub skip_existing: bool,
}

/// One input to convert and where its output goes.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: PathBuf,
    pub format: Format,
    pub output: PathBuf,
    /// The output is the format's text form (`<stem>.txt`), not Parquet.
    pub text: bool,
    /// An existing output may be replaced (`--force`, or a stale output
    /// under `--skip-existing`).
    pub replace: bool,
}

/// An input that cannot even be started (reported like a failed conversion).
#[derive(Debug, Clone)]
pub struct Rejected {
    pub input: PathBuf,
    pub reason: String,
    pub hint: Option<String>,
}

/// The plan: jobs to run and inputs already known to fail, in command-line order.
#[derive(Debug, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    pub rejected: Vec<Rejected>,
    /// Inputs left alone: their outputs are up to date (`--skip-existing`).
    pub up_to_date: Vec<Job>,
}

/// A request that makes no sense as a whole (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{} and {} would both write {}", .first.display(), .second.display(), .output.display())]
    SharedOutput {
        first: PathBuf,
        second: PathBuf,
        output: PathBuf,
        /// The clash comes from `--output-dir` gathering them in one place.
        in_output_dir: bool,
    },
    #[error("the output {} is the input itself", .0.display())]
    OutputIsInput(PathBuf),
    #[error("{} looks like an OUTPUT, but an OUTPUT path only goes with one INPUT", .0.display())]
    OutputWithManyInputs(PathBuf),
    #[error("give either an OUTPUT path or --output-dir, not both")]
    OutputAndOutputDir,
    #[error("--output-dir {} is a file, not a directory", .0.display())]
    OutputDirIsFile(PathBuf),
    #[error("{format} files convert to Parquet, not text (txt output is for PDF)")]
    TextNotForFormat { format: &'static str },
    #[error("the output {} ends in .txt but the format is parquet", .0.display())]
    ParquetIntoTxt(PathBuf),
    #[error("the output {} ends in .parquet but the format is txt", .0.display())]
    TxtIntoParquet(PathBuf),
}

impl PlanError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            PlanError::SharedOutput {
                in_output_dir: true,
                ..
            } => Some(
                "convert them in separate runs, or drop --output-dir to write each output beside its input",
            ),
            PlanError::SharedOutput { .. } => Some(
                "convert them in separate runs, or give one of them another name or folder",
            ),
            PlanError::OutputWithManyInputs(_) => Some("use --output-dir DIR for several inputs"),
            PlanError::TextNotForFormat { .. } | PlanError::ParquetIntoTxt(_) => {
                Some("drop --format, or name the output <name>.parquet")
            }
            PlanError::TxtIntoParquet(_) => Some("drop --format, or name the output <name>.txt"),
            _ => None,
        }
    }
}

fn has_glob_chars(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Splits the positional paths into inputs and an optional OUTPUT.
/// With exactly two paths the second is OUTPUT unless it names an input
/// format's file (`pyforge convert a.csv b.csv` converts both).
fn split_output(paths: &[PathBuf]) -> (&[PathBuf], Option<&PathBuf>) {
    if let [_, second] = paths {
        let is_input = !has_glob_chars(second) && !second.is_dir() && Format::of(second).is_some();
        if !is_input && !has_glob_chars(second) {
            return (&paths[..1], Some(second));
        }
    }
    (paths, None)
}

/// Expands one command-line path into files with their format.
fn expand(path: &Path, rejected: &mut Vec<Rejected>) -> Vec<(PathBuf, Format)> {
    let reject = |rejected: &mut Vec<Rejected>, reason: String, hint: Option<&str>| {
        rejected.push(Rejected {
            input: path.to_path_buf(),
            reason,
            hint: hint.map(str::to_string),
        })
    };
    if path.is_file() {
        return match Format::of_named_file(path) {
            Some(format) => vec![(path.to_path_buf(), format)],
            None => {
                reject(
                    rejected,
                    "unknown file type (not one of the formats pyforge reads)".into(),
                    Some("run `pyforge formats` for the extensions pyforge reads"),
                );
                vec![]
            }
        };
    }
    let mut found: Vec<(PathBuf, Format)> = Vec::new();
    if path.is_dir() {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let candidate = entry.path();
                    if candidate.is_file() && !is_hidden(&candidate) {
                        if let Some(format) = Format::of(&candidate) {
                            found.push((candidate, format));
                        }
                    }
                }
            }
            Err(e) => {
                reject(rejected, format!("cannot list the directory: {e}"), None);
                return vec![];
            }
        }
        if found.is_empty() {
            reject(
                rejected,
                "the directory holds no file pyforge reads".into(),
                Some("run `pyforge formats` for the extensions pyforge reads"),
            );
        }
    } else if has_glob_chars(path) {
        match glob::glob(&path.to_string_lossy()) {
            Ok(paths) => {
                for candidate in paths.flatten() {
                    if candidate.is_file() {
                        if let Some(format) = Format::of(&candidate) {
                            found.push((candidate, format));
                        }
                    }
                }
                if found.is_empty() {
                    reject(
                        rejected,
                        "no file pyforge reads matches this pattern".into(),
                        None,
                    );
                }
            }
            Err(e) => reject(rejected, format!("bad pattern: {e}"), None),
        }
    } else if path.exists() {
        let problem = crate::files::input_file_problem(path).unwrap_or("not a regular file");
        reject(rejected, problem.into(), None);
    } else {
        reject(rejected, "no such file or directory".into(), None);
    }
    found.sort();
    found
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The output path for `input` in `dir` (pyforge-cli 1.0.9's names).
fn default_output(input: &Path, format: Format, text: bool, dir: &Path) -> PathBuf {
    let stem = match format.stem(input) {
        stem if stem.is_empty() => "output".to_string(),
        stem => stem,
    };
    let name = match (format.layout(), text) {
        (_, true) => format!("{stem}.txt"),
        (OutputLayout::File, false) => format!("{stem}.parquet"),
        (OutputLayout::Directory(_), false) => format!("{stem}_parquet"),
    };
    dir.join(name)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Builds the plan. Checks that concern the whole request are errors;
/// problems with one input become [`Rejected`] entries.
pub fn plan(request: &PlanRequest) -> Result<Plan, PlanError> {
    let (inputs, explicit_output) = split_output(&request.paths);
    if let [_, _, .., last] = inputs {
        let is_output = last
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("txt"));
        if is_output && !last.exists() {
            return Err(PlanError::OutputWithManyInputs(last.clone()));
        }
    }
    if explicit_output.is_some() && request.output_dir.is_some() {
        return Err(PlanError::OutputAndOutputDir);
    }
    if let Some(dir) = &request.output_dir {
        if dir.is_file() {
            return Err(PlanError::OutputDirIsFile(dir.clone()));
        }
    }
    let mut text_output = request.text_output;
    if let Some(output) = explicit_output {
        let extension = |name: &str| {
            output
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(name))
        };
        let (is_txt, is_parquet) = (extension("txt"), extension("parquet"));
        match text_output {
            Some(false) if is_txt => return Err(PlanError::ParquetIntoTxt(output.clone())),
            Some(true) if is_parquet => return Err(PlanError::TxtIntoParquet(output.clone())),
            None if is_txt => text_output = Some(true),
            // pyforge-cli 1.0.9 wrote a PDF's text into `out.parquet`.
            None if is_parquet => text_output = Some(false),
            _ => {}
        }
    }

    let mut plan = Plan::default();
    let mut files = Vec::new();
    for path in inputs {
        files.extend(expand(path, &mut plan.rejected));
    }

    let all_inputs: Vec<PathBuf> = files.iter().map(|(input, _)| input.clone()).collect();
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    for (input, format) in files {
        let text = text_output.unwrap_or(format.default_output_is_text());
        if text && !format.default_output_is_text() {
            return Err(PlanError::TextNotForFormat {
                format: format.name(),
            });
        }
        let output = match (explicit_output, &request.output_dir) {
            (Some(output), _) if output.is_dir() && format.layout() == OutputLayout::File => {
                default_output(&input, format, text, output)
            }
            (Some(output), _) => output.clone(),
            (None, Some(dir)) => default_output(&input, format, text, dir),
            (None, None) => default_output(
                &input,
                format,
                text,
                input.parent().unwrap_or(Path::new("")),
            ),
        };
        if same_file(&input, &output) {
            return Err(PlanError::OutputIsInput(output));
        }
        let key = normalize(&output);
        if let Some(first) = seen.get(&key) {
            if same_file(first, &input) {
                continue; // the same input named twice
            }
            return Err(PlanError::SharedOutput {
                first: first.clone(),
                second: input,
                output,
                in_output_dir: request.output_dir.is_some(),
            });
        }
        seen.insert(key, input.clone());
        let mut job = Job {
            input,
            format,
            output,
            text,
            replace: request.force,
        };
        if job.output.symlink_metadata().is_ok() {
            let freshness = manifest::freshness(&job.output, &job.input);
            if request.skip_existing && freshness == Freshness::UpToDate {
                plan.up_to_date.push(job);
                continue;
            }
            if let Err(refusal) =
                ownership::may_replace(&job.output, format.layout(), &job.input, &all_inputs)
            {
                plan.rejected.push(Rejected {
                    input: job.input,
                    reason: refusal.reason,
                    hint: Some(refusal.hint),
                });
                continue;
            }
            match (request.skip_existing, freshness) {
                (true, Freshness::Stale) => job.replace = true,
                _ if request.force => {}
                (skip, _) => {
                    plan.rejected.push(Rejected {
                        reason: format!("the output {} already exists", job.output.display()),
                        hint: Some(
                            if skip {
                                "it has no pyforge manifest, so --skip-existing leaves it alone; pass --force to replace it"
                            } else {
                                "pass --force to replace it"
                            }
                            .into(),
                        ),
                        input: job.input,
                    });
                    continue;
                }
            }
        }
        plan.jobs.push(job);
    }
    Ok(plan)
}

/// A path made comparable: absolute, with `.` and `..` resolved where the
/// parent exists, lower-cased nowhere (Linux file names are case-sensitive).
fn normalize(path: &Path) -> PathBuf {
    let parent = parent_dir(path);
    let parent = std::fs::canonicalize(&parent).unwrap_or(parent);
    match path.file_name() {
        Some(name) => parent.join(name),
        None => parent,
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    normalize(a) == normalize(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(paths: &[&Path]) -> PlanRequest {
        PlanRequest {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            output_dir: None,
            text_output: None,
            force: false,
            skip_existing: false,
        }
    }

    #[test]
    fn names_follow_pyforge_cli() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sales.csv");
        let xlsx = dir.path().join("book.xlsx");
        let pdf = dir.path().join("doc.pdf");
        for f in [&csv, &xlsx, &pdf] {
            std::fs::write(f, b"x").unwrap();
        }
        let plan = plan(&request(&[dir.path()])).unwrap();
        let outputs: Vec<_> = plan
            .jobs
            .iter()
            .map(|j| j.output.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(outputs, ["book_parquet", "doc.txt", "sales.parquet"]);
    }

    #[test]
    fn second_path_is_output_unless_it_is_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, b"x").unwrap();
        std::fs::write(&b, b"x").unwrap();
        let out = dir.path().join("out.parquet");
        let p = plan(&request(&[&a, &out])).unwrap();
        assert_eq!(p.jobs.len(), 1);
        assert_eq!(p.jobs[0].output, out);
        let p = plan(&request(&[&a, &b])).unwrap();
        assert_eq!(p.jobs.len(), 2);
    }

    #[test]
    fn shared_outputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("x")).unwrap();
        std::fs::create_dir(dir.path().join("y")).unwrap();
        let a = dir.path().join("x/data.csv");
        let b = dir.path().join("y/data.csv");
        std::fs::write(&a, b"x").unwrap();
        std::fs::write(&b, b"x").unwrap();
        let mut req = request(&[&a, &b]);
        req.output_dir = Some(dir.path().join("out"));
        assert!(matches!(plan(&req), Err(PlanError::SharedOutput { .. })));
    }

    #[test]
    fn text_output_only_for_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, b"x").unwrap();
        let mut req = request(&[&a]);
        req.text_output = Some(true);
        assert!(matches!(
            plan(&req),
            Err(PlanError::TextNotForFormat { .. })
        ));
        let txt = dir.path().join("a.txt");
        let req = request(&[&a, &txt]);
        assert!(matches!(
            plan(&req),
            Err(PlanError::TextNotForFormat { .. })
        ));
    }

    #[test]
    fn existing_output_is_rejected_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, b"x").unwrap();
        std::fs::write(dir.path().join("a.parquet"), b"old").unwrap();
        let p = plan(&request(&[&a])).unwrap();
        assert!(p.jobs.is_empty());
        assert_eq!(p.rejected.len(), 1);
        let mut req = request(&[&a]);
        req.force = true;
        assert_eq!(plan(&req).unwrap().jobs.len(), 1);
    }
}
