//! `pyforge env-info`: where pyforge runs (local, Databricks classic or
//! serverless), what it may do there, the effective settings and where each
//! came from; the Java found, the JAR set, the helper and the JVM options
//! Access files would use, and whether the helper really starts.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK};
use crate::cli::EnvInfoArgs;
use crate::databricks::environment::{self, Environment};
use crate::diagnostics;
use crate::jvm::helper::{Helper, HelperConfig};
use crate::jvm::jars::{AddOn, CheckState, JarCache, JarSet};
use crate::jvm::java::{self, Java};
use crate::jvm::setup;
use crate::jvm::{helper_jar, protocol};
use crate::settings::{self, Setting, Source};

/// `env-info --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "pyforge_version": "2.0.0-dev.1", "ok": true,
///   "java": { "path": "/usr/bin/java", "source": "path", "version": "17.0.15",
///             "major": 17, "vendor": "Debian", "home": "/usr/lib/jvm/..." },
///   "java_error": null,
///   "jar_set": { "name": "ucanaccess 4.0.4", "dir": "~/.pyforge/jars/ucanaccess-4.0.4-v1",
///                "installed": true, "verified": true, "problems": [] },
///   "add_ons": [ { "add_on": "encrypt", "name": "jackcess-encrypt 4.0.3", "dir": "...",
///                  "installed": false, "verified": false, "problems": [] } ],
///   "repository": { "url": "https://repo1.maven.org/maven2",
///                   "from": "default", "proxy": null },
///   "helper": { "sha256": "…", "protocol_version": 1, "started": true,
///               "java_version": "17.0.15", "jars": { "jackcess": "4.0.11" }, "error": null },
///   "jvm_options": ["-Xmx1024m", "..."] }
/// ```
#[derive(Serialize)]
struct Report {
    schema_version: u32,
    pyforge_version: &'static str,
    ok: bool,
    #[serde(flatten)]
    environment: Environment,
    java: Option<Java>,
    java_error: Option<String>,
    /// Whether an Access conversion can run here, and why not.
    access: AccessReport,
    jar_set: JarSetReport,
    /// Every add-on, installed or not; an installed one runs with the helper.
    add_ons: Vec<JarSetReport>,
    repository: RepositoryReport,
    helper: HelperReport,
    jvm_options: Vec<String>,
}

/// Whether an Access conversion can run here: `problem` says why not (then
/// `env-info --check` exits 1); `warning` names what the first conversion
/// will do first (install the JAR set).
#[derive(Serialize)]
struct AccessReport {
    ready: bool,
    problem: Option<String>,
    warning: Option<String>,
}

impl AccessReport {
    fn blocked(problem: String) -> AccessReport {
        AccessReport {
            ready: false,
            problem: Some(problem),
            warning: None,
        }
    }
}

/// The longest wait for the repository when the JAR set still has to come
/// from it.
const REPOSITORY_PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Why the JAR set could not be downloaded now, if it could not.
fn repository_problem(
    cache: &JarCache,
    settings: &crate::jvm::setup::JvmSettings,
) -> Option<String> {
    if settings.offline {
        return Some("--offline (PYFORGE_OFFLINE) forbids downloading it".into());
    }
    let repo = &settings.repo;
    cache
        .probe_repo(&repo.url, repo.proxy.as_ref(), REPOSITORY_PROBE_TIMEOUT)
        .err()
        .map(|e| format!("the repository cannot be reached ({e})"))
}

/// Whether an Access conversion can run with what `env-info` found.
fn access_verdict(
    java_problem: Option<&str>,
    jar_set: &JarSetReport,
    add_ons: &[JarSetReport],
    helper: &HelperReport,
    no_start: bool,
    repository_problem: impl FnOnce() -> Option<String>,
) -> AccessReport {
    if let Some(problem) = java_problem {
        return AccessReport::blocked(format!("no usable Java: {problem}"));
    }
    if jar_set.damaged > 0 {
        return AccessReport::blocked(format!(
            "the {} JAR set is damaged: {} (`pyforge jars install` replaces it)",
            jar_set.name,
            jar_set.problems.join("; ")
        ));
    }
    for add_on in add_ons {
        if add_on.damaged > 0 || add_on.is_partial() {
            return AccessReport::blocked(format!(
                "the {} add-on is incomplete or damaged: {} (`pyforge jars install --with {}` repairs it)",
                add_on.name,
                add_on.problems.join("; "),
                add_on.add_on.unwrap_or_default()
            ));
        }
    }
    if !jar_set.installed {
        return match repository_problem() {
            Some(why) => AccessReport::blocked(format!(
                "the {} JAR set is not installed and {why}",
                jar_set.name
            )),
            None => AccessReport {
                ready: true,
                problem: None,
                warning: Some(format!(
                    "the {} JAR set is not installed yet: the first Access conversion downloads it (or run `pyforge jars install`)",
                    jar_set.name
                )),
            },
        };
    }
    if !no_start && !helper.started {
        let why = helper.error.as_deref().unwrap_or("no reason given");
        return AccessReport::blocked(format!("the Java helper did not start: {why}"));
    }
    AccessReport {
        ready: true,
        problem: None,
        warning: None,
    }
}

