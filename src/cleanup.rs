//! Child processes to kill and paths to remove if pyforge is interrupted.
//!
//! Every temporary output (a hidden file beside its target) is registered
//! here while it is being written, and every child process group (the Java
//! helper, the `java -version` probe) while it runs. The ctrl-c / SIGTERM
//! handler installed by `main.rs` calls [`remove_all`] before exiting, so an
//! interrupted run leaves no process and no half-written file behind. Normal
//! success and failure paths unregister and clean up through the owning
//! guard; these lists are only for the signal path.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
type LastWords = Box<dyn Fn() + Send>;
static LAST_WORDS: Mutex<Option<LastWords>> = Mutex::new(None);

/// What to print when interrupted, once everything is cleaned up (the
/// `--json` summary of what was done): the command layer sets it.
pub fn set_last_words(words: impl Fn() + Send + 'static) {
    *LAST_WORDS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Box::new(words));
}

/// Forgets the last words (the command finished and spoke for itself).
pub fn clear_last_words() {
    LAST_WORDS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
}

/// Runs the last words, if a command set some. Called from the signal
/// handler after [`remove_all`].
pub fn say_last_words() {
    let words = LAST_WORDS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    if let Some(words) = words {
        words();
    }
}

/// Remembers a child's process group (its leader's pid) to kill on interruption.
pub fn register_group(pgid: u32) {
    GROUPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(pgid);
}

/// Forgets a process group (it ended or was killed).
pub fn unregister_group(pgid: u32) {
    let mut groups = GROUPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(index) = groups.iter().position(|g| *g == pgid) {
        groups.swap_remove(index);
    }
}

/// Kills every process of the group `pgid`.
pub fn kill_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    if pgid > 1 {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Remembers `path` as something to delete on interruption.
pub fn register(path: &Path) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pending.push(path.to_path_buf());
}

/// Forgets `path` (it was committed or already removed).
pub fn unregister(path: &Path) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(index) = pending.iter().position(|p| p == path) {
        pending.swap_remove(index);
    }
}

/// Kills every registered process group, then removes every registered
/// path. Called from the signal handler.
pub fn remove_all() {
    let groups: Vec<u32> = GROUPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .drain(..)
        .collect();
    for pgid in groups {
        kill_group(pgid);
    }
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for path in pending.drain(..) {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}
