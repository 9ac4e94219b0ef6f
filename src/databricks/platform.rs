//! Where pyforge runs: a machine of its own, or Databricks (classic compute
//! with its runtime version, or serverless with its environment version).
//!
//! Read from `DATABRICKS_RUNTIME_VERSION` (`client.<env>[.<minor>]` on
//! serverless, `<major>.<minor>` on classic), else `/databricks/DBR_VERSION`,
//! and the hints `IS_SERVERLESS`, `SPARK_CONNECT_MODE_ENABLED`,
//! `DB_INSTANCE_TYPE` and `POD_NAME`. `client.14.3.x-scala2.12` has been seen
//! too: a number of 10 or more after `client.` is a runtime, never a
//! serverless environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::env_vars;

/// The variable Databricks sets on every cluster and serverless session.
pub const RUNTIME_VERSION_VAR: &str = "DATABRICKS_RUNTIME_VERSION";
/// Where the runtime version is written when the variable is missing.
pub const DBR_VERSION_FILE: &str = "/databricks/DBR_VERSION";
/// Variables that hint at Databricks without naming a version.
pub const HINT_VARS: [&str; 4] = [
    "IS_SERVERLESS",
    "SPARK_CONNECT_MODE_ENABLED",
    "DB_INSTANCE_TYPE",
    "POD_NAME",
];

/// The kind of machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Platform {
    /// Not Databricks (a laptop, a CI runner, a VM).
    Local,
    /// Databricks classic compute; `runtime` as `15.4` when known.
    Classic { runtime: Option<String> },
    /// Databricks serverless; `environment` 1, 2, ... when known.
    Serverless { environment: Option<u32> },
}

impl Platform {
    /// One line for people: `local`, `Databricks classic, runtime 15.4`, ...
    pub fn describe(&self) -> String {
        match self {
            Platform::Local => "local (not Databricks)".into(),
            Platform::Classic { runtime: Some(r) } => format!("Databricks classic, runtime {r}"),
            Platform::Classic { runtime: None } => "Databricks classic, runtime unknown".into(),
            Platform::Serverless {
                environment: Some(e),
            } => format!("Databricks serverless, environment {e}"),
            Platform::Serverless { environment: None } => {
                "Databricks serverless, environment unknown".into()
            }
        }
    }
}

/// What was found, and from where.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    pub platform: Platform,
    /// The version text the platform was read from, as found.
    pub version_text: Option<String>,
    /// `DATABRICKS_RUNTIME_VERSION`, the `DBR_VERSION` file, a hint, or nothing.
    pub source: Option<String>,
    /// The hint variables that are set, with their values.
    pub hints: BTreeMap<String, String>,
}

/// Detects the platform of this process.
pub fn detect() -> Detection {
    let file = std::env::var_os(env_vars::PYFORGE_DBR_VERSION_FILE)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DBR_VERSION_FILE));
    detect_from(&|name| std::env::var(name).ok(), &file)
}

/// Detects the platform from `var` (an environment) and the `DBR_VERSION`
/// file at `dbr_version_file`.
pub fn detect_from(var: &dyn Fn(&str) -> Option<String>, dbr_version_file: &Path) -> Detection {
    let hints: BTreeMap<String, String> = HINT_VARS
        .iter()
        .filter_map(|name| var(name).map(|v| (name.to_string(), v)))
        .collect();
    let serverless_hint = hints
        .get("IS_SERVERLESS")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let found = var(RUNTIME_VERSION_VAR)
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v, RUNTIME_VERSION_VAR.to_string()))
        .or_else(|| {
            std::fs::read_to_string(dbr_version_file)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, dbr_version_file.display().to_string()))
        });
    let Some((text, source)) = found else {
        // No version anywhere: `IS_SERVERLESS` says serverless, an instance
        // type says classic compute; the other hints prove nothing alone.
        let (platform, source) = if serverless_hint {
            (
                Platform::Serverless { environment: None },
                Some("IS_SERVERLESS"),
            )
        } else if hints.contains_key("DB_INSTANCE_TYPE") {
            (
                Platform::Classic { runtime: None },
                Some("DB_INSTANCE_TYPE"),
            )
        } else {
            (Platform::Local, None)
        };
        let source = source.map(str::to_string);
        return Detection {
            platform,
            version_text: None,
            source,
            hints,
        };
    };
    let text = text.trim().to_string();
    Detection {
        platform: parse_version(&text, serverless_hint),
        version_text: Some(text),
        source: Some(source),
        hints,
    }
}

