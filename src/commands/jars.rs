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
use crate::cli::{AddOnArg, JarsArgs, JarsCommand, JarsDirArgs, JarsInstallArgs, JarsReportArgs};
use crate::diagnostics;
use crate::jvm::jars::{
    AddOn, CheckState, InstallAction, InstallReport, JarCache, JarSet, JarsError,
};
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
///   "add_ons": ["jackcess-encrypt-4.0.3"],
///   "dir": "/home/me/.pyforge/jars/ucanaccess-4.0.4-v1",
///   "source": "https://...", "classpath": "...:...",
///   "files": [ { "file": "ucanaccess-4.0.4.jar", "path": "...", "action": "installed",
///                "bytes": 386670 } ] }
/// ```
/// `action` is `installed`, `replaced` (was there with the wrong bytes) or
/// `present` (already installed and verified). `files` lists the base set's
/// files, then those of each add-on asked for with `--with`. A failed install
/// has `"ok": false`, `"error"` and maybe `"hint"`, and no `files`.
#[derive(Serialize)]
struct InstallDoc {
    schema_version: u32,
    ok: bool,
    set: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    add_ons: Vec<String>,
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
    let mut add_ons: Vec<AddOn> = args.with.iter().map(|&a| add_on(a)).collect();
    add_ons.dedup();
    let mut doc = InstallDoc {
        schema_version: 1,
        ok: false,
        set: JarSet::ucanaccess().id(),
        add_ons: add_ons.iter().map(|a| a.set().id()).collect(),
        dir: None,
        source,
        classpath: None,
        files: Vec::new(),
        error: None,
        hint: None,
    };
    let fallback = (!args.offline).then_some((repo.url.as_str(), repo.proxy.as_ref()));
    let result = open_cache(&args.dir).and_then(|base| {
        doc.dir = Some(base.dir().to_path_buf());
        let sets = std::iter::once(base.clone()).chain(add_ons.iter().map(|&a| base.add_on(a)));
        let mut reports = Vec::new();
        for cache in sets {
            let bar = DownloadBar::new(show_progress(quiet || args.json), &cache);
            let result = match &args.from {
                Some(path) => cache.install_from_path(path, fallback, bar.progress()),
                None if args.offline => Err(JarsError::OfflineWithoutSource),
                None => cache.install_from_repo(&repo.url, repo.proxy.as_ref(), bar.progress()),
            };
            bar.finish();
            let report = result?;
            if !quiet && !args.json {
                eprintln!("{}", install_summary(&cache, &report, args.from.as_deref()));
            }
            reports.push(report);
        }
        let classpath = base.classpath_with_add_ons()?;
        Ok((reports, classpath))
    });
    match result {
        Ok((reports, classpath)) => {
            if args.json {
                doc.ok = true;
                doc.classpath = Some(classpath.to_string_lossy().into_owned());
                doc.files = reports
                    .iter()
                    .flat_map(|report| &report.files)
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

fn add_on(arg: AddOnArg) -> AddOn {
    match arg {
        AddOnArg::Encrypt => AddOn::Encrypt,
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
    let verb = match (from, report.downloaded.len()) {
        (None, _) => "downloaded".to_string(),
        (Some(_), 0) => "copied".to_string(),
        (Some(_), n) => format!("copied or downloaded: {n} not in the source"),
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
/// The add-ons installed (any of their files present) are checked too:
/// `add_ons` names them and `files` holds theirs after the base set's.
#[derive(Serialize)]
struct VerifyDoc {
    schema_version: u32,
    ok: bool,
    set: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    add_ons: Vec<String>,
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
    let base_checks = cache.verify();
    let base_missing = base_checks.iter().all(|c| c.state == CheckState::Missing);
    let add_ons = cache.present_add_ons();
    let mut checks = base_checks;
    for add_on in &add_ons {
        checks.extend(add_on.verify());
    }
    let ok = checks.iter().all(|c| c.state == CheckState::Ok);
    if args.json {
        super::print_json(&VerifyDoc {
            schema_version: 1,
            ok,
            set: cache.set().id(),
            add_ons: add_ons.iter().map(|a| a.set().id()).collect(),
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
    if base_missing {
        let error = JarsError::NotInstalled {
            set: cache.set(),
            dir: cache.dir().to_path_buf(),
            files: cache.set().files.iter().map(|p| p.file.clone()).collect(),
        };
        return fail(&error);
    }
    // The hint goes with the last bad file only, not with every one.
    let last_bad = checks.iter().rposition(|c| c.state != CheckState::Ok);
    for (index, check) in checks.iter().enumerate() {
        let repair = (Some(index) == last_bad).then_some(if add_ons.is_empty() {
            "run `pyforge jars install` to replace the missing or damaged files"
        } else {
            "run `pyforge jars install --with encrypt` to replace the missing or damaged files"
        });
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
///                "sha256": "..." } ],
///   "add_ons": [ { "add_on": "encrypt", "set": "jackcess-encrypt-4.0.3", "layout": 1,
///                  "dir": "...", "installed": false, "files": [ ... ] } ] }
/// ```
/// `installed` means every file is present with its pinned size; `verify`
/// checks the content. Every add-on is listed, installed or not.
#[derive(Serialize)]
struct StatusDoc {
    schema_version: u32,
    #[serde(flatten)]
    base: SetStatusDoc,
    add_ons: Vec<SetStatusDoc>,
}

#[derive(Serialize)]
struct SetStatusDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    add_on: Option<&'static str>,
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

fn set_status(cache: &JarCache, add_on: Option<AddOn>) -> SetStatusDoc {
    let files = cache.status();
    SetStatusDoc {
        add_on: add_on.map(AddOn::name),
        set: cache.set().id(),
        layout: cache.set().layout,
        dir: cache.dir().to_path_buf(),
        installed: files.iter().all(|f| f.looks_installed()),
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
    }
}

fn status(args: &JarsReportArgs) -> ExitCode {
    let cache = match open_cache(&args.dir) {
        Ok(cache) => cache,
        Err(error) => return fail(&error),
    };
    let base = set_status(&cache, None);
    let add_ons: Vec<SetStatusDoc> = AddOn::ALL
        .iter()
        .map(|&a| set_status(&cache.add_on(a), Some(a)))
        .collect();
    if args.json {
        super::print_json(&StatusDoc {
            schema_version: 1,
            base,
            add_ons,
        });
        return ExitCode::from(EXIT_OK);
    }
    print_set_status(&base);
    for add_on in &add_ons {
        println!();
        print_set_status(add_on);
    }
    ExitCode::from(EXIT_OK)
}

fn print_set_status(doc: &SetStatusDoc) {
    let complete = doc
        .files
        .iter()
        .filter(|f| f.bytes == Some(f.expected_bytes))
        .count();
    match doc.add_on {
        None => println!("set:    {} (layout {})", doc.set, doc.layout),
        Some(name) => println!(
            "add-on: {} (layout {}, `--with {name}`)",
            doc.set, doc.layout
        ),
    }
    println!("dir:    {}", doc.dir.display());
    let state = if doc.installed {
        "installed (run `pyforge jars verify` to check the content)".to_string()
    } else if complete == 0 && doc.add_on.is_some() {
        "not installed (optional)".to_string()
    } else {
        format!(
            "not installed ({complete} of {} files in place)",
            doc.files.len()
        )
    };
    println!("status: {state}");
    for f in &doc.files {
        let state = match f.bytes {
            None => "missing".to_string(),
            Some(size) if size == f.expected_bytes => format!("{size} bytes"),
            Some(size) => format!("{size} bytes, expected {}", f.expected_bytes),
        };
        println!("  {:<26} {:<48} {state}", f.file, f.coordinates);
    }
}

fn path(args: &JarsDirArgs) -> ExitCode {
    match open_cache(args).and_then(|cache| cache.classpath_with_add_ons()) {
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
