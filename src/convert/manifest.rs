//! A small manifest written beside each complete output, so a scheduled run
//! with `--skip-existing` can tell an up-to-date output from a stale one.
//!
//! `out.parquet` (or the folder `db_parquet/`) gets
//! `.out.parquet.pyforge.json`: hidden, so Spark and Auto Loader never list
//! it, and written last (all or nothing, under a temporary name), so its
//! presence means the output is complete. A directory's manifest lists the
//! files pyforge wrote in it, which is how `--force` tells its own earlier
//! output from a folder that holds someone else's files (`ownership`).
//!
//! ```json
//! { "schema_version": 1, "pyforge_version": "2.0.0-dev.1", "output": "db_parquet",
//!   "input": { "name": "db.mdb", "size": 1234, "mtime_ns": 1732540000000000000,
//!              "sha256": "…" },
//!   "files": ["Orders.parquet", "Customers.parquet"] }
//! ```
//!
//! An output is up to date when its manifest names an input of the same
//! size and either the same modification time or, when the time differs
//! (a copy onto a volume changes it) and the manifest holds one, the same
//! SHA-256. The hash is computed only with `--skip-existing`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::files::{sha256_file, write_atomic};

/// What a manifest says about an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    schema_version: u32,
    pyforge_version: String,
    output: String,
    input: InputFacts,
    /// For a directory: the names of the files written in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    files: Option<Vec<String>>,
}

impl Manifest {
    /// The file name of the input the output was converted from.
    pub fn input_name(&self) -> &str {
        &self.input.name
    }

    /// Whether pyforge wrote the entry `name` of a directory output. A
    /// manifest older than the file lists vouches for Parquet files only.
    pub fn lists_file(&self, name: &str) -> bool {
        match &self.files {
            Some(files) => files.iter().any(|f| f == name),
            None => name.ends_with(".parquet"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InputFacts {
    name: String,
    size: u64,
    mtime_ns: u128,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

/// How an existing output compares with its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Written by pyforge from this very input.
    UpToDate,
    /// Written by pyforge from an input that has changed since.
    Stale,
    /// No (readable) manifest: not known to be pyforge's.
    Unknown,
}

/// The manifest's path for `output`.
pub fn path_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.pyforge.json"))
}

/// Writes the manifest of `output`, converted from `input` (hashing it when
/// `hash`), listing the files of a directory output. All or nothing: an old
/// manifest stays whole when this fails.
pub fn write(output: &Path, input: &Path, hash: bool) -> std::io::Result<()> {
    let files = if output.is_dir() {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(output)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Some(names)
    } else {
        None
    };
    let manifest = Manifest {
        schema_version: 1,
        pyforge_version: env!("CARGO_PKG_VERSION").to_string(),
        output: output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        input: facts(input, hash)?,
        files,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
    bytes.push(b'\n');
    write_atomic(&path_for(output), &bytes)
}

/// The manifest of `output`, if it has a readable one.
pub fn read(output: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(path_for(output)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Compares an existing `output` with `input` through its manifest.
pub fn freshness(output: &Path, input: &Path) -> Freshness {
    let Some(manifest) = read(output) else {
        return Freshness::Unknown;
    };
    if manifest.input.name != file_name(input) {
        return Freshness::Unknown;
    }
    if !output.exists() {
        return Freshness::Unknown;
    }
    let Ok(now) = facts(input, false) else {
        return Freshness::Stale;
    };
    let then = &manifest.input;
    if now.size != then.size {
        return Freshness::Stale;
    }
    if now.mtime_ns == then.mtime_ns {
        return Freshness::UpToDate;
    }
    match (&then.sha256, sha256_file(input)) {
        (Some(old), Ok(new)) if *old == new => Freshness::UpToDate,
        _ => Freshness::Stale,
    }
}

fn facts(input: &Path, hash: bool) -> std::io::Result<InputFacts> {
    let meta = std::fs::metadata(input)?;
    let mtime_ns = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(InputFacts {
        name: file_name(input),
        size: meta.len(),
        mtime_ns,
        sha256: if hash {
            Some(sha256_file(input)?)
        } else {
            None
        },
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn set_mtime(path: &Path, time: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[test]
    fn a_manifest_tells_up_to_date_from_stale() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let output = dir.path().join("in.parquet");
        std::fs::write(&input, "a\n1\n").unwrap();
        std::fs::write(&output, "parquet").unwrap();
        assert_eq!(freshness(&output, &input), Freshness::Unknown);

        write(&output, &input, true).unwrap();
        assert!(path_for(&output).ends_with(".in.parquet.pyforge.json"));
        assert_eq!(freshness(&output, &input), Freshness::UpToDate);

        // Copied elsewhere (new time, same bytes): the hash says up to date.
        set_mtime(&input, SystemTime::now() + Duration::from_secs(60));
        assert_eq!(freshness(&output, &input), Freshness::UpToDate);

        // Changed, same size.
        std::fs::write(&input, "a\n2\n").unwrap();
        assert_eq!(freshness(&output, &input), Freshness::Stale);

        // Without a hash, a new time alone makes it stale.
        write(&output, &input, false).unwrap();
        assert_eq!(freshness(&output, &input), Freshness::UpToDate);
        set_mtime(&input, SystemTime::now() + Duration::from_secs(120));
        assert_eq!(freshness(&output, &input), Freshness::Stale);

        // A missing output is never up to date.
        std::fs::remove_file(&output).unwrap();
        assert_eq!(freshness(&output, &input), Freshness::Unknown);
    }
}
