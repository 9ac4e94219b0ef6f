//! The Java helper's settings (`jvm::setup::JvmSettings`): what the flags
//! said, the resolved run settings, and the repository a missing JAR set
//! comes from.

use std::time::Duration;

use super::run::{resolve_here, Overrides, RunSettings};
use crate::jvm::setup::JvmSettings;

/// The Java settings: flags, else `PYFORGE_*` variables, else the defaults
/// of the platform pyforge runs on. A variable that does not parse is an
/// error naming it.
pub fn jvm_settings(overrides: &Overrides) -> Result<JvmSettings, String> {
    let run = resolve_here(overrides)?;
    Ok(jvm_settings_from(overrides, run))
}

/// The Java settings for already resolved run settings.
pub fn jvm_settings_from(overrides: &Overrides, run: RunSettings) -> JvmSettings {
    JvmSettings {
        java: overrides.java.clone(),
        jars_dir: overrides.jars_dir.clone(),
        heap_mb: run.memory_limit_mb.value,
        retries: run.retries.value,
        timeout: Duration::from_secs(run.timeout_secs.value),
        temp_dir: run.temp_dir.value,
        offline: overrides.offline,
        repo: super::maven::repository(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::databricks::defaults::defaults_for;
    use crate::databricks::machine::Machine;
    use crate::databricks::platform::Platform;

    #[test]
    fn flags_and_run_settings_make_the_java_settings() {
        let overrides = Overrides {
            retries: Some(5),
            offline: true,
            ..Overrides::default()
        };
        let defaults = defaults_for(&Platform::Local, &Machine::probe());
        let run = crate::settings::resolve(&overrides, &|_| None, &defaults).unwrap();
        let settings = jvm_settings_from(&overrides, run);
        assert_eq!(settings.retries, 5);
        assert_eq!(settings.heap_mb, 1024);
        assert_eq!(settings.timeout, Duration::from_secs(300));
        assert!(settings.offline);
    }
}
