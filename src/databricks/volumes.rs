//! Unity Catalog volumes: `dbfs:/Volumes/<catalog>/<schema>/<volume>/...`
//! and `/Volumes/...` name files on a FUSE mount that reads sequentially and
//! writes only whole files in order: no append, random write, hard link or
//! rename. `PYFORGE_VOLUMES_ROOT` stands in for `/Volumes` (tests, or a
//! mount elsewhere).
//!
//! This module maps the spellings to a local path, checks that the catalog,
//! schema and volume exist, and copies whole files in and out; staging
//! decisions are `convert::staging`'s.

use std::path::{Component, Path, PathBuf};

use crate::env_vars;

/// Where volumes are mounted on Databricks.
pub const VOLUMES_MOUNT: &str = "/Volumes";

/// Why a volume path is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VolumeError {
    #[error("{path}: a volume path is /Volumes/<catalog>/<schema>/<volume>/...")]
    Incomplete { path: String },
    #[error("{path}: no catalog `{catalog}` under {root} (or no permission to use it)")]
    NoCatalog {
        path: String,
        catalog: String,
        root: String,
    },
    #[error("{path}: no schema `{schema}` in catalog `{catalog}` (or no permission to use it)")]
    NoSchema {
        path: String,
        catalog: String,
        schema: String,
    },
    #[error("{path}: no volume `{volume}` in `{catalog}.{schema}` (or no permission to use it)")]
    NoVolume {
        path: String,
        catalog: String,
        schema: String,
        volume: String,
    },
}

/// The local folder that `/Volumes` stands for.
pub fn volumes_root() -> PathBuf {
    std::env::var_os(env_vars::PYFORGE_VOLUMES_ROOT)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(VOLUMES_MOUNT))
}

/// A path as given (`dbfs:/Volumes/...`, `/Volumes/...` or anything else)
/// → the local path to use, with the volume checked when it is on one.
/// Other paths come back unchanged.
pub fn local_path(given: &Path) -> Result<PathBuf, VolumeError> {
    let root = volumes_root();
    let Some(rest) = volume_relative(given) else {
        return Ok(given.to_path_buf());
    };
    let parts: Vec<String> = rest
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let shown = given.display().to_string();
    let [catalog, schema, volume, ..] = parts.as_slice() else {
        return Err(VolumeError::Incomplete { path: shown });
    };
    if !root.join(catalog).is_dir() {
        return Err(VolumeError::NoCatalog {
            path: shown,
            catalog: catalog.clone(),
            root: VOLUMES_MOUNT.into(),
        });
    }
    if !root.join(catalog).join(schema).is_dir() {
        return Err(VolumeError::NoSchema {
            path: shown,
            catalog: catalog.clone(),
            schema: schema.clone(),
        });
    }
    if !root.join(catalog).join(schema).join(volume).is_dir() {
        return Err(VolumeError::NoVolume {
            path: shown,
            catalog: catalog.clone(),
            schema: schema.clone(),
            volume: volume.clone(),
        });
    }
    Ok(root.join(rest))
}

/// The part after `/Volumes/` of a volume path in any spelling (including
/// a path already under `PYFORGE_VOLUMES_ROOT`), or `None`.
fn volume_relative(given: &Path) -> Option<PathBuf> {
    let text = given.to_str()?;
    let text = text.strip_prefix("dbfs:").unwrap_or(text);
    if let Some(rest) = text.strip_prefix("/Volumes/") {
        return Some(PathBuf::from(rest));
    }
    let root = volumes_root();
    if root != Path::new(VOLUMES_MOUNT) {
        if let Ok(rest) = Path::new(text).strip_prefix(&root) {
            return Some(rest.to_path_buf());
        }
    }
    None
}

/// Whether a (local) path lies on a volume.
pub fn is_on_volume(path: &Path) -> bool {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    absolute.starts_with(volumes_root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_off_volumes_are_unchanged() {
        assert_eq!(
            local_path(Path::new("data/a.csv")).unwrap(),
            Path::new("data/a.csv")
        );
        assert_eq!(
            local_path(Path::new("/tmp/Volumes/a.csv")).unwrap(),
            Path::new("/tmp/Volumes/a.csv")
        );
    }

    #[test]
    fn an_incomplete_volume_path_is_an_error() {
        for path in ["/Volumes/main", "dbfs:/Volumes/main/sales"] {
            assert_eq!(
                local_path(Path::new(path)),
                Err(VolumeError::Incomplete { path: path.into() })
            );
        }
    }
}
