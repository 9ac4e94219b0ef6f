//! pyforge's own folders, decided in one place.
//!
//! pyforge's home is `PYFORGE_HOME`, else `~/.pyforge`. Everything it keeps
//! lives in the JAR cache folder (`--jars-dir`, else `PYFORGE_JARS_DIR`, else
//! `<home>/jars`), so a cache shared on a volume shares all of it:
//!
//! ```text
//! <jars dir>/ucanaccess-4.0.4-v1/   the pinned JAR set (`jvm::jars`)
//! <jars dir>/helper/<sha256>/       the helper jar of each build (`jvm::helper_jar`)
//! <jars dir>/access-metadata/       `--cache-metadata` entries (`formats::access`)
//! ```
//!
//! Empty variables count as unset.

use std::path::{Path, PathBuf};

use crate::env_vars;

/// Why pyforge's folders cannot be found.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("cannot find a home folder for the JAR cache")]
    NoHome,
    /// The folder could not be made absolute (no working directory).
    #[error("{}: {source}", .path.display())]
    Absolute {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The JAR cache folder: `explicit` (`--jars-dir`), else `PYFORGE_JARS_DIR`,
/// else `$PYFORGE_HOME/jars`, else `~/.pyforge/jars`. A relative folder is
/// made absolute, so a classpath made of it works from any working directory.
pub fn jars_dir(explicit: Option<&Path>) -> Result<PathBuf, HomeError> {
    let dir = jars_dir_as_given(explicit)?;
    std::path::absolute(&dir).map_err(|source| HomeError::Absolute { path: dir, source })
}

fn jars_dir_as_given(explicit: Option<&Path>) -> Result<PathBuf, HomeError> {
    if let Some(dir) = explicit.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = var(env_vars::PYFORGE_JARS_DIR) {
        return Ok(PathBuf::from(dir));
    }
    Ok(home()?.join("jars"))
}

/// `PYFORGE_HOME`, else `~/.pyforge`.
fn home() -> Result<PathBuf, HomeError> {
    if let Some(home) = var(env_vars::PYFORGE_HOME) {
        return Ok(PathBuf::from(home));
    }
    let user_home = var("HOME")
        .map(PathBuf::from)
        .or_else(std::env::home_dir)
        .ok_or(HomeError::NoHome)?;
    Ok(user_home.join(".pyforge"))
}

/// Where the helper jars live inside the JAR cache folder.
pub fn helper_jar_dir(jars_dir: &Path) -> PathBuf {
    jars_dir.join("helper")
}

/// Where `--cache-metadata` keeps its entries inside the JAR cache folder.
pub fn access_metadata_dir(jars_dir: &Path) -> PathBuf {
    jars_dir.join("access-metadata")
}

fn var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_folder_wins_and_is_made_absolute() {
        let dir = jars_dir(Some(Path::new("some/dir"))).unwrap();
        assert!(dir.is_absolute());
        assert!(dir.ends_with("some/dir"));
    }

    #[test]
    fn the_caches_sit_inside_the_jars_dir() {
        let jars = Path::new("/cache/jars");
        assert_eq!(helper_jar_dir(jars), Path::new("/cache/jars/helper"));
        assert_eq!(
            access_metadata_dir(jars),
            Path::new("/cache/jars/access-metadata")
        );
    }
}
