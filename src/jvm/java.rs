//! Finding Java and reading its version.
//!
//! Places looked, in order: `--java PATH`, `PYFORGE_JAVA`, `$JAVA_HOME/bin/java`,
//! then `java` on `PATH`. The first that exists is identified by the
//! `release` file of its home (`JAVA_VERSION`, `IMPLEMENTOR`), which every
//! JDK and JRE of Java 9 and later and most builds of Java 8 ship: a
//! conversion starts no JVM of its own before the helper's. Without one, or
//! when asked to ([`Identify::Run`], `env-info`), it is run once with
//! `-XshowSettings:properties -version`, in a process group of its own,
//! killed whole if it does not answer in time (or if pyforge is interrupted
//! meanwhile).
//! Java 8 is the floor (the helper is Java 8 bytecode); Databricks runs 8, 17 or 21.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cleanup;
use crate::env_vars;

/// The oldest Java the helper runs on.
pub const MIN_JAVA_MAJOR: u32 = 8;

/// How a Java was found, shown by `env-info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JavaSource {
    /// `--java PATH`.
    Flag,
    /// The `PYFORGE_JAVA` variable.
    Variable,
    /// `$JAVA_HOME/bin/java`.
    JavaHome,
    /// `java` on `PATH`.
    Path,
}

/// A Java runtime that answered.
#[derive(Debug, Clone, Serialize)]
pub struct Java {
    pub path: PathBuf,
    pub source: JavaSource,
    /// The version string as Java prints it (`1.8.0_392`, `17.0.15`, `25-ea`).
    pub version: String,
    /// The feature release: 8 for `1.8.0_392`, 17 for `17.0.15`.
    pub major: u32,
    pub vendor: Option<String>,
    pub home: Option<PathBuf>,
}

/// Why no usable Java was found.
#[derive(Debug, thiserror::Error)]
pub enum JavaError {
    #[error("no Java found; looked at: {}", .looked.join("; "))]
    NotFound { looked: Vec<String> },
    #[error("{} does not run: {reason}", .path.display())]
    NotRunnable { path: PathBuf, reason: String },
    #[error("{} is Java {version}; pyforge needs Java {MIN_JAVA_MAJOR} or newer", .path.display())]
    TooOld { path: PathBuf, version: String },
}

impl JavaError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            JavaError::NotFound { .. } => Some(
                "install a JDK or JRE 8+ (on Debian: apt-get install default-jre-headless), \
                 or point --java, PYFORGE_JAVA or JAVA_HOME at one",
            ),
            JavaError::TooOld { .. } => {
                Some("point --java, PYFORGE_JAVA or JAVA_HOME at Java 8 or newer")
            }
            JavaError::NotRunnable { .. } => None,
        }
    }
}

/// How a Java that was found is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identify {
    /// Run it: what the Java says of itself (`env-info`).
    Run,
    /// Read its home's `release` file, and run it only when that names no
    /// version (a conversion: one JVM start less).
    ReleaseFile,
}

/// Finds Java; `flag` is `--java`; `limit` bounds the wait for its version.
/// A path given with `--java` or `PYFORGE_JAVA` must work: pyforge never
/// falls back to another Java behind the user's back.
pub fn find(flag: Option<&Path>, limit: Duration, identify: Identify) -> Result<Java, JavaError> {
    let mut looked = Vec::new();
    for (candidate, source, label) in candidates(flag) {
        match candidate {
            Some(path) if path.is_dir() => {
                return Err(JavaError::NotRunnable {
                    path,
                    reason: "it is a directory, not the java program (…/bin/java)".into(),
                })
            }
            Some(path) if path.is_file() => {
                if identify == Identify::ReleaseFile {
                    if let Some(found) = from_release_file(&path, source) {
                        return found;
                    }
                }
                return probe(&path, source, limit);
            }
            Some(path) => {
                looked.push(format!("{label} ({}: not found)", path.display()));
                if matches!(source, JavaSource::Flag | JavaSource::Variable) {
                    break;
                }
            }
            None => looked.push(format!("{label} (not set)")),
        }
    }
    Err(JavaError::NotFound { looked })
}

type Candidate = (Option<PathBuf>, JavaSource, &'static str);

fn candidates(flag: Option<&Path>) -> Vec<Candidate> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    vec![
        (flag.map(Path::to_path_buf), JavaSource::Flag, "--java"),
        (
            from_env(env_vars::PYFORGE_JAVA),
            JavaSource::Variable,
            env_vars::PYFORGE_JAVA,
        ),
        (
            from_env("JAVA_HOME").map(|home| home.join("bin").join("java")),
            JavaSource::JavaHome,
            "$JAVA_HOME/bin/java",
        ),
        (which::which("java").ok(), JavaSource::Path, "java on PATH"),
    ]
}

