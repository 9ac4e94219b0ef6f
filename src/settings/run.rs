//! The run settings that depend on where pyforge runs (the Java helper's
//! heap, the temp dir, the timeout and the retries), each resolved from a
//! flag, else its `PYFORGE_*` variable, else the platform's default
//! (`databricks::defaults`), and remembered with where it came from so
//! `env-info` can say.

use std::path::PathBuf;

use serde::Serialize;

use super::parse;
use super::sources::{pick, Setting};
use crate::databricks::defaults::{defaults_for, Defaults};
use crate::databricks::machine::Machine;
use crate::env_vars;

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

/// What the Java side's flags said (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--memory-limit`, MiB.
    pub memory_limit_mb: Option<u64>,
    /// `--temp-dir`.
    pub temp_dir: Option<PathBuf>,
    /// `--timeout`, seconds.
    pub timeout_secs: Option<u64>,
    /// `--retries`.
    pub retries: Option<u32>,
    /// `--java` (`jvm::java` looks at `PYFORGE_JAVA` and the rest).
    pub java: Option<PathBuf>,
    /// `--jars-dir` (`crate::home` looks at the variables).
    pub jars_dir: Option<PathBuf>,
    /// `--offline` (or `PYFORGE_OFFLINE`, read by clap).
    pub offline: bool,
}

/// Resolves the settings for this process: its platform, its machine, its
/// environment variables.
pub fn resolve_here(overrides: &Overrides) -> Result<RunSettings, String> {
    let platform = crate::databricks::platform::detect().platform;
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
            parse::memory_mb,
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
            parse::positive_secs,
            defaults.timeout_secs,
            defaults.source,
        )?,
        retries: pick(
            overrides.retries,
            var,
            env_vars::PYFORGE_RETRIES,
            parse::whole_number,
            defaults.retries,
            defaults.source,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Source;
    use super::*;
    use crate::databricks::platform::Platform;
    use std::collections::BTreeMap;

    fn machine() -> Machine {
        Machine {
            memory_mb: Some(32 * 1024),
            system_temp: PathBuf::from("/tmp"),
            local_disk0: true,
        }
    }

    #[test]
    fn flags_beat_variables_beat_defaults() {
        let defaults = defaults_for(
            &Platform::Serverless {
                environment: Some(2),
            },
            &machine(),
        );
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
        let defaults = defaults_for(&Platform::Local, &machine());
        let var = |name: &str| (name == env_vars::PYFORGE_TIMEOUT).then(|| "soon".to_string());
        let error = resolve(&Overrides::default(), &var, &defaults).unwrap_err();
        assert!(error.starts_with("PYFORGE_TIMEOUT: "), "{error}");
        let var = |name: &str| (name == env_vars::PYFORGE_RETRIES).then(|| "x".to_string());
        let error = resolve(&Overrides::default(), &var, &defaults).unwrap_err();
        assert_eq!(error, "PYFORGE_RETRIES: `x` is not a whole number");
    }
}
