//! The defaults of the run settings that depend on where pyforge runs (the
//! Java helper's heap, the temp dir, the timeout and the retries), written
//! once for every platform, local machines included. `crate::settings`
//! resolves flags and `PYFORGE_*` variables over them.
//!
//! | platform | heap | temp dir | timeout | retries |
//! |---|---|---|---|---|
//! | local or unknown | 1g | the system temp dir | 300 s | 3 |
//! | serverless environment 1 | 2g | /local_disk0/tmp | 300 s | 3 |
//! | serverless environment 2 | 4g | /local_disk0/tmp | 600 s | 5 |
//! | later environments, classic | a quarter of the memory, 1g to 8g | /local_disk0/tmp if present | 600 s | 5 |

use std::path::PathBuf;

use super::machine::Machine;
use super::platform::Platform;
use crate::settings::Source;

/// The platform defaults, before flags and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    pub memory_limit_mb: u64,
    pub temp_dir: PathBuf,
    pub timeout_secs: u64,
    pub retries: u32,
    /// `Default` on a local machine, `Environment` on Databricks.
    pub source: Source,
}

/// Databricks' local SSD scratch folder.
pub const LOCAL_DISK_TMP: &str = "/local_disk0/tmp";

/// The defaults for `platform` on `machine`.
pub fn defaults_for(platform: &Platform, machine: &Machine) -> Defaults {
    let databricks_tmp = || {
        if machine.local_disk0 {
            PathBuf::from(LOCAL_DISK_TMP)
        } else {
            machine.system_temp.clone()
        }
    };
    let sized = || Defaults {
        memory_limit_mb: heap_for_memory(machine.memory_mb),
        temp_dir: databricks_tmp(),
        timeout_secs: 600,
        retries: 5,
        source: Source::Environment,
    };
    match platform {
        Platform::Local => Defaults {
            memory_limit_mb: 1024,
            temp_dir: machine.system_temp.clone(),
            timeout_secs: 300,
            retries: 3,
            source: Source::Default,
        },
        Platform::Serverless {
            environment: Some(1),
        } => Defaults {
            memory_limit_mb: 2048,
            temp_dir: PathBuf::from(LOCAL_DISK_TMP),
            timeout_secs: 300,
            retries: 3,
            source: Source::Environment,
        },
        Platform::Serverless {
            environment: Some(2),
        } => Defaults {
            memory_limit_mb: 4096,
            temp_dir: PathBuf::from(LOCAL_DISK_TMP),
            timeout_secs: 600,
            retries: 5,
            source: Source::Environment,
        },
        Platform::Serverless { .. } | Platform::Classic { .. } => sized(),
    }
}

/// A quarter of the machine's memory, between 1g and 8g, in steps of 256m
/// (the helper streams; only `--engine ucanaccess` holds whole databases).
fn heap_for_memory(memory_mb: Option<u64>) -> u64 {
    let quarter = memory_mb.map_or(1024, |m| m / 4);
    (quarter / 256 * 256).clamp(1024, 8192)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(memory_gb: u64, local_disk0: bool) -> Machine {
        Machine {
            memory_mb: Some(memory_gb * 1024),
            system_temp: PathBuf::from("/tmp"),
            local_disk0,
        }
    }

    fn serverless(environment: u32) -> Platform {
        Platform::Serverless {
            environment: Some(environment),
        }
    }

    #[test]
    fn defaults_per_environment() {
        let m = machine(32, true);
        let d = defaults_for(&serverless(1), &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (2048, LOCAL_DISK_TMP, 300, 3)
        );
        let d = defaults_for(&serverless(2), &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (4096, LOCAL_DISK_TMP, 600, 5)
        );
        let d = defaults_for(&Platform::Local, &m);
        assert_eq!(
            (
                d.memory_limit_mb,
                d.temp_dir.to_str().unwrap(),
                d.timeout_secs,
                d.retries
            ),
            (1024, "/tmp", 300, 3)
        );
        assert_eq!(d.source, Source::Default);
        // Later environments and classic compute: sized from the memory.
        let d = defaults_for(&serverless(4), &m);
        assert_eq!((d.memory_limit_mb, d.source), (8192, Source::Environment));
        let d = defaults_for(&Platform::Classic { runtime: None }, &machine(14, false));
        assert_eq!(
            (d.memory_limit_mb, d.temp_dir.to_str().unwrap()),
            (3584, "/tmp")
        );
        let d = defaults_for(&Platform::Classic { runtime: None }, &machine(2, true));
        assert_eq!(
            (d.memory_limit_mb, d.temp_dir.to_str().unwrap()),
            (1024, LOCAL_DISK_TMP)
        );
    }
}