/// Runs `java -XshowSettings:properties -version` (for `limit` at most)
/// and reads what it says.
pub fn probe(path: &Path, source: JavaSource, limit: Duration) -> Result<Java, JavaError> {
    let not_runnable = |reason: String| JavaError::NotRunnable {
        path: path.to_path_buf(),
        reason,
    };
    let (status, stderr) = run_bounded(
        Command::new(path).args(["-XshowSettings:properties", "-version"]),
        limit,
    )
    .map_err(|e| not_runnable(e.to_string()))?;
    let text = String::from_utf8_lossy(&stderr);
    let Some(status) = status else {
        return Err(not_runnable(format!(
            "`java -version` did not answer within {}s",
            limit.as_secs_f64()
        )));
    };
    let version = property(&text, "java.version")
        .or_else(|| quoted_version(&text))
        .ok_or_else(|| {
            not_runnable(format!(
                "it printed no Java version ({})",
                describe_status(status)
            ))
        })?;
    let major = major_version(&version).ok_or_else(|| JavaError::NotRunnable {
        path: path.to_path_buf(),
        reason: format!("unreadable Java version `{version}`"),
    })?;
    if major < MIN_JAVA_MAJOR {
        return Err(JavaError::TooOld {
            path: path.to_path_buf(),
            version,
        });
    }
    Ok(Java {
        path: path.to_path_buf(),
        source,
        major,
        vendor: property(&text, "java.vendor"),
        home: property(&text, "java.home").map(PathBuf::from),
        version,
    })
}

/// Java at `path` as its home's `release` file describes it; `None` when
/// there is no such file or it names no version. The home is the folder
/// above the real `bin/java`; Java 8's `jre/bin/java` finds the JDK's file.
fn from_release_file(path: &Path, source: JavaSource) -> Option<Result<Java, JavaError>> {
    let home = std::fs::canonicalize(path)
        .ok()?
        .parent()?
        .parent()?
        .to_path_buf();
    let mut places = vec![home.join("release")];
    if home.file_name().is_some_and(|name| name == "jre") {
        places.extend(home.parent().map(|jdk| jdk.join("release")));
    }
    let text = places
        .iter()
        .find_map(|place| std::fs::read_to_string(place).ok())?;
    let version = release_value(&text, "JAVA_VERSION")?;
    let major = major_version(&version)?;
    if major < MIN_JAVA_MAJOR {
        return Some(Err(JavaError::TooOld {
            path: path.to_path_buf(),
            version,
        }));
    }
    Some(Ok(Java {
        path: path.to_path_buf(),
        source,
        major,
        vendor: release_value(&text, "IMPLEMENTOR"),
        home: Some(home),
        version,
    }))
}

/// `NAME="value"` of a `release` file.
fn release_value(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        let value = value.trim().trim_matches('"');
        (key.trim() == name && !value.is_empty()).then(|| value.to_string())
    })
}

/// Runs `command` in a process group of its own with no stdin and returns
/// its exit status and stderr; `None` for the status when it was still
/// running after `limit` and was killed, with everything it started.
fn run_bounded(
    command: &mut Command,
    limit: Duration,
) -> std::io::Result<(Option<ExitStatus>, Vec<u8>)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let pgid = child.id();
    cleanup::register_group(pgid);
    let mut pipe = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait()? {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                cleanup::kill_group(pgid);
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    // Whatever the program left running in its group goes with it.
    cleanup::kill_group(pgid);
    cleanup::unregister_group(pgid);
    let stderr = reader.join().unwrap_or_default();
    Ok((status, stderr))
}

/// `exit code 1`, or `killed by signal 9`.
fn describe_status(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => status.to_string(),
    }
}

/// `    name = value` from `-XshowSettings:properties`.
fn property(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.trim().split_once(" = ")?;
        (key == name).then(|| value.trim().to_string())
    })
}

/// The quoted version of the first line: `openjdk version "17.0.15" 2025-04-15`.
fn quoted_version(text: &str) -> Option<String> {
    let line = text.lines().find(|l| l.contains(" version \""))?;
    let start = line.find('"')? + 1;
    let end = start + line[start..].find('"')?;
    Some(line[start..end].to_string())
}

