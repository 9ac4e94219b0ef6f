//! `pyforge jars install | verify | status | path`: the JAR set in the cache.
//!
//! The work is done by [`crate::jvm::jars`]; this layer chooses the cache,
//! draws the download bar (on a terminal only), and prints: `path` prints the
//! classpath alone on stdout; `verify` and `status` print their report on
//! stdout; `install` reports on stderr; `--json` documents go to stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::cli::{JarsArgs, JarsCommand, JarsDirArgs, JarsInstallArgs, JarsReportArgs};
use crate::diagnostics;
use crate::jvm::jars::{CheckState, InstallAction, InstallReport, JarCache, JarSet, JarsError};
use crate::progress::{Bar, NoProgress, Progress};

pub fn run(args: &JarsArgs, quiet: bool) -> ExitCode {
    match &args.command {
        JarsCommand::Install(args) => install(args, quiet),
        JarsCommand::Verify(args) => verify(args),
        JarsCommand::Status(args) => status(args),
        JarsCommand::Path(args) => path(args),
    }
}

fn open_cache(dir: &JarsDirArgs) -> Result<JarCache, JarsError> {
    JarCache::ucanaccess(dir.jars_dir.as_deref())
}

/// `error:` and `hint:` on stderr; exit 2 for usage errors, else 1.
fn fail(error: &JarsError) -> ExitCode {
    diagnostics::error(None, &error.to_string(), error.hint());
    ExitCode::from(if error.is_usage() {
        EXIT_USAGE
    } else {
        EXIT_FAILED
    })
}

/// `jars install --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "ok": true, "set": "ucanaccess-4.0.4",
///   "dir": "/home/me/.pyforge/jars/ucanaccess-4.0.4-v1",
///   "source": "https://...", "classpath": "...:...",
///   "files": [ { "file": "ucanaccess-4.0.4.jar", "path": "...", "action": "installed",
///                "bytes": 386670 } ] }
/// ```
/// `action` is `installed`, `replaced` (was there with the wrong bytes) or
/// `present` (already installed and verified). A failed install has
/// `"ok": false`, `"error"` and maybe `"hint"`, and no `files`.
#[derive(Serialize)]
struct InstallDoc {
    schema_version: u32,
    ok: bool,
    set: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    dir: Option<PathBuf>,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    classpath: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<InstallFileDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'static str>,
}

#[derive(Serialize)]
struct InstallFileDoc {
    file: String,
    path: PathBuf,
    action: InstallAction,
    bytes: u64,
}

fn install(args: &JarsInstallArgs, quiet: bool) -> ExitCode {
    let repo = crate::settings::maven::repository(args.repo.as_deref());
    let source = match &args.from {
        Some(path) => path.display().to_string(),
        None => repo.url.clone(),
    };
    let mut doc = InstallDoc {
        schema_version: 1,
        ok: false,
        set: JarSet::ucanaccess().id(),
        dir: None,
        source,
        classpath: None,
        files: Vec::new(),
        error: None,
        hint: None,
    };
    let result = open_cache(&args.dir).and_then(|cache| {
        doc.dir = Some(cache.dir().to_path_buf());
        let bar = DownloadBar::new(show_progress(quiet || args.json), &cache);
        let result = match &args.from {
            Some(path) => cache.install_from_path(path, bar.progress()),
            None => cache.install_from_repo(&repo.url, repo.proxy.as_ref(), bar.progress()),
        };
        bar.finish();
        let report = result?;
        let classpath = cache.classpath()?;
        Ok((cache, report, classpath))
    });
    match result {
        Ok((cache, report, classpath)) => {
            if !quiet && !args.json {
                eprintln!("{}", install_summary(&cache, &report, args.from.as_deref()));
            }
            if args.json {
                doc.ok = true;
                doc.classpath = Some(classpath.to_string_lossy().into_owned());
                doc.files = report
                    .files
                    .iter()
                    .map(|f| InstallFileDoc {
                        file: f.pin.file.clone(),
                        path: f.path.clone(),
                        action: f.action,
                        bytes: f.pin.size,
                    })
                    .collect();
                super::print_json(&doc);
            }
            ExitCode::from(EXIT_OK)
        }
        Err(error) => {
            if args.json {
                doc.error = Some(error.to_string());
                doc.hint = error.hint();
                super::print_json(&doc);
            }
            fail(&error)
        }
    }
}