/// Where a missing JAR set would be downloaded from, and why there.
#[derive(Serialize)]
struct RepositoryReport {
    url: String,
    /// `--repo`, `PYFORGE_MAVEN_REPO`, a mirror in a Maven settings file,
    /// or the default.
    from: String,
    /// The proxy Maven's settings name (its URL only, never credentials).
    proxy: Option<String>,
}

#[derive(Serialize)]
struct JarSetReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    add_on: Option<&'static str>,
    name: String,
    dir: Option<PathBuf>,
    installed: bool,
    verified: bool,
    problems: Vec<String>,
    /// How many files the set has, are missing, and are there with other bytes.
    #[serde(skip)]
    files: usize,
    #[serde(skip)]
    missing: usize,
    #[serde(skip)]
    damaged: usize,
}

impl JarSetReport {
    /// Some of its files are in the cache (an add-on the helper would run with).
    fn is_present(&self) -> bool {
        self.missing < self.files
    }

    /// Some, not all, of its files are in the cache.
    fn is_partial(&self) -> bool {
        self.is_present() && self.missing > 0
    }
}

#[derive(Serialize)]
struct HelperReport {
    sha256: &'static str,
    protocol_version: u32,
    started: bool,
    java_version: Option<String>,
    jars: std::collections::BTreeMap<String, Option<String>>,
    error: Option<String>,
}

