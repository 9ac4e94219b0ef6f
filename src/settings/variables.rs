//! Settings a `PYFORGE_*` variable alone decides (no flag of their own).

use super::parse;
use crate::env_vars;
use crate::jvm::jars::MAVEN_CENTRAL;

/// `PYFORGE_THREADS`: the threads one input may use for reading, or 0
/// (decide by the CPUs) when unset.
pub fn threads() -> Result<usize, String> {
    match std::env::var(env_vars::PYFORGE_THREADS) {
        Err(_) => Ok(0),
        Ok(text) => text
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("PYFORGE_THREADS must be a number, not `{text}`")),
    }
}

/// Whether progress bars are allowed: not when `PYFORGE_PROGRESS` is `0`,
/// `false` or `never`.
pub fn progress_allowed() -> bool {
    !std::env::var(env_vars::PYFORGE_PROGRESS).is_ok_and(|v| parse::is_off(&v))
}

/// Where a missing JAR set is downloaded from on first use:
/// `PYFORGE_MAVEN_REPO`, else Maven Central.
pub fn maven_repo() -> String {
    let given = std::env::var(env_vars::PYFORGE_MAVEN_REPO).unwrap_or_default();
    maven_repo_or_default(&given).to_string()
}

/// `given` (`--repo`, or the variable), else Maven Central: an exported but
/// empty `PYFORGE_MAVEN_REPO` means the default.
pub fn maven_repo_or_default(given: &str) -> &str {
    match given.trim() {
        "" => MAVEN_CENTRAL,
        repo => repo,
    }
}
