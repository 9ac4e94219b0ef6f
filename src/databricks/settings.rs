//! The run settings that depend on where pyforge runs (the Java helper's
//! heap, the temp dir, the timeout and the retries), each resolved from a
//! flag, else its `PYFORGE_*` variable, else the platform's default, and
//! remembered with where it came from so `env-info` can say.
//!
//! | platform | heap | temp dir | timeout | retries |
//! |---|---|---|---|---|
//! | local or unknown | 1g | the system temp dir | 300 s | 3 |
//! | serverless environment 1 | 2g | /local_disk0/tmp | 300 s | 3 |
//! | serverless environment 2 | 4g | /local_disk0/tmp | 600 s | 5 |
//! | later environments, classic | a quarter of the memory, 1g to 8g | /local_disk0/tmp if present | 600 s | 5 |

use std::path::PathBuf;

use serde::Serialize;

use super::machine::Machine;
use super::platform::Platform;
use crate::env_vars;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// pyforge's built-in default (local machines).
    Default,
    /// The default for the detected Databricks environment.
    Environment,
    /// A `PYFORGE_*` variable.
    Variable,
    /// A command-line flag.
    Flag,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The resolved settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSettings {
    /// The Java helper's heap, MiB.
    pub memory_limit_mb: Setting<u64>,
    /// Local scratch space: the helper's `java.io.tmpdir` and staging copies
    /// of volume files.
    pub temp_dir: Setting<PathBuf>,
    /// Seconds one attempt at a database may take.
    pub timeout_secs: Setting<u64>,
    pub retries: Setting<u32>,
}

/// What the flags said (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub memory_limit_mb: Option<u64>,
    pub temp_dir: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    pub retries: Option<u32>,
}

/// The platform defaults, before flags and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    pub memory_limit_mb: u64,
    pub temp_dir: PathBuf,
    pub timeout_secs: u64,
    pub retries: u32,
    /// `Default` on a local machine, `Environment` on Databricks.
    pub source: Source,
}

/// Databricks' local SSD scratch folder.
pub const LOCAL_DISK_TMP: &str = "/local_disk0/tmp";

/// The defaults for `platform` on `machine`.
pub fn defaults_for(platform: &Platform, machine: &Machine) -> Defaults {
    let databricks_tmp = || {
        if machine.local_disk0 {
            PathBuf::from(LOCAL_DISK_TMP)
        } else {
            machine.system_temp.clone()
        }
    };
    let sized = || Defaults {
        memory_limit_mb: heap_for_memory(machine.memory_mb),
        temp_dir: databricks_tmp(),
        timeout_secs: 600,
        retries: 5,
        source: Source::Environment,
    };
    match platform {
        Platform::Local => Defaults {
            memory_limit_mb: 1024,
            temp_dir: machine.system_temp.clone(),
            timeout_secs: 300,
            retries: 3,
            source: Source::Default,
        },
        Platform::Serverless {
            environment: Some(1),
        } => Defaults {
            memory_limit_mb: 2048,
            temp_dir: PathBuf::from(LOCAL_DISK_TMP),
            timeout_secs: 300,
            retries: 3,
            source: Source::Environment,
        },
        Platform::Serverless {
            environment: Some(2),
        } => Defaults {
            memory_limit_mb: 4096,
            temp_dir: PathBuf::from(LOCAL_DISK_TMP),
            timeout_secs: 600,
            retries: 5,
            source: Source::Environment,
        },
        Platform::Serverless { .. } | Platform::Classic { .. } => sized(),
    }
}

/// A quarter of the machine's memory, between 1g and 8g, in steps of 256m
/// (the helper streams; only `--engine ucanaccess` holds whole databases).
fn heap_for_memory(memory_mb: Option<u64>) -> u64 {
    let quarter = memory_mb.map_or(1024, |m| m / 4);
    (quarter / 256 * 256).clamp(1024, 8192)
}

/// Resolves the settings for this process: its platform, its machine, its
/// environment variables.
pub fn resolve_here(overrides: &Overrides) -> Result<RunSettings, String> {
    let platform = super::platform::detect().platform;
    let defaults = defaults_for(&platform, &Machine::probe());
    resolve(overrides, &|name| std::env::var(name).ok(), &defaults)
}