pub fn run(args: &EnvInfoArgs) -> ExitCode {
    let overrides = super::jvm_overrides(&args.jvm);
    let environment = match environment::probe(&overrides) {
        Ok(environment) => environment,
        Err(message) => {
            return super::UsageError {
                message,
                hint: None,
            }
            .exit()
        }
    };
    let settings = settings::jvm_settings_from(&overrides, environment.settings.clone());
    let (java, java_error) = match java::find(
        settings.java.as_deref(),
        settings.java_probe_timeout(),
        java::Identify::Run,
    ) {
        Ok(java) => (Some(java), None),
        Err(e) => (None, Some(with_hint(&e.to_string(), e.hint()))),
    };
    let mut environment = environment;
    environment.capabilities.java = Some(environment::Check {
        ok: java.is_some(),
        error: java_error.clone(),
    });
    let cache = JarCache::ucanaccess(settings.jars_dir.as_deref());
    let (jar_set, mut classpath) = jar_set_report(&cache);
    let mut add_ons = Vec::new();
    if let Ok(cache) = &cache {
        for add_on in AddOn::ALL {
            let add_on_cache = cache.add_on(add_on);
            let (mut report, paths) = set_report(&add_on_cache);
            report.add_on = Some(add_on.name());
            // As the helper runs: with the add-on once any of its files is there.
            if report.is_present() {
                classpath.extend(paths);
            }
            add_ons.push(report);
        }
    }

    let mut helper = HelperReport {
        sha256: helper_jar::SHA256,
        protocol_version: protocol::PROTOCOL_VERSION,
        started: false,
        java_version: None,
        jars: Default::default(),
        error: None,
    };
    let mut jvm_options = Vec::new();
    if let (Some(java), Ok(cache)) = (&java, &cache) {
        match helper_jar::install(&setup::helper_dir(cache)) {
            Ok(jar) => {
                let mut path = vec![jar];
                path.extend(classpath);
                let config = settings.config_for(java, path);
                jvm_options =
                    config.jvm_options(&config.temp_dir.join(".pyforge-helper.<pid>-<n>.tmp"));
                if !args.no_start && jar_set.installed {
                    start_helper(&config, &mut helper);
                }
            }
            Err(e) => helper.error = Some(e.to_string()),
        }
    }

    let access = match &cache {
        Ok(cache) => access_verdict(
            java_error.as_deref().filter(|_| java.is_none()),
            &jar_set,
            &add_ons,
            &helper,
            args.no_start,
            || repository_problem(cache, &settings),
        ),
        Err(e) => AccessReport::blocked(format!("no JAR cache: {e}")),
    };
    let ok = access.ready;
    let report = Report {
        schema_version: 1,
        pyforge_version: env!("CARGO_PKG_VERSION"),
        ok,
        environment,
        java,
        java_error,
        access,
        jar_set,
        add_ons,
        repository: RepositoryReport {
            proxy: settings.repo.proxy.as_ref().map(|p| p.url.clone()),
            url: settings.repo.url.clone(),
            from: settings.repo.from.clone(),
        },
        helper,
        jvm_options,
    };
    if args.json {
        super::print_json(&report);
    } else {
        print_text(&report, args.no_start);
    }
    if !args.json {
        match (&report.access.problem, &report.access.warning) {
            (Some(problem), _) if args.check => diagnostics::error(None, problem, None),
            (Some(problem), _) => {
                eprintln!("warning: Access files cannot be converted here: {problem}")
            }
            (None, Some(warning)) => eprintln!("warning: {warning}"),
            (None, None) => {}
        }
    }
    ExitCode::from(if args.check && !ok {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

fn with_hint(message: &str, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message} ({hint})"),
        None => message.to_string(),
    }
}

fn jar_set_report(
    cache: &Result<JarCache, crate::jvm::jars::JarsError>,
) -> (JarSetReport, Vec<PathBuf>) {
    match cache {
        Ok(cache) => set_report(cache),
        Err(e) => (
            JarSetReport {
                add_on: None,
                name: JarSet::ucanaccess().title(),
                dir: None,
                installed: false,
                verified: false,
                problems: vec![e.to_string()],
                files: JarSet::ucanaccess().files.len(),
                missing: JarSet::ucanaccess().files.len(),
                damaged: 0,
            },
            vec![],
        ),
    }
}

/// One set's files checked against their pins, and its classpath.
fn set_report(cache: &JarCache) -> (JarSetReport, Vec<PathBuf>) {
    let checks = cache.verify();
    let problems: Vec<String> = checks
        .iter()
        .filter_map(|check| match &check.state {
            CheckState::Ok => None,
            CheckState::Missing => Some(format!("{} is missing", check.pin.file)),
            CheckState::Mismatch { sha256, .. } => Some(format!(
                "{} has SHA-256 {sha256}, expected {}",
                check.pin.file, check.pin.sha256
            )),
            CheckState::Unreadable(why) => {
                Some(format!("{} cannot be read: {why}", check.pin.file))
            }
        })
        .collect();
    let missing = checks
        .iter()
        .filter(|c| c.state == CheckState::Missing)
        .count();
    let damaged = checks.iter().filter(|c| c.state != CheckState::Ok).count() - missing;
    let classpath = checks.iter().map(|c| c.path.clone()).collect();
    (
        JarSetReport {
            add_on: None,
            name: cache.set().title(),
            dir: Some(cache.dir().to_path_buf()),
            installed: missing == 0,
            verified: problems.is_empty(),
            problems,
            files: checks.len(),
            missing,
            damaged,
        },
        classpath,
    )
}

/// Starts the helper, reads its hello, says goodbye.
fn start_helper(config: &HelperConfig, report: &mut HelperReport) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report.error = Some(e.to_string());
            return;
        }
    };
    runtime.block_on(async {
        match Helper::start(config).await {
            Ok(helper) => {
                report.started = true;
                report.java_version = helper.hello().java_version.clone();
                report.jars = helper
                    .hello()
                    .jars
                    .iter()
                    .map(|j| (j.name.clone(), j.version.clone()))
                    .collect();
                helper.finish().await;
            }
            Err(e) => report.error = Some(e.to_string()),
        }
    });
}

