//! Finding Java and reading its version.
//!
//! Places looked, in order: `--java PATH`, `PYFORGE_JAVA`, `$JAVA_HOME/bin/java`,
//! then `java` on `PATH`. The first that exists is run once with
//! `-XshowSettings:properties -version` to read its version, vendor and home.
//! Java 8 is the floor (the helper is Java 8 bytecode); Databricks runs 8, 17 or 21.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

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

/// Finds Java; `flag` is `--java`.
/// A path given with `--java` or `PYFORGE_JAVA` must work: pyforge never
/// falls back to another Java behind the user's back.
pub fn find(flag: Option<&Path>) -> Result<Java, JavaError> {
    let mut looked = Vec::new();
    for (candidate, source, label) in candidates(flag) {
        match candidate {
            Some(path) if path.is_file() => return probe(&path, source),
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

/// Runs `java -XshowSettings:properties -version` and reads what it says.
pub fn probe(path: &Path, source: JavaSource) -> Result<Java, JavaError> {
    let output = Command::new(path)
        .args(["-XshowSettings:properties", "-version"])
        .output()
        .map_err(|e| JavaError::NotRunnable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&output.stderr);
    let version = property(&text, "java.version")
        .or_else(|| quoted_version(&text))
        .ok_or_else(|| JavaError::NotRunnable {
            path: path.to_path_buf(),
            reason: format!("it printed no Java version (exit status {})", output.status),
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
        let java = find(None).expect("a Java is installed");
        assert!(java.major >= MIN_JAVA_MAJOR, "{java:?}");
    }

    #[test]
    fn a_missing_flag_path_is_listed() {
        let missing = Path::new("/nonexistent/bin/java");
        let looked = candidates(Some(missing));
        assert_eq!(looked[0].0.as_deref(), Some(missing));
    }
}