fn install_summary(cache: &JarCache, report: &InstallReport, from: Option<&Path>) -> String {
    let set = cache.set().title();
    let written = report
        .files
        .iter()
        .filter(|f| f.action != InstallAction::Present)
        .count();
    if written == 0 {
        return format!(
            "the {set} JAR set is already installed in {}",
            cache.dir().display()
        );
    }
    let verb = if from.is_some() {
        "copied"
    } else {
        "downloaded"
    };
    let kept = report.files.len() - written;
    let kept = if kept > 0 {
        format!(", {kept} already present")
    } else {
        String::new()
    };
    format!(
        "installed the {set} JAR set in {} ({written} {} {verb}, {}{kept})",
        cache.dir().display(),
        if written == 1 { "file" } else { "files" },
        super::human_bytes(report.bytes_written()),
    )
}

/// `jars verify --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "ok": false, "set": "ucanaccess-4.0.4", "dir": "...",
///   "files": [ { "file": "hsqldb-2.5.0.jar", "path": "...", "status": "mismatch",
///                "expected_sha256": "...", "expected_bytes": 1570408,
///                "actual_sha256": "...", "actual_bytes": 1570408 } ] }
/// ```
/// `status` is `ok`, `missing`, `mismatch` or `unreadable` (with `error`).
#[derive(Serialize)]
struct VerifyDoc {
    schema_version: u32,
    ok: bool,
    set: String,
    dir: PathBuf,
    files: Vec<VerifyFileDoc>,
}