/// Resolves every setting: the flag, else the variable, else the default.
/// A variable that does not parse is an error naming it.
pub fn resolve(
    overrides: &Overrides,
    var: &dyn Fn(&str) -> Option<String>,
    defaults: &Defaults,
) -> Result<RunSettings, String> {
    Ok(RunSettings {
        memory_limit_mb: pick(
            overrides.memory_limit_mb,
            var,
            env_vars::PYFORGE_MEMORY_LIMIT,
            crate::jvm::setup::parse_memory_mb,
            defaults.memory_limit_mb,
            defaults.source,
        )?,
        temp_dir: pick(
            overrides.temp_dir.clone(),
            var,
            env_vars::PYFORGE_TEMP_DIR,
            |t| Ok(PathBuf::from(t)),
            defaults.temp_dir.clone(),
            defaults.source,
        )?,
        timeout_secs: pick(
            overrides.timeout_secs,
            var,
            env_vars::PYFORGE_TIMEOUT,
            parse_positive,
            defaults.timeout_secs,
            defaults.source,
        )?,
        retries: pick(
            overrides.retries,
            var,
            env_vars::PYFORGE_RETRIES,
            |t| {
                t.trim()
                    .parse()
                    .map_err(|_| format!("`{t}` is not a whole number"))
            },
            defaults.retries,
            defaults.source,
        )?,
    })
}

fn pick<T>(
    flag: Option<T>,
    var: &dyn Fn(&str) -> Option<String>,
    name: &str,
    parse: impl Fn(&str) -> Result<T, String>,
    default: T,
    default_source: Source,
) -> Result<Setting<T>, String> {
    if let Some(value) = flag {
        return Ok(Setting {
            value,
            source: Source::Flag,
        });
    }
    match var(name).filter(|v| !v.trim().is_empty()) {
        Some(text) => Ok(Setting {
            value: parse(&text).map_err(|e| format!("{name}: {e}"))?,
            source: Source::Variable,
        }),
        None => Ok(Setting {
            value: default,
            source: default_source,
        }),
    }
}

fn parse_positive(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of seconds above 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn machine(memory_gb: u64, local_disk0: bool) -> Machine {
        Machine {
            memory_mb: Some(memory_gb * 1024),
            system_temp: PathBuf::from("/tmp"),
            local_disk0,
        }
    }

    fn serverless(environment: u32) -> Platform {
        Platform::Serverless {
            environment: Some(environment),
        }
    }

    #[test]
    fn defaults_per_environment() {
        let m = machine(32, true);
        let d = defaults_for(&serverless(1), &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (2048, LOCAL_DISK_TMP, 300, 3)
        );
        let d = defaults_for(&serverless(2), &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (4096, LOCAL_DISK_TMP, 600, 5)
        );
        let d = defaults_for(&Platform::Local, &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (1024, "/tmp", 300, 3)
        );
        assert_eq!(d.source, Source::Default);
        // Later environments and classic compute: sized from the memory.
        let d = defaults_for(&serverless(4), &m);
        assert_eq!((d.memory_limit_mb, d.source), (8192, Source::Environment));
        let d = defaults_for(&Platform::Classic { runtime: None }, &machine(14, false));
        assert_eq!(
            (d.memory_limit_mb, d.temp_dir.to_str().unwrap()),
            (3584, "/tmp")
        );
        let d = defaults_for(&Platform::Classic { runtime: None }, &machine(2, true));
        assert_eq!(
            (d.memory_limit_mb, d.temp_dir.to_str().unwrap()),
            (1024, LOCAL_DISK_TMP)
        );
    }

    #[test]
    fn flags_beat_variables_beat_defaults() {
        let defaults = defaults_for(&serverless(2), &machine(32, true));
        let vars: BTreeMap<&str, &str> = [
            (env_vars::PYFORGE_TIMEOUT, "900"),
            (env_vars::PYFORGE_RETRIES, "7"),
        ]
        .into();
        let var = |name: &str| vars.get(name).map(|v| v.to_string());
        let overrides = Overrides {
            retries: Some(1),
            ..Overrides::default()
        };
        let s = resolve(&overrides, &var, &defaults).unwrap();
        assert_eq!(
            s.retries,
            Setting {
                value: 1,
                source: Source::Flag
            }
        );
        assert_eq!(
            s.timeout_secs,
            Setting {
                value: 900,
                source: Source::Variable
            }
        );
        assert_eq!(
            s.memory_limit_mb,
            Setting {
                value: 4096,
                source: Source::Environment
            }
        );
    }

    #[test]
    fn a_bad_variable_is_an_error_naming_it() {
        let defaults = defaults_for(&Platform::Local, &machine(8, false));
        let var = |name: &str| (name == env_vars::PYFORGE_TIMEOUT).then(|| "soon".to_string());
        let error = resolve(&Overrides::default(), &var, &defaults).unwrap_err();
        assert!(error.starts_with("PYFORGE_TIMEOUT: "), "{error}");
    }
}
