//! The Java helper's jar, embedded in the binary, and the one place that
//! writes it to disk.
//!
//! `build.rs` compiles `java-helper/` with `javac --release 8` and packs the
//! classes into a deterministic jar (same sources, same bytes); this module
//! carries those bytes and their SHA-256. The JVM needs a file on its
//! classpath, so [`install`] writes the jar once into a cache folder named
//! after its hash: `<cache dir>/<sha256>/pyforge-helper.jar`. Another pyforge
//! build has another hash and its own folder, so builds never overwrite each
//! other's helper, and a running helper's jar is never replaced under it.

// The supervisor (src/jvm/helper.rs, next) is the user; until it lands only
// the tests use these items.
#![allow(dead_code)]

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::files::write_atomic;

/// The helper jar as built by `build.rs`.
pub const BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pyforge-helper.jar"));

/// Lower-case hex SHA-256 of [`BYTES`], computed by `build.rs`.
pub const SHA256: &str = env!("PYFORGE_HELPER_JAR_SHA256");

/// The jar's file name inside its cache folder.
pub const FILE_NAME: &str = "pyforge-helper.jar";

/// Writing the jar into the cache failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the Java helper jar into {}: {source}", .dir.display())]
pub struct InstallError {
    /// The folder the jar was to go into.
    pub dir: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Where [`install`] puts the jar for `cache_dir`.
pub fn path_in(cache_dir: &Path) -> PathBuf {
    cache_dir.join(SHA256).join(FILE_NAME)
}

/// Makes sure `<cache_dir>/<sha256>/pyforge-helper.jar` holds exactly
/// [`BYTES`] and returns its path.
///
/// A jar already in place with the right content is left alone (the common
/// case: one comparison of a small file). Otherwise the jar is written with
/// [`write_atomic`] (a temporary file in the same folder renamed over the
/// target), so a reader never sees a partial jar and two processes
/// installing at once both end with the same complete file.
pub fn install(cache_dir: &Path) -> Result<PathBuf, InstallError> {
    let dir = cache_dir.join(SHA256);
    let target = dir.join(FILE_NAME);
    if fs::read(&target).is_ok_and(|existing| existing == BYTES) {
        return Ok(target);
    }
    let error = |source| InstallError {
        dir: dir.clone(),
        source,
    };
    fs::create_dir_all(&dir).map_err(error)?;
    write_atomic(&target, BYTES).map_err(error)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_names_the_embedded_bytes() {
        assert_eq!(
            crate::files::digest::sha256_reader(BYTES).unwrap().hex,
            SHA256
        );
        assert_eq!(SHA256.len(), 64);
    }

    #[test]
    fn the_jar_is_a_zip_with_the_main_class() {
        let mut archive = zip::ZipArchive::new(io::Cursor::new(BYTES)).expect("a zip");
        assert!(archive.by_name("dev/pyforge/helper/Main.class").is_ok());
        assert!(archive.by_name("META-INF/MANIFEST.MF").is_ok());
    }

    #[test]
    fn install_writes_once_and_repairs_a_damaged_jar() {
        let cache = tempfile::tempdir().unwrap();
        let path = install(cache.path()).unwrap();
        assert_eq!(path, path_in(cache.path()));
        assert_eq!(fs::read(&path).unwrap(), BYTES);
        let modified = fs::metadata(&path).unwrap().modified().unwrap();

        // Already in place: left alone.
        assert_eq!(install(cache.path()).unwrap(), path);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);

        // Truncated (a crash of some other writer, a full disk): rewritten.
        fs::write(&path, &BYTES[..10]).unwrap();
        install(cache.path()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), BYTES);

        // No temporary files left beside it.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
    }
}
