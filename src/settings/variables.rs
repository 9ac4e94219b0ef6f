//! Settings a `PYFORGE_*` variable alone decides (no flag of their own).

use super::parse;
use crate::env_vars;

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