#[derive(Serialize)]
struct VerifyFileDoc {
    file: String,
    path: PathBuf,
    status: &'static str,
    expected_sha256: String,
    expected_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn verify(args: &JarsReportArgs) -> ExitCode {
    let cache = match open_cache(&args.dir) {
        Ok(cache) => cache,
        Err(error) => return fail(&error),
    };
    let checks = cache.verify();
    let ok = checks.iter().all(|c| c.state == CheckState::Ok);
    if args.json {
        super::print_json(&VerifyDoc {
            schema_version: 1,
            ok,
            set: cache.set().id(),
            dir: cache.dir().to_path_buf(),
            files: checks
                .iter()
                .map(|c| {
                    let (status, actual_sha256, actual_bytes, error) = match &c.state {
                        CheckState::Ok => {
                            ("ok", Some(c.pin.sha256.clone()), Some(c.pin.size), None)
                        }
                        CheckState::Missing => ("missing", None, None, None),
                        CheckState::Mismatch { sha256, size } => {
                            ("mismatch", Some(sha256.clone()), Some(*size), None)
                        }
                        CheckState::Unreadable(e) => ("unreadable", None, None, Some(e.clone())),
                    };
                    VerifyFileDoc {
                        file: c.pin.file.clone(),
                        path: c.path.clone(),
                        status,
                        expected_sha256: c.pin.sha256.clone(),
                        expected_bytes: c.pin.size,
                        actual_sha256,
                        actual_bytes,
                        error,
                    }
                })
                .collect(),
        });
    }
    if checks.iter().all(|c| c.state == CheckState::Missing) {
        let error = JarsError::NotInstalled {
            set: cache.set(),
            dir: cache.dir().to_path_buf(),
            files: checks.iter().map(|c| c.pin.file.clone()).collect(),
        };
        return fail(&error);
    }
    // The hint goes with the last bad file only, not with every one.
    let last_bad = checks.iter().rposition(|c| c.state != CheckState::Ok);
    for (index, check) in checks.iter().enumerate() {
        let repair = (Some(index) == last_bad)
            .then_some("run `pyforge jars install` to replace the missing or damaged files");
        match &check.state {
            CheckState::Ok if !args.json => println!("ok: {}", check.path.display()),
            CheckState::Ok => {}
            CheckState::Missing => diagnostics::error(Some(&check.path), "missing", repair),
            CheckState::Mismatch { sha256, size } => diagnostics::error(
                Some(&check.path),
                &format!(
                    "checksum mismatch: expected sha256 {} ({} bytes), got sha256 {sha256} ({size} bytes)",
                    check.pin.sha256, check.pin.size
                ),
                repair,
            ),
            CheckState::Unreadable(e) => diagnostics::error(Some(&check.path), e, None),
        }
    }
    if ok {
        ExitCode::from(EXIT_OK)
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

/// `jars status --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "set": "ucanaccess-4.0.4", "layout": 1, "dir": "...",
///   "installed": true,
///   "files": [ { "file": "ucanaccess-4.0.4.jar",
///                "coordinates": "net.sf.ucanaccess:ucanaccess:4.0.4", "path": "...",
///                "present": true, "bytes": 386670, "expected_bytes": 386670,
///                "sha256": "..." } ] }
/// ```
/// `installed` means every file is present with its pinned size; `verify`
/// checks the content.
#[derive(Serialize)]
struct StatusDoc {
    schema_version: u32,
    set: String,
    layout: u32,
    dir: PathBuf,
    installed: bool,
    files: Vec<StatusFileDoc>,
}

#[derive(Serialize)]
struct StatusFileDoc {
    file: String,
    coordinates: String,
    path: PathBuf,
    present: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    expected_bytes: u64,
    sha256: String,
}

fn status(args: &JarsReportArgs) -> ExitCode {
    let cache = match open_cache(&args.dir) {
        Ok(cache) => cache,
        Err(error) => return fail(&error),
    };
    let files = cache.status();
    let installed = files.iter().all(|f| f.looks_installed());
    if args.json {
        super::print_json(&StatusDoc {
            schema_version: 1,
            set: cache.set().id(),
            layout: cache.set().layout,
            dir: cache.dir().to_path_buf(),
            installed,
            files: files
                .iter()
                .map(|f| StatusFileDoc {
                    file: f.pin.file.clone(),
                    coordinates: f.pin.coordinates(),
                    path: f.path.clone(),
                    present: f.size.is_some(),
                    bytes: f.size,
                    expected_bytes: f.pin.size,
                    sha256: f.pin.sha256.clone(),
                })
                .collect(),
        });
        return ExitCode::from(EXIT_OK);
    }
    let set = cache.set();
    let complete = files.iter().filter(|f| f.looks_installed()).count();
    println!("set:    {} (layout {})", set.title(), set.layout);
    println!("dir:    {}", cache.dir().display());
    println!(
        "status: {}",
        if installed {
            "installed (run `pyforge jars verify` to check the content)".to_string()
        } else {
            format!(
                "not installed ({complete} of {} files in place)",
                files.len()
            )
        }
    );
    for f in &files {
        let state = match f.size {
            None => "missing".to_string(),
            Some(size) if size == f.pin.size => format!("{size} bytes"),
            Some(size) => format!("{size} bytes, expected {}", f.pin.size),
        };
        println!("  {:<26} {:<48} {state}", f.pin.file, f.pin.coordinates());
    }
    ExitCode::from(EXIT_OK)
}

fn path(args: &JarsDirArgs) -> ExitCode {
    match open_cache(args).and_then(|cache| cache.classpath()) {
        Ok(classpath) => {
            println!("{}", classpath.to_string_lossy());
            ExitCode::from(EXIT_OK)
        }
        Err(error) => fail(&error),
    }
}

/// Bars only for a person watching a terminal.
fn show_progress(quiet: bool) -> bool {
    !quiet && crate::settings::variables::progress_allowed() && std::io::stderr().is_terminal()
}

/// One byte-counting bar for the whole set, or nothing.
struct DownloadBar {
    bar: Option<(indicatif::MultiProgress, Arc<Bar>)>,
}

impl DownloadBar {
    fn new(enabled: bool, cache: &JarCache) -> DownloadBar {
        DownloadBar {
            bar: enabled.then(|| {
                let multi = indicatif::MultiProgress::new();
                let bar = Arc::new(Bar::new(&multi, cache.set().id()));
                (multi, bar)
            }),
        }
    }

    fn progress(&self) -> &dyn Progress {
        match &self.bar {
            Some((_, bar)) => bar.as_ref(),
            None => &NoProgress,
        }
    }

    fn finish(&self) {
        if let Some((_, bar)) = &self.bar {
            bar.finish();
        }
    }
}
