//! From settings to a runnable helper: find Java, make sure the JAR set is
//! in the cache (installing it on first use unless offline), add the add-ons
//! installed beside it, install the helper jar, and size the JVM.

use std::path::PathBuf;
use std::time::Duration;

use super::helper::HelperConfig;
use super::helper_jar;
use super::jars::{JarCache, JarsError};
use super::java::{self, Java, JavaError};
use super::retry::RetryPolicy;
use crate::progress::Progress;

/// What the user chose for the Java side (flags and `PYFORGE_*` variables),
/// as `crate::settings` resolved it.
#[derive(Debug, Clone)]
pub struct JvmSettings {
    /// `--java`.
    pub java: Option<PathBuf>,
    /// `--jars-dir`.
    pub jars_dir: Option<PathBuf>,
    /// `--memory-limit`: the helper's heap in MiB; an out-of-memory retry
    /// doubles it, up to four times this.
    pub heap_mb: u64,
    /// `--retries`.
    pub retries: u32,
    /// `--timeout`: one attempt at a database may take this long.
    pub timeout: Duration,
    /// `--temp-dir`: the helper's `java.io.tmpdir`.
    pub temp_dir: PathBuf,
    /// `--offline`: never download the JAR set.
    pub offline: bool,
    /// Where a missing JAR set is downloaded from, and through which proxy.
    pub repo: crate::settings::maven::RepositoryChoice,
}

/// The longest wait for the helper's hello (a cold JVM start on a busy
/// machine), never longer than `--timeout`.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest wait for `java -version` (also bounded by `--timeout`).
const JAVA_PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the helper cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Java(#[from] JavaError),
    #[error(transparent)]
    Jars(#[from] JarsError),
    #[error("the JAR set is not installed and --offline forbids downloading it")]
    Offline,
    #[error("cannot install the helper jar: {0}")]
    HelperJar(String),
    #[error("cannot create the temp dir {}: {source}", .dir.display())]
    TempDir {
        dir: PathBuf,
        source: std::io::Error,
    },
}

impl SetupError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SetupError::Java(e) => e.hint(),
            SetupError::Jars(e) => e.hint(),
            SetupError::Offline => {
                Some("run `pyforge jars install --from <folder holding the JAR set>` first")
            }
            SetupError::HelperJar(_) => None,
            SetupError::TempDir { .. } => {
                Some("choose another with --temp-dir or PYFORGE_TEMP_DIR")
            }
        }
    }
}

impl JvmSettings {
    /// The retry policy these settings imply.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            retries: self.retries,
            heap_mb: self.heap_mb,
            max_heap_mb: self.heap_mb * 4,
            ..RetryPolicy::default()
        }
    }

    /// The helper configuration; installs the JAR set first when it is
    /// missing (unless offline), reporting download progress to `progress`.
    pub fn helper_config(&self, progress: &dyn Progress) -> Result<HelperConfig, SetupError> {
        let java = java::find(
            self.java.as_deref(),
            self.java_probe_timeout(),
            java::Identify::ReleaseFile,
        )?;
        let cache = JarCache::ucanaccess(self.jars_dir.as_deref())?;
        let set = match cache.verified_classpath() {
            Ok(set) => set,
            Err(JarsError::NotInstalled { .. }) if self.offline => return Err(SetupError::Offline),
            Err(JarsError::NotInstalled { .. }) => {
                tracing::info!(
                    "installing the JAR set into {} from {}",
                    cache.dir().display(),
                    self.repo.url
                );
                cache.install_from_repo(&self.repo.url, self.repo.proxy.as_ref(), progress)?;
                cache.classpath()?
            }
            Err(other) => return Err(other.into()),
        };
        std::fs::create_dir_all(&self.temp_dir).map_err(|e| SetupError::TempDir {
            dir: self.temp_dir.clone(),
            source: e,
        })?;
        let jar = helper_jar::install(&helper_dir(&cache))
            .map_err(|e| SetupError::HelperJar(e.to_string()))?;
        let mut classpath = vec![jar];
        classpath.extend(std::env::split_paths(&set));
        for add_on in cache.present_add_ons() {
            classpath.extend(std::env::split_paths(&add_on.verified_classpath()?));
        }
        Ok(self.config_for(&java, classpath))
    }

    /// How long `java -version` may take.
    pub fn java_probe_timeout(&self) -> Duration {
        JAVA_PROBE_TIMEOUT.min(self.timeout)
    }

    /// The configuration for a known Java and classpath.
    pub fn config_for(&self, java: &Java, classpath: Vec<PathBuf>) -> HelperConfig {
        HelperConfig {
            program: java.path.clone(),
            program_args: vec![],
            classpath,
            heap_mb: self.heap_mb,
            temp_dir: self.temp_dir.clone(),
            handshake_timeout: HANDSHAKE_TIMEOUT.min(self.timeout),
            idle_timeout: self.timeout,
            overall_timeout: Some(self.timeout),
        }
    }
}

/// Where the helper jar lives: beside the JAR set, in `helper/<sha256>/`.
pub fn helper_dir(cache: &JarCache) -> PathBuf {
    crate::home::helper_jar_dir(cache.root())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_follows_the_settings() {
        let overrides = crate::settings::Overrides {
            memory_limit_mb: Some(2048),
            retries: Some(5),
            ..Default::default()
        };
        let settings = crate::settings::jvm_settings(&overrides).unwrap();
        let policy = settings.retry_policy();
        assert_eq!(
            (policy.retries, policy.heap_mb, policy.max_heap_mb),
            (5, 2048, 8192)
        );
    }
}