fn print_text(report: &Report, no_start: bool) {
    println!("pyforge:     {}", report.pyforge_version);
    match &report.access.problem {
        None => println!("access:      ready"),
        Some(problem) => println!("access:      not ready: {problem}"),
    }
    print_environment(&report.environment);
    match (&report.java, &report.java_error) {
        (Some(java), _) => {
            println!(
                "java:        {} (from {})",
                java.path.display(),
                serde_json::to_value(java.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            );
            println!(
                "             version {} (Java {}), vendor {}",
                java.version,
                java.major,
                java.vendor.as_deref().unwrap_or("unknown")
            );
        }
        (None, Some(error)) => println!("java:        not usable: {error}"),
        (None, None) => println!("java:        not found"),
    }
    let set = &report.jar_set;
    println!(
        "jar set:     {} in {}",
        set.name,
        set.dir
            .as_ref()
            .map_or("(no cache dir)".into(), |d| d.display().to_string())
    );
    println!(
        "             installed: {}, verified: {}",
        yes_no(set.installed),
        yes_no(set.verified)
    );
    for problem in &set.problems {
        println!("             problem: {problem}");
    }
    if !set.installed {
        println!(
            "             hint: run `pyforge jars install` (or `--from` a folder holding the set)"
        );
    }
    for add_on in &report.add_ons {
        let name = add_on.add_on.unwrap_or_default();
        if add_on.installed {
            println!(
                "add-on:      {} (`--with {name}`): installed, verified: {}",
                add_on.name,
                yes_no(add_on.verified)
            );
        } else if !add_on.is_present() {
            println!(
                "add-on:      {} (`--with {name}`): not installed (optional: `pyforge jars install --with {name}`)",
                add_on.name
            );
        } else {
            println!("add-on:      {} (`--with {name}`): incomplete", add_on.name);
        }
        if add_on.is_present() {
            for problem in &add_on.problems {
                println!("             problem: {problem}");
            }
        }
    }
    let repository = &report.repository;
    println!("repository:  {} ({})", repository.url, repository.from);
    if let Some(proxy) = &repository.proxy {
        println!("             through the proxy {proxy} (Maven's settings)");
    }
    let helper = &report.helper;
    println!(
        "helper:      pyforge-helper.jar sha256 {} (protocol {})",
        &helper.sha256[..16.min(helper.sha256.len())],
        helper.protocol_version
    );
    if helper.started {
        let jars: Vec<String> = helper
            .jars
            .iter()
            .map(|(name, version)| format!("{name} {}", version.as_deref().unwrap_or("?")))
            .collect();
        println!(
            "             started on Java {}: {}",
            helper.java_version.as_deref().unwrap_or("?"),
            jars.join(", ")
        );
    } else if let Some(error) = &helper.error {
        println!("             did not start: {error}");
    } else if !no_start {
        println!("             not started (Java or the JAR set is missing)");
    }
    if !report.jvm_options.is_empty() {
        println!(
            "jvm options: {}",
            report.jvm_options[..report.jvm_options.len() - 3].join(" ")
        );
    }
}

fn print_environment(env: &Environment) {
    let found = &env.platform;
    println!("platform:    {}", found.platform.describe());
    if let (Some(text), Some(source)) = (&found.version_text, &found.source) {
        println!("             {text} (from {source})");
    }
    for (name, value) in &found.hints {
        println!("             {name}={value}");
    }
    println!(
        "python3:     {}",
        env.python3.as_deref().unwrap_or("not found")
    );
    let caps = &env.capabilities;
    let volumes = &caps.volumes;
    println!(
        "volumes:     {} {}",
        volumes.root.display(),
        match (volumes.mounted, volumes.readable) {
            (true, true) => format!("readable ({} catalogs)", volumes.catalogs.len()),
            (true, false) => "mounted but not readable".to_string(),
            _ => "not mounted".to_string(),
        }
    );
    println!(
        "subprocess:  {}",
        match &caps.subprocesses.error {
            None => "allowed".to_string(),
            Some(e) => format!("not allowed: {e}"),
        }
    );
    let temp = &caps.temp_dir;
    println!(
        "temp dir:    {} {}{}",
        temp.path.display(),
        if temp.writable {
            "writable"
        } else {
            "NOT writable"
        },
        temp.free_bytes
            .map(|b| format!(", {} free", super::human_bytes(b)))
            .unwrap_or_default()
    );
    if let Some(e) = &temp.error {
        println!("             {e}");
    }
    let s = &env.settings;
    println!("settings:");
    println!(
        "  memory limit  {:<8} ({})",
        format!("{}m", s.memory_limit_mb.value),
        source(&s.memory_limit_mb)
    );
    println!(
        "  temp dir      {} ({})",
        s.temp_dir.value.display(),
        source(&s.temp_dir)
    );
    println!(
        "  timeout       {:<8} ({})",
        format!("{}s", s.timeout_secs.value),
        source(&s.timeout_secs)
    );
    println!(
        "  retries       {:<8} ({})",
        s.retries.value,
        source(&s.retries)
    );
}

fn source<T>(setting: &Setting<T>) -> &'static str {
    match setting.source {
        Source::Default => "default",
        Source::Environment => "environment default",
        Source::Variable => "variable",
        Source::Flag => "flag",
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}
