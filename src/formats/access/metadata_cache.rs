//! `--cache-metadata`: what `info` learns about a database (its format,
//! tables, row counts and columns) kept on disk under the SHA-256 of the
//! file's content, so the next `info` of the same bytes answers without
//! starting Java, and `convert --tables` can refuse an unknown table before
//! it starts. The cache lives beside the JAR set (`<jars dir>/access-metadata/`),
//! so a JAR cache shared on a volume shares it too. Password-protected
//! databases are never cached: their table list is not for everyone.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::describe::DatabaseInfo;
use crate::files::write_atomic;

/// One database's entry.
pub struct MetadataCache {
    file: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    pyforge_version: String,
    info: DatabaseInfo,
}

impl MetadataCache {
    /// The entry for `database` in the cache beside `jars_dir`'s JAR set;
    /// `None` when the database cannot be hashed or there is no cache dir.
    pub fn for_database(database: &Path, jars_dir: Option<&Path>) -> Option<MetadataCache> {
        let dir = crate::home::access_metadata_dir(&crate::home::jars_dir(jars_dir).ok()?);
        let key = crate::files::sha256_file(database).ok()?;
        Some(MetadataCache {
            file: dir.join(format!("{key}.json")),
        })
    }

    /// The cached description, if this pyforge wrote one.
    pub fn load(&self) -> Option<DatabaseInfo> {
        let entry: Entry = serde_json::from_slice(&std::fs::read(&self.file).ok()?).ok()?;
        (entry.pyforge_version == env!("CARGO_PKG_VERSION")).then_some(entry.info)
    }

    /// Keeps `info` (never for a password-protected database). Failing to
    /// write the cache is logged, not an error.
    pub fn store(&self, info: &DatabaseInfo) {
        if info.password_protected {
            return;
        }
        let entry = Entry {
            pyforge_version: env!("CARGO_PKG_VERSION").to_string(),
            info: info.clone(),
        };
        let written = (|| {
            std::fs::create_dir_all(self.file.parent().expect("the entry has a folder"))?;
            // All or nothing: a reader racing with the write sees the old
            // entry or the new one.
            write_atomic(
                &self.file,
                &serde_json::to_vec(&entry).expect("an entry serializes"),
            )
        })();
        if let Err(e) = written {
            tracing::warn!("cannot cache metadata in {}: {e}", self.file.display());
        }
    }
}
