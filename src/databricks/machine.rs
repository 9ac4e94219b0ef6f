//! Facts about this machine that settings and `env-info` need: memory (the
//! cgroup limit when there is one, as in Databricks containers), the system
//! temp dir, Databricks' local disk, free space, whether subprocesses run,
//! and the `python3` version.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What sizing decisions look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Memory available to this process, MiB.
    pub memory_mb: Option<u64>,
    pub system_temp: PathBuf,
    /// Databricks' local SSD (`/local_disk0`) is there.
    pub local_disk0: bool,
}

impl Machine {
    pub fn probe() -> Machine {
        Machine {
            memory_mb: memory_mb(),
            system_temp: std::env::temp_dir(),
            local_disk0: Path::new("/local_disk0").is_dir(),
        }
    }
}

/// The smaller of the machine's memory (`/proc/meminfo`) and the cgroup's
/// limit, MiB.
pub fn memory_mb() -> Option<u64> {
    let total_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?;
    let total = total_kb / 1024;
    let limit = [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|p| std::fs::read_to_string(p).ok()?.trim().parse::<u64>().ok())
    .map(|bytes| bytes / (1024 * 1024));
    Some(limit.map_or(total, |l| l.min(total)))
}

/// Free bytes for an unprivileged user on the file system holding `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c_path` is a valid C string and `stat` a place for the result.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::unnecessary_cast)] // u32 or u64 by platform
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// Whether files can be created in `dir`; a missing `dir` is created on
/// first use, so then its nearest existing parent must be writable.
pub fn is_writable_dir(dir: &Path) -> Result<(), String> {
    let existing = dir
        .ancestors()
        .find(|a| a.is_dir())
        .ok_or_else(|| format!("no existing parent of {}", dir.display()))?;
    tempfile::tempfile_in(existing)
        .map(drop)
        .map_err(|e| format!("{}: {e}", existing.display()))
}

/// Whether this process may start others (some sandboxes forbid it), and
/// the `python3` version when there is one.
pub fn probe_subprocess() -> (Result<(), String>, Option<String>) {
    match Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            let version = text
                .trim()
                .strip_prefix("Python ")
                .map(str::to_string)
                .filter(|_| out.status.success());
            (Ok(()), version)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // No python3: try something every Unix has.
            let ran = Command::new("sh")
                .args(["-c", "exit 0"])
                .status()
                .map(drop)
                .map_err(|e| e.to_string());
            (ran, None)
        }
        Err(e) => (Err(e.to_string()), None),
    }
}
