//! Everything `env-info` says about where pyforge runs: the platform, the
//! `python3` version, what this process may do (read volumes, start
//! subprocesses, write its temp dir, and how much room there is) and the
//! effective settings with where each came from.

use std::path::PathBuf;

use serde::Serialize;

use super::defaults::defaults_for;
use super::machine::{self, Machine};
use super::platform::{self, Detection};
use super::volumes;
use crate::settings::{self, Overrides, RunSettings};

/// The environment as found.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    pub platform: Detection,
    pub python3: Option<String>,
    pub memory_mb: Option<u64>,
    pub capabilities: Capabilities,
    pub settings: RunSettings,
}

#[derive(Debug, Clone, Serialize)]
pub struct Capabilities {
    pub volumes: VolumesCheck,
    pub subprocesses: Check,
    /// Filled in by whoever looks for Java (`env-info`).
    pub java: Option<Check>,
    pub temp_dir: TempDirCheck,
}

/// Something that works, or why not.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<Result<(), String>> for Check {
    fn from(result: Result<(), String>) -> Check {
        Check {
            ok: result.is_ok(),
            error: result.err(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VolumesCheck {
    /// The folder standing for `/Volumes`.
    pub root: PathBuf,
    pub mounted: bool,
    pub readable: bool,
    /// Catalogs visible under the root (at most 20 listed).
    pub catalogs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TempDirCheck {
    pub path: PathBuf,
    pub writable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub free_bytes: Option<u64>,
}

/// Either the settings, or why they could not be resolved (a bad variable).
pub type Resolved = Result<Environment, String>;

/// Probes this process's environment, resolving the settings from `overrides`.
pub fn probe(overrides: &Overrides) -> Resolved {
    let detection = platform::detect();
    let machine = Machine::probe();
    let defaults = defaults_for(&detection.platform, &machine);
    let settings = settings::resolve(overrides, &|name| std::env::var(name).ok(), &defaults)?;
    let (subprocesses, python3) = machine::probe_subprocess();
    let temp = settings.temp_dir.value.clone();
    let writable = machine::is_writable_dir(&temp);
    Ok(Environment {
        platform: detection,
        python3,
        memory_mb: machine.memory_mb,
        capabilities: Capabilities {
            volumes: volumes_check(),
            subprocesses: subprocesses.into(),
            java: None,
            temp_dir: TempDirCheck {
                free_bytes: machine::free_bytes(&temp),
                path: temp,
                writable: writable.is_ok(),
                error: writable.err(),
            },
        },
        settings,
    })
}

fn volumes_check() -> VolumesCheck {
    let root = volumes::volumes_root();
    match std::fs::read_dir(&root) {
        Ok(entries) => {
            let mut catalogs: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            catalogs.sort();
            catalogs.truncate(20);
            VolumesCheck {
                mounted: true,
                readable: true,
                root,
                catalogs,
            }
        }
        Err(_) => VolumesCheck {
            mounted: root.is_dir(),
            readable: false,
            root,
            catalogs: Vec::new(),
        },
    }
}