/// Reads a runtime version text.
fn parse_version(text: &str, serverless_hint: bool) -> Platform {
    if let Some(rest) = text.strip_prefix("client.") {
        let major = leading_number(rest);
        return match major {
            Some(n) if n < 10 => Platform::Serverless {
                environment: Some(n),
            },
            // `client.14.3.x-scala2.12`: a runtime version, not environment 14.
            _ if serverless_hint => Platform::Serverless { environment: None },
            _ => Platform::Classic {
                runtime: runtime_of(rest),
            },
        };
    }
    Platform::Classic {
        runtime: runtime_of(text),
    }
}

/// `15.4`, `15.4.x-scala2.12`, `14.3.x-cpu-ml-scala2.12` → `15.4`, `14.3`.
fn runtime_of(text: &str) -> Option<String> {
    let mut parts = text.split('.');
    let major = parts.next().filter(|p| is_number(p))?;
    match parts.next().filter(|p| is_number(p)) {
        Some(minor) => Some(format!("{major}.{minor}")),
        None => Some(major.to_string()),
    }
}

fn leading_number(text: &str) -> Option<u32> {
    text.split('.')
        .next()
        .filter(|p| is_number(p))?
        .parse()
        .ok()
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_with(vars: &[(&str, &str)], file: Option<&str>) -> Detection {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("DBR_VERSION");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        detect_from(&|name| vars.get(name).cloned(), &path)
    }

    fn platform(vars: &[(&str, &str)]) -> Platform {
        detect_with(vars, None).platform
    }

    #[test]
    fn serverless_environments() {
        for (text, env) in [
            ("client.1.13", 1),
            ("client.2.5", 2),
            ("client.4.9", 4),
            ("client.5", 5),
        ] {
            assert_eq!(
                platform(&[(RUNTIME_VERSION_VAR, text)]),
                Platform::Serverless {
                    environment: Some(env)
                },
                "{text}"
            );
        }
    }

    #[test]
    fn a_client_runtime_of_10_or_more_is_not_an_environment() {
        assert_eq!(
            platform(&[(RUNTIME_VERSION_VAR, "client.14.3.x-scala2.12")]),
            Platform::Classic {
                runtime: Some("14.3".into())
            }
        );
        assert_eq!(
            platform(&[
                (RUNTIME_VERSION_VAR, "client.14.3.x-scala2.12"),
                ("IS_SERVERLESS", "TRUE")
            ]),
            Platform::Serverless { environment: None }
        );
    }

    #[test]
    fn classic_runtimes() {
        for (text, runtime) in [
            ("15.4", "15.4"),
            ("13.3.x-scala2.12", "13.3"),
            ("14.3.x-cpu-ml-scala2.12", "14.3"),
        ] {
            assert_eq!(
                platform(&[(RUNTIME_VERSION_VAR, text)]),
                Platform::Classic {
                    runtime: Some(runtime.into())
                },
                "{text}"
            );
        }
    }

    #[test]
    fn the_dbr_version_file_stands_in_for_the_variable() {
        let found = detect_with(&[], Some("16.4\n"));
        assert_eq!(
            found.platform,
            Platform::Classic {
                runtime: Some("16.4".into())
            }
        );
        assert!(found.source.unwrap().ends_with("DBR_VERSION"));
        // The variable wins over the file.
        let found = detect_with(&[(RUNTIME_VERSION_VAR, "client.2.5")], Some("16.4"));
        assert_eq!(
            found.platform,
            Platform::Serverless {
                environment: Some(2)
            }
        );
    }

    #[test]
    fn hints_alone() {
        assert_eq!(platform(&[]), Platform::Local);
        assert_eq!(platform(&[("POD_NAME", "p-1")]), Platform::Local);
        assert_eq!(
            platform(&[("DB_INSTANCE_TYPE", "m5d.large")]),
            Platform::Classic { runtime: None }
        );
        let found = detect_with(&[("IS_SERVERLESS", "TRUE"), ("POD_NAME", "p-1")], None);
        assert_eq!(found.platform, Platform::Serverless { environment: None });
        assert_eq!(found.hints.len(), 2);
    }
}
