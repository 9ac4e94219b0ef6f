//! A small manifest written beside each complete output, so a scheduled run
//! with `--skip-existing` can tell an up-to-date output from a stale one.
//!
//! `out.parquet` (or the folder `db_parquet/`) gets
//! `.out.parquet.pyforge.json`: hidden, so Spark and Auto Loader never list
//! it, and written last, so its presence means the output is complete.
//!
//! ```json
//! { "schema_version": 1, "pyforge_version": "0.1.0", "output": "out.parquet",
//!   "input": { "name": "in.csv", "size": 1234, "mtime_ns": 1732540000000000000,
//!              "sha256": "…" } }
//! ```
//!
//! An output is up to date when its manifest names an input of the same
//! size and either the same modification time or, when the time differs
//! (a copy onto a volume changes it) and the manifest holds one, the same
//! SHA-256. The hash is computed only with `--skip-existing`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::databricks::volumes::write_whole;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Manifest {
    schema_version: u32,
    pyforge_version: String,
    output: String,
    input: InputFacts,
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
/// `hash`). Written as one new file front to back, which volumes allow.
pub fn write(output: &Path, input: &Path, hash: bool) -> std::io::Result<()> {
    let manifest = Manifest {
        schema_version: 1,
        pyforge_version: env!("CARGO_PKG_VERSION").to_string(),
        output: output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        input: facts(input, hash)?,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
    bytes.push(b'\n');
    write_whole(&path_for(output), &bytes)
}

/// Compares an existing `output` with `input` through its manifest.
pub fn freshness(output: &Path, input: &Path) -> Freshness {
    let Some(manifest) = std::fs::read(path_for(output))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
    else {
        return Freshness::Unknown;
    };
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
    match (&then.sha256, crate::digest::sha256_file(input)) {
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
        name: input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size: meta.len(),
        mtime_ns,
        sha256: if hash {
            Some(crate::digest::sha256_file(input)?)
        } else {
            None
        },
    })
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