/// The feature release of a version string: `1.8.0_392` → 8, `11.0.2` → 11,
/// `21` → 21, `25-ea` → 25.
pub fn major_version(version: &str) -> Option<u32> {
    let leading = |s: &str| -> Option<u32> {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    match version.strip_prefix("1.") {
        Some(rest) => leading(rest),
        None => leading(version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Java home holding `release` (when given) and `bin_dir/java`.
    fn java_home(release: Option<&str>, bin_dir: &str) -> (tempfile::TempDir, PathBuf) {
        let home = tempfile::tempdir().unwrap();
        if let Some(text) = release {
            std::fs::write(home.path().join("release"), text).unwrap();
        }
        let bin = home.path().join(bin_dir);
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("java"), "").unwrap();
        (home, bin.join("java"))
    }

    #[test]
    fn the_release_file_names_version_vendor_and_home() {
        let (home, java) = java_home(
            Some("IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.5\"\n"),
            "bin",
        );
        let found = from_release_file(&java, JavaSource::JavaHome)
            .expect("a release file")
            .expect("new enough");
        assert_eq!((found.version.as_str(), found.major), ("21.0.5", 21));
        assert_eq!(found.vendor.as_deref(), Some("Eclipse Adoptium"));
        assert_eq!(found.home, Some(home.path().canonicalize().unwrap()));
        assert_eq!(found.path, java);
    }

    #[test]
    fn java_8_s_jre_finds_the_jdk_s_release_file_and_older_is_refused() {
        let (_home, java) = java_home(Some("JAVA_VERSION=\"1.8.0_392\"\n"), "jre/bin");
        let found = from_release_file(&java, JavaSource::Path).unwrap().unwrap();
        assert_eq!(found.major, 8);
        assert!(found.home.unwrap().ends_with("jre"));

        let (_home, java) = java_home(Some("JAVA_VERSION=\"1.7.0_80\"\n"), "bin");
        assert!(matches!(
            from_release_file(&java, JavaSource::Path),
            Some(Err(JavaError::TooOld { .. }))
        ));
    }

    #[test]
    fn without_a_release_file_or_a_version_in_it_java_is_run() {
        let (_home, java) = java_home(None, "bin");
        assert!(from_release_file(&java, JavaSource::Path).is_none());
        let (_home, java) = java_home(Some("IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"\"\n"), "bin");
        assert!(from_release_file(&java, JavaSource::Path).is_none());
    }

    #[test]
    fn major_versions_of_every_form() {
        assert_eq!(major_version("1.8.0_392"), Some(8));
        assert_eq!(major_version("11.0.2"), Some(11));
        assert_eq!(major_version("17.0.15"), Some(17));
        assert_eq!(major_version("21"), Some(21));
        assert_eq!(major_version("25-ea"), Some(25));
        assert_eq!(major_version("1.7.0_80"), Some(7));
        assert_eq!(major_version("abc"), None);
    }

    #[test]
    fn reads_the_settings_output() {
        let text = "Property settings:\n    java.home = /opt/jdk\n    java.vendor = Azul Systems, Inc.\n    java.version = 1.8.0_392\n\nopenjdk version \"1.8.0_392\"\n";
        assert_eq!(property(text, "java.version").as_deref(), Some("1.8.0_392"));
        assert_eq!(
            property(text, "java.vendor").as_deref(),
            Some("Azul Systems, Inc.")
        );
        assert_eq!(
            quoted_version("openjdk version \"25-ea\" 2025-09-16").as_deref(),
            Some("25-ea")
        );
    }

    #[test]
    fn the_java_on_this_machine_answers() {
        // Every machine that builds pyforge has a JDK (build.rs compiles the helper).
        let java = find(None, Duration::from_secs(60), Identify::Run).expect("a Java is installed");
        assert!(java.major >= MIN_JAVA_MAJOR, "{java:?}");
        // Its release file, where it has one, says what the running Java says.
        let read = find(None, Duration::from_secs(60), Identify::ReleaseFile).expect("found");
        assert_eq!((read.version, read.major), (java.version, java.major));
    }

    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("java");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn is_running(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| {
                let state = stat.rsplit(')').next().unwrap_or("").trim_start();
                !state.starts_with('Z')
            })
            .unwrap_or(false)
    }

    #[test]
    fn a_java_that_hangs_is_killed_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let java = script(
            dir.path(),
            &format!(
                "echo junk >&2\nsleep 300 &\necho $! > '{}'\nwait",
                pid_file.display()
            ),
        );
        let started = Instant::now();
        let error = probe(&java, JavaSource::Flag, Duration::from_millis(500)).unwrap_err();
        assert!(
            error.to_string().contains("did not answer within"),
            "{error}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the limit held"
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        // The signal is sent; on a busy machine the child takes a moment to go.
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_running(pid.trim()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!is_running(pid.trim()), "the script's child was killed too");
    }

    #[test]
    fn junk_and_directories_are_named_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let java = script(dir.path(), "echo junk >&2\nexit 1");
        let error = probe(&java, JavaSource::Flag, Duration::from_secs(10)).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("it printed no Java version (exit code 1)"),
            "{error}"
        );
        let error = find(Some(dir.path()), Duration::from_secs(10), Identify::Run).unwrap_err();
        assert!(error.to_string().contains("is a directory"), "{error}");
    }

    #[test]
    fn a_missing_flag_path_is_listed() {
        let missing = Path::new("/nonexistent/bin/java");
        let looked = candidates(Some(missing));
        assert_eq!(looked[0].0.as_deref(), Some(missing));
    }
}
